/*
 * sch_walk.h - walking a scenario's YAML tree against a schema, with key paths in messages.
 *
 * Every section parser (the scenario's own, each model's) uses these helpers, so every error
 * looks the same: file:line:column of the offending node, the key path, and "expected ..., found
 * ...". A walk never stops at the first error: helpers report and return, and the caller goes on
 * to the next key, so one run reports everything it can.
 *
 * Field helpers return SCH_FIELD_OK when the key is present and valid (the value is stored),
 * SCH_FIELD_ABSENT when it is absent (nothing stored: the caller's default stands; reported as an
 * error when the field is required), and SCH_FIELD_BAD when present but invalid (reported; nothing
 * stored). A key written with no value (`key:` or `key: ~`) counts as present and is invalid for
 * every typed field: a default is never taken silently from a half-written line.
 */
#ifndef BGSIM_SCH_WALK_H
#define BGSIM_SCH_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "sch_diag.h"
#include "sch_yaml.h"
#include "sim_calendar.h"
#include "sim_engine.h"

struct sch_rec;

typedef struct sch_cx {
    sch_diag *diag;
    struct sch_rec *rec; /* NULL, or a recorder of the walk (sch_rec.h) */
    char path[512];
    size_t path_len;
    char quoted[2][160]; /* sch_cx_quote's buffers */
    int next_quote;
} sch_cx;

typedef enum sch_need { SCH_OPTIONAL = 0, SCH_REQUIRED = 1 } sch_need;
typedef enum sch_field { SCH_FIELD_BAD = -1, SCH_FIELD_ABSENT = 0, SCH_FIELD_OK = 1 } sch_field;

void sch_cx_init(sch_cx *cx, sch_diag *diag);
/* Extends the key path by ".key" (or "key" at the root) / "[i]"; returns the length to restore. */
size_t sch_cx_push_key(sch_cx *cx, const char *key);
size_t sch_cx_push_index(sch_cx *cx, size_t i);
void sch_cx_pop(sch_cx *cx, size_t saved);
/* User text as messages show it (sch_quote: quoted, escaped, shortened). The result lives in one
 * of two buffers in cx, so two quotes can appear in one message. */
const char *sch_cx_quote(sch_cx *cx, const char *text);
/* What a message says was found: a scalar's text quoted (in one of sch_cx_quote's buffers),
 * else "a mapping", "a list" or "nothing". */
const char *sch_cx_found(sch_cx *cx, const sch_node *n);
/* Reports an error at node `at` with the current key path; nothing when the YAML layer already
 * reported that node (at->refused). */
void sch_cx_error(sch_cx *cx, const sch_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports an error about `key` of `map`: at the key's value (or at the map when the key is
 * absent), with the key pushed onto the path. */
void sch_cx_key_error(sch_cx *cx, const sch_node *map, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Checks that `node` is a mapping whose keys are all in `keys` (a NULL-terminated list). Unknown
 * keys are reported with a did-you-mean suggestion. Returns false, after reporting, when `node` is
 * not a mapping (the caller then skips its fields).
 */
bool sch_check_map(sch_cx *cx, const sch_node *node, const char *const *keys);
/* Reports "missing required key" at `map` for each listed key that is absent. */
bool sch_require_keys(sch_cx *cx, const sch_node *map, const char *const *keys);

/* The value of `key` (path pushed while checking it): a scalar with text, or NULL after reporting
 * "expected <what>, found <kind>". Absent keys return NULL without a report unless required. */
sch_field sch_field_node(sch_cx *cx, const sch_node *map, const char *key, sch_need need, const sch_node **out);

sch_field sch_field_duration(sch_cx *cx, const sch_node *map, const char *key, sch_need need, sim_time *out);
sch_field sch_field_percent(sch_cx *cx, const sch_node *map, const char *key, sch_need need, double *out);
sch_field sch_field_probability(sch_cx *cx, const sch_node *map, const char *key, sch_need need, double *out);
sch_field sch_field_time_of_day(sch_cx *cx, const sch_node *map, const char *key, sch_need need, sim_time *out);
sch_field sch_field_datetime(sch_cx *cx, const sch_node *map, const char *key, sch_need need, sim_datetime *out);
sch_field sch_field_int64(sch_cx *cx, const sch_node *map, const char *key, sch_need need, int64_t min,
                          int64_t max, int64_t *out);
sch_field sch_field_uint64(sch_cx *cx, const sch_node *map, const char *key, sch_need need, uint64_t *out);
sch_field sch_field_double(sch_cx *cx, const sch_node *map, const char *key, sch_need need, double min,
                           double max, double *out);
sch_field sch_field_bool(sch_cx *cx, const sch_node *map, const char *key, sch_need need, bool *out);
/* A non-empty string without control characters; *out is a new malloc'd copy the caller frees
 * (the previous *out is freed first). */
sch_field sch_field_string(sch_cx *cx, const sch_node *map, const char *key, sch_need need, char **out);
/* One of `names` (NULL-terminated); *out is its index. Other values get a did-you-mean. */
sch_field sch_field_enum(sch_cx *cx, const sch_node *map, const char *key, sch_need need,
                         const char *const *names, int *out);

/* Marks [p, p + size) as holding the defaults the walk's fields start from, for a recorder
 * (sch_rec.h); nothing without one. A loader calls it after filling a config with defaults. */
void sch_cx_defaults_at(sch_cx *cx, const void *p, size_t size);

/* The same checks for a value that is not under a key (a list item): node must be a scalar. */
bool sch_value_duration(sch_cx *cx, const sch_node *node, sim_time *out);

#endif
