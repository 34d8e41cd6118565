import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// A real browser (headless Chromium through Selenium, `Tests/Browser/upload_test.py`) uploads a photo on
/// the page served by `sobel serve` and downloads exactly the expected edges; on a server with an API token it
/// signs in first.
@Suite struct BrowserTests {
    @Test(arguments: [nil, "s3cret-browser-token"])
    func aBrowserUploadsAPhotoAndDownloadsTheEdges(token: String?) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sobel-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = try ImageCodec.decode(try Fixtures.bytes("photos/photo-1001x701.ppm"))
        let upload = folder.appendingPathComponent("photo.png")
        let downloaded = folder.appendingPathComponent("downloaded.png")
        try Data(try ImageCodec.encode(photo, options: .png(.default))).write(to: upload)

        let server = try ServeProcess(["--workers", "2"] + (token.map { ["--api-token", $0] } ?? []))
        let script = Repository.root.appendingPathComponent("Tests/Browser/upload_test.py").path
        let (status, text) = try Tool.run(
            ["python3", script, "http://127.0.0.1:\(server.port)/", upload.path, downloaded.path, folder.path] + (token.map { [$0] } ?? [])
        )
        #expect(status == 0, "the browser test (chromium, chromium-driver and selenium come from scripts/test.sh): \(text)")
        #expect(text.contains("OK:"))
        for screenshot in ["initial.png", "result.png"] + (token == nil ? [] : ["signin.png"]) {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(screenshot).path), "\(screenshot) was taken")
        }
        if let keep = ProcessInfo.processInfo.environment["SOBEL_TEST_SCREENSHOTS"] {
            for name in ["initial.png", "result.png", "signin.png"] {
                try? FileManager.default.copyItem(
                    at: folder.appendingPathComponent(name),
                    to: URL(fileURLWithPath: keep).appendingPathComponent(name)
                )
            }
        }
        // The page's defaults: gray, Sobel L2, reflect101, PNG.
        let bytes = try [UInt8](Data(contentsOf: downloaded))
        #expect(ImageFormat.detect(bytes) == .png)
        #expect(try ImageCodec.decode(bytes) == Pipeline.default.run(on: photo), "the downloaded edges are exact")
    }
}
