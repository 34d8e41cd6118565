/// One reply from Redis, with binary-safe strings.
public indirect enum RedisReply: Equatable, Sendable {
    /// A simple status, e.g. `OK` or `PONG`.
    case status(String)
    /// An integer.
    case integer(Int)
    /// A binary-safe string.
    case bulk([UInt8])
    /// No value (a missing key, a timed-out blocking pop).
    case null
    /// A list of replies.
    case array([RedisReply])

    /// The bytes of a bulk reply (`nil` for a null reply).
    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { return bytes }
        return nil
    }

    /// A bulk or status reply as UTF-8 text.
    public var text: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    /// An integer reply.
    public var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }
}

/// Why a Redis command failed.
public enum RedisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL could not be parsed.
    case invalidURL(String)
    /// No connection could be made (or re-made) within the reconnect window.
    case unreachable(String)
    /// The connection broke while the command was in flight; it may or may not have run.
    case connectionLost(String)
    /// The server answered with an error, e.g. `WRONGTYPE …` or `NOAUTH …`.
    case server(String)

    public var description: String {
        switch self {
        case .invalidURL(let detail): "invalid Redis URL: \(detail)"
        case .unreachable(let detail): "Redis is unreachable: \(detail)"
        case .connectionLost(let detail): "the connection to Redis was lost: \(detail)"
        case .server(let detail): "Redis error: \(detail)"
        }
    }
}
