import Foundation
import SobelConnections

/// The jobs this coordinator runs, so that callers can wait for one without polling.
final class LocalJobs: @unchecked Sendable {
    private let condition = NSCondition()
    private var running = Set<JobID>()

    func begin(_ id: JobID) { condition.withLock { _ = running.insert(id) } }

    func end(_ id: JobID) {
        condition.withLock {
            running.remove(id)
            condition.broadcast()
        }
    }

    func isRunning(_ id: JobID) -> Bool { condition.withLock { running.contains(id) } }

    var count: Int { condition.withLock { running.count } }

    func wait(for id: JobID, timeout: Duration) {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.withLock {
            while running.contains(id) {
                guard condition.wait(until: deadline) else { return }
            }
        }
    }
}
