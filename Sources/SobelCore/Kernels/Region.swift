/// Read access to a rectangle of an 8-bit image, addressed in image coordinates.
struct SourceRegion: @unchecked Sendable {
    /// Pixel (`rect.x`, `rect.y`).
    let origin: UnsafePointer<UInt8>
    let rowStride: Int
    let channels: Int
    let rect: Rect

    /// Row `y` (image coordinates), starting at column `rect.x`.
    @inline(__always)
    func row(_ y: Int) -> UnsafePointer<UInt8> { origin + (y - rect.y) * rowStride }
}

/// Write access to a rectangle of a gray image, addressed in image coordinates.
struct DestinationRegion: @unchecked Sendable {
    /// Pixel (`rect.x`, `rect.y`).
    let origin: UnsafeMutablePointer<UInt8>
    let rowStride: Int
    let rect: Rect

    /// Row `y` (image coordinates), starting at column `rect.x`.
    @inline(__always)
    func row(_ y: Int) -> UnsafeMutablePointer<UInt8> { origin + (y - rect.y) * rowStride }

    var asSource: SourceRegion {
        SourceRegion(origin: UnsafePointer(origin), rowStride: rowStride, channels: 1, rect: rect)
    }
}

/// The whole image a region belongs to: its size and the border rule at its edges.
struct ImageEdges: Sendable {
    let width: Int
    let height: Int
    let border: BorderMode

    var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Fills `rows` with the rows `y - radius ... y + radius` of `source`, with the border rule applied:
    /// each pointer starts at column `source.rect.x`; rows outside a constant border read `zeros`.
    /// The buffer is reused from row to row, so the hot loop allocates nothing.
    @inline(__always)
    func rows(
        around y: Int,
        radius: Int,
        in source: SourceRegion,
        zeros: UnsafePointer<UInt8>,
        into rows: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>
    ) {
        for offset in -radius...radius {
            guard let sourceRow = border.sourceIndex(y + offset, length: height) else {
                rows[offset + radius] = zeros
                continue
            }
            precondition(sourceRow >= source.rect.y && sourceRow < source.rect.maxY, "source region misses a row")
            rows[offset + radius] = source.row(sourceRow)
        }
    }

    /// Splits the columns of `output` for a stencil of `radius`: the interior, whose neighbours all
    /// lie inside the image, and the few columns at the image edges that need the border rule.
    func columns(of output: Rect, radius: Int) -> (interior: Range<Int>, edges: [Int]) {
        let start = Swift.min(Swift.max(output.x, radius), output.maxX)
        let end = Swift.max(start, Swift.min(output.maxX, width - radius))
        return (start..<end, Array(output.x..<start) + Array(end..<output.maxX))
    }
}

/// Scratch memory for one stencil pass: a window of row pointers, and a zeroed row long enough for
/// `width` pixels that stands in for rows outside a constant border.
final class RowWindow {
    let rows: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>
    let zeros: UnsafeMutablePointer<UInt8>

    init(radius: Int, width: Int, border: BorderMode) {
        let zeroCount = border == .constant ? width + 64 : 1
        zeros = .allocate(capacity: zeroCount)
        zeros.initialize(repeating: 0, count: zeroCount)
        rows = .allocate(capacity: 2 * radius + 1)
        rows.initialize(repeating: UnsafePointer(zeros))
    }

    deinit {
        zeros.deallocate()
        rows.deallocate()
    }
}
