import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with `100 Continue`, so that clients which ask before sending a body (curl
/// does for every upload over 1 MiB) send it at once instead of waiting a second for an answer that would never
/// come. A request that declares a body over the upload limit gets no `100`: the app answers it with 413 before
/// reading, and the client need not send the body at all.
///
/// Requests on one connection are answered in order, so a request read while an earlier one's response is still
/// being written (HTTP/1.1 pipelining) gets its `100` only after that response's end: never in the middle of it.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let maxUploadBytes: Int
    /// For each request read whose response has not ended, in order: whether it still waits for its `100`.
    private var awaitingContinue: [Bool] = []

    /// - Parameter maxUploadBytes: The largest body the app accepts (``WebSettings/maxUploadBytes``).
    init(maxUploadBytes: Int) {
        self.maxUploadBytes = maxUploadBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) {
            awaitingContinue.append(
                Self.expectsContinue(request) && (request.headerFields[.contentLength].flatMap(Int.init) ?? 0) <= maxUploadBytes
            )
            if awaitingContinue.count == 1 { sendContinueIfAwaited(context: context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if case .head(let response) = part, response.status.kind != .informational, !awaitingContinue.isEmpty {
            awaitingContinue[0] = false  // answered without its body: no `100` any more
        }
        context.write(data, promise: promise)
        if case .end = part, !awaitingContinue.isEmpty {
            awaitingContinue.removeFirst()
            sendContinueIfAwaited(context: context)
        }
    }

    /// Sends `100 Continue` for the oldest request whose response has not started, if it asked for one.
    private func sendContinueIfAwaited(context: ChannelHandlerContext) {
        guard awaitingContinue.first == true else { return }
        awaitingContinue[0] = false
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }

    /// Whether the request asks for `100 Continue` (the header's value is case-insensitive).
    static func expectsContinue(_ request: HTTPRequest) -> Bool {
        request.headerFields[values: .expect].contains { $0.lowercased() == "100-continue" }
    }
}
