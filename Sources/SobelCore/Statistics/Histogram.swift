/// How many pixels of a gray image have each of the 256 values: everything a global step
/// (``GlobalOperation``) needs to know about the whole image.
///
/// Histograms of disjoint parts add up to the histogram of the whole, so tiles are counted in
/// parallel (or on different machines) and reduced with ``add(_:)``.
public struct Histogram: Hashable, Sendable {
    /// `counts[v]` is the number of pixels of value `v`; always 256 entries.
    public private(set) var counts: [Int]

    /// An empty histogram: no pixels.
    public init() {
        counts = Array(repeating: 0, count: 256)
    }

    /// The most pixels a histogram counts: small enough that ``total`` and ``mean`` never overflow.
    public static let maxTotal = Int.max / 256

    /// A histogram from its counts, e.g. as a worker reported them: checked, so that no arithmetic on it traps.
    /// - Parameter counts: 256 non-negative counts adding up to at most ``maxTotal``.
    /// - Throws: ``HistogramError`` when there are not 256 counts, one is negative, or they add up to too many.
    public init(counts: [Int]) throws(HistogramError) {
        guard counts.count == 256 else { throw HistogramError.wrongBinCount(counts.count) }
        var total = 0
        for count in counts {
            guard count >= 0 else { throw HistogramError.negativeCount }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow, sum <= Self.maxTotal else { throw HistogramError.tooManyPixels }
            total = sum
        }
        self.counts = counts
    }

    /// Counts every pixel of a gray image.
    /// - Parameter image: A gray image.
    public init(_ image: Image) {
        precondition(image.channels == 1, "a histogram counts gray pixels")
        self.init()
        image.withUnsafeRows { base, stride in
            add(
                SourceRegion(origin: base, rowStride: stride, channels: 1, rect: Rect(x: 0, y: 0, width: image.width, height: image.height)),
                kernels: .active
            )
        }
    }

    /// Adds the counts of another histogram (of a disjoint part of the same image).
    /// - Parameter other: The other part's histogram.
    public mutating func add(_ other: Histogram) {
        for value in 0..<256 { counts[value] += other.counts[value] }
    }

    /// Counts the pixels of `region`, four interleaved tables at a time so that runs of equal values
    /// do not wait on one counter.
    /// - Parameter kernels: The row loop that counts (the CPU level's, or the Swift loop).
    mutating func add(_ region: SourceRegion, kernels: RowKernels) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 4 * 256) { tables in
            tables.initialize(repeating: 0)
            let table = tables.baseAddress!
            for y in region.rect.y..<region.rect.maxY {
                let row = region.row(y)
                let width = region.rect.width
                if let countValues = kernels.countValues {
                    countValues(row, width, table)
                } else {
                    Self.countValues(row, width, table)
                }
                // A table entry holds at most 2^32 - 1: flush before a tall region could overflow it.
                if (y - region.rect.y) % 4096 == 4095 { flush(table) }
            }
            flush(table)
        }
    }

    /// Adds one to `tables[256 * (x % 4) + row[x]]` for each x below `width`: the Swift loop behind the C kernels'
    /// `count_values`.
    private static func countValues(_ row: UnsafePointer<UInt8>, _ width: Int, _ table: UnsafeMutablePointer<UInt32>) {
        var x = 0
        while x + 4 <= width {
            table[Int(row[x])] &+= 1
            table[256 + Int(row[x + 1])] &+= 1
            table[512 + Int(row[x + 2])] &+= 1
            table[768 + Int(row[x + 3])] &+= 1
            x += 4
        }
        while x < width {
            table[Int(row[x])] &+= 1
            x += 1
        }
    }

    /// A histogram that knows only the extremes of `region`: one count at its smallest value and one at its
    /// largest. Enough for tables that depend on nothing else (``GlobalOperation/normalize``), at a fraction of
    /// the cost of counting.
    static func extremes(of region: SourceRegion, kernels: RowKernels) -> Histogram {
        var (low, high) = (UInt8.max, UInt8.min)
        for y in region.rect.y..<region.rect.maxY {
            let row = region.row(y)
            if let extremes = kernels.extremes {
                extremes(row, region.rect.width, &low, &high)
                continue
            }
            for x in 0..<region.rect.width {
                low = Swift.min(low, row[x])
                high = Swift.max(high, row[x])
            }
        }
        var histogram = Histogram()
        guard low <= high else { return histogram }
        histogram.counts[Int(low)] += 1
        histogram.counts[Int(high)] += 1
        return histogram
    }

    private mutating func flush(_ table: UnsafeMutablePointer<UInt32>) {
        for value in 0..<256 {
            counts[value] += Int(table[value]) + Int(table[256 + value]) + Int(table[512 + value]) + Int(table[768 + value])
        }
        table.update(repeating: 0, count: 4 * 256)
    }

    /// The number of pixels counted.
    public var total: Int { counts.reduce(0, +) }

    /// The smallest value present, or `nil` for an empty histogram.
    public var minimum: UInt8? { counts.firstIndex { $0 > 0 }.map(UInt8.init) }

    /// The largest value present, or `nil` for an empty histogram.
    public var maximum: UInt8? { counts.lastIndex { $0 > 0 }.map(UInt8.init) }

    /// The mean value, or `nil` for an empty histogram.
    public var mean: Double? {
        let total = total
        guard total > 0 else { return nil }
        return Double(counts.indices.reduce(0) { $0 + $1 * counts[$1] }) / Double(total)
    }

    /// The histogram of the image after every pixel went through `table`.
    /// - Parameter table: A point operation.
    /// - Returns: The counts moved to the values they map to.
    public func mapped(through table: LookupTable) -> Histogram {
        var result = Histogram()
        for value in 0..<256 where counts[value] > 0 { result.counts[Int(table.values[value])] += counts[value] }
        return result
    }
}

/// A histogram that cannot be built from the given counts.
public enum HistogramError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not 256 counts.
    case wrongBinCount(Int)
    /// A count below zero.
    case negativeCount
    /// Counts adding up to more than ``Histogram/maxTotal``.
    case tooManyPixels

    public var description: String {
        switch self {
        case .wrongBinCount(let count): "a histogram has 256 counts, not \(count)"
        case .negativeCount: "a histogram count is negative"
        case .tooManyPixels: "a histogram's counts add up to more than \(Histogram.maxTotal) pixels"
        }
    }
}
