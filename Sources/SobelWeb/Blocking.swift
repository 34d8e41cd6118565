import Foundation

/// Runs blocking work (decoding, Redis and RabbitMQ calls, waits for jobs) on a thread of its own, off the
/// server's event loops.
///
/// Not on Dispatch's global queue: its width is about the number of cores, so a few requests that wait (for a job
/// with `?wait=true`, or for a server that is down) would hold every thread and starve the rest, readiness checks
/// included. Measured under the test suite's load: a readiness check behind such waits took 3–20 s.
/// - Parameter body: The work.
/// - Returns: Its result.
func blocking<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
