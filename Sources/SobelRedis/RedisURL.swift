import SobelConnections

/// Where a Redis server is and how to log in: `redis://[[user][:password]@]host[:port][/database]`.
///
/// Credentials come only from the URL (which comes from a flag or the environment); there is no
/// default password. ``description`` never shows the password.
public struct RedisURL: Hashable, Sendable, CustomStringConvertible {
    /// The server's host name or address.
    public let host: String
    /// The server's port, 6379 unless the URL says otherwise.
    public let port: Int
    /// The ACL user name, if any (Redis 6+).
    public let user: String?
    /// The password, if any; percent-escapes in the URL are decoded.
    public let password: String?
    /// The database number, 0 unless the URL says otherwise.
    public let database: Int
    private let parsed: ServerURL

    /// Parses a URL.
    /// - Parameter text: For example `redis://:s3cret@127.0.0.1:6379/0`.
    /// - Throws: ``RedisError/invalidURL(_:)`` naming what is wrong.
    public init(_ text: String) throws {
        let url: ServerURL
        do {
            url = try ServerURL(text, scheme: "redis", defaultPort: 6379)
        } catch {
            throw RedisError.invalidURL(error.description)
        }
        let databaseText = url.path ?? ""
        guard let database = Int(databaseText.isEmpty ? "0" : databaseText), database >= 0 else {
            throw RedisError.invalidURL("the database '\(databaseText)' is not a number")
        }
        (host, port, user, password, self.database, parsed) = (url.host, url.port, url.user, url.password, database, url)
    }

    /// The URL with the password replaced by `***`, for logs.
    public var description: String {
        parsed.redacted(path: String(database))
    }
}
