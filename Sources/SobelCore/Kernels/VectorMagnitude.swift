/// A ``Magnitude`` in vector form: 16 gx/gy pairs to 16 bytes, equal lane by lane to the scalar form.
protocol VectorMagnitude {
    static func combine(_ gx: SIMD16<Int16>, _ gy: SIMD16<Int16>) -> SIMD16<UInt8>
    static func combine(_ gx: Int, _ gy: Int) -> UInt8
}

/// Lane-wise helpers written as concrete per-lane loops, which lower to single vector instructions
/// (`pabsw`, `pminsw`, `packuswb`); the generic SIMD versions do not.
enum Lanes {
    @inline(__always)
    static func abs(_ v: SIMD16<Int16>) -> SIMD16<Int16> {
        var r = v
        for i in 0..<16 { r[i] = v[i] < 0 ? 0 &- v[i] : v[i] }
        return r
    }

    @inline(__always)
    static func min(_ v: SIMD16<Int16>, _ limit: Int16) -> SIMD16<Int16> {
        var r = v
        for i in 0..<16 { r[i] = v[i] < limit ? v[i] : limit }
        return r
    }

    /// Saturates each lane to 0...255.
    @inline(__always)
    static func narrow(_ v: SIMD16<Int16>) -> SIMD16<UInt8> {
        var r = SIMD16<UInt8>()
        for i in 0..<16 { r[i] = UInt8(truncatingIfNeeded: Swift.min(Swift.max(v[i], 0), 255)) }
        return r
    }
}

enum L1Magnitude: VectorMagnitude {
    @inline(__always)
    static func combine(_ gx: SIMD16<Int16>, _ gy: SIMD16<Int16>) -> SIMD16<UInt8> {
        Lanes.narrow(Lanes.abs(gx) &+ Lanes.abs(gy))
    }

    @inline(__always)
    static func combine(_ gx: Int, _ gy: Int) -> UInt8 { Magnitude.l1.combine(gx, gy) }
}

enum ClassicMagnitude: VectorMagnitude {
    @inline(__always)
    static func combine(_ gx: SIMD16<Int16>, _ gy: SIMD16<Int16>) -> SIMD16<UInt8> {
        let sum = Lanes.min(Lanes.abs(gx), 255) &+ Lanes.min(Lanes.abs(gy), 255)
        return Lanes.narrow((sum &+ ((sum &>> 1) & 1)) &>> 1)
    }

    @inline(__always)
    static func combine(_ gx: Int, _ gy: Int) -> UInt8 { Magnitude.classic.combine(gx, gy) }
}

enum L2Magnitude: VectorMagnitude {
    @inline(__always)
    static func combine(_ gx: SIMD16<Int16>, _ gy: SIMD16<Int16>) -> SIMD16<UInt8> {
        let low = rootHalf(gx.lowHalf, gy.lowHalf), high = rootHalf(gx.highHalf, gy.highHalf)
        var packed = SIMD16<Int16>()
        for i in 0..<8 {
            packed[i] = Int16(truncatingIfNeeded: low[i])
            packed[i + 8] = Int16(truncatingIfNeeded: high[i])
        }
        return Lanes.narrow(packed)
    }

    /// `min(rint(sqrt(gx² + gy²)), 255)` for 8 lanes, in Float32 as OpenCV computes it.
    ///
    /// The sum of squares is formed exactly in Int32; adding 1.5·2²³ then rounds the root to the
    /// nearest integer, ties to even, leaving it in the low mantissa bits.
    @inline(__always)
    static func rootHalf(_ gx: SIMD8<Int16>, _ gy: SIMD8<Int16>) -> SIMD8<Int32> {
        let x = SIMD8<Int32>(truncatingIfNeeded: gx), y = SIMD8<Int32>(truncatingIfNeeded: gy)
        let sum = x &* x &+ y &* y
        var root = SIMD8<Float>()
        for i in 0..<8 { root[i] = Swift.min(Float(sum[i]).squareRoot(), 255) }
        let magic: Float = 12_582_912
        var result = SIMD8<Int32>()
        for i in 0..<8 { result[i] = Int32(bitPattern: (root[i] + magic).bitPattern) &- Int32(bitPattern: magic.bitPattern) }
        return result
    }

    @inline(__always)
    static func combine(_ gx: Int, _ gy: Int) -> UInt8 { Magnitude.l2.combine(gx, gy) }
}
