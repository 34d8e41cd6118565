public import CoreMetrics

/// The service's metrics, recorded through swift-metrics (exported by `sobel serve` and `sobel work` in the
/// Prometheus text format). Names and labels follow Prometheus conventions, and every label has a fixed,
/// small set of values: no job ids.
///
/// The coordinator records jobs, uploads, results and the stages it runs (decode, publish, assemble, encode,
/// total); workers record tiles, chunks and their stages (queue wait, compute, store). In the embedded mode
/// one process records both.
public struct ServiceMetrics: Sendable {
    /// A stage of a job, the value of the `stage` label of ``stageDurationName``.
    public enum Stage: String, CaseIterable, Sendable {
        case decode, publish
        case queueWait = "queue_wait"
        case compute, store, assemble, encode, total
    }

    /// Jobs accepted (counter).
    public static let jobsAcceptedName = "sobel_jobs_accepted_total"
    /// Jobs finished with a result (counter).
    public static let jobsDoneName = "sobel_jobs_done_total"
    /// Jobs failed, by `reason` (counter; see ``JobFailureReason``).
    public static let jobsFailedName = "sobel_jobs_failed_total"
    /// Tiles rendered and stored by workers (counter).
    public static let tilesProcessedName = "sobel_tiles_processed_total"
    /// Chunks a worker received that the queue had delivered before (counter).
    public static let tilesRedeliveredName = "sobel_tiles_redelivered_total"
    /// Chunks moved to the dead-letter queue (counter).
    public static let tilesDeadLetteredName = "sobel_tiles_dead_lettered_total"
    /// Seconds per stage, by `stage` (histogram).
    public static let stageDurationName = "sobel_stage_duration_seconds"
    /// Bytes received, by `kind`: `upload` (coordinator) or `chunk` (worker) (counter).
    public static let bytesReceivedName = "sobel_received_bytes_total"
    /// Bytes produced, by `kind`: `result` (coordinator) or `tile` (worker) (counter).
    public static let bytesSentName = "sobel_sent_bytes_total"
    /// Chunks waiting in the queue (gauge, set by the coordinator when scraped).
    public static let queueDepthName = "sobel_queue_depth"
    /// Chunks in the dead-letter queue (gauge, set by the coordinator when scraped).
    public static let deadLetterDepthName = "sobel_dead_letter_queue_depth"
    /// Workers with a heartbeat in the last 10 seconds (gauge, set by the coordinator when scraped).
    public static let workersAliveName = "sobel_workers_alive"
    /// Jobs this coordinator is running (gauge, set when scraped).
    public static let jobsRunningName = "sobel_jobs_running"

    /// Seconds the stage histograms' buckets end at: from sub-millisecond tile computes to the job deadline.
    public static let stageBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    private let jobsAccepted: Counter
    private let jobsDone: Counter
    private let jobsFailed: [JobFailureReason: Counter]
    private let tilesProcessed: Counter
    private let tilesRedelivered: Counter
    private let tilesDeadLettered: Counter
    private let stages: [Stage: Timer]
    private let uploadBytes: Counter
    private let chunkBytes: Counter
    private let resultBytes: Counter
    private let tileBytes: Counter
    private let queueDepth: Gauge
    private let deadLetterDepth: Gauge
    private let workersAlive: Gauge
    private let jobsRunning: Gauge

    /// Creates the metrics in a factory.
    /// - Parameter factory: Where they are recorded; by default the process's bootstrapped `MetricsSystem`.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        jobsAccepted = Counter(label: Self.jobsAcceptedName, factory: factory)
        jobsDone = Counter(label: Self.jobsDoneName, factory: factory)
        jobsFailed = Dictionary(
            uniqueKeysWithValues: JobFailureReason.allCases.map {
                ($0, Counter(label: Self.jobsFailedName, dimensions: [("reason", $0.rawValue)], factory: factory))
            }
        )
        tilesProcessed = Counter(label: Self.tilesProcessedName, factory: factory)
        tilesRedelivered = Counter(label: Self.tilesRedeliveredName, factory: factory)
        tilesDeadLettered = Counter(label: Self.tilesDeadLetteredName, factory: factory)
        stages = Dictionary(
            uniqueKeysWithValues: Stage.allCases.map {
                ($0, Timer(label: Self.stageDurationName, dimensions: [("stage", $0.rawValue)], factory: factory))
            }
        )
        uploadBytes = Counter(label: Self.bytesReceivedName, dimensions: [("kind", "upload")], factory: factory)
        chunkBytes = Counter(label: Self.bytesReceivedName, dimensions: [("kind", "chunk")], factory: factory)
        resultBytes = Counter(label: Self.bytesSentName, dimensions: [("kind", "result")], factory: factory)
        tileBytes = Counter(label: Self.bytesSentName, dimensions: [("kind", "tile")], factory: factory)
        queueDepth = Gauge(label: Self.queueDepthName, factory: factory)
        deadLetterDepth = Gauge(label: Self.deadLetterDepthName, factory: factory)
        workersAlive = Gauge(label: Self.workersAliveName, factory: factory)
        jobsRunning = Gauge(label: Self.jobsRunningName, factory: factory)
    }

    /// An upload of `bytes` came in (accepted or not).
    func uploadReceived(bytes: Int) {
        uploadBytes.increment(by: bytes)
    }

    /// A job was accepted.
    func jobAccepted() {
        jobsAccepted.increment()
    }

    /// A job finished with a result of `resultBytes`.
    func jobDone(resultBytes: Int) {
        jobsDone.increment()
        self.resultBytes.increment(by: resultBytes)
    }

    /// A job failed.
    func jobFailed(_ reason: JobFailureReason) {
        jobsFailed[reason]!.increment()
    }

    /// A stage took `duration`.
    func record(_ stage: Stage, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        stages[stage]!.recordNanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    /// A worker received a chunk of `bytes`.
    func chunkReceived(bytes: Int, redelivered: Bool) {
        chunkBytes.increment(by: bytes)
        if redelivered { tilesRedelivered.increment() }
    }

    /// A worker stored a tile of `bytes`.
    func tileProcessed(bytes: Int) {
        tilesProcessed.increment()
        tileBytes.increment(by: bytes)
    }

    /// A worker dead-lettered a chunk.
    func tileDeadLettered() {
        tilesDeadLettered.increment()
    }

    /// Sets the gauges that describe the whole service, read from the queue and store when scraped.
    /// - Parameters:
    ///   - queueDepth: Chunks waiting.
    ///   - deadLetters: Chunks in the dead-letter queue.
    ///   - workers: Workers alive.
    ///   - runningJobs: Jobs this coordinator runs.
    public func setServiceGauges(queueDepth: Int, deadLetters: Int, workers: Int, runningJobs: Int) {
        self.queueDepth.record(queueDepth)
        deadLetterDepth.record(deadLetters)
        workersAlive.record(workers)
        jobsRunning.record(runningJobs)
    }
}

/// Why a job failed, the value of the `reason` label of ``ServiceMetrics/jobsFailedName``.
public enum JobFailureReason: String, CaseIterable, Sendable {
    /// The job passed its deadline.
    case deadline
    /// A worker could not process one of its chunks (the chunk was dead-lettered).
    case tileFailed = "tile_failed"
    /// A tile came back with the wrong size.
    case invalidTile = "invalid_tile"
    /// The queue refused or lost the chunks.
    case queue
    /// The store was unreachable.
    case store
    /// The result could not be encoded.
    case encode
    /// Anything else (a bug): the job's error says what.
    case internalError = "internal"
}
