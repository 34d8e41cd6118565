import Foundation

extension DecodingError {
    /// What a JSON decoder refused, in words for people: the field and the problem, without Swift's type dump.
    /// - Parameter error: Any error from a decoder.
    /// - Returns: For example `'input.width': Expected to decode Int but found a string instead.`
    package static func summary(of error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            return "the field '\(path)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            let detail = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
            return path.isEmpty ? detail : "'\(path)': \(detail)"
        default:
            return "\(error)"
        }
    }
}
