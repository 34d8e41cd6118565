extension Pipeline {
    /// The operations as they run on an input with `channels` channels: colour input gets one
    /// leading gray conversion, and gray conversions of gray planes are dropped.
    func steps(forChannels channels: Int) -> [PipelineOperation] {
        let rest = operations.filter { $0 != .gray }
        return channels == 1 ? rest : [.gray] + rest
    }

    /// Computes `output.rect` reading `source`, which covers `output.rect` grown by the halo and
    /// clipped to the image. Intermediate planes cover only what later steps still read.
    /// - Parameters:
    ///   - kernels: The row loops to run: the algorithm is the same, only its schedule on the CPU differs.
    ///   - streamsOutput: Whether the last step writes `output` with non-temporal stores and the first prefetches the
    ///     image's rows (a large image).
    func render(source: SourceRegion, output: DestinationRegion, edges: ImageEdges, kernels: RowKernels, streamsOutput: Bool = false) {
        let steps = steps(forChannels: source.channels)
        guard !steps.isEmpty else { return CopyKernel.copy(source: source, output: output) }
        var remainingHalo = steps.reduce(0) { $0 + $1.radius }
        var current = source
        var scratch: Image?
        for (index, step) in steps.enumerated() {
            remainingHalo -= step.radius
            let isLast = index == steps.count - 1
            let needed = output.rect.grown(by: remainingHalo).intersection(edges.bounds)
            var next = isLast ? nil : Image(uninitializedWidth: needed.width, height: needed.height)
            let write = { (destination: DestinationRegion) in
                switch step {
                case .gray: GrayKernel.convert(source: current, output: destination, kernels: kernels)
                case .blur(let size): BlurKernel.apply(size, source: current, output: destination, edges: edges, kernels: kernels)
                case .gradient(let kernel, let magnitude):
                    GradientKernel.magnitude(
                        kernel,
                        magnitude,
                        source: current,
                        output: destination,
                        edges: edges,
                        kernels: kernels,
                        streaming: isLast && streamsOutput,
                        // The first step reads the image itself: as large as the output, so too large for the caches.
                        prefetching: index == 0 && streamsOutput
                    )
                case .threshold(let level): ThresholdKernel.apply(level: level, source: current, output: destination, kernels: kernels)
                case .global: preconditionFailure("global steps run between stages (PipelineStage), never inside a tile")
                }
            }
            if isLast {
                write(output)
            } else {
                next!.withUnsafeMutableRows { base, stride in
                    let destination = DestinationRegion(origin: base, rowStride: stride, rect: needed)
                    write(destination)
                    current = destination.asSource
                }
                scratch = next  // keeps `current`'s memory alive for the next step
            }
        }
        withExtendedLifetime(scratch) {}
    }
}

extension Plane where Element == UInt8 {
    /// A gray image whose pixels are not cleared: for buffers that are overwritten whole.
    init(uninitializedWidth width: Int, height: Int) {
        self = try! Image(width: width, height: height, channels: 1, zeroed: false)
    }
}
