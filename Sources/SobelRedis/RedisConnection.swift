internal import CHiredis
import Foundation
import SobelConnections
import Synchronization

/// A synchronous connection to one Redis server through hiredis.
///
/// Commands run one at a time (a lock serialises callers), so a blocking command such as `BLPOP`
/// occupies the connection: give blocking waits a connection of their own. A broken connection is
/// re-made, with exponential backoff, before the next command; the command that was in flight
/// throws ``RedisError/connectionLost(_:)`` because it may or may not have run.
public final class RedisConnection: @unchecked Sendable {
    /// How long one command may take before it fails (a blocking command's own timeout is added).
    public let commandTimeout: Duration
    /// How long to keep trying to reconnect before a command fails with ``RedisError/unreachable(_:)``.
    public let reconnectWindow: Duration
    /// The server, with its credentials (``RedisURL/description`` hides the password).
    public let url: RedisURL
    private let lock = Mutex<OpaquePointer?>(nil)

    /// Connects to `url`, logging in and selecting its database.
    /// - Parameters:
    ///   - url: The server.
    ///   - commandTimeout: The time limit for one command.
    ///   - reconnectWindow: How long to retry a lost connection.
    /// - Throws: ``RedisError`` when the server cannot be reached or refuses the login.
    public init(url: RedisURL, commandTimeout: Duration = .seconds(5), reconnectWindow: Duration = .seconds(10)) throws {
        self.url = url
        self.commandTimeout = commandTimeout
        self.reconnectWindow = reconnectWindow
        try lock.withLock { context in context = try connect() }
    }

    deinit {
        lock.withLock { context in
            if let context { redisFree(UnsafeMutablePointer(context)) }
        }
    }

    /// Runs one command.
    /// - Parameters:
    ///   - arguments: The command and its arguments, e.g. `["SET", key, value]`; each is sent as bytes.
    ///   - blockingFor: For blocking commands (`BLPOP key 5`), their own timeout, added to the command timeout.
    /// - Returns: The reply.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func send(_ arguments: [RedisArgument], blockingFor: Duration = .zero) throws -> RedisReply {
        try lock.withLock { context -> RedisReply in
            if context == nil { context = try connect() }
            let raw = UnsafeMutablePointer<redisContext>(context!)
            redisSetTimeout(raw, (commandTimeout + blockingFor).timeval)
            let byteArguments = arguments.map(\.bytes)
            let reply = Self.withArgv(byteArguments) { argv, lengths in
                redisCommandArgv(raw, Int32(byteArguments.count), argv, lengths)
            }
            guard let reply else {
                let detail = Self.errorText(raw)
                redisFree(raw)
                context = nil
                throw RedisError.connectionLost(detail)
            }
            defer { freeReplyObject(reply) }
            let parsed = Self.parse(reply.assumingMemoryBound(to: redisReply.self).pointee)
            if case .failure(let error) = parsed { throw error }
            return try parsed.get()
        }
    }

    /// Convenience for text arguments.
    @discardableResult
    public func send(_ arguments: String..., blockingFor: Duration = .zero) throws -> RedisReply {
        try send(arguments.map { RedisArgument.text($0) }, blockingFor: blockingFor)
    }

    private func connect() throws -> OpaquePointer {
        var backoff = Backoff(window: reconnectWindow)
        var lastError = "no attempt"
        while true {
            if let context = redisConnectWithTimeout(url.host, Int32(url.port), commandTimeout.timeval) {
                if context.pointee.err == 0 {
                    do {
                        try handshake(context)
                        return OpaquePointer(context)
                    } catch let error as RedisError {
                        redisFree(context)
                        if case .server = error { throw error }  // wrong password, bad database: retrying will not help
                        lastError = error.description
                    }
                } else {
                    lastError = Self.errorText(context)
                    redisFree(context)
                }
            }
            guard backoff.sleep() else { throw RedisError.unreachable("\(url) (\(lastError))") }
        }
    }

    /// AUTH and SELECT on a fresh connection.
    private func handshake(_ context: UnsafeMutablePointer<redisContext>) throws {
        var commands: [[[UInt8]]] = []
        if let password = url.password {
            commands.append(url.user.map { ["AUTH", $0, password].map { Array($0.utf8) } } ?? ["AUTH", password].map { Array($0.utf8) })
        }
        if url.database != 0 { commands.append(["SELECT", String(url.database)].map { Array($0.utf8) }) }
        for command in commands {
            guard let reply = Self.withArgv(command, { redisCommandArgv(context, Int32(command.count), $0, $1) }) else {
                throw RedisError.connectionLost(Self.errorText(context))
            }
            defer { freeReplyObject(reply) }
            _ = try Self.parse(reply.assumingMemoryBound(to: redisReply.self).pointee).get()
        }
    }

    private static func parse(_ reply: redisReply) -> Result<RedisReply, RedisError> {
        func text() -> String { String(decoding: bytes(), as: UTF8.self) }
        func bytes() -> [UInt8] {
            guard let pointer = reply.str else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: reply.len))
        }
        switch reply.type {
        case chiredis_reply_string: return .success(.bulk(bytes()))
        case chiredis_reply_status: return .success(.status(text()))
        case chiredis_reply_integer: return .success(.integer(Int(reply.integer)))
        case chiredis_reply_nil: return .success(.null)
        case chiredis_reply_error: return .failure(.server(text()))
        case chiredis_reply_array:
            var elements: [RedisReply] = []
            for index in 0..<reply.elements {
                guard let element = reply.element[index] else {
                    elements.append(.null)
                    continue
                }
                switch parse(element.pointee) {
                case .success(let value): elements.append(value)
                case .failure(let error): return .failure(error)
                }
            }
            return .success(.array(elements))
        default: return .failure(.server("unknown reply type \(reply.type)"))
        }
    }

    private static func withArgv<R>(_ arguments: [[UInt8]], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        let lengths = arguments.map(\.count)
        let buffers = arguments.map { bytes -> UnsafeMutablePointer<CChar> in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBytes {
                UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(buffer), byteCount: bytes.count)
            }
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        var pointers = buffers.map { Optional(UnsafePointer($0)) }
        return pointers.withUnsafeMutableBufferPointer { argv in lengths.withUnsafeBufferPointer { body(argv.baseAddress!, $0.baseAddress!) } }
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

/// One argument of a Redis command: text or raw bytes.
public enum RedisArgument: Sendable, ExpressibleByStringLiteral {
    /// UTF-8 text.
    case text(String)
    /// Raw bytes, sent as they are.
    case bytes([UInt8])

    public init(stringLiteral value: String) { self = .text(value) }

    var bytes: [UInt8] {
        switch self {
        case .text(let text): Array(text.utf8)
        case .bytes(let bytes): bytes
        }
    }
}
