// swift-tools-version: 6.1
import PackageDescription

// CPU tuning flags never go here (no `unsafeFlags`): pass them on the command line,
// e.g. `swift build -c release -Xswiftc -target-cpu -Xswiftc znver4`. See README.md.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "swift-sobel",
    products: [
        .library(name: "SobelCore", targets: ["SobelCore"]),
        .library(name: "SobelCodecs", targets: ["SobelCodecs"]),
        .library(name: "SobelService", targets: ["SobelService"]),
        .library(name: "SobelWeb", targets: ["SobelWeb"]),
        .executable(name: "sobel", targets: ["sobel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64", from: "1.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(name: "SobelCore", swiftSettings: swiftSettings),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"]), .brew(["jpeg-turbo"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "CCodecShim", dependencies: ["CPNG", "CJPEG", "CZlib"]),
        .target(name: "SobelCodecs", dependencies: ["SobelCore", "CCodecShim", "CPNG", "CJPEG"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"]), .brew(["hiredis"])]),
        .target(name: "SobelClientSupport", swiftSettings: swiftSettings),
        .target(name: "SobelRedis", dependencies: ["CHiredis", "SobelClientSupport"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"]), .brew(["rabbitmq-c"])]),
        .target(name: "SobelAMQP", dependencies: ["CRabbitMQ", "SobelClientSupport"], swiftSettings: swiftSettings),
        .target(
            name: "SobelService",
            dependencies: [
                "SobelCore", "SobelCodecs", "SobelRedis", "SobelAMQP", "SobelClientSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SobelWeb",
            dependencies: [
                "SobelService", "SobelCodecs", "SobelCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "SobelTestSupport", dependencies: ["SobelCore"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "sobel",
            dependencies: [
                "SobelCore", "SobelCodecs", "SobelService", "SobelWeb", "SobelAMQP", "SobelRedis", "SobelClientSupport", "SobelTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SobelCoreTests",
            dependencies: ["SobelCore", "SobelCodecs", "SobelTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SobelCodecsTests",
            dependencies: ["SobelCodecs", "SobelCore", "SobelTestSupport"],
            swiftSettings: swiftSettings
        ),
        .target(name: "SobelTestServers", path: "Tests/SobelTestServers", swiftSettings: swiftSettings),
        .testTarget(
            name: "SobelRedisTests",
            dependencies: ["SobelRedis", "SobelTestServers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SobelServiceTests",
            dependencies: [
                "SobelService", "SobelAMQP", "SobelRedis", "SobelCore", "SobelCodecs", "SobelTestSupport", "SobelTestServers", "sobel",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SobelWebTests",
            dependencies: [
                "SobelWeb", "SobelService", "SobelCore", "SobelCodecs", "SobelAMQP", "SobelRedis", "SobelTestSupport", "SobelTestServers", "sobel",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SobelCLITests",
            dependencies: ["sobel", "SobelCore", "SobelCodecs", "SobelTestSupport", "SobelTestServers"],
            swiftSettings: swiftSettings
        ),
    ]
)
