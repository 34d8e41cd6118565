import Foundation

/// A private redis-server or rabbitmq-server, run through `scripts/lib/test-servers.sh` (the same script
/// that `scripts/test.sh` uses for the suite's shared servers). It can be stopped and started again
/// with its data and ports; it is destroyed with the object.
public final class TestServer: @unchecked Sendable {
    /// `redis` or `rabbitmq`.
    public let kind: String
    /// The URL with the made-up password, e.g. `redis://:…@127.0.0.1:PORT/0`.
    public private(set) var url = ""
    private let folder: String

    /// Starts a server of `kind`.
    /// - Parameter kind: `redis` or `rabbitmq`.
    public init(_ kind: String) throws {
        self.kind = kind
        folder = "/tmp/sobel-\(kind)-\(UUID().uuidString)"
        try start()
    }

    /// Starts the server (again): the same ports, password and, for RabbitMQ, data.
    public func start() throws {
        let (status, output) = Self.script(["start", kind, folder])
        guard status == 0, let line = output.split(separator: "\n").last else {
            throw SetupFailure(
                "\(kind) did not start: \(output)\nrun the suite with scripts/test.sh, which installs the servers (and runs as root for RabbitMQ)"
            )
        }
        url = String(line)
    }

    /// Stops the server with its own stop command (then by PID), keeping its folder.
    public func stop() {
        _ = Self.script(["stop", kind, folder])
    }

    /// The port in ``url``.
    public var port: Int {
        Int(url.split(separator: ":").last!.split(separator: "/").first!)!
    }

    deinit {
        _ = Self.script(["destroy", kind, folder])
    }

    /// Runs the script with posix_spawn and waitpid. (Foundation's `Process.waitUntilExit` was seen to miss
    /// the exit of a child that started servers in the background, and cannot run during `atexit`.)
    /// Output goes to a file, not a pipe, which the background servers could hold open.
    fileprivate static func script(_ arguments: [String]) -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sobel-test-servers-\(UUID().uuidString).log").path
        defer { unlink(log) }
        let words = ["/bin/bash", Repository.root.appendingPathComponent("scripts/lib/test-servers.sh").path] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for word in argv { free(word) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ) == 0 else { return (-1, "cannot run /bin/bash") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (exitStatus, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Why a test server could not be started, with what to do about it.
public struct SetupFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The servers `scripts/test.sh` started for the whole suite (`SOBEL_TEST_REDIS_URL`, `SOBEL_TEST_AMQP_URL`).
/// Run directly (`swift test`), the suite starts its own on first use, destroyed when the test process ends.
public enum SharedServers {
    /// The shared Redis URL.
    public static func redisURL() throws -> String { try url("SOBEL_TEST_REDIS_URL", own: ownRedis) }
    /// The shared RabbitMQ URL.
    public static func amqpURL() throws -> String { try url("SOBEL_TEST_AMQP_URL", own: ownRabbitMQ) }

    private static func url(_ variable: String, own: Result<TestServer, any Error>) throws -> String {
        if let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty { return url }
        return try own.get().url
    }

    // Held for the life of the process: a test process's statics are not deinitialised, so these
    // servers are destroyed by the script's `destroy` at exit through `atexit`.
    private static let ownRedis = Result { try TestServer("redis").registeredForExit() }
    private static let ownRabbitMQ = Result { try TestServer("rabbitmq").registeredForExit() }
}

private nonisolated(unsafe) var serversToDestroy: [(kind: String, folder: String)] = []

extension TestServer {
    /// Destroys the server when the process exits, with posix_spawn (Foundation cannot run processes then).
    fileprivate func registeredForExit() -> TestServer {
        if serversToDestroy.isEmpty {
            atexit {
                for server in serversToDestroy { _ = TestServer.script(["destroy", server.kind, server.folder]) }
            }
        }
        serversToDestroy.append((kind, folder))
        return self
    }
}
