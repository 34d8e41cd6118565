/// Helpers that build and take apart PNG byte streams for the hostile-input tests.
let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

/// CRC-32 (ISO 3309), as PNG chunks use it.
func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

func bigEndian(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

/// One chunk: length, type, data, CRC.
func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
}

/// Byte offsets of each chunk's length field in a PNG, in order.
func pngChunkOffsets(_ file: [UInt8]) -> [Int] {
    var offsets: [Int] = []
    var at = 8
    while at + 8 <= file.count {
        offsets.append(at)
        let length = file[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
        at += 12 + length
    }
    return offsets
}
