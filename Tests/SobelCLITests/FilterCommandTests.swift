import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// `sobel filter`, run as a real process.
@Suite struct FilterCommandTests {
    static let photoPath = "Fixtures/photos/photo-1001x701.ppm"

    func photo() throws -> Image {
        try PNM.decode(Array(Data(contentsOf: Repository.root.appendingPathComponent(Self.photoPath))))
    }

    func decodeOutput(_ url: URL) throws -> Image {
        try PNM.decode(Array(Data(contentsOf: url)))
    }

    @Test func defaultsMatchTheLibrary() throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("edges.pgm")
        let result = try SobelProcess.run(["filter", Self.photoPath, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(try decodeOutput(output) == Pipeline.default.run(on: photo()))
    }

    /// Local pipelines, and pipelines with global steps (which reduce the histogram over every tile first).
    @Test(arguments: ["gray,blur:5,sobel:l1", "gray,sobel:l2,normalize,blur:3,threshold:otsu", "equalize"])
    func everyPlanAndThreadCountGivesTheSameBytes(_ pipeline: String) throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [Data] = []
        for extra in [[], ["--tile", "7x5"], ["--tile", "1x1000", "--threads", "1"], ["--tile", "5000x5000"], ["--threads", "3"]] {
            let output = folder.appendingPathComponent("out-\(outputs.count).pgm")
            let result = try SobelProcess.run(["filter", Self.photoPath, "-o", output.path, "--pipeline", pipeline] + extra)
            #expect(result.status == 0, "\(extra): \(result.stderr)")
            outputs.append(try Data(contentsOf: output))
        }
        #expect(Set(outputs).count == 1)
        let expected = try Pipeline(parsing: pipeline).run(on: photo())
        #expect(try PNM.decode(Array(outputs[0])) == expected)
    }

    @Test func magnitudeAndBorderFlagsChangeThePipeline() throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("edges.pgm")
        let result = try SobelProcess.run(["filter", Self.photoPath, "-o", output.path, "--magnitude", "classic", "--border", "constant"])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try Pipeline([.gray, .gradient(.sobel, .classic)], border: .constant).run(on: photo())
        #expect(try decodeOutput(output) == expected)
    }

    @Test(arguments: [
        (["filter", "x.ppm", "-o", "y.pgm", "--pipeline", "gray,sobl"], "sobl"),
        (["filter", "x.ppm", "-o", "y.pgm", "--magnitude", "l3"], "--magnitude"),
        (["filter", "x.ppm", "-o", "y.pgm", "--border", "wrap"], "--border"),
        (["filter", "x.ppm", "-o", "y.pgm", "--tile", "0x4"], "--tile"),
        (["filter", "x.ppm", "-o", "y.pgm", "--threads", "0"], "--threads"),
        (["filter", "x.ppm", "-o", "y.bmp"], "y.bmp"),
        (["filter", "x.ppm", "-o", "y.pgm", "--frobnicate"], "--frobnicate"),
        (["nonsense"], "nonsense"),
    ])
    func usageErrorsExit2(_ arguments: [String], _ mention: String) throws {
        let result = try SobelProcess.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
    }

    @Test func badInputsExit1WithOneLineNamingTheFile() throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = try Data(contentsOf: Repository.root.appendingPathComponent(Self.photoPath))
        let cases: [(String, Data?, String)] = [
            ("missing.ppm", nil, "no such file"),
            ("text.ppm", Data("hello, not an image".utf8), "not an image"),
            ("truncated.ppm", photo.prefix(5000), "truncated"),
            ("empty.pgm", Data(), "empty"),
            ("huge.pgm", Data("P5 200000 200000 255\n".utf8), "exceed the limit"),
            ("badmax.pgm", Data("P5 2 2 0\n....".utf8), "maximum value"),
        ]
        for (name, contents, reason) in cases {
            let input = folder.appendingPathComponent(name)
            if let contents { try contents.write(to: input) }
            let output = folder.appendingPathComponent("out.pgm")
            let result = try SobelProcess.run(["filter", input.path, "-o", output.path])
            #expect(result.status == 1, "\(name): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(name) && lines[0].contains(reason), "\(name): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(name): no output on failure")
        }
    }

    @Test func helpShowsExamples() throws {
        let result = try SobelProcess.run(["filter", "--help"])
        #expect(result.status == 0)
        let help = String(decoding: result.stdout, as: UTF8.self)
        #expect(help.contains("Examples:") && help.contains("sobel filter photo.jpg -o edges.png") && help.contains("--pipeline"))
    }

    /// A run that reports more than a pipe holds (64 KiB) on standard error still ends: the test reads both
    /// outputs at once.
    @Test func aBatchThatReportsMuchOnStandardErrorEnds() throws {
        let missing = (1...1500).map { "missing-file-number-\($0).png" }
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try SobelProcess.run(["filter"] + missing + ["-o", folder.path + "/"])
        #expect(result.status == 1)
        #expect(result.stderr.utf8.count > 64 << 10 && result.stderr.contains("missing-file-number-1500.png"))
    }
}
