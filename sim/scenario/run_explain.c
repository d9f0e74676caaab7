/*
 * run_explain.c - the expo quirks that decided a run (run_explain.h).
 */
#include "run_explain.h"

#include <stdbool.h>

/* What task i asked for, as expo's consumer passes it on: its minimumInterval, or (when absent)
 * the default where a missing one resets the interval (Android), else -1 (iOS keeps the previous
 * value: BackgroundTaskConsumer.swift passes nil and didRegisterTask leaves intervalSeconds). */
static int64_t asked(const scn_scenario *s, size_t i)
{
    const bgt_task_options *o = &s->tasks[i].options;
    if (o->has_minimum_interval)
        return o->minimum_interval_min;
    return s->policy.missing_interval_resets ? s->policy.default_interval_min : -1;
}

static bool registered(const rep_record *rec, size_t i) { return rec->tasks[i].registrations > 0; }

/* The registered task that registers last (ties: the later one in the file) and asks for
 * `interval`, or -1. */
static int last_asking(const scn_scenario *s, const rep_record *rec, int64_t interval)
{
    int best = -1;
    for (size_t i = 0; i < s->task_count; i++)
        if (registered(rec, i) && asked(s, i) == interval &&
            (best < 0 || s->tasks[i].register_at >= s->tasks[best].register_at))
            best = (int)i;
    return best;
}

size_t run_explain_notes(const scn_scenario *s, const rep_record *rec, const rep_stats *st,
                         run_note out[RUN_NOTES_MAX])
{
    size_t n = 0;
    int64_t used = rec->interval_min;
    /* The set-up mistakes the scenario makes (the iOS ones parse only on iOS). */
    const scn_setup *u = &s->setup;
    const struct {
        bool made;
        run_note_kind kind;
    } setup[] = {{!u->permitted_identifier, RUN_NOTE_SETUP_PERMITTED_IDENTIFIER},
                 {!u->background_mode_processing, RUN_NOTE_SETUP_BACKGROUND_MODE},
                 {!u->launch_handler_registered, RUN_NOTE_SETUP_LAUNCH_HANDLER},
                 {!u->define_at_module_scope, RUN_NOTE_SETUP_DEFINE_SCOPE},
                 {u->expo_go, RUN_NOTE_SETUP_EXPO_GO}};
    size_t task_runs = 0;
    for (size_t i = 0; i < rec->task_count; i++)
        task_runs += rec->tasks[i].run_count;
    for (size_t k = 0; k < sizeof setup / sizeof *setup; k++)
        if (setup[k].made)
            out[n++] = (run_note){.kind = setup[k].kind, .task = -1, .by_task = -1, .interval_min = used,
                                  .count = task_runs,
                                  .fires = setup[k].kind == RUN_NOTE_SETUP_DEFINE_SCOPE ? rec->undefined_fires : 0};
    /* Last registration wins: a task that asked for another interval than the worker used (at most
     * five of them, leaving room for the three notes below). */
    size_t shared_end = n + 5;
    for (size_t i = 0; i < s->task_count && used > 0 && n < shared_end; i++) {
        if (!registered(rec, i) || !s->tasks[i].options.has_minimum_interval || asked(s, i) == used)
            continue;
        out[n++] = (run_note){.kind = RUN_NOTE_SHARED_INTERVAL, .task = (int)i, .by_task = last_asking(s, rec, used),
                              .asked_min = asked(s, i), .interval_min = used};
    }
    /* The default decided: a task without minimumInterval, and the worker used the default. */
    for (size_t i = 0; i < s->task_count && used > 0; i++) {
        if (registered(rec, i) && !s->tasks[i].options.has_minimum_interval && used == s->policy.default_interval_min) {
            out[n++] = (run_note){.kind = RUN_NOTE_DEFAULT_INTERVAL, .task = (int)i, .by_task = -1,
                                  .interval_min = used};
            break;
        }
    }
    if (rec->cold_pushes > 0)
        out[n++] = (run_note){.kind = RUN_NOTE_COLD_LAUNCH, .task = -1, .by_task = -1, .interval_min = used,
                              .count = rec->cold_pushes, .ms = rec->cold_pushed_ms};
    if (st->worker_deferred > 0)
        out[n++] = (run_note){.kind = RUN_NOTE_FOREGROUND, .task = -1, .by_task = -1, .interval_min = used,
                              .count = st->worker_deferred, .ms = st->held_ms[SIM_REASON_FOREGROUND],
                              .cap_min = s->policy.foreground_defer_cap_min};
    return n;
}
