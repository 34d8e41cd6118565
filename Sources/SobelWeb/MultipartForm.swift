import Foundation
import Hummingbird
import MultipartKit

/// One field of a `multipart/form-data` body.
struct FormField {
    let name: String
    let bytes: [UInt8]
}

/// Parses `multipart/form-data` (the browser form without JavaScript) with multipart-kit.
enum MultipartForm {
    /// The boundary of a `multipart/form-data` content type, or `nil` for other types.
    static func boundary(of contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    /// The fields of a body.
    /// - Throws: ``APIError`` 400 for a malformed body.
    static func fields(of body: ByteBuffer, boundary: String) throws -> [FormField] {
        let parser = MultipartParser(boundary: boundary)
        var fields: [FormField] = []
        var name: String?
        var bytes: [UInt8] = []
        parser.onHeader = { header, value in
            guard header.lowercased() == "content-disposition" else { return }
            for parameter in value.split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0] == "name" { name = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
        }
        parser.onBody = { buffer in bytes.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            if let name { fields.append(FormField(name: name, bytes: bytes)) }
            (name, bytes) = (nil, [])
        }
        do {
            try parser.execute(body)
        } catch {
            throw APIError(.badRequest, "bad_form", "the multipart/form-data body is malformed")
        }
        return fields
    }
}
