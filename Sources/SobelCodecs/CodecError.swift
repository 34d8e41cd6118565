import SobelCore

/// Why an image file could not be read or written. Every decoder and encoder throws only this.
public enum CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There are no bytes at all.
    case empty
    /// The bytes are not any image format we know.
    case notAnImage
    /// A known image format that this build does not read or write (named).
    case unsupportedFormat(String)
    /// A variant of a supported format that is not supported, e.g. 12-bit JPEG.
    case unsupportedVariant(String)
    /// The data ends before the image does.
    case truncated
    /// The data is damaged; the detail comes from the decoder.
    case corrupt(String)
    /// The header declares more pixels than the configured limit.
    case dimensionsTooLarge(width: Int, height: Int, limit: Int)
    /// The input is larger than the configured byte limit.
    case inputTooLarge(bytes: Int, limit: Int)
    /// The image cannot be written in the requested format, e.g. a 16-bit plane.
    case cannotEncode(String)

    public var description: String {
        switch self {
        case .empty: "the file is empty"
        case .notAnImage: "not an image (unrecognised file signature)"
        case .unsupportedFormat(let name): "unsupported image format: \(name)"
        case .unsupportedVariant(let detail): "unsupported variant: \(detail)"
        case .truncated: "truncated image data"
        case .corrupt(let detail): "corrupt image data: \(detail)"
        case let .dimensionsTooLarge(width, height, limit):
            "image dimensions \(width)x\(height) exceed the limit of \(limit) pixels"
        case let .inputTooLarge(bytes, limit): "input of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .cannotEncode(let detail): "cannot encode: \(detail)"
        }
    }
}

/// Limits checked before any pixel buffer is allocated. They are global settings, never per request.
public struct DecodeLimits: Hashable, Sendable, Codable {
    /// The largest pixel count accepted; the default is 100 MP.
    public var maxPixels: Int
    /// The largest encoded input accepted, in bytes; the default is 512 MiB.
    public var maxBytes: Int

    /// Creates limits.
    /// - Parameters:
    ///   - maxPixels: The largest pixel count accepted.
    ///   - maxBytes: The largest encoded input accepted, in bytes.
    public init(maxPixels: Int = 100_000_000, maxBytes: Int = 512 << 20) {
        self.maxPixels = maxPixels
        self.maxBytes = maxBytes
    }

    /// 100 MP and 512 MiB.
    public static let `default` = DecodeLimits()

    /// Throws unless a `width`×`height` image is within the pixel limit and both sides are positive.
    /// - Parameters:
    ///   - width: The declared width.
    ///   - height: The declared height.
    /// - Throws: ``CodecError/dimensionsTooLarge(width:height:limit:)`` or ``CodecError/corrupt(_:)``.
    public func check(width: Int, height: Int) throws {
        guard width > 0, height > 0 else { throw CodecError.corrupt("image has zero width or height") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels, width <= PlaneLimits.maxSide, height <= PlaneLimits.maxSide else {
            throw CodecError.dimensionsTooLarge(width: width, height: height, limit: maxPixels)
        }
    }

    /// Throws unless `count` encoded bytes are within the byte limit.
    /// - Parameter count: The size of the input.
    /// - Throws: ``CodecError/inputTooLarge(bytes:limit:)``.
    public func check(byteCount count: Int) throws {
        guard count <= maxBytes else { throw CodecError.inputTooLarge(bytes: count, limit: maxBytes) }
    }
}
