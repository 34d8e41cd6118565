import CCodecShim
import Foundation
import SobelCore

/// JPEG through libjpeg-turbo (the setjmp error path and message capture live in the C shim).
///
/// Decodes baseline, progressive, arithmetic-coded, grayscale, CMYK and YCCK files with restart
/// markers; 12-bit files fail with ``CodecError/unsupportedVariant(_:)``. A file that ends early is
/// ``CodecError/truncated``, never a half-grey image.
public enum JPEG {
    /// Decodes a JPEG to gray (grayscale files) or RGB (everything else).
    /// - Parameters:
    ///   - data: The whole file.
    ///   - limits: Checked against the header before any pixel buffer is allocated.
    ///   - applyOrientation: Whether to turn the image as its EXIF orientation says (1–8).
    /// - Returns: The decoded image, right side up when `applyOrientation` is set.
    /// - Throws: ``CodecError``.
    public static func decode(_ data: some ContiguousBytes, limits: DecodeLimits = .default, applyOrientation: Bool = true) throws -> Image {
        try data.withUnsafeBytes { buffer in
            try limits.check(byteCount: buffer.count)
            var reader: OpaquePointer?
            var header = ccodec_header()
            let status = ccodec_jpeg_open(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, &reader, &header)
            guard status == CCODEC_OK else { throw CodecError(status: status, message: header.messageText) }
            defer { ccodec_jpeg_close(reader) }
            try limits.check(width: Int(header.width), height: Int(header.height))
            let orientation = applyOrientation && header.exif != nil
                ? ExifOrientation(exif: UnsafeBufferPointer(start: header.exif, count: header.exif_size)) : nil
            var image = try Image(width: Int(header.width), height: Int(header.height), channels: Int(header.channels))
            var message = ShimMessage()
            let readStatus = image.withUnsafeMutableRows { pixels, stride in
                message.bytes.withUnsafeMutableBufferPointer { ccodec_jpeg_read(reader, pixels, stride, $0.baseAddress) }
            }
            guard readStatus == CCODEC_OK else { throw CodecError(status: readStatus, message: message.text) }
            return orientation.map { $0.apply(to: image) } ?? image
        }
    }

    /// Encodes a gray, RGB or RGBA (alpha dropped) image.
    /// - Parameters:
    ///   - image: Any 8-bit image.
    ///   - quality: 1 to 100; 90 by default.
    /// - Returns: The JPEG file's bytes.
    /// - Throws: ``CodecError/cannotEncode(_:)``.
    public static func encode(_ image: Image, quality: Int = 90) throws -> [UInt8] {
        try image.withUnsafeRows { pixels, stride in
            try encodedBytes { output, size, message in
                ccodec_jpeg_encode(pixels, stride, Int32(image.width), Int32(image.height), Int32(image.channels),
                                   Int32(min(max(quality, 1), 100)), output, size, message)
            }
        }
    }
}
