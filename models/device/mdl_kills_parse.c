/*
 * mdl_kills_parse.c - the `device.kills` section, read with the sch_ schema kit into an
 * mdl_kills_config that already holds the platform's defaults (mdl_kills.c, with their sources).
 * Keys the platform does not have (force stops and OEM killers on iOS) are refused, not ignored.
 */
#include "mdl_kills_internal.h"

#include <string.h>

#include "sch_units.h"

#define RATE_MAX 10000.0 /* per week: one event a minute; beyond that the model means nothing */

/* A subsection must be a mapping of known keys (reported otherwise; false when not a mapping). */
static bool sub_map(sch_cx *cx, const sch_node *v, const char *const *keys)
{
    return sch_check_map(cx, v, keys);
}

static void parse_rate(sch_cx *cx, const sch_node *v, double *per_week)
{
    static const char *const keys[] = {"per_week", NULL};
    if (sub_map(cx, v, keys))
        sch_field_double(cx, v, "per_week", SCH_REQUIRED, 0.0, RATE_MAX, per_week);
}

static void parse_low_memory(sch_cx *cx, const sch_node *v, mdl_kills_config *c)
{
    static const char *const keys[] = {"after_background", "enabled", NULL};
    if (!sub_map(cx, v, keys))
        return;
    bool enabled = true;
    sch_field_bool(cx, v, "enabled", SCH_OPTIONAL, &enabled);
    sch_field_dist(cx, v, "after_background", SCH_OPTIONAL, &c->low_memory_after);
    c->low_memory = enabled;
}

static void parse_oem(sch_cx *cx, const sch_node *parent, const sch_node *v, mdl_kills_config *c)
{
    static const char *const keys[] = {"profile", "kill_after_background", "kill_on_screen_off",
                                       "swipe_is_force_stop", NULL};
    int oem = MDL_OEM_STOCK;
    if (v->kind == SCH_SCALAR) {
        if (sch_field_enum(cx, parent, "oem", SCH_REQUIRED, mdl_kills_oem_names, &oem) == SCH_FIELD_OK)
            mdl_kills_apply_oem(c, (mdl_kills_oem)oem);
        return;
    }
    size_t saved = sch_cx_push_key(cx, "oem");
    if (sub_map(cx, v, keys)) {
        if (sch_field_enum(cx, v, "profile", SCH_REQUIRED, mdl_kills_oem_names, &oem) == SCH_FIELD_OK)
            mdl_kills_apply_oem(c, (mdl_kills_oem)oem);
        const sch_node *after = sch_map_get(v, "kill_after_background");
        if (after && after->kind == SCH_SCALAR && after->text && strcmp(after->text, "never") == 0)
            c->oem_kill_after = -1;
        else if (after) {
            size_t s2 = sch_cx_push_key(cx, "kill_after_background");
            sim_time ms = 0;
            char why[160];
            if (after->kind == SCH_SCALAR && !sch_node_is_null(after) && sch_parse_duration(after->text, &ms, why, sizeof why))
                c->oem_kill_after = ms;
            else
                sch_cx_error(cx, after, "expected a duration or never, found %s", sch_cx_found(cx, after));
            sch_cx_pop(cx, s2);
        }
        sch_field_bool(cx, v, "kill_on_screen_off", SCH_OPTIONAL, &c->oem_kill_on_screen_off);
        sch_field_bool(cx, v, "swipe_is_force_stop", SCH_OPTIONAL, &c->oem_swipe_force_stop);
    }
    sch_cx_pop(cx, saved);
}

static void parse_reboots(sch_cx *cx, const sch_node *v, mdl_kills_config *c)
{
    static const char *const keys[] = {"per_week", "downtime", NULL};
    if (!sub_map(cx, v, keys))
        return;
    sch_field_double(cx, v, "per_week", SCH_REQUIRED, 0.0, RATE_MAX, &c->reboots_per_week);
    sch_field_duration(cx, v, "downtime", SCH_OPTIONAL, &c->reboot_downtime);
}

static void parse_updates(sch_cx *cx, const sch_node *v, mdl_kills_config *c)
{
    static const char *const keys[] = {"every", "at", "downtime", NULL};
    if (!sub_map(cx, v, keys))
        return;
    sim_time every = 0;
    if (sch_field_duration(cx, v, "every", SCH_REQUIRED, &every) == SCH_FIELD_OK) {
        if (every < SIM_DAYS(1)) {
            size_t s = sch_cx_push_key(cx, "every");
            const sch_node *at = sch_map_get(v, "every");
            sch_cx_error(cx, at, "expected a duration of at least 1d, found %s", sch_cx_quote(cx, at->text));
            sch_cx_pop(cx, s);
        } else {
            c->update_every = every;
        }
    }
    sch_field_time_of_day(cx, v, "at", SCH_OPTIONAL, &c->update_at);
    sch_field_duration(cx, v, "downtime", SCH_OPTIONAL, &c->update_downtime);
}

/* A key the platform does not have: reported at the key, its value not read. */
static bool refuse_on_ios(sch_cx *cx, const sch_node *node, const mdl_kills_config *c, const char *key,
                          const char *why)
{
    const sch_pair *p = sch_map_pair(node, key);
    if (!p || c->platform != MDL_IOS)
        return false;
    size_t saved = sch_cx_push_key(cx, key);
    sch_cx_error(cx, p->key, "expected a key of platform android or ideal, found %s on platform %s (%s)",
                 sch_cx_quote(cx, key), mdl_platform_name(c->platform), why);
    sch_cx_pop(cx, saved);
    return true;
}

void mdl_kills_parse(sch_cx *cx, const sch_node *node, void *config)
{
    static const char *const keys[] = {"swipes", "force_stops", "low_memory", "oem", "reboots", "updates", NULL};
    mdl_kills_config *c = config;
    if (sch_node_is_null(node) || !sch_check_map(cx, node, keys))
        return;
    struct {
        const char *key;
        int which;
    } subs[] = {{"swipes", 0}, {"force_stops", 1}, {"low_memory", 2}, {"oem", 3}, {"reboots", 4}, {"updates", 5}};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        const sch_node *v = sch_map_get(node, subs[i].key);
        if (!v)
            continue;
        if (subs[i].which == 1 &&
            refuse_on_ios(cx, node, c, "force_stops", "force stop is Android only; on iOS a swipe force-quits the app"))
            continue;
        if (subs[i].which == 3 && refuse_on_ios(cx, node, c, "oem", "OEM killer profiles are Android only"))
            continue;
        if (subs[i].which == 3) { /* pushes its own key: a scalar is read through its parent */
            parse_oem(cx, node, v, c);
            continue;
        }
        size_t saved = sch_cx_push_key(cx, subs[i].key);
        switch (subs[i].which) {
        case 0: parse_rate(cx, v, &c->swipes_per_week); break;
        case 1: parse_rate(cx, v, &c->force_stops_per_week); break;
        case 2: parse_low_memory(cx, v, c); break;
        case 4: parse_reboots(cx, v, c); break;
        case 5: parse_updates(cx, v, c); break;
        default: break;
        }
        sch_cx_pop(cx, saved);
    }
}
