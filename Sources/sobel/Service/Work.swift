import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import SobelService
import SobelServiceAMQP
import SobelServiceRedis
import SobelWeb

extension Sobel {
    /// `sobel work`: a stateless worker that renders chunks from RabbitMQ into tiles in Redis.
    struct Work: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a worker: take chunks from RabbitMQ, run their pipeline, store the tiles in Redis.",
            discussion: """
                Workers are stateless: start as many as you like, anywhere that reaches RabbitMQ and Redis.
                A chunk is acknowledged only after its tile is stored; a chunk that cannot be processed
                goes to the dead-letter queue (<queue>.dead) and fails its job. On SIGTERM or Ctrl-C the
                worker stops taking chunks, finishes those in hand, returns the rest to the queue, and exits 0.
                With --metrics-port it also answers GET /metrics (Prometheus) and GET /healthz on that port.

                Example:
                  SOBEL_AMQP_URL=amqp://sobel:PASSWORD@rabbitmq:5672/%2F \\
                  SOBEL_REDIS_URL=redis://:PASSWORD@redis:6379/0 sobel work --concurrency 4
                """
        )

        @OptionGroup var broker: BrokerOptions
        @OptionGroup var logging: LoggingOptions

        @Option(name: .customLong(Setting.concurrency.flag), help: Setting.concurrency.help(valueName: "n"))
        var concurrency: Int?

        @Option(name: .customLong(Setting.prefetch.flag), help: Setting.prefetch.help(valueName: "n"))
        var prefetch: Int?

        @Option(help: ArgumentHelp("The worker's id in heartbeats and logs (default: host name and a random suffix).", valueName: "id"))
        var id: String?

        @OptionGroup var metricsListener: MetricsListenerOptions

        func validate() throws {
            if try (Setting.concurrency.integer(concurrency) ?? 1) < 1 { throw ValidationError("--concurrency must be at least 1") }
            if try Setting.prefetch.integer(prefetch)! < 1 { throw ValidationError("--prefetch must be at least 1") }
            if broker.isEmbedded {
                throw ValidationError(
                    "sobel work needs RabbitMQ and Redis: set SOBEL_AMQP_URL and SOBEL_REDIS_URL (or --amqp-url and --redis-url). In the embedded mode, sobel serve runs its own workers."
                )
            }
        }

        func run() async throws {
            MemoryTuning.apply()
            try logging.bootstrap()
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory.sobel(registry: registry))
            let settings = WorkerSettings(
                id: id ?? WorkerSettings.defaultID(),
                concurrency: try Setting.concurrency.integer(concurrency) ?? ProcessInfo.processInfo.activeProcessorCount,
                prefetch: try Setting.prefetch.integer(prefetch)!
            )
            let (queue, store) = try broker.connect()
            let logger = Logger(label: "sobel.worker")
            let worker = Worker(queue: queue, store: store, settings: settings, logger: logger)
            let interrupt = Interrupt.install {
                logger.info("stopping: finishing the chunks in hand")
                worker.stop()
            }
            // Logged once signals are handled: a supervisor that sees this line may stop the worker cleanly.
            logger.info(
                "sobel work \(settings.id): queue \(queue.name) on \(queue.url), store \(store.url) prefix \(store.prefix), concurrency \(settings.concurrency), prefetch \(settings.prefetch)"
            )
            let listener = try metricsListener.port().map { port in
                let host = metricsListener.host
                logger.info("metrics on http://\(host):\(port)/metrics, health on /healthz")
                let app = buildWorkerListener(worker: worker, registry: registry, host: host, port: port)
                return Task { try await app.runService(gracefulShutdownSignals: []) }
            }
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    worker.run()
                    done.resume()
                }
            }
            listener?.cancel()
            _ = await listener?.result
            interrupt.remove()
            logger.info("stopped after \(worker.tilesDone) tiles")
        }
    }
}
