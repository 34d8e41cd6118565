// Undoing PNG's row filters (None, Sub, Up, Average, Paeth) in place, for both fast PNG readers.
#include "png_internal.h"
#include <stdlib.h>
#include <string.h>

static inline uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c;
    const int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (uint8_t)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/// Filter `type`'s prediction of a byte from the byte `bpp` to its left, the one above and the one above-left.
static inline int predicted_byte(int type, int left, int up, int corner) {
    switch (type) {
    case 1: return left;
    case 2: return up;
    case 3: return (left + up) >> 1;
    default: return paeth(left, up, corner);
    }
}

/// Filter `type` (1–4, a constant where inlined) byte by byte from byte `start`; the bytes left of the first
/// pixel predict from zeros.
static inline __attribute__((always_inline)) void unfilter_bytes(int type, uint8_t *restrict row, const uint8_t *restrict above,
                                                                 size_t start, size_t length, size_t bpp) {
    size_t i = start;
    for (; i < bpp && i < length; i++) row[i] = (uint8_t)(row[i] + predicted_byte(type, 0, above[i], 0));
    for (; i < length; i++) row[i] = (uint8_t)(row[i] + predicted_byte(type, row[i - bpp], above[i], above[i - bpp]));
}

#if defined(__SSE2__)
#include <emmintrin.h>

/// A pixel's 3 or 4 bytes in 16-bit lanes. The load reads 4 bytes: `p[3]` must be inside the row.
static inline __m128i pixel_lanes(const uint8_t *p) {
    int32_t word;
    memcpy(&word, p, 4);
    return _mm_unpacklo_epi8(_mm_cvtsi32_si128(word), _mm_setzero_si128());
}

static inline __m128i abs16(__m128i v) { return _mm_max_epi16(v, _mm_sub_epi16(_mm_setzero_si128(), v)); }

static inline __m128i select16(__m128i mask, __m128i yes, __m128i no) {
    return _mm_or_si128(_mm_and_si128(mask, yes), _mm_andnot_si128(mask, no));
}

/// The Sub (1), Average (3) or Paeth (4) filter of 3- or 4-byte pixels (`bpp`, a constant where inlined), a pixel
/// at a time: the bytes of a pixel are independent, so one vector carries all of them and each pixel waits only
/// for the one before it. The last pixel of a 3-byte row runs byte by byte, so no load reaches past the row.
static inline __attribute__((always_inline)) void unfilter_pixels(int type, uint8_t *restrict row, const uint8_t *restrict above,
                                                                  size_t length, size_t bpp) {
    __m128i left = _mm_setzero_si128(), corner = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 4 <= length; i += bpp) {
        const __m128i filtered = pixel_lanes(row + i), up = pixel_lanes(above + i);
        __m128i predicted;
        if (type == 1) {
            predicted = left;
        } else if (type == 3) {
            predicted = _mm_srli_epi16(_mm_add_epi16(left, up), 1);
        } else {
            const __m128i pa = abs16(_mm_sub_epi16(up, corner)), pb = abs16(_mm_sub_epi16(left, corner));
            const __m128i pc = abs16(_mm_add_epi16(_mm_sub_epi16(left, corner), _mm_sub_epi16(up, corner)));
            const __m128i smallest = _mm_min_epi16(pa, _mm_min_epi16(pb, pc));
            predicted = select16(_mm_cmpeq_epi16(pa, smallest), left, select16(_mm_cmpeq_epi16(pb, smallest), up, corner));
        }
        left = _mm_and_si128(_mm_add_epi16(filtered, predicted), _mm_set1_epi16(0xFF));
        corner = up;
        const int32_t bytes = _mm_cvtsi128_si32(_mm_packus_epi16(left, left));
        memcpy(row + i, &bytes, bpp);
    }
    unfilter_bytes(type, row, above, i, length, bpp);
}

/// Whether the row was unfiltered a pixel at a time: Sub, Average and Paeth of 3- and 4-byte pixels, 1.5-2.6x
/// the byte loops' speed on Zen 4 (docs/codecs.md).
static int unfilter_by_pixels(int type, uint8_t *row, const uint8_t *above, size_t length, size_t bpp) {
    if ((type != 1 && type != 3 && type != 4) || (bpp != 3 && bpp != 4) || length < 4) return 0;
    if (type == 1 && bpp == 3) unfilter_pixels(1, row, above, length, 3);
    if (type == 1 && bpp == 4) unfilter_pixels(1, row, above, length, 4);
    if (type == 3 && bpp == 3) unfilter_pixels(3, row, above, length, 3);
    if (type == 3 && bpp == 4) unfilter_pixels(3, row, above, length, 4);
    if (type == 4 && bpp == 3) unfilter_pixels(4, row, above, length, 3);
    if (type == 4 && bpp == 4) unfilter_pixels(4, row, above, length, 4);
    return 1;
}
#else
/// Four bytewise sums mod 256 in one word (no carry crosses a byte).
static inline uint32_t add_bytes(uint32_t a, uint32_t b) {
    return ((a & 0x7F7F7F7Fu) + (b & 0x7F7F7F7Fu)) ^ ((a ^ b) & 0x80808080u);
}

/// Whether the row was unfiltered a pixel at a time: without SSE2, the Sub filter of 3- and 4-byte pixels with
/// the running pixel in one word. The last pixel of a 3-byte row runs byte by byte, so no word reaches past the row.
static int unfilter_by_pixels(int type, uint8_t *row, const uint8_t *above, size_t length, size_t bpp) {
    if (type != 1 || (bpp != 3 && bpp != 4) || length < 4) return 0;
    const uint32_t mask = bpp == 4 ? 0xFFFFFFFFu : 0x00FFFFFFu;
    uint32_t left;
    memcpy(&left, row, 4);
    left &= mask;
    size_t i = bpp;
    for (; i + 4 <= length; i += bpp) {
        uint32_t current;
        memcpy(&current, row + i, 4);
        left = add_bytes(current & mask, left) & mask;
        memcpy(row + i, &left, bpp);
    }
    unfilter_bytes(1, row, above, i, length, bpp);
    return 1;
}
#endif

void png_unfilter_row(uint8_t *filtered_row, const uint8_t *restrict above, size_t length, size_t bpp) {
    uint8_t *restrict row = filtered_row + 1;
    const int type = filtered_row[0];
    if (unfilter_by_pixels(type, row, above, length, bpp)) return;
    // One loop per type, so each inlines its own prediction (and Up vectorises).
    switch (type) {
    case 1: unfilter_bytes(1, row, above, 0, length, bpp); break;
    case 2: unfilter_bytes(2, row, above, 0, length, bpp); break;
    case 3: unfilter_bytes(3, row, above, 0, length, bpp); break;
    case 4: unfilter_bytes(4, row, above, 0, length, bpp); break;
    default: break;
    }
}
