import Foundation
import Glibc
import Synchronization

/// Writes files whole or not at all: bytes go to a hidden temporary file in the same folder, which is
/// renamed over the target only when complete. Temporary files still open when the process is
/// interrupted are removed by ``removeAllPending()``.
enum AtomicFile {
    private static let pending = Mutex<Set<String>>([])

    /// Writes a file produced piece by piece by `content`, creating parent folders.
    /// - Parameters:
    ///   - path: The destination.
    ///   - overwrite: Whether an existing file may be replaced.
    ///   - shouldCommit: Asked after the bytes are on disk; `false` abandons the write (e.g. after Ctrl-C).
    ///   - content: Calls its argument with consecutive pieces of the file.
    /// - Returns: Whether the file was written.
    static func write(
        to path: String,
        overwrite: Bool,
        shouldCommit: () -> Bool,
        content: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws -> Bool {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        _ = pending.withLock { $0.insert(temporary) }
        defer {
            _ = pending.withLock { $0.remove(temporary) }
            unlink(temporary)
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        do {
            defer { close(descriptor) }
            try content { try FileDescriptorOutput.writeAll($0, to: descriptor) }
        }
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

/// Whole-buffer writes to a file descriptor, retrying short writes and EINTR.
enum FileDescriptorOutput {
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            offset += written
        }
    }
}
