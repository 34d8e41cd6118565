import Foundation
import SobelConnections
import SobelRedis
import SobelService
import SobelServiceRedis
import SobelServiceTestSupport
import SobelTestSupport
import Testing

/// A job record in Redis that cannot be parsed (a broken client, a half-written value) is a failed job with a
/// reason: workers discard its chunks instead of requeueing them forever, and the API reports it instead of 500.
@Suite struct UnreadableRecordTests {
    @Test(arguments: [#"{"id":"not a job"}"#, "not json at all", #"{"status":"running"}"#])
    func anUnreadableRecordIsAFailedJobWithAReason(_ garbage: String) throws {
        let prefix = "test:\(UUID().uuidString)"
        let url = try RedisURL(SharedServers.redisURL())
        let store = try RedisTileStore(url: url, prefix: prefix)
        let id = JobID()
        let connection = try RedisConnection(url: url)
        _ = try connection.send(["HSET", .text("\(prefix):job:\(id)"), "record", .text(garbage), "status", "running", "error", ""])
        let record = try #require(try store.record(id))
        #expect(record.id == id && record.status == .failed, "\(record)")
        #expect((record.error ?? "").hasPrefix("the job's record in Redis cannot be read: "), "\(record.error ?? "")")
        #expect(!(record.error ?? "").contains("DecodingError"), "in words: \(record.error ?? "")")
    }
}

/// Redis restarts between two requests: the pooled connections it closed are re-made, and the next request
/// succeeds instead of failing with "the connection to Redis was lost".
@Suite struct RedisRestartTests {
    @Test func pooledConnectionsSurviveARestart() throws {
        let redis = try TestServer("redis")
        let store = try RedisTileStore(url: RedisURL(redis.url), prefix: "test:\(UUID().uuidString)")
        let record = JobRecord.sample()
        try store.saveRecord(record)
        redis.stop()
        try redis.start()
        try store.saveRecord(record)
        #expect(try store.record(record.id)?.id == record.id)
    }
}
