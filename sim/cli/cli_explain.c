/*
 * cli_explain.c - the words of the explanations: `bgsim explain FILE`, the headline that opens
 * `bgsim run`, and the notes the HTML report shows (their figures come from rep_explain.h and
 * run_explain.h; this file only words them).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_explain.h"

static const char *human(sim_time ms, char *buf, size_t size)
{
    sim_format_human_duration(ms, buf, size);
    return buf;
}

static const char *human_q(double ms, char *buf, size_t size)
{
    return human((sim_time)(ms + 0.5), buf, size);
}

/* The kinds that filled gap g, largest first (not_due left out), at most `max`: "doze_deep 3h
 * 44m, standby_quota 31m". */
static void gap_reasons(FILE *out, const rep_explain *e, const rep_gap *g, int max)
{
    sim_time by[SIM_REASON_COUNT] = {0};
    for (size_t k = 0; k < g->span_count; k++) {
        const rep_span *s = &e->spans[g->first_span + k];
        if (s->what != REP_SPAN_NOT_DUE)
            by[s->what] += s->end - s->start;
    }
    bool shown[SIM_REASON_COUNT] = {false};
    int n = 0;
    for (; n < max; n++) {
        int best = -1;
        for (int k = 1; k <= SIM_REASON_COUNT; k++) {
            int r = k % SIM_REASON_COUNT;
            if (!shown[r] && by[r] > 0 && (best < 0 || by[r] > by[best]))
                best = r;
        }
        if (best < 0)
            break;
        shown[best] = true;
        char b[48];
        fprintf(out, "%s%s %s", n ? ", " : "", rep_span_name(best), human(by[best], b, sizeof b));
    }
    if (n == 0)
        fputs("not due (waiting out the interval)", out);
}

/* "Tue 03:10 – Wed 04:46" */
static void gap_bounds(FILE *out, const rep_record *rec, const rep_gap *g)
{
    char a[32], b[32];
    sim_cal_format_short(&rec->calendar, g->start, a, sizeof a);
    sim_cal_format_short(&rec->calendar, g->end, b, sizeof b);
    fprintf(out, "%s\xe2\x80\x93%s", a, b);
}

void cli_explain_headline(FILE *out, const rep_record *rec, const rep_stats *st, const rep_explain *e)
{
    char a[48], b[48];
    if (rec->interval_min > 0)
        fprintf(out, "asked     every %s; ", human(SIM_MINUTES(rec->interval_min), a, sizeof a));
    else
        fputs("asked     nothing (no task was registered); ", out);
    if (st->worker_interval.n > 0)
        fprintf(out, "ran every %s at the median, %s at p90; ", human_q(st->worker_interval.p50, a, sizeof a),
                human_q(st->worker_interval.p90, b, sizeof b));
    fprintf(out, "%.2f runs/day\n", st->worker_runs_per_day);
    if (e->gap_count == 0)
        return;
    const rep_gap *g = &e->gaps[0];
    fprintf(out, "longest   gap %s (", human(g->end - g->start, a, sizeof a));
    gap_bounds(out, rec, g);
    fputs(g->before_first && g->after_last ? ", no run at all): " : g->after_last ? ", after the last run): "
          : g->before_first ? ", before the first run): " : "): ", out);
    gap_reasons(out, e, g, 3);
    fputc('\n', out);
}

/* "sync" */
static const char *task_name(const scn_scenario *s, int i) { return i >= 0 ? s->tasks[i].name : "?"; }

int cli_note_text(const scn_scenario *s, const run_note *n, char *buf, size_t size)
{
    char a[48], b[48], c[48];
    const char *platform = s->policy_platform == BGT_PLATFORM_IOS ? "iOS" : "Android";
    switch (n->kind) {
    case RUN_NOTE_SHARED_INTERVAL:
        if (n->by_task >= 0)
            return snprintf(buf, size,
                            "%s asked for %s, but the worker ran on %s because %s registered later: expo keeps one "
                            "interval for all tasks and the last registration sets it. Give the tasks the same "
                            "interval (--set app.tasks[%s].minimum_interval=%s) or register the one you want last.",
                            task_name(s, n->task), human(SIM_MINUTES(n->asked_min), a, sizeof a),
                            human(SIM_MINUTES(n->interval_min), b, sizeof b), task_name(s, n->by_task),
                            task_name(s, n->by_task), human(SIM_MINUTES(n->asked_min), c, sizeof c));
        return snprintf(buf, size,
                        "%s asked for %s, but the worker ran on %s: expo keeps one interval for all tasks and "
                        "the last registration sets it. Give the tasks the same interval.",
                        task_name(s, n->task), human(SIM_MINUTES(n->asked_min), a, sizeof a),
                        human(SIM_MINUTES(n->interval_min), b, sizeof b));
    case RUN_NOTE_DEFAULT_INTERVAL:
        return snprintf(buf, size,
                        "%s has no minimum_interval, so expo uses its %s default of %s (expo-background-task "
                        "57: 24h on Android, 12h on iOS). Set app.tasks[%s].minimum_interval to the interval "
                        "you want.",
                        task_name(s, n->task), platform, human(SIM_MINUTES(n->interval_min), a, sizeof a),
                        task_name(s, n->task));
    case RUN_NOTE_COLD_LAUNCH:
        if (s->policy_platform != BGT_PLATFORM_IOS) /* expo before 55.x: docs/SOURCES.md E2.9 */
            return snprintf(buf, size,
                            "%zu app start%s pushed the pending worker later (%s in total): this expo version "
                            "re-enqueues the worker with a fresh delay of %s whenever the app starts and restores "
                            "its tasks (expo/expo issue 44581, fixed in 55.x). app.policy: current, or "
                            "app.switches.keep_pending_worker=true, shows the run without it.",
                            n->count, n->count == 1 ? "" : "s", human(n->ms, a, sizeof a),
                            human(SIM_MINUTES(n->interval_min), b, sizeof b));
        return snprintf(buf, size,
                        "%zu cold launch%s of the app pushed the pending request's earliest begin date later (%s "
                        "in total): on iOS expo re-registers the tasks at every cold launch and re-submits the "
                        "request for now + %s. A shorter minimum_interval, or fewer launches after the app was "
                        "killed, keeps it from sliding; app.switches.keep_pending_worker=true shows the run "
                        "without this behaviour.",
                        n->count, n->count == 1 ? "" : "es", human(n->ms, a, sizeof a),
                        human(SIM_MINUTES(n->interval_min), b, sizeof b));
    case RUN_NOTE_FOREGROUND:
        return snprintf(buf, size,
                        "%zu run%s came due while the app was in the foreground: expo's Android worker then runs "
                        "nothing and tries again min(%s, interval) later (%s held back in total). "
                        "app.switches.foreground_defer_cap_min=0 shows the run without this guard.",
                        n->count, n->count == 1 ? "" : "s", human(SIM_MINUTES(n->cap_min), a, sizeof a),
                        human(n->ms, b, sizeof b));
    case RUN_NOTE_SETUP_PERMITTED_IDENTIFIER:
        return snprintf(buf, size,
                        "Setup mistake: Info.plist's BGTaskSchedulerPermittedIdentifiers lacks "
                        "com.expo.modules.backgroundtask.processing, so every BGTaskScheduler submit fails with "
                        "notPermitted; expo only logs CouldNotRegisterWorkerTask (\"Task request not permitted.\"): "
                        "the tasks stay registered but the worker is never scheduled (%zu task run%s). Fix: add the "
                        "identifier (the expo-background-task config plugin does); "
                        "--set app.setup.permitted_identifier=true shows the run with it.",
                        n->count, n->count == 1 ? "" : "s");
    case RUN_NOTE_SETUP_BACKGROUND_MODE:
        return snprintf(buf, size,
                        "Setup mistake: Info.plist's UIBackgroundModes lacks `processing`, so registerTaskAsync "
                        "rejects with BackgroundTasksNotConfigured and no task is registered (%zu task run%s). Fix: add "
                        "`processing` to UIBackgroundModes (the expo-background-task config plugin does); "
                        "--set app.setup.background_mode_processing=true shows the run with it.",
                        n->count, n->count == 1 ? "" : "s");
    case RUN_NOTE_SETUP_LAUNCH_HANDLER:
        return snprintf(buf, size,
                        "Setup mistake: the BGTaskScheduler launch handler is not registered before the app "
                        "finishes launching (expo registers it from its AppDelegate subscriber, which this app's "
                        "AppDelegate does not reach), so expo's submit waits forever for it and the worker is never "
                        "scheduled, silently (%zu task run%s). Fix: let the AppDelegate forward "
                        "application(_:didFinishLaunchingWithOptions:) to Expo (ExpoAppDelegate); "
                        "--set app.setup.launch_handler_registered=true shows the run with it.",
                        n->count, n->count == 1 ? "" : "s");
    case RUN_NOTE_SETUP_DEFINE_SCOPE:
        if (n->fires == 0)
            return snprintf(buf, size,
                            "Setup mistake: TaskManager.defineTask is called inside a component, so the tasks are "
                            "defined only once the user opens the app. It did not show in this run: the worker always "
                            "ran in a process the user had started (%zu task run%s); had the OS started the app in the "
                            "background to run it, expo-task-manager would have found the tasks undefined and "
                            "unregistered them. Fix: call defineTask at the top level of a module the app's entry "
                            "imports (app.setup.define_at_module_scope=true).",
                            n->count, n->count == 1 ? "" : "s");
        return snprintf(buf, size,
                        "Setup mistake: TaskManager.defineTask is called inside a component, so the tasks are "
                        "defined only once the user opens the app; when the OS starts the app in the background to "
                        "run the worker they are not defined, and expo-task-manager logs it and unregisters them "
                        "(%zu such start%s; %zu task run%s). Fix: call defineTask at the top level of a module the app's entry imports; "
                        "--set app.setup.define_at_module_scope=true shows the run with it.",
                        n->fires, n->fires == 1 ? "" : "s", n->count, n->count == 1 ? "" : "s");
    case RUN_NOTE_SETUP_EXPO_GO:
        return snprintf(buf, size,
                        "Setup mistake: the app runs in Expo Go, where background tasks are not available (status "
                        "Restricted): registration is skipped with a warning and nothing runs (%zu task run%s). Fix: use "
                        "a development build; --set app.setup.expo_go=false shows the run in one.",
                        n->count, n->count == 1 ? "" : "s");
    }
    return snprintf(buf, size, "?");
}

void cli_explain_text(FILE *out, const cli_explain_input *in)
{
    const rep_record *rec = in->record;
    const rep_explain *e = in->explain;
    char a[48], line[4096];
    fprintf(out, "scenario  %s (%s)\n", in->scenario->name, in->scenario->file);
    char start[40];
    sim_cal_format(&rec->calendar, 0, start, sizeof start);
    fprintf(out, "platform  %s, policy %s, seed %" PRIu64 ", %s from %.16s\n", scn_platform_names[in->scenario->platform],
            in->scenario->policy_preset, in->seed, human(rec->duration, a, sizeof a), start);
    cli_explain_headline(out, rec, in->stats, e);

    size_t shown = e->gap_count < in->gaps ? e->gap_count : in->gaps;
    fprintf(out, "\nThe %zu longest gap%s between runs (local time):\n", shown, shown == 1 ? "" : "s");
    for (size_t i = 0; i < shown; i++) {
        const rep_gap *g = &e->gaps[i];
        fprintf(out, "%3zu. %s, ", i + 1, human(g->end - g->start, a, sizeof a));
        gap_bounds(out, rec, g);
        fputs(g->before_first && g->after_last ? " (no run at all)" : g->after_last ? " (after the last run)"
              : g->before_first ? " (before the first run)" : "", out);
        rep_explain_gap_text(rec, e, g, line, sizeof line);
        fprintf(out, "\n     %s\n", line);
    }

    fputc('\n', out);
    rep_explain_due_line(out, "", e);
    int order[SIM_REASON_COUNT];
    size_t n = rep_explain_order(e, order);
    for (size_t k = 0; k < n; k++)
        fprintf(out, "  %-16s %10s %4.0f%%\n", rep_span_name(order[k]), human(e->due_by[order[k]], a, sizeof a),
                100.0 * (double)e->due_by[order[k]] / (double)e->due_ms);
    fputs("(not_due: waiting out the interval; no_reason: due, but the OS gave no reason: the process was dead,\n"
          " or the OS re-ran stopped work later. Held back = the reasons' sum = worker.held.)\n",
          out);

    if (in->note_count) {
        fputs("\nNotes\n", out);
        for (size_t i = 0; i < in->note_count; i++) {
            cli_note_text(in->scenario, &in->notes[i], line, sizeof line);
            fprintf(out, "  - %s\n", line);
        }
    }
}
