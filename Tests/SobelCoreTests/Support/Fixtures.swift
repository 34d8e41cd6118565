import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport

extension Fixtures {
    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(path))
    }

    /// The 1001×701 RGB photo.
    static func photo() throws -> Image {
        try PNM.decode(bytes("photos/photo-1001x701.ppm"))
    }
}

extension Image {
    /// Random pixels; `smooth` blends in a gradient so that not every magnitude saturates.
    static func random(width: Int, height: Int, format: PixelFormat = .gray8, using generator: inout SeededGenerator) -> Image {
        let count = width * height * format.channels
        let smooth = Bool.random(using: &generator)
        let pixels = (0..<count).map { i -> UInt8 in
            smooth ? UInt8(truncatingIfNeeded: (i * 7) / max(1, width) + Int.random(in: 0...12, using: &generator))
                   : UInt8.random(in: 0...255, using: &generator)
        }
        return try! Image(width: width, height: height, channels: format.channels, pixels: pixels)
    }
}
