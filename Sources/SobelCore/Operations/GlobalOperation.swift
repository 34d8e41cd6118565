/// A step whose table depends on the whole image: it reduces a ``Histogram`` over every pixel,
/// then maps each pixel through a ``LookupTable``. Each equals OpenCV 5.0 on 8-bit gray images.
///
/// Tiled runs stay exact because the histogram is reduced over all tiles before any pixel is
/// mapped (see <doc:TilingAndHalos>).
public enum GlobalOperation: String, Hashable, Sendable, CaseIterable {
    /// Stretches the values to 0…255: `cv2.normalize(src, None, 0, 255, cv2.NORM_MINMAX)`.
    /// With `scale = 255 / (max - min)` and `shift = -min · scale` in double precision, each
    /// value becomes `round(v · scale + shift)` in single precision with one rounding
    /// (a fused multiply-add), rounding half to even. A constant image becomes 0.
    case normalize
    /// Otsu's threshold: `cv2.threshold(src, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)`.
    /// The level maximises the between-class variance, computed as OpenCV's own code does
    /// (`imgproc/src/thresh.cpp`, double precision, the first maximum wins); values above it become
    /// 255, the others 0. OpenCV builds with Intel IPP (the x86-64 wheels) may pick the other level
    /// when two levels tie exactly.
    case otsuThreshold = "threshold:otsu"
    /// Histogram equalisation: `cv2.equalizeHist`. With `first` the smallest value present
    /// and `scale = 255 / (pixels - count[first])` in single precision, value `v ≥ first`
    /// becomes `round(cumulative(v) - count[first]) · scale)`; a constant image is unchanged.
    case equalize

    /// The table for an image with this histogram.
    /// - Parameter histogram: The histogram of the step's whole input.
    /// - Returns: The table, and the threshold level for ``otsuThreshold``.
    public func lookupTable(for histogram: Histogram) -> (table: LookupTable, level: UInt8?) {
        switch self {
        case .normalize:
            return (Self.normalizeTable(histogram), nil)
        case .otsuThreshold:
            let level = Self.otsuLevel(histogram)
            return (LookupTable.threshold(level), level)
        case .equalize:
            return (Self.equalizeTable(histogram), nil)
        }
    }

    static func normalizeTable(_ histogram: Histogram) -> LookupTable {
        guard let low = histogram.minimum, let high = histogram.maximum else { return .identity }
        let range = Double(high) - Double(low)
        let scale = range > Double.ulpOfOne ? 255 / range : 0
        let shift = 0 - Double(low) * scale
        let (scale32, shift32) = (Float(scale), Float(shift))
        return LookupTable(
            (0...255).map { value in
                let mapped = shift32.addingProduct(Float(value), scale32).rounded(.toNearestOrEven)
                return UInt8(Swift.min(255, Swift.max(0, mapped)))
            }
        )
    }

    static func otsuLevel(_ histogram: Histogram) -> UInt8 {
        let total = histogram.total
        guard total > 0 else { return 0 }
        let scale = 1 / Double(total)
        var mu = 0.0
        for value in 0..<256 { mu += Double(value) * Double(histogram.counts[value]) }
        mu *= scale
        var (mu1, q1, maxSigma, level) = (0.0, 0.0, 0.0, 0)
        let epsilon = Double(Float.ulpOfOne)
        for value in 0..<256 {
            let p = Double(histogram.counts[value]) * scale
            mu1 *= q1
            q1 += p
            let q2 = 1 - q1
            if Swift.min(q1, q2) < epsilon || Swift.max(q1, q2) > 1 - epsilon { continue }
            mu1 = (mu1 + Double(value) * p) / q1
            let mu2 = (mu - q1 * mu1) / q2
            let sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2)
            if sigma > maxSigma { (maxSigma, level) = (sigma, value) }
        }
        return UInt8(level)
    }

    static func equalizeTable(_ histogram: Histogram) -> LookupTable {
        guard let first = histogram.minimum.map(Int.init) else { return .identity }
        let total = histogram.total
        let firstCount = histogram.counts[first]
        guard firstCount != total else { return LookupTable(Array(repeating: UInt8(first), count: 256)) }
        let scale = Float(255) / Float(total - firstCount)
        var values = [UInt8](repeating: 0, count: 256)
        var sum = 0
        for value in (first + 1)..<256 {
            sum += histogram.counts[value]
            values[value] = UInt8(Swift.min(255, Swift.max(0, (Float(sum) * scale).rounded(.toNearestOrEven))))
        }
        return LookupTable(values)
    }
}
