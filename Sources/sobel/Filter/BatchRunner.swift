import Foundation
import Synchronization

/// Runs file jobs on `jobs` threads, in input order, until done or cancelled.
final class BatchRunner: Sendable {
    private let next = Mutex(0)
    private let cancelled = Atomic<Bool>(false)

    /// Stops handing out files; files in hand finish but are not written.
    func cancel() { cancelled.store(true, ordering: .relaxed) }
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Runs every job and calls `finished` (from worker threads, one call at a time) for each outcome.
    func run(_ jobs: [FileJob], threads: Int, finished: @escaping @Sendable (FileOutcome) -> Void) {
        let group = DispatchGroup()
        let report = Mutex(())
        for _ in 0..<max(1, min(threads, jobs.count)) {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                while !isCancelled {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < jobs.count else { return }
                    let outcome = jobs[index].run(isCancelled: { self.isCancelled })
                    report.withLock { _ in finished(outcome) }
                }
            }
        }
        group.wait()
    }
}
