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
            case queueDepth = "queue_depth", deadLetters = "dead_letters", jobs, workers, tilesPerSecond = "tiles_per_second"
        }
    }

    /// The service's counters; `tiles_per_second` is the mean over the last full minute.
    @Sendable func stats(request: Request, context: AppRequestContext) async throws -> Response {
        let stats = try await blocking { [coordinator] in
            let counts = try coordinator.store.statistics()
            return Stats(queueDepth: try coordinator.queue.depth(), deadLetters: try coordinator.queue.deadLetterDepth(),
                         jobs: .init(accepted: counts.jobsAccepted, unfinished: counts.jobsUnfinished, done: counts.jobsDone, failed: counts.jobsFailed),
                         workers: try coordinator.store.workers(seenWithin: .seconds(10)).count,
                         tilesPerSecond: Double(counts.tilesLastMinute) / 60)
        }
        return try json(stats, status: .ok)
    }
}
