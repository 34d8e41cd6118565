import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import SobelCodecs
import SobelService
import SobelWeb
import SobelServiceAMQP
import SobelServiceRedis
import UnixSignals
import SobelConnections
import Hummingbird

extension Sobel {
    /// `sobel serve`: the coordinator with its JSON API — embedded, or over RabbitMQ and Redis.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the coordinator and its HTTP API (embedded unless RabbitMQ and Redis are configured).",
            discussion: """
                With no SOBEL_AMQP_URL / SOBEL_REDIS_URL it runs embedded: an in-memory queue and store
                with in-process workers, nothing else to install. GET /metrics serves Prometheus metrics. With both, jobs go through RabbitMQ
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

        @Option(help: ArgumentHelp("The address to listen on (default: $SOBEL_HOST, or 127.0.0.1).", valueName: "host"))
        var host: String?

        @Option(help: ArgumentHelp("The port (default: $SOBEL_PORT, or 8080).", valueName: "port"))
        var port: Int?

        @Option(help: ArgumentHelp("In-process workers in the embedded mode (default: one per core).", valueName: "n"))
        var workers: Int?

        @Option(name: .customLong("max-upload-mb"), help: ArgumentHelp("The largest upload (default: $SOBEL_MAX_UPLOAD_MB, or 64).", valueName: "MiB"))
        var maxUploadMB: Int?

        @Option(name: .customLong("max-megapixels"), help: ArgumentHelp("The largest image (default: $SOBEL_MAX_MEGAPIXELS, or 100).", valueName: "MP"))
        var maxMegapixels: Int?

        @Option(name: .customLong("deadline"), help: ArgumentHelp("Seconds a job may take (default: $SOBEL_DEADLINE_SECONDS, or 120).", valueName: "s"))
        var deadlineSeconds: Int?

        @Option(name: .customLong("max-queue"), help: ArgumentHelp("Queued chunks beyond which uploads get 503 (default: $SOBEL_MAX_QUEUE, or 10000).", valueName: "n"))
        var maxQueue: Int?

        @Option(name: .customLong("api-token"), help: ArgumentHelp(
            "Require 'Authorization: Bearer TOKEN' on /api/ (default: $SOBEL_API_TOKEN; prefer the variable, command lines are visible to other users).",
            valueName: "token"))
        var apiToken: String?

        func settings() throws -> (WebSettings, ServiceSettings) {
            let megapixels = try Environment.integer(maxMegapixels, "SOBEL_MAX_MEGAPIXELS", default: 100)
            let uploadMB = try Environment.integer(maxUploadMB, "SOBEL_MAX_UPLOAD_MB", default: 64)
            let deadline = try Environment.integer(deadlineSeconds, "SOBEL_DEADLINE_SECONDS", default: 120)
            let web = WebSettings(
                host: host ?? Environment.value("SOBEL_HOST") ?? "127.0.0.1", port: try Environment.integer(port, "SOBEL_PORT", default: 8080),
                maxUploadBytes: uploadMB << 20, maxQueueDepth: try Environment.integer(maxQueue, "SOBEL_MAX_QUEUE", default: 10_000),
                apiToken: apiToken ?? Environment.value("SOBEL_API_TOKEN"))
            let service = ServiceSettings(deadline: .seconds(deadline),
                                          decodeLimits: DecodeLimits(maxPixels: megapixels * 1_000_000, maxBytes: uploadMB << 20))
            return (web, service)
        }

        func validate() throws {
            let (web, service) = try settings()
            guard (1...65535).contains(web.port) else { throw ValidationError("--port must be from 1 to 65535") }
            guard web.maxUploadBytes > 0, service.decodeLimits.maxPixels > 0, service.deadline > .zero, web.maxQueueDepth > 0 else {
                throw ValidationError("the limits (--max-upload-mb, --max-megapixels, --deadline, --max-queue) must be positive")
            }
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
            if try broker.retention() <= service.deadline {
                throw ValidationError("--retention must be longer than --deadline: a job's data must outlive the job")
            }
        }

        func run() async throws {
            try logging.bootstrap()
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory.sobel(registry: registry))
            let logger = Logger(label: "sobel.serve")
            let (web, service) = try settings()
            let coordinator: Coordinator
            let embedded: EmbeddedService?
            if broker.isEmbedded {
                let threads = workers ?? ProcessInfo.processInfo.activeProcessorCount
                embedded = EmbeddedService(workers: threads, settings: service, timeToLive: try broker.retention(), logger: Logger(label: "sobel.embedded"))
                coordinator = embedded!.coordinator
                logger.info("sobel serve: embedded mode (in-memory queue and store, \(threads) in-process workers)")
            } else {
                let (queue, store) = try broker.connect()
                coordinator = Coordinator(queue: queue, store: store, settings: service, logger: Logger(label: "sobel.coordinator"))
                embedded = nil
                logger.info("sobel serve: queue \(queue.name) on \(queue.url), store \(store.url) prefix \(store.prefix)")
            }
            logger.info("listening on http://\(web.host):\(web.port), uploads up to \(web.maxUploadBytes >> 20) MiB, deadline \(Int(service.deadline.seconds)) s\(web.apiToken == nil ? "" : ", API token required")")
            let app = buildApplication(coordinator: coordinator, isEmbedded: embedded != nil, settings: web, metrics: registry, logger: logger)
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            // The server has stopped taking requests; let running jobs finish, up to their deadline.
            let grace = ContinuousClock.now + service.deadline
            while coordinator.runningJobs > 0 && ContinuousClock.now < grace { try await Task.sleep(for: .milliseconds(100)) }
            embedded?.stop()
            logger.info("stopped")
        }
    }
}
