internal import CCodecShim
public import SobelCore

extension PNG {
    /// Decodes a PNG while it arrives, in bands of rows, handing each band over as soon as its bytes have
    /// arrived and inflated.
    ///
    /// Files the fast reader takes (8-bit gray, gray+alpha, RGB or RGBA, not interlaced) are inflated with zlib as
    /// their bytes come. Any other file is decoded once it has arrived, as ``decode(_:limits:bandRows:reader:size:band:)``
    /// does. A file found unusual after some bands (a bad CRC, image data that does not inflate to exactly the
    /// image, an early end) is decoded again whole once it has arrived; the bands already handed over are not
    /// sent again (they hold the same pixels), and the whole-file decoders decide whether the file is good.
    /// - Parameters:
    ///   - file: The arriving file.
    ///   - limits: Checked against the declared length and the header before any pixel buffer is allocated.
    ///   - bandRows: Rows per band, at least 1.
    ///   - size: Called once with the width, height and channels, before the first band.
    ///   - band: Called with each band (full width) and the index of its first row, top to bottom.
    /// - Throws: ``CodecError`` (possibly after some bands were delivered), the error the file's transfer
    ///   failed with, or what the closures throw.
    public static func decode(
        arriving file: ArrivingFile,
        limits: DecodeLimits = .default,
        bandRows: Int,
        size: (_ width: Int, _ height: Int, _ channels: Int) throws -> Void,
        band: (Image, _ firstRow: Int) throws -> Void
    ) throws {
        try limits.check(byteCount: file.expectedBytes)
        let arrived = file.waitFor(24)
        if let declared = declaredSize(UnsafeRawBufferPointer(start: file.base, count: arrived)) {
            try limits.check(width: declared.width, height: declared.height)
        }
        let wait: ccodec_arrival_wait = { context, end in
            Unmanaged<ArrivingFile>.fromOpaque(context!).takeUnretainedValue().waitFor(end)
        }
        var reader: OpaquePointer?
        var header = ccodec_header()
        let opened = withExtendedLifetime(file) {
            ccodec_png_stream_open(file.base, wait, Unmanaged.passUnretained(file).toOpaque(), UInt32(PlaneLimits.maxSide), &reader, &header)
        }
        if opened == CCODEC_NO_MEMORY { throw CodecError(status: opened, message: "out of memory") }
        guard opened == CCODEC_OK else {
            return try decodeWhenArrived(file, limits: limits, bandRows: bandRows, after: nil, size: size, band: band)
        }
        defer { ccodec_png_stream_close(reader) }
        let (width, height, channels) = (Int(header.width), Int(header.height), Int(header.channels))
        try limits.check(width: width, height: height)
        try size(width, height, channels)
        let rowsPerBand = max(1, bandRows)
        var message = ShimMessage()
        for firstRow in stride(from: 0, to: height, by: rowsPerBand) {
            let rows = min(rowsPerBand, height - firstRow)
            var image = try Image(width: width, height: rows, channels: channels)
            let status = withExtendedLifetime(file) {
                image.withUnsafeMutableRows { pixels, stride in
                    message.bytes.withUnsafeMutableBufferPointer { ccodec_png_stream_read_rows(reader, pixels, stride, Int32(rows), $0.baseAddress) }
                }
            }
            if status == CCODEC_NO_MEMORY { throw CodecError(status: status, message: "out of memory") }
            guard status == CCODEC_OK else {
                return try decodeWhenArrived(
                    file,
                    limits: limits,
                    bandRows: rowsPerBand,
                    after: (width, height, channels, firstRow),
                    size: size,
                    band: band
                )
            }
            try band(image, firstRow)
        }
        let finished = withExtendedLifetime(file) {
            message.bytes.withUnsafeMutableBufferPointer { ccodec_png_stream_finish(reader, $0.baseAddress) }
        }
        if finished != CCODEC_OK {
            try decodeWhenArrived(file, limits: limits, bandRows: rowsPerBand, after: (width, height, channels, height), size: size, band: band)
        }
    }

    /// Waits for the whole file and decodes it with the whole-file readers, handing over only the bands from row
    /// `after.rows` on when the streaming reader had already delivered the rows before it.
    private static func decodeWhenArrived(
        _ file: ArrivingFile,
        limits: DecodeLimits,
        bandRows: Int,
        after delivered: (width: Int, height: Int, channels: Int, rows: Int)?,
        size: (_ width: Int, _ height: Int, _ channels: Int) throws -> Void,
        band: (Image, _ firstRow: Int) throws -> Void
    ) throws {
        let whole = try file.waitForAll()
        try withExtendedLifetime(file) {
            try decode(
                whole,
                limits: limits,
                bandRows: bandRows,
                size: { width, height, channels in
                    guard let delivered else { return try size(width, height, channels) }
                    guard (width, height, channels) == (delivered.width, delivered.height, delivered.channels) else {
                        throw CodecError.corrupt("the file reads differently the second time")
                    }
                },
                band: { image, firstRow in
                    if firstRow >= delivered?.rows ?? 0 { try band(image, firstRow) }
                }
            )
        }
    }
}
