/* test_host.c: the host backend on real files: clocks, records, and the write-temp + fsync +
 * rename + fsync-dir save interrupted at every byte and at every stage. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host_store.h"

static char dir[64], path[96], tmp_path[100];

static int noop_task(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    (void)user;
    (void)call;
    (void)duration_ms;
    return BGT_RESULT_SUCCESS;
}

static void setup(void)
{
    strcpy(dir, "/tmp/bgsim-host-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/registry.bin", dir);
    snprintf(tmp_path, sizeof tmp_path, "%s.tmp", path);
}

static void teardown(void)
{
    unlink(tmp_path);
    unlink(path);
    rmdir(dir);
}

TestSuite(host, .init = setup, .fini = teardown);

/* A process: a host backend and a started core on `path`, tasks a..c defined. */
typedef struct proc {
    host_store *host;
    bgt *core;
    int start_rc;
} proc;

static void proc_open(proc *p)
{
    bgt_policy pol;
    bgt_backend b;
    const char *names[] = { "a", "b", "c" };
    int i;
    cr_assert_eq(host_store_create(path, &p->host), BGT_OK);
    host_store_set_quiet(p->host, true);
    cr_assert_eq(bgt_policy_preset("current", BGT_PLATFORM_ANDROID, &pol), BGT_OK);
    b = host_store_backend(p->host);
    cr_assert_eq(bgt_create(&b, &pol, &p->core), BGT_OK);
    for (i = 0; i < 3; i++)
        cr_assert_eq(bgt_define_task(p->core, names[i], noop_task, NULL), BGT_OK);
    p->start_rc = bgt_process_start(p->core, 0);
}

static void proc_close(proc *p)
{
    bgt_free(p->core);
    host_store_free(p->host);
}

/* Names registered in a fresh process, as "a,b," (or "!" + error if the start failed). */
static void seen_by_next_process(char *out, size_t cap)
{
    proc p;
    size_t i;
    proc_open(&p);
    out[0] = '\0';
    if (p.start_rc != BGT_OK)
        snprintf(out, cap, "!%s", bgt_strerror(p.start_rc));
    for (i = 0; i < bgt_task_count(p.core); i++) {
        const char *name;
        cr_assert_eq(bgt_task_at(p.core, i, &name, NULL), BGT_OK);
        strncat(out, name, cap - strlen(out) - 2);
        strcat(out, ",");
    }
    proc_close(&p);
}

Test(host, missing_file_is_a_fresh_install)
{
    proc p;
    proc_open(&p);
    cr_assert_eq(p.start_rc, BGT_OK);
    cr_assert_eq(bgt_task_count(p.core), 0);
    proc_close(&p);
}

Test(host, registry_survives_the_process)
{
    proc p;
    char seen[64];
    bgt_schedule_req req;
    proc_open(&p);
    cr_assert_eq(bgt_register_task(p.core, "a", NULL), BGT_OK);
    cr_assert_eq(bgt_register_task(p.core, "b", NULL), BGT_OK);
    cr_assert_eq(host_store_pending(p.host, &req, NULL), BGT_WORKER_ENQUEUED);
    cr_assert_eq(req.delay_ms, 1440 * 60000);
    proc_close(&p);
    cr_assert_eq(access(tmp_path, F_OK), -1, "no temp file after a clean save");
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "a,b,");
}

Test(host, schedule_and_cancel_are_recorded)
{
    host_store *h;
    bgt_backend b;
    bgt_schedule_req r = { 5000, BGT_CONSTRAINT_NETWORK, BGT_SCHEDULE_REPLACE }, got;
    int64_t due, before;
    bgt_worker_state st;
    cr_assert_eq(host_store_create(path, &h), BGT_OK);
    b = host_store_backend(h);
    before = b.now_ms(b.ctx);
    cr_assert_eq(b.schedule(b.ctx, &r), BGT_OK);
    cr_assert_eq(host_store_pending(h, &got, &due), BGT_WORKER_ENQUEUED);
    cr_assert_eq(got.delay_ms, 5000);
    cr_assert_geq(due, before + 5000);
    cr_assert_eq(b.query(b.ctx, &st), BGT_OK);
    cr_assert_eq(st, BGT_WORKER_ENQUEUED);
    cr_assert_eq(b.cancel(b.ctx), BGT_OK);
    cr_assert_eq(host_store_pending(h, NULL, NULL), BGT_WORKER_NONE);
    host_store_free(h);
}

Test(host, clocks_are_sane)
{
    host_store *h;
    bgt_backend b;
    int64_t t0, t1;
    cr_assert_eq(host_store_create(path, &h), BGT_OK);
    b = host_store_backend(h);
    t0 = b.now_ms(b.ctx);
    {
        struct timespec ts = { 0, 2000000 };
        nanosleep(&ts, NULL);
    }
    t1 = b.now_ms(b.ctx);
    cr_assert_geq(t1 - t0, 1, "monotonic clock advances");
    cr_assert_gt(host_wall_ms(), (int64_t)1577836800000, "wall clock after 2020");
    host_store_free(h);
    host_store_free(NULL);
}

/* ---- crash sweeps ---- */

typedef struct fault_plan {
    host_store_stage stage;
    size_t bytes;   /* for HOST_STORE_WRITE */
    bool hit;
} fault_plan;

static bool fault_at(void *user, host_store_stage stage, size_t bytes)
{
    fault_plan *f = user;
    if (stage == f->stage && (stage != HOST_STORE_WRITE || bytes == f->bytes))
        return f->hit = true;
    return false;
}

/* Registry {a,b} on disk; a process tries to add c and "dies" per plan. */
static void crash_adding_c(fault_plan *plan)
{
    proc p;
    proc_open(&p);
    cr_assert_eq(p.start_rc, BGT_OK);
    host_store_set_fault(p.host, fault_at, plan);
    cr_assert_eq(bgt_register_task(p.core, "c", NULL), BGT_E_IO);
    proc_close(&p);
}

static size_t file_size(const char *f)
{
    FILE *fp = fopen(f, "rb");
    long n;
    cr_assert_not_null(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fclose(fp);
    return (size_t)n;
}

static void seed_ab(void)
{
    proc p;
    proc_open(&p);
    cr_assert_eq(bgt_register_task(p.core, "a", NULL), BGT_OK);
    cr_assert_eq(bgt_register_task(p.core, "b", NULL), BGT_OK);
    proc_close(&p);
}

Test(host, save_interrupted_at_every_byte_leaves_old_registry)
{
    char seen[64];
    size_t k, new_len;
    seed_ab();
    new_len = file_size(path) + 2 + 1 + 9; /* one more entry named "c" */
    for (k = 0; k < new_len; k++) {
        fault_plan plan = { HOST_STORE_WRITE, k, false };
        crash_adding_c(&plan);
        cr_assert(plan.hit, "k=%zu", k);
        cr_assert_eq(file_size(tmp_path), k, "the temp file holds exactly k bytes");
        seen_by_next_process(seen, sizeof seen);
        cr_assert_str_eq(seen, "a,b,", "k=%zu", k);
    }
}

Test(host, save_interrupted_at_each_stage)
{
    static const struct { host_store_stage stage; const char *expect; } cases[] = {
        { HOST_STORE_BEFORE_FSYNC, "a,b," },
        { HOST_STORE_BEFORE_RENAME, "a,b," },
        { HOST_STORE_BEFORE_DIR_FSYNC, "a,b,c," },
    };
    char seen[64];
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fault_plan plan = { cases[i].stage, 0, false };
        teardown();
        setup();
        seed_ab();
        crash_adding_c(&plan);
        cr_assert(plan.hit);
        seen_by_next_process(seen, sizeof seen);
        cr_assert_str_eq(seen, cases[i].expect, "stage %d", (int)cases[i].stage);
    }
}

Test(host, torn_temp_file_is_never_loaded_and_is_replaced)
{
    char seen[64];
    FILE *fp;
    proc p;
    seed_ab();
    fp = fopen(tmp_path, "wb"); /* a previous crash left garbage behind */
    cr_assert_not_null(fp);
    fputs("BGTR\x01garbage", fp);
    fclose(fp);
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "a,b,");
    proc_open(&p);
    cr_assert_eq(bgt_register_task(p.core, "c", NULL), BGT_OK);
    proc_close(&p);
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "a,b,c,");
}

Test(host, corrupted_registry_file_is_reported)
{
    char seen[64];
    FILE *fp;
    seed_ab();
    fp = fopen(path, "r+b");
    cr_assert_not_null(fp);
    fseek(fp, -2, SEEK_END);
    fputc('Z', fp);
    fclose(fp);
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "!registry checksum mismatch");
    cr_assert_eq(truncate(path, 10), 0);
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "!persisted registry is truncated");
}
