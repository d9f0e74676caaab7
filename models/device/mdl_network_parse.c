/*
 * mdl_network_parse.c - the `device.network` section (mdl_network.h shows it), read with the sch_
 * schema kit into an mdl_network_config that already holds the defaults (mdl_network.c, with
 * their sources). A schedule changes only when all of it is valid.
 */
#include "mdl_network_internal.h"

#include <string.h>

#include "sch_suggest.h"

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun",
                                        "monday", "tuesday", "wednesday", "thursday", "friday",
                                        "saturday", "sunday", "weekdays", "weekend", NULL};
#define DAY_NAME_COUNT 16
#define DAY_EXPECTED "expected a day ('mon' to 'sun', 'weekdays' or 'weekend')"

static bool parse_day(sch_cx *cx, const sch_node *n, uint8_t *mask)
{
    if (n->kind != SCH_SCALAR || sch_node_is_null(n)) {
        sch_cx_error(cx, n, DAY_EXPECTED ", found %s", sch_node_kind_name(n));
        return false;
    }
    for (int i = 0; i < DAY_NAME_COUNT; i++) {
        if (strcmp(n->text, day_names[i]) == 0) {
            *mask = (uint8_t)(*mask | (i < 14 ? 1u << (i % 7) : i == 14 ? 0x1fu : 0x60u));
            return true;
        }
    }
    const char *guess = sch_did_you_mean(n->text, day_names, DAY_NAME_COUNT);
    if (guess)
        sch_cx_error(cx, n, DAY_EXPECTED ", found %s (did you mean '%s'?)", sch_cx_quote(cx, n->text), guess);
    else
        sch_cx_error(cx, n, DAY_EXPECTED ", found %s", sch_cx_quote(cx, n->text));
    return false;
}

/* `days: [mon, tue]` or `days: weekend`. */
static bool parse_days(sch_cx *cx, const sch_node *n, uint8_t *out)
{
    uint8_t mask = 0;
    bool ok = true;
    if (n->kind == SCH_SEQ) {
        if (n->count == 0) {
            sch_cx_error(cx, n, "expected at least one day, found an empty list");
            return false;
        }
        for (size_t i = 0; i < n->count; i++) {
            size_t saved = sch_cx_push_index(cx, i);
            ok = parse_day(cx, n->items[i], &mask) && ok;
            sch_cx_pop(cx, saved);
        }
    } else {
        ok = parse_day(cx, n, &mask);
    }
    if (ok)
        *out = mask;
    return ok;
}

static bool parse_window(sch_cx *cx, const sch_node *item, mdl_net_window *out)
{
    static const char *const keys[] = {"days", "from", "to", "all_day", NULL};
    if (!sch_check_map(cx, item, keys))
        return false;
    bool ok = true;
    mdl_net_window w = {.days = MDL_NET_ALL_DAYS};
    const sch_node *dn = NULL;
    if (sch_field_node(cx, item, "days", SCH_OPTIONAL, &dn) == SCH_FIELD_OK) {
        size_t saved = sch_cx_push_key(cx, "days");
        ok = parse_days(cx, dn, &w.days) && ok;
        sch_cx_pop(cx, saved);
    }
    sch_field fa = sch_field_bool(cx, item, "all_day", SCH_OPTIONAL, &w.all_day);
    sch_field ff = sch_field_time_of_day(cx, item, "from", SCH_OPTIONAL, &w.from);
    sch_field ft = sch_field_time_of_day(cx, item, "to", SCH_OPTIONAL, &w.to);
    if (fa == SCH_FIELD_BAD || ff == SCH_FIELD_BAD || ft == SCH_FIELD_BAD)
        return false;
    if (w.all_day) {
        if (ff != SCH_FIELD_ABSENT || ft != SCH_FIELD_ABSENT) {
            sch_cx_error(cx, item, "expected either 'all_day: true' or 'from' and 'to', found both");
            return false;
        }
    } else if (ff == SCH_FIELD_ABSENT && ft == SCH_FIELD_ABSENT) {
        sch_cx_error(cx, item, "expected 'from' and 'to', or 'all_day: true', found neither");
        return false;
    } else if (ff == SCH_FIELD_ABSENT || ft == SCH_FIELD_ABSENT) {
        sch_cx_error(cx, item, "missing required key '%s'", ff == SCH_FIELD_ABSENT ? "from" : "to");
        return false;
    } else if (w.from == w.to) {
        const sch_node *to = sch_map_get(item, "to");
        size_t saved = sch_cx_push_key(cx, "to");
        sch_cx_error(cx, to, "expected a time other than 'from' (a whole day is 'all_day: true'), found %s",
                     sch_cx_quote(cx, to->text));
        sch_cx_pop(cx, saved);
        return false;
    }
    if (ok)
        *out = w;
    return ok;
}

/* A list of windows, or `always` / `never`, under `key`; *out changes only when all is valid. */
static void parse_windows(sch_cx *cx, const sch_node *map, const char *key, mdl_net_windows *out)
{
    static const char *const words[] = {"always", "never", NULL};
    const sch_node *v = NULL;
    if (sch_field_node(cx, map, key, SCH_OPTIONAL, &v) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, key);
    if (v->kind == SCH_SCALAR && !sch_node_is_null(v)) {
        if (strcmp(v->text, "always") == 0) {
            out->count = 1;
            out->w[0] = (mdl_net_window){.days = MDL_NET_ALL_DAYS, .all_day = true};
        } else if (strcmp(v->text, "never") == 0) {
            out->count = 0;
        } else {
            const char *guess = sch_did_you_mean(v->text, words, 2);
            if (guess)
                sch_cx_error(cx, v, "expected a list of windows, 'always' or 'never', found %s (did you mean '%s'?)",
                             sch_cx_quote(cx, v->text), guess);
            else
                sch_cx_error(cx, v, "expected a list of windows, 'always' or 'never', found %s",
                             sch_cx_quote(cx, v->text));
        }
    } else if (v->kind != SCH_SEQ) {
        sch_cx_error(cx, v, "expected a list of windows, 'always' or 'never', found %s", sch_node_kind_name(v));
    } else if (v->count > MDL_NETWORK_MAX_WINDOWS) {
        sch_cx_error(cx, v, "expected at most %d windows, found %zu", MDL_NETWORK_MAX_WINDOWS, v->count);
    } else {
        mdl_net_windows tmp;
        memset(&tmp, 0, sizeof tmp);
        bool ok = true;
        for (size_t i = 0; i < v->count; i++) {
            size_t s2 = sch_cx_push_index(cx, i);
            ok = parse_window(cx, v->items[i], &tmp.w[i]) && ok;
            sch_cx_pop(cx, s2);
        }
        tmp.count = (int)v->count;
        if (ok)
            *out = tmp;
    }
    sch_cx_pop(cx, saved);
}

static void parse_outages(sch_cx *cx, const sch_node *map, mdl_network_config *c)
{
    static const char *const keys[] = {"per_day", "duration", NULL};
    const sch_node *v = NULL;
    if (sch_field_node(cx, map, "outages", SCH_OPTIONAL, &v) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, "outages");
    if (sch_check_map(cx, v, keys)) {
        sch_field_double(cx, v, "per_day", SCH_REQUIRED, 0, 1440, &c->outages_per_day);
        sch_field_dist(cx, v, "duration", SCH_OPTIONAL, &c->outage_duration);
    }
    sch_cx_pop(cx, saved);
}

void mdl_network_parse(sch_cx *cx, const sch_node *node, void *config)
{
    static const char *const keys[] = {"wifi", "work_wifi", "cellular", "airplane", "outages", NULL};
    mdl_network_config *c = config;
    if (sch_node_is_null(node))
        return; /* `network:` alone: every default */
    if (!sch_check_map(cx, node, keys))
        return;
    parse_windows(cx, node, "wifi", &c->wifi);
    parse_windows(cx, node, "work_wifi", &c->work_wifi);
    parse_windows(cx, node, "airplane", &c->airplane);
    sch_field_bool(cx, node, "cellular", SCH_OPTIONAL, &c->cellular);
    parse_outages(cx, node, c);
    mdl_network_prepare(c); /* the windows may have changed */
}
