/*
 * run_dist_mpi.h - the interface between run_dist.c (in every bgsim) and the MPI module
 * (run_dist_mpi.c, built as bgsim-mpi.so and linked with libmpi; run_dist.h says what each
 * function does). Private to sim/scenario: nothing else loads or calls the module.
 *
 * Why a module. Linking libmpi into bgsim made the dynamic loader relocate Open MPI (libmpi,
 * libopen-rte, libopen-pal, hwloc, libevent, ...) at the start of every process - about 2 M
 * instructions, ~3 ms, for each `bgsim run`, `sweep`, `check` or `--version` - although only a
 * `bgsim fleet` started by an MPI launcher uses it. So libmpi is a dependency of the module only,
 * and run_dist_init loads the module (dlopen RTLD_NOW | RTLD_GLOBAL) only in such a process.
 *
 * The module exports one symbol, RUN_DIST_MPI_SYMBOL, a run_dist_mpi_ops table. The loader
 * refuses a table whose abi differs from its own RUN_DIST_MPI_ABI (a module of another bgsim
 * build): bump it whenever this header, run_dist or rep_accs change shape.
 */
#ifndef BGSIM_RUN_DIST_MPI_H
#define BGSIM_RUN_DIST_MPI_H

#include <stddef.h>
#include <stdint.h>

#include "rep_acc.h"
#include "run_dist.h"

#define RUN_DIST_MPI_ABI 1u
#define RUN_DIST_MPI_SYMBOL "run_dist_mpi_module"

/* The MPI implementations of run_dist.h's functions. init is called only when the process was
 * started by a launcher; the others only after init succeeded (d->mpi). */
struct run_dist_mpi_ops {
    unsigned abi;             /* RUN_DIST_MPI_ABI of the build that made the module */
    size_t run_dist_size;     /* sizeof(run_dist) and sizeof(rep_accs) there: a cheap second check */
    size_t rep_accs_size;
    int (*init)(run_dist *d, int *argc, char ***argv);
    int (*agree)(run_dist *d, int status);
    int (*reduce)(run_dist *d, rep_accs *a);
    int (*reduce_u64)(run_dist *d, uint64_t *v, size_t n);
    void (*finalize)(run_dist *d);
};

/* Defined by the module (run_dist_mpi.c), found by run_dist.c with dlsym; never linked. */
extern const run_dist_mpi_ops run_dist_mpi_module;

#endif
