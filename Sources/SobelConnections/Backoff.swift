import Foundation

/// Exponential backoff inside a time window, for re-making lost connections.
///
/// ```swift
/// var backoff = Backoff(window: .seconds(10))
/// while true {
///     if let connection = try? connect() { return connection }
///     guard backoff.sleep() else { throw unreachable }
/// }
/// ```
public struct Backoff: Sendable {
    private let deadline: ContinuousClock.Instant
    private var delay: Duration
    private let maximum: Duration

    /// Starts a window now.
    /// - Parameters:
    ///   - window: How long to keep trying.
    ///   - first: The first wait; each later wait doubles, up to `maximum`.
    ///   - maximum: The longest single wait.
    public init(window: Duration, first: Duration = .milliseconds(50), maximum: Duration = .seconds(1)) {
        deadline = ContinuousClock.now + window
        delay = first
        self.maximum = maximum
    }

    /// Waits before the next attempt.
    /// - Returns: `false`, without waiting, when the next attempt would start after the window closes.
    public mutating func sleep() -> Bool {
        guard ContinuousClock.now + delay < deadline else { return false }
        Thread.sleep(forTimeInterval: delay.seconds)
        delay = min(delay * 2, maximum)
        return true
    }
}
