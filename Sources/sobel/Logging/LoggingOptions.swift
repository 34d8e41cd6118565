import ArgumentParser
import Logging

/// `--log-format` and `--log-level` of the long-running commands.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .customLong(Setting.logFormat.flag), help: Setting.logFormat.help(valueName: "format"))
    var format: Format?

    @Option(name: .customLong(Setting.logLevel.flag), help: Setting.logLevel.help(valueName: "level"))
    var level: String?

    func resolved() throws -> (Format, Logger.Level) {
        let formatText = Setting.logFormat.text(format?.rawValue)!
        guard let format = Format(rawValue: formatText) else {
            throw ValidationError("log format '\(formatText)' is not one of: text, json")
        }
        let levelText = Setting.logLevel.text(level)!
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
            var handler: any LogHandler =
                switch format {
                case .text: StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
                }
            handler.logLevel = level
            return handler
        }
    }
}
