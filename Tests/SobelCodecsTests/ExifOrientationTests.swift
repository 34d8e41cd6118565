import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// The 18 EXIF orientation examples: all come out right side up, 1800×1200 or 1200×1800.
@Suite struct ExifOrientationTests {
    static let names = (0...8).flatMap { ["Landscape_\($0).jpg", "Portrait_\($0).jpg"] }

    /// Mean absolute difference of two same-size images over a coarse grid of whole-image samples.
    func gridDifference(_ a: Image, _ b: Image) -> Int {
        var total = 0
        var count = 0
        for y in stride(from: 5, to: a.height, by: 37) {
            for x in stride(from: 5, to: a.width, by: 37) {
                for c in 0..<3 {
                    total += abs(Int(a[x, y, c]) - Int(b[x, y, c]))
                    count += 1
                }
            }
        }
        return total / count
    }

    @Test(arguments: names)
    func turnedRightSideUp(_ name: String) throws {
        let landscape = name.hasPrefix("Landscape")
        let image = try JPEG.decode(CodecFixtures.bytes("exif-orientation/\(name)"))
        #expect(landscape ? (image.width == 1800 && image.height == 1200) : (image.width == 1200 && image.height == 1800))
        let upright = try JPEG.decode(CodecFixtures.bytes("exif-orientation/\(landscape ? "Landscape" : "Portrait")_1.jpg"))
        #expect(gridDifference(image, upright) < 6, "\(name) looks like the upright image")
    }

    @Test func orientationCanBeSwitchedOff() throws {
        let stored = try JPEG.decode(CodecFixtures.bytes("exif-orientation/Landscape_6.jpg"), applyOrientation: false)
        #expect(stored.width == 1200 && stored.height == 1800)
        let turned = try ImageCodec.decode(CodecFixtures.bytes("exif-orientation/Landscape_6.jpg"), options: DecodeOptions(applyOrientation: false))
        #expect(turned == stored)
        // Turning the stored pixels by hand gives what the decoder gives.
        let upright = try JPEG.decode(CodecFixtures.bytes("exif-orientation/Landscape_6.jpg"))
        #expect(ExifOrientation.rotatedClockwise.apply(to: stored) == upright)
    }

    @Test func everyOrientationMapsCorners() throws {
        let image = try Image(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6] as [UInt8])  // 1 2 3 / 4 5 6
        let expected: [ExifOrientation: [UInt8]] = [
            .up: [1, 2, 3, 4, 5, 6], .mirrored: [3, 2, 1, 6, 5, 4], .upsideDown: [6, 5, 4, 3, 2, 1],
            .upsideDownMirrored: [4, 5, 6, 1, 2, 3], .transposed: [1, 4, 2, 5, 3, 6], .rotatedClockwise: [4, 1, 5, 2, 6, 3],
            .transverse: [6, 3, 5, 2, 4, 1], .rotatedCounterClockwise: [3, 6, 2, 5, 1, 4],
        ]
        for (orientation, pixels) in expected {
            #expect(orientation.apply(to: image).pixels == pixels, "\(orientation)")
        }
    }

    @Test func malformedExifIsIgnored() {
        for payload: [UInt8] in [[], [0x4D, 0x4D], [0x49, 0x49, 42, 0, 0xFF, 0xFF, 0xFF, 0x7F], [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0xFF, 0xFF]] {
            #expect(payload.withUnsafeBufferPointer { ExifOrientation(exif: $0) } == nil)
        }
    }
}
