internal import CCodecShim
import Dispatch
public import SobelCore
import Synchronization

/// One full-width strip of a PNG's IDAT stream, filtered and deflated on its own: raw deflate data ending
/// with a sync flush (or, for the image's last strip, the final block).
public struct PNGSegment: Sendable {
    /// The deflate data.
    public let bytes: [UInt8]
    /// The Adler-32 of the strip's filtered bytes, to be joined with `adler32_combine`.
    let adler: UInt32
    /// How many filtered bytes it encodes: rows × (1 + width × channels).
    let filteredLength: Int
}

/// Encodes a PNG from full-width strips that are filtered and deflated independently — in any order, on
/// any thread — then joined into one IDAT stream (Z_SYNC_FLUSH between strips, Adler-32 joined with
/// `adler32_combine`). A strip's first row is filtered against the final row above it, so a strip can be
/// deflated as soon as its own rows and the one above are final.
public struct PNGStripEncoder: Sendable {
    /// The image's width.
    public let width: Int
    /// The image's height.
    public let height: Int
    /// 1 (gray), 3 (RGB) or 4 (RGBA).
    public let channels: Int
    /// Compression level, strategy and row filter.
    public let options: PNGEncodeOptions

    /// Creates an encoder for images of one size.
    /// - Parameters:
    ///   - width: The width.
    ///   - height: The height.
    ///   - channels: 1, 3 or 4.
    ///   - options: Compression level, strategy and row filter.
    public init(width: Int, height: Int, channels: Int, options: PNGEncodeOptions) {
        (self.width, self.height, self.channels, self.options) = (width, height, channels, options)
    }

    /// Filters and deflates rows `rows` of `image`.
    /// - Parameters:
    ///   - image: The whole image (this encoder's size); the row above `rows` must hold its final value.
    ///   - rows: The strip.
    /// - Returns: The strip's segment.
    /// - Throws: ``CodecError``.
    public func segment(of image: Image, rows: Range<Int>) throws -> PNGSegment {
        try image.withUnsafeRows { base, stride in try segment(base: base, stride: stride, rows: rows) }
    }

    /// Filters and deflates rows `rows` of an image in memory.
    /// - Parameters:
    ///   - base: The image's first row; the row above `rows` must hold its final value.
    ///   - stride: Bytes from one row to the next.
    ///   - rows: The strip.
    /// - Returns: The strip's segment.
    /// - Throws: ``CodecError``.
    public func segment(base: UnsafePointer<UInt8>, stride: Int, rows: Range<Int>) throws -> PNGSegment {
        let settings = ccodec_png_options(
            level: Int32(options.level),
            strategy: Int32(options.strategy.rawValue),
            filters: Int32(options.filter.pngFilterBits)
        )
        let start = base + rows.lowerBound * stride
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var adler: UInt32 = 1
        var message = ShimMessage()
        let status = message.bytes.withUnsafeMutableBufferPointer {
            ccodec_png_deflate_strip(
                start,
                stride,
                rows.lowerBound > 0 ? start - stride : nil,
                Int32(width),
                Int32(rows.count),
                Int32(channels),
                settings,
                rows.upperBound == height ? 1 : 0,
                &output,
                &size,
                &adler,
                $0.baseAddress
            )
        }
        defer { ccodec_free(output) }
        guard status == CCODEC_OK, output != nil else { throw CodecError(status: status, message: message.text) }
        return PNGSegment(
            bytes: Array(UnsafeBufferPointer(start: output, count: size)),
            adler: adler,
            filteredLength: rows.count * (width * channels + 1)
        )
    }

    /// The PNG file of segments that cover every row, top to bottom.
    /// - Parameter segments: The strips' segments, in order.
    /// - Returns: The file's bytes.
    public func file(_ segments: [PNGSegment]) -> [UInt8] {
        var joiner = PNGSegmentJoiner(encoder: self, segments: segments.count)
        return segments.reduce(into: joiner.start()) { bytes, segment in bytes += joiner.next(segment) }
    }
}

/// Joins segments into a PNG file piece by piece, in order, for a reader that sends the file while later strips
/// are still being deflated. ``PNGStripEncoder/file(_:)`` is its whole-file form.
public struct PNGSegmentJoiner: Sendable {
    private var stream: IDATStream
    private let segments: Int
    private var joined = 0

    /// - Parameters:
    ///   - encoder: The encoder that makes the segments.
    ///   - segments: How many segments cover the image.
    public init(encoder: PNGStripEncoder, segments: Int) {
        stream = IDATStream(encoder: encoder)
        self.segments = segments
    }

    /// The file's first bytes: signature and IHDR.
    /// - Returns: The bytes.
    public func start() -> [UInt8] {
        var bytes: [UInt8] = []
        stream.begin { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The next segment's bytes in the file; after the last segment, the file's end too.
    /// - Parameter segment: The segment after those joined so far.
    /// - Returns: The bytes that follow those returned so far.
    public mutating func next(_ segment: PNGSegment) -> [UInt8] {
        var bytes: [UInt8] = []
        joined += 1
        stream.append(segment, isLast: joined == segments) { bytes.append(contentsOf: $0) }
        if joined == segments { stream.end { bytes.append(contentsOf: $0) } }
        return bytes
    }
}

/// Writes a PNG's chunks around segments: signature and IHDR, one IDAT per segment (the zlib header before
/// the first, the joined Adler-32 after the last), IEND.
struct IDATStream: Sendable {
    let encoder: PNGStripEncoder
    private var adler: UInt32 = 1
    private var isFirst = true

    init(encoder: PNGStripEncoder) {
        self.encoder = encoder
    }

    func begin(to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let colorType: UInt8 = encoder.channels == 1 ? 0 : encoder.channels == 3 ? 2 : 6
        try ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] as [UInt8]).withUnsafeBytes(sink)
        try Self.chunk("IHDR", Self.bigEndian(UInt32(encoder.width)) + Self.bigEndian(UInt32(encoder.height)) + [8, colorType, 0, 0, 0], to: sink)
    }

    mutating func append(_ segment: PNGSegment, isLast: Bool, to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        adler = isFirst ? segment.adler : ccodec_adler32_combine(adler, segment.adler, segment.filteredLength)
        var data = isFirst ? [0x78, 0x01] : [UInt8]()  // zlib header: deflate, 32 KiB window
        isFirst = false
        data += segment.bytes
        if isLast { data += Self.bigEndian(adler) }
        try Self.chunk("IDAT", data, to: sink)
    }

    func end(to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try Self.chunk("IEND", [], to: sink)
    }

    private static func chunk(_ type: String, _ data: [UInt8], to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let typeBytes = Array(type.utf8)
        var crc = ccodec_crc32(0, nil, 0)
        crc = ccodec_crc32(crc, typeBytes, typeBytes.count)
        crc = data.withUnsafeBufferPointer { ccodec_crc32(crc, $0.baseAddress, $0.count) }
        try (bigEndian(UInt32(data.count)) + typeBytes).withUnsafeBytes(sink)
        try data.withUnsafeBytes(sink)
        try bigEndian(crc).withUnsafeBytes(sink)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

/// Writes a whole image as a PNG: strips of about 4 MiB deflated `threads` at a time, each group's IDATs
/// handed to the sink as soon as they are ready, so a file is never held whole in memory.
struct PNGWriter {
    let image: Image
    let options: PNGEncodeOptions
    let threads: Int
    /// Rows per strip: about 4 MiB of raw pixels by default, so one strip's output stays small.
    let rowsPerStrip: Int

    init(image: Image, options: PNGEncodeOptions, threads: Int, rowsPerStrip: Int? = nil) {
        self.image = image
        self.options = options
        self.threads = threads
        self.rowsPerStrip = max(1, rowsPerStrip ?? (4 << 20) / max(1, image.width * image.channels))
    }

    func write(to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let encoder = PNGStripEncoder(width: image.width, height: image.height, channels: image.channels, options: options)
        var stream = IDATStream(encoder: encoder)
        try stream.begin(to: sink)
        let strips = stride(from: 0, to: image.height, by: rowsPerStrip).map { $0..<min($0 + rowsPerStrip, image.height) }
        for group in stride(from: 0, to: strips.count, by: max(1, threads)).map({ strips[$0..<min($0 + max(1, threads), strips.count)] }) {
            for (rows, segment) in zip(group, try deflate(Array(group), with: encoder)) {
                try stream.append(segment, isLast: rows == strips.last, to: sink)
            }
        }
        try stream.end(to: sink)
    }

    /// Deflates strips side by side.
    private func deflate(_ strips: [Range<Int>], with encoder: PNGStripEncoder) throws -> [PNGSegment] {
        let results = Mutex<[Result<PNGSegment, any Error>?]>(Array(repeating: nil, count: strips.count))
        image.withUnsafeRows { base, stride in
            let address = UInt(bitPattern: base)
            DispatchQueue.concurrentPerform(iterations: strips.count) { index in
                let base = UnsafePointer<UInt8>(bitPattern: address)!
                let result = Result { try encoder.segment(base: base, stride: stride, rows: strips[index]) }
                results.withLock { $0[index] = result }
            }
        }
        return try results.withLock { $0 }.map { try $0!.get() }
    }
}
