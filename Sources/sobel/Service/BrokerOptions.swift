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
    @Option(name: .customLong("amqp-url"), help: ArgumentHelp(
        "RabbitMQ, as amqp://USER:PASSWORD@HOST:PORT/VHOST (default: $SOBEL_AMQP_URL).", valueName: "url"))
    var amqpURL: String?

    @Option(name: .customLong("redis-url"), help: ArgumentHelp(
        "Redis, as redis://[:PASSWORD@]HOST:PORT/DB (default: $SOBEL_REDIS_URL).", valueName: "url"))
    var redisURL: String?

    @Option(help: ArgumentHelp("The chunk queue's name (default: $SOBEL_QUEUE, or sobel.chunks).", valueName: "name"))
    var queue: String?

    @Option(name: .customLong("key-prefix"), help: ArgumentHelp("The Redis key namespace (default: $SOBEL_KEY_PREFIX, or sobel:v1).", valueName: "prefix"))
    var keyPrefix: String?

    @Option(name: .customLong("retention"), help: ArgumentHelp(
        "Seconds job records, tiles and results are kept after their last change (default: $SOBEL_RETENTION_SECONDS, or 3600).",
        valueName: "s"))
    var retentionSeconds: Int?

    var resolvedAMQPURL: String? { amqpURL ?? Environment.value("SOBEL_AMQP_URL") }
    var resolvedRedisURL: String? { redisURL ?? Environment.value("SOBEL_REDIS_URL") }
    var resolvedQueue: String { queue ?? Environment.value("SOBEL_QUEUE") ?? "sobel.chunks" }
    var resolvedKeyPrefix: String { keyPrefix ?? Environment.value("SOBEL_KEY_PREFIX") ?? "sobel:v1" }

    /// How long job data is kept: results must outlive the time users take to download them, and every
    /// kept result costs store memory (docs/scaling.md).
    func retention() throws -> Duration {
        .seconds(try Environment.integer(retentionSeconds, "SOBEL_RETENTION_SECONDS", default: 3600))
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

/// `SOBEL_*` settings from the environment; empty values count as unset.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// An integer setting: the flag's value, else the variable's, else `fallback`.
    static func integer(_ flag: Int?, _ name: String, default fallback: Int) throws -> Int {
        if let flag { return flag }
        guard let text = value(name) else { return fallback }
        guard let number = Int(text) else { throw ValidationError("\(name)='\(text)' is not a whole number") }
        return number
    }
}
