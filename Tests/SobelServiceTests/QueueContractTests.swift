import Foundation
import SobelService
import SobelServiceTestSupport
import SobelTestSupport
import Testing

/// Every ``JobQueue`` behaves the same: the in-memory queue of the embedded mode and RabbitMQ.
@Suite struct QueueContractTests {
    private func bodies(_ count: Int) -> [[UInt8]] { (0..<count).map { [UInt8($0), 0, 255, 10] } }

    @Test(arguments: QueueKind.allCases)
    func deliversInOrderAndForgetsAcknowledged(_ kind: QueueKind) throws {
        let queue = try kind.make()
        try queue.publish(bodies(3))
        #expect(try queue.depth() == 3)
        let consumer = try queue.makeConsumer(prefetch: 10)
        defer { consumer.close() }
        for expected in bodies(3) {
            let delivery = try #require(try consumer.next(timeout: .seconds(5)))
            #expect(delivery.body == expected && !delivery.redelivered)
            try consumer.ack(delivery)
        }
        let (none, waited) = try timed { try consumer.next(timeout: .milliseconds(300)) }
        #expect(none == nil && waited >= .milliseconds(250), "an empty queue waits for the timeout")
        #expect(try queue.depth() == 0)
    }

    @Test(arguments: QueueKind.allCases)
    func prefetchBoundsUnacknowledgedDeliveries(_ kind: QueueKind) throws {
        let queue = try kind.make()
        try queue.publish(bodies(3))
        let consumer = try queue.makeConsumer(prefetch: 2)
        defer { consumer.close() }
        let first = try #require(try consumer.next(timeout: .seconds(5)))
        _ = try #require(try consumer.next(timeout: .seconds(5)))
        #expect(try consumer.next(timeout: .milliseconds(300)) == nil, "a third delivery waits for an acknowledgement")
        try consumer.ack(first)
        #expect(try consumer.next(timeout: .seconds(5))?.body == bodies(3)[2])
    }

    @Test(arguments: QueueKind.allCases)
    func closingReturnsUnsettledDeliveriesMarkedRedelivered(_ kind: QueueKind) throws {
        let queue = try kind.make()
        try queue.publish(bodies(1))
        let first = try queue.makeConsumer(prefetch: 1)
        _ = try #require(try first.next(timeout: .seconds(5)))
        first.close()
        let second = try queue.makeConsumer(prefetch: 1)
        defer { second.close() }
        let again = try #require(try second.next(timeout: .seconds(5)))
        #expect(again.body == bodies(1)[0] && again.redelivered)
    }

    @Test(arguments: QueueKind.allCases)
    func requeueAndDeadLetter(_ kind: QueueKind) throws {
        let queue = try kind.make()
        try queue.publish(bodies(2))
        let consumer = try queue.makeConsumer(prefetch: 1)
        defer { consumer.close() }
        let first = try #require(try consumer.next(timeout: .seconds(5)))
        try consumer.requeue(first)
        let again = try #require(try consumer.next(timeout: .seconds(5)))
        #expect(again.body == first.body && again.redelivered)
        try consumer.deadLetter(again)
        let second = try #require(try consumer.next(timeout: .seconds(5)))
        #expect(second.body == bodies(2)[1])
        try consumer.ack(second)
        #expect(try consumer.next(timeout: .milliseconds(200)) == nil)
        #expect(try queue.deadLetterDepth() == 1, "the dead-lettered message waits in the dead-letter queue")
        #expect(try queue.depth() == 0)
    }

    @Test(arguments: QueueKind.allCases)
    func consumersShareTheWorkEachMessageOnce(_ kind: QueueKind) throws {
        let queue = try kind.make()
        try queue.publish(bodies(40))
        let consumers = try (0..<3).map { _ in try queue.makeConsumer(prefetch: 2) }
        defer { for consumer in consumers { consumer.close() } }
        var seen: [[UInt8]] = []
        var idleRounds = 0
        while idleRounds < 3 {
            var took = false
            for consumer in consumers {
                if let delivery = try consumer.next(timeout: .milliseconds(100)) {
                    seen.append(delivery.body)
                    try consumer.ack(delivery)
                    took = true
                }
            }
            idleRounds = took ? 0 : idleRounds + 1
        }
        #expect(seen.count == 40 && Set(seen).count == 40, "every message exactly once")
    }
}
