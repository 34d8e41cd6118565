import Foundation
import SobelRedis
import SobelTestSupport
import Testing

/// The hiredis client against a real, private redis-server.
@Suite(.serialized) struct RedisConnectionTests {
    @Test func binarySafeValuesAndReplies() throws {
        let server = try TestServer("redis")
        let redis = try RedisConnection(url: RedisURL(server.url))
        let value: [UInt8] = [0, 255, 13, 10, 0, 36, 42]
        #expect(try redis.send(["SET", "tile", .bytes(value)]) == .status("OK"))
        #expect(try redis.send("GET", "tile").bytes == value)
        #expect(try redis.send("GET", "missing") == .null)
        #expect(try redis.send("RPUSH", "list", "a", "b").integer == 2)
        #expect(try redis.send("LRANGE", "list", "0", "-1") == .array([.bulk(Array("a".utf8)), .bulk(Array("b".utf8))]))
        #expect(throws: RedisError.self) { try redis.send("INCR", "list") }
        do {
            try redis.send("INCR", "list")
        } catch let RedisError.server(message) {
            #expect(message.hasPrefix("WRONGTYPE"))
        }
        #expect(try redis.send("PING") == .status("PONG"), "the connection is still usable after a server error")
    }

    @Test func expiryAndBlockingPop() throws {
        let server = try TestServer("redis")
        let url = try RedisURL(server.url)
        let redis = try RedisConnection(url: url)
        let other = try RedisConnection(url: url)
        try redis.send("SET", "short", "x", "PX", "100")
        #expect(try redis.send("PTTL", "short").integer.map { $0 > 0 && $0 <= 100 } == true)
        Thread.sleep(forTimeInterval: 0.25)
        #expect(try redis.send("GET", "short") == .null)

        let start = ContinuousClock.now
        #expect(try redis.send(["BLPOP", "done", "1"], blockingFor: .seconds(1)) == .null, "BLPOP times out with a null reply")
        #expect(ContinuousClock.now - start >= .milliseconds(900))
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { _ = try? other.send("RPUSH", "done", "7") }
        let popped = try redis.send(["BLPOP", "done", "5"], blockingFor: .seconds(5))
        #expect(popped == .array([.bulk(Array("done".utf8)), .bulk(Array("7".utf8))]))
    }

    @Test func reconnectsAfterARestartAndFailsFastWhenDown() throws {
        let server = try TestServer("redis")
        let redis = try RedisConnection(url: RedisURL(server.url), commandTimeout: .seconds(2), reconnectWindow: .seconds(1))
        try redis.send("SET", "k", "v")
        server.stop()
        #expect(throws: RedisError.self) { try redis.send("GET", "k") }  // lost mid-command, or unreachable
        let start = ContinuousClock.now
        #expect {
            try redis.send("GET", "k")
        } throws: { error in
            guard case RedisError.unreachable = error else { return false }
            return true
        }
        #expect(ContinuousClock.now - start < .seconds(4), "a down server fails within the reconnect window, no hang")
        try server.start()
        #expect(try redis.send("PING") == .status("PONG"), "the next command reconnects")
        #expect(try redis.send("GET", "k") == .null, "a fresh server (no persistence) has no keys")
    }

    @Test func passwordsComeFromTheURLAndAreHidden() throws {
        let server = try TestServer("redis")
        let url = try RedisURL(server.url)
        let secret = try #require(url.password)
        #expect(secret.count >= 32, "the test server has a made-up password")
        #expect(!url.description.contains(secret) && url.description.contains(":***@"))
        #expect(try RedisConnection(url: url).send("PING") == .status("PONG"))
        #expect {
            try RedisConnection(url: RedisURL("redis://127.0.0.1:\(server.port)/0")).send("PING")
        } throws: { error in
            guard case RedisError.server(let message) = error else { return false }
            return message.contains("NOAUTH")
        }
        #expect {
            try RedisConnection(url: RedisURL("redis://:wrong@127.0.0.1:\(server.port)/0"))
        } throws: { error in
            guard case RedisError.server = error else { return false }
            return true
        }
    }

    @Test(arguments: [
        ("http://localhost", "redis://"), ("redis://", "no host"), ("redis://host:0", "port"), ("redis://host:99999", "port"),
        ("redis://host/x", "database"),
    ])
    func badURLsNameTheProblem(_ text: String, _ mention: String) {
        #expect {
            try RedisURL(text)
        } throws: { error in
            guard case RedisError.invalidURL(let detail) = error else { return false }
            return detail.contains(mention) || text.hasPrefix("http")
        }
    }

    @Test func urlParts() throws {
        let url = try RedisURL("redis://worker:p%40ss@redis.internal:6380/2")
        #expect(url.host == "redis.internal" && url.port == 6380 && url.user == "worker" && url.password == "p@ss" && url.database == 2)
        #expect(try RedisURL("redis://localhost").port == 6379)
    }
}
