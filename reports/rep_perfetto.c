/*
 * rep_perfetto.c - Chrome trace-event JSON writer (rep_perfetto.h).
 */
#include "rep_perfetto.h"

#include <inttypes.h>
#include <stdbool.h>

#include "util.h"

enum { TID_BATTERY = 1, TID_CHARGING, TID_NETWORK, TID_SCREEN, TID_DOZE, TID_APP, TID_WORKER, TID_HELD, TID_TASK0 = 100 };

static void meta(FILE *out, int tid, const char *what, const char *name, int sort)
{
    fprintf(out, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"%s\",\"args\":{\"name\":", tid, what);
    util_json_string(out, name);
    fputs("}}", out);
    fprintf(out, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%d}}",
            tid, sort);
}

static void slice(FILE *out, int tid, const char *name, sim_time start, sim_time end)
{
    fprintf(out, ",\n{\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64 ",\"dur\":%" PRId64 ",\"name\":", tid,
            start * 1000, (end - start) * 1000);
    util_json_string(out, name);
    fputc('}', out);
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
static void spans(FILE *out, const rep_record *rec, int tid, const char *name, state_pred pred)
{
    sim_time from = -1;
    for (size_t i = 0; i <= rec->state_count; i++) {
        bool holds = i < rec->state_count && pred(&rec->states[i]);
        sim_time at = i < rec->state_count ? rec->states[i].t : rec->duration;
        if (holds && from < 0)
            from = at;
        if (!holds && from >= 0) {
            if (at > from)
                slice(out, tid, name, from, at);
            from = -1;
        }
    }
}

int rep_perfetto_write(FILE *out, const char *scenario_name, const rep_record *rec)
{
    static const char *const kinds[] = {"?", "ran", "no_tasks", "deferred_foreground"};
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", out);
    fputs("{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":", out);
    char pname[300];
    snprintf(pname, sizeof pname, "device (%s)", scenario_name);
    util_json_string(out, pname);
    fputs("}}", out);
    meta(out, TID_BATTERY, "thread_name", "battery", 1);
    meta(out, TID_CHARGING, "thread_name", "charging / power saving", 2);
    meta(out, TID_NETWORK, "thread_name", "network", 3);
    meta(out, TID_SCREEN, "thread_name", "screen / user", 4);
    meta(out, TID_DOZE, "thread_name", "doze / idle", 5);
    meta(out, TID_APP, "thread_name", "app process", 6);
    meta(out, TID_WORKER, "thread_name", "worker", 7);
    meta(out, TID_HELD, "thread_name", "held back by the OS", 8);
    for (size_t i = 0; i < rec->task_count; i++) {
        char n[300];
        snprintf(n, sizeof n, "task %s", rec->tasks[i].name);
        meta(out, TID_TASK0 + (int)i, "thread_name", n, 9 + (int)i);
    }
    /* battery: a counter sample at each state sample (the level is linear in between) */
    if (rec->has_battery) {
        for (size_t i = 0; i < rec->state_count; i++) {
            const rep_state *s = &rec->states[i];
            fprintf(out,
                    ",\n{\"ph\":\"C\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64
                    ",\"name\":\"battery\",\"args\":{\"level_percent\":%.1f}}",
                    TID_BATTERY, s->t * 1000, s->battery_permille / 10.0);
        }
    }
    spans(out, rec, TID_CHARGING, "plugged in", st_plugged);
    spans(out, rec, TID_CHARGING, "power saving", st_save);
    spans(out, rec, TID_NETWORK, "wifi", st_wifi);
    spans(out, rec, TID_NETWORK, "cellular", st_cell);
    spans(out, rec, TID_NETWORK, "none", st_none);
    spans(out, rec, TID_NETWORK, "airplane", st_airplane);
    spans(out, rec, TID_SCREEN, "screen on", st_screen);
    spans(out, rec, TID_SCREEN, "user asleep", st_asleep);
    spans(out, rec, TID_DOZE, "doze / idle", st_doze);
    spans(out, rec, TID_APP, "foreground", st_fg);
    spans(out, rec, TID_APP, "background", st_bg);
    for (size_t i = 0; i < rec->mark_count; i++)
        fprintf(out, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64 ",\"name\":\"%s\"}", TID_APP,
                rec->marks[i].t * 1000, rec->marks[i].label ? rec->marks[i].label : rep_mark_name(rec->marks[i].kind));
    for (size_t i = 0; i < rec->worker_count; i++) {
        const rep_worker_run *w = &rec->worker_runs[i];
        fprintf(out,
                ",\n{\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64 ",\"dur\":%" PRId64
                ",\"name\":\"worker run\",\"args\":{\"kind\":\"%s\",\"due_ms\":%" PRId64 ",\"delay_ms\":%" PRId64
                ",\"end\":\"%s\"}}",
                TID_WORKER, w->start * 1000, (w->end - w->start) * 1000, kinds[w->kind >= 1 && w->kind <= 3 ? w->kind : 0],
                w->due, w->start - w->due, rep_end_name(w->end_kind));
    }
    for (size_t i = 0; i < rec->deferral_count; i++)
        slice(out, TID_HELD, sim_reason_name(rec->deferrals[i].reason), rec->deferrals[i].start, rec->deferrals[i].end);
    for (size_t t = 0; t < rec->task_count; t++) {
        for (size_t i = 0; i < rec->tasks[t].run_count; i++) {
            const rep_task_run *r = &rec->tasks[t].runs[i];
            fprintf(out, ",\n{\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%" PRId64 ",\"dur\":%" PRId64 ",\"name\":",
                    TID_TASK0 + (int)t, r->start * 1000, r->duration * 1000);
            util_json_string(out, rec->tasks[t].name);
            fprintf(out, ",\"args\":{\"result\":\"%s\",\"delay_ms\":%" PRId64 ",\"end\":\"%s\"}}",
                    r->result == 1 ? "success" : r->result == 2 ? "failed" : "none", r->delay,
                    rep_end_name((rep_end)r->end));
        }
    }
    fputs("\n]}\n", out);
    return ferror(out) ? -1 : 0;
}
