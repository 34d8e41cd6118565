import HTTPTypes
import Hummingbird

/// The upload page and its script and style, served from the binary with a strict Content-Security-Policy.
struct PageController {
    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: page)
        router.get("app.js") { _, _ in Self.asset(PageAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("app.css") { _, _ in Self.asset(PageAssets.style, type: "text/css; charset=utf-8") }
    }

    /// Only what the page uses: its own script, style and API; previews are `blob:` URLs.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// `GET /`: the upload form.
    @Sendable func page(request: Request, context: AppRequestContext) async throws -> Response {
        Self.asset(PageAssets.html, type: "text/html; charset=utf-8")
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .contentSecurityPolicy: contentSecurityPolicy, .xContentTypeOptions: "nosniff",
                .referrerPolicy: "no-referrer", .cacheControl: "no-cache",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
