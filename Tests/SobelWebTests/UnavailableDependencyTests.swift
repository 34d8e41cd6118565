import Foundation
import SobelTestSupport
import Testing

/// While RabbitMQ is down, a real `sobel serve` process (its own executor, not the test runner's): the readiness
/// check says so at once, naming it, and an upload gets 503 with Retry-After and a message naming the queue, never
/// a 500.
@Suite struct UnavailableDependencyTests {
    @Test func aStoppedBrokerGives503AndReadinessSaysSoAtOnce() throws {
        let rabbit = try TestServer("rabbitmq")
        let server = try ServeProcess([
            "--amqp-url", rabbit.url, "--redis-url", try SharedServers.redisURL(),
            "--queue", "web.\(UUID().uuidString)", "--key-prefix", "web:\(UUID().uuidString)",
        ])
        defer { withExtendedLifetime(server) {} }
        let port = server.port
        #expect(Loopback.get(port: port, path: "/readyz")?.status == 200)
        rabbit.stop()
        let start = ContinuousClock.now
        let ready = try #require(Loopback.get(port: port, path: "/readyz"))
        let waited = ContinuousClock.now - start
        #expect(ready.status == 503 && ready.body.contains("rabbitmq"), "\(ready)")
        #expect(waited < .seconds(3), "a readiness check answers at once (it took 13–22 s before): \(waited)")

        let upload = FileManager.default.temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString).png")
        try Data(RouterTests.png).write(to: upload)
        defer { try? FileManager.default.removeItem(at: upload) }
        let (_, answer) = try Tool.run([
            "curl", "-s", "-i", "--max-time", "60", "--data-binary", "@\(upload.path)", "-H", "Content-Type: image/png",
            "http://127.0.0.1:\(port)/api/v1/jobs",
        ])
        #expect(answer.hasPrefix("HTTP/1.1 503") && answer.lowercased().contains("retry-after: 5"), "\(answer)")
        #expect(answer.contains("the job queue is unavailable"), "\(answer)")
    }
}

/// Uploads that cannot be held, against a real `sobel serve` process: a declared body over the limit is refused
/// before it is read, and a client that goes silent mid-upload is disconnected after the idle timeout.
@Suite struct UploadLimitTests {
    /// Runs `sobel serve` (embedded) with `arguments` and calls `body` with its port.
    func withServer(_ arguments: [String], _ body: (Int) throws -> Void) throws {
        let server = try ServeProcess(["--workers", "1"] + arguments)
        try withExtendedLifetime(server) { try body(server.port) }
    }

    /// Sends `head` on a new connection and reads until the server closes it, `stop` is seen, or 30 s pass.
    func exchange(port: Int, _ head: String, until stop: String) throws -> (answer: String, waited: Duration) {
        let socket = try #require(Loopback.connect(port: port))
        defer { close(socket) }
        _ = head.withCString { send(socket, $0, strlen($0), 0) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let start = ContinuousClock.now
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while stop.isEmpty || !String(decoding: received, as: UTF8.self).contains(stop) {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer.prefix(count)
        }
        return (String(decoding: received, as: UTF8.self), ContinuousClock.now - start)
    }

    @Test func aDeclaredBodyOverTheLimitIsRefusedBeforeItIsRead() throws {
        try withServer(["--max-upload-mb", "1"]) { port in
            // Headers only: the 200 MiB body is never sent, and the answer comes anyway.
            let (answer, _) = try exchange(
                port: port,
                "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 209715200\r\n\r\n",
                until: "}"
            )
            #expect(answer.hasPrefix("HTTP/1.1 413") && answer.contains("declares 209715200 bytes"), "\(answer)")
        }
    }

    @Test func aClientSilentMidUploadIsDisconnected() throws {
        try withServer(["--idle-timeout", "1"]) { port in
            let (_, waited) = try exchange(
                port: port,
                "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\npartial",
                until: ""
            )
            #expect(waited < .seconds(15), "the silent upload was cut after about the idle timeout, not held: \(waited)")
        }
    }

    @Test func aClientThatGoesAwayMidUploadIsNotAServerError() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sobel-serve-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let server = try ServeProcess(["--workers", "1", "--log-level", "debug"], log: log)
        let socket = try #require(Loopback.connect(port: server.port))
        let head = "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\npartial"
        _ = head.withCString { send(socket, $0, strlen($0), 0) }
        Thread.sleep(forTimeInterval: 0.3)
        close(socket)
        Thread.sleep(forTimeInterval: 1)
        #expect(Loopback.get(port: server.port, path: "/healthz")?.status == 200)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(text.contains("Server started"), "the log was captured: \(text)")
        #expect(!text.contains(" error "), "a client that went away is not logged as an error: \(text)")
    }

    @Test func uploadsStillArrivingHoldNoMoreThanTheBudget() throws {
        try withServer(["--max-upload-mb", "1", "--max-pending-upload-mb", "2"]) { port in
            // Two stalled 1 MiB uploads spend the 2 MiB budget; each holds its connection open.
            let head = "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 1048576\r\n\r\npartial"
            let stalled = try (0..<2).map { _ in
                let socket = try #require(Loopback.connect(port: port))
                _ = head.withCString { send(socket, $0, strlen($0), 0) }
                return socket
            }
            Thread.sleep(forTimeInterval: 0.5)
            let (refused, _) = try exchange(port: port, head, until: "}")
            #expect(refused.hasPrefix("HTTP/1.1 503") && refused.contains("Retry-After") && refused.contains("as many uploads"), "\(refused)")
            // A client that goes away gives its share back, once the server has seen the connection close (under
            // a busy suite that took more than the half second it usually takes).
            for socket in stalled { close(socket) }
            let small =
                "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/x-portable-anymap\r\nContent-Length: 15\r\n\r\nP5\n2 2\n255\n\u{1}\u{2}\u{3}\u{4}"
            let deadline = Date().addingTimeInterval(15)
            var accepted = ""
            repeat {
                Thread.sleep(forTimeInterval: 0.25)
                accepted = try exchange(port: port, small, until: "}").0
            } while !accepted.hasPrefix("HTTP/1.1 202") && Date() < deadline
            #expect(accepted.hasPrefix("HTTP/1.1 202"), "\(accepted)")
        }
    }
}
