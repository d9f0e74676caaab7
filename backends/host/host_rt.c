/* host_rt.c: see host_rt.h. Linux (timerfd, signalfd, /proc, /sys). */
#include "host_rt.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define RTF_UP_FLAG 0x1u
#define BATTERY_LOW_PCT 15

/* ---- device state ---------------------------------------------------------------------------- */

static bool default_route4(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512], iface[64];
    unsigned long dest, gw, flags;
    bool found = false;
    if (!f)
        return false;
    if (!fgets(line, sizeof line, f)) /* header */
        goto out_close;
    while (!found && fgets(line, sizeof line, f)) {
        /* NOLINTNEXTLINE(cert-err34-c): kernel-written text; a line that does not parse is skipped */
        if (sscanf(line, "%63s %lx %lx %lx", iface, &dest, &gw, &flags) == 4 && dest == 0 &&
            (flags & RTF_UP_FLAG) && strcmp(iface, "lo") != 0)
            found = true;
    }
out_close:
    fclose(f);
    return found;
}

static bool default_route6(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512], dest[40], iface[64];
    unsigned plen;
    unsigned long flags;
    bool found = false;
    if (!f)
        return false;
    /* dest plen src splen nexthop metric refcnt use flags iface */
    while (!found && fgets(line, sizeof line, f)) {
        /* NOLINTNEXTLINE(cert-err34-c): kernel-written text; a line that does not parse is skipped */
        if (sscanf(line, "%39s %x %*s %*s %*s %*s %*s %*s %lx %63s", dest, &plen, &flags, iface) ==
                4 &&
            plen == 0 && strspn(dest, "0") == 32 && (flags & RTF_UP_FLAG) &&
            strcmp(iface, "lo") != 0)
            found = true;
    }
    fclose(f);
    return found;
}

/* First line of dir/name/file into buf, newline stripped; false if unreadable. */
static bool read_attr(const char *dir, const char *name, const char *file, char *buf, size_t cap)
{
    char path[512];
    FILE *f;
    bool ok;
    snprintf(path, sizeof path, "%s/%s/%s", dir, name, file);
    if (!(f = fopen(path, "r")))
        return false;
    ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

static void read_power(const char *dir, host_rt_device *d)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    bool external = false, battery_charging = false;
    char type[32], val[32];
    if (!dp)
        return;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.' || !read_attr(dir, e->d_name, "type", type, sizeof type))
            continue;
        if (strcmp(type, "Battery") == 0) {
            /* Peripheral batteries (a mouse: scope "Device") do not power the machine. */
            if (read_attr(dir, e->d_name, "scope", val, sizeof val) && strcmp(val, "Device") == 0)
                continue;
            d->has_battery = true;
            if (read_attr(dir, e->d_name, "capacity", val, sizeof val)) {
                int pct = atoi(val); // NOLINT(cert-err34-c): sysfs capacity, 0..100 written by the kernel
                if (d->battery_pct < 0 || pct < d->battery_pct)
                    d->battery_pct = pct;
            }
            if (read_attr(dir, e->d_name, "status", val, sizeof val) &&
                (strcmp(val, "Charging") == 0 || strcmp(val, "Full") == 0))
                battery_charging = true;
        } else if (read_attr(dir, e->d_name, "online", val, sizeof val) && atoi(val) == 1) { // NOLINT(cert-err34-c): sysfs 0/1
            external = true;
        }
    }
    closedir(dp);
    d->charging = external || battery_charging;
}

void host_rt_device_read(const host_rt_paths *paths, host_rt_device *out)
{
    const char *r4 = paths && paths->route4 ? paths->route4 : "/proc/net/route";
    const char *r6 = paths && paths->route6 ? paths->route6 : "/proc/net/ipv6_route";
    const char *ps = paths && paths->power_supply ? paths->power_supply : "/sys/class/power_supply";
    memset(out, 0, sizeof *out);
    out->battery_pct = -1;
    out->network = default_route4(r4) || default_route6(r6);
    read_power(ps, out);
    if (!out->has_battery) {
        out->charging = true; /* mains-powered machine */
        out->battery_pct = -1;
    }
    out->battery_low = out->has_battery && !out->charging && out->battery_pct >= 0 &&
                       out->battery_pct <= BATTERY_LOW_PCT;
}

unsigned host_rt_unmet(const host_rt_device *d, unsigned constraints)
{
    unsigned unmet = 0;
    if ((constraints & BGT_CONSTRAINT_NETWORK) && !d->network)
        unmet |= BGT_CONSTRAINT_NETWORK;
    if ((constraints & BGT_CONSTRAINT_BATTERY_NOT_LOW) && d->battery_low)
        unmet |= BGT_CONSTRAINT_BATTERY_NOT_LOW;
    if ((constraints & BGT_CONSTRAINT_CHARGING) && !d->charging)
        unmet |= BGT_CONSTRAINT_CHARGING;
    return unmet;
}

const char *host_rt_constraint_names(unsigned bits, char *buf, size_t cap)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        { BGT_CONSTRAINT_NETWORK, "network" },
        { BGT_CONSTRAINT_BATTERY_NOT_LOW, "battery-not-low" },
        { BGT_CONSTRAINT_CHARGING, "charging" },
    };
    size_t i, len = 0;
    if (cap == 0)
        return buf;
    buf[0] = '\0';
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (bits & names[i].bit) {
            int n = snprintf(buf + len, cap - len, "%s%s", len ? "," : "", names[i].name);
            if (n < 0 || (size_t)n >= cap - len)
                break;
            len += (size_t)n;
        }
    }
    if (len == 0)
        snprintf(buf, cap, "none");
    return buf;
}

/* ---- the loop -------------------------------------------------------------------------------- */

static int arm_at(int tfd, int64_t due_ms)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (due_ms < 1)
        due_ms = 1; /* 0 would disarm */
    its.it_value.tv_sec = (time_t)(due_ms / 1000);
    its.it_value.tv_nsec = (long)(due_ms % 1000) * 1000000L;
    return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0 ? BGT_OK : BGT_E_IO;
}

static int disarm(int tfd)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    return timerfd_settime(tfd, 0, &its, NULL) == 0 ? BGT_OK : BGT_E_IO;
}

static int run_worker(bgt *core, host_store *h)
{
    bgt_worker_report rep;
    int rc;
    host_store_logf(h, BGT_LOG_INFO, "worker: firing");
    if ((rc = host_store_worker_started(h)) != BGT_OK)
        return rc;
    rc = bgt_worker_run(core, &rep);
    host_store_worker_finished(h);
    if (rc != BGT_OK) {
        host_store_logf(h, BGT_LOG_ERROR, "worker: run failed: %s", bgt_strerror(rc));
        return rc;
    }
    if (rep.kind == BGT_RUN_NO_TASKS)
        host_store_logf(h, BGT_LOG_INFO, "worker: no registered task; the chain ends");
    else if (rep.kind == BGT_RUN_DEFERRED_FOREGROUND)
        host_store_logf(h, BGT_LOG_INFO, "worker: app in foreground; deferred");
    else
        host_store_logf(h, BGT_LOG_INFO,
                        "worker: ran %zu task(s): %zu success, %zu failed, %zu no result",
                        rep.n_run, rep.n_success, rep.n_failed, rep.n_none);
    if (rep.rescheduled)
        host_store_logf(h, BGT_LOG_INFO, "worker: next run in %lld min (%lld ms real)",
                        (long long)(rep.next_delay_ms / 60000),
                        (long long)host_store_scaled_delay(h, rep.next_delay_ms));
    else
        host_store_logf(h, BGT_LOG_INFO, "worker: no successor scheduled");
    return BGT_OK;
}

int host_rt_serve(bgt *core, host_store *h, const host_rt_serve_opts *opts,
                  host_rt_serve_stats *stats)
{
    host_rt_serve_opts o = { 0, false, 0, NULL };
    host_rt_serve_stats st = { 0, 0, 0 };
    bgt_backend b = host_store_backend(h);
    sigset_t mask, old;
    int tfd = -1, sfd = -1, rc = BGT_OK;
    unsigned last_unmet = 0;
    char names[64];
    if (opts)
        o = *opts;
    if (o.recheck_ms <= 0)
        o.recheck_ms = 5000;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &mask, &old) != 0)
        return BGT_E_IO;
    if ((sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
        rc = BGT_E_IO;
        goto out_restore_mask;
    }
    if ((tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) < 0) {
        rc = BGT_E_IO;
        goto out_close_sfd;
    }
    for (;;) {
        bgt_schedule_req req;
        int64_t due, now = b.now_ms(b.ctx);
        bgt_worker_state ws = host_store_pending(h, &req, &due);
        struct pollfd pfd[2];
        if (ws == BGT_WORKER_NONE) {
            if (o.exit_when_idle) {
                host_store_logf(h, BGT_LOG_INFO, "no worker scheduled; exiting");
                break;
            }
            if ((rc = disarm(tfd)) != BGT_OK)
                break;
        } else if (now >= due) {
            host_rt_device dev;
            unsigned unmet;
            host_rt_device_read(o.paths, &dev);
            unmet = host_rt_unmet(&dev, req.constraints);
            if (unmet == 0) {
                last_unmet = 0;
                if ((rc = run_worker(core, h)) != BGT_OK)
                    break;
                st.runs++;
                if (o.max_runs > 0 && st.runs >= o.max_runs) {
                    host_store_logf(h, BGT_LOG_INFO, "%ld run(s) done; exiting", st.runs);
                    break;
                }
                continue;
            }
            st.deferrals++;
            if (unmet != last_unmet)
                host_store_logf(h, BGT_LOG_INFO, "worker: due but held back: constraint unmet: %s",
                                host_rt_constraint_names(unmet, names, sizeof names));
            last_unmet = unmet;
            if ((rc = arm_at(tfd, now + o.recheck_ms)) != BGT_OK)
                break;
        } else if ((rc = arm_at(tfd, due)) != BGT_OK) {
            break;
        }
        pfd[0].fd = sfd;
        pfd[0].events = POLLIN;
        pfd[1].fd = tfd;
        pfd[1].events = POLLIN;
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            rc = BGT_E_IO;
            break;
        }
        if (pfd[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                st.stop_signal = (int)si.ssi_signo;
            host_store_logf(h, BGT_LOG_INFO, "signal %d (%s); exiting", st.stop_signal,
                            strsignal(st.stop_signal));
            break;
        }
        if (pfd[1].revents & POLLIN) {
            uint64_t expirations;
            if (read(tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN) {
                rc = BGT_E_IO;
                break;
            }
        }
    }
    close(tfd);
out_close_sfd:
    close(sfd);
out_restore_mask:
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (stats)
        *stats = st;
    return rc;
}
