/* Calendar helpers: exact integer conversions, cross-checked against libc's gmtime_r. */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "sim_calendar.h"

static sim_calendar cal_at(int64_t y, int mo, int d, int h, int mi)
{
    sim_calendar cal;
    sim_datetime start = {.year = y, .month = mo, .day = d, .hour = h, .minute = mi};
    cr_assert(sim_cal_init(&cal, &start));
    return cal;
}

Test(calendar, epoch_and_known_dates)
{
    cr_assert_eq(sim_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(sim_days_from_civil(2000, 3, 1), 11017);
    cr_assert_eq(sim_days_from_civil(1969, 12, 31), -1);
    sim_calendar cal = cal_at(1970, 1, 1, 0, 0);
    cr_assert_eq(sim_cal_weekday(&cal, 0), SIM_THURSDAY);
    cal = cal_at(2026, 1, 5, 7, 0); /* the README's example start: a Monday */
    cr_assert_eq(sim_cal_weekday(&cal, 0), SIM_MONDAY);
    cal = cal_at(2026, 11, 23, 12, 0);
    cr_assert_eq(sim_cal_weekday(&cal, 0), SIM_MONDAY);
}

Test(calendar, validation_knows_leap_years)
{
    sim_datetime dt = {.year = 2000, .month = 2, .day = 29};
    cr_assert(sim_datetime_valid(&dt), "2000 is a leap year (divisible by 400)");
    dt.year = 1900;
    cr_assert_not(sim_datetime_valid(&dt), "1900 is not (divisible by 100)");
    dt.year = 2024;
    cr_assert(sim_datetime_valid(&dt));
    dt.year = 2026;
    cr_assert_not(sim_datetime_valid(&dt));
    sim_datetime bad[] = {
        {.year = 2026, .month = 13, .day = 1}, {.year = 2026, .month = 0, .day = 1},
        {.year = 2026, .month = 4, .day = 31}, {.year = 2026, .month = 1, .day = 0},
        {.year = 2026, .month = 1, .day = 1, .hour = 24}, {.year = 2026, .month = 1, .day = 1, .minute = 60},
        {.year = 2026, .month = 1, .day = 1, .second = 60}, {.year = 2026, .month = 1, .day = 1, .ms = 1000},
        {.year = 0, .month = 1, .day = 1}, {.year = 10000, .month = 1, .day = 1},
        {.year = 2026, .month = 1, .day = 1, .hour = -1},
    };
    sim_calendar cal = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_not(sim_datetime_valid(&bad[i]), "case %zu", i);
        cr_assert_not(sim_cal_init(&cal, &bad[i]), "case %zu", i);
    }
}

Test(calendar, days_round_trip_over_four_thousand_years)
{
    int64_t y, prev_y;
    int m, d, prev_m, prev_d;
    sim_civil_from_days(-1200001, &prev_y, &prev_m, &prev_d);
    for (int64_t z = -1200000; z <= 1200000; z++) {
        sim_civil_from_days(z, &y, &m, &d);
        cr_assert_eq(sim_days_from_civil(y, m, d), z, "day %ld -> %ld-%d-%d", (long)z, (long)y, m, d);
        /* Consecutive days: either the next day of the month, or the 1st after a month's end. */
        bool next_in_month = y == prev_y && m == prev_m && d == prev_d + 1;
        bool new_month = d == 1 && (m == prev_m % 12 + 1) && (y == prev_y + (m == 1));
        cr_assert(next_in_month || new_month, "day %ld", (long)z);
        prev_y = y, prev_m = m, prev_d = d;
    }
}

/* libc's gmtime_r is an independent implementation: compare a sweep of instants with it. */
Test(calendar, agrees_with_gmtime_r)
{
    sim_calendar cal = cal_at(2026, 1, 5, 7, 0);
    time_t start = (time_t)sim_days_from_civil(2026, 1, 5) * 86400 + 7 * 3600;
    for (sim_time t = -SIM_DAYS(800); t <= SIM_DAYS(800); t += 12345678) {
        sim_datetime dt;
        sim_cal_datetime(&cal, t, &dt);
        time_t secs = start + (time_t)(t >= 0 ? t / 1000 : -((-t + 999) / 1000));
        struct tm tm;
        cr_assert(gmtime_r(&secs, &tm));
        cr_assert_eq(dt.year, tm.tm_year + 1900, "t=%ld", (long)t);
        cr_assert_eq(dt.month, tm.tm_mon + 1);
        cr_assert_eq(dt.day, tm.tm_mday);
        cr_assert_eq(dt.hour, tm.tm_hour);
        cr_assert_eq(dt.minute, tm.tm_min);
        cr_assert_eq(dt.second, tm.tm_sec);
        cr_assert_eq(sim_cal_weekday(&cal, t), (tm.tm_wday + 6) % 7, "t=%ld", (long)t);
        cr_assert_eq(sim_cal_minute_of_day(&cal, t), tm.tm_hour * 60 + tm.tm_min);
    }
}

Test(calendar, offsets_from_a_monday_morning)
{
    sim_calendar cal = cal_at(2026, 1, 5, 7, 0);
    cr_assert_eq(sim_cal_minute_of_day(&cal, 0), 7 * 60);
    cr_assert_eq(sim_cal_day_index(&cal, SIM_HOURS(17) - 1), 0);
    cr_assert_eq(sim_cal_day_index(&cal, SIM_HOURS(17)), 1, "midnight starts day 1");
    cr_assert_eq(sim_cal_weekday(&cal, SIM_HOURS(17)), SIM_TUESDAY);
    cr_assert_eq(sim_cal_ms_of_day(&cal, SIM_HOURS(17)), 0);
    cr_assert_eq(sim_cal_weekday(&cal, SIM_DAYS(5)), SIM_SATURDAY);
    cr_assert(sim_cal_is_weekend(&cal, SIM_DAYS(6)));
    cr_assert_not(sim_cal_is_weekend(&cal, SIM_DAYS(7)));
    cr_assert_eq(sim_cal_hour_of_week(&cal, 0), 7);
    cr_assert_eq(sim_cal_hour_of_week(&cal, SIM_DAYS(6) + SIM_HOURS(16)), 167, "Sunday 23h");
    cr_assert_eq(sim_cal_hour_of_week(&cal, SIM_DAYS(6) + SIM_HOURS(17)), 0, "Monday 00h again");
}

Test(calendar, before_the_start_uses_floor_division)
{
    sim_calendar cal = cal_at(2026, 1, 5, 7, 0);
    sim_datetime dt;
    sim_cal_datetime(&cal, -1, &dt);
    cr_assert_eq(dt.day, 5);
    cr_assert_eq(dt.hour, 6);
    cr_assert_eq(dt.minute, 59);
    cr_assert_eq(dt.second, 59);
    cr_assert_eq(dt.ms, 999);
    cr_assert_eq(sim_cal_day_index(&cal, -SIM_HOURS(7)), 0);
    cr_assert_eq(sim_cal_day_index(&cal, -SIM_HOURS(7) - 1), -1);
    cr_assert_eq(sim_cal_weekday(&cal, -SIM_HOURS(7) - 1), SIM_SUNDAY);
}

Test(calendar, next_time_of_day)
{
    sim_calendar cal = cal_at(2026, 1, 5, 7, 0);
    sim_time at2330 = SIM_HOURS(23) + SIM_MINUTES(30);
    cr_assert_eq(sim_cal_next_time_of_day(&cal, 0, at2330), SIM_HOURS(16) + SIM_MINUTES(30));
    cr_assert_eq(sim_cal_next_time_of_day(&cal, 0, SIM_HOURS(7)), 0, "already there: now");
    cr_assert_eq(sim_cal_next_time_of_day(&cal, 1, SIM_HOURS(7)), SIM_DAYS(1));
    cr_assert_eq(sim_cal_next_time_of_day(&cal, SIM_HOURS(1), SIM_HOURS(6)), SIM_HOURS(23));
    cr_assert_eq(sim_cal_next_time_of_day(&cal, SIM_TIME_MAX - 5, SIM_HOURS(3)), SIM_TIME_MAX,
                 "saturates instead of overflowing");
}

Test(calendar, time_of_inverts_datetime)
{
    sim_calendar cal = cal_at(2026, 1, 5, 7, 0);
    sim_datetime dt = {.year = 2026, .month = 3, .day = 1, .hour = 23, .minute = 30, .second = 5, .ms = 7};
    sim_time t;
    cr_assert(sim_cal_time_of(&cal, &dt, &t));
    sim_datetime back;
    sim_cal_datetime(&cal, t, &back);
    cr_assert_eq(back.year, 2026);
    cr_assert_eq(back.month, 3);
    cr_assert_eq(back.day, 1);
    cr_assert_eq(back.hour, 23);
    cr_assert_eq(back.minute, 30);
    cr_assert_eq(back.second, 5);
    cr_assert_eq(back.ms, 7);
    dt.day = 30;
    dt.month = 2;
    cr_assert_not(sim_cal_time_of(&cal, &dt, &t));
    char buf[40];
    sim_cal_format(&cal, SIM_DAYS(31) + 1234, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-02-05T07:00:01.234");
}

Test(calendar, extreme_times_do_not_overflow)
{
    /* Run under UBSan in CI: any signed overflow here aborts the test. */
    sim_calendar cal = cal_at(9999, 12, 31, 23, 59);
    const sim_time extremes[] = {INT64_MIN, INT64_MIN + 1, -1, 0, SIM_TIME_MAX, INT64_MAX};
    for (size_t i = 0; i < sizeof extremes / sizeof extremes[0]; i++) {
        int wd = sim_cal_weekday(&cal, extremes[i]);
        cr_assert(wd >= 0 && wd <= 6);
        sim_time ms = sim_cal_ms_of_day(&cal, extremes[i]);
        cr_assert(ms >= 0 && ms < SIM_MS_PER_DAY);
        sim_datetime dt;
        sim_cal_datetime(&cal, extremes[i], &dt);
        cr_assert(dt.month >= 1 && dt.month <= 12 && dt.day >= 1 && dt.day <= 31);
    }
}

/* The one human duration format (issue 19): two units, rounded to the smaller, no weeks. */
Test(calendar, human_durations)
{
    static const struct {
        sim_time ms;
        const char *want;
    } cases[] = {
        {0, "0"},
        {350, "350ms"},
        {8200, "8.2s"},
        {45000, "45s"},
        {59960, "1m"},                              /* 59.96 s rounds to a whole minute */
        {SIM_MINUTES(15), "15m"},
        {SIM_MINUTES(3) + SIM_SECONDS(5), "3m 5s"},
        {SIM_HOURS(3) + SIM_MINUTES(44) + SIM_SECONDS(3) + 634, "3h 44m"}, /* was 3h44m3s634ms */
        {SIM_HOURS(1) + SIM_MINUTES(30), "1h 30m"},
        {SIM_MINUTES(59) + SIM_SECONDS(59) + 600, "1h"},                  /* carries into hours */
        {SIM_HOURS(23) + SIM_MINUTES(59) + SIM_SECONDS(31), "1d"},
        {SIM_DAYS(9) + SIM_HOURS(10) + SIM_MINUTES(23) + SIM_SECONDS(58), "9d 10h"}, /* was 1w2d10h23m58s */
        {SIM_DAYS(14), "14d"},
        {-SIM_MINUTES(90), "-1h 30m"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[48];
        int n = sim_format_human_duration(cases[i].ms, buf, sizeof buf);
        cr_expect_str_eq(buf, cases[i].want, "%lld ms", (long long)cases[i].ms);
        cr_expect_eq(n, (int)strlen(cases[i].want));
    }
    char small[4];
    cr_expect_eq(sim_format_human_duration(SIM_DAYS(9) + SIM_HOURS(10), small, sizeof small), 6);
    cr_expect_str_eq(small, "9d ");
    char buf[48];
    sim_format_human_duration(-SIM_TIME_MAX, buf, sizeof buf); /* no overflow at the limit */
    cr_expect(buf[0] == '-');
}

Test(calendar, short_weekday_and_time)
{
    sim_calendar cal;
    sim_datetime start = {.year = 2026, .month = 1, .day = 5, .hour = 7}; /* a Monday */
    cr_assert(sim_cal_init(&cal, &start));
    char buf[32];
    sim_cal_format_short(&cal, SIM_DAYS(2) + SIM_HOURS(19) + SIM_MINUTES(10) + SIM_SECONDS(59), buf, sizeof buf);
    cr_expect_str_eq(buf, "Thu 02:10");
}

/* The weekday from the date itself (Zeller-free: days since a known Monday, 2026-01-05), so the
 * single floor_mod of sim_cal_weekday is checked against an independent count, on calendars
 * starting in year 1, before 1970 and in year 9999, before and after their start. */
Test(calendar, weekday_counts_from_a_known_monday)
{
    const int64_t monday = sim_days_from_civil(2026, 1, 5);
    const int64_t years[] = {1, 1583, 1969, 1970, 2026, 9999};
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        sim_calendar cal = cal_at(years[i], 3, 1, 13, 20);
        for (sim_time t = -SIM_DAYS(30); t <= SIM_DAYS(30); t += 3333333) {
            sim_datetime dt;
            sim_cal_datetime(&cal, t, &dt);
            int64_t d = sim_days_from_civil(dt.year, dt.month, dt.day) - monday;
            int want = (int)(((d % 7) + 7) % 7);
            cr_assert_eq(sim_cal_weekday(&cal, t), want, "year %ld t=%ld", (long)years[i], (long)t);
        }
    }
}

/* sim_cal_day: while a day holds t, its start, index and weekday give exactly what the calendar
 * computes for t (the usage model keeps one and re-splits only when t leaves it). Instants move
 * forward and back by irregular steps across day boundaries, on calendars starting at several
 * times of day (midnight included). */
Test(calendar, a_cached_day_agrees_with_the_calendar)
{
    const int hours[] = {0, 7, 23};
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < sizeof hours / sizeof hours[0]; i++) {
        sim_calendar cal = cal_at(2026, 1, 5, hours[i], 59);
        sim_cal_day day;
        sim_cal_day_of(&cal, 0, &day);
        sim_time t = -SIM_DAYS(3);
        int held = 0, split = 0;
        for (int n = 0; n < 200000; n++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly forward by up to 2 h, sometimes back, sometimes exactly to a midnight */
            if (x % 17 == 0)
                t -= (sim_time)(x >> 20) % SIM_HOURS(30);
            else if (x % 13 == 0)
                t += SIM_MS_PER_DAY - sim_cal_ms_of_day(&cal, t);
            else
                t += (sim_time)(x >> 20) % SIM_HOURS(2);
            if (sim_cal_day_holds(&day, t)) {
                held++;
            } else {
                split++;
                sim_cal_day_of(&cal, t, &day);
                cr_assert(sim_cal_day_holds(&day, t));
            }
            cr_assert_eq(t - day.start, sim_cal_ms_of_day(&cal, t), "t=%ld", (long)t);
            cr_assert_eq(day.index, sim_cal_day_index(&cal, t), "t=%ld", (long)t);
            cr_assert_eq(day.weekday, sim_cal_weekday(&cal, t), "t=%ld", (long)t);
        }
        cr_assert_gt(held, 3 * split, "the cache is used (held %d, split %d)", held, split);
    }
}
