// The avx2 level's kernels (see kernels_body.h).
#include "levels.h"
#include <string.h>

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi2"))), apply_to = function)
#define CSOBEL_VECTOR_BYTES 32
#define CSOBEL_TABLE csobel_kernels_avx2
#include "kernels_body.h"
#pragma clang attribute pop
#endif
