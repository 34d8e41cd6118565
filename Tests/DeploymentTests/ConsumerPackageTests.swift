import Foundation
import SobelTestSupport
import Testing

/// A Swift programmer's package that depends on swift-sobel and uses only SobelCore (`Examples/CoreOnly`): it
/// builds without the system libraries the other products need, and its program runs and is exact.
@Suite struct ConsumerPackageTests {
    @Test func aPackageThatUsesOnlySobelCoreBuildsWithoutSystemLibraries() throws {
        // scripts/test.sh builds it before the tests (Tests/consumer-build.sh) and keeps the log; a run without
        // it builds it here.
        let scratch = Repository.url(".build/examples/CoreOnly").path
        let logFile = Repository.url(".build/examples-CoreOnly.log")
        var log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        if !log.contains("Build complete") || !FileManager.default.isExecutableFile(atPath: scratch + "/debug/Edges") {
            let (status, output) = try Tool.run([Repository.url("Tests/consumer-build.sh").path])
            #expect(status == 0, "\(output)")
            log = output
        }
        for cTarget in ["CCodecShim", "CPNG", "CJPEG", "CZlib", "CHiredis", "CRabbitMQ"] {
            #expect(!log.contains(cTarget), "the build touched \(cTarget): \(log)")
        }

        let program = scratch + "/debug/Edges"
        let (runStatus, output) = try Tool.run([program])
        #expect(runStatus == 0 && output.contains("tiled == whole == ScalarReference: true"), "\(output)")
        let (_, libraries) = try Tool.run(["ldd", program])
        #expect(libraries.contains("libswiftCore"), "\(libraries)")
        for library in ["libpng", "libjpeg", "libz.so", "libhiredis", "librabbitmq"] {
            #expect(!libraries.contains(library), "the program links \(library): \(libraries)")
        }
    }
}
