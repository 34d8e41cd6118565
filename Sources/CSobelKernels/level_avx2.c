// The avx2 level's kernels (see kernels_body.h).
#include "levels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma,bmi2"))), apply_to = function)
#define CSOBEL_VECTOR_BYTES 32
#define CSOBEL_REGISTER __m256i
#define CSOBEL_INTRINSIC(name) _mm256_##name
#define CSOBEL_GRAY_RGB csobel_gray_rgb_avx2
#define CSOBEL_TABLE csobel_kernels_avx2
#include "kernels_body.h"
#pragma clang attribute pop
#endif
