/* A lint probe, never built: tests/lint/catches.sh hands it to tools/lint.sh, which must report
 * the null dereference at the end. It follows a loop of 48 turns, as many Tests do (a loop over
 * seeds); the analyzer drops a path after four turns of a loop unless tools/lint.sh turns on its
 * widen-loops for test files. */
#include <criterion/criterion.h>
#include <stddef.h>

int probe_run(int seed);

Test(probe, null_dereference_after_a_loop_over_seeds)
{
    int runs = 0;
    for (int seed = 1; seed <= 48; seed++) {
        int n = probe_run(seed);
        cr_assert_geq(n, 0, "seed %d", seed);
        runs += n;
    }
    int *p = NULL;
    if (runs > 100)
        *p = runs; /* the finding lint must report */
}
