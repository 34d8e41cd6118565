import Foundation
import SobelConnections

/// The embedded mode's queue: an in-process FIFO with acknowledgements, prefetch limits, redelivery
/// of unsettled messages when a consumer closes, and a dead-letter list. Nothing survives the process.
public final class InMemoryJobQueue: JobQueue, @unchecked Sendable {
    private struct Message {
        var body: [UInt8]
        var redelivered: Bool
    }

    private let condition = NSCondition()
    private var ready: [Message] = []
    private var readyStart = 0
    private var unsettled: [UInt64: (consumer: ObjectIdentifier, message: Message)] = [:]
    private var deadLetters: [[UInt8]] = []
    private var nextTag: UInt64 = 1

    /// Creates an empty queue.
    public init() {}

    public func publish(_ messages: [[UInt8]]) throws {
        condition.withLock {
            compact()
            ready.append(contentsOf: messages.map { Message(body: $0, redelivered: false) })
            condition.broadcast()
        }
    }

    public func makeConsumer(prefetch: Int) throws -> any ChunkConsumer {
        Consumer(queue: self, prefetch: max(1, prefetch))
    }

    public func depth() throws -> Int {
        condition.withLock { ready.count - readyStart }
    }

    public func deadLetterDepth() throws -> Int {
        condition.withLock { deadLetters.count }
    }

    /// The in-memory queue always answers.
    public func probe(timeout: Duration) {}

    /// The bodies in the dead-letter list, oldest first.
    public func deadLetterBodies() -> [[UInt8]] {
        condition.withLock { deadLetters }
    }

    /// Drops the taken slots once they are half of the array, so that removing them stays amortised O(1).
    private func compact() {
        if readyStart > 64 && readyStart * 2 > ready.count {
            ready.removeFirst(readyStart)
            readyStart = 0
        }
    }

    private func take(for consumer: ObjectIdentifier, prefetch: Int, timeout: Duration) -> Delivery? {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        return condition.withLock {
            while readyStart == ready.count || unsettled.values.count(where: { $0.consumer == consumer }) >= prefetch {
                guard condition.wait(until: deadline) else { return nil }
            }
            let message = ready[readyStart]
            // The slot keeps no body: a taken chunk's bytes live only as long as its delivery.
            ready[readyStart].body = []
            readyStart += 1
            compact()
            let tag = nextTag
            nextTag += 1
            unsettled[tag] = (consumer, message)
            return Delivery(body: message.body, redelivered: message.redelivered, tag: tag)
        }
    }

    private enum Settlement { case ack, deadLetter, requeue }

    private func settle(_ tag: UInt64, _ settlement: Settlement) {
        condition.withLock {
            guard let (_, message) = unsettled.removeValue(forKey: tag) else { return }
            switch settlement {
            case .ack: break
            case .deadLetter: deadLetters.append(message.body)
            case .requeue: putBack([message])
            }
            condition.broadcast()
        }
    }

    /// Puts messages back at the head of the queue, marked redelivered (as RabbitMQ does).
    private func putBack(_ messages: [Message]) {
        let returned = messages.map { Message(body: $0.body, redelivered: true) }
        ready.replaceSubrange(readyStart..<readyStart, with: returned)
    }

    private func release(_ consumer: ObjectIdentifier) {
        condition.withLock {
            let tags = unsettled.filter { $0.value.consumer == consumer }.keys.sorted()
            putBack(tags.compactMap { unsettled.removeValue(forKey: $0)?.message })
            condition.broadcast()
        }
    }

    private final class Consumer: ChunkConsumer {
        private let queue: InMemoryJobQueue
        private let prefetch: Int
        private var closed = false

        init(queue: InMemoryJobQueue, prefetch: Int) {
            (self.queue, self.prefetch) = (queue, prefetch)
        }

        func next(timeout: Duration) throws -> Delivery? {
            closed ? nil : queue.take(for: ObjectIdentifier(self), prefetch: prefetch, timeout: timeout)
        }

        func ack(_ delivery: Delivery) throws { queue.settle(delivery.tag, .ack) }
        func deadLetter(_ delivery: Delivery) throws { queue.settle(delivery.tag, .deadLetter) }
        func requeue(_ delivery: Delivery) throws { queue.settle(delivery.tag, .requeue) }

        func close() {
            guard !closed else { return }
            closed = true
            queue.release(ObjectIdentifier(self))
        }

        deinit { close() }
    }
}
