#ifndef CSOBEL_ALLOCATOR_H
#define CSOBEL_ALLOCATOR_H

/// Limits glibc malloc to `count` arenas (M_ARENA_MAX). Returns 1 when applied, 0 elsewhere (not glibc).
int csobel_limit_malloc_arenas(int count);

/// Serves every allocation of `bytes` or more with its own mapping, returned to the system when freed
/// (M_MMAP_THRESHOLD; a fixed value also stops glibc from raising the threshold after large frees), and trims
/// the heap when its free top exceeds `bytes` (M_TRIM_THRESHOLD). Returns 1 when applied, 0 elsewhere.
int csobel_fix_mmap_threshold(int bytes);

/// Returns free memory at the top of glibc's heaps to the system (malloc_trim(0)). Returns 1 when some was
/// released, 0 otherwise.
int csobel_trim_malloc(void);

#endif
