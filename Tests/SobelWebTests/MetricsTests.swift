import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import SobelCodecs
import SobelCore
import SobelTestSupport
import SobelWeb
import Testing

@testable import SobelService

/// `/metrics` of the coordinator and of the worker listener, and the Grafana dashboard's queries.
@Suite struct MetricsTests {
    /// An embedded service and an app whose `/metrics` exports a registry of their own.
    static func app(
        workers: Bool = true,
        deadline: Duration = .seconds(30)
    )
        -> (some ApplicationProtocol, EmbeddedService?, Coordinator)
    {
        let registry = PrometheusCollectorRegistry()
        let metrics = ServiceMetrics(factory: PrometheusMetricsFactory.sobel(registry: registry))
        let settings = ServiceSettings(deadline: deadline, chunkBytes: 8 << 10)
        let service = workers ? EmbeddedService(workers: 2, settings: settings, metrics: metrics, logger: RouterTests.quiet) : nil
        let coordinator =
            service?.coordinator
            ?? Coordinator(queue: InMemoryJobQueue(), store: InMemoryTileStore(), settings: settings, metrics: metrics, logger: RouterTests.quiet)
        let app = buildApplication(coordinator: coordinator, isEmbedded: true, settings: WebSettings(), metrics: registry, logger: RouterTests.quiet)
        return (app, service, coordinator)
    }

    static func scrape(_ client: some TestClientProtocol) async throws -> PrometheusText {
        try await client.execute(uri: "/metrics", method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            return PrometheusText(String(buffer: response.body))
        }
    }

    @Test func aJobIsCountedInEveryStageAndByteCounter() async throws {
        let (app, service, coordinator) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            let before = try await Self.scrape(client)
            #expect(before.value(ServiceMetrics.jobsAcceptedName) == 0 && before.value(ServiceMetrics.workersAliveName) == 1)
            let resultBytes = try await client.execute(
                uri: "/api/v1/jobs?wait=true",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: RouterTests.png)
            ) { response in
                #expect(response.status == .ok)
                return response.body.readableBytes
            }
            let after = try await Self.scrape(client)
            let plan = try coordinator.settings.rounds(width: RouterTests.photo.width, height: RouterTests.photo.height, options: JobOptions())[0]
                .plan
            #expect(plan.count > 1, "the photo is cut into several chunks")
            #expect(after.value(ServiceMetrics.jobsAcceptedName) == 1)
            #expect(after.value(ServiceMetrics.jobsDoneName) == 1)
            #expect(after.value(ServiceMetrics.tilesProcessedName) == Double(plan.count))
            #expect(after.value(ServiceMetrics.bytesReceivedName, ["kind": "upload"]) == Double(RouterTests.png.count))
            #expect(after.value(ServiceMetrics.bytesSentName, ["kind": "result"]) == Double(resultBytes))
            #expect(after.value(ServiceMetrics.bytesSentName, ["kind": "tile"]) == Double(RouterTests.photo.width * RouterTests.photo.height))
            for stage in ServiceMetrics.Stage.allCases {
                let perTile = [.queueWait, .compute, .store].contains(stage)
                #expect(
                    after.value("\(ServiceMetrics.stageDurationName)_count", ["stage": stage.rawValue]) == Double(perTile ? plan.count : 1),
                    "\(stage)"
                )
            }
            #expect((after.value("\(ServiceMetrics.stageDurationName)_sum", ["stage": "total"]) ?? 0) > 0)
            #expect(after.value(ServiceMetrics.queueDepthName) == 0 && after.value(ServiceMetrics.jobsRunningName) == 0)
        }
    }

    @Test func aFailedJobIsCountedByItsReason() async throws {
        let (app, _, coordinator) = Self.app(workers: false, deadline: .seconds(1))
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: RouterTests.png)
            ) { #expect($0.status == .accepted) }
            let queued = try await Self.scrape(client)
            #expect((queued.value(ServiceMetrics.queueDepthName) ?? 0) > 0 && queued.value(ServiceMetrics.workersAliveName) == 0)
            while coordinator.runningJobs > 0 { try await Task.sleep(for: .milliseconds(50)) }
            let failed = try await Self.scrape(client)
            #expect(failed.value(ServiceMetrics.jobsFailedName, ["reason": "deadline"]) == 1)
            #expect(failed.value(ServiceMetrics.jobsFailedName, ["reason": "encode"]) == 0)
            #expect(failed.value(ServiceMetrics.jobsDoneName) == 0)
        }
    }

    @Test func labelValuesAreBoundedNeverJobIds() async throws {
        let (app, service, _) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(
                    uri: "/api/v1/jobs?wait=true",
                    method: .post,
                    headers: [.contentType: "image/png"],
                    body: ByteBuffer(bytes: RouterTests.png)
                ) { #expect($0.status == .ok) }
            }
            let scrape = try await Self.scrape(client)
            let allowed: [String: Set<String>] = [
                "stage": Set(ServiceMetrics.Stage.allCases.map(\.rawValue)), "reason": Set(JobFailureReason.allCases.map(\.rawValue)),
                "kind": ["upload", "chunk", "result", "tile"], "le": [],
            ]
            for sample in scrape.samples where sample.name.hasPrefix("sobel_") {
                #expect(sample.name.range(of: "^[a-z_]+$", options: .regularExpression) != nil, "\(sample.name)")
                for (label, value) in sample.labels where label != "le" {
                    #expect(allowed[label]?.contains(value) == true, "\(sample.name){\(label)=\"\(value)\"}")
                }
            }
        }
    }

    /// Every metric a panel of `deploy/grafana/dashboards/sobel.json` queries is one we export.
    @Test func theDashboardQueriesOnlyMetricsWeExport() async throws {
        let (app, service, _) = Self.app()
        defer { withExtendedLifetime(service) {} }
        let exported = try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs?wait=true",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: RouterTests.png)
            ) { #expect($0.status == .ok) }
            return try await Self.scrape(client).names
        }
        let dashboard = try #require(
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: Self.repository.appendingPathComponent(
                        "deploy/grafana/dashboards/sobel.json"
                    )
                )
            ) as? [String: Any]
        )
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= 10)
        let titles = panels.compactMap { $0["title"] as? String }.joined(separator: " | ").lowercased()
        for topic in ["throughput", "latency", "queue depth", "failures", "workers"] { #expect(titles.contains(topic), "a panel on \(topic)") }
        let builtIn: Set<String> = ["up"]  // Prometheus's own scrape metric
        for expression in expressions {
            let selectors = Self.matches(of: "\\b([a-z_:][a-z0-9_:]*)\\s*[\\[{]", in: expression)
                .union(Self.matches(of: "\\b(sobel_[a-z0-9_]+)", in: expression))
            #expect(!selectors.isEmpty, "\(expression)")
            for name in selectors where !builtIn.contains(name) {
                #expect(exported.contains(name), "the dashboard queries \(name), which /metrics does not export (\(expression))")
            }
        }
    }

    @Test func theWorkerListenerAnswersHealthAndMetrics() async throws {
        let registry = PrometheusCollectorRegistry()
        let service = EmbeddedService(
            workers: 1,
            metrics: ServiceMetrics(factory: PrometheusMetricsFactory.sobel(registry: registry)),
            logger: RouterTests.quiet
        )
        defer { withExtendedLifetime(service) {} }
        let listener = buildWorkerListener(worker: service.worker, registry: registry, host: "127.0.0.1", port: 0, logger: RouterTests.quiet)
        let id = try service.coordinator.submit(RouterTests.photo)
        _ = try service.coordinator.wait(for: id, timeout: .seconds(30))
        try await listener.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try RouterTests.json(response)
                #expect(body["status"] as? String == "ok" && body["worker"] as? String == "embedded" && body["connected_consumers"] as? Int == 1)
            }
            let scrape = try await Self.scrape(client)
            #expect((scrape.value(ServiceMetrics.tilesProcessedName) ?? 0) >= 1)
            service.stop()
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .serviceUnavailable) }
        }
    }

    static let repository = Repository.root

    static func matches(of pattern: String, in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: pattern)
        return Set(
            regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).map { String(text[$0]) }
            }
        )
    }
}
