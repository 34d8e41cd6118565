// Writes ycck.jpg: testorig.ppm converted to Adobe (inverted) CMYK and stored as YCCK, which no
// common tool writes. Build and run: cc make_ycck.c -ljpeg -o /tmp/make_ycck && /tmp/make_ycck
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

int main(void) {
    FILE *in = fopen("testorig.ppm", "rb");
    int width, height, maxval;
    if (!in || fscanf(in, "P6 %d %d %d", &width, &height, &maxval) != 3) return 1;
    fgetc(in);
    unsigned char *rgb = malloc((size_t)width * height * 3), *cmyk = malloc((size_t)width * 4);
    if (fread(rgb, 3, (size_t)width * height, in) != (size_t)width * height) return 1;
    fclose(in);
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr errors;
    cinfo.err = jpeg_std_error(&errors);
    jpeg_create_compress(&cinfo);
    FILE *out = fopen("ycck.jpg", "wb");
    jpeg_stdio_dest(&cinfo, out);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_colorspace(&cinfo, JCS_YCCK);
    jpeg_set_quality(&cinfo, 95, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        unsigned char *row = rgb + (size_t)cinfo.next_scanline * width * 3;
        for (int x = 0; x < width; x++) {
            int r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];
            int k = r > g ? (r > b ? r : b) : (g > b ? g : b);  // inverted K: 255 - (255 - max)
            cmyk[4 * x] = k ? r * 255 / k : 0;
            cmyk[4 * x + 1] = k ? g * 255 / k : 0;
            cmyk[4 * x + 2] = k ? b * 255 / k : 0;
            cmyk[4 * x + 3] = k;
        }
        JSAMPROW pointer = cmyk;
        jpeg_write_scanlines(&cinfo, &pointer, 1);
    }
    jpeg_finish_compress(&cinfo);
    fclose(out);
    return 0;
}
