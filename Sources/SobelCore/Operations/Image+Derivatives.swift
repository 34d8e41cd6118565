extension Plane where Element == UInt8 {
    /// The 3×3 derivatives gx and gy, as `cv2.Sobel(CV_16S, ksize=3)` or `cv2.Scharr(CV_16S)` compute them.
    /// - Parameters:
    ///   - kernel: Sobel (the default) or Scharr.
    ///   - border: The rule at the image edges.
    /// - Returns: Two Int16 planes the size of the image; a colour image is converted to gray first.
    public func derivatives(kernel: DerivativeKernel = .sobel, border: BorderMode = .reflect101) -> (gx: GradientPlane, gy: GradientPlane) {
        let gray = channels == 1 ? self : try! Pipeline([.gray]).run(on: self)
        var gx = try! GradientPlane(width: width, height: height, channels: 1, zeroed: false)
        var gy = try! GradientPlane(width: width, height: height, channels: 1, zeroed: false)
        let edges = ImageEdges(width: width, height: height, border: border)
        gray.withUnsafeRows { input, inputStride in
            gx.withUnsafeMutableRows { gxBase, stride in
                gy.withUnsafeMutableRows { gyBase, _ in
                    GradientKernel.derivatives(kernel, source: SourceRegion(origin: input, rowStride: inputStride, channels: 1, rect: edges.bounds),
                                               rect: edges.bounds, edges: edges, gx: gxBase, gy: gyBase, rowStride: stride)
                }
            }
        }
        return (gx, gy)
    }
}
