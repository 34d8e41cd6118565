import Foundation
import SobelConnections
import SobelCore
import SobelService
import SobelServiceTestSupport
import SobelTestSupport
import Testing

/// Stopping and restarting RabbitMQ or Redis in the middle of a job: as `docs/service.md` promises, the
/// job completes bit-exact within its deadline through the recovery path, and later jobs succeed without
/// restarting anything.
@Suite(.serialized) struct RestartTests {
    /// Restarts `server` once the job has some tiles done but not all, then expects it to complete.
    /// - Returns: The job's final record.
    @discardableResult
    private func restartMidJob(
        _ server: TestServer,
        harness: ServiceHarness,
        deadline: Duration,
        afterRestart: (JobID) throws -> Void = { _ in }
    ) throws -> JobRecord {
        let (image, options, pipeline) = FailureTests.longJob(seed: 71)
        let id = try harness.coordinator.submit(image, options: options)
        try FailureTests.waitForProgress(harness.coordinator, id, tiles: 3)
        // Every chunk is out (the record says running): after this, only a recovery writes the record again.
        let published = Date().addingTimeInterval(30)
        while try harness.coordinator.status(id)?.status == .queued, Date() < published { Thread.sleep(forTimeInterval: 0.02) }
        let before = try #require(try harness.coordinator.status(id))
        #expect(before.status == .running, "every chunk was published before the restart")
        server.stop()
        #expect(before.tilesDone < before.tilesTotal, "the server stops mid-job: \(before.tilesDone) of \(before.tilesTotal) tiles done")
        Thread.sleep(forTimeInterval: 1)
        try server.start()
        let started = Date()
        try afterRestart(id)
        let (record, result) = try harness.outcome(of: id, wait: deadline + .seconds(10))
        #expect(record.status == .done, "the job completes: \(record.error ?? "")\n\(harness.workerLogs)")
        #expect(result == (try pipeline.run(on: image)), "bit-identical across the restart")
        #expect(Date().timeIntervalSince(started) < deadline.seconds + 5, "within its deadline")

        let (later, laterResult) = try harness.run(image, JobOptions(pipeline: pipeline, tileSize: .strips(rows: 64)))
        #expect(later.status == .done, "a later job succeeds: \(later.error ?? "")\n\(harness.workerLogs)")
        #expect(laterResult == (try pipeline.run(on: image)))
        return record
    }

    @Test func rabbitMQRestartsMidJob() throws {
        let rabbit = try TestServer("rabbitmq")
        let harness = try ServiceHarness(.servers, workers: 2, deadline: .seconds(60), amqpURL: rabbit.url)
        try restartMidJob(rabbit, harness: harness, deadline: .seconds(60))
        // The job was unfinished when the broker stopped, and every AMQP connection died with it: the rest of
        // its tiles can only have come from the broker's durable queue through consumers that reconnected.
        let survivors = harness.workers.filter(\.isRunning).count
        #expect(survivors == harness.workers.count, "the workers survived the restart: \(harness.workerLogs)")
    }

    @Test func redisRestartsMidJob() throws {
        let redis = try TestServer("redis")
        let harness = try ServiceHarness(.servers, workers: 2, deadline: .seconds(60), redisURL: redis.url)
        try restartMidJob(redis, harness: harness, deadline: .seconds(60)) { id in
            // docs/service.md: the coordinator that runs the job never calls it unknown, and writes its record
            // back within about a second of Redis answering again.
            var unknown = 0
            var recordBackAfter: TimeInterval?
            let started = Date()
            while Date().timeIntervalSince(started) < 3 {
                if try harness.coordinator.status(id) == nil { unknown += 1 }
                if recordBackAfter == nil, (try? harness.coordinator.store.record(id)) != nil { recordBackAfter = Date().timeIntervalSince(started) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(unknown == 0, "the running job was reported unknown \(unknown) times after the restart")
            #expect((recordBackAfter ?? 99) < 2.5, "the record was written back after \(recordBackAfter.map { "\($0) s" } ?? "more than 3 s")")
        }
        // The restarted Redis lost every key: only the coordinator's recovery (record the job again, publish
        // its missing tiles again) can have completed the job.
        #expect(
            harness.log.messages.contains { $0.contains("the store lost the job; publishing its") },
            "the coordinator recovered the job: \(harness.log.messages)"
        )
    }
}
