/*
 * run_fleet.h - simulates a fleet: N devices drawn from a scenario's population (scn_fleet.h),
 * each run to its end and folded into mergeable accumulators (rep_acc.h).
 *
 * Device k is drawn and seeded from (seed, k) alone, so it is the same device whatever else runs.
 * Devices are handed to J threads in blocks of RUN_FLEET_BLOCK, in index order; each thread folds
 * its devices into its own accumulators, and the sets are merged at the end. Every accumulator
 * word is an integer merged by +, min or max, so the totals, and everything printed from them,
 * are byte-identical for any J and any number of MPI ranks (run_dist.h: rank r takes the blocks
 * b with b % size == r, and the sets are reduced onto rank 0).
 *
 * What is accumulated, for every group (group 0: all devices; group 1 + p: the devices of profile
 * p), is laid out by rep_fleet_layout (reports/rep_fleet.h): the device's simulated days, each
 * requested metric (the catalogue's, rep_metrics.h) when the device has a value for it, and each
 * target ("sync.max_gap<=6h"): 1 when the device meets it, else 0 (a device without a value for
 * the metric does not meet it). The reports read the results back from there.
 *
 * Memory does not grow with N: J sets of accumulators, and one device at a time per thread.
 *
 * Errors: a device whose drawn scenario is invalid, or whose run fails, stops the fleet; the error
 * kept (run_fleet_error) is that of the lowest failing device index, so it too is the same for any
 * J. Nothing is printed here: the caller reports the error.
 */
#ifndef BGSIM_RUN_FLEET_H
#define BGSIM_RUN_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rep_acc.h"
#include "rep_fleet.h"
#include "rep_metrics.h"
#include "run_dist.h"
#include "run_pool.h"
#include "run_status.h"
#include "scn_scenario.h"

#define RUN_FLEET_BLOCK 8
#define RUN_FLEET_MAX_METRICS 128
#define RUN_FLEET_MAX_TARGETS 32

typedef struct run_fleet_spec {
    const scn_scenario *base;   /* the file as loaded (its fleet section, or none: every device is
                                 * the file itself, with its own random streams) */
    const scn_source *source;   /* the same file, parsed once, for the devices' variants */
    uint64_t devices;
    uint64_t seed;
    sim_time duration;          /* 0: each device's own */
    int jobs;
    const rep_metric_ref *metrics;
    size_t n_metrics;
    const scn_target *targets;
    size_t n_targets;
    run_dist *dist;             /* NULL: one process */
    /* Called under the pool's lock after each block of this rank's devices (done and count are
     * blocks of RUN_FLEET_BLOCK devices), or NULL. */
    run_pool_progress_fn progress;
    void *progress_ctx;
} run_fleet_spec;

typedef struct run_fleet_result {
    rep_fleet_layout layout;    /* 1 + profiles groups; the spec's metrics and targets */
    rep_accs accs;              /* on rank 0: the whole fleet */
    double device_days;         /* group 0's sum of simulated days */
} run_fleet_result;

/* Profile names: "all" when the scenario has no fleet section. */
size_t run_fleet_profile_count(const scn_scenario *base);
const char *run_fleet_profile_name(const scn_scenario *base, size_t p);

/*
 * Checks the fleet before anything runs: every probe of every profile (scn_fleet_probe) must load,
 * with the same task names as the file. Errors (file:line:column, the key, expected, found) go to
 * diag, which this initialises (the caller frees it). RUN_OK, RUN_ERR_INVALID, or RUN_ERR_NOMEM.
 */
int run_fleet_validate(const scn_scenario *base, const scn_source *source, sch_diag *diag);

/* Why a fleet stopped, for the caller to report. */
#define RUN_FLEET_MESSAGE_MAX 1024
typedef struct run_fleet_error {
    bool out_of_memory;         /* the fleet could not be set up: no device ran */
    /* The lowest failing device's problem on this rank (the first error of its drawn scenario, a
     * change of the tasks' names, "device K (profile 'P'): the run failed", or "out of memory"), or
     * "" when no device failed. */
    char device[RUN_FLEET_MESSAGE_MAX];
    run_status run_result;      /* when that device's run failed: the run's status, else RUN_OK */
    char run_message[RUN_MESSAGE_MAX]; /* and the run's own words (run_outcome.message) */
} run_fleet_error;

/*
 * Runs the fleet. RUN_OK with *out filled (free with run_fleet_result_free), or a status
 * (RUN_ERR_INVALID: a device's scenario is invalid or its run was refused; RUN_ERR_NOMEM,
 * RUN_ERR_INTERNAL; a device run's own status) with *err saying why, and with spec->dist->message
 * when exchanging with the other ranks failed.
 */
int run_fleet(const run_fleet_spec *spec, run_fleet_result *out, run_fleet_error *err);
void run_fleet_result_free(run_fleet_result *r);

#endif
