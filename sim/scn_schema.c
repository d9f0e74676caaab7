/*
 * scn_schema.c - schema helpers over the YAML tree.
 */
#include "scn_schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_suggest.h"
#include "scn_units.h"

#define WHY_LEN 256

void scn_cx_init(scn_cx *cx, scn_diag *diag)
{
    cx->diag = diag;
    cx->path[0] = '\0';
    cx->path_len = 0;
    cx->next_quote = 0;
}

/* Appends formatted text to the key path (truncated at the buffer's end); returns the old length. */
static size_t push_path(scn_cx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t push_path(scn_cx *cx, const char *fmt, ...)
{
    size_t saved = cx->path_len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cx->path + saved, sizeof cx->path - saved, fmt, ap);
    va_end(ap);
    if (n > 0)
        cx->path_len = saved + (size_t)n < sizeof cx->path ? saved + (size_t)n : sizeof cx->path - 1;
    return saved;
}

size_t scn_cx_push_key(scn_cx *cx, const char *key)
{
    return push_path(cx, "%s%s", cx->path_len ? "." : "", key);
}

size_t scn_cx_push_index(scn_cx *cx, size_t i) { return push_path(cx, "[%zu]", i); }

const char *scn_cx_quote(scn_cx *cx, const char *text)
{
    char *buf = cx->quoted[cx->next_quote];
    cx->next_quote ^= 1;
    scn_quote(text, buf, sizeof cx->quoted[0]);
    return buf;
}

void scn_cx_pop(scn_cx *cx, size_t saved)
{
    cx->path_len = saved;
    cx->path[saved] = '\0';
}

void scn_cx_error(scn_cx *cx, const scn_node *at, const char *fmt, ...)
{
    if (at && at->refused)
        return; /* the YAML layer already reported this node */
    va_list ap;
    va_start(ap, fmt);
    scn_diag_verror(cx->diag, at ? at->line : 0, at ? at->column : 0, cx->path, fmt, ap);
    va_end(ap);
}

const char *scn_cx_found(scn_cx *cx, const scn_node *n)
{
    if (n->kind == SCN_SCALAR && !scn_node_is_null(n))
        return scn_cx_quote(cx, n->text);
    return scn_node_kind_name(n);
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

void scn_cx_key_error(scn_cx *cx, const scn_node *map, const char *key, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const scn_node *v = scn_map_get(map, key);
    size_t saved = scn_cx_push_key(cx, key);
    scn_cx_error(cx, v ? v : map, "%s", msg);
    scn_cx_pop(cx, saved);
}

bool scn_check_map(scn_cx *cx, const scn_node *node, const char *const *keys)
{
    if (node->kind != SCN_MAP) {
        scn_cx_error(cx, node, "expected a mapping, found %s", scn_cx_found(cx, node));
        return false;
    }
    size_t n = list_len(keys);
    for (size_t i = 0; i < node->count; i++) {
        const scn_node *k = node->pairs[i].key;
        if (k->kind != SCN_SCALAR)
            continue; /* already reported by the YAML layer */
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = strcmp(k->text, keys[j]) == 0;
        if (known)
            continue;
        const char *guess = scn_did_you_mean(k->text, keys, n);
        if (guess) {
            scn_cx_error(cx, k, "unknown key %s (did you mean '%s'?)", scn_cx_quote(cx, k->text), guess);
        } else {
            char choices[512];
            format_choices(keys, choices, sizeof choices);
            scn_cx_error(cx, k, n ? "unknown key %s (expected %s)" : "unknown key %s (nothing is expected here yet)",
                         scn_cx_quote(cx, k->text), choices);
        }
    }
    return true;
}

bool scn_require_keys(scn_cx *cx, const scn_node *map, const char *const *keys)
{
    bool ok = true;
    for (size_t i = 0; keys[i]; i++) {
        if (!scn_map_get(map, keys[i])) {
            scn_cx_error(cx, map, "missing required key '%s'", keys[i]);
            ok = false;
        }
    }
    return ok;
}

scn_field scn_field_node(scn_cx *cx, const scn_node *map, const char *key, scn_need need, const scn_node **out)
{
    const scn_node *v = map && map->kind == SCN_MAP ? scn_map_get(map, key) : NULL;
    if (!v) {
        if (need == SCN_REQUIRED && map && map->kind == SCN_MAP)
            scn_cx_error(cx, map, "missing required key '%s'", key);
        return SCN_FIELD_ABSENT;
    }
    *out = v;
    return SCN_FIELD_OK;
}

/* The scalar under `key` with the path pushed (restore with *saved), or NULL: absent, or reported
 * as not a scalar. *res tells which. */
static const scn_node *field_scalar(scn_cx *cx, const scn_node *map, const char *key, scn_need need,
                                    const char *what, size_t *saved, scn_field *res)
{
    const scn_node *v = NULL;
    *res = scn_field_node(cx, map, key, need, &v);
    *saved = scn_cx_push_key(cx, key);
    if (*res != SCN_FIELD_OK)
        return NULL;
    if (v->kind != SCN_SCALAR || scn_node_is_null(v)) {
        scn_cx_error(cx, v, "expected %s, found %s", what, scn_node_kind_name(v));
        *res = SCN_FIELD_BAD;
        return NULL;
    }
    return v;
}

/* Runs a scn_parse_* result through the path/position reporting. */
static scn_field finish(scn_cx *cx, const scn_node *v, bool ok, const char *why, size_t saved)
{
    if (!ok)
        scn_cx_error(cx, v, "%s", why);
    scn_cx_pop(cx, saved);
    return ok ? SCN_FIELD_OK : SCN_FIELD_BAD;
}

/* The common shape of every typed field: find the scalar, parse it with PARSE_CALL (which sees
 * `v->text`, `why` and `WHY_LEN`), report. */
#define TYPED_FIELD(what, PARSE_CALL)                                                              \
    do {                                                                                           \
        size_t saved;                                                                              \
        scn_field res;                                                                             \
        const scn_node *v = field_scalar(cx, map, key, need, what, &saved, &res);                 \
        if (!v) {                                                                                  \
            scn_cx_pop(cx, saved);                                                                 \
            return res;                                                                            \
        }                                                                                          \
        char why[WHY_LEN];                                                                         \
        return finish(cx, v, PARSE_CALL, why, saved);                                              \
    } while (0)

scn_field scn_field_duration(scn_cx *cx, const scn_node *map, const char *key, scn_need need, sim_time *out)
{
    TYPED_FIELD("a duration", scn_parse_duration(v->text, out, why, WHY_LEN));
}

scn_field scn_field_percent(scn_cx *cx, const scn_node *map, const char *key, scn_need need, double *out)
{
    TYPED_FIELD("a percentage", scn_parse_percent(v->text, out, why, WHY_LEN));
}

scn_field scn_field_probability(scn_cx *cx, const scn_node *map, const char *key, scn_need need, double *out)
{
    TYPED_FIELD("a probability", scn_parse_probability(v->text, out, why, WHY_LEN));
}

scn_field scn_field_time_of_day(scn_cx *cx, const scn_node *map, const char *key, scn_need need, sim_time *out)
{
    TYPED_FIELD("a time of day", scn_parse_time_of_day(v->text, out, why, WHY_LEN));
}

scn_field scn_field_datetime(scn_cx *cx, const scn_node *map, const char *key, scn_need need, sim_datetime *out)
{
    TYPED_FIELD("a date-time", scn_parse_datetime(v->text, out, why, WHY_LEN));
}

scn_field scn_field_int64(scn_cx *cx, const scn_node *map, const char *key, scn_need need, int64_t min,
                          int64_t max, int64_t *out)
{
    TYPED_FIELD("an integer", scn_parse_int64(v->text, min, max, out, why, WHY_LEN));
}

scn_field scn_field_uint64(scn_cx *cx, const scn_node *map, const char *key, scn_need need, uint64_t *out)
{
    TYPED_FIELD("a non-negative integer", scn_parse_uint64(v->text, out, why, WHY_LEN));
}

scn_field scn_field_double(scn_cx *cx, const scn_node *map, const char *key, scn_need need, double min,
                           double max, double *out)
{
    TYPED_FIELD("a number", scn_parse_double(v->text, min, max, out, why, WHY_LEN));
}

scn_field scn_field_bool(scn_cx *cx, const scn_node *map, const char *key, scn_need need, bool *out)
{
    TYPED_FIELD("true or false", scn_parse_bool(v->text, out, why, WHY_LEN));
}

static bool parse_string(const char *s, char **out, char *why, size_t why_len)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, why_len, "expected text without control characters, found a \\x%02x byte", *p);
            return false;
        }
    }
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (!copy) {
        snprintf(why, why_len, "out of memory");
        return false;
    }
    memcpy(copy, s, n);
    free(*out);
    *out = copy;
    return true;
}

scn_field scn_field_string(scn_cx *cx, const scn_node *map, const char *key, scn_need need, char **out)
{
    TYPED_FIELD("text", parse_string(v->text, out, why, WHY_LEN));
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
    const char *guess = scn_did_you_mean(s, names, n);
    char choices[128], found[64];
    format_choices(names, choices, sizeof choices);
    scn_quote(s, found, sizeof found);
    if (guess)
        snprintf(why, why_len, "expected %s, found %s (did you mean '%s'?)", choices, found, guess);
    else
        snprintf(why, why_len, "expected %s, found %s", choices, found);
    return false;
}

scn_field scn_field_enum(scn_cx *cx, const scn_node *map, const char *key, scn_need need,
                         const char *const *names, int *out)
{
    char choices[256];
    format_choices(names, choices, sizeof choices);
    TYPED_FIELD(choices, parse_enum(v->text, names, out, why, WHY_LEN));
}

bool scn_value_duration(scn_cx *cx, const scn_node *node, sim_time *out)
{
    if (node->kind != SCN_SCALAR || scn_node_is_null(node)) {
        scn_cx_error(cx, node, "expected a duration, found %s", scn_node_kind_name(node));
        return false;
    }
    char why[WHY_LEN];
    if (scn_parse_duration(node->text, out, why, sizeof why))
        return true;
    scn_cx_error(cx, node, "%s", why);
    return false;
}
