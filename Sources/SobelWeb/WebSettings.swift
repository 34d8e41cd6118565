/// Global settings of the web front; never per request.
public struct WebSettings: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on.
    public var port: Int
    /// The largest upload body, in bytes; larger uploads are refused while streaming (413).
    public var maxUploadBytes: Int
    /// Jobs waiting in the queue beyond which new uploads get 503 with `Retry-After`.
    public var maxQueueDepth: Int
    /// When set, every `/api/` request needs `Authorization: Bearer <token>`.
    public var apiToken: String?

    /// Creates settings.
    /// - Parameters:
    ///   - host: The address, `127.0.0.1` by default.
    ///   - port: The port, 8080 by default.
    ///   - maxUploadBytes: The body limit, 64 MiB by default.
    ///   - maxQueueDepth: The queue limit in chunks, 10,000 by default.
    ///   - apiToken: The bearer token, or `nil` for an open API.
    public init(host: String = "127.0.0.1", port: Int = 8080, maxUploadBytes: Int = 64 << 20, maxQueueDepth: Int = 10_000, apiToken: String? = nil) {
        (self.host, self.port, self.maxUploadBytes, self.maxQueueDepth, self.apiToken) = (host, port, maxUploadBytes, maxQueueDepth, apiToken)
    }
}
