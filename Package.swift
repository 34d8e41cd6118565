// swift-tools-version: 6.1
import PackageDescription

// CPU tuning flags never go here (no `unsafeFlags`): pass them on the command line,
// e.g. `swift build -c release -Xswiftc -target-cpu -Xswiftc znver4`. See README.md.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Dependencies point one way: SobelCore <- SobelCodecs <- SobelService <- SobelServiceRedis / SobelServiceAMQP
// (the adapters, beside their clients SobelRedis / SobelAMQP) and SobelWeb <- sobel. An embedded-only user of
// SobelService links neither hiredis nor rabbitmq-c.
let package = Package(
    name: "swift-sobel",
    products: [
        .library(name: "SobelCore", targets: ["SobelCore"]),
        .library(name: "SobelCodecs", targets: ["SobelCodecs"]),
        .library(name: "SobelService", targets: ["SobelService"]),
        .library(name: "SobelServiceRedis", targets: ["SobelServiceRedis"]),
        .library(name: "SobelServiceAMQP", targets: ["SobelServiceAMQP"]),
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
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // `swift package generate-documentation` builds the DocC catalogs (scripts/docs.sh); no target depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The hot row loops in C, compiled for x86-64, x86-64-v3 and x86-64-v4 and picked at run time (no system
        // libraries, no flags: the level's target is set per function in the source).
        .target(name: "CSobelKernels"),
        // glibc's allocator settings for the long-running commands (M_ARENA_MAX, malloc_trim); nothing elsewhere.
        .target(name: "CSobelAllocator"),
        // Images, kernels, pipelines and tiling: the standard library, Foundation, Dispatch and CSobelKernels only.
        .target(name: "SobelCore", dependencies: ["CSobelKernels"], swiftSettings: swiftSettings),

        // PNG and JPEG, over libpng and libjpeg(-turbo); setjmp/longjmp stay in CCodecShim.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"]), .brew(["jpeg-turbo"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"]), .brew(["libdeflate"])]),
        .target(name: "CCodecShim", dependencies: ["CPNG", "CJPEG", "CZlib", "CDeflate"]),
        .target(name: "SobelCodecs", dependencies: ["SobelCore", "CCodecShim", "CPNG", "CJPEG"], swiftSettings: swiftSettings),

        // Server URLs and reconnect backoff, shared by the clients and the service.
        .target(name: "SobelConnections", swiftSettings: swiftSettings),
        // The Redis and RabbitMQ clients, over hiredis and rabbitmq-c.
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"]), .brew(["hiredis"])]),
        .target(name: "SobelRedis", dependencies: ["CHiredis", "SobelConnections"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"]), .brew(["rabbitmq-c"])]),
        .target(name: "SobelAMQP", dependencies: ["CRabbitMQ", "SobelConnections"], swiftSettings: swiftSettings),

        // The chunked service: queue and store protocols, wire format, coordinator, worker, embedded mode.
        .target(
            name: "SobelService",
            dependencies: [
                "SobelCore", "SobelCodecs", "SobelConnections",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
            ],
            swiftSettings: swiftSettings
        ),
        // The service's adapters to real servers.
        .target(name: "SobelServiceRedis", dependencies: ["SobelService", "SobelRedis", "SobelConnections"], swiftSettings: swiftSettings),
        .target(name: "SobelServiceAMQP", dependencies: ["SobelService", "SobelAMQP", "SobelConnections"], swiftSettings: swiftSettings),

        // The HTTP front (Hummingbird 2).
        .target(
            name: "SobelWeb",
            dependencies: [
                "SobelService", "SobelCodecs", "SobelCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sobel",
            dependencies: [
                "CSobelAllocator",
                "SobelCore", "SobelCodecs", "SobelService", "SobelServiceRedis", "SobelServiceAMQP", "SobelWeb",
                "SobelAMQP", "SobelRedis", "SobelConnections",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Test support: the repository's files, seeded inputs, private servers and the built binary.
        .target(name: "SobelTestSupport", dependencies: ["SobelCore"], path: "Tests/SobelTestSupport", swiftSettings: swiftSettings),
        // A coordinator with its workers, embedded or over real servers, for the service and command tests.
        .target(
            name: "SobelServiceTestSupport",
            dependencies: [
                "SobelService", "SobelServiceRedis", "SobelServiceAMQP", "SobelRedis", "SobelAMQP", "SobelCodecs", "SobelCore",
                "SobelTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/SobelServiceTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SobelCoreTests", dependencies: ["SobelCore", "SobelCodecs", "SobelTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SobelCodecsTests", dependencies: ["SobelCodecs", "SobelCore", "SobelTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SobelRedisTests", dependencies: ["SobelRedis", "SobelConnections", "SobelTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SobelAMQPTests", dependencies: ["SobelAMQP", "SobelConnections", "SobelTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SobelServiceTests",
            dependencies: [
                "SobelService", "SobelServiceRedis", "SobelServiceAMQP", "SobelCore", "SobelCodecs", "SobelConnections",
                "SobelTestSupport", "SobelServiceTestSupport", "sobel",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SobelWebTests",
            dependencies: [
                "SobelWeb", "SobelService", "SobelCore", "SobelCodecs", "SobelTestSupport", "SobelServiceTestSupport", "sobel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SobelCLITests",
            dependencies: [
                "sobel", "SobelCore", "SobelCodecs", "SobelService", "SobelRedis", "SobelTestSupport", "SobelServiceTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Dockerfile, k8s/, terraform/ and docker-compose.yml, checked by real tools.
        .testTarget(name: "DeploymentTests", dependencies: ["SobelTestSupport", "sobel"], swiftSettings: swiftSettings),
    ]
)
