/*
 * mdl_battery_parse.c - the `device.battery` section, read with the sch_ schema kit into an
 * mdl_battery_config that already holds the defaults (mdl_battery.c, with their sources). Every
 * problem is reported through cx and leaves the default in place (mdl_model.h).
 */
#include "mdl_battery_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sch_units.h"

static bool is_never(const sch_node *n) { return n->kind == SCH_SCALAR && n->plain && strcmp(n->text, "never") == 0; }

/* A percentage in whole steps of 1/scale percent (scale 10: permille; 1000: milli-percent). */
static bool percent_steps(double pct, int64_t scale, int64_t *out)
{
    double x = pct * (double)scale;
    double r = nearbyint(x);
    if (fabs(x - r) > 1e-6 * (1.0 + fabs(x)))
        return false;
    *out = (int64_t)r;
    return true;
}

/* A percentage in milli-percent (steps of 0.001 %); `what` names it in the message. */
static void field_mp(sch_cx *cx, const sch_node *map, const char *key, const char *what, int64_t *out)
{
    double v;
    int64_t mp;
    if (sch_field_percent(cx, map, key, SCH_OPTIONAL, &v) != SCH_FIELD_OK)
        return;
    if (!percent_steps(v, 1000, &mp))
        sch_cx_key_error(cx, map, key, "expected %s in steps of 0.001%%, found %s", what,
                  sch_cx_found(cx, sch_map_get(map, key)));
    else
        *out = mp;
}

static void field_rate(sch_cx *cx, const sch_node *map, const char *key, int64_t *out)
{
    field_mp(cx, map, key, "a rate per hour", out);
}

/* A level in steps of 0.1 %, at least min_permille. */
static bool value_level(sch_cx *cx, const sch_node *v, int min_permille, int *out)
{
    char why[256];
    double pct;
    int64_t pm;
    if (v->kind != SCH_SCALAR || sch_node_is_null(v)) {
        sch_cx_error(cx, v, "expected a percentage, found %s", sch_cx_found(cx, v));
        return false;
    }
    if (!sch_parse_percent(v->text, &pct, why, sizeof why)) {
        sch_cx_error(cx, v, "%s", why);
        return false;
    }
    if (!percent_steps(pct, 10, &pm)) {
        sch_cx_error(cx, v, "expected a level in steps of 0.1%%, found %s", sch_cx_found(cx, v));
        return false;
    }
    if (pm < min_permille) {
        sch_cx_error(cx, v, "expected a level from 0.1%% to 100%%, found %s", sch_cx_found(cx, v));
        return false;
    }
    *out = (int)pm;
    return true;
}

static bool field_level(sch_cx *cx, const sch_node *map, const char *key, int min_permille, int *out)
{
    const sch_node *v = sch_map_get(map, key);
    if (!v)
        return false;
    size_t saved = sch_cx_push_key(cx, key);
    bool ok = value_level(cx, v, min_permille, out);
    sch_cx_pop(cx, saved);
    return ok;
}

/* A list of levels (each >= 0.1 %), at most max; *count set only when all are good. */
static void field_levels(sch_cx *cx, const sch_node *map, const char *key, int *out, int *count, int max)
{
    const sch_node *v = sch_map_get(map, key);
    if (!v)
        return;
    size_t saved = sch_cx_push_key(cx, key);
    if (v->kind != SCH_SEQ) {
        sch_cx_error(cx, v, "expected a list of percentages such as [50%%, 30%%], found %s", sch_cx_found(cx, v));
    } else if (v->count > (size_t)max) {
        sch_cx_error(cx, v, "expected at most %d levels, found %zu", max, v->count);
    } else {
        bool ok = true;
        int tmp[MDL_BATTERY_MAX_THRESHOLDS] = {0};
        for (size_t i = 0; i < v->count; i++) {
            size_t s2 = sch_cx_push_index(cx, i);
            ok &= value_level(cx, v->items[i], 1, &tmp[i]);
            sch_cx_pop(cx, s2);
        }
        if (ok) {
            memcpy(out, tmp, v->count * sizeof *tmp);
            *count = (int)v->count;
        }
    }
    sch_cx_pop(cx, saved);
}

static void parse_drain(sch_cx *cx, const sch_node *n, mdl_battery_config *c)
{
    static const char *const keys[] = {"screen_on", "idle", "dozing", "worker", "network", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    field_rate(cx, n, "screen_on", &c->drain_screen_on_mp);
    field_rate(cx, n, "idle", &c->drain_idle_mp);
    field_rate(cx, n, "dozing", &c->drain_dozing_mp);
    field_rate(cx, n, "worker", &c->drain_worker_mp);
    field_rate(cx, n, "network", &c->drain_network_mp);
}

static void parse_charge(sch_cx *cx, const sch_node *n, mdl_battery_config *c)
{
    static const char *const keys[] = {"rate", "taper_at", "taper_rate", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    field_rate(cx, n, "rate", &c->charge_rate_mp);
    field_mp(cx, n, "taper_at", "a level", &c->charge_taper_at_mp);
    field_rate(cx, n, "taper_rate", &c->charge_taper_rate_mp);
}

static void parse_low(sch_cx *cx, const sch_node *n, mdl_battery_config *c)
{
    static const char *const keys[] = {"level", "okay", "plug_clears", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    field_level(cx, n, "level", 1, &c->low_permille);
    field_level(cx, n, "okay", 1, &c->okay_permille);
    sch_field_bool(cx, n, "plug_clears", SCH_OPTIONAL, &c->plug_clears_low);
    if (c->okay_permille < c->low_permille) {
        char lvl[32];
        snprintf(lvl, sizeof lvl, "%g%%", c->low_permille / 10.0);
        sch_cx_key_error(cx, n, sch_map_get(n, "okay") ? "okay" : "level", "expected low.okay at or above low.level (%s), found %s",
                  lvl, sch_cx_found(cx, sch_map_get(n, sch_map_get(n, "okay") ? "okay" : "level")));
    }
}

static void parse_nightly(sch_cx *cx, const sch_node *n, mdl_battery_config *c)
{
    static const char *const keys[] = {"from", "to", "jitter", "probability", NULL};
    if (is_never(n)) {
        c->nightly = false;
        return;
    }
    if (n->kind != SCH_MAP) {
        sch_cx_error(cx, n, "expected a mapping or never, found %s", sch_cx_found(cx, n));
        return;
    }
    if (!sch_check_map(cx, n, keys))
        return;
    c->nightly = true;
    sch_field_time_of_day(cx, n, "from", SCH_OPTIONAL, &c->nightly_from);
    sch_field_time_of_day(cx, n, "to", SCH_OPTIONAL, &c->nightly_to);
    sch_field_duration(cx, n, "jitter", SCH_OPTIONAL, &c->nightly_jitter);
    sch_field_probability(cx, n, "probability", SCH_OPTIONAL, &c->nightly_probability);
    sim_time w = mdl_battery_night_window(c);
    /* The message names a key the mapping has; one left out has its default (found by the fuzzer:
     * `{ from: "06:00" }` alone made the jitter message quote an absent `to`, a NULL node). */
    const char *edge = sch_map_get(n, "to") ? "to" : "from";
    if (w == 0) {
        const sch_node *v = sch_map_get(n, edge);
        sch_cx_key_error(cx, n, edge, "expected 'to' different from 'from', found %s",
                         v ? sch_cx_found(cx, v) : "the default");
    } else if (c->nightly_jitter * 2 >= w) {
        char half[40], jitter[40];
        sch_format_duration(w / 2, half, sizeof half);
        const char *k = sch_map_get(n, "jitter") ? "jitter" : edge;
        const sch_node *v = sch_map_get(n, k);
        if (v && k[0] != 'j')
            v = NULL; /* the jitter is the default: show that, not the window's edge */
        sch_format_duration(c->nightly_jitter, jitter, sizeof jitter);
        char shown[64];
        snprintf(shown, sizeof shown, "'%s' (the default jitter)", jitter);
        sch_cx_key_error(cx, n, k, "expected a jitter below half the charging window (%s), found %s", half,
                         v ? sch_cx_found(cx, v) : shown);
    }
}

/* [HH:MM, HH:MM] with from < to. */
static void field_between(sch_cx *cx, const sch_node *map, const char *key, sim_time *from, sim_time *to)
{
    const sch_node *v = sch_map_get(map, key);
    if (!v)
        return;
    size_t saved = sch_cx_push_key(cx, key);
    if (v->kind != SCH_SEQ || v->count != 2) {
        sch_cx_error(cx, v, "expected a list of two times of day such as [09:00, 21:00], found %s", sch_cx_found(cx, v));
    } else {
        sim_time t[2];
        bool ok = true;
        for (size_t i = 0; i < 2; i++) {
            char why[256];
            const sch_node *it = v->items[i];
            size_t s2 = sch_cx_push_index(cx, i);
            if (it->kind != SCH_SCALAR || sch_node_is_null(it)) {
                sch_cx_error(cx, it, "expected a time of day, found %s", sch_cx_found(cx, it));
                ok = false;
            } else if (!sch_parse_time_of_day(it->text, &t[i], why, sizeof why)) {
                sch_cx_error(cx, it, "%s", why);
                ok = false;
            }
            sch_cx_pop(cx, s2);
        }
        if (ok && t[1] <= t[0]) {
            size_t s2 = sch_cx_push_index(cx, 1);
            sch_cx_error(cx, v->items[1], "expected an end after the start (%s), found %s", v->items[0]->text,
                         sch_cx_found(cx, v->items[1]));
            sch_cx_pop(cx, s2);
        } else if (ok) {
            *from = t[0];
            *to = t[1];
        }
    }
    sch_cx_pop(cx, saved);
}

static void parse_top_ups(sch_cx *cx, const sch_node *n, mdl_battery_config *c)
{
    static const char *const keys[] = {"per_day", "duration", "between", NULL};
    if (is_never(n)) {
        c->top_ups = false;
        return;
    }
    if (n->kind != SCH_MAP) {
        sch_cx_error(cx, n, "expected a mapping or never, found %s", sch_cx_found(cx, n));
        return;
    }
    if (!sch_check_map(cx, n, keys))
        return;
    c->top_ups = true;
    sch_field_double(cx, n, "per_day", SCH_OPTIONAL, 0, 1000, &c->top_ups_per_day);
    sch_field_dist(cx, n, "duration", SCH_OPTIONAL, &c->top_up_duration);
    field_between(cx, n, "between", &c->top_ups_from, &c->top_ups_to);
}

static void parse_charging(sch_cx *cx, const sch_node *n, mdl_battery_config *c)
{
    static const char *const keys[] = {"nightly", "top_ups", NULL};
    if (is_never(n)) {
        c->nightly = c->top_ups = false;
        return;
    }
    if (n->kind != SCH_MAP) {
        sch_cx_error(cx, n, "expected a mapping or never, found %s", sch_cx_found(cx, n));
        return;
    }
    if (!sch_check_map(cx, n, keys))
        return;
    const sch_node *v;
    if ((v = sch_map_get(n, "nightly"))) {
        size_t s = sch_cx_push_key(cx, "nightly");
        parse_nightly(cx, v, c);
        sch_cx_pop(cx, s);
    }
    if ((v = sch_map_get(n, "top_ups"))) {
        size_t s = sch_cx_push_key(cx, "top_ups");
        parse_top_ups(cx, v, c);
        sch_cx_pop(cx, s);
    }
}

static void parse_windows(sch_cx *cx, const sch_node *v, mdl_battery_config *c)
{
    static const char *const keys[] = {"from", "to", NULL};
    if (v->kind != SCH_SEQ) {
        sch_cx_error(cx, v, "expected a list of windows such as [{ from: 12:00, to: 13:00 }], found %s",
                     sch_cx_found(cx, v));
        return;
    }
    if (v->count > MDL_BATTERY_MAX_WINDOWS) {
        sch_cx_error(cx, v, "expected at most %d windows, found %zu", MDL_BATTERY_MAX_WINDOWS, v->count);
        return;
    }
    static const char *const req[] = {"from", "to", NULL};
    mdl_battery_window w[MDL_BATTERY_MAX_WINDOWS] = {0};
    bool ok = true;
    for (size_t i = 0; i < v->count; i++) {
        const sch_node *it = v->items[i];
        size_t s = sch_cx_push_index(cx, i);
        if (!sch_check_map(cx, it, keys) || !sch_require_keys(cx, it, req)) {
            ok = false;
        } else {
            ok &= sch_field_time_of_day(cx, it, "from", SCH_REQUIRED, &w[i].from) == SCH_FIELD_OK;
            ok &= sch_field_time_of_day(cx, it, "to", SCH_REQUIRED, &w[i].to) == SCH_FIELD_OK;
            if (ok && w[i].from == w[i].to) {
                sch_cx_key_error(cx, it, "to", "expected 'to' different from 'from', found %s",
                          sch_cx_found(cx, sch_map_get(it, "to")));
                ok = false;
            }
        }
        sch_cx_pop(cx, s);
    }
    if (ok) {
        memcpy(c->manual, w, v->count * sizeof *w);
        c->manual_count = (int)v->count;
    }
}

static void parse_power_save(sch_cx *cx, const sch_node *n, mdl_battery_config *c)
{
    static const char *const keys[] = {"manual", "prompt_at", "accept", "off_at", "trigger", NULL};
    static const char *const ios_only[] = {"prompt_at", "accept", "off_at", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    /* A setting of the other platform would be ignored: say so rather than drop it. */
    bool ios = c->platform == MDL_IOS;
    for (size_t i = 0; i < n->count; i++) {
        const char *k = n->pairs[i].key->text;
        bool is_ios_key = false;
        for (const char *const *p = ios_only; *p; p++)
            is_ios_key |= strcmp(*p, k) == 0;
        if (ios && strcmp(k, "trigger") == 0)
            sch_cx_error(cx, n->pairs[i].key,
                         "expected an iOS Low Power Mode key (manual, prompt_at, accept, off_at), found 'trigger' "
                         "(the Android battery saver's)");
        else if (!ios && is_ios_key)
            sch_cx_error(cx, n->pairs[i].key,
                         "expected an Android battery saver key (manual, trigger), found '%s' (an iOS Low Power Mode "
                         "setting)", k);
    }
    const sch_node *v;
    if ((v = sch_map_get(n, "manual"))) {
        size_t s = sch_cx_push_key(cx, "manual");
        parse_windows(cx, v, c);
        sch_cx_pop(cx, s);
    }
    if (ios) {
        field_levels(cx, n, "prompt_at", c->prompt_permille, &c->prompt_count, MDL_BATTERY_MAX_PROMPTS);
        sch_field_probability(cx, n, "accept", SCH_OPTIONAL, &c->prompt_accept);
        field_level(cx, n, "off_at", 0, &c->lpm_off_permille);
    } else {
        field_level(cx, n, "trigger", 0, &c->saver_trigger_permille);
    }
}

void mdl_battery_parse(sch_cx *cx, const sch_node *node, void *config)
{
    static const char *const keys[] = {"initial", "drain", "charge", "low", "watch", "charging", "power_save", NULL};
    mdl_battery_config *c = config;
    if (!sch_check_map(cx, node, keys))
        return;
    field_mp(cx, node, "initial", "a level", &c->initial_mp);
    static const struct {
        const char *key;
        void (*parse)(sch_cx *, const sch_node *, mdl_battery_config *);
    } subs[] = {{"drain", parse_drain}, {"charge", parse_charge}, {"low", parse_low},
                {"charging", parse_charging}, {"power_save", parse_power_save}};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        const sch_node *v = sch_map_get(node, subs[i].key);
        if (!v)
            continue;
        size_t s = sch_cx_push_key(cx, subs[i].key);
        subs[i].parse(cx, v, c);
        sch_cx_pop(cx, s);
    }
    field_levels(cx, node, "watch", c->watch_permille, &c->watch_count, MDL_BATTERY_MAX_WATCH);
}
