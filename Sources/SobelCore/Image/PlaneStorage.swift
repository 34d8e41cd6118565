/// The heap buffer behind one or more `Plane` values. It is 64-byte aligned so SIMD rows start on cache lines.
@usableFromInline
final class PlaneStorage<Element: FixedWidthInteger>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<Element>
    @usableFromInline let count: Int

    /// Allocates `count` elements, zeroed unless the caller will overwrite them all.
    @usableFromInline
    init(count: Int, zeroed: Bool = true) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: Swift.max(count, 1) * MemoryLayout<Element>.stride,
            alignment: 64
        )
        if zeroed {
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(count, 1) * MemoryLayout<Element>.stride)
        }
        base = raw.bindMemory(to: Element.self, capacity: Swift.max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}
