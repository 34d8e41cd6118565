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

/// Fused derivative + magnitude over rows of a gray plane, 16 pixels per step.
///
/// The vector path widens each 8-byte half to `SIMD8<Int16>` (one `pmovzxbw` each), works in
/// `SIMD16<Int16>`, and narrows with a clamping per-lane loop (`packuswb`); no gx/gy planes are stored.
enum GradientKernel {
    /// Writes the magnitude of every pixel of `output`, reading `source`, which must cover
    /// `output.rect` grown by 1 and clipped to the image.
    static func magnitude(
        _ kernel: DerivativeKernel, _ magnitude: Magnitude,
        source: SourceRegion, output: DestinationRegion, edges: ImageEdges
    ) {
        switch (kernel, magnitude) {
        case (.sobel, .l1): run(SobelStencil.self, L1Magnitude.self, source, output, edges)
        case (.sobel, .l2): run(SobelStencil.self, L2Magnitude.self, source, output, edges)
        case (.sobel, .classic): run(SobelStencil.self, ClassicMagnitude.self, source, output, edges)
        case (.scharr, .l1): run(ScharrStencil.self, L1Magnitude.self, source, output, edges)
        case (.scharr, .l2): run(ScharrStencil.self, L2Magnitude.self, source, output, edges)
        case (.scharr, .classic): run(ScharrStencil.self, ClassicMagnitude.self, source, output, edges)
        }
    }

    private static func run<S: DerivativeStencil, M: VectorMagnitude>(
        _: S.Type, _: M.Type, _ source: SourceRegion, _ output: DestinationRegion, _ edges: ImageEdges
    ) {
        forEachRow(source: source, output: output.rect, edges: edges) { y, rows, interior, edgeColumns in
            let out = output.row(y) - output.rect.x
            let skip = interior.lowerBound - source.rect.x
            magnitudeRow(S.self, M.self, rows[0] + skip, rows[1] + skip, rows[2] + skip, out + interior.lowerBound, interior.count)
            for x in edgeColumns {
                let (gx, gy) = edgeDerivatives(S.self, rows: rows, x: x, source: source, edges: edges)
                out[x] = M.combine(gx, gy)
            }
        }
    }

    /// Writes gx and gy for every pixel of `rect`, reading `source`, which must cover `rect` grown by 1 and clipped.
    static func derivatives(
        _ kernel: DerivativeKernel, source: SourceRegion, rect: Rect, edges: ImageEdges,
        gx: UnsafeMutablePointer<Int16>, gy: UnsafeMutablePointer<Int16>, rowStride: Int
    ) {
        switch kernel {
        case .sobel: derivatives(SobelStencil.self, source, rect, edges, gx, gy, rowStride)
        case .scharr: derivatives(ScharrStencil.self, source, rect, edges, gx, gy, rowStride)
        }
    }

    private static func derivatives<S: DerivativeStencil>(
        _: S.Type, _ source: SourceRegion, _ rect: Rect, _ edges: ImageEdges,
        _ gxBase: UnsafeMutablePointer<Int16>, _ gyBase: UnsafeMutablePointer<Int16>, _ rowStride: Int
    ) {
        forEachRow(source: source, output: rect, edges: edges) { y, rows, interior, edgeColumns in
            let gxRow = gxBase + (y - rect.y) * rowStride - rect.x, gyRow = gyBase + (y - rect.y) * rowStride - rect.x
            let skip = interior.lowerBound - source.rect.x
            var i = 0
            while i &+ 16 <= interior.count {
                let (gx, gy) = derivatives(S.self, rows[0] + skip + i, rows[1] + skip + i, rows[2] + skip + i)
                UnsafeMutableRawPointer(gxRow + interior.lowerBound + i).storeBytes(of: gx, as: SIMD16<Int16>.self)
                UnsafeMutableRawPointer(gyRow + interior.lowerBound + i).storeBytes(of: gy, as: SIMD16<Int16>.self)
                i &+= 16
            }
            for x in edgeColumns + Array(interior.lowerBound + i..<interior.upperBound) {
                let (gx, gy) = edgeDerivatives(S.self, rows: rows, x: x, source: source, edges: edges)
                gxRow[x] = Int16(gx)
                gyRow[x] = Int16(gy)
            }
        }
    }

    /// Calls `body` for every row `y` of `output` with the rows above, at and below `y` (border rule
    /// applied; each pointer at column `source.rect.x`), the interior columns and the edge columns.
    @inline(__always)
    private static func forEachRow(
        source: SourceRegion, output: Rect, edges: ImageEdges,
        _ body: (_ y: Int, _ rows: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>, _ interior: Range<Int>, _ edgeColumns: [Int]) -> Void
    ) {
        let window = RowWindow(radius: 1, width: source.rect.width, border: edges.border)
        let (interior, edgeColumns) = edges.columns(of: output, radius: 1)
        withExtendedLifetime(window) {
            for y in output.y..<output.maxY {
                edges.rows(around: y, radius: 1, in: source, zeros: window.zeros, into: window.rows)
                body(y, window.rows, interior, edgeColumns)
            }
        }
    }

    /// gx and gy at image column `x`, mapping columns outside the image by the border rule.
    private static func edgeDerivatives<S: DerivativeStencil>(
        _: S.Type, rows: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>, x: Int, source: SourceRegion, edges: ImageEdges
    ) -> (Int, Int) {
        func at(_ row: Int, _ column: Int) -> Int {
            guard let sourceColumn = edges.border.sourceIndex(column, length: edges.width) else { return 0 }
            return Int(rows[row][sourceColumn - source.rect.x])
        }
        let e = Int(S.edge), c = Int(S.center)
        let gx = e * (at(0, x + 1) - at(0, x - 1)) + c * (at(1, x + 1) - at(1, x - 1)) + e * (at(2, x + 1) - at(2, x - 1))
        let gy = e * (at(2, x - 1) - at(0, x - 1)) + c * (at(2, x) - at(0, x)) + e * (at(2, x + 1) - at(0, x + 1))
        return (gx, gy)
    }

    /// Magnitudes of `count` pixels whose neighbours all exist: `above[-1]` and `above[count]` are readable.
    @inline(__always)
    static func magnitudeRow<S: DerivativeStencil, M: VectorMagnitude>(
        _: S.Type, _: M.Type,
        _ above: UnsafePointer<UInt8>, _ center: UnsafePointer<UInt8>, _ below: UnsafePointer<UInt8>,
        _ out: UnsafeMutablePointer<UInt8>, _ count: Int
    ) {
        var i = 0
        while i &+ 16 <= count {
            let (gx, gy) = derivatives(S.self, above + i, center + i, below + i)
            UnsafeMutableRawPointer(out + i).storeBytes(of: M.combine(gx, gy), as: SIMD16<UInt8>.self)
            i &+= 16
        }
        let e = Int(S.edge), c = Int(S.center)
        while i < count {
            let gx = e * (Int(above[i &+ 1]) - Int(above[i &- 1])) + c * (Int(center[i &+ 1]) - Int(center[i &- 1]))
                + e * (Int(below[i &+ 1]) - Int(below[i &- 1]))
            let gy = e * (Int(below[i &- 1]) - Int(above[i &- 1])) + c * (Int(below[i]) - Int(above[i]))
                + e * (Int(below[i &+ 1]) - Int(above[i &+ 1]))
            out[i] = M.combine(gx, gy)
            i &+= 1
        }
    }

    /// gx and gy of 16 pixels starting at each pointer.
    @inline(__always)
    static func derivatives<S: DerivativeStencil>(
        _: S.Type, _ above: UnsafePointer<UInt8>, _ center: UnsafePointer<UInt8>, _ below: UnsafePointer<UInt8>
    ) -> (SIMD16<Int16>, SIMD16<Int16>) {
        let a0 = widen(above - 1), a1 = widen(above), a2 = widen(above + 1)
        let c0 = widen(center - 1), c2 = widen(center + 1)
        let b0 = widen(below - 1), b1 = widen(below), b2 = widen(below + 1)
        let gx = weighted(S.self, a2 &- a0, c2 &- c0, b2 &- b0)
        let gy = weighted(S.self, b0 &- a0, b1 &- a1, b2 &- a2)
        return (gx, gy)
    }

    /// `edge * (first + last) + center * middle`, with Sobel's weights as adds and a shift.
    @inline(__always)
    static func weighted<S: DerivativeStencil>(
        _: S.Type, _ first: SIMD16<Int16>, _ middle: SIMD16<Int16>, _ last: SIMD16<Int16>
    ) -> SIMD16<Int16> {
        if S.edge == 1 && S.center == 2 { return first &+ (middle &<< 1) &+ last }
        return (first &+ last) &* SIMD16(repeating: S.edge) &+ middle &* SIMD16(repeating: S.center)
    }

    /// 16 bytes widened to `SIMD16<Int16>` through two `SIMD8` halves.
    @inline(__always)
    static func widen(_ pointer: UnsafePointer<UInt8>) -> SIMD16<Int16> {
        let raw = UnsafeRawPointer(pointer)
        return SIMD16(lowHalf: SIMD8<Int16>(truncatingIfNeeded: raw.loadUnaligned(as: SIMD8<UInt8>.self)),
                      highHalf: SIMD8<Int16>(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: 8, as: SIMD8<UInt8>.self)))
    }
}
