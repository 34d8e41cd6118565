import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// `sobel serve` as an operator runs it: SIGTERM stops taking work but lets running jobs finish.
@Suite struct ServeCommandTests {
    @Test func sigtermLetsTheRunningJobFinishThenExits() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sobel-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SeededGenerator(seed: 101)
        let upload = folder.appendingPathComponent("big.png")
        try Data(try ImageCodec.encode(Image.random(width: 2400, height: 1600, format: .rgb8, using: &generator), options: .png(.fast)))
            .write(to: upload)

        let port = try Loopback.freePort()
        let log = folder.appendingPathComponent("serve.log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let server = Process()
        server.executableURL = SobelBinary.url
        server.arguments = ["serve", "--port", String(port), "--workers", "1"]
        server.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SOBEL_") }
        server.standardError = try FileHandle(forWritingTo: log)
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        Loopback.waitUntilAnswering(port: port)

        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@\(upload.path)", "-H", "Content-Type: image/png",
            "http://127.0.0.1:\(port)/api/v1/jobs",
        ]
        let answer = Pipe()
        curl.standardOutput = answer
        try curl.run()
        curl.waitUntilExit()
        #expect(String(decoding: answer.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "202")

        kill(server.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(60)
        while server.isRunning && Date() < deadline { usleep(50_000) }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(!server.isRunning && server.terminationStatus == 0, "\(text)")
        let done = text.range(of: "job done")
        let stopped = text.range(of: "] stopped")
        #expect(done != nil && stopped != nil && done!.lowerBound < stopped!.lowerBound, "the job finished before the exit: \(text)")
        #expect(!Loopback.answers(port: port), "no longer listening")
    }
}

/// `sobel serve --metrics-port`: `/metrics` on a private listener of its own, and not on the public port.
@Suite struct ServeMetricsPortTests {
    @Test func withAMetricsPortTheMainPortHasNoMetrics() throws {
        let metricsPort = try Loopback.freePort()
        let server = try ServeProcess(["--workers", "1", "--metrics-port", String(metricsPort)])
        Loopback.waitUntilAnswering(port: metricsPort)
        let scraped = try #require(Loopback.get(port: metricsPort, path: "/metrics"))
        #expect(scraped.status == 200 && scraped.body.contains("sobel_"), "\(scraped.body.prefix(300))")
        #expect(Loopback.get(port: metricsPort, path: "/healthz")?.status == 200)
        #expect(Loopback.get(port: server.port, path: "/metrics")?.status == 404, "the public port does not show the metrics")
        #expect(Loopback.get(port: server.port, path: "/healthz")?.status == 200)
    }

    @Test func withoutOneTheMainPortServesThem() throws {
        let server = try ServeProcess(["--workers", "1"])
        #expect(Loopback.get(port: server.port, path: "/metrics")?.status == 200)
    }
}
