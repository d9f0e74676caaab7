/*
 * scn_scenario.h - a scenario file, loaded and validated (schema version 1).
 *
 * scn_load() reads the file, parses it with libyaml (sch_yaml), walks it against the schema
 * (documented key by key in scenarios/README.md) and returns either a complete scenario or every
 * error it found. Sections that belong to models (`device:`, `user:`) are dispatched to the
 * parsers registered in scn_sections (scn_scenario.c): a model adds one entry there and parses its
 * own subsection, with its own defaults, through the sch_ schema kit (sim/schema).
 *
 * Ownership: a scenario owns every string and array in it; scn_scenario_free releases them.
 */
#ifndef BGSIM_SCN_SCENARIO_H
#define BGSIM_SCN_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "bgt.h"
#include "mdl_model.h"
#include "run_status.h"
#include "scn_events.h"
#include "scn_expect.h"
#include "sch_diag.h"
#include "sch_dist.h"
#include "sch_rec.h"
#include "sim_calendar.h"
#include "sim_engine.h"

#define SCN_SCHEMA_VERSION 1
#define SCN_MAX_TASKS 1000
/* The longest simulated span accepted: 100 years keeps every derived time far from overflow. */
#define SCN_MAX_DURATION SIM_DAYS(36525)

typedef enum scn_platform { SCN_PLATFORM_ANDROID = 0, SCN_PLATFORM_IOS = 1, SCN_PLATFORM_IDEAL = 2 } scn_platform;

typedef enum scn_network_need { SCN_NETWORK_NONE = 0, SCN_NETWORK_REQUIRED = 1 } scn_network_need;

typedef struct scn_task {
    char *name;
    bgt_task_options options;    /* minimum_interval, in whole minutes, or absent */
    sim_time register_at;        /* when the app's code registers it (default 0) */
    bool has_unregister;
    sim_time unregister_at;
    sch_dist work_duration;      /* how long one run of the task takes */
    double failure_probability;  /* chance a run reports BGT_RESULT_FAILED */
    scn_network_need network;    /* REQUIRED: a run without network fails */
} scn_task;

/* `app.setup`: how the app is set up, each field one mistake (scenarios/README.md, "Setup mistakes").
 * The defaults are a correct set-up and change nothing. The first three are iOS (Info.plist and the
 * AppDelegate); `define_at_module_scope` and `expo_go` apply on every platform. */
typedef struct scn_setup {
    bool permitted_identifier;       /* Info.plist BGTaskSchedulerPermittedIdentifiers has expo's id */
    bool background_mode_processing; /* Info.plist UIBackgroundModes has `processing` */
    bool launch_handler_registered;  /* BGTaskScheduler's launch handler registered during launch */
    bool define_at_module_scope;     /* TaskManager.defineTask runs at a module's top level */
    bool expo_go;                    /* the app runs in Expo Go (status Restricted) */
} scn_setup;

/* The defaults: everything set up right. */
#define SCN_SETUP_CORRECT ((scn_setup){true, true, true, true, false})

/* True when setup has any mistake. */
bool scn_setup_has_mistake(const scn_setup *setup);

typedef struct scn_scenario {
    char *file;
    char *name;
    scn_platform platform;
    int os_version;              /* Android 14 / iOS 17 unless given; 0 on ideal */
    void *os_config;             /* the OS model's `os:` keys (simos_desc), or NULL */
    uint64_t seed;
    sim_datetime start;
    sim_calendar calendar;
    sim_time duration;
    /* app */
    bgt_platform policy_platform;
    char *policy_preset;
    bgt_policy policy;           /* the preset with the scenario's switches applied */
    sim_time first_open;         /* the user opens the app (process start, foreground) */
    sim_time foreground_for;     /* and leaves it after this long */
    scn_setup setup;             /* app.setup (SCN_SETUP_CORRECT unless said) */
    scn_task *tasks;
    size_t task_count;
    bool has_expect;             /* expectations are checked by `bgsim check` */
    scn_expect expect;
    /* Each environment model's config, indexed as mdl_models[] (mdl_model.h): defaults, then
     * the model's section when present. Owned by the scenario. */
    void *model_config[MDL_MAX_MODELS];
    /* `randomness: none`: every random source of the models is off by default (scn_models.c). */
    bool no_randomness;
    scn_events events;           /* the `events:` section (scn_events.h), sorted by time */
    struct scn_fleet *fleet;     /* the `fleet:` section (scn_fleet.h), or NULL */
} scn_scenario;

extern const char *const scn_platform_names[]; /* indexed by scn_platform, NULL-terminated */

/*
 * Loads `path`. On success returns RUN_OK (0) and a scenario in *out (free with scn_scenario_free).
 * On failure returns RUN_ERR_NOINPUT (cannot read the file) or RUN_ERR_INVALID (invalid; also when
 * out of memory, said in diag), with every error in `diag` (initialised here; the caller frees it
 * with sch_diag_free in both cases). Nothing is printed (run_status.h).
 */
int scn_load(const char *path, sch_diag *diag, scn_scenario **out);
/* A scenario path of "-" is standard input, named SCN_STDIN_NAME in diagnostics and summaries
 * (`<stdin>:3:5: ...`). scn_read_input reads a path so (util_read_file's statuses and cap);
 * scn_input_name is the name a path is shown as. Every scn_load* takes "-". */
#define SCN_STDIN_NAME "<stdin>"
int scn_read_input(const char *path, size_t cap, char **data, size_t *len);
const char *scn_input_name(const char *path);

/*
 * What can be checked before running about the record's limit (REP_MAX_TASK_RUNS task runs per
 * run; a run that records more is stopped and refused). Each run of a task takes at least its
 * work's shortest duration (sch_dist_min) and the next one comes at least the shortest interval
 * after it (the tasks' minimum_interval, the policy's default_interval_min and
 * retry_failed_after_min, interval_floor_min applied), so task i runs at most duration /
 * (interval + shortest work) + 1 times over `duration`, runs an OS or a kill cuts short aside.
 * scn_task_run_bound returns that sum over the tasks, -1 when it is unknown (a zero interval with
 * work that can take no time: the run's own limits decide), and the shortest interval in
 * *interval_min. scn_task_run_message writes the refusal (without the file name) and returns 1 when
 * the bound is over the limit, else 0. The loader refuses such a file (app.tasks) and run_scenario
 * a run of such a duration (run --duration), so validate says what run will say, before hours of
 * simulation (issue 23).
 */
double scn_task_run_bound(const scn_scenario *s, sim_time duration, int64_t *interval_min);
int scn_task_run_message(const scn_scenario *s, sim_time duration, char *buf, size_t len);
/* The same from memory; `name` is used in messages. */
int scn_load_buffer(const char *name, const char *data, size_t len, sch_diag *diag, scn_scenario **out);
/* Walks the YAML text `data` as a scenario with `rec` recording what the parsers ask (sch_rec.h);
 * the result and the diagnostics are dropped. For scn_schema.c. 0, or RUN_ERR_NOMEM. */
int scn_walk_recorded(const char *data, size_t len, sch_rec *rec);
/*
 * The same with `--set` overrides (scn_set.h) applied to the file's tree before it is validated;
 * errors about an overridden value name the override. n = 0 is scn_load / scn_load_buffer.
 */
typedef struct scn_override scn_override;
int scn_load_with(const char *path, const scn_override *overrides, size_t n, sch_diag *diag, scn_scenario **out);
int scn_load_buffer_with(const char *name, const char *data, size_t len, const scn_override *overrides, size_t n,
                         sch_diag *diag, scn_scenario **out);
void scn_scenario_free(scn_scenario *s);

/*
 * A scenario file parsed once, to load many variants of it (a fleet's devices): the YAML tree,
 * with the load's overrides applied, without its `fleet` and `expect` sections. scn_load_keep is
 * scn_load_with that also keeps the source (when it returns 0); scn_load_variant validates a copy
 * of the source's tree with more overrides applied, without reading or parsing the file again.
 * Ownership: the source owns its tree (scn_source_free); a variant is independent of it.
 */
typedef struct scn_source {
    char *name;
    struct sch_node *root;
} scn_source;
int scn_load_keep(const char *path, const scn_override *overrides, size_t n, sch_diag *diag, scn_scenario **out,
                  scn_source *src);
void scn_source_free(scn_source *src);
int scn_load_variant(const scn_source *src, const scn_override *overrides, size_t n, sch_diag *diag,
                     scn_scenario **out);

#endif
