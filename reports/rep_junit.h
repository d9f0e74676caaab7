/*
 * rep_junit.h - `bgsim check` results as JUnit XML, the format CI systems read.
 *
 * One <testsuite> per scenario file, one <testcase> per checked expectation; a failed one holds a
 * <failure> whose message is the measured value and the bound. Text is escaped with util_xml_text.
 */
#ifndef BGSIM_REP_JUNIT_H
#define BGSIM_REP_JUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One checked expectation: what `bgsim check` prints as "PASS  FILE  NAME = VALUE  (BOUND)". */
typedef struct rep_check_result {
    bool pass;
    char name[160];  /* the metric, "fingerprint" or "fleet KEY" */
    char value[160]; /* what was measured */
    char bound[128]; /* what it had to be */
} rep_check_result;

/* The XML declaration and the opening <testsuites>. */
void rep_junit_begin(FILE *out);
/* One file's suite (its path as the suite's name and each case's class name). */
void rep_junit_suite(FILE *out, const char *path, const rep_check_result *res, size_t n);
/* The closing </testsuites>. */
void rep_junit_end(FILE *out);

#endif
