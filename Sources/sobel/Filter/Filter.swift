import ArgumentParser
import Foundation
import SobelCodecs
import SobelCore

extension Sobel {
    /// `sobel filter`: decode, run a pipeline, encode.
    struct Filter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Filter an image file.",
            discussion: """
                Reads PNG, JPEG, PGM or PPM (detected from the file's bytes) and writes the edge map as
                PNG, JPEG or PGM (from the output's extension, or --format).

                Examples:
                  sobel filter photo.jpg -o edges.png
                  sobel filter photo.jpg -o edges.png --pipeline gray,blur:5,sobel:l1,threshold:60
                  sobel filter scan.png -o edges.jpg --quality 95 --magnitude classic --border replicate
                """
        )

        @Argument(help: "The input image.")
        var input: String

        @Option(name: .shortAndLong, help: "The output file; its extension picks the format.")
        var output: String

        @OptionGroup var options: PipelineOptions
        @OptionGroup var outputOptions: OutputOptions
        @OptionGroup var decodeFlags: DecodeFlags

        func validate() throws {
            _ = try outputOptions.encoding(for: output)
        }

        func run() throws {
            let pipeline = try options.resolvedPipeline()
            guard let data = FileManager.default.contents(atPath: input) else {
                throw CommandFailure(message: "\(input): cannot read the file")
            }
            let image: Image
            do {
                image = try ImageCodec.decode(Array(data), options: decodeFlags.options)
            } catch {
                throw CommandFailure(message: "\(input): \(error)")
            }
            let edges = try pipeline.run(on: image, plan: options.plan(for: image.width, image.height, pipeline: pipeline),
                                         threads: options.threads)
            let bytes = try ImageCodec.encode(edges, options: outputOptions.encoding(for: output))
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CommandFailure(message: "\(output): cannot write the file (\(error.localizedDescription))")
            }
        }
    }
}
