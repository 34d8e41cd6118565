import Foundation

/// A job's publishing, which runs on a thread of its own (chunks go out as the upload decodes) while the
/// job's thread already collects tiles: when each chunk went out, and how publishing ended.
final class Publishing: @unchecked Sendable {
    private let condition = NSCondition()
    private var times: [Int: Int64] = [:]
    private var failure: (any Error)?
    private var duration: Duration?

    /// Tiles published at `ms` (milliseconds since 1970).
    func published(_ tiles: [Int], at ms: Int64) {
        condition.withLock { for tile in tiles { times[tile] = ms } }
    }

    /// Every chunk went out, taking `duration`.
    func finish(after duration: Duration) {
        condition.withLock {
            self.duration = duration
            condition.broadcast()
        }
    }

    /// Publishing stopped with `error`.
    func fail(_ error: any Error) {
        condition.withLock {
            failure = error
            condition.broadcast()
        }
    }

    /// The error publishing stopped with, if it did.
    var error: (any Error)? { condition.withLock { failure } }

    /// When `tile` went out (milliseconds since 1970), if it has.
    func publishedMs(of tile: Int) -> Int64? { condition.withLock { times[tile] } }

    /// Blocks until publishing has finished or failed, or `deadline` passes.
    /// - Returns: How long publishing took, or `nil` at the deadline.
    /// - Throws: The error publishing stopped with.
    func waitUntilFinished(until deadline: Date) throws -> Duration? {
        try condition.withLock {
            while duration == nil && failure == nil {
                guard condition.wait(until: deadline) else { return nil }
            }
            if let failure { throw failure }
            return duration
        }
    }
}
