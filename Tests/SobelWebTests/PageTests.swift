import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SobelCodecs
import SobelCore
import SobelWeb
import Testing

/// The upload page: served from the binary, strict headers, and the form works without JavaScript.
@Suite struct PageTests {
    @Test func thePageAndItsAssetsComeFromTheBinaryWithStrictHeaders() async throws {
        let (app, _, service) = RouterTests.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/html; charset=utf-8")
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                let html = String(buffer: response.body)
                #expect(html.contains("enctype=\"multipart/form-data\"") && html.contains("name=\"image\"") && html.contains("name=\"viewport\""))
                #expect(!html.contains("http://") && !html.contains("https://"), "no outside assets")
            }
            for (path, type) in [("/app.js", "text/javascript; charset=utf-8"), ("/app.css", "text/css; charset=utf-8")] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok && response.headers[.contentType] == type)
                    #expect(!String(buffer: response.body).contains("https://"))
                }
            }
        }
    }

    static func multipart(_ fields: [(String, String?, [UInt8])], boundary: String = "sobel-test-boundary") -> ByteBuffer {
        var body: [UInt8] = []
        for (name, filename, bytes) in fields {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename.map { "; filename=\"\($0)\"" } ?? "")\r\n".utf8
            )
            if filename != nil { body += Array("Content-Type: image/png\r\n".utf8) }
            body += Array("\r\n".utf8) + bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    @Test func theFormWithoutJavaScriptReturnsTheImage() async throws {
        let (app, _, service) = RouterTests.app()
        defer { withExtendedLifetime(service) {} }
        let body = Self.multipart([
            ("image", "photo.png", RouterTests.png), ("magnitude", nil, Array("l1".utf8)), ("blur", nil, Array("5".utf8)),
            ("threshold", nil, []), ("format", nil, Array("png".utf8)),
        ])
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/jobs?wait=true",
                method: .post,
                headers: [.contentType: "multipart/form-data; boundary=sobel-test-boundary"],
                body: body
            ) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/png")
                let image = try ImageCodec.decode(Array(buffer: response.body))
                let expected = try Pipeline(parsing: "gray,blur:5,sobel:l1").run(on: RouterTests.photo)
                #expect(image == expected)
            }
            try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "multipart/form-data; boundary=sobel-test-boundary"],
                body: Self.multipart([("magnitude", nil, Array("l1".utf8))])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("'image'"))
            }
            try await client.execute(
                uri: "/api/v1/jobs",
                method: .post,
                headers: [.contentType: "multipart/form-data; boundary=sobel-test-boundary"],
                body: Self.multipart([("image", "a.png", RouterTests.png), ("magnitude", nil, Array("l9".utf8))])
            ) { response in
                #expect(response.status == .badRequest && String(buffer: response.body).contains("'magnitude'"))
            }
        }
    }
}
