import ArgumentParser
import Foundation
import SobelCodecs
import SobelCore
import SobelService

extension Sobel {
    /// `sobel bench`: kernel speed in MP/s against a memcpy measured in the same run.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure filter speed (build with -c release).",
            discussion: """
                Every row is the median MP/s over several runs, next to a memcpy of the same bytes
                measured in the same run; compare ratios, not absolute figures.

                Examples:
                  swift run -c release sobel bench
                  swift run -c release -Xswiftc -target-cpu -Xswiftc znver4 sobel bench --json
                  sobel bench --sizes 1920x1080 --threads 1 --runs 5
                  sobel bench --codecs --json
                  SOBEL_AMQP_URL=… SOBEL_REDIS_URL=… sobel bench --service   (or scripts/bench.sh --service)
                """
        )

        @Option(help: ArgumentHelp("Image sizes, comma-separated.", valueName: "WxH,..."))
        var sizes: String = Self.defaultSizes

        static let defaultSizes = "1920x1080,4096x4096,8192x8192"

        @Option(help: ArgumentHelp("Thread counts, comma-separated (default: 1 and every core).", valueName: "n,..."))
        var threads: String?

        @Option(help: "Timed runs per row (the median is reported); at least 3.")
        var runs: Int = 9

        @Option(help: "Passes over all rows of one size and thread count; each row reports the median of its pass medians.")
        var passes: Int = 3

        @Option(help: "An RGB PPM photo to build the inputs from.")
        var photo: String = "Fixtures/photos/photo-1001x701.ppm"

        @Flag(help: "Print a JSON array instead of a table.")
        var json = false

        @Flag(help: "Measure the PNG and JPEG codecs instead of the filters (one thread; sizes default to 4096x4096).")
        var codecs = false

        @Flag(
            help:
                "Measure whole service jobs (4096² PNG and 1080p JPEG to PNG): through RabbitMQ and Redis with two sobel work processes, and embedded, next to sobel filter's in-process time; then the throughput of a burst of 12 uploads with 1 to 4 worker processes."
        )
        var service = false

        @OptionGroup var broker: BrokerOptions

        @Option(
            name: .customLong("save-inputs"),
            help: ArgumentHelp(
                "With --codecs, also write the inputs as gray.pgm, rgb.ppm and edges.pgm into this folder (with --service, the PNG and JPEG inputs), so other tools can be measured on the same pixels.",
                valueName: "dir"
            )
        )
        var saveInputs: String?

        func validate() throws {
            guard runs >= 3 else { throw ValidationError("--runs must be at least 3") }
            guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
            _ = try parsedSizes()
            _ = try parsedThreads()
        }

        func parsedSizes() throws -> [TileSize] {
            try sizes.split(separator: ",").map {
                guard let size = TileSize(argument: String($0)) else { throw ValidationError("--sizes: '\($0)' is not WxH") }
                return size
            }
        }

        func parsedThreads() throws -> [Int] {
            guard let threads else {
                let cores = ProcessInfo.processInfo.activeProcessorCount
                return cores > 1 ? [1, cores] : [1]
            }
            return try threads.split(separator: ",").map {
                guard let n = Int($0), n >= 1 else { throw ValidationError("--threads: '\($0)' is not a positive number") }
                return n
            }
        }

        func run() throws {
            guard let data = FileManager.default.contents(atPath: photo) else {
                throw CommandFailure(message: "\(photo): cannot read the photo (run from the repository root, or pass --photo)")
            }
            let source = try ImageCodec.decode(data)
            guard source.channels == 3 else { throw CommandFailure(message: "\(photo): an RGB photo is needed") }
            if service {
                guard !broker.isEmbedded else {
                    throw CommandFailure(
                        message:
                            "--service needs RabbitMQ and Redis: set SOBEL_AMQP_URL and SOBEL_REDIS_URL (scripts/bench.sh --service starts private ones)",
                        exitCode: 2
                    )
                }
                let rows = try ServiceBench(broker: broker, runs: max(runs, 5)).run(photo: source, saveInputs: saveInputs)
                print(json ? try BenchResult.json(rows) : ServiceBench.table(rows))
                return
            }
            var results: [BenchResult] = []
            if !json && !codecs { FileHandle.standardError.write(Data("\(Sobel.kernelsSummary)\n".utf8)) }
            for size in try codecs && sizes == Self.defaultSizes ? [TileSize(argument: "4096x4096")!] : parsedSizes() {
                let rgb = try PhotoMosaic.rgb(from: source, width: size.width, height: size.height)
                let gray = try Pipeline([.gray]).run(on: rgb)
                if codecs {
                    if !json { FileHandle.standardError.write(Data("codecs: \(CodecLibraries.summary)\n".utf8)) }
                    let bench = CodecBench(runs: runs)
                    if let saveInputs { try bench.save(gray: gray, rgb: rgb, into: saveInputs) }
                    results += try bench.measure(gray: gray, rgb: rgb)
                    continue
                }
                for threadCount in try parsedThreads() {
                    results += try kernelRows(gray: gray, rgb: rgb, threads: threadCount)
                    if threadCount == 1 { try verifyExactness(gray: gray, rgb: rgb) }
                    if !json { FileHandle.standardError.write(Data("measured \(size.width)x\(size.height) T\(threadCount)\n".utf8)) }
                }
            }
            print(json ? try BenchResult.json(results) : BenchResult.table(results))
        }

        /// memcpy and every kernel row, interleaved over `passes` passes so that drift on a shared
        /// machine hits all rows alike; the scalar reference runs once, at 1 thread.
        func kernelRows(gray: Image, rgb: Image, threads: Int) throws -> [BenchResult] {
            let timer = BenchTimer(width: gray.width, height: gray.height, threads: threads, runs: runs)
            var output = try Image(width: gray.width, height: gray.height, format: .gray8)
            var dim = gray
            LookupTable((0...255).map { UInt8(96 + $0 / 8) }).apply(to: &dim, threads: threads)
            var cases: [(String, () -> Void)] = [("memcpy", { ParallelCopy.copy(gray, threads: threads) })]
            for (name, text, input) in [
                ("l1", "gray,sobel:l1", gray), ("l2", "gray,sobel:l2", gray),
                ("classic", "gray,sobel:classic", gray), ("rgb-l1", "gray,sobel:l1", rgb),
                // A global step's cost, against l2 on the same input. The photo's l2 edges span 0…255 already:
                // normalize finds the extremes, and its table is the identity. On the photo at an eighth of its
                // contrast ("dim") the edges stay below 255, so the table is applied. equalize counts every value.
                ("l2-normalize", "gray,sobel:l2,normalize", gray), ("l2-equalize", "gray,sobel:l2,equalize", gray),
                ("l2-dim", "gray,sobel:l2", dim), ("l2-dim-norm", "gray,sobel:l2,normalize", dim),
            ] {
                let pipeline = try Pipeline(parsing: text)
                cases.append((name, { try! pipeline.run(on: input, into: &output, threads: threads) }))
            }
            var medians = [[Double]](repeating: [], count: cases.count)
            for _ in 0..<passes {
                for (index, (name, body)) in cases.enumerated() { medians[index].append(timer.measure(name, body).mps) }
            }
            let memcpy = medians[0].sorted()[passes / 2]
            var rows = cases.indices.map { index in
                let mps = medians[index].sorted()[passes / 2]
                return BenchResult(
                    name: cases[index].0,
                    width: gray.width,
                    height: gray.height,
                    threads: threads,
                    mps: mps,
                    ratioToMemcpy: index == 0 ? nil : mps / memcpy,
                    runs: runs * passes,
                    input: nil,
                    sizeRatio: nil,
                    cpu: CPULevel.active?.rawValue ?? "swift"
                )
            }
            if threads == 1 {
                var scalar = timer.measure("scalar-l1", runs: 3) {
                    let (gx, gy) = ScalarReference.derivatives(gray)
                    _ = ScalarReference.magnitude(gx: gx, gy: gy, .l1)
                }
                scalar.ratioToMemcpy = scalar.mps / memcpy
                rows.append(scalar)
            }
            return rows
        }

        /// The figures only count if this (optimised) build is exact: compare with the scalar reference.
        func verifyExactness(gray: Image, rgb: Image) throws {
            let crop = Rect(x: 0, y: 0, width: min(gray.width, 1031), height: min(gray.height, 517))
            let grayCrop = try Image(width: crop.width, height: crop.height, pixels: gray.view(crop).pixels)
            let rgbCrop = try Image(width: crop.width, height: crop.height, channels: 3, pixels: rgb.view(crop).pixels)
            for text in [
                "gray,sobel:l1", "gray,sobel:l2", "gray,sobel:classic", "scharr:l2", "blur:5,sobel:l1,threshold:40",
                "gray,sobel:l2,normalize,blur:3,threshold:otsu",
            ] {
                let pipeline = try Pipeline(parsing: text)
                for input in [grayCrop, rgbCrop] where try pipeline.run(on: input) != ScalarReference.run(pipeline, on: input) {
                    throw CommandFailure(message: "this build is not exact: '\(text)' differs from the scalar reference")
                }
            }
        }
    }
}
