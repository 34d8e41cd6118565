import ExtrasBase64
import Foundation
public import SobelCore

/// The metadata of a chunk: everything a worker needs besides the pixels. Wire format v1,
/// documented in `docs/wire-format.md`.
public struct ChunkHeader: Codable, Hashable, Sendable {
    /// The wire format's version; workers refuse others.
    public var version: Int
    /// The job the chunk belongs to.
    public var job: JobID
    /// The tile's index in the job's plan, `0 ..< tiles`.
    public var tile: Int
    /// The number of tiles in the job.
    public var tiles: Int
    /// The whole image's columns, for the border rule at its real edges.
    public var imageWidth: Int
    /// The whole image's rows.
    public var imageHeight: Int
    /// The pixels the worker must produce, in image coordinates.
    public var output: Rect
    /// The pixels the chunk carries: `output` grown by the pipeline's halo, clipped to the image.
    public var input: Rect
    /// The layout of the carried pixels.
    public var format: PixelFormat
    /// The pipeline in its text form, e.g. `gray,sobel:l2`.
    public var pipeline: String
    /// When the job's deadline passes, in milliseconds since 1970; later chunks are discarded.
    public var deadlineMs: Int64
    /// When the coordinator published the chunk, in milliseconds since 1970.
    public var publishedMs: Int64

    /// The version this build reads and writes.
    public static let currentVersion = 1

    /// Creates a header; see the properties for the meaning of each field.
    public init(
        version: Int = ChunkHeader.currentVersion,
        job: JobID,
        tile: Int,
        tiles: Int,
        imageWidth: Int,
        imageHeight: Int,
        output: Rect,
        input: Rect,
        format: PixelFormat,
        pipeline: String,
        deadlineMs: Int64,
        publishedMs: Int64
    ) {
        (self.version, self.job, self.tile, self.tiles, self.imageWidth, self.imageHeight) = (version, job, tile, tiles, imageWidth, imageHeight)
        (self.output, self.input, self.format, self.pipeline, self.deadlineMs, self.publishedMs) = (
            output, input, format, pipeline, deadlineMs, publishedMs
        )
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case job, tile, tiles
        case imageWidth = "image_width"
        case imageHeight = "image_height"
        case output, input, format,
            pipeline
        case deadlineMs = "deadline_ms"
        case publishedMs = "published_ms"
    }
}

/// One chunk as it travels through the queue: a one-line JSON ``ChunkHeader``, a newline (0x0A),
/// then the base64 (RFC 4648, with padding) of the input rectangle's raw pixels, rows top to bottom, no padding.
public struct ChunkMessage: Sendable {
    /// The metadata.
    public var header: ChunkHeader
    /// The raw pixels of `header.input`: `width × height × channels` bytes.
    public var pixels: [UInt8]

    /// The AMQP content type of the encoded message.
    public static let contentType = "application/vnd.sobel.chunk.v1"

    /// Creates a chunk.
    public init(header: ChunkHeader, pixels: [UInt8]) {
        self.header = header
        self.pixels = pixels
    }

    /// The bytes that go on the wire.
    public func encoded() throws -> [UInt8] {
        var bytes = try Self.encoder.encode(header)
        bytes.append(0x0A)
        bytes.append(contentsOf: Base64.encodeToBytes(bytes: pixels))
        return Array(bytes)
    }

    /// Reads a chunk from the wire and checks that it is complete and consistent. Whoever wrote the message,
    /// this never traps: every field is checked with arithmetic that cannot overflow before anything is
    /// sized by it.
    /// - Parameter bytes: One message body.
    /// - Throws: ``WireError`` saying what is wrong; ``WireError/header(_:)`` when even the header is unreadable.
    public init(decoding bytes: [UInt8]) throws(WireError) {
        guard let newline = bytes.firstIndex(of: 0x0A) else { throw WireError.header("no newline after the JSON header") }
        do {
            header = try Self.decoder.decode(ChunkHeader.self, from: Data(bytes[..<newline]))
        } catch {
            throw WireError.header("the JSON header is invalid (\(DecodingError.summary(of: error)))")
        }
        let header = header
        func invalid(_ detail: String) -> WireError { .invalid(header.job, tile: header.tile, detail) }
        guard header.version == ChunkHeader.currentVersion else {
            throw invalid("wire format version \(header.version) is not supported (this worker reads \(ChunkHeader.currentVersion))")
        }
        try header.checkGeometry()
        guard let decoded = try? Base64.decode(bytes: bytes[(newline + 1)...]) else {
            throw invalid("the pixels are not valid base64 (RFC 4648, standard alphabet, with padding)")
        }
        pixels = decoded
        // Both factors are bounded by checkGeometry (at most 2^40 pixels, 4 channels): no overflow.
        let expected = header.input.area * header.format.channels
        guard pixels.count == expected else {
            throw invalid("the chunk carries \(pixels.count) bytes; input \(header.input) in \(header.format.rawValue) needs \(expected)")
        }
    }

    /// The tile to render: its index and rectangles.
    public var tile: Tile { Tile(index: header.tile, output: header.output, input: header.input) }

    /// The carried pixels as an image.
    public func inputImage() throws -> Image {
        try Image(width: header.input.width, height: header.input.height, channels: header.format.channels, pixels: pixels)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let decoder = JSONDecoder()
}

extension ChunkHeader {
    /// Checks the tile index and every rectangle against the image, with arithmetic that cannot overflow:
    /// the image is 1…2²⁰ pixels a side, and `output` ⊆ `input` ⊆ the image.
    /// - Throws: ``WireError/invalid(_:tile:_:)`` naming the field.
    func checkGeometry() throws(WireError) {
        func invalid(_ detail: String) -> WireError { .invalid(job, tile: tile, detail) }
        guard tiles >= 1 else { throw invalid("the job's tile count \(tiles) is not positive") }
        guard tile >= 0, tile < tiles else { throw invalid("tile \(tile) is not one of the job's \(tiles) tiles (0 to \(tiles - 1))") }
        let side = PlaneLimits.maxSide
        guard (1...side).contains(imageWidth), (1...side).contains(imageHeight) else {
            throw invalid("the image size \(imageWidth)x\(imageHeight) is not 1 to \(side) pixels a side")
        }
        for (name, rect) in [("input", input), ("output", output)] {
            // width ≥ 1 and the image side ≤ 2^20 keep `imageWidth - rect.width` from overflowing.
            guard rect.width >= 1, rect.height >= 1, rect.x >= 0, rect.y >= 0,
                rect.x <= imageWidth - rect.width, rect.y <= imageHeight - rect.height
            else {
                throw invalid("the \(name) rectangle \(rect) is not inside the \(imageWidth)x\(imageHeight) image")
            }
        }
        guard input.contains(output) else { throw invalid("the input rectangle \(input) does not contain the output rectangle \(output)") }
    }
}

/// Why a message or stored value could not be read.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The header could not be read, so the job is unknown.
    case header(String)
    /// The header names a job and a tile, but the message is unusable.
    case invalid(JobID, tile: Int, String)

    /// The job the message belongs to, when known.
    public var job: JobID? {
        if case .invalid(let job, _, _) = self { return job }
        return nil
    }

    /// The tile the message carries, when known.
    public var tile: Int? {
        if case .invalid(_, let tile, _) = self { return tile }
        return nil
    }

    public var description: String {
        switch self {
        case .header(let detail): "unreadable chunk: \(detail)"
        case .invalid(_, _, let detail): "invalid chunk: \(detail)"
        }
    }
}
