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

    /// Clamps each lane to 0...255, staying 16-bit. A per-lane `min` loop is not vectorised;
    /// saturating to bytes (`packuswb`) and widening back (`punpcklbw`) is.
    @inline(__always)
    static func clamp255(_ v: SIMD16<Int16>) -> SIMD16<Int16> {
        let bytes = narrow(v)
        return SIMD16(lowHalf: SIMD8<Int16>(truncatingIfNeeded: bytes.lowHalf),
                      highHalf: SIMD8<Int16>(truncatingIfNeeded: bytes.highHalf))
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
        let sum = Lanes.clamp255(Lanes.abs(gx)) &+ Lanes.clamp255(Lanes.abs(gy))
        return Lanes.narrow((sum &+ ((sum &>> 1) & SIMD16(repeating: 1))) &>> 1)
    }

    @inline(__always)
    static func combine(_ gx: Int, _ gy: Int) -> UInt8 { Magnitude.classic.combine(gx, gy) }
}

enum L2Magnitude: VectorMagnitude {
    /// `min(rint(sqrt(gx² + gy²)), 255)` in Float32, as OpenCV computes it.
    ///
    /// The sum of squares is exact in Int32. Converting it through `UInt32` tells the optimiser the
    /// root's argument is not negative, so `squareRoot` becomes `sqrtps` instead of a guarded `sqrtf`
    /// call per lane. Adding 1.5·2²³ rounds the root to the nearest integer, ties to even, and leaves
    /// it in the low mantissa bits.
    @inline(__always)
    static func combine(_ gx: SIMD16<Int16>, _ gy: SIMD16<Int16>) -> SIMD16<UInt8> {
        let low = squares(gx.lowHalf, gy.lowHalf).squareRoot(), high = squares(gx.highHalf, gy.highHalf).squareRoot()
        let magic: Float = 12_582_912
        var result = SIMD16<UInt8>()
        for i in 0..<8 {
            result[i] = UInt8(truncatingIfNeeded: (Swift.min(low[i], 255) + magic).bitPattern)
            result[i + 8] = UInt8(truncatingIfNeeded: (Swift.min(high[i], 255) + magic).bitPattern)
        }
        return result
    }

    @inline(__always)
    static func squares(_ gx: SIMD8<Int16>, _ gy: SIMD8<Int16>) -> SIMD8<Float> {
        let x = SIMD8<Int32>(truncatingIfNeeded: gx), y = SIMD8<Int32>(truncatingIfNeeded: gy)
        let sum = x &* x &+ y &* y
        var result = SIMD8<Float>()
        for i in 0..<8 { result[i] = Float(UInt32(truncatingIfNeeded: sum[i])) }
        return result
    }

    @inline(__always)
    static func combine(_ gx: Int, _ gy: Int) -> UInt8 { Magnitude.l2.combine(gx, gy) }
}
