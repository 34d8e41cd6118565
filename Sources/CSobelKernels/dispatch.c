#include "CSobelKernels.h"
#include "levels.h"

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

int csobel_cpu_supports(int level) {
    if (level == CSOBEL_LEVEL_BASELINE) return 1;
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1, fma = (ecx >> 12) & 1;
    if (!osxsave || !avx || !fma) return 0;
    const uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return 0; // the OS saves SSE and AVX state
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const int avx2 = (ebx >> 5) & 1, bmi2 = (ebx >> 8) & 1;
    if (!avx2 || !bmi2) return 0;
    if (level == CSOBEL_LEVEL_AVX2) return 1;
    if (level != CSOBEL_LEVEL_AVX512) return 0;
    const int f = (ebx >> 16) & 1, dq = (ebx >> 17) & 1, bw = (ebx >> 30) & 1, vl = (ebx >> 31) & 1;
    return f && dq && bw && vl && (xcr0 & 0xE0) == 0xE0; // and opmask, ZMM_Hi256, Hi16_ZMM state
}

int csobel_cpu_supports_vbmi(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!csobel_cpu_supports(CSOBEL_LEVEL_AVX512) || !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx >> 1) & 1;
}

const csobel_kernels *csobel_kernels_for_level(int level) {
    switch (level) {
    case CSOBEL_LEVEL_BASELINE: return &csobel_kernels_baseline;
    case CSOBEL_LEVEL_AVX2: return &csobel_kernels_avx2;
    case CSOBEL_LEVEL_AVX512: return &csobel_kernels_avx512;
    default: return 0;
    }
}

#else

int csobel_cpu_supports(int level) {
    (void)level;
    return 0;
}

int csobel_cpu_supports_vbmi(void) { return 0; }

const csobel_kernels *csobel_kernels_for_level(int level) {
    (void)level;
    return 0;
}

#endif
