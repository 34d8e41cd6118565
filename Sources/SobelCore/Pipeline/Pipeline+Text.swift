/// A pipeline text that could not be parsed. ``token`` is the offending step as written.
public struct PipelineParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The step that failed, as written (empty for an empty pipeline).
    public let token: String
    /// What is wrong with it.
    public let reason: String

    public var description: String {
        token.isEmpty ? "invalid pipeline: \(reason)" : "invalid pipeline step '\(token)': \(reason)"
    }
}

extension Pipeline: LosslessStringConvertible {
    /// Parses the text form of a pipeline.
    ///
    /// The grammar: steps separated by commas, each `name` or `name:argument`, spaces ignored.
    ///
    /// | step | meaning |
    /// |---|---|
    /// | `gray` | RGB/RGBA to gray |
    /// | `blur:3`, `blur:5` (`blur` alone is 3) | Gaussian blur |
    /// | `sobel:l1`, `sobel:l2`, `sobel:classic` (`sobel` alone is l2) | Sobel magnitude |
    /// | `scharr:l1`, `scharr:l2`, `scharr:classic` (`scharr` alone is l2) | Scharr magnitude |
    /// | `threshold:T`, T in 0...255 | binary threshold |
    /// | `threshold:otsu` | binary threshold at Otsu's level for the whole image |
    /// | `normalize` (or `normalise`) | stretch the whole image's values to 0…255 |
    /// | `equalize` (or `equalise`) | histogram equalisation over the whole image |
    /// | `border:reflect101`, `border:replicate`, `border:constant` | the border rule, at most once |
    ///
    /// - Parameter text: For example `gray,blur:5,sobel:l2,threshold:80`.
    /// - Throws: ``PipelineParseError`` naming the offending step.
    public init(parsing text: String) throws {
        var operations: [PipelineOperation] = []
        var border: BorderMode?
        let steps = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !text.allSatisfy(\.isWhitespace) else {
            throw PipelineParseError(token: "", reason: "it is empty; try 'gray,sobel:l2'")
        }
        for rawStep in steps {
            let token = rawStep.trimmingSpaces
            let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            let name = parts[0].lowercased()
            let argument = parts.count > 1 ? parts[1].lowercased() : nil
            func fail(_ reason: String) -> PipelineParseError { PipelineParseError(token: token, reason: reason) }
            func noArgument() throws {
                if argument != nil { throw fail("'\(name)' takes no argument") }
            }
            switch name {
            case "gray", "grey":
                try noArgument()
                operations.append(.gray)
            case "blur":
                guard let size = BlurSize(rawValue: Int(argument ?? "3") ?? 0) else { throw fail("the blur size must be 3 or 5") }
                operations.append(.blur(size))
            case "sobel", "scharr":
                guard let magnitude = Magnitude(rawValue: argument ?? "l2") else {
                    throw fail("the magnitude must be one of \(Magnitude.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                operations.append(.gradient(DerivativeKernel(rawValue: name)!, magnitude))
            case "threshold":
                guard let argument else { throw fail("a threshold needs a level, e.g. 'threshold:80', or 'threshold:otsu'") }
                if argument == "otsu" {
                    operations.append(.global(.otsuThreshold))
                    continue
                }
                guard let level = UInt8(argument) else { throw fail("the threshold level must be a whole number from 0 to 255, or otsu") }
                operations.append(.threshold(level))
            case "normalize", "normalise", "equalize", "equalise":
                try noArgument()
                operations.append(.global(name.hasPrefix("normal") ? .normalize : .equalize))
            case "border":
                guard border == nil else { throw fail("the border is given twice") }
                guard let mode = BorderMode(rawValue: argument ?? "") else {
                    throw fail("the border must be one of \(BorderMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                border = mode
            case "":
                throw PipelineParseError(token: token, reason: "empty step (two commas in a row, or a comma at an end)")
            default:
                throw fail("unknown step; expected gray, blur, sobel, scharr, threshold, normalize, equalize or border")
            }
        }
        guard !operations.isEmpty else { throw PipelineParseError(token: "", reason: "it has no operation, only a border") }
        self.init(operations, border: border ?? .reflect101)
    }

    /// Parses the text form; `nil` when it is invalid. Use ``init(parsing:)`` for the reason.
    public init?(_ description: String) {
        try? self.init(parsing: description)
    }

    /// The canonical text form, which parses back to an equal pipeline.
    public var description: String {
        var steps = operations.map { operation -> String in
            switch operation {
            case .gray: "gray"
            case .blur(let size): "blur:\(size.rawValue)"
            case .gradient(let kernel, let magnitude): "\(kernel.rawValue):\(magnitude.rawValue)"
            case .threshold(let level): "threshold:\(level)"
            case .global(let operation): operation.rawValue
            }
        }
        if border != .reflect101 { steps.append("border:\(border.rawValue)") }
        return steps.joined(separator: ",")
    }
}

extension Pipeline: Codable {
    /// Decodes a pipeline from its text form, a single string.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch let error as PipelineParseError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Encodes the pipeline as its text form, a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
