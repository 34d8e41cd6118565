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
                Reads binary PGM/PPM and writes the edge map as PGM.

                Examples:
                  sobel filter photo.ppm -o edges.pgm
                  sobel filter photo.ppm -o edges.pgm --pipeline gray,blur:5,sobel:l1,threshold:60
                  sobel filter photo.ppm -o edges.pgm --magnitude classic --border replicate --tile 256x256
                """
        )

        @Argument(help: "The input image.")
        var input: String

        @Option(name: .shortAndLong, help: "The output file; its extension picks the format.")
        var output: String

        @OptionGroup var options: PipelineOptions

        func validate() throws {
            guard ImageFormat(pathExtension: output) != nil else {
                throw ValidationError("cannot tell the output format from '\(output)': use a .pgm extension")
            }
        }

        func run() throws {
            let pipeline = try options.resolvedPipeline()
            guard let data = FileManager.default.contents(atPath: input) else {
                throw CommandFailure(message: "\(input): cannot read the file")
            }
            let image: Image
            do {
                image = try ImageCodec.decode(Array(data))
            } catch {
                throw CommandFailure(message: "\(input): \(error)")
            }
            let edges = try pipeline.run(on: image, plan: options.plan(for: image.width, image.height, pipeline: pipeline),
                                         threads: options.threads)
            let bytes = try ImageCodec.encode(edges, as: ImageFormat(pathExtension: output)!)
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CommandFailure(message: "\(output): cannot write the file (\(error.localizedDescription))")
            }
        }
    }
}
