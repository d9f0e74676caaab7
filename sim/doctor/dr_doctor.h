/*
 * dr_doctor.h - static checks of an Expo / React Native app's background-task set-up
 * (`bgsim doctor APP_DIR`).
 *
 * The checks read files only; nothing is built or run. Each finding names a file (relative to the
 * app directory) and a line, what is wrong, what expo-background-task 57.x / expo-task-manager 58.x
 * and the OS will then do, and the fix. The behaviours are those of expo's own sources, cited next
 * to each check (dr_app.c, dr_source.c) and in docs/SOURCES.md.
 *
 * What is read:
 *  - package.json (required: without it the directory is not an app), and the installed
 *    node_modules/expo-background-task/package.json for the version;
 *  - app.json (the `expo` key) for the config plugin and ios.infoPlist; app.config.js/ts only by
 *    text search (bgsim does not run JavaScript);
 *  - ios/<target>/Info.plist and android/app/src/main/AndroidManifest.xml when the native projects
 *    exist (prebuilt or bare apps);
 *  - the app's .js/.jsx/.ts/.tsx/.mjs/.cjs sources (not node_modules, ios, android or dot folders)
 *    for TaskManager.defineTask and BackgroundTask.registerTaskAsync calls.
 *
 * Ownership: dr_check_app fills a dr_report the caller frees with dr_report_free. The library
 * prints nothing.
 */
#ifndef BGSIM_DR_DOCTOR_H
#define BGSIM_DR_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Statuses of dr_check_app. */
#define DR_OK 0
#define DR_ERR_NO_APP 1  /* the directory cannot be read, or has no package.json */
#define DR_ERR_NOMEM 2

/* The expo-background-task version whose behaviour the checks (and bgsim's models) follow. */
#define DR_EXPO_BACKGROUND_TASK_MODELED "57.0.21"

typedef enum dr_severity { DR_ERROR = 0, DR_WARNING = 1, DR_NOTE = 2 } dr_severity;

typedef struct dr_finding {
    dr_severity severity;
    char *file;   /* relative to the app directory */
    int line;     /* 1-based; 0: the file as a whole */
    char *what;   /* what is wrong (or, for a note, what decides the outcome) */
    char *effect; /* what expo and the OS will do */
    char *fix;    /* what to change; NULL for a note without one */
} dr_finding;

/* A background task as the sources use it: defined (defineTask) and/or registered. */
typedef struct dr_task {
    char *name;
    char *file;                /* where it is registered, else where it is defined */
    int line;
    char *def_file;            /* where it is defined (at the top level when it is anywhere), or NULL */
    int def_line;
    bool defined, defined_at_module_scope, registered;
    int64_t minimum_interval;  /* minutes from registerTaskAsync; -1 absent, -2 not a literal */
} dr_task;

typedef struct dr_report {
    dr_finding *findings;
    size_t n_findings, cap_findings;
    dr_task *tasks;
    size_t n_tasks, cap_tasks;
    char *installed_version; /* node_modules/expo-background-task's version, or NULL */
    size_t files_scanned;    /* source files read */
} dr_report;

/* Runs every check on the app in `dir`. Returns DR_OK (findings in *out, possibly none), or
 * DR_ERR_NO_APP / DR_ERR_NOMEM (then *out holds what was found so far: free it too). */
int dr_check_app(const char *dir, dr_report *out);
void dr_report_free(dr_report *r);
size_t dr_report_count(const dr_report *r, dr_severity s);
const char *dr_severity_name(dr_severity s);

/* --- within the library (dr_app.c, dr_source.c) --- */
/* Adds a finding (strings copied; fix may be NULL). Returns false when out of memory. */
bool dr_add(dr_report *r, dr_severity s, const char *file, int line, const char *what,
            const char *effect, const char *fix);
/* The task named `name`, added when absent; NULL when out of memory. */
dr_task *dr_task_get(dr_report *r, const char *name, const char *file, int line);
/* Checks the configuration files (package.json, app.json/app.config.*, Info.plist, manifest). */
int dr_check_config(const char *dir, dr_report *r);
/* Whether any file below dir/rel (recursively; dot folders skipped) contains `needle`. */
int dr_tree_contains(const char *dir, const char *rel, const char *needle, bool *found);
/* Scans the sources for defineTask / registerTaskAsync, then checks the tasks found. */
int dr_check_sources(const char *dir, dr_report *r);

#endif
