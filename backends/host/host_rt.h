/* host_rt.h: the real-time runner of the host backend (Linux): reads the machine's state
 * from the kernel and fires the recorded worker (host_store_pending) when it is due and its
 * constraints hold, on CLOCK_MONOTONIC through a timerfd.
 *
 * Device state rules (documented in README "Using the core on a device"):
 *   network   connected iff the kernel has a default route that is up on an interface other than
 *             "lo": a line of /proc/net/route with Destination 00000000 and RTF_UP, or a line of
 *             /proc/net/ipv6_route with destination ::/0 and RTF_UP. (No probe of the internet:
 *             Android's CONNECTED constraint means "has a usable network", not "reachable".)
 *   power     every directory of /sys/class/power_supply is read: a supply of type "Battery"
 *             gives capacity (percent) and status; any other type (Mains, USB, ...) with online 1
 *             means external power. Charging iff external power is online or a battery reports
 *             "Charging" or "Full". A machine with no battery at all (desktop, server, container)
 *             counts as on external power and never low.
 *   battery   low iff a battery is present, not charging, and its capacity is <= 15 % (Android's
 *             BatteryService low level; its 20 % "okay" hysteresis is not modelled).
 *
 * Threading: one thread; the runner calls into the core only between waits. */
#ifndef HOST_RT_H
#define HOST_RT_H

#include <stdbool.h>
#include <stdint.h>

#include "host_store.h"

/* Where the kernel's state is read. NULL members take the defaults below (tests point them at
 * fake files). */
typedef struct host_rt_paths {
    const char *route4;        /* /proc/net/route */
    const char *route6;        /* /proc/net/ipv6_route */
    const char *power_supply;  /* /sys/class/power_supply */
} host_rt_paths;

typedef struct host_rt_device {
    bool network;
    bool has_battery;
    int battery_pct;           /* -1 without a battery */
    bool charging;
    bool battery_low;
} host_rt_device;

/* Read the device state (never fails: an unreadable file counts as absent). */
void host_rt_device_read(const host_rt_paths *paths, host_rt_device *out);
/* The BGT_CONSTRAINT_* bits of `constraints` that `d` does not meet (0: the worker may run). */
unsigned host_rt_unmet(const host_rt_device *d, unsigned constraints);
/* "network,battery-not-low" for the bits set (static buffer owned by the caller: cap bytes). */
const char *host_rt_constraint_names(unsigned bits, char *buf, size_t cap);

typedef struct host_rt_serve_opts {
    long max_runs;             /* return after this many worker runs; 0: serve until a signal */
    bool exit_when_idle;       /* return when no worker is scheduled */
    int64_t recheck_ms;        /* how often unmet constraints are read again; <= 0: 5000 */
    const host_rt_paths *paths; /* NULL: defaults */
} host_rt_serve_opts;

/* What host_rt_serve did (any pointer member may be ignored). */
typedef struct host_rt_serve_stats {
    long runs;                 /* worker runs */
    long deferrals;            /* times a due worker was held back by a constraint */
    int stop_signal;           /* the signal that stopped the loop, 0 if none */
} host_rt_serve_stats;

/* Serve the worker in real time until max_runs, idleness or SIGINT/SIGTERM/SIGHUP (which are
 * blocked in the calling thread for the duration and read from a signalfd; the previous mask is
 * restored on return). `core` must be started on a backend made by host_store_backend(h). Returns
 * BGT_OK, or BGT_E_IO if a timerfd/signalfd cannot be set up, or the error of a failed worker
 * run. stats may be NULL. */
int host_rt_serve(bgt *core, host_store *h, const host_rt_serve_opts *opts,
                  host_rt_serve_stats *stats);

#endif
