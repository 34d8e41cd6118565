import Foundation
import SobelCore
import SobelService
import SobelTestSupport
import SobelServiceTestSupport
import Testing
import SobelConnections

/// Stopping and restarting RabbitMQ or Redis in the middle of a job: the job completes (bit-exact) or
/// fails with a reason within its deadline, and later jobs succeed without restarting anything.
@Suite(.serialized) struct RestartTests {
    private func restartMidJob(_ server: TestServer, harness: ServiceHarness, deadline: Duration) throws {
        let (image, options, pipeline) = FailureTests.longJob(seed: 71)
        let id = try harness.coordinator.submit(image, options: options)
        try FailureTests.waitForProgress(harness.coordinator, id, tiles: 3)
        server.stop()
        Thread.sleep(forTimeInterval: 1)
        try server.start()
        let started = Date()
        let (record, result) = try harness.outcome(of: id, wait: deadline + .seconds(10))
        #expect(record.status.isFinal, "the job ended")
        if record.status == .done {
            #expect(result == (try pipeline.run(on: image)), "bit-identical across the restart")
        } else {
            #expect(!(record.error ?? "").isEmpty, "a failed job says why")
        }
        #expect(Date().timeIntervalSince(started) < deadline.seconds + 5, "within its deadline")

        let (later, laterResult) = try harness.run(image, JobOptions(pipeline: pipeline, tileSize: .strips(rows: 64)))
        #expect(later.status == .done, "a later job succeeds: \(later.error ?? "")\n\(harness.workerLogs)")
        #expect(laterResult == (try pipeline.run(on: image)))
    }

    @Test func rabbitMQRestartsMidJob() throws {
        let rabbit = try TestServer("rabbitmq")
        let harness = try ServiceHarness(.servers, workers: 2, deadline: .seconds(60), amqpURL: rabbit.url)
        try restartMidJob(rabbit, harness: harness, deadline: .seconds(60))
    }

    @Test func redisRestartsMidJob() throws {
        let redis = try TestServer("redis")
        let harness = try ServiceHarness(.servers, workers: 2, deadline: .seconds(60), redisURL: redis.url)
        try restartMidJob(redis, harness: harness, deadline: .seconds(60))
    }
}
