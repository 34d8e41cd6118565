import SobelCore

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

/// Decoding and encoding by format.
public enum ImageCodec {
    /// Decodes any supported image, choosing the decoder by magic bytes.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - limits: Checked before any pixel buffer is allocated.
    /// - Returns: A gray, RGB or RGBA image.
    /// - Throws: ``CodecError``.
    public static func decode(_ data: [UInt8], limits: DecodeLimits = .default) throws -> Image {
        try limits.check(byteCount: data.count)
        switch ImageFormat.detect(data) {
        case .pnm: return try PNM.decode(data, limits: limits)
        case .png: throw CodecError.unsupportedFormat("PNG (this build reads PGM/PPM only)")
        case .jpeg: throw CodecError.unsupportedFormat("JPEG (this build reads PGM/PPM only)")
        case nil: throw CodecError.notAnImage
        }
    }

    /// Encodes an image.
    /// - Parameters:
    ///   - image: Any 8-bit image.
    ///   - format: The output format.
    /// - Returns: The file's bytes.
    /// - Throws: ``CodecError/unsupportedFormat(_:)`` for a format this build cannot write.
    public static func encode(_ image: Image, as format: ImageFormat) throws -> [UInt8] {
        switch format {
        case .pnm: return PNM.encode(image)
        case .png, .jpeg: throw CodecError.unsupportedFormat("\(format.rawValue.uppercased()) output (this build writes PGM/PPM only)")
        }
    }
}
