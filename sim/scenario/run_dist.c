/*
 * run_dist.c - MPI scale-out of a fleet run (run_dist.h): recognising a launcher, and, in a build
 * with MPI (BGSIM_HAVE_MPI, cmake BGSIM_MPI), loading the MPI module (run_dist_mpi.c, built as
 * bgsim-mpi.so) and calling through its table; otherwise every function is the rank-0-of-1 stub.
 * Nothing here uses MPI itself, so bgsim does not link libmpi.
 */
#include "run_dist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BGSIM_HAVE_MPI
#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>

#include "run_dist_mpi.h"
#endif

/* Open MPI's mpirun sets OMPI_COMM_WORLD_*; PMIx launchers (Open MPI 4+, srun --mpi=pmix) set
 * PMIX_RANK; MPICH's hydra and srun --mpi=pmi2 set PMI_RANK and PMI_SIZE. */
static bool started_by_launcher(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || (getenv("PMI_RANK") && getenv("PMI_SIZE"));
}

#ifdef BGSIM_HAVE_MPI

/* RUN_DIST_MPI_MODULE_REL: the module's path relative to the directory of the bgsim executable,
 * the same in the build tree and installed (sim/scenario/CMakeLists.txt computes it from the
 * install directories). */
#ifndef RUN_DIST_MPI_MODULE_REL
#error "RUN_DIST_MPI_MODULE_REL must be defined in a build with MPI (sim/scenario/CMakeLists.txt)"
#endif

/* The module's path: the running executable's directory (/proc/self/exe, the kernel's record of
 * the file it ran, symbolic links resolved, whatever argv[0] and PATH said) joined with
 * RUN_DIST_MPI_MODULE_REL. RUN_OK, or RUN_ERR_INTERNAL with d->message. */
static int module_path(run_dist *d, char *path, size_t cap)
{
    ssize_t n = readlink("/proc/self/exe", path, cap - 1);
    if (n <= 0 || (size_t)n >= cap - 1) {
        snprintf(d->message, sizeof d->message,
                 "cannot find the MPI module " RUN_DIST_MPI_MODULE_REL ": the path of this program is unknown "
                 "(/proc/self/exe: %s)",
                 n < 0 ? strerror(errno) : "too long");
        return RUN_ERR_INTERNAL;
    }
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) : 0;
    int len = snprintf(path + dir, cap - dir, "/%s", RUN_DIST_MPI_MODULE_REL);
    if (len < 0 || (size_t)len >= cap - dir) {
        snprintf(d->message, sizeof d->message, "cannot load the MPI module: its path is longer than %zu bytes", cap);
        return RUN_ERR_INTERNAL;
    }
    return RUN_OK;
}

/* Loads the module and returns its table; NULL with d->message naming the path and the loader's
 * words. RTLD_GLOBAL: Open MPI loads its own components (mca_*.so) with dlopen and they resolve
 * libmpi's and libopen-pal's symbols from the global scope (mpi4py loads libmpi the same way).
 * RTLD_NOW: a missing symbol is an error here, with the module's name, not a crash mid-run. The
 * module is never closed: MPI may not be re-initialised, and its libraries keep threads. */
static const run_dist_mpi_ops *load_module(run_dist *d)
{
    /* Half a message, so that the path and the loader's words fit in d->message. */
    char path[RUN_MESSAGE_MAX / 2];
    if (module_path(d, path, sizeof path) != RUN_OK)
        return NULL;
    void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        /* glibc's words start with the path ("P: cannot open shared object file: ..."): not twice. */
        const char *why = dlerror();
        if (why && strncmp(why, path, strlen(path)) == 0)
            snprintf(d->message, sizeof d->message, "cannot load the MPI module %s", why);
        else
            snprintf(d->message, sizeof d->message, "cannot load the MPI module %s: %s", path,
                     why ? why : "unknown error");
        return NULL;
    }
    const run_dist_mpi_ops *ops = dlsym(h, RUN_DIST_MPI_SYMBOL);
    if (!ops) {
        const char *why = dlerror();
        snprintf(d->message, sizeof d->message, "the MPI module %s has no " RUN_DIST_MPI_SYMBOL ": %s", path,
                 why ? why : "unknown error");
        return NULL;
    }
    if (ops->abi != RUN_DIST_MPI_ABI || ops->run_dist_size != sizeof(run_dist) ||
        ops->rep_accs_size != sizeof(rep_accs)) {
        snprintf(d->message, sizeof d->message,
                 "the MPI module %s belongs to another bgsim build (interface %u, this program's %u); "
                 "reinstall bgsim",
                 path, ops->abi, RUN_DIST_MPI_ABI);
        return NULL;
    }
    return ops;
}

int run_dist_init(run_dist *d, int *argc, char ***argv)
{
    *d = (run_dist){.rank = 0, .size = 1, .mpi = false};
    if (!started_by_launcher())
        return RUN_OK;
    const run_dist_mpi_ops *ops = load_module(d);
    if (!ops)
        return RUN_ERR_INTERNAL;
    int rc = ops->init(d, argc, argv);
    if (rc == RUN_OK)
        d->ops = ops;
    return rc;
}

int run_dist_agree(run_dist *d, int status)
{
    return d->mpi ? d->ops->agree(d, status) : status;
}

int run_dist_reduce(run_dist *d, rep_accs *a)
{
    return d->mpi ? d->ops->reduce(d, a) : RUN_OK;
}

int run_dist_reduce_u64(run_dist *d, uint64_t *v, size_t n)
{
    return d->mpi ? d->ops->reduce_u64(d, v, n) : RUN_OK;
}

void run_dist_finalize(run_dist *d)
{
    if (!d->mpi)
        return;
    d->ops->finalize(d);
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
