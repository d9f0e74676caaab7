/* test_host_rt.c: the real-time host backend: device state rules on fake /proc and /sys files,
 * the worker record's APPEND chain, real bgt-host processes on a compressed time scale, and a
 * registry that survives kill -9 in the middle of saves, many times over. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host_store.h"
#include "host_rt.h"

#ifndef BGT_HOST_EXE
#error "BGT_HOST_EXE must name the bgt-host program"
#endif

static char dir[64];

static void setup(void)
{
    strcpy(dir, "/tmp/bgsim-hostrt-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(host_rt, .init = setup, .fini = teardown, .timeout = 60);

static void put_file(const char *rel, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    cr_assert_not_null(f = fopen(path, "w"), "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

static void put_dir(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    cr_assert_eq(mkdir(path, 0755), 0, "%s: %s", path, strerror(errno));
}

static const char *at(const char *rel)
{
    static char bufs[8][256];
    static int k;
    char *p = bufs[k++ % 8];
    snprintf(p, 256, "%s/%s", dir, rel);
    return p;
}

#define ROUTE4_HEADER "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"

/* ---- device state ---------------------------------------------------------------------------- */

Test(host_rt, network_needs_a_default_route_off_loopback)
{
    host_rt_paths p = { at("route4"), at("route6"), at("nopower") };
    host_rt_device d;
    put_file("route6", "");
    put_file("route4", ROUTE4_HEADER "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
    host_rt_device_read(&p, &d);
    cr_assert_not(d.network, "a subnet route is not a default route");
    put_file("route4", ROUTE4_HEADER "lo\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n");
    host_rt_device_read(&p, &d);
    cr_assert_not(d.network, "a default route on lo does not count");
    put_file("route4", ROUTE4_HEADER "wlan0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n");
    host_rt_device_read(&p, &d);
    cr_assert_not(d.network, "a default route that is not up does not count");
    put_file("route4", ROUTE4_HEADER "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n");
    host_rt_device_read(&p, &d);
    cr_assert(d.network);
    cr_assert_eq(host_rt_unmet(&d, BGT_CONSTRAINT_NETWORK), 0u);
    /* IPv6 only: ::/0 via eth0; the kernel's unreachable ::/0 on lo is ignored. */
    put_file("route4", ROUTE4_HEADER);
    put_file("route6",
             "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
             "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n");
    host_rt_device_read(&p, &d);
    cr_assert_not(d.network);
    cr_assert_eq(host_rt_unmet(&d, BGT_CONSTRAINT_NETWORK), (unsigned)BGT_CONSTRAINT_NETWORK);
    put_file("route6",
             "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
             "fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n");
    host_rt_device_read(&p, &d);
    cr_assert(d.network);
}

Test(host_rt, power_supply_rules)
{
    host_rt_paths p = { at("r4"), at("r6"), at("ps") };
    host_rt_device d;
    char names[64];
    put_dir("ps");
    host_rt_device_read(&p, &d);
    cr_assert(!d.has_battery && d.charging && !d.battery_low, "no battery: mains powered");
    put_dir("ps/BAT0");
    put_file("ps/BAT0/type", "Battery\n");
    put_file("ps/BAT0/capacity", "15\n");
    put_file("ps/BAT0/status", "Discharging\n");
    put_dir("ps/AC");
    put_file("ps/AC/type", "Mains\n");
    put_file("ps/AC/online", "0\n");
    host_rt_device_read(&p, &d);
    cr_assert(d.has_battery);
    cr_assert_eq(d.battery_pct, 15);
    cr_assert(!d.charging && d.battery_low);
    cr_assert_eq(host_rt_unmet(&d, BGT_CONSTRAINT_BATTERY_NOT_LOW | BGT_CONSTRAINT_CHARGING),
                 (unsigned)(BGT_CONSTRAINT_BATTERY_NOT_LOW | BGT_CONSTRAINT_CHARGING));
    cr_assert_str_eq(host_rt_constraint_names(BGT_CONSTRAINT_BATTERY_NOT_LOW |
                                                  BGT_CONSTRAINT_CHARGING,
                                              names, sizeof names),
                     "battery-not-low,charging");
    put_file("ps/BAT0/capacity", "16\n");
    host_rt_device_read(&p, &d);
    cr_assert(!d.battery_low, "16 %% is not low");
    put_file("ps/BAT0/capacity", "5\n");
    put_file("ps/AC/online", "1\n");
    host_rt_device_read(&p, &d);
    cr_assert(d.charging && !d.battery_low, "plugged in: charging, never low");
    put_file("ps/AC/online", "0\n");
    put_file("ps/BAT0/status", "Charging\n");
    host_rt_device_read(&p, &d);
    cr_assert(d.charging);
    /* A wireless mouse's battery does not power the machine. */
    put_file("ps/BAT0/status", "Discharging\n");
    put_file("ps/BAT0/capacity", "80\n");
    put_dir("ps/hid-mouse");
    put_file("ps/hid-mouse/type", "Battery\n");
    put_file("ps/hid-mouse/scope", "Device\n");
    put_file("ps/hid-mouse/capacity", "3\n");
    host_rt_device_read(&p, &d);
    cr_assert_eq(d.battery_pct, 80);
    cr_assert_not(d.battery_low);
}

/* ---- the record ------------------------------------------------------------------------------ */

Test(host_rt, append_behind_a_running_worker_is_due_after_it_finishes)
{
    host_store *h;
    bgt_backend b;
    bgt_schedule_req first = { 0, 0, BGT_SCHEDULE_REPLACE };
    bgt_schedule_req next = { 60000, BGT_CONSTRAINT_NETWORK, BGT_SCHEDULE_APPEND }, got;
    int64_t due, t0;
    cr_assert_eq(host_store_create(at("reg.bin"), &h), BGT_OK);
    host_store_set_minute_ms(h, 100);
    b = host_store_backend(h);
    cr_assert_eq(host_store_worker_started(h), BGT_E_STATE, "nothing to start");
    cr_assert_eq(b.schedule(b.ctx, &first), BGT_OK);
    cr_assert_eq(host_store_worker_started(h), BGT_OK);
    cr_assert_eq(b.schedule(b.ctx, &next), BGT_OK);
    cr_assert_eq(host_store_pending(h, &got, NULL), BGT_WORKER_BLOCKED);
    cr_assert_eq(got.delay_ms, 60000, "the core's delay is reported unscaled");
    usleep(20000);
    t0 = b.now_ms(b.ctx);
    host_store_worker_finished(h);
    cr_assert_eq(host_store_pending(h, NULL, &due), BGT_WORKER_ENQUEUED);
    cr_assert(due >= t0 + 100 && due <= t0 + 150, "due %lld, finished %lld", (long long)due,
              (long long)t0);
    /* No successor: the worker is gone after the run. */
    cr_assert_eq(b.cancel(b.ctx), BGT_OK);
    cr_assert_eq(b.schedule(b.ctx, &first), BGT_OK);
    cr_assert_eq(host_store_worker_started(h), BGT_OK);
    host_store_worker_finished(h);
    cr_assert_eq(host_store_pending(h, NULL, NULL), BGT_WORKER_NONE);
    cr_assert_eq(host_store_scaled_delay(h, 15 * 60000), 1500);
    host_store_free(h);
}

/* ---- real processes -------------------------------------------------------------------------- */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Start bgt-host with argv (NULL-terminated, without argv[0]); stderr goes to dir/log. */
static pid_t spawn(const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    pid_t pid;
    argv[n++] = BGT_HOST_EXE;
    while (*args && n < 31)
        argv[n++] = *args++;
    argv[n] = NULL;
    fflush(NULL);
    cr_assert_geq(pid = fork(), 0);
    if (pid == 0) {
        int fd = open(at("log"), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0)
            dup2(fd, 2);
        if (chdir(dir) != 0)
            _exit(126);
        execv(BGT_HOST_EXE, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static int wait_exit(pid_t pid)
{
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "bgt-host did not exit normally (status %#x)", status);
    return WEXITSTATUS(status);
}

static int count_lines(const char *rel, const char *want)
{
    FILE *f = fopen(at(rel), "r");
    char line[256];
    int n = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (!want || strstr(line, want))
            n++;
    fclose(f);
    return n;
}

Test(host_rt, a_real_process_runs_its_tasks_on_time_and_restores_them)
{
    const char *first[] = { "-r", "reg.bin", "-t", "tick=echo \"$BGT_TASK_NAME\" >> out",
                            "-t", "fails=exit 3", "-i", "1", "--minute-ms", "150",
                            "-N", "3", "--route4", "route4", "--route6", "none",
                            "--power-supply", "none", NULL };
    const char *again[] = { "-r", "reg.bin", "-t", "tick=echo again >> out", "-n",
                            "-N", "1", "--minute-ms", "150", "--route4", "route4",
                            "--route6", "none", "--power-supply", "none", NULL };
    int64_t t0, took;
    put_file("route4", ROUTE4_HEADER "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
    t0 = mono_ms();
    cr_assert_eq(wait_exit(spawn(first)), 0);
    took = mono_ms() - t0;
    cr_assert_eq(count_lines("out", "tick"), 3, "three runs of the 1-minute task");
    /* 3 runs, each 1 core minute = 150 ms after the previous one finished (APPEND). */
    cr_assert(took >= 450 && took < 5000, "took %lld ms", (long long)took);
    cr_assert_eq(count_lines("log", "task 'fails': exit status 3"), 3);
    cr_assert_eq(count_lines("log", "worker: next run in 1 min (150 ms real)"), 3);
    /* A new process defines the task again, registers nothing, and serves the registry. */
    cr_assert_eq(wait_exit(spawn(again)), 0);
    cr_assert_eq(count_lines("out", "again"), 1);
    cr_assert_eq(count_lines("log", "started: preset current/android, 2 task(s)"), 1);
}

Test(host_rt, an_unmet_network_constraint_holds_the_worker_back)
{
    const char *args[] = { "-r", "reg.bin", "-t", "t=echo ran >> out", "-i", "1",
                           "--minute-ms", "50", "--recheck-ms", "30", "-N", "1",
                           "--route4", "route4", "--route6", "none", "--power-supply", "none",
                           NULL };
    pid_t pid;
    put_file("route4", ROUTE4_HEADER);
    pid = spawn(args);
    usleep(400000);
    cr_assert_eq(count_lines("out", NULL), 0, "no network: nothing ran");
    put_file("route4", ROUTE4_HEADER "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
    cr_assert_eq(wait_exit(pid), 0);
    cr_assert_eq(count_lines("out", "ran"), 1);
    cr_assert_eq(count_lines("log", "held back: constraint unmet: network"), 1, "logged once");
}

Test(host_rt, sigterm_stops_the_server_cleanly)
{
    const char *args[] = { "-r", "reg.bin", "-t", "t=true", "-i", "60", NULL };
    pid_t pid = spawn(args);
    usleep(200000);
    cr_assert_eq(kill(pid, SIGTERM), 0);
    cr_assert_eq(wait_exit(pid), 0);
    cr_assert_eq(count_lines("log", "signal 15"), 1);
}

Test(host_rt, usage_errors_exit_64)
{
    const char *no_registry[] = { "-t", "t=true", NULL };
    const char *bad_task[] = { "-r", "reg.bin", "-t", "noequals", NULL };
    const char *bad_switch[] = { "-r", "reg.bin", "--set", "no_such_switch=1", NULL };
    cr_assert_eq(wait_exit(spawn(no_registry)), 64);
    cr_assert_eq(wait_exit(spawn(bad_task)), 64);
    cr_assert_eq(wait_exit(spawn(bad_switch)), 64);
    cr_assert_eq(count_lines("log", "unknown policy switch"), 1);
}

/* ---- kill -9 during saves -------------------------------------------------------------------- */

#define KILL_ROUNDS 200
#define BASE_TASKS 120

static int noop(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    (void)user;
    (void)call;
    (void)duration_ms;
    return BGT_RESULT_SUCCESS;
}

static char long_names[BASE_TASKS + 1][BGT_NAME_MAX + 1];

static void make_names(void)
{
    int i;
    for (i = 0; i <= BASE_TASKS; i++) {
        memset(long_names[i], 'a' + i % 26, BGT_NAME_MAX);
        long_names[i][BGT_NAME_MAX] = '\0';
        snprintf(long_names[i], 8, "t%03d", i);
        long_names[i][4] = '-';
    }
}

/* Files in dir whose name starts with `prefix`. */
static int count_files(const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    cr_assert_not_null(d);
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static bgt *open_core(const char *path, host_store **h, int *start_rc)
{
    bgt_policy pol;
    bgt_backend b;
    bgt *core;
    int i;
    cr_assert_eq(host_store_create(path, h), BGT_OK);
    host_store_set_quiet(*h, true);
    cr_assert_eq(bgt_policy_preset("current", BGT_PLATFORM_ANDROID, &pol), BGT_OK);
    b = host_store_backend(*h);
    cr_assert_eq(bgt_create(&b, &pol, &core), BGT_OK);
    for (i = 0; i <= BASE_TASKS; i++)
        bgt_define_task(core, long_names[i], noop, NULL);
    *start_rc = bgt_process_start(core, 0);
    return core;
}

/* The victim: registers the extra task and unregisters it, forever; every call is one save of a
 * ~31 KiB registry. It never returns. */
static void churn(const char *path)
{
    host_store *h;
    int rc;
    bgt *core = open_core(path, &h, &rc);
    if (rc != BGT_OK)
        _exit(3);
    for (;;) {
        if (bgt_register_task(core, long_names[BASE_TASKS], NULL) != BGT_OK ||
            bgt_unregister_task(core, long_names[BASE_TASKS]) != BGT_OK)
            _exit(4);
    }
}

Test(host_rt, kill_9_during_saves_never_loses_the_registry)
{
    char path[128];
    int round, seen_old = 0, seen_new = 0, torn_tmp = 0, i;
    int64_t t0 = mono_ms();
    unsigned seed = 12345;
    host_store *h;
    bgt *core;
    int rc;
    make_names();
    snprintf(path, sizeof path, "%s/reg.bin", dir);
    core = open_core(path, &h, &rc);
    cr_assert_eq(rc, BGT_OK);
    for (i = 0; i < BASE_TASKS; i++)
        cr_assert_eq(bgt_register_task(core, long_names[i], NULL), BGT_OK);
    bgt_free(core);
    host_store_free(h);

    /* Past KILL_ROUNDS only while no kill has landed inside a save yet (a loaded machine, or an ASan
     * build, can miss 200 times: CI once did), up to 5 times as many rounds. */
    for (round = 0; round < KILL_ROUNDS || (torn_tmp == 0 && round < 5 * KILL_ROUNDS); round++) {
        pid_t pid;
        int status;
        size_t n;
        fflush(NULL);
        cr_assert_geq(pid = fork(), 0);
        if (pid == 0)
            churn(path);
        seed = seed * 1103515245u + 12345u;
        usleep(2000 + (seed >> 8) % 8000); /* 2..10 ms: a few dozen saves in, mid-save or not */
        cr_assert_eq(kill(pid, SIGKILL), 0);
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "round %d: the victim exited by itself (status %#x)", round, status);
        if (count_files("reg.bin.tmp-") > 0)
            torn_tmp++;
        core = open_core(path, &h, &rc);
        cr_assert_eq(rc, BGT_OK, "round %d: registry unreadable after kill -9: %s", round,
                     bgt_strerror(rc));
        n = bgt_task_count(core);
        cr_assert(n == BASE_TASKS || n == BASE_TASKS + 1, "round %d: %zu tasks", round, n);
        for (i = 0; i < BASE_TASKS; i++)
            cr_assert_eq(bgt_is_registered(core, long_names[i]), 1, "round %d: lost task %d",
                         round, i);
        if (n == BASE_TASKS)
            seen_old++;
        else
            seen_new++;
        bgt_free(core);
        host_store_free(h);
    }
    cr_log_info("kill -9 x%d in %lld ms: %d old, %d new, %d with a temp file left behind",
                round, (long long)(mono_ms() - t0), seen_old, seen_new, torn_tmp);
    fprintf(stderr, "kill -9 x%d in %lld ms: %d old registry, %d new, %d left a temp file\n",
            round, (long long)(mono_ms() - t0), seen_old, seen_new, torn_tmp);
    cr_assert_gt(torn_tmp, 0, "no kill landed inside a save: the test proves nothing");
}

/* ---- several bgt-host processes saving one registry ------------------------------------------ */

#define WRITERS 4
#define WRITER_TASKS 4
#define WRITER_ROUNDS 12

/* Every round starts WRITERS bgt-host processes at once on a fresh registry; each registers
 * WRITER_TASKS tasks of its own (one save each) and exits. In every third round some are killed
 * (SIGKILL) a few milliseconds in. Afterwards the registry must load, hold every task of every
 * writer that exited normally (whatever the others did) and nothing nobody registered. Before the
 * writers locked and merged, each wrote the registry it had read at its start plus its own tasks
 * to the same <path>.tmp: registrations were lost in nearly every round. */
Test(host_rt, concurrent_writers_lose_no_registration)
{
    char path[128];
    int round, lost_rounds = 0, killed = 0, completed = 0, failed = 0;
    unsigned seed = 777;
    int64_t t0 = mono_ms();
    snprintf(path, sizeof path, "%s/reg.bin", dir);
    for (round = 0; round < WRITER_ROUNDS; round++) {
        char names[WRITERS][WRITER_TASKS][16], specs[WRITERS][WRITER_TASKS][24];
        const char *args[WRITERS][2 * WRITER_TASKS + 8];
        pid_t pid[WRITERS];
        bool ok[WRITERS];
        host_store *h;
        bgt *core;
        bgt_policy pol;
        bgt_backend b;
        int w, k, rc, lost = 0;
        unlink(path);
        for (w = 0; w < WRITERS; w++) {
            size_t n = 0;
            args[w][n++] = "-q";
            args[w][n++] = "-r";
            args[w][n++] = "reg.bin";
            args[w][n++] = "--set";
            args[w][n++] = "schedule_on_register=0"; /* no worker: --exit-when-idle exits at once */
            args[w][n++] = "--exit-when-idle";
            for (k = 0; k < WRITER_TASKS; k++) {
                snprintf(names[w][k], sizeof names[w][k], "r%dw%dt%d", round, w, k);
                snprintf(specs[w][k], sizeof specs[w][k], "r%dw%dt%d=true", round, w, k);
                args[w][n++] = "-t";
                args[w][n++] = specs[w][k];
            }
            args[w][n] = NULL;
        }
        for (w = 0; w < WRITERS; w++)
            pid[w] = spawn(args[w]);
        if (round % 3 == 2) {
            seed = seed * 1103515245u + 12345u;
            usleep(1000 + (seed >> 8) % 6000); /* 1..7 ms: mid-registration or not */
            for (w = 0; w < WRITERS; w += 2)
                kill(pid[w], SIGKILL);
        }
        for (w = 0; w < WRITERS; w++) {
            int status;
            cr_assert_eq(waitpid(pid[w], &status, 0), pid[w]);
            ok[w] = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (!ok[w] && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
                failed++; /* before the lock: a rename of another writer's <path>.tmp, exit 73 */
            killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
            completed += ok[w];
        }
        cr_assert_eq(host_store_create(path, &h), BGT_OK);
        host_store_set_quiet(h, true);
        cr_assert_eq(bgt_policy_preset("current", BGT_PLATFORM_ANDROID, &pol), BGT_OK);
        b = host_store_backend(h);
        cr_assert_eq(bgt_create(&b, &pol, &core), BGT_OK);
        rc = bgt_process_start(core, 0);
        cr_assert_eq(rc, BGT_OK, "round %d: the registry does not load: %s", round, bgt_strerror(rc));
        for (w = 0; w < WRITERS; w++)
            for (k = 0; ok[w] && k < WRITER_TASKS; k++)
                lost += !bgt_is_registered(core, names[w][k]);
        for (size_t i = 0; i < bgt_task_count(core); i++) {
            const char *name;
            int rw = -1, ww = -1, tk = -1;
            cr_assert_eq(bgt_task_at(core, i, &name, NULL), BGT_OK);
            cr_assert(sscanf(name, "r%dw%dt%d", &rw, &ww, &tk) == 3 && rw == round && ww >= 0 && ww < WRITERS &&
                          tk >= 0 && tk < WRITER_TASKS,
                      "round %d: a task nobody registered: %s", round, name);
        }
        lost_rounds += lost > 0;
        cr_expect_eq(lost, 0, "round %d: %d registrations of writers that completed are lost", round, lost);
        bgt_free(core);
        host_store_free(h);
    }
    fprintf(stderr,
            "%d rounds of %d writers in %lld ms: %d completed, %d killed, %d failed, %d rounds lost registrations\n",
            WRITER_ROUNDS, WRITERS, (long long)(mono_ms() - t0), completed, killed, failed, lost_rounds);
    cr_expect_eq(failed, 0, "%d writers failed (see %s/log)", failed, dir);
    cr_assert_gt(killed, 0, "no writer was killed: the test proves less than it says");
}
