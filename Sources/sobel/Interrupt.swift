import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM: the first asks the batch to stop; a second one quits at once.
/// Either way, half-written temporary files are removed.
struct Interrupt {
    private let sources: [any DispatchSourceSignal]

    static func install(_ onInterrupt: @escaping @Sendable () -> Void) -> Interrupt {
        let count = SignalCounter()
        let sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if count.increment() > 1 {
                    AtomicFile.removeAllPending()
                    Foundation.exit(130)
                }
                onInterrupt()
            }
            source.resume()
            return source
        }
        return Interrupt(sources: sources)
    }

    func remove() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// How many stop signals have arrived.
final class SignalCounter: Sendable {
    private let count = Atomic<Int>(0)

    func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
}
