import ArgumentParser
import Foundation
import SobelCodecs
import SobelCore
import Synchronization

extension Sobel {
    /// `sobel filter`: decode, run a pipeline, encode — one file, or a whole folder of them.
    struct Filter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Filter image files: one, many, or whole folders.",
            discussion: """
                Reads PNG, JPEG, PGM or PPM (detected from the file's bytes) and writes edge maps as PNG,
                JPEG or PGM (from the output's extension, or --format). Folders are walked (with
                --recursive, their subfolders too); hidden files and files that are not images are
                skipped and counted. A file that fails is reported in one line and the batch goes on.
                Outputs appear whole or not at all. Exit status: 0 all done, 1 some file failed,
                2 usage error, 130 interrupted.

                Examples:
                  sobel filter photo.jpg -o edges.png
                  sobel filter photo.jpg -o edges.png --pipeline gray,blur:5,sobel:l1,threshold:60
                  sobel filter ~/Pictures --recursive -o edges/
                  sobel filter 'shots/*.jpg' -o out/ --name-pattern '{name}-edges.jpg' --quality 95
                  sobel filter *.png                     # writes photo.sobel.png next to photo.png
                  cat scan.png | sobel filter - -o - > edges.png
                  sobel filter photos/ -o edges/ --json > report.jsonl
                """
        )

        @Argument(help: ArgumentHelp("Files, folders or glob patterns; '-' reads one image from standard input.", valueName: "input"))
        var inputs: [String]

        @Option(
            name: .shortAndLong,
            help: ArgumentHelp(
                "A folder for a folder, a glob or several inputs (created when missing; the input tree is mirrored); for one file, a file when it has an extension (edges.png), else a folder; '-' for standard output. Without -o, each result is written next to its input.",
                valueName: "output"
            )
        )
        var output: String?

        @Flag(name: .shortAndLong, help: "Walk subfolders of folder inputs.")
        var recursive = false

        @Option(
            name: .customLong("name-pattern"),
            help: ArgumentHelp(
                "Output file names for folders and inputs without -o FILE: {name} is the input's name without extension, {ext} its extension.",
                valueName: "pattern"
            )
        )
        var namePattern: String = OutputPlan.defaultPattern

        @Flag(help: "Replace outputs that already exist.")
        var overwrite = false

        @Option(
            name: .shortAndLong,
            help: ArgumentHelp("Files filtered at once (default: one per core, at most the number of files).", valueName: "n")
        )
        var jobs: Int?

        @Flag(name: .shortAndLong, help: "No progress bar and no summary; errors are still reported.")
        var quiet = false

        @Flag(help: "Print one JSON object per file on standard output: path, status, output, width, height, milliseconds, or error.")
        var json = false

        @OptionGroup var options: PipelineOptions
        @OptionGroup var outputOptions: OutputOptions
        @OptionGroup var decodeFlags: DecodeFlags

        func validate() throws {
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
            if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("'-' (standard input) can be given once") }
            if json && output == "-" { throw ValidationError("--json and -o - both write to standard output: choose one") }
            if let output, output != "-", !OutputPlan(output: output, namePattern: namePattern, inputs: inputs).outputIsFolder {
                _ = try outputOptions.encoding(for: output)
            } else {
                _ = try outputOptions.encoding(for: namePattern)
            }
        }

        func run() throws {
            let pipeline = try options.resolvedPipeline()
            let plan = OutputPlan(output: output, namePattern: namePattern, inputs: inputs)
            let expanded = BatchInputs.expand(inputs, recursive: recursive, skippingOutputsNamed: plan.outputNameMatcher)
            try plan.validate(inputCount: max(inputs.count, expanded.images.count), hasStandardInput: inputs.contains("-"))

            let cores = ProcessInfo.processInfo.activeProcessorCount
            let jobCount = max(1, min(jobs ?? cores, max(expanded.images.count, 1)))
            let outputOptions = outputOptions
            let settings = FilterSettings(
                pipeline: pipeline,
                tile: options.tile,
                threadsPerImage: options.threads ?? max(1, cores / jobCount),
                decodeOptions: decodeFlags.options,
                encodeOptions: { target in
                    switch target {
                    case .file(let path): try outputOptions.encoding(for: path)
                    case .standardOutput: try outputOptions.encoding(for: "stdout.png")
                    }
                },
                overwrite: overwrite
            )

            let isBatch =
                expanded.images.count + expanded.skipped.count + expanded.failures.count > 1
                || inputs.contains { FileManager.default.isDirectory(atPath: $0) }
            let report = BatchReport(total: expanded.images.count, json: json, quiet: quiet, isBatch: isBatch)
            for (path, reason) in expanded.skipped { report.skipped(path, reason: reason) }
            for (path, reason) in expanded.failures { report.failedInput(path, reason: reason) }
            var claimed: [String: String] = [:]
            var jobs: [FileJob] = []
            for input in expanded.images {
                let target = plan.target(for: input, inputCount: expanded.images.count)
                if case .file(let path) = target {
                    let key = URL(fileURLWithPath: path).standardizedFileURL.path
                    if let earlier = claimed[key] {
                        report.finished(
                            FileOutcome(
                                input: input,
                                output: nil,
                                status: .failed,
                                error: "its output \(path) is also the output of \(earlier); use --name-pattern with {ext}"
                            )
                        )
                        continue
                    }
                    claimed[key] = input.displayPath
                }
                jobs.append(FileJob(input: input, target: target, settings: settings))
            }

            let runner = BatchRunner()
            let interrupt = Interrupt.install { runner.cancel() }
            runner.run(jobs, threads: jobCount) { report.finished($0) }
            let counts = report.finish(interrupted: runner.isCancelled)
            interrupt.remove()
            if runner.isCancelled { throw ExitCode(130) }
            if counts.failed > 0 { throw ExitCode.failure }
        }
    }
}
