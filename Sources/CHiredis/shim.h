// hiredis 0.14 for Swift. `redisCommand` is variadic and unavailable in Swift: use `redisCommandArgv`,
// which is also binary-safe. Reply type macros are re-exported as constants.
#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>

static const int chiredis_reply_string = REDIS_REPLY_STRING;
static const int chiredis_reply_array = REDIS_REPLY_ARRAY;
static const int chiredis_reply_integer = REDIS_REPLY_INTEGER;
static const int chiredis_reply_nil = REDIS_REPLY_NIL;
static const int chiredis_reply_status = REDIS_REPLY_STATUS;
static const int chiredis_reply_error = REDIS_REPLY_ERROR;

#endif
