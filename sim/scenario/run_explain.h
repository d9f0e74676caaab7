/*
 * run_explain.h - where one of expo's quirks decides a run's outcome (`bgsim explain`, the
 * headline of `bgsim run`, the report).
 *
 * The notes are facts about a scenario and its run record, found here and worded by the command
 * line (sim/cli/cli_explain.c): each names the quirk, its figures and the setting that changes it.
 * The quirks, as expo-background-task 57.0.21 behaves (docs/SOURCES.md E2, E3):
 *
 *   SHARED_INTERVAL   all tasks share one worker and one interval; each registration overwrites
 *                     it, so the last one wins (Android BackgroundTaskScheduler.kt registerTask
 *                     `this.intervalMinutes = intervalMinutes`; iOS BackgroundTaskScheduler.swift
 *                     SchedulerState.didRegisterTask; E2.2, E3.1).
 *   DEFAULT_INTERVAL  a task registered without minimumInterval gets the default: 24 h on Android
 *                     (BackgroundTaskScheduler.kt DEFAULT_INTERVAL_MINUTES = 60L * 24L, used by
 *                     BackgroundTaskConsumer.kt getIntervalMinutes), 12 h on iOS
 *                     (BackgroundTaskScheduler.swift `intervalSeconds = 12 * 60 * 60`; E2.1, E3.1).
 *   COLD_LAUNCH       iOS: every cold launch restores the tasks and re-registers them, which
 *                     cancels the pending request and submits a new one with earliestBeginDate =
 *                     now + interval (BackgroundTaskScheduler.swift scheduleWorker; E3.3).
 *   FOREGROUND        Android: a run that starts while the app is in the foreground runs nothing
 *                     and schedules the worker min(60 min, interval) later (BackgroundTaskScheduler.kt
 *                     runTasks, `if (inForeground)`, `60L.coerceAtMost(intervalMinutes)`; E2.5).
 *
 * A note is made only when the quirk shows in this run (tested in tests/cli/explain.sh).
 *
 * Set-up mistakes (`app.setup`, scn_setup; scenarios/README.md "Setup mistakes") come first, one
 * note per mistake the scenario makes, with the task runs it got (count) and the setting that
 * fixes it; they decide a run before any quirk does:
 *
 *   SETUP_PERMITTED_IDENTIFIER  iOS: submit fails notPermitted, expo logs CouldNotRegisterWorkerTask
 *   SETUP_BACKGROUND_MODE       iOS: registerTaskAsync rejects with BackgroundTasksNotConfigured
 *   SETUP_LAUNCH_HANDLER        iOS: expo's submit waits for a launch handler that never registers
 *   SETUP_DEFINE_SCOPE          a headless start finds the task undefined and unregisters it
 *   SETUP_EXPO_GO               status Restricted: registration skipped
 */
#ifndef BGSIM_RUN_EXPLAIN_H
#define BGSIM_RUN_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "rep_record.h"
#include "rep_stats.h"
#include "scn_scenario.h"

typedef enum run_note_kind {
    RUN_NOTE_SHARED_INTERVAL = 1,
    RUN_NOTE_DEFAULT_INTERVAL,
    RUN_NOTE_COLD_LAUNCH,
    RUN_NOTE_FOREGROUND,
    RUN_NOTE_SETUP_PERMITTED_IDENTIFIER,
    RUN_NOTE_SETUP_BACKGROUND_MODE,
    RUN_NOTE_SETUP_LAUNCH_HANDLER,
    RUN_NOTE_SETUP_DEFINE_SCOPE,
    RUN_NOTE_SETUP_EXPO_GO
} run_note_kind;

typedef struct run_note {
    run_note_kind kind;
    int task;               /* the task it is about (SHARED: the one overruled; DEFAULT: the one without
                             * minimumInterval), or -1 */
    int by_task;            /* SHARED: the later registration whose interval won, or -1 (the default) */
    int64_t asked_min;      /* SHARED: what `task` asked */
    int64_t interval_min;   /* the interval the worker used (the default for DEFAULT) */
    size_t count;           /* COLD_LAUNCH: pushes; FOREGROUND: runs put off; SETUP_*: task runs (all
                             * tasks) */
    sim_time ms;            /* COLD_LAUNCH: how much later in total; FOREGROUND: time held by the guard */
    int64_t cap_min;        /* FOREGROUND: the guard's cap (policy foreground_defer_cap_min) */
    size_t fires;           /* SETUP_DEFINE_SCOPE: worker fires that found a task undefined */
} run_note;

/* Room for the five set-up notes and the quirks' notes (at most 5 SHARED, DEFAULT, COLD, FOREGROUND). */
#define RUN_NOTES_MAX 16

/* The notes for scenario s run into rec (stats st), at most RUN_NOTES_MAX: the set-up mistakes,
 * then the quirks in the order of run_note_kind. Returns how many. */
size_t run_explain_notes(const scn_scenario *s, const rep_record *rec, const rep_stats *st,
                         run_note out[RUN_NOTES_MAX]);

#endif
