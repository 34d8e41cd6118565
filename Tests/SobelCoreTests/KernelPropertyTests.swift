@testable import SobelCore
import SobelTestSupport
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

    /// The row loops' branch-free magnitudes equal the public scalar definitions: every gx/gy pair a
    /// 3×3 Sobel can produce, and a grid over Scharr's wider range.
    @Test func kernelMagnitudesEqualTheScalarDefinitions() {
        func check<M: MagnitudeKernel>(_: M.Type, _ magnitude: Magnitude, _ values: [Int]) -> Int {
            var mismatches = 0
            for gx in values {
                for gy in values where M.combine(Int16(gx), Int16(gy)) != magnitude.combine(gx, gy) { mismatches += 1 }
            }
            return mismatches
        }
        let sobel = Array(-1020...1020)
        let scharr = Array(stride(from: -4080, through: 4080, by: 17)) + Array(-300...300)
        for values in [sobel, scharr] {
            #expect(check(L1Kernel.self, .l1, values) == 0)
            #expect(check(L2Kernel.self, .l2, values) == 0)
            #expect(check(ClassicKernel.self, .classic, values) == 0)
        }
    }

    /// Long rows run the vectorised loop bodies, not only their scalar remainders.
    @Test func longRowsMatchTheReference() throws {
        var generator = SeededGenerator(seed: 3)
        let image = Image.random(width: 4099, height: 3, using: &generator)
        for magnitude in Magnitude.allCases {
            for kernel in DerivativeKernel.allCases {
                let pipeline = Pipeline([.gradient(kernel, magnitude)])
                #expect(try pipeline.run(on: image) == ScalarReference.run(pipeline, on: image), "\(kernel) \(magnitude)")
            }
        }
    }

    /// The spans a row loop runs cover every pixel, stay inside the row, are whole vector blocks, and
    /// spans of several blocks start at an aligned output address, for every length and misalignment.
    @Test func vectorSpansCoverRowsInWholeAlignedBlocks() {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 512)
        defer { buffer.deallocate() }
        let block = VectorSpans.block
        for misalignment in 0..<(2 * block) {
            for count in 0...300 {
                let output = buffer + misalignment
                var covered = [Int](repeating: 0, count: count)
                var spans: [(start: Int, count: Int)] = []
                VectorSpans.forEach(count: count, output: output) { start, length in
                    spans.append((start, length))
                    for x in start..<start + length { covered[x] += 1 }
                }
                #expect(covered.allSatisfy { $0 >= 1 }, "count \(count), misalignment \(misalignment): a pixel is missed")
                #expect(spans.allSatisfy { $0.start >= 0 && $0.start + $0.count <= count }, "count \(count): a span leaves the row")
                if count > block {
                    #expect(spans.allSatisfy { $0.count % block == 0 }, "count \(count): a span is not whole blocks")
                    #expect(spans.filter { $0.count > block }.allSatisfy { Int(bitPattern: output + $0.start) % block == 0 },
                            "count \(count), misalignment \(misalignment): a span of several blocks is not aligned")
                    #expect(spans.count <= 3 && spans.allSatisfy { $0.count > 0 }, "count \(count): \(spans)")
                }
            }
        }
    }
}
