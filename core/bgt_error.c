/* bgt_error.c: messages for bgt_err. A switch rather than a table indexed by -code so that a gap
 * or reordering in the enum can never read out of bounds. */
#include "bgt_error.h"

const char *bgt_strerror(int err)
{
    switch ((bgt_err)err) {
    case BGT_OK: return "success";
    case BGT_E_INVAL: return "invalid argument";
    case BGT_E_NOMEM: return "out of memory";
    case BGT_E_STATE: return "not valid in the current process state";
    case BGT_E_BUSY: return "busy: called from a task callback or during a worker run";
    case BGT_E_NOT_DEFINED: return "task is not defined in this process";
    case BGT_E_NOT_FOUND: return "not found";
    case BGT_E_EXISTS: return "task is already registered";
    case BGT_E_RESTRICTED: return "background tasks are restricted in this environment";
    case BGT_E_UNAVAILABLE: return "trigger for testing is not available in this build";
    case BGT_E_IO: return "persistent storage failed";
    case BGT_E_BACKEND: return "backend failure";
    case BGT_E_TRUNCATED: return "persisted registry is truncated";
    case BGT_E_BAD_MAGIC: return "persisted data is not a task registry";
    case BGT_E_VERSION: return "unsupported registry format version";
    case BGT_E_CHECKSUM: return "registry checksum mismatch";
    case BGT_E_CORRUPT: return "registry contents are corrupt";
    case BGT_E_UNKNOWN_PRESET: return "unknown policy preset";
    case BGT_E_UNKNOWN_SWITCH: return "unknown policy switch";
    case BGT_E_RANGE: return "value out of range";
    }
    return "unknown error";
}
