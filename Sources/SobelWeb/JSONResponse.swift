import Foundation
import Hummingbird

/// A JSON response of an encodable value (sorted keys, slashes unescaped): the one way every API answer
/// and error is written.
/// - Parameters:
///   - value: The body.
///   - status: The HTTP status.
///   - headers: Extra headers, e.g. `Retry-After`.
/// - Returns: The response, `Content-Type: application/json`.
func json(_ value: some Encodable, status: HTTPResponse.Status, headers: HTTPFields = [:]) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let body = try encoder.encode(value)
    var fields = headers
    fields[.contentType] = "application/json"
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
}
