internal import CCodecShim

extension CodecError {
    /// The error for a failed C shim call, with the library's own message.
    init(status: ccodec_status, message: String) {
        switch status {
        case CCODEC_TRUNCATED: self = .truncated
        case CCODEC_UNSUPPORTED: self = .unsupportedVariant(message)
        case CCODEC_NO_MEMORY: self = .corrupt("out of memory while decoding")
        case CCODEC_INVALID_ARGUMENT: self = .cannotEncode(message)
        default: self = .corrupt(message.isEmpty ? "the decoder gave no reason" : message)
        }
    }
}

/// A zeroed C message buffer, read back as a Swift string.
struct ShimMessage {
    var bytes = [CChar](repeating: 0, count: Int(CCODEC_MESSAGE_SIZE))

    var text: String {
        let bytes = bytes.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ccodec_header {
    /// The header's message as a Swift string.
    var messageText: String {
        withUnsafeBytes(of: message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}

/// Runs a C encoder that returns a malloc'ed buffer, and copies the bytes into an array.
func encodedBytes(
    _ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>) -> ccodec_status
) throws -> [UInt8] {
    var output: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = ShimMessage()
    let status = message.bytes.withUnsafeMutableBufferPointer { encode(&output, &size, $0.baseAddress!) }
    defer { ccodec_free(output) }
    guard status == CCODEC_OK, let output else { throw CodecError(status: status, message: message.text) }
    return Array(UnsafeBufferPointer(start: output, count: size))
}
