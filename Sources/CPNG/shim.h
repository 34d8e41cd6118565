// libpng for Swift. Function-like macros are not imported, so they get static inline wrappers here.
#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
#include <png.h>

/// PNG_LIBPNG_VER as a function, for version checks from Swift.
static inline unsigned int cpng_header_version(void) { return PNG_LIBPNG_VER; }

/// PNG_IMAGE_SIZE for the simplified API.
static inline size_t cpng_image_size(const png_image *image) { return PNG_IMAGE_SIZE(*image); }

#endif
