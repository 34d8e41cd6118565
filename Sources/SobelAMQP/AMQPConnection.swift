internal import CRabbitMQ
import Foundation
import SobelConnections

/// One message taken from a queue, to be acknowledged or rejected by its ``deliveryTag``.
public struct AMQPDelivery: Sendable {
    /// The message body.
    public let body: [UInt8]
    /// The tag that ``AMQPConnection/ack(_:)`` and ``AMQPConnection/reject(_:requeue:)`` take.
    public let deliveryTag: UInt64
    /// Whether the broker delivered this message before (to a consumer that did not acknowledge it).
    public let redelivered: Bool
}

/// A synchronous connection to a RabbitMQ broker through rabbitmq-c, with one channel.
///
/// A connection is not thread-safe: use it from one thread at a time (or behind a lock). After any error it is
/// ``isBroken`` and must be replaced; unacknowledged deliveries then return to their queue.
public final class AMQPConnection: @unchecked Sendable {
    /// The broker (``AMQPURL/description`` hides the password).
    public let url: AMQPURL
    /// Whether an error has made the connection unusable.
    public private(set) var isBroken = false
    private let state: amqp_connection_state_t
    private let channel: amqp_channel_t = 1
    private let timeout: Duration
    private var nextPublishTag: UInt64 = 1
    private var confirming = false

    /// Connects, logs in and opens a channel.
    /// - Parameters:
    ///   - url: The broker and its login.
    ///   - timeout: The time limit to connect and for each request to the broker.
    ///   - heartbeat: Seconds between heartbeats, by which each side notices a dead peer.
    /// - Throws: ``AMQPError``: `unreachable` when nothing answers, `refused` for a wrong login.
    public init(url: AMQPURL, timeout: Duration = .seconds(5), heartbeat: Int = 30) throws {
        self.url = url
        self.timeout = timeout
        guard let state = amqp_new_connection() else { throw AMQPError.unreachable("out of memory") }
        self.state = state
        // From here on, a failure leaves the connection broken and `deinit` (which runs for a class whose
        // init throws after its properties are set) destroys the state: destroying it here too would free it twice.
        guard let socket = amqp_tcp_socket_new(state) else { throw broken(AMQPError.unreachable("cannot create a socket")) }
        var limit = timeout.timeval
        let opened = amqp_socket_open_noblock(socket, url.host, Int32(url.port), &limit)
        guard opened == AMQP_STATUS_OK.rawValue else {
            throw broken(AMQPError.unreachable("\(url): \(String(cString: amqp_error_string2(opened)))"))
        }
        amqp_set_handshake_timeout(state, &limit)
        amqp_set_rpc_timeout(state, &limit)
        do {
            try check(camqp_login_plain(state, url.virtualHost, url.user, url.password, Int32(heartbeat)), "login")
            amqp_channel_open(state, channel)
            try check(amqp_get_rpc_reply(state), "channel.open")
        } catch AMQPError.connectionLost(let detail) {
            throw broken(AMQPError.unreachable("\(url): \(detail)"))
        }
    }

    deinit { close() }

    /// Closes the channel and the connection; unacknowledged deliveries return to their queue.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        if !isBroken {
            amqp_channel_close(state, channel, camqp_reply_success)
            amqp_connection_close(state, camqp_reply_success)
        }
        amqp_destroy_connection(state)
    }
    private var isClosed = false

    /// Declares a durable queue (creating it if needed).
    /// - Parameters:
    ///   - name: The queue.
    ///   - deadLetterQueue: Where rejected messages go (declare that queue too), or `nil`.
    /// - Returns: The number of messages ready in the queue.
    /// - Throws: ``AMQPError``; `refused` (406) when the queue exists with other arguments.
    @discardableResult
    public func declareQueue(_ name: String, deadLetterQueue: String? = nil) throws -> Int {
        var count: UInt32 = 0
        try check(camqp_declare_durable_queue(state, channel, name, deadLetterQueue, &count), "queue.declare \(name)")
        return Int(count)
    }

    /// Publishes persistent messages to `queue` and waits until the broker confirms it has stored all of them.
    /// - Parameters:
    ///   - bodies: The message bodies.
    ///   - queue: The queue, through the default exchange.
    ///   - contentType: The messages' content type.
    /// - Throws: ``AMQPError``: `notConfirmed` for a negative confirm, `confirmTimeout`, or a lost connection.
    public func publishConfirmed(_ bodies: [[UInt8]], to queue: String, contentType: String) throws {
        if !confirming {
            amqp_confirm_select(state, channel)
            try check(amqp_get_rpc_reply(state), "confirm.select")
            confirming = true
        }
        for body in bodies {
            let status = body.withUnsafeBytes { camqp_publish_persistent(state, channel, queue, $0.baseAddress, $0.count, contentType) }
            guard status == AMQP_STATUS_OK.rawValue else { throw broken(AMQPError.connectionLost(Self.text(status))) }
        }
        let first = nextPublishTag
        nextPublishTag += UInt64(bodies.count)
        try waitForConfirms(of: first..<nextPublishTag)
    }

    /// Reads frames until the broker has confirmed every tag in `tags` (singly or with `multiple`).
    private func waitForConfirms(of tags: Range<UInt64>) throws {
        let deadline = ContinuousClock.now + timeout
        var confirmed = Set<UInt64>()
        var confirmedThrough = tags.lowerBound - 1
        let last = tags.upperBound - 1
        while confirmedThrough < last {
            var frame = amqp_frame_t()
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw broken(AMQPError.confirmTimeout) }
            var limit = remaining.timeval
            let status = amqp_simple_wait_frame_noblock(state, &frame, &limit)
            if status == AMQP_STATUS_TIMEOUT.rawValue { throw broken(AMQPError.confirmTimeout) }
            guard status == AMQP_STATUS_OK.rawValue else { throw broken(AMQPError.connectionLost(Self.text(status))) }
            guard frame.frame_type == camqp_frame_method else { continue }
            let method = frame.payload.method
            switch method.id {
            case camqp_basic_ack_method, camqp_basic_nack_method:
                var multiple: Int32 = 0
                let tag = camqp_confirm_tag(&frame, &multiple)
                if method.id == camqp_basic_nack_method { throw broken(AMQPError.notConfirmed) }
                if multiple != 0 { confirmedThrough = max(confirmedThrough, tag) } else { confirmed.insert(tag) }
                while confirmed.remove(confirmedThrough + 1) != nil { confirmedThrough += 1 }
            case camqp_channel_close_method, camqp_connection_close_method:
                throw broken(Self.refusal(method))
            default:
                continue
            }
        }
    }

    /// Starts consuming `queue` with manual acknowledgement, at most `prefetch` unacknowledged messages at a time.
    /// - Parameters:
    ///   - queue: The queue.
    ///   - prefetch: The most deliveries in hand before some are acknowledged, at least 1.
    /// - Throws: ``AMQPError``.
    public func consume(_ queue: String, prefetch: Int) throws {
        amqp_basic_qos(state, channel, 0, UInt16(clamping: max(1, prefetch)), 0)
        try check(amqp_get_rpc_reply(state), "basic.qos")
        amqp_basic_consume(state, channel, amqp_cstring_bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), "basic.consume \(queue)")
    }

    /// Waits for the next delivery of a queue this connection consumes.
    /// - Parameter timeout: How long to wait.
    /// - Returns: The delivery, or `nil` when none came in time.
    /// - Throws: ``AMQPError`` when the connection breaks or the broker closes the channel.
    public func nextDelivery(timeout: Duration) throws -> AMQPDelivery? {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var limit = timeout.timeval
        let reply = amqp_consume_message(state, &envelope, &limit, 0)
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            defer { amqp_destroy_envelope(&envelope) }
            let body = envelope.message.body
            let bytes = body.len == 0 ? [] : Array(UnsafeRawBufferPointer(start: body.bytes, count: body.len))
            return AMQPDelivery(body: bytes, deliveryTag: envelope.delivery_tag, redelivered: envelope.redelivered != 0)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_TIMEOUT.rawValue:
            return nil
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue:
            // A frame other than a delivery: a close from the broker, or a stray confirm.
            var frame = amqp_frame_t()
            let status = amqp_simple_wait_frame_noblock(state, &frame, &limit)
            guard status == AMQP_STATUS_OK.rawValue else { throw broken(AMQPError.connectionLost(Self.text(status))) }
            if frame.frame_type == camqp_frame_method,
                [camqp_channel_close_method, camqp_connection_close_method].contains(frame.payload.method.id)
            {
                throw broken(Self.refusal(frame.payload.method))
            }
            return nil
        default:
            try check(reply, "basic.consume")
            return nil
        }
    }

    /// Acknowledges a delivery: the broker forgets the message.
    /// - Parameter deliveryTag: The delivery's tag.
    /// - Throws: ``AMQPError/connectionLost(_:)``.
    public func ack(_ deliveryTag: UInt64) throws {
        let status = amqp_basic_ack(state, channel, deliveryTag, 0)
        guard status == AMQP_STATUS_OK.rawValue else { throw broken(AMQPError.connectionLost(Self.text(status))) }
    }

    /// Rejects a delivery: back to its queue (`requeue`), or else to the queue's dead-letter queue.
    /// - Parameters:
    ///   - deliveryTag: The delivery's tag.
    ///   - requeue: Whether to put the message back for another consumer.
    /// - Throws: ``AMQPError/connectionLost(_:)``.
    public func reject(_ deliveryTag: UInt64, requeue: Bool) throws {
        let status = amqp_basic_reject(state, channel, deliveryTag, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else { throw broken(AMQPError.connectionLost(Self.text(status))) }
    }

    private func check(_ reply: amqp_rpc_reply_t, _ operation: String) throws {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL: return
        case AMQP_RESPONSE_SERVER_EXCEPTION: throw broken(Self.refusal(reply.reply))
        case AMQP_RESPONSE_LIBRARY_EXCEPTION: throw broken(AMQPError.connectionLost("\(operation): \(Self.text(reply.library_error))"))
        default: throw broken(AMQPError.connectionLost("\(operation): the broker closed the connection"))
        }
    }

    private func broken(_ error: AMQPError) -> AMQPError {
        isBroken = true
        return error
    }

    private static func refusal(_ method: amqp_method_t) -> AMQPError {
        var text = [CChar](repeating: 0, count: 512)
        let code = camqp_close_reason(method, &text, text.count)
        return AMQPError.refused(code: Int(code), reason: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    private static func text(_ status: Int32) -> String { String(cString: amqp_error_string2(status)) }
}
