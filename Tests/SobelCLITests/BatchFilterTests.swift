import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport
import Testing

/// `sobel filter` over folders, run as a real process on a folder of mixed fixtures.
@Suite struct BatchFilterTests {
    static let fixtures = Repository.root.appendingPathComponent("Fixtures")

    /// a.png b.jpg c.pgm sub/d.png sub/deeper/e.jpg (good), broken.png truncated.jpg (bad),
    /// notes.txt .hidden.png sub/.DS_Store (skipped).
    static func makeMixedFolder() throws -> URL {
        let root = try SobelProcess.temporaryDirectory().appendingPathComponent("photos")
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("sub/deeper"), withIntermediateDirectories: true)
        let copies = [
            ("pngsuite/basn2c08.png", "a.png"), ("jpeg/testorig.jpg", "b.jpg"), ("pngsuite/basn0g08.png", "sub/d.png"),
            ("jpeg/progressive.jpg", "sub/deeper/e.jpg"), ("pngsuite/xcrn0g04.png", "broken.png"),
            ("jpeg/truncated.jpg", "truncated.jpg"), ("pngsuite/basn0g08.png", ".hidden.png"),
        ]
        for (source, target) in copies {
            try manager.copyItem(at: fixtures.appendingPathComponent(source), to: root.appendingPathComponent(target))
        }
        let gray = try Image(width: 33, height: 21, pixels: (0..<(33 * 21)).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try Data(PNM.encode(gray)).write(to: root.appendingPathComponent("c.pgm"))
        try Data("not an image".utf8).write(to: root.appendingPathComponent("notes.txt"))
        try Data([0, 1, 2]).write(to: root.appendingPathComponent("sub/.DS_Store"))
        return root
    }

    static func files(under folder: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var result: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result.append(path)
            }
        }
        return result.sorted()
    }

    func jsonLines(_ data: Data) throws -> [[String: Any]] {
        try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func mixedFolderGivesExactlyTheExpectedOutputs() throws {
        let photos = try Self.makeMixedFolder()
        let out = photos.deletingLastPathComponent().appendingPathComponent("edges")
        defer { try? FileManager.default.removeItem(at: photos.deletingLastPathComponent()) }
        let result = try SobelProcess.run(["filter", photos.path, "--recursive", "-o", out.path + "/", "--json"])
        #expect(result.status == 1, "a failed file makes the exit status 1")
        #expect(Self.files(under: out) == ["a.sobel.png", "b.sobel.png", "c.sobel.png", "sub/d.sobel.png", "sub/deeper/e.sobel.png"])

        let lines = try jsonLines(result.stdout)
        let byStatus = Dictionary(grouping: lines) { $0["status"] as? String ?? "?" }
        #expect(byStatus["done"]?.count == 5 && byStatus["failed"]?.count == 2 && byStatus["skipped"]?.count == 3)
        let failed = Set(byStatus["failed"]?.compactMap { ($0["path"] as? String).map { ($0 as NSString).lastPathComponent } } ?? [])
        #expect(failed == ["broken.png", "truncated.jpg"])
        for line in byStatus["done"] ?? [] {
            #expect(line["output"] is String && line["width"] is Int && line["milliseconds"] is Double)
        }
        let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("sobel: ") }
        #expect(errorLines.count == 2 && errorLines.allSatisfy { $0.contains("broken.png: ") || $0.contains("truncated.jpg: ") })
        #expect(result.stderr.contains("5 done, 3 skipped, 2 failed"))
        #expect(
            !result.stderr.contains("\u{1B}") && !String(decoding: result.stdout, as: UTF8.self).contains("\u{1B}"),
            "no ANSI codes when output is not a terminal"
        )

        // Each output is bit-identical to the single-file command's and equals the library's result.
        for (input, output) in [("a.png", "a.sobel.png"), ("b.jpg", "b.sobel.png"), ("sub/deeper/e.jpg", "sub/deeper/e.sobel.png")] {
            let single = out.deletingLastPathComponent().appendingPathComponent("single-\((input as NSString).lastPathComponent).png")
            let alone = try SobelProcess.run(["filter", photos.appendingPathComponent(input).path, "-o", single.path])
            #expect(alone.status == 0, "\(alone.stderr)")
            let batchBytes = try Data(contentsOf: out.appendingPathComponent(output))
            #expect(try Data(contentsOf: single) == batchBytes, "\(input)")
            let expected = try Pipeline.default.run(on: ImageCodec.decode(Data(contentsOf: photos.appendingPathComponent(input))))
            #expect(try PNG.decode(batchBytes) == expected, "\(input)")
        }
    }

    @Test func existingOutputsAreKeptUnlessOverwrite() throws {
        let photos = try Self.makeMixedFolder()
        let out = photos.deletingLastPathComponent().appendingPathComponent("edges")
        defer { try? FileManager.default.removeItem(at: photos.deletingLastPathComponent()) }
        let arguments = [
            "filter", photos.appendingPathComponent("a.png").path, photos.appendingPathComponent("b.jpg").path, "-o", out.path + "/", "--quiet",
        ]
        #expect(try SobelProcess.run(arguments).status == 0)
        let target = out.appendingPathComponent("a.sobel.png")
        try Data("stale".utf8).write(to: target)
        let again = try SobelProcess.run(arguments)
        #expect(again.status == 1 && again.stderr.contains("exists (use --overwrite"), "\(again.stderr)")
        #expect(try Data(contentsOf: target) == Data("stale".utf8))
        let forced = try SobelProcess.run(arguments + ["--overwrite"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(ImageFormat.detect(try Data(contentsOf: target)) == .png)
        #expect(forced.stderr.isEmpty, "--quiet prints no summary")
    }

    @Test func standardInputToStandardOutput() throws {
        let input = try Data(contentsOf: Self.fixtures.appendingPathComponent("jpeg/testorig.jpg"))
        let result = try SobelProcess.run(["filter", "-", "-o", "-"], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try PNG.decode(result.stdout) == Pipeline.default.run(on: ImageCodec.decode(input)))
        let jpeg = try SobelProcess.run(["filter", "-", "--format", "jpeg", "--quiet"], stdin: input)
        #expect(jpeg.status == 0 && ImageFormat.detect(jpeg.stdout) == .jpeg)
        let garbage = try SobelProcess.run(["filter", "-", "-o", "-"], stdin: Data("nope".utf8))
        #expect(garbage.status == 1 && garbage.stdout.isEmpty && garbage.stderr.contains("-: not an image"))
    }

    @Test func namesPatternsCollisionsAndNextToInput() throws {
        let photos = try Self.makeMixedFolder()
        defer { try? FileManager.default.removeItem(at: photos.deletingLastPathComponent()) }
        let beside = try SobelProcess.run(["filter", photos.appendingPathComponent("a.png").path, "--quiet"])
        #expect(beside.status == 0 && FileManager.default.fileExists(atPath: photos.appendingPathComponent("a.sobel.png").path))
        let rerun = try SobelProcess.run(["filter", photos.path, "--json"])
        #expect(String(decoding: rerun.stdout, as: UTF8.self).contains(#""reason":"looks like an earlier result"#), "results are not inputs")
        try FileManager.default.removeItem(at: photos.appendingPathComponent("a.sobel.png"))
        try FileManager.default.removeItem(at: photos.appendingPathComponent("b.sobel.png"))
        try FileManager.default.removeItem(at: photos.appendingPathComponent("c.sobel.png"))
        let out = photos.deletingLastPathComponent().appendingPathComponent("named")
        let named = try SobelProcess.run(["filter", photos.path, "-o", out.path + "/", "--name-pattern", "{name}-{ext}.jpg", "--quiet"])
        #expect(Self.files(under: out) == ["a-png.jpg", "b-jpg.jpg", "c-pgm.jpg"], "\(named.stderr)")
        #expect(ImageFormat.detect(try Data(contentsOf: out.appendingPathComponent("a-png.jpg"))) == .jpeg)
        try FileManager.default.copyItem(at: photos.appendingPathComponent("b.jpg"), to: photos.appendingPathComponent("a.jpg"))
        let clash = try SobelProcess.run([
            "filter", photos.appendingPathComponent("a.png").path, photos.appendingPathComponent("a.jpg").path,
            "-o", out.path + "/clash/",
        ])
        #expect(clash.status == 1 && clash.stderr.contains("is also the output of"), "\(clash.stderr)")
    }

    @Test(arguments: [
        (["filter", "-", "-", "-o", "-"], "standard input"),
        (["filter", "a.png", "--jobs", "0"], "--jobs"),
        (["filter", "a.png", "-o", "-", "--json"], "--json"),
        (["filter", "a.png", "--name-pattern", "edges.png"], "{name}"),
    ])
    func batchUsageErrorsExit2(_ arguments: [String], _ mention: String) throws {
        let result = try SobelProcess.run(arguments)
        #expect(result.status == 2 && result.stderr.contains(mention), "\(arguments): \(result.stderr)")
    }

    @Test func missingInputsFailButTheBatchGoesOn() throws {
        let photos = try Self.makeMixedFolder()
        defer { try? FileManager.default.removeItem(at: photos.deletingLastPathComponent()) }
        let out = photos.deletingLastPathComponent().appendingPathComponent("edges")
        let result = try SobelProcess.run([
            "filter", "/no/such/file.png", photos.appendingPathComponent("a.png").path,
            photos.path + "/*.jpg", "-o", out.path + "/",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/no/such/file.png: no such file or folder"))
        #expect(Self.files(under: out) == ["a.sobel.png", "b.sobel.png"])
    }

    /// Under a pseudo-terminal the live bar appears; its ANSI codes never reach pipes (checked above).
    @Test func progressBarOnATerminal() throws {
        let photos = try Self.makeMixedFolder()
        defer { try? FileManager.default.removeItem(at: photos.deletingLastPathComponent()) }
        let out = photos.deletingLastPathComponent().appendingPathComponent("edges")
        let command = "'\(SobelProcess.executable.path)' filter '\(photos.path)' -r -o '\(out.path)/'"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", command, "/dev/null"]
        let pipe = Pipe()
        let keyboard = Pipe()  // script(1) hangs up its child when its own input ends: keep it open
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = keyboard
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try keyboard.fileHandleForWriting.close()
        #expect(text.contains("\u{1B}[2K") && text.contains("7/7 files") && text.contains("MP/s") && text.contains("ETA"), "\(text.debugDescription)")
        #expect(text.contains("5 done, 3 skipped, 2 failed"))
    }

    /// Ctrl-C mid-batch: exit 130, a summary, and no partial or temporary files.
    @Test func interruptStopsCleanly() throws {
        let root = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appendingPathComponent("many")
        let out = root.appendingPathComponent("edges")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let big = Self.fixtures.appendingPathComponent("exif-orientation/Landscape_1.jpg")
        for index in 0..<40 { try FileManager.default.copyItem(at: big, to: photos.appendingPathComponent("p\(index).jpg")) }
        let process = Process()
        process.executableURL = SobelProcess.executable
        process.arguments = ["filter", photos.path, "-o", out.path + "/", "--jobs", "2", "--png-compression", "balanced"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Self.files(under: out).filter({ $0.hasSuffix(".png") }).isEmpty && Date() < deadline { usleep(20_000) }
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("interrupted: "), "\(stderr)")
        let written = Self.files(under: out)
        #expect(written.count < 40 && written.allSatisfy { $0.hasSuffix(".sobel.png") && !$0.hasPrefix(".") }, "\(written)")
        for name in written { #expect(throws: Never.self) { _ = try PNG.decode(Data(contentsOf: out.appendingPathComponent(name))) } }
    }
}

/// Folders that link back into themselves, and files over the byte limit.
@Suite struct BatchFilterSafetyTests {
    @Test func linksBackIntoTheTreeAreWalkedOnce() throws {
        let photos = try BatchFilterTests.makeMixedFolder()
        defer { try? FileManager.default.removeItem(at: photos.deletingLastPathComponent()) }
        try FileManager.default.createSymbolicLink(atPath: photos.appendingPathComponent("sub/loop").path, withDestinationPath: photos.path)
        let out = photos.deletingLastPathComponent().appendingPathComponent("edges")
        let result = try SobelProcess.run(["filter", photos.path, "-r", "-o", out.path + "/", "--json"])
        #expect(result.status == 1)
        #expect(BatchFilterTests.files(under: out) == ["a.sobel.png", "b.sobel.png", "c.sobel.png", "sub/d.sobel.png", "sub/deeper/e.sobel.png"])
        #expect(String(decoding: result.stdout, as: UTF8.self).contains("folder already walked"))
    }

    @Test func oversizedFilesAreRefusedBeforeReading() throws {
        let result = try SobelProcess.run(["filter", "Fixtures/exif-orientation/Landscape_1.jpg", "-o", "-", "--max-bytes", "1000"])
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.contains("Landscape_1.jpg: input of 347327 bytes exceeds the limit of 1000 bytes"), "\(result.stderr)")
    }

    /// `-o` for a folder, a glob or several files names a folder, created when missing, whatever its spelling;
    /// for one file it names a file only with an image extension.
    @Test(arguments: [
        (["photos"], "edges", ["a.sobel.png", "b.sobel.png", "c.sobel.png"]),
        (["photos"], "edges/", ["a.sobel.png", "b.sobel.png", "c.sobel.png"]),
        (["photos"], "edges.png", ["a.sobel.png", "b.sobel.png", "c.sobel.png"]),
        (["photos/*.png"], "edges", ["a.sobel.png", "c.sobel.png"]),
        (["photos/a.png", "photos/b.jpg"], "edges", ["a.sobel.png", "b.sobel.png"]),
        (["photos/a.png"], "edges", ["a.sobel.png"]),
        (["photos/a.png"], "edges/", ["a.sobel.png"]),
    ])
    func outputFoldersForEverySpelling(_ inputs: [String], _ output: String, _ expected: [String]) throws {
        let root = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 9)
        for name in ["a.png", "c.png"] {
            try Data(ImageCodec.encode(Image.random(width: 40, height: 30, using: &generator), options: .png(.fast))).write(
                to: photos.appendingPathComponent(name)
            )
        }
        try Data(ImageCodec.encode(Image.random(width: 40, height: 30, format: .rgb8, using: &generator), options: .jpeg(quality: 90)))
            .write(to: photos.appendingPathComponent("b.jpg"))
        let result = try SobelProcess.run(
            ["filter"] + inputs.map { root.appendingPathComponent($0).path } + ["-o", root.appendingPathComponent(output).path]
        )
        #expect(result.status == 0, "\(inputs) -o \(output): \(result.stderr)")
        #expect(BatchFilterTests.files(under: root.appendingPathComponent(output)) == expected, "\(inputs) -o \(output)")
    }

    @Test func oneFileWithAnImageExtensionIsAFile() throws {
        let root = try SobelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var generator = SeededGenerator(seed: 10)
        let input = root.appendingPathComponent("a.png")
        try Data(ImageCodec.encode(Image.random(width: 20, height: 10, using: &generator), options: .png(.fast))).write(to: input)
        for output in ["edges.png", "edges.jpg", "edges.pgm"] {
            let result = try SobelProcess.run(["filter", input.path, "-o", root.appendingPathComponent(output).path])
            var isFolder: ObjCBool = false
            #expect(
                result.status == 0 && FileManager.default.fileExists(atPath: root.appendingPathComponent(output).path, isDirectory: &isFolder)
                    && !isFolder.boolValue,
                "\(output): \(result.stderr)"
            )
            #expect(try ImageCodec.decode(Data(contentsOf: root.appendingPathComponent(output))).width == 20)
        }
        // A folder is needed for several inputs, but a file of that name exists: a usage error, nothing written.
        let clash = try SobelProcess.run(["filter", input.path, input.path + "-missing.png", "-o", root.appendingPathComponent("edges.png").path])
        #expect(clash.status == 2 && clash.stderr.contains("must be a folder"), "\(clash.stderr)")
    }
}
