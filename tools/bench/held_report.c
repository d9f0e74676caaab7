/*
 * held_report.c - bgsim-held's report: bgsim built with an engine that counts, for every event it
 * fires, the events pending at that moment (SIM_ENGINE_HELD_STATS, sim/engine/sim_engine.h). When
 * the program ends this prints one line to stderr,
 *
 *   bgsim-held: steps=N held=M
 *
 * N events fired (re-arm posts included, as in a run's "events" figure) and M the mean number of
 * events pending as each was taken, itself included: the size of the bare heap that issue 24's
 * floor (tools/bench/floor.sh) pops and pushes. Everything else is bgsim's own output, unchanged.
 * Run it with one job (--jobs 1): the counters are shared and not atomic.
 */
#include <inttypes.h>
#include <stdio.h>

#include "sim_engine.h"

__attribute__((destructor)) static void held_report(void)
{
    if (sim_held_steps == 0)
        return;
    fprintf(stderr, "bgsim-held: steps=%" PRIu64 " held=%.3f\n", sim_held_steps,
            (double)sim_held_sum / (double)sim_held_steps);
}
