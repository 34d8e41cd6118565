/// A scrape in the Prometheus text format, parsed for assertions.
public struct PrometheusText: Sendable {
    /// Each sample: the series name, its labels, and the value.
    public let samples: [(name: String, labels: [String: String], value: Double)]

    /// Parses `text`; comment lines are skipped.
    public init(_ text: String) {
        samples = text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else { return (String(series), [:], value) }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { labels[String(parts[0])] = String(parts[1].dropFirst().dropLast()) }
            }
            return (String(series[..<brace]), labels, value)
        }
    }

    /// The names of every series.
    public var names: Set<String> { Set(samples.map(\.name)) }

    /// The value of the series with exactly these labels (or of the unlabelled series), `nil` when absent.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}
