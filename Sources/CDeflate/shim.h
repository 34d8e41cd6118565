// libdeflate for the fast PNG reader: whole-buffer zlib inflate and CRC-32.
#ifndef CDEFLATE_SHIM_H
#define CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
