import ArgumentParser
import Foundation

/// Every `SOBEL_*` setting that `sobel` reads, in one list: its environment variable, flag, default and
/// meaning. The options' `--help`, `sobel settings`, the docs test and the deployment checks all read it.
/// A flag wins over its variable; an empty variable counts as unset.
enum Setting: String, CaseIterable, Sendable {
    case amqpURL = "SOBEL_AMQP_URL"
    case redisURL = "SOBEL_REDIS_URL"
    case queue = "SOBEL_QUEUE"
    case keyPrefix = "SOBEL_KEY_PREFIX"
    case retentionSeconds = "SOBEL_RETENTION_SECONDS"
    case host = "SOBEL_HOST"
    case port = "SOBEL_PORT"
    case maxUploadMB = "SOBEL_MAX_UPLOAD_MB"
    case maxPendingUploadMB = "SOBEL_MAX_PENDING_UPLOAD_MB"
    case maxMegapixels = "SOBEL_MAX_MEGAPIXELS"
    case deadlineSeconds = "SOBEL_DEADLINE_SECONDS"
    case maxQueue = "SOBEL_MAX_QUEUE"
    case apiToken = "SOBEL_API_TOKEN"
    case idleTimeoutSeconds = "SOBEL_IDLE_TIMEOUT_SECONDS"
    case concurrency = "SOBEL_CONCURRENCY"
    case prefetch = "SOBEL_PREFETCH"
    case metricsPort = "SOBEL_METRICS_PORT"
    case metricsHost = "SOBEL_METRICS_HOST"
    case logFormat = "SOBEL_LOG_FORMAT"
    case logLevel = "SOBEL_LOG_LEVEL"

    /// The environment variable.
    var variable: String { rawValue }

    /// The flag that overrides it, without `--`.
    var flag: String {
        switch self {
        case .amqpURL: "amqp-url"
        case .redisURL: "redis-url"
        case .queue: "queue"
        case .keyPrefix: "key-prefix"
        case .retentionSeconds: "retention"
        case .host: "host"
        case .port: "port"
        case .maxUploadMB: "max-upload-mb"
        case .maxPendingUploadMB: "max-pending-upload-mb"
        case .maxMegapixels: "max-megapixels"
        case .deadlineSeconds: "deadline"
        case .maxQueue: "max-queue"
        case .apiToken: "api-token"
        case .idleTimeoutSeconds: "idle-timeout"
        case .concurrency: "concurrency"
        case .prefetch: "prefetch"
        case .metricsPort: "metrics-port"
        case .metricsHost: "metrics-host"
        case .logFormat: "log-format"
        case .logLevel: "log-level"
        }
    }

    /// The commands that read it.
    var commands: [String] {
        switch self {
        case .amqpURL, .redisURL, .queue, .keyPrefix, .retentionSeconds, .logFormat, .logLevel: ["serve", "work"]
        case .host, .port, .maxUploadMB, .maxPendingUploadMB, .maxMegapixels, .deadlineSeconds, .maxQueue, .apiToken, .idleTimeoutSeconds: ["serve"]
        case .metricsPort, .metricsHost: ["serve", "work"]
        case .concurrency, .prefetch: ["work"]
        }
    }

    /// The value used when neither the flag nor the variable is given, in words; `nil` when there is none.
    var defaultValue: String? {
        switch self {
        case .amqpURL, .redisURL, .apiToken, .metricsPort: nil
        case .queue: "sobel.chunks"
        case .keyPrefix: "sobel:v1"
        case .retentionSeconds: "3600"
        case .host, .metricsHost: "127.0.0.1"
        case .port: "8080"
        case .maxUploadMB: "64"
        case .maxPendingUploadMB: "1024"
        case .maxMegapixels: "100"
        case .deadlineSeconds: "120"
        case .maxQueue: "10000"
        case .idleTimeoutSeconds: "30"
        case .concurrency: "one per core"
        case .prefetch: "2"
        case .logFormat: "text"
        case .logLevel: "info"
        }
    }

    /// What it sets, in one sentence for `--help` and the docs.
    var meaning: String {
        switch self {
        case .amqpURL: "RabbitMQ, as amqp://USER:PASSWORD@HOST[:PORT]/VHOST (the user and password are required)"
        case .redisURL: "Redis, as redis://[[USER][:PASSWORD]@]HOST[:PORT][/DB]"
        case .queue: "The chunk queue's name; the dead-letter queue is its name with .dead appended"
        case .keyPrefix: "The Redis key namespace"
        case .retentionSeconds: "Seconds job records, tiles and results are kept after their last change; longer than the deadline"
        case .host: "The address to listen on"
        case .port: "The port to listen on"
        case .maxUploadMB: "The largest upload, in MiB"
        case .maxPendingUploadMB:
            "The most MiB that uploads still arriving may hold together (each counts its declared size, or the largest upload); beyond it, uploads get 503"
        case .maxMegapixels: "The largest image, in megapixels"
        case .deadlineSeconds: "Seconds a job may take once its upload has arrived"
        case .maxQueue: "Queued chunks beyond which uploads get 503"
        case .idleTimeoutSeconds: "Seconds a connection may stay silent, mid-upload too, before it is closed"
        case .apiToken:
            "Require 'Authorization: Bearer TOKEN' on /api/, and a sign-in with it on the page (prefer the variable: command lines are visible to other users)"
        case .concurrency: "Chunks a worker renders at once"
        case .prefetch: "Unacknowledged chunks each consumer holds"
        case .metricsPort: "Serve GET /metrics and GET /healthz on this port of their own (serve: instead of on the main port, which may be public)"
        case .metricsHost: "The address of the metrics listener"
        case .logFormat: "text, or json for one JSON object per line"
        case .logLevel: "trace, debug, info, notice, warning, error or critical"
        }
    }

    /// The option's help: its meaning, variable and default.
    /// - Parameter valueName: The placeholder shown for the value.
    /// - Returns: Help for `@Option`.
    func help(valueName: String) -> ArgumentHelp {
        ArgumentHelp("\(meaning) (default: $\(variable), or \(defaultValue ?? "none")).", valueName: valueName)
    }

    /// The variable's value; an empty one counts as unset.
    var environmentValue: String? {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        return value
    }

    /// The setting as text: the flag's value, else the variable's, else the default.
    /// - Parameter flag: The flag's value, if given.
    /// - Returns: The value, or `nil` when none is set and there is no default.
    func text(_ flag: String?) -> String? {
        flag ?? environmentValue ?? defaultValue
    }

    /// An integer setting: the flag's value, else the variable's, else the default when it is a number.
    /// - Parameter flag: The flag's value, if given.
    /// - Returns: The number, or `nil` when none is set and the default is not a number (e.g. "one per core").
    /// - Throws: `ValidationError` when the variable is not a whole number.
    func integer(_ flag: Int?) throws -> Int? {
        if let flag { return flag }
        guard let text = environmentValue else { return defaultValue.flatMap { Int($0) } }
        guard let number = Int(text) else { throw ValidationError("\(variable)='\(text)' is not a whole number") }
        return number
    }
}
