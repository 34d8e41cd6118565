// swift-tools-version: 6.1
// The fuzz targets, kept out of the main package: they only build with -sanitize=fuzzer, which supplies
// `main`. DecodeFuzzer feeds the image decoders, PNGReaderFuzzer the fast PNG reader against libpng (with
// every chunk's CRC made valid), ChunkFuzzer the chunk decoder and a worker's rendering.
// Run them with scripts/fuzz.sh.
import PackageDescription

let package = Package(
    name: "SobelFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "DecodeFuzzer",
            dependencies: ["FuzzDriver", .product(name: "SobelCodecs", package: "main")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "PNGReaderFuzzer",
            dependencies: ["FuzzDriver", .product(name: "SobelCodecs", package: "main"), .product(name: "SobelCore", package: "main")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "ChunkFuzzer",
            dependencies: ["FuzzDriver", .product(name: "SobelService", package: "main"), .product(name: "SobelCore", package: "main")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
