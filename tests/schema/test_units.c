/*
 * Scalar parsers of scenario files: every accepted form with its exact value, every refused form
 * with its exact message, and *out untouched on failure.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sch_units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct bad {
    const char *in;
    const char *msg;
};

/* ---------------------------------------------------------------- durations */

#define DUR_WHAT "expected a duration with a unit (ms, s, m, h, d, w), found "
#define DUR_LIMIT "expected a duration of at most 59571423w4d11h56m3s967ms, found "
#define DUR_LIMIT_WHY " (the simulator's time limit, about 1.1 million years)"

Test(duration, accepts_every_unit_combo_and_decimal)
{
    static const struct {
        const char *in;
        sim_time ms;
    } ok[] = {
        {"0", 0},
        {"0s", 0},
        {"0ms", 0},
        {"0w", 0},
        {"1ms", 1},
        {"250ms", 250},
        {"30s", 30000},
        {"15m", 900000},
        {"2h", 7200000},
        {"7d", 604800000},
        {"1w", 604800000},
        {"2w", 1209600000},
        {"1h30m", 5400000},
        {"2d12h", 216000000},
        {"1m30s", 90000},
        {"1s500ms", 1500},
        {"1w2d3h4m5s6ms", 788645006},
        {"1.5h", 5400000},
        {"0.25s", 250},
        {"0.001s", 1},
        {"1.0ms", 1},
        {"1.5m", 90000},
        {"2.75s", 2750},
        {"0.5d", 43200000},
        {"1.5w", 907200000},
        {"0.00001w", 6048},
        {"1.00000000000000000000h", 3600000},
        {"1h0.5m", 3630000},
        {"007s", 7000},
        {"36028797018963967ms", SIM_TIME_MAX},
        {"59571423w4d11h56m3s967ms", SIM_TIME_MAX},
        {"59571423w", (sim_time)59571423 * 604800000},
        {"59571423.5w", (sim_time)59571423 * 604800000 + 302400000},
        {"0000000000000000000000000000001s", 1000},
    };
    for (size_t i = 0; i < N(ok); i++) {
        sim_time t = -1;
        char why[256] = "untouched";
        cr_assert(sch_parse_duration(ok[i].in, &t, why, sizeof why), "'%s': %s", ok[i].in, why);
        cr_assert_eq(t, ok[i].ms, "'%s' -> %" PRId64 ", want %" PRId64, ok[i].in, t, ok[i].ms);
        cr_assert_str_eq(why, "untouched", "why written on success for '%s'", ok[i].in);
    }
}

Test(duration, refuses_with_exact_messages)
{
    static const struct bad bad[] = {
        {"", DUR_WHAT "''"},
        {"15", DUR_WHAT "'15'"},
        {"1.5", DUR_WHAT "'1.5'"},
        {"00", DUR_WHAT "'00'"},
        {"h", DUR_WHAT "'h'"},
        {"1h30", DUR_WHAT "'1h30' (missing unit at the end)"},
        {"-5m", "expected a non-negative duration, found '-5m'"},
        {"-0", "expected a non-negative duration, found '-0'"},
        {"5min", DUR_WHAT "'5min' (unknown unit 'min', did you mean 'm'?)"},
        {"5mins", DUR_WHAT "'5mins' (unknown unit 'mins', did you mean 'm'?)"},
        {"5sec", DUR_WHAT "'5sec' (unknown unit 'sec', did you mean 's'?)"},
        {"5SEC", DUR_WHAT "'5SEC' (unknown unit 'SEC', did you mean 's'?)"},
        {"5S", DUR_WHAT "'5S' (unknown unit 'S', did you mean 's'?)"},
        {"5MS", DUR_WHAT "'5MS' (unknown unit 'MS', did you mean 'ms'?)"},
        {"2hours", DUR_WHAT "'2hours' (unknown unit 'hours', did you mean 'h'?)"},
        {"2hr", DUR_WHAT "'2hr' (unknown unit 'hr', did you mean 'h'?)"},
        {"3days", DUR_WHAT "'3days' (unknown unit 'days', did you mean 'd'?)"},
        {"1week", DUR_WHAT "'1week' (unknown unit 'week', did you mean 'w'?)"},
        {"5M", DUR_WHAT "'5M' (unknown unit 'M': minutes are m, and there is no month unit)"},
        {"5y", DUR_WHAT "'5y' (unknown unit 'y')"},
        {"5us", DUR_WHAT "'5us' (unknown unit 'us')"},
        {"5 m", DUR_WHAT "'5 m' (no spaces inside a duration)"},
        {"1h 30m", DUR_WHAT "'1h 30m' (no spaces inside a duration)"},
        {"5\tm", DUR_WHAT "'5\\x09m' (no spaces inside a duration)"},
        {"1h-30m", DUR_WHAT "'1h-30m' (unexpected '-')"},
        {"1h,30m", DUR_WHAT "'1h,30m' (unexpected ',')"},
        {"1,5h", DUR_WHAT "'1,5h' (write '.' as the decimal point)"},
        {"5\\m", DUR_WHAT "'5\\\\m' (unexpected '\\\\')"},
        {"30m1h", "expected a duration with units from largest to smallest, found '30m1h' (h after m)"},
        {"1ms1s", "expected a duration with units from largest to smallest, found '1ms1s' (s after ms)"},
        {"1d1w", "expected a duration with units from largest to smallest, found '1d1w' (w after d)"},
        {"1h1h", "expected a duration with each unit at most once, found '1h1h' (h twice)"},
        {"1h30m30m", "expected a duration with each unit at most once, found '1h30m30m' (m twice)"},
        {"0.0005s", "expected a duration in whole milliseconds, found '0.0005s' (finer than 1 ms)"},
        {"1.5ms", "expected a duration in whole milliseconds, found '1.5ms' (finer than 1 ms)"},
        {"0.1ms", "expected a duration in whole milliseconds, found '0.1ms' (finer than 1 ms)"},
        {"0.00000000001w", "expected a duration in whole milliseconds, found '0.00000000001w' (finer than 1 ms)"},
        {"0.000001w", "expected a duration in whole milliseconds, found '0.000001w' (finer than 1 ms)"},
        {"36028797018963968ms", DUR_LIMIT "'36028797018963968ms'" DUR_LIMIT_WHY},
        {"59571423w4d11h56m3s968ms", DUR_LIMIT "'59571423w4d11h56m3s968ms'" DUR_LIMIT_WHY},
        {"59571424w", DUR_LIMIT "'59571424w'" DUR_LIMIT_WHY},
        {"59571423w5d", DUR_LIMIT "'59571423w5d'" DUR_LIMIT_WHY},
        {"59571423.98w", DUR_LIMIT "'59571423.98w'" DUR_LIMIT_WHY},
        {"9223372036854775807ms", DUR_LIMIT "'9223372036854775807ms'" DUR_LIMIT_WHY},
        {"9223372036854775808ms", DUR_LIMIT "'9223372036854775808ms'" DUR_LIMIT_WHY},
        {"15250284452w", DUR_LIMIT "'15250284452w'" DUR_LIMIT_WHY}, /* * 604800000 overflows int64 */
        {"99999999999999999999999999s", DUR_LIMIT "'99999999999999999999999999s'" DUR_LIMIT_WHY},
        {"inf", DUR_WHAT "'inf' (not a finite number)"},
        {"nan", DUR_WHAT "'nan' (not a finite number)"},
        {"0x10", DUR_WHAT "'0x10' (hexadecimal is not accepted)"},
        {"+5m", DUR_WHAT "'+5m' (no + sign)"},
        {".5h", DUR_WHAT "'.5h' (write a digit before the decimal point)"},
        {"5.h", DUR_WHAT "'5.h' (write a digit after the decimal point)"},
        {"1e3s", DUR_WHAT "'1e3s' (unknown unit 'e')"},
        {"5m\x01", DUR_WHAT "'5m\\x01' (unexpected '\\x01')"},
        {"5\xc2\xb5s", DUR_WHAT "'5\xc2\xb5s' (unexpected '\xc2\xb5')"},            /* 5µs */
        {"5\xe2\x80\x8bm", DUR_WHAT "'5\\xE2\\x80\\x8Bm' (unexpected '\\xE2\\x80\\x8B')"}, /* ZWSP */
        {"5\xffm", DUR_WHAT "'5\\xFFm' (unexpected '\\xFF')"},
        {"5minutessssssssssssssssssssssssssssssssssssssss",
         DUR_WHAT "'5minutessssssssssssssssssssssssssssss...' (unknown unit "
                  "'minutesssssssssssssssssssssssssssssss...')"},
        {"12345678901234567890123456789012345678901234567890",
         DUR_WHAT "'1234567890123456789012345678901234567...'"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        sim_time t = 4242;
        char why[512];
        cr_assert_not(sch_parse_duration(bad[i].in, &t, why, sizeof why), "'%s' accepted", bad[i].in);
        cr_assert_eq(t, 4242, "*out touched for '%s'", bad[i].in);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
}

Test(duration, format_is_canonical)
{
    static const struct {
        sim_time ms;
        const char *s;
    } cases[] = {
        {0, "0"},
        {1, "1ms"},
        {250, "250ms"},
        {1000, "1s"},
        {1500, "1s500ms"},
        {60000, "1m"},
        {5400000, "1h30m"},
        {86400000, "1d"},
        {604800000, "1w"},
        {1209600000, "2w"},
        {788645006, "1w2d3h4m5s6ms"},
        {216000000, "2d12h"},
        {SIM_TIME_MAX, "59571423w4d11h56m3s967ms"},
        {-300000, "-5m"},
        {INT64_MAX, "15250284452w3d7h12m55s807ms"},
        {INT64_MIN, "-15250284452w3d7h12m55s808ms"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char buf[64];
        int n = sch_format_duration(cases[i].ms, buf, sizeof buf);
        cr_assert_str_eq(buf, cases[i].s);
        cr_assert_eq(n, (int)strlen(cases[i].s));
    }
    /* snprintf contract: the full length back, a NUL-terminated prefix stored. */
    char small[4] = "xxx";
    cr_assert_eq(sch_format_duration(5400000, small, sizeof small), 5);
    cr_assert_str_eq(small, "1h3");
    cr_assert_eq(sch_format_duration(5400000, NULL, 0), 5);
    char one[1] = {'x'};
    cr_assert_eq(sch_format_duration(250, one, 1), 5);
    cr_assert_eq(one[0], '\0');
}

static void round_trip(sim_time ms)
{
    char buf[64];
    sim_time back = -1;
    char why[256];
    sch_format_duration(ms, buf, sizeof buf);
    cr_assert(sch_parse_duration(buf, &back, why, sizeof why), "%" PRId64 " -> '%s': %s", ms, buf, why);
    cr_assert_eq(back, ms, "%" PRId64 " -> '%s' -> %" PRId64, ms, buf, back);
}

Test(duration, format_then_parse_round_trips)
{
    static const sim_time units[] = {1, 1000, 60000, 3600000, 86400000, 604800000};
    for (size_t u = 0; u < N(units); u++) {
        for (sim_time k = 0; k <= 1000; k++) {
            round_trip(k * units[u]);
            round_trip(k * units[u] + 1);
            if (k > 0)
                round_trip(k * units[u] - 1);
        }
    }
    uint64_t x = 0x9E3779B97F4A7C15u; /* xorshift64: a fixed sweep over the whole range */
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        round_trip((sim_time)(x % ((uint64_t)SIM_TIME_MAX + 1)));
        round_trip((sim_time)(x % 100000000000u));
    }
    round_trip(SIM_TIME_MAX);
    round_trip(SIM_TIME_MAX - 1);
}

/* ---------------------------------------------------------------- percentages, probabilities */

Test(percent, values_and_messages)
{
    static const struct {
        const char *in;
        double v;
    } ok[] = {{"0%", 0}, {"100%", 100}, {"15%", 15}, {"12.5%", 12.5}, {"0.1%", 0.1},
              {"-0%", 0}, {"007%", 7}, {"99.99%", 99.99}, {"100.000%", 100}};
    for (size_t i = 0; i < N(ok); i++) {
        double v = -1;
        char why[256];
        cr_assert(sch_parse_percent(ok[i].in, &v, why, sizeof why), "'%s': %s", ok[i].in, why);
        cr_assert_eq(v, ok[i].v, "'%s' -> %.17g", ok[i].in, v);
    }
    double v = -1;
    sch_parse_percent("-0%", &v, NULL, 0);
    cr_assert_not(signbit(v), "-0%% is stored as +0");

    static const struct bad bad[] = {
        {"100.5%", "expected a percentage from 0% to 100%, found '100.5%'"},
        {"100.0000001%", "expected a percentage from 0% to 100%, found '100.0000001%'"},
        {"-1%", "expected a percentage from 0% to 100%, found '-1%'"},
        {"-0.1%", "expected a percentage from 0% to 100%, found '-0.1%'"},
        {"15", "expected a percentage such as 15%, found '15' (the % sign is required)"},
        {"0.15", "expected a percentage such as 15%, found '0.15' (the % sign is required)"},
        {"15 %", "expected a percentage such as 15%, found '15 %' (no space before %)"},
        {"", "expected a percentage such as 15%, found ''"},
        {"%", "expected a percentage such as 15%, found '%'"},
        {"15%%", "expected a percentage such as 15%, found '15%%'"},
        {"abc", "expected a percentage such as 15%, found 'abc'"},
        {"1e1%", "expected a percentage such as 15%, found '1e1%' (no exponent in a percentage: write plain digits)"},
        {"+5%", "expected a percentage such as 15%, found '+5%' (no + sign)"},
        {"1,5%", "expected a percentage such as 15%, found '1,5%' (write '.' as the decimal point)"},
        {".5%", "expected a percentage such as 15%, found '.5%' (write a digit before the decimal point)"},
        {"nan%", "expected a percentage such as 15%, found 'nan%'"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        double out = 42;
        char why[256];
        cr_assert_not(sch_parse_percent(bad[i].in, &out, why, sizeof why), "'%s' accepted", bad[i].in);
        cr_assert_eq(out, 42);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
}

Test(probability, values_and_messages)
{
    static const struct {
        const char *in;
        double v;
    } ok[] = {
        {"0", 0},        {"1", 1},          {"0.02", 0.02},    {"2%", 0.02},   {"0%", 0},
        {"100%", 1},     {"12.5%", 0.125},  {"1e-3", 0.001},   {"0.1%", 0.001}, /* read as 0.1e-2 */
        {"33.3%", 0.333}, {"1.0", 1},       {"-0", 0},         {"5E-1", 0.5},
    };
    for (size_t i = 0; i < N(ok); i++) {
        double v = -1;
        char why[256];
        cr_assert(sch_parse_probability(ok[i].in, &v, why, sizeof why), "'%s': %s", ok[i].in, why);
        cr_assert_eq(v, ok[i].v, "'%s' -> %.17g, want %.17g", ok[i].in, v, ok[i].v);
    }
    static const struct bad bad[] = {
        {"1.5", "expected a probability from 0 to 1, found '1.5' (for a percentage write 1.5%)"},
        {"15", "expected a probability from 0 to 1, found '15' (for a percentage write 15%)"},
        {"101", "expected a probability from 0 to 1, found '101'"},
        {"-0.1", "expected a probability from 0 to 1, found '-0.1'"},
        {"150%", "expected a probability from 0% to 100%, found '150%'"},
        {"-1%", "expected a probability from 0% to 100%, found '-1%'"},
        {"2 %", "expected a probability such as 0.02 or 2%, found '2 %' (no space before %)"},
        {"abc", "expected a probability such as 0.02 or 2%, found 'abc'"},
        {"", "expected a probability such as 0.02 or 2%, found ''"},
        {"%", "expected a probability such as 0.02 or 2%, found '%'"},
        {"nan", "expected a probability such as 0.02 or 2%, found 'nan' (not a finite number)"},
        {"1e400", "expected a probability from 0 to 1, found '1e400' (too large for a double)"},
        {"0,5", "expected a probability such as 0.02 or 2%, found '0,5' (write '.' as the decimal point)"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        double out = 42;
        char why[256];
        cr_assert_not(sch_parse_probability(bad[i].in, &out, why, sizeof why), "'%s' accepted", bad[i].in);
        cr_assert_eq(out, 42);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
}

/* ---------------------------------------------------------------- times of day, date-times */

Test(time_of_day, values_and_messages)
{
    static const struct {
        const char *in;
        sim_time ms;
    } ok[] = {{"00:00", 0},           {"23:30", 84600000}, {"23:59", 86340000},
              {"23:59:59", 86399000}, {"07:00", 25200000}, {"12:34:56", 45296000}};
    for (size_t i = 0; i < N(ok); i++) {
        sim_time t = -1;
        char why[256];
        cr_assert(sch_parse_time_of_day(ok[i].in, &t, why, sizeof why), "'%s': %s", ok[i].in, why);
        cr_assert_eq(t, ok[i].ms, "'%s'", ok[i].in);
    }
#define TOD_SHAPE "expected a time of day as HH:MM or HH:MM:SS, found "
#define TOD_RANGE "expected a time of day from 00:00 to 23:59:59, found "
    static const struct bad bad[] = {
        {"24:00", TOD_RANGE "'24:00' (hour 24 is not 0..23)"},
        {"99:00", TOD_RANGE "'99:00' (hour 99 is not 0..23)"},
        {"12:60", TOD_RANGE "'12:60' (minute 60 is not 0..59)"},
        {"12:00:60", TOD_RANGE "'12:00:60' (second 60 is not 0..59)"},
        {"7:00", TOD_SHAPE "'7:00' (two digits per field, e.g. 07:00)"},
        {"7:5", TOD_SHAPE "'7:5' (two digits per field, e.g. 07:05)"},
        {"07:00:5", TOD_SHAPE "'07:00:5' (two digits per field, e.g. 07:00:05)"},
        {"07:00:00.5", TOD_SHAPE "'07:00:00.5' (no fractions of a second)"},
        {"0700", TOD_SHAPE "'0700'"},
        {"07:00 ", TOD_SHAPE "'07:00 '"},
        {"07:00:00:00", TOD_SHAPE "'07:00:00:00'"},
        {"07.00", TOD_SHAPE "'07.00'"},
        {"7am", TOD_SHAPE "'7am'"},
        {"", TOD_SHAPE "''"},
        {"07:", TOD_SHAPE "'07:'"},
        {"-1:00", TOD_SHAPE "'-1:00'"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        sim_time t = 4242;
        char why[256];
        cr_assert_not(sch_parse_time_of_day(bad[i].in, &t, why, sizeof why), "'%s' accepted", bad[i].in);
        cr_assert_eq(t, 4242);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
}

Test(datetime, values)
{
    static const struct {
        const char *in;
        sim_datetime dt;
    } ok[] = {
        {"2026-01-05T07:00", {2026, 1, 5, 7, 0, 0, 0}},
        {"2026-01-05T07:00:30", {2026, 1, 5, 7, 0, 30, 0}},
        {"2024-02-29T00:00", {2024, 2, 29, 0, 0, 0, 0}},
        {"2000-02-29T12:00", {2000, 2, 29, 12, 0, 0, 0}},
        {"0001-01-01T00:00", {1, 1, 1, 0, 0, 0, 0}},
        {"9999-12-31T23:59:59", {9999, 12, 31, 23, 59, 59, 0}},
        {"2026-04-30T23:59", {2026, 4, 30, 23, 59, 0, 0}},
    };
    for (size_t i = 0; i < N(ok); i++) {
        sim_datetime dt = {-1, -1, -1, -1, -1, -1, -1};
        char why[256];
        cr_assert(sch_parse_datetime(ok[i].in, &dt, why, sizeof why), "'%s': %s", ok[i].in, why);
        cr_assert_eq(dt.year, ok[i].dt.year);
        cr_assert_eq(dt.month, ok[i].dt.month);
        cr_assert_eq(dt.day, ok[i].dt.day);
        cr_assert_eq(dt.hour, ok[i].dt.hour);
        cr_assert_eq(dt.minute, ok[i].dt.minute);
        cr_assert_eq(dt.second, ok[i].dt.second);
        cr_assert_eq(dt.ms, 0);
    }
}

Test(datetime, messages)
{
#define DT_SHAPE "expected a date-time as YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, found "
#define DT_VALID "expected a valid date-time, found "
    static const struct bad bad[] = {
        {"2026-02-29T07:00", DT_VALID "'2026-02-29T07:00' (2026 has no February 29)"},
        {"1900-02-29T07:00", DT_VALID "'1900-02-29T07:00' (1900 has no February 29)"},
        {"2026-02-30T07:00", DT_VALID "'2026-02-30T07:00' (February has no day 30)"},
        {"2024-02-30T07:00", DT_VALID "'2024-02-30T07:00' (February has no day 30)"},
        {"2026-04-31T07:00", DT_VALID "'2026-04-31T07:00' (April has no day 31)"},
        {"2026-13-01T07:00", DT_VALID "'2026-13-01T07:00' (month 13 is not 1..12)"},
        {"2026-00-01T07:00", DT_VALID "'2026-00-01T07:00' (month 0 is not 1..12)"},
        {"2026-01-00T07:00", DT_VALID "'2026-01-00T07:00' (day 0 is not 1..31)"},
        {"2026-01-32T07:00", DT_VALID "'2026-01-32T07:00' (day 32 is not 1..31)"},
        {"2026-01-05T24:00", DT_VALID "'2026-01-05T24:00' (hour 24 is not 0..23)"},
        {"2026-01-05T07:60", DT_VALID "'2026-01-05T07:60' (minute 60 is not 0..59)"},
        {"2026-01-05T07:00:60", DT_VALID "'2026-01-05T07:00:60' (second 60 is not 0..59)"},
        {"0000-01-01T00:00", DT_VALID "'0000-01-01T00:00' (year 0 is not 1..9999)"},
        {"2026-01-05 07:00", DT_SHAPE "'2026-01-05 07:00' (separate the date and the time with T)"},
        {"2026-01-05t07:00", DT_SHAPE "'2026-01-05t07:00' (separate the date and the time with T)"},
        {"2026-01-0507:00", DT_SHAPE "'2026-01-0507:00'"},
        {"2026-01-05", DT_SHAPE "'2026-01-05' (a time is required after the date, e.g. T07:00)"},
        {"2026-01-05T", DT_SHAPE "'2026-01-05T'"},
        {"2026-01-05T07:00Z", DT_SHAPE "'2026-01-05T07:00Z' (no time zone: the time is local)"},
        {"2026-01-05T07:00+01:00", DT_SHAPE "'2026-01-05T07:00+01:00' (no time zone: the time is local)"},
        {"2026-01-05T07:00:00.000", DT_SHAPE "'2026-01-05T07:00:00.000' (no fractions of a second)"},
        {"2026-01-05T07:00x", DT_SHAPE "'2026-01-05T07:00x' (unexpected text after the time)"},
        {"2026-01-05T07:00 ", DT_SHAPE "'2026-01-05T07:00 ' (unexpected text after the time)"},
        {"2026-1-5T07:00", DT_SHAPE "'2026-1-5T07:00'"},
        {"26-01-05T07:00", DT_SHAPE "'26-01-05T07:00'"},
        {"12026-01-05T07:00", DT_SHAPE "'12026-01-05T07:00'"},
        {"2026-01-05T7:00", DT_SHAPE "'2026-01-05T7:00'"},
        {"", DT_SHAPE "''"},
        {"2026", DT_SHAPE "'2026'"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        sim_datetime dt = {-1, -1, -1, -1, -1, -1, -1};
        char why[256];
        cr_assert_not(sch_parse_datetime(bad[i].in, &dt, why, sizeof why), "'%s' accepted", bad[i].in);
        cr_assert_eq(dt.year, -1);
        cr_assert_eq(dt.ms, -1);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
}

/* Every calendar day of two centuries both ways: the parser and sim_datetime_valid agree. */
Test(datetime, agrees_with_the_calendar)
{
    for (int y = 1899; y <= 2101; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 31; d++) {
                char s[32], why[256];
                snprintf(s, sizeof s, "%04d-%02d-%02dT12:00", y, m, d);
                sim_datetime want = {y, m, d, 12, 0, 0, 0}, got;
                cr_assert_eq(sch_parse_datetime(s, &got, why, sizeof why), sim_datetime_valid(&want), "%s", s);
            }
        }
    }
}

/* ---------------------------------------------------------------- integers */

Test(int64, values_and_edges)
{
    static const struct {
        const char *in;
        int64_t min, max, v;
    } ok[] = {
        {"1", 1, 100, 1},
        {"100", 1, 100, 100},
        {"007", 1, 100, 7},
        {"-5", -10, 10, -5},
        {"-0", -10, 10, 0},
        {"9223372036854775807", INT64_MIN, INT64_MAX, INT64_MAX},
        {"-9223372036854775808", INT64_MIN, INT64_MAX, INT64_MIN},
        {"00000000000000000000009223372036854775807", 0, INT64_MAX, INT64_MAX},
    };
    for (size_t i = 0; i < N(ok); i++) {
        int64_t v = 4242;
        char why[256];
        cr_assert(sch_parse_int64(ok[i].in, ok[i].min, ok[i].max, &v, why, sizeof why), "'%s': %s", ok[i].in, why);
        cr_assert_eq(v, ok[i].v, "'%s'", ok[i].in);
    }
    static const struct {
        const char *in;
        int64_t min, max;
        const char *msg;
    } bad[] = {
        {"0", 1, 100, "expected an integer from 1 to 100, found '0'"},
        {"101", 1, 100, "expected an integer from 1 to 100, found '101'"},
        {"-11", -10, 10, "expected an integer from -10 to 10, found '-11'"},
        {"0", 1, INT64_MAX, "expected an integer of at least 1, found '0'"},
        {"11", INT64_MIN, 10, "expected an integer of at most 10, found '11'"},
        {"9223372036854775808", INT64_MIN, INT64_MAX,
         "expected an integer, found '9223372036854775808' (out of the 64-bit range)"},
        {"-9223372036854775809", INT64_MIN, INT64_MAX,
         "expected an integer, found '-9223372036854775809' (out of the 64-bit range)"},
        {"18446744073709551616", INT64_MIN, INT64_MAX,
         "expected an integer, found '18446744073709551616' (out of the 64-bit range)"},
        {"9223372036854775808", 0, INT64_MAX, "expected an integer of at least 0, found '9223372036854775808'"},
        {"1.5", 1, 100, "expected an integer from 1 to 100, found '1.5' (write a whole number in plain digits)"},
        {"1.0", 1, 100, "expected an integer from 1 to 100, found '1.0' (write a whole number in plain digits)"},
        {"1e3", 1, 100, "expected an integer from 1 to 100, found '1e3' (write a whole number in plain digits)"},
        {"+5", 1, 100, "expected an integer from 1 to 100, found '+5' (no + sign)"},
        {"0x10", 1, 100, "expected an integer from 1 to 100, found '0x10' (hexadecimal is not accepted)"},
        {"1_000", 1, 100, "expected an integer from 1 to 100, found '1_000' (write the digits without separators)"},
        {"1,000", 1, 100, "expected an integer from 1 to 100, found '1,000' (write the digits without separators)"},
        {"", 1, 100, "expected an integer from 1 to 100, found ''"},
        {"-", 1, 100, "expected an integer from 1 to 100, found '-'"},
        {"5 ", 1, 100, "expected an integer from 1 to 100, found '5 '"},
        {"five", 1, 100, "expected an integer from 1 to 100, found 'five'"},
        {"inf", 1, 100, "expected an integer from 1 to 100, found 'inf' (not a finite number)"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        int64_t v = 4242;
        char why[256];
        cr_assert_not(sch_parse_int64(bad[i].in, bad[i].min, bad[i].max, &v, why, sizeof why), "'%s'", bad[i].in);
        cr_assert_eq(v, 4242);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
}

Test(uint64, values_and_edges)
{
    static const struct {
        const char *in;
        uint64_t v;
    } ok[] = {{"0", 0}, {"42", 42}, {"18446744073709551615", UINT64_MAX}, {"0018446744073709551615", UINT64_MAX}};
    for (size_t i = 0; i < N(ok); i++) {
        uint64_t v = 4242;
        char why[256];
        cr_assert(sch_parse_uint64(ok[i].in, &v, why, sizeof why), "'%s': %s", ok[i].in, why);
        cr_assert_eq(v, ok[i].v, "'%s'", ok[i].in);
    }
#define U64 "expected an integer from 0 to 18446744073709551615, found "
    static const struct bad bad[] = {
        {"18446744073709551616", U64 "'18446744073709551616'"},
        {"99999999999999999999999", U64 "'99999999999999999999999'"},
        {"-1", U64 "'-1'"},
        {"-0", U64 "'-0'"},
        {"+1", U64 "'+1' (no + sign)"},
        {"0x10", U64 "'0x10' (hexadecimal is not accepted)"},
        {"1.0", U64 "'1.0' (write a whole number in plain digits)"},
        {"", U64 "''"},
        {"seed", U64 "'seed'"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        uint64_t v = 4242;
        char why[256];
        cr_assert_not(sch_parse_uint64(bad[i].in, &v, why, sizeof why), "'%s'", bad[i].in);
        cr_assert_eq(v, 4242);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
}

/* ---------------------------------------------------------------- doubles */

Test(double, values)
{
    static const struct {
        const char *in;
        double v;
    } ok[] = {
        {"0", 0},          {"1", 1},          {"0.5", 0.5},      {"-2.5", -2.5},
        {"1e-3", 1e-3},    {"1E-3", 1e-3},    {"2.5e-1", 0.25},  {"1e+2", 100},
        {"0.1", 0.1},      {"-0", 0},         {"-0.0", 0},       {"1e308", 1e308},
        {"1.7976931348623157e308", DBL_MAX},  {"2.2250738585072014e-308", DBL_MIN},
        {"123456789012345678901234567890", 123456789012345678901234567890.0},
        {"0.30000000000000004", 0.30000000000000004},
    };
    for (size_t i = 0; i < N(ok); i++) {
        double v = 42;
        char why[256];
        cr_assert(sch_parse_double(ok[i].in, -DBL_MAX, DBL_MAX, &v, why, sizeof why), "'%s': %s", ok[i].in, why);
        cr_assert_eq(v, ok[i].v, "'%s' -> %.17g", ok[i].in, v);
        cr_assert_not(signbit(v) && v == 0, "'%s' stored as -0", ok[i].in);
    }
}

Test(double, messages)
{
    static const struct {
        const char *in;
        double min, max;
        const char *msg;
    } bad[] = {
        {"1.5", 0, 1, "expected a number from 0 to 1, found '1.5'"},
        {"-0.001", 0, 1, "expected a number from 0 to 1, found '-0.001'"},
        {"1e400", 0, 1, "expected a number from 0 to 1, found '1e400' (too large for a double)"},
        {"-1e400", -DBL_MAX, DBL_MAX, "expected a number, found '-1e400' (too large for a double)"},
        {"1e-400", 0, 1, "expected a number from 0 to 1, found '1e-400' (too close to 0 for a double)"},
        {"1e-310", 0, 1, "expected a number from 0 to 1, found '1e-310' (too close to 0 for a double)"},
        {"nan", 0, 1, "expected a number from 0 to 1, found 'nan' (not a finite number)"},
        {"NaN", 0, 1, "expected a number from 0 to 1, found 'NaN' (not a finite number)"},
        {"inf", 0, 1, "expected a number from 0 to 1, found 'inf' (not a finite number)"},
        {"-inf", 0, 1, "expected a number from 0 to 1, found '-inf' (not a finite number)"},
        {".inf", 0, 1, "expected a number from 0 to 1, found '.inf' (not a finite number)"},
        {"Infinity", 0, 1, "expected a number from 0 to 1, found 'Infinity' (not a finite number)"},
        {"0x10", 0, 100, "expected a number from 0 to 100, found '0x10' (hexadecimal is not accepted)"},
        {"0x1p3", 0, 100, "expected a number from 0 to 100, found '0x1p3' (hexadecimal is not accepted)"},
        {"1,5", 0, 100, "expected a number from 0 to 100, found '1,5' (write '.' as the decimal point)"},
        {".5", 0, 1, "expected a number from 0 to 1, found '.5' (write a digit before the decimal point)"},
        {"5.", 0, 10, "expected a number from 0 to 10, found '5.' (write a digit after the decimal point)"},
        {"+0.5", 0, 1, "expected a number from 0 to 1, found '+0.5' (no + sign)"},
        {"1e", 0, 10, "expected a number from 0 to 10, found '1e'"},
        {"1e+", 0, 10, "expected a number from 0 to 10, found '1e+'"},
        {"", 0, 1, "expected a number from 0 to 1, found ''"},
        {"0.5 ", 0, 1, "expected a number from 0 to 1, found '0.5 '"},
        {"half", 0, 1, "expected a number from 0 to 1, found 'half'"},
        {"-1", 0, DBL_MAX, "expected a number of at least 0, found '-1'"},
        {"2", -DBL_MAX, 1.5, "expected a number of at most 1.5, found '2'"},
        {"0.5", 0.75, 1e6, "expected a number from 0.75 to 1000000, found '0.5'"},
        {"1", 0.1, 0.3, "expected a number from 0.1 to 0.3, found '1'"},
        {"1e-9", 1e-7, 1, "expected a number from 1e-07 to 1, found '1e-9'"},
        {"0.1" "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001" /* 101 characters */,
         0, 1, "expected a number from 0 to 1, found '0.10000000000000000000000000000000000...' (too many digits)"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        double v = 42;
        char why[256];
        cr_assert_not(sch_parse_double(bad[i].in, bad[i].min, bad[i].max, &v, why, sizeof why), "'%s'", bad[i].in);
        cr_assert_eq(v, 42);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
    /* SCH_NUMBER_MAX characters exactly is still read. */
    char longest[SCH_NUMBER_MAX + 1];
    memset(longest, '0', SCH_NUMBER_MAX);
    longest[1] = '.';
    longest[SCH_NUMBER_MAX - 1] = '5';
    longest[SCH_NUMBER_MAX] = '\0';
    double v = 42;
    cr_assert(sch_parse_double(longest, 0, 1, &v, NULL, 0));
    cr_assert_gt(v, 0);
    cr_assert_lt(v, 1e-90);
}

/*
 * Locale independence: under a locale whose decimal point is ',' (built with localedef into a
 * temporary directory when the system has none), "0.5" is still one half, and range messages
 * still print '.'.
 */
Test(double, ignores_lc_numeric)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    bool set = false;
    for (size_t i = 0; i < N(names) && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]) != NULL;
    if (!set) {
        char dir[] = "/tmp/bgsim-locale-XXXXXX";
        cr_assert_not_null(mkdtemp(dir));
        char cmd[256];
        snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
        if (system(cmd) == 0) {
            setenv("LOCPATH", dir, 1);
            set = setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL;
        }
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0)
            cr_log_warn("could not remove %s", dir);
        if (!set)
            cr_skip_test("no locale with a decimal comma (and localedef could not build one)");
    }
    cr_assert_eq(strtod("0.5", NULL), 0.0, "the locale does have a decimal comma");

    double v = 42;
    char why[256];
    cr_assert(sch_parse_double("0.5", 0, 1, &v, why, sizeof why), "%s", why);
    cr_assert_eq(v, 0.5);
    cr_assert(sch_parse_probability("12.5%", &v, why, sizeof why), "%s", why);
    cr_assert_eq(v, 0.125);
    cr_assert(sch_parse_percent("12.5%", &v, why, sizeof why), "%s", why);
    cr_assert_eq(v, 12.5);
    cr_assert_not(sch_parse_double("0,5", 0, 1, &v, why, sizeof why));
    cr_assert_str_eq(why, "expected a number from 0 to 1, found '0,5' (write '.' as the decimal point)");
    cr_assert_not(sch_parse_double("2", 0.25, 1.5, &v, why, sizeof why));
    cr_assert_str_eq(why, "expected a number from 0.25 to 1.5, found '2'");
    /* and the caller's locale is back */
    cr_assert_eq(strtod("0,5", NULL), 0.5);
}

/* ---------------------------------------------------------------- booleans */

Test(bool, forms)
{
    bool b = false;
    cr_assert(sch_parse_bool("true", &b, NULL, 0));
    cr_assert_eq(b, true);
    cr_assert(sch_parse_bool("false", &b, NULL, 0));
    cr_assert_eq(b, false);
    static const struct bad bad[] = {
        {"yes", "expected true or false, found 'yes' (write true)"},
        {"Yes", "expected true or false, found 'Yes' (write true)"},
        {"y", "expected true or false, found 'y' (write true)"},
        {"on", "expected true or false, found 'on' (write true)"},
        {"ON", "expected true or false, found 'ON' (write true)"},
        {"True", "expected true or false, found 'True' (write true)"},
        {"TRUE", "expected true or false, found 'TRUE' (write true)"},
        {"1", "expected true or false, found '1' (write true)"},
        {"no", "expected true or false, found 'no' (write false)"},
        {"N", "expected true or false, found 'N' (write false)"},
        {"off", "expected true or false, found 'off' (write false)"},
        {"Off", "expected true or false, found 'Off' (write false)"},
        {"False", "expected true or false, found 'False' (write false)"},
        {"0", "expected true or false, found '0' (write false)"},
        {"tru", "expected true or false, found 'tru'"},
        {"true ", "expected true or false, found 'true '"},
        {"", "expected true or false, found ''"},
        {"maybe", "expected true or false, found 'maybe'"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        bool out = true;
        char why[256];
        cr_assert_not(sch_parse_bool(bad[i].in, &out, why, sizeof why), "'%s'", bad[i].in);
        cr_assert_eq(out, true);
        cr_assert_str_eq(why, bad[i].msg, "case %zu", i);
    }
}

/* ---------------------------------------------------------------- quoting and the why buffer */

Test(quote, truncates_and_escapes)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"", "''"},
        {"abc", "'abc'"},
        {"it's", "'it's'"},
        {"a\\b", "'a\\\\b'"},
        {"a\nb", "'a\\x0Ab'"},
        {"a\rb\x7f", "'a\\x0Db\\x7F'"},
        {"\x1b[31mred", "'\\x1B[31mred'"},
        {"caf\xc3\xa9", "'caf\xc3\xa9'"},                    /* é kept */
        {"\xe2\x82\xac", "'\xe2\x82\xac'"},                  /* € kept */
        {"\xf0\x9f\x98\x80", "'\xf0\x9f\x98\x80'"},          /* U+1F600 kept */
        {"a\xc2\x85z", "'a\\xC2\\x85z'"},                    /* NEL, a C1 control */
        {"\xe2\x80\xae" "abc", "'\\xE2\\x80\\xAEabc'"},      /* right-to-left override */
        {"\xef\xbb\xbfkey", "'\\xEF\\xBB\\xBFkey'"},         /* byte order mark */
        {"\xe2\x80\xa8", "'\\xE2\\x80\\xA8'"},               /* line separator */
        {"\xc3", "'\\xC3'"},                                 /* truncated sequence */
        {"\xc0\xaf", "'\\xC0\\xAF'"},                        /* overlong '/' */
        {"\xed\xa0\x80", "'\\xED\\xA0\\x80'"},               /* surrogate */
        {"\xf4\x90\x80\x80", "'\\xF4\\x90\\x80\\x80'"},      /* beyond U+10FFFF */
        /* 40 characters: shown whole; 41: 37 and "..." */
        {"0123456789012345678901234567890123456789", "'0123456789012345678901234567890123456789'"},
        {"01234567890123456789012345678901234567890", "'0123456789012345678901234567890123456...'"},
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
         "'\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9'"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char buf[4 * SCH_QUOTE_MAX + 8];
        int n = sch_quote(cases[i].in, buf, sizeof buf);
        cr_assert_str_eq(buf, cases[i].out, "case %zu", i);
        cr_assert_eq(n, (int)strlen(cases[i].out), "case %zu", i);
    }
    /* Worst case fits the documented buffer; no raw control byte ever comes out. */
    char worst[200], buf[4 * SCH_QUOTE_MAX + 8];
    for (int c = 0; c < 256; c++) {
        memset(worst, c ? c : 1, sizeof worst - 1);
        worst[sizeof worst - 1] = '\0';
        int n = sch_quote(worst, buf, sizeof buf);
        cr_assert_lt(n, (int)sizeof buf, "byte %d", c);
        for (const char *p = buf; *p; p++)
            cr_assert((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f, "byte %d -> raw %02x", c, *p);
    }
}

Test(why, truncated_null_terminated_and_optional)
{
    sim_time t = 7;
    char why[16];
    memset(why, 'z', sizeof why);
    cr_assert_not(sch_parse_duration("15", &t, why, sizeof why));
    cr_assert_str_eq(why, "expected a dura");
    char one[1] = {'z'};
    cr_assert_not(sch_parse_duration("15", &t, one, 1));
    cr_assert_eq(one[0], '\0');
    cr_assert_not(sch_parse_duration("15", &t, NULL, 0));
    cr_assert_not(sch_parse_percent("x", NULL, NULL, 0)); /* out is not written on failure */
    cr_assert_eq(t, 7);
}
