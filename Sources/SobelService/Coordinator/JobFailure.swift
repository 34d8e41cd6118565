/// An error that ends a job at once, never retried (unlike a store that is away for a moment).
protocol JobEndingError: Error {}

/// Why the coordinator gave up on a job, in words for the user; stored as ``JobRecord/error``.
struct JobFailure: JobEndingError, CustomStringConvertible {
    /// The failure's class, for metrics.
    let reason: JobFailureReason
    let description: String
    init(_ reason: JobFailureReason, _ description: String) { (self.reason, self.description) = (reason, description) }
}

/// What ``Coordinator/result(_:)`` finds.
public enum JobResult: Sendable {
    /// The encoded image and its media type.
    case done(bytes: [UInt8], mediaType: String)
    /// The job is queued or running.
    case pending(JobRecord)
    /// The job failed; the record says why.
    case failed(JobRecord)
    /// The job finished, but its result is no longer kept (past the retention, or dropped by the embedded store's
    /// bound on results held in memory).
    case gone(JobRecord)
    /// No such job (or it expired).
    case unknown
}
