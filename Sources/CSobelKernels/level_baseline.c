// The baseline level's kernels (see kernels_body.h).
#include "levels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define CSOBEL_VECTOR_BYTES 16
#define CSOBEL_REGISTER __m128i
#define CSOBEL_INTRINSIC(name) _mm_##name
#define CSOBEL_TABLE csobel_kernels_baseline
#include "kernels_body.h"
#endif
