/*
 * run_status.h - what the functions of bgsim-run (scn_ and run_) return: 0, or a negative status.
 *
 * The library prints nothing: a function that fails returns one of these and leaves the words in
 * the caller's hands (a sch_diag for a scenario's errors, a message buffer for a run's). The
 * command line (sim/cli/cli_status.c) is the one place that turns a status into an exit status.
 *
 * The order is one of severity: when several statuses meet (the ranks of a fleet under MPI,
 * run_dist_agree), the most negative one is kept, as the largest sysexits code was before.
 */
#ifndef BGSIM_RUN_STATUS_H
#define BGSIM_RUN_STATUS_H

typedef enum run_status {
    RUN_OK = 0,
    RUN_ERR_INVALID = -1,     /* a scenario (an override, a fleet's device) is invalid, or a run was
                               * refused at one of its limits */
    RUN_ERR_NOINPUT = -2,     /* a scenario file cannot be read */
    RUN_ERR_UNAVAILABLE = -3, /* the platform has no scheduler model (cannot happen: all three have one) */
    RUN_ERR_NOMEM = -4,       /* out of memory */
    RUN_ERR_INTERNAL = -5,    /* an error that cannot happen (a core call, MPI) */
    RUN_ERR_IO = -6,          /* an output the caller gave (the trace) cannot be written */
} run_status;

/* The size of a message buffer a run fills (run_outcome.message): one line, without the program's
 * name or a newline. Longer messages are cut. */
#define RUN_MESSAGE_MAX 2048

#endif
