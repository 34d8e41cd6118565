import Foundation
import SobelAMQP
import SobelTestSupport
import Testing

/// The rabbitmq-c client against the real broker: logins, URLs, refusals.
@Suite struct AMQPConnectionTests {
    @Test func aWrongPasswordIsRefusedWithoutHangingOrCrashing() throws {
        let good = try AMQPURL(SharedServers.amqpURL())
        let bad = try AMQPURL("amqp://\(good.user):wrong@\(good.host):\(good.port)/%2F")
        for _ in 0..<3 {  // repeated: a failed login must release its connection exactly once
            let (outcome, waited) = timed { Result { try AMQPConnection(url: bad, timeout: .seconds(5)) } }
            #expect(throws: AMQPError.self) { try outcome.get() }
            #expect(waited < .seconds(10))
        }
        #expect(try AMQPConnection(url: good).declareQueue("test.\(UUID().uuidString)") == 0, "the right login still works")
    }

    @Test func aQueueDeclaredWithOtherArgumentsIsRefusedByName() throws {
        let connection = try AMQPConnection(url: AMQPURL(SharedServers.amqpURL()))
        let name = "test.\(UUID().uuidString)"
        try connection.declareQueue(name)
        #expect {
            try connection.declareQueue(name, deadLetterQueue: name + ".dead")
        } throws: { error in
            guard case AMQPError.refused(let code, let reason) = error else { return false }
            return code == 406 && reason.contains("PRECONDITION_FAILED")
        }
        #expect(connection.isBroken, "a refused operation leaves the connection to be replaced")
    }

    @Test(arguments: [
        ("redis://u:p@host", "amqp://"), ("amqp://host", "no user and password"), ("amqp://u:p@", "no host"), ("amqp://u:p@host:0", "port"),
    ])
    func badURLsNameTheProblem(_ text: String, _ mention: String) {
        #expect {
            try AMQPURL(text)
        } throws: { error in
            guard case AMQPError.invalidURL(let detail) = error else { return false }
            return detail.contains(mention)
        }
    }

    @Test func urlPartsAndRedaction() throws {
        let url = try AMQPURL("amqp://worker:p%40ss@rabbit.internal:5673/jobs")
        #expect(url.host == "rabbit.internal" && url.port == 5673 && url.user == "worker" && url.password == "p@ss" && url.virtualHost == "jobs")
        #expect(url.description == "amqp://worker:***@rabbit.internal:5673/jobs")
        #expect(try AMQPURL("amqp://u:p@h").virtualHost == "/" && AMQPURL("amqp://u:p@h/%2F").virtualHost == "/")
    }
}
