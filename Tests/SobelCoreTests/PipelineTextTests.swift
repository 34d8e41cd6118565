import Foundation
import SobelCore
import SobelTestSupport
import Testing

@Suite struct PipelineTextTests {
    @Test func parsesTheDocumentedExample() throws {
        let pipeline = try Pipeline(parsing: "gray,blur:5,sobel:l2,threshold:80")
        #expect(pipeline.operations == [.gray, .blur(.five), .gradient(.sobel, .l2), .threshold(80)])
        #expect(pipeline.border == .reflect101)
        #expect(pipeline.halo == 3)
        #expect(pipeline.description == "gray,blur:5,sobel:l2,threshold:80")
    }

    @Test func defaultsSpacesCaseAndBorder() throws {
        let pipeline = try Pipeline(parsing: " Gray , blur , SOBEL, scharr:classic , border:constant ")
        #expect(pipeline.operations == [.gray, .blur(.three), .gradient(.sobel, .l2), .gradient(.scharr, .classic)])
        #expect(pipeline.border == .constant)
        #expect(pipeline.description == "gray,blur:3,sobel:l2,scharr:classic,border:constant")
        #expect(Pipeline.default.description == "gray,sobel:l2")
    }

    @Test func randomPipelinesRoundTripThroughTextAndJSON() throws {
        var generator = SeededGenerator(seed: 7)
        let steps: [PipelineOperation] =
            [.gray, .blur(.three), .blur(.five), .threshold(0), .threshold(255), .gradient(.scharr, .l1)]
            + Magnitude.allCases.map { .gradient(.sobel, $0) }
        for _ in 0..<200 {
            let operations = (0..<Int.random(in: 1...6, using: &generator)).map { _ in steps.randomElement(using: &generator)! }
            let pipeline = Pipeline(operations, border: BorderMode.allCases.randomElement(using: &generator)!)
            #expect(try Pipeline(parsing: pipeline.description) == pipeline)
            #expect(Pipeline(pipeline.description) == pipeline)
            let json = try JSONEncoder().encode([pipeline])
            #expect(try JSONDecoder().decode([Pipeline].self, from: json) == [pipeline])
        }
    }

    @Test(arguments: [
        ("", "", "empty"),
        ("gray,sobl:l2", "sobl:l2", "unknown step"),
        ("gray,,sobel", "", "empty step"),
        ("sobel:l3", "sobel:l3", "magnitude must be"),
        ("blur:7", "blur:7", "3 or 5"),
        ("threshold", "threshold", "needs a level"),
        ("threshold:256", "threshold:256", "0 to 255"),
        ("threshold:-1", "threshold:-1", "0 to 255"),
        ("gray:x", "gray:x", "takes no argument"),
        ("sobel,border:mirror", "border:mirror", "border must be"),
        ("sobel,border:constant,border:replicate", "border:replicate", "given twice"),
        ("border:constant", "", "no operation"),
    ])
    func badSpecsNameTheOffendingToken(_ text: String, _ token: String, _ reason: String) {
        #expect {
            try Pipeline(parsing: text)
        } throws: { error in
            guard let error = error as? PipelineParseError else { return false }
            return error.token == token && error.description.contains(reason) && (token.isEmpty || error.description.contains("'\(token)'"))
        }
        #expect(Pipeline(text) == nil)
    }

    @Test func decodingABadPipelineIsADecodingError() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Pipeline].self, from: Data(#"["gray,nope"]"#.utf8)) }
    }

    @Test func replacingTheMagnitude() throws {
        let pipeline = try Pipeline(parsing: "blur,sobel:l2,scharr:l1").replacingMagnitude(with: .classic)
        #expect(pipeline.description == "blur:3,sobel:classic,scharr:classic")
    }
}
