// The avx512 level's kernels (see kernels_body.h). On CPUs with AVX512-VBMI (Ice Lake, Zen 4 and later) its
// table lookup keeps four 64-byte quarters of the table in registers and permutes 64 pixels at a time, and its
// RGB to gray conversion spreads 16 pixels with one permute per weight pair; elsewhere the lookup is scalar and
// the gray conversion the avx2 level's.
#include "levels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

static void lookup_vbmi_or_scalar(const uint8_t *table, const uint8_t *in, uint8_t *out, ptrdiff_t count);
static void gray_rgb_vbmi_or_avx2(const uint8_t *rgb, uint8_t *out, ptrdiff_t count);
#define CSOBEL_LOOKUP lookup_vbmi_or_scalar
#define CSOBEL_GRAY_RGB gray_rgb_vbmi_or_avx2

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,bmi2"))), apply_to = function)
#define CSOBEL_VECTOR_BYTES 64
#define CSOBEL_REGISTER __m512i
#define CSOBEL_INTRINSIC(name) _mm512_##name
// Here l1, the lightest kernel, is bound by its loads, and 64-byte loads for `spread` cost it 3-7% on Zen 4.
#define CSOBEL_L1_IN_MEMORY_ORDER
#define CSOBEL_TABLE csobel_kernels_avx512
#include "kernels_body.h"
#pragma clang attribute pop

static int has_vbmi(void) {
    static int answer = -1; // -1 until asked; every thread computes the same answer
    if (answer < 0) answer = csobel_cpu_supports_vbmi();
    return answer;
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static void lookup_vbmi(const uint8_t *table, const uint8_t *in, uint8_t *out,
                                                                               ptrdiff_t count) {
    const __m512i q0 = _mm512_loadu_si512(table), q1 = _mm512_loadu_si512(table + 64);
    const __m512i q2 = _mm512_loadu_si512(table + 128), q3 = _mm512_loadu_si512(table + 192);
    for (ptrdiff_t x = 0; x < count; x += 64) {
        const __mmask64 lanes = count - x >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (count - x)) - 1);
        const __m512i v = _mm512_maskz_loadu_epi8(lanes, in + x);
        // Bits 0-6 pick one of 128 entries of the lower or upper half; bit 7 picks the half.
        const __m512i lower = _mm512_permutex2var_epi8(q0, v, q1), upper = _mm512_permutex2var_epi8(q2, v, q3);
        _mm512_mask_storeu_epi8(out + x, lanes, _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), lower, upper));
    }
}

static void lookup_vbmi_or_scalar(const uint8_t *table, const uint8_t *in, uint8_t *out, ptrdiff_t count) {
    (has_vbmi() ? lookup_vbmi : lookup_scalar)(table, in, out, count);
}

static void gray_rgb_vbmi_or_avx2(const uint8_t *rgb, uint8_t *out, ptrdiff_t count) {
    (has_vbmi() ? csobel_gray_rgb_vbmi : csobel_gray_rgb_avx2)(rgb, out, count);
}
#endif
