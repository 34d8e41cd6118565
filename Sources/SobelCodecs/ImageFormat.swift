public import Foundation
public import SobelCore

/// An encoded image format, detected from magic bytes, never from a file name or content type.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    /// Binary PGM (gray) or PPM (RGB).
    case pnm
    /// Portable Network Graphics.
    case png
    /// JPEG/JFIF.
    case jpeg

    /// The format whose signature starts `data`, if any.
    /// - Parameter data: At least the first 8 bytes of a file.
    /// - Returns: The detected format, or `nil`.
    public static func detect(_ data: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(data.prefix(8))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if PNM.matches(head) { return .pnm }
        return nil
    }

    /// The format a file name's extension asks for, if it names one.
    /// - Parameter path: A file name or path.
    /// - Returns: The format, or `nil` for an unknown extension.
    public init?(pathExtension path: String) {
        let ext = path.split(separator: "/").last?.split(separator: ".").dropFirst().last?.lowercased() ?? ""
        switch ext {
        case "pgm", "ppm", "pnm": self = .pnm
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        default: return nil
        }
    }
}

/// Options for ``ImageCodec/decode(_:options:)``. Limits are global settings, never per request.
public struct DecodeOptions: Hashable, Sendable {
    /// Checked before any pixel buffer is allocated.
    public var limits: DecodeLimits
    /// Turn JPEGs right side up by their EXIF orientation.
    public var applyOrientation: Bool

    /// Creates options.
    /// - Parameters:
    ///   - limits: Pixel and byte limits.
    ///   - applyOrientation: Whether to apply EXIF orientation (default on).
    public init(limits: DecodeLimits = .default, applyOrientation: Bool = true) {
        self.limits = limits
        self.applyOrientation = applyOrientation
    }
}

/// How to write an image.
public enum EncodeOptions: Hashable, Sendable {
    /// Binary PGM for gray images, PPM for colour.
    case pnm
    /// PNG with the given compression settings.
    case png(PNGEncodeOptions)
    /// JPEG at a quality from 1 to 100.
    case jpeg(quality: Int)

    /// The format with its default settings (PNG ``PNGEncodeOptions/default``, JPEG quality 90).
    public static func defaults(for format: ImageFormat) -> EncodeOptions {
        switch format {
        case .pnm: .pnm
        case .png: .png(.default)
        case .jpeg: .jpeg(quality: 90)
        }
    }
}

/// Decoding and encoding by format.
public enum ImageCodec {
    /// Decodes any supported image, choosing the decoder by magic bytes, never by name or content type.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - options: Limits (checked before any pixel buffer is allocated) and EXIF handling.
    /// - Returns: A gray, RGB or RGBA image.
    /// - Throws: ``CodecError``.
    public static func decode(_ data: some ContiguousBytes, options: DecodeOptions = DecodeOptions()) throws -> Image {
        try data.withUnsafeBytes { bytes in
            try options.limits.check(byteCount: bytes.count)
            switch ImageFormat.detect(bytes) {
            case .pnm: return try PNM.decode(bytes, limits: options.limits)
            case .png: return try PNG.decode(bytes, limits: options.limits)
            case .jpeg: return try JPEG.decode(bytes, limits: options.limits, applyOrientation: options.applyOrientation)
            case nil: throw bytes.isEmpty ? CodecError.empty : CodecError.notAnImage
            }
        }
    }

    /// Decodes any supported image in bands of rows, handing each band over as soon as it is decoded
    /// (PNG and JPEG; PNM, interlaced PNGs and JPEGs that EXIF turns arrive as one band). The result equals
    /// ``decode(_:options:)`` band by band.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - options: Limits (checked before any pixel buffer is allocated) and EXIF handling.
    ///   - bandRows: Rows per band, at least 1.
    ///   - size: Called once with the width, height and channels, before the first band.
    ///   - band: Called with each band (full width) and the index of its first row, top to bottom.
    /// - Throws: ``CodecError`` (possibly after some bands were delivered), or what the closures throw.
    public static func decode(
        _ data: some ContiguousBytes,
        options: DecodeOptions = DecodeOptions(),
        bandRows: Int,
        size: (_ width: Int, _ height: Int, _ channels: Int) throws -> Void,
        band: (Image, _ firstRow: Int) throws -> Void
    ) throws {
        switch data.withUnsafeBytes({ ImageFormat.detect($0) }) {
        case .png:
            try PNG.decode(data, limits: options.limits, bandRows: bandRows, size: size, band: band)
        case .jpeg:
            try JPEG.decode(data, limits: options.limits, applyOrientation: options.applyOrientation, bandRows: bandRows, size: size, band: band)
        case .pnm, nil:
            let image = try decode(data, options: options)
            try size(image.width, image.height, image.channels)
            try band(image, 0)
        }
    }

    /// Decodes any supported image while it arrives, in bands of rows: PNGs the fast reader takes are inflated as
    /// their bytes come (``PNG/decode(arriving:limits:bandRows:size:band:)``); any other file is decoded as
    /// ``decode(_:options:bandRows:size:band:)`` does once it has arrived.
    /// - Parameters:
    ///   - file: The arriving file.
    ///   - options: Limits (checked against the declared length, and before any pixel buffer is allocated) and EXIF handling.
    ///   - bandRows: Rows per band, at least 1.
    ///   - size: Called once with the width, height and channels, before the first band.
    ///   - band: Called with each band (full width) and the index of its first row, top to bottom.
    /// - Throws: ``CodecError`` (possibly after some bands were delivered), the error the file's transfer
    ///   failed with, or what the closures throw.
    public static func decode(
        arriving file: ArrivingFile,
        options: DecodeOptions = DecodeOptions(),
        bandRows: Int,
        size: (_ width: Int, _ height: Int, _ channels: Int) throws -> Void,
        band: (Image, _ firstRow: Int) throws -> Void
    ) throws {
        try options.limits.check(byteCount: file.expectedBytes)
        let start = file.waitFor(8)
        if ImageFormat.detect(UnsafeRawBufferPointer(start: file.base, count: start)) == .png {
            return try PNG.decode(arriving: file, limits: options.limits, bandRows: bandRows, size: size, band: band)
        }
        let whole = try file.waitForAll()
        try withExtendedLifetime(file) { try decode(whole, options: options, bandRows: bandRows, size: size, band: band) }
    }

    /// Encodes an image, handing the file's bytes to `sink` in order.
    /// - Parameters:
    ///   - image: Any 8-bit image.
    ///   - options: The format and its settings.
    ///   - threads: Threads for encoders that can use them (PNG).
    ///   - sink: Receives consecutive pieces of the file.
    /// - Throws: ``CodecError``, or what `sink` throws.
    public static func encode(
        _ image: Image,
        options: EncodeOptions,
        threads: Int = 1,
        to sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        switch options {
        case .pnm: try PNM.encode(image).withUnsafeBytes(sink)
        case .png(let settings): try PNG.encode(image, options: settings, threads: threads, to: sink)
        case .jpeg(let quality): try JPEG.encode(image, quality: quality).withUnsafeBytes(sink)
        }
    }

    /// Encodes an image into memory.
    /// - Parameters:
    ///   - image: Any 8-bit image.
    ///   - options: The format and its settings.
    ///   - threads: Threads for encoders that can use them (PNG).
    /// - Returns: The file's bytes.
    /// - Throws: ``CodecError``.
    public static func encode(_ image: Image, options: EncodeOptions, threads: Int = 1) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(image, options: options, threads: threads) { bytes.append(contentsOf: $0) }
        return bytes
    }
}
