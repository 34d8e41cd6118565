/// Cuts a row of outputs into spans that the vectorised row loops run without a scalar remainder,
/// with most stores aligned.
///
/// A row loop that starts at an arbitrary byte (interior columns start at x = 1) makes every other
/// 32-byte store straddle a cache line, and its last `count % 32` pixels run one at a time. Measured on
/// this machine (docs/performance.md), both together cost l1 about a quarter of its speed. Instead,
/// the row is covered by a first span of one block, a middle span of whole blocks that starts at an
/// aligned output address, and a last span of one block that ends at the row's end. The spans
/// overlap, so some pixels are computed twice; each pass writes the same values, because the row
/// loops never read their own output.
enum VectorSpans {
    /// Pixels per block: the widest vector loop the optimiser emits (32 bytes of output with
    /// `-target-cpu znver4`; the portable build's 16-byte loops divide it).
    static let block = 32

    /// Calls `body(start, count)` for spans that together cover `0..<count` of a row whose first
    /// output element is at `output`; every span's count is a multiple of ``block`` unless the whole
    /// row is shorter than one block.
    @inline(__always)
    static func forEach<Element>(
        count: Int,
        output: UnsafeMutablePointer<Element>,
        _ body: (_ start: Int, _ count: Int) -> Void
    ) {
        guard count > block else { return body(0, count) }
        let alignment = block * MemoryLayout<Element>.stride
        let misalignment = Int(bitPattern: UInt(bitPattern: output)) % alignment
        let head = misalignment == 0 ? 0 : (alignment - misalignment) / MemoryLayout<Element>.stride
        let middle = (count - head) / block * block
        if head > 0 { body(0, block) }
        if middle > 0 { body(head, middle) }
        if head + middle < count { body(count - block, block) }
    }
}
