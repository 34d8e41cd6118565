/// How the two derivatives gx and gy combine into one 8-bit edge strength.
public enum Magnitude: String, Sendable, Codable, CaseIterable {
    /// `min(|gx| + |gy|, 255)`.
    case l1
    /// `min(rint(sqrt(gx² + gy²)), 255)` in Float32, rounded half to even
    /// (OpenCV's `magnitude` then `convertScaleAbs`).
    case l2
    /// `rint((min(|gx|, 255) + min(|gy|, 255)) / 2)`, rounded half to even
    /// (OpenCV's `convertScaleAbs` twice, then `addWeighted(0.5, 0.5)`).
    case classic

    /// The magnitude of one pixel's derivatives, exactly as the contract states.
    /// - Parameters:
    ///   - gx: The horizontal derivative.
    ///   - gy: The vertical derivative.
    /// - Returns: The edge strength, 0 to 255.
    @inlinable
    public func combine(_ gx: Int, _ gy: Int) -> UInt8 {
        switch self {
        case .l1:
            return UInt8(Swift.min(abs(gx) + abs(gy), 255))
        case .l2:
            let fx = Float(gx)
            let fy = Float(gy)
            let root = (fx * fx + fy * fy).squareRoot().rounded(.toNearestOrEven)
            return UInt8(Swift.min(root, 255))
        case .classic:
            let sum = Swift.min(abs(gx), 255) + Swift.min(abs(gy), 255)
            // Half to even: an odd sum is k + 0.5, which rounds to whichever of k, k+1 is even.
            return UInt8((sum + ((sum >> 1) & 1)) >> 1)
        }
    }
}
