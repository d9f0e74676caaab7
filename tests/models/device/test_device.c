/* The device's signal bus: order, nesting, limits. */
#include <criterion/criterion.h>
#include <string.h>

#include "mdl_device.h"
#include "mdl_battery.h"
#include "mdl_kills.h"
#include "mdl_model.h"
#include "mdl_network.h"
#include "mdl_settings.h"
#include "mdl_usage.h"

typedef struct seen {
    int who[64];
    mdl_signal sig[64];
    int n;
} seen;

typedef struct listener {
    seen *log;
    int id;
    bool reemit; /* on PLUG, emit SCREEN_ON from inside the listener */
} listener;

static void listen(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    listener *l = ctx;
    l->log->who[l->log->n] = l->id;
    l->log->sig[l->log->n] = sig;
    l->log->n++;
    if (l->reemit && sig == MDL_SIG_PLUG)
        cr_assert_eq(mdl_emit(d, MDL_SIG_SCREEN_ON, 0), MDL_OK);
}

Test(device, listeners_run_in_subscription_order)
{
    mdl_device d;
    mdl_device_init(&d, NULL, NULL, NULL, NULL, MDL_ANDROID, 14);
    seen log = {0};
    listener a = {&log, 1, false}, b = {&log, 2, false};
    cr_assert_eq(mdl_subscribe(&d, listen, &a), MDL_OK);
    cr_assert_eq(mdl_subscribe(&d, listen, &b), MDL_OK);
    mdl_emit(&d, MDL_SIG_UNPLUG, 0);
    cr_assert_eq(log.n, 2);
    cr_assert_eq(log.who[0], 1);
    cr_assert_eq(log.who[1], 2);
}

Test(device, nested_emit_is_delivered_after_the_current_signal)
{
    mdl_device d;
    mdl_device_init(&d, NULL, NULL, NULL, NULL, MDL_ANDROID, 14);
    seen log = {0};
    listener a = {&log, 1, true}, b = {&log, 2, false};
    mdl_subscribe(&d, listen, &a);
    mdl_subscribe(&d, listen, &b);
    mdl_emit(&d, MDL_SIG_PLUG, 0);
    /* Both see PLUG before either sees SCREEN_ON. */
    cr_assert_eq(log.n, 4);
    cr_assert_eq(log.sig[0], MDL_SIG_PLUG);
    cr_assert_eq(log.sig[1], MDL_SIG_PLUG);
    cr_assert_eq(log.who[1], 2);
    cr_assert_eq(log.sig[2], MDL_SIG_SCREEN_ON);
    cr_assert_eq(log.sig[3], MDL_SIG_SCREEN_ON);
}

/* A listener of a set of signals gets those, in subscription order among every listener of each
 * signal, nested ones included; a signal outside the enum reaches the listeners of every signal
 * only. */
Test(device, a_listener_of_some_signals_gets_only_those_in_order)
{
    mdl_device d;
    mdl_device_init(&d, NULL, NULL, NULL, NULL, MDL_ANDROID, 14);
    seen log = {0};
    listener a = {&log, 1, true}, b = {&log, 2, false}, c = {&log, 3, false};
    cr_assert_eq(mdl_subscribe_signals(&d, listen, &a, MDL_SIGNAL(MDL_SIG_PLUG)), MDL_OK);
    cr_assert_eq(mdl_subscribe(&d, listen, &b), MDL_OK);
    cr_assert_eq(mdl_subscribe_signals(&d, listen, &c, MDL_SIGNAL(MDL_SIG_SCREEN_ON) | MDL_SIGNAL(MDL_SIG_PLUG)),
                 MDL_OK);
    mdl_emit(&d, MDL_SIG_UNPLUG, 0);
    cr_assert_eq(log.n, 1);
    cr_assert_eq(log.who[0], 2);
    log.n = 0;
    mdl_emit(&d, MDL_SIG_PLUG, 0); /* a re-emits SCREEN_ON: b and c get it, after PLUG */
    int who[] = {1, 2, 3, 2, 3};
    mdl_signal sig[] = {MDL_SIG_PLUG, MDL_SIG_PLUG, MDL_SIG_PLUG, MDL_SIG_SCREEN_ON, MDL_SIG_SCREEN_ON};
    cr_assert_eq(log.n, 5);
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(log.who[i], who[i], "delivery %d", i);
        cr_assert_eq(log.sig[i], sig[i], "delivery %d", i);
    }
    log.n = 0;
    mdl_emit(&d, (mdl_signal)40, 0);
    cr_assert_eq(log.n, 1);
    cr_assert_eq(log.who[0], 2);
}

/* A listener that changes listener `target`'s set to `to` when it gets `on` (from inside the
 * delivery), then logs like listen. */
typedef struct changer {
    listener l;
    mdl_signal on;
    int target;
    mdl_signal_set to;
} changer;

static void change_then_listen(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    changer *c = ctx;
    if (sig == c->on)
        mdl_set_listener_signals(d, c->target, c->to);
    listen(&c->l, d, sig, arg);
}

/* Whether the k-th delivery logged went to listener `who`. */
static bool delivered_to(const seen *log, int k, int who) { return k < log->n && log->who[k] == who; }

/* A changed set delivers as if the listener had subscribed with it: in subscription order, for the
 * last listener (the lists' tails, where it is parked when not in them) and any other (rebuilt
 * lists), over random changes, and the last listener's sets switched whole, checked against the
 * order the sets give. From inside a delivery: the last listener added to the signal
 * being delivered gets it, removed does not. */
Test(device, changed_sets_deliver_in_subscription_order)
{
    /* sets the last listener enters or leaves whole (a change that only adds or only removes: the
     * lengths a word at a time, mdl_device.c last_counts_step), two so that its step is remade */
    static const mdl_signal_set quiet[2] = {
        MDL_SIGNAL(MDL_SIG_SCREEN_ON) | MDL_SIGNAL(MDL_SIG_SCREEN_OFF) | MDL_SIGNAL(MDL_SIG_MOTION) |
            MDL_SIGNAL(MDL_SIG_DOZE) | MDL_SIGNAL(MDL_SIG_APP_OPEN) | MDL_SIGNAL(MDL_SIG_APP_CLOSE),
        MDL_SIGNAL(MDL_SIG_PLUG) | MDL_SIGNAL(MDL_SIG_NETWORK) | MDL_SIGNAL(MDL_SIG_STANDBY_BUCKET)};
    uint64_t x = 2026;
    for (int round = 0; round < 200; round++) {
        mdl_device d;
        mdl_device_init(&d, NULL, NULL, NULL, NULL, MDL_ANDROID, 14);
        seen log = {0};
        listener ls[6];
        mdl_signal_set sets[6];
        int n = 2 + round % 5;
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            ls[i] = (listener){&log, i, false};
            sets[i] = (mdl_signal_set)(x >> 33) & ((MDL_SIGNAL(MDL_SIG_COUNT) - 1) & ~(mdl_signal_set)1);
            cr_assert_eq(mdl_subscribe_signals(&d, listen, &ls[i], sets[i]), MDL_OK);
        }
        for (int step = 0; step < 30; step++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            int i = (int)(x >> 60) % 2 ? n - 1 : (int)((x >> 40) % (uint64_t)n); /* the last one often */
            mdl_signal_set fresh = (mdl_signal_set)(x >> 7) & ((MDL_SIGNAL(MDL_SIG_COUNT) - 1) & ~(mdl_signal_set)1);
            if (i == n - 1 && step % 3 != 0) /* the last one's set switched as run.c's observer does */
                fresh = (sets[i] & quiet[step % 2]) == quiet[step % 2] ? sets[i] & ~quiet[step % 2]
                                                                       : sets[i] | quiet[step % 2];
            sets[i] = fresh;
            mdl_set_listener_signals(&d, i, step % 7 == 0 ? sets[i] | ~(MDL_SIGNAL(MDL_SIG_COUNT) - 1) : sets[i]);
            for (int sig = 1; sig < MDL_SIG_COUNT; sig++) {
                log.n = 0;
                mdl_emit(&d, (mdl_signal)sig, 0);
                int k = 0;
                for (int j = 0; j < n; j++)
                    if (sets[j] & MDL_SIGNAL(sig)) {
                        cr_assert(delivered_to(&log, k, j), "round %d step %d signal %d: delivery %d", round, step,
                                  sig, k);
                        k++;
                    }
                cr_assert_eq(log.n, k);
            }
        }
    }
    /* From inside a delivery: c (first) adds the last listener b to PLUG while PLUG is delivered,
     * then removes it from SCREEN_ON while SCREEN_ON is delivered. */
    mdl_device d;
    mdl_device_init(&d, NULL, NULL, NULL, NULL, MDL_ANDROID, 14);
    seen log = {0};
    changer c = {{&log, 1, false}, MDL_SIG_PLUG, 1, MDL_SIGNAL(MDL_SIG_PLUG) | MDL_SIGNAL(MDL_SIG_SCREEN_ON)};
    listener b = {&log, 2, false};
    mdl_subscribe_signals(&d, change_then_listen, &c, MDL_SIGNAL(MDL_SIG_PLUG) | MDL_SIGNAL(MDL_SIG_SCREEN_ON));
    mdl_subscribe_signals(&d, listen, &b, MDL_SIGNAL(MDL_SIG_SCREEN_ON));
    mdl_emit(&d, MDL_SIG_PLUG, 0);
    cr_assert_eq(log.n, 2);
    cr_assert_eq(log.who[1], 2, "added ahead of the delivery: gets it");
    log.n = 0;
    c.on = MDL_SIG_SCREEN_ON;
    c.to = MDL_SIGNAL(MDL_SIG_PLUG);
    mdl_emit(&d, MDL_SIG_SCREEN_ON, 0);
    cr_assert_eq(log.n, 1, "removed ahead of the delivery: does not get it");
    cr_assert_eq(log.who[0], 1);
}

/* A signal's sole listener (mdl_emit's short path) gets it as the loop would give it: a signal it
 * emits is delivered after, to that signal's listeners; a listener it adds to the signal being
 * delivered gets it too; a signal without listeners reaches nobody and leaves the bus idle. */
Test(device, a_sole_listener_hands_on_what_it_did)
{
    mdl_device d;
    mdl_device_init(&d, NULL, NULL, NULL, NULL, MDL_ANDROID, 14);
    seen log = {0};
    changer a = {{&log, 1, true}, MDL_SIG_PLUG, 2, MDL_SIGNAL(MDL_SIG_SCREEN_ON)};
    listener b = {&log, 2, false}, c = {&log, 3, false};
    mdl_subscribe_signals(&d, change_then_listen, &a, MDL_SIGNAL(MDL_SIG_PLUG));
    mdl_subscribe_signals(&d, listen, &b, MDL_SIGNAL(MDL_SIG_SCREEN_ON));
    mdl_subscribe_signals(&d, listen, &c, MDL_SIGNAL(MDL_SIG_UNPLUG));
    cr_assert_eq(mdl_emit(&d, MDL_SIG_MOTION, 0), MDL_OK);
    cr_assert_eq(log.n, 0);
    cr_assert_not(d.emitting);
    cr_assert_eq(mdl_emit(&d, MDL_SIG_UNPLUG, 0), MDL_OK);
    cr_assert_eq(log.n, 1);
    cr_assert_eq(log.who[0], 3);
    cr_assert_not(d.emitting);
    /* a, the sole listener of PLUG, sets b (listener 1) to SCREEN_ON (unchanged), then re-emits
     * SCREEN_ON: b gets it after a's PLUG. */
    a.target = 1;
    log.n = 0;
    mdl_emit(&d, MDL_SIG_PLUG, 0);
    cr_assert_eq(log.n, 2);
    cr_assert_eq(log.who[0], 1);
    cr_assert_eq(log.sig[0], MDL_SIG_PLUG);
    cr_assert_eq(log.who[1], 2);
    cr_assert_eq(log.sig[1], MDL_SIG_SCREEN_ON);
    cr_assert_not(d.emitting);
    /* Now a adds c (listener 2) to PLUG while PLUG is delivered: c gets it, after a, then b gets
     * the re-emitted SCREEN_ON. */
    a.target = 2;
    a.to = MDL_SIGNAL(MDL_SIG_PLUG) | MDL_SIGNAL(MDL_SIG_UNPLUG);
    log.n = 0;
    mdl_emit(&d, MDL_SIG_PLUG, 0);
    int who[] = {1, 3, 2};
    mdl_signal sig[] = {MDL_SIG_PLUG, MDL_SIG_PLUG, MDL_SIG_SCREEN_ON};
    cr_assert_eq(log.n, 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(log.who[i], who[i], "delivery %d", i);
        cr_assert_eq(log.sig[i], sig[i], "delivery %d", i);
    }
    cr_assert_not(d.emitting);
}

/* A listener that logs who got which signal with which argument, and on `on` emits `emit` (arg
 * 100 + its id) from inside the delivery and sets listener `target`'s set to `to` (target >= 0). */
typedef struct arg_listener {
    int id;
    mdl_signal on, emit;
    int target;
    mdl_signal_set to;
    int *n;
    int (*got)[3]; /* who, signal, argument */
} arg_listener;

static void listen_arg(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    arg_listener *l = ctx;
    l->got[*l->n][0] = l->id;
    l->got[*l->n][1] = (int)sig;
    l->got[*l->n][2] = (int)arg;
    (*l->n)++;
    if (sig != l->on)
        return;
    if (l->target >= 0)
        mdl_set_listener_signals(d, l->target, l->to);
    cr_assert_eq(mdl_emit(d, l->emit, 100 + l->id), MDL_OK);
}

/* mdl_emit calls the first MDL_EMIT_AT_SITE listeners itself, and mdl_emit_rest the others: every
 * listener at every place gets the signal's argument, in subscription order, with listeners added
 * from inside the delivery (ahead of it: they get it) and signals queued by any of them delivered
 * after, in emission order, with their own arguments. */
Test(device, listeners_at_every_place_get_the_argument_in_order)
{
    mdl_device d;
    mdl_device_init(&d, NULL, NULL, NULL, NULL, MDL_ANDROID, 14);
    _Static_assert(MDL_EMIT_AT_SITE < 5, "the last two of the six listeners are mdl_emit_rest's");
    int n = 0, got[64][3];
    const mdl_signal_set plug = MDL_SIGNAL(MDL_SIG_PLUG), both = plug | MDL_SIGNAL(MDL_SIG_SCREEN_ON);
    /* 0 and 2 re-emit; 1 adds listener 5 (last, not yet a PLUG listener) to PLUG */
    arg_listener ls[6] = {
        {0, MDL_SIG_PLUG, MDL_SIG_SCREEN_ON, -1, 0, &n, got},
        {1, MDL_SIG_PLUG, MDL_SIG_MOTION, 5, both, &n, got},
        {2, MDL_SIG_PLUG, MDL_SIG_UNPLUG, -1, 0, &n, got},
        {3, MDL_SIG_COUNT, MDL_SIG_PLUG, -1, 0, &n, got},
        {4, MDL_SIG_COUNT, MDL_SIG_PLUG, -1, 0, &n, got},
        {5, MDL_SIG_COUNT, MDL_SIG_PLUG, -1, 0, &n, got},
    };
    for (int i = 0; i < 6; i++)
        cr_assert_eq(mdl_subscribe_signals(&d, listen_arg, &ls[i], i == 5 ? MDL_SIGNAL(MDL_SIG_SCREEN_ON) : both),
                     MDL_OK);
    cr_assert_eq(mdl_emit(&d, MDL_SIG_PLUG, 7), MDL_OK);
    cr_assert_not(d.emitting);
    /* PLUG (7) to 0..5 (5 added by 1), then SCREEN_ON (100) to 0..5, MOTION nobody, UNPLUG nobody */
    cr_assert_eq(n, 12);
    for (int i = 0; i < 12; i++) {
        cr_assert_eq(got[i][0], i % 6, "delivery %d", i);
        cr_assert_eq(got[i][1], i < 6 ? MDL_SIG_PLUG : MDL_SIG_SCREEN_ON, "delivery %d", i);
        cr_assert_eq(got[i][2], i < 6 ? 7 : 100, "delivery %d", i);
    }
    /* Fewer listeners than places: 2 of SCREEN_ON's removed by 0 while it is delivered (2 has not
     * got it: it does not), and no signal is queued. */
    ls[0].on = MDL_SIG_SCREEN_ON;
    ls[0].emit = MDL_SIG_MOTION;
    ls[0].target = 2;
    ls[0].to = plug;
    ls[1].on = ls[2].on = MDL_SIG_COUNT;
    for (int i = 3; i < 6; i++)
        mdl_set_listener_signals(&d, i, plug);
    n = 0;
    cr_assert_eq(mdl_emit(&d, MDL_SIG_SCREEN_ON, -3), MDL_OK);
    cr_assert_not(d.emitting);
    cr_assert_eq(n, 2);
    cr_assert_eq(got[0][0], 0);
    cr_assert_eq(got[1][0], 1);
    cr_assert_eq(got[1][2], -3);
}

Test(device, defaults_and_limits)
{
    mdl_device d;
    mdl_device_init(&d, NULL, NULL, NULL, NULL, MDL_IOS, 17);
    cr_assert_eq(d.net, MDL_NET_WIFI);
    cr_assert(d.refresh_enabled);
    cr_assert(d.stationary);
    cr_assert_not(d.plugged);
    cr_assert_eq(d.usage.last_open, -1);
    seen log = {0};
    listener l = {&log, 1, false};
    for (int i = 0; i < MDL_MAX_LISTENERS; i++)
        cr_assert_eq(mdl_subscribe(&d, listen, &l), MDL_OK);
    cr_assert_eq(mdl_subscribe(&d, listen, &l), MDL_ENOMEM);
    cr_assert_str_eq(mdl_signal_name(MDL_SIG_FORCE_STOP), "force_stop");
    cr_assert_str_eq(mdl_signal_name((mdl_signal)999), "unknown");
}

Test(device, signal_trace_names_keep_their_lengths)
{
    /* Doze traces a signal's name as its cause with the length kept in the table (sim_trace_strn):
     * the same name as mdl_signal_name and its strlen, or the fingerprint would change. */
    for (int sig = -1; sig <= MDL_SIG_COUNT + 1; sig++) {
        sim_trace_name t = mdl_signal_trace_name((mdl_signal)sig);
        cr_assert_str_eq(t.s, mdl_signal_name((mdl_signal)sig));
        cr_assert_eq(t.n, strlen(t.s), "%s", t.s);
        cr_assert_eq(sim_trace_fold_bytes(3, t.s, t.n), sim_trace_fold_value(3, t.s), "%s", t.s);
    }
    cr_assert_str_eq(mdl_signal_trace_name(MDL_SIG_STANDBY_BUCKET).s, "standby_bucket");
    cr_assert_eq(mdl_signal_trace_name(MDL_SIG_STANDBY_BUCKET).n, 14);
}

/* Each model's enum slot is its place in mdl_models[] (its read API finds its state at
 * d->models[slot]), and every registered model has one. */
Test(device, every_model_sits_at_its_slot)
{
    cr_assert_eq(mdl_model_count(), (size_t)MDL_SLOT_COUNT);
    cr_assert_eq(mdl_models[MDL_SLOT_BATTERY], &mdl_battery_model);
    cr_assert_eq(mdl_models[MDL_SLOT_NETWORK], &mdl_network_model);
    cr_assert_eq(mdl_models[MDL_SLOT_SETTINGS], &mdl_settings_model);
    cr_assert_eq(mdl_models[MDL_SLOT_USAGE], &mdl_usage_model);
    cr_assert_eq(mdl_models[MDL_SLOT_KILLS], &mdl_kills_model);
    cr_assert_null(mdl_models[MDL_SLOT_COUNT]);
}
