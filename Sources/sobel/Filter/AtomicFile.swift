import Foundation
import Synchronization

/// Writes files whole or not at all: bytes go to a hidden temporary file in the same folder, which is
/// renamed over the target only when complete. Temporary files still open when the process is
/// interrupted are removed by ``removeAllPending()``.
enum AtomicFile {
    private static let pending = Mutex<Set<String>>([])

    /// Writes `bytes` to `path`, creating parent folders.
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - path: The destination.
    ///   - overwrite: Whether an existing file may be replaced.
    ///   - shouldCommit: Asked after the bytes are on disk; `false` abandons the write (e.g. after Ctrl-C).
    /// - Returns: Whether the file was written.
    static func write(_ bytes: [UInt8], to path: String, overwrite: Bool, shouldCommit: () -> Bool) throws -> Bool {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        _ = pending.withLock { $0.insert(temporary) }
        defer {
            _ = pending.withLock { $0.remove(temporary) }
            unlink(temporary)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        guard shouldCommit() else { return false }
        if overwrite {
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } else {
            // link(2) fails if the target exists, so a file that appeared meanwhile is never replaced.
            guard link(temporary, path) == 0 else {
                throw errno == EEXIST ? OutputExists(path: path) : POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
        return true
    }

    /// Removes every temporary file still being written (called on interruption).
    static func removeAllPending() {
        pending.withLock { paths in
            for path in paths { unlink(path) }
        }
    }

    struct OutputExists: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) exists (use --overwrite to replace it)" }
    }
}
