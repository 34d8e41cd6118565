import Foundation
import SobelConnections

/// The embedded mode's store: dictionaries behind a lock, with a condition for blocking event waits
/// and lazy expiry after the time to live.
public final class InMemoryTileStore: TileStore, @unchecked Sendable {
    /// How long a job's data is kept.
    public let timeToLive: Duration
    /// The most bytes of results kept at once: beyond it the oldest results are dropped before their time to
    /// live, so that a long run of jobs does not fill the process's memory.
    public let maxResultBytes: Int
    /// Jobs holding a result, oldest first.
    private var resultOrder: [JobID] = []
    private let condition = NSCondition()
    private var jobs: [JobID: JobData] = [:]
    private var beats: [String: WorkerHeartbeat] = [:]
    private var lastSweep = Date.distantPast
    private var jobCounts: [JobStatus: Int] = [:]
    private var tilesPerSecond: [Int64: Int] = [:]

    private struct JobData {
        var record: JobRecord?
        var tiles: [Int: [UInt8]] = [:]
        var done: Set<Int> = []
        var events: [JobEvent] = []
        var result: [UInt8]?
        var expires: Date
    }

    /// Creates an empty store.
    /// - Parameters:
    ///   - timeToLive: How long a job's data is kept after its last change.
    ///   - maxResultBytes: The most bytes of results kept at once, 256 MiB by default.
    public init(timeToLive: Duration = .seconds(3600), maxResultBytes: Int = 256 << 20) {
        (self.timeToLive, self.maxResultBytes) = (timeToLive, maxResultBytes)
    }

    /// Runs `body` on the job's live data (created if needed), refreshing its expiry.
    private func update<R>(_ job: JobID, _ body: (inout JobData) -> R) -> R {
        condition.withLock {
            let now = Date()
            if now.timeIntervalSince(lastSweep) >= 1 {  // drop expired jobs once a second, not on every tile
                jobs = jobs.filter { $0.value.expires > now }
                lastSweep = now
            }
            if let stale = jobs[job], stale.expires <= now { jobs[job] = nil }
            var data = jobs[job] ?? JobData(expires: now)
            data.expires = now.addingTimeInterval(timeToLive.seconds)
            let result = body(&data)
            jobs[job] = data
            condition.broadcast()
            return result
        }
    }

    private func read<R>(_ job: JobID, _ body: (JobData) -> R?) -> R? {
        condition.withLock {
            guard let data = jobs[job], data.expires > Date() else { return nil }
            return body(data)
        }
    }

    public func storeTile(_ bytes: [UInt8], job: JobID, report: TileReport) throws {
        let second = Date.nowMs / 1000
        condition.withLock {
            tilesPerSecond[second, default: 0] += 1
            tilesPerSecond = tilesPerSecond.filter { $0.key > second - 120 }
        }
        update(job) { data in
            data.tiles[report.tile] = bytes
            data.done.insert(report.tile)
            data.events.append(.stored(report))
        }
    }

    public func tile(job: JobID, index: Int) throws -> [UInt8]? {
        read(job) { $0.tiles[index] }
    }

    public func deleteTiles(job: JobID, count: Int) throws {
        update(job) { $0.tiles.removeAll() }
    }

    public func nextEvent(job: JobID, timeout: Duration) throws -> JobEvent? {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        return condition.withLock {
            while jobs[job]?.events.isEmpty ?? true {
                guard condition.wait(until: deadline) else { return nil }
            }
            return jobs[job]!.events.removeFirst()
        }
    }

    public func failJob(_ job: JobID, tile: Int?, reason: String) throws {
        update(job) { data in
            if var record = data.record, record.status != .done {
                record.status = .failed
                record.error = reason
                data.record = record
            }
            data.events.append(.failed(tile: tile, reason: reason))
        }
    }

    public func saveRecord(_ record: JobRecord) throws {
        update(record.id) { $0.record = record }
    }

    public func record(_ job: JobID) throws -> JobRecord? {
        read(job) { data in
            data.record.map { record in
                var record = record
                record.tilesDone = data.done.count
                return record
            }
        }
    }

    public func saveResult(_ bytes: [UInt8], job: JobID) throws {
        update(job) { $0.result = bytes }
        condition.withLock {
            resultOrder.removeAll { jobs[$0]?.result == nil || $0 == job }
            resultOrder.append(job)
            var held = resultOrder.reduce(0) { $0 + (jobs[$1]?.result?.count ?? 0) }
            while held > maxResultBytes, resultOrder.count > 1 {
                let oldest = resultOrder.removeFirst()
                held -= jobs[oldest]?.result?.count ?? 0
                jobs[oldest]?.result = nil
            }
        }
    }

    public func result(_ job: JobID) throws -> [UInt8]? {
        read(job) { $0.result }
    }

    public func heartbeat(_ beat: WorkerHeartbeat) throws {
        let oldest = Date.nowMs - Int64(WorkerHeartbeat.timeToLive.milliseconds)
        condition.withLock {
            beats[beat.id] = beat
            beats = beats.filter { $0.value.lastSeenMs >= oldest }
        }
    }

    public func workers(seenWithin maxAge: Duration) throws -> [WorkerHeartbeat] {
        let oldest = Date.nowMs - Int64(maxAge.seconds * 1000)
        return condition.withLock { beats.values.filter { $0.lastSeenMs >= oldest }.sorted { $0.id < $1.id } }
    }

    public func countJob(_ status: JobStatus) throws {
        condition.withLock { jobCounts[status, default: 0] += 1 }
    }

    public func statistics() throws -> StoreStatistics {
        let second = Date.nowMs / 1000
        return condition.withLock {
            StoreStatistics(
                jobsAccepted: jobCounts[.queued] ?? 0,
                jobsDone: jobCounts[.done] ?? 0,
                jobsFailed: jobCounts[.failed] ?? 0,
                tilesLastMinute: tilesPerSecond.filter { $0.key >= second - 60 && $0.key < second }.values.reduce(0, +)
            )
        }
    }

    /// The in-memory store always answers.
    public func probe(timeout: Duration) {}
}
