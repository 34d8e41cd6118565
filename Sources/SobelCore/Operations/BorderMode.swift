/// How pixels outside the image are read by a neighbourhood operation.
///
/// The rule applies only at the real edges of an image, never at tile edges.
public enum BorderMode: String, Sendable, Codable, CaseIterable {
    /// `gfedcb|abcdefgh|gfedcba`: OpenCV's `BORDER_REFLECT_101`, the default.
    case reflect101
    /// `aaaaaa|abcdefgh|hhhhhhh`: OpenCV's `BORDER_REPLICATE`.
    case replicate
    /// Zero outside the image: OpenCV's `BORDER_CONSTANT` with value 0.
    case constant

    /// The in-image index that `index` reads, or `nil` where the border is the constant 0.
    ///
    /// This is OpenCV's `borderInterpolate`: reflection repeats until the index falls inside,
    /// and an axis of length 1 always reads index 0.
    /// - Parameters:
    ///   - index: A position on one axis, possibly outside `0 ..< length`.
    ///   - length: The image's extent on that axis, at least 1.
    /// - Returns: A position in `0 ..< length`, or `nil` for a constant border outside the image.
    @inlinable
    public func sourceIndex(_ index: Int, length: Int) -> Int? {
        if index >= 0 && index < length { return index }
        switch self {
        case .constant:
            return nil
        case .replicate:
            return index < 0 ? 0 : length - 1
        case .reflect101:
            if length == 1 { return 0 }
            var p = index
            repeat {
                p = p < 0 ? -p : 2 * (length - 1) - p
            } while p < 0 || p >= length
            return p
        }
    }
}
