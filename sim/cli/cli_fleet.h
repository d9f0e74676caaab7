/*
 * cli_fleet.h - what `bgsim fleet` and `bgsim check` share about fleets.
 */
#ifndef BGSIM_CLI_FLEET_H
#define BGSIM_CLI_FLEET_H

#include "run_fleet.h"
#include "scn_scenario.h"

/*
 * Writes the fleet's plots into dir (created when missing) and renders them with gnuplot:
 * fleet-<scope>.{dat,gp,png,svg} for every task and the worker (the share of devices at or below
 * each value of runs/day, p90 interval and longest gap; one line per profile and one for all) and,
 * with targets, fleet-targets.* (the share meeting each target with its 95 % interval). Returns 0,
 * or 69 (gnuplot cannot be run), 70, 73 (cannot create a file), with a message on stderr.
 */
/*
 * Reports why run_fleet stopped (rc its status, err its words; dist the ranks, or NULL for one
 * process) on stderr, as the run and the fleet word it: the failed run's message, the lowest failing
 * device ("rank R of S: " before it when there are several), the exchange between ranks. Returns
 * the exit status of rc.
 */
int cli_report_fleet(int rc, const run_fleet_error *err, const run_dist *dist);

int cli_fleet_plot(const char *dir, const scn_scenario *s, const run_fleet_result *r, const run_fleet_spec *spec,
                   char *const *metric_names);

#endif
