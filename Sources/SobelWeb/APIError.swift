import Foundation
public import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SobelCodecs
import SobelCore
import SobelService

/// An error answered as JSON `{"error": code, "message": sentence}` with its HTTP status.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// A short machine-readable code, e.g. `bad_option`.
    public let code: String
    /// A sentence for the user.
    public let message: String
    /// Extra headers, e.g. `Retry-After`.
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        (self.status, self.code, self.message, self.headers) = (status, code, message, headers)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try json(["error": code, "message": message], status: status, headers: headers)
    }

    /// The API error for anything a handler throws: codec refusals become 413/415/400, an over-long
    /// body 413, and anything unexpected 500 without internals.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as CodecError:
            switch error {
            case .dimensionsTooLarge, .inputTooLarge: return APIError(.contentTooLarge, "too_large", error.description)
            case .empty, .notAnImage, .unsupportedFormat, .unsupportedVariant:
                return APIError(.unsupportedMediaType, "unsupported_image", error.description)
            default: return APIError(.badRequest, "bad_image", error.description)
            }
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return APIError(.contentTooLarge, "too_large", "the upload is larger than the server's limit")
        case let error as DependencyFailure:
            return APIError(.serviceUnavailable, "unavailable", "\(error); try again shortly", headers: [.retryAfter: "5"])
        case let error as TilingError:
            return APIError(.badRequest, "bad_option", error.description)
        case let error as ImageError:
            return APIError(.badRequest, "bad_image", error.description)
        case let error as HTTPError:
            return APIError(error.status, "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
        case HTTPParserError.invalidEOFState, ChannelError.eof, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed:
            // The client went away mid-request: nobody reads this answer, and it is not a server error to log.
            return APIError(.badRequest, "incomplete_request", "the connection closed before the request was complete")
        default:
            return APIError(.internalServerError, "internal", "the server failed; the error is in its log")
        }
    }
}

/// Marks every response `X-Content-Type-Options: nosniff`, so browsers never guess a type the server did not send.
struct NoSniffMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

/// Turns every error into the JSON error format, logging unexpected ones.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status == .internalServerError { context.logger.error("request failed: \(error)") }
            return try apiError.response(from: request, context: context)
        }
    }
}
