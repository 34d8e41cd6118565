import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with `100 Continue`, so that clients which ask before sending a body (curl
/// does for every upload over 1 MiB) send it at once instead of waiting a second for an answer that would never
/// come. A request that declares a body over the upload limit gets no `100`: the app answers it with 413 before
/// reading, and the client need not send the body at all.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let maxUploadBytes: Int

    /// - Parameter maxUploadBytes: The largest body the app accepts (``WebSettings/maxUploadBytes``).
    init(maxUploadBytes: Int) {
        self.maxUploadBytes = maxUploadBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data), Self.expectsContinue(request),
            (request.headerFields[.contentLength].flatMap(Int.init) ?? 0) <= maxUploadBytes
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }

    /// Whether the request asks for `100 Continue` (the header's value is case-insensitive).
    static func expectsContinue(_ request: HTTPRequest) -> Bool {
        request.headerFields[values: .expect].contains { $0.lowercased() == "100-continue" }
    }
}
