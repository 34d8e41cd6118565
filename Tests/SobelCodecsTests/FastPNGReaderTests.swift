import Foundation
import SobelCore
import SobelTestSupport
import Testing

@testable import SobelCodecs

/// The fast PNG reader gives libpng's pixels, bit for bit, whole and in bands, on every file; the files it
/// does not take (and damaged ones) go to libpng, which decodes them or names the problem.
@Suite struct FastPNGReaderTests {
    static let fixtures = CodecFixtures.validPNGs + CodecFixtures.corruptPNGs + ["jpeg/monkey16.png"]

    /// Decodes with both readers, whole and in bands of 7 rows; both succeed with equal images or both fail.
    static func expectSameAsLibpng(_ bytes: [UInt8], _ label: String) {
        let libpng = Result { try PNG.decode(bytes, reader: .libpng) }
        let fastest = Result { try PNG.decode(bytes, reader: .fastest) }
        switch (libpng, fastest) {
        case (.success(let expected), .success(let image)):
            #expect(image == expected, "\(label): the same pixels")
            var stitched: Image?
            #expect(throws: Never.self) {
                try PNG.decode(
                    bytes,
                    bandRows: 7,
                    size: { stitched = try Image(width: $0, height: $1, channels: $2) },
                    band: { band, firstRow in
                        for y in 0..<band.height {
                            for x in 0..<band.width {
                                for c in 0..<band.channels { stitched![x, firstRow + y, c] = band[x, y, c] }
                            }
                        }
                    }
                )
            }
            #expect(stitched == expected, "\(label): the same pixels in bands")
        case (.failure(let expected as CodecError), .failure(let error as CodecError)):
            #expect(error == expected, "\(label): the same error")
        default:
            Issue.record("\(label): libpng gave \(libpng), the fast reader \(fastest)")
        }
    }

    @Test(arguments: fixtures)
    func everyFixtureDecodesAsLibpngDoes(_ path: String) throws {
        Self.expectSameAsLibpng(try CodecFixtures.bytes(path), path)
    }

    /// The fast reader takes the common files and leaves the rest (and anything damaged) to libpng.
    @Test func theFastReaderTakesTheCommonCase() throws {
        for name in ["basn0g08", "basn2c08", "basn4a08", "basn6a08", "f00n2c08", "f04n2c08", "z09n2c08", "z00n2c08"] {
            #expect(PNG.reader(for: try CodecFixtures.bytes("pngsuite/\(name).png")) == .fastest, "\(name)")
        }
        for name in ["basn3p08", "basi2c08", "basn0g16", "basn0g01", "oi9n2c16", "xcrn0g04", "xhdn0g08", "xcsn0g01"] {
            #expect(PNG.reader(for: try CodecFixtures.bytes("pngsuite/\(name).png")) == .libpng, "\(name)")
        }
        let fixtures = Self.fixtures.filter { PNG.reader(for: (try? CodecFixtures.bytes($0)) ?? []) == .fastest }
        #expect(fixtures.count >= 20, "the fast reader took \(fixtures.count) fixtures: \(fixtures)")
    }

    /// Every layout the fast reader takes, with every row filter, at odd sizes: written by our encoder (which
    /// uses each filter on every row) and by the adaptive filter (a different filter per row).
    @Test func everyLayoutAndFilterDecodesAsLibpngDoes() throws {
        var generator = SeededGenerator(seed: 91)
        for format in PixelFormat.allCases {
            for (width, height) in [(1, 1), (1, 9), (13, 1), (37, 23), (64, 5)] {
                let image = Image.random(width: width, height: height, format: format, using: &generator)
                for filter in PNGEncodeOptions.Filter.allCases {
                    let bytes = try PNG.encode(image, options: PNGEncodeOptions(level: 6, strategy: .default, filter: filter), threads: 2)
                    #expect(try PNG.decode(bytes) == image, "\(format) \(width)x\(height) \(filter)")
                    Self.expectSameAsLibpng(bytes, "\(format) \(width)x\(height) \(filter)")
                }
            }
        }
    }

    /// Gray+alpha files (our encoder writes none): the gray is kept, as libpng's path does.
    @Test func grayAlphaKeepsTheGray() throws {
        Self.expectSameAsLibpng(try CodecFixtures.bytes("pngsuite/basn4a08.png"), "basn4a08")
        let decoded = try PNG.decode(CodecFixtures.bytes("pngsuite/basn4a08.png"))
        #expect(decoded.channels == 1)
    }

    /// A chunk with a valid CRC that libpng refuses while reading up to the image data: the fast reader must
    /// not take the file (found by PNGReaderFuzzer: a chunk named `bKG\0`), nor one with a palette or a chunk
    /// longer than libpng's limit.
    @Test(arguments: [Array("bKG\0".utf8), Array("PLTE".utf8), Array("gAMA".utf8)])
    func chunksLibpngRefusesAreLeftToLibpng(_ type: [UInt8]) throws {
        let plain = try CodecFixtures.bytes("pngsuite/basn2c08.png")
        let body: [UInt8] = type == Array("gAMA".utf8) ? Array(repeating: 0, count: (16 << 20) + 1) : [0, 0, 0]
        var chunk = [UInt8]()
        for shift in [24, 16, 8, 0] { chunk.append(UInt8(truncatingIfNeeded: body.count >> shift)) }
        let crc = Self.crc32(type + body)
        chunk += type + body
        for shift in [24, 16, 8, 0] { chunk.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        let withChunk = Array(plain[..<33]) + chunk + Array(plain[33...])  // right after IHDR (8 + 25 bytes)
        #expect(PNG.reader(for: withChunk) == .libpng)
        Self.expectSameAsLibpng(withChunk, String(decoding: type, as: UTF8.self))
    }

    /// PNG's CRC-32 (ISO 3309).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        let table: [UInt32] = (0..<256).map { value in
            (0..<8).reduce(UInt32(value)) { crc, _ in crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        var crc = UInt32.max
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    /// Damage anywhere in a file the fast reader takes: a flipped byte, a cut, a bad CRC. Never a crash, and
    /// the same outcome as libpng (the fast reader hands every file it doubts to libpng).
    @Test func damagedFilesBehaveAsWithLibpng() throws {
        var generator = SeededGenerator(seed: 92)
        let image = Image.random(width: 40, height: 30, format: .rgb8, using: &generator)
        let bytes = try PNG.encode(image, options: PNGEncodeOptions(level: 6, strategy: .default, filter: .adaptive))
        for trial in 0..<300 {
            var damaged = bytes
            switch trial % 3 {
            case 0: damaged[Int.random(in: 8..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            case 1: damaged = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            default:
                // A consistent chunk with wrong contents: flip a pixel byte and fix nothing (the CRC catches it).
                damaged[bytes.count / 2] &+= 1
            }
            Self.expectSameAsLibpng(damaged, "trial \(trial)")
        }
    }
}

/// The `fast` preset's own run-length DEFLATE encoder (deflate_rle.c): its streams, cut into strips and
/// joined, read back exactly through zlib (libpng) and libdeflate (the fast reader).
@Suite struct RunLengthEncoderTests {
    @Test func stripsReadBackThroughZlibAndLibdeflate() throws {
        var generator = SeededGenerator(seed: 93)
        let photo = try ImageCodec.decode(CodecFixtures.bytes("photos/photo-1001x701.ppm"))
        var images = [try Pipeline.default.run(on: photo), try Image(width: 700, height: 300, format: .gray8)]  // an edge map; all zeros
        for format in PixelFormat.allCases {
            images.append(Image.random(width: 333, height: 257, format: format, using: &generator))
        }
        // Long runs of one value across block boundaries (64 KiB) and strips, and a few distinct values.
        var runs = try Image(width: 1500, height: 200, format: .gray8)
        for y in 0..<runs.height {
            for x in 0..<runs.width { runs[x, y] = UInt8((x / 300 + y / 7) % 3 * 100) }
        }
        images.append(runs)
        for (index, image) in images.enumerated() {
            for threads in [1, 2, 5] {
                for filter in [PNGEncodeOptions.Filter.sub, .none, .adaptive] {
                    let bytes = try PNG.encode(image, options: PNGEncodeOptions(level: 1, strategy: .rle, filter: filter), threads: threads)
                    #expect(try PNG.decode(bytes, reader: .libpng) == image, "image \(index), \(threads) threads, \(filter), through zlib")
                    #expect(try PNG.decode(bytes, reader: .fastest) == image, "image \(index), \(threads) threads, \(filter), through libdeflate")
                }
            }
        }
    }
}
