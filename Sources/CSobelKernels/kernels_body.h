// The kernels of one level. Each level's .c file includes this once, with CSOBEL_VECTOR_BYTES (pixels per
// vector block), CSOBEL_REGISTER (the level's vector register), CSOBEL_INTRINSIC(name) (the level's intrinsic
// of that name: `_mm512_##name`, …) and CSOBEL_TABLE defined, inside a `#pragma clang attribute` that sets the
// level's target, so the same source compiles to SSE2, AVX2 or AVX-512 code. Every result is exact: integer
// arithmetic, and for l2 a correctly rounded Float32 square root, as in SobelCore's ScalarReference.

#define W CSOBEL_VECTOR_BYTES

// Vectors wider than the level's registers pass between these static functions only, never across an ABI.
#pragma clang diagnostic ignored "-Wpsabi"

typedef uint8_t u8v __attribute__((vector_size(W), aligned(1)));
typedef uint8_t u8aligned __attribute__((vector_size(W)));
typedef int16_t i16v __attribute__((vector_size(2 * W), aligned(1)));

static inline i16v widen(const uint8_t *p) {
    u8v bytes;
    memcpy(&bytes, p, sizeof bytes);
    return __builtin_convertvector(bytes, i16v);
}

/// The W bytes at `p` widened to 16 bits by the level's unpacks, which work within 128-bit lanes: lane order is
/// permuted, the same way for every load, so lane-wise arithmetic is unaffected, and `narrow_spread` restores it.
static inline i16v spread(const uint8_t *p) {
    CSOBEL_REGISTER bytes;
    memcpy(&bytes, p, sizeof bytes);
    const CSOBEL_REGISTER halves[2] = {CSOBEL_INTRINSIC(unpacklo_epi8)(bytes, (CSOBEL_REGISTER){0}),
                                       CSOBEL_INTRINSIC(unpackhi_epi8)(bytes, (CSOBEL_REGISTER){0})};
    i16v v;
    memcpy(&v, halves, sizeof v);
    return v;
}

/// Non-negative 16-bit lanes in `spread`'s order back to bytes in memory order, saturating at 255 (`packuswb`).
static inline u8v narrow_spread(i16v v) {
    CSOBEL_REGISTER halves[2];
    memcpy(halves, &v, sizeof halves);
    const CSOBEL_REGISTER bytes = CSOBEL_INTRINSIC(packus_epi16)(halves[0], halves[1]);
    u8v out;
    memcpy(&out, &bytes, sizeof out);
    return out;
}

/// `v` in every lane of T (or `v` as T when T is a scalar).
#define SPLAT(T, v) ((T)((T){0} + (v)))

/// Non-negative 16-bit lanes in memory order to bytes, saturating at 255.
static inline u8v saturate(i16v v) { return __builtin_convertvector(__builtin_elementwise_min(v, SPLAT(i16v, 255)), u8v); }

/// `min(|gx| + |gy|, 255)`.
#define MAGNITUDE_L1(T, gx, gy) __builtin_elementwise_min((T)(__builtin_elementwise_abs(gx) + __builtin_elementwise_abs(gy)), SPLAT(T, 255))

/// `rint((min(|gx|, 255) + min(|gy|, 255)) / 2)`, half to even.
#define MAGNITUDE_CLASSIC(T, gx, gy, sum)                                                                \
    const T sum = (T)(__builtin_elementwise_min(__builtin_elementwise_abs(gx), SPLAT(T, 255))             \
                      + __builtin_elementwise_min(__builtin_elementwise_abs(gy), SPLAT(T, 255)));

static inline i16v classic_v(i16v gx, i16v gy) {
    MAGNITUDE_CLASSIC(i16v, gx, gy, sum)
    return (sum + ((sum >> 1) & 1)) >> 1;
}

static inline int16_t classic_1(int16_t gx, int16_t gy) {
    MAGNITUDE_CLASSIC(int16_t, gx, gy, sum)
    return (int16_t)((sum + ((sum >> 1) & 1)) >> 1);
}

/// `rint(sqrt(gx² + gy²))` in Float32, one level register at a time: gx and gy interleave into 32-bit lanes of
/// (gx, gy) pairs, one multiply-add of 16-bit pairs (`pmaddwd`) squares and sums each pair exactly, the square root
/// is rounded to the nearest integer, ties to even (`cvtps2dq` in the default rounding mode), and a pack undoes the
/// interleaving (both work within 128-bit lanes). (Even and odd pixels in separate vectors ran at 0.93-0.95x this speed, sign-extending to 32 bits and
/// multiplying there at 0.8x that, and a reciprocal-square-root estimate at about half: docs/performance.md.)
static inline CSOBEL_REGISTER rounded_roots_of_pairs(CSOBEL_REGISTER pairs) {
    return CSOBEL_INTRINSIC(cvtps_epi32)(CSOBEL_INTRINSIC(sqrt_ps)(CSOBEL_INTRINSIC(cvtepi32_ps)(CSOBEL_INTRINSIC(madd_epi16)(pairs, pairs))));
}

/// `rint(sqrt(gx² + gy²))` of each lane, not yet saturated at 255.
static inline i16v l2_v(i16v gx, i16v gy) {
    enum { REGISTERS = sizeof(i16v) / sizeof(CSOBEL_REGISTER) };
    CSOBEL_REGISTER x[REGISTERS], y[REGISTERS], roots[REGISTERS];
    memcpy(x, &gx, sizeof x);
    memcpy(y, &gy, sizeof y);
    for (int i = 0; i < REGISTERS; i++) {
        roots[i] = CSOBEL_INTRINSIC(packs_epi32)(rounded_roots_of_pairs(CSOBEL_INTRINSIC(unpacklo_epi16)(x[i], y[i])),
                                                 rounded_roots_of_pairs(CSOBEL_INTRINSIC(unpackhi_epi16)(x[i], y[i])));
    }
    i16v words;
    memcpy(&words, roots, sizeof words);
    return words;
}

static inline uint8_t l2_1(int16_t gx, int16_t gy) {
    float root = __builtin_sqrtf((float)((int32_t)gx * gx + (int32_t)gy * gy));
    root = (root < 255.0f ? root : 255.0f) + 12582912.0f;
    uint32_t bits;
    memcpy(&bits, &root, sizeof bits);
    return (uint8_t)bits;
}

static inline void store_i16(int16_t *p, i16v v) { memcpy(p, &v, sizeof v); }

/// gx and gy at W (or one) columns of a 3×3 stencil with corner weight E and middle weight C (even), straight
/// from the 3×3 neighbourhood, by way of p = (gx + gy) / 2 and q = (gx − gy) / 2: those take fewer operations,
/// and |gx| + |gy| = 2·max(|p|, |q|), so l1 needs only them. Measured against the separable form (vertical sums
/// per chunk in L1, then horizontal differences), this direct form was 1.1–1.4× faster here (docs/performance.md).
#define GRADIENTS(T, LOAD, E, C)                                                                         \
    const T a0 = LOAD(above - 1), a1 = LOAD(above), a2 = LOAD(above + 1);                               \
    const T c0 = LOAD(center - 1), c2 = LOAD(center + 1);                                                \
    const T b0 = LOAD(below - 1), b1 = LOAD(below), b2 = LOAD(below + 1);                               \
    const T across = (T)(c2 - c0), down = (T)(b1 - a1);                                                  \
    const T p = (T)(E * (b2 - a0) + (int16_t)(C / 2) * (across + down));                                \
    const T q = (T)(E * (a2 - b0) + (int16_t)(C / 2) * (across - down));                                \
    const T gx = (T)(p + q), gy = (T)(p - q);

/// `|gx| + |gy|` from p and q of GRADIENTS, not yet saturated at 255.
#define L1_OF_HALVES(T, p, q) (T)(2 * __builtin_elementwise_max(__builtin_elementwise_abs(p), __builtin_elementwise_abs(q)))

static inline int16_t widen1(const uint8_t *p) { return (int16_t)*p; }

enum { MAG_L1 = 0, MAG_L2 = 1, MAG_CLASSIC = 2 };

/// W magnitudes whose 3×3 neighbourhoods start at `above - 1`, `center - 1` and `below - 1`. The bytes are read
/// with `spread` (1.1-1.4x the speed of `widen` for l2 and classic at every level, 1.04-1.09x for l1 on SSE2 and
/// AVX2); a level defines CSOBEL_L1_IN_MEMORY_ORDER where l1 runs faster with `widen` (level_avx512.c).
static inline __attribute__((always_inline)) u8v magnitude_block(const uint8_t *above, const uint8_t *center,
                                                                 const uint8_t *below, int16_t E, int16_t C,
                                                                 int magnitude) {
#ifdef CSOBEL_L1_IN_MEMORY_ORDER
    if (magnitude == MAG_L1) {
        GRADIENTS(i16v, widen, E, C)
        return saturate(L1_OF_HALVES(i16v, p, q));
    }
#endif
    GRADIENTS(i16v, spread, E, C)
    switch (magnitude) {
    case MAG_L1: return narrow_spread(L1_OF_HALVES(i16v, p, q));
    case MAG_L2: return narrow_spread(l2_v(gx, gy));
    default: return narrow_spread(classic_v(gx, gy));
    }
}

static inline __attribute__((always_inline)) uint8_t magnitude_one(const uint8_t *above, const uint8_t *center,
                                                                   const uint8_t *below, int16_t E, int16_t C,
                                                                   int magnitude) {
    GRADIENTS(int16_t, widen1, E, C)
    switch (magnitude) {
    case MAG_L1: return (uint8_t)__builtin_elementwise_min(L1_OF_HALVES(int16_t, p, q), (int16_t)255);
    case MAG_L2: return l2_1(gx, gy);
    default: return (uint8_t)classic_1(gx, gy);
    }
}

/// A row of magnitudes: `above[-1]`…`above[count]` (and the same of `center`, `below`) are readable. The row runs
/// as a first block, whole blocks from the first W-aligned output, and a last block ending at the row's end, so
/// no scalar remainder runs and the stores of the whole blocks are aligned. With `stream`, those aligned blocks
/// are written with non-temporal stores, and the first and last part blocks are copied from a scratch block, so
/// no cache line mixes streamed and ordinary stores. One line of `upcoming` (unless NULL) is prefetched per 64
/// pixels, past the upper caches (`prefetchnta`): at 8192² that took l1 from 5,583-5,766 to 6,643-6,770 MP/s on one
/// thread, and changed nothing at 4096² (docs/performance.md).
static inline __attribute__((always_inline)) void magnitude_row(const uint8_t *above, const uint8_t *center,
                                                                const uint8_t *below, uint8_t *out, ptrdiff_t count,
                                                                const uint8_t *upcoming, int16_t E, int16_t C,
                                                                int magnitude, int stream) {
    if (count < W) {
        for (ptrdiff_t i = 0; i < count; i++) out[i] = magnitude_one(above + i, center + i, below + i, E, C, magnitude);
        return;
    }
    const ptrdiff_t head = (ptrdiff_t)((W - ((uintptr_t)out & (W - 1))) & (W - 1));
    const ptrdiff_t end = head + (count - head) / W * W;
    if (head > 0) {
        const u8v first = magnitude_block(above, center, below, E, C, magnitude);
        memcpy(out, &first, stream ? (size_t)head : sizeof first);
    }
    for (ptrdiff_t i = head; i < end; i += W) {
        if (upcoming && (i & 63) < W) __builtin_prefetch(upcoming + i, 0, 0);
        const u8v bytes = magnitude_block(above + i, center + i, below + i, E, C, magnitude);
        if (stream) {
            __builtin_nontemporal_store((u8aligned)bytes, (u8aligned *)(out + i));
        } else {
            memcpy(out + i, &bytes, sizeof bytes);
        }
    }
    if (end < count) {
        const ptrdiff_t last = count - W;
        const u8v bytes = magnitude_block(above + last, center + last, below + last, E, C, magnitude);
        if (stream) {
            memcpy(out + end, (const uint8_t *)&bytes + (end - last), (size_t)(count - end));
        } else {
            memcpy(out + last, &bytes, sizeof bytes);
        }
    }
    if (stream) __builtin_ia32_sfence();
}

#define DEFINE_MAGNITUDE(NAME, E, C, MAGNITUDE)                                                          \
    static void NAME(const uint8_t *above, const uint8_t *center, const uint8_t *below, uint8_t *out,   \
                     ptrdiff_t count, const uint8_t *upcoming) {                                         \
        magnitude_row(above, center, below, out, count, upcoming, E, C, MAGNITUDE, 0);                  \
    }                                                                                                    \
    static void NAME##_stream(const uint8_t *above, const uint8_t *center, const uint8_t *below,        \
                              uint8_t *out, ptrdiff_t count, const uint8_t *upcoming) {                  \
        magnitude_row(above, center, below, out, count, upcoming, E, C, MAGNITUDE, 1);                  \
    }

DEFINE_MAGNITUDE(sobel_l1, 1, 2, MAG_L1)
DEFINE_MAGNITUDE(sobel_l2, 1, 2, MAG_L2)
DEFINE_MAGNITUDE(sobel_classic, 1, 2, MAG_CLASSIC)
DEFINE_MAGNITUDE(scharr_l1, 3, 10, MAG_L1)
DEFINE_MAGNITUDE(scharr_l2, 3, 10, MAG_L2)
DEFINE_MAGNITUDE(scharr_classic, 3, 10, MAG_CLASSIC)

#define DEFINE_DERIVATIVES(NAME, E, C)                                                                   \
    static void NAME(const uint8_t *above_row, const uint8_t *center_row, const uint8_t *below_row,     \
                     int16_t *gx_out, int16_t *gy_out, ptrdiff_t count) {                                \
        ptrdiff_t i = 0;                                                                                 \
        for (; i + W <= count; i += W) {                                                                 \
            const uint8_t *above = above_row + i, *center = center_row + i, *below = below_row + i;     \
            GRADIENTS(i16v, widen, E, C)                                                                 \
            store_i16(gx_out + i, gx);                                                                   \
            store_i16(gy_out + i, gy);                                                                   \
        }                                                                                                \
        for (; i < count; i++) {                                                                         \
            const uint8_t *above = above_row + i, *center = center_row + i, *below = below_row + i;     \
            GRADIENTS(int16_t, widen1, E, C)                                                             \
            gx_out[i] = gx;                                                                              \
            gy_out[i] = gy;                                                                              \
        }                                                                                                \
    }

DEFINE_DERIVATIVES(sobel_derivatives, 1, 2)
DEFINE_DERIVATIVES(scharr_derivatives, 3, 10)

static inline i16v load_i16(const int16_t *p) {
    i16v v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) void combine_row(const int16_t *gx, const int16_t *gy, uint8_t *out,
                                                              ptrdiff_t count, int magnitude) {
    ptrdiff_t i = 0;
    for (; i + W <= count; i += W) {
        const i16v x = load_i16(gx + i), y = load_i16(gy + i);
        u8v bytes;
        switch (magnitude) {
        case MAG_L1: bytes = __builtin_convertvector(MAGNITUDE_L1(i16v, x, y), u8v); break;
        case MAG_L2: bytes = saturate(l2_v(x, y)); break;
        default: bytes = __builtin_convertvector(classic_v(x, y), u8v); break;
        }
        memcpy(out + i, &bytes, sizeof bytes);
    }
    for (; i < count; i++) {
        switch (magnitude) {
        case MAG_L1: out[i] = (uint8_t)MAGNITUDE_L1(int16_t, gx[i], gy[i]); break;
        case MAG_L2: out[i] = l2_1(gx[i], gy[i]); break;
        default: out[i] = (uint8_t)classic_1(gx[i], gy[i]); break;
        }
    }
}

static void combine_l1(const int16_t *gx, const int16_t *gy, uint8_t *out, ptrdiff_t count) { combine_row(gx, gy, out, count, MAG_L1); }
static void combine_l2(const int16_t *gx, const int16_t *gy, uint8_t *out, ptrdiff_t count) { combine_row(gx, gy, out, count, MAG_L2); }
static void combine_classic(const int16_t *gx, const int16_t *gy, uint8_t *out, ptrdiff_t count) {
    combine_row(gx, gy, out, count, MAG_CLASSIC);
}

#ifndef CSOBEL_GRAY_RGB
static void gray_rgb(const uint8_t *restrict rgb, uint8_t *restrict out, ptrdiff_t count) {
    for (ptrdiff_t x = 0; x < count; x++) {
        const uint8_t *p = rgb + 3 * x;
        out[x] = (uint8_t)((9798 * p[0] + 19235 * p[1] + 3735 * p[2] + 16384) >> 15);
    }
}
#define CSOBEL_GRAY_RGB gray_rgb
#endif

static void gray_rgba(const uint8_t *restrict rgba, uint8_t *restrict out, ptrdiff_t count) {
    for (ptrdiff_t x = 0; x < count; x++) {
        const uint8_t *p = rgba + 4 * x;
        out[x] = (uint8_t)((9798 * p[0] + 19235 * p[1] + 3735 * p[2] + 16384) >> 15);
    }
}

static void vertical_sums(const uint8_t *const *rows, int taps, uint16_t *restrict sums, ptrdiff_t count) {
    if (taps == 3) {
        const uint8_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
        for (ptrdiff_t x = 0; x < count; x++) sums[x] = (uint16_t)(r0[x] + 2 * r1[x] + r2[x]);
    } else {
        const uint8_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3], *r4 = rows[4];
        for (ptrdiff_t x = 0; x < count; x++) sums[x] = (uint16_t)(r0[x] + 4 * r1[x] + 6 * r2[x] + 4 * r3[x] + r4[x]);
    }
}

// Sums stay below 2^16: a vertical sum is at most 255·16 and a blurred one at most 255·256 + 128.
static void blur_row(const uint16_t *sums, int taps, uint8_t *restrict out, ptrdiff_t count) {
    if (taps == 3) {
        for (ptrdiff_t x = 0; x < count; x++)
            out[x] = (uint8_t)((uint16_t)(sums[x - 1] + 2 * sums[x] + sums[x + 1] + 8) >> 4);
    } else {
        for (ptrdiff_t x = 0; x < count; x++)
            out[x] = (uint8_t)((uint16_t)(sums[x - 2] + 4 * sums[x - 1] + 6 * sums[x] + 4 * sums[x + 1] + sums[x + 2] + 128) >> 8);
    }
}

static void threshold(const uint8_t *restrict in, uint8_t level, uint8_t *restrict out, ptrdiff_t count) {
    for (ptrdiff_t x = 0; x < count; x++) out[x] = in[x] > level ? 255 : 0;
}

static void extremes(const uint8_t *restrict in, ptrdiff_t count, uint8_t *low, uint8_t *high) {
    ptrdiff_t x = 0;
    if (count >= W) {
        u8v lows, highs;
        memcpy(&lows, in, sizeof lows);
        highs = lows;
        for (x = W; x + W <= count; x += W) {
            u8v v;
            memcpy(&v, in + x, sizeof v);
            lows = __builtin_elementwise_min(lows, v);
            highs = __builtin_elementwise_max(highs, v);
        }
        const uint8_t l = __builtin_reduce_min(lows), h = __builtin_reduce_max(highs);
        if (l < *low) *low = l;
        if (h > *high) *high = h;
    }
    for (; x < count; x++) {
        if (in[x] < *low) *low = in[x];
        if (in[x] > *high) *high = in[x];
    }
}

static void count_values(const uint8_t *restrict in, ptrdiff_t count, uint32_t *restrict tables) {
    ptrdiff_t x = 0;
    for (; x + 4 <= count; x += 4) {
        tables[in[x]]++;
        tables[256 + in[x + 1]]++;
        tables[512 + in[x + 2]]++;
        tables[768 + in[x + 3]]++;
    }
    for (; x < count; x++) tables[in[x]]++;
}

static void lookup_scalar(const uint8_t *restrict table, const uint8_t *in, uint8_t *out, ptrdiff_t count) {
    ptrdiff_t x = 0;
    for (; x + 4 <= count; x += 4) {
        const uint8_t a = table[in[x]], b = table[in[x + 1]], c = table[in[x + 2]], d = table[in[x + 3]];
        out[x] = a, out[x + 1] = b, out[x + 2] = c, out[x + 3] = d;
    }
    for (; x < count; x++) out[x] = table[in[x]];
}

// A level may bring its own table lookup (CSOBEL_LOOKUP) and RGB to gray conversion (CSOBEL_GRAY_RGB,
// gray_shuffles.c), with byte shuffles these plain loops do not vectorise well.
#ifndef CSOBEL_LOOKUP
#define CSOBEL_LOOKUP lookup_scalar
#endif

const csobel_kernels CSOBEL_TABLE = {
    .magnitude = {{sobel_l1, sobel_l2, sobel_classic}, {scharr_l1, scharr_l2, scharr_classic}},
    .magnitude_streaming = {{sobel_l1_stream, sobel_l2_stream, sobel_classic_stream},
                            {scharr_l1_stream, scharr_l2_stream, scharr_classic_stream}},
    .derivatives = {sobel_derivatives, scharr_derivatives},
    .combine = {combine_l1, combine_l2, combine_classic},
    .gray_rgb = CSOBEL_GRAY_RGB,
    .gray_rgba = gray_rgba,
    .vertical_sums = vertical_sums,
    .blur_row = blur_row,
    .threshold = threshold,
    .extremes = extremes,
    .count_values = count_values,
    .lookup = CSOBEL_LOOKUP,
};

#undef W
