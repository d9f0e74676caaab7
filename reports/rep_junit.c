/*
 * rep_junit.c - see rep_junit.h.
 */
#include "rep_junit.h"

#include "util.h"

void rep_junit_begin(FILE *out)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bgsim check\">\n", out);
}

void rep_junit_suite(FILE *out, const char *path, const rep_check_result *res, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += !res[i].pass;
    fputs("  <testsuite name=\"", out);
    util_xml_text(out, path);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", n, failed);
    for (size_t i = 0; i < n; i++) {
        fputs("    <testcase classname=\"", out);
        util_xml_text(out, path);
        fputs("\" name=\"", out);
        util_xml_text(out, res[i].name);
        fputs("\"", out);
        if (res[i].pass) {
            fputs("/>\n", out);
        } else {
            fputs("><failure message=\"", out);
            util_xml_text(out, res[i].value);
            fputs(" (", out);
            util_xml_text(out, res[i].bound);
            fputs(")\"/></testcase>\n", out);
        }
    }
    fputs("  </testsuite>\n", out);
}

void rep_junit_end(FILE *out) { fputs("</testsuites>\n", out); }
