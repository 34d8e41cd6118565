public import SobelAMQP
import SobelConnections
public import SobelService
import Synchronization

/// The chunk queue on RabbitMQ: a durable queue of persistent messages whose rejected messages go to a
/// durable dead-letter queue (`<name>.dead`), published with publisher confirms.
///
/// Lost connections are re-made with backoff within ``reconnectWindow``; a publish that was cut off is
/// sent again whole (duplicates are harmless: tiles are stored idempotently).
public final class RabbitMQJobQueue: JobQueue, Sendable {
    /// The broker.
    public let url: AMQPURL
    /// The queue's name; the dead-letter queue is this name with `.dead` appended.
    public let name: String
    /// How long to keep re-trying a lost connection before an operation fails.
    public let reconnectWindow: Duration
    /// The time limit for connecting and for each request, confirms included.
    public let timeout: Duration
    private let publisher = Mutex<AMQPConnection?>(nil)

    /// The dead-letter queue's name.
    public var deadLetterName: String { name + ".dead" }

    /// Connects and declares both queues.
    /// - Parameters:
    ///   - url: The broker and its login.
    ///   - name: The queue, e.g. `sobel.chunks`.
    ///   - timeout: The time limit for connecting and for each request.
    ///   - reconnectWindow: How long to retry a lost connection.
    /// - Throws: ``AMQPError`` when the broker is unreachable or refuses the login or the declarations.
    public init(url: AMQPURL, name: String = "sobel.chunks", timeout: Duration = .seconds(10), reconnectWindow: Duration = .seconds(15)) throws {
        (self.url, self.name, self.timeout, self.reconnectWindow) = (url, name, timeout, reconnectWindow)
        try publisher.withLock { connection in connection = try connect() }
    }

    /// The AMQP heartbeat of consumers, in seconds. RabbitMQ closes a consumer's connection when it has heard
    /// nothing for about two intervals, and only then hands its unacknowledged chunks to another worker: with 5 s,
    /// a worker cut off from the broker by a silent partition loses its chunks to the others in about 10–15 s
    /// (`scripts/chaos.sh`; with the 30 s default a 30 s partition held them until it healed).
    public static let consumerHeartbeat = 5

    /// A connection with both queues declared.
    /// - Parameter heartbeat: Seconds between heartbeats.
    func connect(heartbeat: Int = 30) throws -> AMQPConnection {
        let connection = try AMQPConnection(url: url, timeout: timeout, heartbeat: heartbeat)
        try connection.declareQueue(deadLetterName)
        try connection.declareQueue(name, deadLetterQueue: deadLetterName)
        return connection
    }

    /// Runs `body` on the publishing connection, re-making it with backoff after connection failures.
    private func withPublisher<R>(_ body: (AMQPConnection) throws -> R) throws -> R {
        try publisher.withLock { connection in
            var backoff = Backoff(window: reconnectWindow)
            while true {
                do {
                    if connection == nil || connection!.isBroken { connection = try connect() }
                    return try body(connection!)
                } catch let error as AMQPError {
                    if case .refused = error {
                        connection = nil
                        throw error
                    }
                    connection = nil
                    guard backoff.sleep() else { throw error }
                }
            }
        }
    }

    public func publish(_ messages: [[UInt8]]) throws {
        guard !messages.isEmpty else { return }
        try withPublisher { try $0.publishConfirmed(messages, to: name, contentType: ChunkMessage.contentType) }
    }

    public func makeConsumer(prefetch: Int) throws -> any ChunkConsumer {
        try Consumer(queue: self, prefetch: max(1, prefetch))
    }

    public func depth() throws -> Int {
        try withPublisher { try $0.declareQueue(name, deadLetterQueue: deadLetterName) }
    }

    public func deadLetterDepth() throws -> Int {
        try withPublisher { try $0.declareQueue(deadLetterName) }
    }

    /// Opens a connection of its own and logs in, once, within `timeout`.
    public func probe(timeout: Duration) throws {
        try AMQPConnection(url: url, timeout: timeout).close()
    }

    private final class Consumer: ChunkConsumer {
        private let queue: RabbitMQJobQueue
        private let prefetch: Int
        private var connection: AMQPConnection?
        private var generation = 0

        init(queue: RabbitMQJobQueue, prefetch: Int) throws {
            (self.queue, self.prefetch) = (queue, prefetch)
            try reconnect()
        }

        private func reconnect() throws {
            connection?.close()
            connection = nil
            var backoff = Backoff(window: queue.reconnectWindow)
            while true {
                do {
                    let fresh = try queue.connect(heartbeat: RabbitMQJobQueue.consumerHeartbeat)
                    try fresh.consume(queue.name, prefetch: prefetch)
                    connection = fresh
                    generation += 1
                    return
                } catch let error as AMQPError {
                    if case .refused = error { throw error }
                    guard backoff.sleep() else { throw error }
                }
            }
        }

        func next(timeout: Duration) throws -> Delivery? {
            if connection == nil || connection!.isBroken { try reconnect() }
            do {
                guard let delivery = try connection!.nextDelivery(timeout: timeout) else { return nil }
                return Delivery(body: delivery.body, redelivered: delivery.redelivered, tag: delivery.deliveryTag, generation: generation)
            } catch {
                try reconnect()
                return nil
            }
        }

        private func settle(_ delivery: Delivery, _ body: (AMQPConnection) throws -> Void) throws {
            // A delivery from a lost connection is back in the queue already: nothing to settle.
            guard delivery.generation == generation, let connection, !connection.isBroken else { return }
            try body(connection)
        }

        func ack(_ delivery: Delivery) throws { try settle(delivery) { try $0.ack(delivery.tag) } }
        func deadLetter(_ delivery: Delivery) throws { try settle(delivery) { try $0.reject(delivery.tag, requeue: false) } }
        func requeue(_ delivery: Delivery) throws { try settle(delivery) { try $0.reject(delivery.tag, requeue: true) } }

        func close() {
            connection?.close()
            connection = nil
        }

        deinit { close() }
    }
}
