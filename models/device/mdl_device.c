/*
 * mdl_device.c - device defaults and the signal bus.
 */
#include "mdl_device.h"

#include <string.h>

void mdl_device_init(mdl_device *d, sim_engine *e, sim_trace *trace, sim_rng_set *rngs,
                     const sim_calendar *cal, mdl_platform platform, int os_version)
{
    memset(d, 0, sizeof *d);
    d->engine = e;
    d->trace = trace;
    d->rngs = rngs;
    d->cal = cal;
    d->platform = platform;
    d->os_version = os_version;
    d->net = MDL_NET_WIFI;
    d->stationary = true;
    d->screen_off_by = SIM_TIME_MAX;
    d->screen_on_by = SIM_TIME_MAX;
    d->doze_change_by = SIM_TIME_MAX;
    d->doze_change_within = SIM_TIME_MAX;
    d->reboot_not_before = 0;
    d->refresh_enabled = true;
    d->usage.last_open = -1;
    d->usage.last_close = -1;
}

_Static_assert(MDL_SIG_COUNT <= 32, "an mdl_signal_set holds every signal");

int mdl_subscribe_signals(mdl_device *d, mdl_listener_fn fn, void *ctx, mdl_signal_set signals)
{
    if (d->listener_count == MDL_MAX_LISTENERS)
        return MDL_ENOMEM;
    int i = d->listener_count++;
    d->listeners[i].fn = fn;
    d->listeners[i].ctx = ctx;
    d->listeners[i].signals = signals;
    for (int sig = 0; sig < MDL_SIG_COUNT; sig++) {
        if (signals & MDL_SIGNAL(sig)) {
            int k = d->by_signal_count[sig]++;
            d->by_signal[sig][k].fn = fn;
            d->by_signal[sig][k].ctx = ctx;
        }
    }
    return MDL_OK;
}

/* The last listener is the last of every list it is in, so adding it to a list or removing it is
 * at the list's tail (the common case: the runner's observer, subscribed last, see run.c
 * observe_at); any other listener's lists are rebuilt in subscription order. */
void mdl_set_listener_signals(mdl_device *d, int index, mdl_signal_set signals)
{
    mdl_signal_set changed = d->listeners[index].signals ^ signals;
    d->listeners[index].signals = signals;
    if (index == d->listener_count - 1) {
        mdl_listener_fn fn = d->listeners[index].fn;
        void *ctx = d->listeners[index].ctx;
        /* each changed signal's bit, lowest first; bits past MDL_SIG_COUNT (MDL_ALL_SIGNALS has
         * them) name no list. The added ones and the removed ones in a loop each: a switch of the
         * runner's observer (run.c, observe_subscribe: six signals at every worker start and stop,
         * 1.5 % of the commuter's instructions) is all one or all the other, and one loop asked
         * which at every bit. Each list is changed at its tail alone, so the order of the bits
         * does not matter. */
        const mdl_signal_set in_range = changed & (MDL_SIGNAL(MDL_SIG_COUNT) - 1);
        for (mdl_signal_set bits = in_range & signals; bits != 0; bits &= bits - 1) {
            int sig = __builtin_ctz(bits);
            int k = d->by_signal_count[sig]++;
            d->by_signal[sig][k].fn = fn;
            d->by_signal[sig][k].ctx = ctx;
        }
        for (mdl_signal_set bits = in_range & ~signals; bits != 0; bits &= bits - 1)
            d->by_signal_count[__builtin_ctz(bits)]--;
        return;
    }
    if (changed == 0)
        return;
    for (int sig = 0; sig < MDL_SIG_COUNT; sig++) {
        d->by_signal_count[sig] = 0;
        for (int i = 0; i < d->listener_count; i++) {
            if (d->listeners[i].signals & MDL_SIGNAL(sig)) {
                int k = d->by_signal_count[sig]++;
                d->by_signal[sig][k].fn = d->listeners[i].fn;
                d->by_signal[sig][k].ctx = d->listeners[i].ctx;
            }
        }
    }
}

int mdl_subscribe(mdl_device *d, mdl_listener_fn fn, void *ctx)
{
    return mdl_subscribe_signals(d, fn, ctx, MDL_ALL_SIGNALS);
}

/* One signal to its listeners from the k-th of its list on, in subscription order. The counts are
 * read at each step, as a listener may subscribe another. */
static void deliver(mdl_device *d, mdl_signal sig, int64_t arg, int k)
{
    if (sig >= 0 && sig < MDL_SIG_COUNT) {
        for (; k < d->by_signal_count[sig]; k++)
            d->by_signal[sig][k].fn(d->by_signal[sig][k].ctx, d, sig, arg);
        return;
    }
    for (int i = 0; i < d->listener_count; i++)
        if (d->listeners[i].signals == MDL_ALL_SIGNALS)
            d->listeners[i].fn(d->listeners[i].ctx, d, sig, arg);
}

/* A signal emitted from inside a delivery waits in the queue. */
int mdl_emit_queued(mdl_device *d, mdl_signal sig, int64_t arg)
{
    if (d->queued_count == MDL_MAX_QUEUED)
        return MDL_ENESTED;
    int slot = (d->queued_head + d->queued_count++) % MDL_MAX_QUEUED;
    d->queued[slot].sig = sig;
    d->queued[slot].arg = arg;
    return MDL_OK;
}

/* With d->emitting set: delivers `sig` from its k-th listener on, then every queued signal in
 * order, and ends the emission. */
static __attribute__((noinline)) int deliver_all(mdl_device *d, mdl_signal sig, int64_t arg, int k)
{
    for (;;) {
        deliver(d, sig, arg, k);
        if (d->queued_count == 0)
            break;
        sig = d->queued[d->queued_head].sig;
        arg = d->queued[d->queued_head].arg;
        d->queued_head = (d->queued_head + 1) % MDL_MAX_QUEUED;
        d->queued_count--;
        k = 0;
    }
    d->emitting = false;
    return MDL_OK;
}

/* The rest of a signal whose first k listeners mdl_emit called: d->emitting_arg, to its listeners
 * from the k-th on (those the first ones added, or past MDL_EMIT_AT_SITE), then the queue, in the
 * order deliver_all's loop would have taken. */
int mdl_emit_rest(mdl_device *d, mdl_signal sig, int k)
{
    return deliver_all(d, sig, d->emitting_arg, k);
}

int mdl_emit_all(mdl_device *d, mdl_signal sig, int64_t arg)
{
    d->emitting = true;
    return deliver_all(d, sig, arg, 0);
}

/* With their lengths, for the trace (Doze's os.doze cause is a signal's name). */
sim_trace_name mdl_signal_trace_name(mdl_signal sig)
{
#define SIGNAL_NAME(sig, lit) [sig] = SIM_TRACE_NAME(lit),
    static const sim_trace_name names[MDL_SIG_COUNT] = {MDL_SIGNAL_NAMES(SIGNAL_NAME)};
#undef SIGNAL_NAME
    static const sim_trace_name unknown = SIM_TRACE_NAME(MDL_SIGNAL_UNKNOWN_NAME);
    return sig > 0 && sig < MDL_SIG_COUNT && names[sig].s ? names[sig] : unknown;
}

const char *mdl_signal_name(mdl_signal sig) { return mdl_signal_trace_name(sig).s; }

#define NET_NAME(net, lit)                                                                                      \
    case net:                                                                                                   \
        return lit;
const char *mdl_net_name(mdl_net net)
{
    switch (net) {
        MDL_NET_NAMES(NET_NAME)
    }
    return MDL_NET_UNKNOWN_NAME;
}
#undef NET_NAME

const char *mdl_platform_name(mdl_platform p)
{
    return p == MDL_IOS ? "ios" : p == MDL_ANDROID ? "android" : "ideal";
}
