import SobelCore
import Testing

/// The SIMD kernels equal the scalar reference on random images of random sizes.
@Suite struct KernelPropertyTests {
    static let allSteps: [PipelineOperation] = [.gray, .blur(.three), .blur(.five), .threshold(0), .threshold(77), .threshold(255)]
        + DerivativeKernel.allCases.flatMap { kernel in Magnitude.allCases.map { PipelineOperation.gradient(kernel, $0) } }

    @Test func everyStepMatchesTheReferenceOnRandomImages() throws {
        var generator = SeededGenerator(seed: 1)
        for trial in 0..<60 {
            let width = Int.random(in: 1...70, using: &generator), height = Int.random(in: 1...12, using: &generator)
            let format = PixelFormat.allCases.randomElement(using: &generator)!
            let image = Image.random(width: width, height: height, format: format, using: &generator)
            for step in Self.allSteps {
                for border in BorderMode.allCases {
                    let pipeline = Pipeline([step], border: border)
                    #expect(try pipeline.run(on: image, threads: 1) == ScalarReference.run(pipeline, on: image),
                            "trial \(trial): \(pipeline) on \(width)x\(height) \(format)")
                }
            }
        }
    }

    @Test func fastDerivativesMatchTheReference() {
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<40 {
            let image = Image.random(width: Int.random(in: 1...90, using: &generator), height: Int.random(in: 1...9, using: &generator),
                                     using: &generator)
            for kernel in DerivativeKernel.allCases {
                for border in BorderMode.allCases {
                    let fast = image.derivatives(kernel: kernel, border: border)
                    let reference = ScalarReference.derivatives(image, kernel: kernel, border: border)
                    #expect(fast.gx == reference.gx && fast.gy == reference.gy, "\(kernel) \(border) \(image.width)x\(image.height)")
                }
            }
        }
    }

    /// Every gx/gy pair a 3×3 Sobel or Scharr can produce on the diagonal and axes, through the vector magnitudes.
    @Test func vectorMagnitudesMatchScalarOverTheWholeRange() throws {
        // A 2-row image whose columns step through values makes gx sweep -1020...1020 on row pairs.
        for magnitude in Magnitude.allCases {
            for kernel in DerivativeKernel.allCases {
                var generator = SeededGenerator(seed: 3)
                let image = Image.random(width: 4096, height: 3, using: &generator)
                let pipeline = Pipeline([.gradient(kernel, magnitude)])
                #expect(try pipeline.run(on: image) == ScalarReference.run(pipeline, on: image), "\(kernel) \(magnitude)")
            }
        }
    }
}
