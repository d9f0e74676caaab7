/*
 * test_run_found.c - what the simulation fuzzer (tools/fuzz/fuzz_sim.c) found: runs that ended
 * with an internal error (status 70), traces that broke a promise of the trace oracle
 * (tools/oracle/oracle.c), and a misleading message. Each scenario is a finding minimized by hand
 * (tests/fuzz/sim/ keeps raw inputs); each test failed before its fix.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "rep_record.h"
#include "run.h"
#include "scn_scenario.h"

/* Loads `yaml`, runs it with its trace in memory; returns the status and the trace (caller frees)
 * and, when `message` is not NULL, the run's message (RUN_MESSAGE_MAX bytes). */
static int run_yaml_msg(const char *yaml, char **trace, char *message)
{
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer("found.yaml", yaml, strlen(yaml), &diag, &s);
    sch_diag_print(&diag, stderr);
    sch_diag_free(&diag);
    cr_assert_eq(rc, 0, "the scenario loads");
    size_t len = 0;
    FILE *mem = open_memstream(trace, &len);
    cr_assert(mem != NULL);
    run_options opt = run_default_options(s);
    opt.trace = mem;
    rep_record rec = {0};
    run_outcome out;
    rc = run_scenario(s, &opt, &rec, &out);
    fclose(mem);
    if (message)
        memcpy(message, out.message, RUN_MESSAGE_MAX);
    rep_record_free(&rec);
    scn_scenario_free(s);
    return rc;
}

static int run_yaml(const char *yaml, char **trace) { return run_yaml_msg(yaml, trace, NULL); }

/* The oracle's violations of `trace`, each also printed (so a failure shows which). */
static void print_violation(void *ctx, size_t line, const char *check, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "trace line %zu: %s: %s\n", line, check, msg);
}

static size_t oracle_violations(const char *trace, oracle_platform platform)
{
    oracle_options opt = {platform, false};
    return oracle_check(trace, strlen(trace), &opt, print_violation, NULL);
}

/* How often `needle` occurs in `hay`. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* ideal: a worker killed mid-run is re-run at once; the new process restores the registry, whose
 * REPLACE (zero interval) fell due while that re-run was in progress and started a second worker:
 * the core refused it (busy) and the run ended with status 70. Now it starts when the run ends. */
Test(run_found, ideal_replace_due_during_a_run_waits_for_the_run_to_end)
{
    static const char yaml[] = "bgsim: 1\nplatform: ideal\nduration: 3d\n"
                               "device:\n  battery:\n    power_save: { trigger: 5% }\n  kills: { oem: oneplus }\n"
                               "user:\n  usage:\n    app_opens: { per_session: 90%, duration: { fixed: 10s } }\n"
                               "app:\n  policy_platform: ios\n  tasks:\n"
                               "    - { name: t0, register_at: 13s, work: { network: required } }\n"
                               "    - { name: t1, minimum_interval: 0s, work: { network: required } }\n";
    char *trace = NULL;
    cr_expect_eq(run_yaml(yaml, &trace), 0, "status 0, not an internal error");
    cr_expect(strstr(trace, "\"cause\":\"kill\"") != NULL, "a run was killed (the path of the bug)");
    free(trace);
}

/* iOS, SDK 52 policy: with Background App Refresh off, going to the background schedules, the
 * submit is `unavailable` (expo swallows it, the core logs it), and the runner took the core's
 * backend error as an internal failure: status 70. */
Test(run_found, ios_background_with_refresh_off_is_not_an_internal_error)
{
    static const char yaml[] = "bgsim: 1\nplatform: ios\nduration: 1d\n"
                               "device:\n  settings:\n    changes: [{ at: 4h, background_app_refresh: false }]\n"
                               "app:\n  policy: sdk52\n  tasks:\n"
                               "    - { name: t0, work: { failure_probability: 90% } }\n";
    char *trace = NULL;
    cr_expect_eq(run_yaml(yaml, &trace), 0, "status 0, not an internal error");
    cr_expect(strstr(trace, "\"result\":\"unavailable\"") != NULL, "a submit was refused");
    cr_expect(strstr(trace, "could not schedule the worker") != NULL, "the core logged it");
    free(trace);
}

/* ideal: a reboot killed the worker mid-run, and the ideal OS re-ran it at once, during the
 * downtime (oracle: device-down). Now the request waits for the boot, held as device_down. */
Test(run_found, ideal_holds_a_worker_killed_by_a_reboot_until_the_boot)
{
    static const char yaml[] = "bgsim: 1\nplatform: ideal\nseed: 3\nduration: 2d\n"
                               "device:\n  kills:\n    reboots: { per_week: 50, downtime: 30m }\n"
                               "app:\n  tasks:\n"
                               "    - { name: t0, minimum_interval: 15m, work: { duration: { uniform: [3m, 12m] } } }\n";
    char *trace = NULL;
    cr_assert_eq(run_yaml(yaml, &trace), 0);
    cr_expect(strstr(trace, "\"cause\":\"reboot\"") != NULL, "a reboot killed the app (the path of the bug)");
    cr_expect(count(trace, "\"task.stop\"") > 0, "...during a run");
    cr_expect(strstr(trace, "\"reason\":\"device_down\"") != NULL, "the re-run was held until the boot");
    cr_expect_eq(oracle_violations(trace, ORACLE_IDEAL), 0, "the trace keeps the oracle's promises");
    free(trace);
}

/* The usage model opened the app while the device was down (oracle: device-down, usage.app_open
 * and app.start cause user). Now no session is a visit while down; sessions still happen. */
Test(run_found, the_user_does_not_open_the_app_while_the_device_is_down)
{
    static const char yaml[] = "bgsim: 1\nplatform: ideal\nseed: 3\nduration: 2d\n"
                               "device:\n  kills:\n    reboots: { per_week: 50, downtime: 1h }\n"
                               "user:\n  usage:\n    app_opens: { per_session: 90%, duration: 1m }\n"
                               "app:\n  tasks:\n    - { name: t0, minimum_interval: 15m, work: { duration: 1s } }\n";
    char *trace = NULL;
    cr_assert_eq(run_yaml(yaml, &trace), 0);
    cr_expect(count(trace, "\"device.reboot\"") >= 5, "reboots (the path of the bug)");
    cr_expect(count(trace, "\"usage.app_open\"") >= 20, "the user still opens the app while it is up");
    cr_expect_eq(oracle_violations(trace, ORACLE_IDEAL), 0, "the trace keeps the oracle's promises");
    free(trace);
}

/* The first visit (app.first_open) during a reboot's downtime (an update at 23:30, 30 min down)
 * moves to the boot, its close with it; it came during the downtime before. */
Test(run_found, the_first_open_waits_for_the_boot)
{
    static const char yaml[] = "bgsim: 1\nplatform: ideal\nseed: 3\nstart: 2026-01-05T23:00\nduration: 2d\n"
                               "device:\n  kills:\n    updates: { every: 1d, at: \"23:30\", downtime: 30m }\n"
                               "user:\n  usage:\n    app_opens: { per_session: 0 }\n"
                               "app:\n  first_open: 24h40m\n  foreground_for: 5m\n  tasks:\n"
                               "    - { name: t0, minimum_interval: 15m, register_at: 24h40m, work: { duration: 1s } }\n";
    char *trace = NULL;
    cr_assert_eq(run_yaml(yaml, &trace), 0);
    cr_expect(strstr(trace, "{\"t\":88200000,\"type\":\"device.reboot\"") != NULL, "the update reboots at 24.5 h");
    cr_expect(strstr(trace, "{\"t\":90000000,\"type\":\"app.start\",\"cause\":\"user\"}") != NULL,
              "the first open comes at the boot (25 h), not at 24 h 40 min");
    cr_expect(strstr(trace, "{\"t\":90300000,\"type\":\"app.background\"}") != NULL,
              "and lasts its 5 minutes");
    cr_expect_eq(oracle_violations(trace, ORACLE_IDEAL), 0, "the trace keeps the oracle's promises");
    free(trace);
}

/* Android: the core's foreground guard re-deferred a run (the app in the foreground), then a
 * registration REPLACEd the request with a 15-minute delay (interval_change_reschedules); the next
 * start kept the first `due`, so `delay` counted 15 minutes in which nothing was due nor held
 * (oracle: held; it needed --lenient-due). Now the start is due with the new request. */
Test(run_found, a_replaced_request_brings_its_own_due)
{
    static const char yaml[] = "bgsim: 1\nplatform: android\nseed: 1\nstart: 2026-01-05T10:00\nduration: 2h\n"
                               "os: { bucket: active, doze: { enabled: false } }\n"
                               "app:\n  first_open: 0s\n  foreground_for: 20m\n"
                               "  switches: { interval_change_reschedules: true }\n  tasks:\n"
                               "    - { name: t0, minimum_interval: 15m, register_at: 10s, work: { duration: 1s } }\n"
                               "    - { name: t1, minimum_interval: 15m, register_at: 17m, work: { duration: 1s } }\n";
    char *trace = NULL;
    cr_assert_eq(run_yaml(yaml, &trace), 0);
    /* Without Doze nothing holds the run due at 15 min 10 s (with it, whether light Doze held the run
     * past the REPLACE depended on the user's randomly drawn sessions, and the path was not taken). */
    cr_expect(strstr(trace, "{\"t\":910000,\"type\":\"worker.end\",\"kind\":\"deferred_foreground\"") != NULL,
              "the guard re-deferred the run at 15 min 10 s (the path)");
    cr_expect(strstr(trace, "{\"t\":1020000,\"type\":\"os.defer\",\"reason\":\"none\"}") != NULL,
              "the guard's hold ends with the request it held, at the REPLACE (17 min)");
    /* the request made at 17 min is due at 32 min: that is the next start's due (it was 15 min 10 s,
     * and held.foreground counted the 15 minutes in which nothing was due) */
    cr_expect(strstr(trace, "\"type\":\"worker.start\",\"due\":1920000}") != NULL,
              "the start after the REPLACE is due at 32 min");
    cr_expect_eq(count(trace, "\"due\":910000}"), 1, "only the re-deferred start has the first due");
    cr_expect_eq(oracle_violations(trace, ORACLE_ANDROID), 0, "the trace keeps the oracle's promises");
    free(trace);
}

/* Android, quota.in_quota_buffer 0s: a job whose bucket quota was used up exactly started with
 * limit_ms 0 (oracle: bucket). QuotaController needs some time left (remaining > 0). */
Test(run_found, no_job_starts_with_no_quota_left)
{
    static const char yaml[] = "bgsim: 1\nplatform: android\nseed: 5\nduration: 3d\n"
                               "os:\n  bucket: frequent\n  quota: { in_quota_buffer: 0s }\n"
                               "app:\n  tasks:\n"
                               "    - { name: t0, minimum_interval: 15m, work: { duration: { uniform: [3m, 12m] } } }\n";
    char *trace = NULL;
    cr_assert_eq(run_yaml(yaml, &trace), 0);
    cr_expect(strstr(trace, "\"reason\":\"quota\"") != NULL, "the quota stopped runs (the path)");
    cr_expect(strstr(trace, "\"limit_ms\":0") == NULL, "no start with no quota left");
    cr_expect_eq(oracle_violations(trace, ORACLE_ANDROID), 0, "the trace keeps the oracle's promises");
    free(trace);
}

/* A run that stalls because the core's foreground guard re-defers each start by 0 (zero interval,
 * the app in the foreground) was blamed on zero-length work; the message names the guard now, and
 * still names zero-length work when that is the cause. */
Test(run_found, the_stall_message_names_its_cause)
{
    static const char guard[] = "bgsim: 1\nplatform: ideal\nduration: 1d\n"
                                "app:\n  policy: current\n  first_open: 0s\n  foreground_for: 1h\n  tasks:\n"
                                "    - { name: t0, minimum_interval: 0s, register_at: 10s, work: { duration: 10s } }\n";
    static const char empty[] = "bgsim: 1\nplatform: ideal\nduration: 1d\n"
                                "app:\n  first_open: 0s\n  foreground_for: 1s\n  tasks:\n"
                                "    - { name: t0, minimum_interval: 0s, register_at: 10s, work: { duration: 0s } }\n";
    char message[RUN_MESSAGE_MAX];
    char *trace = NULL;
    cr_assert_eq(run_yaml_msg(guard, &trace, message), RUN_ERR_INVALID);
    free(trace);
    cr_expect(strstr(message, "foreground guard") != NULL, "names the guard: %s", message);
    cr_expect(strstr(message, "zero-length work") == NULL, "not zero-length work: %s", message);
    trace = NULL;
    cr_assert_eq(run_yaml_msg(empty, &trace, message), RUN_ERR_INVALID);
    free(trace);
    cr_expect(strstr(message, "zero-length work") != NULL, "names zero-length work: %s", message);
}
