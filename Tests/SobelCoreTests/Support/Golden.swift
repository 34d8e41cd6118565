import Foundation
import SobelCore
import SobelTestSupport
import Testing

/// `Fixtures/golden/golden.json`: small inputs and OpenCV 5's outputs for them.
struct GoldenSet: Decodable {
    struct Output: Decodable {
        let dtype: String
        let data: String
    }

    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let width: Int
        let height: Int
        let rgb: String
        let outputs: [String: Output]

        var testDescription: String { name }

        var rgbImage: Image { try! Image(width: width, height: height, channels: 3, pixels: Data(base64Encoded: rgb)!) }

        func image(_ key: String) -> Image {
            let output = outputs[key]!
            precondition(output.dtype == "u8")
            return try! Image(width: width, height: height, pixels: Data(base64Encoded: output.data)!)
        }

        func gradient(_ key: String) -> GradientPlane {
            let output = outputs[key]!
            precondition(output.dtype == "i16le")
            let bytes = Data(base64Encoded: output.data)!
            let values = stride(from: 0, to: bytes.count, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
            return try! GradientPlane(width: width, height: height, pixels: values)
        }
    }

    let opencv: String
    let cases: [Case]

    static let shared: GoldenSet = try! JSONDecoder().decode(GoldenSet.self, from: Fixtures.data("golden/golden.json"))
}

/// `Fixtures/golden/photo.json`: digests of OpenCV 5's outputs on the photo.
struct PhotoDigests: Decodable {
    let width: Int
    let height: Int
    let digests: [String: String]

    static let shared: PhotoDigests = try! JSONDecoder().decode(PhotoDigests.self, from: Fixtures.data("golden/photo.json"))
}
