import Foundation
import HTTPTypes
import Hummingbird

/// The upload page and its script and style, served from the binary with a strict Content-Security-Policy.
///
/// When the server has an API token, `GET /` answers the sign-in page until the browser holds a session cookie:
/// `POST /signin` takes the token once from a form and sets the cookie, `POST /signout` clears it.
struct PageController {
    /// The token check, or `nil` for an open server.
    let access: TokenAccess?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: page)
        router.get("app.js") { _, _ in Self.asset(PageAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("app.css") { _, _ in Self.asset(PageAssets.style, type: "text/css; charset=utf-8") }
        if access != nil {
            router.post("signin", use: signIn)
            router.post("signout", use: signOut)
        }
    }

    /// Only what the page uses: its own script, style and API; previews are `blob:` URLs.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// `GET /`: the upload form, or the sign-in form for a browser without a session.
    @Sendable func page(request: Request, context: AppRequestContext) async throws -> Response {
        guard let access else { return Self.asset(PageAssets.page(canSignOut: false), type: Self.html) }
        guard access.hasSession(request) else { return Self.asset(PageAssets.signIn(problem: nil), type: Self.html) }
        return Self.asset(PageAssets.page(canSignOut: true), type: Self.html)
    }

    /// `POST /signin` with the form field `token`: a session cookie and back to the page, or the sign-in page again
    /// (401) saying what was wrong.
    @Sendable func signIn(request: Request, context: AppRequestContext) async throws -> Response {
        guard let access else { throw HTTPError(.notFound) }
        let body = try await request.body.collect(upTo: Self.largestSignInForm)
        guard let token = Self.formField("token", in: String(buffer: body)), access.isToken(token[...]) else {
            var response = Self.asset(PageAssets.signIn(problem: "That token is not the one this server was started with."), type: Self.html)
            response.status = .unauthorized
            return response
        }
        var response = Response.redirect(to: "/", type: .normal)
        response.setCookie(access.session.signIn(overTLS: request.cameOverTLS))
        return response
    }

    /// `POST /signout`: clears the session cookie and goes back to the sign-in page.
    @Sendable func signOut(request: Request, context: AppRequestContext) async throws -> Response {
        var response = Response.redirect(to: "/", type: .normal)
        response.setCookie(SessionCookie.signOut(overTLS: request.cameOverTLS))
        return response
    }

    /// The sign-in form is one short field; anything longer is refused (413).
    static let largestSignInForm = 4096
    static let html = "text/html; charset=utf-8"

    /// The value of one field of an `application/x-www-form-urlencoded` body.
    /// - Parameters:
    ///   - name: The field's name.
    ///   - body: The body.
    /// - Returns: The decoded value, or `nil` when the field is missing or badly encoded.
    static func formField(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
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
