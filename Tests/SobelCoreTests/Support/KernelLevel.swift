import Testing

@testable import SobelCore

/// The row loops every kernel check runs with: the Swift loops (the portable path, what arm64 runs),
/// then each CPU level this machine runs.
struct KernelLevel: CustomTestStringConvertible, Sendable {
    let kernels: RowKernels
    var testDescription: String { kernels.level?.rawValue ?? "swift" }

    static let all = [KernelLevel(kernels: .portable)] + CPULevel.supported.map { KernelLevel(kernels: RowKernels($0)) }
}

extension Pipeline {
    /// ``run(on:plan:threads:)`` with the row loops of `level`.
    func run(on image: Image, plan: TilePlan? = nil, threads: Int? = nil, level: KernelLevel, streaming: Bool? = nil) throws -> Image {
        var output = Image(uninitializedWidth: image.width, height: image.height)
        try run(on: image, into: &output, plan: plan, threads: threads, kernels: level.kernels, streamsOutput: streaming)
        return output
    }

    /// ``render(tile:input:imageWidth:imageHeight:)`` with the row loops of `level`.
    func render(tile: Tile, input: Image, imageWidth: Int, imageHeight: Int, level: KernelLevel) throws -> Image {
        try render(tile: tile, input: input, imageWidth: imageWidth, imageHeight: imageHeight, kernels: level.kernels)
    }
}

extension Plane where Element == UInt8 {
    /// ``derivatives(kernel:border:)`` with the row loops of `level`.
    func derivatives(kernel: DerivativeKernel, border: BorderMode, level: KernelLevel) -> (gx: GradientPlane, gy: GradientPlane) {
        derivatives(kernel: kernel, border: border, kernels: level.kernels)
    }
}
