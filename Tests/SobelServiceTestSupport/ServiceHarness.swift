import Foundation
import Logging
import SobelAMQP
import SobelCodecs
public import SobelCore
import SobelRedis
public import SobelService
import SobelServiceAMQP
import SobelServiceRedis
public import SobelTestSupport
public import Testing

/// Where a test's jobs run: the embedded mode, or real RabbitMQ and Redis with `sobel work` processes.
public enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case embedded, servers
    public var testDescription: String { rawValue }
}

/// A coordinator and its workers for one test, with a queue and key namespace of its own.
public final class ServiceHarness {
    public let coordinator: Coordinator
    public private(set) var workers: [WorkerProcess] = []
    private let embedded: EmbeddedService?
    public let amqpURL: String?
    public let redisURL: String?
    public let queueName: String
    public let keyPrefix: String
    /// What the coordinator (and embedded workers) logged at warning level and above.
    public let log = LogCapture()

    /// - Parameters:
    ///   - backend: Where the jobs run.
    ///   - workers: Worker processes (servers) or in-process worker threads (embedded); 0 for none.
    ///   - prefetch: Each worker's prefetch.
    ///   - deadline: The job deadline.
    ///   - amqpURL: A broker of the test's own, else the shared one.
    ///   - redisURL: A Redis of the test's own, else the shared one.
    public init(
        _ backend: Backend,
        workers: Int = 2,
        prefetch: Int = 2,
        deadline: Duration = .seconds(60),
        amqpURL: String? = nil,
        redisURL: String? = nil
    ) throws {
        queueName = "test.\(UUID().uuidString)"
        keyPrefix = "test:\(UUID().uuidString)"
        let settings = ServiceSettings(deadline: deadline)
        let logger = log.logger(level: .warning)
        switch backend {
        case .embedded:
            (self.amqpURL, self.redisURL) = (nil, nil)
            if workers > 0 {
                let service = EmbeddedService(workers: workers, settings: settings, logger: logger)
                embedded = service
                coordinator = service.coordinator
            } else {
                embedded = nil
                coordinator = Coordinator(queue: InMemoryJobQueue(), store: InMemoryTileStore(), settings: settings, logger: logger)
            }
        case .servers:
            let amqp = try amqpURL ?? SharedServers.amqpURL()
            let redis = try redisURL ?? SharedServers.redisURL()
            (self.amqpURL, self.redisURL, embedded) = (amqp, redis, nil)
            coordinator = Coordinator(
                queue: try RabbitMQJobQueue(url: AMQPURL(amqp), name: queueName, reconnectWindow: .seconds(30)),
                store: try RedisTileStore(url: RedisURL(redis), prefix: keyPrefix, reconnectWindow: .seconds(30)),
                settings: settings,
                logger: logger
            )
            for index in 0..<workers {
                self.workers.append(try WorkerProcess(workerArguments(id: "w\(index)", prefetch: prefetch)))
            }
        }
    }

    /// The `sobel work` arguments that reach this harness's queue and store.
    public func workerArguments(id: String, prefetch: Int = 2) -> [String] {
        [
            "--amqp-url", amqpURL!, "--redis-url", redisURL!, "--queue", queueName, "--key-prefix", keyPrefix,
            "--concurrency", "1", "--prefetch", String(prefetch), "--id", id,
        ]
    }

    /// Runs a job to its end.
    /// - Returns: The final record and, when done, the decoded result.
    public func run(_ image: Image, _ options: JobOptions, wait: Duration = .seconds(90)) throws -> (JobRecord, Image?) {
        let id = try coordinator.submit(image, options: options)
        return try outcome(of: id, wait: wait)
    }

    /// Waits for a submitted job and decodes its result.
    public func outcome(of id: JobID, wait: Duration = .seconds(90)) throws -> (JobRecord, Image?) {
        let record = try #require(try coordinator.wait(for: id, timeout: wait))
        guard case .done(let bytes, _) = try coordinator.result(id) else { return (record, nil) }
        return (record, try ImageCodec.decode(bytes))
    }

    /// The log of every worker process, for failure messages.
    public var workerLogs: String { workers.map(\.output).joined(separator: "\n---\n") }

    deinit {
        embedded?.stop()
        for worker in workers { worker.signal(SIGKILL) }
    }
}
