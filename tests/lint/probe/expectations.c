/* A lint probe, never built: tests/lint/catches.sh hands it to tools/lint.sh, which must report
 * the null dereference at the end. It is the shape of a table-driven test (a loop over rows with
 * several expectations each) that drove the analyzer into its node budget with Criterion's own
 * assertion macro, so that the last lines were never reached: tools/lint-criterion.h says why. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>

bool probe_ok(int bucket, long t, long *back);
const char *probe_name(int bucket);

Test(probe, null_dereference_after_a_table_of_expectations)
{
    long back = 0;
    const struct {
        int bucket;
        long sweep, after;
    } rows[] = {{1, 121, 132}, {2, 473, 484}, {3, 1430, 1441}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int b = rows[i].bucket;
        cr_expect(probe_ok(b, 65, &back), "%s: the last start's beat", probe_name(b));
        cr_expect(!probe_ok(b, 66, &back), "%s: the next beat", probe_name(b));
        cr_expect_eq(back, rows[i].sweep, "%s: %ld", probe_name(b), back);
        cr_expect(!probe_ok(b, rows[i].sweep - 1, &back));
        cr_expect(probe_ok(b, rows[i].sweep, &back), "%s: the sweep beat", probe_name(b));
        cr_expect(!probe_ok(b, rows[i].after, &back), "%s: after the sweep", probe_name(b));
        cr_expect_eq(back, rows[i].after, "%s: %ld", probe_name(b), back);
    }
    int *p = NULL;
    if (probe_ok(0, 0, &back))
        *p = 1; /* the finding lint must report */
}
