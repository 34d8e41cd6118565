import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SobelCodecs
import SobelCore
import SobelService
import SobelTestSupport
import SobelWeb
import Testing

/// Every endpoint and error status of the JSON API, through the router (`app.test(.router)`).
@Suite struct RouterTests {
    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }

    /// An app over the embedded service (with workers) or a coordinator without any (jobs never finish).
    /// The service is returned too: its workers stop when it is released.
    static func app(
        workers: Bool = true,
        settings: WebSettings = WebSettings(),
        deadline: Duration = .seconds(30)
    )
        -> (some ApplicationProtocol, Coordinator, EmbeddedService?)
    {
        let service = workers ? EmbeddedService(workers: 2, settings: ServiceSettings(deadline: deadline), logger: quiet) : nil
        let coordinator =
            service?.coordinator
            ?? Coordinator(queue: InMemoryJobQueue(), store: InMemoryTileStore(), settings: ServiceSettings(deadline: deadline), logger: quiet)
        return (buildApplication(coordinator: coordinator, isEmbedded: true, settings: settings, logger: quiet), coordinator, service)
    }

    static let photo: Image = {
        var generator = SeededGenerator(seed: 81)
        return Image.random(width: 150, height: 90, format: .rgb8, using: &generator)
    }()
    static let png = try! ImageCodec.encode(photo, options: .png(.default))

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(Array(buffer: response.body))) as? [String: Any])
    }

    @Test func healthAndReadiness() async throws {
        let (app, _, service) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                #expect(body["mode"] as? String == "embedded")
            }
        }
    }

    @Test func anUploadRunsAJobWhoseResultIsBitExact() async throws {
        let (app, _, service) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            let created = try await client.execute(
                uri: "/api/v1/jobs?magnitude=l1&blur=3&border=replicate",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { response in
                #expect(response.status == .accepted)
                #expect(response.headers[.location]?.hasPrefix("/api/v1/jobs/") == true)
                return try Self.json(response)
            }
            let id = try #require(created["id"] as? String)
            #expect(created["result_url"] as? String == "/api/v1/jobs/\(id)/result")
            var status = ""
            for _ in 0..<200 where status != "done" {
                status = try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get) { try Self.json($0)["status"] as? String ?? "" }
                if status != "done" { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(status == "done")
            try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/png")
                let expected = try Pipeline(parsing: "gray,blur:3,sobel:l1,border:replicate").run(on: Self.photo)
                let image = try ImageCodec.decode(Array(buffer: response.body))
                #expect(image == expected)
            }
        }
    }

    /// Global steps through the API: `pipeline=` and the simple options `contrast` and `threshold=otsu`; the
    /// status reports the result's statistics.
    @Test(arguments: [
        ("pipeline=gray,blur:5,sobel:l1,normalize,blur:3,threshold:otsu", "gray,blur:5,sobel:l1,normalize,blur:3,threshold:otsu"),
        ("contrast=equalize&threshold=otsu&magnitude=l1", "gray,sobel:l1,equalize,threshold:otsu"),
        ("contrast=normalize", "gray,sobel:l2,normalize"),
    ])
    func globalStepsRunAndTheStatusHasStatistics(_ query: String, _ pipelineText: String) async throws {
        let (app, _, service) = Self.app()
        defer { withExtendedLifetime(service) {} }
        let pipeline = try Pipeline(parsing: pipelineText)
        let expected = try pipeline.run(on: Self.photo)
        try await app.test(.router) { client in
            let created = try await client.execute(
                uri: "/api/v1/jobs?\(query)",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { try Self.json($0) }
            let id = try #require(created["id"] as? String, "\(created)")
            var status: [String: Any] = [:]
            for _ in 0..<400 where status["status"] as? String != "done" {
                status = try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get) { try Self.json($0) }
                if status["status"] as? String != "done" { try await Task.sleep(for: .milliseconds(20)) }
            }
            let statistics = try #require(status["statistics"] as? [String: Any], "\(status)")
            let histogram = Histogram(expected)
            #expect(statistics["min"] as? Int == Int(histogram.minimum!) && statistics["max"] as? Int == Int(histogram.maximum!))
            #expect(abs((statistics["mean"] as? Double ?? -1) - histogram.mean!) < 1e-9)
            #expect((statistics["otsu_threshold"] != nil) == pipelineText.contains("otsu"), "\(statistics)")
            try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get) { response in
                let image = try ImageCodec.decode(Array(buffer: response.body))
                #expect(image == expected, "\(pipelineText)")
            }
        }
    }

    @Test func waitTrueAnswersWithTheImage() async throws {
        let (app, _, service) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs?wait=true&format=pgm&pipeline=gray,scharr:l2",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/x-portable-graymap")
                let image = try ImageCodec.decode(Array(buffer: response.body))
                let expected = try Pipeline(parsing: "gray,scharr:l2").run(on: Self.photo)
                #expect(image == expected)
            }
        }
    }

    @Test(arguments: [
        ("magnitude=l3", "magnitude"), ("border=mirror", "border"), ("blur=4", "blur"), ("threshold=300", "threshold"),
        ("format=gif", "format"), ("pipeline=gray,sobl", "pipeline"), ("colour=red", "colour"), ("pipeline=gray&magnitude=l1", "magnitude"),
        ("format=jpeg&quality=0", "quality"), ("wait=maybe", "wait"), ("contrast=loud", "contrast"), ("threshold=otsu2", "threshold"),
        ("pipeline=gray,sobel,normalize&contrast=equalize", "contrast"),
    ])
    func badOptionsAre400NamingTheOption(_ query: String, _ option: String) async throws {
        let (app, _, service) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs?\(query)",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { response in
                #expect(response.status == .badRequest)
                let body = try Self.json(response)
                #expect(body["error"] as? String == "bad_option" && (body["message"] as? String ?? "").contains("'\(option)'"))
            }
        }
    }

    @Test func tooLargeUploadsAre413() async throws {
        let (app, _, service) = Self.app(settings: WebSettings(maxUploadBytes: 1000))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { response in
                #expect(response.status == .contentTooLarge)
                let body = try Self.json(response)
                #expect(body["error"] as? String == "too_large")
            }
        }
        // Too many pixels per the header, refused before decoding.
        let (limited, _, service2) = Self.app()
        defer { withExtendedLifetime(service2) {} }
        let huge = try ImageCodec.encode(try Image(width: 20_000, height: 6_000), options: .png(.default))
        try await limited.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: huge)
            ) { response in
                #expect(response.status == .contentTooLarge)
                let body = try Self.json(response)
                #expect((body["message"] as? String ?? "").contains("pixels"))
            }
        }
    }

    @Test func nonImagesAre415() async throws {
        let (app, _, service) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(string: "GIF89a not really")
            ) { #expect($0.status == .unsupportedMediaType) }
            try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "text/plain"],
                body: ByteBuffer(bytes: Self.png)
            ) { #expect($0.status == .unsupportedMediaType) }
        }
    }

    @Test func statsCountJobsAndQueue() async throws {
        let (app, _, service) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs?wait=true",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/stats", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                let jobs = try #require(body["jobs"] as? [String: Int])
                #expect(jobs["accepted"] == 1 && jobs["done"] == 1 && jobs["failed"] == 0)
                #expect(body["queue_depth"] as? Int == 0 && body["workers"] as? Int == 1 && body["tiles_per_second"] != nil)
            }
        }
    }

    @Test func theTokenIsRequiredWhenSet() async throws {
        let (app, _, service) = Self.app(settings: WebSettings(apiToken: "s3cret-token"))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/workers", method: .get) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: [.authorization: "Bearer wrong-token!"]) {
                #expect($0.status == .unauthorized)
            }
            for scheme in ["Bearer", "bearer", "BEARER"] {
                try await client.execute(uri: "/api/v1/workers", method: .get, headers: [.authorization: "\(scheme) s3cret-token"]) {
                    #expect($0.status == .ok, "the scheme '\(scheme)' is case-insensitive (RFC 9110 §11.1)")
                }
            }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: [.authorization: "Basic s3cret-token"]) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.xContentTypeOptions] == "nosniff", "errors are nosniff too")
            }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: [.authorization: "Bearer s3cret-token"]) {
                #expect($0.headers[.xContentTypeOptions] == "nosniff" && $0.headers[.contentType] == "application/json")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok, "health checks need no token") }
        }
    }

    @Test(arguments: ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "7C9E6679-7425-40DE-944B-E07FC1F90AE7x"])
    func unknownOrMalformedJobsAre404(_ id: String) async throws {
        let (app, _, service) = Self.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func aRunningJobsResultIs409AndAFullQueueIs503() async throws {
        let (app, coordinator, service) = Self.app(workers: false, settings: WebSettings(maxQueueDepth: 0))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            let id = try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { try Self.json($0)["id"] as? String ?? "" }
            try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get) { response in
                let body = try Self.json(response)
                #expect(response.status == .conflict && body["error"] as? String == "not_ready")
            }
            var depth = 0
            for _ in 0..<100 where depth == 0 {
                depth = try coordinator.queue.depth()
                if depth == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { response in
                #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] != nil)
            }
        }
    }

    @Test func aFailedJobsResultSaysWhy() async throws {
        let (app, _, service) = Self.app(workers: false, deadline: .seconds(1))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs?wait=true",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Self.png)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try Self.json(response)
                #expect((body["message"] as? String ?? "").contains("deadline"))
            }
        }
    }
}
