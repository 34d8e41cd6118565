// PNG's IDAT is one zlib stream, but it can be built from independently deflated full-width strips:
// each strip ends with Z_SYNC_FLUSH (byte-aligned, no final block) except the last, which ends with
// Z_FINISH; the stream's Adler-32 is the strips' checksums joined with adler32_combine. So strips can
// be filtered and compressed on different threads (or different machines) and concatenated.
#include "CCodecShim.h"
#include "deflate_rle.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint8_t paeth(int a, int b, int c) {
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (uint8_t)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

// Writes filter type `type` and the filtered bytes of `row` (previous row `above`, or NULL) into `out`.
// One loop per filter type, so the compiler can vectorise None, Sub and Up.
static void filter_row(int type, const uint8_t *restrict row, const uint8_t *restrict above, size_t length, int bpp,
                       uint8_t *restrict out) {
    out[0] = (uint8_t)type;
    uint8_t *o = out + 1;
    size_t lead = length < (size_t)bpp ? length : (size_t)bpp;
    switch (type) {
    case 0:
        memcpy(o, row, length);
        break;
    case 1:
        memcpy(o, row, lead);
        for (size_t i = lead; i < length; i++) o[i] = (uint8_t)(row[i] - row[i - bpp]);
        break;
    case 2:
        if (above == NULL) { memcpy(o, row, length); break; }
        for (size_t i = 0; i < length; i++) o[i] = (uint8_t)(row[i] - above[i]);
        break;
    case 3:
        for (size_t i = 0; i < lead; i++) o[i] = (uint8_t)(row[i] - ((above ? above[i] : 0) >> 1));
        for (size_t i = lead; i < length; i++) o[i] = (uint8_t)(row[i] - ((row[i - bpp] + (above ? above[i] : 0)) >> 1));
        break;
    default:
        for (size_t i = 0; i < lead; i++) o[i] = (uint8_t)(row[i] - (above ? above[i] : 0));  // Paeth with a = c = 0 is Up
        for (size_t i = lead; i < length; i++) {
            o[i] = (uint8_t)(row[i] - (above ? paeth(row[i - bpp], above[i], above[i - bpp]) : row[i - bpp]));
        }
        break;
    }
}

// The heuristic libpng uses for adaptive filtering: the smallest sum of bytes read as signed.
static unsigned long signed_sum(const uint8_t *filtered, size_t length) {
    unsigned long sum = 0;
    for (size_t i = 0; i < length; i++) sum += filtered[i] < 128 ? filtered[i] : 256 - filtered[i];
    return sum;
}

/// Whether `filters` names one filter (the others: several, chosen per row by the smallest signed sum).
static int is_adaptive(int filters) {
    return filters != 0x08 && filters != 0x10 && filters != 0x20 && filters != 0x40 && filters != 0x80;
}

/// Filters one row with the options' filter (or the best of the five, when adaptive) into `scratch`, which
/// holds 6 rows of `length + 1` bytes; returns the filtered row (its filter byte first).
static const uint8_t *filtered_row(int filters, const uint8_t *row, const uint8_t *above, size_t length, int channels,
                                   uint8_t *scratch) {
    if (!is_adaptive(filters)) {
        const int fixed = filters == 0x08 ? 0 : filters == 0x10 ? 1 : filters == 0x20 ? 2 : filters == 0x40 ? 3 : 4;
        filter_row(fixed, row, above, length, channels, scratch);
        return scratch;
    }
    const uint8_t *chosen = scratch;
    unsigned long best = ~0UL;
    for (int type = 0; type < 5; type++) {
        uint8_t *candidate = scratch + (size_t)(type + 1) * (length + 1);
        filter_row(type, row, above, length, channels, candidate);
        unsigned long sum = signed_sum(candidate + 1, length);
        if (sum < best) {
            best = sum;
            chosen = candidate;
        }
    }
    return chosen;
}

/// Level 1 with Z_RLE: the whole strip filtered into one buffer, then deflated by our run-length encoder
/// (deflate_rle.c), which writes the same kind of stream as zlib's Z_RLE several times faster.
static ccodec_status deflate_strip_runs(const uint8_t *rows, size_t stride, const uint8_t *row_above, int width, int height,
                                        int channels, int filters, int last, uint8_t **output, size_t *output_size,
                                        uint32_t *adler, char *message) {
    const size_t length = (size_t)width * (size_t)channels;
    const size_t total = (length + 1) * (size_t)height;
    uint8_t *scratch = malloc(6 * (length + 1)), *filtered = malloc(total ? total : 1);
    const size_t capacity = ccodec_deflate_rle_bound(total);
    uint8_t *buffer = malloc(capacity);
    if (scratch == NULL || filtered == NULL || buffer == NULL) {
        free(scratch);
        free(filtered);
        free(buffer);
        strncpy(message, "out of memory", CCODEC_MESSAGE_SIZE - 1);
        return CCODEC_NO_MEMORY;
    }
    for (int y = 0; y < height; y++) {
        const uint8_t *row = rows + (size_t)y * stride;
        const uint8_t *chosen = filtered_row(filters, row, y > 0 ? row - stride : row_above, length, channels, scratch);
        memcpy(filtered + (size_t)y * (length + 1), chosen, length + 1);
    }
    free(scratch);
    const size_t written = ccodec_deflate_rle(filtered, total, last, buffer, capacity);
    *adler = (uint32_t)adler32(adler32(0L, Z_NULL, 0), filtered, (uInt)total);
    free(filtered);
    if (written == 0) {
        free(buffer);
        strncpy(message, "deflate failed", CCODEC_MESSAGE_SIZE - 1);
        return CCODEC_CORRUPT;
    }
    *output = buffer;
    *output_size = written;
    return CCODEC_OK;
}

ccodec_status ccodec_png_deflate_strip(const uint8_t *rows, size_t stride, const uint8_t *row_above,
                                       int width, int height, int channels, ccodec_png_options options, int last,
                                       uint8_t **output, size_t *output_size, uint32_t *adler, char *message) {
    *output = NULL;
    *output_size = 0;
    if (options.strategy == Z_RLE && options.level <= 1) {
        return deflate_strip_runs(rows, stride, row_above, width, height, channels, options.filters, last, output, output_size,
                                  adler, message);
    }
    size_t length = (size_t)width * (size_t)channels;
    uint8_t *filtered = malloc(6 * (length + 1));
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (filtered == NULL || deflateInit2(&stream, options.level, Z_DEFLATED, -15, 9, options.strategy) != Z_OK) {
        free(filtered);
        strncpy(message, "out of memory", CCODEC_MESSAGE_SIZE - 1);
        return CCODEC_NO_MEMORY;
    }
    size_t capacity = deflateBound(&stream, (uLong)((length + 1) * (size_t)height)) + 64;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
        deflateEnd(&stream);
        free(filtered);
        strncpy(message, "out of memory", CCODEC_MESSAGE_SIZE - 1);
        return CCODEC_NO_MEMORY;
    }
    stream.next_out = buffer;
    stream.avail_out = (uInt)capacity;
    uLong checksum = adler32(0L, Z_NULL, 0);
    int status = Z_OK;
    for (int y = 0; y < height && status == Z_OK; y++) {
        const uint8_t *row = rows + (size_t)y * stride;
        const uint8_t *chosen = filtered_row(options.filters, row, y > 0 ? row - stride : row_above, length, channels, filtered);
        checksum = adler32(checksum, chosen, (uInt)(length + 1));
        stream.next_in = (Bytef *)chosen;  // zlib does not write through next_in
        stream.avail_in = (uInt)(length + 1);
        int flush = y + 1 < height ? Z_NO_FLUSH : (last ? Z_FINISH : Z_SYNC_FLUSH);
        status = deflate(&stream, flush);
        if (status == Z_STREAM_END) status = Z_OK;
        if (stream.avail_in != 0) status = Z_BUF_ERROR;  // the output buffer is deflateBound-sized: never expected
    }
    deflateEnd(&stream);
    free(filtered);
    if (status != Z_OK) {
        free(buffer);
        strncpy(message, "deflate failed", CCODEC_MESSAGE_SIZE - 1);
        return CCODEC_CORRUPT;
    }
    *output = buffer;
    *output_size = capacity - stream.avail_out;
    *adler = (uint32_t)checksum;
    return CCODEC_OK;
}

uint32_t ccodec_adler32_combine(uint32_t first, uint32_t second, size_t second_length) {
    return (uint32_t)adler32_combine(first, second, (z_off_t)second_length);
}

uint32_t ccodec_crc32(uint32_t crc, const uint8_t *bytes, size_t count) {
    if (bytes == NULL) return (uint32_t)crc32(0L, Z_NULL, 0);
    return (uint32_t)crc32(crc, bytes, (uInt)count);
}
