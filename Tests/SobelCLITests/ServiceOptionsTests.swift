import Foundation
import SobelTestSupport
import Testing

/// Bad settings of `sobel serve` and `sobel work` are usage errors (status 2) naming the setting.
@Suite struct ServiceOptionsTests {
    @Test(arguments: [
        (["serve", "--log-format", "xml"], "xml"),
        (["serve", "--log-level", "loud"], "loud"),
        (["serve", "--retention", "60"], "--retention must be longer than --deadline"),
        (["serve", "--retention", "0"], "--retention must be positive"),
        (["work", "--metrics-port", "70000", "--amqp-url", "amqp://u:p@h/%2F", "--redis-url", "redis://h/0"], "--metrics-port"),
    ])
    func badSettingsAreUsageErrors(_ arguments: [String], _ mention: String) throws {
        let result = try SobelProcess.run(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(mention), "\(result)")
    }
}
