import Foundation
import SobelCodecs
import SobelCore

/// Files under the repository's `Fixtures/` folder, found from this source file's path.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(path))
    }

    /// The 1001×701 RGB photo.
    static func photo() throws -> Image {
        try PNM.decode(Array(data("photos/photo-1001x701.ppm")))
    }
}

/// FNV-1a 64 of a plane's packed little-endian bytes, as `Fixtures/golden/generate.py` computes it.
func fnv1a64<E: FixedWidthInteger>(_ plane: Plane<E>) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in plane.pixels {
        withUnsafeBytes(of: value.littleEndian) { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
    }
    return String(hash, radix: 16).leftPadded(to: 16)
}

extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}

/// A seeded generator so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
