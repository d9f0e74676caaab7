/* app.c: a program that embeds the scheduler core through its installed headers only (bgt.h and
 * what it includes), the way a device glue or an embedding program does. tests/install builds it
 * against an installed, relocated prefix (pkg-config and find_package) and in the build tree
 * (bgsim::core); it exits 0 only if every check below holds, and names the first that failed.
 *
 * The backend is the smallest the contract allows (bgt_backend.h): a clock moved by hand, one
 * recorded worker request, and the registry bytes kept in memory. The checks go through the
 * persistence path on purpose: register, kill the process, start again and find the task
 * restored, which needs the core's (internal) registry codec to round-trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bgt.h>

typedef struct app_backend {
    int64_t now;
    bgt_worker_state state;
    bgt_schedule_req last;
    unsigned schedules;
    unsigned char *saved; /* malloc()ed copy of the last save; NULL: nothing saved */
    size_t saved_len;
} app_backend;

static int64_t be_now(void *ctx) { return ((app_backend *)ctx)->now; }

static int be_schedule(void *ctx, const bgt_schedule_req *req)
{
    app_backend *b = ctx;
    b->last = *req;
    b->state = BGT_WORKER_ENQUEUED;
    b->schedules++;
    return BGT_OK;
}

static int be_cancel(void *ctx)
{
    ((app_backend *)ctx)->state = BGT_WORKER_NONE;
    return BGT_OK;
}

static int be_query(void *ctx, bgt_worker_state *out)
{
    *out = ((app_backend *)ctx)->state;
    return BGT_OK;
}

static int be_load(void *ctx, unsigned char **out, size_t *out_len)
{
    app_backend *b = ctx;
    if (!b->saved)
        return BGT_E_NOT_FOUND;
    if (!(*out = malloc(b->saved_len ? b->saved_len : 1)))
        return BGT_E_NOMEM;
    memcpy(*out, b->saved, b->saved_len);
    *out_len = b->saved_len;
    return BGT_OK;
}

static int be_save(void *ctx, const unsigned char *buf, size_t len)
{
    app_backend *b = ctx;
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        return BGT_E_NOMEM;
    memcpy(copy, buf, len);
    free(b->saved);
    b->saved = copy;
    b->saved_len = len;
    return BGT_OK;
}

static int task_body(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    (void)call;
    (void)duration_ms;
    ++*(int *)user;
    return BGT_RESULT_SUCCESS;
}

static int failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "consumer: FAILED: %s\n", what);
        failures++;
    }
}

int main(void)
{
    app_backend ab = { 0 };
    bgt_backend be = { &ab, be_now, be_schedule, be_cancel, be_query, be_load, be_save, NULL };
    bgt_task_options every_hour = { true, 60 };
    bgt_worker_report rep;
    bgt_policy pol;
    bgt *core = NULL;
    int runs = 0;

    check(strcmp(bgt_strerror(BGT_E_INVAL), bgt_strerror(BGT_OK)) != 0,
          "bgt_strerror tells codes apart");
    check(bgt_registry_valid_name("sync") && !bgt_registry_valid_name(""), "task name rule");
    check(bgt_policy_preset("no-such-preset", BGT_PLATFORM_ANDROID, &pol) == BGT_E_UNKNOWN_PRESET,
          "an unknown preset is refused");
    check(bgt_policy_preset("current", BGT_PLATFORM_ANDROID, &pol) == BGT_OK,
          "preset current/android");
    check(bgt_create(&be, &pol, &core) == BGT_OK && core, "bgt_create");
    if (!core)
        return 1;

    check(bgt_define_task(core, "sync", task_body, &runs) == BGT_OK, "define");
    check(bgt_process_start(core, 0) == BGT_OK, "first process start (nothing saved yet)");
    check(bgt_register_task(core, "sync", &every_hour) == BGT_OK, "register");
    check(ab.saved != NULL && ab.schedules == 1,
          "registration saved the registry and scheduled the worker");
    check(ab.last.delay_ms == 60 * 60000, "the worker is asked for in 60 minutes");

    /* A new process: definitions are gone, the registration comes back from the saved bytes. */
    check(bgt_process_kill(core) == BGT_OK, "kill");
    check(bgt_define_task(core, "sync", task_body, &runs) == BGT_OK, "define again");
    check(bgt_process_start(core, 0) == BGT_OK, "second process start (restore)");
    check(bgt_task_count(core) == 1 && bgt_is_registered(core, "sync") == 1,
          "the task was restored");

    ab.now += ab.last.delay_ms;
    ab.state = BGT_WORKER_RUNNING;
    check(bgt_worker_run(core, &rep) == BGT_OK, "worker run");
    check(runs == 1 && rep.kind == BGT_RUN_RAN && rep.n_success == 1,
          "the task ran once and succeeded");

    bgt_free(core);
    free(ab.saved);
    if (failures)
        return 1;
    printf("consumer: ok\n");
    return 0;
}
