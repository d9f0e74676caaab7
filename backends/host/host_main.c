/* bgt-host: the scheduler core on a Linux host, in real time. Tasks are shell commands.
 *
 *   bgt-host -r reg.bin -t 'sync=rsync -a ~/notes host:notes' -i 30
 *
 * Each --task defines a task (the command runs under /bin/sh -c; exit status 0 is Success, any
 * other is Failed) and registers it, as an app's defineTask + registerTaskAsync. The registry
 * persists in the --registry file, so a restarted bgt-host with --no-register serves the tasks a
 * previous run registered. The worker fires on CLOCK_MONOTONIC when due and when its constraints
 * hold (host_rt.h). Logs go to stderr; a task's own output goes where bgt-host's goes. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host_store.h"
#include "host_rt.h"

#define EX_USAGE 64
#define EX_DATAERR 65
#define EX_NOINPUT 66
#define EX_SOFTWARE 70
#define EX_CANTCREAT 73
#define MAX_TASKS 64

#ifndef BGSIM_VERSION
#define BGSIM_VERSION "0"
#endif

typedef struct task_def {
    char name[BGT_NAME_MAX + 1];
    const char *command;
    host_store *host;
} task_def;

/* Every diagnostic line of bgt-host. Its arguments' text (a file name, a task, a switch, a
 * command) is user text: the whole line goes out with control bytes escaped (host_escape), so an
 * argument cannot forge a second line or colour a terminal or a CI log. */
static void complain(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static void complain(const char *fmt, ...)
{
    char line[2048], safe[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "bgt-host: %s\n", host_escape(line, safe, sizeof safe));
}

static void usage(FILE *f)
{
    fputs("usage: bgt-host -r FILE [-t NAME=COMMAND]... [OPTIONS]\n"
          "Serve the bgsim scheduler core in real time; tasks run shell commands.\n"
          "\n"
          "  -r, --registry FILE     persisted registry (created on first registration)\n"
          "  -t, --task NAME=CMD     define task NAME running '/bin/sh -c CMD' and register it\n"
          "  -i, --interval MIN      minimumInterval in minutes for the registrations\n"
          "  -n, --no-register       only define the tasks; serve what the registry holds\n"
          "  -u, --unregister NAME   unregister NAME from the registry, then go on\n"
          "  -p, --preset NAME       policy preset (default: current)\n"
          "  -P, --platform NAME     android or ios (default: android)\n"
          "  -s, --set SWITCH=VALUE  set one policy switch (e.g. interval_floor_min=15)\n"
          "  -N, --runs N            exit after N worker runs (default: serve until SIGTERM)\n"
          "      --exit-when-idle    exit when no worker is scheduled\n"
          "      --trigger           run the worker once at start (trigger for testing)\n"
          "      --discard-corrupt   a registry that cannot be read as one is renamed to\n"
          "                          FILE.corrupt-XXXXXX (named in a message) and bgt-host starts\n"
          "                          with an empty one (default: exit 65)\n"
          "      --recheck-ms MS     how often unmet constraints are re-read (default 5000)\n"
          "      --minute-ms MS      TESTING ONLY: real ms per core minute (default 60000)\n"
          "      --route4 PATH, --route6 PATH, --power-supply DIR\n"
          "                          read device state from these (default: /proc, /sys)\n"
          "  -q, --quiet             no log lines\n"
          "  -h, --help              this text\n"
          "  -V, --version           version\n",
          f);
}

static int run_command(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    task_def *t = user;
    sigset_t none;
    int64_t start = host_wall_ms();
    int status;
    pid_t pid;
    (void)duration_ms; /* a real task takes real time; the host reports nothing to model */
    fflush(NULL);
    if ((pid = fork()) < 0) {
        host_store_logf(t->host, BGT_LOG_ERROR, "task '%s': cannot fork: %s", call->name,
                        strerror(errno));
        return BGT_RESULT_FAILED;
    }
    if (pid == 0) {
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL); /* the runner blocks its stop signals */
        setenv("BGT_TASK_NAME", call->name, 1);
        execl("/bin/sh", "sh", "-c", t->command, (char *)NULL);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            host_store_logf(t->host, BGT_LOG_ERROR, "task '%s': waitpid: %s", call->name,
                            strerror(errno));
            return BGT_RESULT_FAILED;
        }
    }
    if (WIFEXITED(status))
        host_store_logf(t->host, BGT_LOG_INFO, "task '%s': exit status %d after %lld ms", call->name,
                        WEXITSTATUS(status), (long long)(host_wall_ms() - start));
    else if (WIFSIGNALED(status))
        host_store_logf(t->host, BGT_LOG_WARN, "task '%s': killed by signal %d after %lld ms",
                        call->name, WTERMSIG(status), (long long)(host_wall_ms() - start));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? BGT_RESULT_SUCCESS : BGT_RESULT_FAILED;
}

/* The registry file is not a registry the core can read (torn, damaged, or a newer format). */
static bool is_corrupt(int rc)
{
    return rc == BGT_E_TRUNCATED || rc == BGT_E_BAD_MAGIC || rc == BGT_E_VERSION || rc == BGT_E_CHECKSUM ||
           rc == BGT_E_CORRUPT;
}

static const char *io_error(const host_store *h)
{
    return strerror(host_store_io_errno(h) ? host_store_io_errno(h) : EIO);
}

/* bgt_process_start; with --discard-corrupt, a registry that does not decode is renamed aside
 * (host_store_keep_aside: the message names the new file) and the core starts empty, as the core's
 * BGT_START_DISCARD_CORRUPT would, without losing the bad bytes. A file another writer replaced
 * meanwhile is loaded again. Returns the exit status, 0 when the core started. */
static int start(bgt *core, host_store *h, const char *registry, bool discard)
{
    int rc = bgt_process_start(core, 0), tries;
    for (tries = 0; discard && is_corrupt(rc) && tries < 5; tries++) {
        char *aside = NULL;
        int krc = host_store_keep_aside(h, &aside);
        if (krc == BGT_OK) {
            complain("%s: %s: kept it aside as %s; starting with an empty registry", registry, bgt_strerror(rc),
                     aside);
            free(aside);
        } else if (krc == BGT_E_IO) {
            complain("%s: %s, and it cannot be kept aside: %s", registry, bgt_strerror(rc), io_error(h));
            return EX_CANTCREAT;
        }
        rc = bgt_process_start(core, 0);
    }
    if (rc == BGT_OK)
        return 0;
    if (rc == BGT_E_IO) { /* a directory, no permission: the OS's words */
        complain("%s: cannot read the registry: %s", registry, io_error(h));
        return EX_NOINPUT;
    }
    complain("%s: cannot restore the registry: %s%s", registry, bgt_strerror(rc),
             is_corrupt(rc) && !discard ? " (--discard-corrupt keeps it aside and starts empty)" : "");
    return is_corrupt(rc) ? EX_DATAERR : EX_SOFTWARE;
}

static int parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

enum { OPT_IDLE = 256, OPT_TRIGGER, OPT_RECHECK, OPT_MINUTE, OPT_ROUTE4, OPT_ROUTE6, OPT_POWER, OPT_DISCARD };

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "registry", required_argument, NULL, 'r' },
        { "task", required_argument, NULL, 't' },
        { "interval", required_argument, NULL, 'i' },
        { "no-register", no_argument, NULL, 'n' },
        { "unregister", required_argument, NULL, 'u' },
        { "preset", required_argument, NULL, 'p' },
        { "platform", required_argument, NULL, 'P' },
        { "set", required_argument, NULL, 's' },
        { "runs", required_argument, NULL, 'N' },
        { "exit-when-idle", no_argument, NULL, OPT_IDLE },
        { "trigger", no_argument, NULL, OPT_TRIGGER },
        { "recheck-ms", required_argument, NULL, OPT_RECHECK },
        { "minute-ms", required_argument, NULL, OPT_MINUTE },
        { "route4", required_argument, NULL, OPT_ROUTE4 },
        { "route6", required_argument, NULL, OPT_ROUTE6 },
        { "power-supply", required_argument, NULL, OPT_POWER },
        { "discard-corrupt", no_argument, NULL, OPT_DISCARD },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    task_def tasks[MAX_TASKS];
    const char *sets[MAX_TASKS], *unregs[MAX_TASKS];
    size_t n_tasks = 0, n_sets = 0, n_unregs = 0, i;
    const char *registry = NULL, *preset = "current", *platform_name = "android";
    bgt_task_options topts = { false, 0 };
    bool do_register = true, quiet = false, trigger = false, discard = false;
    host_rt_serve_opts so = { 0, false, 0, NULL };
    host_rt_paths paths = { NULL, NULL, NULL };
    host_rt_serve_stats stats;
    int64_t v, minute_ms = 60000;
    bgt_platform platform;
    bgt_policy pol;
    bgt_backend backend;
    host_store *h = NULL;
    bgt *core = NULL;
    int c, rc, status = EX_SOFTWARE;

    while ((c = getopt_long(argc, argv, "r:t:i:nu:p:P:s:N:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': registry = optarg; break;
        case 't': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1]) {
                complain("bad task '%s' (expected NAME=COMMAND)", optarg);
                return EX_USAGE;
            }
            if (n_tasks == MAX_TASKS) {
                complain("too many tasks (at most %d)", MAX_TASKS);
                return EX_USAGE;
            }
            if ((size_t)(eq - optarg) > BGT_NAME_MAX) {
                complain("task name too long in '%s' (at most %d bytes)",
                        optarg, BGT_NAME_MAX);
                return EX_USAGE;
            }
            memcpy(tasks[n_tasks].name, optarg, (size_t)(eq - optarg));
            tasks[n_tasks].name[eq - optarg] = '\0';
            tasks[n_tasks].command = eq + 1;
            n_tasks++;
            break;
        }
        case 'i':
            if (parse_i64(optarg, 0, BGT_INTERVAL_MAX_MIN, &v) != 0) {
                complain("bad interval '%s' (expected whole minutes)", optarg);
                return EX_USAGE;
            }
            topts.has_minimum_interval = true;
            topts.minimum_interval_min = v;
            break;
        case 'n': do_register = false; break;
        case 'u':
        case 's':
            if ((c == 'u' ? n_unregs : n_sets) == MAX_TASKS) {
                complain("too many -%c options", c);
                return EX_USAGE;
            }
            if (c == 'u')
                unregs[n_unregs++] = optarg;
            else
                sets[n_sets++] = optarg;
            break;
        case 'p': preset = optarg; break;
        case 'P': platform_name = optarg; break;
        case 'N':
            if (parse_i64(optarg, 0, INT32_MAX, &v) != 0) {
                complain("bad run count '%s'", optarg);
                return EX_USAGE;
            }
            so.max_runs = (long)v;
            break;
        case OPT_IDLE: so.exit_when_idle = true; break;
        case OPT_TRIGGER: trigger = true; break;
        case OPT_DISCARD: discard = true; break;
        case OPT_RECHECK:
        case OPT_MINUTE:
            if (parse_i64(optarg, 1, INT32_MAX, &v) != 0) {
                complain("bad milliseconds '%s'", optarg);
                return EX_USAGE;
            }
            if (c == OPT_RECHECK)
                so.recheck_ms = v;
            else
                minute_ms = v;
            break;
        case OPT_ROUTE4: paths.route4 = optarg; break;
        case OPT_ROUTE6: paths.route6 = optarg; break;
        case OPT_POWER: paths.power_supply = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("bgt-host %s\n", BGSIM_VERSION); return 0;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind < argc) {
        complain("unexpected argument '%s'", argv[optind]);
        return EX_USAGE;
    }
    if (registry && !registry[0]) {
        complain("--registry: expected a file name, found ''");
        return EX_USAGE;
    }
    if (!registry) {
        complain("missing --registry FILE");
        usage(stderr);
        return EX_USAGE;
    }
    if (bgt_platform_parse(platform_name, &platform) != BGT_OK) {
        complain("unknown platform '%s' (expected android or ios)", platform_name);
        return EX_USAGE;
    }
    if (bgt_policy_preset(preset, platform, &pol) != BGT_OK) {
        complain("unknown preset '%s'", preset);
        return EX_USAGE;
    }
    for (i = 0; i < n_sets; i++) {
        char name[128];
        const char *eq = strchr(sets[i], '=');
        if (!eq || (size_t)(eq - sets[i]) >= sizeof name ||
            parse_i64(eq + 1, INT64_MIN, INT64_MAX, &v) != 0) {
            complain("bad switch '%s' (expected NAME=INTEGER)", sets[i]);
            return EX_USAGE;
        }
        memcpy(name, sets[i], (size_t)(eq - sets[i]));
        name[eq - sets[i]] = '\0';
        if ((rc = bgt_policy_set(&pol, name, v)) != BGT_OK) {
            complain("switch '%s': %s", name, bgt_strerror(rc));
            return EX_USAGE;
        }
    }
    if (trigger)
        pol.trigger_enabled = true;

    if ((rc = host_store_create(registry, &h)) != BGT_OK)
        goto out_fail;
    host_store_set_quiet(h, quiet);
    host_store_set_log_name(h, "bgt-host");
    host_store_set_minute_ms(h, minute_ms);
    if (minute_ms != 60000)
        host_store_logf(h, BGT_LOG_WARN, "testing time scale: one core minute lasts %lld ms",
                        (long long)minute_ms);
    so.paths = &paths;
    backend = host_store_backend(h);
    if ((rc = bgt_create(&backend, &pol, &core)) != BGT_OK)
        goto out_fail;
    for (i = 0; i < n_tasks; i++) {
        tasks[i].host = h;
        if ((rc = bgt_define_task(core, tasks[i].name, run_command, &tasks[i])) != BGT_OK) {
            complain("task '%s': %s", tasks[i].name, bgt_strerror(rc));
            status = EX_USAGE;
            goto out_free;
        }
    }
    if ((status = start(core, h, registry, discard)) != 0)
        goto out_free;
    host_store_logf(h, BGT_LOG_INFO, "started: preset %s/%s, %zu task(s) in %s", preset,
                    platform_name, bgt_task_count(core), registry);
    for (i = 0; i < n_unregs; i++) {
        if ((rc = bgt_unregister_task(core, unregs[i])) != BGT_OK)
            goto out_fail;
        host_store_logf(h, BGT_LOG_INFO, "unregistered '%s'", unregs[i]);
    }
    for (i = 0; do_register && i < n_tasks; i++) {
        if ((rc = bgt_register_task(core, tasks[i].name, &topts)) != BGT_OK) {
            if (rc == BGT_E_IO)
                complain("cannot register '%s': %s: %s: %s", tasks[i].name, registry,
                        bgt_strerror(rc), strerror(host_store_io_errno(h) ? host_store_io_errno(h) : EIO));
            else
                complain("cannot register '%s': %s", tasks[i].name, bgt_strerror(rc));
            status = rc == BGT_E_IO ? EX_CANTCREAT : EX_SOFTWARE;
            goto out_free;
        }
        host_store_logf(h, BGT_LOG_INFO, "registered '%s'", tasks[i].name);
    }
    {
        bgt_schedule_req req;
        int64_t due;
        char names[64];
        if (host_store_pending(h, &req, &due) != BGT_WORKER_NONE)
            host_store_logf(h, BGT_LOG_INFO,
                            "worker: scheduled in %lld min (%lld ms real), constraints: %s",
                            (long long)(req.delay_ms / 60000),
                            (long long)(due - backend.now_ms(backend.ctx)),
                            host_rt_constraint_names(req.constraints, names, sizeof names));
    }
    if (trigger) {
        bgt_worker_report rep;
        if ((rc = bgt_trigger_for_testing(core, &rep)) != BGT_OK)
            goto out_fail;
        host_store_logf(h, BGT_LOG_INFO, "trigger: ran %zu task(s)", rep.n_run);
    }
    if ((rc = host_rt_serve(core, h, &so, &stats)) != BGT_OK)
        goto out_fail;
    status = 0;
    goto out_free;
out_fail:
    if (rc == BGT_E_IO) /* name the file and the OS error, not only "persistent storage failed" */
        complain("%s: %s: %s", registry, bgt_strerror(rc),
                strerror(host_store_io_errno(h) ? host_store_io_errno(h) : EIO));
    else
        complain("%s", bgt_strerror(rc));
    status = rc == BGT_E_IO ? EX_CANTCREAT : EX_SOFTWARE;
out_free:
    bgt_free(core);
    host_store_free(h);
    return status;
}
