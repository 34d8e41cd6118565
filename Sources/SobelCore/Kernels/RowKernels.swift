internal import CSobelKernels

/// The row loops that one CPU level runs: the C kernels of a ``CPULevel``, or none, in which case the
/// Swift loops run (off x86-64, and in the tests that check them). The algorithm (the border rule, edge
/// columns, tiles and halos) stays in Swift either way; only the interior of each row is dispatched.
struct RowKernels: @unchecked Sendable {
    /// The level, or `nil` for the Swift loops.
    let level: CPULevel?
    private let table: UnsafePointer<csobel_kernels>?

    init(_ level: CPULevel?) {
        self.level = level
        table = level.flatMap { csobel_kernels_for_level($0.code) }
    }

    /// The kernels of ``CPULevel/active``.
    static let active = RowKernels(CPULevel.active)

    /// The Swift loops.
    static let portable = RowKernels(nil)

    /// Final outputs at least this large are written with non-temporal stores where a kernel has them: they
    /// cannot stay in the caches anyway, and streaming saves reading each line before writing it. Measured
    /// here (docs/performance.md): about +25% for l1 at 8192² on two threads, no change at 4096².
    static let streamingThreshold = 32 << 20

    /// - Parameter streaming: Whether to write with non-temporal stores (for outputs larger than the caches).
    func magnitude(_ kernel: DerivativeKernel, _ magnitude: Magnitude, streaming: Bool = false) -> csobel_magnitude_row? {
        guard let table else { return nil }
        let all = streaming ? table.pointee.magnitude_streaming : table.pointee.magnitude
        let rows = kernel == .sobel ? all.0 : all.1
        switch magnitude {
        case .l1: return rows.0
        case .l2: return rows.1
        case .classic: return rows.2
        }
    }

    func combine(
        _ magnitude: Magnitude
    ) -> (@convention(c) (UnsafePointer<Int16>?, UnsafePointer<Int16>?, UnsafeMutablePointer<UInt8>?, Int) -> Void)? {
        guard let table else { return nil }
        switch magnitude {
        case .l1: return table.pointee.combine.0
        case .l2: return table.pointee.combine.1
        case .classic: return table.pointee.combine.2
        }
    }

    func derivatives(_ kernel: DerivativeKernel) -> csobel_derivatives_row? {
        guard let table else { return nil }
        return kernel == .sobel ? table.pointee.derivatives.0 : table.pointee.derivatives.1
    }

    var grayRGB: (@convention(c) (UnsafePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, Int) -> Void)? { table?.pointee.gray_rgb }
    var grayRGBA: (@convention(c) (UnsafePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, Int) -> Void)? { table?.pointee.gray_rgba }
    var verticalSums: (@convention(c) (UnsafePointer<UnsafePointer<UInt8>?>?, Int32, UnsafeMutablePointer<UInt16>?, Int) -> Void)? {
        table?.pointee.vertical_sums
    }
    var blurRow: (@convention(c) (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt8>?, Int) -> Void)? { table?.pointee.blur_row }
    var threshold: (@convention(c) (UnsafePointer<UInt8>?, UInt8, UnsafeMutablePointer<UInt8>?, Int) -> Void)? { table?.pointee.threshold }
    var extremes: (@convention(c) (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?) -> Void)? {
        table?.pointee.extremes
    }
    var countValues: (@convention(c) (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt32>?) -> Void)? {
        table?.pointee.count_values
    }
    var lookup: (@convention(c) (UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, Int) -> Void)? {
        table?.pointee.lookup
    }
}
