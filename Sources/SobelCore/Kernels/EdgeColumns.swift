/// The output columns of a region that lie at the image's left or right edge, where a 3×3 stencil
/// reaches past the image. Their taps are resolved by the border rule once per region, so each row
/// only copies nine bytes and runs the interior formula on them.
struct EdgeColumns {
    /// Output columns (image coordinates).
    private let columns: [Int]
    /// Three per column, for x - 1, x and x + 1: offsets from `source.rect.x`, or -1 where a constant
    /// border reads zero.
    private let taps: [Int]

    /// - Parameters:
    ///   - columns: The edge columns, from ``ImageEdges/columns(of:radius:)`` with radius 1.
    ///   - source: The region the rows are read from.
    ///   - edges: The image's size and border rule.
    init(_ columns: [Int], source: SourceRegion, edges: ImageEdges) {
        self.columns = columns
        taps = columns.flatMap { x in
            (x - 1...x + 1).map { column in
                edges.border.sourceIndex(column, length: edges.width).map { $0 - source.rect.x } ?? -1
            }
        }
    }

    /// Calls `body` for every edge column with its 3×3 neighbourhood as three 3-pixel rows, each
    /// pointer at the left tap.
    /// - Parameters:
    ///   - rows: The rows above, at and below the output row, each starting at `source.rect.x`.
    ///   - body: Receives the output column and the above, centre and below rows of its neighbourhood.
    @inline(__always)
    func forEach(
        rows: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>,
        _ body: (_ x: Int, _ above: UnsafePointer<UInt8>, _ center: UnsafePointer<UInt8>, _ below: UnsafePointer<UInt8>) -> Void
    ) {
        guard !columns.isEmpty else { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 9) { pixels in
            for (index, x) in columns.enumerated() {
                for row in 0..<3 {
                    for tap in 0..<3 {
                        let offset = taps[3 * index + tap]
                        pixels[3 * row + tap] = offset < 0 ? 0 : rows[row][offset]
                    }
                }
                let base = UnsafePointer(pixels.baseAddress!)
                body(x, base, base + 3, base + 6)
            }
        }
    }
}
