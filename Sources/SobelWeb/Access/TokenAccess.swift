import HTTPTypes
import Hummingbird

/// Who may use a server started with `SOBEL_API_TOKEN`: programs that send `Authorization: Bearer <token>`, and
/// browsers that signed in on the page and hold its session cookie.
struct TokenAccess: Sendable {
    let token: String
    let session: SessionCookie

    init(token: String) {
        (self.token, session) = (token, SessionCookie(token: token))
    }

    /// Whether the request carries the token or a valid session.
    /// - Parameter request: The request.
    /// - Returns: `true` when it may go on.
    func allows(_ request: Request) -> Bool { hasBearerToken(request) || hasSession(request) }

    /// Whether the request has `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1).
    /// - Parameter request: The request.
    /// - Returns: `true` for the right token.
    func hasBearerToken(_ request: Request) -> Bool {
        let given = request.headers[.authorization] ?? ""
        let scheme = given.prefix { $0 != " " }
        return scheme.lowercased() == "bearer" && isToken(given.dropFirst(scheme.count).drop { $0 == " " })
    }

    /// Whether the request has a valid session cookie.
    /// - Parameter request: The request.
    /// - Returns: `true` for a session that this token signed and that has not expired.
    func hasSession(_ request: Request) -> Bool {
        request.cookies[SessionCookie.name].map { session.accepts($0.value[...]) } ?? false
    }

    /// Compares a candidate with the token in constant time.
    /// - Parameter candidate: What the client sent.
    /// - Returns: `true` when it is the token.
    func isToken(_ candidate: Substring) -> Bool {
        candidate.utf8.count == token.utf8.count && zip(candidate.utf8, token.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
    }
}

extension Request {
    /// Whether the browser reached us over TLS: directly, or through a proxy (the Ingress) that says so.
    var cameOverTLS: Bool {
        head.scheme?.lowercased() == "https" || headers[.xForwardedProto]?.lowercased() == "https"
    }
}

/// Refuses `/api/` requests that carry neither the token nor a session cookie (401).
struct TokenAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: TokenAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard access.allows(request) else {
            throw APIError(
                .unauthorized,
                "unauthorized",
                "this API needs 'Authorization: Bearer <token>' (SOBEL_API_TOKEN), or signing in on the page",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
