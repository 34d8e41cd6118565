public import Foundation

/// Runs the built `sobel` executable in the repository's root and captures what it prints.
public enum SobelProcess {
    /// How a run ended and what it printed.
    public struct Result: Sendable {
        /// The exit status.
        public let status: Int32
        /// Standard output, as bytes.
        public let stdout: Data
        /// Standard error, as text.
        public let stderr: String
    }

    /// The built executable.
    public static var executable: URL { SobelBinary.url }

    /// Runs `sobel` with `arguments` to its end. Standard output and standard error are read at the same
    /// time, so a child that fills one pipe while the test reads the other cannot hang.
    /// - Parameters:
    ///   - arguments: The command line after `sobel`.
    ///   - stdin: Bytes for its standard input; it is closed after them.
    ///   - environment: Variables to set on top of the test's own.
    /// - Returns: The exit status and both outputs.
    public static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = Repository.root
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let stderrReader = PipeReader(err)
        let stdinWriter = Thread { [input] in
            if let stdin { input.fileHandleForWriting.write(stdin) }
            try? input.fileHandleForWriting.close()
        }
        stdinWriter.start()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = stderrReader.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: stdoutData, stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// A fresh temporary folder, removed by the caller.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sobel-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Blocks until the pipe is closed.
    /// - Returns: Everything that was written to it.
    func wait() -> Data {
        done.wait()
        return data
    }
}
