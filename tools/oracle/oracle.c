/*
 * oracle.c - the trace oracle (oracle.h): its own JSON Lines reader and the invariants.
 *
 * Deliberately independent of the simulator: libc only, no header of sim/, models/ or core/. Each
 * invariant below names where the documentation promises it; tools/oracle/README.md lists them
 * and tests/oracle/bad/ holds, for each, a hand-made trace that breaks it (ctest oracle-catches).
 *
 *  time          every line's `t` is >= 0 and never smaller than the line before
 *                (TRACE.md: "one line per event, in the order events happen")
 *  json          every line is a flat JSON object with an integer `t` and a string `type`
 *                (TRACE.md: "Every line has: t ... type")
 *  run-ends      a worker.start comes only when no run is in progress; a run ends with worker.end
 *                or with the process (app.kill: "a worker run in progress dies with it"), or the
 *                trace ends; a worker.end always closes a started run (TRACE.md worker.*, app.kill)
 *  due           worker.start's `due` is not after its `t` (TRACE.md: "when the core's request
 *                first became due")
 *  held          at worker.start the OS holds nothing (the os.defer span ends first), and every
 *                millisecond from due to start is accounted for once: held back (an os.defer span
 *                whose reason is not `none`) or spent in an earlier run for the same due (a run the
 *                process death cut short is re-run with its first `due`) (METRICS.md: `held` is
 *                the time the OS held a due worker back, `delay` the time from due to start, the
 *                `ideal` platform never holds; TRACE.md os.defer, worker.start).
 *  device-down   no worker.start between device.reboot and device.boot, on every platform (README
 *                `device.kills`: "the device is down"; reason `device_down` in `os` on ios and
 *                android, and the ideal OS holds a due request until the boot, simos_ideal.h); the
 *                user does not open the app while the device is down (usage.app_open, app.start
 *                cause user; README `device.kills`: "While the device is down nothing random
 *                happens"; mdl_usage.h: no visit while down)
 *  force-stop    Android: no start while os.force_stop is on (README `os` on android: force stop
 *                until the next user launch; reason `force_stopped`)
 *  force-quit    iOS: no launch while os.force_quit is on (refresh always; processing unless
 *                --processing-after-force-quit) (README `os` on ios: "Force quit ... blocks
 *                launches until the user opens the app")
 *  refresh-off   iOS: no launch while Background App Refresh is off (README `os` on ios: held as
 *                `refresh_off`; device.settings)
 *  doze          Android, app not exempt: no JobScheduler start while the OS dozes (os.doze
 *                `dozing`: "jobs blocked") nor in deep IDLE (README `os` on android: "Jobs are
 *                blocked in deep IDLE and light IDLE/WAITING"; "not optimized ... Doze does not
 *                hold its jobs"). A start by WorkManager's in-process GreedyScheduler
 *                (os.start_worker `by: greedy`) is outside JobScheduler and not held by Doze
 *                (README `os.greedy`; models/os/ANDROID.md: after a JobScheduler stop, a Doze stop
 *                included, the work starts again in process at once)
 *  constraints   Android: at a start, the constraints of the last os.schedule hold (1 network:
 *                net.change state not `none`; 2 battery not low: no battery.low in progress;
 *                4 charging: plugged); iOS: the last accepted os.submit's `network` and `power`
 *                hold (TRACE.md os.schedule, os.submit; README reasons network/battery_low/
 *                not_charging)
 *  bucket        Android: no start in bucket `never` (README: standby_quota "bucket NEVER"), the
 *                start's `limit_ms` is > 0 and the run lasts at most `limit_ms` (TRACE.md
 *                os.start_worker: "runtime limit or remaining quota"; os.stop cause quota/timeout)
 *  run-limit     iOS: a launched run lasts at most os.launch's `time_limit_ms` (README `os` on ios:
 *                "At the limit the OS stops the run")
 *  battery       every level_permille is within 0..1000; plugs and unplugs alternate; between two
 *                readings the level never rises unplugged nor falls plugged (README
 *                `device.battery`: an exact piecewise-linear level, falling at the drain unplugged,
 *                rising while plugged, "charging rates are net of use", stops at 0 %, up to 100 %);
 *                a scripted battery.set (README "Scripted events": do: battery_level) starts anew
 *                from its level
 */
#include "oracle.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORACLE_MAX_FIELDS 24
#define ORACLE_KEY_LEN 40
#define ORACLE_STR_LEN 160

/* ---- one JSON line ---- */

typedef enum { VAL_INT, VAL_STR, VAL_BOOL } val_kind;

typedef struct field {
    char key[ORACLE_KEY_LEN];
    val_kind kind;
    long long i; /* VAL_INT, VAL_BOOL (0/1) */
    char s[ORACLE_STR_LEN];
} field;

typedef struct line {
    field f[ORACLE_MAX_FIELDS];
    size_t n;
} line;

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

/* Reads a JSON string at p (on the quote) into out (truncated); returns the byte after it or NULL. */
static const char *read_string(const char *p, const char *end, char *out, size_t cap)
{
    size_t n = 0;
    if (p >= end || *p != '"')
        return NULL;
    for (p++; p < end; p++) {
        char c = *p;
        if (c == '"') {
            out[n < cap ? n : cap - 1] = '\0';
            return p + 1;
        }
        if ((unsigned char)c < 0x20)
            return NULL;
        if (c == '\\') {
            if (++p >= end)
                return NULL;
            switch (*p) {
            case '"': case '\\': case '/': c = *p; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
                for (int k = 1; k <= 4; k++)
                    if (p + k >= end || !strchr("0123456789abcdefABCDEF", p[k]) || !p[k])
                        return NULL;
                p += 4;
                c = '?';
                break;
            default: return NULL;
            }
        }
        if (n + 1 < cap)
            out[n++] = c;
    }
    return NULL;
}

/* Parses `{"k":v,...}` (v: integer, string, true, false) from [p, end); false on anything else. */
static bool parse_line(const char *p, const char *end, line *ln)
{
    ln->n = 0;
    p = skip_ws(p, end);
    if (p >= end || *p++ != '{')
        return false;
    p = skip_ws(p, end);
    if (p < end && *p == '}')
        return skip_ws(p + 1, end) == end;
    for (;;) {
        if (ln->n == ORACLE_MAX_FIELDS)
            return false;
        field *f = &ln->f[ln->n++];
        p = read_string(skip_ws(p, end), end, f->key, sizeof f->key);
        if (!p)
            return false;
        p = skip_ws(p, end);
        if (p >= end || *p++ != ':')
            return false;
        p = skip_ws(p, end);
        if (p >= end)
            return false;
        if (*p == '"') {
            f->kind = VAL_STR;
            if (!(p = read_string(p, end, f->s, sizeof f->s)))
                return false;
        } else if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
            f->kind = VAL_BOOL, f->i = 1, p += 4;
        } else if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
            f->kind = VAL_BOOL, f->i = 0, p += 5;
        } else {
            const char *q = p;
            bool neg = q < end && *q == '-';
            if (neg)
                q++;
            if (q >= end || *q < '0' || *q > '9')
                return false;
            unsigned long long v = 0;
            for (; q < end && *q >= '0' && *q <= '9'; q++) {
                if (v > (unsigned long long)INT64_MAX / 10)
                    return false;
                v = v * 10 + (unsigned long long)(*q - '0');
            }
            if (v > (unsigned long long)INT64_MAX)
                return false;
            f->kind = VAL_INT;
            f->i = neg ? -(long long)v : (long long)v;
            p = q;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '}')
            return skip_ws(p + 1, end) == end;
        return false;
    }
}

static const field *get(const line *ln, const char *key, val_kind kind)
{
    for (size_t i = 0; i < ln->n; i++)
        if (ln->f[i].kind == kind && strcmp(ln->f[i].key, key) == 0)
            return &ln->f[i];
    return NULL;
}

static const char *get_str(const line *ln, const char *key)
{
    const field *f = get(ln, key, VAL_STR);
    return f ? f->s : NULL;
}

static bool str_is(const line *ln, const char *key, const char *want)
{
    const char *s = get_str(ln, key);
    return s && strcmp(s, want) == 0;
}

static bool get_bool(const line *ln, const char *key, bool *out)
{
    const field *f = get(ln, key, VAL_BOOL);
    if (f)
        *out = f->i != 0;
    return f != NULL;
}

static bool get_int(const line *ln, const char *key, long long *out)
{
    const field *f = get(ln, key, VAL_INT);
    if (f)
        *out = f->i;
    return f != NULL;
}

/* ---- the state the invariants follow ---- */

typedef struct span {
    long long from, to;
} span;

typedef struct state {
    oracle_platform platform;
    const oracle_options *opt;
    oracle_report_fn report;
    void *ctx;
    size_t violations;
    size_t lineno;

    long long t; /* of the previous line */
    bool run_open;
    long long run_start, run_limit; /* run_limit < 0: none known */
    size_t run_line;

    bool down, force_stopped, force_quit, bar_off, exempt;
    bool dozing, deep_idle;
    bool net_none, plugged, battery_low;
    long long constraints;       /* Android: the last os.schedule's */
    bool need_net, need_power;   /* iOS: the last accepted os.submit's */
    long long level;             /* last battery reading, -1: none */
    long long set_at;            /* time of the last scripted battery.set, -1: none */
    bool start_allowed_bucket;   /* Android: an os.start_worker announced the coming worker.start */
    bool start_greedy;           /* ...by GreedyScheduler, in process: not a JobScheduler job */
    long long start_limit;

    bool held;                   /* an os.defer span with a reason is open */
    long long held_since;
    span *spans;                 /* closed held spans not yet before the last due */
    size_t nspans, capspans;
    long long span_total;        /* their summed length */
    bool clipped;                /* the spans start at clip_due or later (clip_spans) */
    long long clip_due;
} state;

static void violation(state *s, size_t lineno, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void violation(state *s, size_t lineno, const char *check, const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->violations++;
    if (s->report)
        s->report(s->ctx, lineno, check, msg);
}

static void add_span(state *s, long long from, long long to)
{
    if (to <= from)
        return;
    if (s->nspans == s->capspans) {
        size_t cap = s->capspans ? s->capspans * 2 : 16;
        span *grown = realloc(s->spans, cap * sizeof *grown);
        if (!grown) {
            violation(s, s->lineno, "oracle", "out of memory");
            return;
        }
        s->spans = grown, s->capspans = cap;
    }
    if (s->clipped && from < s->clip_due)
        from = s->clip_due;
    if (to <= from)
        return;
    s->spans[s->nspans++] = (span){from, to};
    s->span_total += to - from;
}

/* Moves the spans' window to start at `due` (a worker.start's): drops the spans that end by then
 * and clips the others to start there. Only when the due changes, so that a long series of
 * re-runs for one due (each adding a span) stays linear. Returns false when the due went back
 * (the spans before the old due are gone: the sum cannot be known). */
static bool clip_spans(state *s, long long due)
{
    if (s->clipped && due == s->clip_due)
        return true;
    if (s->clipped && due < s->clip_due)
        return false;
    size_t k = 0;
    s->span_total = 0;
    for (size_t i = 0; i < s->nspans; i++) {
        if (s->spans[i].to <= due)
            continue;
        if (s->spans[i].from < due)
            s->spans[i].from = due;
        s->span_total += s->spans[i].to - s->spans[i].from;
        s->spans[k++] = s->spans[i];
    }
    s->nspans = k;
    s->clipped = true;
    s->clip_due = due;
    return true;
}

/* Held or running time within [due, now]: the closed spans (clipped at due) and the open one. */
static long long held_within(const state *s, long long due, long long now)
{
    long long sum = s->span_total;
    if (s->held) {
        long long a = s->held_since > due ? s->held_since : due;
        if (now > a)
            sum += now - a;
    }
    return sum;
}

static void end_run(state *s, const char *how)
{
    if (!s->run_open)
        return;
    long long len = s->t - s->run_start;
    if (s->run_limit >= 0 && len > s->run_limit)
        violation(s, s->lineno, s->platform == ORACLE_IOS ? "run-limit" : "bucket",
                  "the run started at line %zu lasted %lld ms (%s), beyond its limit of %lld ms", s->run_line,
                  len, how, s->run_limit);
    s->run_open = false;
    add_span(s, s->run_start, s->t); /* a re-run for the same due counts this run's time (held) */
}

static void on_worker_start(state *s, const line *ln)
{
    long long due = 0;
    if (!get_int(ln, "due", &due)) {
        violation(s, s->lineno, "json", "worker.start without an integer 'due'");
        due = s->t;
    }
    if (s->run_open)
        violation(s, s->lineno, "run-ends", "worker.start while the run started at line %zu is in progress",
                  s->run_line);
    if (due > s->t)
        violation(s, s->lineno, "due", "due %lld is after the start %lld", due, s->t);
    if (s->held)
        violation(s, s->lineno, "held", "worker.start while the OS still holds the worker (os.defer since %lld)",
                  s->held_since);
    bool known = due <= s->t && clip_spans(s, due);
    long long held = held_within(s, due, s->t);
    if (!known) {
        /* due after the start (reported above) or before an earlier due: nothing to compare */
    } else if (held != s->t - due)
        violation(s, s->lineno, "held", "held or running %lld ms between due %lld and start %lld, but the delay is %lld ms",
                  held, due, s->t, s->t - due);
    if (s->down)
        violation(s, s->lineno, "device-down", "worker.start while the device is down (device.reboot, no boot)");

    s->run_open = true;
    s->run_start = s->t;
    s->run_line = s->lineno;
    s->run_limit = -1;
    if (s->platform == ORACLE_ANDROID) {
        if (!s->start_allowed_bucket)
            violation(s, s->lineno, "bucket", "worker.start without os.start_worker (bucket, limit) before it");
        else
            s->run_limit = s->start_limit;
        s->start_allowed_bucket = false;
        if (s->force_stopped)
            violation(s, s->lineno, "force-stop", "worker.start while the app is force-stopped (os.force_stop on)");
        if (!s->exempt && !s->start_greedy && (s->dozing || s->deep_idle))
            violation(s, s->lineno, "doze", "worker.start while the OS dozes (%s)",
                      s->deep_idle ? "deep idle" : "dozing: true");
        if ((s->constraints & 1) && s->net_none)
            violation(s, s->lineno, "constraints", "worker.start without a network, which the schedule requires");
        if ((s->constraints & 2) && s->battery_low)
            violation(s, s->lineno, "constraints", "worker.start with the battery low, which the schedule forbids");
        if ((s->constraints & 4) && !s->plugged)
            violation(s, s->lineno, "constraints", "worker.start unplugged, but the schedule requires charging");
    } else if (s->platform == ORACLE_IOS && s->start_allowed_bucket) {
        s->run_limit = s->start_limit; /* the os.launch just before: its time limit */
        s->start_allowed_bucket = false;
    }
}

static void on_os_launch(state *s, const line *ln)
{
    const char *req = get_str(ln, "request");
    bool refresh = req && strcmp(req, "refresh") == 0;
    if (s->force_quit && (refresh || !s->opt->processing_after_force_quit))
        violation(s, s->lineno, "force-quit", "os.launch (%s) while the app is force-quit", req ? req : "?");
    if (s->bar_off)
        violation(s, s->lineno, "refresh-off", "os.launch while Background App Refresh is off");
    if (s->need_net && s->net_none)
        violation(s, s->lineno, "constraints", "os.launch without a network, which the submit requires");
    if (s->need_power && !s->plugged)
        violation(s, s->lineno, "constraints", "os.launch unplugged, but the submit requires external power");
    long long limit;
    s->start_limit = get_int(ln, "time_limit_ms", &limit) ? limit : -1;
    s->start_allowed_bucket = true;
}

static void battery_reading(state *s, const line *ln, const char *type)
{
    long long lv;
    if (!get_int(ln, "level_permille", &lv)) {
        violation(s, s->lineno, "json", "%s without an integer 'level_permille'", type);
        return;
    }
    if (lv < 0 || lv > 1000)
        violation(s, s->lineno, "battery", "level %lld permille is outside 0..1000", lv);
    if (s->level >= 0) {
        if (!s->plugged && lv > s->level)
            violation(s, s->lineno, "battery", "the level rose from %lld to %lld permille while unplugged", s->level,
                      lv);
        if (s->plugged && lv < s->level)
            violation(s, s->lineno, "battery", "the level fell from %lld to %lld permille while plugged", s->level,
                      lv);
    }
    s->level = lv;
}

static void on_line(state *s, const line *ln)
{
    const char *type = get_str(ln, "type");
    long long t;
    if (!type || !get_int(ln, "t", &t)) {
        violation(s, s->lineno, "json", "a line without an integer 't' and a string 'type'");
        return;
    }
    if (t < 0)
        violation(s, s->lineno, "time", "t = %lld is negative", t);
    if (t < s->t)
        violation(s, s->lineno, "time", "t = %lld goes back from %lld", t, s->t);
    else
        s->t = t;
    bool b;

    if (strcmp(type, "worker.start") == 0) {
        on_worker_start(s, ln);
    } else if (strcmp(type, "worker.end") == 0) {
        if (!s->run_open)
            violation(s, s->lineno, "run-ends", "worker.end without a run in progress");
        end_run(s, "worker.end");
    } else if (strcmp(type, "app.kill") == 0) {
        end_run(s, "app.kill");
    } else if (strcmp(type, "os.start_worker") == 0) {
        if (s->platform == ORACLE_ANDROID) {
            const char *bucket = get_str(ln, "bucket");
            long long limit = -1;
            if (bucket && strcmp(bucket, "never") == 0)
                violation(s, s->lineno, "bucket", "os.start_worker in bucket 'never'");
            if (!get_int(ln, "limit_ms", &limit) || limit <= 0)
                violation(s, s->lineno, "bucket", "os.start_worker with limit_ms %lld (must be > 0)", limit);
            s->start_allowed_bucket = true;
            s->start_greedy = str_is(ln, "by", "greedy");
            s->start_limit = limit > 0 ? limit : -1;
        }
    } else if (strcmp(type, "os.launch") == 0) {
        on_os_launch(s, ln);
    } else if (strcmp(type, "os.defer") == 0) {
        const char *reason = get_str(ln, "reason");
        bool on = reason && strcmp(reason, "none") != 0;
        if (s->held)
            add_span(s, s->held_since, s->t);
        s->held = on;
        s->held_since = s->t;
    } else if (strcmp(type, "usage.app_open") == 0 || (strcmp(type, "app.start") == 0 && str_is(ln, "cause", "user"))) {
        if (s->down)
            violation(s, s->lineno, "device-down", "%s: the user opens the app while the device is down", type);
    } else if (strcmp(type, "device.reboot") == 0) {
        s->down = true;
    } else if (strcmp(type, "device.boot") == 0) {
        s->down = false;
    } else if (strcmp(type, "os.force_stop") == 0) {
        if (get_bool(ln, "on", &b))
            s->force_stopped = b;
    } else if (strcmp(type, "os.force_quit") == 0) {
        if (get_bool(ln, "on", &b))
            s->force_quit = b;
    } else if (strcmp(type, "device.settings") == 0) {
        if (get_bool(ln, "background_app_refresh", &b))
            s->bar_off = !b;
        if (get_bool(ln, "battery_optimization_exempt", &b))
            s->exempt = b;
    } else if (strcmp(type, "os.doze") == 0) {
        if (get_bool(ln, "dozing", &b))
            s->dozing = b;
        s->deep_idle = str_is(ln, "deep", "idle");
    } else if (strcmp(type, "net.change") == 0) {
        s->net_none = str_is(ln, "state", "none");
    } else if (strcmp(type, "battery.plug") == 0) {
        if (s->plugged)
            violation(s, s->lineno, "battery", "battery.plug while already plugged");
        battery_reading(s, ln, type);
        s->plugged = true;
    } else if (strcmp(type, "battery.unplug") == 0) {
        if (!s->plugged)
            violation(s, s->lineno, "battery", "battery.unplug while not plugged");
        battery_reading(s, ln, type);
        s->plugged = false;
    } else if (strcmp(type, "battery.level") == 0) {
        /* The crossings a scripted jump causes come at its instant and name the thresholds it
         * passed, not the level: the level stays the one set. */
        long long lv;
        bool in_jump = s->t == s->set_at && get_int(ln, "level_permille", &lv) && lv >= 0 && lv <= 1000;
        if (!in_jump)
            battery_reading(s, ln, type);
    } else if (strcmp(type, "battery.set") == 0) {
        s->level = -1; /* a scripted jump: the readings start anew from it */
        s->set_at = s->t;
        battery_reading(s, ln, type);
    } else if (strcmp(type, "battery.low") == 0) {
        battery_reading(s, ln, type);
        if (get_bool(ln, "low", &b))
            s->battery_low = b;
    } else if (strcmp(type, "os.schedule") == 0) {
        long long c;
        if (get_int(ln, "constraints", &c))
            s->constraints = c;
    } else if (strcmp(type, "os.submit") == 0) {
        if (str_is(ln, "result", "ok")) {
            bool net = false, power = false;
            get_bool(ln, "network", &net);
            get_bool(ln, "power", &power);
            s->need_net = net, s->need_power = power;
        }
    }
}

static oracle_platform guess_platform(const char *text, size_t len)
{
    static const char *const ios[] = {"\"os.submit\"", "\"os.launch\"", "\"os.idle\"", "\"os.force_quit\""};
    static const char *const android[] = {"\"os.doze\"", "\"os.bucket\"", "\"os.force_stop\"", "\"os.retry\""};
    /* memmem is not C11: a bounded search through a NUL-terminated copy would cost a copy; the
     * trace has no NUL bytes in practice, and a NUL only shortens the search (then: ideal). */
    char *copy = malloc(len + 1);
    if (!copy)
        return ORACLE_IDEAL;
    memcpy(copy, text, len);
    copy[len] = '\0';
    oracle_platform p = ORACLE_IDEAL;
    for (size_t i = 0; i < 4 && p == ORACLE_IDEAL; i++) {
        if (strstr(copy, ios[i]))
            p = ORACLE_IOS;
        else if (strstr(copy, android[i]))
            p = ORACLE_ANDROID;
    }
    free(copy);
    return p;
}

size_t oracle_check(const char *text, size_t len, const oracle_options *opt, oracle_report_fn report, void *ctx)
{
    static const oracle_options defaults = {ORACLE_AUTO, false};
    state s = {0};
    s.opt = opt ? opt : &defaults;
    s.platform = s.opt->platform == ORACLE_AUTO ? guess_platform(text, len) : s.opt->platform;
    s.report = report;
    s.ctx = ctx;
    s.level = -1;
    s.set_at = -1;
    s.run_limit = -1;
    line *ln = malloc(sizeof *ln);
    if (!ln) {
        violation(&s, 0, "oracle", "out of memory");
        return s.violations;
    }
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        s.lineno++;
        if (stop > p) {
            if (parse_line(p, stop, ln))
                on_line(&s, ln);
            else
                violation(&s, s.lineno, "json", "not a flat JSON object: '%.60s'", p);
        }
        p = nl ? nl + 1 : end;
    }
    if (len > 0 && text[len - 1] != '\n')
        violation(&s, s.lineno, "json", "the last line has no newline (a truncated trace)");
    /* A run still open at the end is allowed (the trace ends mid-run), but not beyond its limit. */
    end_run(&s, "the end of the trace");
    free(ln);
    free(s.spans);
    return s.violations;
}
