// The kernel tables each level's translation unit defines (x86-64 only).
#ifndef CSOBEL_LEVELS_H
#define CSOBEL_LEVELS_H
#include "CSobelKernels.h"

#if defined(__x86_64__)
extern const csobel_kernels csobel_kernels_baseline;
extern const csobel_kernels csobel_kernels_avx2;
extern const csobel_kernels csobel_kernels_avx512;

/// RGB to gray with byte shuffles (gray_shuffles.c): AVX2, and AVX-512 with VBMI.
void csobel_gray_rgb_avx2(const uint8_t *rgb, uint8_t *out, ptrdiff_t count);
void csobel_gray_rgb_vbmi(const uint8_t *rgb, uint8_t *out, ptrdiff_t count);
#endif

#endif
