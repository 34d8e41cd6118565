import Foundation
import SobelCodecs
import SobelCore

/// `sobel bench --codecs`: PNG and JPEG speed (one thread, plus PNG encoding on every core), and
/// PNG size as a fraction of the raw pixels, on gray and RGB photo mosaics and on an edge map (what
/// `filter` writes).
struct CodecBench {
    let runs: Int

    /// Writes the benchmark inputs as binary PGM/PPM files.
    func save(gray: Image, rgb: Image, into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, image) in [("gray.pgm", gray), ("rgb.ppm", rgb), ("edges.pgm", try Pipeline.default.run(on: gray))] {
            try Data(PNM.encode(image)).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
    }

    func measure(gray: Image, rgb: Image) throws -> [BenchResult] {
        let edges = try Pipeline.default.run(on: gray)
        var results: [BenchResult] = []
        for (label, image) in [("gray", gray), ("rgb", rgb), ("edges", edges)] {
            let timer = BenchTimer(width: image.width, height: image.height, threads: 1, runs: runs)
            let raw = Double(image.width * image.height * image.channels)
            for (preset, options) in PNGEncodeOptions.presets.sorted(by: { $0.key < $1.key }) {
                var encoded: [UInt8] = []
                let slow = options.level >= 6
                var row = timer.measure("png-encode-\(preset)", runs: slow ? min(runs, 3) : nil) {
                    encoded = try! PNG.encode(image, options: options)
                }
                row.input = label
                row.sizeRatio = Double(encoded.count) / raw
                results.append(row)
                // The default decoder (the fast reader takes these files) and libpng alone, one after the other.
                for reader in PNG.Reader.allCases {
                    let suffix = reader == .fastest ? "" : "-libpng"
                    var decode = timer.measure("png-decode-\(preset)\(suffix)") { _ = try! PNG.decode(encoded, reader: reader) }
                    decode.input = label
                    results.append(decode)
                }
            }
            let cores = ProcessInfo.processInfo.activeProcessorCount
            if cores > 1 {
                var parallel = BenchTimer(width: image.width, height: image.height, threads: cores, runs: runs)
                    .measure("png-encode-fast") { _ = try! PNG.encode(image, options: .fast, threads: cores) }
                parallel.input = label
                results.append(parallel)
            }
            guard label != "edges" else { continue }
            var jpeg: [UInt8] = []
            var encode = timer.measure("jpeg-encode-q90") { jpeg = try! JPEG.encode(image, quality: 90) }
            encode.input = label
            encode.sizeRatio = Double(jpeg.count) / raw
            var decode = timer.measure("jpeg-decode-q90") { _ = try! JPEG.decode(jpeg) }
            decode.input = label
            results += [encode, decode]
        }
        return results
    }
}
