/// Measures how long `body` takes.
/// - Parameter body: The work.
/// - Returns: Its result and the time it took.
public func timed<R>(_ body: () throws -> R) rethrows -> (R, Duration) {
    let start = ContinuousClock.now
    let result = try body()
    return (result, ContinuousClock.now - start)
}
