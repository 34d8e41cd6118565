import Foundation
import SobelTestSupport
import Testing

@testable import SobelCore

/// Every operation, bit for bit against OpenCV 5.0's outputs (Fixtures/golden, made by generate.py).
@Suite struct GoldenTests {
    static let cases = GoldenSet.shared.cases

    @Test func goldenSetIsFromOpenCV5() {
        #expect(GoldenSet.shared.opencv.hasPrefix("5."))
        #expect(Self.cases.count >= 16)
    }

    @Test(arguments: cases, KernelLevel.all)
    func grayConversion(_ golden: GoldenSet.Case, _ level: KernelLevel) throws {
        let expected = golden.image("gray")
        #expect(ScalarReference.gray(golden.rgbImage) == expected)
        #expect(try Pipeline([.gray]).run(on: golden.rgbImage, level: level) == expected)
    }

    @Test(arguments: cases, KernelLevel.all)
    func derivatives(_ golden: GoldenSet.Case, _ level: KernelLevel) {
        let gray = golden.image("gray")
        for kernel in DerivativeKernel.allCases {
            for border in BorderMode.allCases {
                let key = "\(kernel.rawValue)-%@/\(border.rawValue)"
                let expectedX = golden.gradient(key.replacingOccurrences(of: "%@", with: "gx"))
                let expectedY = golden.gradient(key.replacingOccurrences(of: "%@", with: "gy"))
                let reference = ScalarReference.derivatives(gray, kernel: kernel, border: border)
                #expect(reference.gx == expectedX, "reference gx \(kernel) \(border)")
                #expect(reference.gy == expectedY, "reference gy \(kernel) \(border)")
                let fast = gray.derivatives(kernel: kernel, border: border, level: level)
                #expect(fast.gx == expectedX, "SIMD gx \(kernel) \(border)")
                #expect(fast.gy == expectedY, "SIMD gy \(kernel) \(border)")
            }
        }
    }

    @Test(arguments: cases, KernelLevel.all)
    func magnitudes(_ golden: GoldenSet.Case, _ level: KernelLevel) throws {
        let gray = golden.image("gray")
        for kernel in DerivativeKernel.allCases {
            for magnitude in Magnitude.allCases {
                for border in BorderMode.allCases {
                    let expected = golden.image("\(kernel.rawValue)-\(magnitude.rawValue)/\(border.rawValue)")
                    let pipeline = Pipeline([.gradient(kernel, magnitude)], border: border)
                    #expect(ScalarReference.run(pipeline, on: gray) == expected, "reference \(pipeline)")
                    #expect(try pipeline.run(on: gray, level: level) == expected, "SIMD \(pipeline)")
                }
            }
        }
    }

    @Test(arguments: cases, KernelLevel.all)
    func blurAndThreshold(_ golden: GoldenSet.Case, _ level: KernelLevel) throws {
        let gray = golden.image("gray")
        for size in BlurSize.allCases {
            for border in BorderMode.allCases {
                let expected = golden.image("blur\(size.rawValue)/\(border.rawValue)")
                #expect(ScalarReference.blur(gray, size: size, border: border) == expected, "reference blur \(size) \(border)")
                #expect(try Pipeline([.blur(size)], border: border).run(on: gray, level: level) == expected, "fast blur \(size) \(border)")
            }
        }
        #expect(try Pipeline([.threshold(80)]).run(on: gray, level: level) == golden.image("threshold80"))
        #expect(ScalarReference.threshold(gray, level: 80) == golden.image("threshold80"))
    }

    /// Normalize, Otsu and equalize, alone and after each Sobel magnitude with each border, and at
    /// degenerate sizes (1×1, 1×N, N×1, constant images).
    @Test(arguments: cases, KernelLevel.all)
    func globalSteps(_ golden: GoldenSet.Case, _ level: KernelLevel) throws {
        let gray = golden.image("gray")
        for global in GlobalOperation.allCases {
            let expected = golden.image(global.rawValue)
            #expect(ScalarReference.apply(global, to: gray) == expected, "reference \(global) on \(golden.name)")
            #expect(try Pipeline([.global(global)]).run(on: gray, level: level) == expected, "\(global) on \(golden.name)")
            for magnitude in Magnitude.allCases {
                for border in BorderMode.allCases {
                    let pipeline = Pipeline([.gradient(.sobel, magnitude), .global(global)], border: border)
                    let expected = golden.image("sobel-\(magnitude.rawValue)/\(border.rawValue),\(global.rawValue)")
                    #expect(ScalarReference.run(pipeline, on: gray) == expected, "reference \(pipeline) on \(golden.name)")
                    #expect(try pipeline.run(on: gray, level: level) == expected, "\(pipeline) on \(golden.name)")
                }
            }
        }
    }

    /// The real photo at odd dimensions: every output's digest equals OpenCV's.
    @Test(arguments: KernelLevel.all)
    func photoMatchesOpenCV(_ level: KernelLevel) throws {
        let photo = try Fixtures.photo()
        let digests = PhotoDigests.shared.digests
        #expect(photo.width == 1001 && photo.height == 701)
        let gray = try Pipeline([.gray]).run(on: photo, level: level)
        #expect(fnv1a64(gray) == digests["gray"])
        for kernel in DerivativeKernel.allCases {
            for border in BorderMode.allCases {
                let (gx, gy) = gray.derivatives(kernel: kernel, border: border, level: level)
                #expect(fnv1a64(gx) == digests["\(kernel.rawValue)-gx/\(border.rawValue)"], "\(kernel) gx \(border)")
                #expect(fnv1a64(gy) == digests["\(kernel.rawValue)-gy/\(border.rawValue)"], "\(kernel) gy \(border)")
                for magnitude in Magnitude.allCases {
                    let result = try Pipeline([.gray, .gradient(kernel, magnitude)], border: border).run(on: photo, level: level)
                    #expect(
                        fnv1a64(result) == digests["\(kernel.rawValue)-\(magnitude.rawValue)/\(border.rawValue)"],
                        "\(kernel) \(magnitude) \(border)"
                    )
                }
            }
            for size in BlurSize.allCases {
                for border in BorderMode.allCases {
                    let blurred = try Pipeline([.blur(size)], border: border).run(on: gray, level: level)
                    #expect(fnv1a64(blurred) == digests["blur\(size.rawValue)/\(border.rawValue)"], "blur \(size) \(border)")
                }
            }
        }
        #expect(fnv1a64(try Pipeline([.threshold(80)]).run(on: gray, level: level)) == digests["threshold80"])
        for global in GlobalOperation.allCases {
            #expect(fnv1a64(try Pipeline([.gray, .global(global)]).run(on: photo, level: level)) == digests[global.rawValue], "\(global)")
            for magnitude in Magnitude.allCases {
                for border in BorderMode.allCases {
                    let pipeline = Pipeline([.gray, .gradient(.sobel, magnitude), .global(global)], border: border)
                    let key = "sobel-\(magnitude.rawValue)/\(border.rawValue),\(global.rawValue)"
                    #expect(fnv1a64(try pipeline.run(on: photo, level: level)) == digests[key], "\(pipeline)")
                }
            }
        }
    }
}
