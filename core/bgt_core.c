/* bgt_core.c: the handle, process lifecycle and (un)registration. Worker runs are in bgt_worker.c.
 * "En" cites section En of docs/SOURCES.md (the Expo sources). */
#include "bgt_core_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers shared with bgt_worker.c ----------------------------------------------------------- */

void bgt__log(const bgt *c, bgt_log_level level, const char *fmt, ...)
{
    char msg[320]; /* a task name (255) plus a sentence */
    va_list ap;
    if (!c->be.log)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->be.log(c->be.ctx, level, msg);
}

static unsigned constraints(const bgt_policy *pol)
{
    return (pol->require_network ? BGT_CONSTRAINT_NETWORK : 0u) |
           (pol->require_battery_not_low ? BGT_CONSTRAINT_BATTERY_NOT_LOW : 0u) |
           (pol->require_charging ? BGT_CONSTRAINT_CHARGING : 0u);
}

static int schedule(bgt *c, bgt_schedule_mode mode, int64_t delay_ms)
{
    bgt_schedule_req req;
    int rc;
    if (bgt_registry_count(c->reg) == 0) /* "No registered tasks to run", E2.3 step 1 */
        return BGT_OK;
    req.delay_ms = delay_ms;
    req.constraints = c->constraints;
    req.mode = mode;
    if ((rc = c->be.schedule(c->be.ctx, &req)) != BGT_OK)
        bgt__log(c, BGT_LOG_ERROR, "could not schedule the worker: %s", bgt_strerror(rc));
    return rc;
}

int bgt__schedule_successor(bgt *c, int64_t delay_ms)
{
    return schedule(c, c->pol.successor_append ? BGT_SCHEDULE_APPEND : BGT_SCHEDULE_REPLACE,
                    delay_ms);
}

/* scheduleWorker(cancelExisting = true) (E2.3 steps 1-5; iOS E3.2 scheduleWorker). */
static int schedule_fresh(bgt *c)
{
    if (c->pol.keep_pending_worker) {
        bgt_worker_state st = BGT_WORKER_NONE;
        int rc = c->be.query(c->be.ctx, &st);
        if (rc != BGT_OK)
            return rc;
        if (st != BGT_WORKER_NONE)
            return BGT_OK; /* E2.3 step 2: keep the enqueued or running worker and its timer */
    }
    return schedule(c, BGT_SCHEDULE_REPLACE, bgt__interval_ms(c));
}

static void cancel(bgt *c)
{
    int rc = c->be.cancel(c->be.ctx);
    if (rc != BGT_OK)
        bgt__log(c, BGT_LOG_ERROR, "could not cancel the worker: %s", bgt_strerror(rc));
}

/* Hand r's bytes to the backend's save; r's entries are not changed. The bytes are the ones r
 * keeps up to date (bgt_registry_bytes), so a registration does not encode every entry again. */
static int save_registry(bgt *c, bgt_registry *r)
{
    const unsigned char *buf = NULL;
    size_t len = 0;
    int rc;
    if ((rc = bgt_registry_bytes(r, &buf, &len)) != BGT_OK)
        return rc;
    if ((rc = c->be.save(c->be.ctx, buf, len)) != BGT_OK)
        bgt__log(c, BGT_LOG_ERROR, "could not save the task registry: %s", bgt_strerror(rc));
    return rc;
}

int bgt__commit(bgt *c, bgt_registry *next)
{
    int rc = save_registry(c, next);
    if (rc != BGT_OK) {
        bgt_registry_free(next);
        return rc;
    }
    bgt_registry_free(c->reg);
    c->reg = next;
    bgt__hints_stale(c);
    return BGT_OK;
}

/* expo's consumer didRegister (E2.2 registerTask, E3.2 didRegisterTask). `restoring` is true while
 * bgt_process_start replays the registry. */
static inline void did_register(bgt *c, const bgt_task_options *opts, bool restoring)
{
    if (opts->has_minimum_interval)
        c->interval_min = opts->minimum_interval_min;   /* last registration wins */
    else if (c->pol.missing_interval_resets)
        c->interval_min = c->pol.default_interval_min;  /* Android: E2.2 L49-53 */
    c->count++;
    if (c->count == 1) {
        if (c->pol.schedule_on_register)
            (void)schedule_fresh(c);
    } else if (c->pol.interval_change_reschedules && !restoring) {
        /* what-if: expo waits for the next run instead (E2.2) */
        (void)schedule(c, BGT_SCHEDULE_REPLACE, bgt__interval_ms(c));
    }
}

void bgt__did_unregister(bgt *c)
{
    if (c->count > 0) /* iOS clamps at 0 (E3.2); Android's unbounded counter is not modeled */
        c->count--;
    if (c->count == 0)
        cancel(c); /* E2.6: also cancels a running worker */
}

/* The slot of `name` in the index: the one holding it, or the empty slot where it would go.
 * nslots > 0 and at least one slot is empty (load <= 1/2). */
static size_t find_slot(const bgt *c, const char *name)
{
    size_t mask = c->nslots - 1, i = bgt_registry_hash(name) & mask;
    while (c->slots[i] != 0 && strcmp(c->defs[c->slots[i] - 1].name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

const struct bgt_def *bgt__find_def(const bgt *c, const char *name)
{
    size_t i;
    if (c->nslots == 0)
        return NULL;
    i = find_slot(c, name);
    return c->slots[i] ? &c->defs[c->slots[i] - 1] : NULL;
}

const struct bgt_def *bgt__find_def_hinted(bgt *c, size_t i, const char *name)
{
    const struct bgt_def *d;
    struct bgt_hint *grown;
    size_t h = i < c->n_hint ? c->def_hint[i].def : 0, n;
    if (h > 0) {
        if (c->def_hint[i].gen == c->hints_gen)
            return &c->defs[h - 1]; /* found or checked since the last change */
        if (h <= c->ndefs && strcmp(c->defs[h - 1].name, name) == 0) {
            c->def_hint[i].gen = c->hints_gen;
            return &c->defs[h - 1];
        }
    }
    d = bgt__find_def(c, name);
    if (i >= c->n_hint) { /* room for the hint (without it: no hint, the index answers) */
        n = c->n_hint ? c->n_hint : 8;
        while (n <= i)
            n *= 2;
        if (!(grown = realloc(c->def_hint, n * sizeof *grown)))
            return d;
        memset(grown + c->n_hint, 0, (n - c->n_hint) * sizeof *grown);
        c->def_hint = grown;
        c->n_hint = n;
    }
    c->def_hint[i].def = d ? (size_t)(d - c->defs) + 1 : 0;
    c->def_hint[i].gen = c->hints_gen;
    return d;
}

/* Make room in the index for one more definition (load factor at most 1/2). */
static int reserve_slot(bgt *c)
{
    size_t n, i, *old = c->slots, oldn = c->nslots;
    if (2 * (c->ndefs + 1) <= c->nslots)
        return BGT_OK;
    n = c->nslots ? c->nslots * 2 : 16;
    if (!(c->slots = calloc(n, sizeof *c->slots))) {
        c->slots = old;
        return BGT_E_NOMEM;
    }
    c->nslots = n;
    for (i = 0; i < oldn; i++)
        if (old[i])
            c->slots[find_slot(c, c->defs[old[i] - 1].name)] = old[i];
    free(old);
    return BGT_OK;
}

/* ---- handle ------------------------------------------------------------------------------------ */

int bgt_create(const bgt_backend *backend, const bgt_policy *policy, bgt **out)
{
    bgt *c;
    int rc;
    if (!backend || !policy || !out || !backend->now_ms || !backend->schedule || !backend->cancel ||
        !backend->query || !backend->load || !backend->save)
        return BGT_E_INVAL;
    if (!(c = calloc(1, sizeof *c)))
        return BGT_E_NOMEM;
    c->be = *backend;
    c->pol = *policy;
    c->constraints = constraints(policy);
    c->interval_min = policy->default_interval_min;
    if ((rc = bgt_registry_new(&c->reg)) != BGT_OK)
        goto out_free_handle;
    *out = c;
    return BGT_OK;
out_free_handle:
    free(c);
    return rc;
}

static void drop_process_state(bgt *c)
{
    size_t i;
    for (i = 0; i < c->ndefs; i++)
        free(c->defs[i].name);
    c->ndefs = 0;
    bgt__drop_pending(c);
    if (c->nslots)
        memset(c->slots, 0, c->nslots * sizeof *c->slots);
    c->started = c->in_foreground = c->running = c->warned_restricted = false;
    c->count = 0;
    c->interval_min = c->pol.default_interval_min;
    bgt_registry_clear(c->reg);
    bgt__hints_stale(c);
}

void bgt_free(bgt *c)
{
    if (!c)
        return;
    drop_process_state(c);
    free(c->defs);
    free(c->pending);
    free(c->slots);
    free(c->def_hint);
    bgt_registry_free(c->reg);
    free(c);
}

const bgt_policy *bgt_get_policy(const bgt *c) { return c ? &c->pol : NULL; }

/* ---- lifecycle --------------------------------------------------------------------------------- */

/* Into c->reg, empty: a process that is not started has no registry (bgt_create makes it empty,
 * bgt_process_kill clears it, and only a started process changes it). Decoded into its memory,
 * and with no CRC for the bytes it decoded or saved last (bgt_registry_decode_into): the start of
 * each process decoded into a new registry (allocations, a CRC over the bytes) and freed the old,
 * 3 % of an iOS sweep, whose app is killed several times a day (issue 24). On error c->reg is left
 * empty: never half-loaded. */
static int load_registry(bgt *c)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = c->be.load(c->be.ctx, &buf, &len);
    if (rc == BGT_E_NOT_FOUND)
        return BGT_OK; /* fresh install */
    if (rc != BGT_OK)
        return rc;
    rc = bgt_registry_decode_into(buf, len, c->reg);
    bgt__hints_stale(c);
    free(buf);
    return rc;
}

int bgt_process_start(bgt *c, unsigned flags)
{
    size_t i;
    int rc;
    if (!c)
        return BGT_E_INVAL;
    if (c->started)
        return BGT_E_STATE;
    if ((rc = load_registry(c)) != BGT_OK) {
        bgt__log(c, BGT_LOG_ERROR, "could not restore the task registry: %s", bgt_strerror(rc));
        if (!(flags & BGT_START_DISCARD_CORRUPT) || rc == BGT_E_NOMEM)
            return rc;
        /* c->reg is empty: the corrupt registry is discarded */
    }
    c->started = true;
    /* E3.4: on a restricted environment the consumer's didRegisterTask returns early. */
    for (i = 0; !c->pol.restricted && i < bgt_registry_count(c->reg); i++) {
        bgt_task_options o;
        (void)bgt_registry_get(c->reg, i, NULL, &o);
        did_register(c, &o, true);
    }
    return BGT_OK;
}

int bgt_process_kill(bgt *c)
{
    if (!c)
        return BGT_E_INVAL;
    if (c->in_callback)
        return BGT_E_BUSY;
    if (!c->started)
        return BGT_E_STATE;
    if (c->running)
        bgt__log(c, BGT_LOG_WARN, "process killed during a worker run; no successor is scheduled");
    drop_process_state(c);
    return BGT_OK;
}

static int lifecycle_guard(const bgt *c)
{
    if (!c)
        return BGT_E_INVAL;
    if (c->in_callback)
        return BGT_E_BUSY;
    return c->started ? BGT_OK : BGT_E_STATE;
}

int bgt_foreground(bgt *c)
{
    int rc = lifecycle_guard(c);
    if (rc != BGT_OK)
        return rc;
    c->in_foreground = true;
    if (c->pol.worker_only_in_background) /* E2.9, 0.1.2 OnActivityEntersForeground -> stopWorker */
        cancel(c);
    return BGT_OK;
}

int bgt_background(bgt *c)
{
    int rc = lifecycle_guard(c);
    if (rc != BGT_OK)
        return rc;
    c->in_foreground = false;
    if (c->pol.worker_only_in_background && c->count > 0) /* E2.9: cancel + REPLACE */
        return schedule(c, BGT_SCHEDULE_REPLACE, bgt__interval_ms(c));
    return BGT_OK;
}

bool bgt_is_started(const bgt *c) { return c && c->started; }
bool bgt_is_foreground(const bgt *c) { return c && c->in_foreground; }

/* ---- tasks ------------------------------------------------------------------------------------- */

int bgt_define_task(bgt *c, const char *name, bgt_task_fn fn, void *user)
{
    struct bgt_def *d;
    size_t len;
    if (!c || !bgt_registry_valid_name(name) || !fn)
        return BGT_E_INVAL;
    if (c->in_callback)
        return BGT_E_BUSY;
    if ((d = (struct bgt_def *)bgt__find_def(c, name))) {
        d->fn = fn;
        d->user = user;
        return BGT_OK;
    }
    if (reserve_slot(c) != BGT_OK)
        return BGT_E_NOMEM;
    if (c->ndefs == c->capdefs) {
        size_t ncap = c->capdefs ? c->capdefs * 2 : 4;
        struct bgt_def *nv = realloc(c->defs, ncap * sizeof *nv);
        if (!nv)
            return BGT_E_NOMEM;
        c->defs = nv;
        c->capdefs = ncap;
    }
    len = strlen(name);
    d = &c->defs[c->ndefs];
    if (!(d->name = malloc(len + 1)))
        return BGT_E_NOMEM;
    memcpy(d->name, name, len + 1);
    d->fn = fn;
    d->user = user;
    c->ndefs++;
    c->slots[find_slot(c, name)] = c->ndefs;
    return BGT_OK;
}

bool bgt_is_defined(const bgt *c, const char *name)
{
    return c && name && bgt__find_def(c, name) != NULL;
}

int bgt_register_task(bgt *c, const char *name, const bgt_task_options *opts)
{
    static const bgt_task_options none = { false, 0 };
    bgt_task_options old = { false, 0 };
    long at;
    int rc;
    if ((rc = lifecycle_guard(c)) != BGT_OK)
        return rc;
    if (!bgt_registry_valid_name(name))
        return BGT_E_INVAL; /* E1.1 _validate: TypeError on an empty name */
    if (!opts)
        opts = &none;
    if (opts->has_minimum_interval &&
        (opts->minimum_interval_min < 0 || opts->minimum_interval_min > BGT_INTERVAL_MAX_MIN))
        return BGT_E_RANGE;
    if (!bgt__find_def(c, name))
        return BGT_E_NOT_DEFINED; /* E1.1 L82-86 */
    if (c->pol.restricted) {
        if (!c->warned_restricted)
            bgt__log(c, BGT_LOG_WARN, "background tasks are not available here; skipped registering '%s'", name);
        c->warned_restricted = true;
        return BGT_E_RESTRICTED; /* E1.1 L88-98 */
    }
    if ((at = bgt_registry_find(c->reg, name)) >= 0) {
        if (c->pol.strict_register)
            return BGT_E_EXISTS; /* < 0.2.5, E0 */
        if (!c->pol.reregister_updates_options)
            return BGT_OK;       /* E1.1 L100-102: options ignored */
        /* E4.1: options updated and persisted, didRegister not called, nothing rescheduled */
        (void)bgt_registry_get(c->reg, (size_t)at, NULL, &old);
    }
    /* Changed in place, saved, and undone if the save fails: the same all-or-nothing outcome as
     * changing a copy (bgt__commit), without copying every entry for each registration, which
     * made registering n tasks O(n^2) allocations (issue 24). Undoing cannot fail: it removes the
     * entry just appended or writes the old options back over the same entry. */
    bgt__hints_stale(c); /* whatever follows: the put, or its undo */
    if ((rc = bgt_registry_put(c->reg, name, opts)) != BGT_OK)
        return rc;
    if ((rc = save_registry(c, c->reg)) != BGT_OK) {
        if (at >= 0)
            (void)bgt_registry_put(c->reg, name, &old);
        else
            (void)bgt_registry_remove(c->reg, name);
        return rc;
    }
    if (at >= 0)
        return BGT_OK; /* options update only */
    did_register(c, opts, false);
    return BGT_OK;
}

int bgt_unregister_task(bgt *c, const char *name)
{
    bgt_registry *next = NULL;
    int rc;
    if ((rc = lifecycle_guard(c)) != BGT_OK)
        return rc;
    if (!bgt_registry_valid_name(name))
        return BGT_E_INVAL;
    if (bgt_registry_find(c->reg, name) < 0)
        return c->pol.strict_register ? BGT_E_NOT_FOUND : BGT_OK; /* E1.1 L116-119 */
    if ((rc = bgt_registry_copy(c->reg, &next)) != BGT_OK)
        return rc;
    (void)bgt_registry_remove(next, name);
    if ((rc = bgt__commit(c, next)) != BGT_OK)
        return rc;
    bgt__did_unregister(c);
    return BGT_OK;
}

int bgt_unregister_all(bgt *c)
{
    bgt_registry *next = NULL;
    int rc;
    if ((rc = lifecycle_guard(c)) != BGT_OK)
        return rc;
    if (bgt_registry_count(c->reg) == 0)
        return BGT_OK;
    if ((rc = bgt_registry_new(&next)) != BGT_OK)
        return rc;
    if ((rc = bgt__commit(c, next)) != BGT_OK)
        return rc;
    c->count = 0;
    cancel(c); /* E2.6: the counter reaches 0 -> the worker is cancelled */
    return BGT_OK;
}

int bgt_is_registered(const bgt *c, const char *name)
{
    return c && name && bgt_registry_find(c->reg, name) >= 0;
}

size_t bgt_task_count(const bgt *c) { return c ? bgt_registry_count(c->reg) : 0; }

int bgt_task_at(const bgt *c, size_t i, const char **name, bgt_task_options *opts)
{
    return c ? bgt_registry_get(c->reg, i, name, opts) : BGT_E_INVAL;
}

bgt_status bgt_get_status(const bgt *c)
{
    return c && c->pol.restricted ? BGT_STATUS_RESTRICTED : BGT_STATUS_AVAILABLE;
}

int64_t bgt_interval_min(const bgt *c) { return c ? c->interval_min : 0; }
