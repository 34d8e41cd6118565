import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// `Expect: 100-continue` (curl sends it with every upload over 1 MiB, then waits up to a second for an answer
/// before sending the body anyway): a real `sobel serve` answers `100 Continue` before any of the body arrives, or
/// refuses a body over the limit at once.
@Suite struct ExpectContinueTests {
    /// Sends a request head that asks to continue, and nothing of its body.
    static func askToContinue(port: Int, declaring length: Int, query: String = "") throws -> Int32 {
        let socket = try #require(Loopback.connect(port: port))
        let head =
            "POST /api/v1/jobs\(query) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
            + "Content-Length: \(length)\r\nExpect: 100-continue\r\n\r\n"
        try StreamedUploadTests.sendAll(socket, Array(head.utf8))
        return socket
    }

    /// The first response head on the connection (within 5 seconds), without reading further.
    static func firstHead(_ socket: Int32) -> String {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var byte: UInt8 = 0
        while received.firstRange(of: Array("\r\n\r\n".utf8)) == nil, recv(socket, &byte, 1, 0) == 1 { received.append(byte) }
        return String(decoding: received, as: UTF8.self)
    }

    /// Expects `100 Continue` next on the connection, then sends the upload and expects its job's result.
    static func expectContinueThenResult(_ socket: Int32) throws {
        let body = StreamedUploadTests.png
        let interim = Self.firstHead(socket)
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue"), "\(interim)")
        try StreamedUploadTests.sendAll(socket, body)
        let (head, result) = StreamedUploadTests.answer(socket)
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
        #expect(try ImageCodec.decode(result) == Pipeline.default.run(on: StreamedUploadTests.image))
    }

    @Test func anUploadThatAsksToContinueIsToldToAndCompletes() throws {
        let server = try ServeProcess(["--workers", "1"])
        defer { withExtendedLifetime(server) {} }
        let socket = try Self.askToContinue(port: server.port, declaring: StreamedUploadTests.png.count, query: "?wait=true")
        defer { close(socket) }
        try Self.expectContinueThenResult(socket)
    }

    /// A pipelined request that asks to continue, read while the one before it is still being answered, gets its
    /// `100 Continue` after that answer, never in front of it.
    @Test func aPipelinedRequestIsToldToContinueOnlyAfterTheAnswerBeforeIt() throws {
        let server = try ServeProcess(["--workers", "1"])
        defer { withExtendedLifetime(server) {} }
        let socket = try #require(Loopback.connect(port: server.port))
        defer { close(socket) }
        let requests =
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            + "POST /api/v1/jobs?wait=true HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
            + "Content-Length: \(StreamedUploadTests.png.count)\r\nExpect: 100-continue\r\n\r\n"
        try StreamedUploadTests.sendAll(socket, Array(requests.utf8))
        let first = Self.firstHead(socket)
        #expect(first.hasPrefix("HTTP/1.1 200"), "the first answer is the first request's: \(first)")
        let length =
            first.lowercased().split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        var remaining = [UInt8](repeating: 0, count: length)
        #expect(length == 0 || recv(socket, &remaining, length, Int32(MSG_WAITALL)) == length)
        try Self.expectContinueThenResult(socket)
    }

    @Test func aBodyOverTheLimitIsRefusedWithoutBeingAskedFor() throws {
        let server = try ServeProcess(["--workers", "1", "--max-upload-mb", "1"])
        defer { withExtendedLifetime(server) {} }
        let socket = try Self.askToContinue(port: server.port, declaring: 2 << 20)
        defer { close(socket) }
        let head = Self.firstHead(socket)
        #expect(head.hasPrefix("HTTP/1.1 413"), "no 100 Continue, and the refusal before any body byte: \(head)")
    }
}
