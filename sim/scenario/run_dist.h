/*
 * run_dist.h - MPI scale-out of a fleet run: which rank this process is, and reducing mergeable
 * accumulators (rep_acc.h) onto rank 0. Its MPI half (run_dist_mpi.c, the only file that includes
 * <mpi.h>) is a separate module, bgsim-mpi.so; everything else sees ranks as plain integers.
 *
 * Starting. run_dist_init starts MPI only when this process was started by an MPI launcher
 * (mpirun/mpiexec/srun: environment OMPI_COMM_WORLD_SIZE, PMIX_RANK, or PMI_RANK and PMI_SIZE).
 * Otherwise, and always in builds without MPI (cmake -DBGSIM_MPI=OFF, or AUTO without an MPI
 * found), the process is rank 0 of 1, MPI_Init is never called and every function below returns at
 * once: a plain `bgsim run` or `bgsim fleet` costs nothing and behaves exactly as without MPI.
 * A build without MPI that finds itself started as one of several ranks refuses (RUN_ERR_INTERNAL)
 * rather than let every rank run, and print, the whole fleet.
 *
 * The module. bgsim does not link libmpi (its start-up would pay for relocating Open MPI in every
 * process; run_dist_mpi.h). In a build with MPI, a process started by a launcher loads
 * RUN_DIST_MPI_MODULE_REL (bgsim-mpi.so, installed in LIBDIR/bgsim/), found relative to the
 * directory of the running executable (/proc/self/exe, symbolic links resolved): the build tree
 * mirrors the installed layout, so build/bin/bgsim finds build/lib/bgsim/bgsim-mpi.so and
 * /usr/bin/bgsim finds /usr/lib/bgsim/bgsim-mpi.so. It stays loaded until the process exits.
 * A module that cannot be loaded, or is of another build, is RUN_ERR_INTERNAL with its path and
 * the loader's words in d->message.
 *
 * Splitting the work is the caller's business: this module does not decide which rank simulates
 * which devices. Whatever the split, the accumulators' words are integers merged by +, min and max,
 * so the reduced result is the same bits for any number of ranks.
 *
 * Output. Only rank 0 holds the total after a reduce, so only the caller's rank 0 prints results;
 * the other ranks print none. This module prints nothing: a failure's words are left in
 * d->message, prefixed with "rank R of S: " when there are several, for the caller to report from
 * the rank it happened on.
 *
 * Errors. One rank's failure must not leave the others blocked in a collective call: before a
 * reduce, and before finalizing, every rank calls run_dist_agree with its own status and acts on
 * the agreed (most severe) one. MPI errors are returned (MPI_ERRORS_RETURN), not fatal: a function
 * that fails says why in d->message and returns RUN_ERR_INTERNAL.
 *
 * Threads. MPI is initialised with MPI_THREAD_FUNNELED: the process may run worker threads, but
 * only the thread that called run_dist_init calls the functions below.
 *
 * Every rank calls the collective functions (agree, reduce, reduce_u64) the same number of times,
 * in the same order, with sets of the same shapes. Ownership: a run_dist is a plain value the
 * caller owns; run_dist_finalize is called once on every path after a successful init.
 */
#ifndef BGSIM_RUN_DIST_H
#define BGSIM_RUN_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rep_acc.h"
#include "run_status.h"

typedef struct run_dist_mpi_ops run_dist_mpi_ops; /* run_dist_mpi.h */

typedef struct run_dist {
    int rank; /* 0 <= rank < size; rank 0 prints */
    int size; /* number of ranks, 1 without MPI */
    bool mpi; /* MPI_Init was called (and MPI_Finalize not yet) */
    /* The loaded MPI module's functions (not owned: the module stays loaded); NULL before. */
    const run_dist_mpi_ops *ops;
    /* Why the last failing call failed (one line, no program name); "" when none has. */
    char message[RUN_MESSAGE_MAX];
} run_dist;

/* Fills d (rank 0 of 1 unless started by an MPI launcher in a build with MPI; see above). argc and
 * argv are main's, handed to MPI_Init. Returns RUN_OK, or RUN_ERR_INTERNAL with d->message (the MPI
 * module could not be loaded, MPI could not start, or a build without MPI was started as one of
 * several ranks). */
int run_dist_init(run_dist *d, int *argc, char ***argv);

/* The most severe (most negative) of every rank's status (RUN_OK or a run_status); every rank
 * gets it. So one rank's error stops all ranks together instead of leaving the others blocked in a
 * reduce. Without MPI: status. When the exchange itself fails: RUN_ERR_INTERNAL or a more severe
 * status, with d->message. */
int run_dist_agree(run_dist *d, int status);

/* Reduces a's words onto rank 0: sums by MPI_SUM (as uint64), mins by MPI_MIN and maxs by MPI_MAX
 * (as int64), in chunks of at most INT_MAX elements. After it rank 0's `a` holds the merge of
 * every rank's set (as rep_accs_merge would give); other ranks' `a` is unspecified (free it, or
 * rep_accs_clear it before reuse). Every rank's set must have the same shapes: sets of different
 * sizes are refused by every rank (RUN_ERR_INTERNAL) before anything is reduced. RUN_OK, or
 * RUN_ERR_INTERNAL with d->message. */
int run_dist_reduce(run_dist *d, rep_accs *a);

/* The same for a plain array of n uint64 counters (kept outside a rep_accs), reduced by sum onto
 * rank 0; n must be the same on every rank. RUN_OK, or RUN_ERR_INTERNAL with d->message. */
int run_dist_reduce_u64(run_dist *d, uint64_t *v, size_t n);

/* Calls MPI_Finalize when init called MPI_Init; keeps rank and size (so "rank 0 prints" still
 * holds afterwards). A second call, or a call without MPI, does nothing. */
void run_dist_finalize(run_dist *d);

#endif
