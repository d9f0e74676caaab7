/*
 * run_pool.h - runs N independent jobs on J threads.
 *
 * Jobs are handed out in index order from one counter; each job writes only its own result slot,
 * fixed before the pool starts, so whatever the number of threads the results (and anything
 * printed from them afterwards) are identical. The calling thread is one of the J; a thread that
 * cannot be created only makes the run slower.
 *
 * `progress`, when not NULL, is called under the pool's lock after each job with the number of
 * jobs done so far, so a caller's progress bar (sim/cli) is drawn by one thread at a time.
 */
#ifndef BGSIM_RUN_POOL_H
#define BGSIM_RUN_POOL_H

#include <stddef.h>

#define RUN_POOL_MAX_JOBS 256

typedef void (*run_pool_job_fn)(void *ctx, size_t index);
typedef void (*run_pool_progress_fn)(void *ctx, size_t done, size_t count);

/* jobs is clamped to [1, RUN_POOL_MAX_JOBS]. */
void run_pool(size_t count, int jobs, run_pool_job_fn job, run_pool_progress_fn progress, void *ctx);

/*
 * The same, telling each job which of the J threads runs it (0 .. J-1; the calling thread is 0),
 * so jobs can fold results into per-thread state instead of a slot per job: a fleet of a million
 * devices keeps J sets of accumulators, not a million results. Which thread runs which job varies
 * from run to run: only state whose merge does not depend on that (exact sums) may be kept this way.
 */
typedef void (*run_pool_worker_fn)(void *ctx, size_t index, int worker);
void run_pool_workers(size_t count, int jobs, run_pool_worker_fn job, run_pool_progress_fn progress, void *ctx);

#endif
