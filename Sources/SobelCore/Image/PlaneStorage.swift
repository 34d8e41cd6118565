#if os(Linux)
import Glibc
#endif

/// The heap buffer behind one or more `Plane` values. It is 64-byte aligned so SIMD rows start on cache lines.
@usableFromInline
final class PlaneStorage<Element: FixedWidthInteger>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<Element>
    @usableFromInline let count: Int

    /// Buffers at least this large (NumPy's threshold) are aligned to 2 MiB and, on Linux, ask for transparent huge
    /// pages: a row of a large image then costs no TLB miss of its own. Measured here (`sobel bench`, binaries
    /// alternated, docs/performance.md): at 4096² on one thread l1 1.31x, l2 1.19x and memcpy 1.26x; at 8192² on
    /// two threads no change. NumPy does the same for its arrays, so OpenCV and Halide, measured through Python,
    /// had them already.
    private static var hugePageThreshold: Int { 4 << 20 }
    private static var hugePageSize: Int { 2 << 20 }

    /// Allocates `count` elements, zeroed unless the caller will overwrite them all.
    @usableFromInline
    init(count: Int, zeroed: Bool = true) {
        self.count = count
        let byteCount = Swift.max(count, 1) * MemoryLayout<Element>.stride
        let large = byteCount >= Self.hugePageThreshold
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: large ? Self.hugePageSize : 64)
        #if os(Linux)
        // Advice only: where the system has no huge pages to give, the buffer keeps ordinary pages.
        if large { _ = madvise(raw, byteCount & ~4095, MADV_HUGEPAGE) }
        #endif
        if zeroed {
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        }
        base = raw.bindMemory(to: Element.self, capacity: Swift.max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}
