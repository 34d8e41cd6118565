import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import SobelWeb

/// A server with an API token: the page asks for the token once and keeps a session cookie; the API takes the
/// bearer token or that cookie.
@Suite struct SignInTests {
    static let token = "s3cret-token"
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test func thePageAsksForTheTokenAndAWrongOneIsRefused() async throws {
        let (app, _, service) = RouterTests.app(settings: WebSettings(apiToken: Self.token))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok && html.contains(#"<form id="signin""#) && !html.contains(#"id="job""#))
                #expect(response.headers[.contentSecurityPolicy] != nil)
            }
            try await client.execute(uri: "/signin", method: .post, headers: Self.form, body: ByteBuffer(string: "token=wrong")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
                #expect(String(buffer: response.body).contains("That token is not the one this server was started with."))
            }
            try await client.execute(uri: "/signin", method: .post, headers: Self.form, body: ByteBuffer(string: "nothing=here")) {
                #expect($0.status == .unauthorized)
            }
            let huge = ByteBuffer(string: "token=" + String(repeating: "a", count: 10_000))
            try await client.execute(uri: "/signin", method: .post, headers: Self.form, body: huge) { #expect($0.status == .contentTooLarge) }
        }
    }

    @Test func signingInSetsAStrictHttpOnlyCookieThatOpensThePageAndTheAPI() async throws {
        let (app, _, service) = RouterTests.app(settings: WebSettings(apiToken: Self.token))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            // Percent-encoding and '+' are decoded as a browser sends them.
            let cookie = try await client.execute(uri: "/signin", method: .post, headers: Self.form, body: ByteBuffer(string: "token=s3cret%2Dtoken"))
            {
                response in
                #expect(response.status == .seeOther && response.headers[.location] == "/")
                let setCookie = try #require(response.headers[.setCookie])
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
                #expect(!setCookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
                #expect(!setCookie.contains(Self.token), "the cookie does not hold the token")
                return String(setCookie.prefix { $0 != ";" })
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"id="job""#) && html.contains(#"id="signout""#), "signed in: the upload page, with Sign out")
            }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: [.cookie: cookie + "0"]) {
                #expect($0.status == .unauthorized, "a changed cookie is refused")
            }
            try await client.execute(uri: "/signout", method: .post, headers: [.cookie: cookie]) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
        }
    }

    @Test func behindTLSTheCookieIsSecure() async throws {
        let (app, _, service) = RouterTests.app(settings: WebSettings(apiToken: Self.token))
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            var headers = Self.form
            headers[.xForwardedProto] = "https"
            try await client.execute(uri: "/signin", method: .post, headers: headers, body: ByteBuffer(string: "token=\(Self.token)")) {
                #expect($0.headers[.setCookie]?.contains("Secure") == true)
            }
        }
    }

    @Test func aSessionExpiresAndBelongsToItsToken() throws {
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let value = SessionCookie(token: Self.token).value(issuedAt: issued)
        let session = SessionCookie(token: Self.token)
        #expect(session.accepts(value[...], at: issued.addingTimeInterval(60)))
        #expect(!session.accepts(value[...], at: issued.addingTimeInterval(Double(SessionCookie.lifetime + 1))), "expired")
        #expect(!SessionCookie(token: "another-token").accepts(value[...], at: issued), "a new token ends every session")
        let (expiry, mac) = (value.prefix { $0 != "." }, value.drop { $0 != "." })
        #expect(!session.accepts("\(Int(expiry)! + 3600)\(mac)", at: issued), "a longer expiry is not signed")
        for junk in ["", ".", "1.2.3", "abc.def", "\(expiry).zz"] { #expect(!session.accepts(junk[...], at: issued)) }
    }

    @Test func anOpenServerHasNoSignIn() async throws {
        let (app, _, service) = RouterTests.app()
        defer { withExtendedLifetime(service) {} }
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"id="job""#) && !html.contains("signout"))
            }
            try await client.execute(uri: "/signin", method: .post, headers: Self.form, body: ByteBuffer(string: "token=x")) {
                #expect($0.status == .notFound)
            }
        }
    }
}
