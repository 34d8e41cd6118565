import Foundation
import SobelCodecs
import SobelCore
import SobelService
import SobelServiceTestSupport
import SobelTestSupport
import Testing

/// Whole jobs through the coordinator and workers equal SobelCore on the whole image, bit for bit,
/// in the embedded mode and through real RabbitMQ and Redis with real `sobel work` processes.
@Suite struct EndToEndTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let width: Int, height: Int, format: PixelFormat, tileSize: TileSize?, pipeline: String
        var testDescription: String { "\(width)x\(height) \(format.rawValue) \(tileSize.map { "\($0)" } ?? "automatic") \(pipeline)" }
    }

    static let cases: [Case] = [
        Case(width: 1, height: 1, format: .gray8, tileSize: .strips(rows: 1), pipeline: "gray,sobel:l2"),
        Case(width: 17, height: 9, format: .rgb8, tileSize: .tiles(width: 4, height: 3), pipeline: "gray,blur:5,sobel:l1,threshold:40"),
        Case(width: 640, height: 480, format: .rgba8, tileSize: nil, pipeline: "sobel:classic,border:replicate"),
        Case(width: 301, height: 203, format: .rgb8, tileSize: .tiles(width: 64, height: 50), pipeline: "gray,blur:3,scharr:l2,border:constant"),
    ]

    @Test(arguments: Backend.allCases)
    func jobsEqualTheWholeImageResult(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend)
        var generator = SeededGenerator(seed: 51)
        for testCase in Self.cases {
            let image = Image.random(width: testCase.width, height: testCase.height, format: testCase.format, using: &generator)
            let pipeline = try Pipeline(parsing: testCase.pipeline)
            let (record, result) = try harness.run(image, JobOptions(pipeline: pipeline, tileSize: testCase.tileSize))
            #expect(record.status == .done, "\(testCase.testDescription): \(record.error ?? "")\n\(harness.workerLogs)")
            #expect(result == (try pipeline.run(on: image)), "\(testCase.testDescription)")
            #expect(record.tilesDone == record.tilesTotal)
        }
    }

    @Test(arguments: Backend.allCases)
    func theRealPhotoAsPNGInPGMOut(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend)
        let upload = try Fixtures.bytes("photos/photo-1001x701.ppm")
        let photo = try ImageCodec.decode(upload)
        let png = try ImageCodec.encode(photo, options: .png(.default))
        let id = try harness.coordinator.submit(encoded: png, options: JobOptions(output: .pnm, tileSize: .strips(rows: 37)))
        let (record, result) = try harness.outcome(of: id)
        #expect(record.status == .done && record.tilesTotal == 19, "\(record.error ?? "")")
        #expect(result == (try Pipeline.default.run(on: photo)))
        guard case .done(_, let mediaType) = try harness.coordinator.result(id) else {
            Issue.record("no result")
            return
        }
        #expect(mediaType == "image/x-portable-graymap")
        #expect(record.timings.total > 0 && record.timings.compute > 0 && record.timings.decode > 0)
    }

    @Test(arguments: Backend.allCases)
    func tenConcurrentJobsDoNotMix(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend)
        var generator = SeededGenerator(seed: 52)
        let pipelines = ["gray,sobel:l2", "gray,sobel:l1", "gray,blur:3,sobel:classic", "gray,scharr:l1,threshold:90", "gray,blur:5,sobel:l2"]
        let jobs = try (0..<10).map { index -> (JobID, Image) in
            let image = Image.random(width: 120 + index * 13, height: 90 + index * 7, format: .rgb8, using: &generator)
            let pipeline = try Pipeline(parsing: pipelines[index % pipelines.count])
            let id = try harness.coordinator.submit(image, options: JobOptions(pipeline: pipeline, tileSize: .tiles(width: 40, height: 30)))
            return (id, try pipeline.run(on: image))
        }
        for (index, (id, expected)) in jobs.enumerated() {
            let (record, result) = try harness.outcome(of: id)
            #expect(record.status == .done, "job \(index): \(record.error ?? "")")
            #expect(result == expected, "job \(index) got another job's tiles or wrong pixels")
        }
    }

    @Test(arguments: Backend.allCases)
    func statusAndResultOfUnknownAndRunningJobs(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend, workers: 0, deadline: .seconds(30))
        #expect(try harness.coordinator.status(JobID()) == nil)
        guard case .unknown = try harness.coordinator.result(JobID()) else {
            Issue.record("an unknown job has a result")
            return
        }
        var generator = SeededGenerator(seed: 53)
        let id = try harness.coordinator.submit(Image.random(width: 20, height: 20, using: &generator))
        let record = try #require(try harness.coordinator.status(id))
        #expect(record.status == .queued || record.status == .running)
        guard case .pending = try harness.coordinator.result(id) else {
            Issue.record("a job without workers is not pending")
            return
        }
    }
}
