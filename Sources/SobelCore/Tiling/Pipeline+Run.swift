import Dispatch
import Foundation
import Synchronization

extension Pipeline {
    /// Runs the pipeline over a whole image, tile by tile on `threads` threads, into one gray image.
    ///
    /// The result is the same, bit for bit, for every plan and thread count.
    /// - Parameters:
    ///   - image: Gray, RGB or RGBA; colour is converted to gray first.
    ///   - plan: How to split the work; `nil` picks ``TilePlan/automatic(width:height:halo:threads:)``.
    ///   - threads: Threads to use, at least 1; `nil` uses every active core.
    /// - Returns: The gray result, the size of `image`.
    /// - Throws: ``TilingError`` when `plan` does not fit the image or the pipeline.
    public func run(on image: Image, plan: TilePlan? = nil, threads: Int? = nil) throws -> Image {
        var output = Image(uninitializedWidth: image.width, height: image.height)
        try run(on: image, into: &output, plan: plan, threads: threads)
        return output
    }

    /// Runs the pipeline over a whole image into an existing gray image of the same size,
    /// so that repeated runs (video frames, benchmarks) reuse one buffer.
    /// - Parameters:
    ///   - image: Gray, RGB or RGBA; colour is converted to gray first.
    ///   - output: A gray image the size of `image`; every pixel is overwritten.
    ///   - plan: How to split the work; `nil` picks ``TilePlan/automatic(width:height:halo:threads:)``.
    ///   - threads: Threads to use, at least 1; `nil` uses every active core.
    /// - Throws: ``TilingError`` when `plan` or `output` does not fit the image or the pipeline.
    public func run(on image: Image, into output: inout Image, plan: TilePlan? = nil, threads: Int? = nil) throws {
        try run(on: image, into: &output, plan: plan, threads: threads, kernels: .active)
    }

    /// ``run(on:into:plan:threads:)`` with the row loops of a given CPU level, for the tests of every level.
    /// - Parameter streamsOutput: Whether the last step streams its output; `nil` decides by the image's size.
    func run(
        on image: Image,
        into output: inout Image,
        plan: TilePlan? = nil,
        threads: Int? = nil,
        kernels: RowKernels,
        streamsOutput: Bool? = nil
    ) throws {
        let threadCount = Swift.max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let plan = try plan ?? TilePlan.automatic(width: image.width, height: image.height, halo: halo, threads: threadCount)
        guard plan.width == image.width, plan.height == image.height else {
            throw TilingError.planMismatch(planWidth: plan.width, planHeight: plan.height, imageWidth: image.width, imageHeight: image.height)
        }
        guard output.width == image.width, output.height == image.height, output.channels == 1 else {
            throw TilingError.outputMismatch(
                width: output.width,
                height: output.height,
                channels: output.channels,
                imageWidth: image.width,
                imageHeight: image.height
            )
        }
        guard plan.halo >= halo else { throw TilingError.haloTooSmall(plan: plan.halo, pipeline: halo) }
        let streams = streamsOutput ?? (image.width * image.height >= RowKernels.streamingThreshold)
        let stages = stages
        var source = image
        for (index, stage) in stages.enumerated() {
            // Every stage keeps the plan's tiles, with the halo its own local steps need.
            let stagePlan = try TilePlan(
                width: plan.width,
                height: plan.height,
                tileWidth: plan.tileWidth,
                tileHeight: plan.tileHeight,
                halo: stage.local.halo
            )
            if index == stages.count - 1 {
                stage.run(on: source, into: &output, plan: stagePlan, threads: threadCount, kernels: kernels, streamsOutput: streams)
            } else {
                var next = Image(uninitializedWidth: image.width, height: image.height)
                stage.run(on: source, into: &next, plan: stagePlan, threads: threadCount, kernels: kernels, streamsOutput: false)
                source = next
            }
        }
    }

    /// Runs the pipeline over one tile, as a service worker does: `input` holds exactly `tile.input`'s pixels.
    /// - Parameters:
    ///   - tile: The tile, from a plan of the whole image.
    ///   - input: The pixels of `tile.input`.
    ///   - imageWidth: The whole image's columns, so the border rule applies only at its real edges.
    ///   - imageHeight: The whole image's rows.
    /// - Returns: The gray pixels of `tile.output`.
    /// - Throws: ``TilingError/tileInputMismatch(expected:width:height:)`` when `input` is the wrong size,
    ///   ``TilingError/tileInputTooSmall(input:needed:)`` when the tile's input misses part of its halo,
    ///   ``TilingError/globalStepInTile(_:)`` when the pipeline has a global step (render each stage's
    ///   ``PipelineStage/local`` steps instead).
    public func render(tile: Tile, input: Image, imageWidth: Int, imageHeight: Int) throws -> Image {
        try render(tile: tile, input: input, imageWidth: imageWidth, imageHeight: imageHeight, kernels: .active)
    }

    /// ``render(tile:input:imageWidth:imageHeight:)`` with the row loops of a given CPU level.
    func render(tile: Tile, input: Image, imageWidth: Int, imageHeight: Int, kernels: RowKernels) throws -> Image {
        if let global = operations.first(where: { !$0.isLocal }) { throw TilingError.globalStepInTile(global) }
        let edges = ImageEdges(width: imageWidth, height: imageHeight, border: border)
        let needed = tile.output.grown(by: halo).intersection(edges.bounds)
        guard edges.bounds.contains(tile.input), edges.bounds.contains(tile.output), tile.input.contains(needed) else {
            throw TilingError.tileInputTooSmall(input: tile.input, needed: needed)
        }
        guard input.width == tile.input.width, input.height == tile.input.height else {
            throw TilingError.tileInputMismatch(expected: tile.input, width: input.width, height: input.height)
        }
        var output = Image(uninitializedWidth: tile.output.width, height: tile.output.height)
        input.withUnsafeRows { base, stride in
            output.withUnsafeMutableRows { out, outStride in
                render(
                    source: SourceRegion(origin: base, rowStride: stride, channels: input.channels, rect: tile.input),
                    output: DestinationRegion(origin: out, rowStride: outStride, rect: tile.output),
                    edges: edges,
                    kernels: kernels
                )
            }
        }
        return output
    }

    /// Calls `body` once for every tile, on up to `threads` threads that take tiles in order (last to first
    /// when `reversed`).
    static func forEachTile(of plan: TilePlan, threads: Int, reversed: Bool = false, _ body: @Sendable (Tile) -> Void) {
        let workers = Swift.min(threads, plan.count)
        let count = plan.count
        @Sendable func tile(_ position: Int) -> Tile { plan.tile(at: reversed ? count - 1 - position : position) }
        guard workers > 1 else {
            for position in 0..<count { body(tile(position)) }
            return
        }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let position = next.add(1, ordering: .relaxed).oldValue
                guard position < count else { return }
                body(tile(position))
            }
        }
    }
}

extension DestinationRegion {
    /// The part of this region inside `rect`, which it must contain.
    func cropped(to rect: Rect) -> DestinationRegion {
        DestinationRegion(origin: origin + (rect.y - self.rect.y) * rowStride + (rect.x - self.rect.x), rowStride: rowStride, rect: rect)
    }
}
