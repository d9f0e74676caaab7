/*
 * run_dist.c - MPI scale-out of a fleet run (run_dist.h). Compiled with MPI when BGSIM_HAVE_MPI
 * is defined (cmake BGSIM_MPI); otherwise every function is the rank-0-of-1 stub.
 */
#include "run_dist.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BGSIM_HAVE_MPI
#include <mpi.h>
#endif

/* The largest count handed to one MPI call (MPI counts are int). The test lowers it to run the
 * chunk loop on small sets. */
#ifndef RUN_DIST_CHUNK
#define RUN_DIST_CHUNK INT_MAX
#endif

/* Open MPI's mpirun sets OMPI_COMM_WORLD_*; PMIx launchers (Open MPI 4+, srun --mpi=pmix) set
 * PMIX_RANK; MPICH's hydra and srun --mpi=pmi2 set PMI_RANK and PMI_SIZE. */
static bool started_by_launcher(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || (getenv("PMI_RANK") && getenv("PMI_SIZE"));
}

#ifdef BGSIM_HAVE_MPI

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

int run_dist_init(run_dist *d, int *argc, char ***argv)
{
    *d = (run_dist){.rank = 0, .size = 1, .mpi = false};
    if (!started_by_launcher())
        return RUN_OK;
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

int run_dist_agree(run_dist *d, int status)
{
    if (!d->mpi || d->size == 1)
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

int run_dist_reduce(run_dist *d, rep_accs *a)
{
    if (!d->mpi || d->size == 1)
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

int run_dist_reduce_u64(run_dist *d, uint64_t *v, size_t n)
{
    if (!d->mpi || d->size == 1)
        return RUN_OK;
    int rc = same_counts(d, "counter array lengths", &n, 1);
    if (rc == 0)
        rc = reduce_words(d, v, n, sizeof v[0], MPI_UINT64_T, MPI_SUM, "MPI_Reduce (counters)");
    return rc;
}

void run_dist_finalize(run_dist *d)
{
    if (!d->mpi)
        return;
    MPI_Finalize();
    d->mpi = false;
}

#else /* !BGSIM_HAVE_MPI */

/* A launcher's environment variable as a non-negative integer; -1 when absent or not a number. */
static long env_long(const char *name)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return -1;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    return (*end == '\0' && v >= 0) ? v : -1;
}

int run_dist_init(run_dist *d, int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    *d = (run_dist){.rank = 0, .size = 1, .mpi = false};
    if (!started_by_launcher())
        return RUN_OK;
    /* Started as one of several ranks: each would run and print the whole fleet. */
    long size = env_long("OMPI_COMM_WORLD_SIZE");
    if (size < 0)
        size = env_long("PMI_SIZE");
    long rank = env_long("OMPI_COMM_WORLD_RANK");
    if (rank < 0)
        rank = env_long("PMIX_RANK");
    if (rank < 0)
        rank = env_long("PMI_RANK");
    if (size > 1 || rank > 0) {
        snprintf(d->message, sizeof d->message,
                 "started as one of several MPI ranks, but this bgsim was built without MPI (configure with "
                 "-DBGSIM_MPI=ON and libopenmpi-dev installed); run it without mpirun");
        return RUN_ERR_INTERNAL;
    }
    return RUN_OK;
}

int run_dist_agree(run_dist *d, int status)
{
    (void)d;
    return status;
}

int run_dist_reduce(run_dist *d, rep_accs *a)
{
    (void)d;
    (void)a;
    return RUN_OK;
}

int run_dist_reduce_u64(run_dist *d, uint64_t *v, size_t n)
{
    (void)d;
    (void)v;
    (void)n;
    return RUN_OK;
}

void run_dist_finalize(run_dist *d)
{
    (void)d;
}

#endif
