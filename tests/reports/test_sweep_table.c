/*
 * test_sweep_table.c - rep_sweep_table: rows in combination order (the first key slowest), CSV
 * fields quoted when they hold a comma, hidden metrics without columns, and a missing value empty
 * in CSV and null in JSON.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rep_sweep_table.h"

static char *table_text(const rep_sweep_table *t, bool json)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert(out != NULL);
    if (json)
        rep_sweep_json(out, t);
    else
        rep_sweep_csv(out, t);
    fclose(out);
    return text;
}

Test(sweep_table, rows_follow_the_combinations_and_skip_hidden_metrics)
{
    char *a_values[] = {"1h", "6h"}, *b_values[] = {"x,y"};
    rep_sweep_key keys[] = {{.key = "a", .values = a_values, .n = 2}, {.key = "b", .values = b_values, .n = 1}};
    size_t idx[2];
    rep_sweep_combo(keys, 2, 1, idx);
    cr_expect(idx[0] == 1 && idx[1] == 0);
    const char *names[] = {"worker.runs_per_day", "worker.held_share.doze"};
    bool shown[] = {true, false};
    rep_ci cis[] = {{.n = 2, .mean = 4, .half = 0.5, .lo = 3.5, .hi = 4.5},
                    {.n = 0, .mean = NAN, .half = NAN, .lo = NAN, .hi = NAN},
                    {.n = 1, .mean = 2, .half = NAN, .lo = NAN, .hi = NAN},
                    {.n = 0, .mean = NAN, .half = NAN, .lo = NAN, .hi = NAN}};
    rep_sweep_table t = {.scenario = "s", .keys = keys, .n_keys = 2, .combos = 2, .seeds = 2, .confidence = 0.95,
                         .metric_names = names, .n_metrics = 2, .shown = shown, .cis = cis};
    char *csv = table_text(&t, false);
    cr_expect_str_eq(csv, "a,b,seeds,worker.runs_per_day.mean,worker.runs_per_day.ci_low,worker.runs_per_day.ci_high\n"
                          "1h,\"x,y\",2,4,3.5,4.5\n"
                          "6h,\"x,y\",2,2,,\n");
    free(csv);
    char *json = table_text(&t, true);
    cr_expect_str_eq(json, "{\"scenario\":\"s\",\"seeds\":2,\"confidence\":0.95,\"keys\":[\"a\",\"b\"],\"rows\":[\n"
                           "{\"set\":{\"a\":\"1h\",\"b\":\"x,y\"},\"seeds\":2,\"metrics\":{\"worker.runs_per_day\":"
                           "{\"n\":2,\"mean\":4,\"ci_low\":3.5,\"ci_high\":4.5}}},\n"
                           "{\"set\":{\"a\":\"6h\",\"b\":\"x,y\"},\"seeds\":2,\"metrics\":{\"worker.runs_per_day\":"
                           "{\"n\":1,\"mean\":2,\"ci_low\":null,\"ci_high\":null}}}\n]}\n");
    free(json);
}
