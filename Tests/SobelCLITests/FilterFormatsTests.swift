import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// `sobel filter` with PNG and JPEG files, as a real process.
@Suite struct FilterFormatsTests {
    static let fixtures = Repository.root.appendingPathComponent("Fixtures")

    func bytes(_ path: String) throws -> [UInt8] { try Array(Data(contentsOf: Self.fixtures.appendingPathComponent(path))) }

    @Test func jpegInPngOutWithDefaults() throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("edges.png")
        let result = try SobelProcess.run(["filter", "Fixtures/exif-orientation/Landscape_6.jpg", "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try Array(Data(contentsOf: output))
        #expect(ImageFormat.detect(written) == .png)
        let expected = try Pipeline.default.run(on: JPEG.decode(bytes("exif-orientation/Landscape_6.jpg")))
        let edges = try PNG.decode(written)
        #expect(edges == expected)
        #expect(edges.width == 1800 && edges.height == 1200, "EXIF orientation applied")
    }

    @Test func formatFlagAndOrientationSwitch() throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("edges.out")
        let result = try SobelProcess.run([
            "filter", "Fixtures/exif-orientation/Landscape_6.jpg", "-o", output.path,
            "--format", "jpeg", "--quality", "80", "--ignore-orientation",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try Array(Data(contentsOf: output))
        #expect(ImageFormat.detect(written) == .jpeg)
        let edges = try JPEG.decode(written)
        #expect(edges.width == 1200 && edges.height == 1800 && edges.channels == 1)
    }

    @Test func pngInputAndEveryCompressionPreset() throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = try Pipeline.default.run(on: PNG.decode(bytes("pngsuite/basn6a16.png")))
        for preset in ["fast", "balanced", "smallest"] {
            let output = folder.appendingPathComponent("\(preset).png")
            let result = try SobelProcess.run(["filter", "Fixtures/pngsuite/basn6a16.png", "-o", output.path, "--png-compression", preset])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try PNG.decode(Array(Data(contentsOf: output))) == expected, "\(preset)")
        }
    }

    @Test func limitsAndDamagedFilesExit1() throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("edges.png")
        let tooBig = try SobelProcess.run(["filter", "Fixtures/jpeg/testorig.jpg", "-o", output.path, "--max-pixels", "1000"])
        #expect(tooBig.status == 1 && tooBig.stderr.contains("testorig.jpg") && tooBig.stderr.contains("exceed the limit of 1000 pixels"))
        let twelveBit = try SobelProcess.run(["filter", "Fixtures/jpeg/monkey12.jpg", "-o", output.path])
        #expect(twelveBit.status == 1 && twelveBit.stderr.contains("12-bit"), "\(twelveBit.stderr)")
        let corrupt = try SobelProcess.run(["filter", "Fixtures/pngsuite/xcrn0g04.png", "-o", output.path])
        #expect(corrupt.status == 1 && corrupt.stderr.contains("xcrn0g04.png"), "\(corrupt.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let badQuality = try SobelProcess.run(["filter", "Fixtures/jpeg/testorig.jpg", "-o", output.path, "--quality", "0"])
        #expect(badQuality.status == 2 && badQuality.stderr.contains("--quality"))
        let badPreset = try SobelProcess.run(["filter", "Fixtures/jpeg/testorig.jpg", "-o", output.path, "--png-compression", "max"])
        #expect(badPreset.status == 2 && badPreset.stderr.contains("--png-compression"))
    }
}
