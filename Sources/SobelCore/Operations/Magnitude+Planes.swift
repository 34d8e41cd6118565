extension Magnitude {
    /// The edge strengths of raw derivative planes, as the fused pipelines compute them; for example of the planes
    /// of ``Plane/derivatives(kernel:border:)``.
    /// - Parameters:
    ///   - gx: The horizontal derivatives, one channel.
    ///   - gy: The vertical derivatives, the same size, one channel.
    /// - Returns: One byte per pixel: ``combine(_:_:)`` of each pair.
    /// - Throws: ``ImageError/planesDiffer(width:height:channels:otherWidth:otherHeight:otherChannels:)``.
    public func combine(gx: GradientPlane, gy: GradientPlane) throws -> Image {
        try combine(gx: gx, gy: gy, kernels: .active)
    }

    /// ``combine(gx:gy:)`` with the row loops of a given CPU level.
    func combine(gx: GradientPlane, gy: GradientPlane, kernels: RowKernels) throws -> Image {
        guard gx.width == gy.width, gx.height == gy.height, gx.channels == 1, gy.channels == 1 else {
            throw ImageError.planesDiffer(
                width: gx.width,
                height: gx.height,
                channels: gx.channels,
                otherWidth: gy.width,
                otherHeight: gy.height,
                otherChannels: gy.channels
            )
        }
        var output = Image(uninitializedWidth: gx.width, height: gx.height)
        let row = kernels.combine(self)
        gx.withUnsafeRows { gxBase, gxStride in
            gy.withUnsafeRows { gyBase, gyStride in
                output.withUnsafeMutableRows { out, outStride in
                    for y in 0..<gx.height {
                        let gxRow = gxBase + y * gxStride
                        let gyRow = gyBase + y * gyStride
                        let outRow = out + y * outStride
                        if let row {
                            row(gxRow, gyRow, outRow, gx.width)
                            continue
                        }
                        for x in 0..<gx.width {
                            switch self {
                            case .l1: outRow[x] = L1Kernel.combine(gxRow[x], gyRow[x])
                            case .l2: outRow[x] = L2Kernel.combine(gxRow[x], gyRow[x])
                            case .classic: outRow[x] = ClassicKernel.combine(gxRow[x], gyRow[x])
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
