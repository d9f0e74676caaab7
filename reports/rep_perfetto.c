/*
 * rep_perfetto.c - Chrome trace-event JSON writer (rep_perfetto.h).
 */
#include "rep_perfetto.h"

#include <inttypes.h>
#include <stdbool.h>

#include "rep_timeline.h"
#include "util.h"

enum {
    TID_BATTERY = 1, TID_CHARGING, TID_NETWORK, TID_SCREEN, TID_DOZE, TID_APP, TID_WORKER, TID_HELD,
    TID_SAVE = 10, TID_ASLEEP, TID_DAYS, TID_TASK0 = 100
};

/* The trace's time origin: ts 0 is local midnight of the start date, so a timestamp read as
 * "days hh:mm:ss since the trace start" is the local time of day (rep_perfetto.h). */
static sim_time origin_ms(const rep_record *rec) { return rec->calendar.start_ms_of_day; }
static int64_t ts_us(const rep_record *rec, sim_time t) { return (t + origin_ms(rec)) * 1000; }

static void meta(FILE *out, int tid, const char *what, const char *name, int sort)
{
    fprintf(out, ",\n{\"ph\":\"M\",\"cat\":\"__metadata\",\"pid\":1,\"tid\":%d,\"name\":\"%s\",\"args\":{\"name\":",
            tid, what);
    util_json_string(out, name);
    fputs("}}", out);
    fprintf(out,
            ",\n{\"ph\":\"M\",\"cat\":\"__metadata\",\"pid\":1,\"tid\":%d,\"name\":\"thread_sort_index\",\"args\":{"
            "\"sort_index\":%d}}",
            tid, sort);
}

static void slice(FILE *out, const rep_record *rec, int tid, const char *cat, const char *name, sim_time start,
                  sim_time end)
{
    fprintf(out, ",\n{\"ph\":\"X\",\"cat\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64 ",\"dur\":%" PRId64
                 ",\"name\":",
            cat, tid, ts_us(rec, start), (end - start) * 1000);
    util_json_string(out, name);
    fputc('}', out);
}

/* "Mon 05 Jan 2026" */
static void day_name(const rep_record *rec, int64_t day, char *buf, size_t size)
{
    char label[32];
    int64_t y;
    int m, d;
    rep_day_label(&rec->calendar, day, label, sizeof label);
    sim_civil_from_days(rec->calendar.start_day + day, &y, &m, &d);
    snprintf(buf, size, "%.16s %04d", label, (int)(y % 10000)); /* scenarios start in 1..9999 (sim_calendar.h) */
}

typedef bool (*state_pred)(const rep_state *s);

static bool st_plugged(const rep_state *s) { return s->plugged; }
static bool st_save(const rep_state *s) { return s->power_save; }
static bool st_wifi(const rep_state *s) { return s->net == 2; }
static bool st_cell(const rep_state *s) { return s->net == 1; }
static bool st_none(const rep_state *s) { return s->net == 0 && !s->airplane; }
static bool st_airplane(const rep_state *s) { return s->net == 0 && s->airplane; }
static bool st_screen(const rep_state *s) { return s->screen_on; }
static bool st_asleep(const rep_state *s) { return s->asleep; }
static bool st_doze(const rep_state *s) { return s->dozing; }
static bool st_fg(const rep_state *s) { return s->app == REP_APP_FOREGROUND; }
static bool st_bg(const rep_state *s) { return s->app == REP_APP_BACKGROUND; }

/* One slice per maximal span of samples where pred holds. */
static void spans(FILE *out, const rep_record *rec, int tid, const char *cat, const char *name, state_pred pred)
{
    sim_time from = -1;
    for (size_t i = 0; i <= rec->state_count; i++) {
        bool holds = i < rec->state_count && pred(&rec->states[i]);
        sim_time at = i < rec->state_count ? rec->states[i].t : rec->duration;
        if (holds && from < 0)
            from = at;
        if (!holds && from >= 0) {
            if (at > from)
                slice(out, rec, tid, cat, name, from, at);
            from = -1;
        }
    }
}

int rep_perfetto_write(FILE *out, const char *scenario_name, const rep_record *rec)
{
    static const char *const kinds[] = {"?", "ran", "no_tasks", "deferred_foreground"};
    char start[40], first_day[32];
    sim_cal_format(&rec->calendar, 0, start, sizeof start);
    day_name(rec, 0, first_day, sizeof first_day);
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", out);
    fputs("{\"ph\":\"M\",\"cat\":\"__metadata\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":", out);
    char pname[400];
    snprintf(pname, sizeof pname, "device (%s) from %s %.5s local time", scenario_name, first_day, start + 11);
    util_json_string(out, pname);
    fputs("}}", out);
    meta(out, TID_DAYS, "thread_name", "local date", 0);
    meta(out, TID_BATTERY, "thread_name", "battery", 1);
    meta(out, TID_CHARGING, "thread_name", "charging", 2);
    meta(out, TID_SAVE, "thread_name", "power saving", 3);
    meta(out, TID_NETWORK, "thread_name", "network", 4);
    meta(out, TID_SCREEN, "thread_name", "screen", 5);
    meta(out, TID_ASLEEP, "thread_name", "user asleep", 6);
    meta(out, TID_DOZE, "thread_name", "doze / idle", 7);
    meta(out, TID_APP, "thread_name", "app process", 8);
    meta(out, TID_WORKER, "thread_name", "worker", 9);
    meta(out, TID_HELD, "thread_name", "held back by the OS", 10);
    for (size_t i = 0; i < rec->task_count; i++) {
        char n[300];
        snprintf(n, sizeof n, "task %s", rec->tasks[i].name);
        meta(out, TID_TASK0 + (int)i, "thread_name", n, 11 + (int)i);
    }
    /* the local days, from the start date's midnight (ts 0) to the end of the run */
    int64_t days = rec->duration > 0 ? sim_cal_day_index(&rec->calendar, rec->duration - 1) + 1 : 0;
    for (int64_t d = 0; d < days; d++) {
        char n[32];
        day_name(rec, d, n, sizeof n);
        sim_time from = d * SIM_MS_PER_DAY - origin_ms(rec), to = from + SIM_MS_PER_DAY;
        slice(out, rec, TID_DAYS, "calendar", n, from, to < rec->duration ? to : rec->duration);
    }
    /* battery: a counter sample at each state sample (the level is linear in between) */
    if (rec->has_battery) {
        for (size_t i = 0; i < rec->state_count; i++) {
            const rep_state *s = &rec->states[i];
            fprintf(out,
                    ",\n{\"ph\":\"C\",\"cat\":\"device\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64
                    ",\"name\":\"battery\",\"args\":{\"level_percent\":%.1f}}",
                    TID_BATTERY, ts_us(rec, s->t), s->battery_permille / 10.0);
        }
    }
    spans(out, rec, TID_CHARGING, "device", "plugged in", st_plugged);
    spans(out, rec, TID_SAVE, "device", "power saving", st_save);
    spans(out, rec, TID_NETWORK, "device", "wifi", st_wifi);
    spans(out, rec, TID_NETWORK, "device", "cellular", st_cell);
    spans(out, rec, TID_NETWORK, "device", "none", st_none);
    spans(out, rec, TID_NETWORK, "device", "airplane", st_airplane);
    spans(out, rec, TID_SCREEN, "device", "screen on", st_screen);
    spans(out, rec, TID_ASLEEP, "device", "user asleep", st_asleep);
    spans(out, rec, TID_DOZE, "os", "doze / idle", st_doze);
    spans(out, rec, TID_APP, "app", "foreground", st_fg);
    spans(out, rec, TID_APP, "app", "background", st_bg);
    for (size_t i = 0; i < rec->mark_count; i++)
        fprintf(out, ",\n{\"ph\":\"i\",\"cat\":\"app\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64
                     ",\"name\":\"%s\"}",
                TID_APP, ts_us(rec, rec->marks[i].t), rep_mark_name(rec->marks[i].kind));
    for (size_t i = 0; i < rec->worker_count; i++) {
        const rep_worker_run *w = &rec->worker_runs[i];
        fprintf(out,
                ",\n{\"ph\":\"X\",\"cat\":\"worker\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64 ",\"dur\":%" PRId64
                ",\"name\":\"worker run\",\"args\":{\"kind\":\"%s\",\"due_ms\":%" PRId64 ",\"delay_ms\":%" PRId64
                ",\"end\":\"%s\"}}",
                TID_WORKER, ts_us(rec, w->start), (w->end - w->start) * 1000,
                kinds[w->kind >= 1 && w->kind <= 3 ? w->kind : 0], w->due, w->start - w->due, rep_end_name(w->end_kind));
    }
    for (size_t i = 0; i < rec->deferral_count; i++)
        slice(out, rec, TID_HELD, "os", sim_reason_name(rec->deferrals[i].reason), rec->deferrals[i].start,
              rec->deferrals[i].end);
    for (size_t t = 0; t < rec->task_count; t++) {
        for (size_t i = 0; i < rec->tasks[t].run_count; i++) {
            const rep_task_run *r = &rec->tasks[t].runs[i];
            fprintf(out,
                    ",\n{\"ph\":\"X\",\"cat\":\"task\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64 ",\"dur\":%" PRId64
                    ",\"name\":",
                    TID_TASK0 + (int)t, ts_us(rec, r->start), r->duration * 1000);
            util_json_string(out, rec->tasks[t].name);
            fprintf(out, ",\"args\":{\"result\":\"%s\",\"delay_ms\":%" PRId64 ",\"end\":\"%s\"}}",
                    r->result == 1 ? "success" : r->result == 2 ? "failed" : "none", r->delay,
                    rep_end_name((rep_end)r->end));
        }
    }
    /* The format's top-level "metadata" dictionary: Perfetto's trace processor keeps each key as
     * json_metadata.KEY (src/trace_processor/importers/json/json_trace_tokenizer.cc,
     * ParseMetadataDictionary). */
    char origin[40];
    sim_cal_format(&rec->calendar, -origin_ms(rec), origin, sizeof origin);
    fputs("\n],\n\"metadata\":{\"bgsim_scenario\":", out);
    util_json_string(out, scenario_name);
    fprintf(out, ",\"bgsim_start_local\":\"%s\",\"bgsim_start_day\":\"%s\",\"bgsim_ts_origin_local\":\"%s\","
                 "\"bgsim_ts_origin_ms_before_start\":%" PRId64 "}}\n",
            start, first_day, origin, origin_ms(rec));
    return ferror(out) ? -1 : 0;
}
