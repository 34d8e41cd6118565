import Foundation
import SobelCore

/// A job's gray input as the decoder delivers it: bands of rows arrive top to bottom on the submitting
/// thread, while the job's publisher cuts and publishes every chunk whose rows are all there. So workers
/// start on the first chunks while the rest of the upload is still being decoded.
final class GrayInput: @unchecked Sendable {
    let width: Int
    let height: Int
    private let condition = NSCondition()
    /// Immutable gray bands, top to bottom, each `bandRows` high but the last.
    private var bands: [Image] = []
    private var bandRows = 0
    private var rowsReady = 0
    /// When the last band arrived, once the whole input is there.
    private var completedAt: ContinuousClock.Instant?
    /// Why decoding stopped half-way, if it did.
    private var failure: InputFailure?

    init(width: Int, height: Int) {
        (self.width, self.height) = (width, height)
    }

    /// Adds the next band, converted to gray (the first step of every pipeline on colour input, per pixel,
    /// so converting band by band gives the same pixels as converting the whole image).
    func append(_ band: Image) throws {
        let gray = band.channels == 1 ? band : try Pipeline([.gray]).run(on: band)
        condition.withLock {
            if bands.isEmpty { bandRows = gray.height }
            bands.append(gray)
            rowsReady += gray.height
            condition.broadcast()
        }
    }

    /// Every row has arrived.
    func finish() {
        condition.withLock {
            completedAt = ContinuousClock.now
            condition.broadcast()
        }
    }

    /// Decoding failed: waiters stop waiting and give up.
    func fail(_ error: any Error) {
        condition.withLock {
            failure = InputFailure(underlying: error)
            condition.broadcast()
        }
    }

    /// Blocks until at least `rows` rows are there, decoding failed, or `deadline` passes (it moves on while
    /// the upload arrives).
    /// - Returns: The rows there now, or `nil` at the deadline.
    /// - Throws: ``InputFailure`` when decoding failed.
    func waitForRows(_ rows: Int, until deadline: JobDeadline) throws -> Int? {
        try wait(until: deadline) { rowsReady >= rows ? rowsReady : nil }
    }

    /// Blocks until the whole input is there, decoding failed, or `deadline` passes.
    /// - Returns: When the last band arrived, or `nil` at the deadline.
    /// - Throws: ``InputFailure`` when decoding failed.
    func waitUntilComplete(until deadline: JobDeadline) throws -> ContinuousClock.Instant? {
        try wait(until: deadline) { completedAt }
    }

    private func wait<T>(until deadline: JobDeadline, for value: () -> T?) throws -> T? {
        try condition.withLock {
            while true {
                if let value = value() { return value }
                if let failure { throw failure }
                if deadline.hasPassed { return nil }
                condition.wait(until: deadline.date)
            }
        }
    }

    /// The gray pixels of `rect`, row by row; every row of it must have arrived.
    func pixels(of rect: Rect) -> [UInt8] {
        let (bands, bandRows) = condition.withLock { (self.bands, self.bandRows) }
        var result = [UInt8]()
        result.reserveCapacity(rect.area)
        for y in rect.y..<rect.maxY {
            let band = bands[y / bandRows]
            band.withUnsafeRows { base, stride in
                let row = base + (y % bandRows) * stride + rect.x
                result.append(contentsOf: UnsafeBufferPointer(start: row, count: rect.width))
            }
        }
        return result
    }
}

/// Decoding the upload failed after its job had started: the submitter reports the codec error, and the
/// job, never returned to anyone, ends quietly.
struct InputFailure: JobEndingError {
    let underlying: any Error
}
