import ArgumentParser
import Foundation
import SobelCodecs

/// Where each input's result goes, decided once for the whole batch before any work starts.
enum OutputTarget: Hashable, Sendable {
    case file(String)
    case standardOutput

    var displayPath: String {
        switch self {
        case .file(let path): path
        case .standardOutput: "-"
        }
    }
}

/// Turns `-o` and `--name-pattern` into one output per input.
struct OutputPlan {
    /// `-o`: a file, a folder, `-`, or nothing (next to each input).
    let output: String?
    /// `{name}` is the input's name without its extension, `{ext}` its extension.
    let namePattern: String

    static let defaultPattern = "{name}.sobel.png"

    /// Checks the combination of inputs and `-o` before anything runs.
    func validate(inputCount: Int, hasStandardInput: Bool) throws {
        guard namePattern.contains("{name}") else { throw ValidationError("--name-pattern must contain {name}") }
        guard !namePattern.contains("/") else { throw ValidationError("--name-pattern is a file name, without '/'") }
        if output == "-" && inputCount != 1 {
            throw ValidationError("-o - writes one image to standard output, but there are \(inputCount) inputs")
        }
        if output == nil && hasStandardInput && inputCount > 1 {
            throw ValidationError("standard input needs -o FILE or -o - when there are other inputs")
        }
        if let output, output != "-", inputCount > 1, !isFolder(output) {
            throw ValidationError("-o \(output) names one file, but there are \(inputCount) inputs: name a folder (ending in '/') or omit -o")
        }
    }

    /// Whether `-o` names a folder: an existing one, or a path ending in '/'.
    func isFolder(_ path: String) -> Bool {
        path.hasSuffix("/") || FileManager.default.isDirectory(atPath: path)
    }

    /// The output for one input.
    func target(for input: BatchInput, inputCount: Int) -> OutputTarget {
        guard let output else {
            switch input.source {
            case .standardInput: return .standardOutput
            case .file(let path): return .file(((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name(for: input)))
            }
        }
        if output == "-" { return .standardOutput }
        guard isFolder(output) else { return .file(output) }
        let folder = (output as NSString).appendingPathComponent(input.relativeDirectory)
        return .file((folder as NSString).appendingPathComponent(name(for: input)))
    }

    /// Matches file names this pattern produces (`{name}` any text, `{ext}` an extension), so that a
    /// folder walk does not take earlier results for new inputs.
    var outputNameMatcher: @Sendable (String) -> Bool {
        let escaped = NSRegularExpression.escapedPattern(for: namePattern)
            .replacingOccurrences(of: "\\{name\\}", with: ".+").replacingOccurrences(of: "\\{ext\\}", with: "[^./]+")
        let expression = try? NSRegularExpression(pattern: "^\(escaped)$")
        return { name in
            expression?.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
        }
    }

    private func name(for input: BatchInput) -> String {
        let base = (input.fileName as NSString).deletingPathExtension
        let ext = (input.fileName as NSString).pathExtension
        return namePattern.replacingOccurrences(of: "{name}", with: base).replacingOccurrences(of: "{ext}", with: ext)
    }
}
