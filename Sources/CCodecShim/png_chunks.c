// The chunk rules both fast PNG readers apply (see png_internal.h); png_unfilter.c has their row unfiltering.
#include "png_internal.h"
#include <stdlib.h>
#include <string.h>

/// libpng's limit on an ancillary chunk's length (`png_set_chunk_malloc_max` in png_codec.c).
#define ANCILLARY_CHUNK_MAX (16u << 20)

uint32_t png_big_endian(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

int png_is_signature(const uint8_t data[8]) {
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    return memcmp(data, signature, 8) == 0;
}

void png_fill_header(const png_chunk_rules *rules, ccodec_header *header) {
    header->width = (int)rules->width;
    header->height = (int)rules->height;
    header->channels = rules->source_channels == 2 ? 1 : rules->source_channels;
    header->source_bit_depth = 8;
}

int png_is_image_data(const uint8_t type[4]) { return memcmp(type, "IDAT", 4) == 0; }

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

const char *png_chunk_begin(png_chunk_rules *rules, const uint8_t type[4], uint32_t length) {
    if (!valid_chunk_type(type)) return "a chunk type that is not four letters";
    const int is_idat = png_is_image_data(type);
    const size_t limit = is_idat && rules->seen_header ? idat_limit(rules->width, rules->height, rules->source_channels) : ANCILLARY_CHUNK_MAX;
    if (length > limit) return "a chunk longer than libpng's limit";
    if (!rules->seen_header) {
        if (memcmp(type, "IHDR", 4) != 0 || length != 13) return "IHDR is not first";
        return NULL;
    }
    if (is_idat) {
        if (rules->image_data_ended) return "image data chunks are not consecutive";
        if (length > 0) rules->image_data_seen = 1;
        return NULL;
    }
    if (rules->image_data_seen) rules->image_data_ended = 1;
    if (memcmp(type, "IEND", 4) == 0) {
        rules->seen_end = 1;
        return NULL;
    }
    // PLTE included: libpng decides what to make of a palette in a gray or true-colour file.
    if ((type[0] & 0x20) == 0) return "a critical chunk other than IHDR, IDAT and IEND";
    return NULL;
}

const char *png_read_header(png_chunk_rules *rules, const uint8_t body[13], uint32_t max_side) {
    rules->width = png_big_endian(body);
    rules->height = png_big_endian(body + 4);
    const uint8_t depth = body[8], color = body[9], compression = body[10], filter = body[11], interlace = body[12];
    if (rules->width == 0 || rules->height == 0 || rules->width > max_side || rules->height > max_side) return "image size out of range";
    if (depth != 8 || compression != 0 || filter != 0 || interlace != 0) return "not an 8-bit non-interlaced PNG";
    switch (color) {
    case 0: rules->source_channels = 1; break;
    case 4: rules->source_channels = 2; break;
    case 2: rules->source_channels = 3; break;
    case 6: rules->source_channels = 4; break;
    default: return "a palette PNG";
    }
    rules->seen_header = 1;
    return NULL;
}

void png_emit_row(uint8_t *out, const uint8_t *pixels, uint32_t width, int source_channels) {
    if (source_channels == 2) {
        for (uint32_t x = 0; x < width; x++) out[x] = pixels[2 * (size_t)x];  // gray+alpha: the gray
    } else {
        memcpy(out, pixels, (size_t)width * (size_t)source_channels);
    }
}
