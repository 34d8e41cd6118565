// The fast PNG reader: the common case (8-bit gray, gray+alpha, RGB, RGBA, not interlaced) read without
// libpng. It walks the chunks itself and checks every CRC, inflates the whole image data at once with
// libdeflate, and unfilters rows as they are asked for. Anything else — another bit depth or colour type,
// interlacing, a critical chunk it does not know, a bad CRC, a zlib stream that does not inflate to exactly
// the image, a filter byte above 4, and whatever libpng itself refuses while it reads up to the image data
// (chunk names that are not letters, chunks longer than its limits, a palette anywhere) — is refused with
// CCODEC_UNSUPPORTED before any row is handed out, and libpng reads the file instead, with its own messages.
// So every accepted file decodes to libpng's pixels (scripts/fuzz.sh PNGReaderFuzzer checks this).
#include "CCodecShim.h"
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

struct ccodec_png_fast {
    const uint8_t *data;
    size_t size;
    uint32_t width, height;
    int source_channels;  // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    size_t row_bytes;     // source_channels × width
    // The image data chunks, in order.
    size_t idat_count, idat_capacity;
    const uint8_t **idat_data;
    size_t *idat_size;
    size_t idat_total;
    // The inflated rows, each a filter byte then row_bytes; unfiltered in place as they are read.
    uint8_t *rows;
    uint8_t *zero_row;  // the row above the first
    uint32_t next_row;
};

static uint32_t big_endian(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static ccodec_status refuse(ccodec_png_fast *reader, ccodec_header *header, const char *why) {
    strncpy(header->message, why, CCODEC_MESSAGE_SIZE - 1);
    header->message[CCODEC_MESSAGE_SIZE - 1] = '\0';
    ccodec_png_fast_close(reader);
    return CCODEC_UNSUPPORTED;
}

/// libpng's limit on an ancillary chunk's length (`png_set_chunk_malloc_max` in png_codec.c).
#define ANCILLARY_CHUNK_MAX (16u << 20)

/// Whether all four bytes of a chunk type are ASCII letters, as libpng requires of every chunk it reads.
static int valid_chunk_type(const uint8_t *type) {
    for (int i = 0; i < 4; i++) {
        const uint8_t c = type[i];
        if (c < 'A' || c > 'z' || (c > 'Z' && c < 'a')) return 0;
    }
    return 1;
}

/// The longest IDAT chunk libpng accepts for an 8-bit non-interlaced image (png_check_chunk_length):
/// the filtered image plus zlib's worst-case overhead.
static size_t idat_limit(uint32_t width, uint32_t height, int channels) {
    const uint64_t row_factor = (uint64_t)width * (uint64_t)channels + 1;
    uint64_t limit = 0x7FFFFFFFu;
    if ((uint64_t)height <= 0xFFFFFFFFu / row_factor) {
        limit = (uint64_t)height * row_factor;
        const uint64_t capped = row_factor > 32566 ? 32566 : row_factor;
        limit += 6 + 5 * (limit / capped + 1);
        if (limit > 0x7FFFFFFFu) limit = 0x7FFFFFFFu;
    }
    return (size_t)(limit > ANCILLARY_CHUNK_MAX ? limit : ANCILLARY_CHUNK_MAX);
}

static int add_idat(ccodec_png_fast *reader, const uint8_t *data, size_t size) {
    if (reader->idat_count == reader->idat_capacity) {
        size_t capacity = reader->idat_capacity ? 2 * reader->idat_capacity : 16;
        const uint8_t **chunks = realloc(reader->idat_data, capacity * sizeof *chunks);
        if (chunks == NULL) return 0;
        reader->idat_data = chunks;
        size_t *sizes = realloc(reader->idat_size, capacity * sizeof *sizes);
        if (sizes == NULL) return 0;
        reader->idat_size = sizes;
        reader->idat_capacity = capacity;
    }
    reader->idat_data[reader->idat_count] = data;
    reader->idat_size[reader->idat_count++] = size;
    reader->idat_total += size;
    return 1;
}

ccodec_status ccodec_png_fast_open(const uint8_t *data, size_t size, uint32_t max_side, ccodec_png_fast **out,
                                   ccodec_header *header) {
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    memset(header, 0, sizeof *header);
    *out = NULL;
    ccodec_png_fast *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return CCODEC_NO_MEMORY;
    reader->data = data;
    reader->size = size;
    if (size < 8 || memcmp(data, signature, 8) != 0) return refuse(reader, header, "not a PNG signature");
    size_t offset = 8;
    int seen_header = 0, seen_end = 0, idat_ended = 0;
    while (!seen_end) {
        if (size - offset < 12) return refuse(reader, header, "truncated chunk");
        const uint32_t length = big_endian(data + offset);
        const uint8_t *type = data + offset + 4;
        if (length > 0x7FFFFFFFu || length > size - offset - 12) return refuse(reader, header, "chunk length out of range");
        const uint8_t *body = type + 4;
        const uint32_t crc = (uint32_t)libdeflate_crc32(0, type, 4 + (size_t)length);
        if (crc != big_endian(body + length)) return refuse(reader, header, "chunk CRC mismatch");
        if (!valid_chunk_type(type)) return refuse(reader, header, "a chunk type that is not four letters");
        const int is_idat = memcmp(type, "IDAT", 4) == 0;
        const size_t limit = is_idat && seen_header ? idat_limit(reader->width, reader->height, reader->source_channels) : ANCILLARY_CHUNK_MAX;
        if (length > limit) return refuse(reader, header, "a chunk longer than libpng's limit");
        if (!seen_header) {
            if (memcmp(type, "IHDR", 4) != 0 || length != 13) return refuse(reader, header, "IHDR is not first");
            reader->width = big_endian(body);
            reader->height = big_endian(body + 4);
            const uint8_t depth = body[8], color = body[9], compression = body[10], filter = body[11], interlace = body[12];
            if (reader->width == 0 || reader->height == 0 || reader->width > max_side || reader->height > max_side)
                return refuse(reader, header, "image size out of range");
            if (depth != 8 || compression != 0 || filter != 0 || interlace != 0)
                return refuse(reader, header, "not an 8-bit non-interlaced PNG");
            switch (color) {
            case 0: reader->source_channels = 1; break;
            case 4: reader->source_channels = 2; break;
            case 2: reader->source_channels = 3; break;
            case 6: reader->source_channels = 4; break;
            default: return refuse(reader, header, "a palette PNG");
            }
            seen_header = 1;
        } else if (is_idat) {
            if (idat_ended) return refuse(reader, header, "image data chunks are not consecutive");
            if (length > 0 && !add_idat(reader, body, length)) {
                ccodec_png_fast_close(reader);
                return CCODEC_NO_MEMORY;
            }
        } else if (memcmp(type, "IEND", 4) == 0) {
            seen_end = 1;
        } else if ((type[0] & 0x20) == 0) {
            // PLTE included: libpng decides what to make of a palette in a gray or true-colour file.
            return refuse(reader, header, "a critical chunk other than IHDR, IDAT and IEND");
        }
        if (!is_idat && reader->idat_count > 0) idat_ended = 1;
        offset += 12 + (size_t)length;
    }
    if (reader->idat_count == 0) return refuse(reader, header, "no image data");
    reader->row_bytes = (size_t)reader->width * (size_t)reader->source_channels;
    header->width = (int)reader->width;
    header->height = (int)reader->height;
    header->channels = reader->source_channels == 2 ? 1 : reader->source_channels;
    header->source_bit_depth = 8;
    *out = reader;
    return CCODEC_OK;
}

ccodec_status ccodec_png_fast_inflate(ccodec_png_fast *reader, char *message) {
    const size_t stride = reader->row_bytes + 1;
    const size_t total = stride * reader->height;
    reader->rows = malloc(total);
    reader->zero_row = calloc(1, reader->row_bytes);
    if (reader->rows == NULL || reader->zero_row == NULL) return CCODEC_NO_MEMORY;
    // One contiguous zlib stream: the chunks' bodies joined (a single chunk is read in place).
    const uint8_t *stream = reader->idat_data[0];
    uint8_t *joined = NULL;
    if (reader->idat_count > 1) {
        joined = malloc(reader->idat_total);
        if (joined == NULL) return CCODEC_NO_MEMORY;
        size_t at = 0;
        for (size_t i = 0; i < reader->idat_count; i++) {
            memcpy(joined + at, reader->idat_data[i], reader->idat_size[i]);
            at += reader->idat_size[i];
        }
        stream = joined;
    }
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    if (inflater == NULL) {
        free(joined);
        return CCODEC_NO_MEMORY;
    }
    size_t used = 0;
    const enum libdeflate_result result = libdeflate_zlib_decompress_ex(inflater, stream, reader->idat_total, reader->rows, total, &used, NULL);
    libdeflate_free_decompressor(inflater);
    free(joined);
    if (result != LIBDEFLATE_SUCCESS || used != reader->idat_total) {
        strncpy(message, "the image data does not inflate to exactly the image", CCODEC_MESSAGE_SIZE - 1);
        return CCODEC_UNSUPPORTED;
    }
    for (uint32_t y = 0; y < reader->height; y++) {
        if (reader->rows[y * stride] > 4) {
            strncpy(message, "a row filter byte above 4", CCODEC_MESSAGE_SIZE - 1);
            return CCODEC_UNSUPPORTED;
        }
    }
    return CCODEC_OK;
}

static inline uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c;
    const int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (uint8_t)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/// Four bytewise sums mod 256 in one word (no carry crosses a byte).
static inline uint32_t add_bytes(uint32_t a, uint32_t b) {
    return ((a & 0x7F7F7F7Fu) + (b & 0x7F7F7F7Fu)) ^ ((a ^ b) & 0x80808080u);
}

/// The Sub filter of 3- and 4-byte pixels a pixel at a time: the running pixel in one word. The last pixel
/// of a 3-byte row is done byte by byte, so no word reaches past the row.
static void unfilter_sub_words(uint8_t *row, size_t length, size_t bpp) {
    const uint32_t mask = bpp == 4 ? 0xFFFFFFFFu : 0x00FFFFFFu;
    uint32_t left;
    memcpy(&left, row, 4);
    left &= mask;
    size_t i = bpp;
    for (; i + 4 <= length; i += bpp) {
        uint32_t current;
        memcpy(&current, row + i, 4);
        left = add_bytes(current & mask, left) & mask;
        if (bpp == 4) {
            memcpy(row + i, &left, 4);
        } else {
            memcpy(row + i, &left, 3);
        }
    }
    for (; i < length; i++) row[i] = (uint8_t)(row[i] + row[i - bpp]);
}

/// Undoes one row's filter in place; `above` is the unfiltered row above (zeros for the first).
static void unfilter(uint8_t filter, uint8_t *restrict row, const uint8_t *restrict above, size_t length, size_t bpp) {
    switch (filter) {
    case 1:
        if ((bpp == 3 || bpp == 4) && length >= 4) {
            unfilter_sub_words(row, length, bpp);
            break;
        }
        for (size_t i = bpp; i < length; i++) row[i] = (uint8_t)(row[i] + row[i - bpp]);
        break;
    case 2:
        for (size_t i = 0; i < length; i++) row[i] = (uint8_t)(row[i] + above[i]);
        break;
    case 3:
        for (size_t i = 0; i < bpp; i++) row[i] = (uint8_t)(row[i] + (above[i] >> 1));
        for (size_t i = bpp; i < length; i++) row[i] = (uint8_t)(row[i] + ((row[i - bpp] + above[i]) >> 1));
        break;
    case 4:
        for (size_t i = 0; i < bpp; i++) row[i] = (uint8_t)(row[i] + above[i]);
        for (size_t i = bpp; i < length; i++) row[i] = (uint8_t)(row[i] + paeth(row[i - bpp], above[i], above[i - bpp]));
        break;
    default:
        break;
    }
}

void ccodec_png_fast_read_rows(ccodec_png_fast *reader, uint8_t *first_row, size_t stride, int count) {
    const size_t source_stride = reader->row_bytes + 1;
    const size_t bpp = (size_t)reader->source_channels;
    for (int k = 0; k < count && reader->next_row < reader->height; k++, reader->next_row++) {
        const uint32_t y = reader->next_row;
        uint8_t *row = reader->rows + (size_t)y * source_stride;
        const uint8_t *above = y == 0 ? reader->zero_row : row - source_stride + 1;
        unfilter(row[0], row + 1, above, reader->row_bytes, bpp);
        uint8_t *out = first_row + (size_t)k * stride;
        if (reader->source_channels == 2) {
            for (uint32_t x = 0; x < reader->width; x++) out[x] = row[1 + 2 * (size_t)x];  // gray+alpha: the gray
        } else {
            memcpy(out, row + 1, reader->row_bytes);
        }
    }
}

void ccodec_png_fast_close(ccodec_png_fast *reader) {
    if (reader == NULL) return;
    free(reader->idat_data);
    free(reader->idat_size);
    free(reader->rows);
    free(reader->zero_row);
    free(reader);
}
