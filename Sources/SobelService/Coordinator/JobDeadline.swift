import Foundation
import SobelConnections
import Synchronization

/// When a job must be done: ``ServiceSettings/deadline`` after the last of its upload has been read.
///
/// An upload is decoded while it arrives, and its job starts with the first rows; each band that arrives moves
/// the deadline on, so a slow upload is not cut short by it (a client that goes silent is cut by the server's
/// idle timeout instead). Once the whole upload is in, the deadline stays put.
final class JobDeadline: Sendable {
    private let length: Duration
    private let milliseconds: Atomic<Int64>

    /// A deadline `length` from now.
    /// - Parameter length: The time a job may take once its upload is in.
    init(length: Duration) {
        self.length = length
        milliseconds = Atomic(Date.nowMs + Int64(length.milliseconds))
    }

    /// Milliseconds since 1970, as chunk headers and job records carry it.
    var ms: Int64 { milliseconds.load(ordering: .relaxed) }

    /// The deadline as a date.
    var date: Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    /// Whether it has passed.
    var hasPassed: Bool { Date.nowMs >= ms }

    /// More of the upload arrived: the deadline is now `length` from now.
    func restart() {
        milliseconds.store(Date.nowMs + Int64(length.milliseconds), ordering: .relaxed)
    }
}
