/// A 2-D array of pixels with interleaved channels and a row stride.
///
/// `Plane` has value semantics: views made with ``view(_:)`` share memory with their
/// parent without copying, and a write to a shared plane first copies the pixels it sees.
/// 8-bit images are ``Image`` (`Plane<UInt8>`); Sobel gradients are ``GradientPlane`` (`Plane<Int16>`).
public struct Plane<Element: FixedWidthInteger & Sendable>: @unchecked Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Interleaved channels per pixel.
    public let channels: Int
    /// Elements from the start of one row to the start of the next.
    public private(set) var rowStride: Int
    @usableFromInline var storage: PlaneStorage<Element>
    @usableFromInline var offset: Int

    /// Creates a zero-filled plane.
    /// - Parameters:
    ///   - width: Columns, at least 1.
    ///   - height: Rows, at least 1.
    ///   - channels: Interleaved channels per pixel (1, 3 or 4 for images; 1 for gradients).
    /// - Throws: ``ImageError`` when a size is out of range.
    public init(width: Int, height: Int, channels: Int = 1) throws {
        try self.init(width: width, height: height, channels: channels, zeroed: true)
    }

    init(width: Int, height: Int, channels: Int, zeroed: Bool) throws {
        try Self.validate(width: width, height: height, channels: channels)
        self.width = width
        self.height = height
        self.channels = channels
        rowStride = width * channels
        storage = PlaneStorage(count: rowStride * height, zeroed: zeroed)
        offset = 0
    }

    /// A plane whose storage holds `slack` elements more than its pixels, not zeroed: for a decoder that fills the
    /// storage in a layout of its own (a PNG's filtered rows, one byte longer each) and then moves the rows into
    /// place. Every pixel must be written before the plane is read.
    /// - Parameters:
    ///   - width: Columns, at least 1.
    ///   - height: Rows, at least 1.
    ///   - channels: Interleaved channels per pixel.
    ///   - slack: Elements after the last row.
    /// - Throws: ``ImageError`` when a size is out of range.
    package init(width: Int, height: Int, channels: Int, uninitializedWithSlack slack: Int) throws {
        try Self.validate(width: width, height: height, channels: channels)
        self.width = width
        self.height = height
        self.channels = channels
        rowStride = width * channels
        storage = PlaneStorage(count: rowStride * height + max(0, slack), zeroed: false)
        offset = 0
    }

    /// Creates a plane by copying row-major pixel data.
    /// - Parameters:
    ///   - width: Columns, at least 1.
    ///   - height: Rows, at least 1.
    ///   - channels: Interleaved channels per pixel.
    ///   - rowStride: Elements per source row; `nil` means packed rows (`width * channels`).
    ///   - pixels: At least `(height - 1) * rowStride + width * channels` elements.
    /// - Throws: ``ImageError`` when a size is out of range or `pixels` is too short.
    public init<C: Collection>(width: Int, height: Int, channels: Int = 1, rowStride: Int? = nil, pixels: C) throws
    where C.Element == Element {
        try self.init(width: width, height: height, channels: channels)
        let rowLength = width * channels
        let sourceStride = rowStride ?? rowLength
        guard sourceStride >= rowLength else { throw ImageError.invalidRowStride(rowStride: sourceStride, minimum: rowLength) }
        let needed = (height - 1) * sourceStride + rowLength
        guard pixels.count >= needed else { throw ImageError.bufferTooSmall(needed: needed, actual: pixels.count) }
        let copied: Void? = pixels.withContiguousStorageIfAvailable { buffer in
            copyRows(from: buffer.baseAddress!, sourceStride: sourceStride)
        }
        if copied == nil {
            copyRows(from: Array(pixels), sourceStride: sourceStride)
        }
    }

    private func copyRows(from source: UnsafePointer<Element>, sourceStride: Int) {
        for y in 0..<height {
            (storage.base + y * rowStride).update(from: source + y * sourceStride, count: width * channels)
        }
    }

    static func validate(width: Int, height: Int, channels: Int) throws {
        guard [1, 3, 4].contains(channels) else { throw ImageError.invalidChannelCount(channels) }
        guard (1...PlaneLimits.maxSide).contains(width), (1...PlaneLimits.maxSide).contains(height),
            width * height <= PlaneLimits.maxPixels
        else { throw ImageError.invalidDimensions(width: width, height: height) }
    }

    /// The whole plane as a rectangle at the origin.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// One channel of one pixel.
    /// - Parameters:
    ///   - x: Column, `0 ..< width`.
    ///   - y: Row, `0 ..< height`.
    ///   - channel: Channel, `0 ..< channels`.
    @inlinable
    public subscript(x: Int, y: Int, channel: Int = 0) -> Element {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height && channel >= 0 && channel < channels, "pixel index out of range")
            return storage.base[offset + y * rowStride + x * channels + channel]
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height && channel >= 0 && channel < channels, "pixel index out of range")
            makeUnique()
            storage.base[offset + y * rowStride + x * channels + channel] = newValue
        }
    }

    /// A view of a rectangle of this plane that shares its memory.
    /// - Parameter rect: A non-empty rectangle inside ``bounds``.
    /// - Returns: A plane whose pixel (0, 0) is this plane's pixel (`rect.x`, `rect.y`).
    /// - Throws: ``ImageError/rectOutsideImage(_:width:height:)`` when `rect` is empty or not inside.
    public func view(_ rect: Rect) throws -> Plane {
        guard !rect.isEmpty, bounds.contains(rect) else {
            throw ImageError.rectOutsideImage(rect, width: width, height: height)
        }
        return Plane(viewOf: self, rect: rect)
    }

    private init(viewOf parent: Plane, rect: Rect) {
        width = rect.width
        height = rect.height
        channels = parent.channels
        rowStride = parent.rowStride
        storage = parent.storage
        offset = parent.offset + rect.y * parent.rowStride + rect.x * parent.channels
    }

    /// Whether the rows are packed back to back (`rowStride == width * channels`).
    public var isPacked: Bool { rowStride == width * channels }

    /// The pixels, row by row without padding.
    public var pixels: [Element] {
        var result = [Element]()
        result.reserveCapacity(width * height * channels)
        for y in 0..<height {
            let row = UnsafeBufferPointer(start: storage.base + offset + y * rowStride, count: width * channels)
            result.append(contentsOf: row)
        }
        return result
    }

    /// Calls `body` with a pointer to row 0 and the row stride, both in elements.
    /// - Parameter body: Reads `height` rows of `width * channels` elements.
    /// - Returns: What `body` returns.
    public func withUnsafeRows<R>(_ body: (UnsafePointer<Element>, _ rowStride: Int) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.base + offset, rowStride) }
    }

    /// Calls `body` with a mutable pointer to row 0 and the row stride, after making the storage unique.
    /// - Parameter body: Writes at most `height` rows of `width * channels` elements.
    /// - Returns: What `body` returns.
    public mutating func withUnsafeMutableRows<R>(_ body: (UnsafeMutablePointer<Element>, _ rowStride: Int) throws -> R) rethrows -> R {
        makeUnique()
        return try withExtendedLifetime(storage) { try body(storage.base + offset, rowStride) }
    }

    @usableFromInline
    mutating func makeUnique() {
        guard !isKnownUniquelyReferenced(&storage) else { return }
        let copy = try! Plane(width: width, height: height, channels: channels)
        withUnsafeRows { source, stride in copy.copyRows(from: source, sourceStride: stride) }
        self = copy
    }
}

extension Plane: Equatable {
    /// Planes are equal when they have the same size, channels and pixels; strides may differ.
    public static func == (lhs: Plane, rhs: Plane) -> Bool {
        guard lhs.width == rhs.width, lhs.height == rhs.height, lhs.channels == rhs.channels else { return false }
        let rowLength = lhs.width * lhs.channels
        return lhs.withUnsafeRows { l, ls in
            rhs.withUnsafeRows { r, rs in
                (0..<lhs.height).allSatisfy { y in
                    UnsafeBufferPointer(start: l + y * ls, count: rowLength)
                        .elementsEqual(UnsafeBufferPointer(start: r + y * rs, count: rowLength))
                }
            }
        }
    }
}

/// An 8-bit image: gray, RGB or RGBA.
public typealias Image = Plane<UInt8>
/// A signed 16-bit plane of Sobel or Scharr derivatives.
public typealias GradientPlane = Plane<Int16>

extension Plane where Element == UInt8 {
    /// Creates a zero-filled 8-bit image.
    /// - Parameters:
    ///   - width: Columns, at least 1.
    ///   - height: Rows, at least 1.
    ///   - format: The pixel layout.
    /// - Throws: ``ImageError`` when a size is out of range.
    public init(width: Int, height: Int, format: PixelFormat) throws {
        try self.init(width: width, height: height, channels: format.channels)
    }

    /// The pixel layout, derived from ``channels``.
    public var format: PixelFormat { PixelFormat(channels: channels) ?? .gray8 }
}
