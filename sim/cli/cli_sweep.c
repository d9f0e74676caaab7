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
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rep_metrics.h"
#include "rep_stats.h"
#include "rep_sweep.h"
#include "run_pool.h"
#include "run.h"
#include "scn_scenario.h"
#include "scn_set.h"
#include "sch_units.h"
#include "util.h"

#define MAX_KEYS 16
#define MAX_METRICS 64
#define MAX_RUNS 10000000
#define CONFIDENCE 0.95

static const char usage_sweep[] =
    "usage: bgsim sweep FILE --set KEY=V1,V2,... [--set ...] [--seeds N] [--jobs J] [--plot DIR]\n"
    "                        [--format csv|json] [--metric NAME]... [--scope NAME] [--x KEY]\n"
    "\n"
    "Runs every combination of the swept values, each with N seeds, and prints one row per\n"
    "combination: the mean and 95 % confidence interval (Student t over the seeds) of runs per day,\n"
    "the p10/p50/p90 interval, the battery spent per day and the share of held time by each deferral\n"
    "reason that occurs. Metric names: scenarios/METRICS.md; key paths: scenarios/SET.md.\n"
    "\n"
    "  --set KEY=V1,V2,...  a key and the values to try (commas inside [], {} or quotes do not split)\n"
    "  --seeds N            seeds per combination (default 10; the scenario's seed and the next N-1)\n"
    "  --jobs J             run on J threads (default 1); the output is identical for any J\n"
    "  --plot DIR           write DIR/sweep.{dat,gp,png,svg}: requested vs achieved interval with a\n"
    "                       p10-p90 band, one line per value of the other swept keys\n"
    "  --format F           'csv' (default) or 'json'; durations in ms, fractions 0..1\n"
    "  --metric NAME        also report this catalogue metric (repeatable)\n"
    "  --scope NAME         'worker' (default) or a task: whose runs and intervals are reported\n"
    "  --x KEY              the swept key on the plot's x axis (default: the first whose name ends in\n"
    "                       'interval', else the first)\n"
    "\n"
    "A progress bar is drawn on stderr when it is a terminal. Exit status: 0 ok, 64 usage, 65 a\n"
    "combination is invalid, 66 cannot read the file, 69 platform not modeled or gnuplot cannot be\n"
    "run, 70 internal error, 73/74 cannot create/write output.\n";

typedef struct sweep_key {
    char *key;
    char **values;
    size_t n;
} sweep_key;

typedef struct sweep_run {
    const scn_scenario *s;
    uint64_t seed;
    double *values; /* one per metric; NaN when the run has none */
    int status;     /* RUN_OK or run_scenario's status (run_status.h) */
    char *message;  /* what a failed run said (run_outcome.message), or NULL */
} sweep_run;

typedef struct sweep_pool {
    sweep_run *runs;
    const rep_metric_ref *metrics;
    size_t n_metrics;
    bool progress;
    int drawn;      /* progress bar cells drawn */
} sweep_pool;

static void do_run(sweep_run *r, const rep_metric_ref *metrics, size_t n_metrics)
{
    run_options opt = run_default_options(r->s);
    opt.seed = r->seed;
    opt.skip_fingerprint = true; /* a sweep reports metrics only: no run's fingerprint is read */
    rep_record rec = {0};
    rep_stats st = {0};
    run_outcome out = {0};
    r->status = run_scenario(r->s, &opt, &rec, &out);
    if (r->status != 0 && out.message[0])
        r->message = util_strdup(out.message);
    if (r->status == 0 && rep_stats_compute(&rec, &st) != 0)
        r->status = RUN_ERR_NOMEM;
    if (r->status == 0) {
        for (size_t i = 0; i < n_metrics; i++) {
            double v;
            r->values[i] = rep_metric_value(&metrics[i], &st, &rec, &v) ? v : NAN;
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
    do_run(&p->runs[i], p->metrics, p->n_metrics);
}

static char *slurp(const char *path, size_t *len, int *err)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f) {
        *err = errno;
        return NULL;
    }
    size_t cap = 0;
    char *data = NULL;
    for (;;) {
        if (*len == cap) {
            char *g = realloc(data, cap = cap ? cap * 2 : 65536);
            if (!g) {
                free(data);
                fclose(f);
                *err = ENOMEM;
                return NULL;
            }
            data = g;
        }
        size_t got = fread(data + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0)
            break;
    }
    *err = ferror(f) ? EIO : 0;
    fclose(f);
    return data;
}




static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "bgsim sweep: %s%s%s%s\n%s", msg, arg ? " '" : "", arg ? arg : "", arg ? "'" : "", usage_sweep);
    return EX_USAGE;
}

int cli_sweep(int argc, char **argv)
{
    static const struct option opts[] = {{"set", required_argument, NULL, 'S'},
                                          {"seeds", required_argument, NULL, 's'},
                                          {"jobs", required_argument, NULL, 'J'},
                                          {"plot", required_argument, NULL, 'p'},
                                          {"format", required_argument, NULL, 'f'},
                                          {"metric", required_argument, NULL, 'm'},
                                          {"scope", required_argument, NULL, 'o'},
                                          {"x", required_argument, NULL, 'x'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    sweep_key keys[MAX_KEYS];
    size_t n_keys = 0;
    const char *extra[MAX_METRICS];
    size_t n_extra = 0;
    const char *plot_dir = NULL, *format = "csv", *scope = "worker", *x_key = NULL;
    int64_t seeds = 10, jobs = 1;
    char why[512];
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'S':
            if (n_keys == MAX_KEYS) {
                rc = usage_error("too many --set options (at most 16)", NULL);
                goto out_free_keys;
            }
            if (!scn_set_split_values(optarg, &keys[n_keys].key, &keys[n_keys].values, &keys[n_keys].n, why,
                                      sizeof why)) {
                fprintf(stderr, "bgsim sweep: --set: %s\n", why);
                rc = EX_USAGE;
                goto out_free_keys;
            }
            n_keys++;
            break;
        case 's':
            if (!sch_parse_int64(optarg, 1, 100000, &seeds, why, sizeof why)) {
                fprintf(stderr, "bgsim sweep: --seeds: %s\n", why);
                rc = EX_USAGE;
                goto out_free_keys;
            }
            break;
        case 'J':
            if (!sch_parse_int64(optarg, 1, RUN_POOL_MAX_JOBS, &jobs, why, sizeof why)) {
                fprintf(stderr, "bgsim sweep: --jobs: %s\n", why);
                rc = EX_USAGE;
                goto out_free_keys;
            }
            break;
        case 'p': plot_dir = optarg; break;
        case 'f': format = optarg; break;
        case 'o': scope = optarg; break;
        case 'x': x_key = optarg; break;
        case 'm':
            if (n_extra == MAX_METRICS / 2) {
                rc = usage_error("too many --metric options", NULL);
                goto out_free_keys;
            }
            extra[n_extra++] = optarg;
            break;
        case 'h': fputs(usage_sweep, stdout); rc = cli_finish_stdout(0); goto out_free_keys;
        default:
            rc = usage_error(optopt ? "option needs a value:" : "unknown option", argv[optind - 1]);
            goto out_free_keys;
        }
    }
    if (optind + 1 != argc) {
        rc = usage_error("expected exactly one scenario file", NULL);
        goto out_free_keys;
    }
    if (n_keys == 0) {
        rc = usage_error("nothing to sweep: give at least one --set KEY=V1,V2,...", NULL);
        goto out_free_keys;
    }
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, "bgsim sweep: --format: expected 'csv' or 'json', found '%s'\n", format);
        rc = EX_USAGE;
        goto out_free_keys;
    }
    size_t x_index = 0;
    if (x_key) {
        size_t k = 0;
        while (k < n_keys && strcmp(keys[k].key, x_key) != 0)
            k++;
        if (k == n_keys) {
            rc = usage_error("--x: not a swept key:", x_key);
            goto out_free_keys;
        }
        x_index = k;
    } else {
        for (size_t k = n_keys; k-- > 0;) {
            size_t len = strlen(keys[k].key);
            if (len >= 8 && strcmp(keys[k].key + len - 8, "interval") == 0)
                x_index = k;
        }
    }
    size_t combos = 1;
    for (size_t k = 0; k < n_keys; k++) {
        if (combos > MAX_RUNS / keys[k].n) {
            rc = usage_error("too many combinations", NULL);
            goto out_free_keys;
        }
        combos *= keys[k].n;
    }
    if (combos > MAX_RUNS / (size_t)seeds) {
        rc = usage_error("too many runs (combinations x seeds above 10 million)", NULL);
        goto out_free_keys;
    }

    /* ---- load every combination ---- */
    const char *path = argv[optind];
    int err = 0;
    size_t len = 0;
    char *data = slurp(path, &len, &err);
    if (!data && err) {
        fprintf(stderr, "error: %s: cannot read the file: %s\n", path, strerror(err));
        rc = EX_NOINPUT;
        goto out_free_keys;
    }
    scn_scenario **scen = calloc(combos, sizeof *scen); // NOLINT(bugprone-sizeof-expression): an array of pointers
    size_t n_runs = combos * (size_t)seeds;
    sweep_run *runs = calloc(n_runs, sizeof *runs);
    rep_metric_ref metrics[MAX_METRICS];
    const char *metric_names[MAX_METRICS];
    char name_store[MAX_METRICS][BGT_NAME_MAX + 64];
    size_t n_metrics = 0;
    double *values = NULL;
    if (!scen || !runs) {
        rc = EX_SOFTWARE;
        goto out_free_runs;
    }
    for (size_t ci = 0; ci < combos && rc == 0; ci++) {
        scn_override ov[MAX_KEYS];
        size_t n_ov = 0, rest = ci;
        for (size_t k = n_keys; k-- > 0;) {
            size_t vi = rest % keys[k].n;
            rest /= keys[k].n;
            char arg[4096];
            snprintf(arg, sizeof arg, "%s=%s", keys[k].key, keys[k].values[vi]);
            if (!scn_set_parse(arg, &ov[k], why, sizeof why)) {
                fprintf(stderr, "bgsim sweep: --set: %s\n", why);
                rc = EX_USAGE;
                break;
            }
            n_ov++;
        }
        if (rc == 0) {
            sch_diag diag;
            rc = scn_load_buffer_with(path, data ? data : "", len, ov, n_keys, &diag, &scen[ci]);
            if (rc != 0)
                rc = cli_report_load(rc, &diag);
            else
                sch_diag_free(&diag);
        }
        for (size_t k = n_keys - n_ov; k < n_keys; k++)
            scn_override_free(&ov[k]);
    }
    if (rc != 0)
        goto out_free_runs;

    /* ---- the metrics, resolved against the first combination's tasks ---- */
    {
        const scn_scenario *s0 = scen[0];
        const char *tasks[SCN_MAX_TASKS];
        for (size_t i = 0; i < s0->task_count; i++)
            tasks[i] = s0->tasks[i].name;
        bool is_task = strcmp(scope, "worker") != 0;
        if (is_task) {
            size_t i = 0;
            while (i < s0->task_count && strcmp(tasks[i], scope) != 0)
                i++;
            if (i == s0->task_count) {
                rc = usage_error("--scope: not 'worker' nor a task of the scenario:", scope);
                goto out_free_runs;
            }
        }
        static const char *const base[] = {"runs_per_day", "interval.p10", "interval.p50", "interval.p90",
                                           "delay.p50"};
        for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
            snprintf(name_store[n_metrics++], sizeof name_store[0], "%s.%s", scope, base[i]);
        snprintf(name_store[n_metrics++], sizeof name_store[0], "worker.battery_per_day");
        for (int r = 1; r < SIM_REASON_COUNT; r++)
            snprintf(name_store[n_metrics++], sizeof name_store[0], "worker.held_share.%s",
                     sim_reason_name((sim_reason)r));
        for (size_t i = 0; i < n_extra && n_metrics < MAX_METRICS; i++)
            snprintf(name_store[n_metrics++], sizeof name_store[0], "%s", extra[i]);
        for (size_t i = 0; i < n_metrics; i++) {
            bool scope_ok;
            metric_names[i] = name_store[i];
            if (!rep_metric_resolve(name_store[i], tasks, s0->task_count, &metrics[i], &scope_ok)) {
                rc = usage_error(scope_ok ? "--metric: unknown metric" : "--metric: unknown scope in", name_store[i]);
                goto out_free_runs;
            }
        }
    }

    /* ---- run ---- */
    values = malloc(n_runs * n_metrics * sizeof *values);
    if (!values) {
        rc = EX_SOFTWARE;
        goto out_free_runs;
    }
    for (size_t ci = 0; ci < combos; ci++)
        for (size_t k = 0; k < (size_t)seeds; k++) {
            sweep_run *r = &runs[ci * (size_t)seeds + k];
            *r = (sweep_run){.s = scen[ci], .seed = scen[ci]->seed + k,
                             .values = values + (ci * (size_t)seeds + k) * n_metrics};
        }
    sweep_pool p = {.runs = runs, .metrics = metrics, .n_metrics = n_metrics};
    run_pool(n_runs, (int)jobs, sweep_job, isatty(STDERR_FILENO) == 1 ? draw_progress : NULL, &p);
    for (size_t i = 0; i < n_runs; i++)
        cli_report_run(runs[i].message);
    for (size_t i = 0; i < n_runs; i++) {
        if (runs[i].status) {
            if (runs[i].status != RUN_ERR_UNAVAILABLE) /* the run said why for an unmodeled platform */
                fprintf(stderr, "bgsim sweep: a run failed (status %d)\n", cli_status(runs[i].status));
            rc = cli_status(runs[i].status);
            goto out_free_runs;
        }
    }

    /* ---- aggregate and print, in combination order ---- */
    {
        rep_ci *cis = malloc(combos * n_metrics * sizeof *cis);
        double *col = malloc((size_t)seeds * sizeof *col);
        bool shown[MAX_METRICS];
        if (!cis || !col) {
            free(cis);
            free(col);
            rc = EX_SOFTWARE;
            goto out_free_runs;
        }
        for (size_t m = 0; m < n_metrics; m++)
            shown[m] = m < 6 || m >= 6 + (SIM_REASON_COUNT - 1); /* base and extra metrics always */
        for (size_t ci = 0; ci < combos; ci++) {
            for (size_t m = 0; m < n_metrics; m++) {
                for (size_t k = 0; k < (size_t)seeds; k++)
                    col[k] = values[(ci * (size_t)seeds + k) * n_metrics + m];
                rep_ci_of(col, (size_t)seeds, CONFIDENCE, &cis[ci * n_metrics + m]);
                if (cis[ci * n_metrics + m].n > 0 && cis[ci * n_metrics + m].mean > 0)
                    shown[m] = true; /* a deferral reason that occurs somewhere */
            }
        }
        bool json = strcmp(format, "json") == 0;
        if (json) {
            fputs("{\"scenario\":", stdout);
            cli_json_str(stdout, scen[0]->name);
            printf(",\"seeds\":%" PRId64 ",\"confidence\":%.2f,\"keys\":[", seeds, CONFIDENCE);
            for (size_t k = 0; k < n_keys; k++) {
                fputs(k ? "," : "", stdout);
                cli_json_str(stdout, keys[k].key);
            }
            fputs("],\"rows\":[\n", stdout);
        } else {
            for (size_t k = 0; k < n_keys; k++) {
                cli_csv_field(stdout, keys[k].key);
                fputc(',', stdout);
            }
            fputs("seeds", stdout);
            for (size_t m = 0; m < n_metrics; m++)
                if (shown[m])
                    printf(",%s.mean,%s.ci_low,%s.ci_high", metric_names[m], metric_names[m], metric_names[m]);
            fputc('\n', stdout);
        }
        for (size_t ci = 0; ci < combos; ci++) {
            size_t idx[MAX_KEYS], rest = ci;
            for (size_t k = n_keys; k-- > 0;) {
                idx[k] = rest % keys[k].n;
                rest /= keys[k].n;
            }
            if (json) {
                fputs(ci ? ",\n{\"set\":{" : "{\"set\":{", stdout);
                for (size_t k = 0; k < n_keys; k++) {
                    fputs(k ? "," : "", stdout);
                    cli_json_str(stdout, keys[k].key);
                    fputc(':', stdout);
                    cli_json_str(stdout, keys[k].values[idx[k]]);
                }
                printf("},\"seeds\":%" PRId64 ",\"metrics\":{", seeds);
                bool first = true;
                for (size_t m = 0; m < n_metrics; m++) {
                    if (!shown[m])
                        continue;
                    const rep_ci *x = &cis[ci * n_metrics + m];
                    fputs(first ? "" : ",", stdout);
                    first = false;
                    cli_json_str(stdout, metric_names[m]);
                    printf(":{\"n\":%zu,\"mean\":", x->n);
                    cli_num(stdout, x->mean, true);
                    fputs(",\"ci_low\":", stdout);
                    cli_num(stdout, x->mean - x->half, true);
                    fputs(",\"ci_high\":", stdout);
                    cli_num(stdout, x->mean + x->half, true);
                    fputc('}', stdout);
                }
                fputs("}}", stdout);
            } else {
                for (size_t k = 0; k < n_keys; k++) {
                    cli_csv_field(stdout, keys[k].values[idx[k]]);
                    fputc(',', stdout);
                }
                printf("%" PRId64, seeds);
                for (size_t m = 0; m < n_metrics; m++) {
                    if (!shown[m])
                        continue;
                    const rep_ci *x = &cis[ci * n_metrics + m];
                    fputc(',', stdout);
                    cli_num(stdout, x->mean, false);
                    fputc(',', stdout);
                    cli_num(stdout, x->mean - x->half, false);
                    fputc(',', stdout);
                    cli_num(stdout, x->mean + x->half, false);
                }
                fputc('\n', stdout);
            }
        }
        if (json)
            fputs("\n]}\n", stdout);
        rc = cli_finish_stdout(0);

        /* ---- the plot ---- */
        if (rc == 0 && plot_dir) {
            size_t n_x = keys[x_index].n, n_lines = combos / n_x;
            rep_sweep_point *pts = calloc(combos, sizeof *pts);
            char **titles = calloc(n_lines, sizeof *titles);
            bool x_dur = true;
            for (size_t i = 0; i < n_x && x_dur; i++) {
                sim_time ms;
                x_dur = sch_parse_duration(keys[x_index].values[i], &ms, NULL, 0);
            }
            if (!pts || !titles) {
                rc = EX_SOFTWARE;
            } else {
                for (size_t ci = 0; ci < combos; ci++) {
                    size_t idx[MAX_KEYS] = {0}, rest = ci;
                    for (size_t k = n_keys; k-- > 0;) {
                        idx[k] = rest % keys[k].n;
                        rest /= keys[k].n;
                    }
                    size_t line = 0; /* the other keys' value indices, in key order */
                    for (size_t k = 0; k < n_keys; k++)
                        if (k != x_index)
                            line = line * keys[k].n + idx[k];
                    if (!titles[line] && (titles[line] = malloc(1024))) {
                        size_t tl = 0;
                        titles[line][0] = '\0';
                        for (size_t k = 0; k < n_keys && tl < 1000; k++)
                            if (k != x_index)
                                tl += (size_t)snprintf(titles[line] + tl, 1024 - tl, "%s%s=%s", tl ? ", " : "",
                                                       keys[k].key, keys[k].values[idx[k]]);
                    }
                    rep_sweep_point *pt = &pts[line * n_x + idx[x_index]];
                    const char *xv = keys[x_index].values[idx[x_index]];
                    sim_time ms = 0;
                    if (x_dur && sch_parse_duration(xv, &ms, NULL, 0))
                        pt->x = (double)ms;
                    else
                        pt->x = strtod(xv, NULL);
                    pt->p10 = cis[ci * n_metrics + 1];
                    pt->p50 = cis[ci * n_metrics + 2];
                    pt->p90 = cis[ci * n_metrics + 3];
                }
                char ylabel[BGT_NAME_MAX + 32];
                snprintf(ylabel, sizeof ylabel, "%s.interval", scope);
                rep_sweep_plot sp = {.title = scen[0]->name, .x_key = keys[x_index].key, .x_is_duration = x_dur,
                                     .y_metric = ylabel, .lines = (const char *const *)titles, .n_lines = n_lines,
                                     .n_x = n_x, .points = pts, .seeds = (size_t)seeds};
                bool ok = true;
                for (size_t l = 0; l < n_lines; l++)
                    ok = ok && titles[l];
                if (!ok) {
                    rc = EX_SOFTWARE;
                } else if (rep_mkdir_p(plot_dir, why, sizeof why) != 0 ||
                           rep_sweep_plot_write(plot_dir, &sp, why, sizeof why) != 0) {
                    fprintf(stderr, "bgsim sweep: %s\n", why);
                    rc = EX_CANTCREAT;
                } else {
                    rep_gp_status g = rep_gnuplot_run(plot_dir, "sweep.gp", why, sizeof why);
                    if (g != REP_GP_OK) {
                        fprintf(stderr, "bgsim sweep: %s; the data file and gnuplot script are in '%s'\n", why,
                                plot_dir);
                        rc = g == REP_GP_MISSING ? EX_UNAVAILABLE : EX_SOFTWARE;
                    }
                }
            }
            for (size_t l = 0; titles && l < n_lines; l++)
                free(titles[l]);
            free(titles);
            free(pts);
        }
        free(cis);
        free(col);
    }

out_free_runs:
    free(values);
    for (size_t i = 0; runs && i < n_runs; i++)
        free(runs[i].message);
    free(runs);
    for (size_t ci = 0; scen && ci < combos; ci++)
        scn_scenario_free(scen[ci]);
    free(scen);
    free(data);
out_free_keys:
    for (size_t k = 0; k < n_keys; k++)
        scn_set_values_free(keys[k].key, keys[k].values, keys[k].n);
    return rc;
}
