/// A ``Magnitude`` as the row loops compute it: Int16 derivatives in, one byte out, written in a
/// branch-free form the optimiser vectorises. Equal to ``Magnitude/combine(_:_:)`` for every input
/// a 3×3 Sobel or Scharr can produce (checked in the tests).
protocol MagnitudeKernel {
    static func combine(_ gx: Int16, _ gy: Int16) -> UInt8
}

enum L1Kernel: MagnitudeKernel {
    @inline(__always)
    static func combine(_ gx: Int16, _ gy: Int16) -> UInt8 {
        let sum = (gx < 0 ? 0 &- gx : gx) &+ (gy < 0 ? 0 &- gy : gy)
        return UInt8(truncatingIfNeeded: Swift.min(sum, 255))
    }
}

enum ClassicKernel: MagnitudeKernel {
    /// Half to even: an odd sum is k + 0.5, which rounds to whichever of k, k+1 is even.
    @inline(__always)
    static func combine(_ gx: Int16, _ gy: Int16) -> UInt8 {
        let sum = Swift.min(gx < 0 ? 0 &- gx : gx, 255) &+ Swift.min(gy < 0 ? 0 &- gy : gy, 255)
        return UInt8(truncatingIfNeeded: (sum &+ ((sum &>> 1) & 1)) &>> 1)
    }
}

enum L2Kernel: MagnitudeKernel {
    /// `min(rint(sqrt(gx² + gy²)), 255)` in Float32, as OpenCV computes it.
    ///
    /// The sum of squares is exact in Int32. Converting it through `UInt32` tells the optimiser that
    /// the root's argument is not negative, so `squareRoot` becomes `sqrtps` rather than a guarded
    /// `sqrtf` call per pixel. Adding 1.5·2²³ rounds the root to the nearest integer, ties to even,
    /// and leaves it in the low mantissa bits.
    @inline(__always)
    static func combine(_ gx: Int16, _ gy: Int16) -> UInt8 {
        let x = Int32(gx)
        let y = Int32(gy)
        let root = Float(UInt32(truncatingIfNeeded: x &* x &+ y &* y)).squareRoot()
        return UInt8(truncatingIfNeeded: (Swift.min(root, 255) + 12_582_912).bitPattern)
    }
}
