public import Foundation
public import SobelCore

/// The repository's `Fixtures/` folder and the digests its goldens use.
public enum Fixtures {
    /// `Fixtures/`.
    public static let root = Repository.url("Fixtures")

    /// The bytes of a file under `Fixtures/`.
    /// - Parameter path: A path relative to `Fixtures/`.
    /// - Returns: The file's bytes.
    public static func bytes(_ path: String) throws -> [UInt8] {
        try Array(Data(contentsOf: root.appendingPathComponent(path)))
    }
}

/// FNV-1a 64 of a plane's packed little-endian bytes, as the golden generators compute it.
/// - Parameter plane: Any plane.
/// - Returns: 16 lowercase hex digits.
public func fnv1a64<E: FixedWidthInteger>(_ plane: Plane<E>) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in plane.pixels {
        withUnsafeBytes(of: value.littleEndian) { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
    }
    let text = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - text.count) + text
}
