/// Where a Redis server is and how to log in: `redis://[[user]:password@]host[:port][/database]`.
///
/// Credentials come only from the URL (which comes from a flag or the environment); there is no
/// default password. ``description`` never shows the password.
public struct RedisURL: Hashable, Sendable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's port, 6379 unless the URL says otherwise.
    public var port: Int
    /// The ACL user name, if any (Redis 6+).
    public var user: String?
    /// The password, if any; percent-escapes in the URL are decoded.
    public var password: String?
    /// The database number, 0 unless the URL says otherwise.
    public var database: Int

    /// Parses a URL.
    /// - Parameter text: For example `redis://:s3cret@127.0.0.1:6379/0`.
    /// - Throws: ``RedisError/invalidURL(_:)`` naming what is wrong.
    public init(_ text: String) throws {
        guard text.hasPrefix("redis://") else { throw RedisError.invalidURL("it must start with redis://") }
        var rest = Substring(text.dropFirst("redis://".count))
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = credentials[..<colon].isEmpty ? nil : String(credentials[..<colon])
                password = credentials[credentials.index(after: colon)...].removingPercentEncodingSafely
            } else {
                user = String(credentials)
            }
        }
        var databaseText: Substring = "0"
        if let slash = rest.firstIndex(of: "/") {
            databaseText = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        guard let database = Int(databaseText.isEmpty ? "0" : databaseText), database >= 0 else {
            throw RedisError.invalidURL("the database '\(databaseText)' is not a number")
        }
        self.database = database
        if let colon = rest.lastIndex(of: ":") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else {
                throw RedisError.invalidURL("the port '\(rest[rest.index(after: colon)...])' is not a number from 1 to 65535")
            }
            self.port = port
            rest = rest[..<colon]
        } else {
            port = 6379
        }
        guard !rest.isEmpty else { throw RedisError.invalidURL("it names no host") }
        host = String(rest)
    }

    /// The URL with the password replaced by `***`, for logs.
    public var description: String {
        let credentials = password == nil ? (user.map { "\($0)@" } ?? "") : "\(user ?? ""):***@"
        return "redis://\(credentials)\(host):\(port)/\(database)"
    }
}

extension Substring {
    /// `%XX` escapes decoded (passwords may contain `@` or `:`); malformed escapes are kept as they are.
    var removingPercentEncodingSafely: String {
        var bytes: [UInt8] = []
        var index = startIndex
        while index < endIndex {
            if self[index] == "%", let end = self.index(index, offsetBy: 3, limitedBy: endIndex),
               let value = UInt8(self[self.index(after: index)..<end], radix: 16) {
                bytes.append(value)
                index = end
            } else {
                bytes.append(contentsOf: Array(String(self[index]).utf8))
                index = self.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
