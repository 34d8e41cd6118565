// A fast DEFLATE encoder for run-length matches only (distance 1), as zlib's Z_RLE strategy finds, with a
// dynamic Huffman code per block: what PNG strips of edge maps need, at several times zlib's speed. Blocks
// hold up to BLOCK_BYTES of input; a segment that is not the stream's last ends with an empty stored block,
// byte-aligned like zlib's Z_SYNC_FLUSH, so segments deflated separately join into one stream.
#include "deflate_rle.h"
#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES (64u * 1024u)
#define LITLEN_SYMBOLS 286
#define DISTANCE_SYMBOLS 2  // distance 1 is code 0; code 1 is given a length too, so that the code is complete
#define CODELEN_SYMBOLS 19
#define MAX_BITS 15

typedef struct {
    uint8_t *out;
    size_t capacity, used;
    uint64_t bits;
    int count;
    int overflow;
} bit_writer;

/// Appends `count` (at most 16) bits; whole 32-bit words go out with one 8-byte store, which the capacity's
/// slack (see ccodec_deflate_rle_bound) always has room for.
static inline void put_bits(bit_writer *writer, uint32_t value, int count) {
    writer->bits |= (uint64_t)value << writer->count;
    writer->count += count;
    if (writer->count >= 32) {
        if (writer->used + 8 <= writer->capacity) {
            memcpy(writer->out + writer->used, &writer->bits, 8);
        } else {
            writer->overflow = 1;
        }
        writer->used += 4;
        writer->bits >>= 32;
        writer->count -= 32;
    }
}

/// Pads with zero bits to a byte boundary and writes out every whole byte.
static void align_to_byte(bit_writer *writer) {
    writer->count = (writer->count + 7) & ~7;
    while (writer->count > 0) {
        if (writer->used < writer->capacity) {
            writer->out[writer->used] = (uint8_t)writer->bits;
        } else {
            writer->overflow = 1;
        }
        writer->used++;
        writer->bits >>= 8;
        writer->count -= 8;
    }
}

// The length symbols 257…285 with their extra bits and base lengths (RFC 1951, 3.2.5).
static const uint16_t length_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                         31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};

static int length_symbol(int length) {
    int symbol = 28;
    while (length_base[symbol] > length) symbol--;
    return symbol;
}

static uint16_t reverse_bits(uint16_t code, int length) {
    uint16_t reversed = 0;
    for (int i = 0; i < length; i++) reversed = (uint16_t)(reversed << 1 | ((code >> i) & 1));
    return reversed;
}

typedef struct {
    uint32_t frequency;
    uint16_t symbol;
} weighted;

static int by_frequency(const void *a, const void *b) {
    const weighted *x = a, *y = b;
    if (x->frequency != y->frequency) return x->frequency < y->frequency ? -1 : 1;
    return x->symbol < y->symbol ? -1 : 1;
}

/// Code lengths of at most `limit` bits for `count` symbols by frequency (0 = unused): Huffman lengths computed
/// in place over the sorted weights (Moffat and Katajainen, 1995), then limited keeping the code complete, the
/// way miniz does. A single used symbol gets length 1.
static void code_lengths(const uint32_t *frequency, int count, int limit, uint8_t *lengths) {
    weighted items[LITLEN_SYMBOLS];
    int used = 0;
    memset(lengths, 0, (size_t)count);
    for (int s = 0; s < count; s++) {
        if (frequency[s]) items[used++] = (weighted){frequency[s], (uint16_t)s};
    }
    if (used == 0) return;
    if (used == 1) {
        lengths[items[0].symbol] = 1;
        return;
    }
    qsort(items, (size_t)used, sizeof items[0], by_frequency);
    uint32_t a[LITLEN_SYMBOLS];
    for (int i = 0; i < used; i++) a[i] = items[i].frequency;
    // Phase 1: parent pointers and weights of the internal nodes, in place.
    int root = 0, leaf = 2;
    a[0] += a[1];
    for (int next = 1; next < used - 1; next++) {
        if (leaf >= used || a[root] < a[leaf]) {
            a[next] = a[root];
            a[root++] = (uint32_t)next;
        } else {
            a[next] = a[leaf++];
        }
        if (leaf >= used || (root < next && a[root] < a[leaf])) {
            a[next] += a[root];
            a[root++] = (uint32_t)next;
        } else {
            a[next] += a[leaf++];
        }
    }
    // Phase 2: depths of the internal nodes.
    a[used - 2] = 0;
    for (int next = used - 3; next >= 0; next--) a[next] = a[a[next]] + 1;
    // Phase 3: leaf depths, counted per depth.
    int depth_count[LITLEN_SYMBOLS + 1] = {0};
    int available = 1, internal = 0, depth = 0;
    root = used - 2;
    while (available > 0) {
        while (root >= 0 && (int)a[root] == depth) {
            internal++;
            root--;
        }
        depth_count[depth] += available - internal;
        available = 2 * internal;
        internal = 0;
        depth++;
    }
    // Limit the lengths to `limit` bits, keeping the code complete.
    int counts[MAX_BITS + 1] = {0};
    for (int d = 1; d <= LITLEN_SYMBOLS; d++) counts[d > limit ? limit : d] += depth_count[d];
    uint32_t total = 0;
    for (int d = limit; d > 0; d--) total += (uint32_t)counts[d] << (limit - d);
    while (total != (1u << limit)) {
        counts[limit]--;
        for (int d = limit - 1; d > 0; d--) {
            if (counts[d]) {
                counts[d]--;
                counts[d + 1] += 2;
                break;
            }
        }
        total--;
    }
    // The most frequent symbols (last in the sorted list) get the shortest codes.
    int position = used - 1;
    for (int d = 1; d <= limit; d++) {
        for (int k = 0; k < counts[d]; k++) lengths[items[position--].symbol] = (uint8_t)d;
    }
}

/// Canonical codes (RFC 1951, 3.2.2), bit-reversed for the LSB-first writer.
static void canonical_codes(const uint8_t *lengths, int count, uint16_t *codes) {
    int length_count[MAX_BITS + 1] = {0};
    for (int s = 0; s < count; s++) length_count[lengths[s]]++;
    length_count[0] = 0;
    uint16_t next[MAX_BITS + 2] = {0};
    uint16_t code = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
        code = (uint16_t)((code + length_count[bits - 1]) << 1);
        next[bits] = code;
    }
    for (int s = 0; s < count; s++) {
        codes[s] = lengths[s] ? reverse_bits(next[lengths[s]]++, lengths[s]) : 0;
    }
}

/// One token: a literal byte (< 256) or a run match of length 3…258 (stored as 256 + length).
typedef uint16_t token;

/// Writes one block of `count` tokens whose literal/length symbols occur `litlen_frequency` times.
static void write_block(bit_writer *writer, const token *tokens, size_t count, uint32_t *litlen_frequency, int final) {
    uint32_t distance_frequency[DISTANCE_SYMBOLS] = {1, 1};
    litlen_frequency[256] = 1;
    uint8_t litlen_lengths[LITLEN_SYMBOLS], distance_lengths[DISTANCE_SYMBOLS];
    code_lengths(litlen_frequency, LITLEN_SYMBOLS, MAX_BITS, litlen_lengths);
    code_lengths(distance_frequency, DISTANCE_SYMBOLS, MAX_BITS, distance_lengths);
    int hlit = LITLEN_SYMBOLS;
    while (hlit > 257 && litlen_lengths[hlit - 1] == 0) hlit--;
    const int hdist = DISTANCE_SYMBOLS;

    // The code lengths of both codes, run-length coded with symbols 16 (repeat 3-6), 17 (3-10 zeros), 18 (11-138 zeros).
    uint8_t all[LITLEN_SYMBOLS + DISTANCE_SYMBOLS];
    memcpy(all, litlen_lengths, (size_t)hlit);
    memcpy(all + hlit, distance_lengths, (size_t)hdist);
    const int total = hlit + hdist;
    uint8_t rle_symbol[LITLEN_SYMBOLS + DISTANCE_SYMBOLS], rle_extra[LITLEN_SYMBOLS + DISTANCE_SYMBOLS];
    int rle_count = 0;
    uint32_t codelen_frequency[CODELEN_SYMBOLS] = {0};
    for (int i = 0; i < total;) {
        int run = 1;
        while (i + run < total && all[i + run] == all[i]) run++;
        if (all[i] == 0 && run >= 3) {
            const int take = run > 138 ? 138 : run;
            rle_symbol[rle_count] = take >= 11 ? 18 : 17;
            rle_extra[rle_count++] = (uint8_t)(take >= 11 ? take - 11 : take - 3);
            i += take;
        } else if (all[i] != 0 && run >= 4) {
            rle_symbol[rle_count] = all[i];
            rle_extra[rle_count++] = 0;
            const int take = run - 1 > 6 ? 6 : run - 1;
            rle_symbol[rle_count] = 16;
            rle_extra[rle_count++] = (uint8_t)(take - 3);
            i += 1 + take;
        } else {
            rle_symbol[rle_count] = all[i];
            rle_extra[rle_count++] = 0;
            i++;
        }
    }
    for (int i = 0; i < rle_count; i++) codelen_frequency[rle_symbol[i]]++;
    uint8_t codelen_lengths[CODELEN_SYMBOLS];
    code_lengths(codelen_frequency, CODELEN_SYMBOLS, 7, codelen_lengths);
    static const uint8_t order[CODELEN_SYMBOLS] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    int hclen = CODELEN_SYMBOLS;
    while (hclen > 4 && codelen_lengths[order[hclen - 1]] == 0) hclen--;
    uint16_t litlen_codes[LITLEN_SYMBOLS], distance_codes[DISTANCE_SYMBOLS], codelen_codes[CODELEN_SYMBOLS];
    canonical_codes(litlen_lengths, LITLEN_SYMBOLS, litlen_codes);
    canonical_codes(distance_lengths, DISTANCE_SYMBOLS, distance_codes);
    canonical_codes(codelen_lengths, CODELEN_SYMBOLS, codelen_codes);

    put_bits(writer, final ? 1 : 0, 1);
    put_bits(writer, 2, 2);  // dynamic Huffman codes
    put_bits(writer, (uint32_t)(hlit - 257), 5);
    put_bits(writer, (uint32_t)(hdist - 1), 5);
    put_bits(writer, (uint32_t)(hclen - 4), 4);
    for (int i = 0; i < hclen; i++) put_bits(writer, codelen_lengths[order[i]], 3);
    static const uint8_t rle_extra_bits[3] = {2, 3, 7};
    for (int i = 0; i < rle_count; i++) {
        const int symbol = rle_symbol[i];
        put_bits(writer, codelen_codes[symbol], codelen_lengths[symbol]);
        if (symbol >= 16) put_bits(writer, rle_extra[i], rle_extra_bits[symbol - 16]);
    }
    // Each literal's code and length in one word: one load per byte of the hot loop.
    uint32_t literal[256];
    for (int b = 0; b < 256; b++) literal[b] = (uint32_t)litlen_codes[b] | (uint32_t)litlen_lengths[b] << 16;
    for (size_t i = 0; i < count; i++) {
        const token t = tokens[i];
        if (t < 256) {
            put_bits(writer, literal[t] & 0xFFFF, (int)(literal[t] >> 16));
        } else {
            const int length = t - 256, symbol = length_symbol(length);
            put_bits(writer, litlen_codes[257 + symbol], litlen_lengths[257 + symbol]);
            if (length_extra[symbol]) put_bits(writer, (uint32_t)(length - length_base[symbol]), length_extra[symbol]);
            put_bits(writer, distance_codes[0], distance_lengths[0]);
        }
    }
    put_bits(writer, litlen_codes[256], litlen_lengths[256]);
}

size_t ccodec_deflate_rle_bound(size_t size) {
    // Literals cost at most 15 bits each; headers about 300 bytes per block; the final stored block 5; and
    // 8 bytes of slack for the writer's word stores.
    return size * 2 + (size / BLOCK_BYTES + 1) * 320 + 24;
}

size_t ccodec_deflate_rle(const uint8_t *data, size_t size, int last, uint8_t *out, size_t capacity) {
    bit_writer writer = {out, capacity, 0, 0, 0, 0};
    token *tokens = malloc(BLOCK_BYTES * sizeof *tokens);
    if (tokens == NULL) return 0;
    size_t start = 0;
    do {
        const size_t end = size - start > BLOCK_BYTES ? start + BLOCK_BYTES : size;
        size_t count = 0;
        uint32_t frequency[LITLEN_SYMBOLS] = {0};
        for (size_t i = start; i < end;) {
            tokens[count++] = data[i];
            frequency[data[i]]++;
            size_t run = 0;
            // Repeats of data[i] right after it, within the block.
            while (i + 1 + run < end && run < 258 && data[i + 1 + run] == data[i]) run++;
            if (run >= 3) {
                tokens[count++] = (token)(256 + run);
                frequency[257 + length_symbol((int)run)]++;
                i += 1 + run;
            } else {
                i++;
            }
        }
        start = end;
        write_block(&writer, tokens, count, frequency, last && start == size);
    } while (start < size);
    free(tokens);
    if (!last) {
        // An empty stored block: the segment ends byte-aligned and not final (zlib's Z_SYNC_FLUSH marker).
        put_bits(&writer, 0, 3);
        align_to_byte(&writer);
        put_bits(&writer, 0x0000, 16);
        put_bits(&writer, 0xFFFF, 16);
    }
    align_to_byte(&writer);
    return writer.overflow || writer.used > capacity ? 0 : writer.used;
}
