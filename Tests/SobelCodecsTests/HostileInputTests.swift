import Dispatch
import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// Corrupt variants of the fixtures: each either decodes or throws a `CodecError`, within a time
/// limit that the harness enforces per file (a decode still running at the limit is a failure).
@Suite struct HostileInputTests {
    static let perFileLimit: DispatchTimeInterval = .seconds(5)
    static let seeds = [
        "pngsuite/basn2c08.png", "pngsuite/basi0g16.png", "pngsuite/tbbn3p08.png", "pngsuite/oi9n2c16.png",
        "jpeg/testorig.jpg", "jpeg/progressive.jpg", "jpeg/testimgari.jpg", "jpeg/restart.jpg",
    ]

    enum Outcome: Equatable {
        case decoded, rejected
        case wrongError(String)
        case timedOut
    }

    /// Decodes on another thread and waits at most `perFileLimit`.
    static func decodeWithDeadline(_ bytes: [UInt8]) -> Outcome {
        let box = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do {
                _ = try ImageCodec.decode(bytes, options: DecodeOptions(limits: DecodeLimits(maxPixels: 40_000_000)))
                box.value = .decoded
            } catch is CodecError {
                box.value = .rejected
            } catch {
                box.value = .wrongError("\(type(of: error)): \(error)")
            }
            done.signal()
        }
        guard done.wait(timeout: .now() + perFileLimit) == .success else { return .timedOut }
        return box.value
    }

    final class OutcomeBox: @unchecked Sendable {
        var value = Outcome.timedOut
    }

    /// At least 500 variants: truncations, bit flips, chunk-length lies, wrong CRCs, huge dimensions, empty input.
    static func variants() throws -> [(String, [UInt8])] {
        var generator = SeededGenerator(seed: 99)
        var result: [(String, [UInt8])] = [("empty", [])]
        for seed in seeds {
            let file = try CodecFixtures.bytes(seed)
            for step in 1...30 {
                let cut = file.count * step / 31
                result.append(("\(seed) truncated at \(cut)", Array(file.prefix(cut))))
            }
            for _ in 0..<30 {
                var flipped = file
                let at = Int.random(in: 0..<file.count, using: &generator)
                flipped[at] ^= 1 << UInt8.random(in: 0...7, using: &generator)
                result.append(("\(seed) bit flip at \(at)", flipped))
            }
            for _ in 0..<8 {
                var smashed = file
                let at = Int.random(in: 0..<file.count - 16, using: &generator)
                for i in 0..<16 { smashed[at + i] = UInt8.random(in: 0...255, using: &generator) }
                result.append(("\(seed) 16 random bytes at \(at)", smashed))
            }
            result += seed.hasSuffix(".png") ? pngLies(file, seed) : jpegLies(file, seed)
        }
        return result
    }

    static func pngLies(_ file: [UInt8], _ name: String) -> [(String, [UInt8])] {
        var result: [(String, [UInt8])] = []
        for offset in pngChunkOffsets(file) {
            for length: UInt32 in [0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 12345] {
                var lie = file
                lie.replaceSubrange(offset..<offset + 4, with: bigEndian(length))
                result.append(("\(name) chunk at \(offset) claims length \(length)", lie))
            }
            var badCRC = file
            let length = file[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let crcAt = offset + 8 + length
            if crcAt + 4 <= file.count {
                badCRC[crcAt] ^= 0x5A
                result.append(("\(name) wrong CRC at \(crcAt)", badCRC))
            }
        }
        for (width, height): (UInt32, UInt32) in [
            (0, 10), (10, 0), (0x7FFF_FFFF, 1), (1, 0x7FFF_FFFF), (100_000, 100_000), (5000, 5000), (0xFFFF_FFFF, 0xFFFF_FFFF),
        ] {
            var huge = file
            let ihdr = Array(file[16..<29])
            let patched = bigEndian(width) + bigEndian(height) + ihdr[8...]
            huge.replaceSubrange(8..<33, with: pngChunk("IHDR", Array(patched)))
            result.append(("\(name) IHDR claims \(width)x\(height)", huge))
        }
        return result
    }

    static func jpegLies(_ file: [UInt8], _ name: String) -> [(String, [UInt8])] {
        var result: [(String, [UInt8])] = []
        var at = 2
        while at + 4 <= file.count, file[at] == 0xFF {
            let marker = file[at + 1]
            let length = Int(file[at + 2]) << 8 | Int(file[at + 3])
            for lie: [UInt8] in [[0, 0], [0, 1], [0xFF, 0xFF], [0, 2]] {
                var broken = file
                broken.replaceSubrange(at + 2..<at + 4, with: lie)
                result.append(("\(name) marker \(marker) claims length \(lie)", broken))
            }
            if (0xC0...0xC2).contains(marker) {
                for size: [UInt8] in [[0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0xFF, 0xFF, 0, 1]] {
                    var huge = file
                    huge.replaceSubrange(at + 5..<at + 9, with: size)
                    result.append(("\(name) SOF claims size \(size)", huge))
                }
            }
            if marker == 0xDA { break }
            at += 2 + length
        }
        return result
    }

    /// A chunk before the image data that claims more bytes than the file has (found by PNGReaderFuzzer: a 716-byte
    /// file whose iTXt claimed 1.9 GB made libpng allocate and clear 1.9 GB, 3.7 s): refused as truncated at once.
    @Test(arguments: ["iTXt", "zTXt", "tEXt", "iCCP", "sPLT", "eXIf", "abCd"])
    func aChunkClaimingMoreThanTheFileHasIsRefusedAtOnce(_ type: String) throws {
        let plain = try CodecFixtures.bytes("pngsuite/basn0g08.png")
        let lie = bigEndian(0x7300_0000) + Array(type.utf8) + Array("Title\0\0\0fi\0Otsikko\0".utf8)
        let bomb = Array(plain[..<33]) + lie
        let start = ContinuousClock.now
        #expect(throws: CodecError.truncated) { try ImageCodec.decode(bomb) }
        #expect(ContinuousClock.now - start < .seconds(1), "refused without allocating the claimed length")
    }

    @Test func everyVariantDecodesOrFailsWithATypedErrorInTime() throws {
        let variants = try Self.variants()
        #expect(variants.count >= 500)
        var rejected = 0
        for (name, bytes) in variants {
            let outcome = Self.decodeWithDeadline(bytes)
            switch outcome {
            case .decoded: break
            case .rejected: rejected += 1
            case .wrongError(let detail): Issue.record("\(name): threw a non-codec error \(detail)")
            case .timedOut: Issue.record("\(name): still decoding after the per-file limit")
            }
        }
        #expect(rejected > variants.count / 4, "most corruptions are detected (\(rejected) of \(variants.count))")
    }

    @Test func formatIsDetectedByMagicBytesNotNames() throws {
        let png = try CodecFixtures.bytes("pngsuite/basn2c08.png")
        let jpeg = try CodecFixtures.bytes("jpeg/testorig.jpg")
        #expect(ImageFormat.detect(png) == .png && ImageFormat.detect(jpeg) == .jpeg)
        #expect(try ImageCodec.decode(png).width == 32)
        #expect(throws: CodecError.notAnImage) { try ImageCodec.decode(Array("GIF89a.....".utf8)) }
        #expect(throws: CodecError.empty) { try ImageCodec.decode([]) }
        #expect(throws: CodecError.self) { try ImageCodec.decode(Array(png.prefix(8))) }
    }
}
