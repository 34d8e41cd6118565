import SobelCore
import Testing

@Suite struct PlaneTests {
    @Test func viewsShareMemoryUntilWritten() throws {
        var image = try Image(width: 4, height: 3, format: .rgb8)
        image[2, 1, 1] = 9
        var view = try image.view(Rect(x: 1, y: 1, width: 3, height: 2))
        #expect(view.width == 3 && view.height == 2 && view.channels == 3 && view.rowStride == 12 && !view.isPacked)
        #expect(view[1, 0, 1] == 9)
        view[1, 0, 1] = 10
        #expect(image[2, 1, 1] == 9, "writing a view copies; the parent keeps its value")
        #expect(view[1, 0, 1] == 10 && view.isPacked)
    }

    @Test func sizesFromUsersAreErrorsNotTraps() {
        #expect(throws: ImageError.invalidDimensions(width: 0, height: 5)) { try Image(width: 0, height: 5, format: .gray8) }
        #expect(throws: ImageError.invalidDimensions(width: 5, height: -1)) { try Image(width: 5, height: -1, format: .gray8) }
        #expect(throws: ImageError.invalidDimensions(width: 1 << 21, height: 1)) { try Image(width: 1 << 21, height: 1, format: .gray8) }
        #expect(throws: ImageError.invalidChannelCount(2)) { try Image(width: 1, height: 1, channels: 2) }
        #expect(throws: ImageError.bufferTooSmall(needed: 6, actual: 5)) { try Image(width: 3, height: 2, pixels: [UInt8](repeating: 0, count: 5)) }
        #expect(throws: ImageError.invalidRowStride(rowStride: 2, minimum: 3)) {
            try Image(width: 3, height: 2, rowStride: 2, pixels: [UInt8](repeating: 0, count: 9))
        }
        let image = try! Image(width: 4, height: 4, format: .gray8)
        #expect(throws: ImageError.self) { try image.view(Rect(x: 2, y: 2, width: 3, height: 1)) }
        #expect(throws: ImageError.self) { try image.view(Rect(x: 0, y: 0, width: 0, height: 1)) }
    }

    @Test func largePlanesStartOnAHugePageBoundary() throws {
        func address(_ image: Image) -> UInt { image.withUnsafeRows { base, _ in UInt(bitPattern: base) } }
        // 4 MiB and more: aligned to 2 MiB, so transparent huge pages can back every row.
        for (width, height) in [(2048, 2048), (4096, 4096), (3001, 2000)] {
            #expect(address(try Image(width: width, height: height, format: .gray8)) % (2 << 20) == 0, "\(width)x\(height)")
        }
        #expect(address(try Image(width: 1920, height: 1080, format: .rgb8)) % (2 << 20) == 0)
        // Smaller planes keep cache-line alignment only.
        #expect(address(try Image(width: 33, height: 7, format: .gray8)) % 64 == 0)
    }

    @Test func stridedInputIsCopiedRowByRow() throws {
        let image = try Image(width: 2, height: 2, rowStride: 3, pixels: [1, 2, 99, 3, 4] as [UInt8])
        #expect(image.pixels == [1, 2, 3, 4])
        #expect(image == (try Image(width: 2, height: 2, pixels: [1, 2, 3, 4] as [UInt8])))
    }

    @Test func borderIndexMapping() {
        #expect(BorderMode.reflect101.sourceIndex(-1, length: 5) == 1)
        #expect(BorderMode.reflect101.sourceIndex(5, length: 5) == 3)
        #expect(BorderMode.reflect101.sourceIndex(-2, length: 2) == 0)
        #expect(BorderMode.reflect101.sourceIndex(-1, length: 1) == 0)
        #expect(BorderMode.replicate.sourceIndex(-2, length: 5) == 0)
        #expect(BorderMode.replicate.sourceIndex(7, length: 5) == 4)
        #expect(BorderMode.constant.sourceIndex(-1, length: 5) == nil)
        #expect(BorderMode.constant.sourceIndex(4, length: 5) == 4)
    }

    @Test func magnitudeRoundingIsHalfToEven() {
        #expect(Magnitude.classic.combine(1, 0) == 0)  // 0.5 -> 0
        #expect(Magnitude.classic.combine(3, 0) == 2)  // 1.5 -> 2
        #expect(Magnitude.classic.combine(-300, 4) == 130)  // (255 + 4) / 2 = 129.5 -> 130
        #expect(Magnitude.l2.combine(3, 4) == 5)
        #expect(Magnitude.l2.combine(1020, 1020) == 255)
        #expect(Magnitude.l1.combine(-200, 100) == 255)
    }
}
