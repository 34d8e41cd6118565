import Foundation

/// A private redis-server on a free loopback port, in its own folder and process group, stopped by
/// its own `SHUTDOWN` command or its PID. It can be stopped and started again on the same port.
public final class RedisServer: @unchecked Sendable {
    public let port: Int
    public let password: String?
    private var process: Process?
    private let folder: URL

    /// Starts a server and waits until it answers.
    /// - Parameter password: A `requirepass` secret made up by the test, or `nil`.
    public init(password: String? = nil) throws {
        port = try TestServerSupport.freePort()
        self.password = password
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("redis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try start()
    }

    public var url: String { "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/0" }

    /// Starts the server (again) on its port.
    public func start() throws {
        guard let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first(where: FileManager.default.isExecutableFile) else {
            throw SetupFailure("redis-server is not installed: run the suite with scripts/test.sh, which installs it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = [binary, "--port", String(port), "--bind", "127.0.0.1", "--dir", folder.path, "--save", "",
                             "--appendonly", "no", "--daemonize", "no", "--logfile", folder.appendingPathComponent("redis.log").path]
            + (password.map { ["--requirepass", $0] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        TestServerSupport.remember(processGroup: process.processIdentifier)
        let deadline = Date().addingTimeInterval(10)
        while !TestServerSupport.answers(port: port) {
            guard Date() < deadline, process.isRunning else { throw SetupFailure("redis-server did not start on port \(port)") }
            usleep(20_000)
        }
    }

    /// Stops the server with its own `SHUTDOWN NOSAVE`, then by SIGKILL to its process group if it is
    /// still up after 5 s. (SIGTERM is not enough: the child inherits a signal mask in which it may be blocked.)
    public func stop() {
        guard let process, process.isRunning else { return }
        TestServerSupport.run("/usr/bin/redis-cli", ["-h", "127.0.0.1", "-p", String(port)]
            + (password.map { ["-a", $0, "--no-auth-warning"] } ?? []) + ["shutdown", "nosave"])
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(-process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        TestServerSupport.forget(processGroup: process.processIdentifier)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
