/* bgt_error.h: the core's error codes and their messages.
 *
 * Every bgt_ function that can fail returns an int: BGT_OK (0) or one of the negative codes below.
 * A few return a non-negative count or boolean instead; their header comment says so. Backends
 * return these same codes from their function pointers (bgt_backend.h). Codes are stable: they are
 * part of the ABI and may be stored or compared by value. */
#ifndef BGT_ERROR_H
#define BGT_ERROR_H

typedef enum bgt_err {
    BGT_OK = 0,
    BGT_E_INVAL = -1,          /* bad argument: NULL where not allowed, empty or too long name */
    BGT_E_NOMEM = -2,          /* malloc failed; nothing was changed */
    BGT_E_STATE = -3,          /* call not valid in this lifecycle state (e.g. before process start) */
    BGT_E_BUSY = -4,           /* re-entered from a task callback, or a worker run is in progress */
    BGT_E_NOT_DEFINED = -5,    /* register of a task that has no definition in this process */
    BGT_E_NOT_FOUND = -6,      /* no such task / switch value; backend: nothing persisted yet */
    BGT_E_EXISTS = -7,         /* strict_register: task already registered */
    BGT_E_RESTRICTED = -8,     /* status is Restricted: registration skipped */
    BGT_E_UNAVAILABLE = -9,    /* trigger for testing disabled (release build) */
    BGT_E_IO = -10,            /* backend storage failed; the previous registry is still current */
    BGT_E_BACKEND = -11,       /* another backend failure (schedule, cancel, query) */
    BGT_E_TRUNCATED = -12,     /* persisted registry shorter than its header says */
    BGT_E_BAD_MAGIC = -13,     /* persisted bytes are not a bgsim registry */
    BGT_E_VERSION = -14,       /* registry format version this core does not read */
    BGT_E_CHECKSUM = -15,      /* registry checksum mismatch (torn or corrupted write) */
    BGT_E_CORRUPT = -16,       /* checksum fine but contents invalid (trailing bytes, bad entry) */
    BGT_E_UNKNOWN_PRESET = -17,/* no policy preset by that name */
    BGT_E_UNKNOWN_SWITCH = -18,/* no policy switch by that name */
    BGT_E_RANGE = -19          /* value out of range for its switch or option */
} bgt_err;

/* A static, lower-case, human-readable message for any int (unknown codes get a generic text).
 * The returned string is never NULL and must not be freed. */
const char *bgt_strerror(int err);

#endif
