/// One piece of a ``TilePlan``: the pixels it produces and the pixels it reads.
public struct Tile: Hashable, Sendable, Codable {
    /// The position of the tile in its plan, row-major.
    public let index: Int
    /// The output pixels, in image coordinates.
    public let output: Rect
    /// `output` grown by the plan's halo and clipped to the image: everything the tile reads.
    public let input: Rect

    /// Creates a tile, e.g. from a chunk received over the wire.
    /// - Parameters:
    ///   - index: The position of the tile in its plan.
    ///   - output: The output pixels, in image coordinates.
    ///   - input: The pixels the tile reads, in image coordinates.
    public init(index: Int, output: Rect, input: Rect) {
        self.index = index
        self.output = output
        self.input = input
    }
}

/// Why a plan or a run was refused.
public enum TilingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tile side below 1.
    case invalidTileSize(width: Int, height: Int)
    /// A plan made for another image size.
    case planMismatch(planWidth: Int, planHeight: Int, imageWidth: Int, imageHeight: Int)
    /// A plan whose halo is smaller than the pipeline's.
    case haloTooSmall(plan: Int, pipeline: Int)
    /// An output image whose size or channels do not match the input image.
    case outputMismatch(width: Int, height: Int, channels: Int, imageWidth: Int, imageHeight: Int)
    /// A tile input whose size is not the tile's input rectangle.
    case tileInputMismatch(expected: Rect, width: Int, height: Int)
    /// A tile whose input rectangle misses pixels its output needs (`needed`), or lies outside the image.
    case tileInputTooSmall(input: Rect, needed: Rect)
    /// A tile asked to run a global step, which needs the whole image's histogram.
    case globalStepInTile(PipelineOperation)

    public var description: String {
        switch self {
        case let .invalidTileSize(width, height):
            "invalid tile size \(width)x\(height): both sides must be at least 1"
        case let .planMismatch(pw, ph, iw, ih):
            "the tile plan is for a \(pw)x\(ph) image, but the image is \(iw)x\(ih)"
        case let .haloTooSmall(plan, pipeline):
            "the tile plan's halo (\(plan)) is smaller than the pipeline's (\(pipeline))"
        case let .outputMismatch(width, height, channels, iw, ih):
            "the output image is \(width)x\(height) with \(channels) channels, but a gray \(iw)x\(ih) image is needed"
        case let .tileInputMismatch(expected, width, height):
            "the tile input is \(width)x\(height), but the tile reads \(expected)"
        case let .tileInputTooSmall(input, needed):
            "the tile reads \(input), which does not cover the \(needed) its output needs inside the image"
        case .globalStepInTile(let step):
            "a tile cannot run '\(Pipeline([step]).description)': it needs the whole image's histogram; run the pipeline's stages"
        }
    }
}

/// A split of a W×H image into tiles (or full-width strips), each with a halo.
///
/// Plans are values: tiles are computed on demand, so a plan of 1×1 tiles over a large image costs nothing.
public struct TilePlan: Hashable, Sendable, Codable {
    /// The image's columns.
    public let width: Int
    /// The image's rows.
    public let height: Int
    /// The side of every tile but the last in a row (which may be narrower).
    public let tileWidth: Int
    /// The height of every tile but the last in a column (which may be shorter).
    public let tileHeight: Int
    /// How far each tile's input reaches beyond its output, on each side.
    public let halo: Int

    /// Creates a plan of `tileWidth`×`tileHeight` tiles; tiles larger than the image are clipped to it.
    /// - Parameters:
    ///   - width: Image columns, at least 1.
    ///   - height: Image rows, at least 1.
    ///   - tileWidth: Tile columns, at least 1.
    ///   - tileHeight: Tile rows, at least 1.
    ///   - halo: The pipeline's halo (``Pipeline/halo``).
    /// - Throws: ``TilingError`` or ``ImageError`` for sizes out of range.
    public init(width: Int, height: Int, tileWidth: Int, tileHeight: Int, halo: Int) throws {
        try Plane<UInt8>.validate(width: width, height: height, channels: 1)
        guard tileWidth >= 1, tileHeight >= 1 else { throw TilingError.invalidTileSize(width: tileWidth, height: tileHeight) }
        self.width = width
        self.height = height
        self.tileWidth = Swift.min(tileWidth, width)
        self.tileHeight = Swift.min(tileHeight, height)
        self.halo = Swift.max(halo, 0)
    }

    /// A plan of full-width strips.
    /// - Parameters:
    ///   - width: Image columns.
    ///   - height: Image rows.
    ///   - rows: Rows per strip, at least 1.
    ///   - halo: The pipeline's halo.
    /// - Returns: The plan.
    /// - Throws: ``TilingError`` or ``ImageError`` for sizes out of range.
    public static func strips(width: Int, height: Int, rows: Int, halo: Int) throws -> TilePlan {
        try TilePlan(width: width, height: height, tileWidth: width, tileHeight: rows, halo: halo)
    }

    /// The plan the library picks: full-width strips of about 256 KiB of gray output, at least 8 rows,
    /// and enough strips to keep `threads` threads busy. Strips are sized by output, not input: a
    /// colour input's gray rows in the strip's halo are converted twice, and shorter colour strips
    /// made that 10% of the work (measured 9% slower at 4096² RGB).
    /// - Parameters:
    ///   - width: Image columns.
    ///   - height: Image rows.
    ///   - halo: The pipeline's halo.
    ///   - threads: The threads that will run it.
    /// - Returns: The plan.
    /// - Throws: ``ImageError`` for sizes out of range.
    public static func automatic(width: Int, height: Int, halo: Int, threads: Int) throws -> TilePlan {
        let byCache = Swift.max(8, (256 * 1024) / Swift.max(1, width))
        let byThreads = Swift.max(1, height / Swift.max(1, 4 * threads))
        let rows = threads > 1 ? Swift.min(byCache, byThreads) : byCache
        return try strips(width: width, height: height, rows: Swift.max(rows, Swift.min(height, 2 * halo + 1)), halo: halo)
    }

    /// Tiles per row.
    public var columns: Int { (width + tileWidth - 1) / tileWidth }
    /// Tiles per column.
    public var rows: Int { (height + tileHeight - 1) / tileHeight }
    /// The number of tiles.
    public var count: Int { columns * rows }

    /// The tile at `index`, row-major.
    /// - Parameter index: `0 ..< count`.
    /// - Returns: The tile with its output and input rectangles.
    public func tile(at index: Int) -> Tile {
        precondition(index >= 0 && index < count, "tile index out of range")
        let column = index % columns
        let row = index / columns
        let x = column * tileWidth
        let y = row * tileHeight
        let output = Rect(x: x, y: y, width: Swift.min(tileWidth, width - x), height: Swift.min(tileHeight, height - y))
        let bounds = Rect(x: 0, y: 0, width: width, height: height)
        return Tile(index: index, output: output, input: output.grown(by: halo).intersection(bounds))
    }

    /// Every tile, row-major.
    public var tiles: [Tile] { (0..<count).map(tile(at:)) }
}
