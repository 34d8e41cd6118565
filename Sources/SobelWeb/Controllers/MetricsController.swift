import Hummingbird
public import Prometheus
import SobelService

/// `GET /metrics`: the process's metrics in the Prometheus text format.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    /// Sets gauges that are read when scraped (queue depth, workers alive); may be `nil`.
    let refresh: (@Sendable () async -> Void)?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("metrics", use: metrics)
    }

    /// The scrape-time refresh of a coordinator's gauges (queue depth, live workers), off the event loop.
    /// - Parameter coordinator: The coordinator.
    /// - Returns: The closure for ``refresh``.
    static func refreshingGauges(of coordinator: Coordinator) -> @Sendable () async -> Void {
        { _ = try? await blocking { coordinator.refreshGauges() } }
    }

    /// Every metric, after refreshing the scrape-time gauges.
    @Sendable func metrics(request: Request, context: AppRequestContext) async throws -> Response {
        await refresh?()
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}

extension PrometheusMetricsFactory {
    /// A factory over `registry` whose timers use ``ServiceMetrics/stageBuckets`` (sub-millisecond tile computes
    /// up to the job deadline).
    /// - Parameter registry: Where the metrics live.
    /// - Returns: The factory, for `MetricsSystem.bootstrap` or ``ServiceMetrics/init(factory:)``.
    public static func sobel(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = ServiceMetrics.stageBuckets
        return factory
    }
}
