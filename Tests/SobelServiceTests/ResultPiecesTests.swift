import Foundation
import SobelCodecs
import SobelCore
import SobelService
import SobelTestSupport
import Testing

/// `Coordinator.resultPieces`: a PNG result read piece by piece while the job runs is the stored result, byte for
/// byte; a job that fails ends the pieces with its error; a result that may be deflated again does not stream.
@Suite struct ResultPiecesTests {
    static let image: Image = {
        var generator = SeededGenerator(seed: 72)
        return Image.random(width: 1024, height: 2048, format: .rgb8, using: &generator)
    }()

    static func readAll(_ pieces: ResultPieces) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let piece = try pieces.next() { bytes += piece }
        return bytes
    }

    @Test func thePiecesAreTheStoredResult() throws {
        let service = EmbeddedService(workers: 2)
        defer { service.stop() }
        let id = try service.coordinator.submit(encoded: PNG.encode(Self.image))
        let pieces = try #require(service.coordinator.resultPieces(id), "a PNG of strips streams")
        #expect(service.coordinator.resultPieces(id) == nil, "one reader")
        #expect(pieces.waitUntilUnderway())
        let streamed = try Self.readAll(pieces)
        guard case .done(let stored, _) = try service.coordinator.result(id) else {
            Issue.record("the job is done once the last piece has come")
            return
        }
        #expect(streamed == stored)
        #expect(try PNG.decode(streamed) == Pipeline.default.run(on: Self.image))
    }

    /// Without workers the job fails at its deadline, before any of its image is deflated.
    @Test func aJobThatFailsEndsThePiecesWithItsError() throws {
        let coordinator = Coordinator(queue: InMemoryJobQueue(), store: InMemoryTileStore(), settings: ServiceSettings(deadline: .seconds(1)))
        let id = try coordinator.submit(encoded: PNG.encode(Self.image))
        let pieces = try #require(coordinator.resultPieces(id))
        #expect(!pieces.waitUntilUnderway(), "it failed before any of its image was deflated")
        #expect(throws: (any Error).self) { try Self.readAll(pieces) }
        #expect(try coordinator.status(id)?.status == .failed)
    }

    @Test func aResultThatMayBeDeflatedAgainDoesNotStream() throws {
        let service = EmbeddedService(workers: 2)
        defer { service.stop() }
        let ending = try service.coordinator.submit(
            encoded: PNG.encode(Self.image),
            options: JobOptions(pipeline: Pipeline(parsing: "gray,sobel:l1,normalize"))
        )
        #expect(service.coordinator.resultPieces(ending) == nil, "a last round with a global step")
        let jpeg = try service.coordinator.submit(encoded: PNG.encode(Self.image), options: JobOptions(output: .jpeg(quality: 90)))
        #expect(service.coordinator.resultPieces(jpeg) == nil, "not a PNG")
        for id in [ending, jpeg] { _ = try service.coordinator.waitForResult(id, timeout: .seconds(60)) }
    }
}
