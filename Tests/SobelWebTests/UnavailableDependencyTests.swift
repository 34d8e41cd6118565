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
            #expect(ContinuousClock.now - start < .seconds(3), "a readiness check answers at once")
            try await client.execute(uri: "/api/v1/jobs", method: .post, headers: [.contentType: "image/png"],
                                     body: ByteBuffer(bytes: RouterTests.png)) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] == "5", "\(response.status) \(body)")
                #expect(body.contains("the job queue is unavailable"), "\(body)")
            }
        }
    }
}
