internal import CSobelKernels

/// A 3×3 derivative stencil with its weights known at compile time.
protocol DerivativeStencil {
    /// Corner-tap weight.
    static var edge: Int16 { get }
    /// Middle-tap weight.
    static var center: Int16 { get }
}

enum SobelStencil: DerivativeStencil {
    static var edge: Int16 { 1 }
    static var center: Int16 { 2 }
}

enum ScharrStencil: DerivativeStencil {
    static var edge: Int16 { 3 }
    static var center: Int16 { 10 }
}

/// Fused 3×3 derivative + magnitude over rows of a gray plane, with no gx/gy planes stored.
///
/// The row loops are plain loops over unsafe pointers, specialised per stencil and magnitude, written
/// so that the optimiser vectorises them: with `-target-cpu znver4` each iteration becomes 32 lanes of
/// `vpmovzxbw`/`vpabsw`/`vpmovuswb` on zmm registers, and with the portable build 8–16 lanes of SSE2.
/// Measured on this machine (docs/performance.md), this beat hand-written `SIMD16<Int16>` code by
/// 1.4× in the tuned build and `SIMD32<Int16>` code by about 25×.
enum GradientKernel {
    /// Writes the magnitude of every pixel of `output`, reading `source`, which must cover
    /// `output.rect` grown by 1 and clipped to the image.
    /// - Parameters:
    ///   - streaming: Whether to write `output` with non-temporal stores (a final image larger than the caches).
    ///   - prefetching: Whether `source` is larger than the caches, so that its rows are fetched ahead (an image
    ///     read from memory, not a tile's scratch plane).
    static func magnitude(
        _ kernel: DerivativeKernel,
        _ magnitude: Magnitude,
        source: SourceRegion,
        output: DestinationRegion,
        edges: ImageEdges,
        kernels: RowKernels,
        streaming: Bool = false,
        prefetching: Bool = false
    ) {
        let row = kernels.magnitude(kernel, magnitude, streaming: streaming)
        let rowsAhead = prefetching ? prefetchedRowsAhead : nil
        switch (kernel, magnitude) {
        case (.sobel, .l1): run(SobelStencil.self, L1Kernel.self, source, output, edges, row, rowsAhead)
        case (.sobel, .l2): run(SobelStencil.self, L2Kernel.self, source, output, edges, row, rowsAhead)
        case (.sobel, .classic): run(SobelStencil.self, ClassicKernel.self, source, output, edges, row, rowsAhead)
        case (.scharr, .l1): run(ScharrStencil.self, L1Kernel.self, source, output, edges, row, rowsAhead)
        case (.scharr, .l2): run(ScharrStencil.self, L2Kernel.self, source, output, edges, row, rowsAhead)
        case (.scharr, .classic): run(ScharrStencil.self, ClassicKernel.self, source, output, edges, row, rowsAhead)
        }
    }

    /// How far below the newest row a dispatched row loop prefetches: at 8192² on one thread, 1, 2, 4 and 8 rows
    /// ahead took l1 from 5,583 to 6,276, 6,411, 6,759 and 6,770 MP/s (docs/performance.md).
    private static let prefetchedRowsAhead = 8

    /// - Parameters:
    ///   - dispatched: The CPU level's row loop for the interior, or `nil` for the Swift loop.
    ///   - rowsAhead: How far below each row's newest source row the row loop prefetches, or `nil` for not at all.
    private static func run<S: DerivativeStencil, M: MagnitudeKernel>(
        _: S.Type,
        _: M.Type,
        _ source: SourceRegion,
        _ output: DestinationRegion,
        _ edges: ImageEdges,
        _ dispatched: csobel_magnitude_row?,
        _ rowsAhead: Int?
    ) {
        forEachRow(source: source, output: output.rect, edges: edges) { y, rows, interior, edgeColumns in
            let out = output.row(y) - output.rect.x
            let skip = interior.lowerBound - source.rect.x
            if let dispatched {
                let upcoming = rowsAhead.map { y + 1 + $0 }.flatMap { $0 < source.rect.maxY ? source.row($0) + skip : nil }
                dispatched(rows[0] + skip, rows[1] + skip, rows[2] + skip, out + interior.lowerBound, interior.count, upcoming)
            } else {
                magnitudeRow(S.self, M.self, rows[0] + skip, rows[1] + skip, rows[2] + skip, out + interior.lowerBound, interior.count)
            }
            edgeColumns.forEach(rows: rows) { x, above, center, below in
                let (gx, gy) = derivatives(S.self, above, center, below, 1)
                out[x] = M.combine(gx, gy)
            }
        }
    }

    /// Magnitudes of `count` pixels whose neighbours all exist: `above[-1]` and `above[count]` are readable.
    @inline(__always)
    static func magnitudeRow<S: DerivativeStencil, M: MagnitudeKernel>(
        _: S.Type,
        _: M.Type,
        _ above: UnsafePointer<UInt8>,
        _ center: UnsafePointer<UInt8>,
        _ below: UnsafePointer<UInt8>,
        _ out: UnsafeMutablePointer<UInt8>,
        _ count: Int
    ) {
        VectorSpans.forEach(count: count, output: out) { start, length in
            magnitudeSpan(S.self, M.self, above + start, center + start, below + start, out + start, length)
        }
    }

    /// The vectorised loop behind ``magnitudeRow(_:_:_:_:_:_:_:)``.
    @inline(__always)
    private static func magnitudeSpan<S: DerivativeStencil, M: MagnitudeKernel>(
        _: S.Type,
        _: M.Type,
        _ above: UnsafePointer<UInt8>,
        _ center: UnsafePointer<UInt8>,
        _ below: UnsafePointer<UInt8>,
        _ out: UnsafeMutablePointer<UInt8>,
        _ count: Int
    ) {
        for i in 0..<count {
            let (gx, gy) = derivatives(S.self, above, center, below, i)
            out[i] = M.combine(gx, gy)
        }
    }

    /// Writes gx and gy for every pixel of `rect`, reading `source`, which must cover `rect` grown by 1 and clipped.
    static func derivatives(
        _ kernel: DerivativeKernel,
        source: SourceRegion,
        rect: Rect,
        edges: ImageEdges,
        gx: UnsafeMutablePointer<Int16>,
        gy: UnsafeMutablePointer<Int16>,
        rowStride: Int,
        kernels: RowKernels
    ) {
        let row = kernels.derivatives(kernel)
        switch kernel {
        case .sobel: derivatives(SobelStencil.self, source, rect, edges, gx, gy, rowStride, row)
        case .scharr: derivatives(ScharrStencil.self, source, rect, edges, gx, gy, rowStride, row)
        }
    }

    private static func derivatives<S: DerivativeStencil>(
        _: S.Type,
        _ source: SourceRegion,
        _ rect: Rect,
        _ edges: ImageEdges,
        _ gxBase: UnsafeMutablePointer<Int16>,
        _ gyBase: UnsafeMutablePointer<Int16>,
        _ rowStride: Int,
        _ dispatched: csobel_derivatives_row?
    ) {
        forEachRow(source: source, output: rect, edges: edges) { y, rows, interior, edgeColumns in
            let gxRow = gxBase + (y - rect.y) * rowStride - rect.x
            let gyRow = gyBase + (y - rect.y) * rowStride - rect.x
            let skip = interior.lowerBound - source.rect.x
            let above = rows[0] + skip
            let center = rows[1] + skip
            let below = rows[2] + skip
            let gxOut = gxRow + interior.lowerBound
            let gyOut = gyRow + interior.lowerBound
            if let dispatched {
                dispatched(above, center, below, gxOut, gyOut, interior.count)
            } else {
                for i in 0..<interior.count {
                    (gxOut[i], gyOut[i]) = derivatives(S.self, above, center, below, i)
                }
            }
            edgeColumns.forEach(rows: rows) { x, above, center, below in
                (gxRow[x], gyRow[x]) = derivatives(S.self, above, center, below, 1)
            }
        }
    }

    /// gx and gy at offset `i` of three row pointers whose neighbours at `i - 1` and `i + 1` exist.
    @inline(__always)
    private static func derivatives<S: DerivativeStencil>(
        _: S.Type,
        _ above: UnsafePointer<UInt8>,
        _ center: UnsafePointer<UInt8>,
        _ below: UnsafePointer<UInt8>,
        _ i: Int
    ) -> (Int16, Int16) {
        let left = i &- 1
        let right = i &+ 1
        let gx =
            S.edge &* (Int16(above[right]) &- Int16(above[left])) &+ S.center &* (Int16(center[right]) &- Int16(center[left]))
            &+ S.edge &* (Int16(below[right]) &- Int16(below[left]))
        let gy =
            S.edge &* (Int16(below[left]) &- Int16(above[left])) &+ S.center &* (Int16(below[i]) &- Int16(above[i]))
            &+ S.edge &* (Int16(below[right]) &- Int16(above[right]))
        return (gx, gy)
    }

    /// Calls `body` for every row `y` of `output` with the rows above, at and below `y` (border rule
    /// applied; each pointer at column `source.rect.x`), the interior columns and the edge columns.
    @inline(__always)
    private static func forEachRow(
        source: SourceRegion,
        output: Rect,
        edges: ImageEdges,
        _ body: (_ y: Int, _ rows: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>, _ interior: Range<Int>, _ edgeColumns: EdgeColumns) -> Void
    ) {
        let window = RowWindow(radius: 1, width: source.rect.width, border: edges.border)
        let (interior, edgeColumnList) = edges.columns(of: output, radius: 1)
        let edgeColumns = EdgeColumns(edgeColumnList, source: source, edges: edges)
        withExtendedLifetime(window) {
            for y in output.y..<output.maxY {
                edges.rows(around: y, radius: 1, in: source, zeros: window.zeros, into: window.rows)
                body(y, window.rows, interior, edgeColumns)
            }
        }
    }
}
