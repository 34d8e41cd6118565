// The kernels of one level. Each level's .c file includes this once, with CSOBEL_VECTOR_BYTES (pixels per
// vector block) and CSOBEL_TABLE defined, inside a `#pragma clang attribute` that sets the level's target, so
// the same source compiles to SSE2, AVX2 or AVX-512 code. Every result is exact: integer arithmetic, and for
// l2 a correctly rounded Float32 square root, as in SobelCore's ScalarReference.

#define W CSOBEL_VECTOR_BYTES

// Vectors wider than the level's registers pass between these static functions only, never across an ABI.
#pragma clang diagnostic ignored "-Wpsabi"

typedef uint8_t u8v __attribute__((vector_size(W), aligned(1)));
typedef uint8_t u8aligned __attribute__((vector_size(W)));
typedef int16_t i16v __attribute__((vector_size(2 * W), aligned(1)));
typedef int32_t i32v __attribute__((vector_size(4 * W)));
typedef float f32v __attribute__((vector_size(4 * W)));

static inline i16v widen(const uint8_t *p) {
    u8v bytes;
    memcpy(&bytes, p, sizeof bytes);
    return __builtin_convertvector(bytes, i16v);
}

/// `v` in every lane of T (or `v` as T when T is a scalar).
#define SPLAT(T, v) ((T)((T){0} + (v)))

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

/// `min(rint(sqrt(gx² + gy²)), 255)` in Float32: adding 1.5·2²³ rounds to the nearest integer, ties to even,
/// and leaves it in the low mantissa bits.
static inline u8v l2_v(i16v gx, i16v gy) {
    const i32v x = __builtin_convertvector(gx, i32v), y = __builtin_convertvector(gy, i32v);
    f32v root = __builtin_elementwise_sqrt(__builtin_convertvector(x * x + y * y, f32v));
    root = __builtin_elementwise_min(root, (f32v){0} + 255.0f) + 12582912.0f;
    i32v bits;
    memcpy(&bits, &root, sizeof bits);
    return __builtin_convertvector(bits & 0xFF, u8v);
}

static inline uint8_t l2_1(int16_t gx, int16_t gy) {
    float root = __builtin_sqrtf((float)((int32_t)gx * gx + (int32_t)gy * gy));
    root = (root < 255.0f ? root : 255.0f) + 12582912.0f;
    uint32_t bits;
    memcpy(&bits, &root, sizeof bits);
    return (uint8_t)bits;
}

static inline void store_bytes(uint8_t *out, i16v values) {
    const u8v bytes = __builtin_convertvector(values, u8v);
    memcpy(out, &bytes, sizeof bytes);
}

static inline void store_u8v(uint8_t *out, u8v bytes) { memcpy(out, &bytes, sizeof bytes); }

static inline i16v load_i16(const int16_t *p) {
    i16v v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store_i16(int16_t *p, i16v v) { memcpy(p, &v, sizeof v); }

/// The separable form of a 3×3 derivative with corner weight E and middle weight C, for columns x:
/// `V[x] = E·above[x] + C·center[x] + E·below[x]` and `D[x] = below[x] − above[x]`; then
/// `gx[x] = V[x+1] − V[x−1]` and `gy[x] = E·D[x−1] + C·D[x] + E·D[x+1]`, the same integers as the 3×3 sums.
/// A row is done in chunks whose V and D stay in L1: three widening loads per block instead of eight.
enum { CHUNK = 1024 };
#ifndef PREFETCH_DISTANCE
#define PREFETCH_DISTANCE 1024
#endif

enum { MAG_L1 = 0, MAG_L2 = 1, MAG_CLASSIC = 2 };

static inline __attribute__((always_inline)) void vertical_pass(const uint8_t *above, const uint8_t *center,
                                                                const uint8_t *below, int16_t *V, int16_t *D,
                                                                ptrdiff_t m, int16_t E, int16_t C) {
    ptrdiff_t j = 0;
    for (; j + W <= m; j += W) {
        __builtin_prefetch(below + j + PREFETCH_DISTANCE);
        const i16v a = widen(above + j), c = widen(center + j), b = widen(below + j);
        store_i16(V + j, (i16v)(E * (a + b) + C * c));
        store_i16(D + j, b - a);
    }
    if (j < m) {
        if (m >= W) {
            j = m - W;
            const i16v a = widen(above + j), c = widen(center + j), b = widen(below + j);
            store_i16(V + j, (i16v)(E * (a + b) + C * c));
            store_i16(D + j, b - a);
        } else {
            for (; j < m; j++) {
                V[j] = (int16_t)(E * (above[j] + below[j]) + C * center[j]);
                D[j] = (int16_t)(below[j] - above[j]);
            }
        }
    }
}

/// W magnitudes from V and D at columns −1…W (relative to `out`), stored normally, or with a non-temporal store
/// (`stream`, for an output larger than the caches; `out` is then W-aligned).
static inline __attribute__((always_inline)) void magnitude_block(const int16_t *V, const int16_t *D, uint8_t *out,
                                                                  int16_t E, int16_t C, int magnitude, int stream) {
    const i16v gx = load_i16(V + 2) - load_i16(V);
    const i16v gy = (i16v)(E * (load_i16(D) + load_i16(D + 2)) + C * load_i16(D + 1));
    u8v bytes;
    switch (magnitude) {
    case MAG_L1: bytes = __builtin_convertvector(MAGNITUDE_L1(i16v, gx, gy), u8v); break;
    case MAG_L2: bytes = l2_v(gx, gy); break;
    default: bytes = __builtin_convertvector(classic_v(gx, gy), u8v); break;
    }
    if (stream) {
        __builtin_nontemporal_store((u8aligned)bytes, (u8aligned *)out);
    } else {
        memcpy(out, &bytes, sizeof bytes);
    }
}

static inline __attribute__((always_inline)) uint8_t magnitude_one(int16_t gx, int16_t gy, int magnitude) {
    switch (magnitude) {
    case MAG_L1: return (uint8_t)MAGNITUDE_L1(int16_t, gx, gy);
    case MAG_L2: return l2_1(gx, gy);
    default: return (uint8_t)classic_1(gx, gy);
    }
}

/// V and D of the `n + 2` columns around outputs 0…n−1, then their magnitudes into `out`: whole blocks from
/// `out` on (stored non-temporally with `stream`, when `out` is W-aligned), and a last block ending at `n`. With
/// `exact_end`, nothing past `out[n - 1]` or before `out[0]` is written twice: the last part block is computed
/// into a scratch block and copied, so no cache line mixes streamed and ordinary stores.
static inline __attribute__((always_inline)) void magnitude_span(const uint8_t *above, const uint8_t *center,
                                                                 const uint8_t *below, uint8_t *out, ptrdiff_t n,
                                                                 int16_t *V, int16_t *D, int16_t E, int16_t C,
                                                                 int magnitude, int stream) {
    vertical_pass(above - 1, center - 1, below - 1, V, D, n + 2, E, C);
    if (n < W) {
        for (ptrdiff_t i = 0; i < n; i++) {
            const int16_t gx = (int16_t)(V[i + 2] - V[i]);
            const int16_t gy = (int16_t)(E * (D[i] + D[i + 2]) + C * D[i + 1]);
            out[i] = magnitude_one(gx, gy, magnitude);
        }
        return;
    }
    ptrdiff_t i = 0;
    for (; i + W <= n; i += W) magnitude_block(V + i, D + i, out + i, E, C, magnitude, stream);
    if (i < n) {
        if (stream) {
            uint8_t last[W];
            magnitude_block(V + n - W, D + n - W, last, E, C, magnitude, 0);
            memcpy(out + i, last + W - (n - i), (size_t)(n - i));
        } else {
            magnitude_block(V + n - W, D + n - W, out + n - W, E, C, magnitude, 0);
        }
    }
}

/// A row of magnitudes: `above[-1]`…`above[count]` (and the same of `center`, `below`) are readable. The row
/// runs in chunks whose V and D stay in L1; with `stream`, the chunks start at W-aligned outputs and their whole
/// blocks are written with non-temporal stores.
static inline __attribute__((always_inline)) void magnitude_row(const uint8_t *above, const uint8_t *center,
                                                                const uint8_t *below, uint8_t *out, ptrdiff_t count,
                                                                int16_t E, int16_t C, int magnitude, int stream) {
    int16_t V[CHUNK + 2 * W + 2] __attribute__((aligned(64))), D[CHUNK + 2 * W + 2] __attribute__((aligned(64)));
    ptrdiff_t s = 0;
    if (stream) {
        const ptrdiff_t head = (ptrdiff_t)((W - ((uintptr_t)out & (W - 1))) & (W - 1));
        const ptrdiff_t first = head < count ? head : count;
        if (first > 0) magnitude_span(above, center, below, out, first, V, D, E, C, magnitude, 0);
        s = first;
    }
    while (s < count) {
        // The last chunk takes what is left when a further chunk would be shorter than a block.
        const ptrdiff_t n = count - s <= CHUNK + W ? count - s : CHUNK;
        magnitude_span(above + s, center + s, below + s, out + s, n, V, D, E, C, magnitude, stream);
        s += n;
    }
    if (stream) __builtin_ia32_sfence();
}

#define DEFINE_MAGNITUDE(NAME, E, C, MAGNITUDE)                                                          \
    static void NAME(const uint8_t *above, const uint8_t *center, const uint8_t *below, uint8_t *out,   \
                     ptrdiff_t count) {                                                                  \
        magnitude_row(above, center, below, out, count, E, C, MAGNITUDE, 0);                            \
    }                                                                                                    \
    static void NAME##_stream(const uint8_t *above, const uint8_t *center, const uint8_t *below,        \
                              uint8_t *out, ptrdiff_t count) {                                           \
        magnitude_row(above, center, below, out, count, E, C, MAGNITUDE, 1);                            \
    }

DEFINE_MAGNITUDE(sobel_l1, 1, 2, MAG_L1)
DEFINE_MAGNITUDE(sobel_l2, 1, 2, MAG_L2)
DEFINE_MAGNITUDE(sobel_classic, 1, 2, MAG_CLASSIC)
DEFINE_MAGNITUDE(scharr_l1, 3, 10, MAG_L1)
DEFINE_MAGNITUDE(scharr_l2, 3, 10, MAG_L2)
DEFINE_MAGNITUDE(scharr_classic, 3, 10, MAG_CLASSIC)

/// A row of gx and gy, in the same separable form.
static inline __attribute__((always_inline)) void derivatives_row(const uint8_t *above, const uint8_t *center,
                                                                  const uint8_t *below, int16_t *gx_out,
                                                                  int16_t *gy_out, ptrdiff_t count, int16_t E, int16_t C) {
    int16_t V[CHUNK + 2 * W + 2] __attribute__((aligned(64))), D[CHUNK + 2 * W + 2] __attribute__((aligned(64)));
    for (ptrdiff_t s = 0; s < count;) {
        const ptrdiff_t n = count - s <= CHUNK + W ? count - s : CHUNK;
        vertical_pass(above + s - 1, center + s - 1, below + s - 1, V, D, n + 2, E, C);
        ptrdiff_t i = 0;
        for (; i + W <= n; i += W) {
            store_i16(gx_out + s + i, load_i16(V + i + 2) - load_i16(V + i));
            store_i16(gy_out + s + i, (i16v)(E * (load_i16(D + i) + load_i16(D + i + 2)) + C * load_i16(D + i + 1)));
        }
        for (; i < n; i++) {
            gx_out[s + i] = (int16_t)(V[i + 2] - V[i]);
            gy_out[s + i] = (int16_t)(E * (D[i] + D[i + 2]) + C * D[i + 1]);
        }
        s += n;
    }
}

static void sobel_derivatives(const uint8_t *above, const uint8_t *center, const uint8_t *below, int16_t *gx,
                              int16_t *gy, ptrdiff_t count) {
    derivatives_row(above, center, below, gx, gy, count, 1, 2);
}

static void scharr_derivatives(const uint8_t *above, const uint8_t *center, const uint8_t *below, int16_t *gx,
                               int16_t *gy, ptrdiff_t count) {
    derivatives_row(above, center, below, gx, gy, count, 3, 10);
}

static void gray_rgb(const uint8_t *restrict rgb, uint8_t *restrict out, ptrdiff_t count) {
    for (ptrdiff_t x = 0; x < count; x++) {
        const uint8_t *p = rgb + 3 * x;
        out[x] = (uint8_t)((9798 * p[0] + 19235 * p[1] + 3735 * p[2] + 16384) >> 15);
    }
}

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

const csobel_kernels CSOBEL_TABLE = {
    .magnitude = {{sobel_l1, sobel_l2, sobel_classic}, {scharr_l1, scharr_l2, scharr_classic}},
    .magnitude_streaming = {{sobel_l1_stream, sobel_l2_stream, sobel_classic_stream},
                            {scharr_l1_stream, scharr_l2_stream, scharr_classic_stream}},
    .derivatives = {sobel_derivatives, scharr_derivatives},
    .gray_rgb = gray_rgb,
    .gray_rgba = gray_rgba,
    .vertical_sums = vertical_sums,
    .blur_row = blur_row,
    .threshold = threshold,
};

#undef W
