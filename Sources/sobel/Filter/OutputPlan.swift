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
    /// Whether `-o` names a folder. For a folder, a glob or several inputs it always does, whatever its
    /// spelling, and the folder is created when missing. For one file input it names a file when it has an
    /// extension (`edges.png`; one that is not an image format is a usage error) and is not an existing folder or
    /// a path ending in '/'; otherwise a folder (`edges`). `-` is standard output.
    let outputIsFolder: Bool

    static let defaultPattern = "{name}.sobel.png"

    /// - Parameters:
    ///   - output: `-o`, if given.
    ///   - namePattern: `--name-pattern`.
    ///   - inputs: The input arguments as given (files, folders, patterns, `-`).
    init(output: String?, namePattern: String, inputs: [String]) {
        (self.output, self.namePattern) = (output, namePattern)
        outputIsFolder =
            output.map { output in
                guard output != "-" else { return false }
                return !BatchInputs.isSingleFile(inputs) || output.hasSuffix("/") || FileManager.default.isDirectory(atPath: output)
                    || (output as NSString).pathExtension.isEmpty
            } ?? false
    }

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
        if let output, outputIsFolder, FileManager.default.fileExists(atPath: output), !FileManager.default.isDirectory(atPath: output) {
            throw ValidationError("-o \(output) must be a folder for these inputs, but a file of that name exists")
        }
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
        guard outputIsFolder else { return .file(output) }
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
