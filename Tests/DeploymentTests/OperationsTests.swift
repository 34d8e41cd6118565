import Foundation
import SobelTestSupport
import Testing

/// The deployment files: k8s/ against the Kubernetes schemas and checkov, terraform/ parsed and checked by
/// checkov, docker-compose.yml's wiring. The checkers are scripts/ops/*.py, run with the Python of the
/// virtual environment that scripts/test.sh prepares (SOBEL_OPS_PYTHON).
@Suite struct OperationsTests {
    static var python: String {
        if let python = ProcessInfo.processInfo.environment["SOBEL_OPS_PYTHON"], !python.isEmpty { return python }
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache"
        return cache + "/swift-sobel/ops-venv/bin/python"
    }

    static func check(_ script: String) throws -> (status: Int32, output: String) {
        #expect(
            FileManager.default.isExecutableFile(atPath: python),
            "the deployment checkers' Python is missing: run scripts/test.sh, which installs checkov, kubernetes-validate and python-hcl2"
        )
        // The settings every deployment file may set come from `sobel settings --json` of the built binary.
        return try Tool.run(["SOBEL_BINARY=\(SobelBinary.url.path)", python, Repository.url("scripts/ops/\(script)").path, Repository.root.path])
    }

    @Test func kubernetesManifestsValidateAndPassCheckov() throws {
        let (status, output) = try Self.check("check_k8s.py")
        #expect(status == 0, "\(output)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") {
            #expect(output.contains("rendered by kubectl kustomize"), "\(output)")
        }
        for overlay in ["k8s/base", "k8s/overlays/gke", "k8s/overlays/hpa-fallback"] {
            #expect(output.contains("\(overlay): "), "\(overlay) is rendered and checked: \(output)")
        }
        #expect(output.contains(", 0 failed"), "\(output)")
    }

    @Test func terraformParsesAndPassesCheckov() throws {
        let (status, output) = try Self.check("check_terraform.py")
        #expect(status == 0 && output.contains(", 0 failed"), "\(output)")
    }

    @Test func dockerComposeReadsSecretsFromTheEnvFileAndIsWired() throws {
        let (status, output) = try Self.check("check_compose.py")
        #expect(status == 0, "\(output)")
    }
}
