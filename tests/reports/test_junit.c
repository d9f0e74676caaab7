/*
 * test_junit.c - rep_junit: the suite counts its failures, a passing case is one empty element, a
 * failing one carries its value and bound, and every text is escaped for an XML attribute.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "rep_junit.h"

Test(junit, a_suite_counts_failures_and_escapes_every_text)
{
    rep_check_result res[2] = {
        {.pass = true, .name = "worker.runs_per_day", .value = "4.00", .bound = "at least 3"},
        {.pass = false, .name = "fleet share(\"a<b\")", .value = "10% & more", .bound = "it's > 50%"},
    };
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert(out != NULL);
    rep_junit_begin(out);
    rep_junit_suite(out, "dir/x'y.yaml", res, 2);
    rep_junit_end(out);
    fclose(out);
    const char *want =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bgsim check\">\n"
        "  <testsuite name=\"dir/x&#39;y.yaml\" tests=\"2\" failures=\"1\">\n"
        "    <testcase classname=\"dir/x&#39;y.yaml\" name=\"worker.runs_per_day\"/>\n"
        "    <testcase classname=\"dir/x&#39;y.yaml\" name=\"fleet share(&quot;a&lt;b&quot;)\"><failure "
        "message=\"10% &amp; more (it&#39;s &gt; 50%)\"/></testcase>\n"
        "  </testsuite>\n</testsuites>\n";
    cr_expect_str_eq(text, want);
    free(text);
}
