import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SobelCodecs
import SobelCore
import SobelService
import SobelServiceTestSupport
import SobelTestSupport
import SobelWeb
import Testing

/// The API over real sockets: through real RabbitMQ and Redis with `sobel work` processes, under 20
/// concurrent uploads, and refusing an over-limit upload before reading it all.
@Suite struct LiveTests {
    @Test func anUploadThroughRealServersIsBitExact() async throws {
        let harness = try ServiceHarness(.servers, workers: 2, deadline: .seconds(60))
        let app = buildApplication(coordinator: harness.coordinator, isEmbedded: false, settings: WebSettings(port: 0), logger: RouterTests.quiet)
        try await app.test(.live) { client in
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/jobs?wait=true&magnitude=classic",
                method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: RouterTests.png)
            ) { response in
                #expect(response.status == .ok)
                let image = try ImageCodec.decode(Array(buffer: response.body))
                let expected = try Pipeline(parsing: "gray,sobel:classic").run(on: RouterTests.photo)
                #expect(image == expected)
            }
        }
    }

    @Test func twentyConcurrentUploadsAllComeBackRight() async throws {
        let (app, _, service) = RouterTests.app()
        defer { withExtendedLifetime(service) {} }
        var generator = SeededGenerator(seed: 91)
        let images = (0..<20).map { index in Image.random(width: 60 + index * 7, height: 40 + index * 3, format: .rgb8, using: &generator) }
        let uploads = try images.map { try ImageCodec.encode($0, options: .png(.default)) }
        try await app.test(.live) { client in
            try await withThrowingTaskGroup(of: (Int, Image?).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.execute(
                            uri: "/api/v1/jobs?wait=true&magnitude=l1",
                            method: .post,
                            headers: [.contentType: "image/png"],
                            body: ByteBuffer(bytes: uploads[index])
                        ) { response in
                            (index, response.status == .ok ? try ImageCodec.decode(Array(buffer: response.body)) : nil)
                        }
                    }
                }
                var answered = 0
                for try await (index, image) in group {
                    answered += 1
                    let expected = try Pipeline(parsing: "gray,sobel:l1").run(on: images[index])
                    #expect(image == expected, "upload \(index)")
                }
                #expect(answered == 20)
            }
        }
    }

    @Test func anOverLimitUploadIsRefusedBeforeItIsReadWhole() async throws {
        let limit = 1 << 20
        let declared = 64 << 20
        let (app, _, service) = RouterTests.app(settings: WebSettings(port: 0, maxUploadBytes: limit))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let (sent, answer) = try Self.streamUpload(port: port, declaredLength: declared)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
            #expect(sent < 16 << 20, "the server answered after \(sent) of \(declared) bytes, not after reading them all")
        }
    }

    /// Sends a POST declaring `declaredLength` bytes, in 64 KiB pieces, until the server answers or closes.
    /// - Returns: The body bytes the server let through before answering, and the start of its answer.
    static func streamUpload(port: Int, declaredLength: Int) throws -> (Int, String) {
        guard let fd = Loopback.connect(port: port) else { throw SetupFailure("cannot connect to port \(port)") }
        defer { close(fd) }
        var sendBuffer: Int32 = 64 << 10  // a small send buffer, so that "sent" is close to what the server took
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))
        let head = "POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: \(declaredLength)\r\n\r\n"
        _ = head.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        let piece = [UInt8](repeating: 0x89, count: 64 << 10)
        var sent = 0
        while sent < declaredLength {
            var poll = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if Glibc.poll(&poll, 1, 0) > 0 { break }  // the server has answered (or closed)
            let written = piece.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { break }
            sent += written
        }
        var answer = [UInt8](repeating: 0, count: 4096)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let read = recv(fd, &answer, answer.count, 0)
        return (sent, String(decoding: answer.prefix(max(0, read)), as: UTF8.self))
    }
}
