/*
 * scn_starter.c - see scn_starter.h. The keys and their defaults are documented in
 * scenarios/README.md; the values here are those of scenarios/default.yaml (Android) and
 * scenarios/default-ios.yaml (iOS), one app with one task.
 */
#include "scn_starter.h"

#include <stddef.h>

/* What both starters share after `os:`: the week of the user and the phone. */
#define STARTER_WEEK(settings)                                                                                  \
    "seed: 1                       # the same seed gives the same run; `bgsim run --seed N` tries others\n"     \
    "start: 2026-01-05T07:00       # local date-time at the start (a Monday morning)\n"                         \
    "duration: 7d                  # `bgsim run --duration 30d` simulates longer\n"                             \
    "\n"                                                                                                        \
    "device:\n"                                                                                                 \
    "  battery:\n"                                                                                              \
    "    initial: 80%\n"                                                                                        \
    "    charging:                 # plugged in at night on most nights\n"                                      \
    "      nightly: { from: \"23:00\", to: \"06:45\", jitter: 30m, probability: 90% }\n"                       \
    "  network:\n"                                                                                              \
    "    wifi:                     # home Wi-Fi: weekday evenings and nights, all weekend\n"                    \
    "      - { days: weekdays, from: \"18:30\", to: \"08:00\" }\n"                                              \
    "      - { days: weekend, all_day: true }\n"                                                                \
    "    work_wifi:                # the office\n"                                                              \
    "      - { days: weekdays, from: \"09:00\", to: \"17:30\" }\n"                                              \
    "    cellular: true            # elsewhere: cellular (metered); false for no network there\n"              \
    "  # kills: { swipes: { per_week: 3 } }   # the user swipes the app away now and then\n"                    \
    settings                                                                                                    \
    "\n"                                                                                                        \
    "user:\n"                                                                                                   \
    "  usage:\n"                                                                                                \
    "    sleep: { from: \"23:00\", to: \"07:00\", jitter: 30m }\n"                                              \
    "    app_opens: { per_session: 8% }   # share of phone sessions that open this app\n"                      \
    "\n"

/* The app, with one task, and expectations to start from. */
#define STARTER_APP(interval, expect)                                                                          \
    "app:\n"                                                                                                    \
    "  library: expo-background-task\n"                                                                        \
    "  policy: current              # expo-background-task as its code behaves today\n"                        \
    "  first_open: 0s               # the user opens the app at the start...\n"                                \
    "  foreground_for: 5m           # ...and leaves it five minutes later\n"                                   \
    "  tasks:                       # every task the app registers with registerTaskAsync\n"                   \
    "    - name: sync\n"                                                                                        \
    "      minimum_interval: " interval "   # registerTaskAsync's minimumInterval (whole minutes)\n"           \
    "      register_at: 10s\n"                                                                                  \
    "      work:\n"                                                                                             \
    "        duration: { lognormal: { median: 8s, sigma: 0.5 } }\n"                                            \
    "        failure_probability: 2%\n"                                                                         \
    "        network: required\n"                                                                               \
    "    # - name: cleanup          # a second task shares the ONE worker and its interval:\n"                 \
    "    #   minimum_interval: 6h   # the last registration's interval wins\n"                                 \
    "    #   register_at: 20s\n"                                                                                \
    "\n"                                                                                                        \
    "# What you expect, checked by `bgsim check` (exit 1 when one fails; metric names in\n"                    \
    "# scenarios/METRICS.md). Pin the exact behaviour with `fingerprint:` and\n"                               \
    "# `bgsim check --update-fingerprints`.\n"                                                                 \
    "expect:\n" expect

static const char android_starter[] =
    "# A starter scenario written by `bgsim init android`: one app using expo-background-task on a\n"
    "# stock Android 14 phone whose user commutes, sleeps and charges it at night. Edit it, then\n"
    "#   bgsim run FILE        # what ran, how often, and what held the worker back\n"
    "#   bgsim sweep FILE --set 'app.tasks[sync].minimum_interval=15m,1h,6h' --seeds 10\n"
    "# Every key, its units and default: scenarios/README.md.\n"
    "bgsim: 1\n"
    "name: my-app\n"
    "platform: android             # android, ios, or ideal (runs the worker the moment it is due)\n"
    "os:\n"
    "  version: 14                 # Android 9 to 16\n"
    "  # bucket: rare              # fix the App Standby bucket (default: from the user's use of the app)\n"
    "  # doze: { enabled: false }  # what if Doze never held the worker back\n"
    STARTER_WEEK("  # settings: { battery_optimization_exempt: true }   # battery optimization: \"not optimized\"\n")
    STARTER_APP("30m", "  worker.runs_per_day: { min: 4 }\n"
                       "  sync.max_gap: { max: 12h }\n");

static const char ios_starter[] =
    "# A starter scenario written by `bgsim init ios`: one app using expo-background-task on an\n"
    "# iPhone with iOS 17 whose user commutes, sleeps and charges it at night. expo submits a\n"
    "# BGProcessingTaskRequest: iOS runs it when the phone is idle and on power. Edit it, then\n"
    "#   bgsim run FILE        # what ran, how often, and what held the worker back\n"
    "#   bgsim sweep FILE --set 'app.tasks[sync].minimum_interval=15m,1h,6h' --seeds 10\n"
    "# Every key, its units and default: scenarios/README.md.\n"
    "bgsim: 1\n"
    "name: my-app\n"
    "platform: ios                 # android, ios, or ideal (runs the worker the moment it is due)\n"
    "os:\n"
    "  version: 17                 # iOS 13 to 26\n"
    "  # request: refresh          # what if expo submitted a BGAppRefreshTaskRequest\n"
    "  # processing_on_battery: true\n"
    STARTER_WEEK("  # settings: { background_app_refresh: false }   # the user turned Background App Refresh off\n")
    STARTER_APP("30m", "  worker.runs_per_day: { min: 0.5 }\n"
                       "  worker.held_share.not_charging: { min: 50% }\n");

const char *scn_starter_text(scn_platform platform)
{
    switch (platform) {
    case SCN_PLATFORM_ANDROID: return android_starter;
    case SCN_PLATFORM_IOS: return ios_starter;
    default: return NULL;
    }
}
