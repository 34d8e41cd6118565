public import Foundation
public import SobelCore

extension ImageCodec {
    /// Reads and decodes an image file, holding as little at once as it can: a PNG the fast reader takes has its
    /// image data copied out and the file's bytes released before the image is allocated (so a large PNG's file
    /// and image are not both in memory while it inflates); in the rare case the whole-file readers must then
    /// decode it, the file is read again.
    /// - Parameters:
    ///   - url: A file.
    ///   - options: Limits (the file's size is checked before it is read) and EXIF handling.
    /// - Returns: A gray, RGB or RGBA image.
    /// - Throws: ``CodecError``, or the error reading the file threw.
    public static func decode(fileAt url: URL, options: DecodeOptions = DecodeOptions()) throws -> Image {
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int {
            try options.limits.check(byteCount: size)
        }
        var data: Data? = try Data(contentsOf: url)
        if data!.withUnsafeBytes({ ImageFormat.detect($0) }) == .png, let image = try PNG.decode(releasing: &data, limits: options.limits) {
            return image
        }
        return try decode(data ?? Data(contentsOf: url), options: options)
    }
}
