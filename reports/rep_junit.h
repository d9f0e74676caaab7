/*
 * rep_junit.h - `bgsim check` results as JUnit XML, the format CI systems read.
 *
 * One <testsuite> per scenario file, one <testcase> per checked expectation; a failed one holds a
 * <failure> whose message is the measured value and the bound. A file that could not be loaded or
 * run is one test case holding an <error> with its diagnostics (CI shows the broken file); a file
 * with nothing to check is one <skipped> case, or an <error> when the caller asks for one.
 *
 * The output meets the rules of Jenkins xUnit's junit-10.xsd (tests/reports/junit/junit.rng): `tests`,
 * `failures`, `errors`, `skipped` and `time` on every suite, totals on <testsuites>. Suites are
 * buffered until rep_junit_write because the totals open the file.
 *
 * Class names: "bgsim." + the path without its .yaml/.yml extension, every other '.' made '_'.
 * Jenkins splits a class name at its last dot into package and class: this way the package is
 * always "bgsim" and the class is the file ("scenarios/news-android-ci"), never "yaml".
 *
 * Determinism: the caller gives each suite's time and timestamp. bgsim check gives 0 and the
 * scenario's simulated start by default, so the same files give the same bytes; measured times
 * are its --wall-time option. A case's time is always 0: a file's runs serve all its
 * expectations at once, so only the suite's time means something. Text is escaped with
 * util_xml_text.
 */
#ifndef BGSIM_REP_JUNIT_H
#define BGSIM_REP_JUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rep_check.h"

/* What a suite says besides its results. */
typedef struct rep_junit_suite_info {
    const char *path;      /* the scenario file: the suite's name, and its class name (see above) */
    const char *timestamp; /* "YYYY-MM-DDThh:mm:ss", or NULL for none */
    double time_s;         /* seconds spent on the file */
    /* When error is set the file has no results: one test case `error_case` holding an <error>
     * whose message is `error` and whose text is `detail` (the diagnostics, may be NULL). */
    const char *error;
    const char *error_case;
    const char *detail;
} rep_junit_suite_info;

/* A report being written: suites go to a buffer, totals are counted. */
typedef struct rep_junit {
    FILE *body;
    char *text;
    size_t len;
    size_t tests, failures, errors, skipped;
    double time_s;
} rep_junit;

/* 0, or -1 when the buffer cannot be made (out of memory). */
int rep_junit_open(rep_junit *j);
/* One file's suite: `res[0..n)` (n == 0 and no error: one skipped case "expect"). */
void rep_junit_suite(rep_junit *j, const rep_junit_suite_info *info, const rep_check_result *res, size_t n);
/* The XML declaration, <testsuites> with the totals, every suite, </testsuites> to `out`; frees
 * the buffer. 0, or -1 when the buffer could not be written (out of memory). */
int rep_junit_write(rep_junit *j, FILE *out);
/* Frees the buffer without writing (after an error). */
void rep_junit_free(rep_junit *j);

#endif
