/*
 * sch_dist.c - parsing and drawing scenario distributions.
 */
#include "sch_dist.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sch_rec.h"

#include "sch_units.h"
#include "sim_rng.h"

static const char *const kind_names[] = {"fixed", "uniform", "exponential", "lognormal", "normal", "weibull", NULL};

sch_dist sch_dist_fixed(sim_time ms) { return (sch_dist){.kind = SCH_DIST_FIXED, .a = (double)ms}; }

/* A positive-duration parameter of a distribution's own mapping. */
static bool param_duration(sch_cx *cx, const sch_node *params, const char *key, bool positive, double *out)
{
    sim_time ms = 0;
    if (sch_field_duration(cx, params, key, SCH_REQUIRED, &ms) != SCH_FIELD_OK)
        return false;
    if (positive && ms == 0) {
        size_t saved = sch_cx_push_key(cx, key);
        const sch_node *at = sch_map_get(params, key);
        sch_cx_error(cx, at, "expected a duration greater than 0, found %s", sch_cx_quote(cx, at->text));
        sch_cx_pop(cx, saved);
        return false;
    }
    *out = (double)ms;
    return true;
}

/* Parameters are checked with '&', not '&&', so every bad parameter is reported in one pass. */
static bool parse_params(sch_cx *cx, sch_dist_kind kind, const sch_node *v, sch_dist *d)
{
    static const char *const exp_keys[] = {"mean", NULL};
    static const char *const logn_keys[] = {"median", "sigma", NULL};
    static const char *const norm_keys[] = {"mean", "sd", NULL};
    static const char *const weib_keys[] = {"scale", "shape", NULL};
    sim_time lo, hi;
    bool ok_a, ok_b;
    d->kind = kind;
    switch (kind) {
    case SCH_DIST_FIXED:
        if (!sch_value_duration(cx, v, &lo))
            return false;
        d->a = (double)lo;
        return true;
    case SCH_DIST_UNIFORM:
        if (v->kind != SCH_SEQ) {
            sch_cx_error(cx, v, "expected a list of two durations [min, max], found %s", sch_cx_found(cx, v));
            return false;
        }
        if (v->count != 2) {
            sch_cx_error(cx, v, "expected a list of two durations [min, max], found a list of %zu", v->count);
            return false;
        }
        {
            size_t s0 = sch_cx_push_index(cx, 0);
            bool ok0 = sch_value_duration(cx, v->items[0], &lo);
            sch_cx_pop(cx, s0);
            size_t s1 = sch_cx_push_index(cx, 1);
            bool ok1 = sch_value_duration(cx, v->items[1], &hi);
            if (ok0 && ok1 && hi < lo) {
                sch_cx_error(cx, v->items[1], "expected a maximum >= the minimum %s, found %s",
                             sch_cx_quote(cx, v->items[0]->text), sch_cx_quote(cx, v->items[1]->text));
                ok1 = false;
            }
            sch_cx_pop(cx, s1);
            if (!ok0 || !ok1)
                return false;
        }
        d->a = (double)lo;
        d->b = (double)hi;
        return true;
    case SCH_DIST_EXPONENTIAL:
        return sch_check_map(cx, v, exp_keys) && param_duration(cx, v, "mean", true, &d->a);
    case SCH_DIST_LOGNORMAL:
        if (!sch_check_map(cx, v, logn_keys))
            return false;
        ok_a = param_duration(cx, v, "median", true, &d->a); /* both, so both errors are reported */
        ok_b = sch_field_double(cx, v, "sigma", SCH_REQUIRED, 0.0, 10.0, &d->b) == SCH_FIELD_OK;
        return ok_a && ok_b;
    case SCH_DIST_NORMAL:
        if (!sch_check_map(cx, v, norm_keys))
            return false;
        ok_a = param_duration(cx, v, "mean", false, &d->a);
        ok_b = param_duration(cx, v, "sd", false, &d->b);
        return ok_a && ok_b;
    case SCH_DIST_WEIBULL:
        if (!sch_check_map(cx, v, weib_keys))
            return false;
        ok_a = param_duration(cx, v, "scale", true, &d->a);
        ok_b = sch_field_double(cx, v, "shape", SCH_REQUIRED, 0.01, 100.0, &d->b) == SCH_FIELD_OK;
        return ok_a && ok_b;
    }
    return false;
}

sch_field sch_field_dist(sch_cx *cx, const sch_node *map, const char *key, sch_need need, sch_dist *out)
{
    if (cx->rec) {
        char path[sizeof cx->path + 160];
        snprintf(path, sizeof path, "%s%s%s", cx->path, cx->path_len ? "." : "", key);
        sch_rec_field_at(cx->rec, path, &(sch_rec_field){.type = SCH_T_DIST, .required = need == SCH_REQUIRED, .out = out});
    }
    const sch_node *v = NULL;
    sch_field res = sch_field_node(cx, map, key, need, &v);
    if (res != SCH_FIELD_OK)
        return res;
    size_t saved = sch_cx_push_key(cx, key);
    sch_dist d = {0};
    bool ok = false;
    if (v->kind == SCH_SCALAR && !sch_node_is_null(v)) {
        ok = parse_params(cx, SCH_DIST_FIXED, v, &d); /* the shorthand: a plain duration */
    } else if (v->kind != SCH_MAP || v->count != 1) {
        char several[48];
        snprintf(several, sizeof several, "a mapping with %zu keys", v->count);
        sch_cx_error(cx, v, "expected a duration or a distribution with one kind (fixed, uniform, exponential, "
                            "lognormal, normal, weibull), found %s",
                     v->kind == SCH_MAP ? (v->count ? several : "an empty mapping") : sch_node_kind_name(v));
    } else if (sch_check_map(cx, v, kind_names)) {
        const sch_pair *p = &v->pairs[0];
        for (int k = 0; kind_names[k]; k++) {
            if (strcmp(p->key->text, kind_names[k]) == 0) {
                size_t s = sch_cx_push_key(cx, kind_names[k]);
                ok = parse_params(cx, (sch_dist_kind)k, p->value, &d);
                sch_cx_pop(cx, s);
            }
        }
    }
    sch_cx_pop(cx, saved);
    if (!ok)
        return SCH_FIELD_BAD;
    *out = d;
    return SCH_FIELD_OK;
}

/* log(median), remembered for the last few medians of this thread: every lognormal draw took the
 * logarithm of the same few constants (half the libm log time of an iOS or ideal sweep, callgrind,
 * issue 24). The value is log()'s own, so draws are unchanged; NAN never equals a median. The
 * frequent lognormal draws (session, visit and task durations) are prepared instead
 * (sch_dist_prepare): what reaches this are the models' occasional draws. */
static double log_median(double a)
{
    enum { SLOTS = 4 };
    static _Thread_local double seen[SLOTS] = {NAN, NAN, NAN, NAN}, logs[SLOTS];
    static _Thread_local unsigned next;
    for (unsigned i = 0; i < SLOTS; i++)
        if (seen[i] == a)
            return logs[i];
    unsigned i = next++ % SLOTS;
    seen[i] = a;
    logs[i] = log(a);
    return logs[i];
}

sim_time sch_dist_sample(const sch_dist *d, gsl_rng *rng)
{
    switch (d->kind) {
    case SCH_DIST_FIXED: return sch_dist_ms(d->a);
    case SCH_DIST_UNIFORM: return sch_dist_ms(gsl_ran_flat(rng, d->a, d->b));
    case SCH_DIST_EXPONENTIAL: return sch_dist_ms(sim_rng_exponential(rng, d->a));
    case SCH_DIST_LOGNORMAL: return sch_dist_ms(sim_rng_lognormal(rng, log_median(d->a), d->b));
    case SCH_DIST_NORMAL: {
        if (d->b == 0)
            return sch_dist_ms(d->a);
        /* Truncated at 0 by redrawing; with mean >= 0 at least half of all draws are accepted. */
        double x;
        do
            x = d->a + sim_rng_gaussian(rng, d->b);
        while (x < 0);
        return sch_dist_ms(x);
    }
    case SCH_DIST_WEIBULL: return sch_dist_ms(gsl_ran_weibull(rng, d->a, d->b));
    }
    return 0;
}

void sch_dist_prepare(const sch_dist *d, sch_dist_prepared *out)
{
    out->d = *d;
    out->zeta = d->kind == SCH_DIST_LOGNORMAL ? log(d->a) : 0;
}

sim_time sch_dist_min(const sch_dist *d)
{
    return d->kind == SCH_DIST_FIXED || d->kind == SCH_DIST_UNIFORM ? sch_dist_ms(d->a) : 0;
}

double sch_dist_mean(const sch_dist *d)
{
    switch (d->kind) {
    case SCH_DIST_FIXED: return d->a;
    case SCH_DIST_UNIFORM: return (d->a + d->b) / 2;
    case SCH_DIST_EXPONENTIAL: return d->a;
    case SCH_DIST_LOGNORMAL: return d->a * exp(d->b * d->b / 2);
    case SCH_DIST_NORMAL: {
        if (d->b == 0)
            return d->a;
        /* Mean of a normal truncated below at 0: mu + sd * phi(alpha) / (1 - Phi(alpha)). */
        double alpha = -d->a / d->b;
        return d->a + d->b * gsl_ran_ugaussian_pdf(alpha) / (0.5 * erfc(alpha / sqrt(2.0)));
    }
    case SCH_DIST_WEIBULL: return d->a * tgamma(1 + 1 / d->b);
    }
    return 0;
}

int sch_dist_format(const sch_dist *d, char *buf, size_t size)
{
    char a[32], b[32];
    sch_format_duration((sim_time)d->a, a, sizeof a);
    sch_format_duration((sim_time)d->b, b, sizeof b);
    switch (d->kind) {
    case SCH_DIST_FIXED: return snprintf(buf, size, "fixed(%s)", a);
    case SCH_DIST_UNIFORM: return snprintf(buf, size, "uniform(%s, %s)", a, b);
    case SCH_DIST_EXPONENTIAL: return snprintf(buf, size, "exponential(mean %s)", a);
    case SCH_DIST_LOGNORMAL: return snprintf(buf, size, "lognormal(median %s, sigma %g)", a, d->b);
    case SCH_DIST_NORMAL: return snprintf(buf, size, "normal(mean %s, sd %s)", a, b);
    case SCH_DIST_WEIBULL: return snprintf(buf, size, "weibull(scale %s, shape %g)", a, d->b);
    }
    return snprintf(buf, size, "?");
}
