import Foundation
import SobelCore

/// A round's output image as its tiles arrive, with the histograms and worker timings they reported. Owned
/// by the job's thread; the image's memory lives as long as the assembly.
struct Assembly {
    /// The gray output image being filled.
    var output: Image
    /// The histogram of the tiles received so far.
    private(set) var histogram = Histogram()
    let total: Int
    private(set) var received = Set<Int>()
    private var queueWaitSum: Double = 0
    private var storeSum: Double = 0
    private(set) var computeTotal: Double = 0
    private(set) var assembleTotal: Duration = .zero

    init(width: Int, height: Int, tiles: Int) throws {
        output = try Image(width: width, height: height)
        total = tiles
    }

    var isComplete: Bool { received.count == total }

    /// Copies a tile's rows into the output image.
    /// - Parameters:
    ///   - bytes: The tile's gray pixels, rows top to bottom.
    ///   - tile: Where they go.
    ///   - report: The worker's timings.
    ///   - publishedMs: When the tile's chunk went out, if known.
    ///   - assembled: Called with the output's rows once the tile is in; they stay valid while the assembly lives.
    mutating func add(
        _ bytes: [UInt8],
        tile: Tile,
        report: TileReport,
        publishedMs: Int64?,
        assembled: (_ base: UnsafePointer<UInt8>, _ stride: Int) -> Void
    ) throws {
        guard bytes.count == tile.output.area else {
            throw JobFailure(.invalidTile, "tile \(tile.index) has \(bytes.count) bytes; its \(tile.output) output needs \(tile.output.area)")
        }
        let start = ContinuousClock.now
        output.withUnsafeMutableRows { base, stride in
            bytes.withUnsafeBufferPointer { source in
                for row in 0..<tile.output.height {
                    (base + (tile.output.y + row) * stride + tile.output.x)
                        .update(from: source.baseAddress! + row * tile.output.width, count: tile.output.width)
                }
            }
            assembleTotal += ContinuousClock.now - start
            assembled(UnsafePointer(base), stride)
        }
        received.insert(tile.index)
        // The worker's counts, when they add up to the tile; else (an older worker, a lost announcement)
        // the pixels counted here.
        if let counts = report.histogram, let reported = try? Histogram(counts: counts), reported.total == tile.output.area {
            histogram.add(reported)
        } else {
            histogram.add(Histogram(try Image(width: tile.output.width, height: tile.output.height, channels: 1, pixels: bytes)))
        }
        queueWaitSum += Double(report.startedMs - (publishedMs ?? report.startedMs))
        storeSum += Double(Date.nowMs - report.finishedMs)
        computeTotal += report.computeMs
    }

    var meanQueueWait: Double { received.isEmpty ? 0 : queueWaitSum / Double(received.count) }
    var meanStore: Double { received.isEmpty ? 0 : storeSum / Double(received.count) }
}
