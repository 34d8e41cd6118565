import SobelService

/// `GET /api/v1/jobs/{id}`: the job's public state.
struct JobStatusResponse: Codable {
    let id: String
    let status: JobStatus
    let tilesDone: Int
    let tilesTotal: Int
    let error: String?
    let timings: StageTimings
    /// The result's min, max, mean (and Otsu level), once done.
    let statistics: ResultStatistics?

    init(_ record: JobRecord) {
        (id, status, tilesDone, tilesTotal, error, timings) = (
            record.id.description, record.status, record.tilesDone, record.tilesTotal, record.error, record.timings
        )
        statistics = record.statistics
    }

    enum CodingKeys: String, CodingKey {
        case id, status
        case tilesDone = "tiles_done"
        case tilesTotal = "tiles_total"
        case error, timings, statistics
    }
}

/// `POST /api/v1/jobs` → 202: where to follow the job.
struct JobCreatedResponse: Codable {
    let id: String
    let statusURL: String
    let resultURL: String

    enum CodingKeys: String, CodingKey {
        case id
        case statusURL = "status_url"
        case resultURL = "result_url"
    }
}
