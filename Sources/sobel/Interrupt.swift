import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM: the first asks the batch to stop; a second one quits at once.
/// Either way, half-written temporary files are removed.
///
/// Signals within half a second of the first are the same request: `timeout` and other supervisors
/// signal both the process and its process group, so one stop request often arrives twice.
struct Interrupt {
    private let sources: [any DispatchSourceSignal]

    static func install(_ onInterrupt: @escaping @Sendable () -> Void) -> Interrupt {
        let requests = StopRequests()
        let sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if requests.isRepeat() {
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

/// When the first stop signal arrived, to tell a second request from a duplicate of the first.
final class StopRequests: Sendable {
    /// Uptime in nanoseconds of the first signal; 0 before any.
    private let first = Atomic<UInt64>(0)
    private static let sameRequestWindow: UInt64 = 500_000_000

    /// Records a signal.
    /// - Returns: Whether it is a second request: it came at least half a second after the first.
    func isRepeat() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        let (exchanged, original) = first.compareExchange(expected: 0, desired: now, ordering: .relaxed)
        return !exchanged && now - original >= Self.sameRequestWindow
    }
}
