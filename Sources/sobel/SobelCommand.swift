import ArgumentParser
import Foundation

/// The `sobel` command tree.
@main
struct Sobel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sobel",
        abstract: "Exact, fast Sobel edge detection.",
        version: "0.1.0",
        subcommands: [Filter.self, Serve.self, Work.self, Bench.self, Settings.self]
    )

    /// Runs the command line; usage errors exit 2, failures exit 1 with one line on stderr.
    static func main() async {
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

/// A failure reported in one line, with the process exit code.
struct CommandFailure: Error {
    let message: String
    var exitCode: Int32 = 1
}
