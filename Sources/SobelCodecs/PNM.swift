public import Foundation
public import SobelCore

/// Binary Netpbm: PGM (`P5`, gray) and PPM (`P6`, RGB), 8- or 16-bit. 16-bit samples keep their high byte.
public enum PNM {
    /// Whether `data` starts like a binary PGM or PPM.
    /// - Parameter data: The file's first bytes.
    /// - Returns: `true` for `P5` or `P6` followed by white space.
    public static func matches(_ data: some Collection<UInt8>) -> Bool {
        let head = Array(data.prefix(3))
        return head.count == 3 && head[0] == UInt8(ascii: "P") && (head[1] == UInt8(ascii: "5") || head[1] == UInt8(ascii: "6"))
            && isSpace(head[2])
    }

    /// Decodes a binary PGM or PPM.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - limits: Checked against the header before pixels are allocated.
    /// - Returns: A gray or RGB image.
    /// - Throws: ``CodecError``.
    public static func decode(_ data: some ContiguousBytes, limits: DecodeLimits = .default) throws -> Image {
        try data.withUnsafeBytes { try decode(raw: $0, limits: limits) }
    }

    private static func decode(raw data: UnsafeRawBufferPointer, limits: DecodeLimits) throws -> Image {
        try limits.check(byteCount: data.count)
        guard matches(data) else { throw CodecError.notAnImage }
        var position = 2
        func number() throws -> Int {
            while position < data.count {
                if data[position] == UInt8(ascii: "#") {
                    while position < data.count, data[position] != 10, data[position] != 13 { position += 1 }
                } else if isSpace(data[position]) {
                    position += 1
                } else {
                    break
                }
            }
            guard position < data.count else { throw CodecError.truncated }
            var value = 0
            var digits = 0
            while position < data.count, let digit = digitValue(data[position]) {
                guard digits < 9 else { throw CodecError.corrupt("header number too long") }
                value = value * 10 + digit
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw CodecError.corrupt("bad character in header") }
            return value
        }
        let channels = data[1] == UInt8(ascii: "5") ? 1 : 3
        let width = try number()
        let height = try number()
        let maxValue = try number()
        guard (1...65535).contains(maxValue) else { throw CodecError.corrupt("maximum value \(maxValue) out of range") }
        guard position < data.count, isSpace(data[position]) else { throw CodecError.truncated }
        position += 1
        try limits.check(width: width, height: height)
        let bytesPerSample = maxValue > 255 ? 2 : 1
        let needed = width * height * channels * bytesPerSample
        guard data.count - position >= needed else { throw CodecError.truncated }
        var image = try Image(width: width, height: height, channels: channels)
        image.withUnsafeMutableRows { out, _ in
            for i in 0..<(width * height * channels) { out[i] = data[position + i * bytesPerSample] }
        }
        return image
    }

    /// Encodes a gray image as PGM (`P5`) or an RGB/RGBA image as PPM (`P6`, alpha dropped).
    /// - Parameter image: Any 8-bit image.
    /// - Returns: The file's bytes.
    public static func encode(_ image: Image) -> [UInt8] {
        let channels = image.channels == 1 ? 1 : 3
        var bytes = Array("P\(channels == 1 ? 5 : 6)\n\(image.width) \(image.height)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + image.width * image.height * channels)
        image.withUnsafeRows { base, stride in
            for y in 0..<image.height {
                let row = base + y * stride
                if image.channels == channels {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: row, count: image.width * channels))
                } else {
                    for x in 0..<image.width {
                        bytes.append(contentsOf: UnsafeBufferPointer(start: row + x * image.channels, count: 3))
                    }
                }
            }
        }
        return bytes
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (9...13).contains(byte) }
    private static func digitValue(_ byte: UInt8) -> Int? { (48...57).contains(byte) ? Int(byte - 48) : nil }
}
