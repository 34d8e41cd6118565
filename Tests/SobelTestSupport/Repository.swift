public import Foundation

/// The repository the tests run in, found once from this source file's path.
public enum Repository {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file or folder of the repository.
    /// - Parameter path: A path relative to the root, e.g. `docs/openapi.yaml`.
    /// - Returns: Its URL.
    public static func url(_ path: String) -> URL {
        root.appendingPathComponent(path)
    }
}
