import Synchronization

/// A job's publishing, which runs on a thread of its own (chunks go out as the upload decodes) while the
/// job's thread already collects tiles: when each chunk went out, and how publishing ended (its duration,
/// or the error it stopped with).
final class Publishing: Sendable {
    private let times = Mutex<[Int: Int64]>([:])
    /// How publishing ended.
    let outcome = Completion<Duration>()

    /// Tiles published at `ms` (milliseconds since 1970).
    func published(_ tiles: [Int], at ms: Int64) {
        times.withLock { for tile in tiles { $0[tile] = ms } }
    }

    /// When `tile` went out (milliseconds since 1970), if it has.
    func publishedMs(of tile: Int) -> Int64? { times.withLock { $0[tile] } }
}
