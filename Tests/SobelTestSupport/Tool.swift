import Foundation

/// Runs a command-line tool found on `PATH` (python3, hadolint, …) to its end.
public enum Tool {
    /// - Parameter arguments: The tool and its arguments, e.g. `["hadolint", "Dockerfile"]`.
    /// - Returns: Its exit status and everything it printed (stdout and stderr together).
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
