import Foundation
import SobelCore
import SobelRedis
import SobelService
import SobelServiceTestSupport
import SobelTestSupport
import Testing

/// `sobel work` as an operator runs it.
@Suite struct WorkCommandTests {
    @Test func startsWithASettingsLineWithoutSecretsAndStopsCleanlyOnSIGTERM() throws {
        let harness = try ServiceHarness(.servers, workers: 0)
        let password = try #require(try RedisURL(harness.redisURL!).password)
        let worker = try WorkerProcess(harness.workerArguments(id: "settings-test", prefetch: 3))
        let deadline = Date().addingTimeInterval(20)
        while !worker.output.contains("sobel work settings-test") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let startup = worker.output
        #expect(startup.contains("sobel work settings-test") && startup.contains("prefetch 3") && startup.contains(harness.queueName), "\(startup)")
        #expect(!startup.contains(password) && startup.contains(":***@"), "secrets are hidden: \(startup)")

        // It is alive in the store's worker list, then stops on SIGTERM with status 0.
        var listed = false
        while !listed && Date() < deadline {
            listed = try harness.coordinator.store.workers(seenWithin: .seconds(10)).contains { $0.id == "settings-test" }
            if !listed { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(listed, "the worker's heartbeat is listed")
        worker.signal(SIGTERM)
        #expect(worker.waitForExit(timeout: 15) == 0, "\(worker.output)")
        #expect(worker.output.contains("stopped after 0 tiles"))
    }

    @Test func settingsComeFromTheEnvironmentToo() throws {
        let harness = try ServiceHarness(.servers, workers: 0)
        let worker = try WorkerProcess(
            ["--id", "env-test"],
            environment: [
                "SOBEL_AMQP_URL": harness.amqpURL!, "SOBEL_REDIS_URL": harness.redisURL!, "SOBEL_QUEUE": harness.queueName,
                "SOBEL_KEY_PREFIX": harness.keyPrefix, "SOBEL_CONCURRENCY": "2", "SOBEL_PREFETCH": "5",
            ]
        )
        let deadline = Date().addingTimeInterval(20)
        while !worker.output.contains("sobel work env-test") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(worker.output.contains("concurrency 2, prefetch 5") && worker.output.contains(harness.queueName), "\(worker.output)")
        // `timeout` and other supervisors signal the process and its group: one request, twice at once.
        worker.signal(SIGTERM)
        worker.signal(SIGTERM)
        #expect(worker.waitForExit(timeout: 15) == 0, "a duplicated SIGTERM is one request: \(worker.output)")
    }

    @Test func servesMetricsAndHealthAndLogsJSON() throws {
        let harness = try ServiceHarness(.servers, workers: 0)
        let port = try Loopback.freePort()
        let worker = try WorkerProcess(harness.workerArguments(id: "metrics-test") + ["--metrics-port", String(port), "--log-format", "json"])
        Loopback.waitUntilAnswering(port: port)
        let health = try #require(Loopback.get(port: port, path: "/healthz"), "\(worker.output)")
        #expect(health.status == 200 && health.body.contains("\"worker\":\"metrics-test\""), "\(health)")

        var generator = SeededGenerator(seed: 5)
        let (record, _) = try harness.run(Image.random(width: 64, height: 48, using: &generator), JobOptions(tileSize: .strips(rows: 16)))
        #expect(record.status == .done)
        let metrics = PrometheusText(try #require(Loopback.get(port: port, path: "/metrics")).body)
        #expect(metrics.value(ServiceMetrics.tilesProcessedName) == 3)
        #expect(metrics.value("\(ServiceMetrics.stageDurationName)_count", ["stage": "compute"]) == 3)
        #expect(metrics.value(ServiceMetrics.bytesSentName, ["kind": "tile"]) == Double(64 * 48))
        #expect(Loopback.get(port: port, path: "/nothing")?.status == 404)

        worker.signal(SIGTERM)
        #expect(worker.waitForExit(timeout: 15) == 0, "\(worker.output)")
        // Every line of its log is one JSON object with a level, logger and message.
        let lines = worker.output.split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["logger"] is String && object?["message"] is String, "\(line)")
        }
    }

    @Test(arguments: [
        ([String](), "SOBEL_AMQP_URL"),
        (["--amqp-url", "amqp://u:p@127.0.0.1:1/%2F"], "both"),
        (["--amqp-url", "amqp://127.0.0.1/%2F", "--redis-url", "redis://127.0.0.1/0"], "no user and password"),
        (["--amqp-url", "amqp://u:p@h/%2F", "--redis-url", "redis://h/0", "--concurrency", "0"], "--concurrency"),
    ])
    func misconfigurationIsAUsageError(_ arguments: [String], _ mention: String) throws {
        let worker = try WorkerProcess(arguments)
        #expect(worker.waitForExit(timeout: 20) == 2)
        #expect(worker.output.contains(mention), "\(worker.output)")
    }

    @Test func anUnreachableBrokerFailsWithOneLine() throws {
        let worker = try WorkerProcess(["--amqp-url", "amqp://u:p@127.0.0.1:9/%2F", "--redis-url", "redis://127.0.0.1:9/0"])
        #expect(worker.waitForExit(timeout: 60) == 1)
        #expect(worker.output.contains("RabbitMQ is unreachable"), "\(worker.output)")
    }
}
