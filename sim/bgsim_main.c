/*
 * bgsim_main.c - the bgsim command line.
 *
 * Until the scenario runner lands (issue: YAML scenarios and the CLI), the only subcommand is
 * `demo`: a small deterministic simulation on the engine that exercises what the runner will
 * stand on (phases, named random streams, the calendar): one worker due every 15 minutes, a
 * device that sleeps at night and only runs the worker while awake, and work of lognormal
 * duration. Data goes to stdout, diagnostics to stderr; exit codes follow sysexits.
 */
#include <getopt.h>
#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_calendar.h"
#include "sim_engine.h"
#include "sim_rng.h"

#define EX_USAGE 64
#define EX_SOFTWARE 70

typedef struct demo {
    sim_calendar cal;
    gsl_rng *work_rng;
    sim_handle worker;
    bool asleep;
    sim_time interval;
    unsigned runs;
    unsigned deferred;
} demo;

enum { DEMO_SLEEP = 0, DEMO_WAKE = 1 };

static void demo_print(const demo *d, sim_time t, const char *what)
{
    char when[40];
    sim_cal_format(&d->cal, t, when, sizeof when);
    printf("%s  %s\n", when, what);
}

static void demo_worker(sim_engine *e, void *ctx, uint64_t arg);

static void demo_arm(sim_engine *e, demo *d, sim_time delay)
{
    if (sim_schedule_in(e, delay, SIM_PHASE_APP, demo_worker, d, 0, &d->worker) != SIM_OK)
        sim_stop(e);
}

static void demo_worker(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    demo *d = ctx;
    if (d->asleep) { /* deferred: re-armed by the wake event */
        d->deferred++;
        return;
    }
    double seconds = gsl_ran_lognormal(d->work_rng, 2.0794 /* ln 8 s */, 0.5);
    char line[64];
    snprintf(line, sizeof line, "worker ran for %.1f s", seconds);
    demo_print(d, sim_now(e), line);
    d->runs++;
    demo_arm(e, d, d->interval);
}

static void demo_day_night(sim_engine *e, void *ctx, uint64_t what)
{
    demo *d = ctx;
    d->asleep = what == DEMO_SLEEP;
    demo_print(d, sim_now(e), d->asleep ? "device asleep" : "device awake");
    if (!d->asleep && !sim_is_pending(e, d->worker))
        demo_arm(e, d, 0); /* same instant: the wake (ENVIRONMENT phase) fires before the APP phase */
    sim_time next = sim_cal_next_time_of_day(&d->cal, sim_now(e) + 1,
                                             d->asleep ? SIM_HOURS(7) : SIM_HOURS(23));
    if (sim_schedule(e, next, SIM_PHASE_ENVIRONMENT, demo_day_night, d,
                     d->asleep ? DEMO_WAKE : DEMO_SLEEP, NULL) != SIM_OK)
        sim_stop(e);
}

static int run_demo(uint64_t seed)
{
    demo d = {.interval = SIM_MINUTES(15)};
    const sim_datetime start = {.year = 2026, .month = 1, .day = 5, .hour = 7};
    sim_engine *e = sim_engine_new(0);
    sim_rng_set *rngs = sim_rng_set_new(seed, 0);
    int rc = EX_SOFTWARE;
    if (!e || !rngs || !sim_cal_init(&d.cal, &start))
        goto out_free;
    d.work_rng = sim_rng_get(rngs, "task.demo.duration");
    if (!d.work_rng)
        goto out_free;
    sim_time first_sleep = sim_cal_next_time_of_day(&d.cal, 0, SIM_HOURS(23));
    if (sim_schedule(e, first_sleep, SIM_PHASE_ENVIRONMENT, demo_day_night, &d, DEMO_SLEEP, NULL) != SIM_OK)
        goto out_free;
    demo_arm(e, &d, 0);
    if (sim_run_until(e, SIM_DAYS(2)) != SIM_RUN_REACHED)
        goto out_free;
    printf("summary: %u worker runs, %u deferred by sleep, %" PRIu64 " events, seed %" PRIu64 "\n",
           d.runs, d.deferred, sim_fired_count(e), seed);
    rc = 0;
out_free:
    sim_rng_set_free(rngs);
    sim_engine_free(e);
    if (rc)
        fprintf(stderr, "bgsim: internal error: demo failed\n");
    return rc;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: bgsim [--help] [--version] <command> [<args>]\n"
                 "\n"
                 "commands:\n"
                 "  demo [--seed N]   run the engine demo (two simulated days) and print its trace\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'},
        {"seed", required_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
    uint64_t seed = 42;
    int c;
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'V': printf("bgsim %s\n", BGSIM_VERSION); return 0;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EX_USAGE;
    }
    const char *cmd = argv[optind];
    if (strcmp(cmd, "demo") != 0) {
        fprintf(stderr, "bgsim: unknown command '%s'\n", cmd);
        usage(stderr);
        return EX_USAGE;
    }
    optind++;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 's') {
            usage(stderr);
            return EX_USAGE;
        }
        char *end;
        seed = strtoull(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || *optarg == '-') {
            fprintf(stderr, "bgsim: --seed: expected a non-negative integer, found '%s'\n", optarg);
            return EX_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "bgsim: demo: unexpected argument '%s'\n", argv[optind]);
        return EX_USAGE;
    }
    return run_demo(seed);
}
