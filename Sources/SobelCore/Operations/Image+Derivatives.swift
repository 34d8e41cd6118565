extension Plane where Element == UInt8 {
    /// The 3×3 derivatives gx and gy, as `cv2.Sobel(CV_16S, ksize=3)` or `cv2.Scharr(CV_16S)` compute them.
    /// - Parameters:
    ///   - kernel: Sobel (the default) or Scharr.
    ///   - border: The rule at the image edges.
    /// - Returns: Two Int16 planes the size of the image; a colour image is converted to gray first.
    public func derivatives(kernel: DerivativeKernel = .sobel, border: BorderMode = .reflect101) -> (gx: GradientPlane, gy: GradientPlane) {
        derivatives(kernel: kernel, border: border, kernels: .active)
    }

    /// ``derivatives(kernel:border:)`` with the row loops of a given CPU level.
    func derivatives(kernel: DerivativeKernel, border: BorderMode, kernels: RowKernels) -> (gx: GradientPlane, gy: GradientPlane) {
        var gray = self
        if channels != 1 {
            gray = Image(uninitializedWidth: width, height: height)
            try! Pipeline([.gray]).run(on: self, into: &gray, kernels: kernels)
        }
        var gx = try! GradientPlane(width: width, height: height, channels: 1, zeroed: false)
        var gy = try! GradientPlane(width: width, height: height, channels: 1, zeroed: false)
        let edges = ImageEdges(width: width, height: height, border: border)
        gray.withUnsafeRows { input, inputStride in
            gx.withUnsafeMutableRows { gxBase, stride in
                gy.withUnsafeMutableRows { gyBase, _ in
                    GradientKernel.derivatives(
                        kernel,
                        source: SourceRegion(origin: input, rowStride: inputStride, channels: 1, rect: edges.bounds),
                        rect: edges.bounds,
                        edges: edges,
                        gx: gxBase,
                        gy: gyBase,
                        rowStride: stride,
                        kernels: kernels
                    )
                }
            }
        }
        return (gx, gy)
    }
}
