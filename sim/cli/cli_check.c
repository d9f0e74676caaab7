/*
 * cli_check.c - `bgsim check FILE...`: run scenarios and verify their `expect:` blocks.
 *
 * Work is split into runs (one scenario, one seed); runs execute on --jobs threads and write
 * their results into slots fixed before any thread starts, and everything is evaluated and
 * printed afterwards in file order, so the output is byte-identical for any number of jobs.
 */
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_fleet.h"
#include "rep_check.h"
#include "rep_junit.h"
#include "rep_metrics.h"
#include "rep_stats.h"
#include "run.h"
#include "run_fleet.h"
#include "run_pool.h"
#include "scn_expect.h"
#include "scn_scenario.h"
#include "sch_units.h"
#include "util.h"

#define EX_FAILED 1

static const char usage_check[] =
    "usage: bgsim check FILE... [--junit FILE] [--wall-time] [--require-expect] [--format text|json]\n"
    "                   [--seeds N] [--jobs J] [--update-fingerprints]\n"
    "\n"
    "Runs each scenario and checks every expectation of its 'expect:' block, one line each:\n"
    "PASS or FAIL, the file, the metric, the measured value and the bound. Metric names:\n"
    "scenarios/METRICS.md.\n"
    "\n"
    "  --junit FILE             also write the results as JUnit XML (one test case per expectation; a\n"
    "                           file that cannot be loaded or run is a test case with an <error>)\n"
    "  --wall-time              put measured seconds and the real start time in the JUnit file; without\n"
    "                           it times are 0 and timestamps the scenario's simulated start, so the\n"
    "                           same files give the same bytes\n"
    "  --require-expect         a file with no expectations is an error (status 65), not a note\n"
    "  --format F               results on stdout as 'text' (default) or 'json' (schemas/check.schema.json)\n"
    "  --seeds N                run statistical expectations over N seeds instead of their own count\n"
    "  --jobs J                 run on J threads (default 1); results are identical for any J\n"
    "  --update-fingerprints    rewrite each file's 'fingerprint:' value in place with the one\n"
    "                           measured (only that value's text changes; comments and layout stay)\n"
    "\n"
    "'expect: fleet:' holds fleet expectations (scenarios/README.md, Fleets): the share of devices\n"
    "meeting a target, or a statistic across devices, over 'devices' devices (default 200).\n"
    "\n"
    "Exit status: 0 every expectation holds, 1 some failed, 65 a scenario is invalid (or has no\n"
    "expectations, with --require-expect), 66 a file\n"
    "cannot be read, 64 usage, 70 internal error, 73/74 cannot write the JUnit file or a scenario\n"
    "(74 outranks 1: a JUnit file that could not be written is never reported as failed expectations).\n";

/* One simulated run and what check needs from it. */
typedef struct check_run {
    const scn_scenario *s;
    uint64_t seed;
    double *values;       /* one per expectation; NAN when the run has no value */
    uint64_t fingerprint;
    int status;           /* RUN_OK or run_scenario's status (run_status.h) */
    char *message;        /* what a failed run said (run_outcome.message), or NULL */
    bool timed;           /* --wall-time: measure seconds */
    double seconds;       /* wall-clock seconds of the run, when timed */
} check_run;

typedef struct check_file {
    const char *path;
    scn_scenario *s;
    scn_source src;       /* the file's tree, for a fleet's devices (expect: fleet:) */
    int load_status;
    char *load_error;     /* the diagnostics of a failed load, one per line, or NULL */
    double fleet_seconds; /* wall-clock seconds of the file's fleet (--wall-time) */
    check_run *runs;      /* runs[k] uses seed s->seed + k */
    size_t run_count;
} check_file;

/* Monotonic seconds, for --wall-time (never read by a simulation). */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void do_run(check_run *r)
{
    double t0 = r->timed ? now_seconds() : 0;
    const scn_scenario *s = r->s;
    run_options opt = run_default_options(s);
    opt.seed = r->seed;
    rep_record rec = {0};
    rep_stats st = {0};
    run_outcome out = {0};
    r->status = run_scenario(s, &opt, &rec, &out);
    if (r->status != 0 && out.message[0])
        r->message = util_strdup(out.message);
    unsigned parts = 0; /* only what the expectations read */
    for (size_t i = 0; i < s->expect.count; i++)
        parts |= rep_metric_parts(&s->expect.items[i].ref);
    if (r->status == 0 && rep_stats_compute_parts(&rec, &st, parts) != 0)
        r->status = RUN_ERR_NOMEM;
    if (r->status == 0) {
        r->fingerprint = out.fingerprint;
        for (size_t i = 0; i < s->expect.count; i++) {
            double v;
            r->values[i] = rep_metric_value(&s->expect.items[i].ref, &st, &rec, &v) ? v : NAN;
        }
    }
    rep_stats_free(&st);
    rep_record_free(&rec);
    if (r->timed)
        r->seconds = now_seconds() - t0;
}

static void check_job(void *ctx, size_t i)
{
    check_run **runs = ctx;
    do_run(runs[i]);
}

/* Runs every run of every file on `jobs` threads, then prints what failed runs said, in run
 * order. */
static int run_all(check_file *files, size_t nfiles, int jobs)
{
    size_t total = 0, n = 0;
    for (size_t f = 0; f < nfiles; f++)
        total += files[f].run_count;
    check_run **runs = calloc(total ? total : 1, sizeof *runs); // NOLINT(bugprone-sizeof-expression): pointers
    if (!runs)
        return EX_SOFTWARE;
    for (size_t f = 0; f < nfiles; f++)
        for (size_t k = 0; k < files[f].run_count; k++)
            runs[n++] = &files[f].runs[k];
    run_pool(n, jobs, check_job, NULL, runs);
    for (size_t i = 0; i < n; i++)
        cli_report_run(runs[i]->message);
    free(runs);
    return 0;
}

/* ---- results ---- */

static void evaluate(const check_file *f, size_t i, int seeds_override, rep_check_result *out)
{
    const scn_expectation *x = &f->s->expect.items[i];
    rep_metric_kind kind = x->ref.def->kind;
    snprintf(out->name, sizeof out->name, "%s", x->metric);
    int seeds = x->seeds > 0 && seeds_override > 0 ? seeds_override : x->seeds;
    if (seeds > 0) {
        double v[SCN_EXPECT_MAX_SEEDS];
        int n = 0;
        for (int k = 0; k < seeds; k++)
            if (!isnan(f->runs[k].values[i]))
                v[n++] = f->runs[k].values[i];
        scn_expectation shown = *x;
        shown.seeds = seeds;
        scn_expect_bound_text(&shown, out->bound, sizeof out->bound);
        if (n < 2) {
            snprintf(out->value, sizeof out->value, "no value in %d of %d runs", seeds - n, seeds);
            out->pass = false;
            return;
        }
        double mean = gsl_stats_mean(v, 1, (size_t)n), sd = gsl_stats_sd(v, 1, (size_t)n);
        double half = gsl_cdf_tdist_Pinv(1 - (1 - x->confidence) / 2, n - 1) * sd / sqrt(n);
        char m[48], h[48];
        rep_metric_kind shown_kind = kind == REP_KIND_COUNT ? REP_KIND_RATE : kind; /* a mean count has decimals */
        scn_expect_value_text(shown_kind, mean, m, sizeof m);
        scn_expect_value_text(shown_kind, half, h, sizeof h);
        snprintf(out->value, sizeof out->value, "mean %s +- %s (n=%d)", m, h, n);
        out->pass = (!x->has_min || mean - half >= x->min) && (!x->has_max || mean + half <= x->max);
        return;
    }
    scn_expect_bound_text(x, out->bound, sizeof out->bound);
    double v = f->runs[0].values[i];
    if (isnan(v)) {
        snprintf(out->value, sizeof out->value, "no value");
        out->pass = false;
        return;
    }
    scn_expect_value_text(kind, v, out->value, sizeof out->value);
    /* Compare as printed for counts and durations (whole units); numbers compare exactly. */
    out->pass = x->has_equals ? v == x->equals : (!x->has_min || v >= x->min) && (!x->has_max || v <= x->max);
}

/*
 * The file's fleet expectations: one fleet of expect.fleet_devices devices (the file's seed) with
 * every statistic's metric and every share's target, evaluated into res[0..fleet_count). 0, or the
 * exit status of what stopped the fleet (its message printed).
 */
static int check_fleet(check_file *cf, int jobs, rep_check_result *res)
{
    const scn_expect *e = &cf->s->expect;
    sch_diag diag;
    int rc = run_fleet_validate(cf->s, &cf->src, &diag);
    if (rc != 0)
        return cli_report_load(rc, &diag);
    sch_diag_free(&diag);
    rep_metric_ref refs[RUN_FLEET_MAX_METRICS];
    scn_target targets[RUN_FLEET_MAX_TARGETS];
    size_t n_metrics = 0, n_targets = 0, slot[SCN_EXPECT_MAX_FLEET] = {0};
    for (size_t i = 0; i < e->fleet_count && i < SCN_EXPECT_MAX_FLEET; i++) {
        if (e->fleet[i].is_target)
            targets[slot[i] = n_targets++] = e->fleet[i].target;
        else
            refs[slot[i] = n_metrics++] = e->fleet[i].ref;
    }
    run_fleet_spec spec = {.base = cf->s, .source = &cf->src, .devices = e->fleet_devices, .seed = cf->s->seed,
                           .jobs = jobs, .metrics = refs, .n_metrics = n_metrics, .targets = targets,
                           .n_targets = n_targets};
    run_fleet_result fr;
    run_fleet_error err;
    if ((rc = run_fleet(&spec, &fr, &err)) != 0)
        return cli_report_fleet(rc, &err, NULL);
    for (size_t i = 0; i < e->fleet_count; i++) {
        const scn_fleet_expectation *x = &e->fleet[i];
        size_t group = 0;
        for (size_t p = 0; x->profile && p < run_fleet_profile_count(cf->s); p++)
            if (strcmp(run_fleet_profile_name(cf->s, p), x->profile) == 0)
                group = p + 1;
        rep_check_result *r = &res[i];
        snprintf(r->name, sizeof r->name, "fleet %s", x->key);
        scn_fleet_bound_text(x, r->bound, sizeof r->bound);
        double v;
        if (x->is_target) {
            rep_fleet_share sh = rep_fleet_target_share(&fr.layout, &fr.accs, group, slot[i]);
            v = sh.share;
            snprintf(r->value, sizeof r->value, "%.1f%% (%" PRIu64 " of %" PRIu64 " devices)", 100 * v, sh.k, sh.n);
        } else {
            size_t a = rep_fleet_metric_index(&fr.layout, group, slot[i]);
            v = x->stat == SCN_FSTAT_MEAN ? rep_accs_mean(&fr.accs, a)
                                          : rep_accs_quantile(&fr.accs, a, scn_fleet_stat_q[x->stat]);
            char t[48];
            scn_expect_value_text(x->ref.def->kind == REP_KIND_COUNT ? REP_KIND_RATE : x->ref.def->kind, v, t, sizeof t);
            snprintf(r->value, sizeof r->value, "%s (%" PRIu64 " devices with a value)", isnan(v) ? "no value" : t,
                     rep_accs_count(&fr.accs, a));
        }
        r->pass = !isnan(v) && (!x->has_min || v >= x->min) && (!x->has_max || v <= x->max);
    }
    run_fleet_result_free(&fr);
    return 0;
}

/* libyaml counts positions in characters, not bytes: the byte offset of character `index` of a
 * UTF-8 text (continuation bytes 10xxxxxx do not start a character). */
static size_t byte_offset(const char *data, size_t len, size_t index)
{
    size_t b = 0;
    for (size_t chars = 0; b < len; b++) {
        if (((unsigned char)data[b] & 0xC0) == 0x80)
            continue;
        if (chars++ == index)
            return b;
    }
    return len;
}

/* Rewrites the fingerprint's value in place: only the bytes of that scalar change. */
static int update_fingerprint(const check_file *f)
{
    char *data = NULL;
    size_t len = 0;
    int got = util_read_file(f->path, UTIL_FILE_MAX_BYTES, &data, &len);
    if (got != UTIL_READ_OK) {
        free(data);
        return got == UTIL_READ_NOMEM ? EX_SOFTWARE : EX_NOINPUT;
    }
    const scn_expect *e = &f->s->expect;
    int rc = EX_CANTCREAT;
    /* util_atomic_open: a unique temporary beside the file (never the user's <file>.tmp), the
     * file's mode kept, a symlinked scenario written through to its target (the link stays a
     * link), fsync before the rename. */
    char *tmp = NULL;
    size_t start = byte_offset(data, len, e->fp_start), end = byte_offset(data, len, e->fp_end);
    FILE *out = start < end && end <= len ? util_atomic_open(f->path, &tmp) : NULL;
    if (out) {
        char fp[24];
        snprintf(fp, sizeof fp, "\"%016" PRIx64 "\"", f->runs[0].fingerprint);
        bool ok = fwrite(data, 1, start, out) == start && fputs(fp, out) >= 0 &&
                  fwrite(data + end, 1, len - end, out) == len - end;
        if (!ok)
            util_atomic_abort(out, &tmp);
        rc = ok && util_atomic_commit(out, &tmp, f->path) == 0 ? 0 : EX_IOERR;
    }
    free(data);
    return rc;
}

/* ---- parse ---- */

typedef struct check_args {
    const char *junit;       /* --junit FILE, or NULL */
    bool wall_time;          /* --wall-time */
    bool require_expect;     /* --require-expect */
    bool json;               /* --format json */
    int64_t seeds_override;  /* --seeds N, or 0 */
    int64_t jobs;
    bool update;             /* --update-fingerprints */
    char *const *paths;      /* the scenario files (argv's) */
    size_t n_paths;
} check_args;

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "bgsim check: %s%s%s%s\n%s", msg, arg ? " '" : "", CLI_SHOWN(arg ? arg : ""), arg ? "'" : "", usage_check);
    return EX_USAGE;
}

/* Fills *a from the command line: CLI_GO_ON, or the exit status to return (the usage printed). */
static int check_parse(int argc, char **argv, check_args *a)
{
    static const struct option opts[] = {{"junit", required_argument, NULL, 'j'},
                                          {"seeds", required_argument, NULL, 's'},
                                          {"jobs", required_argument, NULL, 'J'},
                                          {"update-fingerprints", no_argument, NULL, 'u'},
                                          {"wall-time", no_argument, NULL, 'w'},
                                          {"require-expect", no_argument, NULL, 'r'},
                                          {"format", required_argument, NULL, 'f'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    *a = (check_args){.jobs = 1};
    char why[256];
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': a->junit = optarg; break;
        case 's':
            if (!sch_parse_int64(optarg, 2, SCN_EXPECT_MAX_SEEDS, &a->seeds_override, why, sizeof why)) {
                fprintf(stderr, "bgsim check: --seeds: %s\n", CLI_SHOWN(why));
                return EX_USAGE;
            }
            break;
        case 'J':
            if (!sch_parse_int64(optarg, 1, RUN_POOL_MAX_JOBS, &a->jobs, why, sizeof why)) {
                fprintf(stderr, "bgsim check: --jobs: %s\n", CLI_SHOWN(why));
                return EX_USAGE;
            }
            break;
        case 'u': a->update = true; break;
        case 'w': a->wall_time = true; break;
        case 'r': a->require_expect = true; break;
        case 'f':
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
                fprintf(stderr, "bgsim check: --format: expected 'text' or 'json', found '%s'\n", CLI_SHOWN(optarg));
                return EX_USAGE;
            }
            a->json = strcmp(optarg, "json") == 0;
            break;
        case 'h': fputs(usage_check, stdout); return cli_finish_stdout(0);
        default: return usage_error(optopt ? "option needs a value:" : "unknown option", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("no scenario file given", NULL);
    a->paths = argv + optind;
    a->n_paths = (size_t)(argc - optind);
    return CLI_GO_ON;
}

/* ---- load ---- */

/* The diagnostics exactly as stderr shows them, in a new string (NULL when out of memory). */
static char *diag_text(const sch_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return NULL;
    sch_diag_print(d, m);
    if (fclose(m) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Loads every file and lays out its runs: a bad file is reported (its diagnostics on stderr,
 * *status set, 66 outranking the others) and the others still run. 0, or EX_SOFTWARE. */
static int check_load(const check_args *a, check_file *files, int *status)
{
    for (size_t f = 0; f < a->n_paths; f++) {
        check_file *cf = &files[f];
        cf->path = a->paths[f];
        sch_diag diag;
        cf->load_status = scn_load_keep(cf->path, NULL, 0, &diag, &cf->s, &cf->src);
        if (cf->load_status != 0) {
            sch_diag_print(&diag, stderr);
            cf->load_error = diag_text(&diag);
            if (*status != EX_NOINPUT)
                *status = cli_status(cf->load_status);
        }
        sch_diag_free(&diag);
        if (!cf->s)
            continue;
        size_t runs = 1;
        for (size_t i = 0; i < cf->s->expect.count; i++) {
            size_t n = (size_t)(cf->s->expect.items[i].seeds > 0 && a->seeds_override ? a->seeds_override
                                                                                       : cf->s->expect.items[i].seeds);
            if (n > runs)
                runs = n;
        }
        cf->runs = calloc(runs, sizeof *cf->runs);
        if (!cf->runs)
            return EX_SOFTWARE;
        cf->run_count = runs;
        for (size_t k = 0; k < runs; k++) {
            cf->runs[k] = (check_run){.s = cf->s, .seed = cf->s->seed + k, .timed = a->wall_time};
            cf->runs[k].values = calloc(cf->s->expect.count ? cf->s->expect.count : 1, sizeof(double));
            if (!cf->runs[k].values)
                return EX_SOFTWARE;
        }
    }
    return 0;
}

static void check_files_free(check_file *files, size_t nfiles)
{
    for (size_t f = 0; f < nfiles; f++) {
        for (size_t k = 0; k < files[f].run_count; k++) {
            free(files[f].runs[k].values);
            free(files[f].runs[k].message);
        }
        free(files[f].runs);
        free(files[f].load_error);
        scn_scenario_free(files[f].s);
        scn_source_free(&files[f].src);
    }
    free(files);
}

/* ---- results ---- */

/* The fingerprint's result; with --update-fingerprints a mismatch rewrites the file and passes
 * (or sets *status when it cannot). */
static void fingerprint_result(const check_file *cf, bool update, rep_check_result *r, int *status)
{
    uint64_t got = cf->runs[0].fingerprint, want = cf->s->expect.fingerprint;
    snprintf(r->name, sizeof r->name, "fingerprint");
    snprintf(r->value, sizeof r->value, "%016" PRIx64, got);
    snprintf(r->bound, sizeof r->bound, "equals %016" PRIx64, want);
    r->pass = got == want;
    if (r->pass || !update)
        return;
    int u = update_fingerprint(cf);
    if (u == 0) {
        fprintf(stderr, "bgsim check: %s: fingerprint updated %016" PRIx64 " -> %016" PRIx64 "\n", CLI_SHOWN(cf->path), want, got);
        snprintf(r->bound, sizeof r->bound, "updated, was %016" PRIx64, want);
        r->pass = true;
    } else {
        fprintf(stderr, "bgsim check: %s: cannot update the fingerprint (status %d)\n", CLI_SHOWN(cf->path), u);
        *status = u;
    }
}

/* A file's results, the fingerprint's first, then each expectation's, then the fleet's, into *out
 * (*n of them; the caller frees *out). 0; or EX_SOFTWARE; or 1 when the file has no results
 * because its runs or its fleet could not run (said on stderr and in why[], *status set). */
static int file_results(check_file *cf, const check_args *a, rep_check_result **out, size_t *n, int *status,
                        char *why, size_t why_size)
{
    int failed_run = 0;
    for (size_t k = 0; k < cf->run_count; k++)
        if (cf->runs[k].status)
            failed_run = cf->runs[k].status;
    if (failed_run) {
        snprintf(why, why_size, "the scenario could not run (status %d)", cli_status(failed_run));
        fprintf(stderr, "bgsim check: %s: %s\n", CLI_SHOWN(cf->path), why);
        if (*status == 0 || *status == EX_FAILED)
            *status = cli_status(failed_run);
        return 1;
    }
    const scn_expect *e = &cf->s->expect;
    *n = e->count + (e->has_fingerprint ? 1 : 0) + e->fleet_count;
    rep_check_result *res = *out = calloc(*n ? *n : 1, sizeof *res);
    if (!res)
        return EX_SOFTWARE;
    size_t r = 0;
    if (e->has_fingerprint)
        fingerprint_result(cf, a->update, &res[r++], status);
    for (size_t i = 0; i < e->count; i++, r++)
        evaluate(cf, i, (int)a->seeds_override, &res[r]);
    if (e->fleet_count > 0) {
        double t0 = a->wall_time ? now_seconds() : 0;
        int fs = check_fleet(cf, (int)a->jobs, &res[r]);
        if (a->wall_time)
            cf->fleet_seconds = now_seconds() - t0;
        if (fs != 0) {
            snprintf(why, why_size, "the fleet could not run (status %d)", fs);
            fprintf(stderr, "bgsim check: %s: %s\n", CLI_SHOWN(cf->path), why);
            if (*status == 0 || *status == EX_FAILED)
                *status = fs;
            free(res);
            *out = NULL;
            return 1;
        }
    }
    return 0;
}

/* What failed runs said, one per line, in a new string (NULL when none or out of memory). */
static char *run_messages(const check_file *cf)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return NULL;
    for (size_t k = 0; k < cf->run_count; k++)
        if (cf->runs[k].message)
            fprintf(m, "seed %" PRIu64 ": %s\n", cf->runs[k].seed, cf->runs[k].message);
    if (fclose(m) != 0 || len == 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The file's suite in the JUnit report: its time and timestamp (rep_junit.h: deterministic unless
 * --wall-time), and an error when it has no results. */
static void junit_suite(rep_junit *jx, const check_file *cf, const check_args *a, const char *started,
                        const char *error_case, const char *error, const char *detail, const rep_check_result *res,
                        size_t n)
{
    char stamp[40];
    rep_junit_suite_info info = {.path = cf->path, .error = error, .error_case = error_case, .detail = detail};
    if (a->wall_time) {
        info.timestamp = started;
        info.time_s = cf->fleet_seconds;
        for (size_t k = 0; k < cf->run_count; k++)
            info.time_s += cf->runs[k].seconds;
    } else if (cf->s) {
        const sim_datetime *d = &cf->s->start;
        snprintf(stamp, sizeof stamp, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)d->year, d->month, d->day,
                 d->hour, d->minute, d->second);
        info.timestamp = stamp;
    }
    rep_junit_suite(jx, &info, res, n);
}

/* ---- emit ---- */

/* One line per result on stdout (a NOTE when the file has none) unless `quiet`; returns the failed
 * ones. */
static size_t emit_results(const char *path, const rep_check_result *res, size_t n, bool quiet)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (!quiet)
            printf("%s  %s  %s = %s  (%s)\n", res[i].pass ? "PASS" : "FAIL", path, res[i].name, res[i].value,
                   res[i].bound);
        failed += !res[i].pass;
    }
    if (n == 0 && !quiet)
        printf("NOTE  %s  no expectations\n", path);
    return failed;
}

/* The real start of the check, for --wall-time: UTC, as JUnit's ISO 8601 timestamps. */
static void wall_clock_stamp(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(buf, size, "1970-01-01T00:00:00");
}

int cli_check(int argc, char **argv)
{
    check_args a;
    int rc = check_parse(argc, argv, &a);
    if (rc != CLI_GO_ON)
        return rc;
    check_file *files = calloc(a.n_paths, sizeof *files);
    if (!files)
        return EX_SOFTWARE;
    char started[40] = "";
    if (a.wall_time)
        wall_clock_stamp(started, sizeof started);
    int status = 0;
    if (check_load(&a, files, &status) != 0 || run_all(files, a.n_paths, (int)a.jobs) != 0) {
        check_files_free(files, a.n_paths);
        return EX_SOFTWARE;
    }

    FILE *jx = NULL;
    char *jx_tmp = NULL; /* all or nothing (util_atomic_open) */
    rep_junit junit = {0};
    if (a.junit && !(jx = util_atomic_open(a.junit, &jx_tmp))) {
        fprintf(stderr, "bgsim check: cannot create '%s': %s\n", CLI_SHOWN(a.junit), strerror(errno));
        status = EX_CANTCREAT;
    }
    bool out_of_memory = jx && rep_junit_open(&junit) != 0;
    rep_check_json js;
    if (a.json)
        rep_check_json_begin(&js, stdout);
    size_t passed = 0, failed = 0;
    for (size_t f = 0; f < a.n_paths && !out_of_memory; f++) {
        check_file *cf = &files[f];
        if (!cf->s) {
            const char *what = cf->load_status == RUN_ERR_NOINPUT ? "cannot read the scenario" : "invalid scenario";
            if (jx)
                junit_suite(&junit, cf, &a, started, "load", what, cf->load_error, NULL, 0);
            if (a.json)
                rep_check_json_file(&js, cf->path, NULL, 0, what, cf->load_error);
            continue;
        }
        rep_check_result *res = NULL;
        size_t n = 0;
        char why[128] = "";
        int fr = file_results(cf, &a, &res, &n, &status, why, sizeof why);
        if (fr == EX_SOFTWARE) {
            out_of_memory = true;
            break;
        }
        if (fr != 0) {
            char *detail = run_messages(cf);
            if (jx)
                junit_suite(&junit, cf, &a, started, "run", why, detail, NULL, 0);
            if (a.json)
                rep_check_json_file(&js, cf->path, NULL, 0, why, detail);
            free(detail);
            continue;
        }
        size_t file_failed = emit_results(cf->path, res, n, a.json);
        passed += n - file_failed;
        failed += file_failed;
        if (n == 0 && a.require_expect) {
            fprintf(stderr, "bgsim check: %s: no expectations (no 'expect:' block) and --require-expect\n",
                    CLI_SHOWN(cf->path));
            if (status == 0 || status == EX_FAILED)
                status = EX_DATAERR;
            static const char no_expect[] = "no expectations: the file has no 'expect:' block (--require-expect)";
            if (jx)
                junit_suite(&junit, cf, &a, started, "expect", no_expect, NULL, NULL, 0);
            if (a.json)
                rep_check_json_file(&js, cf->path, NULL, 0, no_expect, NULL);
        } else {
            if (n == 0)
                fprintf(stderr, "bgsim check: %s: no expectations (no 'expect:' block): nothing checked "
                                "(--require-expect makes this an error)\n", CLI_SHOWN(cf->path));
            if (jx)
                junit_suite(&junit, cf, &a, started, NULL, NULL, NULL, res, n);
            if (a.json)
                rep_check_json_file(&js, cf->path, res, n, NULL, NULL);
        }
        free(res);
        if (file_failed && status == 0)
            status = EX_FAILED;
    }
    if (out_of_memory)
        status = EX_SOFTWARE;
    else if (a.json)
        rep_check_json_end(&js);
    else
        printf("%zu passed, %zu failed\n", passed, failed);
    if (jx) {
        /* A JUnit file that could not be written is an error of its own, said so, and it outranks
         * failed expectations (1): CI must not read a truncated report as the verdict. Invalid or
         * missing scenarios (65, 66) and an internal error (70) keep their status. */
        if (out_of_memory || rep_junit_write(&junit, jx) != 0) {
            rep_junit_free(&junit);
            util_atomic_abort(jx, &jx_tmp);
            status = EX_SOFTWARE;
        } else if (util_atomic_commit(jx, &jx_tmp, a.junit) != 0) {
            fprintf(stderr, "bgsim check: cannot write '%s': %s\n", CLI_SHOWN(a.junit), strerror(errno ? errno : EIO));
            if (status == 0 || status == EX_FAILED)
                status = EX_IOERR;
        }
    }
    check_files_free(files, a.n_paths);
    return cli_finish_stdout(status);
}
