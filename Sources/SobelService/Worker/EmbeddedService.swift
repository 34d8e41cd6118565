public import Foundation
public import Logging

/// The embedded mode: an in-memory queue and store with in-process workers, so that `sobel serve`
/// (and the library) need no RabbitMQ or Redis.
public final class EmbeddedService: Sendable {
    /// The coordinator, over the in-memory queue and store.
    public let coordinator: Coordinator
    /// The in-process worker.
    public let worker: Worker
    /// The in-memory queue.
    public let queue: InMemoryJobQueue
    /// The in-memory store.
    public let store: InMemoryTileStore

    /// Starts the in-process workers.
    /// - Parameters:
    ///   - workers: Chunks rendered at once, at least 1.
    ///   - settings: The coordinator's settings.
    ///   - timeToLive: How long job data is kept.
    ///   - metrics: Where the coordinator and workers count.
    ///   - logger: Where the coordinator and workers log.
    public init(
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        settings: ServiceSettings = ServiceSettings(),
        timeToLive: Duration = .seconds(3600),
        metrics: ServiceMetrics = ServiceMetrics(),
        logger: Logger = Logger(label: "sobel.embedded")
    ) {
        queue = InMemoryJobQueue()
        store = InMemoryTileStore(timeToLive: timeToLive)
        coordinator = Coordinator(queue: queue, store: store, settings: settings, metrics: metrics, logger: logger)
        worker = Worker(
            queue: queue,
            store: store,
            settings: WorkerSettings(id: "embedded", concurrency: workers, prefetch: 1),
            metrics: metrics,
            logger: logger
        )
        Thread.detachNewThread { [worker] in worker.run() }
    }

    /// Stops the in-process workers once their chunks in hand are done.
    public func stop() {
        worker.stop()
    }

    deinit { worker.stop() }
}
