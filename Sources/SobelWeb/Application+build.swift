public import Hummingbird
public import Logging
import NIOCore
public import Prometheus
public import SobelService

/// Builds the web app over a coordinator.
/// - Parameters:
///   - coordinator: The coordinator jobs go to.
///   - isEmbedded: Whether it runs the embedded queue and store (for `/readyz`).
///   - settings: Address, limits and token.
///   - metrics: The registry `/metrics` exports, or `nil` for no `/metrics`.
///   - logger: The server's logger.
/// - Returns: The application, to run with `runService()` or test with `test(.router)`.
public func buildApplication(
    coordinator: Coordinator,
    isEmbedded: Bool,
    settings: WebSettings,
    metrics: PrometheusCollectorRegistry? = nil,
    logger: Logger = Logger(label: "sobel.web")
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(coordinator: coordinator, isEmbedded: isEmbedded, settings: settings, metrics: metrics),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [ExpectContinueHandler(maxUploadBytes: settings.maxUploadBytes)],
                idleTimeout: TimeAmount(settings.idleTimeout)
            )
        ),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "sobel"),
        logger: logger
    )
}

/// The routes: the page, health checks and metrics at the root, the JSON API under `/api/v1`.
/// - Parameters:
///   - coordinator: The coordinator jobs go to.
///   - isEmbedded: Whether it runs the embedded queue and store.
///   - settings: Limits and token.
///   - metrics: The registry `/metrics` exports, or `nil` for no `/metrics`.
/// - Returns: The router.
public func buildRouter(
    coordinator: Coordinator,
    isEmbedded: Bool,
    settings: WebSettings,
    metrics: PrometheusCollectorRegistry? = nil
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: NoSniffMiddleware())
    router.add(middleware: APIErrorMiddleware())
    HealthController(coordinator: coordinator, isEmbedded: isEmbedded).addRoutes(to: router)
    if let metrics {
        MetricsController(registry: metrics, refresh: MetricsController.refreshingGauges(of: coordinator)).addRoutes(to: router)
    }
    let access = settings.apiToken.map(TokenAccess.init(token:))
    PageController(access: access).addRoutes(to: router)
    let api = router.group("api/v1")
    if let access { api.add(middleware: TokenAccessMiddleware(access: access)) }
    JobsController(coordinator: coordinator, settings: settings, uploads: UploadBudget(bytes: settings.maxPendingUploadBytes)).addRoutes(
        to: api.group("jobs")
    )
    WorkersController(coordinator: coordinator).addRoutes(to: api.group("workers"))
    StatsController(coordinator: coordinator).addRoutes(to: api.group("stats"))
    return router
}
