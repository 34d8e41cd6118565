import Foundation
public import SobelCore

/// Where a job is in its life.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    /// Accepted; its chunks are not all published yet.
    case queued
    /// Published; workers are rendering its tiles.
    case running
    /// Assembled and encoded: the result can be fetched.
    case done
    /// Given up, with a reason in ``JobRecord/error``.
    case failed

    /// Whether the job can no longer change.
    public var isFinal: Bool { self == .done || self == .failed }
}

/// Milliseconds spent in each stage of a job. Coordinator stages are wall-clock times; worker stages
/// are per tile: `queueWait` and `store` are means, `compute` is the sum over tiles (CPU time).
public struct StageTimings: Codable, Hashable, Sendable {
    /// Decoding the upload.
    public var decode: Double = 0
    /// Planning the tiles.
    public var plan: Double = 0
    /// Cutting chunks, base64 and publishing with confirms.
    public var publish: Double = 0
    /// Mean time a chunk waited in the queue before a worker took it.
    public var queueWait: Double = 0
    /// Total worker time decoding chunks and rendering tiles.
    public var compute: Double = 0
    /// Mean time from a worker finishing a tile to the coordinator holding it (store, notify, fetch).
    public var store: Double = 0
    /// Copying tiles into the output image.
    public var assemble: Double = 0
    /// Encoding the result.
    public var encode: Double = 0
    /// From submission to the result being stored.
    public var total: Double = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case decode, plan, publish
        case queueWait = "queue_wait"
        case compute, store, assemble, encode, total
    }

    /// Reads timings as the wire format defines them: every field is optional, and a missing one is 0 (a
    /// record written before a stage finished, or by another implementation, has fewer).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func value(_ key: CodingKeys) throws -> Double { try container.decodeIfPresent(Double.self, forKey: key) ?? 0 }
        (decode, plan, publish, queueWait, compute) = (
            try value(.decode), try value(.plan), try value(.publish), try value(.queueWait), try value(.compute)
        )
        (store, assemble, encode, total) = (try value(.store), try value(.assemble), try value(.encode), try value(.total))
    }
}

/// The shared record of a job, kept in the ``TileStore`` so that any coordinator replica can report on it.
public struct JobRecord: Codable, Hashable, Sendable {
    /// The job.
    public var id: JobID
    /// Where it is.
    public var status: JobStatus
    /// Tiles stored by workers (each counted once, however often it was delivered).
    public var tilesDone: Int
    /// Tiles in the plan.
    public var tilesTotal: Int
    /// The image's columns and rows.
    public var width: Int
    public var height: Int
    /// The pipeline's text form.
    public var pipeline: String
    /// The result's format: `png`, `jpeg` or `pnm`.
    public var outputFormat: String
    /// When it was accepted and when it must be done, in milliseconds since 1970.
    public var createdMs: Int64
    public var deadlineMs: Int64
    /// Why it failed.
    public var error: String?
    /// Time per stage, filled in as stages finish.
    public var timings: StageTimings
    /// The result's values, once the job is done.
    public var statistics: ResultStatistics?

    /// Creates a record.
    public init(
        id: JobID,
        status: JobStatus,
        tilesDone: Int,
        tilesTotal: Int,
        width: Int,
        height: Int,
        pipeline: String,
        outputFormat: String,
        createdMs: Int64,
        deadlineMs: Int64,
        error: String? = nil,
        timings: StageTimings = StageTimings()
    ) {
        (self.id, self.status, self.tilesDone, self.tilesTotal, self.width, self.height) = (id, status, tilesDone, tilesTotal, width, height)
        (self.pipeline, self.outputFormat, self.createdMs, self.deadlineMs, self.error, self.timings) = (
            pipeline, outputFormat, createdMs, deadlineMs, error, timings
        )
    }

    enum CodingKeys: String, CodingKey {
        case id, status
        case tilesDone = "tiles_done"
        case tilesTotal = "tiles_total"
        case width, height, pipeline
        case
            outputFormat = "output_format"
        case createdMs = "created_ms"
        case deadlineMs = "deadline_ms"
        case error, timings, statistics
    }

    /// Reads a record as the wire format defines it: `error` absent, `null` or `""` all mean no error, and
    /// `timings` may be absent or partial.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(JobID.self, forKey: .id)
        status = try container.decode(JobStatus.self, forKey: .status)
        tilesDone = try container.decode(Int.self, forKey: .tilesDone)
        tilesTotal = try container.decode(Int.self, forKey: .tilesTotal)
        width = try container.decode(Int.self, forKey: .width)
        height = try container.decode(Int.self, forKey: .height)
        pipeline = try container.decode(String.self, forKey: .pipeline)
        outputFormat = try container.decode(String.self, forKey: .outputFormat)
        createdMs = try container.decode(Int64.self, forKey: .createdMs)
        deadlineMs = try container.decode(Int64.self, forKey: .deadlineMs)
        error = try container.decodeIfPresent(String.self, forKey: .error).flatMap { $0.isEmpty ? nil : $0 }
        timings = try container.decodeIfPresent(StageTimings.self, forKey: .timings) ?? StageTimings()
        statistics = try container.decodeIfPresent(ResultStatistics.self, forKey: .statistics)
    }
}

/// A finished job's result values: from the histograms the workers reported, reduced over every tile, so
/// a client learns an image's edge density without downloading it.
public struct ResultStatistics: Codable, Hashable, Sendable {
    /// The smallest and largest gray values of the result.
    public var min: Int
    public var max: Int
    /// The mean gray value of the result.
    public var mean: Double
    /// The level Otsu's method chose, when the pipeline has `threshold:otsu` (the last one's).
    public var otsuThreshold: Int?

    /// The statistics of an image with this histogram.
    /// - Parameters:
    ///   - histogram: The result's histogram; must count at least one pixel.
    ///   - otsuThreshold: The level of the pipeline's last `threshold:otsu`, if any.
    public init(_ histogram: Histogram, otsuThreshold: UInt8?) {
        min = Int(histogram.minimum ?? 0)
        max = Int(histogram.maximum ?? 0)
        mean = histogram.mean ?? 0
        self.otsuThreshold = otsuThreshold.map(Int.init)
    }

    enum CodingKeys: String, CodingKey {
        case min, max, mean
        case otsuThreshold = "otsu_threshold"
    }
}

/// What a worker reports with a stored tile.
public struct TileReport: Codable, Hashable, Sendable {
    /// The tile's index.
    public var tile: Int
    /// The worker's id.
    public var worker: String
    /// When the worker took the chunk and when it finished rendering, in milliseconds since 1970.
    public var startedMs: Int64
    public var finishedMs: Int64
    /// Time spent decoding the chunk and rendering, in milliseconds.
    public var computeMs: Double
    /// How many of the tile's output pixels have each value (256 counts), for the job's global steps and
    /// statistics; when absent, the coordinator counts the stored pixels itself.
    public var histogram: [Int]?

    public init(tile: Int, worker: String, startedMs: Int64, finishedMs: Int64, computeMs: Double, histogram: [Int]? = nil) {
        (self.tile, self.worker, self.startedMs, self.finishedMs, self.computeMs) = (tile, worker, startedMs, finishedMs, computeMs)
        self.histogram = histogram
    }

    enum CodingKeys: String, CodingKey {
        case tile, worker
        case startedMs = "started_ms"
        case finishedMs = "finished_ms"
        case computeMs = "compute_ms"
        case histogram
    }
}

/// An entry of a job's event list, which the coordinator blocks on.
public enum JobEvent: Codable, Hashable, Sendable {
    /// A tile is in the store.
    case stored(TileReport)
    /// A chunk of the job could not be processed.
    case failed(tile: Int?, reason: String)

    private enum CodingKeys: String, CodingKey { case event, report, tile, reason }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .event) {
        case "stored": self = .stored(try container.decode(TileReport.self, forKey: .report))
        case "failed":
            self = .failed(
                tile: try container.decodeIfPresent(Int.self, forKey: .tile),
                reason: try container.decode(String.self, forKey: .reason)
            )
        case let other: throw DecodingError.dataCorruptedError(forKey: .event, in: container, debugDescription: "unknown event '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .stored(let report):
            try container.encode("stored", forKey: .event)
            try container.encode(report, forKey: .report)
        case .failed(let tile, let reason):
            try container.encode("failed", forKey: .event)
            try container.encodeIfPresent(tile, forKey: .tile)
            try container.encode(reason, forKey: .reason)
        }
    }
}

/// A worker's sign of life, refreshed every few seconds.
public struct WorkerHeartbeat: Codable, Hashable, Sendable {
    /// A unique id per worker process.
    public var id: String
    /// The host it runs on.
    public var host: String
    /// Tiles it has stored since it started.
    public var tilesDone: Int
    /// When it last reported, in milliseconds since 1970.
    public var lastSeenMs: Int64

    public init(id: String, host: String, tilesDone: Int, lastSeenMs: Int64) {
        (self.id, self.host, self.tilesDone, self.lastSeenMs) = (id, host, tilesDone, lastSeenMs)
    }

    enum CodingKeys: String, CodingKey {
        case id, host
        case tilesDone = "tiles_done"
        case lastSeenMs = "last_seen_ms"
    }

    /// How long a worker that stopped beating stays listed in the store: every beat removes the entries
    /// older than this.
    public static let timeToLive = Duration.seconds(60)

    /// How recent a beat must be for its worker to count as alive (five missed beats at the default interval).
    public static let liveWithin = Duration.seconds(10)
}

extension Date {
    /// Milliseconds since 1970, the wire format's clock.
    package static var nowMs: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
