/*
 * scn_set.c - key paths, and overrides applied to a YAML tree (scn_set.h).
 */
#include "scn_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sch_suggest.h"
#include "sch_units.h"
#include "util.h"

/* An argument as messages show it, between single quotes. Printable ASCII is shown whole (a key
 * path's "at character N" must stay countable); anything else goes through sch_quote(), so a
 * control byte, a newline or invalid UTF-8 from a script never reaches the terminal raw. */
typedef struct shown {
    char text[512];
} shown;

static const char *show(shown *b, const char *s)
{
    bool plain = true;
    for (const char *p = s; *p && plain; p++)
        plain = (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f && *p != '\\';
    if (plain && strlen(s) + 3 <= sizeof b->text)
        snprintf(b->text, sizeof b->text, "'%s'", s);
    else
        sch_quote(s, b->text, sizeof b->text);
    return b->text;
}

static const char *show_char(shown *b, char c)
{
    char one[2] = {c, '\0'};
    return show(b, one);
}

static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

void scn_override_free(scn_override *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->step_count; i++)
        free(o->steps[i].text);
    free(o->text);
    free(o->key);
    free(o->value);
    memset(o, 0, sizeof *o);
}

static bool add_step(scn_override *o, scn_set_step_kind kind, const char *text, size_t len, char *why, size_t size)
{
    if (o->step_count == SCN_SET_MAX_STEPS) {
        shown k;
        snprintf(why, size, "key path %s is longer than %d steps", show(&k, o->key), SCN_SET_MAX_STEPS);
        return false;
    }
    scn_set_step *st = &o->steps[o->step_count];
    *st = (scn_set_step){.kind = kind, .text = util_strndup(text, len)};
    if (!st->text) {
        snprintf(why, size, "out of memory");
        return false;
    }
    if (kind == SCN_STEP_INDEX)
        st->index = (size_t)strtoull(st->text, NULL, 10);
    o->step_count++;
    return true;
}

static bool parse_path(scn_override *o, char *why, size_t size)
{
    const char *p = o->key;
    shown k, c;
    for (;;) {
        size_t n = 0;
        while (key_char(p[n]))
            n++;
        if (n == 0) {
            if (*p == '\0' || *p == '.' || *p == '[')
                snprintf(why, size, "key path %s: expected a key at character %zu", show(&k, o->key), (size_t)(p - o->key) + 1);
            else
                snprintf(why, size, "key path %s: unexpected %s at character %zu (keys are letters, digits, '_' and '-')",
                         show(&k, o->key), show_char(&c, *p), (size_t)(p - o->key) + 1);
            return false;
        }
        if (!add_step(o, SCN_STEP_KEY, p, n, why, size))
            return false;
        p += n;
        while (*p == '[') {
            const char *close = strchr(p + 1, ']');
            if (!close) {
                snprintf(why, size, "key path %s: '[' at character %zu is not closed", show(&k, o->key), (size_t)(p - o->key) + 1);
                return false;
            }
            size_t len = (size_t)(close - p - 1);
            for (size_t i = 1; i <= len; i++) {
                if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) {
                    snprintf(why, size, "key path %s: unexpected %s at character %zu (a name holds no control "
                             "characters)", show(&k, o->key), show_char(&c, p[i]), (size_t)(p + i - o->key) + 1);
                    return false;
                }
            }
            if (len == 0) {
                snprintf(why, size, "key path %s: expected an index or a name between '[' and ']' at character %zu",
                         show(&k, o->key), (size_t)(p - o->key) + 1);
                return false;
            }
            bool digits = len <= 9;
            for (size_t i = 0; i < len && digits; i++)
                digits = p[1 + i] >= '0' && p[1 + i] <= '9';
            if (!add_step(o, digits ? SCN_STEP_INDEX : SCN_STEP_NAME, p + 1, len, why, size))
                return false;
            p = close + 1;
        }
        if (*p == '\0')
            return true;
        if (*p != '.') {
            snprintf(why, size, "key path %s: unexpected %s at character %zu (expected '.' or '[')", show(&k, o->key),
                     show_char(&c, *p),
                     (size_t)(p - o->key) + 1);
            return false;
        }
        p++;
    }
}

bool scn_set_parse(const char *arg, scn_override *out, char *why, size_t size)
{
    memset(out, 0, sizeof *out);
    shown a;
    const char *eq = strchr(arg, '=');
    if (!eq) {
        snprintf(why, size, "expected KEY=VALUE, found %s", show(&a, arg));
        return false;
    }
    if (eq == arg) {
        snprintf(why, size, "expected a key before '=', found %s", show(&a, arg));
        return false;
    }
    if (eq[1] == '\0') {
        snprintf(why, size, "expected a value after '=', found %s", show(&a, arg));
        return false;
    }
    const char *as_shown = show(&a, arg); /* messages only: escaped, without the quotes */
    out->text = util_strndup(as_shown + 1, strlen(as_shown) - 2);
    out->key = util_strndup(arg, (size_t)(eq - arg));
    out->value = util_strdup(eq + 1);
    if (!out->text || !out->key || !out->value) {
        snprintf(why, size, "out of memory");
        scn_override_free(out);
        return false;
    }
    if (!parse_path(out, why, size)) {
        scn_override_free(out);
        return false;
    }
    return true;
}

bool scn_set_split_values(const char *arg, char **key, char ***values, size_t *n, char *why, size_t size)
{
    *key = NULL;
    *values = NULL;
    *n = 0;
    shown a;
    scn_override probe;
    if (!scn_set_parse(arg, &probe, why, size))
        return false;
    const char *v = probe.value;
    size_t cap = 0;
    int depth = 0;
    char quote = 0;
    const char *start = v;
    bool ok = true;
    for (const char *p = v;; p++) {
        if (quote) {
            if (*p == '\0')
                break;
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '[' || *p == '{') {
            depth++;
        } else if ((*p == ']' || *p == '}') && depth > 0) {
            depth--;
        } else if ((*p == ',' && depth == 0) || *p == '\0') {
            size_t len = (size_t)(p - start);
            if (len == 0) {
                snprintf(why, size, "%s: expected a value between commas", show(&a, arg));
                ok = false;
                break;
            }
            if (*n == cap) {
                char **g = realloc(*values, (cap = cap ? cap * 2 : 8) * sizeof *g);
                if (!g) {
                    ok = false;
                    snprintf(why, size, "out of memory");
                    break;
                }
                *values = g;
            }
            if (!((*values)[*n] = util_strndup(start, len))) {
                ok = false;
                snprintf(why, size, "out of memory");
                break;
            }
            (*n)++;
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    if (ok && quote) {
        snprintf(why, size, "%s: a quote is not closed", show(&a, arg));
        ok = false;
    }
    if (ok)
        *key = probe.key, probe.key = NULL;
    scn_override_free(&probe);
    if (!ok) {
        scn_set_values_free(NULL, *values, *n);
        *values = NULL;
        *n = 0;
    }
    return ok;
}

void scn_set_values_free(char *key, char **values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(values[i]);
    free(values);
    free(key);
}

/* ---- applying ---- */

/* How messages introduce an override: "--set " for the command line's, its label otherwise. */
#define OV_PREFIX(o) ((o)->label ? (o)->label : "--set ")

static void mark_tree(sch_node *n, int line)
{
    if (!n)
        return;
    n->line = line;
    for (size_t i = 0; n->kind == SCH_MAP && i < n->count; i++) {
        mark_tree(n->pairs[i].key, line);
        mark_tree(n->pairs[i].value, line);
    }
    for (size_t i = 0; n->kind == SCH_SEQ && i < n->count; i++)
        mark_tree(n->items[i], line);
}

static sch_node *new_node(sch_node_kind kind, int line, const char *text)
{
    sch_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = line;
    if (kind == SCH_SCALAR) {
        n->plain = true;
        n->length = strlen(text);
        if (!(n->text = util_strdup(text))) {
            free(n);
            return NULL;
        }
    }
    return n;
}

/* The value slot of `key` in mapping `map`, adding the key (with a NULL value) when absent. */
static sch_node **slot_of(sch_node *map, const char *key, int line)
{
    for (size_t i = 0; i < map->count; i++)
        if (map->pairs[i].key->kind == SCH_SCALAR && strcmp(map->pairs[i].key->text, key) == 0)
            return &map->pairs[i].value;
    sch_pair *grown = realloc(map->pairs, (map->count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    map->pairs = grown;
    sch_node *k = new_node(SCH_SCALAR, line, key);
    if (!k)
        return NULL;
    map->pairs[map->count] = (sch_pair){.key = k, .value = NULL};
    return &map->pairs[map->count++].value;
}

/* The path's text up to and including step `upto`, as the user wrote it ("app.tasks[sync]"). */
static void path_prefix(const scn_override *o, size_t upto, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i <= upto && i < o->step_count && len < size; i++) {
        const scn_set_step *st = &o->steps[i];
        int w = st->kind == SCN_STEP_KEY ? snprintf(buf + len, size - len, "%s%s", i ? "." : "", st->text)
                                         : snprintf(buf + len, size - len, "[%s]", st->text);
        if (w < 0)
            return;
        len += (size_t)w;
    }
}

/* What step i of o looks into, for messages: "the scenario", or the quoted path of the steps
 * before it. Written only for an error: an override is applied once for every device of a fleet
 * (and every probe of its validation), and building it at every step was a quarter of the
 * override's cost. */
static const char *step_where(const scn_override *o, size_t i, char *where, size_t size)
{
    if (i == 0) {
        snprintf(where, size, "the scenario");
        return where;
    }
    where[0] = '\'';
    path_prefix(o, i - 1, where + 1, size - 2);
    size_t wl = strlen(where);
    snprintf(where + wl, size - wl, "'");
    return where;
}

static sch_node *item_by_name(sch_node *seq, const char *name)
{
    for (size_t i = 0; i < seq->count; i++) {
        const sch_node *v = sch_map_get(seq->items[i], "name");
        if (v && v->kind == SCH_SCALAR && strcmp(v->text, name) == 0)
            return seq->items[i];
    }
    return NULL;
}

static void name_error(sch_diag *diag, const scn_override *o, size_t step, const sch_node *seq, const char *where)
{
    const char *names[64];
    char list[256] = "";
    size_t m = 0, len = 0;
    for (size_t i = 0; i < seq->count && m < 64; i++) {
        const sch_node *v = sch_map_get(seq->items[i], "name");
        if (v && v->kind == SCH_SCALAR) {
            shown nm;
            names[m++] = v->text;
            if (len < sizeof list)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", m > 1 ? ", " : "", show(&nm, v->text));
        }
    }
    const char *guess = sch_did_you_mean(o->steps[step].text, names, m);
    char hint[128] = "";
    shown g;
    if (guess)
        snprintf(hint, sizeof hint, " (did you mean %s?)", show(&g, guess));
    else if (m > 0)
        snprintf(hint, sizeof hint, " (names: %.100s)", list);
    sch_diag_error(diag, o->line, o->column, "", "%s%s: %s has no item named '%s'%s", OV_PREFIX(o), o->text, where, o->steps[step].text, hint);
}

/* The override's value parsed by libyaml, or NULL when it is not valid YAML (reported). */
static sch_node *parse_value(const scn_override *o, sch_diag *diag)
{
    sch_diag vd;
    if (sch_diag_init(&vd, "value") != 0)
        return NULL;
    sch_node *value = sch_yaml_parse(o->value, strlen(o->value), &vd);
    if (sch_diag_count(&vd) > 0) {
        char msg[1024] = "";
        sch_diag_entry *e = &vd.entries[0];
        snprintf(msg, sizeof msg, "%s", vd.kept ? e->message : "invalid value");
        sch_diag_error(diag, o->line, o->column, "", "%s%s: the value is not valid YAML: %s", OV_PREFIX(o), o->text, msg);
        sch_diag_free(&vd);
        sch_yaml_free(value);
        return NULL;
    }
    sch_diag_free(&vd);
    if (!value)
        sch_diag_error(diag, o->line, o->column, "", "%s%s: out of memory", OV_PREFIX(o), o->text);
    return value;
}

static void apply_one(sch_node *root, const scn_override *o, int line, sch_diag *diag)
{
    char where[512];
    /* The value first: a value that is not YAML is reported without touching the tree. Most
     * values are one simple scalar (a fleet's drawn numbers, durations and times): made without
     * libyaml, the same node. */
    sch_node *value = sch_yaml_simple_scalar(o->value);
    if (!value)
        value = parse_value(o, diag);
    if (!value)
        return;
    mark_tree(value, line);

    /* Two passes: the first only checks the path (nothing is added when it is wrong), the second
     * adds what is missing and stores the value. */
    for (int create = 0; create < 2; create++) {
        sch_node **at = NULL;  /* the slot the value goes into */
        sch_node *cur = root;  /* the collection the next step looks into */
        for (size_t i = 0; i < o->step_count; i++) {
            const scn_set_step *st = &o->steps[i];
            if (!cur) { /* below a key that is not in the file yet (first pass) */
                if (st->kind != SCN_STEP_KEY) {
                    path_prefix(o, i - 1, where, sizeof where);
                    sch_diag_error(diag, o->line, o->column, "", "%s%s: '%s' is not in the file (a list item must exist)",
                                   OV_PREFIX(o), o->text, where);
                    goto out_free_value;
                }
                continue;
            }
            if (cur->kind != (st->kind == SCN_STEP_KEY ? SCH_MAP : SCH_SEQ)) {
                sch_diag_error(diag, o->line, o->column, "", "%s%s: %s is %s, not %s", OV_PREFIX(o), o->text,
                               step_where(o, i, where, sizeof where), sch_node_kind_name(cur),
                               st->kind == SCN_STEP_KEY ? "a mapping" : "a list");
                goto out_free_value;
            }
            at = NULL;
            if (st->kind == SCN_STEP_KEY) {
                if (create) {
                    at = slot_of(cur, st->text, line);
                    if (!at) {
                        sch_diag_error(diag, o->line, o->column, "", "%s%s: out of memory", OV_PREFIX(o), o->text);
                        goto out_free_value;
                    }
                } else {
                    for (size_t k = 0; k < cur->count && !at; k++)
                        if (cur->pairs[k].key->kind == SCH_SCALAR && strcmp(cur->pairs[k].key->text, st->text) == 0)
                            at = &cur->pairs[k].value;
                }
            } else if (st->kind == SCN_STEP_INDEX) {
                if (st->index >= cur->count) {
                    sch_diag_error(diag, o->line, o->column, "", "%s%s: %s has %zu item%s, no index %zu", OV_PREFIX(o), o->text,
                                   step_where(o, i, where, sizeof where),
                                   cur->count, cur->count == 1 ? "" : "s", st->index);
                    goto out_free_value;
                }
                at = &cur->items[st->index];
            } else {
                sch_node *item = item_by_name(cur, st->text);
                if (!item) {
                    name_error(diag, o, i, cur, step_where(o, i, where, sizeof where));
                    goto out_free_value;
                }
                for (size_t k = 0; k < cur->count; k++)
                    if (cur->items[k] == item)
                        at = &cur->items[k];
            }
            if (i + 1 == o->step_count)
                break;
            if (create && !*at && !(*at = new_node(SCH_MAP, line, NULL))) {
                sch_diag_error(diag, o->line, o->column, "", "%s%s: out of memory", OV_PREFIX(o), o->text);
                goto out_free_value;
            }
            cur = at ? *at : NULL;
        }
        if (create) {
            /* the last step always sets `at` (step_count >= 1, every map exists by now) */
            sch_yaml_free(*at); // NOLINT(clang-analyzer-core.NullDereference)
            *at = value;
            return;
        }
    }

out_free_value:
    sch_yaml_free(value);
}

void scn_set_apply(sch_node *root, const scn_override *overrides, size_t n, sch_diag *diag)
{
    if (!root)
        return;
    for (size_t k = 0; k < n; k++) {
        if (root->kind != SCH_MAP) {
            sch_diag_error(diag, overrides[k].line, overrides[k].column, "", "%s%s: the scenario is not a mapping",
                           OV_PREFIX(&overrides[k]), overrides[k].text);
            return;
        }
        apply_one(root, &overrides[k], -(int)(k + 1), diag);
    }
}

void scn_set_relabel(sch_diag *diag, const scn_override *overrides, size_t n)
{
    for (size_t i = 0; i < diag->kept; i++) {
        sch_diag_entry *e = &diag->entries[i];
        if (e->line >= 0 || (size_t)(-e->line - 1) >= n)
            continue;
        const scn_override *o = &overrides[-e->line - 1];
        const char *prefix = OV_PREFIX(o);
        size_t len = strlen(prefix) + strlen(o->text) + 1;
        char *path = malloc(len);
        if (!path)
            continue;
        snprintf(path, len, "%s%s", prefix, o->text);
        if (*e->path && strcmp(e->path, o->key) != 0) {
            size_t mlen = strlen(e->path) + strlen(e->message) + 3;
            char *msg = malloc(mlen);
            if (msg) {
                snprintf(msg, mlen, "%s: %s", e->path, e->message);
                free(e->message);
                e->message = msg;
            }
        }
        free(e->path);
        e->path = path;
        e->line = o->line;
        e->column = o->column;
    }
}
