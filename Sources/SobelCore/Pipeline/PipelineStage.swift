/// A part of a ``Pipeline`` that runs tile by tile with halos. A pipeline splits into stages at
/// its global steps: each stage runs its ``local`` steps over tiles, and when it ends at a global
/// step, the histogram of its output is reduced over every tile and its ``tail`` (the global step
/// and the point steps after it) maps every pixel through one ``LookupTable``. A neighbourhood step
/// after a global one starts the next stage, which reads the previous stage's whole output.
///
/// `sobel:l2,normalize` is one stage; `sobel:l2,normalize,blur:3,threshold:otsu` is two.
public struct PipelineStage: Hashable, Sendable {
    /// The steps run tile by tile: no global step. A stage without local steps has `gray` alone,
    /// which converts colour and passes a gray plane through.
    public let local: Pipeline
    /// The global step that ends the stage and the point steps after it, up to the next
    /// neighbourhood step; empty for a last stage without a global step.
    public let tail: [PipelineOperation]

    /// Whether the tail's table depends on its input only through the smallest and largest values (its
    /// global steps are all ``GlobalOperation/normalize``; thresholds and normalizations keep the order of
    /// values, so the extremes map to the extremes).
    var tableNeedsOnlyExtremes: Bool {
        tail.allSatisfy { $0.isLocal || $0 == .global(.normalize) }
    }

    /// What the tail does to an image whose local output has `histogram`.
    /// - Parameter histogram: The histogram of the stage's local output over the whole image.
    /// - Returns: One table for the whole tail, the histogram after it, and the level of the last
    ///   `threshold:otsu` in the tail, if any.
    public func finish(_ histogram: Histogram) -> StageFinish {
        var finish = StageFinish(table: .identity, histogram: histogram, otsuLevel: nil)
        for operation in tail {
            let table: LookupTable
            switch operation {
            case .threshold(let level):
                table = .threshold(level)
            case .global(let global):
                let (made, level) = global.lookupTable(for: finish.histogram)
                table = made
                if let level { finish.otsuLevel = level }
            case .gray, .blur, .gradient:
                continue
            }
            finish.table = finish.table.followed(by: table)
            finish.histogram = finish.histogram.mapped(through: table)
        }
        return finish
    }
}

/// The outcome of a stage's tail: see ``PipelineStage/finish(_:)``.
public struct StageFinish: Hashable, Sendable {
    /// Every point step of the tail in one table.
    public var table: LookupTable
    /// The histogram of the stage's output, after the table.
    public var histogram: Histogram
    /// The level Otsu's method chose, when the tail has `threshold:otsu`.
    public var otsuLevel: UInt8?
}

extension Pipeline {
    /// The stages this pipeline runs in, first to last; one stage for a pipeline without global steps.
    public var stages: [PipelineStage] {
        var stages: [PipelineStage] = []
        var local: [PipelineOperation] = []
        var tail: [PipelineOperation] = []
        func close() {
            stages.append(PipelineStage(local: Pipeline(local.isEmpty ? [.gray] : local, border: border), tail: tail))
            (local, tail) = ([], [])
        }
        for operation in operations {
            switch operation {
            case .global:
                tail.append(operation)
            case .gray where !tail.isEmpty || !stages.isEmpty:
                continue  // the planes after a global step are gray already
            case _ where !tail.isEmpty && operation.isPointwise:
                tail.append(operation)
            default:
                if !tail.isEmpty { close() }
                local.append(operation)
            }
        }
        close()
        return stages
    }

    /// Whether a step depends on the whole image, so that the pipeline runs in more than one pass.
    public var hasGlobalSteps: Bool {
        operations.contains { !$0.isLocal }
    }
}
