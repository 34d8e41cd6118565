import SobelCore

/// Benchmark inputs made of real photo content: 512×512 crops of a photo, randomly placed and
/// flipped, plus seeded noise (σ≈2, like sensor noise) so no two tiles repeat exactly.
enum PhotoMosaic {
    /// An RGB mosaic of `width`×`height` built from `photo`.
    /// - Parameters:
    ///   - photo: An RGB photo, at least 64×64.
    ///   - width: Columns.
    ///   - height: Rows.
    ///   - seed: Makes the layout and noise repeatable.
    /// - Returns: The RGB mosaic.
    static func rgb(from photo: Image, width: Int, height: Int, seed: UInt64 = 20_261_122) throws -> Image {
        var random = MosaicRandom(state: seed)
        var canvas = try Image(width: width, height: height, format: .rgb8)
        let tile = min(512, photo.width, photo.height)
        canvas.withUnsafeMutableRows { out, outStride in
            photo.withUnsafeRows { source, sourceStride in
                for tileY in stride(from: 0, to: height, by: tile) {
                    for tileX in stride(from: 0, to: width, by: tile) {
                        let originX = Int(random.next() % UInt64(photo.width - tile + 1))
                        let originY = Int(random.next() % UInt64(photo.height - tile + 1))
                        let flipX = random.next() & 1 == 1
                        let flipY = random.next() & 1 == 1
                        for y in 0..<min(tile, height - tileY) {
                            let sy = originY + (flipY ? tile - 1 - y : y)
                            for x in 0..<min(tile, width - tileX) {
                                let sx = originX + (flipX ? tile - 1 - x : x)
                                for c in 0..<3 {
                                    let noise = Int(random.next() % 5) - 2
                                    let value = Int(source[sy * sourceStride + sx * 3 + c]) + noise
                                    out[(tileY + y) * outStride + (tileX + x) * 3 + c] = UInt8(clamping: value)
                                }
                            }
                        }
                    }
                }
            }
        }
        return canvas
    }
}

/// The mosaic's repeatable source of randomness (xorshift64*), so that every run measures the same pixels.
private struct MosaicRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
