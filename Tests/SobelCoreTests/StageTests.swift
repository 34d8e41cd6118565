import SobelTestSupport
import Testing

@testable import SobelCore

/// Pipelines with global steps: how they split into stages, and that tiled runs equal whole-image runs.
@Suite struct StageTests {
    @Test func pipelinesSplitIntoStagesAtGlobalSteps() throws {
        func stages(_ text: String) throws -> [String] {
            try Pipeline(parsing: text).stages.map { "\($0.local) | \(Pipeline($0.tail).description)" }
        }
        #expect(try stages("gray,sobel:l2") == ["gray,sobel:l2 | "])
        #expect(try stages("gray,sobel:l2,normalize") == ["gray,sobel:l2 | normalize"])
        #expect(try stages("normalize,equalize") == ["gray | normalize,equalize"])
        #expect(try stages("sobel:l1,normalize,threshold:80,blur:3") == ["sobel:l1 | normalize,threshold:80", "blur:3 | "])
        #expect(
            try stages("gray,blur:5,sobel:l1,normalize,blur:3,threshold:otsu,border:replicate")
                == ["gray,blur:5,sobel:l1,border:replicate | normalize", "blur:3,border:replicate | threshold:otsu"]
        )
        #expect(try Pipeline(parsing: "sobel,equalize").hasGlobalSteps && !Pipeline(parsing: "sobel,threshold:9").hasGlobalSteps)
    }

    @Test func theTextFormNamesTheGlobalSteps() throws {
        let pipeline = try Pipeline(parsing: " gray , sobel:l2 , NORMALIZE , threshold:Otsu , equalize ")
        #expect(pipeline.operations == [.gray, .gradient(.sobel, .l2), .global(.normalize), .global(.otsuThreshold), .global(.equalize)])
        #expect(pipeline.description == "gray,sobel:l2,normalize,threshold:otsu,equalize")
        #expect(try Pipeline(parsing: "normalise,equalise") == Pipeline(parsing: "normalize,equalize"))
        #expect(throws: PipelineParseError(token: "normalize:3", reason: "'normalize' takes no argument")) { try Pipeline(parsing: "normalize:3") }
        #expect(throws: PipelineParseError.self) { try Pipeline(parsing: "threshold:otsu2") }
    }

    /// Random pipelines with 0–2 global steps at random places, random plans and thread counts: the
    /// tiled run, and a worker-style run (each tile rendered alone, histograms reduced, the table applied),
    /// equal the whole image's reference.
    @Test(arguments: KernelLevel.all)
    func tiledRunsEqualTheWholeImage(_ level: KernelLevel) throws {
        var generator = SeededGenerator(seed: 17)
        let locals: [PipelineOperation] = [
            .blur(.three), .blur(.five), .gradient(.sobel, .l1), .gradient(.sobel, .l2), .gradient(.scharr, .classic), .threshold(90),
        ]
        for trial in 0..<60 {
            var operations = (0..<Int.random(in: 0...3, using: &generator)).map { _ in locals.randomElement(using: &generator)! }
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                let global = GlobalOperation.allCases.randomElement(using: &generator)!
                operations.insert(.global(global), at: Int.random(in: 0...operations.count, using: &generator))
            }
            if operations.isEmpty { operations = [.global(.equalize)] }
            let pipeline = Pipeline(operations, border: BorderMode.allCases.randomElement(using: &generator)!)
            let (width, height) = (Int.random(in: 1...50, using: &generator), Int.random(in: 1...40, using: &generator))
            let image = Image.random(width: width, height: height, format: PixelFormat.allCases.randomElement(using: &generator)!, using: &generator)
            let whole = ScalarReference.run(pipeline, on: image)
            let plan = try TilePlan(
                width: width,
                height: height,
                tileWidth: Int.random(in: 1...width + 3, using: &generator),
                tileHeight: Int.random(in: 1...height + 3, using: &generator),
                halo: pipeline.halo
            )
            let threads = Int.random(in: 1...3, using: &generator)
            let label = "trial \(trial): \(pipeline) \(width)x\(height) tiles \(plan.tileWidth)x\(plan.tileHeight) threads \(threads)"
            #expect(try pipeline.run(on: image, plan: plan, threads: threads, level: level) == whole, "\(label)")
            #expect(try renderStageByStage(pipeline, image, plan) == whole, "\(label), tile by tile")
        }
    }

    /// The service's way: each stage's tiles rendered alone from their own input, a histogram per tile,
    /// reduced, then the stage's table.
    func renderStageByStage(_ pipeline: Pipeline, _ image: Image, _ plan: TilePlan) throws -> Image {
        var source = image
        for stage in pipeline.stages {
            let stagePlan = try TilePlan(
                width: image.width,
                height: image.height,
                tileWidth: plan.tileWidth,
                tileHeight: plan.tileHeight,
                halo: stage.local.halo
            )
            var output = try Image(width: image.width, height: image.height, format: .gray8)
            var histogram = Histogram()
            for tile in stagePlan.tiles {
                let input = try Image(
                    width: tile.input.width,
                    height: tile.input.height,
                    channels: source.channels,
                    pixels: source.view(tile.input).pixels
                )
                let piece = try stage.local.render(tile: tile, input: input, imageWidth: image.width, imageHeight: image.height)
                histogram.add(Histogram(piece))
                for y in 0..<piece.height {
                    for x in 0..<piece.width { output[tile.output.x + x, tile.output.y + y] = piece[x, y] }
                }
            }
            if !stage.tail.isEmpty {
                let finish = stage.finish(histogram)
                for y in 0..<output.height {
                    for x in 0..<output.width { output[x, y] = finish.table.values[Int(output[x, y])] }
                }
                #expect(finish.histogram == Histogram(output), "the tail's histogram is the output's")
            }
            source = output
        }
        return source
    }

    @Test func aTileCannotRunAGlobalStep() throws {
        let image = try Image(width: 4, height: 4, format: .gray8)
        let tile = Tile(index: 0, output: image.bounds, input: image.bounds)
        #expect(throws: TilingError.globalStepInTile(.global(.normalize))) {
            try Pipeline(parsing: "sobel,normalize").render(tile: tile, input: image, imageWidth: 4, imageHeight: 4)
        }
    }

    @Test func histogramsCountAddAndMap() throws {
        let image = try Image(width: 5, height: 2, channels: 1, pixels: [0, 0, 7, 7, 7, 255, 9, 9, 9, 9])
        let histogram = Histogram(image)
        #expect(histogram.total == 10 && histogram.counts[7] == 3 && histogram.counts[9] == 4 && histogram.counts[255] == 1)
        #expect(histogram.minimum == 0 && histogram.maximum == 255 && histogram.mean == Double(21 + 255 + 36) / 10)
        var sum = Histogram()
        sum.add(Histogram(try image.view(Rect(x: 0, y: 0, width: 2, height: 2))))
        sum.add(Histogram(try image.view(Rect(x: 2, y: 0, width: 3, height: 2))))
        #expect(sum == histogram)
        let mapped = histogram.mapped(through: .threshold(8))
        #expect(mapped.counts[0] == 5 && mapped.counts[255] == 5 && mapped.total == 10)
        #expect(Histogram().minimum == nil && Histogram().mean == nil)
        #expect(throws: HistogramError.wrongBinCount(3)) { try Histogram(counts: [1, 2, 3]) }
        #expect(throws: HistogramError.negativeCount) { try Histogram(counts: [-1] + Array(repeating: 0, count: 255)) }
        // Counts from a worker are checked before anything adds them up: a sum past Int.max would trap.
        #expect(throws: HistogramError.tooManyPixels) { try Histogram(counts: [Int.max, 1] + Array(repeating: 0, count: 254)) }
    }
}
