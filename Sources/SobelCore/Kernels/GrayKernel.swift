/// RGB/RGBA to gray: `(9798 R + 19235 G + 3735 B + 16384) >> 15`, OpenCV's fixed-point `COLOR_RGB2GRAY`.
enum GrayKernel {
    static let red: Int32 = 9798, green: Int32 = 19235, blue: Int32 = 3735

    /// Converts `output.rect` of a colour `source` that covers it.
    static func convert(source: SourceRegion, output: DestinationRegion, kernels: RowKernels) {
        let offset = output.rect.x - source.rect.x
        let dispatched = source.channels == 4 ? kernels.grayRGBA : kernels.grayRGB
        for y in output.rect.y..<output.rect.maxY {
            let input = source.row(y) + offset * source.channels
            if let dispatched {
                dispatched(input, output.row(y), output.rect.width)
            } else if source.channels == 4 {
                row(input, stride: 4, output.row(y), output.rect.width)
            } else {
                row(input, stride: 3, output.row(y), output.rect.width)
            }
        }
    }

    /// A plain loop that the optimiser vectorises once `stride` is a constant at the call site.
    @inline(__always)
    static func row(_ input: UnsafePointer<UInt8>, stride: Int, _ out: UnsafeMutablePointer<UInt8>, _ count: Int) {
        for x in 0..<count {
            let p = input + x &* stride
            let y = red &* Int32(p[0]) &+ green &* Int32(p[1]) &+ blue &* Int32(p[2]) &+ 16384
            out[x] = UInt8(truncatingIfNeeded: y &>> 15)
        }
    }
}

/// Binary threshold: 255 where the value is greater than the level, else 0.
enum ThresholdKernel {
    static func apply(level: UInt8, source: SourceRegion, output: DestinationRegion, kernels: RowKernels) {
        let offset = output.rect.x - source.rect.x
        for y in output.rect.y..<output.rect.maxY {
            let input = source.row(y) + offset
            let out = output.row(y)
            if let dispatched = kernels.threshold {
                dispatched(input, level, out, output.rect.width)
                continue
            }
            for x in 0..<output.rect.width {
                out[x] = input[x] > level ? 255 : 0
            }
        }
    }
}

/// Copies `output.rect` of a gray `source` that covers it.
enum CopyKernel {
    static func copy(source: SourceRegion, output: DestinationRegion) {
        let offset = output.rect.x - source.rect.x
        for y in output.rect.y..<output.rect.maxY {
            output.row(y).update(from: source.row(y) + offset, count: output.rect.width)
        }
    }
}
