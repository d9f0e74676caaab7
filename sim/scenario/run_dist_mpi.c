/*
 * run_dist_mpi.c - the MPI half of run_dist (run_dist.h), built as the module bgsim-mpi.so with
 * libmpi (run_dist_mpi.h says why it is not linked into bgsim). Exports one symbol, the table
 * run_dist_mpi_module; everything else here is static. run_dist.c calls init only in a process
 * started by an MPI launcher, and the other functions only after init succeeded, so none of them
 * checks d->mpi again.
 */
#include "run_dist_mpi.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mpi.h>

/* The largest count handed to one MPI call (MPI counts are int). The test builds a second module
 * with it lowered, to run the chunk loop on small sets. */
#ifndef RUN_DIST_CHUNK
#define RUN_DIST_CHUNK INT_MAX
#endif

static void mpi_message(run_dist *d, const char *what, int err)
{
    char s[MPI_MAX_ERROR_STRING + 1];
    int len = 0;
    if (MPI_Error_string(err, s, &len) != MPI_SUCCESS)
        len = 0;
    s[len < 0 ? 0 : len] = '\0';
    if (d->size > 1)
        snprintf(d->message, sizeof d->message, "rank %d of %d: %s failed: %s", d->rank, d->size, what,
                 len > 0 ? s : "unknown MPI error");
    else
        snprintf(d->message, sizeof d->message, "%s failed: %s", what, len > 0 ? s : "unknown MPI error");
}

static int mpi_init(run_dist *d, int *argc, char ***argv)
{
    *d = (run_dist){.rank = 0, .size = 1, .mpi = false};
    int provided = 0;
    int err = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    if (err != MPI_SUCCESS) {
        mpi_message(d, "MPI_Init_thread", err);
        return RUN_ERR_INTERNAL;
    }
    d->mpi = true;
    /* Errors come back as return values (each function says why and returns an error) instead of
     * aborting the job from inside MPI with no word about what bgsim was doing. */
    err = MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (err == MPI_SUCCESS)
        err = MPI_Comm_rank(MPI_COMM_WORLD, &d->rank);
    if (err == MPI_SUCCESS)
        err = MPI_Comm_size(MPI_COMM_WORLD, &d->size);
    if (err != MPI_SUCCESS) {
        mpi_message(d, "MPI_Comm_rank/size", err);
        MPI_Finalize();
        char why[RUN_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", d->message);
        *d = (run_dist){.rank = 0, .size = 1, .mpi = false};
        snprintf(d->message, sizeof d->message, "%s", why);
        return RUN_ERR_INTERNAL;
    }
    return RUN_OK;
}

static int mpi_agree(run_dist *d, int status)
{
    if (d->size == 1)
        return status;
    int all = status;
    int err = MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (err != MPI_SUCCESS) {
        mpi_message(d, "MPI_Allreduce (status)", err);
        return status < RUN_ERR_INTERNAL ? status : RUN_ERR_INTERNAL;
    }
    return all;
}

/* Every rank holds k counts equal to every other rank's: one all-reduce of (c, -c) by max gives
 * the largest and the smallest of each, and every rank sees the same answer, so a mismatch is
 * refused by all ranks together instead of leaving MPI_Reduce with different counts (erroneous:
 * a hang or a truncation error on some ranks only). */
static int same_counts(run_dist *d, const char *what, const size_t *c, int k)
{
    int64_t mine[4], all[4];
    for (int i = 0; i < k; i++) {
        mine[i] = (int64_t)c[i];
        mine[k + i] = -(int64_t)c[i];
    }
    int err = MPI_Allreduce(mine, all, 2 * k, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (err != MPI_SUCCESS) {
        mpi_message(d, "MPI_Allreduce (sizes)", err);
        return RUN_ERR_INTERNAL;
    }
    for (int i = 0; i < k; i++)
        if (all[i] != -all[k + i]) {
            snprintf(d->message, sizeof d->message,
                     "rank %d of %d: %s differ between ranks (%" PRId64 " to %" PRId64 "); nothing reduced", d->rank,
                     d->size, what, -all[k + i], all[i]);
            return RUN_ERR_INTERNAL;
        }
    return RUN_OK;
}

/* MPI_Reduce of n words onto rank 0 in place, at most RUN_DIST_CHUNK per call. */
static int reduce_words(run_dist *d, void *words, size_t n, size_t word_size, MPI_Datatype type, MPI_Op op,
                        const char *what)
{
    unsigned char *p = words;
    for (size_t done = 0; done < n;) {
        size_t left = n - done;
        int count = left > (size_t)RUN_DIST_CHUNK ? RUN_DIST_CHUNK : (int)left;
        void *at = p + done * word_size;
        int err = MPI_Reduce(d->rank == 0 ? MPI_IN_PLACE : at, at, count, type, op, 0, MPI_COMM_WORLD);
        if (err != MPI_SUCCESS) {
            mpi_message(d, what, err);
            return RUN_ERR_INTERNAL;
        }
        done += (size_t)count;
    }
    return RUN_OK;
}

static int mpi_reduce(run_dist *d, rep_accs *a)
{
    if (d->size == 1)
        return RUN_OK;
    const size_t counts[2] = {a->n, a->n_sums};
    int rc = same_counts(d, "accumulator set sizes", counts, 2);
    if (rc == 0)
        rc = reduce_words(d, a->sums, a->n_sums, sizeof a->sums[0], MPI_UINT64_T, MPI_SUM, "MPI_Reduce (sums)");
    if (rc == 0)
        rc = reduce_words(d, a->mins, a->n, sizeof a->mins[0], MPI_INT64_T, MPI_MIN, "MPI_Reduce (mins)");
    if (rc == 0)
        rc = reduce_words(d, a->maxs, a->n, sizeof a->maxs[0], MPI_INT64_T, MPI_MAX, "MPI_Reduce (maxs)");
    return rc;
}

static int mpi_reduce_u64(run_dist *d, uint64_t *v, size_t n)
{
    if (d->size == 1)
        return RUN_OK;
    int rc = same_counts(d, "counter array lengths", &n, 1);
    if (rc == 0)
        rc = reduce_words(d, v, n, sizeof v[0], MPI_UINT64_T, MPI_SUM, "MPI_Reduce (counters)");
    return rc;
}

static void mpi_finalize(run_dist *d)
{
    (void)d; /* run_dist_finalize clears d->mpi */
    MPI_Finalize();
}

/* The one exported symbol (the module is compiled with hidden visibility). */
__attribute__((visibility("default"))) const run_dist_mpi_ops run_dist_mpi_module = {
    .abi = RUN_DIST_MPI_ABI,
    .run_dist_size = sizeof(run_dist),
    .rep_accs_size = sizeof(rep_accs),
    .init = mpi_init,
    .agree = mpi_agree,
    .reduce = mpi_reduce,
    .reduce_u64 = mpi_reduce_u64,
    .finalize = mpi_finalize,
};
