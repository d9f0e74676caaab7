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
_Static_assert(MDL_MAX_LISTENERS < 255, "a list's length and one more fit a byte");

/* Parks the last listener past the end of every list it is not in (mdl_device.h, by_signal): each
 * such list is shorter than MDL_MAX_LISTENERS, as that listener is not in it. After every change
 * of the lists but the last listener's own (mdl_set_listener_signals keeps it parked: a list it
 * leaves at the tail keeps its entry just past the end, and it enters where it was parked). */
static void park_last(mdl_device *d)
{
    int i = d->listener_count - 1;
    for (int sig = 0; sig < MDL_SIG_COUNT; sig++) {
        if (!(d->listeners[i].signals & MDL_SIGNAL(sig))) {
            int k = d->by_signal_count[sig];
            d->by_signal[sig][k].fn = d->listeners[i].fn;
            d->by_signal[sig][k].ctx = d->listeners[i].ctx;
        }
    }
}

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
    park_last(d);
    return MDL_OK;
}

/* The lists of the signals in `set` (in range) one longer (add) or shorter: a byte of 1 per signal
 * added to or subtracted from each word of the lengths. The step is kept for the last set it was
 * made for: the runner's observer switches the same six signals on and off (run.c,
 * observe_subscribe: every worker start and stop). */
static void last_counts_step(mdl_device *d, mdl_signal_set set, bool add)
{
    if (set != d->count_step_of) {
        memset(d->count_step_bytes, 0, sizeof d->count_step_bytes);
        for (mdl_signal_set bits = set; bits != 0; bits &= bits - 1)
            d->count_step_bytes[__builtin_ctz(bits)] = 1;
        d->count_step_of = set;
    }
    /* step, or its negation ((x ^ ~0) - ~0 is -x), without a branch per word; unrolled: a loop
     * of three words cost as much as the steps */
    const uint64_t neg = (uint64_t)0 - (uint64_t)!add;
#pragma GCC unroll 4
    for (int w = 0; w < MDL_COUNT_WORDS; w++)
        d->by_signal_count_words[w] += (d->count_step[w] ^ neg) - neg;
}

/* Every list from the listeners' sets, in subscription order. Out of line: the last listener's
 * path (mdl_set_listener_signals) then saves no registers. */
static __attribute__((noinline)) void rebuild(mdl_device *d)
{
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
    park_last(d);
}

/* The last listener is the last of every list it is in, so adding it to a list or removing it is
 * at the list's tail (the common case: the runner's observer, subscribed last, see run.c
 * observe_at), where it is parked when not in the list: a change of the length alone. Any other
 * listener's lists are rebuilt in subscription order. */
void mdl_set_listener_signals(mdl_device *d, int index, mdl_signal_set signals)
{
    mdl_signal_set changed = d->listeners[index].signals ^ signals;
    d->listeners[index].signals = signals;
    if (index == d->listener_count - 1) {
        /* bits past MDL_SIG_COUNT (MDL_ALL_SIGNALS has them) name no list. A switch of the runner's
         * observer (six signals at every worker start and stop, 1.3 % of the commuter's
         * instructions as a loop over the bits) only adds or only removes: the lengths change a
         * word at a time. */
        const mdl_signal_set in_range = changed & (MDL_SIGNAL(MDL_SIG_COUNT) - 1);
        const mdl_signal_set added = in_range & signals, removed = in_range & ~signals;
        if (removed == 0 || added == 0) {
            last_counts_step(d, in_range, removed == 0);
            return;
        }
        for (mdl_signal_set bits = added; bits != 0; bits &= bits - 1)
            d->by_signal_count[__builtin_ctz(bits)]++;
        for (mdl_signal_set bits = removed; bits != 0; bits &= bits - 1)
            d->by_signal_count[__builtin_ctz(bits)]--;
        return;
    }
    if (changed != 0)
        rebuild(d);
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
