/// Shared job state: tiles, job records, results, per-job event lists and worker heartbeats.
///
/// Implementations: ``InMemoryTileStore`` (the embedded mode) and ``RedisTileStore``. Both pass the same
/// contract tests. Everything a store keeps for a job expires after the store's time to live.
public protocol TileStore: Sendable {
    /// Stores a rendered tile and announces it on the job's event list. Idempotent: storing the same
    /// tile again (a redelivered chunk) overwrites it, counts it once, and announces it again.
    /// - Parameters:
    ///   - bytes: The tile's pixels.
    ///   - job: The job.
    ///   - report: The tile's index and the worker's timings.
    func storeTile(_ bytes: [UInt8], job: JobID, report: TileReport) throws

    /// A stored tile's bytes, or `nil` when it is not (or no longer) stored.
    func tile(job: JobID, index: Int) throws -> [UInt8]?

    /// Removes a job's tiles once the result is assembled.
    func deleteTiles(job: JobID, count: Int) throws

    /// Blocks until the job's event list has an entry, and takes it.
    /// - Parameters:
    ///   - job: The job.
    ///   - timeout: How long to wait; the coordinator ties it to the job's deadline.
    /// - Returns: The oldest event, or `nil` on timeout.
    func nextEvent(job: JobID, timeout: Duration) throws -> JobEvent?

    /// Marks a job failed (unless it is already done) and announces the failure on its event list.
    func failJob(_ job: JobID, tile: Int?, reason: String) throws

    /// Creates or overwrites a job's record; ``JobRecord/tilesDone`` is kept by the store and not overwritten.
    func saveRecord(_ record: JobRecord) throws

    /// A job's record with its current tile count, or `nil` for an unknown or expired job.
    func record(_ job: JobID) throws -> JobRecord?

    /// Stores a job's encoded result.
    func saveResult(_ bytes: [UInt8], job: JobID) throws

    /// A job's encoded result, or `nil`.
    func result(_ job: JobID) throws -> [UInt8]?

    /// Records a worker's heartbeat.
    func heartbeat(_ beat: WorkerHeartbeat) throws

    /// The workers whose last heartbeat is more recent than `maxAge`, by id.
    func workers(seenWithin maxAge: Duration) throws -> [WorkerHeartbeat]

    /// Counts a job entering a status: `queued` when accepted, then `done` or `failed`.
    func countJob(_ status: JobStatus) throws

    /// Service-wide counters, shared by every coordinator replica.
    func statistics() throws -> StoreStatistics

    /// Checks once, within `timeout` and without the reconnect window, that the store answers: for readiness
    /// checks, which must answer at once.
    /// - Parameter timeout: The longest the check may take.
    /// - Throws: When the store does not answer in time.
    func probe(timeout: Duration) throws
}

/// Service-wide counters kept by the store.
public struct StoreStatistics: Codable, Hashable, Sendable {
    /// Jobs accepted, finished and failed since the store's data began.
    public var jobsAccepted: Int
    public var jobsDone: Int
    public var jobsFailed: Int
    /// Tiles stored in the last full minute.
    public var tilesLastMinute: Int

    /// Jobs accepted and not yet done or failed.
    public var jobsUnfinished: Int { max(0, jobsAccepted - jobsDone - jobsFailed) }

    public init(jobsAccepted: Int, jobsDone: Int, jobsFailed: Int, tilesLastMinute: Int) {
        (self.jobsAccepted, self.jobsDone, self.jobsFailed, self.tilesLastMinute) = (jobsAccepted, jobsDone, jobsFailed, tilesLastMinute)
    }
}
