public import ArgumentParser
import SobelCore

/// The pipeline flags shared by every command that filters images.
struct PipelineOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The operations to run, e.g. 'gray,blur:5,sobel:l2,threshold:80'. See docs/cli.md.",
            valueName: "spec"
        )
    )
    var pipeline: String = Pipeline.default.description

    @Option(help: ArgumentHelp("Replace the magnitude of every sobel/scharr step: l1, l2 or classic.", valueName: "kind"))
    var magnitude: Magnitude?

    @Option(help: ArgumentHelp("The rule at the image edges: reflect101 (default), replicate or constant.", valueName: "mode"))
    var border: BorderMode?

    @Option(
        help: ArgumentHelp(
            "Force a tile plan of W×H tiles, e.g. 256x256; the output is the same for every plan.",
            valueName: "WxH"
        )
    )
    var tile: TileSize?

    @Option(help: ArgumentHelp("Threads for one image (default: every core).", valueName: "n"))
    var threads: Int?

    func validate() throws {
        _ = try resolvedPipeline()
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// The pipeline with `--magnitude` and `--border` applied.
    func resolvedPipeline() throws -> Pipeline {
        var result: Pipeline
        do {
            result = try Pipeline(parsing: pipeline)
        } catch let error as PipelineParseError {
            throw ValidationError("--pipeline: \(error)")
        }
        if let magnitude { result = result.replacingMagnitude(with: magnitude) }
        if let border { result.border = border }
        return result
    }

    /// The plan that `--tile` asks for, if any.
    func plan(for width: Int, _ height: Int, pipeline: Pipeline) throws -> TilePlan? {
        guard let tile else { return nil }
        return try TilePlan(width: width, height: height, tileWidth: tile.width, tileHeight: tile.height, halo: pipeline.halo)
    }
}

/// `WxH`, as given to `--tile`.
struct TileSize: ExpressibleByArgument {
    let width: Int
    let height: Int

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width >= 1, height >= 1 else { return nil }
        self.width = width
        self.height = height
    }
}

extension Magnitude: ExpressibleByArgument {}
extension BorderMode: ExpressibleByArgument {}
