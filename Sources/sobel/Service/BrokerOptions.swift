import ArgumentParser
import Foundation
import SobelAMQP
import SobelRedis
import SobelService
import SobelServiceAMQP
import SobelServiceRedis

/// Where RabbitMQ and Redis are: flags, or else `SOBEL_*` environment variables. Credentials come only
/// from these URLs; there are no defaults.
struct BrokerOptions: ParsableArguments {
    @Option(name: .customLong(Setting.amqpURL.flag), help: Setting.amqpURL.help(valueName: "url"))
    var amqpURL: String?

    @Option(name: .customLong(Setting.redisURL.flag), help: Setting.redisURL.help(valueName: "url"))
    var redisURL: String?

    @Option(name: .customLong(Setting.queue.flag), help: Setting.queue.help(valueName: "name"))
    var queue: String?

    @Option(name: .customLong(Setting.keyPrefix.flag), help: Setting.keyPrefix.help(valueName: "prefix"))
    var keyPrefix: String?

    @Option(name: .customLong(Setting.retentionSeconds.flag), help: Setting.retentionSeconds.help(valueName: "s"))
    var retentionSeconds: Int?

    var resolvedAMQPURL: String? { Setting.amqpURL.text(amqpURL) }
    var resolvedRedisURL: String? { Setting.redisURL.text(redisURL) }
    var resolvedQueue: String { Setting.queue.text(queue)! }
    var resolvedKeyPrefix: String { Setting.keyPrefix.text(keyPrefix)! }

    /// How long job data is kept: results must outlive the time users take to download them, and every
    /// kept result costs store memory (docs/scaling.md).
    func retention() throws -> Duration {
        .seconds(try Setting.retentionSeconds.integer(retentionSeconds)!)
    }

    /// Whether neither broker is configured: the embedded mode.
    var isEmbedded: Bool { resolvedAMQPURL == nil && resolvedRedisURL == nil }

    func validate() throws {
        guard try retention() > .zero else { throw ValidationError("--retention must be positive") }
        if (resolvedAMQPURL == nil) != (resolvedRedisURL == nil) {
            throw ValidationError("give both --amqp-url and --redis-url (or SOBEL_AMQP_URL and SOBEL_REDIS_URL), or neither for the embedded mode")
        }
        if let text = resolvedAMQPURL { do { _ = try AMQPURL(text) } catch { throw ValidationError("\(error)") } }
        if let text = resolvedRedisURL { do { _ = try RedisURL(text) } catch { throw ValidationError("\(error)") } }
    }

    /// Connects to both, failing with one line when either cannot be reached.
    /// - Parameter timeToLive: How long job data is kept; by default ``retention()``.
    func connect(timeToLive: Duration? = nil) throws -> (queue: RabbitMQJobQueue, store: RedisTileStore) {
        guard let amqp = resolvedAMQPURL, let redis = resolvedRedisURL else {
            throw CommandFailure(message: "no broker configured: set SOBEL_AMQP_URL and SOBEL_REDIS_URL (or --amqp-url and --redis-url)", exitCode: 2)
        }
        do {
            let queue = try RabbitMQJobQueue(url: AMQPURL(amqp), name: resolvedQueue)
            let store = try RedisTileStore(url: RedisURL(redis), prefix: resolvedKeyPrefix, timeToLive: timeToLive ?? retention())
            return (queue, store)
        } catch {
            throw CommandFailure(message: "\(error)")
        }
    }
}
