import Foundation

/// A private rabbitmq-server on free loopback ports, run as the user `rabbitmq` (which needs root to
/// arrange), with its own data folder, Erlang cookie, epmd port and a login made up for this run.
/// It is stopped by `rabbitmqctl stop` (then by its process group's PID) and can be started again
/// with its data: durable queues and persistent messages survive a restart.
public final class RabbitMQServer: @unchecked Sendable {
    public let port: Int
    public let user = "sobel-test"
    public let password = TestServerSupport.secret()
    public let nodeName: String
    private let distributionPort: Int
    private let epmdPort: Int
    private let cookie = TestServerSupport.secret(bytes: 20)
    private let folder: URL
    private var process: Process?

    /// Starts a broker and waits until it accepts connections (about 7–15 s).
    public init() throws {
        guard getuid() == 0 else {
            throw SetupFailure("the RabbitMQ tests start rabbitmq-server as the user rabbitmq, which needs root: run scripts/test.sh as root")
        }
        guard FileManager.default.isExecutableFile(atPath: Self.bin + "rabbitmq-server") else {
            throw SetupFailure("rabbitmq-server is not installed: run the suite with scripts/test.sh, which installs it")
        }
        (port, distributionPort, epmdPort) = (try TestServerSupport.freePort(), try TestServerSupport.freePort(), try TestServerSupport.freePort())
        nodeName = "sobel-test-\(port)@localhost"
        // mktemp-style folders are mode 0700: the broker's user could not enter them, so use 0755 and chown.
        folder = URL(fileURLWithPath: "/tmp/sobel-rabbitmq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let cookieFile = folder.appendingPathComponent(".erlang.cookie").path
        FileManager.default.createFile(atPath: cookieFile, contents: Data(cookie.utf8), attributes: [.posixPermissions: 0o400])
        FileManager.default.createFile(atPath: folder.appendingPathComponent("enabled_plugins").path, contents: Data("[].".utf8))
        guard TestServerSupport.run("/bin/chown", ["-R", "rabbitmq:rabbitmq", folder.path]) == 0 else {
            throw SetupFailure("cannot give \(folder.path) to the user rabbitmq")
        }
        try start()
    }

    public var url: String { "amqp://\(user):\(password)@127.0.0.1:\(port)/%2F" }

    private static let bin = "/usr/lib/rabbitmq/bin/"

    private var environment: [String: String] {
        [
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": folder.path, "LANG": "C.UTF-8",
            "RABBITMQ_NODENAME": nodeName, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": String(port), "RABBITMQ_DIST_PORT": String(distributionPort), "ERL_EPMD_PORT": String(epmdPort),
            "RABBITMQ_MNESIA_BASE": folder.appendingPathComponent("mnesia").path,
            "RABBITMQ_LOG_BASE": folder.appendingPathComponent("log").path,
            "RABBITMQ_ENABLED_PLUGINS_FILE": folder.appendingPathComponent("enabled_plugins").path,
            "RABBITMQ_DEFAULT_USER": user, "RABBITMQ_DEFAULT_PASS": password,
        ]
    }

    /// Starts the broker (again) and waits for `rabbitmq-diagnostics check_port_connectivity`.
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["setpriv", "--reuid=rabbitmq", "--regid=rabbitmq", "--init-groups", Self.bin + "rabbitmq-server"]
        process.environment = environment
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        TestServerSupport.remember(processGroup: process.processIdentifier)
        let deadline = Date().addingTimeInterval(60)
        while control("rabbitmq-diagnostics", "check_port_connectivity") != 0 {
            guard Date() < deadline, process.isRunning else {
                throw SetupFailure("rabbitmq-server did not start within 60 s; its logs are in \(folder.path)/log")
            }
            usleep(250_000)
        }
    }

    /// Stops the broker with `rabbitmqctl stop`, then its process group by PID if it is still up after 20 s.
    public func stop() {
        guard let process, process.isRunning else { return }
        control("rabbitmqctl", "stop")
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(-process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        TestServerSupport.forget(processGroup: process.processIdentifier)
    }

    /// Runs a RabbitMQ command-line tool against this node.
    @discardableResult
    public func control(_ tool: String, _ arguments: String...) -> Int32 {
        TestServerSupport.run(Self.bin + tool, ["-q", "-n", nodeName, "--erlang-cookie", cookie] + arguments, environment: environment)
    }

    deinit {
        stop()
        TestServerSupport.run("/usr/bin/epmd", ["-port", String(epmdPort), "-kill"])
        try? FileManager.default.removeItem(at: folder)
    }
}
