/* bgt_host.h: the host (Linux/macOS) backend for the core: real clocks, the registry in a file,
 * log lines on stderr. There is no OS scheduler on a host, so schedule/cancel only record the
 * request in memory (bgt_host_pending); a later real-time runner fires the worker from it.
 *
 * Saving is crash-safe: write `<path>.tmp`, fsync it, rename it over `<path>`, fsync the
 * directory. A crash at any point leaves `<path>` holding either the previous or the new bytes;
 * a stale `<path>.tmp` is ignored by load and truncated by the next save. */
#ifndef BGT_HOST_H
#define BGT_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "bgt.h"

typedef struct bgt_host bgt_host;

/* Points of a save where a test can simulate a crash (see bgt_host_set_fault). */
typedef enum bgt_host_stage {
    BGT_HOST_WRITE = 1,         /* before writing the next temp byte; `bytes` written so far */
    BGT_HOST_BEFORE_FSYNC = 2,  /* temp file complete, not yet fsynced */
    BGT_HOST_BEFORE_RENAME = 3, /* temp fsynced and closed */
    BGT_HOST_BEFORE_DIR_FSYNC = 4 /* renamed, directory entry not yet fsynced */
} bgt_host_stage;

/* Return true to "crash" at this point: save stops at once and returns BGT_E_IO, leaving the
 * files exactly as a dying process would (the temp file is not removed). */
typedef bool (*bgt_host_fault_fn)(void *user, bgt_host_stage stage, size_t bytes);

/* `path` (copied) is the registry file; its directory must exist. */
int bgt_host_create(const char *path, bgt_host **out);
/* NULL is a no-op. */
void bgt_host_free(bgt_host *h);
/* The backend to pass to bgt_create; its ctx is h, which must outlive the core. */
bgt_backend bgt_host_backend(bgt_host *h);
/* Install (or with fn NULL remove) a fault hook; `user` is the caller's. With a hook installed
 * the temp file is written one byte per write(2) so that every byte boundary can be hit. */
void bgt_host_set_fault(bgt_host *h, bgt_host_fault_fn fn, void *user);
/* Silence the stderr log (tests). */
void bgt_host_set_quiet(bgt_host *h, bool quiet);
/* The recorded worker: its state and, unless NONE, the last request and its due time (ms on the
 * bgt_host_backend clock). Either pointer may be NULL. */
bgt_worker_state bgt_host_pending(const bgt_host *h, bgt_schedule_req *req, int64_t *due_ms);
/* Wall-clock milliseconds since the Unix epoch (for logs and reports; the core uses the
 * monotonic clock). */
int64_t bgt_host_wall_ms(void);

#endif
