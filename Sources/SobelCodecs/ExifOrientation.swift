public import SobelCore

/// The EXIF `Orientation` tag (0x0112): how the stored pixels must be turned to stand right side up.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    /// 1: stored upright.
    case up = 1
    /// 2: mirrored left to right.
    case mirrored = 2
    /// 3: turned 180°.
    case upsideDown = 3
    /// 4: mirrored top to bottom.
    case upsideDownMirrored = 4
    /// 5: mirrored along the main diagonal.
    case transposed = 5
    /// 6: must be turned 90° clockwise to stand upright.
    case rotatedClockwise = 6
    /// 7: mirrored along the other diagonal.
    case transverse = 7
    /// 8: must be turned 90° counter-clockwise to stand upright.
    case rotatedCounterClockwise = 8

    /// Reads the orientation from an Exif payload (the TIFF structure after `Exif\0\0`).
    /// - Parameter exif: The payload; anything malformed gives `nil`, never a crash.
    public init?(exif: UnsafeBufferPointer<UInt8>) {
        guard exif.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (exif[0], exif[1]) {
        case (0x4D, 0x4D): bigEndian = true
        case (0x49, 0x49): bigEndian = false
        default: return nil
        }
        func read(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, size <= exif.count, offset <= exif.count - size else { return nil }
            let bytes = (0..<size).map { Int(exif[offset + $0]) }
            return (bigEndian ? bytes : bytes.reversed()).reduce(0) { $0 << 8 | $1 }
        }
        guard read(2, 2) == 42, let directory = read(4, 4), let count = read(directory, 2) else { return nil }
        for entry in 0..<min(count, 512) {
            let at = directory + 2 + entry * 12
            guard let tag = read(at, 2) else { return nil }
            if tag == 0x0112, read(at + 2, 2) == 3, let value = read(at + 8, 2) {
                self.init(rawValue: value)
                return
            }
        }
        return nil
    }

    /// Whether width and height trade places.
    public var swapsAxes: Bool { rawValue >= 5 }

    /// The image turned right side up.
    /// - Parameter image: The stored pixels.
    /// - Returns: A new image (the same one for ``up``).
    public func apply(to image: Image) -> Image {
        guard self != .up else { return image }
        let width = swapsAxes ? image.height : image.width
        let height = swapsAxes ? image.width : image.height
        let lastX = image.width - 1
        let lastY = image.height - 1
        var result = try! Image(width: width, height: height, channels: image.channels)
        let channels = image.channels
        image.withUnsafeRows { source, sourceStride in
            result.withUnsafeMutableRows { out, outStride in
                for y in 0..<height {
                    let row = out + y * outStride
                    for x in 0..<width {
                        let (sx, sy): (Int, Int)
                        switch self {
                        case .up: (sx, sy) = (x, y)
                        case .mirrored: (sx, sy) = (lastX - x, y)
                        case .upsideDown: (sx, sy) = (lastX - x, lastY - y)
                        case .upsideDownMirrored: (sx, sy) = (x, lastY - y)
                        case .transposed: (sx, sy) = (y, x)
                        case .rotatedClockwise: (sx, sy) = (y, lastY - x)
                        case .transverse: (sx, sy) = (lastX - y, lastY - x)
                        case .rotatedCounterClockwise: (sx, sy) = (lastX - y, x)
                        }
                        let from = source + sy * sourceStride + sx * channels
                        for c in 0..<channels { row[x * channels + c] = from[c] }
                    }
                }
            }
        }
        return result
    }
}
