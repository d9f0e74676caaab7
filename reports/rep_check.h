/*
 * rep_check.h - `bgsim check` results: one checked expectation, and the results as JSON
 * (--format json; the contract is schemas/check.schema.json, version REP_CHECK_JSON_VERSION).
 *
 *   {"schema_version":1,"files":[{"file":..,"status":"pass"|"fail"|"error"|"no_expectations",
 *     "error":..,"detail":..,"results":[{"name":..,"pass":true,"value":..,"bound":..}]}],
 *    "passed":N,"failed":N,"errors":N}
 *
 * "error" and "detail" only when the file could not be loaded or run (or had no expectations
 * under --require-expect); value and bound are the texts the text output prints.
 */
#ifndef BGSIM_REP_CHECK_H
#define BGSIM_REP_CHECK_H

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

/* A JSON report being written to `out` (totals counted for the end). */
typedef struct rep_check_json {
    FILE *out;
    size_t files, passed, failed, errors;
} rep_check_json;

void rep_check_json_begin(rep_check_json *j, FILE *out);
/* One file: its results, or (error set) what stopped it and its diagnostics (detail, may be NULL). */
void rep_check_json_file(rep_check_json *j, const char *path, const rep_check_result *res, size_t n,
                         const char *error, const char *detail);
void rep_check_json_end(rep_check_json *j);

#endif
