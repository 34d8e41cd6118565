/// A durable queue of chunk messages between the coordinator and workers.
///
/// Implementations: ``InMemoryJobQueue`` (the embedded mode) and ``RabbitMQJobQueue``. Both pass the
/// same contract tests.
public protocol JobQueue: Sendable {
    /// Publishes messages and returns once the queue has stored all of them (publisher confirms).
    /// - Parameter messages: Encoded chunks.
    /// - Throws: When the queue is unreachable for longer than its reconnect window, or refuses the messages.
    func publish(_ messages: [[UInt8]]) throws

    /// A consumer for one worker thread.
    /// - Parameter prefetch: The most unacknowledged deliveries it holds at a time.
    /// - Returns: A consumer; close it when done.
    func makeConsumer(prefetch: Int) throws -> any ChunkConsumer

    /// Messages waiting for a worker.
    func depth() throws -> Int

    /// Messages in the dead-letter queue: chunks that workers could not process.
    func deadLetterDepth() throws -> Int

    /// Checks once, within `timeout` and without the reconnect window, that the queue answers: for readiness
    /// checks, which must answer at once.
    /// - Parameter timeout: The longest the check may take.
    /// - Throws: When the queue does not answer in time.
    func probe(timeout: Duration) throws
}

/// One message handed to a consumer, to be acknowledged, dead-lettered or requeued exactly once.
public struct Delivery: Sendable {
    /// The message body.
    public let body: [UInt8]
    /// Whether the queue delivered this message before, to a consumer that did not acknowledge it.
    public let redelivered: Bool
    /// The queue's handle for the delivery.
    package let tag: UInt64
    /// Which connection of the consumer delivered it; settling a delivery of a lost connection is a no-op,
    /// because the queue has already taken it back.
    package let generation: Int

    package init(body: [UInt8], redelivered: Bool, tag: UInt64, generation: Int = 0) {
        (self.body, self.redelivered, self.tag, self.generation) = (body, redelivered, tag, generation)
    }
}

/// Takes messages from a ``JobQueue``. Not thread-safe: one per thread.
public protocol ChunkConsumer: AnyObject {
    /// Waits for the next message.
    /// - Parameter timeout: How long to wait.
    /// - Returns: The next delivery, or `nil` when none came in time.
    /// - Throws: When the queue stays unreachable for longer than its reconnect window.
    func next(timeout: Duration) throws -> Delivery?
    /// The message is done with: the queue forgets it.
    func ack(_ delivery: Delivery) throws
    /// The message cannot be processed: it moves to the dead-letter queue.
    func deadLetter(_ delivery: Delivery) throws
    /// The message goes back to the queue for another consumer.
    func requeue(_ delivery: Delivery) throws
    /// Stops consuming; unsettled deliveries go back to the queue.
    func close()
}
