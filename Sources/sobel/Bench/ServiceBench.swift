import Foundation
import Logging
import SobelCodecs
import SobelConnections
import SobelCore
import SobelService
import SobelServiceAMQP
import SobelServiceRedis
import Synchronization

/// `sobel bench --service`: whole jobs through the coordinator — with real RabbitMQ and Redis and two
/// `sobel work` processes, and in the embedded mode — next to what `sobel filter` does in-process
/// (decode, filter, encode) on the same input, measured in the same run.
struct ServiceBench {
    let broker: BrokerOptions
    let runs: Int

    /// One input: its name, encoded bytes and size.
    struct Input {
        let name: String
        let bytes: [UInt8]
        let width: Int
        let height: Int
    }

    /// One measured row: medians over the runs.
    struct Row: Codable {
        var name: String
        var mode: String
        var width: Int
        var height: Int
        var runs: Int
        var latencyMs: Double
        var mps: Double
        var ratioToFilter: Double?
        /// For a job with a global step: its latency over the same job without it, measured interleaved.
        var ratioToWithoutGlobalStep: Double? = nil
        var stagesMs: [String: Double]
        /// For throughput rows: the `sobel work` processes and the jobs submitted at once.
        var workers: Int? = nil
        var jobs: Int? = nil

        /// A row for `input` whose runs took `latencyMs` (median), each run filtering `jobs` copies of it.
        init(_ input: Input, mode: String, runs: Int, latencyMs: Double, jobs: Int = 1, stagesMs: [String: Double] = [:]) {
            (name, self.mode, width, height, self.runs) = (input.name, mode, input.width, input.height, runs)
            (self.latencyMs, self.stagesMs) = (latencyMs, stagesMs)
            mps = Double(input.width * input.height * jobs) / latencyMs / 1000
        }

        enum CodingKeys: String, CodingKey {
            case name, mode, width, height, runs
            case latencyMs = "latency_ms"
            case mps
            case ratioToFilter = "latency_ratio_to_filter"
            case ratioToWithoutGlobalStep = "latency_ratio_to_without_global_step"
            case stagesMs = "stages_ms"
            case workers, jobs
        }
    }

    /// The jobs of the issue: a 4096² PNG and a 1920×1080 JPEG, both filtered to PNG.
    static func inputs(photo: Image) throws -> [Input] {
        let big = try PhotoMosaic.rgb(from: photo, width: 4096, height: 4096)
        let hd = try PhotoMosaic.rgb(from: photo, width: 1920, height: 1080, seed: 7)
        return [
            Input(name: "png-4096", bytes: try ImageCodec.encode(big, options: .png(.default)), width: 4096, height: 4096),
            Input(name: "jpeg-1080p", bytes: try ImageCodec.encode(hd, options: .jpeg(quality: 90)), width: 1920, height: 1080),
        ]
    }

    func run(photo: Image, saveInputs: String?) throws -> [Row] {
        let inputs = try Self.inputs(photo: photo)
        if let saveInputs {
            try FileManager.default.createDirectory(atPath: saveInputs, withIntermediateDirectories: true)
            for input in inputs {
                try Data(input.bytes).write(
                    to: URL(fileURLWithPath: saveInputs).appendingPathComponent(input.name + (input.name.hasPrefix("png") ? ".png" : ".jpg"))
                )
            }
        }
        var logger = Logger(label: "sobel.bench")
        logger.logLevel = .error
        let (queue, store) = try broker.connect(timeToLive: .seconds(600))
        let distributed = Coordinator(queue: queue, store: store, settings: ServiceSettings(deadline: .seconds(300)), logger: logger)
        var workers = try (0..<2).map { _ in try startWorker(queue: queue.name, prefix: store.prefix) }
        defer { Self.stop(workers) }
        let embedded = EmbeddedService(workers: 2, settings: ServiceSettings(deadline: .seconds(300)), logger: logger)
        defer { embedded.stop() }

        var rows: [Row] = []
        for input in inputs {
            let filter = try measureFilter(input)
            rows.append(filter)
            for (mode, coordinator) in [("rabbitmq+redis, 2 worker processes", distributed), ("embedded, 2 worker threads", embedded.coordinator)] {
                var row = try measure(input, coordinator: coordinator, mode: mode)
                row.ratioToFilter = row.latencyMs / filter.latencyMs
                rows.append(row)
                FileHandle.standardError.write(Data("measured \(input.name) \(mode)\n".utf8))
            }
        }
        rows += try measureChunkTransport(inputs[0])
        // What a point-only global step costs a job: `gray,sobel:l2` and `gray,sobel:l2,normalize`, interleaved.
        for input in inputs {
            rows += try measureGlobalStepCost(input, coordinator: distributed)
            FileHandle.standardError.write(Data("measured \(input.name) with and without normalize\n".utf8))
        }
        Self.stop(workers)
        workers = []
        // Throughput against the number of workers: the same burst of uploads with 1, 2, 3 and 4 worker processes.
        let burst = inputs[inputs.count - 1]
        for count in 1...Self.mostWorkers {
            workers.append(try startWorker(queue: queue.name, prefix: store.prefix))
            rows.append(try measureThroughput(burst, coordinator: distributed, workers: count))
            FileHandle.standardError.write(Data("measured throughput with \(count) worker processes\n".utf8))
        }
        return rows
    }

    /// What wire format v1 costs per chunk — a one-line JSON header and the base64 of the pixels — encoded by the
    /// coordinator and decoded (and checked) by a worker, next to a plain copy of the same pixels: a chunk of about
    /// 1 MiB of `input`'s gray, as the coordinator cuts them.
    private func measureChunkTransport(_ input: Input) throws -> [Row] {
        let gray = try Pipeline([.gray]).run(on: ImageCodec.decode(input.bytes))
        let rect = Rect(x: 0, y: 0, width: gray.width, height: min(gray.height, (1 << 20) / gray.width))
        let pixels = Array(gray.pixels[..<rect.area])  // full-width rows from the top
        let header = ChunkHeader(
            job: JobID(),
            tile: 0,
            tiles: 1,
            imageWidth: gray.width,
            imageHeight: gray.height,
            output: rect,
            input: rect,
            format: .gray8,
            pipeline: Pipeline.default.description,
            deadlineMs: .max,
            publishedMs: 0
        )
        let message = ChunkMessage(header: header, pixels: pixels)
        let encoded = try message.encoded()
        let timer = BenchTimer(width: rect.width, height: rect.height, threads: 1, runs: 41)
        var copy = [UInt8](repeating: 0, count: pixels.count)
        let results = [
            timer.measure("encode") { _ = try? message.encoded() },
            timer.measure("decode") { _ = try? ChunkMessage(decoding: encoded) },
            timer.measure("copy") { copy.withUnsafeMutableBytes { target in pixels.withUnsafeBytes { target.copyMemory(from: $0) } } },
        ]
        let chunk = Input(name: "chunk-\(rect.width)x\(rect.height)", bytes: [], width: rect.width, height: rect.height)
        let copyMs = 1000 * Double(rect.area) / results[2].mps / 1e6
        return zip(["chunk encode (JSON + base64)", "chunk decode and check", "copy of the chunk's pixels"], results).map { mode, result in
            var row = Row(chunk, mode: mode, runs: result.runs, latencyMs: 1000 * Double(rect.area) / result.mps / 1e6)
            row.stagesMs = ["bytes_on_the_wire": Double(encoded.count), "ratio_to_copy": row.latencyMs / copyMs]
            return row
        }
    }

    /// The largest worker count of the throughput sweep.
    static let mostWorkers = 4
    /// Jobs submitted at once in a throughput burst.
    static let burstJobs = 12

    /// Submits ``burstJobs`` copies of `input` from as many threads as there are cores (as the web front does with
    /// concurrent uploads) and times the burst to its last result; the median of the runs after a warm-up.
    private func measureThroughput(_ input: Input, coordinator: Coordinator, workers: Int) throws -> Row {
        var walls: [Double] = []
        for run in 0...runs {
            let start = ContinuousClock.now
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: Self.burstJobs) { _ in
                do {
                    let id = try coordinator.submit(encoded: input.bytes)
                    guard try coordinator.wait(for: id, timeout: .seconds(300))?.status == .done else {
                        throw CommandFailure(message: "a burst job did not finish: \(try coordinator.status(id)?.error ?? "timed out")")
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            if let failure = failures.withLock({ $0.first }) { throw CommandFailure(message: failure) }
            if run > 0 { walls.append((ContinuousClock.now - start).milliseconds) }  // run 0 warms up
        }
        var row = Row(
            input,
            mode: "throughput, \(workers) worker process\(workers == 1 ? "" : "es")",
            runs: runs,
            latencyMs: Self.median(walls),
            jobs: Self.burstJobs
        )
        (row.workers, row.jobs) = (workers, Self.burstJobs)
        return row
    }

    private static func stop(_ workers: [Process]) {
        for worker in workers {
            worker.interrupt()
            worker.waitUntilExit()
        }
    }

    /// A `sobel work` process of this same binary, on a queue and key prefix of this run.
    private func startWorker(queue: String, prefix: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "work", "--amqp-url", broker.resolvedAMQPURL!, "--redis-url", broker.resolvedRedisURL!,
            "--queue", queue, "--key-prefix", prefix, "--concurrency", "1", "--prefetch", "2",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// What `sobel filter` does for one file, in-process, on every core.
    private func measureFilter(_ input: Input) throws -> Row {
        var latencies: [Double] = []
        for run in 0...runs {
            let start = ContinuousClock.now
            let image = try ImageCodec.decode(input.bytes)
            let edges = try Pipeline.default.run(on: image)
            _ = try ImageCodec.encode(edges, options: .png(.default), threads: ProcessInfo.processInfo.activeProcessorCount)
            if run > 0 { latencies.append((ContinuousClock.now - start).milliseconds) }  // run 0 warms up
        }
        return Row(input, mode: "sobel filter (in-process)", runs: runs, latencyMs: Self.median(latencies))
    }

    /// The same job with and without `normalize` after the magnitude, alternating, so that drift on a shared
    /// machine hits both alike.
    private func measureGlobalStepCost(_ input: Input, coordinator: Coordinator) throws -> [Row] {
        let plain = JobOptions(pipeline: .default)
        let normalized = JobOptions(pipeline: try Pipeline(parsing: "gray,sobel:l2,normalize"))
        var latencies: ([Double], [Double]) = ([], [])
        for run in 0...runs {
            let without = try latency(of: input, coordinator: coordinator, options: plain)
            let with = try latency(of: input, coordinator: coordinator, options: normalized)
            if run > 0 { (latencies.0, latencies.1) = (latencies.0 + [without], latencies.1 + [with]) }  // run 0 warms up
        }
        let mode = "rabbitmq+redis, 2 workers: "
        let withoutRow = Row(input, mode: mode + "gray,sobel:l2", runs: runs, latencyMs: Self.median(latencies.0))
        var withRow = Row(input, mode: mode + "…,normalize", runs: runs, latencyMs: Self.median(latencies.1))
        withRow.ratioToWithoutGlobalStep = withRow.latencyMs / withoutRow.latencyMs
        return [withoutRow, withRow]
    }

    /// Submits one job and waits for its result.
    /// - Returns: The milliseconds from submission to the result, and the job's record.
    private func run(_ input: Input, coordinator: Coordinator, options: JobOptions) throws -> (Double, JobRecord) {
        let start = ContinuousClock.now
        let id = try coordinator.submit(encoded: input.bytes, options: options)
        guard case .done = try coordinator.waitForResult(id, timeout: .seconds(300)), let record = try coordinator.status(id) else {
            throw CommandFailure(message: "a benchmark job failed: \(try coordinator.status(id)?.error ?? "unknown")")
        }
        return ((ContinuousClock.now - start).milliseconds, record)
    }

    private func latency(of input: Input, coordinator: Coordinator, options: JobOptions) throws -> Double {
        try run(input, coordinator: coordinator, options: options).0
    }

    private func measure(_ input: Input, coordinator: Coordinator, mode: String) throws -> Row {
        var latencies: [Double] = []
        var stages: [String: [Double]] = [:]
        for run in 0...runs {
            let (latency, record) = try self.run(input, coordinator: coordinator, options: JobOptions())
            guard run > 0 else { continue }
            latencies.append(latency)
            let timings = record.timings
            for (name, value) in [
                ("decode", timings.decode), ("plan", timings.plan), ("base64+publish", timings.publish),
                ("queue wait (mean/tile)", timings.queueWait), ("worker compute (sum)", timings.compute),
                ("store+notify (mean/tile)", timings.store), ("assemble", timings.assemble), ("encode", timings.encode),
            ] {
                stages[name, default: []].append(value)
            }
        }
        return Row(input, mode: mode, runs: runs, latencyMs: Self.median(latencies), stagesMs: stages.mapValues(Self.median))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func table(_ rows: [Row]) -> String {
        var lines = ["input       mode                                   latency ms   MP/s    vs filter"]
        for row in rows {
            lines.append(
                String(
                    format: "%-11@ %-38@ %10.1f %7.1f  %@",
                    row.name as NSString,
                    row.mode as NSString,
                    row.latencyMs,
                    row.mps,
                    (row.ratioToFilter.map { String(format: "%.2f×", $0) }
                        ?? row.ratioToWithoutGlobalStep.map { String(format: "%.2f× without", $0) } ?? "") as NSString
                )
            )
            for (stage, ms) in row.stagesMs.sorted(by: { $0.key < $1.key }) {
                lines.append(String(format: "              %-36@ %8.1f ms", stage as NSString, ms))
            }
        }
        return lines.joined(separator: "\n")
    }
}
