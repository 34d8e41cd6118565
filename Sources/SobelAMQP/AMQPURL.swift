import SobelConnections

/// Where a RabbitMQ broker is and how to log in: `amqp://user:password@host[:port][/vhost]`.
///
/// The user and password must be in the URL (which comes from a flag or the environment): there is no
/// default login. The virtual host is `/` unless the URL names one (`%2F` is `/`). ``description`` hides the password.
public struct AMQPURL: Hashable, Sendable, CustomStringConvertible {
    /// The broker's host name or address.
    public let host: String
    /// The broker's port, 5672 unless the URL says otherwise.
    public let port: Int
    /// The login name.
    public let user: String
    /// The login password.
    public let password: String
    /// The virtual host.
    public let virtualHost: String
    private let parsed: ServerURL

    /// Parses a URL.
    /// - Parameter text: For example `amqp://sobel:s3cret@127.0.0.1:5672/%2F`.
    /// - Throws: ``AMQPError/invalidURL(_:)`` naming what is wrong.
    public init(_ text: String) throws {
        let url: ServerURL
        do {
            url = try ServerURL(text, scheme: "amqp", defaultPort: 5672)
        } catch {
            throw AMQPError.invalidURL(error.description)
        }
        guard let user = url.user, let password = url.password else {
            throw AMQPError.invalidURL("it has no user and password (amqp://USER:PASSWORD@host:port/vhost); there is no default login")
        }
        let path = url.path ?? ""
        (host, port, self.user, self.password, virtualHost, parsed) = (url.host, url.port, user, password, path.isEmpty ? "/" : path, url)
    }

    /// The URL with the password replaced by `***`, for logs.
    public var description: String {
        parsed.redacted(path: virtualHost == "/" ? "%2F" : virtualHost)
    }
}
