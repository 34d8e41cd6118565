import Foundation
import SobelConnections

/// The jobs this coordinator runs, so that callers can wait for one without polling, and so that a job's
/// status never depends on the store alone while its coordinator still holds it.
final class LocalJobs: @unchecked Sendable {
    private let condition = NSCondition()
    private var running: [JobID: JobRun] = [:]

    func begin(_ run: JobRun) { condition.withLock { running[run.id] = run } }

    func end(_ id: JobID) {
        condition.withLock {
            running[id] = nil
            condition.broadcast()
        }
    }

    func isRunning(_ id: JobID) -> Bool { condition.withLock { running[id] != nil } }

    /// The record of a job this coordinator runs, as the job itself knows it.
    func record(_ id: JobID) -> JobRecord? { run(id)?.currentRecord }

    /// A job this coordinator runs.
    func run(_ id: JobID) -> JobRun? { condition.withLock { running[id] } }

    var count: Int { condition.withLock { running.count } }

    /// Blocks until the job ends here, or `timeout` passes.
    /// - Returns: The job's run once it has ended; `nil` if this coordinator does not run it, or at the timeout.
    @discardableResult
    func wait(for id: JobID, timeout: Duration) -> JobRun? {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        return condition.withLock {
            guard let run = running[id] else { return nil }
            while running[id] != nil {
                guard condition.wait(until: deadline) else { return nil }
            }
            return run
        }
    }
}
