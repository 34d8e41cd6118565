// What the two fast PNG readers share (png_chunks.c): the chunk rules they apply while walking a file, and the
// row unfiltering. png_fast.c reads a file already in memory; png_stream.c reads one while it arrives.
#ifndef CCODECSHIM_PNG_INTERNAL_H
#define CCODECSHIM_PNG_INTERNAL_H
#include "CCodecShim.h"
#include <stddef.h>
#include <stdint.h>

/// Where a walk over a file's chunks is, and what IHDR said.
typedef struct {
    uint32_t width, height;
    int source_channels;  // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int seen_header, seen_end;
    int image_data_seen;   // an IDAT chunk with data has been walked
    int image_data_ended;  // and a chunk of another type after it
} png_chunk_rules;

/// Checks a chunk's type and declared length against the rules (four letters, libpng's length limits, IHDR
/// first, consecutive IDATs, no critical chunk but IHDR, IDAT and IEND) and notes it in `rules`.
/// Returns NULL when the fast readers take the chunk, else why not.
const char *png_chunk_begin(png_chunk_rules *rules, const uint8_t type[4], uint32_t length);
/// Reads IHDR's 13 bytes into `rules`. Returns NULL for an 8-bit non-interlaced gray, gray+alpha, RGB or RGBA
/// image with sides in 1...`max_side`, else why the fast readers do not take it.
const char *png_read_header(png_chunk_rules *rules, const uint8_t body[13], uint32_t max_side);
/// Whether the 8 bytes at `data` are PNG's signature.
int png_is_signature(const uint8_t data[8]);
/// Fills a reader's header from IHDR's rules: 8-bit, gray+alpha read as gray.
void png_fill_header(const png_chunk_rules *rules, ccodec_header *header);
/// Whether the chunk type is IDAT.
int png_is_image_data(const uint8_t type[4]);
/// The chunk's 4 bytes at `p`, big-endian.
uint32_t png_big_endian(const uint8_t *p);

/// Undoes one row's filter in place. `row` is the filter byte followed by `length` bytes; `above` is the
/// unfiltered row above (zeros for the first row); `bpp` bytes per pixel.
void png_unfilter_row(uint8_t *row, const uint8_t *above, size_t length, size_t bpp);
/// Copies an unfiltered row (without its filter byte) to `out`: as stored, or gray+alpha as gray.
void png_emit_row(uint8_t *out, const uint8_t *pixels, uint32_t width, int source_channels);
#endif
