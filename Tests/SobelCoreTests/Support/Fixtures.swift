import Foundation
import SobelCodecs
import SobelCore
import SobelTestSupport

extension Fixtures {
    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(path))
    }

    /// The 1001×701 RGB photo.
    static func photo() throws -> Image {
        try PNM.decode(bytes("photos/photo-1001x701.ppm"))
    }
}
