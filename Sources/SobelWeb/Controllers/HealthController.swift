import Hummingbird
import SobelService

/// `/healthz` (the process answers) and `/readyz` (its queue and store answer, or it runs embedded).
struct HealthController {
    let coordinator: Coordinator
    let isEmbedded: Bool

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz", use: health)
        router.get("readyz", use: ready)
    }

    /// `GET /healthz`: liveness.
    @Sendable func health(request: Request, context: AppRequestContext) async throws -> Response {
        try json(["status": "ok"], status: .ok)
    }

    /// `GET /readyz`: 200 when RabbitMQ and Redis answer (or in the embedded mode), else 503 naming what failed.
    @Sendable func ready(request: Request, context: AppRequestContext) async throws -> Response {
        if isEmbedded { return try json(["status": "ready", "mode": "embedded"], status: .ok) }
        if let failure = try await blocking({ [coordinator] in coordinator.unreachableDependency() }) {
            let server = failure.dependency == .queue ? "rabbitmq" : "redis"
            return try json(
                ["status": "not ready", "mode": "rabbitmq+redis", "failed": "\(server): \(failure.message)"],
                status: .serviceUnavailable
            )
        }
        return try json(["status": "ready", "mode": "rabbitmq+redis"], status: .ok)
    }
}

/// `GET /api/v1/workers`: live workers with their heartbeats.
struct WorkersController {
    let coordinator: Coordinator

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: list)
    }

    /// The workers alive now.
    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let workers = try await blocking { [coordinator] in try coordinator.liveWorkers() }
        return try json(["workers": workers], status: .ok)
    }
}
