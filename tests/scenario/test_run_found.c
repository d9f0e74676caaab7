/*
 * test_run_found.c - runs that ended with an internal error (status 70) until the simulation
 * fuzzer (tools/fuzz/fuzz_sim.c) found them; each scenario is the fuzzer's input minimized by
 * hand, and tests/fuzz/sim/ keeps the raw input. Both failed before their fix.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "rep_record.h"
#include "run.h"
#include "scn_scenario.h"

/* Loads `yaml`, runs it with its trace in memory; returns the status and the trace (caller frees). */
static int run_yaml(const char *yaml, char **trace)
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
    rep_record_free(&rec);
    scn_scenario_free(s);
    return rc;
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
