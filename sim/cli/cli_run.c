/*
 * cli_run.c - `bgsim run FILE`: simulate a scenario and print its summary.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rep_html.h"
#include "rep_perfetto.h"
#include "rep_plot.h"
#include "rep_stats.h"
#include "run.h"
#include "run_summary.h"
#include "scn_scenario.h"
#include "scn_set.h"
#include "sch_units.h"

static const char usage_run[] =
    "usage: bgsim run FILE [--seed N] [--duration D] [--trace FILE.jsonl] [--format text|json]\n"
    "                      [--fingerprint] [--set KEY=VALUE]... [--plot DIR] [--report DIR]\n"
    "                      [--perfetto FILE.json]\n"
    "\n"
    "Simulates the scenario and prints a summary per task: registrations, worker runs, task runs,\n"
    "successes, failures, runs per day, interval and delay quantiles, time deferred.\n"
    "\n"
    "  --seed N          use seed N instead of the scenario's seed\n"
    "  --duration D      simulate D (e.g. 36h, 14d) instead of the scenario's duration\n"
    "  --trace FILE      write every event as JSON Lines (schema: scenarios/TRACE.md)\n"
    "  --format F        summary as 'text' (default) or 'json'\n"
    "  --fingerprint     print only the fingerprint of the whole event sequence (16 hex digits),\n"
    "                    the value 'expect: { fingerprint: ... }' pins\n"
    "  --set KEY=VALUE   override a scenario value before it is validated, e.g.\n"
    "                    app.tasks[sync].minimum_interval=30m, device.battery.initial=50%, seed=3\n"
    "                    (repeatable; path syntax: scenarios/SET.md)\n"
    "  --plot DIR        write plots to DIR (created): timeline, interval histogram with CDF, runs\n"
    "                    by hour of day, each as .png and .svg beside its .dat data and .gp script;\n"
    "                    runs gnuplot (or the program named by $BGSIM_GNUPLOT)\n"
    "  --report DIR      write DIR/index.html: one self-contained page with the scenario, summary\n"
    "                    tables, the deferral breakdown and the plots (inline SVG)\n"
    "  --perfetto FILE   write the run as Chrome trace-event JSON (open it in ui.perfetto.dev)\n"
    "\n"
    "The same file, seed and duration always give byte-identical output.\n"
    "Exit status: 0 ok, 64 usage, 65 invalid scenario (or override), 66 cannot read it, 69 platform not modeled\n"
    "yet or gnuplot cannot be run (the summary, data files and scripts are still written), 70 internal\n"
    "error, 73 cannot create an output file, 74 cannot write output.\n";

#define MAX_SETS 64

/* Reads a whole file (the scenario text for the report); NULL when it cannot. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t len = 0, cap = 0;
    char *data = NULL;
    for (;;) {
        if (len + 1 >= cap) {
            char *g = realloc(data, cap = cap ? cap * 2 : 65536);
            if (!g) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = g;
        }
        size_t got = fread(data + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    data[len] = '\0';
    return data;
}

/* The plots, the report and the Perfetto trace. Returns 0 or a status; messages on stderr. */
static int write_outputs(const scn_scenario *s, const run_options *opt, const run_outcome *outcome,
                         const rep_record *rec, const rep_stats *st, const char *plot_dir, const char *report_dir,
                         const char *perfetto_path, char **sets, size_t n_sets)
{
    char why[1024];
    int rc = 0;
    rep_run_info info = {.name = s->name, .file = s->file, .platform = scn_platform_names[s->platform],
                         .policy = s->policy_preset, .seed = opt->seed};
    if (perfetto_path) {
        FILE *f = fopen(perfetto_path, "w");
        if (!f) {
            fprintf(stderr, "bgsim run: cannot create '%s': %s\n", perfetto_path, strerror(errno));
            return EX_CANTCREAT;
        }
        int w = rep_perfetto_write(f, s->name, rec);
        if (fclose(f) != 0 || w != 0) {
            fprintf(stderr, "bgsim run: cannot write '%s': %s\n", perfetto_path, strerror(errno ? errno : EIO));
            return EX_IOERR;
        }
    }
    /* Plots go to --plot DIR, or for a report without --plot to the report's folder. */
    const char *dirs[2] = {plot_dir, report_dir};
    for (int i = 0; i < 2; i++) {
        if (dirs[i] && rep_mkdir_p(dirs[i], why, sizeof why) != 0) {
            fprintf(stderr, "bgsim run: %s\n", why);
            return EX_CANTCREAT;
        }
    }
    const char *pdir = plot_dir ? plot_dir : report_dir;
    const char *plot_note = NULL;
    char note[1200];
    if (pdir) {
        if (rep_plot_write(pdir, &info, rec, st, why, sizeof why) != 0) {
            fprintf(stderr, "bgsim run: %s\n", why);
            return EX_CANTCREAT;
        }
        rep_gp_status g = rep_plot_render(pdir, why, sizeof why);
        if (g != REP_GP_OK) {
            fprintf(stderr, "bgsim run: %s; the data files and gnuplot scripts are in '%s'\n", why, pdir);
            snprintf(note, sizeof note, "Plots could not be made: %s.", why);
            plot_note = note;
            rc = g == REP_GP_MISSING ? EX_UNAVAILABLE : EX_SOFTWARE;
        }
    }
    if (report_dir) {
        char *text = slurp(s->file);
        char dur[32], start[40], fp[24];
        sch_format_duration(opt->duration, dur, sizeof dur);
        sim_cal_format(&s->calendar, 0, start, sizeof start);
        start[16] = '\0';
        snprintf(fp, sizeof fp, "%016" PRIx64, outcome->fingerprint);
        rep_html_input in = {.info = &info, .scenario_text = text, .overrides = (const char *const *)sets,
                             .n_overrides = n_sets, .duration = dur, .start = start, .fingerprint = fp,
                             .plot_dir = plot_note ? NULL : pdir, .plot_note = plot_note};
        FILE *f = rep_open_in(report_dir, "index.html", why, sizeof why);
        if (!f) {
            free(text);
            fprintf(stderr, "bgsim run: %s\n", why);
            return EX_CANTCREAT;
        }
        int w = rep_html_write(f, &in, rec, st, why, sizeof why);
        free(text);
        if (w != 0) {
            fclose(f);
            fprintf(stderr, "bgsim run: %s\n", why);
            return EX_IOERR;
        }
        if (rep_close_in(f, report_dir, "index.html", why, sizeof why) != 0) {
            fprintf(stderr, "bgsim run: %s\n", why);
            return EX_IOERR;
        }
    }
    return rc;
}

int cli_run(int argc, char **argv)
{
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                          {"duration", required_argument, NULL, 'd'},
                                          {"trace", required_argument, NULL, 't'},
                                          {"format", required_argument, NULL, 'f'},
                                          {"fingerprint", no_argument, NULL, 'F'},
                                          {"set", required_argument, NULL, 'S'},
                                          {"plot", required_argument, NULL, 'p'},
                                          {"report", required_argument, NULL, 'r'},
                                          {"perfetto", required_argument, NULL, 'P'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *seed_arg = NULL, *duration_arg = NULL, *trace_path = NULL, *format = "text";
    const char *plot_dir = NULL, *report_dir = NULL, *perfetto_path = NULL;
    char *sets[MAX_SETS];
    scn_override overrides[MAX_SETS];
    size_t n_sets = 0;
    bool fingerprint_only = false;
    char why[256];
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': seed_arg = optarg; break;
        case 'd': duration_arg = optarg; break;
        case 't': trace_path = optarg; break;
        case 'f': format = optarg; break;
        case 'F': fingerprint_only = true; break;
        case 'p': plot_dir = optarg; break;
        case 'r': report_dir = optarg; break;
        case 'P': perfetto_path = optarg; break;
        case 'S':
            if (n_sets == MAX_SETS) {
                fprintf(stderr, "bgsim run: --set: at most %d overrides\n", MAX_SETS);
                rc = EX_USAGE;
                goto out_free_sets;
            }
            if (!scn_set_parse(optarg, &overrides[n_sets], why, sizeof why)) {
                fprintf(stderr, "bgsim run: --set: %s\n", why);
                rc = EX_USAGE;
                goto out_free_sets;
            }
            sets[n_sets++] = optarg;
            break;
        case 'h': fputs(usage_run, stdout); rc = cli_finish_stdout(0); goto out_free_sets;
        default:
            fprintf(stderr, "bgsim run: %s '%s'\n%s", optopt ? "option needs a value:" : "unknown option",
                    argv[optind - 1], usage_run);
            rc = EX_USAGE;
            goto out_free_sets;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "bgsim run: expected exactly one scenario file\n%s", usage_run);
        rc = EX_USAGE;
        goto out_free_sets;
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, "bgsim run: --format: expected 'text' or 'json', found '%s'\n", format);
        rc = EX_USAGE;
        goto out_free_sets;
    }
    uint64_t seed = 0;
    sim_time duration = 0;
    if (seed_arg && !sch_parse_uint64(seed_arg, &seed, why, sizeof why)) {
        fprintf(stderr, "bgsim run: --seed: %s\n", why);
        rc = EX_USAGE;
        goto out_free_sets;
    }
    if (duration_arg) {
        bool ok = sch_parse_duration(duration_arg, &duration, why, sizeof why);
        if (ok && (duration == 0 || duration > SCN_MAX_DURATION)) {
            snprintf(why, sizeof why, "expected a duration between 1ms and 36525d (100 years), found '%s'", duration_arg);
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "bgsim run: --duration: %s\n", why);
            rc = EX_USAGE;
            goto out_free_sets;
        }
    }

    sch_diag diag;
    scn_scenario *s = NULL;
    rc = scn_load_with(argv[optind], overrides, n_sets, &diag, &s);
    if (rc != 0) {
        rc = cli_report_load(rc, &diag);
        goto out_free_sets;
    }
    sch_diag_free(&diag);

    run_options opt = run_default_options(s);
    if (seed_arg)
        opt.seed = seed;
    if (duration_arg)
        opt.duration = duration;
    opt.record_states = plot_dir || report_dir || perfetto_path;
    FILE *trace = NULL;
    if (trace_path && !(trace = fopen(trace_path, "w"))) {
        fprintf(stderr, "bgsim run: cannot create the trace '%s': %s\n", trace_path, strerror(errno));
        scn_scenario_free(s);
        rc = EX_CANTCREAT;
        goto out_free_sets;
    }
    opt.trace = trace;
    rep_record record = {0};
    run_outcome outcome = {0};
    rep_stats stats = {0};
    rc = run_scenario(s, &opt, &record, &outcome);
    if (rc != 0) {
        cli_report_run(outcome.message);
        rc = cli_status(rc);
    } else if (rep_stats_compute(&record, &stats) != 0) {
        fprintf(stderr, "bgsim run: out of memory\n");
        rc = EX_SOFTWARE;
    }
    if (rc == 0) {
        if (fingerprint_only)
            printf("%016" PRIx64 "\n", outcome.fingerprint);
        else if (strcmp(format, "json") == 0)
            run_summary_json(stdout, s, &opt, &outcome, &stats, &record);
        else
            run_summary_text(stdout, s, &opt, &outcome, &stats);
        rc = cli_finish_stdout(rc);
    }
    if (rc == 0 && opt.record_states)
        rc = write_outputs(s, &opt, &outcome, &record, &stats, plot_dir, report_dir, perfetto_path, sets, n_sets);
    if (trace && fclose(trace) != 0 && rc == 0) {
        fprintf(stderr, "bgsim run: cannot write the trace '%s': %s\n", trace_path, strerror(errno));
        rc = EX_IOERR;
    }
    rep_stats_free(&stats);
    rep_record_free(&record);
    scn_scenario_free(s);
out_free_sets:
    for (size_t i = 0; i < n_sets; i++)
        scn_override_free(&overrides[i]);
    return rc;
}
