internal import CCodecShim
public import Foundation
public import SobelCore

/// PNG through its own fast reader for the common case, and libpng's full API for everything else (the
/// setjmp error path lives in the C shim).
///
/// The fast reader takes 8-bit gray, gray+alpha, RGB and RGBA files that are not interlaced: it checks every
/// chunk's CRC, inflates the whole image data at once with libdeflate and unfilters the rows itself. Any
/// other file, and any file it finds the least bit unusual (a bad CRC, an unknown critical chunk, image data
/// that does not inflate to exactly the image), goes to libpng, which decodes it or names the problem. Both
/// give the same pixels (tested on PngSuite and every fixture).
///
/// Decoding follows OpenCV's `imread`: bit depths 1–16, gray, gray+alpha, RGB, RGBA and palette,
/// interlaced or not. Palettes expand to RGB, or to RGBA when they have transparency; 16-bit
/// samples keep their high byte; gray+alpha drops the alpha; `tRNS` on gray or RGB images, gamma,
/// colour-space and text chunks are ignored, so pixel values are exactly what the file stores.
public enum PNG {
    /// Which decoder reads a file.
    public enum Reader: String, Sendable, CaseIterable {
        /// The fast reader when it takes the file, else libpng.
        case fastest
        /// libpng alone (for comparisons).
        case libpng
    }

    /// Width and height from the `IHDR` chunk, read straight from the bytes, or `nil` if there is none.
    /// - Parameter data: The file's first 24 bytes or more.
    /// - Returns: The declared size.
    public static func declaredSize(_ data: some ContiguousBytes) -> (width: Int, height: Int)? {
        data.withUnsafeBytes { bytes in
            guard bytes.count >= 24, ImageFormat.detect(bytes) == .png, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
            func word(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
            return (word(16), word(20))
        }
    }

    /// Decodes a PNG.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - limits: Checked against the header before any pixel buffer is allocated.
    ///   - reader: The decoder; the fast reader when it can, by default.
    /// - Returns: A gray, RGB or RGBA image.
    /// - Throws: ``CodecError``.
    public static func decode(_ data: some ContiguousBytes, limits: DecodeLimits = .default, reader: Reader = .fastest) throws -> Image {
        try data.withUnsafeBytes { buffer in
            if reader == .fastest,
                let image = try withFastReader(
                    buffer,
                    limits: limits,
                    wholeImage
                )
            {
                return image
            }
            return try withReader(buffer, limits: limits) { reader, header in
                var image = try Image(width: Int(header.width), height: Int(header.height), channels: Int(header.channels))
                var message = ShimMessage()
                let status = image.withUnsafeMutableRows { pixels, stride in
                    message.bytes.withUnsafeMutableBufferPointer { ccodec_png_read(reader, pixels, stride, $0.baseAddress) }
                }
                guard status == CCODEC_OK else { throw CodecError(status: status, message: message.text) }
                return image
            }
        }
    }

    /// Decodes a PNG in bands of rows, handing each band over as soon as it is decoded, so that work on
    /// the first rows can start while the rest is still being inflated. Interlaced files arrive as one band.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - limits: Checked against the header before any pixel buffer is allocated.
    ///   - bandRows: Rows per band, at least 1.
    ///   - size: Called once with the width, height and channels, before the first band.
    ///   - band: Called with each band (full width) and the index of its first row, top to bottom.
    ///   - reader: The decoder; the fast reader when it can, by default (it inflates the whole image data
    ///     before the first band, then unfilters band by band).
    /// - Throws: ``CodecError`` (possibly after some bands were delivered), or what the closures throw.
    public static func decode(
        _ data: some ContiguousBytes,
        limits: DecodeLimits = .default,
        bandRows: Int,
        reader: Reader = .fastest,
        size: (_ width: Int, _ height: Int, _ channels: Int) throws -> Void,
        band: (Image, _ firstRow: Int) throws -> Void
    ) throws {
        try data.withUnsafeBytes { buffer in
            if reader == .fastest,
                try withFastReader(
                    buffer,
                    limits: limits,
                    { (fast, header) -> Void? in
                        guard try inflate(fast, into: nil) else { return nil }
                        let (width, height, channels) = (Int(header.width), Int(header.height), Int(header.channels))
                        try size(width, height, channels)
                        for firstRow in stride(from: 0, to: height, by: max(1, bandRows)) {
                            let rows = min(max(1, bandRows), height - firstRow)
                            var image = try Image(width: width, height: rows, channels: channels)
                            image.withUnsafeMutableRows { pixels, stride in ccodec_png_fast_read_rows(fast, pixels, stride, Int32(rows)) }
                            try band(image, firstRow)
                        }
                    }
                ) != nil
            {
                return
            }
            try withReader(buffer, limits: limits) { reader, header in
                let (width, height, channels) = (Int(header.width), Int(header.height), Int(header.channels))
                try size(width, height, channels)
                let interlaced = header.interlaced != 0
                let rowsPerBand = interlaced ? height : max(1, bandRows)
                for firstRow in stride(from: 0, to: height, by: rowsPerBand) {
                    let rows = min(rowsPerBand, height - firstRow)
                    var image = try Image(width: width, height: rows, channels: channels)
                    var message = ShimMessage()
                    let status = image.withUnsafeMutableRows { pixels, stride in
                        message.bytes.withUnsafeMutableBufferPointer {
                            interlaced
                                ? ccodec_png_read(reader, pixels, stride, $0.baseAddress)
                                : ccodec_png_read_rows(reader, pixels, stride, Int32(rows), $0.baseAddress)
                        }
                    }
                    guard status == CCODEC_OK else { throw CodecError(status: status, message: message.text) }
                    try band(image, firstRow)
                }
            }
        }
    }

    /// Which decoder ``decode(_:limits:reader:)`` uses for a file by default.
    /// - Parameter data: The whole file.
    /// - Returns: ``Reader/fastest`` when the fast reader takes it, ``Reader/libpng`` otherwise.
    public static func reader(for data: some ContiguousBytes) -> Reader {
        let taken = data.withUnsafeBytes { buffer in
            (try? withFastReader(buffer, limits: .default) { fast, _ in try inflate(fast, into: nil) ? true : nil }) ?? nil
        }
        return taken == true ? .fastest : .libpng
    }

    /// Checks the byte count and the size `IHDR` declares against the limits, then opens `buffer` with one of the
    /// shim's readers (the fast reader's or libpng's), which bounds each side by ``PlaneLimits/maxSide``.
    private static func open(
        _ buffer: UnsafeRawBufferPointer,
        limits: DecodeLimits,
        with opener: (UnsafePointer<UInt8>?, Int, UInt32, UnsafeMutablePointer<OpaquePointer?>, UnsafeMutablePointer<ccodec_header>) ->
            ccodec_status
    ) throws -> (status: ccodec_status, reader: OpaquePointer?, header: ccodec_header) {
        try limits.check(byteCount: buffer.count)
        if let size = declaredSize(buffer) { try limits.check(width: size.width, height: size.height) }
        var reader: OpaquePointer?
        var header = ccodec_header()
        let status = opener(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, UInt32(PlaneLimits.maxSide), &reader, &header)
        return (status, reader, header)
    }

    /// Runs `body` with the fast reader over `buffer` when the fast reader takes the file's chunks; `nil` when
    /// libpng must read it (or when `body` says so, after ``inflate(_:into:)`` found the image data unusual).
    private static func withFastReader<R>(
        _ buffer: UnsafeRawBufferPointer,
        limits: DecodeLimits,
        _ body: (OpaquePointer?, ccodec_header) throws -> R?
    ) throws -> R? {
        guard let (reader, header) = try openFastReader(buffer, limits: limits) else { return nil }
        defer { ccodec_png_fast_close(reader) }
        return try body(reader, header)
    }

    /// Opens the fast reader over `buffer` and checks the limits against its header.
    /// - Returns: The reader, to be closed with `ccodec_png_fast_close`, and its header; `nil` when libpng must
    ///   read the file.
    private static func openFastReader(_ buffer: UnsafeRawBufferPointer, limits: DecodeLimits) throws -> (OpaquePointer?, ccodec_header)? {
        let (status, reader, header) = try open(buffer, limits: limits, with: ccodec_png_fast_open)
        guard status == CCODEC_OK else {
            if status == CCODEC_NO_MEMORY { throw CodecError(status: status, message: "out of memory") }
            return nil
        }
        do {
            try limits.check(width: Int(header.width), height: Int(header.height))
        } catch {
            ccodec_png_fast_close(reader)
            throw error
        }
        return (reader, header)
    }

    /// Decodes the whole image with an open fast reader.
    /// - Returns: The image, or `nil` when the image data is unusual and libpng must read the file.
    static func wholeImage(_ fast: OpaquePointer?, _ header: ccodec_header) throws -> Image? {
        let (width, height, channels) = (Int(header.width), Int(header.height), Int(header.channels))
        guard ccodec_png_fast_source_channels(fast) == channels else {
            // Gray+alpha: unfiltered in a buffer of the reader's own, the gray copied out.
            guard try inflate(fast, into: nil) else { return nil }
            var image = try Image(width: width, height: height, channels: channels)
            image.withUnsafeMutableRows { pixels, stride in ccodec_png_fast_read_rows(fast, pixels, stride, header.height) }
            return image
        }
        // Inflated into the image's own storage (one filter byte more per row) and unfiltered in place: the
        // decoded image is the only image-sized buffer.
        var image = try Image(width: width, height: height, channels: channels, uninitializedWithSlack: height)
        guard try image.withUnsafeMutableRows({ pixels, _ in try inflate(fast, into: pixels) }) else { return nil }
        ccodec_png_fast_unfilter_in_place(fast)
        return image
    }

    /// Decodes a PNG whose bytes the caller gives up: when the fast reader takes the file, its image data is
    /// copied out and `data` is set to `nil` (releasing the file's bytes, if nothing else holds them) before the
    /// image is allocated, so the file and the image are not both held while the image inflates.
    /// - Parameters:
    ///   - data: The whole file; `nil` afterwards when it was released.
    ///   - limits: Checked before any pixel buffer is allocated.
    /// - Returns: The image, or `nil` when the whole-file readers must decode the file (from `data` when it is
    ///   still there, else from its bytes read again).
    /// - Throws: ``CodecError``.
    static func decode(releasing data: inout Data?, limits: DecodeLimits) throws -> Image? {
        guard data != nil else { return nil }
        let opened = try data!.withUnsafeBytes { buffer -> (OpaquePointer?, ccodec_header)? in
            guard let (reader, header) = try openFastReader(buffer, limits: limits) else { return nil }
            guard ccodec_png_fast_take_image_data(reader) != 0 else {  // while the file's bytes are still there
                ccodec_png_fast_close(reader)
                throw CodecError(status: CCODEC_NO_MEMORY, message: "out of memory")
            }
            return (reader, header)
        }
        guard let (reader, header) = opened else { return nil }
        defer { ccodec_png_fast_close(reader) }
        data = nil
        return try wholeImage(reader, header)
    }

    /// Inflates the fast reader's image data, into `destination` (height × (1 + row bytes)) or a buffer of its own.
    /// - Returns: `false` when the image data is unusual and libpng must read the file.
    private static func inflate(_ reader: OpaquePointer?, into destination: UnsafeMutablePointer<UInt8>?) throws -> Bool {
        var message = ShimMessage()
        let inflated = message.bytes.withUnsafeMutableBufferPointer { ccodec_png_fast_inflate(reader, destination, $0.baseAddress) }
        switch inflated {
        case CCODEC_OK: return true
        case CCODEC_NO_MEMORY: throw CodecError(status: inflated, message: "out of memory")
        default: return false
        }
    }

    /// Opens a reader over `buffer`, checks the limits against the header and runs `body`.
    private static func withReader<R>(
        _ buffer: UnsafeRawBufferPointer,
        limits: DecodeLimits,
        _ body: (OpaquePointer?, ccodec_header) throws -> R
    ) throws -> R {
        let (status, reader, header) = try open(buffer, limits: limits, with: ccodec_png_open)
        guard status == CCODEC_OK else {
            if status == CCODEC_CORRUPT && header.messageText.contains("signature") { throw CodecError.notAnImage }
            throw CodecError(status: status, message: header.messageText)
        }
        defer { ccodec_png_close(reader) }
        try limits.check(width: Int(header.width), height: Int(header.height))
        return try body(reader, header)
    }

    /// Encodes a gray, RGB or RGBA image, handing the file's bytes to `sink` in order as they are ready.
    /// - Parameters:
    ///   - image: Any 8-bit image.
    ///   - options: Compression level, strategy and row filter.
    ///   - threads: Strips deflated at once; the output is a valid PNG for any count.
    ///   - sink: Receives consecutive pieces of the file.
    /// - Throws: ``CodecError``, or what `sink` throws.
    public static func encode(
        _ image: Image,
        options: PNGEncodeOptions = .default,
        threads: Int = 1,
        to sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try PNGWriter(image: image, options: options, threads: threads).write(to: sink)
    }

    /// Encodes a gray, RGB or RGBA image into memory.
    /// - Parameters:
    ///   - image: Any 8-bit image.
    ///   - options: Compression level, strategy and row filter.
    ///   - threads: Strips deflated at once.
    /// - Returns: The PNG file's bytes.
    /// - Throws: ``CodecError``.
    public static func encode(_ image: Image, options: PNGEncodeOptions = .default, threads: Int = 1) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(image, options: options, threads: threads) { bytes.append(contentsOf: $0) }
        return bytes
    }
}

/// How to compress a PNG. See docs/codecs.md for the speed and size of each preset.
public struct PNGEncodeOptions: Hashable, Sendable, Codable {
    /// zlib's strategy.
    public enum Strategy: Int, Hashable, Sendable, Codable, CaseIterable {
        /// `Z_DEFAULT_STRATEGY`: string matching at every level.
        case `default` = 0
        /// `Z_FILTERED`: favours Huffman coding for filtered, noisy data.
        case filtered = 1
        /// `Z_HUFFMAN_ONLY`: no string matching.
        case huffmanOnly = 2
        /// `Z_RLE`: matches only runs of one byte: fast, and good on dark edge maps.
        case rle = 3
    }

    /// The PNG row filter.
    public enum Filter: String, Hashable, Sendable, Codable, CaseIterable {
        /// Bytes as they are.
        case none
        /// Difference to the pixel on the left.
        case sub
        /// Difference to the pixel above.
        case up
        /// Difference to the mean of left and above.
        case average
        /// Difference to the Paeth predictor of left, above and upper left.
        case paeth
        /// Per row, the filter with the smallest sum of signed bytes (libpng's heuristic): slower, usually smaller.
        case adaptive

        /// The PNG_FILTER_* bits the C strip encoder reads (one bit per filter; all five for adaptive).
        var pngFilterBits: Int {
            switch self {
            case .none: 0x08
            case .sub: 0x10
            case .up: 0x20
            case .average: 0x40
            case .paeth: 0x80
            case .adaptive: 0xF8
            }
        }
    }

    /// zlib level, 0 (store) to 9 (smallest).
    public var level: Int
    /// zlib's matching strategy.
    public var strategy: Strategy
    /// The row filter.
    public var filter: Filter

    /// Creates options.
    /// - Parameters:
    ///   - level: zlib level, clamped to 0...9.
    ///   - strategy: zlib's strategy.
    ///   - filter: The row filter.
    public init(level: Int, strategy: Strategy, filter: Filter) {
        self.level = min(max(level, 0), 9)
        self.strategy = strategy
        self.filter = filter
    }

    /// Tuned for edge maps, which are mostly dark runs: level 1, `Z_RLE`, the Sub filter.
    public static let fast = PNGEncodeOptions(level: 1, strategy: .rle, filter: .sub)
    /// A middle setting for photos.
    public static let balanced = PNGEncodeOptions(level: 6, strategy: .default, filter: .adaptive)
    /// The smallest files, slowly.
    public static let smallest = PNGEncodeOptions(level: 9, strategy: .default, filter: .adaptive)
    /// The default: ``fast``.
    public static let `default` = fast

    /// The presets by name, for command-line and API options.
    public static let presets: [String: PNGEncodeOptions] = ["fast": .fast, "balanced": .balanced, "smallest": .smallest]
}
