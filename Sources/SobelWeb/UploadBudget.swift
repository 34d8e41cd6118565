import Synchronization

/// The bytes that uploads still arriving may hold together (``WebSettings/maxPendingUploadBytes``): a client
/// that starts many large uploads and stalls cannot make the server hold more than this, whatever the count.
final class UploadBudget: Sendable {
    private let available: Mutex<Int>

    /// Creates a budget.
    /// - Parameter bytes: The total.
    init(bytes: Int) {
        available = Mutex(bytes)
    }

    /// Takes `bytes` from the budget if it has them.
    /// - Parameter bytes: What one upload may hold.
    /// - Returns: The reservation to release when the upload has been decoded, or `nil` when the budget is spent.
    func reserve(_ bytes: Int) -> Reservation? {
        available.withLock { available in
            guard bytes <= available else { return nil }
            available -= bytes
            return Reservation(budget: self, bytes: bytes)
        }
    }

    /// The bytes not reserved now.
    var remaining: Int { available.withLock { $0 } }

    /// Bytes taken from a budget, given back once by ``release()``.
    final class Reservation: Sendable {
        private let budget: UploadBudget
        private let bytes: Mutex<Int>

        fileprivate init(budget: UploadBudget, bytes: Int) {
            self.budget = budget
            self.bytes = Mutex(bytes)
        }

        /// Gives the bytes back; later calls do nothing.
        func release() {
            let bytes = self.bytes.withLock { bytes in
                defer { bytes = 0 }
                return bytes
            }
            budget.available.withLock { $0 += bytes }
        }

        deinit { release() }
    }
}
