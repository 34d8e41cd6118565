import Foundation
import Synchronization

/// Everything the user sees while a batch runs: per-file error lines, `--json` lines, the live
/// progress bar (only when both stdout and stderr are terminals and `--quiet` is off), and the summary.
/// `@unchecked`: the timer source is set once in `init`; all mutable state is behind `state`.
final class BatchReport: @unchecked Sendable {
    struct Counts: Sendable {
        var done = 0, failed = 0, skipped = 0, cancelled = 0
        var megapixels = 0.0
    }

    private struct State {
        var counts = Counts()
        var finishedFiles = 0
        var barVisible = false
    }

    let total: Int
    let showBar: Bool
    /// Whether to print the closing summary: for batches, not for a single file.
    let showSummary: Bool
    let json: Bool
    let quiet: Bool
    private let start = DispatchTime.now().uptimeNanoseconds
    private let state = Mutex(State())
    private let ticker: (any DispatchSourceTimer)?

    init(total: Int, json: Bool, quiet: Bool, isBatch: Bool) {
        self.total = total
        showSummary = !quiet && isBatch
        self.json = json
        self.quiet = quiet
        showBar = !quiet && isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1
        ticker = showBar ? DispatchSource.makeTimerSource(queue: .global()) : nil
        ticker?.schedule(deadline: .now(), repeating: .milliseconds(200))
        ticker?.setEventHandler { [weak self] in self?.redraw() }
        ticker?.resume()
    }

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Records a skipped file (hidden, or not an image) found while expanding the inputs.
    func skipped(_ path: String, reason: String) {
        state.withLock { $0.counts.skipped += 1 }
        if json { emit(["path": path, "status": "skipped", "reason": reason]) }
    }

    /// Records an input that failed before any work (e.g. a missing path).
    func failedInput(_ path: String, reason: String) {
        state.withLock { $0.counts.failed += 1 }
        printError("\(path): \(reason)")
        if json { emit(["path": path, "status": "failed", "error": reason]) }
    }

    func finished(_ outcome: FileOutcome) {
        state.withLock { state in
            state.finishedFiles += 1
            switch outcome.status {
            case .done:
                state.counts.done += 1
                state.counts.megapixels += outcome.megapixels
            case .failed: state.counts.failed += 1
            case .cancelled: state.counts.cancelled += 1
            }
        }
        if outcome.status == .failed { printError("\(outcome.input.displayPath): \(outcome.error ?? "failed")") }
        if showBar { redraw() }
        guard json, outcome.status != .cancelled else { return }
        var line: [String: Any] = [
            "path": outcome.input.displayPath, "status": outcome.status.rawValue,
            "milliseconds": (outcome.milliseconds * 10).rounded() / 10,
        ]
        if outcome.width > 0 {
            line["width"] = outcome.width
            line["height"] = outcome.height
        }
        if let output = outcome.output { line["output"] = output.displayPath }
        if let error = outcome.error { line["error"] = error }
        emit(line)
    }

    /// Stops the bar and prints the summary (unless `--quiet`); returns the counts.
    @discardableResult
    func finish(interrupted: Bool) -> Counts {
        ticker?.cancel()
        let counts = state.withLock { state in
            if state.barVisible { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            state.barVisible = false
            return state.counts
        }
        if showSummary || (interrupted && !quiet) {
            let seconds = elapsed
            var line = "\(interrupted ? "interrupted: " : "")\(counts.done) done, \(counts.skipped) skipped, \(counts.failed) failed"
            if counts.cancelled > 0 { line += ", \(counts.cancelled) not written" }
            line += String(format: "; %.1f MP in %.2f s, %.1f MP/s", counts.megapixels, seconds, counts.megapixels / max(seconds, 1e-9))
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        return counts
    }

    private func printError(_ message: String) {
        state.withLock { state in
            let clear = state.barVisible ? "\r\u{1B}[2K" : ""
            FileHandle.standardError.write(Data("\(clear)sobel: \(message)\n".utf8))
            state.barVisible = false
        }
    }

    private func emit(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    private func redraw() {
        state.withLock { state in
            let seconds = elapsed
            let rate = state.counts.megapixels / max(seconds, 1e-9)
            let done = state.finishedFiles
            let eta = done > 0 && done < total ? seconds / Double(done) * Double(total - done) : 0
            let width = 24
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let text = String(format: "%@ %d/%d files  %.1f MP/s  ETA %@", bar, done, total, rate, Self.clock(eta))
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
            state.barVisible = true
        }
    }

    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
