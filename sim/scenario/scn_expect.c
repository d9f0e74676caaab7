/*
 * scn_expect.c - parsing expectations.
 */
#include "scn_expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sch_suggest.h"
#include "sch_units.h"
#include "util.h"

/* One bound under `key` of `map`, written in the metric's kind. */
static sch_field bound(sch_cx *cx, const sch_node *map, const char *key, rep_metric_kind kind, double *out)
{
    sch_field f;
    if (kind == REP_KIND_DURATION) {
        sim_time ms = 0;
        f = sch_field_duration(cx, map, key, SCH_OPTIONAL, &ms);
        *out = (double)ms;
    } else if (kind == REP_KIND_COUNT) {
        int64_t n = 0;
        f = sch_field_int64(cx, map, key, SCH_OPTIONAL, 0, INT64_MAX, &n);
        *out = (double)n;
    } else if (kind == REP_KIND_FRACTION) {
        f = sch_field_probability(cx, map, key, SCH_OPTIONAL, out);
    } else {
        f = sch_field_double(cx, map, key, SCH_OPTIONAL, 0, 1e12, out);
    }
    return f;
}

/* min / max / equals of `map` into x; false (reported) when the combination is not sensible. */
static bool bounds(sch_cx *cx, const sch_node *map, rep_metric_kind kind, bool allow_equals, scn_expectation *x)
{
    x->has_min = bound(cx, map, "min", kind, &x->min) == SCH_FIELD_OK;
    x->has_max = bound(cx, map, "max", kind, &x->max) == SCH_FIELD_OK;
    if (allow_equals)
        x->has_equals = bound(cx, map, "equals", kind, &x->equals) == SCH_FIELD_OK;
    bool any = sch_map_get(map, "min") || sch_map_get(map, "max") || (allow_equals && sch_map_get(map, "equals"));
    if (!any) {
        sch_cx_error(cx, map, allow_equals ? "expected at least one of 'min', 'max' or 'equals'"
                                           : "expected at least one of 'min' or 'max'");
        return false;
    }
    if (x->has_equals && (sch_map_get(map, "min") || sch_map_get(map, "max"))) {
        sch_cx_error(cx, map, "'equals' cannot be combined with 'min' or 'max'");
        return false;
    }
    if (x->has_min && x->has_max && x->min > x->max) {
        sch_cx_error(cx, sch_map_get(map, "max"), "expected a maximum >= the minimum, found %s",
                     sch_cx_quote(cx, sch_map_get(map, "max")->text));
        return false;
    }
    return true;
}

static void parse_fingerprint(sch_cx *cx, const sch_node *v, scn_expect *out)
{
    size_t saved = sch_cx_push_key(cx, "fingerprint");
    out->fp_start = v->start;
    out->fp_end = v->end;
    out->fp_line = v->line;
    out->fp_column = v->column;
    const char *t = v->kind == SCH_SCALAR ? v->text : "";
    size_t n = strlen(t);
    bool hex = v->kind == SCH_SCALAR && n == 16;
    for (size_t i = 0; hex && i < n; i++)
        hex = (t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f');
    if (!hex)
        sch_cx_error(cx, v, "expected 16 lower-case hex digits as printed by 'bgsim run --fingerprint', found %s",
                     v->kind == SCH_SCALAR ? sch_cx_quote(cx, t) : sch_node_kind_name(v));
    else {
        out->has_fingerprint = true;
        out->fingerprint = strtoull(t, NULL, 16);
    }
    sch_cx_pop(cx, saved);
}

static void parse_one(sch_cx *cx, const sch_pair *p, const char *const *tasks, size_t task_count, scn_expectation *x)
{
    static const char *const plain_keys[] = {"min", "max", "equals", NULL};
    static const char *const stat_keys[] = {"seeds", "confidence", "mean", NULL};
    static const char *const mean_keys[] = {"min", "max", NULL};
    const char *name = p->key->text;
    x->line = p->key->line;
    x->column = p->key->column;
    bool scope_ok = false;
    if (!rep_metric_resolve(name, tasks, task_count, &x->ref, &scope_ok)) {
        const char *dot = NULL;
        if (scope_ok) { /* a known scope: suggest among the metric names */
            for (const char *c = name; *c; c++)
                if (*c == '.' && !dot)
                    dot = c;
        }
        const char *const *suffixes = rep_metric_suffixes();
        size_t n = 0;
        while (suffixes[n])
            n++;
        const char *guess = dot ? sch_did_you_mean(dot + 1, suffixes, n) : NULL;
        if (guess)
            sch_cx_error(cx, p->key, "unknown metric %s (did you mean '%.*s.%s'?)", sch_cx_quote(cx, name),
                         (int)(dot - name), name, guess);
        else
            sch_cx_error(cx, p->key, scope_ok ? "unknown metric %s (scenarios/METRICS.md lists them)"
                                              : "unknown metric %s (expected 'worker.' or a task name, then a metric)",
                         sch_cx_quote(cx, name));
        return;
    }
    size_t saved = sch_cx_push_key(cx, name);
    const sch_node *v = p->value;
    bool statistical = v->kind == SCH_MAP && sch_map_get(v, "seeds");
    if (statistical) {
        if (sch_check_map(cx, v, stat_keys)) {
            int64_t seeds = 0;
            if (sch_field_int64(cx, v, "seeds", SCH_REQUIRED, 2, SCN_EXPECT_MAX_SEEDS, &seeds) == SCH_FIELD_OK)
                x->seeds = (int)seeds;
            double conf = 95;
            if (sch_field_percent(cx, v, "confidence", SCH_OPTIONAL, &conf) == SCH_FIELD_OK && (conf <= 0 || conf >= 100)) {
                sch_cx_error(cx, sch_map_get(v, "confidence"), "expected a confidence above 0%% and below 100%%, found %s",
                             sch_cx_quote(cx, sch_map_get(v, "confidence")->text));
            }
            x->confidence = conf / 100.0;
            const sch_node *mean = NULL;
            if (sch_field_node(cx, v, "mean", SCH_REQUIRED, &mean) == SCH_FIELD_OK) {
                size_t s2 = sch_cx_push_key(cx, "mean");
                if (sch_check_map(cx, mean, mean_keys))
                    bounds(cx, mean, x->ref.def->kind, false, x);
                sch_cx_pop(cx, s2);
            }
        }
    } else if (sch_check_map(cx, v, plain_keys)) {
        bounds(cx, v, x->ref.def->kind, true, x);
    }
    sch_cx_pop(cx, saved);
    x->metric = util_strdup(name);
}

const char *const scn_fleet_stat_names[] = {"mean", "min", "p10", "p50", "p90", "max", NULL};
const double scn_fleet_stat_q[] = {-1, 0, 0.10, 0.50, 0.90, 1};

static void parse_fleet_one(sch_cx *cx, const sch_pair *p, const char *const *tasks, size_t task_count,
                            scn_fleet_expectation *x)
{
    static const char *const keys[] = {"min", "max", NULL};
    const char *key = p->key->text;
    x->line = p->key->line;
    x->column = p->key->column;
    x->key = util_strdup(key);
    const char *slash = strchr(key, '/');
    const char *rest = key;
    const char *op = strpbrk(key, "<>=");
    if (slash && (!op || op > slash)) {
        x->profile = util_strndup(key, (size_t)(slash - key));
        rest = slash + 1;
    }
    char why[512];
    rep_metric_kind kind;
    if (strpbrk(rest, "<>=")) {
        x->is_target = true;
        if (!scn_target_parse(rest, tasks, task_count, &x->target, why, sizeof why)) {
            sch_cx_error(cx, p->key, "%s", why);
            return;
        }
        kind = REP_KIND_FRACTION;
    } else {
        const char *dot = strrchr(rest, '.');
        int stat = -1;
        for (int i = 0; dot && scn_fleet_stat_names[i]; i++)
            if (strcmp(dot + 1, scn_fleet_stat_names[i]) == 0)
                stat = i;
        bool scope_ok = false;
        if (stat >= 0)
            x->metric = util_strndup(rest, (size_t)(dot - rest));
        if (stat < 0 || !x->metric || !rep_metric_resolve(x->metric, tasks, task_count, &x->ref, &scope_ok)) {
            sch_cx_error(cx, p->key,
                         "expected a target (METRIC<=VALUE: the share of devices meeting it) or METRIC.STAT with STAT "
                         "one of mean, min, p10, p50, p90, max (a statistic across devices), found %s",
                         sch_cx_quote(cx, key));
            return;
        }
        x->stat = (scn_fleet_stat)stat;
        kind = x->ref.def->kind;
    }
    size_t saved = sch_cx_push_key(cx, key);
    if (sch_check_map(cx, p->value, keys)) {
        scn_expectation b = {0};
        b.ref = x->ref;
        if (bounds(cx, p->value, kind, false, &b)) {
            x->has_min = b.has_min;
            x->has_max = b.has_max;
            x->min = b.min;
            x->max = b.max;
        }
    }
    sch_cx_pop(cx, saved);
}

static void parse_fleet(sch_cx *cx, const sch_node *v, const char *const *tasks, size_t task_count, scn_expect *out)
{
    size_t saved = sch_cx_push_key(cx, "fleet");
    out->fleet_devices = SCN_EXPECT_DEFAULT_DEVICES;
    if (v->kind != SCH_MAP) {
        sch_cx_error(cx, v, "expected a mapping of fleet metrics to bounds, found %s", sch_cx_found(cx, v));
    } else if (!(out->fleet = calloc(v->count ? v->count : 1, sizeof *out->fleet))) {
        sch_cx_error(cx, v, "out of memory");
    } else {
        for (size_t i = 0; i < v->count; i++) {
            const sch_pair *p = &v->pairs[i];
            if (p->key->kind != SCH_SCALAR)
                continue;
            if (strcmp(p->key->text, "devices") == 0) {
                int64_t d = 0;
                if (sch_field_int64(cx, v, "devices", SCH_REQUIRED, 1, 100000000, &d) == SCH_FIELD_OK)
                    out->fleet_devices = (uint64_t)d;
                continue;
            }
            if (out->fleet_count == SCN_EXPECT_MAX_FLEET) {
                sch_cx_error(cx, p->key, "expected at most %d fleet expectations, found more", SCN_EXPECT_MAX_FLEET);
                break;
            }
            parse_fleet_one(cx, p, tasks, task_count, &out->fleet[out->fleet_count++]);
        }
    }
    sch_cx_pop(cx, saved);
}

void scn_expect_parse(sch_cx *cx, const sch_node *node, const char *const *tasks, size_t task_count,
                      scn_expect *out)
{
    memset(out, 0, sizeof *out);
    if (node->kind != SCH_MAP) {
        sch_cx_error(cx, node, "expected a mapping of metrics to bounds, found %s", sch_cx_found(cx, node));
        return;
    }
    out->items = calloc(node->count ? node->count : 1, sizeof *out->items);
    if (!out->items) {
        sch_cx_error(cx, node, "out of memory");
        return;
    }
    for (size_t i = 0; i < node->count; i++) {
        const sch_pair *p = &node->pairs[i];
        if (p->key->kind != SCH_SCALAR)
            continue;
        if (strcmp(p->key->text, "fingerprint") == 0)
            parse_fingerprint(cx, p->value, out);
        else if (strcmp(p->key->text, "fleet") == 0)
            parse_fleet(cx, p->value, tasks, task_count, out);
        else
            parse_one(cx, p, tasks, task_count, &out->items[out->count++]);
    }
}

/* ---- targets (fleets) ---- */

static const struct {
    const char *text;
    scn_target_op op;
} ops[] = {{"<=", SCN_OP_LE}, {">=", SCN_OP_GE}, {"==", SCN_OP_EQ}, {"<", SCN_OP_LT}, {">", SCN_OP_GT}};

bool scn_target_parse(const char *text, const char *const *tasks, size_t task_count, scn_target *out, char *why,
                      size_t size)
{
    *out = (scn_target){0};
    /* The text comes from a file's key or --target: it is quoted (control bytes escaped) in every
     * message, so it cannot forge a line of the log (issue 23). */
    char shown[4 * SCH_QUOTE_MAX + 8], op_shown[4 * SCH_QUOTE_MAX + 8];
    sch_quote(text, shown, sizeof shown);
    const char *at = strpbrk(text, "<>=");
    if (!at) {
        snprintf(why, size, "expected METRIC OP VALUE with OP one of <= < >= > == (e.g. sync.max_gap<=6h), found %s",
                 shown);
        return false;
    }
    size_t op_len = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0] && !op_len; i++)
        if (strncmp(at, ops[i].text, strlen(ops[i].text)) == 0) {
            out->op = ops[i].op;
            op_len = strlen(ops[i].text);
        }
    if (!op_len) {
        char two[3] = {at[0], at[1], '\0'}; /* at[0] is one of <>=, so at[1] exists (maybe the NUL) */
        sch_quote(two, op_shown, sizeof op_shown);
        snprintf(why, size, "expected a comparison <= < >= > == in %s, found %s", shown, op_shown);
        return false;
    }
    char name[256];
    size_t n = (size_t)(at - text);
    while (n > 0 && text[n - 1] == ' ')
        n--;
    if (n == 0 || n >= sizeof name) {
        snprintf(why, size, "expected a metric name before '%.*s' in %s", (int)op_len, at, shown);
        return false;
    }
    memcpy(name, text, n);
    name[n] = '\0';
    bool scope_ok;
    if (!rep_metric_resolve(name, tasks, task_count, &out->ref, &scope_ok)) {
        sch_quote(name, shown, sizeof shown);
        snprintf(why, size, "expected a metric of the catalogue (scenarios/METRICS.md) as worker.NAME or TASK.NAME, found %s%s",
                 shown, scope_ok ? " (no such metric)" : " (no such task)");
        return false;
    }
    const char *v = at + op_len;
    while (*v == ' ')
        v++;
    char vwhy[256];
    bool ok;
    if (out->ref.def->kind == REP_KIND_DURATION) {
        sim_time t;
        ok = sch_parse_duration(v, &t, vwhy, sizeof vwhy);
        out->value = (double)t;
    } else if (out->ref.def->kind == REP_KIND_FRACTION) {
        ok = sch_parse_probability(v, &out->value, vwhy, sizeof vwhy);
    } else {
        ok = sch_parse_double(v, 0, 1e15, &out->value, vwhy, sizeof vwhy);
    }
    if (!ok) {
        snprintf(why, size, "%s: %s", name, vwhy);
        return false;
    }
    if (!(out->text = util_strdup(text))) {
        snprintf(why, size, "out of memory");
        return false;
    }
    return true;
}

void scn_target_free(scn_target *t)
{
    free(t->text);
    t->text = NULL;
}

bool scn_target_holds(const scn_target *t, double v)
{
    switch (t->op) {
    case SCN_OP_LE:
        return v <= t->value;
    case SCN_OP_LT:
        return v < t->value;
    case SCN_OP_GE:
        return v >= t->value;
    case SCN_OP_GT:
        return v > t->value;
    case SCN_OP_EQ:
        return v == t->value;
    }
    return false;
}

void scn_expect_free(scn_expect *e)
{
    for (size_t i = 0; i < e->fleet_count; i++) {
        free(e->fleet[i].key);
        free(e->fleet[i].profile);
        free(e->fleet[i].metric);
        scn_target_free(&e->fleet[i].target);
    }
    free(e->fleet);
    for (size_t i = 0; i < e->count; i++)
        free(e->items[i].metric);
    free(e->items);
    memset(e, 0, sizeof *e);
}

int scn_expect_value_text(rep_metric_kind kind, double v, char *buf, size_t size)
{
    switch (kind) {
    case REP_KIND_COUNT: return snprintf(buf, size, "%.0f", v);
    case REP_KIND_DURATION: return sch_format_duration((sim_time)llround(v), buf, size);
    case REP_KIND_FRACTION: return snprintf(buf, size, "%.4f", v);
    default: return snprintf(buf, size, "%.4g", v);
    }
}

int scn_fleet_bound_text(const scn_fleet_expectation *x, char *buf, size_t size)
{
    char a[48], b[48];
    rep_metric_kind k = x->is_target ? REP_KIND_FRACTION : x->ref.def->kind;
    if (x->is_target) {
        snprintf(a, sizeof a, "%.1f%%", 100 * x->min);
        snprintf(b, sizeof b, "%.1f%%", 100 * x->max);
    } else {
        scn_expect_value_text(k, x->min, a, sizeof a);
        scn_expect_value_text(k, x->max, b, sizeof b);
    }
    if (x->has_min && x->has_max)
        return snprintf(buf, size, "min %s, max %s", a, b);
    return x->has_min ? snprintf(buf, size, "min %s", a) : snprintf(buf, size, "max %s", b);
}

int scn_expect_bound_text(const scn_expectation *x, char *buf, size_t size)
{
    char a[48], b[48];
    rep_metric_kind k = x->ref.def->kind;
    if (x->has_equals) {
        scn_expect_value_text(k, x->equals, a, sizeof a);
        return snprintf(buf, size, "equals %s", a);
    }
    scn_expect_value_text(k, x->min, a, sizeof a);
    scn_expect_value_text(k, x->max, b, sizeof b);
    const char *lo = x->has_min ? a : "-inf", *hi = x->has_max ? b : "+inf";
    if (x->seeds > 0)
        return snprintf(buf, size, "mean in [%s, %s] at %g%% over %d seeds", lo, hi, x->confidence * 100, x->seeds);
    if (x->has_min && x->has_max)
        return snprintf(buf, size, "min %s, max %s", a, b);
    return x->has_min ? snprintf(buf, size, "min %s", a) : snprintf(buf, size, "max %s", b);
}
