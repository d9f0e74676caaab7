/* host_store.h: the host (Linux/macOS) backend for the core: real clocks, the registry in a file,
 * log lines on stderr. The prefix is host_, not the core's bgt_: this is a backend built on the
 * core's public headers, and a host_store is what a host keeps for the core (the registry file on
 * disk, the requested worker in memory). There is no OS scheduler on a host, so schedule/cancel
 * only record the request in memory (host_store_pending); the real-time runner (host_rt.h, Linux)
 * fires the worker from that record, and the device glue (backends/android, backends/ios) reuses
 * this file for its registry while mapping schedule/cancel onto the platform scheduler.
 *
 * The record follows WorkManager unique work (bgt_backend.h): REPLACE enqueues (cancelling a
 * running worker); APPEND behind a RUNNING worker is kept BLOCKED until the runner calls
 * host_store_worker_finished, which makes it due at finish + delay; APPEND behind an ENQUEUED or
 * BLOCKED worker keeps the existing one. This file is POSIX.1-2008 plus flock(2), which Linux,
 * Android, macOS and iOS all have (it also builds for Android and iOS).
 *
 * Saving is crash-safe and safe for any number of writers (processes, or stores in one process):
 * under an exclusive flock(2) on `<path>.lock` (created beside the registry and left there), a save
 * reads the registry as it is now, merges it with the core's bytes (bgt_registry_merge: the tasks
 * this core added, changed or removed since its last load or save; every other writer's stay),
 * writes the result to a new `<path>.tmp-XXXXXX` (O_EXCL, a name of its own), fsyncs it, renames
 * it over `<path>` and fsyncs the directory. A crash at any point leaves `<path>` holding either
 * the previous or the new bytes, whatever the other writers do; a dead writer's temp file is
 * ignored by load and removed by the next save (under the lock no live writer has one). With one
 * writer the file holds exactly the core's bytes. A registry that does not decode when a save
 * reads it is renamed to `<path>.corrupt-XXXXXX` (logged) and the core's bytes are written. Loads
 * take no lock: a rename replaces the file in one step. */
#ifndef HOST_STORE_H
#define HOST_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "bgt.h"

typedef struct host_store host_store;

/* Points of a save where a test can simulate a crash (see host_store_set_fault). */
typedef enum host_store_stage {
    HOST_STORE_WRITE = 1,         /* before writing the next temp byte; `bytes` written so far */
    HOST_STORE_BEFORE_FSYNC = 2,  /* temp file complete, not yet fsynced */
    HOST_STORE_BEFORE_RENAME = 3, /* temp fsynced and closed */
    HOST_STORE_BEFORE_DIR_FSYNC = 4 /* renamed, directory entry not yet fsynced */
} host_store_stage;

/* Return true to "crash" at this point: save stops at once and returns BGT_E_IO, leaving the
 * files exactly as a dying process would (the temp file is not removed). */
typedef bool (*host_store_fault_fn)(void *user, host_store_stage stage, size_t bytes);

/* `path` (copied) is the registry file; its directory must exist. */
int host_store_create(const char *path, host_store **out);
/* NULL is a no-op. */
void host_store_free(host_store *h);
/* The backend to pass to bgt_create; its ctx is h, which must outlive the core. */
bgt_backend host_store_backend(host_store *h);
/* Install (or with fn NULL remove) a fault hook; `user` is the caller's. With a hook installed
 * the temp file is written one byte per write(2) so that every byte boundary can be hit. */
void host_store_set_fault(host_store *h, host_store_fault_fn fn, void *user);
/* Silence the stderr log (tests). */
void host_store_set_quiet(host_store *h, bool quiet);
/* The recorded worker: its state and, unless NONE, the last request and its due time (ms on the
 * host_store_backend clock). Either pointer may be NULL. */
bgt_worker_state host_store_pending(const host_store *h, bgt_schedule_req *req, int64_t *due_ms);
/* The runner fires the recorded worker: ENQUEUED -> RUNNING. BGT_E_STATE if nothing is
 * enqueued. */
int host_store_worker_started(host_store *h);
/* The run is over: a successor appended during it (BLOCKED) becomes ENQUEUED, due at now + its
 * delay; a worker still RUNNING (no successor) becomes NONE; a REPLACE made during the run (already
 * ENQUEUED) or a cancel (NONE) is kept as is. */
void host_store_worker_finished(host_store *h);
/* FOR TESTING ONLY: how many real milliseconds one core minute lasts when a delay is turned into
 * a due time (default 60000, exact). The core and its policy are untouched: it still asks for
 * delays in whole minutes, the interval floor still applies, and host_store_pending still reports
 * the core's delay_ms; only the due time is compressed, as if the platform fired early. Values
 * < 1 are taken as 1. */
void host_store_set_minute_ms(host_store *h, int64_t minute_ms);
/* Real milliseconds that a core delay lasts under the minute scale above. */
int64_t host_store_scaled_delay(const host_store *h, int64_t delay_ms);
/* Log lines become "<UTC time> <name>: <level>: <msg>" (NULL: the default "bgsim: ..."). `name`
 * is not copied: a string literal or argv[0]. */
void host_store_set_log_name(host_store *h, const char *name);
/* One log line through the backend's log (printf format), e.g. from a runner or a program. */
void host_store_logf(host_store *h, bgt_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Text a user or an app wrote (a path, a task name, an argument), made safe for a one-line log or
 * message: control bytes (below 0x20, and DEL) become \xNN, so a newline or an escape sequence
 * cannot forge a line or colour a terminal; the rest is copied as is. Writes into buf (always
 * terminated when len > 0; a text too long ends with "..." and never half an escape) and returns
 * buf. The same form as util_escape in the simulator (sim/util), which this layer cannot include:
 * host_store.c is built alone into the device glue. Every log line goes through it. */
const char *host_escape(const char *s, char *buf, size_t len);
/* Wall-clock milliseconds since the Unix epoch (for logs and reports; the core uses the
 * monotonic clock). */
int64_t host_wall_ms(void);

/* The OS error (errno) of the last load or save that failed with BGT_E_IO, or 0: so a message can
 * say why persistent storage failed, not only that it did. */
int host_store_io_errno(const host_store *h);

/* For a start that found the registry corrupt (bgt_process_start failed to decode it): under the
 * writers' lock, renames the file the last load read to a new `<path>.corrupt-XXXXXX` and returns
 * that name in *aside (malloc'd; the caller frees it), so that the next bgt_process_start finds
 * none and starts empty while the bad bytes are kept for a human. BGT_E_STATE: the file is no
 * longer the one the load read (another writer replaced it: start again); BGT_E_NOT_FOUND: it is
 * gone; BGT_E_IO (host_store_io_errno). */
int host_store_keep_aside(host_store *h, char **aside);

#endif
