/*
 * scn_platform.c - see scn_platform.h.
 */
#include "scn_platform.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The platform a command-line override sets, or NULL when none of them sets `platform` to a name
 * we know (an invalid value is left to the walk, which names it). The last one wins, as when
 * applied. A fleet profile's values (o->label set) are not the command line: a profile that puts
 * a file on another platform is checked against the file as written (tests/scenario/fleet/bad/42). */
static const char *platform_set(const scn_override *ov, size_t n)
{
    static const char *const names[] = {"android", "ios", "ideal"};
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (ov[i].label || ov[i].step_count != 1 || ov[i].steps[0].kind != SCN_STEP_KEY ||
            strcmp(ov[i].steps[0].text, "platform") != 0)
            continue;
        found = NULL;
        const char *v = ov[i].value;
        size_t len = strlen(v);
        if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) { /* "ios" as YAML text */
            v++;
            len -= 2;
        }
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strlen(names[k]) == len && strncmp(names[k], v, len) == 0)
                found = names[k];
    }
    return found;
}

/* Removes pair i of map (its key and value freed). */
static void drop_pair(sch_node *map, size_t i)
{
    sch_yaml_free(map->pairs[i].key);
    sch_yaml_free(map->pairs[i].value);
    memmove(&map->pairs[i], &map->pairs[i + 1], (map->count - i - 1) * sizeof *map->pairs);
    map->count--;
}

/* The pair index of key in map, or map->count. */
static size_t pair_index(const sch_node *map, const char *key)
{
    size_t i = 0;
    while (map && map->kind == SCH_MAP && i < map->count && strcmp(map->pairs[i].key->text, key) != 0)
        i++;
    return map && map->kind == SCH_MAP ? i : 0;
}

/* A mapping value of map, or NULL. */
static sch_node *child_map(sch_node *map, const char *key)
{
    if (!map || map->kind != SCH_MAP)
        return NULL;
    size_t i = pair_index(map, key);
    return i < map->count && map->pairs[i].value->kind == SCH_MAP ? map->pairs[i].value : NULL;
}

/* Drops `key` from map (when there) with a note: path is the map's path, whose says whose it is. */
static void drop_key(sch_node *map, const char *path, const char *key, const char *whose, const char *to,
                     sch_diag *diag)
{
    if (!map || map->kind != SCH_MAP)
        return;
    size_t i = pair_index(map, key);
    if (i == map->count)
        return;
    char full[256];
    snprintf(full, sizeof full, "%s.%s", path, key);
    sch_diag_note(diag, map->pairs[i].key->line, map->pairs[i].key->column, full,
                  "%s, left out on %s (--set platform=%s)", whose, to, to);
    drop_pair(map, i);
}

/* The settings of one platform in device.settings and in each of its changes; a change that sets
 * nothing else any more is left out with them. */
static void drop_setting(sch_node *settings, const char *key, const char *whose, const char *to, sch_diag *diag)
{
    drop_key(settings, "device.settings", key, whose, to, diag);
    size_t ci = pair_index(settings, "changes");
    if (!settings || ci == settings->count || settings->pairs[ci].value->kind != SCH_SEQ)
        return;
    sch_node *changes = settings->pairs[ci].value;
    for (size_t i = 0; i < changes->count;) {
        sch_node *c = changes->items[i];
        char path[64];
        snprintf(path, sizeof path, "device.settings.changes[%zu]", i);
        drop_key(c, path, key, whose, to, diag);
        if (c->kind == SCH_MAP && c->count == 1 && strcmp(c->pairs[0].key->text, "at") == 0) {
            sch_yaml_free(c);
            size_t rest = (changes->count - i - 1) * sizeof *changes->items; // NOLINT(bugprone-sizeof-expression): pointers
            memmove(&changes->items[i], &changes->items[i + 1], rest);
            changes->count--;
        } else {
            i++;
        }
    }
}

void scn_platform_switch(sch_node *root, const scn_override *overrides, size_t n, sch_diag *diag)
{
    const char *to = platform_set(overrides, n);
    const sch_node *p = root && root->kind == SCH_MAP ? sch_map_get(root, "platform") : NULL;
    if (!to || !p || p->kind != SCH_SCALAR || strcmp(p->text, to) == 0)
        return;
    size_t os = pair_index(root, "os");
    if (os < root->count) {
        sch_diag_note(diag, root->pairs[os].key->line, root->pairs[os].key->column, "os",
                      "written for %s, left out on %s (--set platform=%s): %s", p->text, to, to,
                      strcmp(to, "ideal") == 0 ? "ideal has no OS settings" : "the OS model's defaults apply");
        drop_pair(root, os);
    }
    sch_node *device = child_map(root, "device");
    sch_node *settings = child_map(device, "settings");
    sch_node *power_save = child_map(child_map(device, "battery"), "power_save");
    bool ios = strcmp(to, "ios") == 0, android = strcmp(to, "android") == 0;
    if (android)
        drop_setting(settings, "background_app_refresh", "an iOS setting", to, diag);
    if (ios)
        drop_setting(settings, "battery_optimization_exempt", "an Android setting", to, diag);
    if (!ios) {
        static const char *const lpm[] = {"prompt_at", "accept", "off_at"};
        for (size_t i = 0; i < sizeof lpm / sizeof lpm[0]; i++)
            drop_key(power_save, "device.battery.power_save", lpm[i], "an iOS Low Power Mode setting", to, diag);
    }
    if (ios)
        drop_key(power_save, "device.battery.power_save", "trigger", "the Android battery saver's", to, diag);
}
