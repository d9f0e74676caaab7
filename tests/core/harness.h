/* harness.h: a core on a fake backend, plus counting task callbacks, for the conformance suite. */
#ifndef HARNESS_H
#define HARNESS_H

#include "fake_backend.h"

#define MIN_MS ((int64_t)60000)

typedef struct task_spy {
    int calls;
    int result;          /* what the task returns */
    int64_t duration_ms; /* what it reports */
    int64_t last_now;
    int order;           /* global call order stamp of the last call */
    bgt *reenter;        /* if set, the task calls back into this core */
    int reenter_rc;      /* bgt_register_task's return from inside the callback */
    int reenter_ro;      /* bgt_is_registered's return from inside the callback */
} task_spy;

typedef struct harness {
    fake f;
    bgt_policy pol;
    bgt *c;
    task_spy spy[4];     /* tasks "a", "b", "c", "d" */
} harness;

/* Preset (name, platform), then started with the registry currently in f. */
void h_init(harness *h, const char *preset, bgt_platform platform);
/* Create and start the core with h->pol (after the test changed switches). */
void h_start(harness *h);
void h_fini(harness *h);
/* Define task "a".."d" (index 0..3) with its spy. */
void h_define(harness *h, int idx);
/* Define and register with an interval in minutes (<0: no minimumInterval). */
void h_reg(harness *h, int idx, int64_t minutes);
/* Kill the process and start a new one, re-defining tasks a..d. */
void h_restart(harness *h);
const char *h_name(int idx);
int task_fn(void *user, const bgt_task_call *call, int64_t *duration_ms);

#endif
