import Dispatch

/// A point operation on gray pixels: value `v` becomes `values[v]`. A run of point steps
/// (thresholds and global steps, once their histograms are known) is one table.
public struct LookupTable: Hashable, Sendable {
    /// 256 output values, by input value.
    public let values: [UInt8]

    /// A table from its 256 values.
    /// - Parameter values: The output for each input value; must have 256 entries.
    public init(_ values: [UInt8]) {
        precondition(values.count == 256, "a lookup table has 256 entries")
        self.values = values
    }

    /// The table that changes nothing.
    public static let identity = LookupTable((0...255).map(UInt8.init))

    /// A binary threshold: 255 above `level`, else 0.
    /// - Parameter level: The highest value that becomes 0.
    /// - Returns: The table.
    public static func threshold(_ level: UInt8) -> LookupTable {
        LookupTable((0...255).map { $0 > Int(level) ? 255 : 0 })
    }

    /// `self` then `next`: one table for both.
    /// - Parameter next: The operation that follows.
    /// - Returns: The composition.
    public func followed(by next: LookupTable) -> LookupTable {
        LookupTable(values.map { next.values[Int($0)] })
    }

    /// Maps every pixel of a gray image through the table, in place.
    /// - Parameters:
    ///   - image: A gray image.
    ///   - threads: Threads to share the rows among.
    public func apply(to image: inout Image, threads: Int = 1) {
        precondition(image.channels == 1, "a lookup table maps gray pixels")
        guard self != .identity else { return }
        let (width, height) = (image.width, image.height)
        image.withUnsafeMutableRows { base, stride in
            let whole = DestinationRegion(origin: base, rowStride: stride, rect: Rect(x: 0, y: 0, width: width, height: height))
            let bands = Swift.max(1, Swift.min(threads, height))
            DispatchQueue.concurrentPerform(iterations: bands) { band in
                let rows = (height * band / bands)..<(height * (band + 1) / bands)
                apply(to: whole.cropped(to: Rect(x: 0, y: rows.lowerBound, width: width, height: rows.count)), kernels: .active)
            }
        }
    }

    /// Replaces every pixel of `region` with its table value.
    func apply(to region: DestinationRegion, kernels: RowKernels) {
        values.withUnsafeBufferPointer { table in
            for y in region.rect.y..<region.rect.maxY {
                let row = region.row(y)
                if let lookup = kernels.lookup {
                    lookup(table.baseAddress, row, row, region.rect.width)
                    continue
                }
                for x in 0..<region.rect.width { row[x] = table[Int(row[x])] }
            }
        }
    }
}
