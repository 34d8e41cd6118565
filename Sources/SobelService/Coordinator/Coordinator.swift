import Dispatch
import Foundation
import Logging
import Synchronization
import SobelClientSupport
import SobelCodecs
import SobelCore

/// The coordinator's job logic: decode, plan, publish chunks, wait for tiles, assemble, encode and
/// record the status, with every job bounded by its deadline.
///
/// Job records and results live in the ``TileStore``, so any coordinator replica answers ``status(_:)``
/// and ``result(_:)`` for any job. Tiles are awaited by blocking on the store's per-job event list,
/// never by polling.
public final class Coordinator: Sendable {
    /// The queue chunks are published to.
    public let queue: any JobQueue
    /// The store tiles, records and results live in.
    public let store: any TileStore
    /// Global settings.
    public let settings: ServiceSettings
    /// Where jobs, uploads, results and stage times are counted.
    public let metrics: ServiceMetrics
    private let logger: Logger
    private let local = LocalJobs()

    /// Creates a coordinator.
    /// - Parameters:
    ///   - queue: The chunk queue.
    ///   - store: The shared store.
    ///   - settings: Deadline, limits and chunk size.
    ///   - metrics: Where jobs, uploads, results and stage times are counted.
    ///   - logger: Where job events are logged.
    public init(queue: any JobQueue, store: any TileStore, settings: ServiceSettings = ServiceSettings(),
                metrics: ServiceMetrics = ServiceMetrics(), logger: Logger = Logger(label: "sobel.coordinator")) {
        (self.queue, self.store, self.settings, self.metrics, self.logger) = (queue, store, settings, metrics, logger)
    }

    /// Accepts an encoded image (PNG, JPEG or PNM) and starts its job.
    ///
    /// PNGs and JPEGs are decoded in bands: the job publishes the chunks of the first rows while the rest is still
    /// being decoded, so workers start early. This call returns once the whole upload is decoded, so a
    /// file that turns out corrupt half-way still fails here, with its ``CodecError``.
    /// - Parameters:
    ///   - data: The upload.
    ///   - options: Pipeline, output format and tile size.
    /// - Returns: The new job's id; the job runs in the background.
    /// - Throws: ``CodecError`` for input that is not a supported image or exceeds the limits; a store error
    ///   when the job cannot be recorded.
    public func submit(encoded data: [UInt8], options: JobOptions = JobOptions()) throws -> JobID {
        let acceptedAt = ContinuousClock.now
        metrics.uploadReceived(bytes: data.count)
        var started: (id: JobID, input: GrayInput)?
        do {
            try ImageCodec.decode(data, options: DecodeOptions(limits: settings.decodeLimits), bandRows: Self.bandRows,
                                  size: { width, height, _ in
                                      started = try start(width: width, height: height, options: options, acceptedAt: acceptedAt)
                                  },
                                  band: { band, _ in try started!.input.append(band) })
        } catch {
            started?.input.fail(error)
            throw error
        }
        accept(started!, decodeTime: ContinuousClock.now - acceptedAt)
        return started!.id
    }

    /// Accepts a decoded image and starts its job.
    /// - Parameters:
    ///   - image: Gray, RGB or RGBA.
    ///   - options: Pipeline, output format and tile size.
    /// - Returns: The new job's id; the job runs in the background.
    /// - Throws: ``TilingError`` for a tile size the image cannot take; a store error when the job cannot be recorded.
    public func submit(_ image: Image, options: JobOptions = JobOptions()) throws -> JobID {
        let acceptedAt = ContinuousClock.now
        let started = try start(width: image.width, height: image.height, options: options, acceptedAt: acceptedAt)
        do {
            try started.input.append(image)
        } catch {
            started.input.fail(error)
            throw error
        }
        accept(started, decodeTime: .zero)
        return started.id
    }

    /// Rows per decoded band: small enough that the first chunks go out early, large enough to keep the
    /// hand-over cheap.
    static let bandRows = 64

    /// Plans and records a job of the given size and starts its thread, which waits for the input's rows.
    private func start(width: Int, height: Int, options: JobOptions,
                       acceptedAt: ContinuousClock.Instant) throws -> (id: JobID, input: GrayInput) {
        try settings.decodeLimits.check(width: width, height: height)
        let planStart = ContinuousClock.now
        let plan = try settings.plan(width: width, height: height, options: options)
        let now = Date.nowMs
        var record = JobRecord(
            id: JobID(), status: .queued, tilesDone: 0, tilesTotal: plan.count, width: width, height: height,
            pipeline: options.pipeline.description, outputFormat: options.output.format.rawValue, createdMs: now,
            deadlineMs: now + Int64(settings.deadline.seconds * 1000), error: nil, timings: StageTimings())
        record.timings.plan = (ContinuousClock.now - planStart).milliseconds
        try store.saveRecord(record)
        let input = GrayInput(width: width, height: height)
        local.begin(record.id)
        let job = RunningJob(record: record, input: input, plan: plan, options: options, acceptedAt: acceptedAt)
        Thread.detachNewThread { [self] in
            finish(job)
        }
        return (record.id, input)
    }

    /// The whole input has arrived: the job counts as accepted.
    private func accept(_ started: (id: JobID, input: GrayInput), decodeTime: Duration) {
        started.input.decoding.succeed(decodeTime)
        try? store.countJob(.queued)
        metrics.jobAccepted()
        metrics.record(.decode, decodeTime)
    }

    /// A job's record, as any replica sees it. A job still unfinished after its deadline (its coordinator
    /// stopped) is reported failed.
    /// - Parameter id: The job.
    /// - Returns: The record, or `nil` for an unknown or expired job.
    public func status(_ id: JobID) throws -> JobRecord? {
        guard var record = try store.record(id) else { return nil }
        if !record.status.isFinal && Date.nowMs > record.deadlineMs + 5_000 && !local.isRunning(id) {
            record.status = .failed
            record.error = "the job passed its deadline without finishing (its coordinator stopped)"
        }
        return record
    }

    /// A job's result.
    /// - Parameter id: The job.
    /// - Returns: The encoded image when done; otherwise the state it is in.
    public func result(_ id: JobID) throws -> JobResult {
        guard let record = try status(id) else { return .unknown }
        switch record.status {
        case .queued, .running: return .pending(record)
        case .failed: return .failed(record)
        case .done:
            guard let bytes = try store.result(id) else { return .unknown }
            let format = ImageFormat(rawValue: record.outputFormat) ?? .png
            return .done(bytes: bytes, mediaType: format.mediaType)
        }
    }

    /// Blocks until a job this coordinator runs is finished, or `timeout` passes.
    /// - Parameters:
    ///   - id: The job.
    ///   - timeout: The longest wait.
    /// - Returns: The job's record afterwards, or `nil` for an unknown job.
    public func wait(for id: JobID, timeout: Duration) throws -> JobRecord? {
        local.wait(for: id, timeout: timeout)
        return try status(id)
    }

    /// The number of jobs this coordinator is running.
    public var runningJobs: Int { local.count }
}

/// A job on its way, owned by the thread that runs it.
struct RunningJob {
    var record: JobRecord
    let input: GrayInput
    let plan: TilePlan
    let options: JobOptions
    let acceptedAt: ContinuousClock.Instant

    /// The record's deadline, for waits.
    var deadline: Date { Date(timeIntervalSince1970: Double(record.deadlineMs) / 1000) }
}

extension Coordinator {
    /// Runs a job to its end and records the outcome; never throws.
    private func finish(_ job: RunningJob) {
        var job = job
        var logger = logger
        logger[metadataKey: "job"] = "\(job.record.id)"
        do {
            let resultBytes = try run(&job, logger: logger)
            logger.info("job done", metadata: ["tiles": "\(job.plan.count)", "ms": "\(Int(job.record.timings.total))"])
            try? store.countJob(.done)
            metrics.jobDone(resultBytes: resultBytes)
            metrics.record(.total, ContinuousClock.now - job.acceptedAt)
        } catch let failure as InputFailure {
            // The submitter reports the codec error; nobody was given this job's id.
            job.record.status = .failed
            job.record.error = "the upload could not be decoded: \(failure.underlying)"
            saveFinalRecord(job.record)
        } catch {
            job.record.status = .failed
            job.record.error = "\(error)"
            let reason = (error as? JobFailure)?.reason ?? .internalError
            logger.warning("job failed: \(error)", metadata: ["reason": "\(reason.rawValue)"])
            saveFinalRecord(job.record)
            try? store.countJob(.failed)
            metrics.jobFailed(reason)
        }
        local.end(job.record.id)
    }

    /// Records the final state, retrying while the store is away (up to a few seconds past the deadline).
    private func saveFinalRecord(_ record: JobRecord) {
        var backoff = Backoff(window: .seconds(max(5, Double(record.deadlineMs - Date.nowMs) / 1000 + 5)))
        while (try? store.saveRecord(record)) == nil {
            guard backoff.sleep() else { return }
        }
    }

    /// - Returns: The size of the encoded result.
    private func run(_ job: inout RunningJob, logger: Logger) throws -> Int {
        job.record.status = .running
        try? store.saveRecord(job.record)
        // Chunks go out on a thread of their own as the upload decodes, while this one collects tiles.
        let publishing = Publishing()
        let publisher = DispatchGroup()
        publisher.enter()
        Thread.detachNewThread { [self, job] in
            publishAsRowsArrive(job, into: publishing)
            publisher.leave()
        }
        defer { publisher.wait() }

        var output = try Image(width: job.input.width, height: job.input.height)
        var assembly = Assembly(total: job.plan.count)
        let encoder = ResultEncoder(plan: job.plan, options: job.options.output)
        try output.withUnsafeMutableRows { base, stride in
            defer { encoder.waitForStrips() }
            try collect(&job, into: (base, stride), assembly: &assembly, encoder: encoder, publishing: publishing, logger: logger)
        }
        let publishTime = try publishing.outcome.wait(until: job.deadline) ?? .zero
        job.record.timings.publish = publishTime.milliseconds
        metrics.record(.publish, publishTime)
        job.record.timings.decode = try awaitInput(of: job, job.input.decoding.wait(until:)).milliseconds
        job.record.timings.queueWait = assembly.meanQueueWait
        job.record.timings.compute = assembly.computeTotal
        job.record.timings.store = assembly.meanStore
        job.record.timings.assemble = assembly.assembleTotal.milliseconds
        metrics.record(.assemble, assembly.assembleTotal)

        let bytes: [UInt8]
        do {
            let (encoded, time) = try encoder.finish(output: output, threads: ProcessInfo.processInfo.activeProcessorCount)
            bytes = encoded
            job.record.timings.encode = time.milliseconds
            metrics.record(.encode, time)
        } catch {
            throw JobFailure(.encode, "could not encode the result: \(error)")
        }
        do {
            try store.saveResult(bytes, job: job.record.id)
        } catch {
            throw JobFailure(.store, "could not store the result: \(error)")
        }
        job.record.status = .done
        job.record.tilesDone = job.plan.count
        job.record.timings.total = (ContinuousClock.now - job.acceptedAt).milliseconds
        saveFinalRecord(job.record)
        try? store.deleteTiles(job: job.record.id, count: job.plan.count)
        return bytes.count
    }

    /// Publishes every tile's chunk as soon as all rows of its input have been decoded, in the order of
    /// their last input row. A failure (the deadline, the queue, an upload corrupt half-way) is handed to
    /// `publishing` and announced on the job's event list, which wakes the collecting thread.
    private func publishAsRowsArrive(_ job: RunningJob, into publishing: Publishing) {
        let start = ContinuousClock.now
        do {
            var pending = job.plan.tiles.sorted { ($0.input.maxY, $0.index) < ($1.input.maxY, $1.index) }[...]
            while let next = pending.first {
                let rows = try awaitInput(of: job) { try job.input.waitForRows(next.input.maxY, until: $0) }
                let ready = pending.prefix { $0.input.maxY <= rows }
                try publish(job, tiles: ready.map(\.index), into: publishing)
                pending = pending.dropFirst(ready.count)
            }
            publishing.outcome.succeed(ContinuousClock.now - start)
        } catch {
            publishing.outcome.fail(error)
            try? store.failJob(job.record.id, tile: nil, reason: "\(error)")
        }
    }

    /// Runs one of ``GrayInput``'s waits with the job's deadline.
    private func awaitInput<T>(of job: RunningJob, _ wait: (Date) throws -> T?) throws -> T {
        guard let value = try wait(job.deadline) else {
            throw JobFailure(.deadline, "the deadline passed while the upload was being decoded")
        }
        return value
    }

    /// Cuts and publishes the chunks of `tiles` (cut on every core), in confirmed batches; their rows must
    /// have arrived. Each batch's publish time goes to `publishing`.
    private func publish(_ job: RunningJob, tiles: [Int], into publishing: Publishing) throws {
        let pipeline = job.options.pipeline.description
        for batch in stride(from: 0, to: tiles.count, by: Self.publishBatch).map({ Array(tiles[$0..<min($0 + Self.publishBatch, tiles.count)]) }) {
            let now = Date.nowMs
            guard now < job.record.deadlineMs else { throw JobFailure(.deadline, "the deadline passed while publishing chunks") }
            let messages = Mutex<[[UInt8]?]>(Array(repeating: nil, count: batch.count))
            let failure = Mutex<(any Error)?>(nil)
            DispatchQueue.concurrentPerform(iterations: batch.count) { position in
                let index = batch[position]
                let tile = job.plan.tile(at: index)
                let header = ChunkHeader(
                    job: job.record.id, tile: index, tiles: job.plan.count, imageWidth: job.input.width, imageHeight: job.input.height,
                    output: tile.output, input: tile.input, format: .gray8, pipeline: pipeline,
                    deadlineMs: job.record.deadlineMs, publishedMs: now)
                do {
                    let bytes = try ChunkMessage(header: header, pixels: job.input.pixels(of: tile.input)).encoded()
                    messages.withLock { $0[position] = bytes }
                } catch {
                    failure.withLock { $0 = error }
                }
            }
            if let error = failure.withLock({ $0 }) { throw error }
            do {
                try queue.publish(messages.withLock { $0.compactMap { $0 } })
            } catch {
                throw JobFailure(.queue, "could not publish the job's chunks: \(error)")
            }
            publishing.published(batch, at: now)
        }
    }

    /// Chunks published per confirmed batch.
    static let publishBatch = 64

    /// The longest single wait for a tile before checking that the store still has the job.
    static let storeCheckInterval = Duration.seconds(5)

    /// Blocks on the job's events until every tile is in `output`, the job fails, or its deadline passes.
    private func collect(_ job: inout RunningJob, into output: (base: UnsafeMutablePointer<UInt8>, stride: Int),
                         assembly: inout Assembly, encoder: ResultEncoder, publishing: Publishing, logger: Logger) throws {
        let id = job.record.id
        while assembly.received.count < job.plan.count {
            if let error = publishing.outcome.error { throw error }
            let remaining = Duration.milliseconds(job.record.deadlineMs - Date.nowMs)
            guard remaining > .zero else { throw deadlineFailure(job, received: assembly.received.count) }
            do {
                switch try store.nextEvent(job: id, timeout: min(remaining, Self.storeCheckInterval)) {
                case nil:
                    // No tile for a while: make sure the store still has the job (a store restarted without
                    // persistence loses it, and workers then discard its chunks), then block again.
                    try recoverStore(&job, received: assembly.received, publishing: publishing, logger: logger)
                case .failed(let tile, let reason)?:
                    if let error = publishing.outcome.error { throw error }
                    throw JobFailure(.tileFailed, tile.map { "tile \($0) failed: \(reason)" } ?? reason)
                case .stored(let report)?:
                    guard (0..<job.plan.count).contains(report.tile), !assembly.received.contains(report.tile) else { continue }
                    guard let bytes = try store.tile(job: id, index: report.tile) else {
                        logger.warning("tile \(report.tile) was announced but is gone from the store; publishing it again")
                        try publish(job, tiles: [report.tile], into: publishing)
                        continue
                    }
                    try assembly.add(bytes, tile: job.plan.tile(at: report.tile), report: report,
                                     publishedMs: publishing.publishedMs(of: report.tile), into: output)
                    encoder.assembled(report.tile, base: output.base, stride: output.stride)
                }
            } catch let failure as any JobEndingError {
                throw failure
            } catch {
                logger.warning("the store failed while waiting for tiles: \(error); reconnecting")
                try recoverStore(&job, received: assembly.received, publishing: publishing, logger: logger)
            }
        }
    }

    /// Waits (with backoff, within the deadline) for the store to answer again. If it lost the job
    /// (a restart without persistence), records the job again and, once every chunk has gone out,
    /// republishes every tile not yet received.
    private func recoverStore(_ job: inout RunningJob, received: Set<Int>, publishing: Publishing, logger: Logger) throws {
        var backoff = Backoff(window: .milliseconds(max(0, job.record.deadlineMs - Date.nowMs)))
        while true {
            do {
                if try store.record(job.record.id) == nil {
                    try store.saveRecord(job.record)
                    guard try publishing.outcome.wait(until: job.deadline) != nil else { throw deadlineFailure(job, received: received.count) }
                    let missing = (0..<job.plan.count).filter { !received.contains($0) }
                    logger.warning("the store lost the job; publishing its \(missing.count) missing tiles again")
                    try publish(job, tiles: missing, into: publishing)
                }
                return
            } catch let failure as any JobEndingError {
                throw failure
            } catch {
                guard backoff.sleep() else { throw JobFailure(.store, "the store was unreachable until the deadline: \(error)") }
            }
        }
    }

    private func deadlineFailure(_ job: RunningJob, received: Int) -> JobFailure {
        let seconds = Int(settings.deadline.seconds)
        if received == 0 {
            let waiting = (try? queue.depth()).map { ", \($0) chunks still waiting in the queue" } ?? ""
            return JobFailure(.deadline, "the job passed its deadline of \(seconds) s with no tile done\(waiting): are any workers running (sobel work)?")
        }
        return JobFailure(.deadline, "the job passed its deadline of \(seconds) s with \(received) of \(job.plan.count) tiles done")
    }
}

/// Tiles received so far, and the worker timings they reported.
struct Assembly {
    let total: Int
    var received = Set<Int>()
    var queueWaitSum: Double = 0
    var storeSum: Double = 0
    var computeTotal: Double = 0
    var assembleTotal: Duration = .zero

    init(total: Int) {
        self.total = total
    }

    /// Copies a tile's rows into the output image.
    /// - Parameter publishedMs: When the tile's chunk went out, if known.
    mutating func add(_ bytes: [UInt8], tile: Tile, report: TileReport, publishedMs: Int64?,
                      into output: (base: UnsafeMutablePointer<UInt8>, stride: Int)) throws {
        guard bytes.count == tile.output.area else {
            throw JobFailure(.invalidTile, "tile \(tile.index) has \(bytes.count) bytes; its \(tile.output) output needs \(tile.output.area)")
        }
        let start = ContinuousClock.now
        bytes.withUnsafeBufferPointer { source in
            for row in 0..<tile.output.height {
                (output.base + (tile.output.y + row) * output.stride + tile.output.x)
                    .update(from: source.baseAddress! + row * tile.output.width, count: tile.output.width)
            }
        }
        assembleTotal += ContinuousClock.now - start
        received.insert(tile.index)
        queueWaitSum += Double(report.startedMs - (publishedMs ?? report.startedMs))
        storeSum += Double(Date.nowMs - report.finishedMs)
        computeTotal += report.computeMs
    }

    var meanQueueWait: Double { received.isEmpty ? 0 : queueWaitSum / Double(received.count) }
    var meanStore: Double { received.isEmpty ? 0 : storeSum / Double(received.count) }
}

/// The jobs this coordinator runs, so that callers can wait for one without polling.
final class LocalJobs: @unchecked Sendable {
    private let condition = NSCondition()
    private var running = Set<JobID>()

    func begin(_ id: JobID) { condition.withLock { _ = running.insert(id) } }

    func end(_ id: JobID) {
        condition.withLock {
            running.remove(id)
            condition.broadcast()
        }
    }

    func isRunning(_ id: JobID) -> Bool { condition.withLock { running.contains(id) } }

    var count: Int { condition.withLock { running.count } }

    func wait(for id: JobID, timeout: Duration) {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.withLock {
            while running.contains(id) {
                guard condition.wait(until: deadline) else { return }
            }
        }
    }
}
