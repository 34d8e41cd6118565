import FuzzDriver
import SobelCodecs
import SobelCore

/// The CRC-32 of PNG chunks (ISO 3309, the polynomial zlib uses), so that mutated chunks carry valid CRCs.
let crcTable: [UInt32] = (0..<256).map { value in
    (0..<8).reduce(UInt32(value)) { crc, _ in crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
}

/// Rewrites every complete chunk's CRC after the signature: libFuzzer's mutations then reach the fast
/// reader's chunk parser, inflater and unfilters instead of stopping at the first CRC check.
func withValidCRCs(_ bytes: [UInt8]) -> [UInt8] {
    var fixed = bytes
    var offset = 8
    while offset + 12 <= fixed.count {
        let length = Int(fixed[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard length <= fixed.count - offset - 12 else { break }
        let crc = ~fixed[(offset + 4)..<(offset + 8 + length)].reduce(UInt32.max) { crcTable[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
        for byte in 0..<4 { fixed[offset + 8 + length + byte] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * byte)) }
        offset += 12 + length
    }
    return fixed
}

/// zlib's errors for a Huffman code that is not complete when the data reaches a codeword it lacks: libdeflate is
/// more lenient with incomplete codes and decodes such streams (their Adler-32 still checked). The one known case
/// where the fast reader accepts a file libpng refuses (docs/codecs.md).
func acceptedByLibdeflateAlone(_ error: CodecError) -> Bool {
    let text = "\(error)"
    return text.contains("invalid literal/length code") || text.contains("invalid distance code")
}

/// One fuzz input, differentially: with valid CRCs, the default decoder (the fast reader when it takes the
/// file) and libpng alone must both fail with a `CodecError` or give the same image; and the reader for arriving
/// files (zlib as the bytes come, then the whole-file readers for anything it doubts) must end as the default does.
func decodeOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = withValidCRCs(start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
    let limits = DecodeLimits(maxPixels: 4_000_000)
    func decode(_ reader: PNG.Reader) -> Result<Image, CodecError> {
        do {
            return .success(try PNG.decode(bytes, limits: limits, reader: reader))
        } catch let error as CodecError {
            return .failure(error)
        } catch {
            fatalError("decode threw a non-codec error: \(error)")
        }
    }
    let fastest = decode(.fastest)
    switch (fastest, decodeArriving(bytes, limits: limits)) {
    case (.success(let whole), .success(let arriving)) where whole != arriving:
        fatalError("the arriving reader's pixels differ from the whole file's")
    case (.success, .failure(let error)), (.failure(let error), .success):
        fatalError("the arriving reader and the whole-file reader disagree: \(error)")
    default:
        break
    }
    switch (fastest, decode(.libpng)) {
    case (.success(let fast), .success(let libpng)) where fast != libpng:
        fatalError("the fast reader's pixels differ from libpng's")
    case (.success, .failure(let error)) where !acceptedByLibdeflateAlone(error):
        fatalError("the fast reader decoded a file libpng refuses: \(error)")
    case (.failure(let error), .success):
        fatalError("the fast reader refused a file libpng decodes: \(error)")
    default:
        return 0
    }
}

/// Decodes `bytes` as an arriving file (all of it already there) and stacks the bands.
func decodeArriving(_ bytes: [UInt8], limits: DecodeLimits) -> Result<Image, CodecError> {
    let file = ArrivingFile(expectedBytes: bytes.count)
    bytes.withUnsafeBytes { try! file.append($0) }
    file.finish()
    var pixels: [UInt8] = []
    var size = (0, 0, 0)
    do {
        try PNG.decode(arriving: file, limits: limits, bandRows: 5, size: { size = ($0, $1, $2) }, band: { band, _ in pixels += band.pixels })
        return .success(try Image(width: size.0, height: size.1, channels: size.2, pixels: pixels))
    } catch let error as CodecError {
        return .failure(error)
    } catch {
        fatalError("the arriving decode threw a non-codec error: \(error)")
    }
}

/// SwiftPM links an executable's `main` to `<target>_main`; this one hands control to libFuzzer.
@_cdecl("PNGReaderFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { decodeOneInput($0, $1) }
}
