import Dispatch
import SobelCodecs
import SobelCore
import Synchronization

/// Encodes a job's result while its tiles arrive. For a PNG result cut into full-width strips, each strip
/// is filtered and deflated — in parts of about 256 KiB, on Dispatch threads — as soon as it and the strip
/// above it are assembled, so the encoding overlaps the wait for the other tiles and the last strip's part
/// of it is short; the file is the segments joined at the end.
/// Other results (JPEG, PNM, tiles narrower than the image) are encoded whole at the end.
final class ResultEncoder: @unchecked Sendable {
    private let options: EncodeOptions
    private let stripEncoder: PNGStripEncoder?
    /// Each strip's parts, top to bottom.
    private let parts: [[Range<Int>]]
    /// Owned by the collecting thread.
    private var assembled: [Bool]
    private var started: [Bool]
    /// One per part, strips and parts in order.
    private let segments: Mutex<[Result<PNGSegment, any Error>?]>
    /// Where each strip's parts start in `segments`.
    private let firstSegment: [Int]
    private let deflating = DispatchGroup()
    private let busy = Mutex<Duration>(.zero)
    /// Where deflated strips go to a reader while the job runs, for results that stream.
    let stream: ResultStream?

    /// - Parameters:
    ///   - plan: The job's tiles.
    ///   - options: The result's format and settings.
    ///   - streams: Whether a reader may take the PNG file's pieces as its strips are deflated (``stream``).
    init(plan: TilePlan, options: EncodeOptions, streams: Bool) {
        self.options = options
        let tiles = plan.tiles
        let isStrips =
            tiles.allSatisfy { $0.output.x == 0 && $0.output.width == plan.width }
            && zip(tiles, tiles.dropFirst()).allSatisfy { $0.output.maxY == $1.output.y }
        if case .png(let settings) = options, isStrips {
            stripEncoder = PNGStripEncoder(width: plan.width, height: plan.height, channels: 1, options: settings)
        } else {
            stripEncoder = nil
        }
        let partRows = max(16, (256 << 10) / max(1, plan.width))
        parts = tiles.map { tile in
            stride(from: tile.output.y, to: tile.output.maxY, by: partRows).map { $0..<min($0 + partRows, tile.output.maxY) }
        }
        firstSegment = parts.reduce(into: [0]) { $0.append($0.last! + $1.count) }.dropLast()
        assembled = Array(repeating: false, count: tiles.count)
        started = assembled
        let segmentCount = parts.reduce(0) { $0 + $1.count }
        segments = Mutex(Array(repeating: nil, count: segmentCount))
        stream = streams ? stripEncoder.map { ResultStream(encoder: $0, segments: segmentCount) } : nil
    }

    /// The segments deflated so far, `nil` where not ready.
    var deflated: [PNGSegment?] { segments.withLock { $0.map { try? $0?.get() } } }

    /// Tile `index` has been copied into the output at `base`, which stays valid until ``finish(output:)``.
    func assembled(_ index: Int, base: UnsafePointer<UInt8>, stride: Int) {
        guard let encoder = stripEncoder else { return }
        assembled[index] = true
        var strip = index
        while strip < parts.count && assembled[strip] && !started[strip] && (strip == 0 || assembled[strip - 1]) {
            started[strip] = true
            let address = UInt(bitPattern: base)
            for (offset, rows) in parts[strip].enumerated() {
                let position = firstSegment[strip] + offset
                DispatchQueue.global().async(group: deflating) { [self] in
                    let start = ContinuousClock.now
                    let result = Result { try encoder.segment(base: UnsafePointer(bitPattern: address)!, stride: stride, rows: rows) }
                    busy.withLock { $0 += ContinuousClock.now - start }
                    segments.withLock { $0[position] = result }
                    stream?.forward(deflated)
                }
            }
            strip += 1
        }
    }

    /// Waits for every strip being deflated; call before the output's memory goes away.
    func waitForStrips() {
        deflating.wait()
    }

    /// The encoded result once every tile is assembled.
    /// - Parameter output: The assembled gray image.
    /// - Returns: The file's bytes and the time spent encoding (summed over the strips' threads).
    func finish(output: Image, threads: Int) throws -> (bytes: [UInt8], time: Duration) {
        let start = ContinuousClock.now
        guard let encoder = stripEncoder else {
            return (try ImageCodec.encode(output, options: options, threads: threads), ContinuousClock.now - start)
        }
        waitForStrips()
        let parts = try segments.withLock { $0 }.map { try $0!.get() }
        let bytes = encoder.file(parts)
        return (bytes, busy.withLock { $0 } + (ContinuousClock.now - start))
    }
}
