/*
 * scn_schema.h - walking a scenario's YAML tree against a schema, with key paths in messages.
 *
 * Every section parser (the scenario's own, each model's) uses these helpers, so every error
 * looks the same: file:line:column of the offending node, the key path, and "expected ..., found
 * ...". A walk never stops at the first error: helpers report and return, and the caller goes on
 * to the next key, so one run reports everything it can.
 *
 * Field helpers return SCN_FIELD_OK when the key is present and valid (the value is stored),
 * SCN_FIELD_ABSENT when it is absent (nothing stored: the caller's default stands; reported as an
 * error when the field is required), and SCN_FIELD_BAD when present but invalid (reported; nothing
 * stored). A key written with no value (`key:` or `key: ~`) counts as present and is invalid for
 * every typed field: a default is never taken silently from a half-written line.
 */
#ifndef BGSIM_SCN_SCHEMA_H
#define BGSIM_SCN_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "scn_diag.h"
#include "scn_yaml.h"
#include "sim_calendar.h"
#include "sim_engine.h"

typedef struct scn_cx {
    scn_diag *diag;
    char path[512];
    size_t path_len;
    char quoted[2][160]; /* scn_cx_quote's buffers */
    int next_quote;
} scn_cx;

typedef enum scn_need { SCN_OPTIONAL = 0, SCN_REQUIRED = 1 } scn_need;
typedef enum scn_field { SCN_FIELD_BAD = -1, SCN_FIELD_ABSENT = 0, SCN_FIELD_OK = 1 } scn_field;

void scn_cx_init(scn_cx *cx, scn_diag *diag);
/* Extends the key path by ".key" (or "key" at the root) / "[i]"; returns the length to restore. */
size_t scn_cx_push_key(scn_cx *cx, const char *key);
size_t scn_cx_push_index(scn_cx *cx, size_t i);
void scn_cx_pop(scn_cx *cx, size_t saved);
/* User text as messages show it (scn_quote: quoted, escaped, shortened). The result lives in one
 * of two buffers in cx, so two quotes can appear in one message. */
const char *scn_cx_quote(scn_cx *cx, const char *text);
/* What a message says was found: a scalar's text quoted (in one of scn_cx_quote's buffers),
 * else "a mapping", "a list" or "nothing". */
const char *scn_cx_found(scn_cx *cx, const scn_node *n);
/* Reports an error at node `at` with the current key path; nothing when the YAML layer already
 * reported that node (at->refused). */
void scn_cx_error(scn_cx *cx, const scn_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports an error about `key` of `map`: at the key's value (or at the map when the key is
 * absent), with the key pushed onto the path. */
void scn_cx_key_error(scn_cx *cx, const scn_node *map, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Checks that `node` is a mapping whose keys are all in `keys` (a NULL-terminated list). Unknown
 * keys are reported with a did-you-mean suggestion. Returns false, after reporting, when `node` is
 * not a mapping (the caller then skips its fields).
 */
bool scn_check_map(scn_cx *cx, const scn_node *node, const char *const *keys);
/* Reports "missing required key" at `map` for each listed key that is absent. */
bool scn_require_keys(scn_cx *cx, const scn_node *map, const char *const *keys);

/* The value of `key` (path pushed while checking it): a scalar with text, or NULL after reporting
 * "expected <what>, found <kind>". Absent keys return NULL without a report unless required. */
scn_field scn_field_node(scn_cx *cx, const scn_node *map, const char *key, scn_need need, const scn_node **out);

scn_field scn_field_duration(scn_cx *cx, const scn_node *map, const char *key, scn_need need, sim_time *out);
scn_field scn_field_percent(scn_cx *cx, const scn_node *map, const char *key, scn_need need, double *out);
scn_field scn_field_probability(scn_cx *cx, const scn_node *map, const char *key, scn_need need, double *out);
scn_field scn_field_time_of_day(scn_cx *cx, const scn_node *map, const char *key, scn_need need, sim_time *out);
scn_field scn_field_datetime(scn_cx *cx, const scn_node *map, const char *key, scn_need need, sim_datetime *out);
scn_field scn_field_int64(scn_cx *cx, const scn_node *map, const char *key, scn_need need, int64_t min,
                          int64_t max, int64_t *out);
scn_field scn_field_uint64(scn_cx *cx, const scn_node *map, const char *key, scn_need need, uint64_t *out);
scn_field scn_field_double(scn_cx *cx, const scn_node *map, const char *key, scn_need need, double min,
                           double max, double *out);
scn_field scn_field_bool(scn_cx *cx, const scn_node *map, const char *key, scn_need need, bool *out);
/* A non-empty string without control characters; *out is a new malloc'd copy the caller frees
 * (the previous *out is freed first). */
scn_field scn_field_string(scn_cx *cx, const scn_node *map, const char *key, scn_need need, char **out);
/* One of `names` (NULL-terminated); *out is its index. Other values get a did-you-mean. */
scn_field scn_field_enum(scn_cx *cx, const scn_node *map, const char *key, scn_need need,
                         const char *const *names, int *out);

/* The same checks for a value that is not under a key (a list item): node must be a scalar. */
bool scn_value_duration(scn_cx *cx, const scn_node *node, sim_time *out);

#endif
