import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// Every shell example in README.md and docs/cli.md, run as written with the built `sobel` on `PATH`, in a
/// folder holding the files the examples name (photo.jpg, scan.png, ~/Pictures, shots/, photos/). Only the
/// server names differ: `8080` becomes a free port, the broker URLs the test's private servers, `ID` the id
/// that the example before it printed. The two commands that run the main job and this suite are not run here.
@Suite struct DocumentedExamplesTests {
    /// One fenced `sh` block.
    struct Example: CustomTestStringConvertible, Sendable {
        let file: String
        let line: Int
        let commands: [String]
        var testDescription: String { "\(file):\(line)" }
    }

    static let documents = ["README.md", "docs/cli.md"]

    static func blocks() -> [Example] {
        documents.flatMap { file -> [Example] in
            let lines = ((try? String(contentsOf: Repository.url(file), encoding: .utf8)) ?? "").components(separatedBy: "\n")
            var examples: [Example] = []
            var start: Int?
            for (index, line) in lines.enumerated() {
                if line == "```sh" {
                    start = index + 1
                } else if line == "```", let first = start {
                    examples.append(Example(file: file, line: first + 1, commands: Array(lines[first..<index])))
                    start = nil
                }
            }
            return examples
        }
    }

    /// The `sobel filter` examples: every line of a block whose lines all run `sobel filter`.
    static var filterExamples: [(Example, String)] {
        blocks().flatMap { block in block.commands.filter { $0.contains("sobel filter") }.map { (block, $0) } }
    }

    @Test func theDocumentsHaveTheExamplesThisTestRuns() {
        let all = Self.blocks()
        #expect(Self.filterExamples.count >= 11, "README.md and docs/cli.md show the sobel filter examples")
        #expect(all.contains { $0.commands.contains { $0.hasPrefix("sobel serve") } })
        #expect(all.contains { $0.commands.contains { $0.hasPrefix("sobel work") } })
        let covered = all.filter { block in
            block.commands.allSatisfy { $0.contains("sobel filter") }
                || block.commands.contains { $0.hasPrefix("sobel serve") || $0.hasPrefix("sobel work") }
        }
        let others = all.filter { block in !covered.contains { $0.testDescription == block.testDescription } }
        #expect(
            others.map(\.commands.count) == [2] && others.allSatisfy { $0.commands.allSatisfy { $0.hasPrefix("scripts/") } },
            "only the block of the two commands (run.sh, test.sh) is not run: \(others.map(\.testDescription))"
        )
    }

    /// A folder with the files the examples name.
    static func sandbox() throws -> URL {
        let root = try SobelProcess.temporaryDirectory()
        let manager = FileManager.default
        let photo = try ImageCodec.decode(try Fixtures.bytes("photos/photo-1001x701.ppm"))
        let jpeg = Data(try ImageCodec.encode(photo, options: .jpeg(quality: 85)))
        let png = Data(try ImageCodec.encode(photo, options: .png(.fast)))
        for folder in ["Pictures/trip", "shots", "photos"] {
            try manager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for (name, bytes) in [
            ("photo.jpg", jpeg), ("photo.png", png), ("scan.png", png), ("Pictures/a.jpg", jpeg), ("Pictures/trip/b.png", png),
            ("shots/one.jpg", jpeg), ("shots/two.jpg", jpeg), ("photos/c.jpg", jpeg), ("photos/d.png", png),
        ] {
            try bytes.write(to: root.appendingPathComponent(name))
        }
        return root
    }

    static func shell(_ command: String, in folder: URL) throws -> (status: Int32, output: String) {
        let path = SobelBinary.url.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try Tool.run(["HOME=\(folder.path)", "PATH=\(path)", "bash", "-c", "cd \"$HOME\" && " + command])
    }

    @Test(arguments: filterExamples.map { "\($0.0.file):\($0.0.line): \($0.1)" })
    func aFilterExampleRunsAsWritten(_ example: String) throws {
        let command = String(example.split(separator: ":", maxSplits: 2)[2].dropFirst())
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = Set(BatchFilterTests.files(under: folder))
        let (status, output) = try Self.shell(command, in: folder)
        #expect(status == 0, "\(example) → exit \(status): \(output)")
        let made = Set(BatchFilterTests.files(under: folder)).subtracting(before)
        #expect(!made.isEmpty, "\(example) wrote nothing")
        for path in made {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(path)))
            if path.hasSuffix(".jsonl") {
                let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
                #expect(!lines.isEmpty && lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "\(path)")
            } else {
                let image = try ImageCodec.decode(bytes)
                #expect(image.channels == 1 && image.width > 0, "\(example): \(path) is an edge image")
            }
        }
        // Where the example says the output goes, it went.
        if let target = command.firstMatch(of: /-o ([^\s]+)/)?.1, target != "-" {
            let url = folder.appendingPathComponent(String(target))
            #expect(FileManager.default.fileExists(atPath: url.path), "\(example): \(target) exists")
        }
    }

    @Test func theServiceExampleRunsAgainstAServer() throws {
        let block = try #require(Self.blocks().first { $0.commands.contains { $0.hasPrefix("sobel serve") } })
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let serveLine = try #require(block.commands.first)
        #expect(serveLine.hasPrefix("sobel serve --port 8080") && serveLine.hasSuffix("&"))
        let arguments = serveLine.split(separator: " ").dropFirst(2).filter { $0 != "&" && $0 != "--port" && $0 != "8080" }.map(String.init)
        let server = try ServeProcess(arguments)
        var jobID: String?
        for command in block.commands.dropFirst() {
            let command = command.replacingOccurrences(of: "localhost:8080", with: "127.0.0.1:\(server.port)")
                .replacingOccurrences(of: "/ID", with: "/\(jobID ?? "ID")")
            // Standard output apart from curl's progress meter on standard error.
            let (status, messages) = try Self.shell("{ \(command)\n} > stdout.txt", in: folder)
            let output = (try? String(contentsOf: folder.appendingPathComponent("stdout.txt"), encoding: .isoLatin1)) ?? ""
            #expect(status == 0, "\(command) → \(messages)")
            if command.contains("jobs?wait=true") {
                let edges = try ImageCodec.decode(try [UInt8](Data(contentsOf: folder.appendingPathComponent("edges.png"))))
                #expect(edges.width == 1001 && edges.height == 701)
            } else if command.hasSuffix("202 {id, status_url, result_url}") {
                let created = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
                jobID = created?["id"] as? String
                #expect(jobID != nil && created?["status_url"] != nil && created?["result_url"] != nil, "\(output)")
                // Let the job finish, so that the result example can fetch the image.
                for _ in 0..<100 {
                    let (_, status) = try Self.shell("curl -s 127.0.0.1:\(server.port)/api/v1/jobs/\(jobID ?? "")", in: folder)
                    if status.contains("\"done\"") { break }
                    usleep(50_000)
                }
            } else if command.contains("/result") {
                #expect(output.contains("IHDR"), "the result example prints the PNG: \(output.prefix(200))")
            } else {
                let status = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
                #expect(status?["status"] as? String == "done" && status?["tiles_total"] != nil && status?["timings"] != nil, "\(output)")
            }
        }
    }

    @Test func theWorkerExampleRunsAgainstTheBrokerAndStore() throws {
        let block = try #require(Self.blocks().first { $0.commands.contains { $0.hasPrefix("sobel work") } })
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (amqp, redis) = (try SharedServers.amqpURL(), try SharedServers.redisURL())
        let script = block.commands.map { line in
            line.replacing(/amqp:\/\/[^\s]+/, with: amqp).replacing(/redis:\/\/[^\s]+/, with: redis)
                // A worker runs until it is stopped: stop it with SIGTERM, as Kubernetes does.
                .replacingOccurrences(of: "sobel work", with: "timeout --preserve-status -s TERM 4 sobel work")
        }.joined(separator: "\n")
        // A queue and key prefix of its own, so that the example's worker takes no other test's chunks.
        let namespace = "sobel-example-\(UUID().uuidString)"
        let (status, output) = try Self.shell("export SOBEL_QUEUE=\(namespace) SOBEL_KEY_PREFIX=\(namespace)\n" + script, in: folder)
        #expect(status == 0, "the worker stopped cleanly on SIGTERM: \(output)")
        #expect(output.contains("concurrency 4"), "its startup line shows the example's option: \(output)")
    }
}
