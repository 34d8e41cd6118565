import Foundation

/// A private redis-server on a free loopback port, in its own folder, stopped by its PID.
final class RedisServer {
    let port: Int
    let password: String?
    private let process = Process()
    private let folder: URL

    /// Starts a server and waits until it answers.
    /// - Parameters:
    ///   - port: A port to reuse (to restart a server), or `nil` for a free one.
    ///   - password: A `requirepass` secret, made up by the test.
    init(port: Int? = nil, password: String? = nil) throws {
        guard let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first(where: FileManager.default.isExecutableFile) else {
            throw SetupFailure("redis-server is not installed: run the suite with scripts/test.sh, which installs it")
        }
        self.port = try port ?? Self.freePort()
        self.password = password
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("redis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", String(self.port), "--bind", "127.0.0.1", "--dir", folder.path, "--save", "",
                             "--appendonly", "no", "--daemonize", "no", "--logfile", folder.appendingPathComponent("redis.log").path]
            + (password.map { ["--requirepass", $0] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !Self.answers(port: self.port) {
            guard Date() < deadline, process.isRunning else { throw SetupFailure("redis-server did not start on port \(self.port)") }
            usleep(20_000)
        }
    }

    var url: String { "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/0" }

    /// Stops the server with its own `SHUTDOWN NOSAVE`, then by SIGKILL to its PID if it is still up
    /// after 5 s. (SIGTERM is not enough: the child inherits a signal mask in which it may be blocked.)
    func stop() {
        guard process.isRunning else { return }
        let cli = Process()
        cli.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        cli.arguments = ["-h", "127.0.0.1", "-p", String(port)] + (password.map { ["-a", $0, "--no-auth-warning"] } ?? []) + ["shutdown", "nosave"]
        cli.standardOutput = FileHandle.nullDevice
        cli.standardError = FileHandle.nullDevice
        if (try? cli.run()) != nil { cli.waitUntilExit() }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw SetupFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on the port.
    static func answers(port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    struct SetupFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
