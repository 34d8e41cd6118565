import Foundation
public import Logging
import SobelConnections
import SobelCore
import Synchronization

/// Settings of one worker process.
public struct WorkerSettings: Sendable {
    /// A unique id, shown in heartbeats and logs.
    public var id: String
    /// Chunks rendered at once, each on its own thread with its own queue consumer.
    public var concurrency: Int
    /// Unacknowledged chunks each consumer may hold.
    public var prefetch: Int
    /// Time between heartbeats.
    public var heartbeatInterval: Duration

    /// Creates settings.
    /// - Parameters:
    ///   - id: The worker's id; by default the host name and a random suffix.
    ///   - concurrency: Chunks at once, at least 1.
    ///   - prefetch: Unacknowledged chunks per consumer, at least 1.
    ///   - heartbeatInterval: Time between heartbeats.
    public init(id: String = WorkerSettings.defaultID(), concurrency: Int = 1, prefetch: Int = 2, heartbeatInterval: Duration = .seconds(2)) {
        (self.id, self.concurrency, self.prefetch, self.heartbeatInterval) = (id, max(1, concurrency), max(1, prefetch), heartbeatInterval)
    }

    /// `host-xxxxxx`.
    public static func defaultID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(String(UUID().uuidString.prefix(6)).lowercased())"
    }
}

/// A stateless worker: takes chunks, runs their pipeline, stores the tiles and only then acknowledges.
///
/// A chunk that cannot be processed goes to the dead-letter queue and fails its job; chunks of jobs
/// past their deadline, failed or unknown are discarded unprocessed. When the store is away, the chunk
/// goes back to the queue. The worker keeps running through all of these.
public final class Worker: Sendable {
    /// The queue chunks come from.
    public let queue: any JobQueue
    /// The store tiles go to.
    public let store: any TileStore
    /// The worker's settings.
    public let settings: WorkerSettings
    /// Where chunks, tiles and stage times are counted.
    public let metrics: ServiceMetrics
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let stored = Atomic<Int>(0)
    private let connected = Atomic<Int>(0)

    /// Creates a worker; ``run()`` starts it.
    /// - Parameters:
    ///   - queue: The chunk queue.
    ///   - store: The tile store.
    ///   - settings: Id, concurrency, prefetch and heartbeat interval.
    ///   - metrics: Where chunks, tiles and stage times are counted.
    ///   - logger: Where chunk outcomes are logged.
    public init(
        queue: any JobQueue,
        store: any TileStore,
        settings: WorkerSettings = WorkerSettings(),
        metrics: ServiceMetrics = ServiceMetrics(),
        logger: Logger = Logger(label: "sobel.worker")
    ) {
        (self.queue, self.store, self.settings, self.metrics, self.logger) = (queue, store, settings, metrics, logger)
    }

    /// Tiles this worker has stored.
    public var tilesDone: Int { stored.load(ordering: .relaxed) }

    /// Consumer threads connected to the queue right now.
    public var connectedConsumers: Int { connected.load(ordering: .relaxed) }

    /// Whether the worker takes chunks (``stop()`` has not been called).
    public var isRunning: Bool { !isStopping }

    /// Processes chunks on ``WorkerSettings/concurrency`` threads until ``stop()``, then returns once every
    /// chunk in hand is finished (or back in the queue).
    public func run() {
        let group = DispatchGroup()
        for slot in 0..<settings.concurrency {
            group.enter()
            Thread.detachNewThread { [self] in
                consume(slot: slot)
                group.leave()
            }
        }
        group.enter()
        Thread.detachNewThread { [self] in
            sendHeartbeats()
            group.leave()
        }
        group.wait()
    }

    /// Asks ``run()`` to stop taking chunks; safe from a signal handler's queue.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) }

    private func sendHeartbeats() {
        while !isStopping {
            let beat = WorkerHeartbeat(id: settings.id, host: ProcessInfo.processInfo.hostName, tilesDone: tilesDone, lastSeenMs: Date.nowMs)
            do { try store.heartbeat(beat) } catch { logger.warning("heartbeat failed: \(error)") }
            let next = ContinuousClock.now + settings.heartbeatInterval
            while !isStopping && ContinuousClock.now < next { Thread.sleep(forTimeInterval: 0.1) }
        }
    }

    private func consume(slot: Int) {
        var consumer: (any ChunkConsumer)?
        var backoff = Backoff(window: .seconds(86_400 * 365), maximum: .seconds(5))
        /// Closes the consumer: its prefetched, unprocessed chunks go back to the queue.
        func release() {
            guard let open = consumer else { return }
            open.close()
            connected.subtract(1, ordering: .relaxed)
            consumer = nil
        }
        while !isStopping {
            do {
                if consumer == nil {
                    consumer = try queue.makeConsumer(prefetch: settings.prefetch)
                    connected.add(1, ordering: .relaxed)
                }
                guard let delivery = try consumer!.next(timeout: .milliseconds(250)) else { continue }
                handle(delivery, from: consumer!)
                backoff = Backoff(window: .seconds(86_400 * 365), maximum: .seconds(5))
            } catch {
                logger.warning("the queue failed: \(error); retrying", metadata: ["slot": "\(slot)"])
                release()
                _ = backoff.sleep()
            }
        }
        release()
    }

    private func handle(_ delivery: Delivery, from consumer: any ChunkConsumer) {
        let startedMs = Date.nowMs
        let clock = ContinuousClock.now
        metrics.chunkReceived(bytes: delivery.body.count, redelivered: delivery.redelivered)
        let message: ChunkMessage
        do {
            message = try ChunkMessage(decoding: delivery.body)
        } catch {
            reject(delivery, from: consumer, job: error.job, tile: error.tile, reason: "\(error)")
            return
        }
        let header = message.header
        var logger = logger
        logger[metadataKey: "job"] = "\(header.job)"
        logger[metadataKey: "tile"] = "\(header.tile)"
        guard startedMs <= header.deadlineMs else {
            logger.info("discarded a chunk of a job past its deadline")
            try? consumer.ack(delivery)
            return
        }
        do {
            guard let record = try store.record(header.job), !record.status.isFinal else {
                logger.info("discarded a chunk of a finished, failed or unknown job")
                try? consumer.ack(delivery)
                return
            }
        } catch {
            requeue(delivery, from: consumer, after: error, logger: logger)
            return
        }
        let tile: Image
        do {
            let pipeline = try Pipeline(parsing: header.pipeline)
            tile = try pipeline.render(
                tile: message.tile,
                input: message.inputImage(),
                imageWidth: header.imageWidth,
                imageHeight: header.imageHeight
            )
        } catch {
            reject(delivery, from: consumer, job: header.job, tile: header.tile, reason: "\(error)")
            return
        }
        let computed = ContinuousClock.now
        let report = TileReport(
            tile: header.tile,
            worker: settings.id,
            startedMs: startedMs,
            finishedMs: Date.nowMs,
            computeMs: (computed - clock).milliseconds,
            histogram: Histogram(tile).counts
        )
        do {
            try store.storeTile(tile.pixels, job: header.job, report: report)
        } catch {
            requeue(delivery, from: consumer, after: error, logger: logger)
            return
        }
        stored.add(1, ordering: .relaxed)
        metrics.tileProcessed(bytes: tile.pixels.count)
        metrics.record(.queueWait, .milliseconds(max(0, startedMs - header.publishedMs)))
        metrics.record(.compute, computed - clock)
        metrics.record(.store, ContinuousClock.now - computed)
        do {
            try consumer.ack(delivery)
        } catch {
            logger.warning("could not acknowledge a stored tile (it will be redelivered, harmlessly): \(error)")
        }
    }

    /// A chunk that cannot be processed: to the dead-letter queue, and its job (when known) fails.
    private func reject(_ delivery: Delivery, from consumer: any ChunkConsumer, job: JobID?, tile: Int?, reason: String) {
        logger.error("dead-lettered a chunk: \(reason)", metadata: job.map { ["job": "\($0)"] } ?? [:])
        metrics.tileDeadLettered()
        // The job's failure is recorded before the chunk is settled: were the worker to die in between, the
        // chunk would come back and be failed again (harmless), rather than vanish with its job still running.
        if let job { try? store.failJob(job, tile: tile, reason: reason) }
        do { try consumer.deadLetter(delivery) } catch { logger.warning("could not dead-letter the chunk: \(error)") }
    }

    /// The store is away: the chunk goes back to the queue, and this thread waits a moment.
    private func requeue(_ delivery: Delivery, from consumer: any ChunkConsumer, after error: any Error, logger: Logger) {
        logger.warning("the store failed (\(error)); the chunk goes back to the queue")
        try? consumer.requeue(delivery)
        Thread.sleep(forTimeInterval: 0.5)
    }
}
