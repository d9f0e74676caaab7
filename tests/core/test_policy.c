/* test_policy.c: presets and the name -> switch table that scenario files use. */
#include <criterion/criterion.h>
#include <string.h>

#include "bgt.h"

Test(policy, preset_names_are_listed)
{
    size_t i;
    bgt_policy p;
    cr_assert_geq(bgt_policy_preset_count(), 2);
    for (i = 0; i < bgt_policy_preset_count(); i++)
        cr_assert_eq(bgt_policy_preset(bgt_policy_preset_name(i), BGT_PLATFORM_IOS, &p), BGT_OK);
    cr_assert_null(bgt_policy_preset_name(bgt_policy_preset_count()));
}

Test(policy, unknown_preset_and_platform_are_errors)
{
    bgt_policy p;
    memset(&p, 0xAB, sizeof p);
    cr_assert_eq(bgt_policy_preset("sdk51", BGT_PLATFORM_ANDROID, &p), BGT_E_UNKNOWN_PRESET);
    cr_assert_eq(bgt_policy_preset("current", (bgt_platform)7, &p), BGT_E_INVAL);
    cr_assert_eq(((unsigned char *)&p)[0], 0xAB, "untouched on error");
}

Test(policy, current_android_matches_ebt_57)
{
    bgt_policy p;
    cr_assert_eq(bgt_policy_preset("current", BGT_PLATFORM_ANDROID, &p), BGT_OK);
    cr_assert_eq(p.default_interval_min, 1440);      /* E2.1 */
    cr_assert_eq(p.interval_floor_min, 0);           /* E2.3 */
    cr_assert(p.require_network && !p.require_battery_not_low);
    cr_assert_eq(p.foreground_defer_cap_min, 60);    /* E2.5 */
    cr_assert(p.keep_pending_worker && p.successor_append && !p.reschedule_on_expiry);
    cr_assert(p.missing_interval_resets);
}

Test(policy, current_ios_matches_ebt_57)
{
    bgt_policy p;
    cr_assert_eq(bgt_policy_preset("current", BGT_PLATFORM_IOS, &p), BGT_OK);
    cr_assert_eq(p.default_interval_min, 720);       /* E3.1 */
    cr_assert_eq(p.foreground_defer_cap_min, 0);     /* E7 */
    cr_assert(!p.keep_pending_worker && !p.successor_append && p.reschedule_on_expiry);
    cr_assert_not(p.missing_interval_resets);
}

Test(policy, sdk52_matches_the_seed_document)
{
    bgt_policy a, i;
    cr_assert_eq(bgt_policy_preset("sdk52", BGT_PLATFORM_ANDROID, &a), BGT_OK);
    cr_assert_eq(bgt_policy_preset("sdk52", BGT_PLATFORM_IOS, &i), BGT_OK);
    cr_assert(a.require_network && a.require_battery_not_low);
    cr_assert_eq(a.interval_floor_min, 15);
    cr_assert_eq(a.default_interval_min, 720);
    cr_assert_eq(i.default_interval_min, 720);
    cr_assert(a.worker_only_in_background && !a.schedule_on_register); /* E2.9 */
    cr_assert(a.strict_register && !a.trigger_enabled);                /* E0 */
}

Test(policy, platform_names_parse)
{
    bgt_platform p;
    cr_assert_eq(bgt_platform_parse("android", &p), BGT_OK);
    cr_assert_eq(p, BGT_PLATFORM_ANDROID);
    cr_assert_eq(bgt_platform_parse("ios", &p), BGT_OK);
    cr_assert_eq(p, BGT_PLATFORM_IOS);
    cr_assert_eq(bgt_platform_parse("web", &p), BGT_E_INVAL);
}

Test(policy, every_switch_is_documented_and_sourced)
{
    size_t i;
    for (i = 0; i < bgt_policy_switch_count(); i++) {
        const bgt_switch_info *s = bgt_policy_switch_at(i);
        cr_assert(s->name && s->doc && s->source && strlen(s->source) > 4, "switch %zu", i);
        cr_assert(s->type == BGT_SWITCH_BOOL || s->type == BGT_SWITCH_MINUTES);
        cr_assert_leq(s->min, s->max);
        cr_assert_eq(bgt_policy_switch_find(s->name), s);
    }
    cr_assert_null(bgt_policy_switch_at(bgt_policy_switch_count()));
}

/* Each switch must address its own field: set one from a zeroed policy and no other switch may
 * read back non-zero. This catches a wrong offset or type in the table. */
Test(policy, every_switch_sets_only_its_own_field)
{
    size_t i, j, n = bgt_policy_switch_count();
    cr_assert_eq(n, 19, "a new bgt_policy field needs a table entry and a test both ways");
    for (i = 0; i < n; i++) {
        const bgt_switch_info *s = bgt_policy_switch_at(i);
        bgt_policy p;
        int64_t v;
        memset(&p, 0, sizeof p);
        cr_assert_eq(bgt_policy_set(&p, s->name, s->max), BGT_OK);
        cr_assert_eq(bgt_policy_get(&p, s->name, &v), BGT_OK);
        cr_assert_eq(v, s->max, "%s round-trips", s->name);
        for (j = 0; j < n; j++) {
            if (j == i)
                continue;
            cr_assert_eq(bgt_policy_get(&p, bgt_policy_switch_at(j)->name, &v), BGT_OK);
            cr_assert_eq(v, 0, "setting %s changed %s", s->name, bgt_policy_switch_at(j)->name);
        }
    }
}

Test(policy, set_rejects_unknown_names_and_bad_values)
{
    bgt_policy p;
    int64_t v;
    cr_assert_eq(bgt_policy_preset("current", BGT_PLATFORM_ANDROID, &p), BGT_OK);
    cr_assert_eq(bgt_policy_set(&p, "minimum_intervl", 1), BGT_E_UNKNOWN_SWITCH);
    cr_assert_eq(bgt_policy_get(&p, "nope", &v), BGT_E_UNKNOWN_SWITCH);
    cr_assert_eq(bgt_policy_set(&p, "require_network", 2), BGT_E_RANGE);
    cr_assert_eq(bgt_policy_set(&p, "interval_floor_min", -1), BGT_E_RANGE);
    cr_assert_eq(bgt_policy_set(&p, "default_interval_min", 0), BGT_E_RANGE);
    cr_assert_eq(bgt_policy_get(&p, "require_network", &v), BGT_OK);
    cr_assert_eq(v, 1, "a rejected value leaves the switch alone");
    cr_assert_null(bgt_policy_switch_find("REQUIRE_NETWORK"));
}
