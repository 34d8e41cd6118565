// The C side of SobelCodecs: libpng's and libjpeg's setjmp/longjmp error paths, kept out of Swift.
// Every entry point returns a status; on failure `message` holds the library's text. Nothing is
// printed to stderr: libpng warnings are dropped and libjpeg messages are captured.
#ifndef CCODECSHIM_H
#define CCODECSHIM_H
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CCODEC_OK = 0,
    CCODEC_CORRUPT = 1,       // damaged data
    CCODEC_TRUNCATED = 2,     // the data ends early
    CCODEC_UNSUPPORTED = 3,   // a valid file of a variant we do not read (e.g. 12-bit JPEG)
    CCODEC_NO_MEMORY = 4,
    CCODEC_INVALID_ARGUMENT = 5,
} ccodec_status;

#define CCODEC_MESSAGE_SIZE 200

/// What a header says, before any pixel buffer is allocated.
typedef struct {
    int width;
    int height;
    int channels;             // of the decoded pixels: 1 gray, 3 RGB, 4 RGBA
    int source_bit_depth;     // as stored: 1, 2, 4, 8, 16 (PNG) or 8, 12 (JPEG)
    int interlaced;           // PNG Adam7, or progressive JPEG
    const uint8_t *exif;      // JPEG only: the APP1 Exif payload (after "Exif\0\0"), or NULL
    size_t exif_size;
    char message[CCODEC_MESSAGE_SIZE];
} ccodec_header;

// MARK: PNG

typedef struct ccodec_png_reader ccodec_png_reader;

/// Reads the signature and header of an in-memory PNG. On success `*reader` must be freed.
/// `max_side` bounds width and height before libpng allocates anything for the image.
ccodec_status ccodec_png_open(const uint8_t *data, size_t size, uint32_t max_side,
                              ccodec_png_reader **reader, ccodec_header *header);
/// Decodes every row into `pixels` (`header.height` rows of `stride` bytes): palettes and tRNS
/// expand to RGB(A), bit depths below 8 expand, 16-bit samples keep their high byte, gray+alpha
/// drops the alpha, gamma and colour chunks are ignored (as OpenCV's imread does).
ccodec_status ccodec_png_read(ccodec_png_reader *reader, uint8_t *pixels, size_t stride, char *message);
/// Decodes the next `count` rows of a non-interlaced PNG into `first_row` (rows `stride` bytes apart), with
/// the same expansions as `ccodec_png_read`; call it again for the following rows.
ccodec_status ccodec_png_read_rows(ccodec_png_reader *reader, uint8_t *first_row, size_t stride, int count, char *message);
void ccodec_png_close(ccodec_png_reader *reader);

// MARK: PNG, the fast reader (png_fast.c)

typedef struct ccodec_png_fast ccodec_png_fast;

/// Walks the chunks of an in-memory PNG and checks every CRC. Returns CCODEC_UNSUPPORTED (with the reason in
/// `header->message`) for anything but an 8-bit non-interlaced gray, gray+alpha, RGB or RGBA file with only
/// known critical chunks: libpng reads those. On success `*reader` must be freed with `ccodec_png_fast_close`.
ccodec_status ccodec_png_fast_open(const uint8_t *data, size_t size, uint32_t max_side, ccodec_png_fast **reader,
                                   ccodec_header *header);
/// Copies the image data out of the file's bytes (the chunks' bodies joined), after which the reader no longer
/// reads them: the caller may release the file before inflating. Returns 0 when out of memory.
int ccodec_png_fast_take_image_data(ccodec_png_fast *reader);
/// Inflates the whole image data at once (libdeflate) into `destination`, which must hold height × (1 + width ×
/// source channels) bytes, or into a buffer of the reader's own when it is NULL. CCODEC_UNSUPPORTED when the
/// stream does not inflate to exactly the image's filtered rows, or a row's filter byte is above 4: libpng then
/// reads the file.
ccodec_status ccodec_png_fast_inflate(ccodec_png_fast *reader, uint8_t *destination, char *message);
/// Gray, RGB and RGBA files inflated into a destination: unfilters every row and moves it into place, so the
/// destination holds the image's packed rows (height × width × channels bytes) without a second buffer.
void ccodec_png_fast_unfilter_in_place(ccodec_png_fast *reader);
/// 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA, as stored.
int ccodec_png_fast_source_channels(const ccodec_png_fast *reader);
/// Unfilters the next `count` rows into `first_row` (rows `stride` bytes apart): gray, RGB or RGBA as stored,
/// gray+alpha as gray. Never fails once the image data has inflated.
void ccodec_png_fast_read_rows(ccodec_png_fast *reader, uint8_t *first_row, size_t stride, int count);
void ccodec_png_fast_close(ccodec_png_fast *reader);

// MARK: PNG, the fast reader for a file still arriving (png_stream.c)

/// Blocks until the first `end` bytes of the file have arrived, or no more will (the file ended or its
/// transfer failed); returns how many bytes have arrived.
typedef size_t (*ccodec_arrival_wait)(void *context, size_t end);
typedef struct ccodec_png_stream ccodec_png_stream;

/// Reads the chunks of a PNG arriving at `data` up to its image data, with the fast reader's rules, reading
/// only bytes `wait` says have arrived. CCODEC_UNSUPPORTED (reason in `header->message`) for a file the fast
/// readers do not take. On success `*reader` must be freed with `ccodec_png_stream_close`.
ccodec_status ccodec_png_stream_open(const uint8_t *data, ccodec_arrival_wait wait, void *context, uint32_t max_side,
                                     ccodec_png_stream **reader, ccodec_header *header);
/// Inflates (zlib, as the bytes arrive) and unfilters the next `count` rows into `first_row` (rows `stride`
/// bytes apart), as `ccodec_png_fast_read_rows` does. CCODEC_UNSUPPORTED when the file turns out to be one
/// the fast readers do not take, or ends early: the rows handed out so far are right if the file is good, and
/// the whole-file readers must read it to tell.
ccodec_status ccodec_png_stream_read_rows(ccodec_png_stream *reader, uint8_t *first_row, size_t stride, int count, char *message);
/// After the last row: checks that the image data ends with the image and walks the chunks to IEND.
/// CCODEC_UNSUPPORTED as for `ccodec_png_stream_read_rows`.
ccodec_status ccodec_png_stream_finish(ccodec_png_stream *reader, char *message);
void ccodec_png_stream_close(ccodec_png_stream *reader);

typedef struct {
    int level;                // zlib level 0...9
    int strategy;             // zlib strategy: 0 default, 1 filtered, 2 huffman only, 3 RLE
    int filters;              // PNG_FILTER_* bits (PNG_NO_FILTERS, PNG_FILTER_SUB, PNG_ALL_FILTERS, ...)
} ccodec_png_options;


/// Filters and deflates `height` rows into a raw deflate segment of a PNG IDAT stream. `row_above` is
/// the row before the strip (NULL for the first strip), for the Up, Average and Paeth filters. All
/// strips but the last end with Z_SYNC_FLUSH; the last (`last` != 0) ends the stream. `*adler` is the
/// Adler-32 of the strip's filtered bytes; join strips with `ccodec_adler32_combine`. On success
/// `*output` is malloc'ed; free it with `ccodec_free`.
ccodec_status ccodec_png_deflate_strip(const uint8_t *rows, size_t stride, const uint8_t *row_above,
                                       int width, int height, int channels, ccodec_png_options options, int last,
                                       uint8_t **output, size_t *output_size, uint32_t *adler, char *message);
uint32_t ccodec_adler32_combine(uint32_t first, uint32_t second, size_t second_length);
/// CRC-32 as PNG chunks use it; `bytes == NULL` gives the initial value.
uint32_t ccodec_crc32(uint32_t crc, const uint8_t *bytes, size_t count);

// MARK: JPEG

typedef struct ccodec_jpeg_reader ccodec_jpeg_reader;

/// Reads the header of an in-memory JPEG. On success `*reader` must be freed.
ccodec_status ccodec_jpeg_open(const uint8_t *data, size_t size, ccodec_jpeg_reader **reader, ccodec_header *header);
/// Decodes into gray (grayscale files) or RGB (YCbCr, RGB, CMYK and YCCK files).
ccodec_status ccodec_jpeg_read(ccodec_jpeg_reader *reader, uint8_t *pixels, size_t stride, char *message);
/// Decodes the next `count` rows (as `ccodec_jpeg_read` does) into `first_row`, rows `stride` bytes apart;
/// call it again for the following rows.
ccodec_status ccodec_jpeg_read_rows(ccodec_jpeg_reader *reader, uint8_t *first_row, size_t stride, int count, char *message);
void ccodec_jpeg_close(ccodec_jpeg_reader *reader);

/// Encodes 8-bit gray, RGB or RGBA (alpha dropped) rows at `quality` 1...100, 4:2:0 for colour.
ccodec_status ccodec_jpeg_encode(const uint8_t *pixels, size_t stride, int width, int height, int channels,
                                 int quality, uint8_t **output, size_t *output_size, char *message);

void ccodec_free(void *pointer);

#endif
