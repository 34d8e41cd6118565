import Foundation
import Hummingbird
import HummingbirdTesting
import SobelAMQP
import SobelRedis
import SobelService
import SobelServiceAMQP
import SobelServiceRedis
import SobelTestSupport
import SobelWeb
import Testing

/// While RabbitMQ is down: the readiness check says so within a second or two, naming it, and an upload gets
/// 503 with Retry-After and a message naming the queue, never a 500.
@Suite struct UnavailableDependencyTests {
    @Test func aStoppedBrokerGives503AndReadinessSaysSoAtOnce() async throws {
        let rabbit = try TestServer("rabbitmq")
        let queue = try RabbitMQJobQueue(url: AMQPURL(rabbit.url), name: "web.\(UUID().uuidString)", reconnectWindow: .seconds(2))
        let store = try RedisTileStore(url: RedisURL(SharedServers.redisURL()), prefix: "web:\(UUID().uuidString)")
        let coordinator = Coordinator(queue: queue, store: store, logger: RouterTests.quiet)
        let app = buildApplication(coordinator: coordinator, isEmbedded: false, settings: WebSettings(port: 0), logger: RouterTests.quiet)
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            rabbit.stop()
            let start = ContinuousClock.now
            try await client.execute(uri: "/readyz", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .serviceUnavailable && body.contains("rabbitmq"), "\(body)")
            }
            #expect(ContinuousClock.now - start < .seconds(5), "a readiness check answers at once (it took 13–22 s before; the bound allows for a loaded machine)")
            try await client.execute(uri: "/api/v1/jobs", method: .post, headers: [.contentType: "image/png"],
                                     body: ByteBuffer(bytes: RouterTests.png)) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] == "5", "\(response.status) \(body)")
                #expect(body.contains("the job queue is unavailable"), "\(body)")
            }
        }
    }
}

/// Uploads that cannot be held: a declared body over the limit is refused before it is read, and a client that
/// goes silent mid-upload is disconnected after the idle timeout.
@Suite struct UploadLimitTests {
    @Test func aDeclaredBodyOverTheLimitIsRefusedBeforeItIsRead() async throws {
        let (app, _, service) = RouterTests.app(settings: WebSettings(port: 0, maxUploadBytes: 1 << 20))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let socket = try #require(Loopback.connect(port: port))
            defer { close(socket) }
            // Headers only: the 200 MiB body is never sent, and the answer comes anyway.
            let head = "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 209715200\r\n\r\n"
            _ = head.withCString { send(socket, $0, strlen($0), 0) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: received, as: UTF8.self).contains("}") {  // the JSON error's end
                let count = recv(socket, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                received += buffer.prefix(count)
            }
            let answer = String(decoding: received, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 413") && answer.contains("declares 209715200 bytes"), "\(answer)")
        }
    }

    @Test func aClientSilentMidUploadIsDisconnected() async throws {
        let (app, _, service) = RouterTests.app(settings: WebSettings(port: 0, idleTimeout: .seconds(1)))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let socket = try #require(Loopback.connect(port: port))
            defer { close(socket) }
            let head = "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\npartial"
            _ = head.withCString { send(socket, $0, strlen($0), 0) }
            let start = ContinuousClock.now
            var byte: UInt8 = 0
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = recv(socket, &byte, 1, 0)  // returns when the server closes the connection (or after 10 s)
            let waited = ContinuousClock.now - start
            #expect(waited < .seconds(6), "the silent upload was cut after about the idle timeout, not held: \(waited)")
        }
    }
}
