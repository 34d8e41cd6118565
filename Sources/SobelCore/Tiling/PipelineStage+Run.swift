import Synchronization

extension PipelineStage {
    /// Runs the stage over a whole image: the local steps tile by tile, then, when the stage has a
    /// tail, the reduction of the tiles' histograms and the tail's table over every tile. A tail that needs
    /// only the extremes (``tableNeedsOnlyExtremes``) finds them instead of counting every value; the table
    /// then maps the tiles in reverse order, so that the last tiles written are read while still in the cache.
    /// - Parameters:
    ///   - image: The stage's input (the pipeline's input, or the previous stage's output).
    ///   - output: A gray image of the same size.
    ///   - plan: Tiles with at least the local steps' halo.
    ///   - streamsOutput: Whether the local steps may write `output` with non-temporal stores;
    ///     never when a table is applied after them.
    func run(on image: Image, into output: inout Image, plan: TilePlan, threads: Int, kernels: RowKernels, streamsOutput: Bool) {
        let edges = ImageEdges(width: image.width, height: image.height, border: local.border)
        let counting = !tail.isEmpty
        let histograms = Mutex([Histogram](repeating: Histogram(), count: counting ? plan.count : 0))
        let extremesOnly = tableNeedsOnlyExtremes
        image.withUnsafeRows { input, inputStride in
            output.withUnsafeMutableRows { out, outStride in
                let whole = SourceRegion(origin: input, rowStride: inputStride, channels: image.channels, rect: edges.bounds)
                let target = DestinationRegion(origin: out, rowStride: outStride, rect: edges.bounds)
                Pipeline.forEachTile(of: plan, threads: threads) { tile in
                    let region = target.cropped(to: tile.output)
                    local.render(source: whole, output: region, edges: edges, kernels: kernels, streamsOutput: streamsOutput && !counting)
                    guard counting else { return }
                    // Counted while the tile is still in the cache.
                    var histogram = Histogram()
                    if extremesOnly {
                        histogram = Histogram.extremes(of: region.asSource, kernels: kernels)
                    } else {
                        histogram.add(region.asSource, kernels: kernels)
                    }
                    histograms.withLock { $0[tile.index] = histogram }
                }
                guard counting else { return }
                let table = self.finish(histograms.withLock { $0 }.reduce(into: Histogram()) { $0.add($1) }).table
                // An image that already spans 0…255 normalizes to itself: no second pass.
                guard table != .identity else { return }
                Pipeline.forEachTile(of: plan, threads: threads, reversed: true) { tile in
                    table.apply(to: target.cropped(to: tile.output), kernels: kernels)
                }
            }
        }
    }
}
