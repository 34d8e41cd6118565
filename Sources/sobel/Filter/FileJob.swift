import Foundation
import SobelCodecs
import SobelCore

/// What happened to one input.
struct FileOutcome: Sendable {
    enum Status: String, Sendable {
        case done, failed, cancelled
    }

    let input: BatchInput
    let output: OutputTarget?
    let status: Status
    var width = 0
    var height = 0
    var milliseconds = 0.0
    var error: String?

    var megapixels: Double { Double(width * height) / 1e6 }
}

/// The settings every file in a batch shares.
struct FilterSettings: Sendable {
    let pipeline: Pipeline
    let tile: TileSize?
    let threadsPerImage: Int
    let decodeOptions: DecodeOptions
    let encodeOptions: @Sendable (OutputTarget) throws -> EncodeOptions
    let overwrite: Bool
}

/// Decodes, filters, encodes and writes one file. Errors become a failed outcome, never a crash.
struct FileJob: Sendable {
    let input: BatchInput
    let target: OutputTarget
    let settings: FilterSettings

    func run(isCancelled: () -> Bool) -> FileOutcome {
        let start = DispatchTime.now().uptimeNanoseconds
        var outcome = FileOutcome(input: input, output: target, status: .done)
        do {
            if case .file(let path) = target, !settings.overwrite, FileManager.default.fileExists(atPath: path) {
                throw AtomicFile.OutputExists(path: path)
            }
            let edges = try filtered(&outcome)  // the decoded input is released before encoding
            let options = try settings.encodeOptions(target)
            let encode = { (sink: (UnsafeRawBufferPointer) throws -> Void) in
                try ImageCodec.encode(edges, options: options, threads: settings.threadsPerImage, to: sink)
            }
            switch target {
            case .standardOutput:
                guard !isCancelled() else { return FileOutcome(input: input, output: nil, status: .cancelled) }
                let bytes = try ImageCodec.encode(edges, options: options, threads: settings.threadsPerImage)
                try bytes.withUnsafeBytes { try FileDescriptorOutput.writeAll($0, to: STDOUT_FILENO) }
            case .file(let path):
                guard try AtomicFile.write(to: path, overwrite: settings.overwrite, shouldCommit: { !isCancelled() }, content: encode) else {
                    return FileOutcome(input: input, output: nil, status: .cancelled)
                }
            }
        } catch {
            outcome = FileOutcome(
                input: input,
                output: nil,
                status: .failed,
                width: outcome.width,
                height: outcome.height,
                error: Self.describe(error)
            )
        }
        outcome.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        return outcome
    }

    /// Decodes and filters the input, recording its size; only the edge map outlives this call.
    private func filtered(_ outcome: inout FileOutcome) throws -> Image {
        let image = try decodeInput()
        outcome.width = image.width
        outcome.height = image.height
        let plan = try settings.tile.map {
            try TilePlan(width: image.width, height: image.height, tileWidth: $0.width, tileHeight: $0.height, halo: settings.pipeline.halo)
        }
        return try settings.pipeline.run(on: image, plan: plan, threads: settings.threadsPerImage)
    }

    /// Reads and decodes the input; the encoded bytes are released before filtering starts.
    private func decodeInput() throws -> Image {
        switch input.source {
        case .file(let path):
            // The size is checked before reading, so an oversized file is refused without being read. It is read,
            // not memory-mapped (a mapped file that shrinks while being decoded would crash), and a PNG's bytes are
            // released once its image data is copied out, before the image is allocated.
            do {
                return try ImageCodec.decode(fileAt: URL(fileURLWithPath: path), options: settings.decodeOptions)
            } catch let error as CodecError {
                throw error
            } catch {
                throw ReadFailure(reason: "cannot read the file")
            }
        case .standardInput:
            return try ImageCodec.decode(try StandardInput.read(limit: settings.decodeOptions.limits.maxBytes), options: settings.decodeOptions)
        }
    }

    struct ReadFailure: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as any CustomStringConvertible: error.description
        default: error.localizedDescription
        }
    }
}

/// Standard input, read whole but never beyond the byte limit.
enum StandardInput {
    static func read(limit: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let chunk = FileHandle.standardInput.readData(ofLength: 1 << 20)
            if chunk.isEmpty { return bytes }
            bytes += chunk
            if bytes.count > limit { throw CodecError.inputTooLarge(bytes: bytes.count, limit: limit) }
        }
    }
}
