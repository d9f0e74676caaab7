/*
 * cli_sweep.c - `bgsim sweep FILE --set KEY=V1,V2,... --seeds N --jobs J`: interval tuning.
 *
 * Every combination of the swept values (the cartesian product, the first --set varying slowest)
 * is loaded as its own scenario with those overrides (so each value is validated like a line of
 * the file), then run with seeds s, s+1, ..., s+N-1 (s = the scenario's seed). Runs execute on J
 * threads and keep only their metric values, in slots fixed before any thread starts; everything
 * is aggregated and printed afterwards in combination order, so the output is byte-identical for
 * any J. The simulation is the only work done on the threads: no I/O, no plotting.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rep_metrics.h"
#include "rep_stats.h"
#include "rep_sweep.h"
#include "rep_sweep_table.h"
#include "run_pool.h"
#include "run.h"
#include "scn_scenario.h"
#include "scn_set.h"
#include "sch_units.h"
#include "util.h"

#define MAX_KEYS REP_SWEEP_MAX_KEYS
#define MAX_METRICS 64
#define MAX_RUNS 10000000
#define CONFIDENCE 0.95

static const char usage_sweep[] =
    "usage: bgsim sweep FILE --set KEY=V1,V2,... [--set ...] [--seeds N] [--seed S] [--duration D]\n"
    "                        [--jobs J] [--plot DIR] [--format table|csv|json] [--metric NAME]...\n"
    "                        [--scope NAME] [--x KEY]\n"
    "\n"
    "Runs every combination of the swept values, each with N seeds, and prints one row per\n"
    "combination: the mean and 95 % confidence interval (Student t over the seeds) of runs per day,\n"
    "the p10/p50/p90 interval, the battery spent per day and the share of held time by each deferral\n"
    "reason that occurs. Shares (0..1) get a Wilson score interval instead, which stays inside 0..1.\n"
    "Metric names: scenarios/METRICS.md; key paths: scenarios/SET.md. FILE '-' is read from stdin.\n"
    "\n"
    "  --set KEY=V1,V2,...  a key and the values to try (commas inside [], {} or quotes do not split)\n"
    "  --seeds N            seeds per combination (default 10; the scenario's seed and the next N-1)\n"
    "  --seed S             start the seeds at S instead of the scenario's seed\n"
    "  --duration D         simulate D (e.g. 36h, 14d) instead of the scenario's duration\n"
    "  --jobs J             run on J threads (default 1); the output is identical for any J\n"
    "  --plot DIR           write DIR/sweep.{dat,gp,png,svg}: requested vs achieved interval with a\n"
    "                       p10-p90 band, one line per value of the other swept keys\n"
    "  --format F           'table' (default when stdout is a terminal: aligned columns, durations and\n"
    "                       percentages for people), 'csv' (default otherwise) or 'json'; in csv and\n"
    "                       json durations are in ms and fractions 0..1\n"
    "  --metric NAME        also report this catalogue metric (repeatable)\n"
    "  --scope NAME         'worker' (default) or a task: whose runs and intervals are reported\n"
    "  --x KEY              the swept key on the plot's x axis (default: the first whose name ends in\n"
    "                       'interval', else the first)\n"
    "\n"
    "A progress bar is drawn on stderr when it is a terminal. Exit status: 0 ok, 64 usage, 65 a\n"
    "combination is invalid, 66 cannot read the file, 69 gnuplot cannot be run, 70 internal error,\n"
    "73/74 cannot create/write output.\n";

/* ---- parse ---- */

typedef struct sweep_args {
    const char *path;
    rep_sweep_key keys[MAX_KEYS]; /* owned (sweep_args_free) */
    size_t n_keys;
    const char *extra[MAX_METRICS]; /* --metric names */
    size_t n_extra;
    const char *plot_dir, *scope, *x_key;
    enum { FORMAT_CSV, FORMAT_JSON, FORMAT_TABLE } format;
    int64_t seeds, jobs;
    bool has_seed;            /* --seed: the first seed of every combination */
    uint64_t seed;
    sim_time duration;        /* --duration, or 0: each combination's own */
    size_t x_index;           /* the key on the plot's x axis */
    size_t combos;            /* the product of the keys' value counts */
} sweep_args;

static void sweep_args_free(sweep_args *a)
{
    for (size_t k = 0; k < a->n_keys; k++)
        scn_set_values_free(a->keys[k].key, a->keys[k].values, a->keys[k].n);
    a->n_keys = 0;
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "bgsim sweep: %s%s%s%s\n%s", msg, arg ? " '" : "", CLI_SHOWN(arg ? arg : ""), arg ? "'" : "", usage_sweep);
    return EX_USAGE;
}

/* "bgsim sweep: OPTION: WHY": a value the option does not take. */
static int bad_value(const char *option, const char *why)
{
    fprintf(stderr, "bgsim sweep: %s: %s\n", option, CLI_SHOWN(why));
    return EX_USAGE;
}

/* The swept key on the plot's x axis: --x, else the last whose name ends in "interval", else the
 * first. CLI_GO_ON, or EX_USAGE. */
static int choose_x(sweep_args *a)
{
    a->x_index = 0;
    if (a->x_key) {
        size_t k = 0;
        while (k < a->n_keys && strcmp(a->keys[k].key, a->x_key) != 0)
            k++;
        if (k == a->n_keys)
            return usage_error("--x: not a swept key:", a->x_key);
        a->x_index = k;
        return CLI_GO_ON;
    }
    for (size_t k = a->n_keys; k-- > 0;) {
        size_t len = strlen(a->keys[k].key);
        if (len >= 8 && strcmp(a->keys[k].key + len - 8, "interval") == 0)
            a->x_index = k;
    }
    return CLI_GO_ON;
}

/* The number of combinations, bounded with the seeds by MAX_RUNS. CLI_GO_ON, or EX_USAGE. */
static int count_combos(sweep_args *a)
{
    a->combos = 1;
    double all = 1; /* the full count, for the message (a double: it may not fit a size_t) */
    for (size_t k = 0; k < a->n_keys; k++)
        all *= (double)a->keys[k].n;
    for (size_t k = 0; k < a->n_keys; k++) {
        if (a->combos > MAX_RUNS / a->keys[k].n) {
            fprintf(stderr, "bgsim sweep: too many combinations: %.0f, the limit is %d\n%s", all, MAX_RUNS, usage_sweep);
            return EX_USAGE;
        }
        a->combos *= a->keys[k].n;
    }
    if (a->combos > MAX_RUNS / (size_t)a->seeds)
        return usage_error("too many runs (combinations x seeds above 10 million)", NULL);
    return CLI_GO_ON;
}

/* Fills *a (zeroed) from the command line: CLI_GO_ON, or the exit status to return (the usage
 * printed). The keys parsed so far are a's either way (sweep_args_free). */
static int sweep_parse(int argc, char **argv, sweep_args *a)
{
    static const struct option opts[] = {{"set", required_argument, NULL, 'S'},
                                          {"seeds", required_argument, NULL, 's'},
                                          {"jobs", required_argument, NULL, 'J'},
                                          {"plot", required_argument, NULL, 'p'},
                                          {"format", required_argument, NULL, 'f'},
                                          {"metric", required_argument, NULL, 'm'},
                                          {"scope", required_argument, NULL, 'o'},
                                          {"x", required_argument, NULL, 'x'},
                                          {"seed", required_argument, NULL, 'e'},
                                          {"duration", required_argument, NULL, 'd'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *format = isatty(STDOUT_FILENO) == 1 ? "table" : "csv";
    a->scope = "worker";
    a->seeds = 10;
    a->jobs = 1;
    char why[512];
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'S':
            if (a->n_keys == MAX_KEYS)
                return usage_error("too many --set options (at most 16)", NULL);
            if (!scn_set_split_values(optarg, &a->keys[a->n_keys].key, &a->keys[a->n_keys].values,
                                      &a->keys[a->n_keys].n, why, sizeof why))
                return bad_value("--set", why);
            a->n_keys++;
            break;
        case 's':
            if (!sch_parse_int64(optarg, 1, 100000, &a->seeds, why, sizeof why))
                return bad_value("--seeds", why);
            break;
        case 'J':
            if (!sch_parse_int64(optarg, 1, RUN_POOL_MAX_JOBS, &a->jobs, why, sizeof why))
                return bad_value("--jobs", why);
            break;
        case 'e':
            if (!cli_parse_seed(optarg, &a->seed, why, sizeof why))
                return bad_value("--seed", why);
            a->has_seed = true;
            break;
        case 'd':
            if (!cli_parse_duration(optarg, &a->duration, why, sizeof why))
                return bad_value("--duration", why);
            break;
        case 'p': a->plot_dir = optarg; break;
        case 'f': format = optarg; break;
        case 'o': a->scope = optarg; break;
        case 'x': a->x_key = optarg; break;
        case 'm':
            if (a->n_extra == MAX_METRICS / 2)
                return usage_error("too many --metric options", NULL);
            a->extra[a->n_extra++] = optarg;
            break;
        case 'h': fputs(usage_sweep, stdout); return cli_finish_stdout(0);
        default: return usage_error(optopt ? "option needs a value:" : "unknown option", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return usage_error("expected exactly one scenario file", NULL);
    a->path = argv[optind];
    if (a->n_keys == 0)
        return usage_error("nothing to sweep: give at least one --set KEY=V1,V2,...", NULL);
    if (strcmp(format, "csv") == 0) {
        a->format = FORMAT_CSV;
    } else if (strcmp(format, "json") == 0) {
        a->format = FORMAT_JSON;
    } else if (strcmp(format, "table") == 0) {
        a->format = FORMAT_TABLE;
    } else {
        fprintf(stderr, "bgsim sweep: --format: expected 'table', 'csv' or 'json', found '%s'\n", CLI_SHOWN(format));
        return EX_USAGE;
    }
    int rc = choose_x(a);
    return rc == CLI_GO_ON ? count_combos(a) : rc;
}

/* ---- load ---- */

/* The notes printed so far: a key left out on a platform is said once, not once per combination. */
typedef struct sweep_notes {
    char *text[SCH_DIAG_MAX];
    size_t n;
} sweep_notes;

static void print_new_notes(const sch_diag *diag, sweep_notes *seen)
{
    for (size_t i = 0; i < diag->n_notes; i++) {
        size_t k = 0;
        while (k < seen->n && strcmp(seen->text[k], diag->notes[i]) != 0)
            k++;
        if (k < seen->n)
            continue;
        fprintf(stderr, "note: %s\n", diag->notes[i]);
        if (seen->n < SCH_DIAG_MAX && (seen->text[seen->n] = util_strdup(diag->notes[i])))
            seen->n++;
    }
}

/* Combination ci of the file's text: its overrides applied, validated like a line of the file. */
static int load_combo(const sweep_args *a, size_t ci, const char *data, size_t len, sweep_notes *notes,
                      scn_scenario **out)
{
    scn_override ov[MAX_KEYS];
    size_t idx[MAX_KEYS], n_ov = 0;
    char why[512];
    int rc = 0;
    rep_sweep_combo(a->keys, a->n_keys, ci, idx);
    for (size_t k = a->n_keys; k-- > 0;) {
        char arg[4096];
        snprintf(arg, sizeof arg, "%s=%s", a->keys[k].key, a->keys[k].values[idx[k]]);
        if (!scn_set_parse(arg, &ov[k], why, sizeof why)) {
            rc = bad_value("--set", why);
            break;
        }
        n_ov++;
    }
    if (rc == 0) {
        sch_diag diag;
        rc = scn_load_buffer_with(scn_input_name(a->path), data, len, ov, a->n_keys, &diag, out);
        if (rc != 0) {
            rc = cli_report_load(rc, &diag);
        } else {
            print_new_notes(&diag, notes);
            sch_diag_free(&diag);
        }
    }
    for (size_t k = a->n_keys - n_ov; k < a->n_keys; k++)
        scn_override_free(&ov[k]);
    return rc;
}

/* Every combination, into scen[0..combos) (the caller frees them). 0, or the exit status with
 * its message printed. */
static int sweep_load(const sweep_args *a, scn_scenario **scen)
{
    char *data = NULL;
    size_t len = 0;
    /* A file over the cap is read up to it and left to the loader, which names the limit. */
    int got = scn_read_input(a->path, UTIL_FILE_MAX_BYTES, &data, &len);
    if (got == UTIL_READ_OPEN || got == UTIL_READ_IO || got == UTIL_READ_NOMEM) {
        fprintf(stderr, "error: %s: cannot read the file: %s\n", CLI_SHOWN(scn_input_name(a->path)),
                strerror(got == UTIL_READ_NOMEM ? ENOMEM : errno));
        return EX_NOINPUT;
    }
    int rc = 0;
    sweep_notes notes = {.n = 0};
    for (size_t ci = 0; ci < a->combos && rc == 0; ci++)
        rc = load_combo(a, ci, data, len, &notes, &scen[ci]);
    for (size_t i = 0; i < notes.n; i++)
        free(notes.text[i]);
    free(data);
    return rc;
}

/* ---- the metrics ---- */

/* The metrics reported, by name: the scope's runs and intervals, the battery, the deferral shares,
 * then --metric. Looked up by name (sweep_metric_index), never by position. */
typedef struct sweep_metric {
    char name[BGT_NAME_MAX + 64];
    rep_metric_ref ref;
    bool always_shown;        /* false: a deferral share or a count of cut runs, shown only where nonzero */
} sweep_metric;

typedef struct sweep_metrics {
    sweep_metric m[MAX_METRICS];
    size_t n;
    unsigned parts; /* the rep_stats parts the metrics read: only these are computed (issue 24) */
} sweep_metrics;

static const char *const scope_suffixes[] = {"runs_per_day", "interval.p10", "interval.p50", "interval.p90",
                                             "delay.p50"};

static void add_metric(sweep_metrics *mx, bool always_shown, const char *scope, const char *suffix)
{
    if (mx->n == MAX_METRICS)
        return;
    sweep_metric *m = &mx->m[mx->n++];
    if (scope)
        snprintf(m->name, sizeof m->name, "%s.%s", scope, suffix);
    else
        snprintf(m->name, sizeof m->name, "%s", suffix);
    m->always_shown = always_shown;
}

/* The index of the metric named scope.suffix, or -1. */
static int sweep_metric_index(const sweep_metrics *mx, const char *scope, const char *suffix)
{
    char name[BGT_NAME_MAX + 64];
    snprintf(name, sizeof name, "%s.%s", scope, suffix);
    for (size_t i = 0; i < mx->n; i++)
        if (strcmp(mx->m[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The metrics, resolved against the first combination's tasks. 0, or EX_USAGE (said). */
static int sweep_metrics_resolve(const sweep_args *a, const scn_scenario *s0, sweep_metrics *mx)
{
    const char *tasks[SCN_MAX_TASKS];
    for (size_t i = 0; i < s0->task_count; i++)
        tasks[i] = s0->tasks[i].name;
    if (strcmp(a->scope, "worker") != 0) {
        size_t i = 0;
        while (i < s0->task_count && strcmp(tasks[i], a->scope) != 0)
            i++;
        if (i == s0->task_count)
            return usage_error("--scope: not 'worker' nor a task of the scenario:", a->scope);
    }
    mx->n = 0;
    for (size_t i = 0; i < sizeof scope_suffixes / sizeof scope_suffixes[0]; i++)
        add_metric(mx, true, a->scope, scope_suffixes[i]);
    add_metric(mx, true, "worker", "battery_per_day");
    char suffix[64];
    for (int r = 1; r < SIM_REASON_COUNT; r++) {
        snprintf(suffix, sizeof suffix, "held_share.%s", sim_reason_name((sim_reason)r));
        add_metric(mx, false, "worker", suffix);
    }
    add_metric(mx, false, "worker", "stopped"); /* runs the OS stopped, runs killed (issue 17) */
    add_metric(mx, false, "worker", "killed");
    for (size_t i = 0; i < a->n_extra; i++)
        add_metric(mx, true, NULL, a->extra[i]);
    for (size_t i = 0; i < mx->n; i++) {
        bool scope_ok;
        if (!rep_metric_resolve(mx->m[i].name, tasks, s0->task_count, &mx->m[i].ref, &scope_ok))
            return usage_error(scope_ok ? "--metric: unknown metric" : "--metric: unknown scope in", mx->m[i].name);
    }
    mx->parts = 0;
    for (size_t i = 0; i < mx->n; i++)
        mx->parts |= rep_metric_parts(&mx->m[i].ref);
    return 0;
}

/* ---- run ---- */

typedef struct sweep_run {
    const scn_scenario *s;
    uint64_t seed;
    sim_time duration; /* --duration, or 0: the scenario's */
    double *values; /* one per metric; NaN when the run has none */
    int status;     /* RUN_OK or run_scenario's status (run_status.h) */
    char *message;  /* what a failed run said (run_outcome.message), or NULL */
} sweep_run;

typedef struct sweep_pool {
    sweep_run *runs;
    const sweep_metrics *mx;
    int drawn;      /* progress bar cells drawn */
} sweep_pool;

static void do_run(sweep_run *r, const sweep_metrics *mx)
{
    run_options opt = run_default_options(r->s);
    opt.seed = r->seed;
    if (r->duration)
        opt.duration = r->duration;
    opt.skip_fingerprint = true; /* a sweep reports metrics only: no run's fingerprint is read */
    rep_record rec = {0};
    rep_stats st = {0};
    run_outcome out = {0};
    r->status = run_scenario(r->s, &opt, &rec, &out);
    if (r->status != 0 && out.message[0])
        r->message = util_strdup(out.message);
    if (r->status == 0 && rep_stats_compute_parts(&rec, &st, mx->parts) != 0)
        r->status = RUN_ERR_NOMEM;
    if (r->status == 0) {
        for (size_t i = 0; i < mx->n; i++) {
            double v;
            r->values[i] = rep_metric_value(&mx->m[i].ref, &st, &rec, &v) ? v : NAN;
        }
    }
    rep_stats_free(&st);
    rep_record_free(&rec);
}

static void draw_progress(void *ctx, size_t done, size_t count)
{
    sweep_pool *p = ctx;
    cli_progress_bar(&p->drawn, "sweep", done, count, "runs");
}

static void sweep_job(void *ctx, size_t i)
{
    sweep_pool *p = ctx;
    do_run(&p->runs[i], p->mx);
}

/* Every combination with every seed, on --jobs threads, into values[run * n + metric] (run =
 * combination * seeds + seed index). 0, or the exit status with what failed runs said printed
 * (all of them, in run order, then the first failure). */
static int sweep_run_all(const sweep_args *a, scn_scenario *const *scen, const sweep_metrics *mx, double *values)
{
    size_t seeds = (size_t)a->seeds, n_runs = a->combos * seeds;
    sweep_run *runs = calloc(n_runs, sizeof *runs);
    if (!runs)
        return EX_SOFTWARE;
    for (size_t ci = 0; ci < a->combos; ci++)
        for (size_t k = 0; k < seeds; k++)
            runs[ci * seeds + k] = (sweep_run){.s = scen[ci], .seed = (a->has_seed ? a->seed : scen[ci]->seed) + k,
                                               .duration = a->duration,
                                               .values = values + (ci * seeds + k) * mx->n};
    sweep_pool p = {.runs = runs, .mx = mx};
    run_pool(n_runs, (int)a->jobs, sweep_job, isatty(STDERR_FILENO) == 1 ? draw_progress : NULL, &p);
    for (size_t i = 0; i < n_runs; i++)
        cli_report_run(runs[i].message);
    int rc = 0;
    for (size_t i = 0; i < n_runs && rc == 0; i++) {
        if (runs[i].status) {
            if (runs[i].status != RUN_ERR_UNAVAILABLE) /* the run said why for an unmodeled platform */
                fprintf(stderr, "bgsim sweep: a run failed (status %d)\n", cli_status(runs[i].status));
            rc = cli_status(runs[i].status);
        }
    }
    for (size_t i = 0; i < n_runs; i++)
        free(runs[i].message);
    free(runs);
    return rc;
}

/* ---- statistics ---- */

/* The mean and interval of every metric of every combination, into cis[combination * n + metric];
 * shown[m]: the metric is printed (always, or a deferral share or cut-run count nonzero somewhere). */
static void sweep_stats(const sweep_args *a, const sweep_metrics *mx, const double *values, double *col, rep_ci *cis,
                        bool *shown)
{
    size_t seeds = (size_t)a->seeds, n = mx->n;
    for (size_t m = 0; m < n; m++)
        shown[m] = mx->m[m].always_shown;
    for (size_t ci = 0; ci < a->combos; ci++) {
        for (size_t m = 0; m < n; m++) {
            for (size_t k = 0; k < seeds; k++)
                col[k] = values[(ci * seeds + k) * n + m];
            rep_ci *x = &cis[ci * n + m];
            if (mx->m[m].ref.def->kind == REP_KIND_FRACTION)
                rep_ci_of_share(col, seeds, CONFIDENCE, x); /* bounded to 0..1 when it is a share */
            else
                rep_ci_of(col, seeds, CONFIDENCE, x);
            if (x->lo < 0) /* every metric is >= 0 (counts, rates, durations): so is its mean */
                x->lo = 0;
            if (x->n > 0 && x->mean > 0)
                shown[m] = true;
        }
    }
}

/* ---- emit ---- */

/* The plot's points and line titles: one line per value combination of the keys other than x. */
static int plot_points(const sweep_args *a, const sweep_metrics *mx, const rep_ci *cis, bool x_dur,
                       rep_sweep_point *pts, char **titles)
{
    const rep_sweep_key *xk = &a->keys[a->x_index];
    int p10 = sweep_metric_index(mx, a->scope, "interval.p10");
    int p50 = sweep_metric_index(mx, a->scope, "interval.p50");
    int p90 = sweep_metric_index(mx, a->scope, "interval.p90");
    if (p10 < 0 || p50 < 0 || p90 < 0)
        return EX_SOFTWARE; /* the scope's interval quantiles are always reported */
    for (size_t ci = 0; ci < a->combos; ci++) {
        size_t idx[MAX_KEYS];
        rep_sweep_combo(a->keys, a->n_keys, ci, idx);
        size_t line = 0; /* the other keys' value indices, in key order */
        for (size_t k = 0; k < a->n_keys; k++)
            if (k != a->x_index)
                line = line * a->keys[k].n + idx[k];
        if (!titles[line] && (titles[line] = malloc(1024))) {
            size_t tl = 0;
            titles[line][0] = '\0';
            for (size_t k = 0; k < a->n_keys && tl < 1000; k++)
                if (k != a->x_index)
                    tl += (size_t)snprintf(titles[line] + tl, 1024 - tl, "%s%s=%s", tl ? ", " : "", a->keys[k].key,
                                           a->keys[k].values[idx[k]]);
        }
        rep_sweep_point *pt = &pts[line * xk->n + idx[a->x_index]];
        const char *xv = xk->values[idx[a->x_index]];
        sim_time ms = 0;
        if (x_dur && sch_parse_duration(xv, &ms, NULL, 0))
            pt->x = (double)ms;
        else
            pt->x = strtod(xv, NULL);
        pt->p10 = cis[ci * mx->n + (size_t)p10];
        pt->p50 = cis[ci * mx->n + (size_t)p50];
        pt->p90 = cis[ci * mx->n + (size_t)p90];
    }
    size_t n_lines = a->combos / xk->n;
    for (size_t l = 0; l < n_lines; l++)
        if (!titles[l])
            return EX_SOFTWARE;
    return 0;
}

/* --plot DIR: requested vs achieved interval, rendered by gnuplot. 0, or the exit status with
 * its message printed. */
static int emit_plot(const sweep_args *a, const char *scenario, const sweep_metrics *mx, const rep_ci *cis)
{
    const rep_sweep_key *xk = &a->keys[a->x_index];
    size_t n_x = xk->n, n_lines = a->combos / n_x;
    rep_sweep_point *pts = calloc(a->combos, sizeof *pts);
    char **titles = calloc(n_lines, sizeof *titles);
    bool x_dur = true;
    for (size_t i = 0; i < n_x && x_dur; i++) {
        sim_time ms;
        x_dur = sch_parse_duration(xk->values[i], &ms, NULL, 0);
    }
    int rc = !pts || !titles ? EX_SOFTWARE : plot_points(a, mx, cis, x_dur, pts, titles);
    char why[512];
    if (rc == 0) {
        char ylabel[BGT_NAME_MAX + 32];
        snprintf(ylabel, sizeof ylabel, "%s.interval", a->scope);
        rep_sweep_plot sp = {.title = scenario, .x_key = xk->key, .x_is_duration = x_dur, .y_metric = ylabel,
                             .lines = (const char *const *)titles, .n_lines = n_lines, .n_x = n_x, .points = pts,
                             .seeds = (size_t)a->seeds};
        if (rep_mkdir_p(a->plot_dir, why, sizeof why) != 0 || rep_sweep_plot_write(a->plot_dir, &sp, why, sizeof why) != 0) {
            fprintf(stderr, "bgsim sweep: %s\n", CLI_SHOWN(why));
            rc = EX_CANTCREAT;
        } else {
            rep_gp_status g = rep_gnuplot_run(a->plot_dir, "sweep.gp", why, sizeof why);
            if (g != REP_GP_OK) {
                fprintf(stderr, "bgsim sweep: %s; the data file and gnuplot script are in '%s'\n", CLI_SHOWN(why), CLI_SHOWN(a->plot_dir));
                rc = g == REP_GP_MISSING ? EX_UNAVAILABLE : EX_SOFTWARE;
            }
        }
    }
    for (size_t l = 0; titles && l < n_lines; l++)
        free(titles[l]);
    free(titles);
    free(pts);
    return rc;
}

/* The statistics of the values, printed as CSV or JSON, then the plot. */
static int sweep_emit(const sweep_args *a, const scn_scenario *s0, const sweep_metrics *mx, const double *values)
{
    rep_ci *cis = malloc(a->combos * mx->n * sizeof *cis);
    double *col = malloc((size_t)a->seeds * sizeof *col);
    bool shown[MAX_METRICS] = {false};
    int rc = EX_SOFTWARE;
    if (cis && col) {
        sweep_stats(a, mx, values, col, cis, shown);
        const char *names[MAX_METRICS];
        rep_metric_kind kinds[MAX_METRICS];
        for (size_t m = 0; m < mx->n; m++) {
            names[m] = mx->m[m].name;
            kinds[m] = mx->m[m].ref.def->kind;
        }
        rep_sweep_table t = {.scenario = s0->name, .keys = a->keys, .n_keys = a->n_keys, .combos = a->combos,
                             .seeds = a->seeds, .confidence = CONFIDENCE, .metric_names = names,
                             .n_metrics = mx->n, .shown = shown, .cis = cis, .kinds = kinds};
        if (a->format == FORMAT_JSON)
            rep_sweep_json(stdout, &t);
        else if (a->format == FORMAT_TABLE)
            rep_sweep_text(stdout, &t);
        else
            rep_sweep_csv(stdout, &t);
        rc = cli_finish_stdout(0);
        if (rc == 0 && a->plot_dir)
            rc = emit_plot(a, s0->name, mx, cis);
    }
    free(cis);
    free(col);
    return rc;
}

int cli_sweep(int argc, char **argv)
{
    sweep_args a = {0};
    int rc = sweep_parse(argc, argv, &a);
    if (rc != CLI_GO_ON) {
        sweep_args_free(&a);
        return rc;
    }
    /* combos >= 1: every key has a value (scn_set_split_values) */
    scn_scenario **scen = calloc(a.combos ? a.combos : 1, sizeof *scen); // NOLINT(bugprone-sizeof-expression): pointers
    sweep_metrics *mx = malloc(sizeof *mx);
    double *values = NULL;
    rc = !scen || !mx ? EX_SOFTWARE : sweep_load(&a, scen);
    if (rc == 0)
        rc = scen[0] ? sweep_metrics_resolve(&a, scen[0], mx) : EX_SOFTWARE;
    size_t n_values = rc == 0 ? a.combos * (size_t)a.seeds * mx->n : 0;
    if (rc == 0 && !(values = malloc((n_values ? n_values : 1) * sizeof *values)))
        rc = EX_SOFTWARE;
    if (rc == 0)
        rc = sweep_run_all(&a, scen, mx, values);
    if (rc == 0)
        rc = sweep_emit(&a, scen[0], mx, values);
    free(values);
    free(mx);
    for (size_t ci = 0; scen && ci < a.combos; ci++)
        scn_scenario_free(scen[ci]);
    free(scen);
    sweep_args_free(&a);
    return rc;
}
