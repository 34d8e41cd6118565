#include "CSobelAllocator.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>

int csobel_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }

int csobel_fix_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes) & mallopt(M_TRIM_THRESHOLD, bytes); }

int csobel_trim_malloc(void) { return malloc_trim(0); }
#else
int csobel_limit_malloc_arenas(int count) {
    (void)count;
    return 0;
}

int csobel_fix_mmap_threshold(int bytes) {
    (void)bytes;
    return 0;
}

int csobel_trim_malloc(void) { return 0; }
#endif
