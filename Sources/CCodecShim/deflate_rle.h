// A fast DEFLATE encoder for run-length matches only (see deflate_rle.c). Internal to CCodecShim.
#ifndef CCODECSHIM_DEFLATE_RLE_H
#define CCODECSHIM_DEFLATE_RLE_H
#include <stddef.h>
#include <stdint.h>

/// The most bytes `ccodec_deflate_rle` writes for `size` input bytes.
size_t ccodec_deflate_rle_bound(size_t size);

/// Deflates `size` bytes as raw DEFLATE blocks with run matches (distance 1) and dynamic Huffman codes. With
/// `last`, the final block ends the stream; otherwise the segment ends with an empty stored block, byte-aligned,
/// so that the next segment continues the stream. Returns the bytes written, 0 if `capacity` is too small.
size_t ccodec_deflate_rle(const uint8_t *data, size_t size, int last, uint8_t *out, size_t capacity);
#endif
