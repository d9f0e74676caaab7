/*
 * mdl_usage_parse.c - the `user.usage` section, read with the sch_ schema kit into an
 * mdl_usage_config that already holds the defaults (mdl_usage.c, with their sources): sleep
 * windows that leave waking time between nights, hourly session profiles, app visits, motion.
 */
#include "mdl_usage_internal.h"

#include <stdio.h>
#include <string.h>

#include "sch_units.h"

/* "07:00" or "07:00:15" for messages. */
static void format_tod(sim_time ms, char *buf, size_t len)
{
    int hh = (int)(ms / SIM_MS_PER_HOUR), mm = (int)(ms / SIM_MS_PER_MINUTE % 60);
    int ss = (int)(ms / SIM_MS_PER_SECOND % 60);
    if (ss)
        snprintf(buf, len, "%02d:%02d:%02d", hh, mm, ss);
    else
        snprintf(buf, len, "%02d:%02d", hh, mm);
}

static bool parse_window_pair(sch_cx *cx, const sch_node *map, sim_time *from, sim_time *to)
{
    bool ok = sch_field_time_of_day(cx, map, "from", SCH_OPTIONAL, from) != SCH_FIELD_BAD;
    ok &= sch_field_time_of_day(cx, map, "to", SCH_OPTIONAL, to) != SCH_FIELD_BAD;
    return ok;
}

static void check_sleep(sch_cx *cx, const sch_node *node, const sch_node *weekend, mdl_usage_config *c)
{
    char a[16], b[16];
    for (int v = 0; v < 2; v++) {
        if (c->sleep_from[v] != c->sleep_to[v])
            continue;
        const sch_node *at = v == 1 && weekend ? weekend : node;
        size_t saved = v == 1 && weekend ? sch_cx_push_key(cx, "weekend") : cx->path_len;
        format_tod(c->sleep_from[v], a, sizeof a);
        sch_cx_error(cx, at, "expected a wake-up time different from the bedtime, found from %s to %s", a, a);
        sch_cx_pop(cx, saved);
        return;
    }
    sim_time len[2], cross[2];
    for (int v = 0; v < 2; v++) {
        len[v] = mdl_usage_span(c->sleep_from[v], c->sleep_to[v]);
        cross[v] = c->sleep_from[v] > c->sleep_to[v] ? SIM_MS_PER_DAY : 0;
    }
    /* Waking span from the night of variant x to the next night, of variant y (all four pairs
     * occur in a week): from x's wake-up on day k to y's bedtime for day k + 1. */
    sim_time gap[2][2];
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 2; y++)
            gap[x][y] = SIM_MS_PER_DAY + c->sleep_from[y] - cross[y] - c->sleep_to[x];
    if (gap[0][1] <= 0 || gap[1][0] <= 0) {
        const sch_node *at = weekend ? weekend : node;
        size_t saved = weekend ? sch_cx_push_key(cx, "weekend") : cx->path_len;
        format_tod(c->sleep_from[1], a, sizeof a);
        format_tod(c->sleep_to[1], b, sizeof b);
        sch_cx_error(cx, at, "expected a weekend night that does not overlap the weekday nights next to it, "
                             "found from %s to %s", a, b);
        sch_cx_pop(cx, saved);
        return;
    }
    sim_time shortest = len[0] < len[1] ? len[0] : len[1];
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 2; y++)
            if (gap[x][y] < shortest)
                shortest = gap[x][y];
    if (2 * c->sleep_jitter < shortest)
        return;
    const sch_node *jn = sch_map_get(node, "jitter");
    size_t saved = jn ? sch_cx_push_key(cx, "jitter") : cx->path_len;
    char limit[40], found[40];
    sch_format_duration(shortest / 2 + shortest % 2, limit, sizeof limit);
    sch_format_duration(c->sleep_jitter, found, sizeof found);
    sch_cx_error(cx, jn ? jn : node, "expected a jitter below %s, found '%s' (half the shortest sleep or waking span)",
                 limit, found);
    sch_cx_pop(cx, saved);
}

static void parse_sleep(sch_cx *cx, const sch_node *node, mdl_usage_config *c)
{
    static const char *const keys[] = {"from", "to", "jitter", "weekend", NULL};
    static const char *const wkeys[] = {"from", "to", NULL};
    if (!sch_check_map(cx, node, keys))
        return;
    bool ok = parse_window_pair(cx, node, &c->sleep_from[0], &c->sleep_to[0]);
    ok &= sch_field_duration(cx, node, "jitter", SCH_OPTIONAL, &c->sleep_jitter) != SCH_FIELD_BAD;
    const sch_node *weekend = sch_map_get(node, "weekend");
    if (weekend) {
        size_t saved = sch_cx_push_key(cx, "weekend");
        if (sch_check_map(cx, weekend, wkeys)) {
            c->sleep_from[1] = c->sleep_from[0];
            c->sleep_to[1] = c->sleep_to[0];
            ok &= parse_window_pair(cx, weekend, &c->sleep_from[1], &c->sleep_to[1]);
        } else {
            ok = false;
        }
        sch_cx_pop(cx, saved);
    } else if (sch_map_get(node, "from") || sch_map_get(node, "to")) {
        /* A weekday window given alone applies to every night. */
        c->sleep_from[1] = c->sleep_from[0];
        c->sleep_to[1] = c->sleep_to[0];
    }
    if (ok)
        check_sleep(cx, node, weekend, c);
}

#define PROFILE_WHAT "a list of 24 numbers (sessions per hour, 00h to 23h)"

static sch_field parse_profile(sch_cx *cx, const sch_node *map, const char *key, double out[MDL_USAGE_HOURS])
{
    const sch_node *node = sch_map_get(map, key);
    if (!node)
        return SCH_FIELD_ABSENT;
    size_t saved = sch_cx_push_key(cx, key);
    sch_field res = SCH_FIELD_OK;
    if (node->kind == SCH_SEQ && node->count != MDL_USAGE_HOURS) {
        sch_cx_error(cx, node, "expected " PROFILE_WHAT ", found a list of %zu", node->count);
        res = SCH_FIELD_BAD;
    } else if (node->kind != SCH_SEQ) {
        sch_cx_error(cx, node, "expected " PROFILE_WHAT ", found %s", sch_cx_found(cx, node));
        res = SCH_FIELD_BAD;
    } else {
        double v[MDL_USAGE_HOURS];
        for (size_t i = 0; i < MDL_USAGE_HOURS; i++) {
            const sch_node *item = node->items[i];
            size_t s2 = sch_cx_push_index(cx, i);
            char why[256];
            if (item->kind != SCH_SCALAR || sch_node_is_null(item)) {
                sch_cx_error(cx, item, "expected a number, found %s", sch_cx_found(cx, item));
                res = SCH_FIELD_BAD;
            } else if (!sch_parse_double(item->text, 0, MDL_USAGE_MAX_RATE, &v[i], why, sizeof why)) {
                sch_cx_error(cx, item, "%s", why);
                res = SCH_FIELD_BAD;
            }
            sch_cx_pop(cx, s2);
        }
        if (res == SCH_FIELD_OK)
            memcpy(out, v, sizeof v);
    }
    sch_cx_pop(cx, saved);
    return res;
}

static void parse_sessions(sch_cx *cx, const sch_node *node, mdl_usage_config *c)
{
    static const char *const keys[] = {"weekday", "weekend", "duration", "scale", NULL};
    if (!sch_check_map(cx, node, keys))
        return;
    sch_field wd = parse_profile(cx, node, "weekday", c->session_rate[0]);
    sch_field we = parse_profile(cx, node, "weekend", c->session_rate[1]);
    if (wd == SCH_FIELD_OK && we == SCH_FIELD_ABSENT) /* a weekday profile given alone: every day */
        memcpy(c->session_rate[1], c->session_rate[0], sizeof c->session_rate[0]);
    sch_field_dist(cx, node, "duration", SCH_OPTIONAL, &c->session_duration);
    /* `scale` multiplies both profiles: one number a fleet can vary per device ("heavy users open
     * their phone twice as often") without writing 48 rates. */
    double scale = 1;
    if (sch_field_double(cx, node, "scale", SCH_OPTIONAL, 0, 100, &scale) == SCH_FIELD_OK) {
        for (int p = 0; p < 2; p++)
            for (int h = 0; h < MDL_USAGE_HOURS; h++)
                c->session_rate[p][h] *= scale;
        for (int p = 0; p < 2; p++)
            for (int h = 0; h < MDL_USAGE_HOURS; h++)
                if (c->session_rate[p][h] > 3600) {
                    sch_cx_key_error(cx, node, "scale",
                                     "expected a scale that keeps every hour at most 3600 sessions, found %g "
                                     "(%s hour %02d becomes %g)",
                                     scale, p ? "weekend" : "weekday", h, c->session_rate[p][h]);
                    return;
                }
    }
}

static void parse_app_opens(sch_cx *cx, const sch_node *node, mdl_usage_config *c)
{
    static const char *const keys[] = {"per_session", "duration", NULL};
    if (!sch_check_map(cx, node, keys))
        return;
    sch_field_probability(cx, node, "per_session", SCH_OPTIONAL, &c->app_per_session);
    sch_field_dist(cx, node, "duration", SCH_OPTIONAL, &c->app_duration);
}

static void parse_commute(sch_cx *cx, const sch_node *node, mdl_usage_config *c)
{
    static const char *const keys[] = {"from", "to", "days", NULL};
    static const char *const required[] = {"from", "to", NULL};
    static const char *const days[] = {"weekdays", "weekend", "every_day", NULL};
    size_t saved = sch_cx_push_key(cx, "commute");
    if (node->kind != SCH_SEQ) {
        sch_cx_error(cx, node, "expected a list of windows such as { from: \"08:00\", to: \"08:45\" }, found %s",
                     sch_cx_found(cx, node));
        sch_cx_pop(cx, saved);
        return;
    }
    if (node->count > MDL_USAGE_MAX_COMMUTES) {
        sch_cx_error(cx, node, "expected a list of at most %d windows, found a list of %zu", MDL_USAGE_MAX_COMMUTES,
                     node->count);
        sch_cx_pop(cx, saved);
        return;
    }
    mdl_usage_window w[MDL_USAGE_MAX_COMMUTES] = {0};
    bool ok = true;
    for (size_t i = 0; i < node->count; i++) {
        const sch_node *item = node->items[i];
        size_t s2 = sch_cx_push_index(cx, i);
        w[i] = (mdl_usage_window){0, 0, MDL_USAGE_WEEKDAYS};
        int d = MDL_USAGE_WEEKDAYS;
        if (!sch_check_map(cx, item, keys)) {
            ok = false;
        } else {
            bool item_ok = sch_require_keys(cx, item, required);
            item_ok &= sch_field_time_of_day(cx, item, "from", SCH_OPTIONAL, &w[i].from) != SCH_FIELD_BAD;
            item_ok &= sch_field_time_of_day(cx, item, "to", SCH_OPTIONAL, &w[i].to) != SCH_FIELD_BAD;
            item_ok &= sch_field_enum(cx, item, "days", SCH_OPTIONAL, days, &d) != SCH_FIELD_BAD;
            w[i].days = (mdl_usage_days)d;
            if (item_ok && w[i].from == w[i].to) {
                char a[16];
                format_tod(w[i].from, a, sizeof a);
                sch_cx_error(cx, item, "expected a window of some length, found from %s to %s", a, a);
                item_ok = false;
            }
            ok &= item_ok;
        }
        sch_cx_pop(cx, s2);
    }
    if (ok) {
        memcpy(c->commute, w, node->count * sizeof w[0]);
        c->commute_count = (int)node->count;
    }
    sch_cx_pop(cx, saved);
}

static void parse_motion(sch_cx *cx, const sch_node *node, mdl_usage_config *c)
{
    static const char *const keys[] = {"commute", "moving_sessions", NULL};
    if (!sch_check_map(cx, node, keys))
        return;
    const sch_node *commute = sch_map_get(node, "commute");
    if (commute)
        parse_commute(cx, commute, c);
    sch_field_probability(cx, node, "moving_sessions", SCH_OPTIONAL, &c->moving_sessions);
}

void mdl_usage_parse(sch_cx *cx, const sch_node *node, void *config)
{
    static const char *const keys[] = {"sleep", "sessions", "app_opens", "motion", NULL};
    static const struct {
        const char *key;
        void (*fn)(sch_cx *, const sch_node *, mdl_usage_config *);
    } parts[] = {{"sleep", parse_sleep}, {"sessions", parse_sessions}, {"app_opens", parse_app_opens},
                 {"motion", parse_motion}};
    mdl_usage_config *c = config;
    if (!sch_check_map(cx, node, keys))
        return;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const sch_node *sub = sch_map_get(node, parts[i].key);
        if (!sub)
            continue;
        size_t saved = sch_cx_push_key(cx, parts[i].key);
        parts[i].fn(cx, sub, c);
        sch_cx_pop(cx, saved);
    }
    mdl_usage_prepare(c); /* the rates and durations may have changed */
}
