import Foundation
import SobelConnections
public import SobelRedis
public import SobelService
import Synchronization

/// The store on Redis. Keys are namespaced by ``prefix`` and job (see `docs/wire-format.md`); every
/// key of a job expires after ``timeToLive``. Multi-key updates run as Lua scripts, so they are atomic.
public final class RedisTileStore: TileStore, Sendable {
    /// The server.
    public let url: RedisURL
    /// The first part of every key, e.g. `sobel:v1`.
    public let prefix: String
    /// How long a job's keys are kept after their last change.
    public let timeToLive: Duration
    private let commandTimeout: Duration
    private let reconnectWindow: Duration
    private let idle = Mutex<[RedisConnection]>([])

    /// Connects to the server (checking that it answers).
    /// - Parameters:
    ///   - url: The server.
    ///   - prefix: The key namespace.
    ///   - timeToLive: How long a job's keys live.
    ///   - commandTimeout: The time limit for one command.
    ///   - reconnectWindow: How long to retry a lost connection.
    /// - Throws: ``RedisError``.
    public init(
        url: RedisURL,
        prefix: String = "sobel:v1",
        timeToLive: Duration = .seconds(3600),
        commandTimeout: Duration = .seconds(5),
        reconnectWindow: Duration = .seconds(10)
    ) throws {
        (self.url, self.prefix, self.timeToLive, self.commandTimeout, self.reconnectWindow) = (
            url, prefix, timeToLive, commandTimeout, reconnectWindow
        )
        try withConnection { _ = try $0.send("PING") }
    }

    /// Runs `body` with a connection of its own (blocking commands occupy one), then keeps it for reuse. A pooled
    /// connection that the server closed while it was idle (a restart) fails on its first command; that command
    /// never reached the server, so it runs once more on the connection, which reconnects.
    @discardableResult
    private func withConnection<R>(_ body: (RedisConnection) throws -> R) throws -> R {
        let pooled = idle.withLock { $0.popLast() }
        let connection = try pooled ?? RedisConnection(url: url, commandTimeout: commandTimeout, reconnectWindow: reconnectWindow)
        let result: R
        do {
            result = try body(connection)
        } catch RedisError.connectionLost(_) where pooled != nil {
            result = try body(connection)
        }
        idle.withLock { if $0.count < 16 { $0.append(connection) } }
        return result
    }

    private func key(_ job: JobID, _ suffix: String = "") -> RedisArgument { .text("\(prefix):job:\(job)\(suffix)") }
    private var ttlMilliseconds: RedisArgument { .text(String(Int64(timeToLive.seconds * 1000))) }
    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    private static let storeTileScript = """
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
        redis.call('SADD', KEYS[2], ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        redis.call('RPUSH', KEYS[3], ARGV[3])
        redis.call('PEXPIRE', KEYS[3], ARGV[4])
        redis.call('INCR', KEYS[4])
        redis.call('EXPIRE', KEYS[4], 120)
        return 1
        """

    public func storeTile(_ bytes: [UInt8], job: JobID, report: TileReport) throws {
        let event = try Self.encoder.encode(JobEvent.stored(report))
        try withConnection {
            try $0.send([
                "EVAL", .text(Self.storeTileScript), "4", key(job, ":tile:\(report.tile)"), key(job, ":done"), key(job, ":events"),
                .text("\(prefix):tiles:\(Date.nowMs / 1000)"),
                .bytes(bytes), .text(String(report.tile)), .bytes(Array(event)), ttlMilliseconds,
            ])
        }
    }

    public func tile(job: JobID, index: Int) throws -> [UInt8]? {
        try withConnection { try $0.send(["GET", key(job, ":tile:\(index)")]).bytes }
    }

    public func deleteTiles(job: JobID, count: Int) throws {
        guard count > 0 else { return }
        try withConnection { try $0.send([.text("UNLINK")] + (0..<count).map { key(job, ":tile:\($0)") }) }
    }

    public func nextEvent(job: JobID, timeout: Duration) throws -> JobEvent? {
        let seconds = max(timeout.seconds, 0.001)
        let reply = try withConnection {
            try $0.send(["BLPOP", key(job, ":events"), .text(String(format: "%.3f", seconds))], blockingFor: timeout)
        }
        guard case .array(let pair) = reply, pair.count == 2, let bytes = pair[1].bytes else { return nil }
        return try Self.decoder.decode(JobEvent.self, from: Data(bytes))
    }

    private static let failJobScript = """
        if redis.call('HGET', KEYS[1], 'status') ~= 'done' then
          redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[1])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
        end
        redis.call('RPUSH', KEYS[2], ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return 1
        """

    public func failJob(_ job: JobID, tile: Int?, reason: String) throws {
        let event = try Self.encoder.encode(JobEvent.failed(tile: tile, reason: reason))
        try withConnection {
            try $0.send(["EVAL", .text(Self.failJobScript), "2", key(job), key(job, ":events"), .text(reason), .bytes(Array(event)), ttlMilliseconds])
        }
    }

    public func saveRecord(_ record: JobRecord) throws {
        let json = try Self.encoder.encode(record)
        try withConnection {
            try $0.send([
                "HSET", key(record.id), "record", .bytes(Array(json)), "status", .text(record.status.rawValue),
                "error", .text(record.error ?? ""),
            ])
            try $0.send(["PEXPIRE", key(record.id), ttlMilliseconds])
        }
    }

    public func record(_ job: JobID) throws -> JobRecord? {
        let (fields, done) = try withConnection {
            (try $0.send(["HMGET", key(job), "record", "status", "error"]), try $0.send(["SCARD", key(job, ":done")]))
        }
        guard case .array(let values) = fields, values.count == 3, let json = values[0].bytes else { return nil }
        var record: JobRecord
        do {
            record = try Self.decoder.decode(JobRecord.self, from: Data(json))
        } catch {
            // A record that cannot be read (written by a broken client, or half-overwritten) is a failed job
            // with a reason, never an error that callers would take for an unreachable store.
            record = JobRecord(
                id: job,
                status: .failed,
                tilesDone: 0,
                tilesTotal: 0,
                width: 0,
                height: 0,
                pipeline: "",
                outputFormat: "",
                createdMs: 0,
                deadlineMs: 0,
                error: "the job's record in Redis cannot be read: \(DecodingError.summary(of: error))"
            )
        }
        if let status = values[1].text.flatMap(JobStatus.init(rawValue:)), record.status != .failed { record.status = status }
        if let error = values[2].text, !error.isEmpty { record.error = error }
        record.tilesDone = done.integer ?? 0
        return record
    }

    public func saveResult(_ bytes: [UInt8], job: JobID) throws {
        try withConnection { try $0.send(["SET", key(job, ":result"), .bytes(bytes), "PX", ttlMilliseconds]) }
    }

    public func result(_ job: JobID) throws -> [UInt8]? {
        try withConnection { try $0.send(["GET", key(job, ":result")]).bytes }
    }

    /// Records the beat, removes the entries of workers silent for longer than ``WorkerHeartbeat/timeToLive``
    /// (an entry that cannot be read counts as silent), and lets the whole hash expire that long after the
    /// last beat.
    private static let heartbeatScript = """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        local entries = redis.call('HGETALL', KEYS[1])
        for i = 1, #entries, 2 do
          local ok, beat = pcall(cjson.decode, entries[i + 1])
          if not ok or type(beat) ~= 'table' or type(beat['last_seen_ms']) ~= 'number' or beat['last_seen_ms'] < tonumber(ARGV[3]) then
            redis.call('HDEL', KEYS[1], entries[i])
          end
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """

    public func heartbeat(_ beat: WorkerHeartbeat) throws {
        let json = try Self.encoder.encode(beat)
        let lifetime = Int64(WorkerHeartbeat.timeToLive.milliseconds)
        try withConnection {
            try $0.send([
                "EVAL", .text(Self.heartbeatScript), "1", .text("\(prefix):workers"), .text(beat.id), .bytes(Array(json)),
                .text(String(Date.nowMs - lifetime)), .text(String(lifetime)),
            ])
        }
    }

    public func workers(seenWithin maxAge: Duration) throws -> [WorkerHeartbeat] {
        let reply = try withConnection { try $0.send(["HVALS", .text("\(prefix):workers")]) }
        guard case .array(let values) = reply else { return [] }
        let oldest = Date.nowMs - Int64(maxAge.milliseconds)
        let beats = values.compactMap { $0.bytes.flatMap { try? Self.decoder.decode(WorkerHeartbeat.self, from: Data($0)) } }
        return beats.filter { $0.lastSeenMs >= oldest }.sorted { $0.id < $1.id }
    }

    /// Opens a connection of its own and sends PING, once, within `timeout`.
    public func probe(timeout: Duration) throws {
        _ = try RedisConnection(url: url, commandTimeout: timeout, reconnectWindow: .zero).send("PING")
    }

    public func countJob(_ status: JobStatus) throws {
        try withConnection { try $0.send(["HINCRBY", .text("\(prefix):stats"), .text("jobs_\(status.rawValue)"), "1"]) }
    }

    public func statistics() throws -> StoreStatistics {
        let second = Date.nowMs / 1000
        let (counts, tiles) = try withConnection {
            (
                try $0.send(["HMGET", .text("\(prefix):stats"), "jobs_queued", "jobs_done", "jobs_failed"]),
                try $0.send([.text("MGET")] + (1...60).map { .text("\(prefix):tiles:\(second - Int64($0))") })
            )
        }
        func numbers(_ reply: RedisReply) -> [Int] {
            guard case .array(let values) = reply else { return [] }
            return values.map { $0.text.flatMap { Int($0) } ?? 0 }
        }
        let jobs = numbers(counts) + [0, 0, 0]
        return StoreStatistics(jobsAccepted: jobs[0], jobsDone: jobs[1], jobsFailed: jobs[2], tilesLastMinute: numbers(tiles).reduce(0, +))
    }
}
