import Foundation
import SobelAMQP
import SobelRedis
public import SobelService
import SobelServiceAMQP
import SobelServiceRedis
import SobelTestSupport
public import Testing

/// The queue implementations that must pass the queue contract.
public enum QueueKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, rabbitMQ
    public var testDescription: String { rawValue }

    /// A fresh, empty queue with a name of its own.
    public func make() throws -> any JobQueue {
        switch self {
        case .memory: InMemoryJobQueue()
        case .rabbitMQ: try RabbitMQJobQueue(url: AMQPURL(SharedServers.amqpURL()), name: "test.\(UUID().uuidString)")
        }
    }
}

/// The store implementations that must pass the store contract.
public enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, redis
    public var testDescription: String { rawValue }

    /// A fresh store with a key namespace of its own.
    public func make(timeToLive: Duration = .seconds(600)) throws -> any TileStore {
        switch self {
        case .memory: InMemoryTileStore(timeToLive: timeToLive)
        case .redis: try RedisTileStore(url: RedisURL(SharedServers.redisURL()), prefix: "test:\(UUID().uuidString)", timeToLive: timeToLive)
        }
    }
}

extension JobRecord {
    /// A record for store tests.
    public static func sample(_ id: JobID = JobID(), status: JobStatus = .running, tiles: Int = 4) -> JobRecord {
        JobRecord(
            id: id,
            status: status,
            tilesDone: 0,
            tilesTotal: tiles,
            width: 8,
            height: 8,
            pipeline: "gray,sobel:l2",
            outputFormat: "png",
            createdMs: 1,
            deadlineMs: Int64.max / 2,
            error: nil,
            timings: StageTimings()
        )
    }
}
