import Dispatch
import Foundation
import SobelCore

/// One benchmark row.
struct BenchResult: Codable {
    let name: String
    let width: Int
    let height: Int
    let threads: Int
    /// Median megapixels per second.
    let mps: Double
    /// `mps` divided by the memcpy row of the same size and threads, when there is one.
    var ratioToMemcpy: Double?
    let runs: Int
    /// Codec rows: the input (`gray`, `rgb` or `edges`).
    var input: String?
    /// Encoder rows: output bytes divided by raw pixel bytes.
    var sizeRatio: Double?
    /// Kernel rows: the CPU level the kernels ran at (``CPULevel``), or `swift` for the portable loops.
    var cpu: String?

    enum CodingKeys: String, CodingKey {
        case name, width, height, threads, mps, runs, input, cpu
        case ratioToMemcpy = "ratio_to_memcpy"
        case sizeRatio = "size_ratio"
    }

    /// Bench rows as the JSON that `--json` prints: indented, keys sorted.
    static func json<Rows: Encodable>(_ results: Rows) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(results), as: UTF8.self)
    }

    static func table(_ results: [BenchResult]) -> String {
        let codecs = results.contains { $0.input != nil }
        var lines = [
            codecs
                ? "size        input  row                   MP/s (median)   size/raw"
                : "size        threads  kernel       MP/s (median)   × memcpy"
        ]
        for r in results {
            let size = "\(r.width)x\(r.height)".padding(toLength: 12, withPad: " ", startingAt: 0)
            let mps = String(format: "%13.0f", r.mps)
            if codecs {
                let input = (r.input ?? "").padding(toLength: 7, withPad: " ", startingAt: 0)
                let name = r.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                let ratio = r.sizeRatio.map { String(format: "%10.3f", $0) } ?? "         –"
                lines.append("\(size)\(input)\(name)\(mps)  \(ratio)")
            } else {
                let name = r.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                let ratio = r.ratioToMemcpy.map { String(format: "%10.2f", $0) } ?? "         –"
                lines.append("\(size)\(String(format: "%7d", r.threads))  \(name)\(mps)  \(ratio)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Times closures on one input size and reports the median.
struct BenchTimer {
    let width: Int
    let height: Int
    let threads: Int
    let runs: Int

    func measure(_ name: String, runs: Int? = nil, _ body: () -> Void) -> BenchResult {
        let count = runs ?? self.runs
        body()  // warm-up: page faults, caches
        var seconds: [Double] = []
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        seconds.sort()
        let median = seconds[count / 2]
        let mps = Double(width * height) / median / 1e6
        return BenchResult(
            name: name,
            width: width,
            height: height,
            threads: threads,
            mps: mps,
            ratioToMemcpy: nil,
            runs: count,
            input: nil,
            sizeRatio: nil
        )
    }
}

/// A memcpy of a plane's bytes into a second plane of the same size (so allocated the same way, with the same
/// pages), split across threads: the speed floor.
enum ParallelCopy {
    nonisolated(unsafe) private static var destination: Image?

    static func copy(_ image: Image, threads: Int) {
        if destination?.width != image.width || destination?.height != image.height {
            destination = try! Image(width: image.width, height: image.height, format: .gray8)
        }
        image.withUnsafeRows { source, sourceStride in
            destination!.withUnsafeMutableRows { target, targetStride in
                precondition(sourceStride == targetStride, "planes of one size share a row stride")
                let bytes = image.height * sourceStride
                let (source, target) = (UInt(bitPattern: source), UInt(bitPattern: target))
                let parts = max(1, threads)
                let chunk = (bytes + parts - 1) / parts
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let start = part * chunk
                    let end = min(bytes, start + chunk)
                    if end > start {
                        memcpy(UnsafeMutableRawPointer(bitPattern: target)! + start, UnsafeRawPointer(bitPattern: source)! + start, end - start)
                    }
                }
            }
        }
    }
}
