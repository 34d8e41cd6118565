import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import SobelCodecs
import SobelConnections
import SobelService
import SobelServiceAMQP
import SobelServiceRedis
import SobelWeb
import UnixSignals

extension Sobel {
    /// `sobel serve`: the coordinator with its JSON API — embedded, or over RabbitMQ and Redis.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the coordinator and its HTTP API (embedded unless RabbitMQ and Redis are configured).",
            discussion: """
                With no SOBEL_AMQP_URL / SOBEL_REDIS_URL it runs embedded: an in-memory queue and store
                with in-process workers, nothing else to install. GET /metrics serves Prometheus metrics (on --metrics-port, if set,
                instead of the main port). With both, jobs go through RabbitMQ
                to `sobel work` processes and their state lives in Redis, so several coordinators can
                serve the same jobs. SIGTERM or Ctrl-C stops accepting work, lets running jobs finish
                (up to the job deadline), then exits.

                Examples:
                  sobel serve                                   # http://127.0.0.1:8080, embedded
                  sobel serve --host 0.0.0.0 --port 80 --workers 4
                  curl --data-binary @photo.jpg -H 'Content-Type: image/jpeg' 'localhost:8080/api/v1/jobs?wait=true' > edges.png
                """
        )

        @OptionGroup var broker: BrokerOptions
        @OptionGroup var logging: LoggingOptions

        @Option(name: .customLong(Setting.host.flag), help: Setting.host.help(valueName: "host"))
        var host: String?

        @Option(name: .customLong(Setting.port.flag), help: Setting.port.help(valueName: "port"))
        var port: Int?

        @Option(help: ArgumentHelp("In-process workers in the embedded mode (default: one per core).", valueName: "n"))
        var workers: Int?

        @Option(name: .customLong(Setting.maxUploadMB.flag), help: Setting.maxUploadMB.help(valueName: "MiB"))
        var maxUploadMB: Int?

        @Option(name: .customLong(Setting.maxPendingUploadMB.flag), help: Setting.maxPendingUploadMB.help(valueName: "MiB"))
        var maxPendingUploadMB: Int?

        @Option(name: .customLong(Setting.maxMegapixels.flag), help: Setting.maxMegapixels.help(valueName: "MP"))
        var maxMegapixels: Int?

        @Option(name: .customLong(Setting.deadlineSeconds.flag), help: Setting.deadlineSeconds.help(valueName: "s"))
        var deadlineSeconds: Int?

        @Option(name: .customLong(Setting.maxQueue.flag), help: Setting.maxQueue.help(valueName: "n"))
        var maxQueue: Int?

        @Option(name: .customLong(Setting.apiToken.flag), help: Setting.apiToken.help(valueName: "token"))
        var apiToken: String?

        @Option(name: .customLong(Setting.idleTimeoutSeconds.flag), help: Setting.idleTimeoutSeconds.help(valueName: "s"))
        var idleTimeoutSeconds: Int?

        @OptionGroup var metricsListener: MetricsListenerOptions

        func settings() throws -> (WebSettings, ServiceSettings) {
            let megapixels = try Setting.maxMegapixels.integer(maxMegapixels)!
            let uploadMB = try Setting.maxUploadMB.integer(maxUploadMB)!
            let deadline = try Setting.deadlineSeconds.integer(deadlineSeconds)!
            let web = WebSettings(
                host: Setting.host.text(host)!,
                port: try Setting.port.integer(port)!,
                maxUploadBytes: uploadMB << 20,
                maxPendingUploadBytes: try Setting.maxPendingUploadMB.integer(maxPendingUploadMB)! << 20,
                maxQueueDepth: try Setting.maxQueue.integer(maxQueue)!,
                apiToken: Setting.apiToken.text(apiToken),
                idleTimeout: .seconds(try Setting.idleTimeoutSeconds.integer(idleTimeoutSeconds)!)
            )
            let service = ServiceSettings(
                deadline: .seconds(deadline),
                decodeLimits: DecodeLimits(maxPixels: megapixels * 1_000_000, maxBytes: uploadMB << 20)
            )
            return (web, service)
        }

        func validate() throws {
            let (web, service) = try settings()
            guard (1...65535).contains(web.port) else { throw ValidationError("--port must be from 1 to 65535") }
            guard web.maxUploadBytes > 0, web.maxPendingUploadBytes >= web.maxUploadBytes, service.decodeLimits.maxPixels > 0,
                service.deadline > .zero, web.maxQueueDepth > 0, web.idleTimeout > .zero
            else {
                throw ValidationError(
                    "the limits (--max-upload-mb, --max-megapixels, --deadline, --max-queue, --idle-timeout) must be positive, and --max-pending-upload-mb at least --max-upload-mb"
                )
            }
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
            if try broker.retention() <= service.deadline {
                throw ValidationError("--retention must be longer than --deadline: a job's data must outlive the job")
            }
        }

        func run() async throws {
            MemoryTuning.apply()
            try logging.bootstrap()
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory.sobel(registry: registry))
            let logger = Logger(label: "sobel.serve")
            let (web, service) = try settings()
            let coordinator: Coordinator
            let embedded: EmbeddedService?
            if broker.isEmbedded {
                let threads = workers ?? ProcessInfo.processInfo.activeProcessorCount
                embedded = EmbeddedService(
                    workers: threads,
                    settings: service,
                    timeToLive: try broker.retention(),
                    logger: Logger(label: "sobel.embedded")
                )
                coordinator = embedded!.coordinator
                logger.info("sobel serve: embedded mode (in-memory queue and store, \(threads) in-process workers)")
            } else {
                let (queue, store) = try broker.connect()
                coordinator = Coordinator(queue: queue, store: store, settings: service, logger: Logger(label: "sobel.coordinator"))
                embedded = nil
                logger.info("sobel serve: queue \(queue.name) on \(queue.url), store \(store.url) prefix \(store.prefix)")
            }
            logger.info(
                "listening on http://\(web.host):\(web.port), uploads up to \(web.maxUploadBytes >> 20) MiB, deadline \(Int(service.deadline.seconds)) s\(web.apiToken == nil ? "" : ", API token required")"
            )
            // /metrics on the main port, or on a listener of its own so that the public port does not show it.
            let listener = try metricsListener.port().map { port in
                logger.info("metrics on http://\(metricsListener.host):\(port)/metrics, health on /healthz (not on the main port)")
                let app = buildMetricsListener(coordinator: coordinator, registry: registry, host: metricsListener.host, port: port)
                return Task { try await app.runService(gracefulShutdownSignals: []) }
            }
            let app = buildApplication(
                coordinator: coordinator,
                isEmbedded: embedded != nil,
                settings: web,
                metrics: listener == nil ? registry : nil,
                logger: logger
            )
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            listener?.cancel()
            // The server has stopped taking requests; let running jobs finish, up to their deadline.
            let grace = ContinuousClock.now + service.deadline
            while coordinator.runningJobs > 0 && ContinuousClock.now < grace { try await Task.sleep(for: .milliseconds(100)) }
            embedded?.stop()
            logger.info("stopped")
        }
    }
}
