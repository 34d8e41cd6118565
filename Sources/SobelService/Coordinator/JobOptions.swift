public import SobelCodecs
public import SobelCore

/// What a job asks for: the pipeline, the output encoding and, optionally, the tile shape.
public struct JobOptions: Sendable {
    /// The pipeline every worker runs.
    public var pipeline: Pipeline
    /// The result's format and encoder settings.
    public var output: EncodeOptions
    /// The tile shape; `nil` lets the coordinator choose (``ServiceSettings/chunkBytes``).
    public var tileSize: TileSize?

    /// Creates options.
    /// - Parameters:
    ///   - pipeline: The pipeline, `gray,sobel:l2` by default.
    ///   - output: The result's encoding, PNG by default.
    ///   - tileSize: The tile shape, or `nil` for the coordinator's choice.
    public init(pipeline: Pipeline = .default, output: EncodeOptions = .defaults(for: .png), tileSize: TileSize? = nil) {
        (self.pipeline, self.output, self.tileSize) = (pipeline, output, tileSize)
    }
}

/// A tile shape: full-width strips of some rows, or tiles of some width and height.
public enum TileSize: Hashable, Sendable {
    /// Full-width strips.
    case strips(rows: Int)
    /// Tiles, clipped at the right and bottom edges.
    case tiles(width: Int, height: Int)
}

/// Global settings of the service, the same for every job.
public struct ServiceSettings: Sendable {
    /// How long a job may take from submission to result; later it fails, and its leftover chunks are discarded.
    public var deadline: Duration
    /// Limits on uploads, checked from the image header before decoding.
    public var decodeLimits: DecodeLimits
    /// About how many input bytes (pixels plus halo) each chunk carries when a job names no tile size.
    public var chunkBytes: Int

    /// Creates settings.
    /// - Parameters:
    ///   - deadline: The time limit per job, 2 minutes by default.
    ///   - decodeLimits: Upload limits.
    ///   - chunkBytes: The target chunk size, 1 MiB by default.
    public init(deadline: Duration = .seconds(120), decodeLimits: DecodeLimits = .default, chunkBytes: Int = 1 << 20) {
        (self.deadline, self.decodeLimits, self.chunkBytes) = (deadline, decodeLimits, chunkBytes)
    }

    /// The rounds of a job on an image: in each, the job's tile size, or strips of about ``chunkBytes`` of
    /// gray input (chunks carry gray pixels) including the halo rows of the round's steps.
    func rounds(width: Int, height: Int, options: JobOptions) throws -> [JobRound] {
        try JobRound.rounds(of: options.pipeline) { halo in try plan(width: width, height: height, tileSize: options.tileSize, halo: halo) }
    }

    private func plan(width: Int, height: Int, tileSize: TileSize?, halo: Int) throws -> TilePlan {
        switch tileSize {
        case .strips(let rows)?:
            return try TilePlan.strips(width: width, height: height, rows: rows, halo: halo)
        case .tiles(let tileWidth, let tileHeight)?:
            return try TilePlan(width: width, height: height, tileWidth: tileWidth, tileHeight: tileHeight, halo: halo)
        case nil:
            let rows = max(8, chunkBytes / max(1, width) - 2 * halo)
            return try TilePlan.strips(width: width, height: height, rows: min(rows, height), halo: halo)
        }
    }
}
