/*
 * sim_calendar.c - proleptic Gregorian conversions, after Howard Hinnant, "chrono-Compatible
 * Low-Level Date Algorithms" (days_from_civil, civil_from_days, weekday_from_days).
 */
#include "sim_calendar.h"

#include <stdio.h>

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Computed from the remainder, not as a - floor_div(a, b) * b, which overflows for INT64_MIN. */
static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool sim_datetime_valid(const sim_datetime *dt)
{
    return dt->year >= SIM_CAL_YEAR_MIN && dt->year <= SIM_CAL_YEAR_MAX && dt->month >= 1 &&
           dt->month <= 12 && dt->day >= 1 && dt->day <= days_in_month(dt->year, dt->month) &&
           dt->hour >= 0 && dt->hour <= 23 && dt->minute >= 0 && dt->minute <= 59 &&
           dt->second >= 0 && dt->second <= 59 && dt->ms >= 0 && dt->ms <= 999;
}

int64_t sim_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void sim_civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = m;
    *year = yoe + era * 400 + (m <= 2);
}

static sim_time ms_of_day_of(const sim_datetime *dt)
{
    return dt->hour * SIM_MS_PER_HOUR + dt->minute * SIM_MS_PER_MINUTE + dt->second * SIM_MS_PER_SECOND + dt->ms;
}

bool sim_cal_init(sim_calendar *cal, const sim_datetime *start)
{
    if (!sim_datetime_valid(start))
        return false;
    cal->start_day = sim_days_from_civil(start->year, start->month, start->day);
    cal->start_ms_of_day = ms_of_day_of(start);
    return true;
}

/* Local ms since the start date's midnight. Computed as a floor split of t first, so that no
 * t in [INT64_MIN, INT64_MAX] overflows when the start's time of day is added. */
static void split(const sim_calendar *cal, sim_time t, int64_t *day_index, sim_time *ms_of_day)
{
    /* The common case (t >= 0, and the start's time of day within a day, as sim_cal_init sets it):
     * one truncating division and one correction. The usage model asks the weekday and time of
     * day of every hour it integrates its session rate over. */
    if (t >= 0 && cal->start_ms_of_day >= 0 && cal->start_ms_of_day < SIM_MS_PER_DAY) {
        int64_t days = t / SIM_MS_PER_DAY;
        sim_time rest = t % SIM_MS_PER_DAY + cal->start_ms_of_day; /* < 2 days */
        bool next_day = rest >= SIM_MS_PER_DAY;
        *day_index = days + next_day;
        *ms_of_day = next_day ? rest - SIM_MS_PER_DAY : rest;
        return;
    }
    int64_t days = floor_div(t, SIM_MS_PER_DAY);
    sim_time rest = floor_mod(t, SIM_MS_PER_DAY) + cal->start_ms_of_day; /* < 2 days */
    days += rest / SIM_MS_PER_DAY;
    *day_index = days;
    *ms_of_day = rest % SIM_MS_PER_DAY;
}

int64_t sim_cal_day_index(const sim_calendar *cal, sim_time t)
{
    int64_t day;
    sim_time ms;
    split(cal, t, &day, &ms);
    return day;
}

/* The weekday of local day `day`. 1970-01-01 was a Thursday (ISO index 3). One floor_mod of the
 * sum when it cannot overflow (a day index is below 2^37 in magnitude, as t / one day; a start day
 * of sim_cal_init below 2^22), which is the weekday the three floor_mods of the general case give:
 * (a mod 7 + b mod 7) mod 7 = (a + b) mod 7. The usage model asks it for every hour it integrates. */
static int weekday_of_day(const sim_calendar *cal, int64_t day)
{
    const int64_t bound = INT64_C(1) << 61;
    if (cal->start_day > -bound && cal->start_day < bound && day > -bound && day < bound)
        return (int)floor_mod(cal->start_day + 3 + day, 7);
    return (int)floor_mod(floor_mod(cal->start_day + 3, 7) + floor_mod(day, 7), 7);
}

int sim_cal_weekday(const sim_calendar *cal, sim_time t) { return weekday_of_day(cal, sim_cal_day_index(cal, t)); }

bool sim_cal_is_weekend(const sim_calendar *cal, sim_time t)
{
    return sim_cal_weekday(cal, t) >= SIM_SATURDAY;
}

sim_time sim_cal_ms_of_day(const sim_calendar *cal, sim_time t)
{
    int64_t day;
    sim_time ms;
    split(cal, t, &day, &ms);
    return ms;
}

void sim_cal_day_of(const sim_calendar *cal, sim_time t, sim_cal_day *out)
{
    int64_t day;
    sim_time ms;
    split(cal, t, &day, &ms);
    out->start = t - ms;
    out->index = day;
    out->weekday = weekday_of_day(cal, day);
}

int sim_cal_minute_of_day(const sim_calendar *cal, sim_time t)
{
    return (int)(sim_cal_ms_of_day(cal, t) / SIM_MS_PER_MINUTE);
}

int sim_cal_hour_of_week(const sim_calendar *cal, sim_time t)
{
    return sim_cal_weekday(cal, t) * 24 + (int)(sim_cal_ms_of_day(cal, t) / SIM_MS_PER_HOUR);
}

void sim_cal_datetime(const sim_calendar *cal, sim_time t, sim_datetime *out)
{
    int64_t day;
    sim_time ms;
    split(cal, t, &day, &ms);
    sim_civil_from_days(cal->start_day + day, &out->year, &out->month, &out->day);
    out->hour = (int)(ms / SIM_MS_PER_HOUR);
    out->minute = (int)(ms / SIM_MS_PER_MINUTE % 60);
    out->second = (int)(ms / SIM_MS_PER_SECOND % 60);
    out->ms = (int)(ms % SIM_MS_PER_SECOND);
}

sim_time sim_cal_next_time_of_day(const sim_calendar *cal, sim_time t, sim_time ms_of_day)
{
    sim_time wait = floor_mod(ms_of_day - sim_cal_ms_of_day(cal, t), SIM_MS_PER_DAY);
    return t > SIM_TIME_MAX - wait ? SIM_TIME_MAX : t + wait;
}

bool sim_cal_time_of(const sim_calendar *cal, const sim_datetime *dt, sim_time *out)
{
    if (!sim_datetime_valid(dt))
        return false;
    /* Years are bounded to 1..9999, so this stays far inside int64 milliseconds. */
    int64_t days = sim_days_from_civil(dt->year, dt->month, dt->day) - cal->start_day;
    *out = days * SIM_MS_PER_DAY + ms_of_day_of(dt) - cal->start_ms_of_day;
    return true;
}

int sim_cal_format(const sim_calendar *cal, sim_time t, char *buf, size_t size)
{
    sim_datetime dt;
    sim_cal_datetime(cal, t, &dt);
    return snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d.%03d", (long long)dt.year, dt.month,
                    dt.day, dt.hour, dt.minute, dt.second, dt.ms);
}

int sim_cal_format_short(const sim_calendar *cal, sim_time t, char *buf, size_t size)
{
    static const char *const days[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    sim_datetime dt;
    sim_cal_datetime(cal, t, &dt);
    return snprintf(buf, size, "%s %02d:%02d", days[sim_cal_weekday(cal, t)], dt.hour, dt.minute);
}

/* a / b rounded half up, for a >= 0 and b > 0. */
static int64_t div_round(int64_t a, int64_t b) { return a / b + (a % b >= b - b / 2); }

int sim_format_human_duration(sim_time ms, char *buf, size_t size)
{
    if (ms < 0) {
        if (ms < -SIM_TIME_MAX)
            ms = -SIM_TIME_MAX; /* keeps the negation defined */
        char inner[48];
        sim_format_human_duration(-ms, inner, sizeof inner);
        return snprintf(buf, size, "-%s", inner);
    }
    if (ms == 0)
        return snprintf(buf, size, "0");
    if (ms < SIM_MS_PER_SECOND)
        return snprintf(buf, size, "%lldms", (long long)ms);
    int64_t tenths = div_round(ms, 100); /* one decimal below a minute */
    if (tenths < 600) {
        if (tenths % 10 == 0)
            return snprintf(buf, size, "%llds", (long long)(tenths / 10));
        return snprintf(buf, size, "%lld.%llds", (long long)(tenths / 10), (long long)(tenths % 10));
    }
    /* The larger unit, then the smaller one rounded: rounding may carry into the next range
     * (59m 59.6s is 1h), so each range is decided on the value rounded to its own smaller unit. */
    static const struct {
        sim_time big, small;
        const char *b, *s;
    } ranges[] = {{SIM_MS_PER_MINUTE, SIM_MS_PER_SECOND, "m", "s"},
                  {SIM_MS_PER_HOUR, SIM_MS_PER_MINUTE, "h", "m"},
                  {SIM_MS_PER_DAY, SIM_MS_PER_HOUR, "d", "h"}};
    for (size_t i = 0; i < 3; i++) {
        int64_t n = div_round(ms, ranges[i].small); /* in small units */
        int64_t per = ranges[i].big / ranges[i].small;
        if (i < 2 && n >= per * (i == 0 ? 60 : 24))
            continue; /* a whole larger unit above this range */
        if (n % per == 0)
            return snprintf(buf, size, "%lld%s", (long long)(n / per), ranges[i].b);
        return snprintf(buf, size, "%lld%s %lld%s", (long long)(n / per), ranges[i].b, (long long)(n % per),
                        ranges[i].s);
    }
    return 0; /* not reached: the last range takes every value */
}
