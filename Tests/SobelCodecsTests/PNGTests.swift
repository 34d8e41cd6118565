import Foundation
import SobelCore
import SobelTestSupport
import Testing

@testable import SobelCodecs

@Suite struct PNGTests {
    @Test func fixturesArePresent() {
        #expect(CodecFixtures.validPNGs.count == 161)
        #expect(CodecFixtures.corruptPNGs.count == 14)
    }

    /// Every valid PngSuite image decodes, and its gray conversion equals OpenCV's imread + cvtColor.
    @Test(arguments: CodecFixtures.validPNGs + ["jpeg/monkey16.png"])
    func decodesLikeOpenCV(_ path: String) throws {
        let image = try PNG.decode(CodecFixtures.bytes(path))
        let expected = try #require(DecodeDigests.shared.images[path])
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(digest(try Pipeline([.gray]).run(on: image)) == expected.gray, "\(path): \(image.channels) channels")
    }

    @Test func layoutsByColourType() throws {
        #expect(try PNG.decode(CodecFixtures.bytes("pngsuite/basn0g01.png")).channels == 1)  // 1-bit gray
        #expect(try PNG.decode(CodecFixtures.bytes("pngsuite/basn0g16.png")).channels == 1)  // 16-bit gray
        #expect(try PNG.decode(CodecFixtures.bytes("pngsuite/basn4a08.png")).channels == 1)  // gray + alpha: alpha dropped
        #expect(try PNG.decode(CodecFixtures.bytes("pngsuite/basn2c16.png")).channels == 3)  // 16-bit RGB
        #expect(try PNG.decode(CodecFixtures.bytes("pngsuite/basn3p08.png")).channels == 3)  // palette
        #expect(try PNG.decode(CodecFixtures.bytes("pngsuite/tbbn3p08.png")).channels == 4)  // palette + tRNS
        #expect(try PNG.decode(CodecFixtures.bytes("pngsuite/basn6a16.png")).channels == 4)  // 16-bit RGBA
        let interlaced = try PNG.decode(CodecFixtures.bytes("pngsuite/basi2c08.png"))
        let plain = try PNG.decode(CodecFixtures.bytes("pngsuite/basn2c08.png"))
        #expect(interlaced == plain, "Adam7 decodes to the same pixels")
        let s01 = try PNG.decode(CodecFixtures.bytes("pngsuite/s01n3p01.png"))
        #expect(s01.width == 1 && s01.height == 1)
    }

    /// 16-bit samples keep their high byte.
    @Test func sixteenBitKeepsTheHighByte() throws {
        let bytes = try CodecFixtures.bytes("pngsuite/basn0g16.png")
        let image = try PNG.decode(bytes)
        let reencoded = try PNG.decode(PNG.encode(image))
        #expect(reencoded == image)
        // basn0g16 is a gradient whose first row starts at 0 and rises: the high bytes.
        #expect(image[0, 0] == 0)
        #expect(Set(image.pixels).count > 100)
    }

    @Test(arguments: CodecFixtures.corruptPNGs)
    func corruptFilesFailWithATypedError(_ path: String) throws {
        #expect(throws: CodecError.self) { try PNG.decode(CodecFixtures.bytes(path)) }
        #expect(throws: CodecError.self) { try ImageCodec.decode(CodecFixtures.bytes(path)) }
    }

    @Test func roundTripsAtEveryPreset() throws {
        var generator = SeededGenerator(seed: 11)
        for format in PixelFormat.allCases {
            for (width, height) in [(1, 1), (3, 17), (64, 9), (257, 31)] {
                let count = width * height * format.channels
                let pixels = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let image = try Image(width: width, height: height, channels: format.channels, pixels: pixels)
                for options in PNGEncodeOptions.presets.values + [PNGEncodeOptions(level: 0, strategy: .huffmanOnly, filter: .paeth)] {
                    #expect(try PNG.decode(PNG.encode(image, options: options)) == image, "\(format) \(width)x\(height) \(options)")
                }
            }
        }
        let view = try Image(width: 40, height: 30, format: .rgb8).view(Rect(x: 3, y: 4, width: 20, height: 10))
        #expect(try PNG.decode(PNG.encode(view)) == view, "strided views encode correctly")
    }

    /// A 45-byte PNG that claims 64000×64000 is refused from its header, without allocating pixels.
    @Test func hugeDimensionsAreRefusedFromTheHeader() throws {
        let ihdr: [UInt8] = [0, 0, 0xFA, 0x00, 0, 0, 0xFA, 0x00, 8, 0, 0, 0, 0]  // 64000 x 64000, 8-bit gray
        let file = pngSignature + pngChunk("IHDR", ihdr) + pngChunk("IEND", [])
        #expect(file.count == 45)
        let start = ContinuousClock.now
        #expect(throws: CodecError.dimensionsTooLarge(width: 64000, height: 64000, limit: 100_000_000)) { try ImageCodec.decode(file) }
        #expect(ContinuousClock.now - start < .milliseconds(50))
        let small = DecodeLimits(maxPixels: 10)
        #expect(throws: CodecError.dimensionsTooLarge(width: 32, height: 32, limit: 10)) {
            try PNG.decode(CodecFixtures.bytes("pngsuite/basn0g08.png"), limits: small)
        }
        #expect(throws: CodecError.inputTooLarge(bytes: 138, limit: 100)) {
            try PNG.decode(CodecFixtures.bytes("pngsuite/basn0g08.png"), limits: DecodeLimits(maxBytes: 100))
        }
    }
}

/// The strip encoder: any strip height and thread count gives a valid PNG with the same pixels,
/// including the filters that read the row above across strip boundaries.
@Suite struct PNGStripTests {
    @Test func stripsAndThreadsRoundTrip() throws {
        var generator = SeededGenerator(seed: 12)
        for format in PixelFormat.allCases {
            let (width, height) = (37, 29)
            let pixels = (0..<(width * height * format.channels)).map { i in
                UInt8(truncatingIfNeeded: i / 3 + Int.random(in: 0...9, using: &generator))
            }
            let image = try Image(width: width, height: height, channels: format.channels, pixels: pixels)
            for rows in [1, 3, 16, 29, 100] {
                for threads in [1, 2, 3] {
                    for options in PNGEncodeOptions.presets.values + [
                        PNGEncodeOptions(level: 6, strategy: .default, filter: .paeth),
                        PNGEncodeOptions(level: 6, strategy: .filtered, filter: .average),
                        PNGEncodeOptions(level: 0, strategy: .default, filter: .up),
                    ] {
                        var bytes: [UInt8] = []
                        try PNGWriter(image: image, options: options, threads: threads, rowsPerStrip: rows).write { bytes.append(contentsOf: $0) }
                        #expect(try PNG.decode(bytes) == image, "\(format) rows \(rows) threads \(threads) \(options)")
                    }
                }
            }
        }
    }

    /// Strips change nothing but how the work is split: one strip or many, the compressed size is close.
    @Test func stripsCostLittleSize() throws {
        let photo = try PNM.decode(CodecFixtures.bytes("jpeg/testorig.ppm"))
        var one: [UInt8] = []
        var many: [UInt8] = []
        try PNGWriter(image: photo, options: .fast, threads: 1).write { one.append(contentsOf: $0) }
        try PNGWriter(image: photo, options: .fast, threads: 2, rowsPerStrip: 40).write { many.append(contentsOf: $0) }
        #expect(Double(many.count) < Double(one.count) * 1.02)
    }
}
