import Foundation
import SobelTestSupport
import Testing

/// `sobel settings` is the one list of `SOBEL_*` settings: the options' help, the docs and the
/// deployment checks all agree with it.
@Suite struct SettingsTests {
    struct Row: Decodable {
        let variable: String, flag: String, commands: [String], `default`: String?, meaning: String
    }

    static func rows() throws -> [Row] {
        let result = try SobelProcess.run(["settings", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([Row].self, from: result.stdout)
    }

    @Test func theListCoversEveryCommandOption() throws {
        let rows = try Self.rows()
        #expect(rows.count == Set(rows.map(\.variable)).count && rows.allSatisfy { $0.variable.hasPrefix("SOBEL_") })
        for command in ["serve", "work"] {
            let help = String(decoding: try SobelProcess.run([command, "--help"]).stdout, as: UTF8.self)
            for row in rows where row.commands.contains(command) {
                #expect(
                    help.contains(row.flag) && help.contains("$\(row.variable)"),
                    "sobel \(command) --help names \(row.flag) and $\(row.variable)"
                )
            }
        }
    }

    @Test func theServiceDocsShowTheListAsItIs() throws {
        let docs = try String(contentsOf: Repository.url("docs/service.md"), encoding: .utf8)
        let table = try Self.rows().map { row in
            "| `\(row.variable)` | `\(row.flag)` | \(row.commands.joined(separator: ", ")) | \(row.default.map { "`\($0)`" } ?? "none") | \(row.meaning) |"
        }
        let expected = (["| variable | flag | read by | default | meaning |", "|---|---|---|---|---|"] + table).joined(separator: "\n")
        #expect(docs.contains(expected), "docs/service.md's settings table differs from `sobel settings`; expected:\n\(expected)")
    }

    @Test func aVariableThatIsNotANumberIsAUsageError() throws {
        let result = try SobelProcess.run(["serve"], environment: ["SOBEL_PORT": "eighty"])
        #expect(result.status == 2 && result.stderr.contains("SOBEL_PORT='eighty' is not a whole number"), "\(result.stderr)")
    }
}
