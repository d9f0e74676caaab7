/* test_host.c: the host backend on real files: clocks, records, the write-temp + fsync +
 * rename + fsync-dir save interrupted at every byte and at every stage, several writers merging
 * their registrations, and a corrupt registry kept aside. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host_store.h"

static char dir[64], path[96];

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
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Files in dir whose name starts with `prefix` (e.g. "registry.bin.tmp-"): how many, and the
 * size and name of the last one seen. */
static int files_named(const char *prefix, size_t *size, char *name, size_t cap)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    cr_assert_not_null(d);
    while ((e = readdir(d)) != NULL) {
        char full[sizeof dir + sizeof e->d_name + 2];
        FILE *fp;
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        n++;
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        if (name && cap > 0) {
            size_t l = strlen(full) < cap ? strlen(full) : cap - 1;
            memcpy(name, full, l);
            name[l] = '\0';
        }
        if (size && (fp = fopen(full, "rb")) != NULL) {
            fseek(fp, 0, SEEK_END);
            *size = (size_t)ftell(fp);
            fclose(fp);
        }
    }
    closedir(d);
    return n;
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
    cr_assert_eq(files_named("registry.bin.tmp", NULL, NULL, 0), 0, "no temp file after a clean save");
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
        size_t got = (size_t)-1;
        cr_assert(plan.hit, "k=%zu", k);
        /* one temp file: the previous crash's was removed by this save, which held the lock */
        cr_assert_eq(files_named("registry.bin.tmp-", &got, NULL, 0), 1, "k=%zu", k);
        cr_assert_eq(got, k, "the temp file holds exactly k bytes");
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
    {
        char dead[160], mine[160];
        snprintf(dead, sizeof dead, "%s.tmp-Ab3xYz", path); /* a writer killed mid-save left it */
        snprintf(mine, sizeof mine, "%s.tmp", path);          /* the user's own file: not ours */
        cr_assert_not_null(fp = fopen(dead, "wb"));
        fputs("BGTR\x01garbage", fp);
        fclose(fp);
        cr_assert_not_null(fp = fopen(mine, "wb"));
        fputs("my notes\n", fp);
        fclose(fp);
        seen_by_next_process(seen, sizeof seen);
        cr_assert_str_eq(seen, "a,b,");
        proc_open(&p);
        cr_assert_eq(bgt_register_task(p.core, "c", NULL), BGT_OK);
        proc_close(&p);
        seen_by_next_process(seen, sizeof seen);
        cr_assert_str_eq(seen, "a,b,c,");
        cr_assert_eq(access(dead, F_OK), -1, "the next save removed the dead writer's temp file");
        cr_assert_eq(access(mine, F_OK), 0, "and left the user's <path>.tmp alone");
    }
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

/* ---- several writers ---- */

/* Two processes started on the same registry, each registering its own tasks in turn: every
 * save merges, so neither loses the other's (before: the last writer's registry replaced the
 * file and the other's tasks were gone). Unregistering removes only the writer's own task. */
Test(host, two_writers_keep_each_others_registrations)
{
    proc p, q;
    char seen[64];
    seed_ab();
    proc_open(&p);
    proc_open(&q);
    cr_assert_eq(bgt_register_task(p.core, "c", NULL), BGT_OK);
    cr_assert_eq(bgt_unregister_task(q.core, "a"), BGT_OK); /* q never saw c */
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "b,c,");
    {
        bgt_task_options o = { true, 30 };
        cr_assert_eq(bgt_register_task(q.core, "a", &o), BGT_OK);
    }
    cr_assert_eq(bgt_unregister_task(p.core, "b"), BGT_OK);
    proc_close(&p);
    proc_close(&q);
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "c,a,");
    cr_assert_eq(files_named("registry.bin.tmp", NULL, NULL, 0), 0, "no temp file left");
}

/* With one writer the file holds exactly the bytes the core saved (the merge changes nothing). */
Test(host, one_writer_writes_the_cores_bytes)
{
    proc p;
    unsigned char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    bgt_backend be;
    proc_open(&p);
    cr_assert_eq(bgt_register_task(p.core, "a", NULL), BGT_OK);
    cr_assert_eq(bgt_register_task(p.core, "b", NULL), BGT_OK);
    cr_assert_eq(bgt_unregister_task(p.core, "a"), BGT_OK);
    be = host_store_backend(p.host);
    cr_assert_eq(be.load(be.ctx, &a, &alen), BGT_OK);
    proc_close(&p);
    proc_open(&p); /* a fresh start registers nothing: compare with what it loads */
    be = host_store_backend(p.host);
    cr_assert_eq(be.load(be.ctx, &b, &blen), BGT_OK);
    cr_assert_eq(alen, blen);
    cr_assert_eq(memcmp(a, b, alen), 0);
    cr_assert_eq(bgt_task_count(p.core), 1);
    free(a);
    free(b);
    proc_close(&p);
}

/* A registry that does not decode when a save reads it (damaged after the writer started) is kept
 * aside as <path>.corrupt-XXXXXX with its bytes, and the save goes on. */
Test(host, a_save_keeps_a_corrupt_registry_aside)
{
    proc p;
    char seen[64], aside[256];
    size_t size = 0;
    FILE *fp;
    seed_ab();
    proc_open(&p);
    cr_assert_not_null(fp = fopen(path, "wb"));
    fputs("BGTR garbage", fp);
    fclose(fp);
    cr_assert_eq(bgt_register_task(p.core, "c", NULL), BGT_OK);
    proc_close(&p);
    cr_assert_eq(files_named("registry.bin.corrupt-", &size, aside, sizeof aside), 1);
    cr_assert_eq(size, strlen("BGTR garbage"), "the bad bytes are kept: %s", aside);
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "a,b,c,");
}

/* host_store_keep_aside: a start that found the registry corrupt moves it aside and starts empty;
 * a file another writer replaced since the load is left alone (BGT_E_STATE). */
Test(host, keep_aside_moves_the_corrupt_file_it_loaded)
{
    proc p;
    char *aside = NULL, seen[64];
    FILE *fp;
    seed_ab();
    cr_assert_eq(truncate(path, 10), 0);
    proc_open(&p);
    cr_assert_eq(p.start_rc, BGT_E_TRUNCATED);
    cr_assert_not_null(fp = fopen(path, "ab")); /* another writer changed it meanwhile */
    fputc('x', fp);
    fclose(fp);
    cr_assert_eq(host_store_keep_aside(p.host, &aside), BGT_E_STATE);
    cr_assert_null(aside);
    proc_close(&p);
    proc_open(&p); /* load again: still corrupt, and now the file is the one loaded */
    cr_assert_neq(p.start_rc, BGT_OK);
    cr_assert_eq(host_store_keep_aside(p.host, &aside), BGT_OK);
    cr_assert_not_null(aside);
    cr_assert(strncmp(aside, path, strlen(path)) == 0 && strstr(aside, ".corrupt-") != NULL, "%s", aside);
    cr_assert_eq(access(aside, F_OK), 0);
    cr_assert_eq(access(path, F_OK), -1);
    free(aside);
    cr_assert_eq(bgt_process_start(p.core, 0), BGT_OK);
    cr_assert_eq(bgt_register_task(p.core, "c", NULL), BGT_OK);
    proc_close(&p);
    seen_by_next_process(seen, sizeof seen);
    cr_assert_str_eq(seen, "c,");
}
