public import SobelCore

/// A small, fast, seeded random generator (SplitMix64), so that test inputs and benchmark
/// mosaics are the same on every run and failures reproduce.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator.
    /// - Parameter seed: Any value; equal seeds give equal sequences.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Image {
    /// Random pixels for tests; `smooth` blends in a gradient so that not every magnitude saturates.
    /// - Parameters:
    ///   - width: Columns.
    ///   - height: Rows.
    ///   - format: Gray, RGB or RGBA.
    ///   - generator: The seeded source of randomness.
    /// - Returns: The image.
    public static func random(width: Int, height: Int, format: PixelFormat = .gray8, using generator: inout SeededGenerator) -> Image {
        let count = width * height * format.channels
        let smooth = Bool.random(using: &generator)
        let pixels = (0..<count).map { i -> UInt8 in
            smooth
                ? UInt8(truncatingIfNeeded: (i * 7) / max(1, width) + Int.random(in: 0...12, using: &generator))
                : UInt8.random(in: 0...255, using: &generator)
        }
        return try! Image(width: width, height: height, channels: format.channels, pixels: pixels)
    }
}
