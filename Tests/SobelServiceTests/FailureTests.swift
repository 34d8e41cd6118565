import Foundation
import SobelAMQP
import SobelCodecs
import SobelCore
import SobelService
import SobelServiceTestSupport
import SobelTestSupport
import Testing

/// Jobs survive dying workers, poison messages and missing workers: each completes bit-exact or fails
/// with a reason, within its deadline.
@Suite struct FailureTests {
    /// A job big enough that workers are still busy with it a moment after it starts: 512 strips (with 96, a fresh
    /// clone's CI run once finished every tile between the progress check and the kill).
    static func longJob(seed: UInt64) -> (Image, JobOptions, Pipeline) {
        var generator = SeededGenerator(seed: seed)
        let image = Image.random(width: 1024, height: 4096, format: .rgb8, using: &generator)
        let pipeline = try! Pipeline(parsing: "gray,blur:5,sobel:l2")
        return (image, JobOptions(pipeline: pipeline, tileSize: .strips(rows: 8)), pipeline)
    }

    /// Waits (by reading the record, as a client would) until the job has `tiles` tiles done.
    static func waitForProgress(_ coordinator: Coordinator, _ id: JobID, tiles: Int) throws {
        let deadline = Date().addingTimeInterval(60)
        while (try coordinator.status(id)?.tilesDone ?? 0) < tiles {
            guard Date() < deadline else { throw SetupFailure("the job made no progress") }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// SIGKILLs the first worker process once the job has `tiles` tiles done, then waits for the job's end, which
    /// must be `done`.
    /// - Returns: The tiles done when the worker died, and the job's outcome.
    static func killAWorker(of harness: ServiceHarness, after tiles: Int, tilesOf id: JobID) throws -> (Int, JobRecord, Image?) {
        try waitForProgress(harness.coordinator, id, tiles: tiles)
        let victim = harness.workers[0]
        victim.signal(SIGKILL)
        #expect(victim.waitForExit(timeout: 10) != nil)
        let tilesAtKill = try harness.coordinator.status(id)?.tilesDone ?? 0
        let (record, result) = try harness.outcome(of: id)
        #expect(record.status == .done, "\(record.error ?? "")\n\(harness.workerLogs)")
        return (tilesAtKill, record, result)
    }

    @Test(arguments: Backend.allCases)
    func aPNGCorruptHalfWayFailsItsSubmitAndLeavesNoJob(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend, workers: 1)
        var generator = SeededGenerator(seed: 66)
        let image = Image.random(width: 512, height: 512, format: .rgb8, using: &generator)
        let png = try ImageCodec.encode(image, options: .png(PNGEncodeOptions(level: 1, strategy: .default, filter: .none)))
        // Damage the compressed data three quarters in: the first bands decode (and their chunks go out) first.
        var damaged = png
        for offset in (png.count * 3 / 4)..<(png.count * 3 / 4 + 64) { damaged[offset] ^= 0xA5 }
        let options = JobOptions(tileSize: .strips(rows: 32))
        #expect(throws: CodecError.self) { try harness.coordinator.submit(encoded: damaged, options: options) }
        let deadline = Date().addingTimeInterval(10)
        while harness.coordinator.runningJobs > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(harness.coordinator.runningJobs == 0, "the abandoned job ends at once")
        // The service carries on: the next upload completes bit-exact.
        let id = try harness.coordinator.submit(encoded: png, options: options)
        let (record, result) = try harness.outcome(of: id)
        let expected = try Pipeline.default.run(on: image)
        #expect(record.status == .done && result == expected, "\(record.error ?? "")")
    }

    @Test func aWorkerKilledMidJobLosesNothing() throws {
        let harness = try ServiceHarness(.servers, workers: 2, prefetch: 4)
        let (image, options, pipeline) = Self.longJob(seed: 61)
        let id = try harness.coordinator.submit(image, options: options)
        let (tilesAtKill, record, result) = try Self.killAWorker(of: harness, after: 4, tilesOf: id)
        #expect(tilesAtKill < record.tilesTotal, "the worker died with work left")
        #expect(result == (try pipeline.run(on: image)), "bit-identical despite the dead worker")
    }

    @Test func aPoisonMessageIsDeadLetteredAndTheWorkerSurvives() throws {
        let harness = try ServiceHarness(.servers, workers: 1)
        let queue = harness.coordinator.queue
        let deadBefore = try queue.deadLetterDepth()
        let broker = try AMQPConnection(url: AMQPURL(harness.amqpURL!))
        try broker.publishConfirmed([Array("this is not a chunk".utf8)], to: harness.queueName, contentType: "text/plain")

        // A chunk of a real job whose pixels do not match its rectangle: dead-lettered, and the job fails.
        let id = JobID()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try harness.coordinator.store.saveRecord(
            JobRecord(
                id: id,
                status: .running,
                tilesDone: 0,
                tilesTotal: 1,
                width: 4,
                height: 4,
                pipeline: "gray,sobel:l2",
                outputFormat: "png",
                createdMs: now,
                deadlineMs: now + 60_000
            )
        )
        let header = ChunkHeader(
            version: 1,
            job: id,
            tile: 0,
            tiles: 1,
            imageWidth: 4,
            imageHeight: 4,
            output: Rect(x: 0, y: 0, width: 4, height: 4),
            input: Rect(x: 0, y: 0, width: 4, height: 4),
            format: .gray8,
            pipeline: "gray,sobel:l2",
            deadlineMs: now + 60_000,
            publishedMs: now
        )
        try broker.publishConfirmed(
            [ChunkMessage(header: header, pixels: [1, 2, 3]).encoded()],
            to: harness.queueName,
            contentType: ChunkMessage.contentType
        )

        // A chunk whose geometry overflows any arithmetic (it killed every worker with a trap, one after another):
        // dead-lettered, and its job fails with the reason.
        let overflowing = JobID()
        try harness.coordinator.store.saveRecord(
            JobRecord(
                id: overflowing,
                status: .running,
                tilesDone: 0,
                tilesTotal: 1,
                width: 4,
                height: 4,
                pipeline: "gray,sobel:l2",
                outputFormat: "png",
                createdMs: now,
                deadlineMs: now + 60_000
            )
        )
        var huge = header
        (huge.job, huge.input, huge.output) = (
            overflowing, Rect(x: 0, y: 0, width: 1 << 32, height: 1 << 32), Rect(x: Int.max, y: 0, width: 4, height: 4)
        )
        try broker.publishConfirmed([ChunkMessage(header: huge, pixels: [1]).encoded()], to: harness.queueName, contentType: ChunkMessage.contentType)

        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try queue.deadLetterDepth() < deadBefore + 3 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(try queue.deadLetterDepth() == deadBefore + 3, "the three poison messages are in the dead-letter queue")
        let failed = try #require(try harness.coordinator.status(id))
        #expect(failed.status == .failed && (failed.error ?? "").contains("3 bytes"), "\(failed.error ?? "no error")")
        let overflowed = try #require(try harness.coordinator.status(overflowing))
        #expect(overflowed.status == .failed && (overflowed.error ?? "").contains("is not inside the 4x4 image"), "\(overflowed.error ?? "no error")")
        #expect(harness.workers[0].isRunning, "the worker survives: \(harness.workerLogs)")

        let (image, options, pipeline) = (Image.random(width: 50, height: 40, using: &Self.generator), JobOptions(), Pipeline.default)
        let (record, result) = try harness.run(image, options)
        let expected = try pipeline.run(on: image)
        #expect(record.status == .done && result == expected, "and goes on working")
    }
    nonisolated(unsafe) static var generator = SeededGenerator(seed: 62)

    @Test(arguments: Backend.allCases)
    func withoutWorkersAJobFailsAtItsDeadline(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend, workers: 0, deadline: .seconds(3))
        var generator = SeededGenerator(seed: 63)
        let (record, result) = try timed {
            try harness.run(Image.random(width: 64, height: 48, using: &generator), JobOptions(tileSize: .strips(rows: 16)), wait: .seconds(30))
        }.0
        #expect(record.status == .failed && result == nil)
        #expect((record.error ?? "").contains("deadline") && (record.error ?? "").contains("workers"), "\(record.error ?? "")")
        #expect(Int64(Date().timeIntervalSince1970 * 1000) - record.createdMs < 10_000, "it fails at the deadline, not later")
    }
}
