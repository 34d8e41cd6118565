import Dispatch
import Foundation
import SobelCore
import Synchronization

/// Publishes one job's chunks: as the upload decodes, on a thread of its own, each tile's chunk goes out as
/// soon as every row of its input has arrived; later, tiles the store lost go out again. It remembers when
/// each tile went out (for the queue-wait figure) and how its first pass ended. A job with global steps
/// has one publisher per round (``JobRound``); tiles are numbered within the round's plan, and their chunks
/// carry the job-wide index, `round.firstTile` on.
final class ChunkPublisher: Sendable {
    private let queue: any JobQueue
    private let job: JobID
    private let round: JobRound
    private let input: GrayInput
    private let pipeline: String
    private let deadline: JobDeadline
    private let times = Mutex<[Int: Int64]>([:])
    /// How the first pass ended: its duration, or the error it stopped with.
    let outcome = Completion<Duration>()

    /// Chunks published per confirmed batch.
    static let batchSize = 64

    init(queue: any JobQueue, job: JobID, round: JobRound, input: GrayInput, deadline: JobDeadline) {
        (self.queue, self.job, self.round, self.input, self.deadline) = (queue, job, round, input, deadline)
        pipeline = round.stage.local.description
    }

    private var plan: TilePlan { round.plan }

    /// Starts the first pass on a thread of its own: every tile, in the order of its last input row.
    /// - Parameter published: Called on that thread once every chunk is out.
    /// - Returns: A group that is left when the thread ends.
    func start(published: @escaping @Sendable () -> Void) -> DispatchGroup {
        let thread = DispatchGroup()
        thread.enter()
        Thread.detachNewThread { [self] in
            let start = ContinuousClock.now
            do {
                try publishAsRowsArrive()
                outcome.succeed(ContinuousClock.now - start)
                published()
            } catch {
                outcome.fail(error)
            }
            thread.leave()
        }
        return thread
    }

    private func publishAsRowsArrive() throws {
        var pending = plan.tiles.sorted { ($0.input.maxY, $0.index) < ($1.input.maxY, $1.index) }[...]
        while let next = pending.first {
            guard let rows = try input.waitForRows(next.input.maxY, until: deadline) else {
                throw JobFailure(.deadline, "the deadline passed while the upload was being decoded")
            }
            let ready = pending.prefix { $0.input.maxY <= rows }
            try publish(ready.map(\.index))
            pending = pending.dropFirst(ready.count)
        }
    }

    /// Cuts and publishes the chunks of `tiles` (cut on every core), in confirmed batches; their rows must
    /// have arrived.
    func publish(_ tiles: [Int]) throws {
        for start in stride(from: 0, to: tiles.count, by: Self.batchSize) {
            let batch = Array(tiles[start..<min(start + Self.batchSize, tiles.count)])
            let now = Date.nowMs
            guard now < deadline.ms else { throw JobFailure(.deadline, "the deadline passed while publishing chunks") }
            let messages = Mutex<[Result<[UInt8], any Error>?]>(Array(repeating: nil, count: batch.count))
            DispatchQueue.concurrentPerform(iterations: batch.count) { position in
                let message = Result { try chunk(batch[position], publishedMs: now).encoded() }
                messages.withLock { $0[position] = message }
            }
            let encoded = try messages.withLock { $0 }.map { try $0!.get() }
            do {
                try queue.publish(encoded)
            } catch {
                throw JobFailure(.queue, "could not publish the job's chunks: \(error)")
            }
            times.withLock { for tile in batch { $0[tile] = now } }
        }
    }

    private func chunk(_ index: Int, publishedMs: Int64) -> ChunkMessage {
        let tile = plan.tile(at: index)
        let header = ChunkHeader(
            job: job,
            tile: round.firstTile + index,
            tiles: round.jobTiles,
            imageWidth: input.width,
            imageHeight: input.height,
            output: tile.output,
            input: tile.input,
            format: .gray8,
            pipeline: pipeline,
            deadlineMs: deadline.ms,
            publishedMs: publishedMs
        )
        return ChunkMessage(header: header, pixels: input.pixels(of: tile.input))
    }

    /// When `tile` last went out (milliseconds since 1970), if it has.
    func publishedMs(of tile: Int) -> Int64? { times.withLock { $0[tile] } }
}
