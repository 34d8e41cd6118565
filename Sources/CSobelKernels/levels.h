// The kernel tables each level's translation unit defines (x86-64 only).
#ifndef CSOBEL_LEVELS_H
#define CSOBEL_LEVELS_H
#include "CSobelKernels.h"

#if defined(__x86_64__)
extern const csobel_kernels csobel_kernels_baseline;
extern const csobel_kernels csobel_kernels_avx2;
extern const csobel_kernels csobel_kernels_avx512;
#endif

#endif
