/*
 * cli_fleet.c - `bgsim fleet FILE --devices N [--jobs J]`: a population of devices.
 *
 * Loads the file (its `fleet:` section describes the population, scn_fleet.h), checks every
 * profile's probes, simulates the devices on J threads (and, under mpirun, on every rank), and
 * prints per metric the distribution across devices, the share of devices meeting each --target,
 * and the same by profile. Everything printed comes from the merged accumulators (run_fleet.h), so
 * it is byte-identical for any J and any number of ranks. Rank 0 prints; other ranks only
 * simulate.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_fleet.h"
#include "rep_acc.h"
#include "rep_fleet.h"
#include "rep_metrics.h"
#include "run_dist.h"
#include "run_fleet.h"
#include "run_pool.h"
#include "scn_fleet.h"
#include "scn_scenario.h"
#include "scn_set.h"
#include "sch_units.h"
#include "sim_reason.h"

#define DEFAULT_DEVICES 100
#define MAX_SETS 64

static const char usage_fleet[] =
    "usage: bgsim fleet FILE [--devices N] [--jobs J] [--target METRIC<=VALUE]... [--format text|json|csv]\n"
    "                        [--plot DIR] [--metric NAME]... [--seed S] [--duration D] [--set KEY=VALUE]...\n"
    "\n"
    "Simulates N devices drawn from the scenario's population (its `fleet:` section: profiles with\n"
    "weights, distributions over scenario values; without one, N copies of the file with their own\n"
    "random streams) and prints, per task and for the worker, the distribution across devices of\n"
    "runs per day, the p50/p90 interval, the longest gap and the deferral shares; the share of\n"
    "devices meeting each target; and the same by profile. Device k is drawn and seeded from\n"
    "(seed, k): the same device for any N, J or number of MPI ranks, and the output is identical.\n"
    "\n"
    "  --devices N     devices to simulate (default: fleet.devices, else 100)\n"
    "  --jobs J        threads (default 1); under mpirun, threads per rank\n"
    "  --target T      a catalogue metric, a comparison and a value: 'sync.max_gap<=6h',\n"
    "                  'worker.runs_per_day>=4' (repeatable); a device without a value misses it\n"
    "  --format F      text (default), json, or csv; durations in ms, fractions 0..1 in json/csv\n"
    "  --plot DIR      write DIR/fleet-<scope>.{dat,gp,png,svg}: the share of devices at or below\n"
    "                  each value of runs/day, p90 interval and longest gap, one line per profile;\n"
    "                  and DIR/fleet-targets.* with the share meeting each target\n"
    "  --metric NAME   also report this catalogue metric (scenarios/METRICS.md; repeatable)\n"
    "  --seed S        the fleet's seed (default: the scenario's)\n"
    "  --duration D    each device's simulated span (default: the scenario's)\n"
    "  --set KEY=VALUE change the file before the population is drawn (scenarios/SET.md)\n"
    "\n"
    "Quantiles across devices come from mergeable histograms: within 0.4 % of the exact value\n"
    "(rep_acc.h); means, shares, min and max are exact. Run across machines with\n"
    "'mpirun -np P bgsim fleet ...' (README, \"Fleets on a cluster\").\n"
    "Exit status: 0 ok, 64 usage, 65 invalid scenario or device, 66 cannot read the file, 69 gnuplot\n"
    "cannot be run, 70 internal error, 73/74 cannot create/write output.\n";

typedef enum fleet_format { FMT_TEXT, FMT_JSON, FMT_CSV } fleet_format;

static int usage_error(const run_dist *d, const char *msg, const char *arg)
{
    if (d->rank == 0)
        fprintf(stderr, "bgsim fleet: %s%s%s%s\n%s", msg, arg ? " '" : "", CLI_SHOWN(arg ? arg : ""), arg ? "'" : "", usage_fleet);
    return EX_USAGE;
}

/* ---- the metrics reported ---- */

static const char *const base_suffixes[] = {"runs_per_day", "interval.p50", "interval.p90", "max_gap"};
#define N_BASE (sizeof base_suffixes / sizeof base_suffixes[0])
/* How runs ended (issue 17): shown only when some device had a run stopped or killed. */
static const char *const end_metrics[] = {"worker.stopped", "worker.killed"};
#define N_ENDS (sizeof end_metrics / sizeof end_metrics[0])

static bool add_metric(rep_metric_ref *refs, char **names, size_t *n, const char *name, const char *const *tasks,
                       size_t task_count)
{
    if (*n >= RUN_FLEET_MAX_METRICS)
        return false;
    bool scope_ok;
    if (!rep_metric_resolve(name, tasks, task_count, &refs[*n], &scope_ok))
        return false;
    size_t len = strlen(name) + 1;
    if (!(names[*n] = malloc(len)))
        return false;
    memcpy(names[*n], name, len);
    (*n)++;
    return true;
}

/* ---- the command ---- */

int cli_report_fleet(int rc, const run_fleet_error *err, const run_dist *dist)
{
    if (err->out_of_memory)
        fputs("bgsim fleet: out of memory\n", stderr);
    cli_report_run(err->run_message);
    if (err->device[0]) {
        if (dist && dist->size > 1)
            fprintf(stderr, "rank %d of %d: ", dist->rank, dist->size);
        fputs(err->device, stderr);
        if (err->run_result != RUN_OK)
            fprintf(stderr, " (status %d; the message above)", cli_status(err->run_result));
        fputc('\n', stderr);
    }
    if (dist)
        cli_report_run(dist->message);
    return cli_status(rc);
}

/* The progress bar of a fleet: blocks of RUN_FLEET_BLOCK devices. */
static void draw_progress(void *ctx, size_t done, size_t count)
{
    char unit[48];
    snprintf(unit, sizeof unit, "blocks of %d devices", RUN_FLEET_BLOCK);
    cli_progress_bar(ctx, "fleet", done, count, unit);
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char why[256];
    return sch_parse_uint64(s, out, why, sizeof why) && *out >= min && *out <= max;
}

/* ---- parse ---- */

typedef struct fleet_args {
    const char *path;
    uint64_t devices;           /* 0: the file's fleet.devices, else DEFAULT_DEVICES */
    uint64_t seed, jobs;
    bool has_seed;
    sim_time duration;          /* 0: each device's own */
    fleet_format format;
    const char *plot_dir;
    const char *target_args[RUN_FLEET_MAX_TARGETS];
    size_t n_target_args;
    const char *metric_args[RUN_FLEET_MAX_METRICS];
    size_t n_metric_args;
    scn_override sets[MAX_SETS]; /* owned (fleet_args_free) */
    size_t n_sets;
} fleet_args;

static void fleet_args_free(fleet_args *a)
{
    for (size_t i = 0; i < a->n_sets; i++)
        scn_override_free(&a->sets[i]);
    a->n_sets = 0;
}

/* One option's value. CLI_GO_ON, or the exit status (the usage printed on rank 0). */
static int parse_option(const run_dist *dist, int c, const char *arg, fleet_args *a)
{
    char why[512];
    switch (c) {
    case 'n':
        if (!parse_u64(arg, 1, SCN_FLEET_MAX_DEVICES, &a->devices))
            return usage_error(dist, "--devices: expected an integer from 1 to 4294967296, found", arg);
        break;
    case 'j':
        if (!parse_u64(arg, 1, RUN_POOL_MAX_JOBS, &a->jobs))
            return usage_error(dist, "--jobs: expected an integer from 1 to 256, found", arg);
        break;
    case 't':
        if (a->n_target_args == RUN_FLEET_MAX_TARGETS)
            return usage_error(dist, "--target: at most 32 targets", NULL);
        a->target_args[a->n_target_args++] = arg;
        break;
    case 'f':
        if (strcmp(arg, "text") == 0)
            a->format = FMT_TEXT;
        else if (strcmp(arg, "json") == 0)
            a->format = FMT_JSON;
        else if (strcmp(arg, "csv") == 0)
            a->format = FMT_CSV;
        else
            return usage_error(dist, "--format: expected text, json or csv, found", arg);
        break;
    case 'p': a->plot_dir = arg; break;
    case 'm':
        if (a->n_metric_args == RUN_FLEET_MAX_METRICS)
            return usage_error(dist, "--metric: too many metrics", NULL);
        a->metric_args[a->n_metric_args++] = arg;
        break;
    case 's':
        if (!sch_parse_uint64(arg, &a->seed, why, sizeof why))
            return usage_error(dist, "--seed: expected an integer from 0 to 18446744073709551615, found", arg);
        a->has_seed = true;
        break;
    case 'd':
        if (!sch_parse_duration(arg, &a->duration, why, sizeof why) || a->duration <= 0 ||
            a->duration > SCN_MAX_DURATION)
            return usage_error(dist, "--duration: expected a duration from 1ms to 36525d, found", arg);
        break;
    case 'S':
        if (a->n_sets == MAX_SETS)
            return usage_error(dist, "--set: at most 64 overrides", NULL);
        if (!scn_set_parse(arg, &a->sets[a->n_sets], why, sizeof why)) {
            if (dist->rank == 0)
                fprintf(stderr, "bgsim fleet: --set: %s\n", CLI_SHOWN(why));
            return EX_USAGE;
        }
        a->n_sets++;
        break;
    default: return EX_USAGE; /* not reached: fleet_parse passes only the options above */
    }
    return CLI_GO_ON;
}

/* Fills *a (zeroed) from the command line: CLI_GO_ON, or the exit status to return (the usage
 * printed on rank 0). The overrides parsed so far are a's either way (fleet_args_free). */
static int fleet_parse(const run_dist *dist, int argc, char **argv, fleet_args *a)
{
    static const struct option longopts[] = {
        {"devices", required_argument, NULL, 'n'}, {"jobs", required_argument, NULL, 'j'},
        {"target", required_argument, NULL, 't'},  {"format", required_argument, NULL, 'f'},
        {"plot", required_argument, NULL, 'p'},    {"metric", required_argument, NULL, 'm'},
        {"seed", required_argument, NULL, 's'},    {"duration", required_argument, NULL, 'd'},
        {"set", required_argument, NULL, 'S'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    a->jobs = 1;
    a->format = FMT_TEXT;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            if (dist->rank == 0)
                fputs(usage_fleet, stdout);
            return cli_finish_stdout(0);
        }
        if (c == '?' || c == ':')
            return usage_error(dist, "unknown option", argv[optind - 1]);
        int rc = parse_option(dist, c, optarg, a);
        if (rc != CLI_GO_ON)
            return rc;
    }
    if (optind != argc - 1)
        return usage_error(dist, optind >= argc ? "expected one scenario FILE" : "expected one scenario FILE, found more",
                           NULL);
    a->path = argv[optind];
    return CLI_GO_ON;
}

/* ---- load ---- */

/* The file: loaded once to validate it and read its fleet, and kept as a tree for the devices;
 * every profile's probes checked. 0, or the exit status (the diagnostics printed on rank 0). */
static int fleet_load(const run_dist *dist, const fleet_args *a, scn_scenario **s, scn_source *src)
{
    sch_diag diag;
    int rc = scn_load_keep(a->path, a->sets, a->n_sets, &diag, s, src);
    if (rc == 0) {
        if (dist->rank == 0)
            sch_diag_print_notes(&diag, stderr); /* keys of another platform left out (--set platform=X) */
        sch_diag_free(&diag);
        rc = run_fleet_validate(*s, src, &diag);
    }
    if (rc == 0) {
        sch_diag_free(&diag);
        return 0;
    }
    return dist->rank == 0 ? cli_report_load(rc, &diag) : (sch_diag_free(&diag), cli_status(rc));
}

/* ---- the metrics and targets ---- */

typedef struct fleet_metrics {
    rep_metric_ref refs[RUN_FLEET_MAX_METRICS];
    char *names[RUN_FLEET_MAX_METRICS]; /* owned */
    size_t n;
    scn_target targets[RUN_FLEET_MAX_TARGETS]; /* owned */
    size_t n_targets;
} fleet_metrics;

static void fleet_metrics_free(fleet_metrics *fm)
{
    for (size_t i = 0; i < fm->n; i++)
        free(fm->names[i]);
    for (size_t i = 0; i < fm->n_targets; i++)
        scn_target_free(&fm->targets[i]);
    fm->n = fm->n_targets = 0;
}

/* Every task's and the worker's base metrics, the deferral shares, --metric, and --target, against
 * the file's task names. 0, or the exit status (said on rank 0). */
static int fleet_metrics_build(const run_dist *dist, const fleet_args *a, const scn_scenario *s, fleet_metrics *fm)
{
    const char *tasks[SCN_MAX_TASKS];
    for (size_t i = 0; i < s->task_count; i++)
        tasks[i] = s->tasks[i].name;
    size_t needed = N_BASE * (s->task_count + 1) + (SIM_REASON_COUNT - 1) + N_ENDS + a->n_metric_args;
    if (needed > RUN_FLEET_MAX_METRICS) {
        /* each metric is a histogram per profile and thread (43 KB): the limit bounds memory */
        if (dist->rank == 0)
            fprintf(stderr,
                    "bgsim fleet: %s: a fleet reports at most %d metrics; this one needs %zu (%zu for each of %zu tasks "
                    "and the worker, %d deferral shares, %zu run ends, %zu --metric)\n",
                    a->path, RUN_FLEET_MAX_METRICS, needed, N_BASE, s->task_count, SIM_REASON_COUNT - 1,
                    N_ENDS, a->n_metric_args);
        return EX_DATAERR;
    }
    char name[512], why[512];
    for (size_t t = 0; t <= s->task_count; t++) {
        const char *scope = t < s->task_count ? s->tasks[t].name : "worker";
        for (size_t b = 0; b < N_BASE; b++) {
            snprintf(name, sizeof name, "%s.%s", scope, base_suffixes[b]);
            add_metric(fm->refs, fm->names, &fm->n, name, tasks, s->task_count);
        }
    }
    for (int r = 1; r < SIM_REASON_COUNT; r++) {
        snprintf(name, sizeof name, "worker.held_share.%s", sim_reason_name((sim_reason)r));
        add_metric(fm->refs, fm->names, &fm->n, name, tasks, s->task_count);
    }
    for (size_t i = 0; i < N_ENDS; i++)
        add_metric(fm->refs, fm->names, &fm->n, end_metrics[i], tasks, s->task_count);
    for (size_t i = 0; i < a->n_metric_args; i++)
        if (!add_metric(fm->refs, fm->names, &fm->n, a->metric_args[i], tasks, s->task_count))
            return usage_error(dist, "--metric: expected a catalogue metric (scenarios/METRICS.md), found",
                               a->metric_args[i]);
    for (size_t i = 0; i < a->n_target_args; i++) {
        if (!scn_target_parse(a->target_args[i], tasks, s->task_count, &fm->targets[fm->n_targets], why, sizeof why)) {
            if (dist->rank == 0)
                fprintf(stderr, "bgsim fleet: --target: %s\n", CLI_SHOWN(why));
            return EX_USAGE;
        }
        fm->n_targets++;
    }
    return 0;
}

/* ---- emit ---- */

/* The words of a failed plot (rep_fleet_plot), and the exit status. */
static int plot_failed(rep_fleet_plot_status st, const char *why)
{
    fprintf(stderr, "bgsim fleet: %s\n", CLI_SHOWN(why));
    return st == REP_FLEET_PLOT_CREATE            ? EX_CANTCREAT
           : st == REP_FLEET_PLOT_WRITE           ? EX_IOERR
           : st == REP_FLEET_PLOT_GNUPLOT_MISSING ? EX_UNAVAILABLE
                                                  : EX_SOFTWARE;
}

/* The results on stdout in the chosen format, then the plots (rank 0 only). */
static int fleet_emit(const fleet_args *a, const rep_fleet_view *v)
{
    if (a->format == FMT_TEXT)
        rep_fleet_text(stdout, v);
    else if (a->format == FMT_JSON)
        rep_fleet_json(stdout, v);
    else
        rep_fleet_csv(stdout, v);
    int rc = 0;
    char why[1024];
    rep_fleet_plot_status st = a->plot_dir ? rep_fleet_plot(a->plot_dir, v, why, sizeof why) : REP_FLEET_PLOT_OK;
    if (st != REP_FLEET_PLOT_OK)
        rc = plot_failed(st, why);
    return cli_finish_stdout(rc);
}

/* The arrays of names a rep_fleet_view points into: the scenario's tasks, profiles and weights,
 * and the targets' texts. */
typedef struct fleet_view_store {
    const char *tasks[SCN_MAX_TASKS];
    const char *profiles[SCN_FLEET_MAX_PROFILES + 1];
    double weights[SCN_FLEET_MAX_PROFILES + 1];
    const char *targets[RUN_FLEET_MAX_TARGETS];
} fleet_view_store;

static rep_fleet_view fleet_view(const scn_scenario *s, const run_fleet_spec *spec, const run_fleet_result *res,
                                 const fleet_metrics *fm, fleet_view_store *st)
{
    for (size_t i = 0; i < s->task_count; i++)
        st->tasks[i] = s->tasks[i].name;
    for (size_t p = 0; p < run_fleet_profile_count(s); p++) {
        st->profiles[p] = run_fleet_profile_name(s, p);
        st->weights[p] = s->fleet ? s->fleet->profiles[p].weight : 1.0;
    }
    for (size_t t = 0; t < fm->n_targets; t++)
        st->targets[t] = fm->targets[t].text;
    return (rep_fleet_view){.name = s->name, .file = s->file, .seed = spec->seed, .devices = spec->devices,
                            .layout = &res->layout, .accs = &res->accs, .device_days = res->device_days,
                            .profile_names = st->profiles, .profile_weights = st->weights, .metrics = fm->refs,
                            .metric_names = (const char *const *)fm->names, .task_names = st->tasks,
                            .task_count = s->task_count, .target_texts = st->targets};
}

static int fleet_main(run_dist *dist, int argc, char **argv)
{
    fleet_args a = {0};
    int rc = fleet_parse(dist, argc, argv, &a);
    if (rc != CLI_GO_ON) {
        fleet_args_free(&a);
        return rc;
    }
    scn_scenario *s = NULL;
    scn_source src = {0};
    fleet_metrics *fm = calloc(1, sizeof *fm);
    rc = fm ? fleet_load(dist, &a, &s, &src) : EX_SOFTWARE;
    if (rc == 0)
        rc = fleet_metrics_build(dist, &a, s, fm);
    if (rc == 0) {
        uint64_t devices = a.devices;
        if (devices == 0)
            devices = s->fleet && s->fleet->devices ? s->fleet->devices : DEFAULT_DEVICES;
        run_fleet_spec spec = {.base = s, .source = &src, .devices = devices, .seed = a.has_seed ? a.seed : s->seed,
                               .duration = a.duration, .jobs = (int)a.jobs, .metrics = fm->refs, .n_metrics = fm->n,
                               .targets = fm->targets, .n_targets = fm->n_targets,
                               .dist = dist->size > 1 ? dist : NULL};
        int drawn = 0; /* progress bar cells drawn */
        if (dist->rank == 0 && isatty(STDERR_FILENO) != 0) {
            spec.progress = draw_progress;
            spec.progress_ctx = &drawn;
        }
        run_fleet_result res;
        run_fleet_error err;
        rc = run_fleet(&spec, &res, &err);
        if (rc != 0) {
            rc = cli_report_fleet(rc, &err, spec.dist);
        } else if (dist->rank == 0) {
            fleet_view_store *store = malloc(sizeof *store);
            if (store) {
                rep_fleet_view v = fleet_view(s, &spec, &res, fm, store);
                rc = fleet_emit(&a, &v);
            } else {
                rc = EX_SOFTWARE;
            }
            free(store);
        }
        run_fleet_result_free(&res);
    }
    if (fm)
        fleet_metrics_free(fm);
    free(fm);
    scn_source_free(&src);
    scn_scenario_free(s);
    fleet_args_free(&a);
    return rc;
}

int cli_fleet(int argc, char **argv)
{
    run_dist dist;
    int rc = run_dist_init(&dist, &argc, &argv);
    if (rc != 0) {
        cli_report_run(dist.message);
        return cli_status(rc);
    }
    rc = fleet_main(&dist, argc, argv);
    run_dist_finalize(&dist);
    return rc;
}
