/*
 * test_timeline.c - the timeline's style table (rep_timeline.h): every colour of the key distinct
 * (CIE76 delta E, computed here from sRGB), every process-death kind with its own marker, lane
 * labels that fit the platform, and day labels from the calendar.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rep_plot.h"
#include "rep_timeline.h"

/* sRGB "#rrggbb" to CIELAB (D65). */
static void to_lab(const char *hex, double lab[3])
{
    unsigned r, g, b;
    cr_assert_eq(sscanf(hex, "#%02x%02x%02x", &r, &g, &b), 3, "not a colour: %s", hex);
    double c[3] = {r / 255.0, g / 255.0, b / 255.0};
    for (int i = 0; i < 3; i++)
        c[i] = c[i] <= 0.04045 ? c[i] / 12.92 : pow((c[i] + 0.055) / 1.055, 2.4);
    double x = (0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2]) / 0.95047;
    double y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    double z = (0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]) / 1.08883;
    double f[3] = {x, y, z};
    for (int i = 0; i < 3; i++)
        f[i] = f[i] > 0.008856 ? cbrt(f[i]) : 7.787 * f[i] + 16.0 / 116.0;
    lab[0] = 116 * f[1] - 16;
    lab[1] = 500 * (f[0] - f[1]);
    lab[2] = 200 * (f[1] - f[2]);
}

static double delta_e(const char *a, const char *b)
{
    double p[3], q[3];
    to_lab(a, p);
    to_lab(b, q);
    return sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
}

Test(timeline, delta_e_reference)
{
    /* sanity of the formula: identical colours 0, black/white 100 */
    cr_assert_float_eq(delta_e("#123456", "#123456"), 0.0, 1e-9);
    cr_assert_float_eq(delta_e("#000000", "#FFFFFF"), 100.0, 0.1);
}

/* The old table had four purples for four meanings (asleep #3f007d, Doze #8c6bb1, doze_deep
 * #54278f, the foreground reason's spare #6a51a3), pairs of them only delta E 12.5 and 13.6
 * apart: every pair of the key now differs by at least 15. */
Test(timeline, key_colours_are_distinct)
{
    const char *colors[64], *what[64];
    size_t n = rep_timeline_colors(colors, what, 64);
    cr_assert(n > 20 && n <= 64, "%zu colours", n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double d = delta_e(colors[i], colors[j]);
            cr_expect(d >= 15.0, "'%s' %s and '%s' %s differ by delta E %.1f only", what[i], colors[i], what[j],
                      colors[j], d);
        }
}

Test(timeline, every_mark_kind_has_its_own_marker)
{
    int max = rep_mark_kind_max();
    cr_assert_geq(max, REP_MARK_REBOOT);
    for (int a = 1; a <= max; a++) {
        const rep_mark_style *x = rep_mark_style_of((rep_mark_kind)a);
        cr_assert_not_null(x->title);
        cr_expect_str_neq(x->title, rep_mark_style_of((rep_mark_kind)(max + 1))->title, "kind %d unstyled", a);
        for (int b = a + 1; b <= max; b++) {
            const rep_mark_style *y = rep_mark_style_of((rep_mark_kind)b);
            cr_expect_neq(x->gp_point, y->gp_point, "'%s' and '%s' share gnuplot point type %d", x->title, y->title,
                          x->gp_point);
            cr_expect_str_neq(x->shape, y->shape, "'%s' and '%s' share the shape %s", x->title, y->title, x->shape);
            cr_expect(delta_e(x->color, y->color) >= 15.0, "'%s' and '%s' have near-identical colours", x->title,
                      y->title);
            cr_expect_str_neq(x->title, y->title);
        }
    }
}

Test(timeline, lane_labels_fit_the_platform)
{
    for (int l = 0; l < REP_LANE_COUNT; l++) {
        cr_expect_null(strstr(rep_lane_label((rep_lane)l, "ios"), "Doze"), "iOS lane %d says Doze", l);
        cr_expect_null(strstr(rep_lane_label((rep_lane)l, "ios"), "battery saver"), "iOS lane %d", l);
        cr_expect_null(strstr(rep_lane_label((rep_lane)l, "android"), "Low Power Mode"), "Android lane %d", l);
    }
    for (int b = 0; b < REP_BAND_COUNT; b++)
        cr_expect_null(strstr(rep_band_title((rep_band)b, "ios"), "Doze"), "iOS band %d says Doze", b);
    cr_expect_str_eq(rep_lane_label(REP_LANE_IDLE, "android"), "Doze");
    cr_expect_str_eq(rep_lane_label(REP_LANE_IDLE, "ios"), "device idle");
    cr_expect_str_eq(rep_lane_label(REP_LANE_SAVE, "ios"), "Low Power Mode");
    cr_expect_str_eq(rep_lane_label(REP_LANE_SAVE, "android"), "battery saver");
}

Test(timeline, day_and_time_labels)
{
    sim_calendar cal;
    sim_datetime start = {.year = 2026, .month = 1, .day = 5, .hour = 7}; /* a Monday */
    cr_assert(sim_cal_init(&cal, &start));
    char b[48];
    rep_day_label(&cal, 0, b, sizeof b);
    cr_expect_str_eq(b, "Mon 05 Jan");
    rep_day_label(&cal, 27, b, sizeof b);
    cr_expect_str_eq(b, "Sun 01 Feb");
    rep_time_label(&cal, SIM_HOURS(17) + 3 * SIM_MS_PER_MINUTE, b, sizeof b); /* Tue 00:03 */
    cr_expect_str_eq(b, "Tue 06 Jan 00:03");
}

/* The day view is written only when runs are dense. */
Test(timeline, days_wanted_when_dense)
{
    static const char *const names[] = {"sync"};
    rep_record r;
    cr_assert_eq(rep_record_init(&r, SIM_DAYS(2), names, 1), 0);
    sim_datetime start = {.year = 2026, .month = 1, .day = 5};
    cr_assert(sim_cal_init(&r.calendar, &start));
    for (int i = 0; i < 24; i++) { /* 12 a day: not more than the threshold */
        rep_worker_run w = {.start = SIM_HOURS(2 * i), .end = SIM_HOURS(2 * i) + 1000, .kind = REP_WORKER_RAN};
        cr_assert_eq(rep_record_worker_run(&r, &w), 0);
    }
    cr_expect_not(rep_plot_days_wanted(&r));
    rep_worker_run w = {.start = SIM_HOURS(47), .end = SIM_HOURS(47) + 1000, .kind = REP_WORKER_RAN};
    cr_assert_eq(rep_record_worker_run(&r, &w), 0);
    cr_expect(rep_plot_days_wanted(&r));
    rep_record_free(&r);
}
