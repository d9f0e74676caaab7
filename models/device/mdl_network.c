/*
 * mdl_network.c - connectivity schedules, outages and airplane mode (see mdl_network.h); the
 * `device.network` section is read by mdl_network_parse.c.
 *
 * Defaults and their sources:
 *  - wifi: every day, all day. Assumption: a scenario that says nothing about the network keeps
 *    the always-connected Wi-Fi that mdl_device_init() sets and the `ideal` baseline assumes, so
 *    adding this model changes nothing for such a scenario.
 *  - work_wifi, airplane: none. Assumption (airplane mode is a user habit the scenario states;
 *    it is one of the factors Apple lists, docs/SOURCES.md I2.2, WWDC20 session 10063).
 *  - cellular: true. Assumption: a phone with a data plan; cellular is an ordinary state that iOS
 *    budgets as costly (docs/SOURCES.md I2.2, WWDC20 10063 "data budgets") and Android treats as
 *    metered (docs/SOURCES.md A3.3, WorkManager UNMETERED -> NETWORK_TYPE_UNMETERED).
 *  - outages: 0 per day; duration exponential, mean 10 min. Assumption: no published rate of
 *    connectivity loss for phones; the duration only matters once a scenario sets a rate, and
 *    exponential is the memoryless default.
 *  - Wi-Fi is unmetered, cellular metered. Assumption: no metered hotspots, no unmetered plans.
 *  - Airplane mode means no network at all. Assumption: a user may switch Wi-Fi back on while in
 *    airplane mode; a scenario that wants that writes a Wi-Fi window instead.
 */
#include "mdl_network_internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim_rng.h"

/* ---- schedule geometry: positions in the local week, Monday 00:00 = 0 ---- */

static sim_time week_pos(const sim_calendar *cal, sim_time t)
{
    return (sim_time)sim_cal_weekday(cal, t) * SIM_MS_PER_DAY + sim_cal_ms_of_day(cal, t);
}

static sim_time window_start(const mdl_net_window *w) { return w->all_day ? 0 : w->from; }

static sim_time window_len(const mdl_net_window *w)
{
    if (w->all_day)
        return SIM_MS_PER_DAY;
    return w->to > w->from ? w->to - w->from : w->to + SIM_MS_PER_DAY - w->from;
}

static sim_time mod_week(sim_time x) { return ((x % SIM_MS_PER_WEEK) + SIM_MS_PER_WEEK) % SIM_MS_PER_WEEK; }

/* Whether week position pos is inside one of the windows. A window is at most a day long
 * (window_len), so of its seven starts only the latest at or before pos can hold it: with
 * q = mod_week(pos - start), the start of day q / DAY is q % DAY < DAY before pos, and every other
 * day's is a day or more before it (circularly), past the window's end. One division per window
 * instead of seven (the start of a network model tests every window edge). test_network's
 * windows_contain_matches_every_day_s_check compares it with the seven-day test. */
static bool contains_pos(const mdl_net_windows *ws, sim_time pos)
{
    for (int i = 0; i < ws->count; i++) {
        const mdl_net_window *w = &ws->w[i];
        sim_time q = mod_week(pos - window_start(w));
        if ((w->days >> (q / SIM_MS_PER_DAY) & 1) && q % SIM_MS_PER_DAY < window_len(w))
            return true;
    }
    return false;
}

bool mdl_net_windows_contain(const mdl_net_windows *ws, const sim_calendar *cal, sim_time t)
{
    return contains_pos(ws, week_pos(cal, t));
}

/* ---- configuration ---- */

static void defaults(void *config, mdl_platform platform)
{
    (void)platform; /* connectivity means the same on every platform */
    mdl_network_config *c = config;
    memset(c, 0, sizeof *c);
    c->wifi.count = 1;
    c->wifi.w[0] = (mdl_net_window){.days = MDL_NET_ALL_DAYS, .all_day = true};
    c->cellular = true;
    c->outages_per_day = 0;
    c->outage_duration = (sch_dist){.kind = SCH_DIST_EXPONENTIAL, .a = (double)SIM_MINUTES(10)};
    mdl_network_prepare(c);
}

enum { SCHED_WIFI = 1, SCHED_AIR = 2 };

static int cmp_time(const void *a, const void *b)
{
    sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
    return (x > y) - (x < y);
}

static void add_points(mdl_net_table *t, const mdl_net_windows *ws)
{
    for (int i = 0; i < ws->count; i++) {
        const mdl_net_window *w = &ws->w[i];
        for (int day = 0; day < 7; day++) {
            if (!(w->days >> day & 1))
                continue;
            sim_time s = day * SIM_MS_PER_DAY + window_start(w);
            t->points[t->npoints++] = mod_week(s);
            t->points[t->npoints++] = mod_week(s + window_len(w));
        }
    }
}

static unsigned sched_of_windows(const mdl_network_config *c, sim_time pos)
{
    bool wifi = contains_pos(&c->wifi, pos) || contains_pos(&c->work_wifi, pos);
    return (wifi ? SCHED_WIFI : 0u) | (contains_pos(&c->airplane, pos) ? SCHED_AIR : 0u);
}

void mdl_network_prepare(mdl_network_config *c)
{
    mdl_net_table *t = &c->table;
    t->npoints = 0;
    add_points(t, &c->wifi);
    add_points(t, &c->work_wifi);
    add_points(t, &c->airplane);
    qsort(t->points, (size_t)t->npoints, sizeof t->points[0], cmp_time);
    int n = 0;
    for (int i = 0; i < t->npoints; i++)
        if (n == 0 || t->points[i] != t->points[n - 1])
            t->points[n++] = t->points[i];
    t->npoints = n;
    for (int k = 0; k < n; k++)
        t->sched[k] = (unsigned char)sched_of_windows(c, t->points[k]);
}

/* ---- running ---- */

typedef struct net_model {
    mdl_device *d;
    /* The scenario's config, shared read-only by every device (or own_cfg's defaults). */
    const mdl_network_config *cfg;
    const mdl_net_table *tab;     /* &cfg->table */
    mdl_network_config *own_cfg;  /* the defaults when start had no config, else NULL */
    gsl_rng *rng;                 /* network.outages */
    bool sched_wifi, sched_air;   /* what the schedules say now */
    bool in_outage;
    sim_time outage_until;
    int forced;                   /* a scripted mdl_net above every rule, or -1 */
    sim_handle sched_ev, outage_ev, outage_end_ev;
} net_model;

/* The index of the interval [points[k], points[k + 1]) holding week position pos (the last one
 * when pos is before the first point: it wraps around the week). npoints > 0. */
static int interval_of(const mdl_net_table *t, sim_time pos)
{
    int k = 0;
    while (k < t->npoints && t->points[k] <= pos)
        k++;
    return (k == 0 ? t->npoints : k) - 1;
}

/* What the schedules say at week position pos (SCHED_WIFI | SCHED_AIR). */
static unsigned sched_at(const net_model *m, sim_time pos)
{
    if (m->tab->npoints == 0)
        return sched_of_windows(m->cfg, pos);
    return m->tab->sched[interval_of(m->tab, pos)];
}

/*
 * The first time after `t` at which the Wi-Fi or airplane schedule differs from what it says at
 * t, or -1 when it never changes. The schedules are constant between window edges, so only edges
 * are candidates, visited in circular order from t's position in the week.
 */
static sim_time next_schedule_change(const net_model *m, sim_time t)
{
    const mdl_net_table *tab = m->tab;
    if (tab->npoints == 0)
        return -1;
    sim_time pos = week_pos(m->d->cal, t);
    int here = interval_of(tab, pos);
    for (int k = 1; k <= tab->npoints; k++) {
        int j = (here + k) % tab->npoints;
        if (tab->sched[j] != tab->sched[here]) {
            sim_time p = tab->points[j];
            sim_time delta = mod_week(p - pos);
            return t + (delta == 0 ? SIM_MS_PER_WEEK : delta);
        }
    }
    return -1;
}

/* The state's name as the record's "state", a literal per case: its hash is a constant. */
#define STATE_FIELD(net, lit)                                                                                   \
    case net:                                                                                                   \
        sim_trace_str(d->trace, "state", lit);                                                                  \
        break;

static void trace_change(net_model *m, const char *cause)
{
    mdl_device *d = m->d;
    sim_trace_begin(d->trace, sim_now(d->engine), "net.change");
    switch (d->net) {
        MDL_NET_NAMES(STATE_FIELD)
    default: sim_trace_str(d->trace, "state", MDL_NET_UNKNOWN_NAME); break;
    }
    sim_trace_bool(d->trace, "airplane", d->airplane);
    sim_trace_str(d->trace, "cause", cause);
    sim_trace_end(d->trace);
}
#undef STATE_FIELD

static mdl_net compute_net(const net_model *m)
{
    if (m->forced >= 0)
        return (mdl_net)m->forced;
    if (m->sched_air || m->in_outage)
        return MDL_NET_NONE;
    if (m->sched_wifi)
        return MDL_NET_WIFI;
    return m->cfg->cellular ? MDL_NET_CELLULAR : MDL_NET_NONE;
}

/* Writes the state the schedules and outages give; traces and emits when it changed. */
static void apply(net_model *m, const char *cause)
{
    mdl_device *d = m->d;
    mdl_net net = compute_net(m);
    if (net == d->net && m->sched_air == d->airplane)
        return;
    d->net = net;
    d->airplane = m->sched_air;
    trace_change(m, cause);
    mdl_emit(d, MDL_SIG_NETWORK, net);
}

static void on_schedule(sim_engine *e, void *ctx, uint64_t arg);

static void arm_schedule(net_model *m)
{
    sim_time next = next_schedule_change(m, sim_now(m->d->engine));
    m->sched_ev = SIM_HANDLE_NONE;
    if (next >= 0 && next <= SIM_TIME_MAX)
        sim_schedule(m->d->engine, next, SIM_PHASE_ENVIRONMENT, on_schedule, m, 0, &m->sched_ev);
}

static void on_schedule(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    net_model *m = ctx;
    unsigned sched = sched_at(m, week_pos(m->d->cal, sim_now(e)));
    bool air = sched & SCHED_AIR;
    const char *cause = air != m->sched_air ? (air ? "airplane" : "airplane_end") : "schedule";
    m->sched_air = air;
    m->sched_wifi = sched & SCHED_WIFI;
    apply(m, cause);
    arm_schedule(m);
}

static void on_outage_end(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    net_model *m = ctx;
    m->outage_end_ev = SIM_HANDLE_NONE;
    m->in_outage = false;
    apply(m, "outage_end");
}

static void on_outage(sim_engine *e, void *ctx, uint64_t arg);

static void arm_outage(net_model *m)
{
    double mean = (double)SIM_MS_PER_DAY / m->cfg->outages_per_day;
    double gap = sim_rng_exponential(m->rng, mean);
    if (!(gap < (double)SCH_DIST_MAX_MS))
        gap = (double)SCH_DIST_MAX_MS;
    sim_time next = sim_now(m->d->engine) + (sim_time)llround(gap);
    if (next <= SIM_TIME_MAX)
        sim_schedule(m->d->engine, next, SIM_PHASE_ENVIRONMENT, on_outage, m, 0, &m->outage_ev);
}

static void on_outage(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    net_model *m = ctx;
    sim_time now = sim_now(e);
    sim_time dur = sch_dist_sample(&m->cfg->outage_duration, m->rng);
    sim_trace_begin(m->d->trace, now, "net.outage");
    sim_trace_int(m->d->trace, "duration_ms", dur);
    sim_trace_end(m->d->trace);
    sim_time end = now + dur;
    if (dur > 0 && end <= SIM_TIME_MAX && (!m->in_outage || end > m->outage_until)) {
        m->outage_until = end;
        if (m->in_outage) {
            sim_reschedule(e, m->outage_end_ev, end); /* an overlapping outage extends this one */
        } else {
            m->in_outage = true;
            sim_schedule(e, end, SIM_PHASE_ENVIRONMENT, on_outage_end, m, 0, &m->outage_end_ev);
        }
        apply(m, "outage");
    }
    arm_outage(m);
}

static int start(mdl_device *d, int index, const void *config)
{
    net_model *m = calloc(1, sizeof *m);
    if (!m)
        return MDL_ENOMEM;
    m->d = d;
    d->models[index] = m;
    /* No config (a runner without the scenario's model sections): the defaults, this device's own. */
    if (!config) {
        if (!(m->own_cfg = malloc(sizeof *m->own_cfg)))
            return MDL_ENOMEM;
        defaults(m->own_cfg, d->platform);
        config = m->own_cfg;
    }
    m->cfg = config;
    m->tab = &m->cfg->table;
    m->forced = -1;

    sim_time now = sim_now(d->engine);
    unsigned sched = sched_at(m, week_pos(d->cal, now));
    m->sched_wifi = sched & SCHED_WIFI;
    m->sched_air = sched & SCHED_AIR;
    d->net = compute_net(m);
    d->airplane = m->sched_air;
    trace_change(m, "start");
    arm_schedule(m);
    if (m->cfg->outages_per_day > 0) {
        m->rng = sim_rng_get(d->rngs, "network.outages");
        if (!m->rng)
            return MDL_ENOMEM;
        arm_outage(m);
    }
    return MDL_OK;
}

static void stop(mdl_device *d, int index)
{
    net_model *m = d->models[index];
    if (m)
        free(m->own_cfg);
    free(m);
    d->models[index] = NULL;
}

void mdl_network_script(mdl_device *d, int net)
{
    net_model *m = d->models[MDL_SLOT_NETWORK];
    if (!m)
        return;
    m->forced = net >= MDL_NET_NONE && net <= MDL_NET_WIFI ? net : -1;
    apply(m, "scripted");
}

bool mdl_network_schedule_table_agrees(const mdl_device *d, sim_time t)
{
    const net_model *m = d->models[MDL_SLOT_NETWORK];
    if (!m)
        return false;
    sim_time pos = week_pos(d->cal, t);
    return sched_at(m, pos) == sched_of_windows(m->cfg, pos);
}

bool mdl_network_connected(const mdl_device *d) { return d->net != MDL_NET_NONE; }
bool mdl_network_metered(const mdl_device *d) { return d->net == MDL_NET_CELLULAR; }

/* `randomness: none`: no outages; the Wi-Fi and airplane schedules stay. */
static void network_no_random(void *config) { ((mdl_network_config *)config)->outages_per_day = 0; }

const mdl_model mdl_network_model = {
    .parent = "device",
    .key = "network",
    .config_size = sizeof(mdl_network_config),
    .defaults = defaults,
    .parse = mdl_network_parse,
    .no_random = network_no_random,
    .start = start,
    .stop = stop,
};
