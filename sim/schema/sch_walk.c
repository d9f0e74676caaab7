/*
 * sch_walk.c - schema helpers over the YAML tree.
 */
#include "sch_walk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sch_rec.h"
#include "sch_suggest.h"
#include "sch_units.h"
#include "util.h"

#define WHY_LEN 256

void sch_cx_init(sch_cx *cx, sch_diag *diag)
{
    cx->diag = diag;
    cx->rec = NULL;
    cx->path[0] = '\0';
    cx->path_len = 0;
    cx->next_quote = 0;
}

/* Appends `len` bytes of `text` to the key path, truncated at the buffer's end as snprintf would
 * (path_len stops at its size - 1). Copies, where it called vsnprintf: a scenario's load pushes
 * some 60 keys, and every device of a fleet loads its own (820 instructions a push). */
static void append_path(sch_cx *cx, const char *text, size_t len)
{
    size_t room = sizeof cx->path - 1 - cx->path_len;
    if (len > room)
        len = room;
    memcpy(cx->path + cx->path_len, text, len);
    cx->path_len += len;
    cx->path[cx->path_len] = '\0';
}

size_t sch_cx_push_key(sch_cx *cx, const char *key)
{
    size_t saved = cx->path_len;
    if (saved)
        append_path(cx, ".", 1);
    append_path(cx, key, strlen(key));
    return saved;
}

size_t sch_cx_push_index(sch_cx *cx, size_t i)
{
    size_t saved = cx->path_len;
    char digits[24], *d = digits + sizeof digits;
    *--d = ']';
    do
        *--d = (char)('0' + i % 10);
    while ((i /= 10) > 0);
    *--d = '[';
    append_path(cx, d, (size_t)(digits + sizeof digits - d));
    return saved;
}

const char *sch_cx_quote(sch_cx *cx, const char *text)
{
    char *buf = cx->quoted[cx->next_quote];
    cx->next_quote ^= 1;
    sch_quote(text, buf, sizeof cx->quoted[0]);
    return buf;
}

void sch_cx_pop(sch_cx *cx, size_t saved)
{
    cx->path_len = saved;
    cx->path[saved] = '\0';
}

void sch_cx_error(sch_cx *cx, const sch_node *at, const char *fmt, ...)
{
    if (at && at->refused)
        return; /* the YAML layer already reported this node */
    va_list ap;
    va_start(ap, fmt);
    sch_diag_verror(cx->diag, at ? at->line : 0, at ? at->column : 0, cx->path, fmt, ap);
    va_end(ap);
}

const char *sch_cx_found(sch_cx *cx, const sch_node *n)
{
    if (n->kind == SCH_SCALAR && !sch_node_is_null(n))
        return sch_cx_quote(cx, n->text);
    return sch_node_kind_name(n);
}

static size_t list_len(const char *const *keys)
{
    size_t n = 0;
    while (keys[n])
        n++;
    return n;
}

/* "'a', 'b' or 'c'" into buf, for messages listing the accepted words. */
static void format_choices(const char *const *names, char *buf, size_t size)
{
    size_t n = list_len(names), used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = snprintf(buf + used, size - used, "%s'%s'", sep, names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

void sch_cx_key_error(sch_cx *cx, const sch_node *map, const char *key, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const sch_node *v = sch_map_get(map, key);
    size_t saved = sch_cx_push_key(cx, key);
    sch_cx_error(cx, v ? v : map, "%s", msg);
    sch_cx_pop(cx, saved);
}

void sch_cx_defaults_at(sch_cx *cx, const void *p, size_t size)
{
    if (cx->rec)
        sch_rec_defaults_at(cx->rec, p, size);
}

/* A recorder's note of `key` under the current path (sch_rec.h). */
static void note_field(sch_cx *cx, const char *key, const sch_rec_field *f, bool required)
{
    char path[sizeof cx->path + 160];
    snprintf(path, sizeof path, "%s%s%s", cx->path, cx->path_len ? "." : "", key);
    if (f)
        sch_rec_field_at(cx->rec, path, f);
    else
        sch_rec_key(cx->rec, path, required);
}

bool sch_check_map(sch_cx *cx, const sch_node *node, const char *const *keys)
{
    if (cx->rec)
        sch_rec_map(cx->rec, cx->path, keys);
    if (node->kind != SCH_MAP) {
        sch_cx_error(cx, node, "expected a mapping, found %s", sch_cx_found(cx, node));
        return false;
    }
    size_t n = list_len(keys);
    for (size_t i = 0; i < node->count; i++) {
        const sch_node *k = node->pairs[i].key;
        if (k->kind != SCH_SCALAR)
            continue; /* already reported by the YAML layer */
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = strcmp(k->text, keys[j]) == 0;
        if (known)
            continue;
        const char *guess = sch_did_you_mean(k->text, keys, n);
        if (guess) {
            sch_cx_error(cx, k, "unknown key %s (did you mean '%s'?)", sch_cx_quote(cx, k->text), guess);
        } else {
            char choices[512];
            format_choices(keys, choices, sizeof choices);
            sch_cx_error(cx, k, n ? "unknown key %s (expected %s)" : "unknown key %s (nothing is expected here yet)",
                         sch_cx_quote(cx, k->text), choices);
        }
    }
    return true;
}

bool sch_require_keys(sch_cx *cx, const sch_node *map, const char *const *keys)
{
    bool ok = true;
    for (size_t i = 0; keys[i]; i++) {
        if (cx->rec && map->kind == SCH_MAP && !sch_map_get(map, keys[i]))
            note_field(cx, keys[i], NULL, true);
        if (!sch_map_get(map, keys[i])) {
            sch_cx_error(cx, map, "missing required key '%s'", keys[i]);
            ok = false;
        }
    }
    return ok;
}

sch_field sch_field_node(sch_cx *cx, const sch_node *map, const char *key, sch_need need, const sch_node **out)
{
    if (cx->rec) /* required: when its absence is reported, below */
        note_field(cx, key, NULL, need == SCH_REQUIRED && map && map->kind == SCH_MAP && !sch_map_get(map, key));
    const sch_node *v = map && map->kind == SCH_MAP ? sch_map_get(map, key) : NULL;
    if (!v) {
        if (need == SCH_REQUIRED && map && map->kind == SCH_MAP)
            sch_cx_error(cx, map, "missing required key '%s'", key);
        return SCH_FIELD_ABSENT;
    }
    *out = v;
    return SCH_FIELD_OK;
}

/* The scalar under `key` with the path pushed (restore with *saved), or NULL: absent, or reported
 * as not a scalar ("expected WHAT", or the choices of `names` when not NULL: formatted only then,
 * as an enum is read on every load of every fleet device). *res tells which. */
static const sch_node *field_scalar(sch_cx *cx, const sch_node *map, const char *key, sch_need need,
                                    const char *what, const char *const *names, size_t *saved, sch_field *res)
{
    const sch_node *v = NULL;
    *res = sch_field_node(cx, map, key, need, &v);
    *saved = sch_cx_push_key(cx, key);
    if (*res != SCH_FIELD_OK)
        return NULL;
    if (v->kind != SCH_SCALAR || sch_node_is_null(v)) {
        char choices[256];
        if (names) {
            format_choices(names, choices, sizeof choices);
            what = choices;
        }
        sch_cx_error(cx, v, "expected %s, found %s", what, sch_node_kind_name(v));
        *res = SCH_FIELD_BAD;
        return NULL;
    }
    return v;
}

/* Runs a sch_parse_* result through the path/position reporting. */
static sch_field finish(sch_cx *cx, const sch_node *v, bool ok, const char *why, size_t saved)
{
    if (!ok)
        sch_cx_error(cx, v, "%s", why);
    sch_cx_pop(cx, saved);
    return ok ? SCH_FIELD_OK : SCH_FIELD_BAD;
}

/* The common shape of every typed field: find the scalar, parse it with PARSE_CALL (which sees
 * `v->text`, `why` and `WHY_LEN`), report. */
#define TYPED_FIELD(what, PARSE_CALL, ...) TYPED_FIELD_OF(what, NULL, PARSE_CALL, __VA_ARGS__)
/* ... with the choices of `names` for "expected" (what is then NULL) */
#define TYPED_FIELD_OF(what, names, PARSE_CALL, ...)                                               \
    do {                                                                                           \
        if (cx->rec)                                                                               \
            note_field(cx, key, &(sch_rec_field){.required = need == SCH_REQUIRED, .out = out, __VA_ARGS__}, false); \
        size_t saved;                                                                              \
        sch_field res;                                                                             \
        const sch_node *v = field_scalar(cx, map, key, need, what, names, &saved, &res);          \
        if (!v) {                                                                                  \
            sch_cx_pop(cx, saved);                                                                 \
            return res;                                                                            \
        }                                                                                          \
        char why[WHY_LEN];                                                                         \
        return finish(cx, v, PARSE_CALL, why, saved);                                              \
    } while (0)

sch_field sch_field_duration(sch_cx *cx, const sch_node *map, const char *key, sch_need need, sim_time *out)
{
    TYPED_FIELD("a duration", sch_parse_duration(v->text, out, why, WHY_LEN), .type = SCH_T_DURATION);
}

sch_field sch_field_percent(sch_cx *cx, const sch_node *map, const char *key, sch_need need, double *out)
{
    TYPED_FIELD("a percentage", sch_parse_percent(v->text, out, why, WHY_LEN), .type = SCH_T_PERCENT);
}

sch_field sch_field_probability(sch_cx *cx, const sch_node *map, const char *key, sch_need need, double *out)
{
    TYPED_FIELD("a probability", sch_parse_probability(v->text, out, why, WHY_LEN), .type = SCH_T_PROBABILITY);
}

sch_field sch_field_time_of_day(sch_cx *cx, const sch_node *map, const char *key, sch_need need, sim_time *out)
{
    TYPED_FIELD("a time of day", sch_parse_time_of_day(v->text, out, why, WHY_LEN), .type = SCH_T_TIME_OF_DAY);
}

sch_field sch_field_datetime(sch_cx *cx, const sch_node *map, const char *key, sch_need need, sim_datetime *out)
{
    TYPED_FIELD("a date-time", sch_parse_datetime(v->text, out, why, WHY_LEN), .type = SCH_T_DATETIME);
}

sch_field sch_field_int64(sch_cx *cx, const sch_node *map, const char *key, sch_need need, int64_t min,
                          int64_t max, int64_t *out)
{
    TYPED_FIELD("an integer", sch_parse_int64(v->text, min, max, out, why, WHY_LEN), .type = SCH_T_INT,
                .has_bounds = true, .min = (double)min, .max = (double)max);
}

sch_field sch_field_uint64(sch_cx *cx, const sch_node *map, const char *key, sch_need need, uint64_t *out)
{
    TYPED_FIELD("a non-negative integer", sch_parse_uint64(v->text, out, why, WHY_LEN), .type = SCH_T_UINT);
}

sch_field sch_field_double(sch_cx *cx, const sch_node *map, const char *key, sch_need need, double min,
                           double max, double *out)
{
    TYPED_FIELD("a number", sch_parse_double(v->text, min, max, out, why, WHY_LEN), .type = SCH_T_NUMBER,
                .has_bounds = true, .min = min, .max = max);
}

sch_field sch_field_bool(sch_cx *cx, const sch_node *map, const char *key, sch_need need, bool *out)
{
    TYPED_FIELD("true or false", sch_parse_bool(v->text, out, why, WHY_LEN), .type = SCH_T_BOOL);
}

static bool parse_string(const char *s, char **out, char *why, size_t why_len)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, why_len, "expected text without control characters, found a \\x%02x byte", *p);
            return false;
        }
    }
    char *copy = util_strdup(s);
    if (!copy) {
        snprintf(why, why_len, "out of memory");
        return false;
    }
    free(*out);
    *out = copy;
    return true;
}

sch_field sch_field_string(sch_cx *cx, const sch_node *map, const char *key, sch_need need, char **out)
{
    TYPED_FIELD("text", parse_string(v->text, out, why, WHY_LEN), .type = SCH_T_STRING);
}

static bool parse_enum(const char *s, const char *const *names, int *out, char *why, size_t why_len)
{
    size_t n = list_len(names);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    }
    const char *guess = sch_did_you_mean(s, names, n);
    char choices[128], found[64];
    format_choices(names, choices, sizeof choices);
    sch_quote(s, found, sizeof found);
    if (guess)
        snprintf(why, why_len, "expected %s, found %s (did you mean '%s'?)", choices, found, guess);
    else
        snprintf(why, why_len, "expected %s, found %s", choices, found);
    return false;
}

sch_field sch_field_enum(sch_cx *cx, const sch_node *map, const char *key, sch_need need,
                         const char *const *names, int *out)
{
    TYPED_FIELD_OF(NULL, names, parse_enum(v->text, names, out, why, WHY_LEN), .type = SCH_T_ENUM, .names = names);
}

bool sch_value_duration(sch_cx *cx, const sch_node *node, sim_time *out)
{
    if (cx->rec)
        sch_rec_field_at(cx->rec, cx->path, &(sch_rec_field){.type = SCH_T_DURATION});
    if (node->kind != SCH_SCALAR || sch_node_is_null(node)) {
        sch_cx_error(cx, node, "expected a duration, found %s", sch_node_kind_name(node));
        return false;
    }
    char why[WHY_LEN];
    if (sch_parse_duration(node->text, out, why, sizeof why))
        return true;
    sch_cx_error(cx, node, "%s", why);
    return false;
}
