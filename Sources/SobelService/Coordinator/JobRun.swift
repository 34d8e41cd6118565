import Dispatch
import Foundation
import Logging
import SobelCodecs
import SobelConnections
import SobelCore
import Synchronization

/// One job on its way, from its first decoded rows to its stored result or failure.
///
/// It owns everything the job needs while it runs: the input as it decodes, the publisher of its chunks,
/// the assembly of the output image, and the result encoder that deflates strips of that image while
/// later tiles arrive (so the output's memory lives as long as the run). Its record changes status in one
/// place, ``transition(to:error:)``, in the documented order: `queued` until every chunk of the first round
/// is out, then `running`, then `done` or `failed`.
///
/// A pipeline with global steps runs in rounds (``JobRound``): after each round the coordinator reduces the
/// tiles' histograms and maps the round's output through the stage's table; the next round's chunks are cut
/// from that image. When the last round ends at a global step, its strips are still deflated as they arrive,
/// on the bet that the table is the identity (an edge map that already spans 0…255, the usual case for
/// `normalize`); when it is not, they are deflated again once the table is applied.
final class JobRun: @unchecked Sendable {
    let id: JobID
    /// The upload's gray rows, filled by the submitting thread.
    let input: GrayInput
    private let coordinator: Coordinator
    private let rounds: [JobRound]
    private let options: JobOptions
    private let acceptedAt: ContinuousClock.Instant
    private let deadline: JobDeadline
    /// Replaced when the last round's table turns out to change pixels it has already deflated.
    private var encoder: ResultEncoder
    private let record: Mutex<JobRecord>
    /// Touched only by the job's thread: the round under way, its publisher and its assembly.
    private var roundIndex = 0
    private var publisher: ChunkPublisher
    private var assembly: Assembly
    private let logger: Logger

    /// The longest single wait for a tile before checking that the publisher and the store are still well: it
    /// bounds how long a job's record stays missing after Redis restarts without persistence (a pooled connection
    /// re-made for the wait does not report the restart), at the cost of one idle round trip a second per job.
    static let storeCheckInterval = Duration.seconds(1)

    /// The PNG result's pieces for a reader while the job runs, when it streams (``ResultStream``).
    private let resultStream: ResultStream?

    /// A reader of the result's pieces as they are deflated, or `nil` when this job's result does not stream or
    /// the job has ended. (A job whose result streams never replaces its `encoder`.)
    func subscribeToResult() -> ResultPieces? {
        resultStream?.subscribe(deflated: encoder.deflated)
    }

    /// The encoded result, once the job is done and its result stored.
    private(set) var encodedResult: [UInt8]?
    /// The result's media type.
    var mediaType: String { options.output.format.mediaType }

    /// The job's record as this run last wrote it (status, tiles, timings so far).
    var currentRecord: JobRecord { record.withLock { $0 } }

    init(coordinator: Coordinator, record: JobRecord, rounds: [JobRound], options: JobOptions, acceptedAt: ContinuousClock.Instant) throws {
        (self.coordinator, self.rounds, self.options, self.acceptedAt) = (coordinator, rounds, options, acceptedAt)
        id = record.id
        deadline = JobDeadline(length: coordinator.settings.deadline)
        self.record = Mutex(record)
        input = GrayInput(width: record.width, height: record.height)
        assembly = try Assembly(width: record.width, height: record.height, tiles: rounds[0].plan.count)
        publisher = ChunkPublisher(queue: coordinator.queue, job: record.id, round: rounds[0], input: input, deadline: deadline)
        let last = rounds[rounds.count - 1]
        encoder = ResultEncoder(plan: last.plan, options: options.output, streams: last.stage.tail.isEmpty)
        resultStream = encoder.stream
        var logger = coordinator.logger
        logger[metadataKey: "job"] = "\(record.id)"
        self.logger = logger
    }

    /// Adds the next decoded band of the upload (converted to gray), and moves the deadline on: it counts from
    /// the upload's last band. A record another replica reads keeps a deadline at most 30 s behind.
    func receive(_ band: Image) throws {
        try input.append(band)
        deadline.restart()
        record.withLock { record in
            guard !record.status.isFinal, deadline.ms - record.deadlineMs > 30_000 else { return }
            record.deadlineMs = deadline.ms
            try? store.saveRecord(record)
        }
    }

    private var store: any TileStore { coordinator.store }
    private var round: JobRound { rounds[roundIndex] }
    private var plan: TilePlan { round.plan }
    /// The tiles of every round.
    private var jobTiles: Int { round.jobTiles }
    private var metrics: ServiceMetrics { coordinator.metrics }

    /// Runs the job to its end, records the outcome and deletes its tiles; never throws. Call on the job's own thread.
    func run() {
        do {
            let result = try produceResult()
            transition(to: .done)
            encodedResult = result
            resultStream?.complete()
            logger.info("job done", metadata: ["tiles": "\(jobTiles)", "ms": "\(Int(record.withLock { $0.timings.total }))"])
            try? store.countJob(.done)
            metrics.jobDone(resultBytes: result.count)
            metrics.record(.total, ContinuousClock.now - acceptedAt)
        } catch let failure as InputFailure {
            // The submitter reports the codec error; nobody was given this job's id.
            transition(to: .failed, error: "the upload could not be decoded: \(failure.underlying)")
            resultStream?.fail(failure.underlying)
        } catch {
            let reason = (error as? JobFailure)?.reason ?? .internalError
            logger.warning("job failed: \(error)", metadata: ["reason": "\(reason.rawValue)"])
            transition(to: .failed, error: "\(error)")
            resultStream?.fail(error)
            try? store.countJob(.failed)
            metrics.jobFailed(reason)
        }
        // Done or failed, the tiles are no longer needed: a failed job's tiles would otherwise stay until the
        // retention ends (measured: they made most of the embedded server's growth under hostile uploads).
        try? store.deleteTiles(job: id, count: jobTiles)
    }

    /// Moves the record to `status` and saves it; a final status is never left. The final record is saved
    /// with retries while the store is away (up to a few seconds past the deadline).
    private func transition(to status: JobStatus, error: String? = nil) {
        record.withLock { record in
            guard !record.status.isFinal else { return }
            record.status = status
            record.error = error
            record.deadlineMs = deadline.ms
            if status == .done {
                record.tilesDone = jobTiles
                record.timings.total = (ContinuousClock.now - acceptedAt).milliseconds
            }
            guard status.isFinal else {
                try? store.saveRecord(record)
                return
            }
            var backoff = Backoff(window: .seconds(max(5, Double(deadline.ms - Date.nowMs) / 1000 + 5)))
            while (try? store.saveRecord(record)) == nil {
                guard backoff.sleep() else { return }
            }
        }
    }

    /// Runs every round, then encodes and stores the result.
    /// - Returns: The encoded result.
    private func produceResult() throws -> [UInt8] {
        defer { encoder.waitForStrips() }
        var otsuLevel: UInt8?
        for index in rounds.indices {
            if index > 0 {
                // The next round reads the previous round's whole output, its table applied.
                let previous = GrayInput(width: input.width, height: input.height)
                try previous.append(assembly.output)
                previous.finish()
                roundIndex = index
                assembly = try Assembly(width: input.width, height: input.height, tiles: plan.count)
                publisher = ChunkPublisher(queue: coordinator.queue, job: id, round: round, input: previous, deadline: deadline)
            }
            try runRound(isFirst: index == 0)
            if !round.stage.tail.isEmpty {
                let finish = round.stage.finish(assembly.histogram)
                let isLast = index == rounds.count - 1
                if isLast && finish.table != .identity {
                    // The strips deflated so far read pixels the table is about to change.
                    encoder.waitForStrips()
                    encoder = ResultEncoder(plan: plan, options: options.output, streams: false)
                }
                finish.table.apply(to: &assembly.output, threads: ProcessInfo.processInfo.activeProcessorCount)
                otsuLevel = finish.otsuLevel ?? otsuLevel
                if isLast {
                    record.withLock { $0.statistics = ResultStatistics(finish.histogram, otsuThreshold: otsuLevel) }
                    if finish.table != .identity {
                        assembly.output.withUnsafeRows { base, stride in
                            for tile in 0..<plan.count { encoder.assembled(tile, base: base, stride: stride) }
                        }
                    }
                }
            } else {
                record.withLock { $0.statistics = ResultStatistics(assembly.histogram, otsuThreshold: otsuLevel) }
            }
        }
        metrics.record(.assemble, assembly.assembleTotal)

        let bytes: [UInt8]
        do {
            let (encoded, time) = try encoder.finish(output: assembly.output, threads: ProcessInfo.processInfo.activeProcessorCount)
            bytes = encoded
            record.withLock { $0.timings.encode = time.milliseconds }
            metrics.record(.encode, time)
        } catch {
            throw JobFailure(.encode, "could not encode the result: \(error)")
        }
        do {
            try store.saveResult(bytes, job: id)
        } catch {
            throw JobFailure(.store, "could not store the result: \(error)")
        }
        return bytes
    }

    /// Publishes the round's chunks and collects its tiles into ``assembly``; the first round also waits
    /// for the upload's last rows. Timings add up over rounds.
    private func runRound(isFirst: Bool) throws {
        let publishing = publisher.start { [self] in if isFirst { transition(to: .running) } }
        defer { publishing.wait() }
        try collect()
        let publishTime = try publisher.outcome.wait(until: deadline.date) ?? .zero
        metrics.record(.publish, publishTime)
        let decodeTime = isFirst ? try awaitCompleteInput() - acceptedAt : nil
        let tiles = Double(assembly.received.count)
        record.withLock { record in
            let earlierTiles = Double(record.tilesDone)
            func mean(_ earlier: Double, _ now: Double) -> Double { (earlier * earlierTiles + now * tiles) / max(1, earlierTiles + tiles) }
            record.timings.publish += publishTime.milliseconds
            if let decodeTime { record.timings.decode = decodeTime.milliseconds }
            record.timings.queueWait = mean(record.timings.queueWait, assembly.meanQueueWait)
            record.timings.store = mean(record.timings.store, assembly.meanStore)
            record.timings.compute += assembly.computeTotal
            record.timings.assemble += assembly.assembleTotal.milliseconds
            record.tilesDone += assembly.received.count
        }
    }

    private func awaitCompleteInput() throws -> ContinuousClock.Instant {
        guard let completed = try input.waitUntilComplete(until: deadline) else {
            throw JobFailure(.deadline, "the deadline passed while the upload was being decoded")
        }
        return completed
    }

    /// Blocks on the job's events until every tile is assembled, the job fails, or its deadline passes. A
    /// failure of the publisher is seen at the next event or check, at most ``storeCheckInterval`` later.
    private func collect() throws {
        while !assembly.isComplete {
            if let error = publisher.outcome.error { throw error }
            let remaining = Duration.milliseconds(deadline.ms - Date.nowMs)
            guard remaining > .zero else { throw deadlineFailure() }
            do {
                switch try store.nextEvent(job: id, timeout: min(remaining, Self.storeCheckInterval)) {
                case nil:
                    // No tile for a while: make sure the store still has the job (a store restarted without
                    // persistence loses it, and workers then discard its chunks), then block again.
                    try recoverStore()
                case .failed(let tile, let reason)?:
                    throw JobFailure(.tileFailed, tile.map { "tile \($0) failed: \(reason)" } ?? reason)
                case .stored(let report)?:
                    try assemble(report)
                }
            } catch let failure as any JobEndingError {
                throw failure
            } catch {
                logger.warning("the store failed while waiting for tiles: \(error); reconnecting")
                try recoverStore()
                try collectUnannouncedTiles()
            }
        }
    }

    /// After a failed wait, looks up the tiles not yet received in the store itself. A blocking pop removes its
    /// event from Redis even when the reply is lost (a partition between the coordinator and Redis, measured by
    /// `scripts/chaos.sh`): without this, a tile stored during the outage was never announced again and the job
    /// waited for it until its deadline.
    private func collectUnannouncedTiles() throws {
        for index in 0..<plan.count where !assembly.received.contains(index) {
            guard try store.tile(job: id, index: round.firstTile + index) != nil else { continue }
            let now = Date.nowMs
            try assemble(
                TileReport(
                    tile: round.firstTile + index,
                    worker: "unknown (its announcement was lost)",
                    startedMs: now,
                    finishedMs: now,
                    computeMs: 0
                )
            )
        }
    }

    /// Copies a stored tile of the round into the output, once; a tile announced but gone from the store goes
    /// out again. Announcements of another round's tiles (a redelivered chunk of an earlier round) are ignored.
    private func assemble(_ report: TileReport) throws {
        guard let index = round.localIndex(of: report.tile), !assembly.received.contains(index) else { return }
        guard let bytes = try store.tile(job: id, index: report.tile) else {
            logger.warning("tile \(report.tile) was announced but is gone from the store; publishing it again")
            try publisher.publish([index])
            return
        }
        let streamsResult = roundIndex == rounds.count - 1
        try assembly.add(bytes, tile: plan.tile(at: index), report: report, publishedMs: publisher.publishedMs(of: index)) {
            if streamsResult { encoder.assembled(index, base: $0, stride: $1) }
        }
    }

    /// Waits (with backoff, within the deadline) for the store to answer again. If it lost the job
    /// (a restart without persistence), records the job again and, once every chunk has gone out,
    /// republishes every tile not yet received.
    private func recoverStore() throws {
        var backoff = Backoff(window: .milliseconds(max(0, deadline.ms - Date.nowMs)))
        while true {
            do {
                if try store.record(id) == nil {
                    try store.saveRecord(record.withLock { $0 })
                    guard try publisher.outcome.wait(until: deadline.date) != nil else { throw deadlineFailure() }
                    let missing = (0..<plan.count).filter { !assembly.received.contains($0) }
                    logger.warning("the store lost the job; publishing its \(missing.count) missing tiles again")
                    try publisher.publish(missing)
                }
                return
            } catch let failure as any JobEndingError {
                throw failure
            } catch {
                guard backoff.sleep() else { throw JobFailure(.store, "the store was unreachable until the deadline: \(error)") }
            }
        }
    }

    private func deadlineFailure() -> JobFailure {
        let seconds = Int(coordinator.settings.deadline.seconds)
        let received = assembly.received.count
        if received == 0 {
            let waiting = (try? coordinator.queue.depth()).map { ", \($0) chunks still waiting in the queue" } ?? ""
            return JobFailure(
                .deadline,
                "the job passed its deadline of \(seconds) s with no tile done\(waiting): are any workers running (sobel work)?"
            )
        }
        let which = rounds.count > 1 ? " of round \(roundIndex + 1) of \(rounds.count)" : ""
        return JobFailure(.deadline, "the job passed its deadline of \(seconds) s with \(received) of \(plan.count) tiles\(which) done")
    }
}
