/*
 * oracle.h - an independent checker of bgsim traces (scenarios/TRACE.md).
 *
 * The oracle reads a trace as text, with its own JSON Lines reader, and asserts the invariants
 * that the documentation promises (listed with their sources in oracle.c and tools/oracle/
 * README.md). It shares no code with the simulator: it links nothing but libc, so a bug in a model
 * or in the trace writer cannot hide itself by being repeated in the checker.
 *
 * Used by the `bgsim_oracle` command (ctest `oracle` over every bundled scenario) and by the
 * simulation fuzzer (tools/fuzz/fuzz_sim.c) on every input.
 *
 * Ownership: oracle_check only reads `text` during the call; messages passed to `report` live
 * until it returns.
 */
#ifndef BGSIM_ORACLE_H
#define BGSIM_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum oracle_platform {
    ORACLE_AUTO = 0, /* guessed from the trace: os.submit/os.launch/os.idle -> ios, os.doze/os.bucket -> android */
    ORACLE_ANDROID,
    ORACLE_IOS,
    ORACLE_IDEAL,
} oracle_platform;

typedef struct oracle_options {
    oracle_platform platform;
    /* iOS 19+ (or os.force_quit_blocks_processing: false): a processing launch may follow a
     * force-quit; refresh launches stay blocked (scenarios/README.md, `os` on ios). */
    bool processing_after_force_quit;
} oracle_options;

/* Called once per violation: `line` is the 1-based trace line (0: the end of the trace), `check`
 * the invariant's name (oracle.c's table), `msg` what was wrong. */
typedef void (*oracle_report_fn)(void *ctx, size_t line, const char *check, const char *msg);

/* Checks a whole trace; returns the number of violations (each reported). */
size_t oracle_check(const char *text, size_t len, const oracle_options *opt, oracle_report_fn report, void *ctx);

#endif
