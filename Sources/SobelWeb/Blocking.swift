import Dispatch

/// Runs blocking work (decoding, Redis and RabbitMQ calls) on a Dispatch thread, off the server's event loops.
/// - Parameter body: The work.
/// - Returns: Its result.
func blocking<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
