import Foundation
import SobelCore
import SobelTestSupport
import Synchronization
import Testing

@testable import SobelCodecs

/// `ImageCodec.decode(arriving:...)`: a file decoded while its bytes arrive, in pieces of any size, gives the
/// whole-file decode's pixels or its error; the first bands come before the last bytes; a failed transfer
/// ends the decode with its error.
@Suite struct ArrivingDecodeTests {
    /// Appends `bytes` to a new arriving file from another thread, in pieces of 1 to `largestPiece` bytes with a
    /// pause now and then, while this thread decodes it in bands.
    static func decodeWhileArriving(_ bytes: [UInt8], largestPiece: Int, bandRows: Int, seed: UInt64) -> Result<Image, any Error> {
        let file = ArrivingFile(expectedBytes: bytes.count)
        let sender = Thread {
            var generator = SeededGenerator(seed: seed)
            var sent = 0
            while sent < bytes.count {
                let piece = min(bytes.count - sent, Int.random(in: 1...largestPiece, using: &generator))
                bytes[sent..<sent + piece].withUnsafeBytes { try! file.append($0) }
                sent += piece
                if Int.random(in: 0..<8, using: &generator) == 0 { usleep(200) }
            }
            file.finish()
        }
        sender.start()
        return Result {
            try BandDecodeTests.stacked { size, band in try ImageCodec.decode(arriving: file, bandRows: bandRows, size: size, band: band) }.image
        }
    }

    /// Both succeed with equal pixels, or both fail with the same error.
    static func expectSameAsWhole(_ bytes: [UInt8], _ label: String, largestPiece: Int = 4096, seed: UInt64 = 1) {
        let whole = Result { try ImageCodec.decode(bytes) }
        let arriving = decodeWhileArriving(bytes, largestPiece: largestPiece, bandRows: 7, seed: seed)
        switch (whole, arriving) {
        case (.success(let expected), .success(let image)): #expect(image == expected, "\(label): the same pixels")
        case (.failure(let expected as CodecError), .failure(let error as CodecError)): #expect(error == expected, "\(label): the same error")
        default: Issue.record("\(label): whole \(whole), arriving \(arriving)")
        }
    }

    @Test(arguments: FastPNGReaderTests.fixtures + ["jpeg/gray.jpg", "jpeg/progressive.jpg", "photos/photo-1001x701.ppm"])
    func everyFixtureDecodesAsItsWholeFile(_ path: String) throws {
        let bytes = try CodecFixtures.bytes(path)
        Self.expectSameAsWhole(bytes, path, largestPiece: 1 + bytes.count / 5)
        Self.expectSameAsWhole(bytes, "\(path) a few bytes at a time", largestPiece: 13, seed: 2)
    }

    /// Damage anywhere (a flipped byte, a cut, a changed pixel byte): never a crash, and the whole file's outcome,
    /// including damage found after bands were handed over (then the file is read again whole).
    @Test func damagedFilesEndAsTheirWholeFileDoes() throws {
        var generator = SeededGenerator(seed: 95)
        let image = Image.random(width: 60, height: 50, format: .rgb8, using: &generator)
        let bytes = try PNG.encode(image, options: PNGEncodeOptions(level: 6, strategy: .default, filter: .adaptive), threads: 3)
        for trial in 0..<240 {
            var damaged = bytes
            switch trial % 3 {
            case 0: damaged[Int.random(in: 8..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            case 1: damaged = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            default: damaged[Int.random(in: bytes.count / 2..<bytes.count - 12, using: &generator)] &+= 1
            }
            Self.expectSameAsWhole(damaged, "trial \(trial)", largestPiece: 300, seed: UInt64(trial))
        }
    }

    /// A chunk after the image data with a bad CRC: the arriving reader has handed over every row when it finds
    /// it, reads the file again whole, and libpng (which skips a damaged ancillary chunk) takes it.
    @Test func damageAfterTheImageDataIsJudgedByTheWholeFileReaders() throws {
        var generator = SeededGenerator(seed: 96)
        let image = Image.random(width: 33, height: 40, format: .gray8, using: &generator)
        let plain = try PNG.encode(image)
        var text = pngChunk("tEXt", Array("Comment\0hello".utf8))
        text[text.count - 1] ^= 1
        let iend = pngChunkOffsets(plain).last!
        let damaged = Array(plain[..<iend]) + text + Array(plain[iend...])
        Self.expectSameAsWhole(damaged, "a damaged tEXt after IDAT", largestPiece: 64)
        #expect(try ImageCodec.decode(damaged) == image)
    }

    /// The first band is handed over while most of the file has not arrived.
    @Test func theFirstBandsComeBeforeTheLastBytes() throws {
        var generator = SeededGenerator(seed: 97)
        let image = Image.random(width: 256, height: 256, format: .rgb8, using: &generator)
        let bytes = try PNG.encode(image, options: .balanced)
        let file = ArrivingFile(expectedBytes: bytes.count)
        let firstBand = Mutex<Int?>(nil)  // bytes received when the first band came
        let decoder = Thread {
            try? ImageCodec.decode(
                arriving: file,
                bandRows: 16,
                size: { _, _, _ in },
                band: { _, firstRow in
                    if firstRow == 0 { firstBand.withLock { $0 = file.receivedBytes } }
                }
            )
        }
        decoder.start()
        try bytes[..<(bytes.count / 2)].withUnsafeBytes { try file.append($0) }
        let deadline = Date().addingTimeInterval(10)
        while firstBand.withLock({ $0 }) == nil && Date() < deadline { usleep(1000) }
        let received = try #require(firstBand.withLock { $0 }, "no band within 10 s of half the file")
        #expect(received == bytes.count / 2)
        try bytes[(bytes.count / 2)...].withUnsafeBytes { try file.append($0) }
        file.finish()
    }

    struct ClientWentAway: Error, Equatable {}

    /// A transfer that fails part-way ends the decode with that error, whatever the format, and bytes beyond the
    /// declared length are refused.
    @Test(arguments: ["pngsuite/basn2c08.png", "pngsuite/basn3p08.png", "jpeg/restart.jpg"])
    func aFailedTransferEndsTheDecodeWithItsError(_ path: String) throws {
        let bytes = try CodecFixtures.bytes(path)
        let file = ArrivingFile(expectedBytes: bytes.count)
        try bytes[..<(bytes.count / 2)].withUnsafeBytes { try file.append($0) }
        let failer = Thread {
            usleep(20_000)
            file.fail(ClientWentAway())
        }
        failer.start()
        #expect(throws: ClientWentAway.self) {
            try ImageCodec.decode(arriving: file, bandRows: 8, size: { _, _, _ in }, band: { _, _ in })
        }
        #expect(throws: ArrivingFile.AppendError.self) { try [UInt8](repeating: 0, count: 1).withUnsafeBytes { try file.append($0) } }
        let short = ArrivingFile(expectedBytes: 3)
        #expect(throws: ArrivingFile.AppendError.self) { try [UInt8](repeating: 0, count: 4).withUnsafeBytes { try short.append($0) } }
    }

    /// The declared length is checked against the limits before anything is read.
    @Test func theDeclaredLengthIsCheckedFirst() {
        let file = ArrivingFile(expectedBytes: 2_000)
        #expect(throws: CodecError.inputTooLarge(bytes: 2_000, limit: 1_000)) {
            try ImageCodec.decode(
                arriving: file,
                options: DecodeOptions(limits: DecodeLimits(maxBytes: 1_000)),
                bandRows: 8,
                size: { _, _, _ in },
                band: { _, _ in }
            )
        }
    }
}
