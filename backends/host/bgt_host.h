/* bgt_host.h: the host (Linux/macOS) backend for the core: real clocks, the registry in a file,
 * log lines on stderr. There is no OS scheduler on a host, so schedule/cancel only record the
 * request in memory (bgt_host_pending); the real-time runner (bgt_host_rt.h, Linux) fires the
 * worker from that record, and the device glue (backends/android, backends/ios) reuses this file
 * for its registry while mapping schedule/cancel onto the platform scheduler.
 *
 * The record follows WorkManager unique work (bgt_backend.h): REPLACE enqueues (cancelling a
 * running worker); APPEND behind a RUNNING worker is kept BLOCKED until the runner calls
 * bgt_host_worker_finished, which makes it due at finish + delay; APPEND behind an ENQUEUED or
 * BLOCKED worker keeps the existing one. This file is POSIX.1-2008 only (it also builds for
 * Android and iOS).
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
/* The runner fires the recorded worker: ENQUEUED -> RUNNING. BGT_E_STATE if nothing is
 * enqueued. */
int bgt_host_worker_started(bgt_host *h);
/* The run is over: a successor appended during it (BLOCKED) becomes ENQUEUED, due at now + its
 * delay; a worker still RUNNING (no successor) becomes NONE; a REPLACE made during the run (already
 * ENQUEUED) or a cancel (NONE) is kept as is. */
void bgt_host_worker_finished(bgt_host *h);
/* FOR TESTING ONLY: how many real milliseconds one core minute lasts when a delay is turned into
 * a due time (default 60000, exact). The core and its policy are untouched: it still asks for
 * delays in whole minutes, the interval floor still applies, and bgt_host_pending still reports
 * the core's delay_ms; only the due time is compressed, as if the platform fired early. Values
 * < 1 are taken as 1. */
void bgt_host_set_minute_ms(bgt_host *h, int64_t minute_ms);
/* Real milliseconds that a core delay lasts under the minute scale above. */
int64_t bgt_host_scaled_delay(const bgt_host *h, int64_t delay_ms);
/* Log lines become "<UTC time> <name>: <level>: <msg>" (NULL: the default "bgsim: ..."). `name`
 * is not copied: a string literal or argv[0]. */
void bgt_host_set_log_name(bgt_host *h, const char *name);
/* One log line through the backend's log (printf format), e.g. from a runner or a program. */
void bgt_host_logf(bgt_host *h, bgt_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Wall-clock milliseconds since the Unix epoch (for logs and reports; the core uses the
 * monotonic clock). */
int64_t bgt_host_wall_ms(void);

#endif
