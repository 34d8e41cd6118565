import SobelTestSupport
import Testing

@testable import SobelCore

/// Tiled output equals whole-image output, bit for bit, for every plan, border and pipeline.
@Suite struct TilingTests {
    static let pipelines = [
        "gray,sobel:l2", "sobel:l1", "sobel:classic", "scharr:l2", "blur:5", "blur:3,sobel:l1",
        "gray,blur:5,sobel:l2,threshold:80", "blur:5,blur:5,scharr:classic,threshold:10", "threshold:128,sobel:l1,blur:3",
    ]

    @Test func planGeometry() throws {
        let plan = try TilePlan(width: 10, height: 7, tileWidth: 4, tileHeight: 3, halo: 2)
        #expect(plan.columns == 3 && plan.rows == 3 && plan.count == 9)
        let last = plan.tile(at: 8)
        #expect(last.output == Rect(x: 8, y: 6, width: 2, height: 1))
        #expect(last.input == Rect(x: 6, y: 4, width: 4, height: 3))
        #expect(plan.tile(at: 0).input == Rect(x: 0, y: 0, width: 6, height: 5))
        let covered = plan.tiles.reduce(0) { $0 + $1.output.area }
        #expect(covered == 70)
        let strips = try TilePlan.strips(width: 10, height: 7, rows: 2, halo: 1)
        #expect(strips.count == 4 && strips.tile(at: 1).output == Rect(x: 0, y: 2, width: 10, height: 2))
        #expect(throws: TilingError.invalidTileSize(width: 0, height: 3)) { try TilePlan(width: 4, height: 4, tileWidth: 0, tileHeight: 3, halo: 0) }
        #expect(throws: ImageError.self) { try TilePlan(width: 0, height: 4, tileWidth: 1, tileHeight: 1, halo: 0) }
    }

    @Test(arguments: KernelLevel.all)
    func randomPlansEqualTheWholeImage(_ level: KernelLevel) throws {
        var generator = SeededGenerator(seed: 4)
        for trial in 0..<80 {
            let width = Int.random(in: 1...60, using: &generator)
            let height = Int.random(in: 1...40, using: &generator)
            let format = PixelFormat.allCases.randomElement(using: &generator)!
            let image = Image.random(width: width, height: height, format: format, using: &generator)
            var pipeline = try Pipeline(parsing: Self.pipelines.randomElement(using: &generator)!)
            pipeline.border = BorderMode.allCases.randomElement(using: &generator)!
            let whole = ScalarReference.run(pipeline, on: image)
            let plan = try TilePlan(
                width: width,
                height: height,
                tileWidth: Int.random(in: 1...width + 5, using: &generator),
                tileHeight: Int.random(in: 1...height + 5, using: &generator),
                halo: pipeline.halo
            )
            let threads = Int.random(in: 1...3, using: &generator)
            let label = "trial \(trial): \(pipeline) \(width)x\(height) tiles \(plan.tileWidth)x\(plan.tileHeight)"
            #expect(try pipeline.run(on: image, plan: plan, threads: threads, level: level) == whole, "\(label) threads \(threads)")
            #expect(try stitch(pipeline, image, plan, level: level) == whole, "\(label), each tile from its own input")
        }
    }

    /// Renders each tile alone from a copy of just its input pixels, as a service worker does, and stitches them.
    func stitch(_ pipeline: Pipeline, _ image: Image, _ plan: TilePlan, level: KernelLevel = KernelLevel(kernels: .active)) throws -> Image {
        var stitched = try Image(width: image.width, height: image.height, format: .gray8)
        for tile in plan.tiles {
            let input = try Image(
                width: tile.input.width,
                height: tile.input.height,
                channels: image.channels,
                pixels: image.view(tile.input).pixels
            )
            let piece = try pipeline.render(tile: tile, input: input, imageWidth: image.width, imageHeight: image.height, level: level)
            for y in 0..<piece.height {
                for x in 0..<piece.width { stitched[tile.output.x + x, tile.output.y + y] = piece[x, y] }
            }
        }
        return stitched
    }

    @Test(arguments: pipelines, KernelLevel.all)
    func extremePlansEqualTheWholeImage(_ text: String, _ level: KernelLevel) throws {
        var generator = SeededGenerator(seed: 5)
        let image = Image.random(width: 23, height: 17, format: .rgb8, using: &generator)
        for border in BorderMode.allCases {
            var pipeline = try Pipeline(parsing: text)
            pipeline.border = border
            let whole = try pipeline.run(on: image, plan: TilePlan(width: 23, height: 17, tileWidth: 23, tileHeight: 17, halo: pipeline.halo))
            #expect(whole == ScalarReference.run(pipeline, on: image))
            for (tw, th) in [(1, 1), (1, 17), (23, 1), (100, 100), (7, 5), (2, 3)] {
                let plan = try TilePlan(width: 23, height: 17, tileWidth: tw, tileHeight: th, halo: pipeline.halo)
                #expect(try pipeline.run(on: image, plan: plan, threads: 2, level: level) == whole, "\(pipeline) \(tw)x\(th)")
            }
        }
    }

    /// A worker's view: each tile rendered alone from just its input pixels, then stitched.
    @Test func tilesRenderedFromTheirOwnInputsStitchToTheWhole() throws {
        var generator = SeededGenerator(seed: 6)
        let image = Image.random(width: 50, height: 31, format: .rgba8, using: &generator)
        let pipeline = try Pipeline(parsing: "gray,blur:5,sobel:l2,threshold:40,border:replicate")
        let plan = try TilePlan(width: 50, height: 31, tileWidth: 13, tileHeight: 8, halo: pipeline.halo)
        #expect(try stitch(pipeline, image, plan) == ScalarReference.run(pipeline, on: image))
        let tile = plan.tile(at: 3)
        #expect(throws: TilingError.tileInputMismatch(expected: tile.input, width: tile.output.width, height: tile.output.height)) {
            try pipeline.render(tile: tile, input: image.view(tile.output), imageWidth: 50, imageHeight: 31)
        }
        let short = Tile(index: 0, output: tile.output, input: tile.output)
        #expect(throws: TilingError.tileInputTooSmall(input: tile.output, needed: tile.output.grown(by: 3).intersection(image.bounds))) {
            try pipeline.render(tile: short, input: image.view(tile.output), imageWidth: 50, imageHeight: 31)
        }
    }

    @Test func mismatchedPlansAndOutputsAreErrors() throws {
        let image = try Image(width: 8, height: 8, format: .gray8)
        let pipeline = try Pipeline(parsing: "blur:5,sobel")
        #expect(throws: TilingError.planMismatch(planWidth: 9, planHeight: 8, imageWidth: 8, imageHeight: 8)) {
            try pipeline.run(on: image, plan: TilePlan(width: 9, height: 8, tileWidth: 2, tileHeight: 2, halo: 3))
        }
        #expect(throws: TilingError.haloTooSmall(plan: 1, pipeline: 3)) {
            try pipeline.run(on: image, plan: TilePlan(width: 8, height: 8, tileWidth: 2, tileHeight: 2, halo: 1))
        }
        var wrong = try Image(width: 8, height: 7, format: .gray8)
        #expect(throws: TilingError.self) { try pipeline.run(on: image, into: &wrong) }
    }
}
