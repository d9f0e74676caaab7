/*
 * cli_fleet.h - what `bgsim fleet` and `bgsim check` share about fleets.
 */
#ifndef BGSIM_CLI_FLEET_H
#define BGSIM_CLI_FLEET_H

#include "run_fleet.h"
#include "scn_scenario.h"

/*
 * Reports why run_fleet stopped (rc its status, err its words; dist the ranks, or NULL for one
 * process) on stderr, as the run and the fleet word it: the failed run's message, the lowest failing
 * device ("rank R of S: " before it when there are several), the exchange between ranks. Returns
 * the exit status of rc.
 */
int cli_report_fleet(int rc, const run_fleet_error *err, const run_dist *dist);

#endif
