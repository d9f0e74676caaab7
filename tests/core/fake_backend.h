/* fake_backend.h: a deterministic in-memory backend for the conformance suite.
 *
 * Clock: f->now, moved only by the test. Worker: a small model of WorkManager unique work:
 * REPLACE -> ENQUEUED due now + delay; APPEND while RUNNING -> BLOCKED, becoming ENQUEUED at
 * finish + delay; APPEND while ENQUEUED keeps the existing one; cancel -> NONE. Storage: a
 * committed slot plus a temp slot, saved write-temp-then-rename, with an injectable crash after
 * k bytes of the temp file. Every call is recorded for assertions. */
#ifndef FAKE_BACKEND_H
#define FAKE_BACKEND_H

#include "bgt.h"

#define FAKE_MAX_CALLS 64

typedef struct fake_call {
    enum { FAKE_SCHEDULE = 1, FAKE_CANCEL = 2 } kind;
    int64_t at_ms;
    bgt_schedule_req req;
} fake_call;

typedef struct fake {
    int64_t now;
    bgt_worker_state state;
    int64_t due_ms;           /* ENQUEUED: earliest start */
    int64_t blocked_delay_ms; /* BLOCKED: delay counted from the running worker's finish */
    bgt_schedule_req last;
    size_t nschedule, ncancel, nquery, nsave, nload;
    fake_call calls[FAKE_MAX_CALLS];
    size_t ncalls;

    unsigned char *committed; /* NULL: nothing persisted */
    size_t committed_len;
    unsigned char *temp;
    size_t temp_len;
    long crash_after;         /* >= 0: the next save dies after writing this many temp bytes */
    bool crash_before_rename; /* the next save writes the whole temp file, then dies */
    int fail_save, fail_load, fail_schedule, fail_query; /* next call returns this if non-zero */

    size_t nlog;
    char last_log[400];
} fake;

void fake_init(fake *f);
void fake_fini(fake *f);
bgt_backend fake_backend(fake *f);
/* Store `len` bytes as the committed registry (replacing any). */
void fake_set_committed(fake *f, const unsigned char *buf, size_t len);
/* The platform fires the worker: RUNNING, begin, let busy_ms pass, end(reason), then resolve
 * BLOCKED -> ENQUEUED or RUNNING -> NONE. Returns begin's or end's error. */
int fake_fire(fake *f, bgt *c, bgt_end_reason reason, bgt_worker_report *rep);
/* Number of schedule calls with the given mode. */
size_t fake_count_mode(const fake *f, bgt_schedule_mode mode);

#endif
