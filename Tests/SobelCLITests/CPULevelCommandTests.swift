import Foundation
import SobelCore
import SobelTestSupport
import Testing

/// `SOBEL_CPU` through the real binary: every level this CPU runs gives the same file, `--version` says
/// which level runs, and a level that cannot run is a usage error, not a crash.
@Suite struct CPULevelCommandTests {
    @Test func everyLevelWritesTheSameEdges() throws {
        let folder = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [String: Data] = [:]
        for level in CPULevel.supported.map(\.rawValue) + [""] {
            let output = folder.appendingPathComponent("edges-\(level).pgm").path
            let result = try SobelProcess.run(
                [
                    "filter", "Fixtures/photos/photo-1001x701.ppm", "-o", output,
                    "--pipeline", "gray,blur:5,sobel:l2,threshold:40",
                ],
                environment: [CPULevel.environmentVariable: level]
            )
            #expect(result.status == 0, "\(level): \(result.stderr)")
            outputs[level] = try Data(contentsOf: URL(fileURLWithPath: output))
        }
        #expect(Set(outputs.values).count == 1, "the same pixels at \(outputs.keys.sorted())")
    }

    @Test func versionNamesTheLevel() throws {
        for level in CPULevel.supported {
            let result = try SobelProcess.run(["--version"], environment: [CPULevel.environmentVariable: level.rawValue])
            let text = String(decoding: result.stdout, as: UTF8.self)
            #expect(result.status == 0 && text.contains("kernels: \(level.rawValue) (forced by SOBEL_CPU=\(level.rawValue)"), "\(text)")
        }
        let best = try SobelProcess.run(["--version"], environment: [CPULevel.environmentVariable: ""])
        #expect(String(decoding: best.stdout, as: UTF8.self).contains("kernels: \(CPULevel.active?.rawValue ?? "portable Swift")"))
    }

    @Test func aLevelThatCannotRunIsAUsageError() throws {
        let result = try SobelProcess.run(["filter", "-", "-o", "-"], environment: [CPULevel.environmentVariable: "avx9"])
        #expect(
            result.status == 2 && result.stderr == "sobel: SOBEL_CPU=avx9 is not a level: use one of baseline, avx2, avx512\n",
            "\(result.stderr)"
        )
    }
}
