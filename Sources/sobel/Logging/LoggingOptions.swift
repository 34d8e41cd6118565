import ArgumentParser
import Logging

/// `--log-format` and `--log-level` of the long-running commands.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .customLong("log-format"), help: ArgumentHelp(
        "text, or json for one JSON object per line (default: $SOBEL_LOG_FORMAT, or text).", valueName: "format"))
    var format: Format?

    @Option(name: .customLong("log-level"), help: ArgumentHelp(
        "trace, debug, info, notice, warning, error or critical (default: $SOBEL_LOG_LEVEL, or info).", valueName: "level"))
    var level: String?

    func resolved() throws -> (Format, Logger.Level) {
        let formatText = format?.rawValue ?? Environment.value("SOBEL_LOG_FORMAT") ?? "text"
        guard let format = Format(rawValue: formatText) else {
            throw ValidationError("log format '\(formatText)' is not one of: text, json")
        }
        let levelText = level ?? Environment.value("SOBEL_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("log level '\(levelText)' is not one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return (format, level)
    }

    func validate() throws {
        _ = try resolved()
    }

    /// Sets up swift-log for the process: standard error, in the chosen format and level.
    func bootstrap() throws {
        let (format, level) = try resolved()
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = switch format {
            case .text: StreamLogHandler.standardError(label: label)
            case .json: JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}
