// libpng behind a setjmp boundary: every libpng call that can fail runs inside one of the
// functions below, each of which sets its own jump target first.
#include "CCodecShim.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct ccodec_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    int truncated;
    char message[CCODEC_MESSAGE_SIZE];
};

static void copy_message(char *destination, const char *text) {
    if (destination == NULL) return;
    strncpy(destination, text ? text : "unknown error", CCODEC_MESSAGE_SIZE - 1);
    destination[CCODEC_MESSAGE_SIZE - 1] = '\0';
}

static void on_png_error(png_structp png, png_const_charp text) {
    struct ccodec_png_reader *reader = png_get_error_ptr(png);
    copy_message(reader->message, text);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;  // warnings never reach stderr
}

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    struct ccodec_png_reader *reader = png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        reader->truncated = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

static ccodec_status failure(struct ccodec_png_reader *reader) {
    return reader->truncated ? CCODEC_TRUNCATED : CCODEC_CORRUPT;
}

/// Whether a chunk before the image data declares more bytes than the file has left. libpng allocates and clears
/// a text, profile or palette chunk's declared length before it reads it (measured: a 716-byte file whose iTXt
/// claims 1.9 GB made libpng 1.6.39 take 1.9 GB and 3.7 s), and the file would turn out truncated anyway.
static int chunk_runs_past_end(const uint8_t *data, size_t size) {
    size_t offset = 8;
    while (size - offset >= 8) {
        const uint32_t length = (uint32_t)data[offset] << 24 | (uint32_t)data[offset + 1] << 16 | (uint32_t)data[offset + 2] << 8 | data[offset + 3];
        const uint8_t *type = data + offset + 4;
        if (memcmp(type, "IDAT", 4) == 0 || memcmp(type, "IEND", 4) == 0) return 0;
        if ((uint64_t)length + 12 > size - offset) return 1;
        offset += 12 + (size_t)length;
    }
    return 0;
}

ccodec_status ccodec_png_open(const uint8_t *data, size_t size, uint32_t max_side,
                              ccodec_png_reader **out, ccodec_header *header) {
    memset(header, 0, sizeof *header);
    *out = NULL;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        copy_message(header->message, "not a PNG signature");
        return CCODEC_CORRUPT;
    }
    if (chunk_runs_past_end(data, size)) {
        copy_message(header->message, "a chunk runs past the end of the file");
        return CCODEC_TRUNCATED;
    }
    struct ccodec_png_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return CCODEC_NO_MEMORY;
    reader->data = data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader, on_png_error, on_png_warning);
    if (reader->png == NULL) { free(reader); return CCODEC_NO_MEMORY; }
    reader->info = png_create_info_struct(reader->png);
    if (reader->info == NULL || setjmp(png_jmpbuf(reader->png))) {
        ccodec_status status = reader->info == NULL ? CCODEC_NO_MEMORY : failure(reader);
        copy_message(header->message, reader->message);
        ccodec_png_close(reader);
        return status;
    }
    png_set_read_fn(reader->png, reader, read_from_memory);
    png_set_user_limits(reader->png, max_side, max_side);
    png_set_chunk_cache_max(reader->png, 256);
    png_set_chunk_malloc_max(reader->png, 16u << 20);  // ancillary chunks (zTXt, iCCP) may not inflate past 16 MiB
    png_read_info(reader->png, reader->info);

    int color = png_get_color_type(reader->png, reader->info);
    int depth = png_get_bit_depth(reader->png, reader->info);
    header->width = (int)png_get_image_width(reader->png, reader->info);
    header->height = (int)png_get_image_height(reader->png, reader->info);
    header->source_bit_depth = depth;
    header->interlaced = png_get_interlace_type(reader->png, reader->info) != PNG_INTERLACE_NONE;

    if (depth == 16) png_set_strip_16(reader->png);           // keep the high byte, as OpenCV does
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(reader->png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(reader->png);
    int has_trns = png_get_valid(reader->png, reader->info, PNG_INFO_tRNS) != 0;
    if (color == PNG_COLOR_TYPE_PALETTE && has_trns) png_set_tRNS_to_alpha(reader->png);
    if (color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_strip_alpha(reader->png);
    if (header->interlaced) png_set_interlace_handling(reader->png);
    png_read_update_info(reader->png, reader->info);

    header->channels = png_get_channels(reader->png, reader->info);
    if (png_get_bit_depth(reader->png, reader->info) != 8 || (header->channels != 1 && header->channels != 3 && header->channels != 4)) {
        copy_message(header->message, "unexpected pixel layout after expansion");
        ccodec_png_close(reader);
        return CCODEC_UNSUPPORTED;
    }
    *out = reader;
    return CCODEC_OK;
}

ccodec_status ccodec_png_read(ccodec_png_reader *reader, uint8_t *pixels, size_t stride, char *message) {
    png_uint_32 height = png_get_image_height(reader->png, reader->info);
    png_bytep *rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (rows == NULL) return CCODEC_NO_MEMORY;
    if (setjmp(png_jmpbuf(reader->png))) {
        free(rows);
        copy_message(message, reader->message);
        return failure(reader);
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * stride;
    png_read_image(reader->png, rows);
    free(rows);
    return CCODEC_OK;
}

ccodec_status ccodec_png_read_rows(ccodec_png_reader *reader, uint8_t *first_row, size_t stride, int count, char *message) {
    if (setjmp(png_jmpbuf(reader->png))) {
        copy_message(message, reader->message);
        return failure(reader);
    }
    for (int y = 0; y < count; y++) png_read_row(reader->png, first_row + (size_t)y * stride, NULL);
    return CCODEC_OK;
}

void ccodec_png_close(ccodec_png_reader *reader) {
    if (reader == NULL) return;
    png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    free(reader);
}

void ccodec_free(void *pointer) { free(pointer); }
