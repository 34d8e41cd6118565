extension EncodeOptions {
    /// The format these options write.
    public var format: ImageFormat {
        switch self {
        case .pnm: .pnm
        case .png: .png
        case .jpeg: .jpeg
        }
    }
}

extension ImageFormat {
    /// The media type of a gray image in this format.
    public var mediaType: String {
        switch self {
        case .pnm: "image/x-portable-graymap"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        }
    }
}
