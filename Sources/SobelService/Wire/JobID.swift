import Foundation

/// A job's identity: a random UUID, written in lower case. Parsing is strict, so a job id taken from a
/// request can never name anything but a job.
public struct JobID: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    private let uuid: UUID

    /// A new random id.
    public init() { uuid = UUID() }

    /// Parses an id.
    /// - Parameter description: A UUID such as `7c9e6679-7425-40de-944b-e07fc1f90ae7`; `nil` for anything else.
    public init?(_ description: String) {
        guard description.utf8.count == 36, let uuid = UUID(uuidString: description) else { return nil }
        self.uuid = uuid
    }

    public var description: String { uuid.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = JobID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a job id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
