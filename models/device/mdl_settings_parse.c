/*
 * mdl_settings_parse.c - the `device.settings` section, read with the sch_ schema kit into an
 * mdl_settings_config that already holds the defaults (mdl_settings.c, with their sources). A
 * setting of the other platform is refused, not ignored.
 */
#include "mdl_settings_internal.h"

#include <string.h>

/* Whether `key` (present in `map`) is allowed on the scenario's platform; reports it if not. */
static bool platform_allows(sch_cx *cx, const sch_node *map, const char *key, mdl_platform platform)
{
    bool ios_key = strcmp(key, "background_app_refresh") == 0;
    if (platform == MDL_IDEAL || platform == (ios_key ? MDL_IOS : MDL_ANDROID))
        return true;
    size_t saved = sch_cx_push_key(cx, key);
    sch_cx_error(cx, sch_map_pair(map, key)->key, "an %s setting: expected platform '%s' or 'ideal', found '%s'",
                 ios_key ? "iOS" : "Android", ios_key ? "ios" : "android", mdl_platform_name(platform));
    sch_cx_pop(cx, saved);
    return false;
}

/* Reads `key` into *out when present, valid and allowed. Returns false after reporting. */
static bool setting(sch_cx *cx, const sch_node *map, const char *key, mdl_platform platform, int8_t *out)
{
    if (!sch_map_get(map, key))
        return true;
    if (!platform_allows(cx, map, key, platform))
        return false;
    bool b;
    if (sch_field_bool(cx, map, key, SCH_OPTIONAL, &b) != SCH_FIELD_OK)
        return false;
    *out = b ? 1 : 0;
    return true;
}

static bool parse_change(sch_cx *cx, const sch_node *item, mdl_platform platform, mdl_settings_change *out)
{
    static const char *const keys[] = {"at", "background_app_refresh", "battery_optimization_exempt", NULL};
    if (!sch_check_map(cx, item, keys))
        return false;
    mdl_settings_change ch = {.background_app_refresh = -1, .battery_optimization_exempt = -1};
    bool ok = sch_field_duration(cx, item, "at", SCH_REQUIRED, &ch.at) == SCH_FIELD_OK;
    ok = setting(cx, item, "background_app_refresh", platform, &ch.background_app_refresh) && ok;
    ok = setting(cx, item, "battery_optimization_exempt", platform, &ch.battery_optimization_exempt) && ok;
    if (!sch_map_get(item, "background_app_refresh") && !sch_map_get(item, "battery_optimization_exempt")) {
        sch_cx_error(cx, item, "expected 'background_app_refresh' or 'battery_optimization_exempt', found neither");
        ok = false;
    }
    if (ok)
        *out = ch;
    return ok;
}

static void parse_changes(sch_cx *cx, const sch_node *map, mdl_settings_config *c)
{
    const sch_node *v = NULL;
    if (sch_field_node(cx, map, "changes", SCH_OPTIONAL, &v) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, "changes");
    if (v->kind != SCH_SEQ) {
        sch_cx_error(cx, v, "expected a list of changes, found %s", sch_cx_found(cx, v));
    } else if (v->count > MDL_SETTINGS_MAX_CHANGES) {
        sch_cx_error(cx, v, "expected at most %d changes, found %zu", MDL_SETTINGS_MAX_CHANGES, v->count);
    } else {
        mdl_settings_change tmp[MDL_SETTINGS_MAX_CHANGES] = {0};
        bool ok = true;
        for (size_t i = 0; i < v->count; i++) {
            size_t s2 = sch_cx_push_index(cx, i);
            ok = parse_change(cx, v->items[i], c->platform, &tmp[i]) && ok;
            sch_cx_pop(cx, s2);
        }
        if (ok) {
            /* Insertion sort by `at`: stable, so equal times keep file order. */
            for (size_t i = 1; i < v->count; i++) {
                mdl_settings_change x = tmp[i];
                size_t j = i;
                for (; j > 0 && tmp[j - 1].at > x.at; j--)
                    tmp[j] = tmp[j - 1];
                tmp[j] = x;
            }
            memcpy(c->changes, tmp, v->count * sizeof tmp[0]);
            c->change_count = (int)v->count;
        }
    }
    sch_cx_pop(cx, saved);
}

void mdl_settings_parse(sch_cx *cx, const sch_node *node, void *config)
{
    static const char *const keys[] = {"background_app_refresh", "battery_optimization_exempt", "changes", NULL};
    mdl_settings_config *c = config;
    if (sch_node_is_null(node) || !sch_check_map(cx, node, keys))
        return;
    int8_t bar = -1, exempt = -1;
    setting(cx, node, "background_app_refresh", c->platform, &bar);
    setting(cx, node, "battery_optimization_exempt", c->platform, &exempt);
    if (bar >= 0)
        c->background_app_refresh = bar;
    if (exempt >= 0)
        c->battery_optimization_exempt = exempt;
    parse_changes(cx, node, c);
}
