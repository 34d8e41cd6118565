import Foundation
import SobelCodecs
import SobelCore
import SobelService
import SobelServiceTestSupport
import SobelTestSupport
import Testing

/// Pipelines with global steps through the service: the coordinator reduces the workers' tile histograms,
/// applies the table, and runs a second round of chunks when a neighbourhood step follows. In the embedded
/// mode and through real RabbitMQ and Redis with real `sobel work` processes.
@Suite struct GlobalStepTests {
    static let pipelines = [
        "gray,sobel:l2,normalize", "gray,blur:5,sobel:l1,normalize,blur:3,threshold:otsu", "equalize,sobel:classic,threshold:otsu,border:replicate",
    ]

    /// The statistics a client reads: the result's min, max and mean, and the last Otsu level.
    static func expectedStatistics(_ pipeline: Pipeline, _ image: Image, result: Image) throws -> ResultStatistics {
        var otsuLevel: UInt8?
        var input = image
        for stage in pipeline.stages {
            let local = try stage.local.run(on: input)
            let finish = stage.finish(Histogram(local))
            otsuLevel = finish.otsuLevel ?? otsuLevel
            input = local
            finish.table.apply(to: &input)
        }
        return ResultStatistics(Histogram(result), otsuThreshold: otsuLevel)
    }

    @Test(arguments: Backend.allCases)
    func globalPipelinesEqualTheLibrary(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend)
        var generator = SeededGenerator(seed: 71)
        for (index, text) in Self.pipelines.enumerated() {
            let pipeline = try Pipeline(parsing: text)
            let image = Image.random(width: 97 + 40 * index, height: 61 + 13 * index, format: .rgb8, using: &generator)
            let tileSize: TileSize = index == 1 ? .tiles(width: 32, height: 24) : .strips(rows: 9)
            let (record, result) = try harness.run(image, JobOptions(pipeline: pipeline, tileSize: tileSize))
            #expect(record.status == .done, "\(text): \(record.error ?? "")\n\(harness.workerLogs)")
            let expected = try pipeline.run(on: image)
            #expect(result == expected, "\(text) equals the library's whole-image result")
            let rounds = pipeline.stages.count
            #expect(record.tilesDone == record.tilesTotal && record.tilesTotal % rounds == 0, "\(text): every round's tiles")
            #expect(record.statistics == (try Self.expectedStatistics(pipeline, image, result: expected)), "\(text)")
        }
    }

    /// The photo's edges already span 0…255, so `normalize`'s table is the identity: the result's strips, deflated
    /// as the tiles arrived, are kept (random images take the other path, above: deflated again after the table).
    @Test(arguments: Backend.allCases)
    func anIdentityTableKeepsTheStripsDeflatedOnArrival(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend)
        let photo = try ImageCodec.decode(Fixtures.bytes("photos/photo-1001x701.ppm"))
        let edges = try Pipeline.default.run(on: photo)
        #expect(Histogram(edges).minimum == 0 && Histogram(edges).maximum == 255, "the premise: the table is the identity")
        let pipeline = try Pipeline(parsing: "gray,sobel:l2,normalize")
        let (record, result) = try harness.run(photo, JobOptions(pipeline: pipeline, tileSize: .strips(rows: 40)))
        #expect(record.status == .done && result == edges, "\(record.error ?? "")")
    }

    @Test(arguments: Backend.allCases)
    func everyJobReportsItsResultStatistics(_ backend: Backend) throws {
        let harness = try ServiceHarness(backend)
        var generator = SeededGenerator(seed: 72)
        let image = Image.random(width: 120, height: 80, format: .gray8, using: &generator)
        let (record, result) = try harness.run(image, JobOptions(tileSize: .strips(rows: 16)))
        let histogram = Histogram(try #require(result))
        #expect(record.statistics == ResultStatistics(histogram, otsuThreshold: nil))
        #expect(record.statistics.map { $0.min <= $0.max && Double($0.min) <= $0.mean && $0.mean <= Double($0.max) } == true)
    }

    @Test func aWorkerKilledDuringTheSecondRoundLosesNothing() throws {
        let harness = try ServiceHarness(.servers, workers: 2, prefetch: 4)
        var generator = SeededGenerator(seed: 73)
        let image = Image.random(width: 1024, height: 2048, format: .rgb8, using: &generator)
        let pipeline = try Pipeline(parsing: "gray,blur:5,sobel:l1,normalize,blur:3,threshold:otsu")
        let id = try harness.coordinator.submit(image, options: JobOptions(pipeline: pipeline, tileSize: .strips(rows: 8)))
        // 256 strips a round: the kill comes once the second round is under way.
        let (tilesAtKill, record, result) = try FailureTests.killAWorker(of: harness, after: 256 + 4, tilesOf: id)
        #expect(record.tilesTotal == 512 && tilesAtKill < 512, "the worker died with second-round work left (\(tilesAtKill) done)")
        #expect(result == (try pipeline.run(on: image)), "bit-identical despite the dead worker")
    }
}
