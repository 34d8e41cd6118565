import CCodecShim
import Dispatch
import SobelCore
import Synchronization

/// Writes PNG files from full-width strips that are filtered and deflated independently — on
/// several threads if asked — then joined into one IDAT stream (Z_SYNC_FLUSH between strips,
/// Adler-32 joined with `adler32_combine`). Bytes go to a sink as they are ready, so a file is never
/// held whole in memory.
struct PNGWriter {
    let image: Image
    let options: PNGEncodeOptions
    let threads: Int
    /// Rows per strip: about 4 MiB of raw pixels by default, so one strip's output stays small.
    let rowsPerStrip: Int

    init(image: Image, options: PNGEncodeOptions, threads: Int, rowsPerStrip: Int? = nil) {
        self.image = image
        self.options = options
        self.threads = threads
        self.rowsPerStrip = max(1, rowsPerStrip ?? (4 << 20) / max(1, image.width * image.channels))
    }

    func write(to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let colorType: UInt8 = image.channels == 1 ? 0 : image.channels == 3 ? 2 : 6
        try emit([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], to: sink)
        try chunk("IHDR", bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height)) + [8, colorType, 0, 0, 0], to: sink)
        let strips = stride(from: 0, to: image.height, by: rowsPerStrip).map { $0..<min($0 + rowsPerStrip, image.height) }
        var adler: UInt32 = 1
        var first = true
        for group in stride(from: 0, to: strips.count, by: max(1, threads)).map({ strips[$0..<min($0 + max(1, threads), strips.count)] }) {
            let segments = try deflate(Array(group), isLast: group.last == strips.last)
            for (rows, segment) in zip(group, segments) {
                adler = first ? segment.adler : ccodec_adler32_combine(adler, segment.adler, rows.count * (image.width * image.channels + 1))
                var data = first ? [0x78, 0x01] : [UInt8]()  // zlib header: deflate, 32 KiB window
                first = false
                data += segment.bytes
                if rows == strips.last { data += bigEndian(adler) }
                try chunk("IDAT", data, to: sink)
            }
        }
        try chunk("IEND", [], to: sink)
    }

    private struct Segment {
        var bytes: [UInt8] = []
        var adler: UInt32 = 1
        var failure: CodecError?
    }

    /// Deflates strips side by side.
    private func deflate(_ strips: [Range<Int>], isLast: Bool) throws -> [Segment] {
        let settings = ccodec_png_options(level: Int32(options.level), strategy: Int32(options.strategy.rawValue),
                                          filters: Int32(options.filter.pngFilterBits))
        let results = Mutex<[Segment?]>(Array(repeating: nil, count: strips.count))
        image.withUnsafeRows { base, stride in
            let address = UInt(bitPattern: base)
            let (width, channels) = (image.width, image.channels)
            DispatchQueue.concurrentPerform(iterations: strips.count) { index in
                let rows = strips[index]
                let base = UnsafePointer<UInt8>(bitPattern: address)!
                let start = base + rows.lowerBound * stride
                var output: UnsafeMutablePointer<UInt8>?
                var size = 0
                var adler: UInt32 = 1
                var message = ShimMessage()
                let status = message.bytes.withUnsafeMutableBufferPointer {
                    ccodec_png_deflate_strip(start, stride, rows.lowerBound > 0 ? start - stride : nil, Int32(width), Int32(rows.count),
                                             Int32(channels), settings, isLast && index == strips.count - 1 ? 1 : 0,
                                             &output, &size, &adler, $0.baseAddress)
                }
                defer { ccodec_free(output) }
                let segment = status == CCODEC_OK && output != nil
                    ? Segment(bytes: Array(UnsafeBufferPointer(start: output, count: size)), adler: adler)
                    : Segment(failure: CodecError(status: status, message: message.text))
                results.withLock { $0[index] = segment }
            }
        }
        let segments = results.withLock { $0.map { $0! } }
        if let failure = segments.compactMap(\.failure).first { throw failure }
        return segments
    }

    private func chunk(_ type: String, _ data: [UInt8], to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let typeBytes = Array(type.utf8)
        var crc = ccodec_crc32(0, nil, 0)
        crc = ccodec_crc32(crc, typeBytes, typeBytes.count)
        crc = data.withUnsafeBufferPointer { ccodec_crc32(crc, $0.baseAddress, $0.count) }
        try emit(bigEndian(UInt32(data.count)) + typeBytes, to: sink)
        try data.withUnsafeBytes(sink)
        try emit(bigEndian(crc), to: sink)
    }

    private func emit(_ bytes: [UInt8], to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try bytes.withUnsafeBytes(sink)
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

