/*
 * android_rig.c - the Android OS model on the shared test rig (see android_rig.h).
 */
#include "android_rig.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const simos_phone_params quiet_phone = {.per_hour = 0, .mean_duration = SIM_SECONDS(30), .at_boot = 0};

static void drig_changed(void *ctx, bool began)
{
    (void)began;
    drig *r = ctx;
    /* simos_doze_awake reads the model's head inline: it says what the model's own fields do, at
     * every change and every wake-up of every Doze test */
    cr_assert_eq(simos_doze_awake(r->z), simos_doze_awake_recomputed(r->z), "at %lld: awake %d, recomputed %d",
                 (long long)sim_now(r->base.e), simos_doze_awake(r->z), simos_doze_awake_recomputed(r->z));
    if (r->n && r->deep[r->n - 1] == simos_doze_deep(r->z) && r->light[r->n - 1] == simos_doze_light(r->z))
        return; /* a wake-up without a change */
    if (r->n < 512) {
        r->t[r->n] = sim_now(r->base.e);
        r->deep[r->n] = simos_doze_deep(r->z);
        r->light[r->n] = simos_doze_light(r->z);
        r->n++;
    }
}

void drig_init_with(drig *r, int version, const simos_doze_params *p)
{
    memset(r, 0, sizeof *r);
    rig_init(&r->base, MDL_ANDROID, version, 1, RIG_MONDAY, RIG_TRACE_DISCARD);
    r->z = simos_doze_new(&r->base.d, p, drig_changed, r);
    cr_assert_not_null(r->z);
    cr_assert_eq(mdl_subscribe(&r->base.d, simos_doze_listener, r->z), MDL_OK);
}

void drig_init(drig *r, int version)
{
    simos_android_config c;
    simos_android_defaults(&c, version);
    drig_init_with(r, version, &c.doze);
}

void drig_free(drig *r)
{
    simos_doze_free(r->z);
    rig_fini(&r->base);
}

/* The first time at or after `from` with (deep, light); -1 if none. */
sim_time when(const drig *r, sim_time from, int deep, int light)
{
    for (int i = 0; i < r->n; i++)
        if (r->t[i] >= from && (deep < 0 || (int)r->deep[i] == deep) && (light < 0 || (int)r->light[i] == light))
            return r->t[i];
    return -1;
}

simos_deep drig_deep_at(const drig *r, sim_time t)
{
    simos_deep s = SIMOS_DEEP_ACTIVE;
    for (int i = 0; i < r->n && r->t[i] <= t; i++)
        s = r->deep[i];
    return s;
}

simos_light drig_light_at(const drig *r, sim_time t)
{
    simos_light s = SIMOS_LIGHT_ACTIVE;
    for (int i = 0; i < r->n && r->t[i] <= t; i++)
        s = r->light[i];
    return s;
}

static void on_act(sim_engine *e, void *ctx, uint64_t a)
{
    (void)e;
    mdl_device *d = ctx;
    switch (a) {
    case A_SCREEN_ON: d->screen_on = true; mdl_emit(d, MDL_SIG_SCREEN_ON, 0); break;
    case A_SCREEN_OFF: d->screen_on = false; mdl_emit(d, MDL_SIG_SCREEN_OFF, 0); break;
    case A_MOVE: d->stationary = false; mdl_emit(d, MDL_SIG_MOTION, 0); break;
    case A_STILL: d->stationary = true; mdl_emit(d, MDL_SIG_MOTION, 1); break;
    case A_NET_OFF: d->net = MDL_NET_NONE; mdl_emit(d, MDL_SIG_NETWORK, d->net); break;
    case A_NET_ON: d->net = MDL_NET_WIFI; mdl_emit(d, MDL_SIG_NETWORK, d->net); break;
    case A_WORK_ON: d->worker_running = true; mdl_emit(d, MDL_SIG_WORKER, 1); break;
    case A_WORK_OFF: d->worker_running = false; mdl_emit(d, MDL_SIG_WORKER, 0); break;
    case A_OPEN: d->app_foreground = true; d->screen_on = true; mdl_emit(d, MDL_SIG_SCREEN_ON, 0); mdl_emit(d, MDL_SIG_APP_OPEN, 0); break;
    case A_CLOSE: d->app_foreground = false; mdl_emit(d, MDL_SIG_APP_CLOSE, 0); break;
    case A_FORCE_STOP: mdl_emit(d, MDL_SIG_FORCE_STOP, 0); break;
    case A_PLUG: d->plugged = true; mdl_emit(d, MDL_SIG_PLUG, 0); break;
    case A_UNPLUG: d->plugged = false; mdl_emit(d, MDL_SIG_UNPLUG, 0); break;
    case A_REBOOT: mdl_emit(d, MDL_SIG_REBOOT, SIM_MINUTES(1)); break; /* down for 1 min */
    case A_KILL: mdl_emit(d, MDL_SIG_APP_KILL, 0); break;
    case A_SAVER_ON: d->power_save = true; mdl_emit(d, MDL_SIG_POWER_SAVE, 1); break;
    case A_SAVER_OFF: d->power_save = false; mdl_emit(d, MDL_SIG_POWER_SAVE, 0); break;
    default: break;
    }
}

void act(mdl_device *d, sim_time t, int a)
{
    cr_assert_eq(sim_schedule(d->engine, t, SIM_PHASE_ENVIRONMENT, on_act, d, (uint64_t)a, NULL), SIM_OK);
}



static void on_end(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    arig *r = ctx;
    r->end = SIM_HANDLE_NONE;
    r->base.d.worker_running = false;
    mdl_emit(&r->base.d, MDL_SIG_WORKER, 0);
    if (r->chain) /* the core's successor, chained from inside the run (bgt_worker_end) */
        r->ops->schedule(r->os, &(bgt_schedule_req){r->next_delay, r->constraints, BGT_SCHEDULE_APPEND});
    r->ops->finished(r->os, false);
}

static void h_fire(void *ctx, sim_time due)
{
    arig *r = ctx;
    if (r->nfires < 256) {
        r->fire_t[r->nfires] = sim_now(r->base.e);
        r->fire_due[r->nfires] = due;
    }
    r->nfires++;
    r->base.d.worker_running = true;
    mdl_emit(&r->base.d, MDL_SIG_WORKER, 1);
    cr_assert_eq(sim_schedule_in(r->base.e, r->work_ms, SIM_PHASE_APP, on_end, r, 0, &r->end), SIM_OK);
}

static void h_stop(void *ctx, simos_stop why)
{
    arig *r = ctx;
    if (sim_cancel(r->base.e, r->end) != SIM_OK)
        return;
    if (r->nstops < 64) {
        r->stop_t[r->nstops] = sim_now(r->base.e);
        r->stop_why[r->nstops] = why;
    }
    r->nstops++;
    r->base.d.worker_running = false;
    mdl_emit(&r->base.d, MDL_SIG_WORKER, 0);
    r->ops->finished(r->os, true);
}

static void h_deferral(void *ctx, sim_reason reason)
{
    arig *r = ctx;
    sim_time now = sim_now(r->base.e);
    if (reason == r->held)
        return;
    r->held_ms[r->held] += now - r->held_since;
    r->held = reason;
    r->held_since = now;
    if (r->nreasons < 256) {
        r->reason[r->nreasons] = reason;
        r->reason_t[r->nreasons++] = now;
    }
}

void arig_init(arig *r, const simos_android_config *cfg)
{
    memset(r, 0, sizeof *r);
    rig_init(&r->base, MDL_ANDROID, cfg->version, 1, RIG_MONDAY, RIG_TRACE_DISCARD);
    r->ops = simos_android_desc.ops;
    r->work_ms = SIM_SECONDS(20);
    r->next_delay = SIM_MINUTES(15);
    r->constraints = BGT_CONSTRAINT_NETWORK;
    simos_hooks hooks = {.ctx = r, .fire = h_fire, .stop = h_stop, .deferral = h_deferral};
    r->os = r->ops->create(&r->base.d, &hooks, cfg);
    cr_assert_not_null(r->os);
}

void arig_dump(const arig *r)
{
    if (!getenv("RIG_DUMP"))
        return;
    for (int i = 0; i < r->nfires && i < 256; i++)
        fprintf(stderr, "fire %lld due %lld\n", (long long)r->fire_t[i], (long long)r->fire_due[i]);
    for (int i = 0; i < r->nstops && i < 64; i++)
        fprintf(stderr, "stop %lld why %d\n", (long long)r->stop_t[i], r->stop_why[i]);
    for (int i = 0; i < r->nreasons; i++)
        fprintf(stderr, "reason %lld %s\n", (long long)r->reason_t[i], sim_reason_name(r->reason[i]));
}

/* The OS model first, then what the rig started (an environment model) and the rig. */
void arig_free(arig *r)
{
    arig_dump(r);
    r->ops->destroy(r->os);
    rig_fini(&r->base);
}

void arig_schedule(arig *r, sim_time delay)
{
    cr_assert_eq(r->ops->schedule(r->os, &(bgt_schedule_req){delay, r->constraints, BGT_SCHEDULE_REPLACE}), BGT_OK);
}

void on_schedule(sim_engine *e, void *ctx, uint64_t delay)
{
    (void)e;
    arig_schedule(ctx, (sim_time)delay);
}

sim_reason reason_at(const arig *r, sim_time t)
{
    sim_reason cur = SIM_REASON_NONE;
    for (int i = 0; i < r->nreasons && r->reason_t[i] <= t; i++)
        cur = r->reason[i];
    return cur;
}
