/*
 * android_rig.h - the Android OS model on the shared test rig (../rig.h), for the model's own tests
 * (test_simos_android.c) and the ported upstream cases (tests/conformance/):
 *
 *   drig   Doze alone: every state change of deep and light Doze recorded with its time.
 *   act    a device action (screen, motion, network, worker, app, plug, reboot, kill) at an exact
 *          time, in SIM_PHASE_ENVIRONMENT, as the environment models would make it.
 *   arig   the whole Android model (simos_android_desc) with a fake runner: every worker start,
 *          stop and deferral reason recorded with its time; runs last work_ms and, with `chain`,
 *          APPEND a successor next_delay later (the core's bgt_worker_end).
 *
 * Ownership: a rig owns what it creates; *_free destroys the model first, then the rig. Failures are
 * Criterion assertions. Set RIG_DUMP=1 to print an arig's record when it is freed.
 */
#ifndef BGSIM_TEST_ANDROID_RIG_H
#define BGSIM_TEST_ANDROID_RIG_H

#include <stdbool.h>

#include "rig.h"
#include "simos_android.h"

/* `os.other_jobs: quiet`: no other app's job (simos_jobs_phone.h) */
extern const simos_phone_params quiet_phone;

typedef struct drig {
    rig base; /* the shared model test rig (../rig.h), trace discarded */
    simos_doze *z;
    int n;
    sim_time t[512];
    simos_deep deep[512];
    simos_light light[512];
} drig;

/* Doze of Android `version` with its defaults (drig_init) or with the given constants. */
void drig_init(drig *r, int version);
void drig_init_with(drig *r, int version, const simos_doze_params *p);
void drig_free(drig *r);
/* The first recorded time at or after `from` with (deep, light) (-1: any); -1 if none. */
sim_time when(const drig *r, sim_time from, int deep, int light);
/* The deep / light state at time t: the last one recorded at or before t (ACTIVE before any). */
simos_deep drig_deep_at(const drig *r, sim_time t);
simos_light drig_light_at(const drig *r, sim_time t);

/* Device actions at a time (SIM_PHASE_ENVIRONMENT). */
enum { A_SCREEN_ON, A_SCREEN_OFF, A_MOVE, A_STILL, A_NET_OFF, A_NET_ON, A_WORK_ON, A_WORK_OFF, A_OPEN, A_CLOSE,
       A_FORCE_STOP, A_PLUG, A_UNPLUG, A_REBOOT, A_KILL, A_SAVER_ON, A_SAVER_OFF };
/* Schedules action `a` (A_*) at time t. */
void act(mdl_device *d, sim_time t, int a);

typedef struct arig {
    rig base; /* the shared model test rig (../rig.h), trace discarded */
    const simos_ops *ops;
    void *os;
    sim_time work_ms, next_delay;
    unsigned constraints;
    bool chain;
    sim_handle end;
    int nfires;
    sim_time fire_t[256], fire_due[256];
    int nstops;
    sim_time stop_t[64];
    simos_stop stop_why[64];
    sim_reason held;
    sim_time held_since, held_ms[SIM_REASON_COUNT];
    int nreasons;
    sim_reason reason[256];
    sim_time reason_t[256];
} arig;

void arig_init(arig *r, const simos_android_config *cfg);
void arig_dump(const arig *r);
void arig_free(arig *r);
/* The core's first request: REPLACE with `delay` and r->constraints, now / at time 0 (an event). */
void arig_schedule(arig *r, sim_time delay);
void on_schedule(sim_engine *e, void *ctx, uint64_t delay);
/* The deferral reason in force at time t (SIM_REASON_NONE before the first report). */
sim_reason reason_at(const arig *r, sim_time t);

#endif
