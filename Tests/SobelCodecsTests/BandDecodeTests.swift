import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// `ImageCodec.decode(_:options:bandRows:size:band:)`: bands that put together equal the whole decode.
@Suite struct BandDecodeTests {
    /// Decodes a file in memory in bands and stacks them back into one image.
    static func stacked(_ bytes: [UInt8], bandRows: Int) throws -> (image: Image, bands: Int) {
        try stacked { size, band in try ImageCodec.decode(bytes, bandRows: bandRows, size: size, band: band) }
    }

    /// Runs a banded decode and stacks its bands back into one image, checking the calls' order on the way.
    static func stacked(
        _ decode: (
            _ size: (_ width: Int, _ height: Int, _ channels: Int) throws -> Void,
            _ band: (Image, _ firstRow: Int) throws -> Void
        ) throws -> Void
    ) throws -> (image: Image, bands: Int) {
        var size: (width: Int, height: Int, channels: Int)?
        var pixels = [UInt8]()
        var bands = 0
        try decode(
            { size = ($0, $1, $2) },
            { band, firstRow in
                let expected = try #require(size)
                #expect(band.width == expected.width && band.channels == expected.channels)
                #expect(firstRow == pixels.count / (expected.width * expected.channels), "bands arrive top to bottom")
                pixels += band.pixels
                bands += 1
            }
        )
        let final = try #require(size)
        return (try Image(width: final.width, height: final.height, channels: final.channels, pixels: pixels), bands)
    }

    @Test(arguments: CodecFixtures.validPNGs)
    func everyPngSuiteFileEqualsItsWholeDecode(_ path: String) throws {
        let bytes = try CodecFixtures.bytes(path)
        let whole = try ImageCodec.decode(bytes)
        for bandRows in [1, 7, 64] {
            let (image, bands) = try Self.stacked(bytes, bandRows: bandRows)
            #expect(image == whole, "\(path) in bands of \(bandRows)")
            let interlaced = bytes[28] == 1  // IHDR's interlace method
            #expect(bands == (interlaced ? 1 : (whole.height + bandRows - 1) / bandRows), "\(path)")
        }
    }

    @Test func aLargeColourPNGStreamsInBands() throws {
        var generator = SeededGenerator(seed: 3)
        let image = Image.random(width: 300, height: 201, format: .rgb8, using: &generator)
        let (decoded, bands) = try Self.stacked(try PNG.encode(image), bandRows: 64)
        #expect(decoded == image && bands == 4)
    }

    @Test func aTruncatedPNGDeliversItsFirstBandsThenFailsAsTruncated() throws {
        var generator = SeededGenerator(seed: 4)
        let image = Image.random(width: 256, height: 256, format: .gray8, using: &generator)
        let bytes = try PNG.encode(image, options: PNGEncodeOptions(level: 1, strategy: .default, filter: .none))
        let truncated = Array(bytes.prefix(bytes.count * 3 / 4))
        var delivered = 0
        #expect(throws: CodecError.self) {
            try ImageCodec.decode(
                truncated,
                bandRows: 16,
                size: { _, _, _ in },
                band: { band, firstRow in
                    let expected = try image.view(Rect(x: 0, y: firstRow, width: 256, height: band.height))
                    #expect(band == expected)
                    delivered += band.height
                }
            )
        }
        #expect(delivered >= 128 && delivered < 256, "the rows before the cut arrive, then the error: \(delivered)")
    }

    @Test(arguments: try! CodecFixtures.names(in: "jpeg") { $0.hasSuffix(".jpg") })
    func everyJPEGEqualsItsWholeDecode(_ path: String) throws {
        let bytes = try CodecFixtures.bytes(path)
        guard let whole = try? ImageCodec.decode(bytes) else {
            #expect(throws: CodecError.self) { try Self.stacked(bytes, bandRows: 16) }
            return
        }
        let (image, bands) = try Self.stacked(bytes, bandRows: 16)
        #expect(image == whole && bands == (whole.height + 15) / 16, "\(path)")
    }

    @Test func jpegsThatEXIFTurnsArriveAsOneTurnedBand() throws {
        let paths = try CodecFixtures.names(in: "exif-orientation") { $0.hasSuffix(".jpg") }
        #expect(paths.count >= 8)
        for path in paths {
            let bytes = try CodecFixtures.bytes(path)
            let whole = try ImageCodec.decode(bytes)
            let (image, bands) = try Self.stacked(bytes, bandRows: 16)
            #expect(image == whole, "\(path)")
            let upright = path.hasSuffix("_0.jpg") || path.hasSuffix("_1.jpg")  // no orientation, or 1 (up)
            #expect((bands > 1) == upright, "\(path): \(bands) bands")
        }
    }

    @Test func pnmArrivesAsOneBand() throws {
        let bytes = try CodecFixtures.bytes("photos/photo-1001x701.ppm")
        let (image, bands) = try Self.stacked(bytes, bandRows: 16)
        #expect(image == (try ImageCodec.decode(bytes)) && bands == 1)
    }

    @Test func limitsAreCheckedBeforeAnyBand() throws {
        let bytes = try PNG.encode(try Image(width: 400, height: 300))
        #expect(throws: CodecError.self) {
            try ImageCodec.decode(
                bytes,
                options: DecodeOptions(limits: DecodeLimits(maxPixels: 100_000)),
                bandRows: 8,
                size: { _, _, _ in Issue.record("no size for an image over the limit") },
                band: { _, _ in Issue.record("no band for an image over the limit") }
            )
        }
    }
}

/// `PNGStripEncoder`: strips deflated independently, in any order, join into one valid PNG.
@Suite struct StripEncoderTests {
    @Test(arguments: [PixelFormat.gray8, .rgb8, .rgba8])
    func stripsDeflatedInAnyOrderJoinIntoTheImage(_ format: PixelFormat) throws {
        var generator = SeededGenerator(seed: 21)
        let image = Image.random(width: 97, height: 61, format: format, using: &generator)
        for options in [PNGEncodeOptions.default, PNGEncodeOptions(level: 1, strategy: .default, filter: .paeth)] {
            let encoder = PNGStripEncoder(width: image.width, height: image.height, channels: image.channels, options: options)
            let strips = [0..<1, 1..<20, 20..<21, 21..<60, 60..<61]
            var segments = [PNGSegment?](repeating: nil, count: strips.count)
            for index in strips.indices.shuffled(using: &generator) {
                segments[index] = try encoder.segment(of: image, rows: strips[index])
            }
            let file = encoder.file(segments.map { $0! })
            #expect(try PNG.decode(file) == image, "\(format) \(options)")
        }
    }
}

/// `ImageCodec.decode(fileAt:)`, which releases a PNG's bytes before it allocates the image: the same pixels or
/// the same error as decoding the file's bytes, on every fixture, and the size checked before the file is read.
@Suite struct FileDecodeTests {
    @Test(arguments: FastPNGReaderTests.fixtures + ["jpeg/testorig.jpg", "jpeg/truncated.jpg", "photos/photo-1001x701.ppm"])
    func aFileDecodesAsItsBytesDo(_ path: String) throws {
        let fromBytes = Result { try ImageCodec.decode(CodecFixtures.bytes(path)) }
        let fromFile = Result { try ImageCodec.decode(fileAt: Fixtures.root.appendingPathComponent(path)) }
        switch (fromBytes, fromFile) {
        case (.success(let expected), .success(let image)): #expect(image == expected, "\(path)")
        case (.failure(let expected as CodecError), .failure(let error as CodecError)): #expect(error == expected, "\(path)")
        default: Issue.record("\(path): bytes \(fromBytes), file \(fromFile)")
        }
    }

    @Test func aFileOverTheByteLimitIsRefusedBeforeItIsRead() throws {
        let url = Fixtures.root.appendingPathComponent("pngsuite/basn2c08.png")
        let size = try CodecFixtures.bytes("pngsuite/basn2c08.png").count
        #expect(throws: CodecError.inputTooLarge(bytes: size, limit: 100)) {
            try ImageCodec.decode(fileAt: url, options: DecodeOptions(limits: DecodeLimits(maxBytes: 100)))
        }
    }
}
