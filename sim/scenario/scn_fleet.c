/*
 * scn_fleet.c - parsing the `fleet:` section and drawing its devices.
 */
#include "scn_fleet.h"

#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sch_units.h"
#include "sim_rng.h"
#include "util.h"

/* ---- value kinds ---- */

enum { K_INT = 1, K_NUMBER = 2, K_PERCENT = 4, K_DURATION = 8, K_TOD = 16 };

/* Plain decimal digits, an optional '-' and '.', nothing else (no exponent: the grid is read from
 * the decimals written). */
static bool plain_decimal(const char *s)
{
    if (*s == '-')
        s++;
    bool digit = false, dot = false;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digit = true;
        else if (*s == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digit;
}

static int decimals_of(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot)
        return 0;
    int d = 0;
    for (dot++; *dot >= '0' && *dot <= '9'; dot++)
        d++;
    return d;
}

/* The kinds a literal can be read as. */
static unsigned kinds_of(const char *s)
{
    char why[256];
    unsigned k = 0;
    int64_t i;
    double d;
    sim_time t;
    /* integers within the same +-10^15 as decimals: a grid value is an int64 with room to spare */
    if (sch_parse_int64(s, -1000000000000000, 1000000000000000, &i, why, sizeof why))
        k |= K_INT;
    if (plain_decimal(s) && sch_parse_double(s, -1e15, 1e15, &d, why, sizeof why))
        k |= K_NUMBER;
    if (sch_parse_percent(s, &d, why, sizeof why))
        k |= K_PERCENT;
    if (sch_parse_duration(s, &t, why, sizeof why))
        k |= K_DURATION;
    if (sch_parse_time_of_day(s, &t, why, sizeof why))
        k |= K_TOD;
    return k;
}

static scn_vary_type type_of(unsigned k)
{
    if (k & K_INT)
        return SCN_VT_INT;
    if (k & K_NUMBER)
        return SCN_VT_NUMBER;
    if (k & K_PERCENT)
        return SCN_VT_PERCENT;
    if (k & K_DURATION)
        return SCN_VT_DURATION;
    return SCN_VT_TIME_OF_DAY;
}

static double pow10i(int d)
{
    double p = 1;
    for (int i = 0; i < d; i++)
        p *= 10;
    return p;
}

/* A literal of the vary's type in grid units (exact for the grid the literals defined). */
static double to_units(const scn_vary *v, const char *s)
{
    char why[256];
    double d = 0;
    sim_time t = 0;
    switch (v->type) {
    case SCN_VT_INT:
    case SCN_VT_NUMBER:
        sch_parse_double(s, -1e15, 1e15, &d, why, sizeof why);
        return d * pow10i(v->decimals);
    case SCN_VT_PERCENT:
        sch_parse_percent(s, &d, why, sizeof why);
        return d * pow10i(v->decimals);
    case SCN_VT_DURATION:
        sch_parse_duration(s, &t, why, sizeof why);
        return (double)t / (double)v->grid_ms;
    case SCN_VT_TIME_OF_DAY:
        sch_parse_time_of_day(s, &t, why, sizeof why);
        return (double)t / (double)v->grid_ms;
    }
    return 0;
}

/* Appends s to buf, which holds `used` bytes (used < size), and returns the new length: the bytes
 * snprintf would write, cut the same way (at most size - 1 of them, always terminated). A copy, not
 * snprintf: add_drawn runs for every value of every device, and the two formatted writes it did
 * cost ~1,800 instructions a value for what is a concatenation. */
static size_t append(char *buf, size_t size, size_t used, const char *s)
{
    size_t len = strlen(s);
    if (len > size - 1 - used)
        len = size - 1 - used;
    memcpy(buf + used, s, len);
    buf[used + len] = '\0';
    return used + len;
}

/* Appends the decimal digits of x, zero-padded to at least `width` (<= 20) of them, as "%0*" PRIu64. */
static size_t append_digits(char *buf, size_t size, size_t used, uint64_t x, int width)
{
    char digits[24];
    size_t at = sizeof digits - 1;
    digits[at] = '\0';
    do {
        digits[--at] = (char)('0' + x % 10);
        x /= 10;
    } while (x != 0 || sizeof digits - 1 - at < (size_t)width);
    return append(buf, size, used, digits + at);
}

/* Writes grid value u in the vary's kind (size > 0). Digits are appended, not printf'd: every
 * device formats each value it draws; the bytes are those of the printf formats in the comments. */
static void format_units(const scn_vary *v, int64_t u, char *buf, size_t size)
{
    if (v->type == SCN_VT_DURATION) {
        sch_format_duration(u * v->grid_ms, buf, size);
    } else if (v->type == SCN_VT_TIME_OF_DAY) {
        /* "\"%02d:%02d\"", or "\"%02d:%02d:%02d\"" on a grid finer than a minute */
        int64_t day = SIM_MS_PER_DAY / v->grid_ms;
        int64_t ms = (((u % day) + day) % day) * v->grid_ms;
        uint64_t hh = (uint64_t)(ms / SIM_MS_PER_HOUR), mm = (uint64_t)(ms / SIM_MS_PER_MINUTE % 60);
        size_t n = append_digits(buf, size, append(buf, size, 0, "\""), hh, 2);
        n = append_digits(buf, size, append(buf, size, n, ":"), mm, 2);
        if (v->grid_ms % SIM_MS_PER_MINUTE != 0)
            n = append_digits(buf, size, append(buf, size, n, ":"), (uint64_t)(ms / SIM_MS_PER_SECOND % 60), 2);
        append(buf, size, n, "\"");
    } else {
        /* integer arithmetic on the grid: no float formatting decides a digit.
         * "%s%" PRIu64 ".%0*" PRIu64 "%%": sign, whole part, decimals (if any), percent sign */
        uint64_t mag = u < 0 ? (uint64_t)0 - (uint64_t)u : (uint64_t)u;
        uint64_t p = 1;
        for (int i = 0; i < v->decimals; i++)
            p *= 10;
        size_t n = append_digits(buf, size, append(buf, size, 0, u < 0 ? "-" : ""), mag / p, 1);
        if (v->decimals > 0)
            n = append_digits(buf, size, append(buf, size, n, "."), mag % p, v->decimals);
        if (v->type == SCN_VT_PERCENT)
            append(buf, size, n, "%");
    }
}

/* ---- parsing ---- */

static bool weight_of(sch_cx *cx, const sch_node *n, int *form, double *out)
{
    char why[256];
    if (!n || n->kind != SCH_SCALAR || sch_node_is_null(n)) {
        sch_cx_error(cx, n, "expected a weight (a percentage such as 40%% or a number >= 0), found %s", sch_cx_found(cx, n));
        return false;
    }
    bool pct = n->length > 0 && n->text[n->length - 1] == '%';
    if (*form && *form != (pct ? 1 : 2)) {
        sch_cx_error(cx, n, "expected %s like the weights before it, found %s",
                     *form == 1 ? "a percentage" : "a plain number", sch_cx_quote(cx, n->text));
        return false;
    }
    *form = pct ? 1 : 2;
    double w;
    bool ok = pct ? sch_parse_percent(n->text, &w, why, sizeof why) : sch_parse_double(n->text, 0, 1e9, &w, why, sizeof why);
    if (!ok) {
        sch_cx_error(cx, n, "%s", why);
        return false;
    }
    *out = pct ? w / 100 : w;
    return true;
}

/* Normalised cumulative weights; false when they sum to 0. */
static bool cumulate(const double *w, size_t n, double *cum)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    if (!(total > 0))
        return false;
    double run = 0;
    for (size_t i = 0; i < n; i++)
        cum[i] = (run += w[i]) / total;
    if (n > 0)
        cum[n - 1] = 1;
    return true;
}

static bool make_override(const char *path, const char *value, scn_override *out, char *why, size_t size)
{
    size_t len = strlen(path) + strlen(value) + 2;
    char *arg = malloc(len);
    if (!arg) {
        snprintf(why, size, "out of memory");
        return false;
    }
    snprintf(arg, len, "%s=%s", path, value);
    bool ok = scn_set_parse(arg, out, why, size);
    free(arg);
    return ok;
}

/*
 * The override of `set:`/`vary:` key `key` with value `value`, reported at the key (cx's path is at
 * the set or vary mapping): the key must be a key path of scenarios/SET.md on its own (a '=' would
 * split it), and outside `fleet` and `expect`, which a device's variant does not have.
 */
static bool key_override(sch_cx *cx, const sch_node *key, const char *value, scn_override *out)
{
    static const char *const expected = "expected a key path (scenarios/SET.md)";
    char why[256];
    if (key->kind != SCH_SCALAR || sch_node_is_null(key) || key->length == 0) {
        sch_cx_error(cx, key, "%s, found %s", expected, key->kind == SCH_SCALAR ? "an empty key" : sch_cx_found(cx, key));
        return false;
    }
    if (memchr(key->text, '=', key->length)) {
        sch_cx_error(cx, key, "%s, found %s ('=' is not part of a key: the value goes after the colon)", expected,
                     sch_cx_quote(cx, key->text));
        return false;
    }
    if (!make_override(key->text, value, out, why, sizeof why)) {
        /* scn_set_parse's "key path 'K': what" without the key quoted a second time */
        const char *what = why;
        const char *q = strncmp(why, "key path ", 9) == 0 ? strstr(why, "': ") : NULL;
        if (q)
            what = q + 3;
        sch_cx_error(cx, key, "%s, found %s (%s)", expected, sch_cx_quote(cx, key->text), what);
        return false;
    }
    if (strcmp(out->steps[0].text, "fleet") == 0 || strcmp(out->steps[0].text, "expect") == 0) {
        sch_cx_error(cx, key, "expected a key outside fleet and expect (a device's scenario has neither), found %s",
                     sch_cx_quote(cx, key->text));
        scn_override_free(out);
        return false;
    }
    return true;
}

static void parse_choice(sch_cx *cx, const sch_node *n, scn_vary *v)
{
    size_t saved = sch_cx_push_key(cx, "choice");
    size_t count = n->kind == SCH_SCALAR ? 0 : n->count;
    if (count == 0 || count > SCN_FLEET_MAX_CHOICES) {
        char found[64];
        if (count > SCN_FLEET_MAX_CHOICES)
            snprintf(found, sizeof found, "%zu values", count);
        else
            snprintf(found, sizeof found, "%s", n->kind == SCH_SEQ ? "an empty list" : n->kind == SCH_MAP ? "an empty mapping"
                                                                                           : sch_cx_found(cx, n));
        sch_cx_error(cx, n, "expected a list of 1 to %d values or a mapping of values to weights, found %s",
                     SCN_FLEET_MAX_CHOICES, found);
        goto out;
    }
    v->choices = calloc(count, sizeof *v->choices);
    v->cumulative = calloc(count, sizeof *v->cumulative);
    double *w = calloc(count, sizeof *w);
    if (!v->choices || !v->cumulative || !w) {
        free(w);
        sch_cx_error(cx, n, "out of memory");
        goto out;
    }
    int form = 0;
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        const sch_node *val = n->kind == SCH_SEQ ? n->items[i] : n->pairs[i].key;
        w[i] = 1;
        if (n->kind == SCH_MAP) {
            size_t s2 = sch_cx_push_key(cx, val->text);
            ok = weight_of(cx, n->pairs[i].value, &form, &w[i]) && ok;
            sch_cx_pop(cx, s2);
        }
        char *text = sch_yaml_flow(val);
        if (!text) {
            sch_cx_error(cx, val, "out of memory");
            ok = false;
            text = util_strdup("~"); /* every choice stays a string: the fleet is freed, never drawn */
        } else if (strlen(text) >= SCN_FLEET_VALUE_MAX) {
            size_t s2 = sch_cx_push_index(cx, i);
            sch_cx_error(cx, val, "expected a value of at most %d characters as flow YAML, found one of %zu",
                         SCN_FLEET_VALUE_MAX - 1, strlen(text));
            sch_cx_pop(cx, s2);
            ok = false;
        }
        v->choices[v->n_choices++] = text;
    }
    if (ok && !cumulate(w, count, v->cumulative))
        sch_cx_error(cx, n, "expected at least one weight above 0, found none");
    free(w);
    v->dist = SCN_VARY_CHOICE;
out:
    sch_cx_pop(cx, saved);
}

typedef struct literal {
    const sch_node *node;
    const char *text;
    const char *what;  /* "lo", "mean", "min"... for messages: the key under the distribution, or the bound */
    const char *dname; /* "uniform", "normal"...; NULL for a bound (min, max) */
    int index;         /* the item of a uniform's [lo, hi]; -1 otherwise */
    bool spread;       /* a spread (sd): a duration for times of day */
} literal;

/* Reports an error at literal l, with the path down to it (fleet.vary.KEY.uniform[1], ...normal.sd,
 * ...max). */
static void literal_error(sch_cx *cx, const literal *l, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void literal_error(sch_cx *cx, const literal *l, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t saved = sch_cx_push_key(cx, l->dname ? l->dname : l->what);
    if (l->dname && l->index >= 0)
        sch_cx_push_index(cx, (size_t)l->index);
    else if (l->dname)
        sch_cx_push_key(cx, l->what);
    sch_cx_error(cx, l->node, "%s", msg);
    sch_cx_pop(cx, saved);
}

static bool scalar(sch_cx *cx, const literal *l, const char *expected)
{
    const sch_node *n = l->node;
    if (n && n->kind == SCH_SCALAR && !sch_node_is_null(n))
        return true;
    literal_error(cx, l, "expected %s, found %s", expected, n ? sch_cx_found(cx, n) : "nothing");
    return false;
}

static const char *kind_name(unsigned k)
{
    switch (type_of(k)) {
    case SCN_VT_INT:
        return "an integer";
    case SCN_VT_NUMBER:
        return "a decimal number";
    case SCN_VT_PERCENT:
        return "a percentage";
    case SCN_VT_DURATION:
        return "a duration";
    case SCN_VT_TIME_OF_DAY:
        break;
    }
    return "a time of day";
}

/* Why a literal is none of the kinds: the message of the parser its spelling is closest to, so
 * '120%' is told the percentage range and '25:00' the hours of a day. */
static void unreadable_why(sch_cx *cx, const char *s, char *why, size_t size)
{
    snprintf(why, size, "expected a number, a percentage, a duration or a time of day, found %s", sch_cx_quote(cx, s));
    size_t n = strlen(s);
    char last = '\0';
    if (n > 0)
        last = s[n - 1];
    bool numeric_start = (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == '.';
    bool letter_end = (last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z');
    char w[256];
    double d;
    sim_time t;
    if (strchr(s, ':')) {
        if (!sch_parse_time_of_day(s, &t, w, sizeof w))
            snprintf(why, size, "%s", w);
    } else if (last == '%') {
        if (!sch_parse_percent(s, &d, w, sizeof w))
            snprintf(why, size, "%s", w);
    } else if (numeric_start && letter_end && !strpbrk(s, "eE")) {
        if (!sch_parse_duration(s, &t, w, sizeof w))
            snprintf(why, size, "%s", w);
    } else if (numeric_start) {
        if (!sch_parse_double(s, -1e15, 1e15, &d, w, sizeof w))
            snprintf(why, size, "%s", w);
        else
            snprintf(why, size, "expected a number in plain digits (the decimals written set the grid), found %s",
                     sch_cx_quote(cx, s));
    }
}

/* "lo", "lo and hi", "mean, sd and min": the literals before i, for messages. */
static void names_before(const literal *lit, size_t i, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < i && used < size; j++) {
        int w = snprintf(buf + used, size - used, "%s%s", j == 0 ? "" : j + 1 == i ? " and " : ", ", lit[j].what);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Values this far from 0 in grid units are refused: draws, spans and clamps stay exact in an
 * int64 and a double (2^53 > 9e15). */
#define MAX_UNITS 1e15

/* Reads the numeric distribution's literals, decides the kind and the grid, stores them in units. */
static void parse_numeric(sch_cx *cx, const sch_node *map, const sch_node *dn, const char *dname, scn_vary *v)
{
    static const char *const any = "a number, a percentage, a duration or a time of day";
    literal lit[5];
    size_t nl = 0;
    bool ok = true;
    const sch_node *sigma = NULL;
    if (v->dist == SCN_VARY_UNIFORM) {
        if (dn->kind != SCH_SEQ || dn->count != 2) {
            size_t saved = sch_cx_push_key(cx, dname);
            char found[64];
            snprintf(found, sizeof found, "a list of %zu item%s", dn->count, dn->count == 1 ? "" : "s");
            sch_cx_error(cx, dn, "expected [lo, hi], found %s", dn->kind == SCH_SEQ ? found : sch_cx_found(cx, dn));
            sch_cx_pop(cx, saved);
            return;
        }
        lit[nl++] = (literal){dn->items[0], dn->items[0]->text, "lo", dname, 0, false};
        lit[nl++] = (literal){dn->items[1], dn->items[1]->text, "hi", dname, 1, false};
    } else {
        bool normal = v->dist == SCN_VARY_NORMAL;
        static const char *const nkeys[] = {"mean", "sd", NULL};
        static const char *const lkeys[] = {"median", "sigma", NULL};
        const char *const *keys = normal ? nkeys : lkeys;
        size_t saved = sch_cx_push_key(cx, dname);
        ok = sch_check_map(cx, dn, keys) && sch_require_keys(cx, dn, keys);
        sch_cx_pop(cx, saved);
        if (!ok)
            return;
        const sch_node *c = sch_map_get(dn, keys[0]), *sp = sch_map_get(dn, keys[1]);
        lit[nl++] = (literal){c, c->text, keys[0], dname, -1, false};
        if (normal) {
            lit[nl++] = (literal){sp, sp->text, "sd", dname, -1, true};
        } else {
            sigma = sp;
            literal ls = {sp, sp->text, "sigma", dname, -1, false};
            ok = scalar(cx, &ls, "a number above 0 and at most 10") && ok;
        }
    }
    for (size_t i = 0; i < nl; i++)
        ok = scalar(cx, &lit[i], any) && ok; /* every one reported, not only the first */
    static const char *const bounds[] = {"min", "max"};
    const sch_node *bn[2] = {0};
    for (int i = 0; i < 2; i++) {
        bn[i] = sch_map_get(map, bounds[i]);
        if (bn[i]) {
            lit[nl] = (literal){bn[i], bn[i]->text, bounds[i], NULL, -1, false};
            ok = scalar(cx, &lit[nl], "a value of the distribution's kind") && ok;
            nl++;
        }
    }
    const sch_node *step = sch_map_get(map, "step");
    literal lstep = {step, step ? step->text : NULL, "step", NULL, -1, false};
    if (step)
        ok = scalar(cx, &lstep, "a duration from 1ms to 1d") && ok;
    if (!ok)
        return;

    /* The kind: what every literal can be read as (a spread of a time of day is a duration). */
    unsigned k = K_INT | K_NUMBER | K_PERCENT | K_DURATION | K_TOD;
    char why[256], before[64];
    for (size_t i = 0; i < nl; i++) {
        unsigned ki = kinds_of(lit[i].text);
        if (lit[i].spread && (k & K_TOD) && !(k & ~(unsigned)K_TOD & ki)) {
            if (ki & K_DURATION)
                continue; /* a duration spread keeps a time-of-day reading possible */
            if (k == K_TOD) {
                literal_error(cx, &lit[i], "expected a duration (the spread of a time of day), found %s",
                              sch_cx_quote(cx, lit[i].text));
                return;
            }
        }
        if (!ki) {
            unreadable_why(cx, lit[i].text, why, sizeof why);
            literal_error(cx, &lit[i], "%s", why);
            return;
        }
        if (!(k & ki)) {
            names_before(lit, i, before, sizeof before);
            literal_error(cx, &lit[i], "expected %s like %s, found %s (%s)", kind_name(k), before,
                          sch_cx_quote(cx, lit[i].text), kind_name(ki));
            return;
        }
        k &= ki;
        if (lit[i].spread && (k & K_TOD))
            k = K_TOD;
    }
    v->type = type_of(k);
    if (v->type == SCN_VT_TIME_OF_DAY) {
        sim_time ms = 0;
        if (v->dist == SCN_VARY_LOGNORMAL) {
            size_t saved = sch_cx_push_key(cx, dname);
            sch_cx_error(cx, dn, "expected uniform or normal for a time of day, found lognormal");
            sch_cx_pop(cx, saved);
            return;
        }
        if (bn[0] || bn[1]) {
            literal *l = &lit[nl - (bn[0] && bn[1] ? 2 : 1)];
            literal_error(cx, l,
                          "expected no %s for a time of day (it wraps past midnight: a uniform's [lo, hi] is a window), found one",
                          l->what);
            return;
        }
        if (v->dist == SCN_VARY_NORMAL && !sch_parse_duration(lit[1].text, &ms, why, sizeof why)) {
            literal_error(cx, &lit[1], "expected a duration (the spread of a time of day), found %s",
                          sch_cx_quote(cx, lit[1].text));
            return;
        }
    }

    /* The grid. */
    if (v->type == SCN_VT_NUMBER || v->type == SCN_VT_PERCENT) {
        size_t most = 0;
        for (size_t i = 0; i < nl; i++)
            if (decimals_of(lit[i].text) > v->decimals) {
                v->decimals = decimals_of(lit[i].text);
                most = i;
            }
        if (v->decimals > 9) {
            literal_error(cx, &lit[most], "expected at most 9 decimals, found %d", v->decimals);
            return;
        }
    } else if (v->type == SCN_VT_DURATION || v->type == SCN_VT_TIME_OF_DAY) {
        static const int64_t units[] = {SIM_MS_PER_DAY, SIM_MS_PER_HOUR, SIM_MS_PER_MINUTE, SIM_MS_PER_SECOND, 1};
        size_t first = v->type == SCN_VT_TIME_OF_DAY ? 2 : 0;
        v->grid_ms = 1;
        for (size_t u = first; u < 5; u++) {
            bool divides = true;
            for (size_t i = 0; i < nl && divides; i++) {
                sim_time t = 0;
                if (!sch_parse_duration(lit[i].text, &t, why, sizeof why))
                    sch_parse_time_of_day(lit[i].text, &t, why, sizeof why);
                divides = t % units[u] == 0;
            }
            if (divides) {
                v->grid_ms = units[u];
                break;
            }
        }
        if (v->type == SCN_VT_TIME_OF_DAY && v->grid_ms < SIM_MS_PER_SECOND)
            v->grid_ms = SIM_MS_PER_SECOND;
    }
    if (step) {
        /* an explicit grid, for durations and times of day (numbers take theirs from the decimals
         * written: [1.00, 2.50] draws hundredths) */
        sim_time t = 0;
        if (v->type != SCN_VT_DURATION && v->type != SCN_VT_TIME_OF_DAY) {
            literal_error(cx, &lstep,
                          "expected no step for %s (the finest decimal written is the grid: [1.00, 2.50] draws "
                          "hundredths), found %s",
                          v->type == SCN_VT_PERCENT ? "percentages" : "numbers", sch_cx_quote(cx, step->text));
            return;
        }
        if (!sch_parse_duration(step->text, &t, why, sizeof why) || t <= 0 || t > SIM_MS_PER_DAY) {
            literal_error(cx, &lstep, "expected a duration from 1ms to 1d, found %s", sch_cx_quote(cx, step->text));
            return;
        }
        if (v->type == SCN_VT_TIME_OF_DAY && SIM_MS_PER_DAY % t != 0) {
            literal_error(cx, &lstep, "expected a step that divides a day (a time of day wraps at midnight), found %s",
                          sch_cx_quote(cx, step->text));
            return;
        }
        v->grid_ms = t;
        /* lo, hi, min and max must be on the grid: a range is drawn between grid values (a mean is
         * rounded to it, like every draw) */
        for (size_t i = 0; i < nl; i++) {
            double u = to_units(v, lit[i].text);
            if ((lit[i].index >= 0 || !lit[i].dname) && u != floor(u)) {
                literal_error(cx, &lit[i], "expected a multiple of step (%s), found %s", step->text,
                              sch_cx_quote(cx, lit[i].text));
                return;
            }
        }
    }
    for (size_t i = 0; i < nl; i++)
        if (fabs(to_units(v, lit[i].text)) > MAX_UNITS) {
            literal_error(cx, &lit[i], "expected at most 10^15 grid steps from 0 (fewer decimals or a coarser step), found %s",
                          sch_cx_quote(cx, lit[i].text));
            return;
        }

    v->a = to_units(v, lit[0].text);
    if (v->dist == SCN_VARY_UNIFORM || v->dist == SCN_VARY_NORMAL) {
        if (v->dist == SCN_VARY_NORMAL && v->type == SCN_VT_TIME_OF_DAY) {
            sim_time ms = 0;
            sch_parse_duration(lit[1].text, &ms, why, sizeof why);
            v->b = (double)ms / (double)v->grid_ms;
        } else {
            v->b = to_units(v, lit[1].text);
        }
    } else if (!sch_parse_double(sigma->text, 0, 10, &v->b, why, sizeof why) || !(v->b > 0)) {
        literal ls = {sigma, sigma->text, "sigma", dname, -1, false};
        literal_error(cx, &ls, "expected a number above 0 and at most 10, found %s", sch_cx_quote(cx, sigma->text));
        return;
    }
    if (v->dist == SCN_VARY_UNIFORM && v->type != SCN_VT_TIME_OF_DAY && v->b < v->a) {
        literal_error(cx, &lit[1], "expected hi at least lo (%s), found %s", lit[0].text, sch_cx_quote(cx, lit[1].text));
        return;
    }
    if (v->dist == SCN_VARY_NORMAL && !(v->b >= 0)) {
        literal_error(cx, &lit[1], "expected a spread of at least 0, found %s", sch_cx_quote(cx, lit[1].text));
        return;
    }
    if (v->dist == SCN_VARY_LOGNORMAL && !(v->a > 0)) {
        literal_error(cx, &lit[0], "expected a median above 0, found %s", sch_cx_quote(cx, lit[0].text));
        return;
    }
    size_t li = v->dist == SCN_VARY_LOGNORMAL ? 1 : 2; /* the bounds' literals follow the distribution's */
    if (bn[0]) {
        v->has_min = true;
        v->min = llround(to_units(v, bn[0]->text));
    }
    if (bn[1]) {
        v->has_max = true;
        v->max = llround(to_units(v, bn[1]->text));
    }
    if (bn[0] && bn[1] && v->max < v->min)
        literal_error(cx, &lit[li + 1], "expected max at least min (%s), found %s", lit[li].text,
                      sch_cx_quote(cx, lit[li + 1].text));
}

/* The distribution of vary v (cx's path is at its key). */
static void parse_distribution(sch_cx *cx, const sch_pair *pair, scn_vary *v)
{
    static const char *const keys[] = {"choice", "uniform", "normal", "lognormal", "min", "max", "step", NULL};
    static const char *const dists[] = {"choice", "uniform", "normal", "lognormal"};
    const sch_node *n = pair->value;
    if (!n || n->kind != SCH_MAP) {
        sch_cx_error(cx, n ? n : pair->key,
                     "expected a distribution ({ choice: [...] }, { uniform: [lo, hi] }, { normal: { mean, sd } } or "
                     "{ lognormal: { median, sigma } }), found %s",
                     sch_cx_found(cx, n));
        return;
    }
    size_t errors = sch_diag_count(cx->diag);
    if (!sch_check_map(cx, n, keys))
        return;
    bool unknown = sch_diag_count(cx->diag) > errors; /* a misspelt distribution: said once, there */
    const sch_node *dn = NULL;
    int which = -1;
    for (int i = 0; i < 4; i++) {
        const sch_node *d = sch_map_get(n, dists[i]);
        if (!d)
            continue;
        if (dn) {
            sch_cx_key_error(cx, n, dists[i], "expected one distribution, found %s and %s", dists[which], dists[i]);
            return;
        }
        dn = d;
        which = i;
    }
    if (!dn) {
        if (!unknown)
            sch_cx_error(cx, n, "expected one of choice, uniform, normal or lognormal, found none");
        return;
    }
    v->dist = (scn_vary_dist)(which + 1);
    if (v->dist == SCN_VARY_CHOICE) {
        for (int i = 0; i < 3; i++)
            if (sch_map_get(n, keys[4 + i]))
                sch_cx_key_error(cx, n, keys[4 + i], "expected no %s with choice (it picks written values), found one",
                                 keys[4 + i]);
        parse_choice(cx, dn, v);
    } else {
        parse_numeric(cx, n, dn, dists[which], v);
    }
}

static void parse_vary(sch_cx *cx, const sch_pair *pair, const char *stream_prefix, scn_vary *v)
{
    const sch_node *n = pair->value;
    v->line = n ? n->line : pair->key->line;
    v->column = n ? n->column : pair->key->column;
    if (!key_override(cx, pair->key, "~", &v->ov))
        return;
    size_t len = strlen(stream_prefix) + strlen(pair->key->text) + 1;
    if ((v->stream = malloc(len)))
        snprintf(v->stream, len, "%s%s", stream_prefix, pair->key->text);
    size_t saved = sch_cx_push_key(cx, pair->key->text);
    parse_distribution(cx, pair, v);
    sch_cx_pop(cx, saved);
}

static void parse_varies(sch_cx *cx, const sch_node *n, const char *stream_prefix, scn_vary **out, size_t *count)
{
    size_t saved = sch_cx_push_key(cx, "vary");
    if (n->kind != SCH_MAP || n->count > SCN_FLEET_MAX_VARY) {
        char found[64];
        snprintf(found, sizeof found, "%zu keys", n->count);
        sch_cx_error(cx, n, "expected a mapping of up to %d key paths to distributions, found %s", SCN_FLEET_MAX_VARY,
                     n->kind == SCH_MAP ? found : sch_cx_found(cx, n));
    } else if (n->count > 0 && !(*out = calloc(n->count, sizeof **out))) {
        sch_cx_error(cx, n, "out of memory");
    } else {
        for (size_t i = 0; i < n->count; i++) {
            parse_vary(cx, &n->pairs[i], stream_prefix, &(*out)[i]);
            (*count)++;
        }
    }
    sch_cx_pop(cx, saved);
}

static void parse_sets(sch_cx *cx, const sch_node *n, scn_profile *p)
{
    size_t saved = sch_cx_push_key(cx, "set");
    if (n->kind != SCH_MAP || n->count > SCN_FLEET_MAX_SET) {
        char found[64];
        snprintf(found, sizeof found, "%zu keys", n->count);
        sch_cx_error(cx, n, "expected a mapping of up to %d key paths to values, found %s", SCN_FLEET_MAX_SET,
                     n->kind == SCH_MAP ? found : sch_cx_found(cx, n));
    } else if (n->count > 0 && !(p->sets = calloc(n->count, sizeof *p->sets))) {
        sch_cx_error(cx, n, "out of memory");
    } else {
        for (size_t i = 0; i < n->count; i++) {
            const sch_pair *pair = &n->pairs[i];
            char *value = sch_yaml_flow(pair->value);
            if (!value) {
                sch_cx_error(cx, pair->key, "out of memory");
            } else if (key_override(cx, pair->key, value, &p->sets[p->n_sets])) {
                scn_override *o = &p->sets[p->n_sets++];
                o->label = p->label;
                o->line = pair->value ? pair->value->line : pair->key->line;
                o->column = pair->value ? pair->value->column : pair->key->column;
            }
            free(value);
        }
    }
    sch_cx_pop(cx, saved);
}

static void parse_profile(sch_cx *cx, const sch_node *n, scn_profile *p, int *form)
{
    static const char *const keys[] = {"name", "weight", "set", "vary", NULL};
    static const char *const required[] = {"name", "weight", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    sch_require_keys(cx, n, required);
    sch_field_string(cx, n, "name", SCH_OPTIONAL, &p->name);
    const sch_node *w = sch_map_get(n, "weight");
    if (w) {
        size_t s2 = sch_cx_push_key(cx, "weight");
        weight_of(cx, w, form, &p->weight);
        sch_cx_pop(cx, s2);
    }
    const char *name = p->name ? p->name : "?";
    size_t len = strlen(name) + 32;
    if ((p->label = malloc(len)))
        snprintf(p->label, len, "fleet profile '%s': ", name);
    const sch_node *set = sch_map_get(n, "set");
    if (set)
        parse_sets(cx, set, p);
    const sch_node *vary = sch_map_get(n, "vary");
    if (vary) {
        len = strlen(name) + 32;
        char *prefix = malloc(len);
        if (prefix) {
            snprintf(prefix, len, "fleet.profile.%s.vary.", name);
            parse_varies(cx, vary, prefix, &p->varies, &p->n_varies);
            free(prefix);
        }
    }
}

void scn_fleet_parse(sch_cx *cx, const sch_node *node, scn_fleet *out)
{
    static const char *const keys[] = {"devices", "vary", "profiles", NULL};
    memset(out, 0, sizeof *out);
    if (!sch_check_map(cx, node, keys))
        return;
    int64_t devices = 0;
    if (sch_field_int64(cx, node, "devices", SCH_OPTIONAL, 1, (int64_t)SCN_FLEET_MAX_DEVICES, &devices) == SCH_FIELD_OK)
        out->devices = (uint64_t)devices;
    const sch_node *vary = sch_map_get(node, "vary");
    if (vary)
        parse_varies(cx, vary, "fleet.vary.", &out->varies, &out->n_varies);
    const sch_node *profiles = sch_map_get(node, "profiles");
    size_t saved = sch_cx_push_key(cx, "profiles");
    size_t errors = sch_diag_count(cx->diag); /* the weights' total is checked when every profile parsed */
    if (!profiles) {
        out->profiles = calloc(1, sizeof *out->profiles);
        if (out->profiles) {
            out->profiles[0].name = util_strdup("all");
            out->profiles[0].label = util_strdup("fleet: ");
            out->profiles[0].weight = 1;
            out->n_profiles = 1;
        }
    } else if (profiles->kind != SCH_SEQ || profiles->count == 0 || profiles->count > SCN_FLEET_MAX_PROFILES) {
        char found[64];
        snprintf(found, sizeof found, "%zu profiles", profiles->count);
        sch_cx_error(cx, profiles, "expected a list of 1 to %d profiles ({ name, weight, set, vary }), found %s",
                     SCN_FLEET_MAX_PROFILES,
                     profiles->kind != SCH_SEQ ? sch_cx_found(cx, profiles) : profiles->count ? found : "an empty list");
    } else if (!(out->profiles = calloc(profiles->count, sizeof *out->profiles))) {
        sch_cx_error(cx, profiles, "out of memory");
    } else {
        int form = 0; /* the weights' form: 1 percentages, 2 numbers */
        for (size_t i = 0; i < profiles->count; i++) {
            size_t s2 = sch_cx_push_index(cx, i);
            parse_profile(cx, profiles->items[i], &out->profiles[i], &form);
            out->n_profiles++;
            for (size_t j = 0; j < i && out->profiles[i].name; j++)
                if (out->profiles[j].name && strcmp(out->profiles[j].name, out->profiles[i].name) == 0)
                    sch_cx_key_error(cx, profiles->items[i], "name",
                                     "expected a name no other profile has, found %s (fleet.profiles[%zu] has it)",
                                     sch_cx_quote(cx, out->profiles[i].name), j);
            sch_cx_pop(cx, s2);
        }
    }
    if (out->n_profiles > 0 && out->profiles) {
        double w[SCN_FLEET_MAX_PROFILES];
        for (size_t i = 0; i < out->n_profiles; i++)
            w[i] = out->profiles[i].weight;
        out->cumulative = calloc(out->n_profiles, sizeof *out->cumulative);
        if (!out->cumulative)
            sch_cx_error(cx, node, "out of memory");
        /* a profile's weight missing or invalid is said at the profile: a total would repeat it */
        bool weights_ok = sch_diag_count(cx->diag) == errors;
        if (weights_ok && out->cumulative && !cumulate(w, out->n_profiles, out->cumulative))
            sch_cx_error(cx, profiles, "expected at least one profile with a weight above 0, found none");
    }
    sch_cx_pop(cx, saved);
}

static void vary_free(scn_vary *v)
{
    scn_override_free(&v->ov);
    free(v->stream);
    for (size_t i = 0; i < v->n_choices; i++)
        free(v->choices[i]);
    free(v->choices);
    free(v->cumulative);
}

void scn_fleet_free(scn_fleet *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_varies; i++)
        vary_free(&f->varies[i]);
    free(f->varies);
    for (size_t p = 0; p < f->n_profiles; p++) {
        scn_profile *pr = &f->profiles[p];
        for (size_t i = 0; i < pr->n_sets; i++)
            scn_override_free(&pr->sets[i]);
        free(pr->sets);
        for (size_t i = 0; i < pr->n_varies; i++)
            vary_free(&pr->varies[i]);
        free(pr->varies);
        free(pr->name);
        free(pr->label);
    }
    free(f->profiles);
    free(f->cumulative);
    memset(f, 0, sizeof *f);
}

/* ---- drawing ---- */

static size_t pick(const double *cum, size_t n, double u)
{
    for (size_t i = 0; i < n; i++)
        if (u < cum[i])
            return i;
    return n - 1;
}

/* Uniform on 0..n-1 for any n >= 1 (gsl_rng_uniform_int stops at the generator's 2^32 range). */
static uint64_t uniform_below(gsl_rng *r, uint64_t n)
{
    if (n <= 0xffffffffULL)
        return gsl_rng_uniform_int(r, (unsigned long)n);
    uint64_t limit = UINT64_MAX - UINT64_MAX % n; /* rejection keeps every value equally likely */
    for (;;) {
        uint64_t x = (uint64_t)gsl_rng_get(r) << 32 | (uint64_t)gsl_rng_get(r);
        if (x < limit)
            return x % n;
    }
}

static int64_t clamp_units(const scn_vary *v, int64_t u)
{
    if (v->type == SCN_VT_DURATION && u < 0)
        u = 0;
    if (v->type == SCN_VT_PERCENT) {
        int64_t hundred = llround(100 * pow10i(v->decimals));
        u = u < 0 ? 0 : u > hundred ? hundred : u;
    }
    if (v->has_min && u < v->min)
        u = v->min;
    if (v->has_max && u > v->max)
        u = v->max;
    return u;
}

static int64_t to_grid(double x)
{
    if (!(x > -9e15))
        return (int64_t)-9e15;
    if (!(x < 9e15))
        return (int64_t)9e15;
    return llround(x);
}

/* A numeric draw in grid units. */
static int64_t draw_units(const scn_vary *v, gsl_rng *r)
{
    int64_t lo = llround(v->a), hi = llround(v->b);
    switch (v->dist) {
    case SCN_VARY_UNIFORM:
        if (v->type == SCN_VT_TIME_OF_DAY) {
            int64_t day = SIM_MS_PER_DAY / v->grid_ms;
            int64_t span = ((hi - lo) % day + day) % day; /* hi < lo: past midnight */
            return lo + (int64_t)uniform_below(r, (uint64_t)span + 1);
        }
        return clamp_units(v, lo + (int64_t)uniform_below(r, (uint64_t)(hi - lo) + 1));
    case SCN_VARY_NORMAL:
        return clamp_units(v, to_grid(v->a + gsl_ran_gaussian(r, v->b)));
    case SCN_VARY_LOGNORMAL:
        return clamp_units(v, to_grid(gsl_ran_lognormal(r, log(v->a), v->b)));
    case SCN_VARY_CHOICE:
        break;
    }
    return 0;
}

/* Adds the override of vary v with value text `value` to the device; `note` follows it in messages
 * (a probe's "(mean - 3 sd)"). */
static void add_drawn(scn_fleet_device *d, const scn_vary *v, const char *value, const char *label, const char *note)
{
    size_t j = d->n;
    size_t slot = j < (size_t)2 * SCN_FLEET_MAX_VARY ? j : (size_t)2 * SCN_FLEET_MAX_VARY - 1;
    append(d->value[slot], sizeof d->value[slot], 0, value);
    /* "KEY=VALUE NOTE", as snprintf("%s=%s%s") wrote it */
    char *text = d->text[slot];
    size_t size = sizeof d->text[slot];
    append(text, size, append(text, size, append(text, size, append(text, size, 0, v->ov.key), "="), value), note);
    scn_override *o = &d->ov[d->n++];
    *o = v->ov; /* borrows the path's steps; value and text are the device's */
    o->value = d->value[slot];
    o->text = d->text[slot];
    o->label = label;
    o->line = v->line;
    o->column = v->column;
}

static int draw_vary(scn_fleet_device *d, const scn_vary *v, uint64_t seed, uint64_t k)
{
    gsl_rng *r = sim_rng_stream_new(seed, k, v->stream ? v->stream : "fleet.vary");
    if (!r)
        return -1;
    char buf[SCN_FLEET_VALUE_MAX];
    if (v->dist == SCN_VARY_CHOICE)
        append(buf, sizeof buf, 0, v->choices[pick(v->cumulative, v->n_choices, gsl_rng_uniform(r))]);
    else
        format_units(v, draw_units(v, r), buf, sizeof buf);
    gsl_rng_free(r);
    add_drawn(d, v, buf, d->label, "");
    return 0;
}

static void add_sets(scn_fleet_device *d, const scn_profile *p)
{
    for (size_t i = 0; i < p->n_sets; i++)
        d->ov[d->n++] = p->sets[i];
}

int scn_fleet_draw(const scn_fleet *f, uint64_t seed, uint64_t k, scn_fleet_device *out)
{
    out->n = 0;
    gsl_rng *r = sim_rng_stream_new(seed, k, "fleet.profile");
    if (!r)
        return -1;
    out->profile = pick(f->cumulative, f->n_profiles, gsl_rng_uniform(r));
    gsl_rng_free(r);
    const scn_profile *p = &f->profiles[out->profile];
    snprintf(out->label, sizeof out->label, "fleet device %" PRIu64 " (profile '%s'), drawn: ", k, p->name ? p->name : "?");
    for (size_t i = 0; i < f->n_varies; i++)
        if (draw_vary(out, &f->varies[i], seed, k) != 0)
            return -1;
    add_sets(out, p);
    for (size_t i = 0; i < p->n_varies; i++)
        if (draw_vary(out, &p->varies[i], seed, k) != 0)
            return -1;
    return 0;
}

/* ---- probes ---- */

static size_t choices_of(const scn_fleet *f, const scn_profile *p)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_varies; i++)
        n += f->varies[i].n_choices;
    for (size_t i = 0; i < p->n_varies; i++)
        n += p->varies[i].n_choices;
    return n;
}

size_t scn_fleet_probe_count(const scn_fleet *f, size_t p)
{
    return 2 + choices_of(f, &f->profiles[p]);
}

/* Vary v at end 0 (low) or 1 (high), or choice `choice` when it is a choice; `note` says where a
 * number comes from, for messages (a choice is shown as written). */
static void probe_value(const scn_vary *v, int end, size_t choice, char *buf, size_t size, char *note, size_t nsize)
{
    note[0] = '\0';
    if (v->dist == SCN_VARY_CHOICE) {
        snprintf(buf, size, "%s", v->n_choices ? v->choices[choice < v->n_choices ? choice : 0] : "~");
        return;
    }
    double sign = end ? 1 : -1;
    int64_t raw;
    const char *from;
    if (v->dist == SCN_VARY_UNIFORM) {
        raw = llround(end ? v->b : v->a);
        from = end ? "the range's high end" : "the range's low end";
    } else if (v->dist == SCN_VARY_NORMAL) {
        raw = to_grid(v->a + sign * 3 * v->b);
        from = end ? "mean + 3 sd" : "mean - 3 sd";
    } else {
        raw = to_grid(v->a * exp(sign * 3 * v->b));
        from = end ? "median * e^(3 sigma)" : "median / e^(3 sigma)";
    }
    /* clamped as draws are (a time of day wraps instead) */
    int64_t u = v->type == SCN_VT_TIME_OF_DAY ? raw : clamp_units(v, raw);
    snprintf(note, nsize, " (%s%s)", from, u != raw ? ", clamped" : "");
    format_units(v, u, buf, size);
}

void scn_fleet_probe(const scn_fleet *f, size_t p, size_t i, scn_fleet_device *out)
{
    const scn_profile *pr = &f->profiles[p];
    out->n = 0;
    out->profile = p;
    /* The profile's own label ("fleet: " without `profiles:`): which end or choice a value is at is
     * said after each value (its note), so one misspelt key reads the same in every probe. */
    snprintf(out->label, sizeof out->label, "%s", pr->label ? pr->label : "fleet: ");
    /* which vary's choice this probe tries */
    size_t target = i >= 2 ? i - 2 : SIZE_MAX;
    size_t seen = 0;
    char buf[SCN_FLEET_VALUE_MAX], note[64];
    for (int pass = 0; pass < 2; pass++) {
        const scn_vary *vs = pass == 0 ? f->varies : pr->varies;
        size_t n = pass == 0 ? f->n_varies : pr->n_varies;
        if (pass == 1)
            add_sets(out, pr);
        for (size_t j = 0; j < n; j++) {
            const scn_vary *v = &vs[j];
            size_t choice = 0;
            if (target != SIZE_MAX && v->dist == SCN_VARY_CHOICE && target >= seen && target < seen + v->n_choices)
                choice = target - seen;
            seen += v->n_choices;
            probe_value(v, i == 1, choice, buf, sizeof buf, note, sizeof note);
            add_drawn(out, v, buf, out->label, note);
        }
    }
}
