/* fake_backend.c: see fake_backend.h. */
#include "fake_backend.h"

#include <stdlib.h>
#include <string.h>

void fake_init(fake *f)
{
    memset(f, 0, sizeof *f);
    f->now = 1000000; /* not 0, so "now + delay" and "delay" cannot be confused */
    f->crash_after = -1;
}

void fake_fini(fake *f)
{
    free(f->committed);
    free(f->temp);
}

static void record(fake *f, int kind, const bgt_schedule_req *req)
{
    if (f->ncalls < FAKE_MAX_CALLS) {
        fake_call *c = &f->calls[f->ncalls++];
        c->kind = kind;
        c->at_ms = f->now;
        if (req)
            c->req = *req;
    }
}

static int64_t f_now(void *ctx) { return ((fake *)ctx)->now; }

static int f_schedule(void *ctx, const bgt_schedule_req *req)
{
    fake *f = ctx;
    if (f->fail_schedule) {
        int rc = f->fail_schedule;
        f->fail_schedule = 0;
        return rc;
    }
    f->nschedule++;
    f->last = *req;
    record(f, FAKE_SCHEDULE, req);
    if (req->mode == BGT_SCHEDULE_APPEND && f->state == BGT_WORKER_RUNNING) {
        f->state = BGT_WORKER_BLOCKED;
        f->blocked_delay_ms = req->delay_ms;
    } else if (req->mode == BGT_SCHEDULE_APPEND && f->state != BGT_WORKER_NONE) {
        /* chained behind an enqueued or blocked worker: the first one still comes first */
    } else {
        f->state = BGT_WORKER_ENQUEUED;
        f->due_ms = f->now + req->delay_ms;
    }
    return BGT_OK;
}

static int f_cancel(void *ctx)
{
    fake *f = ctx;
    f->ncancel++;
    record(f, FAKE_CANCEL, NULL);
    f->state = BGT_WORKER_NONE;
    return BGT_OK;
}

static int f_query(void *ctx, bgt_worker_state *out)
{
    fake *f = ctx;
    f->nquery++;
    if (f->fail_query) {
        int rc = f->fail_query;
        f->fail_query = 0;
        return rc;
    }
    *out = f->state;
    return BGT_OK;
}

static int f_load(void *ctx, unsigned char **out, size_t *out_len)
{
    fake *f = ctx;
    f->nload++;
    if (f->fail_load) {
        int rc = f->fail_load;
        f->fail_load = 0;
        return rc;
    }
    if (!f->committed)
        return BGT_E_NOT_FOUND;
    if (!(*out = malloc(f->committed_len ? f->committed_len : 1)))
        return BGT_E_NOMEM;
    memcpy(*out, f->committed, f->committed_len);
    *out_len = f->committed_len;
    return BGT_OK;
}

static int f_save(void *ctx, const unsigned char *buf, size_t len)
{
    fake *f = ctx;
    size_t n = len;
    unsigned char *t;
    if (f->fail_save) {
        int rc = f->fail_save;
        f->fail_save = 0;
        return rc;
    }
    if (f->crash_after >= 0 && (size_t)f->crash_after < len)
        n = (size_t)f->crash_after;
    if (!(t = malloc(n ? n : 1)))
        return BGT_E_NOMEM;
    memcpy(t, buf, n);
    free(f->temp);
    f->temp = t;
    f->temp_len = n;
    if (f->crash_after >= 0 || f->crash_before_rename) {
        f->crash_after = -1;
        f->crash_before_rename = false;
        return BGT_E_IO; /* the process "died" here: the committed slot was never replaced */
    }
    /* rename(temp, committed) */
    free(f->committed);
    f->committed = f->temp;
    f->committed_len = f->temp_len;
    f->temp = NULL;
    f->temp_len = 0;
    f->nsave++;
    return BGT_OK;
}

static void f_log(void *ctx, bgt_log_level level, const char *msg)
{
    fake *f = ctx;
    (void)level;
    f->nlog++;
    strncpy(f->last_log, msg, sizeof f->last_log - 1);
}

bgt_backend fake_backend(fake *f)
{
    bgt_backend b = { f, f_now, f_schedule, f_cancel, f_query, f_load, f_save, f_log };
    return b;
}

void fake_set_committed(fake *f, const unsigned char *buf, size_t len)
{
    free(f->committed);
    f->committed = malloc(len ? len : 1);
    memcpy(f->committed, buf, len);
    f->committed_len = len;
}

int fake_fire(fake *f, bgt *c, bgt_end_reason reason, bgt_worker_report *rep)
{
    bgt_worker_report local;
    int rc;
    if (!rep)
        rep = &local;
    f->state = BGT_WORKER_RUNNING;
    if ((rc = bgt_worker_begin(c, rep)) != BGT_OK)
        return rc;
    f->now += rep->busy_ms;
    if ((rc = bgt_worker_end(c, reason, rep)) != BGT_OK)
        return rc;
    if (f->state == BGT_WORKER_BLOCKED) {
        f->state = BGT_WORKER_ENQUEUED;
        f->due_ms = f->now + f->blocked_delay_ms;
    } else if (f->state == BGT_WORKER_RUNNING) {
        f->state = BGT_WORKER_NONE;
    }
    return BGT_OK;
}

size_t fake_count_mode(const fake *f, bgt_schedule_mode mode)
{
    size_t i, n = 0;
    for (i = 0; i < f->ncalls; i++)
        n += f->calls[i].kind == FAKE_SCHEDULE && f->calls[i].req.mode == mode;
    return n;
}
