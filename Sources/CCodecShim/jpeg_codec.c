// libjpeg(-turbo) behind a setjmp boundary. error_exit longjmps back here; output_message is
// replaced so that nothing reaches stderr; a premature end of data is an error, not a grey fill.
#include "CCodecShim.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

struct capturing_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int truncated;
    char message[CCODEC_MESSAGE_SIZE];
};

static void capture_message(j_common_ptr cinfo) {
    struct capturing_error_manager *errors = (struct capturing_error_manager *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    errors->base.format_message(cinfo, text);
    strncpy(errors->message, text, CCODEC_MESSAGE_SIZE - 1);
    errors->message[CCODEC_MESSAGE_SIZE - 1] = '\0';
}

static void on_error_exit(j_common_ptr cinfo) {
    capture_message(cinfo);
    longjmp(((struct capturing_error_manager *)cinfo->err)->jump, 1);
}

static void on_emit_message(j_common_ptr cinfo, int level) {
    struct capturing_error_manager *errors = (struct capturing_error_manager *)cinfo->err;
    if (level >= 0) return;  // trace messages
    errors->base.num_warnings++;
    if (errors->base.msg_code == JWRN_JPEG_EOF) {  // "Premature end of JPEG file": refuse, don't fill grey
        errors->truncated = 1;
        capture_message(cinfo);
        longjmp(errors->jump, 1);
    }
}

static void install_errors(struct capturing_error_manager *errors) {
    jpeg_std_error(&errors->base);
    errors->base.error_exit = on_error_exit;
    errors->base.emit_message = on_emit_message;
    errors->base.output_message = capture_message;
    errors->message[0] = '\0';
}

static void copy_out(char *destination, const char *text) {
    if (destination == NULL) return;
    strncpy(destination, text, CCODEC_MESSAGE_SIZE - 1);
    destination[CCODEC_MESSAGE_SIZE - 1] = '\0';
}

struct ccodec_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    struct capturing_error_manager errors;
    int cmyk;
    int started, finished;
    uint8_t *cmyk_row;  // one row of CMYK samples, for CMYK and YCCK files
};

static ccodec_status classify(struct ccodec_jpeg_reader *reader) {
    if (reader->errors.truncated) return CCODEC_TRUNCATED;
    int code = reader->errors.base.msg_code;
    if (code == JERR_BAD_PRECISION) {
        snprintf(reader->errors.message, CCODEC_MESSAGE_SIZE, "%d-bit JPEG (only 8-bit samples are supported)",
                 reader->errors.base.msg_parm.i[0]);
        return CCODEC_UNSUPPORTED;
    }
    if (code == JERR_NOT_COMPILED || code == JERR_ARITH_NOTIMPL) return CCODEC_UNSUPPORTED;
    if (code == JERR_INPUT_EOF || code == JERR_INPUT_EMPTY || code == JERR_NO_SOI) return code == JERR_NO_SOI ? CCODEC_CORRUPT : CCODEC_TRUNCATED;
    return CCODEC_CORRUPT;
}

static const uint8_t exif_tag[6] = {'E', 'x', 'i', 'f', 0, 0};

ccodec_status ccodec_jpeg_open(const uint8_t *data, size_t size, ccodec_jpeg_reader **out, ccodec_header *header) {
    memset(header, 0, sizeof *header);
    *out = NULL;
    struct ccodec_jpeg_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return CCODEC_NO_MEMORY;
    reader->cinfo.err = &reader->errors.base;
    install_errors(&reader->errors);
    if (setjmp(reader->errors.jump)) {
        ccodec_status status = classify(reader);
        copy_out(header->message, reader->errors.message);
        ccodec_jpeg_close(reader);
        return status;
    }
    jpeg_create_decompress(&reader->cinfo);
    reader->cinfo.mem->max_memory_to_use = 512L << 20;
    jpeg_mem_src(&reader->cinfo, data, (unsigned long)size);
    jpeg_save_markers(&reader->cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&reader->cinfo, TRUE);

    if (reader->cinfo.data_precision != 8) {
        snprintf(header->message, CCODEC_MESSAGE_SIZE, "%d-bit JPEG (only 8-bit samples are supported)", reader->cinfo.data_precision);
        ccodec_jpeg_close(reader);
        return CCODEC_UNSUPPORTED;
    }
    switch (reader->cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        reader->cinfo.out_color_space = JCS_GRAYSCALE;
        header->channels = 1;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        reader->cinfo.out_color_space = JCS_CMYK;
        reader->cmyk = 1;
        header->channels = 3;
        break;
    default:
        reader->cinfo.out_color_space = JCS_RGB;
        header->channels = 3;
        break;
    }
    jpeg_calc_output_dimensions(&reader->cinfo);
    header->width = (int)reader->cinfo.output_width;
    header->height = (int)reader->cinfo.output_height;
    header->source_bit_depth = reader->cinfo.data_precision;
    header->interlaced = jpeg_has_multiple_scans(&reader->cinfo);
    for (jpeg_saved_marker_ptr marker = reader->cinfo.marker_list; marker != NULL; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1 && marker->data_length > 6 && memcmp(marker->data, exif_tag, 6) == 0) {
            header->exif = marker->data + 6;
            header->exif_size = marker->data_length - 6;
            break;
        }
    }
    *out = reader;
    return CCODEC_OK;
}

ccodec_status ccodec_jpeg_read(ccodec_jpeg_reader *reader, uint8_t *pixels, size_t stride, char *message) {
    return ccodec_jpeg_read_rows(reader, pixels, stride, (int)reader->cinfo.output_height, message);
}

ccodec_status ccodec_jpeg_read_rows(ccodec_jpeg_reader *reader, uint8_t *first_row, size_t stride, int count, char *message) {
    if (setjmp(reader->errors.jump)) {
        ccodec_status status = classify(reader);
        copy_out(message, reader->errors.message);
        return status;
    }
    if (!reader->started) {
        jpeg_start_decompress(&reader->cinfo);
        reader->started = 1;
        if (reader->cmyk) {
            reader->cmyk_row = malloc((size_t)reader->cinfo.output_width * 4);
            if (reader->cmyk_row == NULL) return CCODEC_NO_MEMORY;
        }
    }
    JDIMENSION width = reader->cinfo.output_width;
    // Adobe writes inverted CMYK, which is what libjpeg hands back for CMYK and YCCK files; the
    // conversion is OpenCV's (k - (255 - c) * k / 256), so decoded pixels match imread exactly.
    int inverted = reader->cinfo.saw_Adobe_marker;
    JDIMENSION end = reader->cinfo.output_scanline + (JDIMENSION)count;
    if (end > reader->cinfo.output_height) end = reader->cinfo.output_height;
    for (uint8_t *row = first_row; reader->cinfo.output_scanline < end; row += stride) {
        JSAMPROW target = reader->cmyk ? reader->cmyk_row : row;
        jpeg_read_scanlines(&reader->cinfo, &target, 1);
        if (reader->cmyk) {
            const uint8_t *cmyk_row = reader->cmyk_row;
            for (JDIMENSION x = 0; x < width; x++) {
                int c = cmyk_row[4 * x], m = cmyk_row[4 * x + 1], y = cmyk_row[4 * x + 2], k = cmyk_row[4 * x + 3];
                if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                row[3 * x] = (uint8_t)(k - (((255 - c) * k) >> 8));
                row[3 * x + 1] = (uint8_t)(k - (((255 - m) * k) >> 8));
                row[3 * x + 2] = (uint8_t)(k - (((255 - y) * k) >> 8));
            }
        }
    }
    if (reader->cinfo.output_scanline == reader->cinfo.output_height && !reader->finished) {
        jpeg_finish_decompress(&reader->cinfo);
        reader->finished = 1;
    }
    return CCODEC_OK;
}

void ccodec_jpeg_close(ccodec_jpeg_reader *reader) {
    if (reader == NULL) return;
    free(reader->cmyk_row);
    jpeg_destroy_decompress(&reader->cinfo);
    free(reader);
}

ccodec_status ccodec_jpeg_encode(const uint8_t *pixels, size_t stride, int width, int height, int channels,
                                 int quality, uint8_t **output, size_t *output_size, char *message) {
    *output = NULL;
    *output_size = 0;
    if ((channels != 1 && channels != 3 && channels != 4) || width <= 0 || height <= 0 || width > 65500 || height > 65500) {
        copy_out(message, "JPEG encoding takes 8-bit gray, RGB or RGBA up to 65500 pixels a side");
        return CCODEC_INVALID_ARGUMENT;
    }
    struct jpeg_compress_struct cinfo;
    struct capturing_error_manager errors;
    unsigned char *buffer = NULL;
    unsigned long buffer_size = 0;
    uint8_t *volatile rgb_row = NULL;
    cinfo.err = &errors.base;
    install_errors(&errors);
    if (setjmp(errors.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        free(rgb_row);
        copy_out(message, errors.message);
        return CCODEC_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels == 1 ? 1 : 3;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    if (channels == 4) {
        rgb_row = malloc((size_t)width * 3);
        if (rgb_row == NULL) longjmp(errors.jump, 1);
    }
    while (cinfo.next_scanline < cinfo.image_height) {
        const uint8_t *row = pixels + (size_t)cinfo.next_scanline * stride;
        JSAMPROW source = (JSAMPROW)row;
        if (channels == 4) {
            for (int x = 0; x < width; x++) memcpy(rgb_row + 3 * x, row + 4 * x, 3);
            source = rgb_row;
        }
        jpeg_write_scanlines(&cinfo, &source, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    free(rgb_row);
    *output = buffer;
    *output_size = buffer_size;
    return CCODEC_OK;
}
