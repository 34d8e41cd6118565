// The fast PNG reader: the common case (8-bit gray, gray+alpha, RGB, RGBA, not interlaced) read without
// libpng. It walks the chunks itself and checks every CRC, inflates the whole image data at once with
// libdeflate, and unfilters rows as they are asked for. Anything else — another bit depth or colour type,
// interlacing, a critical chunk it does not know, a bad CRC, a zlib stream that does not inflate to exactly
// the image, a filter byte above 4, and whatever libpng itself refuses while it reads up to the image data
// (chunk names that are not letters, chunks longer than its limits, a palette anywhere) — is refused with
// CCODEC_UNSUPPORTED before any row is handed out, and libpng reads the file instead, with its own messages.
// So every accepted file decodes to libpng's pixels (scripts/fuzz.sh PNGReaderFuzzer checks this).
#include "CCodecShim.h"
#include "png_internal.h"
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
    uint8_t *joined;  // the chunks' bodies joined, once taken (ccodec_png_fast_take_image_data)
    // The inflated rows, each a filter byte then row_bytes; unfiltered in place as they are read. Freed on close
    // unless the caller gave them (ccodec_png_fast_inflate's destination).
    uint8_t *rows;
    int owns_rows;
    uint8_t *zero_row;  // the row above the first
    uint32_t next_row;
};

static ccodec_status refuse(ccodec_png_fast *reader, ccodec_header *header, const char *why) {
    strncpy(header->message, why, CCODEC_MESSAGE_SIZE - 1);
    header->message[CCODEC_MESSAGE_SIZE - 1] = '\0';
    ccodec_png_fast_close(reader);
    return CCODEC_UNSUPPORTED;
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
    memset(header, 0, sizeof *header);
    *out = NULL;
    ccodec_png_fast *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return CCODEC_NO_MEMORY;
    reader->data = data;
    reader->size = size;
    if (size < 8 || !png_is_signature(data)) return refuse(reader, header, "not a PNG signature");
    size_t offset = 8;
    png_chunk_rules rules = {0};
    while (!rules.seen_end) {
        if (size - offset < 12) return refuse(reader, header, "truncated chunk");
        const uint32_t length = png_big_endian(data + offset);
        const uint8_t *type = data + offset + 4;
        if (length > 0x7FFFFFFFu || length > size - offset - 12) return refuse(reader, header, "chunk length out of range");
        const uint8_t *body = type + 4;
        const uint32_t crc = (uint32_t)libdeflate_crc32(0, type, 4 + (size_t)length);
        if (crc != png_big_endian(body + length)) return refuse(reader, header, "chunk CRC mismatch");
        const int had_header = rules.seen_header;
        const char *why = png_chunk_begin(&rules, type, length);
        if (why == NULL && !had_header) why = png_read_header(&rules, body, max_side);
        if (why != NULL) return refuse(reader, header, why);
        if (png_is_image_data(type) && length > 0 && !add_idat(reader, body, length)) {
            ccodec_png_fast_close(reader);
            return CCODEC_NO_MEMORY;
        }
        offset += 12 + (size_t)length;
    }
    reader->width = rules.width;
    reader->height = rules.height;
    reader->source_channels = rules.source_channels;
    if (reader->idat_count == 0) return refuse(reader, header, "no image data");
    reader->row_bytes = (size_t)reader->width * (size_t)reader->source_channels;
    png_fill_header(&rules, header);
    *out = reader;
    return CCODEC_OK;
}

int ccodec_png_fast_take_image_data(ccodec_png_fast *reader) {
    if (reader->joined != NULL) return 1;
    reader->joined = malloc(reader->idat_total);
    if (reader->joined == NULL) return 0;
    size_t at = 0;
    for (size_t i = 0; i < reader->idat_count; i++) {
        memcpy(reader->joined + at, reader->idat_data[i], reader->idat_size[i]);
        at += reader->idat_size[i];
    }
    reader->data = NULL;
    return 1;
}

ccodec_status ccodec_png_fast_inflate(ccodec_png_fast *reader, uint8_t *destination, char *message) {
    const size_t stride = reader->row_bytes + 1;
    const size_t total = stride * reader->height;
    reader->owns_rows = destination == NULL;
    reader->rows = destination != NULL ? destination : malloc(total);
    reader->zero_row = calloc(1, reader->row_bytes);
    if (reader->rows == NULL || reader->zero_row == NULL) return CCODEC_NO_MEMORY;
    // One contiguous zlib stream: the chunks' bodies joined (a single chunk is read in place), unless
    // ccodec_png_fast_take_image_data has joined them already.
    const int join_here = reader->joined == NULL && reader->idat_count > 1;
    if (join_here && !ccodec_png_fast_take_image_data(reader)) return CCODEC_NO_MEMORY;
    const uint8_t *stream = reader->joined != NULL ? reader->joined : reader->idat_data[0];
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    size_t used = 0;
    enum libdeflate_result result = LIBDEFLATE_BAD_DATA;
    if (inflater != NULL) {
        result = libdeflate_zlib_decompress_ex(inflater, stream, reader->idat_total, reader->rows, total, &used, NULL);
        libdeflate_free_decompressor(inflater);
    }
    free(reader->joined);
    reader->joined = NULL;
    if (inflater == NULL) return CCODEC_NO_MEMORY;
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

void ccodec_png_fast_read_rows(ccodec_png_fast *reader, uint8_t *first_row, size_t stride, int count) {
    const size_t source_stride = reader->row_bytes + 1;
    const size_t bpp = (size_t)reader->source_channels;
    for (int k = 0; k < count && reader->next_row < reader->height; k++, reader->next_row++) {
        const uint32_t y = reader->next_row;
        uint8_t *row = reader->rows + (size_t)y * source_stride;
        const uint8_t *above = y == 0 ? reader->zero_row : row - source_stride + 1;
        png_unfilter_row(row, above, reader->row_bytes, bpp);
        png_emit_row(first_row + (size_t)k * stride, row + 1, reader->width, reader->source_channels);
    }
}

void ccodec_png_fast_unfilter_in_place(ccodec_png_fast *reader) {
    const size_t length = reader->row_bytes;
    for (uint32_t y = 0; y < reader->height; y++) {
        // Row y sits at y × (length + 1), behind its filter byte, and moves down to y × length: above the bytes of
        // every later row, and just after row y - 1, which is already in place to serve as the row above.
        uint8_t *row = reader->rows + (size_t)y * (length + 1);
        png_unfilter_row(row, y == 0 ? reader->zero_row : reader->rows + (size_t)(y - 1) * length, length, (size_t)reader->source_channels);
        memmove(reader->rows + (size_t)y * length, row + 1, length);
    }
    reader->next_row = reader->height;
}

int ccodec_png_fast_source_channels(const ccodec_png_fast *reader) { return reader->source_channels; }

void ccodec_png_fast_close(ccodec_png_fast *reader) {
    if (reader == NULL) return;
    free(reader->idat_data);
    free(reader->idat_size);
    if (reader->owns_rows) free(reader->rows);
    free(reader->joined);
    free(reader->zero_row);
    free(reader);
}
