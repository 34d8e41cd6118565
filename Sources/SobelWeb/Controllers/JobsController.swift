import Foundation
import Hummingbird
import SobelCodecs
import SobelService

/// `/api/v1/jobs`: upload an image, follow its job, fetch the result.
struct JobsController {
    let coordinator: Coordinator
    let settings: WebSettings
    /// Shared by every upload of this server.
    let uploads: UploadBudget

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: create)
        group.get(":id", use: status)
        group.get(":id/result", use: result)
    }

    /// `POST /api/v1/jobs`: a raw image body (`Content-Type: image/*`) with options in the query, or
    /// `multipart/form-data` with an `image` field and option fields (the page's form without JavaScript).
    /// Answers 202 with the job's URLs, or with `wait=true` the result image itself.
    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let fields = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let type = request.headers[.contentType] ?? ""
        let boundary = MultipartForm.boundary(of: type)
        guard boundary != nil || type.lowercased().hasPrefix("image/") || type.lowercased().hasPrefix("application/octet-stream") else {
            throw APIError(
                .unsupportedMediaType,
                "unsupported_media_type",
                "send the image as the body with Content-Type image/png, image/jpeg or image/x-portable-anymap, or as the 'image' field of multipart/form-data"
            )
        }
        _ = try JobQuery(fields)  // bad query options are refused before the upload is read
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > settings.maxUploadBytes {
            throw APIError(
                .contentTooLarge,
                "too_large",
                "the upload declares \(declared) bytes, over the server's limit of \(settings.maxUploadBytes >> 20) MiB"
            )
        }
        let depth = try await blocking { [coordinator] in try coordinator.queueDepth() }
        guard depth <= settings.maxQueueDepth else {
            throw APIError(
                .serviceUnavailable,
                "busy",
                "the queue holds \(depth) chunks, over its limit of \(settings.maxQueueDepth); try again shortly",
                headers: [.retryAfter: "5"]
            )
        }
        let (id, query) = try await receive(request, declared: declared, fields: fields, boundary: boundary)
        if query.wait {
            if let pieces = coordinator.resultPieces(id), try await blocking({ pieces.waitUntilUnderway() }) {
                return streamedResult(pieces)
            }
            return try await waitedResult(id)
        }
        let created = JobCreatedResponse(id: id.description, statusURL: "/api/v1/jobs/\(id)", resultURL: "/api/v1/jobs/\(id)/result")
        var response = try json(created, status: .accepted)
        response.headers[.location] = created.statusURL
        return response
    }

    /// Reads the upload within the server's budget for uploads still arriving, and submits it. A raw body with a
    /// declared length is decoded while it arrives (the job starts with its first rows); a form, or a body sent
    /// without a length, is read whole first. The body and its reservation are given up when this returns,
    /// before any wait for the result.
    private func receive(_ request: Request, declared: Int?, fields: [(String, String)], boundary: String?) async throws -> (JobID, JobQuery) {
        guard let reservation = uploads.reserve(min(declared ?? settings.maxUploadBytes, settings.maxUploadBytes)) else {
            throw APIError(
                .serviceUnavailable,
                "busy",
                "the server is receiving as many uploads as it holds at once (\(settings.maxPendingUploadBytes >> 20) MiB); try again shortly",
                headers: [.retryAfter: "5"]
            )
        }
        defer { reservation.release() }
        if boundary == nil, let declared {
            let query = try JobQuery(fields)
            return (try await submitWhileArriving(request.body, length: declared, options: query.options), query)
        }
        var fields = fields
        let body = try await request.body.collect(upTo: settings.maxUploadBytes)  // refused while streaming when too large
        let upload: [UInt8]
        if let boundary {
            let form = try MultipartForm.fields(of: body, boundary: boundary)
            guard let image = form.first(where: { $0.name == "image" }), !image.bytes.isEmpty else {
                throw APIError(.badRequest, "bad_option", "the form has no 'image' file")
            }
            upload = image.bytes
            fields += form.filter { $0.name != "image" && !$0.bytes.isEmpty }.map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) }
        } else {
            upload = Array(buffer: body)
        }
        let query = try JobQuery(fields)
        let options = query.options
        let id = try await blocking { [coordinator] in try coordinator.submit(encoded: upload, options: options) }
        return (id, query)
    }

    /// Submits a body of `length` bytes that the coordinator decodes on its own thread while this task receives
    /// it. A transfer that fails (the client goes away, or goes silent past the idle timeout) ends the decode with
    /// that error.
    private func submitWhileArriving(_ body: RequestBody, length: Int, options: JobOptions) async throws -> JobID {
        let file = ArrivingFile(expectedBytes: length)
        async let id = blocking { [coordinator] in try coordinator.submit(arriving: file, options: options) }
        do {
            for try await buffer in body {
                try buffer.withUnsafeReadableBytes { try file.append($0) }
            }
            file.finish()
        } catch {
            file.fail(error)
        }
        return try await id
    }

    /// `GET /api/v1/jobs/{id}`: the job's status, tiles and timings, from any replica.
    @Sendable func status(request: Request, context: AppRequestContext) async throws -> Response {
        let id = try jobID(context)
        guard let record = try await blocking({ [coordinator] in try coordinator.status(id) }) else { throw unknownJob }
        return try json(JobStatusResponse(record), status: .ok)
    }

    /// `GET /api/v1/jobs/{id}/result`: the image (200), 409 while the job runs, 404 for an unknown job,
    /// 422 for a failed one.
    @Sendable func result(request: Request, context: AppRequestContext) async throws -> Response {
        let id = try jobID(context)
        return try image(of: try await blocking { [coordinator] in try coordinator.result(id) })
    }

    /// The PNG result sent as its strips are deflated (chunked transfer encoding), so most of the file is on its
    /// way while the last tiles are rendered; the last piece comes once the job is done. The answer begins once
    /// some of the image is deflated (a job that fails before that gets its 422 with the reason); a job that
    /// fails after it began ends the connection before the file's end: the client sees a cut transfer, never a
    /// whole file.
    private func streamedResult(_ pieces: ResultPieces) -> Response {
        let (buffers, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        Thread.detachNewThread {
            do {
                while let piece = try pieces.next() { continuation.yield(ByteBuffer(bytes: piece)) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return Response(status: .ok, headers: [.contentType: ImageFormat.png.mediaType], body: ResponseBody(asyncSequence: buffers))
    }

    private func waitedResult(_ id: JobID) async throws -> Response {
        let timeout = coordinator.settings.deadline + .seconds(5)
        return try image(of: try await blocking { [coordinator] in try coordinator.waitForResult(id, timeout: timeout) })
    }

    private func image(of result: JobResult) throws -> Response {
        switch result {
        case .done(let bytes, let mediaType):
            return Response(
                status: .ok,
                headers: [.contentType: mediaType, .contentLength: String(bytes.count)],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes))
            )
        case .pending(let record):
            throw APIError(.conflict, "not_ready", "the job is \(record.status.rawValue): \(record.tilesDone) of \(record.tilesTotal) tiles done")
        case .failed(let record):
            throw APIError(.unprocessableContent, "job_failed", record.error ?? "the job failed")
        case .gone:
            throw APIError(
                .gone,
                "result_gone",
                "the job is done but its result is no longer kept: results are kept for the retention period (SOBEL_RETENTION_SECONDS), and the embedded mode keeps the newest 256 MiB of them"
            )
        case .unknown:
            throw unknownJob
        }
    }

    private var unknownJob: APIError { APIError(.notFound, "unknown_job", "no such job (job results are kept for an hour)") }

    /// The `{id}` path parameter as a job id; anything that is not a job id is an unknown job (404).
    private func jobID(_ context: AppRequestContext) throws -> JobID {
        guard let text = context.parameters.get("id"), let id = JobID(text) else { throw unknownJob }
        return id
    }
}
