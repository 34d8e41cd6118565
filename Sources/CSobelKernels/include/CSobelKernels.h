// SobelCore's hot row loops in C, compiled for three x86-64 levels and picked once per process at run time.
// Each function computes one span of a row; SobelCore's Swift code keeps the border rule, the edge columns
// and the tiling, and stays the implementation elsewhere (arm64) and the reference (ScalarReference).
#ifndef CSOBEL_KERNELS_H
#define CSOBEL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The x86-64 levels, in increasing order. Off x86-64 no level exists.
enum {
    CSOBEL_LEVEL_BASELINE = 1, ///< x86-64 (SSE2)
    CSOBEL_LEVEL_AVX2 = 2,     ///< x86-64-v3: AVX2, FMA, BMI2
    CSOBEL_LEVEL_AVX512 = 3,   ///< x86-64-v4: AVX-512 F, BW, VL, DQ
};

/// Magnitudes of `count` pixels of a 3×3 Sobel or Scharr; `above[-1]`…`above[count]` (and the same of
/// `center` and `below`) are readable. `upcoming`, unless NULL, is a row that a later call will read: its first
/// `count` bytes are prefetched while this row runs (for images larger than the caches, where the hardware
/// prefetcher alone leaves the loop waiting on memory).
typedef void (*csobel_magnitude_row)(const uint8_t *above, const uint8_t *center, const uint8_t *below,
                                     uint8_t *out, ptrdiff_t count, const uint8_t *upcoming);
/// gx and gy of `count` pixels, with the same reach as `csobel_magnitude_row`.
typedef void (*csobel_derivatives_row)(const uint8_t *above, const uint8_t *center, const uint8_t *below,
                                       int16_t *gx, int16_t *gy, ptrdiff_t count);

/// One level's kernels.
typedef struct {
    /// [kernel: 0 Sobel, 1 Scharr][magnitude: 0 l1, 1 l2, 2 classic]
    csobel_magnitude_row magnitude[2][3];
    /// The same, writing whole aligned blocks with non-temporal stores: for outputs larger than the caches,
    /// where they save the read of each output line before it is written.
    csobel_magnitude_row magnitude_streaming[2][3];
    /// [kernel: 0 Sobel, 1 Scharr]
    csobel_derivatives_row derivatives[2];
    /// [magnitude: 0 l1, 1 l2, 2 classic] of `count` gx and gy values.
    void (*combine[3])(const int16_t *gx, const int16_t *gy, uint8_t *out, ptrdiff_t count);
    /// `(9798 R + 19235 G + 3735 B + 16384) >> 15` of `count` RGB (3 bytes) or RGBA (4 bytes) pixels.
    void (*gray_rgb)(const uint8_t *rgb, uint8_t *out, ptrdiff_t count);
    void (*gray_rgba)(const uint8_t *rgba, uint8_t *out, ptrdiff_t count);
    /// Gaussian blur, separable with binomial weights ([1 2 1] for 3 taps, [1 4 6 4 1] for 5):
    /// `sums[x] = Σ w[k] · rows[k][x]` over the `taps` rows, for x < `count`.
    void (*vertical_sums)(const uint8_t *const *rows, int taps, uint16_t *sums, ptrdiff_t count);
    /// `out[x] = (Σ w[k] · sums[x + k − taps/2] + half) >> shift` (shift 4 for 3 taps, 8 for 5), rounded half up;
    /// `sums[−taps/2]`…`sums[count − 1 + taps/2]` are readable.
    void (*blur_row)(const uint16_t *sums, int taps, uint8_t *out, ptrdiff_t count);
    /// 255 where `in[x] > level`, else 0.
    void (*threshold)(const uint8_t *in, uint8_t level, uint8_t *out, ptrdiff_t count);
    /// Lowers `*low` and raises `*high` to the smallest and largest of `count` values.
    void (*extremes)(const uint8_t *in, ptrdiff_t count, uint8_t *low, uint8_t *high);
    /// Adds one to `tables[256 * (x % 4) + in[x]]` for x < `count`: a histogram in four interleaved tables, so runs
    /// of equal values do not wait on one counter.
    void (*count_values)(const uint8_t *in, ptrdiff_t count, uint32_t *tables);
    /// `out[x] = table[in[x]]` for a 256-entry table; `in` and `out` may be the same row.
    void (*lookup)(const uint8_t *table, const uint8_t *in, uint8_t *out, ptrdiff_t count);
} csobel_kernels;

/// Whether this CPU and operating system run `level` (one of `CSOBEL_LEVEL_*`); 0 off x86-64.
int csobel_cpu_supports(int level);

/// Whether this CPU has AVX512-VBMI (byte permutes across 64 lanes), which the avx512 level's table lookup uses.
int csobel_cpu_supports_vbmi(void);

/// The kernels of `level`, or NULL when this build has none for it (off x86-64).
const csobel_kernels *csobel_kernels_for_level(int level);

#endif
