import Foundation
import SobelTestSupport
import Testing

/// A Swift programmer's package that depends on swift-sobel and uses only SobelCore (`Examples/CoreOnly`): it
/// builds without the system libraries the other products need, and its program runs and is exact.
@Suite struct ConsumerPackageTests {
    @Test func aPackageThatUsesOnlySobelCoreBuildsWithoutSystemLibraries() throws {
        let package = Repository.url("Examples/CoreOnly").path
        // Its own build folder, kept between runs; pkg-config is pointed at an empty folder, so a build that
        // needed libpng, libjpeg, zlib, hiredis or rabbitmq-c could not find their flags.
        let scratch = Repository.url(".build/examples/CoreOnly").path
        let (status, log) = try Tool.run([
            "PKG_CONFIG_LIBDIR=/nonexistent", "PKG_CONFIG_PATH=", "swift", "build", "--package-path", package, "--scratch-path", scratch,
        ])
        #expect(status == 0, "\(log)")
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
