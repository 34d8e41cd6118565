// RGB to gray with byte shuffles: `(9798 R + 19235 G + 3735 B + 16384) >> 15`, OpenCV's fixed-point weights.
// Each pixel's R and G go into the two 16-bit halves of one 32-bit lane and its B into another, so one
// multiply-add of 16-bit pairs (`pmaddwd`) per lane applies the weights exactly. The plain loop in
// kernels_body.h reads 3-byte pixels with 32-bit lanes and no shuffles; these run 1.4-2.4x its speed on Zen 4
// (docs/performance.md). Rows shorter than a block go to the baseline level's plain loop.
#include "levels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// The start of each block of `block` pixels: whole blocks, then one that ends at the row's end (overlapping the
/// one before it), so no pixel-by-pixel remainder runs. Calls `body(x)` for each; `count >= block`.
#define FOR_EACH_BLOCK(x, count, block, body)                                                            \
    for (ptrdiff_t x = 0;; x += (block)) {                                                               \
        if (x > (count) - (block)) x = (count) - (block);                                                \
        body;                                                                                            \
        if (x == (count) - (block)) break;                                                               \
    }

__attribute__((target("avx2"))) void csobel_gray_rgb_avx2(const uint8_t *restrict rgb, uint8_t *restrict out, ptrdiff_t count) {
    if (count < 32) {
        csobel_kernels_baseline.gray_rgb(rgb, out, count);
        return;
    }
    // 8 pixels (24 bytes) per vector: bytes 0-15 in the low 128-bit lane and bytes 8-23 in the high one, so
    // each lane holds 4 whole pixels and no load reaches past the 24 bytes. `pshufb` works within lanes.
    const __m256i rg_bytes = _mm256_setr_epi8(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1, //
                                              4, -1, 5, -1, 7, -1, 8, -1, 10, -1, 11, -1, 13, -1, 14, -1);
    const __m256i b_bytes = _mm256_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1, //
                                             6, -1, -1, -1, 9, -1, -1, -1, 12, -1, -1, -1, 15, -1, -1, -1);
    const __m256i rg_weights = _mm256_set1_epi32((19235 << 16) | 9798), b_weights = _mm256_set1_epi32(3735);
    const __m256i half = _mm256_set1_epi32(16384);
    // The packs below work within 128-bit lanes; this puts the 4-pixel groups back in order.
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    FOR_EACH_BLOCK(x, count, 32, {
        __m256i gray[4];
        for (int k = 0; k < 4; k++) {
            const uint8_t *p = rgb + 3 * (x + 8 * k);
            const __m256i bytes = _mm256_loadu2_m128i((const __m128i *)(p + 8), (const __m128i *)p);
            const __m256i sum = _mm256_add_epi32(_mm256_madd_epi16(_mm256_shuffle_epi8(bytes, rg_bytes), rg_weights),
                                                 _mm256_madd_epi16(_mm256_shuffle_epi8(bytes, b_bytes), b_weights));
            gray[k] = _mm256_srli_epi32(_mm256_add_epi32(sum, half), 15);
        }
        const __m256i bytes = _mm256_packus_epi16(_mm256_packus_epi32(gray[0], gray[1]), _mm256_packus_epi32(gray[2], gray[3]));
        _mm256_storeu_si256((__m256i *)(out + x), _mm256_permutevar8x32_epi32(bytes, order));
    })
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void csobel_gray_rgb_vbmi(const uint8_t *restrict rgb, uint8_t *restrict out,
                                                                                ptrdiff_t count) {
    if (count < 64) {
        csobel_kernels_baseline.gray_rgb(rgb, out, count);
        return;
    }
    // 16 pixels (48 bytes, a masked load that never reaches past them) per vector; `vpermb` with zero-masking
    // spreads them into (R, 0, G, 0) and (B, 0, 0, 0) lanes.
    uint8_t rg_index[64], b_index[64];
    for (int p = 0; p < 16; p++) {
        const uint8_t rg[4] = {(uint8_t)(3 * p), 0, (uint8_t)(3 * p + 1), 0}, b[4] = {(uint8_t)(3 * p + 2), 0, 0, 0};
        for (int i = 0; i < 4; i++) rg_index[4 * p + i] = rg[i], b_index[4 * p + i] = b[i];
    }
    const __m512i rg_bytes = _mm512_loadu_si512(rg_index), b_bytes = _mm512_loadu_si512(b_index);
    const __mmask64 rg_lanes = 0x5555555555555555ull, b_lanes = 0x1111111111111111ull, pixels = 0x0000FFFFFFFFFFFFull;
    const __m512i rg_weights = _mm512_set1_epi32((19235 << 16) | 9798), b_weights = _mm512_set1_epi32(3735);
    const __m512i half = _mm512_set1_epi32(16384);
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    FOR_EACH_BLOCK(x, count, 64, {
        __m512i gray[4];
        for (int k = 0; k < 4; k++) {
            const __m512i bytes = _mm512_maskz_loadu_epi8(pixels, rgb + 3 * (x + 16 * k));
            const __m512i sum = _mm512_add_epi32(_mm512_madd_epi16(_mm512_maskz_permutexvar_epi8(rg_lanes, rg_bytes, bytes), rg_weights),
                                                 _mm512_madd_epi16(_mm512_maskz_permutexvar_epi8(b_lanes, b_bytes, bytes), b_weights));
            gray[k] = _mm512_srli_epi32(_mm512_add_epi32(sum, half), 15);
        }
        const __m512i bytes = _mm512_packus_epi16(_mm512_packus_epi32(gray[0], gray[1]), _mm512_packus_epi32(gray[2], gray[3]));
        _mm512_storeu_si512(out + x, _mm512_permutexvar_epi32(order, bytes));
    })
}
#endif
