/*
 * cli_run.c - `bgsim run FILE`: simulate a scenario and print its summary.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rep_stats.h"
#include "run.h"
#include "run_summary.h"
#include "scn_scenario.h"
#include "scn_units.h"

static const char usage_run[] =
    "usage: bgsim run FILE [--seed N] [--duration D] [--trace FILE.jsonl] [--format text|json]\n"
    "                      [--fingerprint]\n"
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
    "\n"
    "The same file, seed and duration always give byte-identical output.\n"
    "Exit status: 0 ok, 64 usage, 65 invalid scenario, 66 cannot read it, 69 platform not modeled\n"
    "yet, 70 internal error, 73 cannot create the trace file, 74 cannot write output.\n";

int cli_run(int argc, char **argv)
{
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                          {"duration", required_argument, NULL, 'd'},
                                          {"trace", required_argument, NULL, 't'},
                                          {"format", required_argument, NULL, 'f'},
                                          {"fingerprint", no_argument, NULL, 'F'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *seed_arg = NULL, *duration_arg = NULL, *trace_path = NULL, *format = "text";
    bool fingerprint_only = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': seed_arg = optarg; break;
        case 'd': duration_arg = optarg; break;
        case 't': trace_path = optarg; break;
        case 'f': format = optarg; break;
        case 'F': fingerprint_only = true; break;
        case 'h': fputs(usage_run, stdout); return cli_finish_stdout(0);
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
        return cli_report_load(rc, &diag);
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
        if (fingerprint_only)
            printf("%016" PRIx64 "\n", outcome.fingerprint);
        else if (strcmp(format, "json") == 0)
            run_summary_json(stdout, s, &opt, &outcome, &stats, &record);
        else
            run_summary_text(stdout, s, &opt, &outcome, &stats);
        rc = cli_finish_stdout(rc);
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

