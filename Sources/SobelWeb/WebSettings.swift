/// Global settings of the web front; never per request.
public struct WebSettings: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on.
    public var port: Int
    /// The largest upload body, in bytes; larger uploads are refused while streaming (413).
    public var maxUploadBytes: Int
    /// The most bytes that uploads still arriving may hold together: each reserves its declared length (or
    /// ``maxUploadBytes`` when it declares none) while it is read and decoded; beyond this, uploads get 503.
    public var maxPendingUploadBytes: Int
    /// Jobs waiting in the queue beyond which new uploads get 503 with `Retry-After`.
    public var maxQueueDepth: Int
    /// When set, every `/api/` request needs `Authorization: Bearer <token>`.
    public var apiToken: String?
    /// How long a connection may stay silent, in the middle of a request too, before the server closes it: a
    /// client that sends part of an upload and stops does not hold its memory for ever.
    public var idleTimeout: Duration

    /// Creates settings.
    /// - Parameters:
    ///   - host: The address, `127.0.0.1` by default.
    ///   - port: The port, 8080 by default.
    ///   - maxUploadBytes: The body limit, 64 MiB by default.
    ///   - maxPendingUploadBytes: The bytes all uploads still arriving may hold together, 1 GiB by default.
    ///   - maxQueueDepth: The queue limit in chunks, 10,000 by default.
    ///   - apiToken: The bearer token, or `nil` for an open API.
    ///   - idleTimeout: The longest silence on a connection, 30 seconds by default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxUploadBytes: Int = 64 << 20,
        maxPendingUploadBytes: Int = 1 << 30,
        maxQueueDepth: Int = 10_000,
        apiToken: String? = nil,
        idleTimeout: Duration = .seconds(30)
    ) {
        (self.host, self.port, self.maxUploadBytes, self.maxQueueDepth, self.apiToken) = (host, port, maxUploadBytes, maxQueueDepth, apiToken)
        (self.maxPendingUploadBytes, self.idleTimeout) = (maxPendingUploadBytes, idleTimeout)
    }
}
