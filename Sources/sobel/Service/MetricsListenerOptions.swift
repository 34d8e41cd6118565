import ArgumentParser

/// `--metrics-port` and `--metrics-host`, shared by `serve` and `work`: a listener of its own for `/metrics` and
/// `/healthz`, on a port that can stay private while the main port is public.
struct MetricsListenerOptions: ParsableArguments {
    @Option(name: .customLong(Setting.metricsPort.flag), help: Setting.metricsPort.help(valueName: "port"))
    var metricsPort: Int?

    @Option(name: .customLong(Setting.metricsHost.flag), help: Setting.metricsHost.help(valueName: "host"))
    var metricsHost: String?

    /// The listener's port, or `nil` for none.
    func port() throws -> Int? {
        let port = try (Setting.metricsPort.integer(metricsPort) ?? 0)
        return port == 0 ? nil : port
    }

    /// The listener's address.
    var host: String { Setting.metricsHost.text(metricsHost)! }

    func validate() throws {
        if let port = try port(), !(1...65535).contains(port) { throw ValidationError("--metrics-port must be from 1 to 65535") }
    }
}
