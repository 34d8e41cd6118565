import Foundation

/// The end of something another thread is doing: a value once it succeeded, or the error it failed with.
final class Completion<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Value, any Error>?

    /// It succeeded with `value`.
    func succeed(_ value: Value) {
        settle(.success(value))
    }

    /// It failed with `error`.
    func fail(_ error: any Error) {
        settle(.failure(error))
    }

    private func settle(_ result: Result<Value, any Error>) {
        condition.withLock {
            if self.result == nil { self.result = result }
            condition.broadcast()
        }
    }

    /// The error it failed with, if it did.
    var error: (any Error)? {
        condition.withLock {
            guard case .failure(let error)? = result else { return nil }
            return error
        }
    }

    /// Blocks until it succeeded or failed, or `deadline` passes.
    /// - Returns: The value, or `nil` at the deadline.
    /// - Throws: The error it failed with.
    func wait(until deadline: Date) throws -> Value? {
        try condition.withLock {
            while result == nil {
                guard condition.wait(until: deadline) else { return nil }
            }
            return try result!.get()
        }
    }
}
