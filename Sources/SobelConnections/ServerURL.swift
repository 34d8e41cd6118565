/// The parts of a server URL such as `redis://user:secret@host:6379/0` or `amqp://user:secret@host:5672/vhost`:
/// `scheme://[[user][:password]@]host[:port][/path]`.
///
/// Credentials come only from the URL (which comes from a flag or the environment); there is no default
/// password. ``redacted`` never shows the password.
public struct ServerURL: Hashable, Sendable {
    /// The scheme without `://`, e.g. `redis`.
    public var scheme: String
    /// The server's host name or address.
    public var host: String
    /// The port, or the scheme's default.
    public var port: Int
    /// The user name, if any; percent-escapes decoded.
    public var user: String?
    /// The password, if any; percent-escapes decoded.
    public var password: String?
    /// What follows the first `/` after the host, percent-escapes decoded (`nil` when there is no `/`).
    public var path: String?

    /// Why a URL was refused, in words for the user.
    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    /// Parses a URL.
    /// - Parameters:
    ///   - text: The URL.
    ///   - scheme: The scheme it must have, e.g. `redis`.
    ///   - defaultPort: The port when the URL names none.
    /// - Throws: ``Invalid`` naming what is wrong.
    public init(_ text: String, scheme: String, defaultPort: Int) throws(Invalid) {
        let prefix = scheme + "://"
        guard text.hasPrefix(prefix) else { throw Invalid(description: "it must start with \(prefix)") }
        self.scheme = scheme
        var rest = Substring(text.dropFirst(prefix.count))
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...].removingPercentEncodingSafely
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = credentials[..<colon].isEmpty ? nil : credentials[..<colon].removingPercentEncodingSafely
                password = credentials[credentials.index(after: colon)...].removingPercentEncodingSafely
            } else {
                user = credentials.removingPercentEncodingSafely
            }
        }
        if let colon = rest.lastIndex(of: ":") {
            let portText = rest[rest.index(after: colon)...]
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw Invalid(description: "the port '\(portText)' is not a number from 1 to 65535")
            }
            self.port = port
            rest = rest[..<colon]
        } else {
            port = defaultPort
        }
        guard !rest.isEmpty else { throw Invalid(description: "it names no host") }
        host = String(rest)
    }

    /// The URL with the password replaced by `***`, for logs.
    /// - Parameter path: The path to show (schemes print it in their own way).
    /// - Returns: `scheme://user:***@host:port/path`.
    public func redacted(path: String) -> String {
        let credentials = password == nil ? (user.map { "\($0)@" } ?? "") : "\(user ?? ""):***@"
        return "\(scheme)://\(credentials)\(host):\(port)/\(path)"
    }
}

extension Substring {
    /// `%XX` escapes decoded (passwords may contain `@` or `:`); malformed escapes are kept as they are.
    var removingPercentEncodingSafely: String {
        var bytes: [UInt8] = []
        var index = startIndex
        while index < endIndex {
            if self[index] == "%", let end = self.index(index, offsetBy: 3, limitedBy: endIndex),
                let value = UInt8(self[self.index(after: index)..<end], radix: 16)
            {
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
