import Foundation
import SobelCore
import SobelService
import SobelTestSupport
import Testing

/// Wire format v1: what other programs can rely on.
@Suite struct WireFormatTests {
    static let header = ChunkHeader(
        job: JobID("7c9e6679-7425-40de-944b-e07fc1f90ae7")!,
        tile: 2,
        tiles: 4,
        imageWidth: 10,
        imageHeight: 8,
        output: Rect(x: 0, y: 4, width: 10, height: 2),
        input: Rect(x: 0, y: 3, width: 10, height: 4),
        format: .gray8,
        pipeline: "gray,sobel:l2",
        deadlineMs: 1_700_000_060_000,
        publishedMs: 1_700_000_000_000
    )

    @Test func aChunkIsAJSONLineThenBase64Pixels() throws {
        let pixels = (0..<40).map { UInt8($0 * 6) }
        let bytes = try ChunkMessage(header: Self.header, pixels: pixels).encoded()
        let newline = try #require(bytes.firstIndex(of: 0x0A))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes[..<newline])) as? [String: Any])
        #expect(json["v"] as? Int == 1 && json["job"] as? String == "7c9e6679-7425-40de-944b-e07fc1f90ae7")
        #expect(json["tile"] as? Int == 2 && json["tiles"] as? Int == 4 && json["format"] as? String == "gray8")
        #expect((json["input"] as? [String: Int]) == ["x": 0, "y": 3, "width": 10, "height": 4])
        #expect(json["pipeline"] as? String == "gray,sobel:l2" && json["deadline_ms"] as? Int == 1_700_000_060_000)
        #expect(String(decoding: bytes[(newline + 1)...], as: UTF8.self) == Data(pixels).base64EncodedString(), "standard base64 with padding")
        let decoded = try ChunkMessage(decoding: bytes)
        #expect(decoded.header == Self.header && decoded.pixels == pixels)
    }

    @Test(arguments: [
        ("no newline", "no newline"),
        ("{\"v\":1}\nAAAA", "JSON header"),
    ])
    func unreadableHeadersAreRefused(_ text: String, _ mention: String) {
        #expect {
            try ChunkMessage(decoding: Array(text.utf8))
        } throws: { error in
            guard let wire = error as? WireError, case .header(let detail) = wire else { return false }
            return wire.job == nil && detail.contains(mention)
        }
    }

    @Test func badChunksNameTheirJobAndTheProblem() throws {
        func refusal(_ header: ChunkHeader, _ payload: String) throws -> String {
            var bytes = try JSONEncoder().encode(header)
            bytes.append(0x0A)
            bytes.append(contentsOf: Array(payload.utf8))
            do {
                _ = try ChunkMessage(decoding: Array(bytes))
                return "accepted"
            } catch {
                #expect(error.job == Self.header.job)
                return error.description
            }
        }
        let pixels40 = Data(repeating: 7, count: 40).base64EncodedString()
        #expect(try refusal(Self.header, "!!!!").contains("base64"))
        #expect(try refusal(Self.header, Data([1, 2, 3]).base64EncodedString()).contains("3 bytes"))
        var future = Self.header
        future.version = 2
        #expect(try refusal(future, pixels40).contains("version 2"))
        var outside = Self.header
        outside.tile = 4
        #expect(try refusal(outside, pixels40).contains("tile 4"))
        #expect(try refusal(Self.header, pixels40) == "accepted")
    }

    @Test func jobIDsAreStrictLowercaseUUIDs() {
        let id = JobID()
        #expect(JobID(id.description) == id && id.description == id.description.lowercased())
        for bad in [
            "", "../etc/passwd", "7c9e6679-7425-40de-944b-e07fc1f90ae", "7c9e6679742540de944be07fc1f90ae7", "7c9e6679-7425-40de-944b-e07fc1f90ae7x",
        ] {
            #expect(JobID(bad) == nil, "\(bad)")
        }
    }

    @Test func recordsAndEventsUseSnakeCaseJSON() throws {
        var record = JobRecord(
            id: Self.header.job,
            status: .running,
            tilesDone: 1,
            tilesTotal: 4,
            width: 10,
            height: 8,
            pipeline: "gray,sobel:l2",
            outputFormat: "png",
            createdMs: 5,
            deadlineMs: 6
        )
        record.timings.queueWait = 1.5
        record.statistics = ResultStatistics(try Histogram(counts: [2] + Array(repeating: 0, count: 254) + [2]), otsuThreshold: 7)
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        for key in [
            "\"tiles_done\":1", "\"tiles_total\":4", "\"queue_wait\":1.5", "\"status\":\"running\"", "\"deadline_ms\":6",
            "\"statistics\":{", "\"otsu_threshold\":7", "\"mean\":127.5", "\"max\":255",
        ] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        #expect(try JSONDecoder().decode(JobRecord.self, from: Data(json.utf8)) == record)
        let counts = (0..<256).map { $0 % 3 }
        let event = JobEvent.stored(TileReport(tile: 3, worker: "w", startedMs: 1, finishedMs: 2, computeMs: 0.5, histogram: counts))
        let eventJSON = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        #expect(eventJSON.contains("\"event\":\"stored\"") && eventJSON.contains("\"finished_ms\":2") && eventJSON.contains("\"histogram\":[0,1,2,0"))
        #expect(try JSONDecoder().decode(JobEvent.self, from: Data(eventJSON.utf8)) == event)
        // An event without a histogram (an older worker, another implementation) is still an event.
        let bare = #"{"event":"stored","report":{"tile":3,"worker":"w","started_ms":1,"finished_ms":2,"compute_ms":0.5}}"#
        #expect(
            try JSONDecoder().decode(JobEvent.self, from: Data(bare.utf8))
                == .stored(TileReport(tile: 3, worker: "w", startedMs: 1, finishedMs: 2, computeMs: 0.5))
        )
    }

    /// The example in `docs/wire-format.md` is the header the coordinator writes for tile 2 of a 1024×768 image
    /// in strips of 8 rows under `gray,blur:5,sobel:l2`, so it cannot drift from the code.
    @Test func theDocumentedExampleIsARealHeader() throws {
        let pipeline = try Pipeline(parsing: "gray,blur:5,sobel:l2")
        #expect(pipeline.halo == 3, "blur:5 reaches 2 pixels, sobel 1: halos add up")
        let plan = try TilePlan.strips(width: 1024, height: 768, rows: 8, halo: pipeline.halo)
        let tile = plan.tile(at: 2)
        #expect(tile.input == tile.output.grown(by: 3).intersection(Rect(x: 0, y: 0, width: 1024, height: 768)))
        let header = ChunkHeader(
            job: JobID("7c9e6679-7425-40de-944b-e07fc1f90ae7")!,
            tile: 2,
            tiles: plan.count,
            imageWidth: 1024,
            imageHeight: 768,
            output: tile.output,
            input: tile.input,
            format: .gray8,
            pipeline: pipeline.description,
            deadlineMs: 1_700_000_060_000,
            publishedMs: 1_700_000_000_000
        )
        let encoded = try ChunkMessage(header: header, pixels: Array(repeating: 0, count: tile.input.area)).encoded()
        let line = String(decoding: encoded.prefix { $0 != 0x0A }, as: UTF8.self)
        let docs = try String(contentsOf: Repository.url("docs/wire-format.md"), encoding: .utf8)
        #expect(docs.contains("\n\(line)\n"), "docs/wire-format.md shows the header as the coordinator writes it:\n\(line)")
    }

    /// The documented schema: `error` absent, null or empty means no error; `timings` may be absent or partial.
    @Test(arguments: [
        #"{"id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","status":"running","tiles_done":1,"tiles_total":4,"width":8,"height":8,"pipeline":"gray,sobel:l2","output_format":"png","created_ms":1,"deadline_ms":2,"timings":{}}"#,
        #"{"id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","status":"running","tiles_done":1,"tiles_total":4,"width":8,"height":8,"pipeline":"gray,sobel:l2","output_format":"png","created_ms":1,"deadline_ms":2,"error":null}"#,
        #"{"id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","status":"running","tiles_done":1,"tiles_total":4,"width":8,"height":8,"pipeline":"gray,sobel:l2","output_format":"png","created_ms":1,"deadline_ms":2,"error":"","timings":{"compute":1.5}}"#,
    ])
    func recordsWithOptionalFieldsLeftOutAreRead(_ json: String) throws {
        let record = try JSONDecoder().decode(JobRecord.self, from: Data(json.utf8))
        #expect(record.error == nil && record.tilesTotal == 4 && record.timings.decode == 0)
        #expect(record.timings.compute == (json.contains("1.5") ? 1.5 : 0))
    }

    /// Whatever a message on the queue says, decoding and rendering it never traps: random and mutated headers
    /// (extreme integers in every field) either decode and render, or are refused with a `WireError` in words.
    @Test func randomAndMutatedHeadersNeverTrap() throws {
        var generator = SeededGenerator(seed: 151)
        let extremes = [Int.min, Int.min + 1, -(1 << 32), -1, 0, 1, 2, 3, 7, 8, 9, 1 << 20, (1 << 20) + 1, 1 << 32, Int.max - 1, Int.max]
        func pick() -> Int {
            Bool.random(using: &generator) ? extremes.randomElement(using: &generator)! : Int.random(in: -3...12, using: &generator)
        }
        func rect() -> Rect { Rect(x: pick(), y: pick(), width: pick(), height: pick()) }
        var accepted = 0
        var refused = 0
        for trial in 0..<4_000 {
            var header = Self.header
            switch trial % 4 {
            case 0: (header.tile, header.tiles) = (pick(), pick())
            case 1: (header.imageWidth, header.imageHeight) = (pick(), pick())
            case 2: (header.input, header.output) = (rect(), rect())
            default:
                (header.tile, header.tiles, header.imageWidth, header.imageHeight) = (pick(), pick(), pick(), pick())
                (header.input, header.output) = (rect(), rect())
            }
            header.pipeline = ["gray,sobel:l2", "blur:5,scharr:l1", "threshold:9", "sobel:l9", ""].randomElement(using: &generator)!
            let area =
                header.input.width > 0 && header.input.height > 0 && header.input.width < 64 && header.input.height < 64
                ? header.input.width * header.input.height : Int.random(in: 0...40, using: &generator)
            let message = try ChunkMessage(header: header, pixels: Array(repeating: 9, count: area)).encoded()
            do {
                let chunk = try ChunkMessage(decoding: message)
                let image = try Pipeline(parsing: chunk.header.pipeline).render(
                    tile: chunk.tile,
                    input: chunk.inputImage(),
                    imageWidth: chunk.header.imageWidth,
                    imageHeight: chunk.header.imageHeight
                )
                #expect(image.width == chunk.header.output.width && image.height == chunk.header.output.height)
                accepted += 1
            } catch let error as WireError {
                #expect(!error.description.contains("DecodingError") && !error.description.contains("..<"), "\(error)")
                refused += 1
            } catch {
                refused += 1  // a pipeline or tiling error, in words, as the worker reports it
            }
        }
        #expect(accepted > 20 && refused > 1_000, "both paths ran: \(accepted) accepted, \(refused) refused")
    }

    @Test func overflowingGeometryIsRefusedInWords() throws {
        var header = Self.header
        header.input = Rect(x: 0, y: 0, width: 1 << 32, height: 1 << 32)
        #expect(throws: WireError.invalid(header.job, tile: 2, "the input rectangle 4294967296x4294967296+0+0 is not inside the 10x8 image")) {
            try ChunkMessage(decoding: ChunkMessage(header: header, pixels: [1]).encoded())
        }
        header = Self.header
        header.tiles = Int.min
        #expect(throws: WireError.invalid(header.job, tile: 2, "the job's tile count -9223372036854775808 is not positive")) {
            try ChunkMessage(decoding: ChunkMessage(header: header, pixels: [1]).encoded())
        }
        header = Self.header
        let bytes = try ChunkMessage(header: header, pixels: Array(repeating: 1, count: 40)).encoded()
        let broken = Array(bytes.prefix { $0 != 0x0A }) + [0x0A] + Array("!!!!".utf8)
        #expect(throws: WireError.invalid(header.job, tile: 2, "the pixels are not valid base64 (RFC 4648, standard alphabet, with padding)")) {
            try ChunkMessage(decoding: broken)
        }
    }
}
