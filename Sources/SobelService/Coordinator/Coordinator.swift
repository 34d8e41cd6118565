import Foundation
public import Logging
public import SobelCodecs
import SobelConnections
public import SobelCore

/// The coordinator's public face: it accepts uploads, starts a ``JobRun`` for each, and answers for any job
/// from the shared store.
///
/// Job records and results live in the ``TileStore``, so any coordinator replica answers ``status(_:)``
/// and ``result(_:)`` for any job. Tiles are awaited by blocking on the store's per-job event list,
/// never by polling.
public final class Coordinator: Sendable {
    /// The queue chunks are published to.
    package let queue: any JobQueue
    /// The store tiles, records and results live in.
    package let store: any TileStore
    /// Global settings.
    public let settings: ServiceSettings
    /// Where jobs, uploads, results and stage times are counted.
    public let metrics: ServiceMetrics
    let logger: Logger
    private let local = LocalJobs()

    /// Creates a coordinator.
    /// - Parameters:
    ///   - queue: The chunk queue.
    ///   - store: The shared store.
    ///   - settings: Deadline, limits and chunk size.
    ///   - metrics: Where jobs, uploads, results and stage times are counted.
    ///   - logger: Where job events are logged.
    public init(
        queue: any JobQueue,
        store: any TileStore,
        settings: ServiceSettings = ServiceSettings(),
        metrics: ServiceMetrics = ServiceMetrics(),
        logger: Logger = Logger(label: "sobel.coordinator")
    ) {
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
    /// - Throws: ``CodecError`` for input that is not a supported image or exceeds the limits;
    ///   ``DependencyFailure`` when the store does not answer, so the job cannot be recorded.
    public func submit(encoded data: [UInt8], options: JobOptions = JobOptions()) throws -> JobID {
        try submit(bytes: data.count, options: options) { size, band in
            try ImageCodec.decode(data, options: DecodeOptions(limits: settings.decodeLimits), bandRows: Self.bandRows, size: size, band: band)
        }
    }

    /// Accepts an upload that is still arriving and starts its job as soon as its header has: the image is
    /// decoded while its bytes come (``ImageCodec/decode(arriving:options:bandRows:size:band:)``) and each
    /// chunk is published once its rows are there, so the upload, the decode and the workers overlap. The
    /// job's deadline counts from the upload's last band.
    /// - Parameters:
    ///   - file: The upload; whoever receives it appends to it from another thread.
    ///   - options: Pipeline, output format and tile size.
    /// - Returns: The new job's id, once the whole upload has arrived and decoded; the job runs in the background.
    /// - Throws: ``CodecError`` for input that is not a supported image or exceeds the limits; the error the
    ///   transfer failed with; ``DependencyFailure`` when the store does not answer.
    public func submit(arriving file: ArrivingFile, options: JobOptions = JobOptions()) throws -> JobID {
        try submit(bytes: file.expectedBytes, options: options) { size, band in
            try ImageCodec.decode(
                arriving: file,
                options: DecodeOptions(limits: settings.decodeLimits),
                bandRows: Self.bandRows,
                size: size,
                band: band
            )
        }
    }

    /// Starts a job when `decode` reports the image's size and feeds it the bands `decode` delivers.
    private func submit(
        bytes: Int,
        options: JobOptions,
        decode: (_ size: (Int, Int, Int) throws -> Void, _ band: (Image, Int) throws -> Void) throws -> Void
    ) throws -> JobID {
        let acceptedAt = ContinuousClock.now
        metrics.uploadReceived(bytes: bytes)
        var run: JobRun?
        do {
            try decode(
                { width, height, _ in run = try start(width: width, height: height, options: options, acceptedAt: acceptedAt) },
                { band, _ in try run!.receive(band) }
            )
        } catch {
            run?.input.fail(error)
            throw error
        }
        return accept(run!, acceptedAt: acceptedAt)
    }

    /// Accepts a decoded image and starts its job.
    /// - Parameters:
    ///   - image: Gray, RGB or RGBA.
    ///   - options: Pipeline, output format and tile size.
    /// - Returns: The new job's id; the job runs in the background.
    /// - Throws: ``TilingError`` for a tile size the image cannot take; ``DependencyFailure`` when the store does not answer.
    public func submit(_ image: Image, options: JobOptions = JobOptions()) throws -> JobID {
        let acceptedAt = ContinuousClock.now
        let run = try start(width: image.width, height: image.height, options: options, acceptedAt: acceptedAt)
        do {
            try run.receive(image)
        } catch {
            run.input.fail(error)
            throw error
        }
        return accept(run, acceptedAt: acceptedAt)
    }

    /// Rows per decoded band: small enough that the first chunks go out early, large enough to keep the
    /// hand-over cheap.
    static let bandRows = 64

    /// Plans and records a job of the given size and starts its thread, which waits for the input's rows.
    private func start(width: Int, height: Int, options: JobOptions, acceptedAt: ContinuousClock.Instant) throws -> JobRun {
        try settings.decodeLimits.check(width: width, height: height)
        let planStart = ContinuousClock.now
        let rounds = try settings.rounds(width: width, height: height, options: options)
        let now = Date.nowMs
        var record = JobRecord(
            id: JobID(),
            status: .queued,
            tilesDone: 0,
            tilesTotal: rounds[0].jobTiles,
            width: width,
            height: height,
            pipeline: options.pipeline.description,
            outputFormat: options.output.format.rawValue,
            createdMs: now,
            deadlineMs: now + Int64(settings.deadline.milliseconds),
            error: nil,
            timings: StageTimings()
        )
        record.timings.plan = (ContinuousClock.now - planStart).milliseconds
        let run = try JobRun(coordinator: self, record: record, rounds: rounds, options: options, acceptedAt: acceptedAt)
        try using(.store) { try store.saveRecord(record) }
        local.begin(run)
        Thread.detachNewThread { [self] in
            run.run()
            local.end(run.id)
        }
        return run
    }

    /// The whole input has arrived: the job counts as accepted.
    private func accept(_ run: JobRun, acceptedAt: ContinuousClock.Instant) -> JobID {
        run.input.finish()
        try? store.countJob(.queued)
        metrics.jobAccepted()
        metrics.record(.decode, ContinuousClock.now - acceptedAt)
        return run.id
    }

    /// A job's record, as any replica sees it. A job still unfinished after its deadline (its coordinator
    /// stopped) is reported failed.
    /// - Parameter id: The job.
    /// - Returns: The record, or `nil` for an unknown or expired job.
    /// - Throws: ``DependencyFailure`` when the store does not answer.
    public func status(_ id: JobID) throws -> JobRecord? {
        // A store that restarted without persistence has lost the records of running jobs until their
        // coordinators write them again (within about a second of the store answering): meanwhile, the
        // coordinator that runs a job answers from the job's own state rather than "no such job".
        guard var record = try using(.store, { try store.record(id) }) ?? local.record(id) else { return nil }
        if !record.status.isFinal && Date.nowMs > record.deadlineMs + 5_000 && !local.isRunning(id) {
            record.status = .failed
            record.error = "the job passed its deadline without finishing (its coordinator stopped)"
        }
        return record
    }

    /// A job's result.
    /// - Parameter id: The job.
    /// - Returns: The encoded image when done; otherwise the state it is in.
    /// - Throws: ``DependencyFailure`` when the store does not answer.
    public func result(_ id: JobID) throws -> JobResult {
        guard let record = try status(id) else { return .unknown }
        switch record.status {
        case .queued, .running: return .pending(record)
        case .failed: return .failed(record)
        case .done:
            guard let bytes = try using(.store, { try store.result(id) }) else { return .gone(record) }
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

    /// Blocks until a job this coordinator runs is finished, or `timeout` passes, and gives its result: a job
    /// that ended here done gives the bytes it encoded, without reading them back from the store.
    /// - Parameters:
    ///   - id: The job.
    ///   - timeout: The longest wait.
    /// - Returns: The encoded image when done; otherwise the state the job is in.
    /// - Throws: ``DependencyFailure`` when the store does not answer.
    public func waitForResult(_ id: JobID, timeout: Duration) throws -> JobResult {
        if let run = local.wait(for: id, timeout: timeout), let bytes = run.encodedResult {
            return .done(bytes: bytes, mediaType: run.mediaType)
        }
        return try result(id)
    }

    /// The PNG result of a job this coordinator runs, piece by piece as its strips are deflated, so that a reader
    /// can send most of the file while the last tiles are still being rendered. The last piece comes once the
    /// job is done (its result stored); a job that fails ends the pieces with its error.
    /// - Parameter id: The job, just submitted.
    /// - Returns: The pieces, or `nil` when the result does not stream (not a PNG of full-width strips, a
    ///   pipeline ending in a global step, a job that already ended, or one another reader took): use
    ///   ``waitForResult(_:timeout:)``.
    public func resultPieces(_ id: JobID) -> ResultPieces? {
        local.run(id)?.subscribeToResult()
    }

    /// The number of jobs this coordinator is running.
    public var runningJobs: Int { local.count }
}
