// libjpeg(-turbo) for Swift. libjpeg's headers need <stdio.h> first; error paths that use
// setjmp/longjmp live in the CCodecShim C target, never in Swift.
#ifndef CJPEG_SHIM_H
#define CJPEG_SHIM_H
#include <stddef.h>
#include <stdio.h>
#include <jpeglib.h>

/// JPEG_LIB_VERSION (the libjpeg API level, 62 for libjpeg-turbo's default build) as a function.
static inline int cjpeg_api_version(void) { return JPEG_LIB_VERSION; }

#endif
