import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// A real browser (headless Chromium through Selenium, `Tests/Browser/upload_test.py`) uploads a photo on
/// the page served by `sobel serve` and downloads exactly the expected edges.
@Suite struct BrowserTests {
    @Test func aBrowserUploadsAPhotoAndDownloadsTheEdges() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sobel-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = try ImageCodec.decode(try Fixtures.bytes("photos/photo-1001x701.ppm"))
        let upload = folder.appendingPathComponent("photo.png")
        let downloaded = folder.appendingPathComponent("downloaded.png")
        try Data(try ImageCodec.encode(photo, options: .png(.default))).write(to: upload)

        let port = try Loopback.freePort()
        let server = Process()
        server.executableURL = SobelBinary.url
        server.arguments = ["serve", "--port", String(port), "--workers", "2"]
        server.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SOBEL_") }
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL) }
        Loopback.waitUntilAnswering(port: port)

        let (status, text) = try Tool.run([
            "python3", Repository.root.appendingPathComponent("Tests/Browser/upload_test.py").path,
            "http://127.0.0.1:\(port)/", upload.path, downloaded.path, folder.appendingPathComponent("page.png").path,
        ])
        #expect(status == 0, "the browser test (chromium, chromium-driver and selenium come from scripts/test.sh): \(text)")
        #expect(text.contains("OK:"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("page.png").path), "a screenshot was taken")
        // The page's defaults: gray, Sobel L2, reflect101, PNG.
        let bytes = try [UInt8](Data(contentsOf: downloaded))
        #expect(ImageFormat.detect(bytes) == .png)
        #expect(try ImageCodec.decode(bytes) == Pipeline.default.run(on: photo), "the downloaded edges are exact")
    }
}
