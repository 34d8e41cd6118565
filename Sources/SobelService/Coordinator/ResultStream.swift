import SobelCodecs
import Synchronization

/// Forwards a PNG result's strips, joined in file order, to a reader as the ``ResultEncoder`` deflates them, so
/// `?wait=true` can send most of the file while the last tiles are still being rendered. The last piece is held
/// back until the job is done (its result stored and its record saved): a reader that got the whole file knows
/// the job succeeded. Only a job whose last round has no global step streams: otherwise its strips may be
/// deflated again after the round's table.
final class ResultStream: Sendable {
    private struct State {
        var joiner: PNGSegmentJoiner
        /// Segments handed to the joiner so far.
        var joined = 0
        var reader: ResultPieces?
        var heldBack: [UInt8]?
        var ended = false
    }

    private let state: Mutex<State>
    private let segments: Int

    /// - Parameters:
    ///   - encoder: The strips' encoder.
    ///   - segments: How many segments cover the image.
    init(encoder: PNGStripEncoder, segments: Int) {
        self.segments = segments
        state = Mutex(State(joiner: PNGSegmentJoiner(encoder: encoder, segments: segments)))
    }

    /// A reader of the file's pieces, starting with those ready now; `nil` once the job has ended, or when a
    /// reader already has it.
    func subscribe(deflated: [PNGSegment?]) -> ResultPieces? {
        let reader = state.withLock { state -> ResultPieces? in
            guard !state.ended, state.reader == nil else { return nil }
            let reader = ResultPieces()
            reader.append(state.joiner.start())
            state.reader = reader
            return reader
        }
        if reader != nil { forward(deflated) }
        return reader
    }

    /// Hands the reader every segment deflated so far, in order, from the first it has not had.
    /// - Parameter deflated: Each segment, `nil` while it is not ready (or failed).
    func forward(_ deflated: [PNGSegment?]) {
        state.withLock { state in
            guard let reader = state.reader, !state.ended else { return }
            while state.joined < deflated.count, let segment = deflated[state.joined] {
                let piece = state.joiner.next(segment)
                state.joined += 1
                if state.joined == segments { state.heldBack = piece } else { reader.append(piece) }
            }
        }
    }

    /// The job is done: the reader gets the file's last piece.
    func complete() {
        state.withLock { state in
            state.ended = true
            if let held = state.heldBack { state.reader?.append(held) }
            state.reader?.finish()
        }
    }

    /// The job failed: the reader gets the error instead of the file's end.
    func fail(_ error: any Error) {
        state.withLock { state in
            state.ended = true
            state.reader?.fail(error)
        }
    }
}
