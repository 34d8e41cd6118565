import SobelTestSupport
import Testing

@testable import SobelCore

/// The vectorised kernels of every level (the Swift loops and each CPU level this machine runs) equal the
/// scalar reference on random images of random sizes and strides.
@Suite struct KernelPropertyTests {
    static let allSteps: [PipelineOperation] =
        [.gray, .blur(.three), .blur(.five), .threshold(0), .threshold(77), .threshold(255)]
        + DerivativeKernel.allCases.flatMap { kernel in Magnitude.allCases.map { PipelineOperation.gradient(kernel, $0) } }
        + GlobalOperation.allCases.map { PipelineOperation.global($0) }  // their counting and tables are row loops too

    /// Widths 1–70 cover rows shorter than every vector block and the blocks' edges; each input is a view
    /// into a wider image, so its rows have an odd stride.
    @Test(arguments: KernelLevel.all)
    func everyStepMatchesTheReferenceOnRandomImages(_ level: KernelLevel) throws {
        var generator = SeededGenerator(seed: 1)
        for trial in 0..<60 {
            let width = Int.random(in: 1...70, using: &generator)
            let height = Int.random(in: 1...12, using: &generator)
            let format = PixelFormat.allCases.randomElement(using: &generator)!
            let padding = 2 * Int.random(in: 0...9, using: &generator) + 1
            let image = try Image.random(width: width + padding, height: height, format: format, using: &generator)
                .view(Rect(x: padding / 2, y: 0, width: width, height: height))
            for step in Self.allSteps {
                for border in BorderMode.allCases {
                    let pipeline = Pipeline([step], border: border)
                    #expect(
                        try pipeline.run(on: image, threads: 1, level: level) == ScalarReference.run(pipeline, on: image),
                        "trial \(trial): \(pipeline) on \(width)x\(height) \(format)"
                    )
                }
            }
        }
    }

    /// The gray conversion's shuffle kernels run whole blocks of 32 or 64 pixels and one block ending at the row's
    /// end, and rows shorter than a block pixel by pixel: every width up to four blocks, from odd offsets.
    @Test(arguments: KernelLevel.all)
    func grayConversionMatchesTheReferenceAtEveryWidth(_ level: KernelLevel) throws {
        var generator = SeededGenerator(seed: 4)
        let pipeline = Pipeline([.gray])
        for format in [PixelFormat.rgb8, .rgba8] {
            let wide = try Image.random(width: 263, height: 2, format: format, using: &generator)
            for width in 1...256 {
                let image = try wide.view(Rect(x: width % 7, y: 0, width: width, height: 2))
                #expect(try pipeline.run(on: image, threads: 1, level: level) == ScalarReference.run(pipeline, on: image), "\(format) \(width)")
            }
        }
    }

    @Test(arguments: KernelLevel.all)
    func fastDerivativesMatchTheReference(_ level: KernelLevel) throws {
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<40 {
            let width = Int.random(in: 1...150, using: &generator)
            let height = Int.random(in: 1...9, using: &generator)
            let image = try Image.random(width: width + 3, height: height, using: &generator).view(Rect(x: 1, y: 0, width: width, height: height))
            for kernel in DerivativeKernel.allCases {
                for border in BorderMode.allCases {
                    let fast = image.derivatives(kernel: kernel, border: border, level: level)
                    let reference = ScalarReference.derivatives(image, kernel: kernel, border: border)
                    #expect(fast.gx == reference.gx && fast.gy == reference.gy, "\(kernel) \(border) \(image.width)x\(image.height)")
                }
            }
        }
    }

    /// Every level's magnitudes of raw planes equal the public scalar definitions: every gx/gy pair a 3×3
    /// Sobel can produce (the C levels square and sum them with a 16-bit multiply-add), and
    /// a grid over Scharr's wider range.
    @Test(arguments: KernelLevel.all)
    func planeMagnitudesEqualTheScalarDefinitions(_ level: KernelLevel) throws {
        let sobel = Array(-1020...1020)
        let scharr = Array(stride(from: -4080, through: 4080, by: 17)) + Array(-300...300)
        for values in [sobel, scharr] {
            let width = values.count
            var gx = try GradientPlane(width: width, height: width)
            var gy = try GradientPlane(width: width, height: width)
            for (row, y) in values.enumerated() {
                for (column, x) in values.enumerated() {
                    gx[column, row] = Int16(x)
                    gy[column, row] = Int16(y)
                }
            }
            for magnitude in Magnitude.allCases {
                let result = try magnitude.combine(gx: gx, gy: gy, kernels: level.kernels)
                var mismatches = 0
                for (row, y) in values.enumerated() {
                    for (column, x) in values.enumerated() where result[column, row] != magnitude.combine(x, y) { mismatches += 1 }
                }
                #expect(mismatches == 0, "\(magnitude): \(mismatches) of \(width * width) pairs differ")
            }
        }
        #expect(throws: ImageError.self) { try Magnitude.l1.combine(gx: GradientPlane(width: 2, height: 2), gy: GradientPlane(width: 3, height: 2)) }
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

    /// Long rows run the vectorised loop bodies, not only their scalar remainders, from every alignment.
    @Test(arguments: KernelLevel.all)
    func longRowsMatchTheReference(_ level: KernelLevel) throws {
        var generator = SeededGenerator(seed: 3)
        for offset in [0, 1, 31, 63] {
            let image = try Image.random(width: 4099 + offset, height: 3, format: .rgb8, using: &generator)
                .view(Rect(x: offset, y: 0, width: 4099, height: 3))
            for step in Self.allSteps {
                let pipeline = Pipeline([step])
                #expect(try pipeline.run(on: image, threads: 1, level: level) == ScalarReference.run(pipeline, on: image), "\(step) from \(offset)")
            }
        }
    }

    /// The streaming row loops (non-temporal stores and rows prefetched ahead, for images larger than the caches)
    /// write the same pixels, at every width and alignment; 12 rows, so that the first rows prefetch real ones.
    @Test(arguments: KernelLevel.all)
    func streamedRowsMatchTheReference(_ level: KernelLevel) throws {
        var generator = SeededGenerator(seed: 7)
        for width in [1, 2, 5, 31, 63, 64, 65, 66, 127, 130, 1025, 1090, 2200, 4099] {
            let offset = Int.random(in: 0...70, using: &generator)
            let image = try Image.random(width: width + offset, height: 12, using: &generator).view(Rect(x: offset, y: 0, width: width, height: 12))
            for kernel in DerivativeKernel.allCases {
                for magnitude in Magnitude.allCases {
                    let pipeline = Pipeline([.gradient(kernel, magnitude)], border: BorderMode.allCases.randomElement(using: &generator)!)
                    #expect(
                        try pipeline.run(on: image, threads: 1, level: level, streaming: true) == ScalarReference.run(pipeline, on: image),
                        "\(pipeline) width \(width)"
                    )
                }
            }
        }
    }

    /// `SOBEL_CPU` names exactly the three levels; a level the CPU lacks is a clear error, never a crash.
    @Test func levelsAreChosenFromTheEnvironmentOrTheBestSupported() throws {
        #expect(try CPULevel.resolve(nil, supported: [.baseline, .avx2]) == .avx2)
        #expect(try CPULevel.resolve("", supported: [.baseline, .avx2, .avx512]) == .avx512)
        #expect(try CPULevel.resolve("baseline", supported: [.baseline, .avx2]) == .baseline)
        #expect(try CPULevel.resolve(nil, supported: []) == nil)
        #expect(throws: CPULevelError.self) { try CPULevel.resolve("avx9", supported: CPULevel.allCases) }
        #expect {
            try CPULevel.resolve("avx512", supported: [.baseline, .avx2])
        } throws: { error in
            "\(error)" == "SOBEL_CPU=avx512: the avx512 level needs AVX-512 F, BW, VL and DQ; this CPU runs baseline, avx2"
        }
        #expect(CPULevel.environmentError == nil && CPULevel.active == CPULevel.supported.max())
        for level in CPULevel.supported {
            #expect(RowKernels(level).magnitude(.sobel, .l1) != nil && RowKernels(level).verticalSums != nil, "\(level) has C kernels")
        }
        #if arch(x86_64)
        #expect(CPULevel.supported.first == .baseline)
        #else
        #expect(CPULevel.supported.isEmpty && CPULevel.active == nil)
        #endif
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
                    #expect(
                        spans.filter { $0.count > block }.allSatisfy { Int(bitPattern: output + $0.start) % block == 0 },
                        "count \(count), misalignment \(misalignment): a span of several blocks is not aligned"
                    )
                    #expect(spans.count <= 3 && spans.allSatisfy { $0.count > 0 }, "count \(count): \(spans)")
                }
            }
        }
    }
}
