import Foundation

/// A job's encoded result, piece by piece, in file order, as its strips are deflated: a reader can send the
/// first pieces while the last tiles are still being rendered. It ends after the file's last byte, or fails
/// with the job's error.
public final class ResultPieces: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pieces: [[UInt8]] = []
    /// Pieces appended so far, the file's start included.
    private var appended = 0
    private var ended = false
    private var failure: (any Error)?

    init() {}

    /// Blocks until the job is under way — some of its image is deflated — or has ended. A reader that answers
    /// before its result is whole can wait for this first, so that a job that fails before any tile is done
    /// (no workers, say) still gets an answer that says why.
    /// - Returns: `false` when the job failed before any of its image was deflated.
    public func waitUntilUnderway() -> Bool {
        condition.withLock {
            while appended < 2 && !ended { condition.wait() }
            return appended >= 2 || failure == nil
        }
    }

    /// The file's next bytes, blocking until they are ready.
    /// - Returns: The next piece, or `nil` after the last.
    /// - Throws: Why the job failed, once every piece before the failure has been read.
    public func next() throws -> [UInt8]? {
        try condition.withLock {
            while pieces.isEmpty && !ended { condition.wait() }
            if !pieces.isEmpty { return pieces.removeFirst() }
            if let failure { throw failure }
            return nil
        }
    }

    func append(_ piece: [UInt8]) {
        condition.withLock {
            guard !ended else { return }
            pieces.append(piece)
            appended += 1
            condition.broadcast()
        }
    }

    func finish() {
        condition.withLock {
            ended = true
            condition.broadcast()
        }
    }

    func fail(_ error: any Error) {
        condition.withLock {
            guard !ended else { return }
            failure = error
            ended = true
            condition.broadcast()
        }
    }
}
