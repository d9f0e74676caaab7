/*
 * test_fleet.c - the values a fleet draws (scn_fleet_draw): each kind of value on its grid and in
 * its range, times of day across midnight, weights (choices and profiles) by a chi-square test,
 * clamps, and device k's draws independent of every other device. Fleets are loaded from small
 * YAML strings (scn_load_buffer), as a scenario file's `fleet:` section.
 *
 * Draws do not consult the schema (run_fleet_validate's probes do), so a few keys here are chosen
 * for the kind of value they hold, not for what a device would accept.
 *
 * Last, every prefix of the good fleet files is loaded and, when it loads, validated device-wise:
 * a half-written fleet is refused with errors or accepted, never a crash (run under ASan by the
 * sanitizer build's ctest).
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_fleet.h"
#include "scn_fleet.h"
#include "scn_scenario.h"
#include "sch_units.h"

static const char base[] = "bgsim: 1\n"
                           "platform: ideal\n"
                           "duration: 1d\n"
                           "app:\n"
                           "  tasks:\n"
                           "    - name: sync\n"
                           "      minimum_interval: 15m\n";

/* The scenario of base + `fleet` (a YAML text starting with "fleet:"); fails the test when it does
 * not load. */
static scn_scenario *load_fleet(const char *fleet)
{
    size_t len = strlen(base) + strlen(fleet) + 1;
    char *text = malloc(len);
    cr_assert_not_null(text);
    snprintf(text, len, "%s%s", base, fleet);
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer("fleet.yaml", text, strlen(text), &diag, &s);
    char first[1024] = "";
    if (rc != 0 && diag.kept > 0)
        sch_diag_format(&diag, 0, first, sizeof first);
    sch_diag_free(&diag);
    free(text);
    cr_assert_eq(rc, 0, "the fleet did not load: %s", first);
    cr_assert_not_null(s->fleet);
    return s;
}

static scn_fleet_device *new_device(void)
{
    scn_fleet_device *d = malloc(sizeof *d); /* ~100 KB: not on the stack */
    cr_assert_not_null(d);
    return d;
}

/* The value device d has for `key` (the last override of it: the one that applies). */
static const char *value_of(const scn_fleet_device *d, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->ov[i].key, key) == 0)
            v = d->ov[i].value;
    cr_assert_not_null(v, "device has no value for %s", key);
    return v;
}

static void draw(const scn_scenario *s, uint64_t seed, uint64_t k, scn_fleet_device *d)
{
    cr_assert_eq(scn_fleet_draw(s->fleet, seed, k, d), 0, "device %llu not drawn", (unsigned long long)k);
}

/* Pearson's statistic of observed counts against expected shares. */
static double chi_square(const unsigned *counts, const double *shares, size_t n, unsigned total)
{
    double stat = 0;
    for (size_t i = 0; i < n; i++) {
        double e = shares[i] * total;
        stat += (counts[i] - e) * (counts[i] - e) / e;
    }
    return stat;
}

Test(fleet_draw, duration_uniform_draws_whole_minutes_in_range)
{
    /* 15m and 2h: the largest unit dividing both is the minute, so the grid is 1 minute (not 15) */
    scn_scenario *s = load_fleet("fleet:\n  vary:\n    app.tasks[sync].minimum_interval: { uniform: [15m, 2h] }\n");
    scn_fleet_device *d = new_device();
    sim_time lo = SIM_HOURS(1000), hi = 0;
    int off_quarter = 0;
    char why[256];
    for (uint64_t k = 0; k < 3000; k++) {
        draw(s, 7, k, d);
        const char *v = value_of(d, "app.tasks[sync].minimum_interval");
        sim_time t;
        cr_assert(sch_parse_duration(v, &t, why, sizeof why), "device %llu drew '%s': %s", (unsigned long long)k, v, why);
        cr_assert_eq(t % SIM_MINUTES(1), 0, "device %llu drew '%s', not whole minutes", (unsigned long long)k, v);
        cr_assert(t >= SIM_MINUTES(15) && t <= SIM_HOURS(2), "device %llu drew '%s', outside [15m, 2h]", (unsigned long long)k, v);
        lo = t < lo ? t : lo;
        hi = t > hi ? t : hi;
        off_quarter += t % SIM_MINUTES(15) != 0;
    }
    /* 106 values, 3000 draws: each end is missed with probability (105/106)^3000 < 1e-12 */
    cr_assert_eq(lo, SIM_MINUTES(15));
    cr_assert_eq(hi, SIM_HOURS(2));
    cr_assert_gt(off_quarter, 2000, "the grid looks coarser than a minute (%d of 3000 off the quarter hours)", off_quarter);
    free(d);
    scn_scenario_free(s);
}

Test(fleet_draw, time_of_day_window_wraps_past_midnight)
{
    scn_scenario *s = load_fleet("fleet:\n  vary:\n    device.battery.charging.nightly.from: { uniform: [\"21:30\", \"00:30\"] }\n");
    scn_fleet_device *d = new_device();
    const unsigned n = 5000;
    unsigned after_midnight = 0, at_start = 0, at_end = 0;
    char why[256];
    for (uint64_t k = 0; k < n; k++) {
        draw(s, 11, k, d);
        const char *v = value_of(d, "device.battery.charging.nightly.from");
        /* written as a quoted "HH:MM" (a time of day written in minutes draws minutes) */
        cr_assert_eq(strlen(v), 7, "device %llu drew %s", (unsigned long long)k, v);
        char plain[8];
        memcpy(plain, v + 1, 5);
        plain[5] = '\0';
        sim_time t;
        cr_assert(sch_parse_time_of_day(plain, &t, why, sizeof why), "device %llu drew %s: %s", (unsigned long long)k, v, why);
        cr_assert(t >= SIM_HOURS(21) + SIM_MINUTES(30) || t <= SIM_MINUTES(30), "device %llu drew %s, outside 21:30-00:30",
                  (unsigned long long)k, v);
        after_midnight += t <= SIM_MINUTES(30);
        at_start += t == SIM_HOURS(21) + SIM_MINUTES(30);
        at_end += t == SIM_MINUTES(30);
    }
    /* 181 minutes, 31 of them from 00:00 to 00:30: a share of 0.171, sd 0.0053 over 5000 draws */
    double share = (double)after_midnight / n;
    cr_assert(share > 0.15 && share < 0.19, "share after midnight %.3f, expected 31/181 = 0.171", share);
    cr_assert_gt(at_start, 0);
    cr_assert_gt(at_end, 0);
    free(d);
    scn_scenario_free(s);
}

Test(fleet_draw, choice_weights_pass_a_chi_square_test)
{
    scn_scenario *s = load_fleet("fleet:\n  vary:\n    os.version: { choice: { \"13\": 20%, \"14\": 50%, \"15\": 30% } }\n");
    scn_fleet_device *d = new_device();
    const unsigned n = 20000;
    unsigned counts[3] = {0};
    for (uint64_t k = 0; k < n; k++) {
        draw(s, 3, k, d);
        /* a choice is written back as it was written: here a quoted "14" */
        const char *v = value_of(d, "os.version");
        cr_assert(strlen(v) == 4 && v[0] == '"' && v[3] == '"', "device %llu drew '%s'", (unsigned long long)k, v);
        int version = atoi(v + 1);
        cr_assert(version >= 13 && version <= 15, "device %llu drew '%s'", (unsigned long long)k, v);
        counts[version - 13]++;
    }
    static const double shares[] = {0.2, 0.5, 0.3};
    double q = gsl_cdf_chisq_Q(chi_square(counts, shares, 3, n), 2);
    cr_assert_gt(q, 0.001, "counts %u %u %u: p = %g for 20/50/30 %%", counts[0], counts[1], counts[2], q);
    /* the test has the power to see a wrong distribution: the weights of 13 and 14 swapped */
    static const double swapped[] = {0.5, 0.2, 0.3};
    cr_assert_lt(gsl_cdf_chisq_Q(chi_square(counts, swapped, 3, n), 2), 0.001);
    free(d);
    scn_scenario_free(s);
}

Test(fleet_draw, decimals_draw_hundredths)
{
    /* 2.25 has two decimals: the grid is 0.01, so 0.50, 0.51, ... 2.25 (176 values) */
    scn_scenario *s = load_fleet("fleet:\n  vary:\n    device.scale: { uniform: [0.5, 2.25] }\n");
    scn_fleet_device *d = new_device();
    int fine = 0, lo = 1000, hi = 0;
    for (uint64_t k = 0; k < 3000; k++) {
        draw(s, 5, k, d);
        const char *v = value_of(d, "device.scale");
        const char *dot = strchr(v, '.');
        cr_assert(dot && strlen(dot) == 3, "device %llu drew '%s', not two decimals", (unsigned long long)k, v);
        int hundredths = atoi(v) * 100 + atoi(dot + 1);
        cr_assert(hundredths >= 50 && hundredths <= 225, "device %llu drew '%s'", (unsigned long long)k, v);
        fine += hundredths % 5 != 0;
        lo = hundredths < lo ? hundredths : lo;
        hi = hundredths > hi ? hundredths : hi;
    }
    cr_assert_eq(lo, 50);
    cr_assert_eq(hi, 225);
    cr_assert_gt(fine, 2000, "the grid looks coarser than 0.01 (%d of 3000 off the twentieths)", fine);
    free(d);
    scn_scenario_free(s);
}

/* The drawn values and their message texts are written by hand (digits appended, strings copied:
 * scn_fleet.c's format_units and add_drawn); here every one is read back and written again with
 * the printf formats they replace, over negative numbers, decimals, percents, times of day on a
 * minute and a second grid, and long choices that fill the text and are cut as snprintf cuts. */
Test(fleet_draw, values_and_texts_are_what_printf_writes)
{
    char longkey[300], longchoice[SCN_FLEET_VALUE_MAX - 40], fleet[2048];
    snprintf(longkey, sizeof longkey, "app.%0290d", 0);
    memset(longchoice, 'x', sizeof longchoice - 1);
    longchoice[sizeof longchoice - 1] = '\0';
    snprintf(fleet, sizeof fleet,
             "fleet:\n  vary:\n"
             "    device.a: { uniform: [-2.125, 1.5] }\n"
             "    device.b: { uniform: [0%%, 100%%] }\n"
             "    device.c: { uniform: [0.5%%, 9.75%%] }\n"
             "    device.d: { uniform: [\"21:30\", \"00:30\"] }\n"
             "    device.e: { uniform: [\"23:59:50\", \"00:00:09\"], step: 1s }\n"
             "    device.f: { normal: { mean: 7, sd: 30 } }\n"
             "    %s: { choice: [\"%s\", %sy, z] }\n",
             longkey, longchoice, longchoice);
    scn_scenario *s = load_fleet(fleet);
    scn_fleet_device *d = new_device();
    int negative = 0, padded = 0, cut = 0;
    for (uint64_t k = 0; k < 400; k++) {
        draw(s, 13, k, d);
        cr_assert_eq(d->n, 7);
        for (size_t i = 0; i < d->n; i++) {
            const scn_override *o = &d->ov[i];
            char want[SCN_FLEET_VALUE_MAX + 256], as_printed[SCN_FLEET_VALUE_MAX];
            snprintf(want, sizeof want, "%s=%s%s", o->key, o->value, "");
            cr_assert_str_eq(o->text, want, "device %llu override %zu", (unsigned long long)k, i);
            cut += strlen(o->text) == sizeof want - 1;
            const char *v = o->value;
            negative += v[0] == '-';
            if (i <= 2) { /* numbers: the digits printf writes for the same grid value */
                int decimals = i == 0 ? 3 : i == 1 ? 0 : 2;
                const char *dot = strchr(v, '.');
                cr_assert_eq(dot ? (int)strlen(dot + 1) - (i > 0) : 0, decimals, "device %llu drew %s", (unsigned long long)k, v);
                snprintf(as_printed, sizeof as_printed, "%.*f%s", decimals, strtod(v, NULL), i > 0 ? "%" : "");
                cr_assert_str_eq(v, as_printed, "device %llu", (unsigned long long)k);
            } else if (i <= 4) { /* times of day: "HH:MM" or "HH:MM:SS", zero-padded */
                int hh = -1, mm = -1, ss = 0;
                cr_assert(sscanf(v, i == 3 ? "\"%d:%d\"" : "\"%d:%d:%d\"", &hh, &mm, &ss) >= 2, "drew %s", v);
                if (i == 3)
                    snprintf(as_printed, sizeof as_printed, "\"%02d:%02d\"", hh, mm);
                else
                    snprintf(as_printed, sizeof as_printed, "\"%02d:%02d:%02d\"", hh, mm, ss);
                cr_assert_str_eq(v, as_printed, "device %llu", (unsigned long long)k);
                padded += v[1] == '0';
            } else if (i == 5) {
                snprintf(as_printed, sizeof as_printed, "%ld", strtol(v, NULL, 10));
                cr_assert_str_eq(v, as_printed, "device %llu", (unsigned long long)k);
            }
        }
    }
    cr_assert_gt(negative, 50, "too few negative draws (%d) to test the sign", negative);
    cr_assert_gt(padded, 50, "too few zero-padded times (%d)", padded);
    cr_assert_gt(cut, 50, "too few texts cut at the end of their buffer (%d)", cut);
    free(d);
    scn_scenario_free(s);
}

Test(fleet_draw, normal_is_clamped_to_min_and_max)
{
    /* N(14, 3) rounded, clamped to [12, 15]: a clamp piles the tails on the bounds (12 gets
     * P(X < 12.5) = 0.31, more than 13's 0.13); a rejection or a rescaling would not */
    scn_scenario *s = load_fleet("fleet:\n  vary:\n    os.version: { normal: { mean: 14, sd: 3 }, min: 12, max: 15 }\n");
    scn_fleet_device *d = new_device();
    unsigned counts[4] = {0};
    for (uint64_t k = 0; k < 4000; k++) {
        draw(s, 9, k, d);
        const char *v = value_of(d, "os.version");
        char *end;
        long version = strtol(v, &end, 10);
        cr_assert(*end == '\0' && version >= 12 && version <= 15, "device %llu drew '%s'", (unsigned long long)k, v);
        counts[version - 12]++;
    }
    cr_assert_gt(counts[0], counts[1], "12: %u, 13: %u", counts[0], counts[1]);
    cr_assert_gt(counts[3], counts[2] / 2, "15: %u, 14: %u", counts[3], counts[2]);
    free(d);
    scn_scenario_free(s);
}

Test(fleet_draw, durations_never_go_below_zero)
{
    /* a normal duration's left tail stops at 0s, and min raises it further */
    scn_scenario *s = load_fleet("fleet:\n  vary:\n"
                                 "    app.tasks[sync].register_at: { normal: { mean: 1m, sd: 5m } }\n"
                                 "    app.tasks[sync].work.duration: { normal: { mean: 10s, sd: 30s }, min: 2s }\n");
    scn_fleet_device *d = new_device();
    unsigned zero = 0, at_min = 0;
    char why[256];
    for (uint64_t k = 0; k < 2000; k++) {
        draw(s, 2, k, d);
        sim_time t, w;
        cr_assert(sch_parse_duration(value_of(d, "app.tasks[sync].register_at"), &t, why, sizeof why), "%s", why);
        cr_assert(sch_parse_duration(value_of(d, "app.tasks[sync].work.duration"), &w, why, sizeof why), "%s", why);
        cr_assert_geq(w, SIM_SECONDS(2));
        zero += t == 0;
        at_min += w == SIM_SECONDS(2);
    }
    cr_assert_gt(zero, 500, "P(X < 0) = 0.42: %u of 2000 at 0s", zero);
    cr_assert_gt(at_min, 500, "P(X < 2s) = 0.39: %u of 2000 at 2s", at_min);
    free(d);
    scn_scenario_free(s);
}

static const char independent[] = "fleet:\n"
                                  "  vary:\n"
                                  "    os.version: { choice: [12, 13, 14] }\n"
                                  "  profiles:\n"
                                  "    - name: a\n"
                                  "      weight: 50%\n"
                                  "      vary:\n"
                                  "        app.tasks[sync].minimum_interval: { uniform: [15m, 4h] }\n"
                                  "        device.battery.initial: { normal: { mean: 60%, sd: 20% } }\n"
                                  "    - name: b\n"
                                  "      weight: 50%\n"
                                  "      set:\n"
                                  "        device.battery.initial: 80%\n"
                                  "      vary:\n"
                                  "        device.battery.charging.nightly.from: { uniform: [\"22:00\", \"02:00\"] }\n";

/* Device d's draws as one line: its profile, then every override. */
static void describe(const scn_fleet_device *d, char *buf, size_t size)
{
    int used = snprintf(buf, size, "profile %zu", d->profile);
    for (size_t i = 0; i < d->n && used > 0 && (size_t)used < size; i++)
        used += snprintf(buf + used, size - (size_t)used, "; %s=%s", d->ov[i].key, d->ov[i].value);
}

Test(fleet_draw, device_k_does_not_depend_on_other_devices)
{
    scn_scenario *s = load_fleet(independent);
    scn_fleet_device *d = new_device();
    char in_sequence[2048] = "", alone[2048], next[2048];
    for (uint64_t k = 0; k < 100; k++) {
        draw(s, 42, k, d);
        if (k == 50)
            describe(d, in_sequence, sizeof in_sequence);
        if (k == 51)
            describe(d, next, sizeof next);
    }
    /* device 50 alone, from a fleet loaded again: nothing of the 50 devices before it carries over */
    scn_scenario *again = load_fleet(independent);
    draw(again, 42, 50, d);
    describe(d, alone, sizeof alone);
    cr_assert_str_eq(alone, in_sequence);
    /* and the draws are not constant: device 51 differs, and so does device 50 of another seed */
    cr_assert_str_neq(next, in_sequence);
    draw(again, 43, 50, d);
    describe(d, alone, sizeof alone);
    cr_assert_str_neq(alone, in_sequence);
    free(d);
    scn_scenario_free(again);
    scn_scenario_free(s);
}

Test(fleet_draw, profiles_are_chosen_by_weight)
{
    /* relative weights 1 : 3, and each device carries its own profile's set values */
    scn_scenario *s = load_fleet("fleet:\n  profiles:\n"
                                 "    - name: rare\n      weight: 1\n      set:\n        os.version: 12\n"
                                 "    - name: common\n      weight: 3\n      set:\n        os.version: 14\n");
    scn_fleet_device *d = new_device();
    const unsigned n = 20000;
    unsigned counts[2] = {0};
    for (uint64_t k = 0; k < n; k++) {
        draw(s, 8, k, d);
        cr_assert_lt(d->profile, 2);
        counts[d->profile]++;
        cr_assert_str_eq(value_of(d, "os.version"), d->profile == 0 ? "12" : "14");
    }
    static const double shares[] = {0.25, 0.75};
    double q = gsl_cdf_chisq_Q(chi_square(counts, shares, 2, n), 1);
    cr_assert_gt(q, 0.001, "rare %u, common %u: p = %g for 1 : 3", counts[0], counts[1], q);
    static const double even[] = {0.5, 0.5};
    cr_assert_lt(gsl_cdf_chisq_Q(chi_square(counts, even, 2, n), 1), 0.001);
    free(d);
    scn_scenario_free(s);
}

Test(fleet_probe, ends_and_choices)
{
    /* probe 0: every range at its low end, the first choice; probe 1: high ends; then one probe
     * per choice value. Each value says where it comes from in messages (its text). */
    scn_scenario *s = load_fleet("fleet:\n  vary:\n"
                                 "    app.tasks[sync].minimum_interval: { uniform: [15m, 2h] }\n"
                                 "    os.version: { normal: { mean: 14, sd: 1 }, max: 16 }\n"
                                 "    platform: { choice: [android, ios] }\n");
    const scn_fleet *f = s->fleet;
    cr_assert_eq(scn_fleet_probe_count(f, 0), 4);
    scn_fleet_device *d = new_device();
    scn_fleet_probe(f, 0, 0, d);
    cr_assert_str_eq(value_of(d, "app.tasks[sync].minimum_interval"), "15m");
    cr_assert_str_eq(value_of(d, "os.version"), "11");
    cr_assert_str_eq(value_of(d, "platform"), "android");
    cr_assert_str_eq(d->ov[1].text, "os.version=11 (mean - 3 sd)");
    cr_assert_str_eq(d->ov[1].label, "fleet: ");
    scn_fleet_probe(f, 0, 1, d);
    cr_assert_str_eq(value_of(d, "app.tasks[sync].minimum_interval"), "2h");
    cr_assert_str_eq(d->ov[0].text, "app.tasks[sync].minimum_interval=2h (the range's high end)");
    cr_assert_str_eq(d->ov[1].text, "os.version=16 (mean + 3 sd, clamped)");
    scn_fleet_probe(f, 0, 3, d);
    cr_assert_str_eq(value_of(d, "platform"), "ios");
    cr_assert_str_eq(value_of(d, "app.tasks[sync].minimum_interval"), "15m");
    free(d);
    scn_scenario_free(s);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16;
    char *data = malloc(cap);
    *len = data ? fread(data, 1, cap, f) : 0;
    fclose(f);
    return data;
}

Test(fleet_prefix, every_prefix_of_a_fleet_loads_and_validates_or_is_refused, .timeout = 300)
{
    static const char *const files[] = {"01-profiles.yaml", "02-kinds.yaml"};
    char tmp[] = "/tmp/bgsim-fleet-prefix.XXXXXX";
    int fd = mkstemp(tmp);
    cr_assert_geq(fd, 0);
    size_t validated = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", FLEET_GOOD_DIR, files[i]);
        size_t len = 0;
        char *data = read_all(path, &len);
        cr_assert(data && len > 0 && len < (1 << 16), "cannot read %s", path);
        for (size_t cut = 0; cut <= len; cut++) {
            FILE *f = fopen(tmp, "wb");
            cr_assert_not_null(f);
            cr_assert_eq(fwrite(data, 1, cut, f), cut);
            fclose(f);
            sch_diag diag;
            scn_scenario *s = NULL;
            scn_source src = {0};
            int rc = scn_load_keep(tmp, NULL, 0, &diag, &s, &src);
            cr_assert(rc == 0 || rc == RUN_ERR_INVALID, "%s cut at %zu: status %d", files[i], cut, rc);
            cr_assert(cut < len || (rc == 0 && s->fleet), "%s whole: status %d", files[i], rc);
            cr_assert((rc == 0) == (sch_diag_count(&diag) == 0), "%s cut at %zu: status %d with %zu errors", files[i], cut,
                      rc, sch_diag_count(&diag));
            sch_diag_free(&diag);
            if (rc == 0 && s->fleet) {
                rc = run_fleet_validate(s, &src, &diag);
                cr_assert(rc == 0 || rc == RUN_ERR_INVALID, "%s cut at %zu: validation status %d", files[i], cut, rc);
                cr_assert(cut < len || rc == 0, "%s whole: validation status %d", files[i], rc);
                cr_assert((rc == 0) == (sch_diag_count(&diag) == 0), "%s cut at %zu: validation %d with %zu errors",
                          files[i], cut, rc, sch_diag_count(&diag));
                sch_diag_free(&diag);
                validated++;
            }
            scn_source_free(&src);
            scn_scenario_free(s);
        }
        free(data);
    }
    close(fd);
    unlink(tmp);
    /* a cut at the end of a line of the fleet section often loads, and is then validated
     * device-wise (92 cuts of the two files when this was written) */
    cr_assert_gt(validated, 50, "only %zu prefixes validated", validated);
}
