/*
 * sim_calendar.h - local wall-clock view of simulation time, in integer arithmetic.
 *
 * Diurnal models (sleep, charging at night, usage by hour of week) need the weekday and the time
 * of day of a simulation instant. A calendar is anchored at the scenario's start, a local
 * date-time; simulation time t (ms since that start) maps to the local date-time start + t.
 *
 * Assumption: local time has no DST transitions within a scenario (a fixed UTC offset). A DST
 * change would shift people's habits by an hour twice a year; bgsim does not model that.
 *
 * All conversions are exact integer arithmetic (proleptic Gregorian calendar, H. Hinnant's
 * days_from_civil/civil_from_days algorithms), defined for negative t as well (floor division).
 * Weekdays are ISO: Monday = 0 ... Sunday = 6.
 */
#ifndef BGSIM_SIM_CALENDAR_H
#define BGSIM_SIM_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_engine.h"

typedef struct sim_datetime {
    int64_t year;
    int month;  /* 1..12 */
    int day;    /* 1..31 */
    int hour;   /* 0..23 */
    int minute; /* 0..59 */
    int second; /* 0..59 (no leap seconds) */
    int ms;     /* 0..999 */
} sim_datetime;

enum sim_weekday {
    SIM_MONDAY = 0, SIM_TUESDAY, SIM_WEDNESDAY, SIM_THURSDAY, SIM_FRIDAY, SIM_SATURDAY, SIM_SUNDAY
};

typedef struct sim_calendar {
    int64_t start_day;       /* days from 1970-01-01 to the start date */
    sim_time start_ms_of_day; /* local time of day of the start, in ms */
} sim_calendar;

/* Years accepted for a scenario start (and by sim_cal_time_of). */
#define SIM_CAL_YEAR_MIN 1
#define SIM_CAL_YEAR_MAX 9999

/* True when the fields form a real date-time (month lengths, leap years, ranges above). */
bool sim_datetime_valid(const sim_datetime *dt);
/* Anchors `cal` at `start`. Returns false (cal untouched) when start is not valid. */
bool sim_cal_init(sim_calendar *cal, const sim_datetime *start);

/* Days since 1970-01-01 of a valid date, and back. */
int64_t sim_days_from_civil(int64_t year, int month, int day);
void sim_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

/* Whole local days since the start date's midnight (0 on the start date, negative before). */
int64_t sim_cal_day_index(const sim_calendar *cal, sim_time t);
int sim_cal_weekday(const sim_calendar *cal, sim_time t);
bool sim_cal_is_weekend(const sim_calendar *cal, sim_time t);
sim_time sim_cal_ms_of_day(const sim_calendar *cal, sim_time t); /* 0 .. 86 399 999 */
int sim_cal_minute_of_day(const sim_calendar *cal, sim_time t);  /* 0 .. 1439 */
int sim_cal_hour_of_week(const sim_calendar *cal, sim_time t);   /* 0 (Mon 00h) .. 167 (Sun 23h) */
void sim_cal_datetime(const sim_calendar *cal, sim_time t, sim_datetime *out);

/*
 * One local day, split once, for models that ask about many instants of the same day (the usage
 * model integrates its session rate hour by hour). A calendar's time of day is (t +
 * start_ms_of_day) mod one day, so a local day is one interval of t, [start, start + one day):
 * while sim_cal_day_holds(&day, t), sim_cal_ms_of_day(cal, t) is t - day.start,
 * sim_cal_day_index(cal, t) is day.index and sim_cal_weekday(cal, t) is day.weekday, exactly.
 * For simulation times, |t| <= SIM_TIME_MAX (so that nothing here overflows).
 */
typedef struct sim_cal_day {
    sim_time start; /* the day's local midnight (before 0 on the start date unless it starts at 00:00) */
    int64_t index;  /* as sim_cal_day_index */
    int weekday;    /* as sim_cal_weekday */
} sim_cal_day;
void sim_cal_day_of(const sim_calendar *cal, sim_time t, sim_cal_day *out);
static inline bool sim_cal_day_holds(const sim_cal_day *day, sim_time t)
{
    return t >= day->start && t - day->start < SIM_MS_PER_DAY;
}

/*
 * The earliest time >= t whose local time of day is `ms_of_day` (0 <= ms_of_day < one day),
 * e.g. "the next 23:30". Returns t itself when t is already at that time of day.
 */
sim_time sim_cal_next_time_of_day(const sim_calendar *cal, sim_time t, sim_time ms_of_day);

/* Simulation time of a valid local date-time; false when dt is not valid. */
bool sim_cal_time_of(const sim_calendar *cal, const sim_datetime *dt, sim_time *out);

/* Writes "YYYY-MM-DDTHH:MM:SS.mmm" (years outside 0..9999 are written as they are). Returns
 * snprintf's result. */
int sim_cal_format(const sim_calendar *cal, sim_time t, char *buf, size_t size);
/* Writes the local weekday and time of day to the minute (floored), "Wed 02:10", as the reports
 * show a moment to people. Returns snprintf's result. */
int sim_cal_format_short(const sim_calendar *cal, sim_time t, char *buf, size_t size);

/*
 * A duration for people, the one format every human-readable output uses (the run summary,
 * `bgsim explain`, the HTML report): the two largest units, rounded to the smaller one, with a
 * space between them and a zero second unit left out: "9d 10h", "3h 44m", "3m 5s", "15m", "45s";
 * below a minute one decimal when not whole ("8.2s"), below a second milliseconds ("350ms"); "0";
 * negative durations get a '-'. Weeks are not used (9d, not 1w2d). Machine outputs (JSON, CSV)
 * keep integer milliseconds, and the scenario language keeps its exact form (sch_format_duration).
 * Returns snprintf's result.
 */
int sim_format_human_duration(sim_time ms, char *buf, size_t size);

#endif
