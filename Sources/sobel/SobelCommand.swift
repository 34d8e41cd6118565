import ArgumentParser
import Foundation
import SobelCore

/// The `sobel` command tree.
@main
struct Sobel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sobel",
        abstract: "Exact, fast Sobel edge detection.",
        version: "0.1.0 (\(kernelsSummary))",
        subcommands: [Filter.self, Serve.self, Work.self, Bench.self, Settings.self]
    )

    /// Runs the command line; usage errors exit 2, failures exit 1 with one line on stderr.
    static func main() async {
        if let error = CPULevel.environmentError {
            FileHandle.standardError.write(Data("sobel: \(error)\n".utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("sobel: \(failure.message)\n".utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

extension Sobel {
    /// Which kernels run, for `--version` and `sobel bench`: e.g. `kernels: avx512 (picked from the CPU; it runs baseline, avx2, avx512)`.
    static var kernelsSummary: String {
        guard let level = CPULevel.active else { return "kernels: portable Swift (no x86-64 levels on this CPU)" }
        let how =
            ProcessInfo.processInfo.environment[CPULevel.environmentVariable].map { "forced by \(CPULevel.environmentVariable)=\($0)" }
            ?? "picked from the CPU"
        return "kernels: \(level.rawValue) (\(how); it runs \(CPULevel.supported.map(\.rawValue).joined(separator: ", ")))"
    }
}

/// A failure reported in one line, with the process exit code.
struct CommandFailure: Error {
    let message: String
    var exitCode: Int32 = 1
}
