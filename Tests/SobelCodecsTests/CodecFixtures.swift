import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport

/// Files under the repository's `Fixtures/` folder.
enum CodecFixtures {
    static let root = Fixtures.root

    static func bytes(_ path: String) throws -> [UInt8] { try Fixtures.bytes(path) }

    static func names(in folder: String, matching predicate: (String) -> Bool) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            .filter(predicate).sorted().map { "\(folder)/\($0)" }
    }

    static let validPNGs = (try? names(in: "pngsuite") { $0.hasSuffix(".png") && !$0.hasPrefix("x") }) ?? []
    static let corruptPNGs = (try? names(in: "pngsuite") { $0.hasSuffix(".png") && $0.hasPrefix("x") }) ?? []
}

/// FNV-1a 64 of an image's packed pixels.
func digest(_ image: Image) -> String { fnv1a64(image) }

struct DecodeDigests: Decodable {
    struct Entry: Decodable {
        let width: Int
        let height: Int
        let gray: String
    }

    let opencv: String
    let images: [String: Entry]

    static let shared = try! JSONDecoder().decode(
        DecodeDigests.self,
        from: Data(contentsOf: CodecFixtures.root.appendingPathComponent("golden/decode.json"))
    )
}
