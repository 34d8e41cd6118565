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

    func magnitude(_ kernel: DerivativeKernel, _ magnitude: Magnitude) -> csobel_magnitude_row? {
        guard let table else { return nil }
        let rows = kernel == .sobel ? table.pointee.magnitude.0 : table.pointee.magnitude.1
        switch magnitude {
        case .l1: return rows.0
        case .l2: return rows.1
        case .classic: return rows.2
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
}
