/*
 * test_fleet_report.c - rep_fleet: the accumulator layout packs each group's days, metrics and
 * targets without overlap, and a target's share carries the 95 % Wilson interval.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "rep_fleet.h"

Test(fleet_report, the_layout_gives_every_accumulator_one_index)
{
    rep_fleet_layout l = {.groups = 3, .n_metrics = 4, .n_targets = 2};
    size_t n = rep_fleet_acc_count(&l);
    cr_assert_eq(n, 3 * (1 + 4 + 2));
    int seen[21] = {0};
    for (size_t g = 0; g < l.groups; g++) {
        seen[rep_fleet_days_index(&l, g)]++;
        for (size_t m = 0; m < l.n_metrics; m++)
            seen[rep_fleet_metric_index(&l, g, m)]++;
        for (size_t t = 0; t < l.n_targets; t++)
            seen[rep_fleet_target_index(&l, g, t)]++;
    }
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(seen[i], 1, "accumulator %zu used %d times", i, seen[i]);
}

Test(fleet_report, the_wilson_interval_stays_inside_zero_and_one)
{
    double lo, hi;
    rep_fleet_share_interval(0, 10, &lo, &hi);
    /* 0 of n: [0, z^2 / (n + z^2)] with z = 1.959964 */
    cr_expect(lo >= 0 && lo < 1e-12 && fabs(hi - 3.841459 / 13.841459) < 1e-6, "[%g, %g]", lo, hi);
    rep_fleet_share_interval(10, 10, &lo, &hi);
    cr_expect(hi <= 1 && hi > 1 - 1e-12 && fabs(lo - 10 / 13.841459) < 1e-6, "[%g, %g]", lo, hi);
    rep_fleet_share_interval(0, 0, &lo, &hi);
    cr_expect(isnan(lo) && isnan(hi));
}

Test(fleet_report, a_target_share_is_read_from_its_accumulator)
{
    rep_fleet_layout l = {.groups = 1, .n_metrics = 0, .n_targets = 1};
    rep_acc_shape shapes[2] = {{.scale = 1e6, .histogram = false}, {.scale = 1, .histogram = false}};
    rep_accs a;
    cr_assert_eq(rep_accs_init(&a, rep_fleet_acc_count(&l), shapes), 0);
    for (int i = 0; i < 4; i++)
        rep_accs_add(&a, rep_fleet_target_index(&l, 0, 0), i < 3 ? 1 : 0);
    rep_fleet_share sh = rep_fleet_target_share(&l, &a, 0, 0);
    cr_expect(sh.n == 4 && sh.k == 3 && sh.share == 0.75, "%llu of %llu", (unsigned long long)sh.k,
              (unsigned long long)sh.n);
    cr_expect(sh.lo > 0 && sh.lo < 0.75 && sh.hi > 0.75 && sh.hi < 1);
    rep_accs_free(&a);
}
