import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

@Suite struct JPEGTests {
    /// libjpeg-turbo's reference pixels: testorig.jpg decodes to testorig.ppm within the documented
    /// tolerance (max 3 per sample, mean at most 0.25, at least 95% within 1). testorig.ppm was made by
    /// an older IJG decoder; OpenCV's and Pillow's decodes differ from it by exactly as much.
    @Test func testorigMatchesItsReferencePPM() throws {
        let decoded = try JPEG.decode(CodecFixtures.bytes("jpeg/testorig.jpg"))
        let reference = try PNM.decode(CodecFixtures.bytes("jpeg/testorig.ppm"))
        #expect(decoded.width == 227 && decoded.height == 149 && decoded.channels == 3)
        #expect(reference.width == decoded.width && reference.height == decoded.height)
        let differences = zip(decoded.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }
        #expect(differences.max() ?? 99 <= 3)
        #expect(Double(differences.reduce(0, +)) / Double(differences.count) <= 0.25)
        #expect(Double(differences.filter { $0 <= 1 }.count) / Double(differences.count) >= 0.95)
    }

    /// Every JPEG fixture decodes to exactly what OpenCV's imread gives (compared after gray conversion).
    @Test(arguments: ["testorig.jpg", "testimgint.jpg", "testimgari.jpg", "progressive.jpg", "restart.jpg", "gray.jpg", "cmyk.jpg", "ycck.jpg"])
    func decodesLikeOpenCV(_ name: String) throws {
        let image = try JPEG.decode(CodecFixtures.bytes("jpeg/\(name)"))
        let expected = try #require(DecodeDigests.shared.images["jpeg/\(name)"])
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(digest(try Pipeline([.gray]).run(on: image)) == expected.gray)
    }

    @Test(arguments: ["testimgint.jpg", "testimgari.jpg", "progressive.jpg", "restart.jpg", "cmyk.jpg", "ycck.jpg", "gray.jpg"])
    func variantsDecodeCloseToTheOriginal(_ name: String) throws {
        let decoded = try JPEG.decode(CodecFixtures.bytes("jpeg/\(name)"))
        let reference = try PNM.decode(CodecFixtures.bytes("jpeg/testorig.ppm"))
        #expect(decoded.width == 227 && decoded.height == 149)
        let original = decoded.channels == 1 ? ScalarReference.gray(reference) : reference
        #expect(decoded.channels == (name == "gray.jpg" ? 1 : 3))
        let error = zip(decoded.pixels, original.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) } / decoded.pixels.count
        #expect(error < 8, "\(name): mean absolute error \(error)")
    }

    @Test func twelveBitFilesFailCleanly() throws {
        #expect {
            try JPEG.decode(CodecFixtures.bytes("jpeg/monkey12.jpg"))
        } throws: { error in
            guard case CodecError.unsupportedVariant(let detail) = error else { return false }
            return detail.contains("12-bit")
        }
    }

    @Test func truncatedFilesAreErrorsNotGreyImages() throws {
        #expect(throws: CodecError.truncated) { try JPEG.decode(CodecFixtures.bytes("jpeg/truncated.jpg")) }
        let whole = try CodecFixtures.bytes("jpeg/testorig.jpg")
        #expect(throws: CodecError.self) { try JPEG.decode(Array(whole.prefix(100))) }
        #expect(throws: CodecError.self) { try JPEG.decode(Array(whole.prefix(3))) }
    }

    @Test func encodeAtAQualityAndReadBack() throws {
        let photo = try PNM.decode(CodecFixtures.bytes("jpeg/testorig.ppm"))
        let high = try JPEG.encode(photo, quality: 95)
        let low = try JPEG.encode(photo, quality: 30)
        #expect(high.count > low.count)
        let decoded = try JPEG.decode(high)
        #expect(decoded.width == photo.width && decoded.channels == 3)
        let error = zip(decoded.pixels, photo.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) } / photo.pixels.count
        #expect(error < 4)
        let gray = try JPEG.decode(JPEG.encode(ScalarReference.gray(photo)))
        #expect(gray.channels == 1)
        let rgba = try Image(width: 9, height: 5, format: .rgba8)
        #expect(try JPEG.decode(JPEG.encode(rgba)).channels == 3, "alpha is dropped")
    }
}

@Suite struct CodecLibrariesTests {
    @Test func versionsAreReported() {
        #expect(CodecLibraries.libpng.hasPrefix("1.6."))
        #expect(CodecLibraries.libpngHeaders.hasPrefix("1.6."))
        #expect(CodecLibraries.libjpegAPI >= 62)
        #expect(CodecLibraries.summary.contains("libpng 1.6."))
    }
}
