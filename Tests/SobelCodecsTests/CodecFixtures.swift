import Foundation
import SobelCodecs
import SobelCore

/// Files under the repository's `Fixtures/` folder.
enum CodecFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ path: String) throws -> [UInt8] {
        try Array(Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func names(in folder: String, matching predicate: (String) -> Bool) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            .filter(predicate).sorted().map { "\(folder)/\($0)" }
    }

    static let validPNGs = (try? names(in: "pngsuite") { $0.hasSuffix(".png") && !$0.hasPrefix("x") }) ?? []
    static let corruptPNGs = (try? names(in: "pngsuite") { $0.hasSuffix(".png") && $0.hasPrefix("x") }) ?? []
}

/// FNV-1a 64 of packed pixels, as the fixture generators compute it.
func digest(_ image: Image) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in image.pixels { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let text = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - text.count) + text
}

struct DecodeDigests: Decodable {
    struct Entry: Decodable {
        let width: Int
        let height: Int
        let gray: String
    }

    let opencv: String
    let images: [String: Entry]

    static let shared = try! JSONDecoder().decode(DecodeDigests.self, from: Data(contentsOf: CodecFixtures.root.appendingPathComponent("golden/decode.json")))
}

/// A small, fast, seeded generator.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
