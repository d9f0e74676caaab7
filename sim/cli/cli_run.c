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
#include "cli_explain.h"
#include "rep_html.h"
#include "rep_perfetto.h"
#include "rep_plot.h"
#include "rep_stats.h"
#include "run.h"
#include "rep_summary.h"
#include "scn_scenario.h"
#include "scn_set.h"
#include "sch_units.h"
#include "util.h"

static const char usage_run[] =
    "usage: bgsim run FILE [--seed N] [--duration D] [--trace FILE.jsonl] [--format text|json]\n"
    "                      [--fingerprint] [--set KEY=VALUE]... [--plot DIR] [--report DIR]\n"
    "                      [--perfetto FILE.json]\n"
    "\n"
    "Simulates the scenario and prints a summary per task: registrations, worker runs, task runs,\n"
    "successes, failures, runs per day, interval and delay quantiles, the time the worker was due\n"
    "without running by reason. It opens with a headline: the interval asked for against the median\n"
    "and p90 seen, runs per day, the longest gap and what filled it, and a note wherever one of\n"
    "expo's quirks decided the outcome ('bgsim explain FILE' says more).\n"
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
    "  --report DIR      write DIR/index.html, one self-contained page: the scenario and overrides,\n"
    "                    the summary tables, why the worker waited (due time by reason, the longest\n"
    "                    gaps, notes), a day-by-day view, the plots (inline SVG; their files beside\n"
    "                    it) and the scenario file's text\n"
    "  --perfetto FILE   write the run as Chrome trace-event JSON (open it in ui.perfetto.dev)\n"
    "\n"
    "The same file, seed and duration always give byte-identical output.\n"
    "FILE '-' reads the scenario from stdin. Exit status: 0 ok, 64 usage, 65 invalid scenario (or\n"
    "override), 66 cannot read it, 69 gnuplot cannot be run (the summary, data files and scripts are\n"
    "still written), 70 internal error, 73 cannot create an output file, 74 cannot write output.\n";

static const char usage_explain[] =
    "usage: bgsim explain FILE [--gaps N] [--seed N] [--duration D] [--set KEY=VALUE]...\n"
    "\n"
    "Why didn't it run? Simulates the scenario as 'bgsim run' does and explains the gaps between\n"
    "worker runs: the interval asked for against the intervals seen, the N longest gaps as spans in\n"
    "local time with the reason for each (\"Wed 02:10\xe2\x80\x93" "05:54 doze_deep; 05:54\xe2\x80\x93" "06:25 standby_quota\"), the share\n"
    "of the time the worker was due (and did not run) per reason, and notes where one of expo's\n"
    "quirks decided the outcome, with the setting that changes it.\n"
    "\n"
    "  --gaps N          list the N longest gaps (default 5; 0 lists none)\n"
    "  --seed N          use seed N instead of the scenario's seed\n"
    "  --duration D      simulate D (e.g. 36h, 14d) instead of the scenario's duration\n"
    "  --set KEY=VALUE   override a scenario value before it is validated (repeatable; scenarios/SET.md)\n"
    "\n"
    "Span kinds: a reason the OS held the due worker back (scenarios/METRICS.md), not_due (waiting\n"
    "out the interval) or no_reason (due, but no reason was given: the process was dead, or the OS\n"
    "re-ran stopped work later). 'bgsim run --report DIR' shows the same in its page.\n"
    "Exit status: 0 ok, 64 usage, 65 invalid scenario (or override), 66 cannot read it, 70 internal\n"
    "error, 74 cannot write output.\n";

#define MAX_SETS 64

/* ---- parse ---- */

/* The command line of `bgsim run`. The overrides' texts are argv's; the parsed overrides are
 * owned here (run_args_free). */
typedef struct run_args {
    const char *path;
    const char *seed_arg, *duration_arg; /* as given, or NULL */
    uint64_t seed;
    sim_time duration;
    const char *trace_path, *plot_dir, *report_dir, *perfetto_path;
    bool json, fingerprint_only;
    bool explain;                        /* `bgsim explain`: the explanation instead of the summary */
    const char *gaps_arg;                /* --gaps, as given, or NULL */
    size_t gaps;
    char *sets[MAX_SETS];
    scn_override overrides[MAX_SETS];
    size_t n_sets;
} run_args;

static void run_args_free(run_args *a)
{
    for (size_t i = 0; i < a->n_sets; i++)
        scn_override_free(&a->overrides[i]);
    a->n_sets = 0;
}

/* "bgsim run: OPTION: WHY": a value the option does not take. */
static int bad_value(const char *option, const char *why)
{
    fprintf(stderr, "bgsim run: %s: %s\n", option, CLI_SHOWN(why));
    return EX_USAGE;
}

/* --gaps N: 0 to 1000. */
static int parse_gaps(run_args *a)
{
    char why[256];
    uint64_t n = CLI_EXPLAIN_GAPS;
    if (a->gaps_arg && (!sch_parse_uint64(a->gaps_arg, &n, why, sizeof why) || n > 1000)) {
        fprintf(stderr, "bgsim explain: --gaps: expected a count from 0 to 1000, found '%s'\n", CLI_SHOWN(a->gaps_arg));
        return EX_USAGE;
    }
    a->gaps = (size_t)n;
    return CLI_GO_ON;
}

/* The values of --seed and --duration. CLI_GO_ON, or EX_USAGE with a message. */
static int parse_values(run_args *a)
{
    char why[256];
    if (a->seed_arg && !cli_parse_seed(a->seed_arg, &a->seed, why, sizeof why))
        return bad_value("--seed", why);
    if (a->duration_arg && !cli_parse_duration(a->duration_arg, &a->duration, why, sizeof why))
        return bad_value("--duration", why);
    return CLI_GO_ON;
}

/* Fills *a from the command line (a zeroed): CLI_GO_ON, or the exit status to return (the usage
 * printed). */
static int run_parse(int argc, char **argv, run_args *a)
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
                                          {"gaps", required_argument, NULL, 'g'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *format = "text";
    const char *cmd = a->explain ? "explain" : "run";
    const char *usage = a->explain ? usage_explain : usage_run;
    char why[256];
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->seed_arg = optarg; break;
        case 'd': a->duration_arg = optarg; break;
        case 't': a->trace_path = optarg; break;
        case 'f': format = optarg ? optarg : ""; break; /* getopt gives a required value */
        case 'F': a->fingerprint_only = true; break;
        case 'p': a->plot_dir = optarg; break;
        case 'r': a->report_dir = optarg; break;
        case 'P': a->perfetto_path = optarg; break;
        case 'g': a->gaps_arg = optarg; break;
        case 'S':
            if (a->n_sets == MAX_SETS) {
                fprintf(stderr, "bgsim run: --set: at most %d overrides\n", MAX_SETS);
                return EX_USAGE;
            }
            if (!scn_set_parse(optarg, &a->overrides[a->n_sets], why, sizeof why))
                return bad_value("--set", why);
            a->sets[a->n_sets++] = optarg;
            break;
        case 'h': fputs(usage, stdout); return cli_finish_stdout(0);
        default:
            fprintf(stderr, "bgsim %s: %s '%s'\n%s", cmd, optopt ? "option needs a value:" : "unknown option",
                    CLI_SHOWN(argv[optind - 1]), usage);
            return EX_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "bgsim %s: expected exactly one scenario file\n%s", cmd, usage);
        return EX_USAGE;
    }
    /* explain takes the options that choose the run; run takes all but --gaps */
    const char *wrong = a->explain ? (a->trace_path ? "--trace" : a->plot_dir ? "--plot" : a->report_dir ? "--report"
                                      : a->perfetto_path ? "--perfetto" : a->fingerprint_only ? "--fingerprint"
                                      : strcmp(format, "text") != 0 ? "--format" : NULL)
                                   : a->gaps_arg ? "--gaps" : NULL;
    if (wrong) {
        fprintf(stderr, "bgsim %s: %s is an option of 'bgsim %s'\n%s", cmd, wrong, a->explain ? "run" : "explain", usage);
        return EX_USAGE;
    }
    if (parse_gaps(a) != CLI_GO_ON)
        return EX_USAGE;
    a->path = argv[optind];
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, "bgsim run: --format: expected 'text' or 'json', found '%s'\n", CLI_SHOWN(format));
        return EX_USAGE;
    }
    a->json = strcmp(format, "json") == 0;
    return parse_values(a);
}

/* ---- run ---- */

/* One simulated run, its statistics and its explanation (run_result_free). */
typedef struct run_result {
    run_options opt;
    run_outcome outcome;
    rep_record record;
    rep_stats stats;
    rep_explain explain;
    run_note notes[RUN_NOTES_MAX];
    size_t note_count;
} run_result;

static void run_result_free(run_result *r)
{
    rep_explain_free(&r->explain);
    rep_stats_free(&r->stats);
    rep_record_free(&r->record);
}

/* Simulates s as the command line says, the trace (if any) written to `trace`. 0, or the exit
 * status with its message printed. */
static int run_simulate(const run_args *a, const scn_scenario *s, FILE *trace, run_result *r)
{
    r->opt = run_default_options(s);
    if (a->seed_arg)
        r->opt.seed = a->seed;
    if (a->duration_arg)
        r->opt.duration = a->duration;
    r->opt.record_states = a->plot_dir || a->report_dir || a->perfetto_path;
    r->opt.trace = trace;
    int rc = run_scenario(s, &r->opt, &r->record, &r->outcome);
    if (rc != 0) {
        cli_report_run(r->outcome.message);
        return cli_status(rc);
    }
    if (rep_stats_compute(&r->record, &r->stats) != 0 ||
        rep_explain_compute(&r->record, SIM_MINUTES(r->record.interval_min),
                            a->gaps > CLI_EXPLAIN_GAPS ? a->gaps : CLI_EXPLAIN_GAPS, &r->explain) != 0) {
        fprintf(stderr, "bgsim run: out of memory\n");
        return EX_SOFTWARE;
    }
    r->note_count = run_explain_notes(s, &r->record, &r->stats, r->notes);
    return 0;
}

/* ---- emit ---- */

/* The interval the app asks for, as expo shares it between tasks: the last registration with a
 * minimumInterval wins (core/bgt_core.c did_register; equal times register in file order), the
 * policy's default without one, raised to the policy's floor (bgt_policy.h). A sketch for the
 * hours plot's reference line, not the core's state over time. */
static sim_time requested_interval(const scn_scenario *s)
{
    int64_t min = s->policy.default_interval_min;
    sim_time last = -1;
    for (size_t i = 0; i < s->task_count; i++) {
        const scn_task *t = &s->tasks[i];
        if (t->options.has_minimum_interval && t->register_at >= last) {
            min = t->options.minimum_interval_min;
            last = t->register_at;
        }
    }
    if (min < s->policy.interval_floor_min)
        min = s->policy.interval_floor_min;
    return min > 0 ? (sim_time)min * SIM_MS_PER_MINUTE : 0;
}

/* What the reports say about the scenario and the run. */
static rep_run_info run_info(const scn_scenario *s, const run_result *r)
{
    return (rep_run_info){.name = s->name, .file = s->file, .platform = scn_platform_names[s->platform],
                          .policy = s->policy_preset, .seed = r->opt.seed,
                          .requested_interval = requested_interval(s), .format_duration = sch_format_duration};
}

/* The summary on stdout: the fingerprint alone, JSON or text. */
static int emit_summary(const run_args *a, const scn_scenario *s, const run_result *r)
{
    if (a->fingerprint_only) {
        printf("%016" PRIx64 "\n", r->outcome.fingerprint);
        return cli_finish_stdout(0);
    }
    const char *tasks[SCN_MAX_TASKS];
    for (size_t i = 0; i < s->task_count; i++)
        tasks[i] = s->tasks[i].name;
    rep_run_info info = run_info(s, r);
    rep_summary_run sr = {.info = &info, .policy_variant = s->policy_platform == BGT_PLATFORM_IOS ? "ios" : "android",
                          .duration = r->opt.duration, .calendar = &s->calendar, .events = r->outcome.events,
                          .fingerprint = r->outcome.fingerprint, .task_names = tasks, .task_count = s->task_count,
                          .explain = &r->explain};
    if (a->explain) {
        cli_explain_input in = {.scenario = s, .seed = r->opt.seed, .record = &r->record, .stats = &r->stats,
                                .explain = &r->explain, .gaps = a->gaps, .notes = r->notes,
                                .note_count = r->note_count};
        cli_explain_text(stdout, &in);
    } else if (a->json) {
        rep_summary_json(stdout, &sr, &r->stats, &r->record);
    } else {
        /* The headline first: the answer to "how often did it run, and why not more often". */
        cli_explain_headline(stdout, &r->record, &r->stats, &r->explain);
        for (size_t i = 0; i < r->note_count; i++) {
            char note[2048];
            cli_note_text(s, &r->notes[i], note, sizeof note);
            printf("note      %s\n", note);
        }
        fputc('\n', stdout);
        rep_summary_text(stdout, &sr, &r->stats);
    }
    return cli_finish_stdout(0);
}

/* --perfetto FILE. 0, or the exit status with its message printed. */
static int emit_perfetto(const char *path, const scn_scenario *s, const run_result *r)
{
    char *tmp = NULL;
    FILE *f = util_atomic_open(path, &tmp);
    if (!f) {
        fprintf(stderr, "bgsim run: cannot create '%s': %s\n", CLI_SHOWN(path), strerror(errno));
        return EX_CANTCREAT;
    }
    int w = rep_perfetto_write(f, s->name, &r->record);
    if (w != 0)
        util_atomic_abort(f, &tmp);
    if (w != 0 || util_atomic_commit(f, &tmp, path) != 0) {
        fprintf(stderr, "bgsim run: cannot write '%s': %s\n", CLI_SHOWN(path), strerror(errno ? errno : EIO));
        return EX_IOERR;
    }
    return 0;
}

/* The plots into pdir, rendered by gnuplot. 0, or the exit status with its message printed; when
 * gnuplot fails, *note says so for the report (the data files and scripts are written). */
static int emit_plots(const char *pdir, const rep_run_info *info, const run_result *r, char *note, size_t note_size)
{
    char why[1024];
    if (rep_plot_write(pdir, info, &r->record, &r->stats, why, sizeof why) != 0) {
        fprintf(stderr, "bgsim run: %s\n", CLI_SHOWN(why));
        return EX_CANTCREAT;
    }
    rep_gp_status g = rep_plot_render(pdir, why, sizeof why);
    if (g == REP_GP_OK)
        return 0;
    fprintf(stderr, "bgsim run: %s; the data files and gnuplot scripts are in '%s'\n", CLI_SHOWN(why), CLI_SHOWN(pdir));
    snprintf(note, note_size, "Plots could not be made: %s.", why);
    return g == REP_GP_MISSING ? EX_UNAVAILABLE : EX_SOFTWARE;
}

/* --report DIR: DIR/index.html, with the plots of pdir (NULL: none; plot_note says why). */
static int emit_report(const run_args *a, const scn_scenario *s, const rep_run_info *info, const run_result *r,
                       const char *pdir, const char *plot_note)
{
    char why[1024];
    char *text = NULL; /* the scenario's text, shown in the report when it can be read */
    size_t text_len = 0;
    if (util_read_file(s->file, UTIL_FILE_MAX_BYTES, &text, &text_len) != UTIL_READ_OK) {
        free(text);
        text = NULL;
    }
    char dur[32], start[40], fp[24];
    sim_format_human_duration(r->opt.duration, dur, sizeof dur);
    sim_cal_format(&s->calendar, 0, start, sizeof start);
    start[16] = '\0';
    snprintf(fp, sizeof fp, "%016" PRIx64, r->outcome.fingerprint);
    /* The explanation in the command line's words, as `bgsim explain` prints them. */
    char *headline = NULL;
    size_t headline_len = 0;
    FILE *hf = open_memstream(&headline, &headline_len);
    if (hf) {
        cli_explain_headline(hf, &r->record, &r->stats, &r->explain);
        fclose(hf);
    }
    char notes[RUN_NOTES_MAX][2048];
    const char *note_ptrs[RUN_NOTES_MAX];
    for (size_t i = 0; i < r->note_count; i++) {
        cli_note_text(s, &r->notes[i], notes[i], sizeof notes[i]);
        note_ptrs[i] = notes[i];
    }
    rep_html_input in = {.info = info, .scenario_text = text, .overrides = (const char *const *)a->sets,
                         .n_overrides = a->n_sets, .duration = dur, .start = start, .fingerprint = fp,
                         .plot_dir = plot_note ? NULL : pdir, .plot_note = plot_note, .explain = &r->explain,
                         .gaps = CLI_EXPLAIN_GAPS, .headline = hf ? headline : NULL, .notes = note_ptrs,
                         .n_notes = r->note_count};
    char *f_tmp = NULL;
    FILE *f = rep_open_in(a->report_dir, "index.html", &f_tmp, why, sizeof why);
    if (!f) {
        free(text);
        free(headline);
        fprintf(stderr, "bgsim run: %s\n", CLI_SHOWN(why));
        return EX_CANTCREAT;
    }
    int w = rep_html_write(f, &in, &r->record, &r->stats, why, sizeof why);
    free(text);
    free(headline);
    if (w != 0) {
        rep_abort_in(f, &f_tmp);
        fprintf(stderr, "bgsim run: %s\n", CLI_SHOWN(why));
        return EX_IOERR;
    }
    if (rep_close_in(f, &f_tmp, a->report_dir, "index.html", why, sizeof why) != 0) {
        fprintf(stderr, "bgsim run: %s\n", CLI_SHOWN(why));
        return EX_IOERR;
    }
    return 0;
}

/* The plots, the report and the Perfetto trace. 0, or the exit status with its message printed;
 * a plot gnuplot could not render does not stop the report. */
static int emit_outputs(const run_args *a, const scn_scenario *s, const run_result *r)
{
    rep_run_info info = run_info(s, r);
    int rc = 0;
    if (a->perfetto_path && (rc = emit_perfetto(a->perfetto_path, s, r)) != 0)
        return rc;
    /* Plots go to --plot DIR, or for a report without --plot to the report's folder. */
    const char *dirs[2] = {a->plot_dir, a->report_dir};
    char why[1024];
    for (int i = 0; i < 2; i++) {
        if (dirs[i] && rep_mkdir_p(dirs[i], why, sizeof why) != 0) {
            fprintf(stderr, "bgsim run: %s\n", CLI_SHOWN(why));
            return EX_CANTCREAT;
        }
    }
    const char *pdir = a->plot_dir ? a->plot_dir : a->report_dir;
    char note[1200] = "";
    if (pdir && (rc = emit_plots(pdir, &info, r, note, sizeof note)) != 0 && !note[0])
        return rc; /* not even the data files: no report either */
    const char *plot_note = note[0] ? note : NULL;
    if (a->report_dir) {
        int w = emit_report(a, s, &info, r, pdir, plot_note);
        if (w != 0)
            return w;
    }
    return rc;
}

static int run_or_explain(int argc, char **argv, bool explain)
{
    run_args a = {.explain = explain};
    int rc = run_parse(argc, argv, &a);
    if (rc != CLI_GO_ON) {
        run_args_free(&a);
        return rc;
    }
    sch_diag diag;
    scn_scenario *s = NULL;
    rc = scn_load_with(a.path, a.overrides, a.n_sets, &diag, &s);
    if (rc != 0) {
        run_args_free(&a);
        return cli_report_load(rc, &diag);
    }
    sch_diag_print_notes(&diag, stderr); /* keys of another platform left out (--set platform=X) */
    sch_diag_free(&diag);

    FILE *trace = NULL;
    char *trace_tmp = NULL; /* the trace is all or nothing too: a failed run leaves no partial one */
    if (a.trace_path && !(trace = util_atomic_open(a.trace_path, &trace_tmp))) {
        fprintf(stderr, "bgsim run: cannot create the trace '%s': %s\n", CLI_SHOWN(a.trace_path), strerror(errno));
        scn_scenario_free(s);
        run_args_free(&a);
        return EX_CANTCREAT;
    }
    run_result r = {0};
    rc = run_simulate(&a, s, trace, &r);
    if (rc == 0)
        rc = emit_summary(&a, s, &r);
    if (rc == 0 && r.opt.record_states)
        rc = emit_outputs(&a, s, &r);
    if (trace && rc != 0) {
        util_atomic_abort(trace, &trace_tmp);
    } else if (trace && util_atomic_commit(trace, &trace_tmp, a.trace_path) != 0) {
        fprintf(stderr, "bgsim run: cannot write the trace '%s': %s\n", CLI_SHOWN(a.trace_path), strerror(errno));
        rc = EX_IOERR;
    }
    run_result_free(&r);
    scn_scenario_free(s);
    run_args_free(&a);
    return rc;
}

int cli_run(int argc, char **argv) { return run_or_explain(argc, argv, false); }

int cli_explain(int argc, char **argv) { return run_or_explain(argc, argv, true); }
