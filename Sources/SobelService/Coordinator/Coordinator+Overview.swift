/// What a front end asks of the service besides jobs: readiness, workers and counters. The web layer goes
/// through these, never through the queue or the store directly.
extension Coordinator {
    /// The workers alive now: those whose last heartbeat is within ``WorkerHeartbeat/liveWithin``.
    /// - Returns: Their heartbeats, by id.
    public func liveWorkers() throws -> [WorkerHeartbeat] {
        try store.workers(seenWithin: WorkerHeartbeat.liveWithin)
    }

    /// Chunks waiting for a worker.
    public func queueDepth() throws -> Int {
        try queue.depth()
    }

    /// The service's counters, the same from every replica.
    /// - Returns: Queue depths, jobs by outcome, live workers and recent throughput.
    public func statistics() throws -> ServiceStatistics {
        let counts = try store.statistics()
        return ServiceStatistics(queueDepth: try queue.depth(), deadLetters: try queue.deadLetterDepth(), jobs: counts,
                                 liveWorkers: try liveWorkers().count)
    }

    /// Checks that the queue and the store answer, the queue first.
    /// - Returns: `nil` when both answer; otherwise which one failed, and how.
    public func unreachableDependency() -> DependencyFailure? {
        do { _ = try queue.depth() } catch { return DependencyFailure(dependency: .queue, message: "\(error)") }
        do { _ = try store.record(JobID()) } catch { return DependencyFailure(dependency: .store, message: "\(error)") }
        return nil
    }

    /// Reads the queue and store and sets the service-wide gauges; a part that does not answer keeps its last value.
    public func refreshGauges() {
        guard let statistics = try? statistics() else { return }
        metrics.setServiceGauges(queueDepth: statistics.queueDepth, deadLetters: statistics.deadLetters,
                                 workers: statistics.liveWorkers, runningJobs: runningJobs)
    }
}

/// The service's counters at one moment.
public struct ServiceStatistics: Hashable, Sendable {
    /// Chunks waiting for a worker.
    public var queueDepth: Int
    /// Chunks in the dead-letter queue.
    public var deadLetters: Int
    /// Jobs by outcome and tiles stored in the last minute.
    public var jobs: StoreStatistics
    /// Workers seen within ``WorkerHeartbeat/liveWithin``.
    public var liveWorkers: Int

    /// Tiles stored per second, the mean over the last full minute.
    public var tilesPerSecond: Double { Double(jobs.tilesLastMinute) / 60 }
}

/// A part of the service that does not answer.
public struct DependencyFailure: Hashable, Sendable {
    /// Which part.
    public var dependency: ServiceDependency
    /// Its error, in words.
    public var message: String
}

/// A part of the service the coordinator needs.
public enum ServiceDependency: String, Sendable {
    /// The ``JobQueue`` (RabbitMQ, or in memory).
    case queue
    /// The ``TileStore`` (Redis, or in memory).
    case store
}
