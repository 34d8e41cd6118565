import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// The README's library example, line for line, on a fixture.
@Suite struct ReadmeExampleTests {
    @Test func theFiveLinesWork() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = CodecFixtures.root.appendingPathComponent("exif-orientation/Portrait_3.jpg").path
        let output = folder.appendingPathComponent("edges.png").path

        let photo = try ImageCodec.decode(Data(contentsOf: URL(fileURLWithPath: input)))
        let edges = try Pipeline(parsing: "gray,blur:5,sobel:l2,threshold:80").run(on: photo, threads: 4)
        try Data(ImageCodec.encode(edges, options: .png(.fast))).write(to: URL(fileURLWithPath: output))
        let (gx, gy) = photo.derivatives(kernel: .sobel, border: .reflect101)

        #expect(photo.width == 1200 && photo.height == 1800 && photo.channels == 3)
        #expect(try PNG.decode(Data(contentsOf: URL(fileURLWithPath: output))) == edges)
        #expect(Set(edges.pixels) == [0, 255])
        #expect(gx.width == 1200 && gy.height == 1800)
    }
}
