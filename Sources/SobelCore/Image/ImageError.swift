/// Why an image could not be created or viewed. Thrown where sizes come from users.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A width or height that is zero, negative, or too large for memory.
    case invalidDimensions(width: Int, height: Int)
    /// A channel count that the element type does not support.
    case invalidChannelCount(Int)
    /// A pixel buffer shorter than `height` rows of `rowStride` elements.
    case bufferTooSmall(needed: Int, actual: Int)
    /// A row stride shorter than one row of pixels.
    case invalidRowStride(rowStride: Int, minimum: Int)
    /// A rectangle that is empty or reaches outside the image.
    case rectOutsideImage(Rect, width: Int, height: Int)
    /// Two planes that must match in size and channels do not.
    case planesDiffer(width: Int, height: Int, channels: Int, otherWidth: Int, otherHeight: Int, otherChannels: Int)

    public var description: String {
        switch self {
        case let .invalidDimensions(width, height):
            "invalid image dimensions \(width)x\(height): both must be between 1 and \(PlaneLimits.maxSide), and the pixel count at most \(PlaneLimits.maxPixels)"
        case let .invalidChannelCount(count):
            "unsupported channel count \(count)"
        case let .bufferTooSmall(needed, actual):
            "pixel buffer too small: \(actual) elements given, \(needed) needed"
        case let .invalidRowStride(rowStride, minimum):
            "row stride \(rowStride) is shorter than a row (\(minimum) elements)"
        case let .rectOutsideImage(rect, width, height):
            "rectangle \(rect) is empty or outside the \(width)x\(height) image"
        case let .planesDiffer(width, height, channels, otherWidth, otherHeight, otherChannels):
            "the planes differ: \(width)x\(height) with \(channels) channel(s) and \(otherWidth)x\(otherHeight) with \(otherChannels); both need one channel and the same size"
        }
    }
}

/// Hard upper bounds that keep every size computation far from overflow.
/// Decoders and services apply their own, lower, configurable limits first.
public enum PlaneLimits {
    /// The longest side a plane may have.
    public static let maxSide = 1 << 20
    /// The largest pixel count a plane may have (4 Gi pixels).
    public static let maxPixels = 1 << 32
}
