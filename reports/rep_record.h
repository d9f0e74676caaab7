/*
 * rep_record.h - what one simulated run produced, as plain data for statistics and summaries.
 *
 * The runner appends to a record as events happen; reports read it afterwards. Times are
 * simulation ms. Task names are borrowed from the scenario (valid while it lives).
 */
#ifndef BGSIM_REP_RECORD_H
#define BGSIM_REP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_calendar.h"
#include "sim_engine.h"
#include "sim_reason.h"

/*
 * How a run ended: it completed, the OS stopped it (and why), or it died with its process. The
 * stop reasons follow the OS models' simos_stop (models/os/simos.h) one for one; a run that did
 * not complete has no result (the task never reported one: WorkManager stops the worker, and
 * expo's iOS expiration handler calls setTaskCompleted(success: false), expo-background-task
 * 57.x BackgroundTaskScheduler.swift).
 */
typedef enum rep_end {
    REP_END_COMPLETED = 0,
    REP_END_TIMEOUT = 1,    /* the OS's runtime limit (JobScheduler's 10 min on Android 14+) */
    REP_END_CONSTRAINT = 2, /* a constraint the job needs was lost (network, battery, charging) */
    REP_END_DOZE = 3,       /* deep Doze began */
    REP_END_QUOTA = 4,      /* the standby bucket's execution quota ran out */
    REP_END_EXPIRATION = 5, /* iOS called the task's expiration handler (its time is up) */
    REP_END_USER = 6,       /* iOS: the user started using the device (processing tasks) */
    REP_END_KILLED = 7,     /* the process died (swipe, kill, force stop, reboot) */
    REP_END_UNFINISHED = 8, /* still running when the simulation ended (task runs only) */
    REP_END_COUNT = 9
} rep_end;

/* Stopped by the OS: an end that is neither COMPLETED nor KILLED. */
#define REP_END_STOPPED(e) ((e) > REP_END_COMPLETED && (e) < REP_END_KILLED)

/* "completed", "timeout", "constraint", "doze", "quota", "expiration", "user", "killed", "unfinished". */
const char *rep_end_name(rep_end e);
/* The end named `name`, or -1. */
int rep_end_parse(const char *name);

/* One run of one task inside a worker run. A run that did not complete keeps what actually ran:
 * duration is the time from its start to the stop or the kill, and result is 0 (no result). */
typedef struct rep_task_run {
    sim_time start;
    sim_time duration;
    sim_time delay;   /* from when the worker was due to this run's start */
    int result;       /* bgt_result; 0 when the run did not complete */
    uint8_t end;      /* rep_end */
} rep_task_run;

typedef struct rep_task {
    const char *name;
    size_t registrations;
    size_t unregistrations;
    rep_task_run *runs;
    size_t run_count, run_cap;
} rep_task;

typedef enum rep_worker_kind {
    REP_WORKER_RAN = 1,        /* tasks ran */
    REP_WORKER_NO_TASKS = 2,   /* fired with nothing registered */
    REP_WORKER_DEFERRED = 3    /* the core deferred it (foreground guard) */
} rep_worker_kind;

typedef struct rep_worker_run {
    sim_time due;    /* when the core's request first became due */
    sim_time start;
    sim_time end;
    rep_worker_kind kind;
    rep_end end_kind; /* how a run that ran tasks ended (COMPLETED for the other kinds) */
} rep_worker_run;

/* A span during which the OS held back a due worker, and why (sim_reason.h). */
typedef struct rep_deferral {
    sim_time start, end;
    sim_reason reason;
} rep_deferral;

/* A request the core made for the worker (bgt_schedule_req: a registration, a cold-launch
 * restore, the successor at the end of a run, the foreground guard's retry): from `at` it is not
 * due before `due` (at + delay), until the next request. The core asks for a run's successor when
 * the run ends (bgt_worker_end), so `at + delay` is its due time for APPEND as for REPLACE. */
typedef struct rep_request {
    sim_time at, due;
} rep_request;

/* Where the app's process is (the timeline's app lane). */
typedef enum rep_app_state { REP_APP_DEAD = 0, REP_APP_BACKGROUND = 1, REP_APP_FOREGROUND = 2 } rep_app_state;

/*
 * The device and app state from `t` until the next sample's t (recorded only when the runner is
 * asked to: run_options.record_states). A sample is taken whenever a device signal arrives or the
 * process starts or dies, so between samples every field is constant and the battery level is
 * linear: the battery model changes its slope only on such signals (mdl_battery.h). Values are
 * small integers so a sample stays 24 bytes.
 */
typedef struct rep_state {
    sim_time t;
    int16_t battery_permille; /* floored; -1 without a battery model */
    uint8_t plugged, power_save;
    uint8_t net;              /* 0 none, 1 cellular, 2 wifi (mdl_net) */
    uint8_t airplane, screen_on, asleep, dozing;
    uint8_t app;              /* rep_app_state */
    uint8_t worker_running;
} rep_state;

/* Something that happened at one instant: a process death (the timeline's kill marks) or a
 * scripted event of the scenario (`events:`). */
typedef enum rep_mark_kind {
    REP_MARK_SWIPE = 1, REP_MARK_KILL = 2, REP_MARK_FORCE_STOP = 3, REP_MARK_REBOOT = 4, REP_MARK_EVENT = 5
} rep_mark_kind;
#define REP_MARK_KINDS 5 /* the highest kind */

typedef struct rep_mark {
    sim_time t;
    rep_mark_kind kind;
    const char *label;       /* REP_MARK_EVENT: the event's action (static text), else NULL */
} rep_mark;

const char *rep_mark_name(rep_mark_kind k); /* "swipe", "kill", "force_stop", "reboot", "event" */

typedef struct rep_record {
    sim_time duration;
    rep_deferral *deferrals;
    size_t deferral_count, deferral_cap;
    rep_task *tasks;
    size_t task_count;
    rep_worker_run *worker_runs;
    size_t worker_count, worker_cap;
    /* Added with reports (issue 8); zero unless said otherwise. */
    sim_calendar calendar;    /* the scenario's: local time of day for runs by hour */
    bool has_battery;         /* a battery model ran: battery_bg_mp is meaningful */
    /* Battery drained by background work while unplugged, in milli-percent (0.001 % of a full
     * battery): the battery model's worker drain, plus its network drain while a network is up,
     * integrated over the time the worker ran. It is the drain the worker added on top of what
     * the device would have used anyway (mdl_battery.h); the floor at 0 % is not accounted. */
    double battery_bg_mp;
    bool has_states;          /* states and marks were recorded */
    rep_state *states;
    size_t state_count, state_cap;
    rep_mark *marks;
    size_t mark_count, mark_cap;
    size_t task_run_total;    /* task runs recorded, all tasks together (REP_MAX_TASK_RUNS) */
    /* Added with explanations (issue 19, rep_explain.h). */
    int64_t interval_min;     /* the core's shared interval after the last registration or process
                               * start (bgt_interval_min), in minutes; 0 before any */
    size_t cold_pushes;       /* cold launches whose re-submit moved a pending request's earliest
                               * begin date later (iOS: E3.3 "every cold launch resets the timer") */
    sim_time cold_pushed_ms;  /* by how much in total: new due - max(old due, launch) */
    size_t undefined_fires;   /* worker fires that found a registered task not defined in the
                               * process (a headless start with app.setup.define_at_module_scope
                               * false; issue 22) */
    rep_request *requests;    /* in time order */
    size_t request_count, request_cap;
} rep_record;

/* The most task runs one record holds, all tasks together: 2^25 runs of 32 bytes, 1 GiB. A
 * record grows with every run, so 1,000 tasks every 15 minutes for 100 years (3.5 billion runs)
 * would need 110 GB: such a run is stopped at this limit and refused (rep_record_task_run). */
#define REP_MAX_TASK_RUNS ((size_t)1 << 25)
#define REP_ELIMIT (-2)

/* Sets up a record for `task_count` tasks named names[i] (borrowed). -1 when out of memory. */
int rep_record_init(rep_record *r, sim_time duration, const char *const *names, size_t task_count);
void rep_record_free(rep_record *r);
/* -1 when out of memory, REP_ELIMIT when REP_MAX_TASK_RUNS runs are already recorded. */
int rep_record_task_run(rep_record *r, size_t task, const rep_task_run *run);
/* The run `run` of task `task` was cut short at `at` (`end`: a stop or a kill). When it was still
 * running then (its duration reaches past `at`), it becomes what actually ran: duration at -
 * start, result 0, end `end`; returns true. A run that had already finished is left alone (false). */
bool rep_record_cut_task_run(rep_record *r, size_t task, size_t run, sim_time at, rep_end end);
int rep_record_worker_run(rep_record *r, const rep_worker_run *run);
int rep_record_deferral(rep_record *r, const rep_deferral *d);
int rep_record_request(rep_record *r, const rep_request *q);
/* Appends a state sample; a sample at the same t as the last one replaces it. -1 when out of
 * memory. */
int rep_record_state(rep_record *r, const rep_state *st);
int rep_record_mark(rep_record *r, const rep_mark *m);

#endif
