// swift-tools-version: 6.1
// The decoder fuzz target, kept out of the main package: it only builds with -sanitize=fuzzer,
// which supplies `main`. Run it with scripts/fuzz.sh.
import PackageDescription

let package = Package(
    name: "SobelFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "DecodeFuzzer",
            dependencies: [.product(name: "SobelCodecs", package: "main")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
