/// A 3×3 first-derivative stencil: `[-e 0 e; -c 0 c; -e 0 e]` for gx and its transpose for gy.
public enum DerivativeKernel: String, Sendable, Codable, CaseIterable {
    /// Sobel: edge weight 1, centre weight 2 (`cv2.Sobel(ksize=3)`).
    case sobel
    /// Scharr: edge weight 3, centre weight 10 (`cv2.Scharr`).
    case scharr

    /// The weight of the corner taps.
    public var edgeWeight: Int { self == .sobel ? 1 : 3 }
    /// The weight of the middle tap.
    public var centerWeight: Int { self == .sobel ? 2 : 10 }
}
