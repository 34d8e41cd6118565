// swift-tools-version: 6.1
import PackageDescription

// A program that uses swift-sobel the way a library user does, through the product SobelCore alone: it must
// build and run without libpng, libjpeg, zlib, hiredis or rabbitmq-c (Tests/DeploymentTests/ConsumerPackageTests.swift).
let package = Package(
    name: "CoreOnly",
    dependencies: [
        .package(name: "swift-sobel", path: "../..")
    ],
    targets: [
        .executableTarget(name: "Edges", dependencies: [.product(name: "SobelCore", package: "swift-sobel")])
    ]
)
