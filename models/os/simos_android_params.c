/*
 * simos_android_params.c - the Android OS model's constants per version (9..16), each with its
 * source: Doze (DeviceIdleController), App Standby (AppStandbyController), JobScheduler quota,
 * runtime and backoff (QuotaController, JobSchedulerService) and WorkManager's backoff. "An [id]"
 * cites section An of docs/SOURCES.md and the AOSP / AndroidX file listed under that id in its
 * table A0, as in simos_android.c.
 */
#include "simos_android.h"

const simos_phone_params simos_android_typical_phone = {.per_hour = 4.0, .mean_duration = SIM_SECONDS(30),
                                                        .at_boot = 5};

void simos_android_defaults(simos_android_config *c, int version)
{
    int v = version < 9 ? 9 : version > 16 ? 16 : version;
    *c = (simos_android_config){.version = v};
    simos_doze_params *z = &c->doze;
    z->enabled = true;
    /* Deep Doze, A1.1 table, DeviceIdleController.Constants [S1 13, S2/S3 14+, S5 7-12]: the same
     * on every version we model (documented). */
    z->inactive_timeout = SIM_MINUTES(30);            /* INACTIVE_TIMEOUT */
    z->motion_inactive_timeout = SIM_MINUTES(10);     /* MOTION_INACTIVE_TIMEOUT */
    z->idle_after_inactive_timeout = SIM_MINUTES(30); /* IDLE_AFTER_INACTIVE_TIMEOUT */
    /* SENSING ends when AnyMotion has a verdict, at most SENSING_TIMEOUT = 4 min; 3 s of
     * accelerometer samples (assumption: AnyMotionDetector's sampling, not in the digest). */
    z->sensing_time = SIM_SECONDS(3);
    /* LOCATING ends at a 20 m fix or LOCATING_TIMEOUT = 30 s: the timeout (assumption: indoors a
     * network fix rarely reaches 20 m, documented constant used as the duration). */
    z->locating_time = SIM_SECONDS(30);
    z->quick_doze_delay = SIM_SECONDS(60);            /* QUICK_DOZE_DELAY_TIMEOUT (10+, A1.1) */
    z->quick_doze = v >= 10;                          /* 9 has no quick doze (A1.1: "—" before Q) */
    z->idle_timeout = SIM_MINUTES(60);                /* IDLE_TIMEOUT */
    z->max_idle_timeout = SIM_HOURS(6);               /* MAX_IDLE_TIMEOUT */
    z->idle_factor = 2.0;                             /* IDLE_FACTOR */
    z->idle_pending_timeout = SIM_MINUTES(5);         /* IDLE_PENDING_TIMEOUT */
    z->max_idle_pending_timeout = SIM_MINUTES(10);    /* MAX_IDLE_PENDING_TIMEOUT */
    z->idle_pending_factor = 2.0;                     /* IDLE_PENDING_FACTOR */
    z->min_deep_maintenance_time = SIM_SECONDS(30);   /* MIN_DEEP_MAINTENANCE_TIME */
    /* Light Doze, A1.1: LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT 5 min / PRE_IDLE 10 min in 7-9 [S5
     * updateConstants bodies, the "N-P" column], 3 min / 3 min in 10-12 [S5 diff, medium
     * confidence: the research could not pin the 5 -> 3 min diff to 9 or 10; we take 10], 60 s /
     * 3 min in 13 [S1], 4 min and no PRE_IDLE state in 14+ [S2, S3 config_device_idle.xml]. */
    z->light_after_inactive_timeout = v == 9    ? SIM_MINUTES(5)
                                      : v <= 12 ? SIM_MINUTES(3)
                                      : v == 13 ? SIM_SECONDS(60)
                                                : SIM_MINUTES(4);
    z->light_pre_idle_timeout = v == 9 ? SIM_MINUTES(10) : v <= 13 ? SIM_MINUTES(3) : 0;
    z->light_idle_timeout = SIM_MINUTES(5);           /* LIGHT_IDLE_TIMEOUT */
    z->light_max_idle_timeout = SIM_MINUTES(15);      /* LIGHT_MAX_IDLE_TIMEOUT */
    z->light_idle_factor = 2.0;                       /* LIGHT_IDLE_FACTOR */
    z->light_min_budget = SIM_MINUTES(1);             /* LIGHT_IDLE_MAINTENANCE_MIN_BUDGET */
    z->light_max_budget = SIM_MINUTES(5);             /* LIGHT_IDLE_MAINTENANCE_MAX_BUDGET */
    z->min_light_maintenance_time = SIM_SECONDS(5);   /* MIN_LIGHT_MAINTENANCE_TIME */
    z->jobs_delay = SIM_SECONDS(3);                   /* DeviceIdleJobsController BACKGROUND_JOBS_DELAY, A1.5 [J2] */

    simos_standby_params *s = &c->standby;
    /* AppStandbyController DEFAULT_SCREEN_TIME_THRESHOLDS / DEFAULT_ELAPSED_TIME_THRESHOLDS, A2.1
     * [A1]; the time-based RESTRICTED threshold (6 h / 8 d) from 13 (Android 13 docs "8 days",
     * A2.1; 9-12: four thresholds, {0, 0, 1 h, 2 h} / {0, 12 h, 24 h, 48 h}; for 9 the research
     * gives these from memory, not re-verified (A2.1); 10-12 as in 9, assumption). */
    const sim_time screen[SIMOS_THRESHOLDS] = {0, 0, SIM_HOURS(1), SIM_HOURS(2), SIM_HOURS(6)};
    const sim_time elapsed[SIMOS_THRESHOLDS] = {0, SIM_HOURS(12), SIM_HOURS(24), SIM_HOURS(48), SIM_DAYS(8)};
    for (int i = 0; i < SIMOS_THRESHOLDS; i++) {
        s->screen[i] = screen[i];
        s->elapsed[i] = elapsed[i];
    }
    s->thresholds = v >= 13 ? 5 : 4;
    /* STRONG_USAGE_TIMEOUT: 1 h in 9-12 [2nd decompiled], 5 min in 15 [A1]; 13-14 take 1 h
     * (assumption: the change is only attested in 15), 16 takes 15's 5 min (assumption). */
    s->strong_usage_timeout = v >= 15 ? SIM_MINUTES(5) : SIM_HOURS(1);
    s->check_interval = SIM_HOURS(3); /* checkIdleStates every min(ELAPSED[1] / 4, 4 h), A2.1 [A1] */
    /* AppStandbyController.Injector.mAutoRestrictedBucketDelayMs: 3_600_000 (1 h) in 14/15 builds
     * (read in decompiled system_server copies; 1 day in 12-era ones); it matters only with the
     * 14+ timeout safeguard (simos_jobs.h) */
    s->auto_restrict_delay = SIM_HOURS(1);
    s->fixed = -1;

    simos_jobs_params *j = &c->jobs;
    /* QuotaController, A2.2 [Q1] (10-15) and [Q2] "current" defaults (16). Indexes: EXEMPTED,
     * ACTIVE, WORKING_SET, FREQUENT, RARE, RESTRICTED, NEVER. EXEMPTED as ACTIVE on <= 15 and
     * quota-free there (assumption: Q1 exempts it); 16: 20 min / 40 min [Q2]. NEVER: no quota. */
    const sim_time m10 = SIM_MINUTES(10);
    const sim_time win15[SIMOS_BUCKET_COUNT] = {m10, m10, SIM_HOURS(2), SIM_HOURS(8), SIM_HOURS(24), SIM_HOURS(24),
                                                SIM_HOURS(24)};
    const sim_time win16[SIMOS_BUCKET_COUNT] = {SIM_MINUTES(40), SIM_MINUTES(60), SIM_HOURS(4), SIM_HOURS(12),
                                                SIM_HOURS(24), SIM_HOURS(24), SIM_HOURS(24)};
    const int jobs[SIMOS_BUCKET_COUNT] = {75, 75, 120, 200, 48, 10, 0};   /* MAX_JOB_COUNT_* [Q1] */
    const int sessions[SIMOS_BUCKET_COUNT] = {75, 75, 10, 8, 3, 1, 0};   /* MAX_SESSION_COUNT_* [Q1] */
    for (int b = 0; b < SIMOS_BUCKET_COUNT; b++) {
        j->window[b] = v >= 16 ? win16[b] : win15[b];
        j->allowed[b] = m10;                            /* ALLOWED_TIME_PER_PERIOD 10 min [Q1] */
        j->max_jobs[b] = jobs[b];
        j->max_sessions[b] = sessions[b];
    }
    if (v >= 16)
        j->allowed[SIMOS_BUCKET_EXEMPTED] = j->allowed[SIMOS_BUCKET_ACTIVE] = SIM_MINUTES(20); /* [Q2] */
    j->exempted_free = v <= 15;
    j->top_started_free = v <= 15;                      /* 16 counts top-started jobs, A2.2 [doc 16] */
    j->in_quota_buffer = SIM_SECONDS(30);               /* IN_QUOTA_BUFFER [Q1] */
    j->session_coalescing = SIM_SECONDS(5);             /* TIMING_SESSION_COALESCING_DURATION [Q1] */
    j->runtime_limit = SIM_MINUTES(10);                 /* A3.6: 10 min (6-11), RUNTIME_MIN_GUARANTEE 12+ [J3] */
    j->batch_delay = SIM_MINUTES(31);                   /* MAX_NON_ACTIVE_JOB_BATCH_DELAY, A3.5 [J3] */
    j->min_backoff = SIM_SECONDS(10);                   /* MIN_EXP_BACKOFF_TIME, A3.7 [J3] */
    j->max_backoff = SIM_HOURS(5);                      /* MAX_BACKOFF_DELAY_TIME, A3.7 [J3] */
    j->system_stop_ratio = v >= 14 ? 3 : 0;             /* SYSTEM_STOP_TO_FAILURE_RATIO, 14+ (A3.7) */
    /* getRescheduleJobForFailureLocked: backoffAttempts = Math.max(1, ...) on 14 (AOSP
     * JobSchedulerServiceTest @0309e5d5, testGetRescheduleJobForFailure_timingCalculations: one
     * system stop gives now + backoff); the 15-era text leaves a job with no attempt runnable at once
     * (NO_EARLIEST_RUNTIME when backoffAttempts == 0). <= 13 every stop is a failure (n >= 1). */
    j->backoff_floor_one = v == 14;
    /* JobSchedulerService.Constants DEFAULT_EXECUTION_SAFEGUARDS_UDC_TIMEOUT_TOTAL_COUNT = 10,
     * _TIMEOUT_WINDOW_MS = 24 h, DEFAULT_ENABLE_EXECUTION_SAFEGUARDS_UDC = true ("UDC": 14+) */
    j->timeout_restrict_count = v >= 14 ? 10 : 0;
    j->timeout_window = SIM_HOURS(24);
    if (v == 9) {
        /* No QuotaController on 9 (added in 10, A2.2): the heartbeat model, A2.2 [2nd decompiled
         * JobSchedulerService.Constants], confirmed in the Android 9 JobSchedulerService.java of
         * the code index (id 41774643): STANDBY_HEARTBEAT_TIME 11 min, STANDBY_BEATS {ACTIVE 0,
         * WORKING 11 (~2 h), FREQUENT 43 (~8 h), RARE 130 (~24 h)}; EXEMPTED normalizes to ACTIVE
         * and RESTRICTED (absent on 9, reachable only through os.bucket) to RARE
         * (standbyBucketToBucketIndex). The same file has no force batching: MIN_READY_JOBS_COUNT
         * = 1 "to prevent any batching at this level" and no MAX_NON_ACTIVE_JOB_BATCH_DELAY. */
        const int beats[SIMOS_BUCKET_COUNT] = {0, 0, 11, 43, 130, 130, 0};
        j->heartbeat = SIM_MINUTES(11);
        for (int b = 0; b < SIMOS_BUCKET_COUNT; b++)
            j->beats[b] = beats[b];
        j->batch_delay = 0;
    }
    /* Other apps' jobs (simos_jobs_phone.h), "typical phone": assumptions, not measured (no
     * source gives a per-phone job rate): 4 jobs ready per hour (a phone with a few dozen apps,
     * Play services and sync among them, each with periodic or triggered jobs), 30 s each, 5
     * ready at boot (apps' boot-time scheduling). `os.other_jobs: quiet` (per_hour 0, at_boot 0)
     * is the worst case the model used before issue 17. */
    c->phone = simos_android_typical_phone;
    c->wm_backoff = SIM_SECONDS(30);                    /* DEFAULT_BACKOFF_DELAY_MILLIS, A4.1 [W1] */
    c->wm_max_backoff = SIM_HOURS(5);                   /* MAX_BACKOFF_MILLIS, A4.1 [W1] */
    /* GreedyScheduler (androidx work-runtime 2.9.x GreedyScheduler / TimeLimiter: 90 min) and
     * AOSP CachedAppOptimizer.DEFAULT_FREEZER_DEBOUNCE_TIMEOUT: 10_000L on 14/15, 600_000L on
     * 12/13; the freezer's being on by default from 12 is an assumption (CACHED_APPS_FREEZER_
     * ENABLED "device_default"); <= 11: no freezer. */
    c->greedy = true;
    c->greedy_time_limit = SIM_MINUTES(90);
    c->freeze_delay = v >= 14 ? SIM_SECONDS(10) : v >= 12 ? SIM_MINUTES(10) : 0;
    c->stop_js_backoff = false; /* WorkManager 2.9.1 replaces the stopped job (simos_android.h) */
}
