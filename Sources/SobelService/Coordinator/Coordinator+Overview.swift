/// What a front end asks of the service besides jobs: readiness, workers and counters. The web layer goes
/// through these, never through the queue or the store directly.
extension Coordinator {
    /// The workers alive now: those whose last heartbeat is within ``WorkerHeartbeat/liveWithin``.
    /// - Returns: Their heartbeats, by id.
    /// - Throws: ``DependencyFailure`` when the store does not answer.
    public func liveWorkers() throws -> [WorkerHeartbeat] {
        try using(.store) { try store.workers(seenWithin: WorkerHeartbeat.liveWithin) }
    }

    /// Chunks waiting for a worker.
    /// - Throws: ``DependencyFailure`` when the queue does not answer.
    public func queueDepth() throws -> Int {
        try using(.queue) { try queue.depth() }
    }

    /// The service's counters, the same from every replica.
    /// - Returns: Queue depths, jobs by outcome, live workers and recent throughput.
    /// - Throws: ``DependencyFailure`` naming the part that does not answer.
    public func statistics() throws -> ServiceStatistics {
        let counts = try using(.store) { try store.statistics() }
        return ServiceStatistics(
            queueDepth: try queueDepth(),
            deadLetters: try using(.queue) { try queue.deadLetterDepth() },
            jobs: counts,
            liveWorkers: try liveWorkers().count
        )
    }

    /// Checks once that the queue and the store answer, the queue first, each within `timeout` and without
    /// waiting out a reconnect window: what a readiness probe asks.
    /// - Parameter timeout: The longest each check may take.
    /// - Returns: `nil` when both answer; otherwise which one failed, and how.
    public func unreachableDependency(timeout: Duration = .milliseconds(500)) -> DependencyFailure? {
        do { try queue.probe(timeout: timeout) } catch { return DependencyFailure(dependency: .queue, message: "\(error)") }
        do { try store.probe(timeout: timeout) } catch { return DependencyFailure(dependency: .store, message: "\(error)") }
        return nil
    }

    /// Reads the queue and store and sets the service-wide gauges; a part that does not answer keeps its last value.
    public func refreshGauges() {
        guard let statistics = try? statistics() else { return }
        metrics.setServiceGauges(
            queueDepth: statistics.queueDepth,
            deadLetters: statistics.deadLetters,
            workers: statistics.liveWorkers,
            runningJobs: runningJobs
        )
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

/// A part of the service that does not answer: the front end answers 503 and asks the client to retry.
public struct DependencyFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which part.
    public var dependency: ServiceDependency
    /// Its error, in words.
    public var message: String

    public var description: String { "the job \(dependency.rawValue) is unavailable: \(message)" }
}

extension Coordinator {
    /// Runs `body`, reporting its failure as ``DependencyFailure`` of `dependency`.
    func using<R>(_ dependency: ServiceDependency, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let failure as DependencyFailure {
            throw failure
        } catch {
            throw DependencyFailure(dependency: dependency, message: "\(error)")
        }
    }
}

/// A part of the service the coordinator needs.
public enum ServiceDependency: String, Sendable {
    /// The ``JobQueue`` (RabbitMQ, or in memory).
    case queue
    /// The ``TileStore`` (Redis, or in memory).
    case store
}
