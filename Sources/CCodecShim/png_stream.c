// The fast PNG reader for a file still arriving (an upload being received): the same files and the same rules
// as png_fast.c, but it inflates the image data with zlib as the bytes come, so rows are handed out while the
// rest of the file is still on its way. It reads only bytes that have arrived: `wait` blocks until more have.
//
// A refusal before the first row (a file png_fast.c would not take either, judged from its chunks up to the
// image data) leaves the file to the whole-file readers once it has arrived. A refusal after some rows (a bad
// CRC, image data that does not inflate to exactly the image, a bad filter byte, a chunk after the image data
// that the rules refuse, or the file ending early) means the caller decodes the whole file again with those
// readers and keeps the rows it already has: they are the same bytes through the same DEFLATE, so the pixels
// are the same, and the whole-file readers decide whether the file is good.
#include "CCodecShim.h"
#include "png_internal.h"
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct ccodec_png_stream {
    const uint8_t *data;
    ccodec_arrival_wait wait;
    void *context;
    size_t available;  // bytes known to have arrived
    size_t offset;     // the next byte to read
    png_chunk_rules rules;
    size_t row_bytes;
    // The IDAT chunk being read: its body bytes not yet read, and the CRC of its type and body so far.
    int in_image_data;
    uint32_t chunk_left;
    uint32_t chunk_crc;
    z_stream zlib;
    int zlib_ready, stream_ended;
    // Two filtered rows, each a filter byte then row_bytes: row y inflates into slot y % 2 and is unfiltered in
    // place there, with the other slot holding the row above.
    uint8_t *rows;
    size_t rows_size;  // the whole image's filtered bytes, which the stream must inflate to exactly
    uint8_t *zero_row;  // the row above the first
    uint32_t next_row;
};

/// Whether the first `end` bytes have arrived, waiting for them if needed.
static int arrived(ccodec_png_stream *reader, size_t end) {
    if (end <= reader->available) return 1;
    reader->available = reader->wait(reader->context, end);
    return end <= reader->available;
}

static ccodec_status refusal(char *message, const char *why) {
    strncpy(message, why, CCODEC_MESSAGE_SIZE - 1);
    message[CCODEC_MESSAGE_SIZE - 1] = '\0';
    return CCODEC_UNSUPPORTED;
}

/// Reads the next chunk's header and applies the rules. An IDAT chunk is entered (its body is read by
/// `inflate_rows`); any other chunk is read whole and its CRC checked. Returns NULL, or why the fast reader stops.
static const char *next_chunk(ccodec_png_stream *reader, uint32_t max_side) {
    if (!arrived(reader, reader->offset + 8)) return "truncated chunk";
    const uint8_t *type = reader->data + reader->offset + 4;
    const uint32_t length = png_big_endian(reader->data + reader->offset);
    if (length > 0x7FFFFFFFu) return "chunk length out of range";
    const int had_header = reader->rules.seen_header;
    const char *why = png_chunk_begin(&reader->rules, type, length);
    if (why != NULL) return why;
    if (png_is_image_data(type)) {
        reader->in_image_data = 1;
        reader->chunk_left = length;
        reader->chunk_crc = (uint32_t)libdeflate_crc32(0, type, 4);
        reader->offset += 8;
        return NULL;
    }
    if (!arrived(reader, reader->offset + 12 + (size_t)length)) return "truncated chunk";
    const uint8_t *body = type + 4;
    if ((uint32_t)libdeflate_crc32(0, type, 4 + (size_t)length) != png_big_endian(body + length)) return "chunk CRC mismatch";
    if (!had_header && (why = png_read_header(&reader->rules, body, max_side)) != NULL) return why;
    reader->offset += 12 + (size_t)length;
    return NULL;
}

/// Checks the CRC of the IDAT chunk whose body has been read, and leaves it.
static const char *leave_image_chunk(ccodec_png_stream *reader) {
    if (!arrived(reader, reader->offset + 4)) return "truncated chunk";
    if (reader->chunk_crc != png_big_endian(reader->data + reader->offset)) return "chunk CRC mismatch";
    reader->offset += 4;
    reader->in_image_data = 0;
    return NULL;
}

ccodec_status ccodec_png_stream_open(const uint8_t *data, ccodec_arrival_wait wait, void *context, uint32_t max_side,
                                     ccodec_png_stream **out, ccodec_header *header) {
    memset(header, 0, sizeof *header);
    *out = NULL;
    ccodec_png_stream *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return CCODEC_NO_MEMORY;
    reader->data = data;
    reader->wait = wait;
    reader->context = context;
    const char *why = NULL;
    if (!arrived(reader, 8) || !png_is_signature(data)) {
        why = "not a PNG signature";
    } else {
        reader->offset = 8;
        while (why == NULL && !reader->in_image_data && !reader->rules.seen_end) why = next_chunk(reader, max_side);
        if (why == NULL && !reader->in_image_data) why = "no image data";
    }
    if (why != NULL) {
        ccodec_png_stream_close(reader);
        return refusal(header->message, why);
    }
    reader->row_bytes = (size_t)reader->rules.width * (size_t)reader->rules.source_channels;
    png_fill_header(&reader->rules, header);
    *out = reader;
    return CCODEC_OK;
}

/// Inflates until the first `end` bytes of the filtered rows are out (or all of them, and the stream's end,
/// with `end` == 0 meaning "to the end of the stream"). Returns NULL, or why the fast reader stops.
static const char *inflate_rows(ccodec_png_stream *reader, size_t end) {
    uint8_t spill;  // where output past the image would go: any is an error
    while (end == 0 ? !reader->stream_ended : reader->zlib.total_out < end) {
        if (reader->stream_ended) return "the image data does not inflate to exactly the image";
        if (reader->chunk_left == 0) {
            const char *why = leave_image_chunk(reader);
            if (why == NULL) why = next_chunk(reader, 0);
            if (why != NULL) return why;
            if (!reader->in_image_data) return "the image data does not inflate to exactly the image";
            continue;
        }
        if (!arrived(reader, reader->offset + 1)) return "truncated chunk";
        const size_t here = reader->available - reader->offset;
        const uInt take = (uInt)(here < reader->chunk_left ? here : reader->chunk_left);
        const uint8_t *input = reader->data + reader->offset;
        reader->zlib.next_in = (Bytef *)input;
        reader->zlib.avail_in = take;
        const size_t produced = reader->zlib.total_out;
        if (produced < reader->rows_size && end > 0) {
            // Only up to `end`, the end of the row asked for, which goes to its slot of the two.
            const size_t stride = reader->row_bytes + 1, row = produced / stride;
            reader->zlib.next_out = reader->rows + (row & 1) * stride + produced % stride;
            reader->zlib.avail_out = (uInt)(end - produced);
        } else {
            reader->zlib.next_out = &spill;
            reader->zlib.avail_out = 1;
        }
        const int result = inflate(&reader->zlib, Z_NO_FLUSH);
        if (reader->zlib.total_out > reader->rows_size) return "the image data does not inflate to exactly the image";
        const uInt used = take - reader->zlib.avail_in;
        reader->chunk_crc = (uint32_t)libdeflate_crc32(reader->chunk_crc, input, used);
        reader->offset += used;
        reader->chunk_left -= used;
        if (result == Z_STREAM_END) {
            reader->stream_ended = 1;
        } else if (result != Z_OK && !(result == Z_BUF_ERROR && used > 0)) {
            return "the image data does not inflate to exactly the image";
        }
    }
    return NULL;
}

ccodec_status ccodec_png_stream_read_rows(ccodec_png_stream *reader, uint8_t *first_row, size_t stride, int count, char *message) {
    const size_t source_stride = reader->row_bytes + 1;
    if (!reader->zlib_ready) {
        reader->rows_size = source_stride * reader->rules.height;
        reader->rows = malloc(2 * source_stride);
        reader->zero_row = calloc(1, reader->row_bytes);
        if (reader->rows == NULL || reader->zero_row == NULL || inflateInit(&reader->zlib) != Z_OK) return CCODEC_NO_MEMORY;
        reader->zlib_ready = 1;
    }
    for (int k = 0; k < count && reader->next_row < reader->rules.height; k++, reader->next_row++) {
        const uint32_t y = reader->next_row;
        const char *why = inflate_rows(reader, (size_t)(y + 1) * source_stride);
        if (why != NULL) return refusal(message, why);
        uint8_t *row = reader->rows + (y & 1) * source_stride;
        if (row[0] > 4) return refusal(message, "a row filter byte above 4");
        const uint8_t *above = y == 0 ? reader->zero_row : reader->rows + ((y - 1) & 1) * source_stride + 1;
        png_unfilter_row(row, above, reader->row_bytes, (size_t)reader->rules.source_channels);
        png_emit_row(first_row + (size_t)k * stride, row + 1, reader->rules.width, reader->rules.source_channels);
    }
    return CCODEC_OK;
}

ccodec_status ccodec_png_stream_finish(ccodec_png_stream *reader, char *message) {
    if (!reader->zlib_ready || reader->next_row < reader->rules.height) return refusal(message, "rows not read");
    // The zlib stream ends with the last row's bytes, in the image data, which ends with it.
    const char *why = inflate_rows(reader, 0);
    if (why == NULL && reader->chunk_left > 0) why = "the image data does not inflate to exactly the image";
    if (why == NULL) why = leave_image_chunk(reader);
    while (why == NULL && !reader->rules.seen_end) {
        why = next_chunk(reader, 0);
        if (why == NULL && reader->in_image_data) {
            why = reader->chunk_left > 0 ? "the image data does not inflate to exactly the image" : leave_image_chunk(reader);
        }
    }
    return why == NULL ? CCODEC_OK : refusal(message, why);
}

void ccodec_png_stream_close(ccodec_png_stream *reader) {
    if (reader == NULL) return;
    if (reader->zlib_ready) inflateEnd(&reader->zlib);
    free(reader->rows);
    free(reader->zero_row);
    free(reader);
}
