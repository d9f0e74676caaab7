/*
 * run_fleet.c - a fleet's devices on J threads (and R ranks), folded into accumulators.
 */
#include "run_fleet.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rep_stats.h"
#include "run.h"
#include "run_pool.h"
#include "scn_fleet.h"
#include "sch_units.h"

/* ---- groups ---- */

size_t run_fleet_profile_count(const scn_scenario *base) { return base->fleet ? base->fleet->n_profiles : 1; }
const char *run_fleet_profile_name(const scn_scenario *base, size_t p)
{
    return base->fleet ? base->fleet->profiles[p].name : "all";
}

/* Rates and fractions keep 6 decimals; durations and counts are whole numbers already. */
static double scale_of(rep_metric_kind kind)
{
    return kind == REP_KIND_RATE || kind == REP_KIND_FRACTION ? 1e6 : 1;
}

static int init_accs(run_fleet_result *r, const run_fleet_spec *spec)
{
    const rep_fleet_layout *l = &r->layout;
    size_t n = rep_fleet_acc_count(l);
    rep_acc_shape *shapes = calloc(n ? n : 1, sizeof *shapes);
    if (!shapes)
        return -1;
    for (size_t g = 0; g < l->groups; g++) {
        shapes[rep_fleet_days_index(l, g)] = (rep_acc_shape){.scale = 1e6, .histogram = false};
        for (size_t m = 0; m < l->n_metrics; m++)
            shapes[rep_fleet_metric_index(l, g, m)] =
                (rep_acc_shape){.scale = scale_of(spec->metrics[m].def->kind), .histogram = true};
        for (size_t t = 0; t < l->n_targets; t++)
            shapes[rep_fleet_target_index(l, g, t)] = (rep_acc_shape){.scale = 1, .histogram = false};
    }
    int rc = rep_accs_init(&r->accs, n, shapes);
    free(shapes);
    return rc;
}

/* ---- names ---- */

static bool same_tasks(const scn_scenario *a, const scn_scenario *b)
{
    if (a->task_count != b->task_count)
        return false;
    for (size_t i = 0; i < a->task_count; i++)
        if (strcmp(a->tasks[i].name, b->tasks[i].name) != 0)
            return false;
    return true;
}

/* The first of a device's load errors, as `bgsim validate` would show it. */
static void first_error(const sch_diag *d, char *buf, size_t size)
{
    if (d->kept == 0)
        snprintf(buf, size, "invalid scenario");
    else
        sch_diag_format(d, 0, buf, size);
}

/* ---- validation ---- */

/* The override of a probe that writes the tasks' names (app, app.tasks, app.tasks[X] or
 * app.tasks[X].name): the last such, as the last applied wins. NULL when none does. */
static const scn_override *tasks_override(const scn_fleet_device *d)
{
    const scn_override *found = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const scn_override *o = &d->ov[i];
        size_t n = o->step_count;
        bool app = n >= 1 && strcmp(o->steps[0].text, "app") == 0;
        bool tasks = app && n >= 2 && strcmp(o->steps[1].text, "tasks") == 0;
        if ((app && n == 1) || (tasks && (n <= 3 || (n == 4 && strcmp(o->steps[3].text, "name") == 0))))
            found = o;
    }
    return found;
}

/* "'a', 'b'": the tasks' names, for messages. */
static void task_names(const scn_scenario *s, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->task_count && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s'%s'", i ? ", " : "", s->tasks[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (s->task_count == 0)
        snprintf(buf, size, "none");
}

/* The tasks of a probe are not the file's: said at the value that renames them. */
static void report_tasks(sch_diag *diag, const scn_scenario *base, const scn_scenario *s, const scn_fleet_device *d,
                         const char *who)
{
    char want[256], got[256];
    task_names(base, want, sizeof want);
    task_names(s, got, sizeof got);
    const scn_override *o = tasks_override(d);
    char path[1024];
    if (o)
        snprintf(path, sizeof path, "%s%s", o->label ? o->label : "", o->text);
    else
        snprintf(path, sizeof path, "%s", who);
    sch_diag_error(diag, o ? o->line : 0, o ? o->column : 0, path,
                   "expected the file's tasks (%s), found %s (every device of a fleet has the file's tasks: its "
                   "metrics and targets name them)",
                   want, got);
}

/*
 * Each probe's errors are kept once: the same misspelt key fails in every probe of a profile (and
 * of every profile, for the fleet's own `vary`) at the same position, with a label and a value
 * before it that differ (fleet profile 'p': KEY=15m (the range's low end): ...). So an error's
 * identity is its position and what follows "LABEL KEY=VALUE: ". An error about the file itself (a
 * value no override wrote, e.g. an `os:` key of android under a profile that sets platform: ios) is
 * labelled with the probe's origin, since the file alone is valid.
 */
typedef struct seen_errors {
    char **keys; /* "line:column:what" */
    size_t n, cap;
} seen_errors;

/* Whether the error was seen already; else it is remembered (false also when out of memory: an
 * error shown twice is better than one lost). */
static bool seen_before(seen_errors *seen, int line, int column, const char *what)
{
    size_t len = strlen(what) + 32;
    char *key = malloc(len);
    if (!key)
        return false;
    snprintf(key, len, "%d:%d:%s", line, column, what);
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->keys[i], key) == 0) {
            free(key);
            return true;
        }
    if (seen->n == seen->cap) {
        size_t cap = seen->cap ? 2 * seen->cap : 64;
        char **grown = realloc(seen->keys, cap * sizeof *grown);
        if (!grown) {
            free(key);
            return false;
        }
        seen->keys = grown;
        seen->cap = cap;
    }
    seen->keys[seen->n++] = key;
    return false;
}

static void seen_free(seen_errors *seen)
{
    for (size_t i = 0; i < seen->n; i++)
        free(seen->keys[i]);
    free(seen->keys);
}

static void keep_errors(sch_diag *diag, seen_errors *seen, const sch_diag *pd, const scn_fleet_device *d,
                        const char *origin)
{
    size_t ll = strlen(d->label);
    for (size_t e = 0; e < pd->kept; e++) {
        const sch_diag_entry *pe = &pd->entries[e];
        const char *path = pe->path ? pe->path : "";
        bool in_path = strncmp(path, d->label, ll) == 0;        /* the schema's errors on an override */
        bool in_message = strncmp(pe->message, d->label, ll) == 0; /* its key path's (scn_set_apply) */
        const char *what = pe->message;
        if (in_message) {
            /* "LABEL KEY=VALUE: what": the override is the one written at this position */
            for (size_t j = 0; j < d->n; j++) {
                const scn_override *o = &d->ov[j];
                size_t tl = strlen(o->text);
                if (o->line == pe->line && o->column == pe->column && strncmp(pe->message + ll, o->text, tl) == 0 &&
                    strncmp(pe->message + ll + tl, ": ", 2) == 0) {
                    what = pe->message + ll + tl + 2;
                    break;
                }
            }
        }
        if (in_path || in_message) {
            if (!seen_before(seen, pe->line, pe->column, what))
                sch_diag_error(diag, pe->line, pe->column, path, "%s", pe->message);
            continue;
        }
        char message[2048];
        snprintf(message, sizeof message, "%s%s%s", path, *path ? ": " : "", pe->message);
        if (!seen_before(seen, pe->line, pe->column, message))
            sch_diag_error(diag, pe->line, pe->column, origin, "%s", message);
    }
}

/* Who a probe's errors about the file are about: the fleet or profile, and the values the probe
 * drew (all of them for the low and high ends, the one that differs from the low end for a choice),
 * since the file alone is valid. */
static void probe_origin(const scn_fleet *f, size_t p, size_t i, const scn_fleet_device *d,
                         const scn_fleet_device *low, char *buf, size_t size)
{
    const scn_profile *pr = &f->profiles[p];
    /* without `profiles:` the one profile ("all") is no one's writing: the fleet is named instead */
    bool implicit = f->n_profiles == 1 && pr->label && strcmp(pr->label, "fleet: ") == 0;
    int used = implicit ? snprintf(buf, size, "fleet") : snprintf(buf, size, "fleet profile '%s'", pr->name ? pr->name : "?");
    size_t sets_from = f->n_varies, sets_to = f->n_varies + pr->n_sets; /* d->ov: fleet varies, sets, varies */
    const char *sep = " with ";
    for (size_t j = 0; j < d->n && used > 0 && (size_t)used < size; j++) {
        if (j >= sets_from && j < sets_to)
            continue;
        if (i >= 2 && j < low->n && strcmp(d->ov[j].value, low->ov[j].value) == 0)
            continue;
        used += snprintf(buf + used, size - (size_t)used, "%s%s", sep, d->ov[j].text);
        sep = ", ";
    }
}

/* Whether two probes of one profile write the same values (their overrides share keys, paths and
 * positions, the profile's order; text holds the value and where it comes from). */
static bool same_probe(const scn_fleet_device *a, const scn_fleet_device *b)
{
    if (a->n != b->n)
        return false;
    for (size_t j = 0; j < a->n; j++)
        if (strcmp(a->ov[j].text, b->ov[j].text) != 0 || strcmp(a->ov[j].value, b->ov[j].value) != 0)
            return false;
    return true;
}

int run_fleet_validate(const scn_scenario *base, const scn_source *source, sch_diag *diag)
{
    if (sch_diag_init(diag, base->file) != 0)
        return RUN_ERR_NOMEM;
    if (!base->fleet)
        return RUN_OK;
    const scn_fleet *f = base->fleet;
    scn_fleet_device *d = malloc(sizeof *d), *low = malloc(sizeof *low);
    if (!d || !low) {
        free(d);
        free(low);
        sch_diag_error(diag, 0, 0, NULL, "out of memory");
        return RUN_ERR_NOMEM;
    }
    seen_errors seen = {0};
    for (size_t p = 0; p < f->n_profiles; p++) {
        bool tasks_reported = false;
        size_t probes = scn_fleet_probe_count(f, p);
        for (size_t i = 0; i < probes; i++) {
            scn_fleet_probe(f, p, i, d);
            if (i == 0)
                scn_fleet_probe(f, p, 0, low);
            /* The probe of a choice's first value is the low end's (every choice probe sets the
             * others to the low end): the same load gives the same errors, all kept already (an
             * error's identity leaves the probe's origin out), and the same tasks, compared
             * already. So it is not loaded again (a load is ~230 k instructions). */
            if (i >= 2 && same_probe(d, low))
                continue;
            char origin[512];
            probe_origin(f, p, i, d, low, origin, sizeof origin);
            sch_diag pd;
            scn_scenario *s = NULL;
            int rc = scn_load_variant(source, d->ov, d->n, &pd, &s);
            if (rc != 0)
                keep_errors(diag, &seen, &pd, d, origin);
            if (rc == 0 && !tasks_reported && !same_tasks(base, s)) {
                report_tasks(diag, base, s, d, origin);
                tasks_reported = true;
            }
            sch_diag_free(&pd);
            scn_scenario_free(s);
        }
    }
    seen_free(&seen);
    free(d);
    free(low);
    sch_diag_sort(diag);
    return sch_diag_count(diag) > 0 ? RUN_ERR_INVALID : RUN_OK;
}

/* ---- running ---- */

typedef struct fleet_worker {
    rep_accs accs;
    scn_fleet_device *dev;
    bool ready;
} fleet_worker;

typedef struct fleet_run {
    const run_fleet_spec *spec;
    run_fleet_result *res;
    fleet_worker workers[RUN_POOL_MAX_JOBS];
    uint64_t blocks;        /* this rank's blocks: rank + i * size */
    pthread_mutex_t lock;
    uint64_t failed_device; /* lowest failing device; UINT64_MAX: none */
    int failed_status;
    run_fleet_error *err;   /* the caller's: the lowest failing device's words */
    unsigned parts;         /* the rep_stats parts the metrics and targets read (metric_parts) */
} fleet_run;

/* Keeps device k's failure when it is the lowest so far; run_rc and run_message are its run's
 * (RUN_OK and "" when the device failed before or after running). */
static void fail_run(fleet_run *fr, uint64_t k, int status, const char *msg, int run_rc, const char *run_message)
{
    pthread_mutex_lock(&fr->lock);
    if (k < fr->failed_device) {
        fr->failed_device = k;
        fr->failed_status = status;
        snprintf(fr->err->device, sizeof fr->err->device, "%s", msg);
        fr->err->run_result = (run_status)run_rc;
        snprintf(fr->err->run_message, sizeof fr->err->run_message, "%s", run_message);
    }
    pthread_mutex_unlock(&fr->lock);
}

static void fail(fleet_run *fr, uint64_t k, int status, const char *msg) { fail_run(fr, k, status, msg, RUN_OK, ""); }

static bool stopped_before(fleet_run *fr, uint64_t k)
{
    pthread_mutex_lock(&fr->lock);
    bool stop = fr->failed_device < k;
    pthread_mutex_unlock(&fr->lock);
    return stop;
}

static void fold(const run_fleet_spec *spec, run_fleet_result *res, rep_accs *a, size_t group, const rep_stats *st,
                 const rep_record *rec)
{
    const rep_fleet_layout *l = &res->layout;
    rep_accs_add(a, rep_fleet_days_index(l, group), (double)rec->duration / (double)SIM_DAYS(1));
    for (size_t m = 0; m < spec->n_metrics; m++) {
        double v;
        if (rep_metric_value(&spec->metrics[m], st, rec, &v))
            rep_accs_add(a, rep_fleet_metric_index(l, group, m), v);
    }
    for (size_t t = 0; t < spec->n_targets; t++) {
        double v;
        bool holds = rep_metric_value(&spec->targets[t].ref, st, rec, &v) && scn_target_holds(&spec->targets[t], v);
        rep_accs_add(a, rep_fleet_target_index(l, group, t), holds ? 1 : 0);
    }
}

/* The parts of rep_stats the fleet's metrics and targets read (fold): only those are computed. */
static unsigned metric_parts(const run_fleet_spec *spec)
{
    unsigned parts = 0;
    for (size_t m = 0; m < spec->n_metrics; m++)
        parts |= rep_metric_parts(&spec->metrics[m]);
    for (size_t t = 0; t < spec->n_targets; t++)
        parts |= rep_metric_parts(&spec->targets[t].ref);
    return parts;
}

static int one_device(fleet_run *fr, fleet_worker *w, uint64_t k)
{
    const run_fleet_spec *spec = fr->spec;
    char msg[RUN_FLEET_MESSAGE_MAX];
    size_t profile = 0;
    const scn_override *ov = NULL;
    size_t n_ov = 0;
    if (spec->base->fleet) {
        if (scn_fleet_draw(spec->base->fleet, spec->seed, k, w->dev) != 0) {
            fail(fr, k, RUN_ERR_NOMEM, "out of memory");
            return RUN_ERR_NOMEM;
        }
        profile = w->dev->profile;
        ov = w->dev->ov;
        n_ov = w->dev->n;
    }
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_variant(spec->source, ov, n_ov, &diag, &s);
    if (rc != 0) {
        first_error(&diag, msg, sizeof msg);
        sch_diag_free(&diag);
        fail(fr, k, rc, msg);
        return rc;
    }
    sch_diag_free(&diag);
    if (!same_tasks(spec->base, s)) {
        scn_scenario_free(s);
        snprintf(msg, sizeof msg, "device %" PRIu64 ": its profile changes the tasks' names", k);
        fail(fr, k, RUN_ERR_INVALID, msg);
        return RUN_ERR_INVALID;
    }
    run_options opt = run_default_options(s);
    opt.seed = spec->seed;
    opt.device = k;
    opt.skip_fingerprint = true; /* nothing reads it: skipping it saves the per-record hashing */
    if (spec->duration > 0)
        opt.duration = spec->duration;
    rep_record rec = {0};
    rep_stats st = {0};
    run_outcome out = {0};
    rc = run_scenario(s, &opt, &rec, &out);
    if (rc == 0 && rep_stats_compute_parts(&rec, &st, fr->parts) != 0)
        rc = RUN_ERR_NOMEM;
    if (rc == 0) {
        fold(spec, fr->res, &w->accs, 0, &st, &rec);
        fold(spec, fr->res, &w->accs, 1 + profile, &st, &rec);
    } else {
        snprintf(msg, sizeof msg, "device %" PRIu64 " (profile '%s'): the run failed", k,
                 run_fleet_profile_name(spec->base, profile));
        fail_run(fr, k, rc, msg, rc, out.message);
    }
    rep_stats_free(&st);
    rep_record_free(&rec);
    scn_scenario_free(s);
    return rc;
}

static void block_job(void *ctx, size_t index, int worker)
{
    fleet_run *fr = ctx;
    const run_fleet_spec *spec = fr->spec;
    fleet_worker *w = &fr->workers[worker];
    if (!w->ready) {
        /* first use of this thread's state: made on the thread, merged on the caller's */
        if (rep_accs_init(&w->accs, fr->res->accs.n, fr->res->accs.shapes) != 0 || !(w->dev = malloc(sizeof *w->dev))) {
            fail(fr, 0, RUN_ERR_NOMEM, "out of memory");
            return;
        }
        w->ready = true;
    }
    int rank = spec->dist ? spec->dist->rank : 0, size = spec->dist ? spec->dist->size : 1;
    uint64_t block = (uint64_t)rank + (uint64_t)index * (uint64_t)size;
    uint64_t first = block * RUN_FLEET_BLOCK;
    for (uint64_t k = first; k < first + RUN_FLEET_BLOCK && k < spec->devices; k++) {
        if (stopped_before(fr, k) || one_device(fr, w, k) != 0)
            return;
    }
}

static void draw_progress(void *ctx, size_t done, size_t count)
{
    const fleet_run *fr = ctx;
    fr->spec->progress(fr->spec->progress_ctx, done, count);
}

int run_fleet(const run_fleet_spec *spec, run_fleet_result *out, run_fleet_error *err)
{
    *out = (run_fleet_result){0};
    err->out_of_memory = false;
    err->device[0] = err->run_message[0] = '\0';
    err->run_result = RUN_OK;
    if (spec->dist)
        spec->dist->message[0] = '\0';
    out->layout = (rep_fleet_layout){.groups = 1 + run_fleet_profile_count(spec->base),
                                     .n_metrics = spec->n_metrics, .n_targets = spec->n_targets};
    if (init_accs(out, spec) != 0) {
        err->out_of_memory = true;
        return RUN_ERR_NOMEM;
    }
    fleet_run *fr = calloc(1, sizeof *fr);
    if (!fr) {
        run_fleet_result_free(out);
        err->out_of_memory = true;
        return RUN_ERR_NOMEM;
    }
    fr->spec = spec;
    fr->parts = metric_parts(spec);
    fr->res = out;
    fr->err = err;
    fr->failed_device = UINT64_MAX;
    pthread_mutex_init(&fr->lock, NULL);
    int rank = spec->dist ? spec->dist->rank : 0, size = spec->dist ? spec->dist->size : 1;
    uint64_t all_blocks = (spec->devices + RUN_FLEET_BLOCK - 1) / RUN_FLEET_BLOCK;
    fr->blocks = all_blocks > (uint64_t)rank ? (all_blocks - (uint64_t)rank + (uint64_t)size - 1) / (uint64_t)size : 0;
    run_pool_workers((size_t)fr->blocks, spec->jobs, block_job, spec->progress ? draw_progress : NULL, fr);

    int status = fr->failed_device == UINT64_MAX ? RUN_OK : fr->failed_status;
    /* merge in thread order (exact: any order gives the same words) */
    for (int j = 0; j < RUN_POOL_MAX_JOBS; j++) {
        if (!fr->workers[j].ready)
            continue;
        if (status == 0 && !rep_accs_merge(&out->accs, &fr->workers[j].accs))
            status = RUN_ERR_INTERNAL;
        rep_accs_free(&fr->workers[j].accs);
        free(fr->workers[j].dev);
    }
    pthread_mutex_destroy(&fr->lock);
    free(fr);
    if (spec->dist) {
        status = run_dist_agree(spec->dist, status);
        if (status == 0)
            status = run_dist_reduce(spec->dist, &out->accs);
    }
    if (status != 0) {
        run_fleet_result_free(out);
        return status;
    }
    out->device_days = rep_accs_sum(&out->accs, rep_fleet_days_index(&out->layout, 0));
    return 0;
}

void run_fleet_result_free(run_fleet_result *r)
{
    rep_accs_free(&r->accs);
    *r = (run_fleet_result){0};
}
