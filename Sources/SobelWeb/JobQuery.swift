import Hummingbird
import SobelCodecs
import SobelCore
import SobelService

/// Job options from a request's query (or form fields): either `pipeline=<spec>`, or the simple options
/// `magnitude`, `border`, `blur`, `contrast` (`normalize` or `equalize`), `threshold` (a level or `otsu`);
/// plus `format` and `quality`. Unknown or bad options are
/// refused with 400, naming the option.
struct JobQuery {
    static let known: Set<String> = ["pipeline", "magnitude", "border", "blur", "contrast", "threshold", "format", "quality", "wait"]

    let options: JobOptions
    let wait: Bool

    init(_ fields: [(String, String)]) throws {
        var values: [String: String] = [:]
        for (name, value) in fields {
            guard Self.known.contains(name) else {
                throw APIError(.badRequest, "bad_option", "unknown option '\(name)'; known: \(Self.known.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else { throw APIError(.badRequest, "bad_option", "option '\(name)' is given twice") }
            values[name] = value
        }
        func bad(_ name: String, _ reason: String) -> APIError {
            APIError(.badRequest, "bad_option", "option '\(name)': \(reason)")
        }
        let pipeline: Pipeline
        if let text = values["pipeline"] {
            if let other = ["magnitude", "border", "blur", "contrast", "threshold"].first(where: { values[$0] != nil }) {
                throw bad(other, "give either 'pipeline' or the simple options, not both")
            }
            do { pipeline = try Pipeline(parsing: text) } catch { throw bad("pipeline", "\(error)") }
        } else {
            var steps = ["gray"]
            switch values["blur"] ?? "0" {
            case "0", "none", "": break
            case "3", "5": steps.append("blur:\(values["blur"]!)")
            case let other: throw bad("blur", "'\(other)' is not 0, 3 or 5")
            }
            let magnitude = values["magnitude"] ?? "l2"
            guard Magnitude(rawValue: magnitude) != nil else { throw bad("magnitude", "'\(magnitude)' is not l1, l2 or classic") }
            steps.append("sobel:\(magnitude)")
            switch values["contrast"] ?? "none" {
            case "none", "": break
            case "normalize", "equalize": steps.append(values["contrast"]!)
            case let other: throw bad("contrast", "'\(other)' is not none, normalize or equalize")
            }
            if let threshold = values["threshold"], !threshold.isEmpty {
                if threshold.lowercased() == "otsu" {
                    steps.append("threshold:otsu")
                } else {
                    guard let level = Int(threshold), (0...255).contains(level) else {
                        throw bad("threshold", "'\(threshold)' is not a number from 0 to 255, or otsu")
                    }
                    steps.append("threshold:\(level)")
                }
            }
            if let border = values["border"] {
                guard BorderMode(rawValue: border) != nil else {
                    throw bad("border", "'\(border)' is not \(BorderMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                steps.append("border:\(border)")
            }
            pipeline = try Pipeline(parsing: steps.joined(separator: ","))
        }
        let output: EncodeOptions
        switch values["format"] ?? "png" {
        case "png": output = .png(.default)
        case "pgm", "pnm": output = .pnm
        case "jpeg", "jpg":
            let quality = values["quality"].map { Int($0) } ?? 90
            guard let quality, (1...100).contains(quality) else { throw bad("quality", "'\(values["quality"]!)' is not a number from 1 to 100") }
            output = .jpeg(quality: quality)
        case let other: throw bad("format", "'\(other)' is not png, jpeg or pgm")
        }
        switch values["wait"] ?? "false" {
        case "true", "1": wait = true
        case "false", "0": wait = false
        case let other: throw bad("wait", "'\(other)' is not true or false")
        }
        options = JobOptions(pipeline: pipeline, output: output)
    }
}
