/*
 * test_junit.c - rep_junit: the totals open the report, a suite counts its failures, errors and
 * skips, a passing case is one empty element, a failing one carries its value and bound, a file
 * that could not load is an <error> case with its diagnostics, a file with no expectations a
 * <skipped> one, class names keep Jenkins from splitting at ".yaml", and every text is escaped.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "rep_junit.h"

/* The report of `n` suites as text (the caller frees it). */
static char *report(const rep_junit_suite_info *info, const rep_check_result *const *res, const size_t *n,
                    size_t suites)
{
    rep_junit j;
    cr_assert_eq(rep_junit_open(&j), 0);
    for (size_t i = 0; i < suites; i++)
        rep_junit_suite(&j, &info[i], res[i], n[i]);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert(out != NULL);
    cr_assert_eq(rep_junit_write(&j, out), 0);
    fclose(out);
    return text;
}

Test(junit, a_suite_counts_failures_and_escapes_every_text)
{
    rep_check_result res[2] = {
        {.pass = true, .name = "worker.runs_per_day", .value = "4.00", .bound = "at least 3"},
        {.pass = false, .name = "fleet share(\"a<b\")", .value = "10% & more", .bound = "it's > 50%"},
    };
    rep_junit_suite_info info = {.path = "dir/x'y.v2.yaml", .timestamp = "2026-01-05T07:00:00"};
    const rep_check_result *rs[] = {res};
    size_t n[] = {2};
    char *text = report(&info, rs, n, 1);
    const char *want =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"bgsim check\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"0.000\">\n"
        "  <testsuite name=\"dir/x&#39;y.v2.yaml\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" "
        "time=\"0.000\" timestamp=\"2026-01-05T07:00:00\">\n"
        "    <testcase classname=\"bgsim.dir/x&#39;y_v2\" name=\"worker.runs_per_day\" time=\"0.000\"/>\n"
        "    <testcase classname=\"bgsim.dir/x&#39;y_v2\" name=\"fleet share(&quot;a&lt;b&quot;)\" time=\"0.000\">"
        "<failure message=\"10% &amp; more (it&#39;s &gt; 50%)\"/></testcase>\n"
        "  </testsuite>\n</testsuites>\n";
    cr_expect_str_eq(text, want);
    free(text);
}

Test(junit, a_broken_file_is_an_error_case_and_an_empty_one_is_skipped)
{
    rep_check_result ok[1] = {{.pass = true, .name = "fingerprint", .value = "1", .bound = "equals 1"}};
    rep_junit_suite_info info[3] = {
        {.path = "bad.yaml", .error = "invalid scenario\nsecond line", .detail = "error: bad.yaml:3:1: <x> & y\n"},
        {.path = "empty.yml", .time_s = 1.25},
        {.path = "good.yaml", .time_s = 0.5},
    };
    const rep_check_result *rs[] = {NULL, NULL, ok};
    size_t n[] = {0, 0, 1};
    char *text = report(info, rs, n, 3);
    const char *want =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"bgsim check\" tests=\"3\" failures=\"0\" errors=\"1\" time=\"1.750\">\n"
        "  <testsuite name=\"bad.yaml\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n"
        "    <testcase classname=\"bgsim.bad\" name=\"load\" time=\"0.000\"><error message=\"invalid scenario\">"
        "error: bad.yaml:3:1: &lt;x&gt; &amp; y\n</error></testcase>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"empty.yml\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\" time=\"1.250\">\n"
        "    <testcase classname=\"bgsim.empty\" name=\"expect\" time=\"0.000\"><skipped message=\"no expectations: "
        "the file has no &#39;expect:&#39; block\"/></testcase>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"good.yaml\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.500\">\n"
        "    <testcase classname=\"bgsim.good\" name=\"fingerprint\" time=\"0.000\"/>\n"
        "  </testsuite>\n</testsuites>\n";
    cr_expect_str_eq(text, want);
    free(text);
}
