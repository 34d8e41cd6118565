public import ArgumentParser
public import SobelCodecs

/// How `filter` writes its outputs: the format (from `--format` or the file's extension) and its settings.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The output format: png, jpeg or pnm (default: from the output file's extension).", valueName: "format"))
    var format: ImageFormat?

    @Option(help: ArgumentHelp("JPEG quality, 1 to 100.", valueName: "q"))
    var quality: Int = 90

    @Option(
        name: .customLong("png-compression"),
        help: ArgumentHelp("PNG compression preset: fast (default; tuned for edge maps), balanced or smallest.", valueName: "preset")
    )
    var pngCompression: String = "fast"

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be from 1 to 100") }
        guard PNGEncodeOptions.presets[pngCompression] != nil else {
            throw ValidationError("--png-compression must be one of \(PNGEncodeOptions.presets.keys.sorted().joined(separator: ", "))")
        }
    }

    /// The encoder settings for a file written to `path`.
    func encoding(for path: String) throws -> EncodeOptions {
        guard let format = format ?? ImageFormat(pathExtension: path) else {
            throw ValidationError("cannot tell the output format from '\(path)': use a .png, .jpg or .pgm name, or --format")
        }
        switch format {
        case .png: return .png(PNGEncodeOptions.presets[pngCompression]!)
        case .jpeg: return .jpeg(quality: quality)
        case .pnm: return .pnm
        }
    }
}

extension ImageFormat: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "png": self = .png
        case "jpeg", "jpg": self = .jpeg
        case "pnm", "pgm", "ppm": self = .pnm
        default: return nil
        }
    }
}

/// Decoder settings shared by every command that reads images.
struct DecodeFlags: ParsableArguments {
    @Option(name: .customLong("max-pixels"), help: ArgumentHelp("Refuse images with more pixels than this.", valueName: "n"))
    var maxPixels: Int = DecodeLimits.default.maxPixels

    @Option(name: .customLong("max-bytes"), help: ArgumentHelp("Refuse input files larger than this many bytes.", valueName: "n"))
    var maxBytes: Int = DecodeLimits.default.maxBytes

    @Flag(name: .customLong("ignore-orientation"), help: "Keep JPEG pixels as stored instead of turning them by their EXIF orientation.")
    var ignoreOrientation = false

    func validate() throws {
        guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be at least 1") }
        guard maxBytes >= 1 else { throw ValidationError("--max-bytes must be at least 1") }
    }

    var options: DecodeOptions {
        DecodeOptions(limits: DecodeLimits(maxPixels: maxPixels, maxBytes: maxBytes), applyOrientation: !ignoreOrientation)
    }
}
