/// A rectangle of pixels in image coordinates: `x ..< x + width`, `y ..< y + height`.
public struct Rect: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The left column.
    public var x: Int
    /// The top row.
    public var y: Int
    /// The number of columns.
    public var width: Int
    /// The number of rows.
    public var height: Int

    /// Creates a rectangle.
    /// - Parameters:
    ///   - x: The left column.
    ///   - y: The top row.
    ///   - width: The number of columns (may be zero).
    ///   - height: The number of rows (may be zero).
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// One past the right-most column.
    public var maxX: Int { x + width }
    /// One past the bottom row.
    public var maxY: Int { y + height }
    /// `width * height`.
    public var area: Int { width * height }
    /// Whether the rectangle holds no pixel.
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The rectangle grown by `amount` pixels on every side.
    /// - Parameter amount: How far to grow each side; negative values shrink.
    /// - Returns: The grown rectangle, not clipped.
    public func grown(by amount: Int) -> Rect {
        Rect(x: x - amount, y: y - amount, width: width + 2 * amount, height: height + 2 * amount)
    }

    /// The overlap of two rectangles, or an empty rectangle at `self`'s origin.
    /// - Parameter other: The other rectangle.
    /// - Returns: The largest rectangle inside both.
    public func intersection(_ other: Rect) -> Rect {
        let left = Swift.max(x, other.x)
        let top = Swift.max(y, other.y)
        let right = Swift.min(maxX, other.maxX)
        let bottom = Swift.min(maxY, other.maxY)
        guard right > left, bottom > top else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// Whether `other` lies entirely inside this rectangle.
    /// - Parameter other: The rectangle to test.
    /// - Returns: `true` when every pixel of `other` is inside `self`.
    public func contains(_ other: Rect) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}
