import Dispatch
import Foundation
import SobelService
import SobelServiceTestSupport
import SobelTestSupport
import Testing

/// Every ``TileStore`` behaves the same: the in-memory store of the embedded mode and Redis.
@Suite struct StoreContractTests {
    private func report(_ tile: Int) -> TileReport {
        TileReport(tile: tile, worker: "w1", startedMs: 10, finishedMs: 20, computeMs: 1.5)
    }

    @Test(arguments: StoreKind.allCases)
    func storingATileIsIdempotentAndAnnounced(_ kind: StoreKind) throws {
        let store = try kind.make()
        let id = JobID()
        try store.saveRecord(.sample(id))
        let bytes: [UInt8] = [0, 1, 255, 13, 10, 0]
        try store.storeTile([9], job: id, report: report(2))
        try store.storeTile(bytes, job: id, report: report(2))
        #expect(try store.tile(job: id, index: 2) == bytes, "the later store wins, bytes intact")
        #expect(try store.record(id)?.tilesDone == 1, "a redelivered tile counts once")
        #expect(try store.nextEvent(job: id, timeout: .seconds(1)) == .stored(report(2)))
        #expect(try store.nextEvent(job: id, timeout: .seconds(1)) == .stored(report(2)), "each store announces")
        #expect(try store.nextEvent(job: id, timeout: .milliseconds(100)) == nil)
        try store.deleteTiles(job: id, count: 3)
        #expect(try store.tile(job: id, index: 2) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func eventWaitsBlockUntilAnEventOrTheTimeout(_ kind: StoreKind) throws {
        let store = try kind.make()
        let id = JobID()
        let other = JobID()
        let (none, waited) = try timed { try store.nextEvent(job: id, timeout: .milliseconds(500)) }
        #expect(none == nil && waited >= .milliseconds(450) && waited < .seconds(3))
        let storeRef = store
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) {
            try? storeRef.storeTile([1], job: other, report: TileReport(tile: 0, worker: "w", startedMs: 0, finishedMs: 0, computeMs: 0))
            try? storeRef.storeTile([1], job: id, report: TileReport(tile: 1, worker: "w", startedMs: 0, finishedMs: 0, computeMs: 0))
        }
        let (event, woke) = try timed { try store.nextEvent(job: id, timeout: .seconds(10)) }
        #expect(event == .stored(TileReport(tile: 1, worker: "w", startedMs: 0, finishedMs: 0, computeMs: 0)), "only this job's events")
        #expect(woke < .seconds(3), "woken by the event, not the timeout")
    }

    @Test(arguments: StoreKind.allCases)
    func failingAJobRecordsTheReasonUnlessItIsDone(_ kind: StoreKind) throws {
        let store = try kind.make()
        let running = JobID()
        let done = JobID()
        try store.saveRecord(.sample(running))
        try store.saveRecord(.sample(done, status: .done))
        try store.failJob(running, tile: 3, reason: "tile 3: bad pixels")
        try store.failJob(done, tile: nil, reason: "late")
        let failed = try #require(try store.record(running))
        #expect(failed.status == .failed && failed.error == "tile 3: bad pixels")
        #expect(try store.record(done)?.status == .done)
        #expect(try store.nextEvent(job: running, timeout: .seconds(1)) == .failed(tile: 3, reason: "tile 3: bad pixels"))
    }

    @Test(arguments: StoreKind.allCases)
    func recordsAndResultsRoundTrip(_ kind: StoreKind) throws {
        let store = try kind.make()
        var record = JobRecord.sample()
        record.timings.compute = 12.5
        try store.saveRecord(record)
        #expect(try store.record(record.id) == record)
        #expect(try store.record(JobID()) == nil, "an unknown job has no record")
        let image: [UInt8] = Array(0...255)
        try store.saveResult(image, job: record.id)
        #expect(try store.result(record.id) == image)
        #expect(try store.result(JobID()) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func jobDataExpires(_ kind: StoreKind) throws {
        let store = try kind.make(timeToLive: .milliseconds(300))
        let record = JobRecord.sample()
        try store.saveRecord(record)
        try store.storeTile([1, 2], job: record.id, report: report(0))
        try store.saveResult([3], job: record.id)
        #expect(try store.record(record.id) != nil)
        Thread.sleep(forTimeInterval: 0.6)
        #expect(try store.record(record.id) == nil && store.tile(job: record.id, index: 0) == nil && store.result(record.id) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func heartbeatsListRecentWorkers(_ kind: StoreKind) throws {
        let store = try kind.make()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try store.heartbeat(WorkerHeartbeat(id: "b", host: "h2", tilesDone: 7, lastSeenMs: now))
        try store.heartbeat(WorkerHeartbeat(id: "a", host: "h1", tilesDone: 3, lastSeenMs: now - 1000))
        try store.heartbeat(WorkerHeartbeat(id: "gone", host: "h3", tilesDone: 1, lastSeenMs: now - 60_000))
        try store.heartbeat(WorkerHeartbeat(id: "a", host: "h1", tilesDone: 4, lastSeenMs: now))
        let workers = try store.workers(seenWithin: .seconds(10))
        #expect(workers.map(\.id) == ["a", "b"] && workers.map(\.tilesDone) == [4, 7])
    }

    @Test(arguments: StoreKind.allCases)
    func stoppedWorkersExpireFromTheList(_ kind: StoreKind) throws {
        let store = try kind.make()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try store.heartbeat(WorkerHeartbeat(id: "stopped", host: "h1", tilesDone: 1, lastSeenMs: now - 120_000))
        #expect(try store.workers(seenWithin: .seconds(86_400)).isEmpty, "a beat older than the time to live is not kept")
        try store.heartbeat(WorkerHeartbeat(id: "quiet", host: "h1", tilesDone: 1, lastSeenMs: now - 30_000))
        try store.heartbeat(WorkerHeartbeat(id: "alive", host: "h2", tilesDone: 2, lastSeenMs: now))
        #expect(try store.workers(seenWithin: .seconds(86_400)).map(\.id) == ["alive", "quiet"], "silent for less than 60 s: still listed")
        #expect(try store.workers(seenWithin: WorkerHeartbeat.liveWithin).map(\.id) == ["alive"])
    }

    @Test(arguments: StoreKind.allCases)
    func statisticsCountJobsAndRecentTiles(_ kind: StoreKind) throws {
        let store = try kind.make()
        let before = try store.statistics()
        for status in [JobStatus.queued, .queued, .queued, .done, .failed] { try store.countJob(status) }
        let id = JobID()
        for tile in 0..<3 { try store.storeTile([1], job: id, report: report(tile)) }
        let after = try store.statistics()
        #expect(after.jobsAccepted - before.jobsAccepted == 3 && after.jobsDone - before.jobsDone == 1 && after.jobsFailed - before.jobsFailed == 1)
        #expect(after.jobsUnfinished >= 1)
        // Tiles count once their second is over (the last full minute).
        Thread.sleep(forTimeInterval: 1.05)
        #expect(try store.statistics().tilesLastMinute - before.tilesLastMinute >= 3)
    }
}

/// The embedded store's bound on results held in memory, and what a client sees of a dropped result.
@Suite struct InMemoryResultBoundTests {
    @Test func theOldestResultsGoFirstBeyondTheBound() throws {
        let store = InMemoryTileStore(maxResultBytes: 1000)
        let jobs = (0..<4).map { _ in JobID() }
        for job in jobs { try store.saveResult([UInt8](repeating: 7, count: 400), job: job) }
        #expect(try store.result(jobs[0]) == nil && store.result(jobs[1]) == nil, "the two oldest were dropped")
        #expect(try store.result(jobs[2])?.count == 400 && store.result(jobs[3])?.count == 400, "the newest 800 bytes stay")
    }

    @Test func aDoneJobWhoseResultWasDroppedIsGoneNotUnknown() throws {
        let store = InMemoryTileStore(maxResultBytes: 1000)
        let coordinator = Coordinator(queue: InMemoryJobQueue(), store: store)
        let (dropped, kept) = (JobID(), JobID())
        for id in [dropped, kept] {
            let now = Date.nowMs
            try store.saveRecord(
                JobRecord(
                    id: id,
                    status: .done,
                    tilesDone: 1,
                    tilesTotal: 1,
                    width: 1,
                    height: 1,
                    pipeline: "gray",
                    outputFormat: "png",
                    createdMs: now,
                    deadlineMs: now + 60_000
                )
            )
            try store.saveResult([UInt8](repeating: 1, count: 800), job: id)
        }
        guard case .gone(let record) = try coordinator.result(dropped) else {
            Issue.record("a dropped result is gone (410)")
            return
        }
        #expect(record.status == .done)
        guard case .done = try coordinator.result(kept) else {
            Issue.record("the newest result is kept")
            return
        }
        guard case .unknown = try coordinator.result(JobID()) else {
            Issue.record("a job never seen is unknown (404)")
            return
        }
    }
}
