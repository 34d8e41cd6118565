import Foundation
import SobelCodecs
import SobelCore
import SobelTestServers
import SobelTestSupport
import Testing

/// A real browser (headless Chromium through Selenium, `Tests/Browser/upload_test.py`) uploads a photo on
/// the page served by `sobel serve` and gets back exactly the expected image.
@Suite struct BrowserTests {
    @Test func aBrowserUploadsAPhotoAndDownloadsTheEdges() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sobel-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = try ImageCodec.decode(try Fixtures.bytes("photos/photo-1001x701.ppm"))
        let upload = folder.appendingPathComponent("photo.png"), expected = folder.appendingPathComponent("expected.png")
        try Data(try ImageCodec.encode(photo, options: .png(.default))).write(to: upload)
        // The page's defaults: gray, Sobel L2, reflect101, PNG.
        try Data(try ImageCodec.encode(try Pipeline.default.run(on: photo), options: .png(.default))).write(to: expected)

        let port = try Self.freePort()
        let server = Process()
        server.executableURL = SobelBinary.url
        server.arguments = ["serve", "--port", String(port), "--workers", "2"]
        server.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SOBEL_") }
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL) }
        let ready = Date().addingTimeInterval(20)
        while !Self.answers(port: port) && Date() < ready { usleep(50_000) }

        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        browser.arguments = ["python3", TestServer.repositoryRoot.appendingPathComponent("Tests/Browser/upload_test.py").path,
                             "http://127.0.0.1:\(port)/", upload.path, expected.path, folder.appendingPathComponent("page.png").path]
        let output = Pipe()
        browser.standardOutput = output
        browser.standardError = output
        try browser.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        browser.waitUntilExit()
        #expect(browser.terminationStatus == 0, "the browser test (chromium, chromium-driver and selenium come from scripts/test.sh): \(text)")
        #expect(text.contains("OK:"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("page.png").path), "a screenshot was taken")
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw SetupFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func answers(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
