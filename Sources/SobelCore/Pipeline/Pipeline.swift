/// An ordered list of operations and the border rule they use at the image edges.
///
/// The same value runs in the library, in `sobel filter` and in every service worker.
/// Its text form (see ``init(parsing:)``) is what the CLI and the wire format carry.
///
/// ```swift
/// let pipeline = try Pipeline(parsing: "gray,blur:5,sobel:l2,threshold:80")
/// let edges = try pipeline.run(on: image)
/// ```
public struct Pipeline: Hashable, Sendable {
    /// The steps, first to last.
    public var operations: [PipelineOperation]
    /// The rule for pixels outside the image, shared by every step.
    public var border: BorderMode

    /// Creates a pipeline.
    /// - Parameters:
    ///   - operations: The steps, first to last.
    ///   - border: The rule at the image edges.
    public init(_ operations: [PipelineOperation], border: BorderMode = .reflect101) {
        self.operations = operations
        self.border = border
    }

    /// `gray,sobel:l2` with `reflect101`: the default edge map.
    public static let `default` = Pipeline([.gray, .gradient(.sobel, .l2)])

    /// The number of pixels every output pixel depends on, on each side: the sum of the radii.
    public var halo: Int { operations.reduce(0) { $0 + $1.radius } }

    /// The same pipeline with every derivative step's magnitude replaced.
    /// - Parameter magnitude: The new magnitude.
    /// - Returns: The changed pipeline.
    public func replacingMagnitude(with magnitude: Magnitude) -> Pipeline {
        Pipeline(
            operations.map { operation in
                if case .gradient(let kernel, _) = operation { return .gradient(kernel, magnitude) }
                return operation
            },
            border: border
        )
    }
}
