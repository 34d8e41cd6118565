/// One step of a ``Pipeline``. Every step but ``gray`` reads and writes one gray plane.
public enum PipelineOperation: Hashable, Sendable {
    /// RGB or RGBA to gray (`cv2.COLOR_RGB2GRAY`); a gray input passes through.
    case gray
    /// Gaussian blur with a 3×3 or 5×5 kernel, sigma 0 (`cv2.GaussianBlur`).
    case blur(BlurSize)
    /// A 3×3 derivative (Sobel or Scharr) combined into an 8-bit magnitude.
    case gradient(DerivativeKernel, Magnitude)
    /// 255 where the value is greater than the threshold, else 0 (`cv2.THRESH_BINARY`).
    case threshold(UInt8)
    /// A step that maps every pixel through a table made from the whole image's histogram:
    /// it ends a ``PipelineStage``.
    case global(GlobalOperation)

    /// How many pixels beyond its output rectangle this step reads on each side.
    public var radius: Int {
        switch self {
        case .gray, .threshold, .global: 0
        case .blur(let size): size.radius
        case .gradient: 1
        }
    }

    /// Whether each output pixel depends on its input pixel alone (``gray``, ``threshold(_:)``,
    /// and ``global(_:)`` once its table is known), rather than on a neighbourhood.
    public var isPointwise: Bool { radius == 0 }

    /// Whether a tile can run the step from its own input and halo: every step but ``global(_:)``.
    public var isLocal: Bool {
        if case .global = self { false } else { true }
    }
}

/// The side of a Gaussian blur kernel.
public enum BlurSize: Int, Hashable, Sendable, Codable, CaseIterable {
    /// 3×3, weights `[1 2 1]⊗[1 2 1] / 16`.
    case three = 3
    /// 5×5, weights `[1 4 6 4 1]⊗[1 4 6 4 1] / 256`.
    case five = 5

    /// Half the kernel side, rounded down.
    public var radius: Int { rawValue / 2 }
    /// The 1-D binomial weights.
    public var weights: [Int] { self == .three ? [1, 2, 1] : [1, 4, 6, 4, 1] }
    /// log2 of the sum of all 2-D weights: the final right shift.
    public var shift: Int { self == .three ? 4 : 8 }
}
