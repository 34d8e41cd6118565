/// Separable Gaussian blur with binomial weights: a vertical pass into 16-bit column sums,
/// then a horizontal pass, rounded half up. Integer sums make it equal to the 2-D reference.
enum BlurKernel {
    /// Blurs `output.rect`, reading `source`, which must cover `output.rect` grown by the radius and clipped.
    static func apply(_ size: BlurSize, source: SourceRegion, output: DestinationRegion, edges: ImageEdges, kernels: RowKernels) {
        let radius = size.radius
        let weights = size.weights.map { UInt16($0) }
        let window = RowWindow(radius: radius, width: source.rect.width, border: edges.border)
        let first = Swift.max(0, output.rect.x - radius)
        let last = Swift.min(edges.width, output.rect.maxX + radius)
        let sums = UnsafeMutablePointer<UInt16>.allocate(capacity: last - first)
        let taps = Int32(weights.count)
        defer { sums.deallocate() }
        let (interior, edgeColumns) = edges.columns(of: output.rect, radius: radius)
        let rounding = UInt32(1) << (size.shift - 1)
        let shift = UInt32(size.shift)
        withExtendedLifetime(window) {
            for y in output.rect.y..<output.rect.maxY {
                edges.rows(around: y, radius: radius, in: source, zeros: window.zeros, into: window.rows)
                let out = output.row(y) - output.rect.x
                let sumAt = sums - first
                if let vertical = kernels.verticalSums, let horizontal = kernels.blurRow {
                    withUnsafeTemporaryAllocation(of: UnsafePointer<UInt8>?.self, capacity: weights.count) { rows in
                        for k in 0..<weights.count { rows[k] = window.rows[k] + (first - source.rect.x) }
                        vertical(UnsafePointer(rows.baseAddress!), taps, sums, last - first)
                    }
                    horizontal(sumAt + interior.lowerBound, taps, out + interior.lowerBound, interior.count)
                } else {
                    verticalSums(window.rows, offset: first - source.rect.x, weights, sums, last - first)
                    for x in interior {
                        var total: UInt32 = 0
                        for k in 0..<weights.count { total &+= UInt32(weights[k]) &* UInt32(sumAt[x &+ k &- radius]) }
                        out[x] = UInt8(truncatingIfNeeded: (total &+ rounding) &>> shift)
                    }
                }
                for x in edgeColumns {
                    var total: UInt32 = 0
                    for k in 0..<weights.count {
                        if let column = edges.border.sourceIndex(x + k - radius, length: edges.width) {
                            total += UInt32(weights[k]) * UInt32(sumAt[column])
                        }
                    }
                    out[x] = UInt8(truncatingIfNeeded: (total + rounding) >> shift)
                }
            }
        }
    }

    private static func verticalSums(
        _ rows: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>,
        offset: Int,
        _ weights: [UInt16],
        _ sums: UnsafeMutablePointer<UInt16>,
        _ count: Int
    ) {
        for x in 0..<count { sums[x] = 0 }
        for (row, weight) in zip(rows, weights) {
            let row = row + offset
            for x in 0..<count { sums[x] &+= weight &* UInt16(row[x]) }
        }
    }
}
