import Foundation
import SobelCodecs

/// One image to filter: a file (or standard input) and where it sits relative to the folder it was found in.
struct BatchInput: Hashable, Sendable {
    enum Source: Hashable, Sendable {
        case file(String)
        case standardInput
    }

    let source: Source
    /// The folder part to mirror under `-o DIR` ("" for files named directly).
    let relativeDirectory: String
    /// The file name, e.g. `photo.jpg` (`stdin` for standard input).
    let fileName: String

    /// The path as the user sees it in messages.
    var displayPath: String {
        switch source {
        case .file(let path): path
        case .standardInput: "-"
        }
    }
}

/// What the command line's inputs expand to: images to filter, files skipped, and paths that failed outright.
struct BatchInputs {
    var images: [BatchInput] = []
    /// Hidden files and files that are not images, found while walking folders.
    var skipped: [(path: String, reason: String)] = []
    /// Inputs that could not even be listed (missing paths, unreadable folders, globs matching nothing).
    var failures: [(path: String, reason: String)] = []

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "pgm", "ppm", "pnm"]

    /// Expands files, folders and glob patterns, in the order given; folders are sorted by name.
    /// Files found in folders whose names `isOutputName` matches are skipped as earlier results.
    static func expand(_ arguments: [String], recursive: Bool, skippingOutputsNamed isOutputName: (String) -> Bool = { _ in false }) -> BatchInputs {
        var result = BatchInputs()
        var seen = Set<String>()
        for argument in arguments {
            if argument == "-" {
                result.images.append(BatchInput(source: .standardInput, relativeDirectory: "", fileName: "stdin"))
                continue
            }
            let paths: [String]
            if isPattern(argument) {
                paths = Glob.expand(argument)
                if paths.isEmpty { result.failures.append((argument, "no file matches this pattern")) }
            } else {
                paths = [argument]
            }
            for path in paths {
                guard FileManager.default.fileExists(atPath: path) else {
                    result.failures.append((path, "no such file or folder"))
                    continue
                }
                if FileManager.default.isDirectory(atPath: path) {
                    result.walk(folder: path, relative: "", recursive: recursive, isOutputName: isOutputName, seen: &seen)
                } else if seen.insert(URL(fileURLWithPath: path).standardizedFileURL.path).inserted {
                    result.images.append(BatchInput(source: .file(path), relativeDirectory: "", fileName: (path as NSString).lastPathComponent))
                }
            }
        }
        return result
    }

    private mutating func walk(folder: String, relative: String, recursive: Bool, isOutputName: (String) -> Bool, seen: inout Set<String>) {
        // A folder reached twice (a symbolic link to a parent, say) is walked once: no endless loop.
        guard seen.insert("folder:" + URL(fileURLWithPath: folder).resolvingSymlinksInPath().path).inserted else {
            skipped.append((folder, "folder already walked (a link back into the tree)"))
            return
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            failures.append((folder, "cannot list the folder"))
            return
        }
        for name in entries {
            let path = (folder as NSString).appendingPathComponent(name)
            if name.hasPrefix(".") {
                skipped.append((path, "hidden"))
            } else if FileManager.default.isDirectory(atPath: path) {
                if recursive {
                    walk(
                        folder: path,
                        relative: (relative as NSString).appendingPathComponent(name),
                        recursive: true,
                        isOutputName: isOutputName,
                        seen: &seen
                    )
                }
            } else if isOutputName(name) {
                skipped.append((path, "looks like an earlier result (matches --name-pattern)"))
            } else if Self.looksLikeImage(path: path) {
                if seen.insert(URL(fileURLWithPath: path).standardizedFileURL.path).inserted {
                    images.append(BatchInput(source: .file(path), relativeDirectory: relative, fileName: name))
                }
            } else {
                skipped.append((path, "not an image"))
            }
        }
    }

    /// Whether an argument is a glob pattern the shell left unexpanded (not an existing path).
    static func isPattern(_ argument: String) -> Bool {
        !FileManager.default.fileExists(atPath: argument) && argument.contains(where: { "*?[".contains($0) })
    }

    /// Whether the arguments name one image file (or standard input), rather than a folder, a pattern or several.
    static func isSingleFile(_ arguments: [String]) -> Bool {
        arguments.count == 1 && !isPattern(arguments[0]) && !FileManager.default.isDirectory(atPath: arguments[0])
    }

    /// A file found in a folder is an image if its name says so or its first bytes do; a damaged
    /// `photo.png` is therefore attempted (and reported), while `notes.txt` is skipped.
    static func looksLikeImage(path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if imageExtensions.contains(ext) { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return ImageFormat.detect(handle.readData(ofLength: 8)) != nil
    }
}

/// Shell-style patterns (`*.jpg`, `shots/**` is not special) through glob(3), for patterns the shell did not expand.
enum Glob {
    static func expand(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}

extension FileManager {
    /// Whether `path` exists and is a folder.
    func isDirectory(atPath path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
