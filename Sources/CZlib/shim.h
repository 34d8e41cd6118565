// zlib for the PNG strip encoder (deflate, crc32, adler32_combine).
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>
#endif
