/// The layout of one 8-bit pixel: how many interleaved channels it has.
public enum PixelFormat: String, Sendable, Codable, CaseIterable {
    /// One luma byte per pixel.
    case gray8
    /// Red, green and blue bytes, interleaved.
    case rgb8
    /// Red, green, blue and alpha bytes, interleaved.
    case rgba8

    /// The number of bytes (channels) per pixel.
    public var channels: Int {
        switch self {
        case .gray8: 1
        case .rgb8: 3
        case .rgba8: 4
        }
    }

    /// The format with `channels` interleaved channels, if there is one.
    /// - Parameter channels: 1, 3 or 4.
    public init?(channels: Int) {
        switch channels {
        case 1: self = .gray8
        case 3: self = .rgb8
        case 4: self = .rgba8
        default: return nil
        }
    }
}
