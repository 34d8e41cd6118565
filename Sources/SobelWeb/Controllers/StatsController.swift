import Hummingbird
import SobelService

/// `GET /api/v1/stats`: queue depth, jobs by status and throughput, the same from every replica.
struct StatsController {
    let coordinator: Coordinator

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: stats)
    }

    struct Stats: Codable {
        struct Jobs: Codable {
            let accepted: Int, unfinished: Int, done: Int, failed: Int
        }
        let queueDepth: Int
        let deadLetters: Int
        let jobs: Jobs
        let workers: Int
        let tilesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case queueDepth = "queue_depth"
            case deadLetters = "dead_letters"
            case jobs, workers
            case tilesPerSecond = "tiles_per_second"
        }
    }

    /// The service's counters; `tiles_per_second` is the mean over the last full minute.
    @Sendable func stats(request: Request, context: AppRequestContext) async throws -> Response {
        let statistics = try await blocking { [coordinator] in try coordinator.statistics() }
        let jobs = statistics.jobs
        return try json(
            Stats(
                queueDepth: statistics.queueDepth,
                deadLetters: statistics.deadLetters,
                jobs: .init(accepted: jobs.jobsAccepted, unfinished: jobs.jobsUnfinished, done: jobs.jobsDone, failed: jobs.jobsFailed),
                workers: statistics.liveWorkers,
                tilesPerSecond: statistics.tilesPerSecond
            ),
            status: .ok
        )
    }
}
