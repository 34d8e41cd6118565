import Foundation
import SobelCodecs
import SobelCore
import SobelService
import SobelTestSupport
import Testing

/// A blocking pop removes its event from Redis even when the reply is lost, as in a partition between the
/// coordinator and Redis (`scripts/chaos.sh`, case coordinator-redis): the job must still find the tile.
@Suite struct LostAnnouncementTests {
    /// The in-memory store, except that the first tile announcement the coordinator pops is lost on the way and
    /// the wait fails, as a timed-out `BLPOP` does.
    struct LostReply: Error {}

    final class LosingStore: TileStore, @unchecked Sendable {
        let inner = InMemoryTileStore()
        private let lost = NSLock()
        private var hasLostOne = false

        func nextEvent(job: JobID, timeout: Duration) throws -> JobEvent? {
            let event = try inner.nextEvent(job: job, timeout: timeout)
            if case .stored? = event {
                let lose = lost.withLock { () -> Bool in
                    defer { hasLostOne = true }
                    return !hasLostOne
                }
                if lose { throw LostReply() }
            }
            return event
        }

        func storeTile(_ bytes: [UInt8], job: JobID, report: TileReport) throws { try inner.storeTile(bytes, job: job, report: report) }
        func tile(job: JobID, index: Int) throws -> [UInt8]? { try inner.tile(job: job, index: index) }
        func deleteTiles(job: JobID, count: Int) throws { try inner.deleteTiles(job: job, count: count) }
        func failJob(_ job: JobID, tile: Int?, reason: String) throws { try inner.failJob(job, tile: tile, reason: reason) }
        func saveRecord(_ record: JobRecord) throws { try inner.saveRecord(record) }
        func record(_ job: JobID) throws -> JobRecord? { try inner.record(job) }
        func saveResult(_ bytes: [UInt8], job: JobID) throws { try inner.saveResult(bytes, job: job) }
        func result(_ job: JobID) throws -> [UInt8]? { try inner.result(job) }
        func heartbeat(_ beat: WorkerHeartbeat) throws { try inner.heartbeat(beat) }
        func workers(seenWithin maxAge: Duration) throws -> [WorkerHeartbeat] { try inner.workers(seenWithin: maxAge) }
        func countJob(_ status: JobStatus) throws { try inner.countJob(status) }
        func statistics() throws -> StoreStatistics { try inner.statistics() }
        func probe(timeout: Duration) throws { try inner.probe(timeout: timeout) }
    }

    @Test func aTileWhoseAnnouncementWasLostIsStillAssembled() throws {
        let (image, options, pipeline) = FailureTests.longJob(seed: 5)
        let store = LosingStore()
        let queue = InMemoryJobQueue()
        let coordinator = Coordinator(queue: queue, store: store, settings: ServiceSettings(deadline: .seconds(20)))
        let worker = Worker(queue: queue, store: store.inner, settings: WorkerSettings())
        Thread.detachNewThread { worker.run() }
        defer { worker.stop() }
        let id = try coordinator.submit(image, options: options)
        let record = try #require(try coordinator.wait(for: id, timeout: .seconds(30)))
        #expect(record.status == .done, "the job completes although one announcement was lost: \(record.error ?? "")")
        guard case .done(let bytes, _) = try coordinator.result(id) else {
            Issue.record("no result")
            return
        }
        #expect(try PNG.decode(bytes) == pipeline.run(on: image), "bit-exact")
    }
}
