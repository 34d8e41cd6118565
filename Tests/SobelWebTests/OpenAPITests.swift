import Foundation
import SobelTestSupport
import Testing

/// `docs/openapi.yaml` is a valid OpenAPI 3.1 document and covers every route the router serves.
@Suite struct OpenAPITests {
    static let spec = Repository.url("docs/openapi.yaml")

    @Test func theSpecValidates() throws {
        let (status, text) = try Tool.run(["python3", "-m", "openapi_spec_validator", Self.spec.path])
        #expect(status == 0, "openapi-spec-validator (installed by scripts/test.sh): \(text)")
        #expect(text.contains("OK"))
    }

    @Test func everyRouteIsDocumented() throws {
        let yaml = try String(contentsOf: Self.spec, encoding: .utf8)
        #expect(yaml.hasPrefix("openapi: 3.1"))
        for path in [
            "/healthz:", "/readyz:", "/api/v1/jobs:", "/api/v1/jobs/{id}:", "/api/v1/jobs/{id}/result:", "/api/v1/workers:", "/api/v1/stats:",
        ] {
            #expect(yaml.contains("  \(path)\n"), "\(path) is in docs/openapi.yaml")
        }
        for status in ["\"400\"", "\"401\"", "\"404\"", "\"409\"", "\"413\"", "\"415\"", "\"503\""] {
            #expect(yaml.contains(status), "status \(status) is documented")
        }
    }
}
