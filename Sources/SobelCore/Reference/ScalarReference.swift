/// Plain, per-pixel implementations of every operation: slow, short and obviously right.
///
/// They are the oracle that the SIMD kernels and the tiled executor are tested against,
/// and they are checked bit for bit against OpenCV's outputs in `Fixtures/golden`.
public enum ScalarReference {
    /// Gray from RGB or RGBA: `(9798 R + 19235 G + 3735 B + 16384) >> 15`; a gray image is copied.
    /// - Parameter image: Any 8-bit image.
    /// - Returns: A gray image of the same size.
    public static func gray(_ image: Image) -> Image {
        var out = try! Image(width: image.width, height: image.height, format: .gray8)
        for y in 0..<image.height {
            for x in 0..<image.width {
                if image.channels == 1 {
                    out[x, y] = image[x, y]
                } else {
                    let r = Int(image[x, y, 0])
                    let g = Int(image[x, y, 1])
                    let b = Int(image[x, y, 2])
                    out[x, y] = UInt8((9798 * r + 19235 * g + 3735 * b + 16384) >> 15)
                }
            }
        }
        return out
    }

    /// The pixel at (`x`, `y`) with the border rule applied outside the image.
    /// - Parameters:
    ///   - image: A gray image.
    ///   - x: Any column.
    ///   - y: Any row.
    ///   - border: The rule for positions outside the image.
    /// - Returns: The pixel value, or 0 outside a constant border.
    public static func pixel(_ image: Image, _ x: Int, _ y: Int, border: BorderMode) -> Int {
        guard let sx = border.sourceIndex(x, length: image.width),
            let sy = border.sourceIndex(y, length: image.height)
        else { return 0 }
        return Int(image[sx, sy])
    }

    /// The 3×3 derivatives of a gray image.
    /// - Parameters:
    ///   - image: A gray image.
    ///   - kernel: Sobel or Scharr.
    ///   - border: The rule at the image edges.
    /// - Returns: gx and gy as Int16 planes.
    public static func derivatives(
        _ image: Image,
        kernel: DerivativeKernel = .sobel,
        border: BorderMode = .reflect101
    )
        -> (gx: GradientPlane, gy: GradientPlane)
    {
        var gx = try! GradientPlane(width: image.width, height: image.height)
        var gy = gx
        let weights = [kernel.edgeWeight, kernel.centerWeight, kernel.edgeWeight]
        for y in 0..<image.height {
            for x in 0..<image.width {
                var sx = 0
                var sy = 0
                for k in 0..<3 {
                    sx += weights[k] * (pixel(image, x + 1, y + k - 1, border: border) - pixel(image, x - 1, y + k - 1, border: border))
                    sy += weights[k] * (pixel(image, x + k - 1, y + 1, border: border) - pixel(image, x + k - 1, y - 1, border: border))
                }
                gx[x, y] = Int16(sx)
                gy[x, y] = Int16(sy)
            }
        }
        return (gx, gy)
    }

    /// The magnitude of each pixel's derivatives.
    /// - Parameters:
    ///   - gx: Horizontal derivatives.
    ///   - gy: Vertical derivatives of the same size.
    ///   - magnitude: How to combine them.
    /// - Returns: A gray image.
    public static func magnitude(gx: GradientPlane, gy: GradientPlane, _ magnitude: Magnitude) -> Image {
        var out = try! Image(width: gx.width, height: gx.height, format: .gray8)
        for y in 0..<gx.height {
            for x in 0..<gx.width {
                out[x, y] = magnitude.combine(Int(gx[x, y]), Int(gy[x, y]))
            }
        }
        return out
    }

    /// Gaussian blur as the 2-D integer weighted sum, rounded half up.
    /// - Parameters:
    ///   - image: A gray image.
    ///   - size: 3×3 or 5×5.
    ///   - border: The rule at the image edges.
    /// - Returns: The blurred image.
    public static func blur(_ image: Image, size: BlurSize, border: BorderMode = .reflect101) -> Image {
        var out = try! Image(width: image.width, height: image.height, format: .gray8)
        let w = size.weights
        let r = size.radius
        for y in 0..<image.height {
            for x in 0..<image.width {
                var sum = 0
                for j in -r...r {
                    for i in -r...r {
                        sum += w[j + r] * w[i + r] * pixel(image, x + i, y + j, border: border)
                    }
                }
                out[x, y] = UInt8((sum + (1 << (size.shift - 1))) >> size.shift)
            }
        }
        return out
    }

    /// Binary threshold: 255 where the value is greater than `level`, else 0.
    /// - Parameters:
    ///   - image: A gray image.
    ///   - level: The threshold.
    /// - Returns: A black-and-white image.
    public static func threshold(_ image: Image, level: UInt8) -> Image {
        var out = try! Image(width: image.width, height: image.height, format: .gray8)
        for y in 0..<image.height {
            for x in 0..<image.width {
                out[x, y] = image[x, y] > level ? 255 : 0
            }
        }
        return out
    }

    /// A global step on the whole image at once: the histogram counted pixel by pixel, then every
    /// pixel mapped through the step's table.
    /// - Parameters:
    ///   - operation: The step.
    ///   - image: A gray image.
    /// - Returns: The mapped image.
    public static func apply(_ operation: GlobalOperation, to image: Image) -> Image {
        var counts = [Int](repeating: 0, count: 256)
        for y in 0..<image.height {
            for x in 0..<image.width { counts[Int(image[x, y])] += 1 }
        }
        let table = operation.lookupTable(for: try! Histogram(counts: counts)).table
        var out = try! Image(width: image.width, height: image.height, format: .gray8)
        for y in 0..<image.height {
            for x in 0..<image.width { out[x, y] = table.values[Int(image[x, y])] }
        }
        return out
    }

    /// Runs a whole pipeline, one operation after another, on the whole image.
    /// - Parameters:
    ///   - pipeline: The operations and border rule.
    ///   - image: Any 8-bit image; a colour image is converted to gray first.
    /// - Returns: The gray result.
    public static func run(_ pipeline: Pipeline, on image: Image) -> Image {
        var current = gray(image)
        for operation in pipeline.operations {
            switch operation {
            case .gray:
                break
            case .blur(let size):
                current = blur(current, size: size, border: pipeline.border)
            case .gradient(let kernel, let mag):
                let (gx, gy) = derivatives(current, kernel: kernel, border: pipeline.border)
                current = magnitude(gx: gx, gy: gy, mag)
            case .threshold(let level):
                current = threshold(current, level: level)
            case .global(let global):
                current = apply(global, to: current)
            }
        }
        return current
    }
}
