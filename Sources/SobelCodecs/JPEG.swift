internal import CCodecShim
public import Foundation
public import SobelCore

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
            try withReader(buffer, limits: limits, applyOrientation: applyOrientation) { reader, header, orientation in
                var image = try Image(width: Int(header.width), height: Int(header.height), channels: Int(header.channels))
                try read(reader, rows: image.height, into: &image)
                return orientation.map { $0.apply(to: image) } ?? image
            }
        }
    }

    /// Decodes a JPEG in bands of rows, handing each band over as soon as it is decoded. A file whose EXIF
    /// orientation turns it arrives as one band, turned.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - limits: Checked against the header before any pixel buffer is allocated.
    ///   - applyOrientation: Whether to turn the image as its EXIF orientation says (1–8).
    ///   - bandRows: Rows per band, at least 1.
    ///   - size: Called once with the width, height and channels, before the first band.
    ///   - band: Called with each band (full width) and the index of its first row, top to bottom.
    /// - Throws: ``CodecError`` (possibly after some bands were delivered), or what the closures throw.
    public static func decode(
        _ data: some ContiguousBytes,
        limits: DecodeLimits = .default,
        applyOrientation: Bool = true,
        bandRows: Int,
        size: (_ width: Int, _ height: Int, _ channels: Int) throws -> Void,
        band: (Image, _ firstRow: Int) throws -> Void
    ) throws {
        try data.withUnsafeBytes { buffer in
            try withReader(buffer, limits: limits, applyOrientation: applyOrientation) { reader, header, orientation in
                let (width, height, channels) = (Int(header.width), Int(header.height), Int(header.channels))
                if let orientation, orientation != .up {
                    var image = try Image(width: width, height: height, channels: channels)
                    try read(reader, rows: height, into: &image)
                    let turned = orientation.apply(to: image)
                    try size(turned.width, turned.height, channels)
                    try band(turned, 0)
                    return
                }
                try size(width, height, channels)
                for firstRow in stride(from: 0, to: height, by: max(1, bandRows)) {
                    var image = try Image(width: width, height: min(max(1, bandRows), height - firstRow), channels: channels)
                    try read(reader, rows: image.height, into: &image)
                    try band(image, firstRow)
                }
            }
        }
    }

    /// Opens a reader over `buffer`, checks the limits against the header, reads the EXIF orientation
    /// (when asked) and runs `body`.
    private static func withReader<R>(
        _ buffer: UnsafeRawBufferPointer,
        limits: DecodeLimits,
        applyOrientation: Bool,
        _ body: (OpaquePointer?, ccodec_header, ExifOrientation?) throws -> R
    ) throws -> R {
        try limits.check(byteCount: buffer.count)
        var reader: OpaquePointer?
        var header = ccodec_header()
        let status = ccodec_jpeg_open(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, &reader, &header)
        guard status == CCODEC_OK else { throw CodecError(status: status, message: header.messageText) }
        defer { ccodec_jpeg_close(reader) }
        try limits.check(width: Int(header.width), height: Int(header.height))
        let orientation =
            applyOrientation && header.exif != nil
            ? ExifOrientation(exif: UnsafeBufferPointer(start: header.exif, count: header.exif_size)) : nil
        return try body(reader, header, orientation)
    }

    /// Decodes the next `rows` rows into `image`.
    private static func read(_ reader: OpaquePointer?, rows: Int, into image: inout Image) throws {
        var message = ShimMessage()
        let status = image.withUnsafeMutableRows { pixels, stride in
            message.bytes.withUnsafeMutableBufferPointer { ccodec_jpeg_read_rows(reader, pixels, stride, Int32(rows), $0.baseAddress) }
        }
        guard status == CCODEC_OK else { throw CodecError(status: status, message: message.text) }
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
                ccodec_jpeg_encode(
                    pixels,
                    stride,
                    Int32(image.width),
                    Int32(image.height),
                    Int32(image.channels),
                    Int32(min(max(quality, 1), 100)),
                    output,
                    size,
                    message
                )
            }
        }
    }
}
