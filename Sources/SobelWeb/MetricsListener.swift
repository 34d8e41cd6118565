public import Hummingbird
public import Logging
public import Prometheus
public import SobelService

/// The small HTTP listener of `sobel work --metrics-port`: `/metrics` for Prometheus and `/healthz` for
/// liveness probes.
/// - Parameters:
///   - worker: The worker it reports on.
///   - registry: The worker's metrics.
///   - host: The address to listen on.
///   - port: The port.
///   - logger: The listener's logger.
/// - Returns: The application, to run with `runService()`.
public func buildWorkerListener(
    worker: Worker,
    registry: PrometheusCollectorRegistry,
    host: String,
    port: Int,
    logger: Logger = Logger(label: "sobel.worker.http")
) -> some ApplicationProtocol {
    metricsListener(registry: registry, refresh: nil, host: host, port: port, serverName: "sobel-work", logger: logger) {
        let body = WorkerHealth(
            status: worker.isRunning ? "ok" : "stopping",
            worker: worker.settings.id,
            tilesDone: worker.tilesDone,
            connectedConsumers: worker.connectedConsumers
        )
        return try json(body, status: worker.isRunning ? .ok : .serviceUnavailable)
    }
}

/// The listener of `sobel serve --metrics-port`: the coordinator's `/metrics` (and `/healthz`) on a port of their
/// own, so that the main port, which an Ingress may publish, does not show them.
/// - Parameters:
///   - coordinator: The coordinator whose queue depth and workers the scrape-time gauges read.
///   - registry: The server's metrics.
///   - host: The address to listen on.
///   - port: The port.
///   - logger: The listener's logger.
/// - Returns: The application, to run with `runService()`.
public func buildMetricsListener(
    coordinator: Coordinator,
    registry: PrometheusCollectorRegistry,
    host: String,
    port: Int,
    logger: Logger = Logger(label: "sobel.serve.metrics")
) -> some ApplicationProtocol {
    metricsListener(
        registry: registry,
        refresh: MetricsController.refreshingGauges(of: coordinator),
        host: host,
        port: port,
        serverName: "sobel",
        logger: logger
    ) { try json(["status": "ok"], status: .ok) }
}

private func metricsListener(
    registry: PrometheusCollectorRegistry,
    refresh: (@Sendable () async -> Void)?,
    host: String,
    port: Int,
    serverName: String,
    logger: Logger,
    health: @escaping @Sendable () throws -> Response
) -> some ApplicationProtocol {
    let router = Router(context: AppRequestContext.self)
    MetricsController(registry: registry, refresh: refresh).addRoutes(to: router)
    router.get("healthz") { _, _ in try health() }
    return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: serverName), logger: logger)
}

/// The body of the worker's `/healthz`.
struct WorkerHealth: Codable {
    let status: String
    let worker: String
    let tilesDone: Int
    let connectedConsumers: Int

    enum CodingKeys: String, CodingKey {
        case status, worker
        case tilesDone = "tiles_done"
        case connectedConsumers = "connected_consumers"
    }
}
