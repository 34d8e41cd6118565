import Crypto
import Foundation
import Hummingbird

/// The page's sign-in session: a cookie that proves its holder gave the API token once, without holding the token.
///
/// Its value is `EXPIRY.MAC`: the expiry in Unix seconds and the HMAC-SHA256 of `sobel-session.v1.EXPIRY` keyed by the
/// token. Nothing is kept on the server, so every coordinator replica started with the same token accepts it, and
/// changing the token ends every session.
struct SessionCookie: Sendable {
    /// The cookie's name.
    static let name = "sobel_session"
    /// How long a sign-in lasts, in seconds (the browser also drops the cookie when it closes).
    static let lifetime = 12 * 3600

    private let key: SymmetricKey

    init(token: String) {
        key = SymmetricKey(data: Data(token.utf8))
    }

    /// A new session's value.
    /// - Parameter now: The time of sign-in.
    /// - Returns: The cookie value, valid for ``lifetime`` seconds.
    func value(issuedAt now: Date = Date()) -> String {
        let expiry = Int(now.timeIntervalSince1970) + Self.lifetime
        let code = HMAC<SHA256>.authenticationCode(for: Self.message(expiry), using: key)
        return "\(expiry)." + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a cookie value is one of ours and has not expired.
    /// - Parameters:
    ///   - value: The value the browser sent.
    ///   - now: The time of the request.
    /// - Returns: `true` for a valid, unexpired session; the MAC is compared in constant time.
    func accepts(_ value: Substring, at now: Date = Date()) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let expiry = Int(parts[0]), expiry > Int(now.timeIntervalSince1970),
            let code = Self.bytes(hex: parts[1]), code.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Self.message(expiry), using: key)
    }

    /// The `Set-Cookie` that starts a session: `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` when the browser
    /// reached us over TLS.
    /// - Parameter overTLS: Whether the request came over TLS (directly or through a proxy that says so).
    /// - Returns: The cookie to set.
    func signIn(overTLS: Bool) -> Cookie {
        Cookie(name: Self.name, value: value(), path: "/", secure: overTLS, httpOnly: true, sameSite: .strict)
    }

    /// The `Set-Cookie` that ends a session.
    /// - Parameter overTLS: Whether the request came over TLS.
    /// - Returns: An empty cookie that expires at once.
    static func signOut(overTLS: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: overTLS, httpOnly: true, sameSite: .strict)
    }

    private static func message(_ expiry: Int) -> Data { Data("sobel-session.v1.\(expiry)".utf8) }

    private static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.utf8.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
