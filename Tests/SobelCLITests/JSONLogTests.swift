import Foundation
import Logging
import Testing

@testable import sobel

/// `--log-format json`: one JSON object per line with the job and tile as fields.
@Suite struct JSONLogTests {
    @Test func aLineIsOneJSONObjectWithMetadataAsFields() throws {
        var handler = JSONLogHandler(label: "sobel.worker")
        handler[metadataKey: "worker"] = "w1"
        let event = LogEvent(
            level: .warning,
            message: "the store failed (\"quoted\"\nnew line\t\u{1})",
            metadata: [
                "job": "0b8e4c0e-52a9-4c37-9f0b-3c1f4b7d1f1e", "tile": "7", "sizes": .array(["1", .stringConvertible(2)]),
                "message": "not the message",
            ],
            source: "SobelService",
            file: #fileID,
            function: #function,
            line: #line
        )
        let line = handler.line(for: event, at: Date(timeIntervalSince1970: 1_800_000_000.25))
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2027-01-15T08:00:00.250Z")
        #expect(object["level"] as? String == "warning" && object["logger"] as? String == "sobel.worker")
        #expect(object["message"] as? String == "the store failed (\"quoted\"\nnew line\t\u{1})", "reserved fields are not overwritten")
        #expect(object["job"] as? String == "0b8e4c0e-52a9-4c37-9f0b-3c1f4b7d1f1e" && object["tile"] as? String == "7")
        #expect(object["worker"] as? String == "w1" && object["sizes"] as? [String] == ["1", "2"])
    }
}
