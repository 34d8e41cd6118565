public import Foundation

/// The built `sobel` executable, found next to the test bundle in the build folder.
public enum SobelBinary {
    public static let url: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("sobel")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        fatalError("the sobel executable was not built next to the tests")
    }()
}

/// A `sobel work` process, its log in a file.
public final class WorkerProcess: @unchecked Sendable {
    private let process = Process()
    public let log: URL

    /// Starts `sobel work` with `arguments` after `work`.
    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("sobel-work-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw SetupFailure("cannot create \(log.path)") }
        process.executableURL = SobelBinary.url
        process.arguments = ["work"] + arguments
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SOBEL_") }
        merged.merge(environment) { $1 }
        process.environment = merged
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// What the worker has logged so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends a signal.
    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit, at most `timeout` seconds.
    /// - Returns: Its exit status, or `nil` if it is still running.
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: log)
    }
}

/// A `sobel serve` process on a free loopback port, without the test's `SOBEL_*` variables; killed with the object.
public final class ServeProcess: @unchecked Sendable {
    private let process = Process()
    /// The port it listens on.
    public let port: Int

    /// Starts `sobel serve --port PORT` with `arguments` and waits until it answers.
    /// - Parameters:
    ///   - arguments: More options, e.g. `["--workers", "1"]`.
    ///   - log: A file for its log (standard error), or `nil` to drop it.
    public init(_ arguments: [String], log: URL? = nil) throws {
        port = try Loopback.freePort()
        process.executableURL = SobelBinary.url
        process.arguments = ["serve", "--port", String(port)] + arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SOBEL_") }
        if let log {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: log)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        Loopback.waitUntilAnswering(port: port)
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
