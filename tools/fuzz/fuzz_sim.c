/*
 * fuzz_sim.c - runs the simulation on scenarios generated from the input, and checks the trace
 * with the independent oracle (tools/oracle/oracle.h).
 *
 * The input is a stream of choices, not YAML text: each byte picks the next thing of the schema
 * (scenarios/README.md): the platform, the os keys of that platform, every device model section
 * (battery, network, settings, kills), user.usage, the app's policy and switches, and 1 to 3
 * tasks with intervals and work distributions. Each optional key is one byte: written or not, and
 * which of its values (each list holds valid values and a few edge values). Keys are drawn for the
 * chosen platform only, so nearly every input loads. Last come 0 to 6 scripted events (`events:`, the
 * platform's actions, at instants within the shortest span) and maybe `randomness: none`, read after
 * everything else (an input that runs out before has none) and the fuzzer spends its time in the models,
 * not in the loader (fuzz_load covers that). An input that runs out reads zeros: the defaults.
 * Every byte is read in its own statement (never two picks in one call's arguments, whose order C
 * leaves to the compiler), so an input means the same scenario to clang's fuzzer and to the gcc
 * build's replay.
 * The simulated span is at most 3 days, so one input runs in tens of milliseconds (up to a few
 * seconds under ASan for a zero interval: ~250,000 runs). Fixed work lasts at least 1 s: with a
 * zero interval, zero-length work only spins to the runner's stall limit (RUN_MAX_FIRES_AT_INSTANT)
 * and 1 ms work to the record's limit (REP_MAX_TASK_RUNS, 1 GiB), both tested elsewhere
 * (tests/scenario/test_limits.c) and each costing the fuzzer tens of seconds or an OOM.
 *
 * Oracles: a scenario that loads runs with RUN_OK or RUN_ERR_INVALID (a documented limit: the stall
 * of one instant, the record's task runs; the CLI's 65), never another status (70/74); the
 * trace (written to memory) passes every invariant of the oracle; and ASan/UBSan see nothing.
 * When the oracle fails, the generated YAML and the violations are printed before the abort.
 */
#define _GNU_SOURCE /* open_memstream */
#include <stdarg.h>
#include <string.h>

#include "fuzz_target.h"
#include "oracle.h"
#include "run.h"
#include "scn_scenario.h"

#define MAX_SIM_MS (3LL * 24 * 3600 * 1000)

typedef struct gen {
    const uint8_t *p, *end;
    char *text;
    size_t len, cap;
} gen;

static unsigned next(gen *g) { return g->p < g->end ? *g->p++ : 0; }

/* One of n choices. */
static unsigned pick(gen *g, unsigned n) { return next(g) % n; }

static void put(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(gen *g, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(g->text + g->len, g->cap - g->len, fmt, ap);
        va_end(ap);
        fuzz_check(n >= 0, "vsnprintf");
        if ((size_t)n < g->cap - g->len) {
            g->len += (size_t)n;
            return;
        }
        g->cap = (g->cap + (size_t)n) * 2;
        g->text = realloc(g->text, g->cap);
        fuzz_check(g->text != NULL, "realloc");
    }
}

#define N(a) (sizeof(a) / sizeof(a)[0])

/* An optional key: one byte; 0 (and an exhausted input) leaves it out, else value (b - 1) % n. */
static void opt_key(gen *g, const char *indent, const char *key, const char *const *values, size_t n)
{
    unsigned b = next(g);
    if (b == 0)
        return;
    put(g, "%s%s: %s\n", indent, key, values[(b - 1) % n]);
}
#define OPT(g, indent, key, values) opt_key(g, indent, key, values, N(values))

static const char *const durations_short[] = {"0s", "1ms", "1s", "30s", "3m", "10m", "30m"};
static const char *const durations_mid[] = {"1m", "5m", "15m", "30m", "1h", "4h", "12h", "1d"};
static const char *const pcts[] = {"0%", "1%", "5%", "15%", "20%", "50%", "80%", "99.9%", "100%"};
static const char *const rates[] = {"0%", "0.3%", "1%", "5%", "12%", "60%", "100%"};
static const char *const probs[] = {"0", "1%", "10%", "50%", "90%", "100%"};
static const char *const bools[] = {"true", "false"};
static const char *const dists[] = {
    "1s", "5s", "{ fixed: 10s }", "{ uniform: [1s, 3s] }", "{ exponential: { mean: 20s } }",
    "{ lognormal: { median: 8s, sigma: 0.5 } }", "{ normal: { mean: 10s, sd: 2s } }",
    "{ weibull: { scale: 10s, shape: 1.5 } }", "{ uniform: [3m, 12m] }", "{ exponential: { mean: 30m } }",
};
static const char *const windows[] = {
    "always", "never", "[{ from: \"18:30\", to: \"08:00\" }]", "[{ days: weekend, all_day: true }]",
    "[{ days: weekdays, from: \"09:00\", to: \"17:30\" }]", "[{ days: [mon, wed], from: \"00:00\", to: \"23:59\" }]",
    "[{ from: \"23:30\", to: \"06:30\" }, { from: \"12:00\", to: \"12:05\" }]",
};
static const char *const buckets[] = {"exempted", "active", "working_set", "frequent", "rare", "restricted"};

static void gen_os(gen *g, unsigned platform, bool *processing_after_fq)
{
    *processing_after_fq = false;
    if (platform == 2 || pick(g, 4) == 0)
        return;
    put(g, "os:\n");
    if (platform == 0) {
        OPT(g, "  ", "bucket", buckets);
        if (pick(g, 2)) {
            put(g, "  doze:\n");
            OPT(g, "    ", "enabled", bools);
            OPT(g, "    ", "inactive_timeout", durations_mid);
            OPT(g, "    ", "idle_timeout", durations_mid);
            OPT(g, "    ", "light_after_inactive_timeout", durations_short);
            OPT(g, "    ", "quick_doze", bools);
            OPT(g, "    ", "min_deep_maintenance_time", durations_short);
            OPT(g, "    ", "jobs_delay", durations_short);
            put(g, "    sensing_time: 3s\n");
        }
        if (pick(g, 2)) {
            static const char *const ints[] = {"0", "1", "3", "10", "75"};
            put(g, "  quota:\n");
            put(g, "    window: { rare: %s }\n", durations_mid[pick(g, N(durations_mid))]);
            const char *rare = ints[pick(g, N(ints))];
            put(g, "    max_sessions: { rare: %s, active: %s }\n", rare, ints[pick(g, N(ints))]);
            put(g, "    allowed_time: { frequent: %s }\n", durations_short[1 + pick(g, N(durations_short) - 1)]);
            OPT(g, "    ", "in_quota_buffer", durations_short);
        }
        if (pick(g, 2)) {
            static const char *const backoffs[] = {"10s", "30s", "5m", "5h"};
            static const char *const ratios[] = {"0", "1", "3"};
            put(g, "  jobs:\n");
            OPT(g, "    ", "runtime_limit", durations_mid);
            OPT(g, "    ", "batch_delay", durations_short);
            OPT(g, "    ", "backoff", backoffs);
            OPT(g, "    ", "system_stop_ratio", ratios);
        }
        put(g, "  version: %u\n", 9 + pick(g, 8));
        return;
    }
    static const char *const requests[] = {"processing", "refresh"};
    static const char *const limits[] = {"0s", "15m", "6h", "7d"};
    static const char *const within[] = {"1h", "7d", "14d"};
    unsigned version = 13 + pick(g, 14);
    put(g, "  version: %u\n", version);
    OPT(g, "  ", "request", requests);
    OPT(g, "  ", "idle_after", durations_short);
    OPT(g, "  ", "processing_on_battery", bools);
    unsigned fq = pick(g, 3);
    if (fq)
        put(g, "  force_quit_blocks_processing: %s\n", fq == 1 ? "true" : "false");
    *processing_after_fq = fq == 2 || (fq == 0 && version >= 19);
    OPT(g, "  ", "processing_used_within", within);
    OPT(g, "  ", "critical_battery", pcts);
    OPT(g, "  ", "processing_rate_limit", limits);
    OPT(g, "  ", "refresh_rate_limit", limits);
    OPT(g, "  ", "processing_delay", dists);
    OPT(g, "  ", "early_expiry", probs);
    OPT(g, "  ", "processing_time_limit", dists);
    OPT(g, "  ", "usage_half_life", within);
    OPT(g, "  ", "threshold_relax", durations_mid);
    OPT(g, "  ", "energy_budget", durations_short);
    OPT(g, "  ", "launch_cost", durations_short);
    OPT(g, "  ", "data_budget", durations_short);
}

static void gen_battery(gen *g, unsigned platform)
{
    if (!pick(g, 2))
        return;
    put(g, "  battery:\n");
    OPT(g, "    ", "initial", pcts);
    if (pick(g, 2)) {
        const char *d[5];
        for (size_t i = 0; i < 5; i++)
            d[i] = rates[pick(g, N(rates))];
        put(g, "    drain: { screen_on: %s, idle: %s, dozing: %s, worker: %s, network: %s }\n", d[0], d[1], d[2], d[3],
            d[4]);
    }
    if (pick(g, 2)) {
        const char *rate = rates[pick(g, N(rates))];
        const char *taper_at = pcts[pick(g, N(pcts))];
        put(g, "    charge: { rate: %s, taper_at: %s, taper_rate: %s }\n", rate, taper_at, rates[pick(g, N(rates))]);
    }
    if (pick(g, 2)) {
        static const char *const lows[][2] = {{"15%", "20%"}, {"0.1%", "0.1%"}, {"50%", "50%"}, {"5%", "100%"}};
        unsigned k = pick(g, N(lows));
        put(g, "    low: { level: %s, okay: %s, plug_clears: %s }\n", lows[k][0], lows[k][1], bools[pick(g, 2)]);
    }
    if (pick(g, 2))
        put(g, "    watch: [%s, 50%%]\n", pcts[pick(g, N(pcts))]);
    static const char *const charging[] = {
        "never",
        "{ nightly: never }",
        "{ nightly: { from: \"23:30\", to: \"07:00\", jitter: 30m, probability: 90% } }",
        "{ nightly: { from: \"01:00\", to: \"01:30\", jitter: 0s, probability: 100% } }",
        "{ top_ups: { per_day: 3, duration: { uniform: [15m, 45m] }, between: [\"09:00\", \"21:00\"] } }",
        "{ nightly: never, top_ups: { per_day: 1000, duration: 1m } }",
    };
    OPT(g, "    ", "charging", charging);
    if (pick(g, 2)) {
        put(g, "    power_save:\n");
        if (pick(g, 2))
            put(g, "      manual: [{ from: \"12:00\", to: \"13:00\" }]\n");
        if (platform == 1) {
            static const char *const prompts[] = {"[20%, 10%]", "[99%]", "[]"};
            OPT(g, "      ", "prompt_at", prompts);
            OPT(g, "      ", "accept", probs);
            OPT(g, "      ", "off_at", pcts);
        } else {
            OPT(g, "      ", "trigger", pcts);
        }
    }
}

static void gen_network(gen *g)
{
    if (!pick(g, 2))
        return;
    put(g, "  network:\n");
    OPT(g, "    ", "wifi", windows);
    OPT(g, "    ", "work_wifi", windows);
    OPT(g, "    ", "cellular", bools);
    OPT(g, "    ", "airplane", windows);
    if (pick(g, 2)) {
        static const char *const per_day[] = {"0", "2", "24", "1440"};
        const char *per = per_day[pick(g, N(per_day))];
        put(g, "    outages: { per_day: %s, duration: %s }\n", per, dists[pick(g, N(dists))]);
    }
}

static void gen_settings(gen *g, unsigned platform)
{
    if (!pick(g, 2))
        return;
    put(g, "  settings:\n");
    const char *key = platform == 0 ? "battery_optimization_exempt" : "background_app_refresh";
    OPT(g, "    ", key, bools);
    if (platform == 2)
        OPT(g, "    ", "battery_optimization_exempt", bools);
    unsigned n = pick(g, 4);
    if (n) {
        put(g, "    changes:\n");
        for (unsigned i = 0; i < n; i++) {
            const char *at = durations_mid[pick(g, N(durations_mid))];
            put(g, "      - { at: %s, %s: %s }\n", at, key, bools[pick(g, 2)]);
        }
    }
}

static void gen_kills(gen *g, unsigned platform)
{
    if (!pick(g, 2))
        return;
    static const char *const per_week[] = {"0", "0.5", "3", "50", "10000"};
    put(g, "  kills:\n");
    if (pick(g, 2))
        put(g, "    swipes: { per_week: %s }\n", per_week[pick(g, N(per_week))]);
    if (platform != 1 && pick(g, 2))
        put(g, "    force_stops: { per_week: %s }\n", per_week[pick(g, N(per_week))]);
    if (pick(g, 2))
        put(g, "    low_memory: { after_background: %s }\n", dists[pick(g, N(dists))]);
    if (platform != 1) {
        static const char *const oems[] = {
            "stock", "samsung", "xiaomi", "huawei", "oneplus", "oppo", "vivo",
            "{ profile: xiaomi, kill_after_background: 10m, swipe_is_force_stop: true }",
            "{ profile: stock, kill_after_background: never, kill_on_screen_off: true }",
        };
        OPT(g, "    ", "oem", oems);
    }
    if (pick(g, 2)) {
        const char *per = per_week[pick(g, N(per_week))];
        put(g, "    reboots: { per_week: %s, downtime: %s }\n", per, durations_mid[pick(g, N(durations_mid))]);
    }
    if (pick(g, 2))
        put(g, "    updates: { every: 1d, at: \"03:00\", downtime: %s }\n", durations_short[pick(g, N(durations_short))]);
}

static void gen_usage(gen *g)
{
    if (!pick(g, 2))
        return;
    static const char *const scales[] = {"0", "0.5", "1", "4", "100"};
    put(g, "user:\n  usage:\n");
    size_t mark = g->len;
    if (pick(g, 2))
        put(g, "    sleep: { from: \"23:00\", to: \"07:00\", jitter: %s }\n", durations_short[pick(g, 5)]);
    if (pick(g, 2)) {
        const char *scale = scales[pick(g, N(scales))];
        put(g, "    sessions: { scale: %s, duration: %s }\n", scale, dists[pick(g, N(dists))]);
    }
    if (pick(g, 2)) {
        const char *per = probs[pick(g, N(probs))];
        put(g, "    app_opens: { per_session: %s, duration: %s }\n", per, dists[pick(g, N(dists))]);
    }
    if (pick(g, 2))
        put(g, "    motion: { commute: [{ from: \"08:00\", to: \"08:40\" }], moving_sessions: %s }\n",
            probs[pick(g, N(probs))]);
    if (g->len == mark)
        put(g, "    sleep: {}\n");
}

static void gen_app(gen *g)
{
    static const char *const policies[] = {"current", "sdk52"};
    static const char *const pplat[] = {"android", "ios"};
    static const char *const mins[] = {"0", "1", "15", "60", "1440"};
    static const char *const intervals[] = {"15m", "1m", "0s", "30m", "6h", "1d"};
    put(g, "app:\n");
    OPT(g, "  ", "policy", policies);
    OPT(g, "  ", "policy_platform", pplat);
    static const char *const opens[] = {"0s", "1s", "30s", "3m"};
    static const unsigned open_s[] = {0, 1, 30, 180};
    unsigned first_open = pick(g, N(opens));
    put(g, "  first_open: %s\n", opens[first_open]);
    OPT(g, "  ", "foreground_for", durations_mid);
    if (pick(g, 2)) {
        static const char *const switches[] = {
            "require_network", "require_battery_not_low", "require_charging", "schedule_on_register",
            "worker_only_in_background", "keep_pending_worker", "successor_append", "reschedule_on_expiry",
            "unregister_undefined_on_fire", "reregister_updates_options", "strict_register",
            "interval_change_reschedules", "restricted",
        };
        static const char *const num_switches[] = {"foreground_defer_cap_min", "interval_floor_min",
                                                   "default_interval_min", "retry_failed_after_min"};
        put(g, "  switches:\n");
        for (size_t i = 0; i < N(switches); i++)
            OPT(g, "    ", switches[i], bools);
        for (size_t i = 0; i < N(num_switches); i++)
            opt_key(g, "    ", num_switches[i], mins + (i == 2), N(mins) - (i == 2)); /* default_interval_min >= 1 */
    }
    put(g, "  tasks:\n");
    unsigned n = 1 + pick(g, 3);
    for (unsigned i = 0; i < n; i++) {
        put(g, "    - name: t%u\n", i);
        OPT(g, "      ", "minimum_interval", intervals);
        put(g, "      register_at: %us\n", open_s[first_open] + pick(g, 60));
        if (pick(g, 4) == 0)
            put(g, "      unregister_at: 1h\n");
        put(g, "      work:\n        duration: %s\n", dists[pick(g, N(dists))]);
        OPT(g, "        ", "failure_probability", probs);
        if (pick(g, 2))
            put(g, "        network: required\n");
    }
}

/* `events:` (sim/scenario/scn_events.h): 0 to 6 of the platform's actions, at instants before 2 h
 * (the shortest span), then maybe `randomness: none`. A zero byte (an input that has run out):
 * none of either. */
static void gen_events(gen *g, unsigned platform)
{
    static const char *const ats[] = {"0s", "1ms", "1s", "1m", "10m", "30m", "59m59s", "90m"};
    static const char *const any[] = {
        "do: open", "do: close", "do: swipe", "do: plug", "do: unplug", "do: reboot", "do: reboot, downtime: 30m",
        "do: reboot, downtime: 0s", "do: battery_level, level: 15%", "do: battery_level, level: 0%",
        "do: battery_level, level: 100%", "do: network, state: none", "do: network, state: cellular",
        "do: network, state: wifi", "do: network, state: schedule",
    };
    static const char *const android[] = {"do: force_stop", "do: battery_saver, enabled: true",
                                          "do: battery_saver, enabled: false",
                                          "do: battery_optimization_exempt, enabled: true",
                                          "do: battery_optimization_exempt, enabled: false"};
    static const char *const ios[] = {"do: background_app_refresh, enabled: false",
                                      "do: background_app_refresh, enabled: true", "do: low_power_mode, enabled: true",
                                      "do: low_power_mode, enabled: false"};
    unsigned n = pick(g, 7);
    if (n)
        put(g, "events:\n");
    for (unsigned i = 0; i < n; i++) {
        const char *at = ats[pick(g, N(ats))];
        unsigned kind = pick(g, 4);
        if (kind == 1 && platform != 1) {
            put(g, "  - { at: %s, %s }\n", at, android[pick(g, N(android))]);
        } else if (kind == 2 && platform != 0) {
            put(g, "  - { at: %s, %s }\n", at, ios[pick(g, N(ios))]);
        } else if (kind == 3 && platform == 0) {
            put(g, "  - { at: %s, do: standby_bucket, bucket: %s }\n", at, buckets[pick(g, N(buckets))]);
        } else {
            put(g, "  - { at: %s, %s }\n", at, any[pick(g, N(any))]);
        }
    }
    if (pick(g, 2))
        put(g, "randomness: none\n");
}

/* Builds a scenario from the input; returns its platform (0 android, 1 ios, 2 ideal). */
static unsigned generate(gen *g, bool *processing_after_fq)
{
    static const char *const platforms[] = {"android", "ios", "ideal"};
    static const char *const starts[] = {"2026-01-05T07:00", "2026-01-10T23:59:59", "2026-03-29T01:30",
                                         "2024-02-29T12:00"};
    static const char *const spans[] = {"1d", "3d", "2h", "12h", "2d"};
    unsigned platform = pick(g, 3);
    put(g, "bgsim: 1\nname: fuzz\nplatform: %s\n", platforms[platform]);
    unsigned seed = next(g);
    seed |= next(g) << 8;
    put(g, "seed: %u\n", seed);
    const char *start = starts[pick(g, N(starts))];
    put(g, "start: %s\nduration: %s\n", start, spans[pick(g, N(spans))]);
    gen_os(g, platform, processing_after_fq);
    put(g, "device:\n");
    size_t mark = g->len;
    gen_battery(g, platform);
    gen_network(g);
    gen_settings(g, platform);
    gen_kills(g, platform);
    if (g->len == mark)
        put(g, "  kills: {}\n"); /* an empty section: the models' defaults */
    gen_usage(g);
    gen_app(g);
    gen_events(g, platform);
    return platform;
}

typedef struct found {
    char *log;
    size_t len;
    FILE *out;
} found;

static void on_violation(void *ctx, size_t line, const char *check, const char *msg)
{
    found *f = ctx;
    fprintf(f->out, "trace line %zu: %s: %s\n", line, check, msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gen g = {.p = data, .end = data + size, .cap = 4096};
    g.text = malloc(g.cap);
    fuzz_check(g.text != NULL, "malloc");
    g.text[0] = '\0';
    bool processing_after_fq = false;
    unsigned platform = generate(&g, &processing_after_fq);

    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer("fuzz.yaml", g.text, g.len, &diag, &s);
    if (getenv("FUZZ_SIM_SHOW")) {
        fputs(g.text, stderr);
        sch_diag_print(&diag, stderr);
    }
    sch_diag_free(&diag);
    if (rc != 0) {
        free(g.text);
        return 0; /* a combination the schema refuses (fuzz_load covers the loader) */
    }
    char *trace = NULL;
    size_t trace_len = 0;
    FILE *mem = open_memstream(&trace, &trace_len);
    fuzz_check(mem != NULL, "open_memstream");
    run_options opt = run_default_options(s);
    opt.trace = mem;
    if (opt.duration > MAX_SIM_MS)
        opt.duration = MAX_SIM_MS;
    rep_record rec = {0};
    run_outcome out;
    rc = run_scenario(s, &opt, &rec, &out);
    fclose(mem);
    /* run_scenario returns a run_status, not a sysexits code: the documented limits are
     * RUN_ERR_INVALID (the CLI maps it to 65). Comparing with 65 took every limit for a failure. */
    if (rc != RUN_OK && rc != RUN_ERR_INVALID) {
        fputs(g.text, stderr);
        fuzz_fail("run_scenario returned %d", rc);
    }

    static const oracle_platform plats[] = {ORACLE_ANDROID, ORACLE_IOS, ORACLE_IDEAL};
    oracle_options oo = {plats[platform], processing_after_fq};
    found f = {0};
    f.out = open_memstream(&f.log, &f.len);
    fuzz_check(f.out != NULL, "open_memstream");
    size_t bad = oracle_check(trace, trace_len, &oo, on_violation, &f);
    fclose(f.out);
    if (bad) {
        fprintf(stderr, "%s--- %zu violation(s):\n%.4000s", g.text, bad, f.log);
        fuzz_fail("the trace oracle found %zu violation(s)", bad);
    }
    free(f.log);
    free(trace);
    rep_record_free(&rec);
    scn_scenario_free(s);
    free(g.text);
    return 0;
}
