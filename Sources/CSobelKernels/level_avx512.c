// The avx512 level's kernels (see kernels_body.h), and its table lookup: four 64-byte quarters of the
// table in registers and two VBMI permutes per 64 pixels on CPUs with AVX512-VBMI (Ice Lake, Zen 4 and
// later), the scalar lookup elsewhere.
#include "levels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

static void lookup_vbmi_or_scalar(const uint8_t *table, const uint8_t *in, uint8_t *out, ptrdiff_t count);
#define CSOBEL_LOOKUP lookup_vbmi_or_scalar

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,bmi2"))), apply_to = function)
#define CSOBEL_VECTOR_BYTES 64
#define CSOBEL_TABLE csobel_kernels_avx512
#include "kernels_body.h"
#pragma clang attribute pop

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
    static int has_vbmi = -1; // -1 until asked; every thread computes the same answer
    if (has_vbmi < 0) has_vbmi = csobel_cpu_supports_vbmi();
    if (has_vbmi) {
        lookup_vbmi(table, in, out, count);
    } else {
        lookup_scalar(table, in, out, count);
    }
}
#endif
