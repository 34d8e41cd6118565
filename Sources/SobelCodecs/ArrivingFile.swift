public import Foundation

/// A file whose bytes are still arriving, such as an upload being received: one thread appends the bytes as
/// they come, and a decoder on another reads them as soon as they are there
/// (``ImageCodec/decode(arriving:options:bandRows:size:band:)``), so receiving and decoding overlap.
///
/// The length is declared up front (an HTTP `Content-Length`) and the buffer is allocated once, so the bytes
/// never move while the decoder reads them. Every byte stays until the file is released: a decoder that finds
/// the file unusual part-way can read it again from the start.
public final class ArrivingFile: @unchecked Sendable {
    /// The declared length: the file is complete when this many bytes have arrived.
    public let expectedBytes: Int
    private let bytes: UnsafeMutableRawPointer
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var received = 0
    private var ended = false
    private var failure: (any Error)?

    /// Why appending failed.
    public enum AppendError: Error, CustomStringConvertible {
        /// More bytes came than the declared length.
        case longerThanDeclared(Int)
        /// Bytes came after ``ArrivingFile/finish()`` or ``ArrivingFile/fail(_:)``.
        case alreadyEnded

        public var description: String {
            switch self {
            case .longerThanDeclared(let declared): "the file is longer than its declared \(declared) bytes"
            case .alreadyEnded: "bytes came after the file ended"
            }
        }
    }

    /// Allocates room for a file of `expectedBytes` bytes.
    /// - Parameter expectedBytes: The declared length, 0 or more; check it against your limits first.
    public init(expectedBytes: Int) {
        self.expectedBytes = max(0, expectedBytes)
        bytes = .allocate(byteCount: max(1, self.expectedBytes), alignment: 64)
    }

    deinit { bytes.deallocate() }

    /// Appends the next bytes; wakes a decoder waiting for them.
    /// - Parameter next: The bytes after those appended so far.
    /// - Throws: ``AppendError`` when they would go past the declared length, or the file has ended.
    public func append(_ next: UnsafeRawBufferPointer) throws {
        try condition.withLock {
            guard !ended else { throw AppendError.alreadyEnded }
            guard next.count <= expectedBytes - received else { throw AppendError.longerThanDeclared(expectedBytes) }
            if let source = next.baseAddress, !next.isEmpty {
                (bytes + received).copyMemory(from: source, byteCount: next.count)
            }
            received += next.count
            condition.broadcast()
        }
    }

    /// Says no more bytes will come: the file is what has arrived (a decoder finds it truncated if that is less
    /// than declared).
    public func finish() {
        condition.withLock {
            ended = true
            condition.broadcast()
        }
    }

    /// Says the transfer failed (the client went away, or sent too much): a decoder waiting for bytes stops and
    /// throws `error`.
    /// - Parameter error: Why.
    public func fail(_ error: any Error) {
        condition.withLock {
            if !ended { failure = error }
            ended = true
            condition.broadcast()
        }
    }

    /// The bytes that have arrived so far.
    public var receivedBytes: Int { condition.withLock { received } }

    /// Blocks until the first `end` bytes have arrived or no more will come.
    /// - Parameter end: A byte count.
    /// - Returns: The bytes that have arrived (less than `end` only when the file ended or failed first).
    func waitFor(_ end: Int) -> Int {
        condition.withLock {
            while received < end && received < expectedBytes && !ended { condition.wait() }
            return received
        }
    }

    /// Blocks until the file has ended.
    /// - Returns: Every byte that arrived; valid while this object lives.
    /// - Throws: The error given to ``fail(_:)``.
    func waitForAll() throws -> UnsafeRawBufferPointer {
        let count = try condition.withLock {
            while received < expectedBytes && !ended { condition.wait() }
            if let failure { throw failure }
            return received
        }
        return UnsafeRawBufferPointer(start: bytes, count: count)
    }

    /// The start of the bytes, for a decoder that reads only what ``waitFor(_:)`` said has arrived.
    var base: UnsafePointer<UInt8> { UnsafePointer(bytes.assumingMemoryBound(to: UInt8.self)) }
}
