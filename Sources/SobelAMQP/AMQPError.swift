/// Why an AMQP operation failed.
public enum AMQPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL could not be parsed.
    case invalidURL(String)
    /// No connection could be made, or the login failed for a reason other than the credentials.
    case unreachable(String)
    /// The connection broke while an operation was in flight; it may or may not have taken effect.
    case connectionLost(String)
    /// The broker refused an operation and closed the channel or connection, with its reply code
    /// (e.g. 403 ACCESS_REFUSED for a wrong password, 406 PRECONDITION_FAILED for a queue declared differently).
    case refused(code: Int, reason: String)
    /// The broker did not confirm published messages in time.
    case confirmTimeout
    /// The broker answered a publish with a negative confirm: the messages were not stored.
    case notConfirmed

    public var description: String {
        switch self {
        case .invalidURL(let detail): "invalid AMQP URL: \(detail)"
        case .unreachable(let detail): "RabbitMQ is unreachable: \(detail)"
        case .connectionLost(let detail): "the connection to RabbitMQ was lost: \(detail)"
        case .refused(let code, let reason): "RabbitMQ refused the operation: \(code) \(reason)"
        case .confirmTimeout: "RabbitMQ did not confirm the published messages in time"
        case .notConfirmed: "RabbitMQ refused to store the published messages (negative confirm)"
        }
    }
}
