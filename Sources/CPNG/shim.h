// libpng for Swift. Function-like macros are not imported, so they get static inline wrappers here.
#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
#include <png.h>

/// PNG_LIBPNG_VER_STRING (the headers this was built against) as a function.
static inline const char *cpng_header_version(void) { return PNG_LIBPNG_VER_STRING; }

#endif
