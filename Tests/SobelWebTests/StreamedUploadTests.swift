import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// Uploads decoded while they arrive, against a real `sobel serve` process (embedded workers): tiles are done
/// before the last byte is sent, the result is the library's, and a body that turns corrupt part-way gets its
/// 4xx.
@Suite struct StreamedUploadTests {
    /// A 2048×1024 RGB PNG: three chunks of about 1 MiB of gray.
    static let image: Image = {
        var generator = SeededGenerator(seed: 71)
        return Image.random(width: 2048, height: 1024, format: .rgb8, using: &generator)
    }()
    static let png = try! PNG.encode(image, options: .balanced)

    /// Opens a connection and sends the request head and the first `count` bytes of `body`.
    static func startUpload(port: Int, body: [UInt8], sending count: Int, query: String = "") throws -> Int32 {
        let socket = try #require(Loopback.connect(port: port))
        let head = "POST /api/v1/jobs\(query) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: \(body.count)\r\n\r\n"
        try sendAll(socket, Array(head.utf8) + body.prefix(count))
        return socket
    }

    static func sendAll(_ socket: Int32, _ bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            try #require(count > 0, "send failed")
            sent += count
        }
    }

    /// Reads the answer: its head, and its body by its declared length or its chunked encoding; the body is
    /// empty when the server closes the connection before its end.
    static func answer(_ socket: Int32) -> (head: String, body: [UInt8]) {
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
                let fields = head.lowercased().split(separator: "\r\n")
                let length = fields.first { $0.hasPrefix("content-length:") }.flatMap {
                    Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
                }
                if let length, received.count - end.upperBound >= length {
                    return (head, Array(received[end.upperBound..<end.upperBound + length]))
                }
                if fields.contains("transfer-encoding: chunked"), let body = dechunked(received[end.upperBound...]) { return (head, body) }
            }
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer.prefix(count)
        }
        let head = received.firstRange(of: Array("\r\n\r\n".utf8)).map { String(decoding: received[..<$0.lowerBound], as: UTF8.self) }
        return (head ?? String(decoding: received, as: UTF8.self), [])
    }

    /// A chunked body, or `nil` while its last chunk has not arrived.
    static func dechunked(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var body: [UInt8] = []
        var at = bytes.startIndex
        while let lineEnd = bytes[at...].firstRange(of: Array("\r\n".utf8)) {
            guard let size = Int(String(decoding: bytes[at..<lineEnd.lowerBound], as: UTF8.self), radix: 16) else { return nil }
            if size == 0 { return body }
            guard bytes.endIndex - lineEnd.upperBound >= size + 2 else { return nil }
            body += bytes[lineEnd.upperBound..<lineEnd.upperBound + size]
            at = lineEnd.upperBound + size + 2
        }
        return nil
    }

    /// Tiles processed so far, from the server's metrics.
    static func tilesProcessed(port: Int) -> Double {
        let text = Loopback.get(port: port, path: "/metrics")?.body ?? ""
        return text.split(separator: "\n").filter { $0.hasPrefix("sobel_tiles_processed_total") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test func tilesAreDoneBeforeTheLastByteArrives() throws {
        let server = try ServeProcess(["--workers", "2"])
        defer { withExtendedLifetime(server) {} }
        let body = Self.png
        let socket = try Self.startUpload(port: server.port, body: body, sending: body.count * 4 / 5, query: "?wait=true")
        defer { close(socket) }
        let deadline = Date().addingTimeInterval(30)
        while Self.tilesProcessed(port: server.port) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(Self.tilesProcessed(port: server.port) > 0, "a tile was done with a fifth of the upload still to come")
        try Self.sendAll(socket, body[(body.count * 4 / 5)...])
        let (head, result) = Self.answer(socket)
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
        #expect(try ImageCodec.decode(result) == Pipeline.default.run(on: Self.image), "the streamed job's result is the library's")
    }

    /// The deadline counts from the upload's last band: an upload that takes twice the deadline to arrive (its job
    /// started with its first rows) still completes.
    @Test func aSlowUploadIsNotCutShortByTheDeadline() throws {
        let server = try ServeProcess(["--workers", "1", "--deadline", "2"])
        defer { withExtendedLifetime(server) {} }
        let body = Self.png
        let pieces = 8
        let socket = try Self.startUpload(port: server.port, body: body, sending: 0, query: "?wait=true")
        defer { close(socket) }
        for piece in 0..<pieces {
            try Self.sendAll(socket, body[(body.count * piece / pieces)..<(body.count * (piece + 1) / pieces)])
            Thread.sleep(forTimeInterval: 0.5)
        }
        let (head, result) = Self.answer(socket)
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
        #expect(try ImageCodec.decode(result) == Pipeline.default.run(on: Self.image))
    }

    @Test func aBodyThatTurnsCorruptPartWayGetsItsError() throws {
        let server = try ServeProcess(["--workers", "1"])
        defer { withExtendedLifetime(server) {} }
        var body = Self.png
        for index in (body.count / 2)..<(body.count / 2 + 4096) { body[index] ^= 0x5A }
        let socket = try Self.startUpload(port: server.port, body: body, sending: body.count)
        defer { close(socket) }
        let (head, answer) = Self.answer(socket)
        let text = String(decoding: answer, as: UTF8.self)
        #expect(head.hasPrefix("HTTP/1.1 4"), "\(head) \(text)")
        #expect(text.contains("corrupt") || text.contains("CRC") || text.contains("truncated"), "\(text)")
        #expect(Loopback.get(port: server.port, path: "/healthz")?.status == 200)
    }
}
