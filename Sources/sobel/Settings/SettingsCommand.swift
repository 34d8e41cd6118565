import ArgumentParser
import Foundation

extension Sobel {
    /// `sobel settings`: every `SOBEL_*` setting with its flag, default and meaning.
    struct Settings: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "settings",
            abstract: "List every SOBEL_* environment variable sobel serve and sobel work read, with its flag and default.",
            discussion: "A flag wins over its variable; an empty variable counts as unset. --json prints one object per setting, for tools."
        )

        @Flag(help: "Print JSON: an array of {variable, flag, commands, default (absent when none), meaning}.")
        var json = false

        struct Row: Encodable {
            let variable: String, flag: String, commands: [String], `default`: String?, meaning: String
        }

        func run() throws {
            if json {
                let rows = Setting.allCases.map {
                    Row(variable: $0.variable, flag: "--\($0.flag)", commands: $0.commands, default: $0.defaultValue, meaning: $0.meaning)
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            for setting in Setting.allCases {
                print(
                    "\(setting.variable.padding(toLength: 26, withPad: " ", startingAt: 0)) --\(setting.flag.padding(toLength: 16, withPad: " ", startingAt: 0)) \(setting.commands.joined(separator: ",").padding(toLength: 11, withPad: " ", startingAt: 0)) default \(setting.defaultValue ?? "none")"
                )
                print("    \(setting.meaning)")
            }
        }
    }
}
