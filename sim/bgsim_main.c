/*
 * bgsim_main.c - the bgsim command line.
 *
 * Data goes to stdout, diagnostics to stderr. Exit statuses follow sysexits(3): 0 ok, 64 usage,
 * 65 invalid scenario, 66 cannot read a scenario, 69 platform not modeled yet, 70 internal error,
 * 73 cannot create an output file, 74 output error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rep_stats.h"
#include "run.h"
#include "run_summary.h"
#include "scn_scenario.h"
#include "scn_units.h"

#define EX_USAGE 64
#define EX_DATAERR 65
#define EX_NOINPUT 66
#define EX_SOFTWARE 70
#define EX_CANTCREAT 73
#define EX_IOERR 74

static const char usage_main[] =
    "usage: bgsim [--help] [--version] <command> [<args>]\n"
    "\n"
    "When will my background task actually run, how often, and why didn't it?\n"
    "\n"
    "commands:\n"
    "  validate FILE...   check scenario files; print each error with file:line:column\n"
    "  run FILE           simulate a scenario and print a summary per task\n"
    "\n"
    "'bgsim <command> --help' describes a command. Scenario keys: scenarios/README.md.\n";

static const char usage_validate[] =
    "usage: bgsim validate FILE...\n"
    "\n"
    "Checks each scenario file and reports every error found, as file:line:column: key.path: what\n"
    "was expected and what was found. Prints 'FILE: ok' for each valid file.\n"
    "Exit status: 0 all valid, 65 some file is invalid, 66 some file cannot be read, 64 usage.\n";

static const char usage_run[] =
    "usage: bgsim run FILE [--seed N] [--duration D] [--trace FILE.jsonl] [--format text|json]\n"
    "\n"
    "Simulates the scenario and prints a summary per task: registrations, worker runs, task runs,\n"
    "successes, failures, runs per day, interval and delay quantiles, time deferred.\n"
    "\n"
    "  --seed N          use seed N instead of the scenario's seed\n"
    "  --duration D      simulate D (e.g. 36h, 14d) instead of the scenario's duration\n"
    "  --trace FILE      write every event as JSON Lines (schema: scenarios/TRACE.md)\n"
    "  --format F        summary as 'text' (default) or 'json'\n"
    "\n"
    "The same file, seed and duration always give byte-identical output.\n"
    "Exit status: 0 ok, 64 usage, 65 invalid scenario, 66 cannot read it, 69 platform not modeled\n"
    "yet, 70 internal error, 73 cannot create the trace file, 74 cannot write output.\n";

/* Prints the diagnostics of a failed load and returns its status. */
static int report_load(int rc, scn_diag *diag)
{
    scn_diag_print(diag, stderr);
    scn_diag_free(diag);
    return rc;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

static int cmd_validate(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_validate, stdout);
        return 0;
    }
    int first = 1;
    if (first < argc && strcmp(argv[first], "--") == 0)
        first++;
    else if (first < argc && argv[first][0] == '-' && argv[first][1] != '\0') {
        fprintf(stderr, "bgsim validate: unknown option '%s'\n%s", argv[first], usage_validate);
        return EX_USAGE;
    }
    if (first >= argc) {
        fprintf(stderr, "bgsim validate: no scenario file given\n%s", usage_validate);
        return EX_USAGE;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        scn_diag diag;
        scn_scenario *s = NULL;
        int rc = scn_load(argv[i], &diag, &s);
        if (rc == 0)
            printf("%s: ok\n", argv[i]);
        else
            scn_diag_print(&diag, stderr);
        scn_diag_free(&diag);
        scn_scenario_free(s);
        /* A file that cannot be read outranks one that is invalid. */
        if (rc == EX_NOINPUT || (rc == EX_DATAERR && status == 0))
            status = rc;
    }
    return status;
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                          {"duration", required_argument, NULL, 'd'},
                                          {"trace", required_argument, NULL, 't'},
                                          {"format", required_argument, NULL, 'f'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *seed_arg = NULL, *duration_arg = NULL, *trace_path = NULL, *format = "text";
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': seed_arg = optarg; break;
        case 'd': duration_arg = optarg; break;
        case 't': trace_path = optarg; break;
        case 'f': format = optarg; break;
        case 'h': fputs(usage_run, stdout); return 0;
        default:
            fprintf(stderr, "bgsim run: %s '%s'\n%s", optopt ? "option needs a value:" : "unknown option",
                    argv[optind - 1], usage_run);
            return EX_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "bgsim run: expected exactly one scenario file\n%s", usage_run);
        return EX_USAGE;
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, "bgsim run: --format: expected 'text' or 'json', found '%s'\n", format);
        return EX_USAGE;
    }
    char why[256];
    uint64_t seed = 0;
    sim_time duration = 0;
    if (seed_arg && !scn_parse_uint64(seed_arg, &seed, why, sizeof why)) {
        fprintf(stderr, "bgsim run: --seed: %s\n", why);
        return EX_USAGE;
    }
    if (duration_arg) {
        bool ok = scn_parse_duration(duration_arg, &duration, why, sizeof why);
        if (ok && (duration == 0 || duration > SCN_MAX_DURATION)) {
            snprintf(why, sizeof why, "expected a duration between 1ms and 36525d (100 years), found '%s'", duration_arg);
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "bgsim run: --duration: %s\n", why);
            return EX_USAGE;
        }
    }

    scn_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load(argv[optind], &diag, &s);
    if (rc != 0)
        return report_load(rc, &diag);
    scn_diag_free(&diag);

    run_options opt = run_default_options(s);
    if (seed_arg)
        opt.seed = seed;
    if (duration_arg)
        opt.duration = duration;
    FILE *trace = NULL;
    if (trace_path && !(trace = fopen(trace_path, "w"))) {
        fprintf(stderr, "bgsim run: cannot create the trace '%s': %s\n", trace_path, strerror(errno));
        scn_scenario_free(s);
        return EX_CANTCREAT;
    }
    opt.trace = trace;
    rep_record record = {0};
    run_outcome outcome = {0};
    rep_stats stats = {0};
    rc = run_scenario(s, &opt, &record, &outcome);
    if (rc == 0 && rep_stats_compute(&record, &stats) != 0) {
        fprintf(stderr, "bgsim run: out of memory\n");
        rc = EX_SOFTWARE;
    }
    if (rc == 0) {
        if (strcmp(format, "json") == 0)
            run_summary_json(stdout, s, &opt, &outcome, &stats);
        else
            run_summary_text(stdout, s, &opt, &outcome, &stats);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "bgsim run: cannot write the summary: %s\n", strerror(errno));
            rc = EX_IOERR;
        }
    }
    if (trace && fclose(trace) != 0 && rc == 0) {
        fprintf(stderr, "bgsim run: cannot write the trace '%s': %s\n", trace_path, strerror(errno));
        rc = EX_IOERR;
    }
    rep_stats_free(&stats);
    rep_record_free(&record);
    scn_scenario_free(s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EX_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("bgsim %s (scenario schema %d)\n", BGSIM_VERSION, SCN_SCHEMA_VERSION);
        return 0;
    }
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    fprintf(stderr, "bgsim: unknown command '%s'\n%s", cmd, usage_main);
    return EX_USAGE;
}
