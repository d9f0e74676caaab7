/*
 * dr_app.c - the doctor's configuration checks: package.json and the installed version,
 * app.json / app.config.*, ios/<target>/Info.plist, android/app/src/main/AndroidManifest.xml.
 *
 * JSON files are read with the scenario loader's YAML reader (JSON is YAML's flow style), which
 * keeps each value's line. Property lists and manifests are XML; they are searched as text for
 * the few keys that matter, which is enough for what prebuild and Android Studio write.
 *
 * Behaviours checked against (docs/SOURCES.md, "expo"):
 *  - expo-background-task 57.0.21 plugin/src/withBackgroundTask.ts: the config plugin adds
 *    `processing` to UIBackgroundModes and `com.expo.modules.backgroundtask.processing` to
 *    BGTaskSchedulerPermittedIdentifiers;
 *  - ios/BackgroundTaskModule.swift registerTaskAsync: throws BackgroundTasksNotConfigured when
 *    the `processing` background mode is missing;
 *  - ios/BackgroundTaskScheduler.swift scheduleWorker: BGTaskScheduler.submit's .notPermitted
 *    (identifier not in BGTaskSchedulerPermittedIdentifiers) becomes CouldNotRegisterWorkerTask;
 *  - AndroidX WorkManager (work-runtime): WorkManager.getInstance throws IllegalStateException
 *    when its default initializer is removed and the Application is not a Configuration.Provider.
 */
#include "dr_doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "sch_diag.h"
#include "sch_yaml.h"
#include "util.h"

#define IOS_IDENTIFIER "com.expo.modules.backgroundtask.processing"
#define PLUGIN "expo-background-task"

/* dir + "/" + rel, malloc'd. */
static char *join(const char *dir, const char *rel)
{
    size_t len = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", dir, rel);
    return p;
}

/* The file's bytes (NUL-terminated), or NULL when it does not exist or cannot be read. */
static char *slurp(const char *dir, const char *rel, size_t *len)
{
    char *path = join(dir, rel);
    char *buf[1] = { NULL };
    int rc = path ? util_read_file(path, UTIL_FILE_MAX_BYTES, &buf[0], len) : -1;
    free(path);
    return rc == 0 ? buf[0] : NULL;
}

/* A JSON file as a tree, or NULL (absent, unreadable or not JSON: *bad says which). */
static sch_node *load_json(const char *dir, const char *rel, bool *bad)
{
    size_t len;
    char *data = slurp(dir, rel, &len);
    sch_diag diag;
    sch_node *root = NULL;
    *bad = false;
    if (!data)
        return NULL;
    if (sch_diag_init(&diag, rel) == 0) {
        root = sch_yaml_parse(data, len, &diag);
        if (root && (sch_diag_count(&diag) > 0 || root->kind != SCH_MAP)) {
            sch_yaml_free(root);
            root = NULL;
        }
        sch_diag_free(&diag);
    }
    *bad = root == NULL;
    free(data);
    return root;
}

static const char *scalar(const sch_node *n)
{
    return n && n->kind == SCH_SCALAR ? n->text : NULL;
}

static bool seq_has(const sch_node *seq, const char *text)
{
    for (size_t i = 0; seq && seq->kind == SCH_SEQ && i < seq->count; i++) {
        const sch_node *it = seq->items[i];
        /* A plugin is "name" or ["name", { options }]. */
        if (it->kind == SCH_SEQ && it->count > 0)
            it = it->items[0];
        if (scalar(it) && strcmp(scalar(it), text) == 0)
            return true;
    }
    return false;
}

static int line_of(const sch_node *n, const sch_node *fallback)
{
    return n ? n->line : fallback ? fallback->line : 0;
}

static int check_package(const char *dir, dr_report *r)
{
    bool bad;
    sch_node *pkg = load_json(dir, "package.json", &bad), *inst;
    const sch_node *dep = NULL;
    int ok = DR_OK, dep_line;
    if (!pkg) {
        return dr_add(r, DR_ERROR, "package.json", 0, "package.json is not a JSON object",
                      "npm, Expo and bgsim doctor cannot read the app's dependencies",
                      "fix the file's syntax (npm install reports where)")
                   ? DR_OK
                   : DR_ERR_NOMEM;
    }
    dep = sch_map_get(sch_map_get(pkg, "dependencies"), PLUGIN);
    if (!dep)
        dep = sch_map_get(sch_map_get(pkg, "devDependencies"), PLUGIN);
    if (!dep) {
        if (!dr_add(r, DR_ERROR, "package.json", line_of(sch_map_get(pkg, "dependencies"), pkg),
                    "expo-background-task is not a dependency",
                    "nothing can call BackgroundTask.registerTaskAsync: no task is ever scheduled",
                    "npx expo install expo-background-task"))
            ok = DR_ERR_NOMEM;
        sch_yaml_free(pkg);
        return ok;
    }
    dep_line = dep->line;
    sch_yaml_free(pkg);
    inst = load_json(dir, "node_modules/" PLUGIN "/package.json", &bad);
    if (!inst) {
        if (!bad && !dr_add(r, DR_WARNING, "package.json", dep_line,
                            "expo-background-task is a dependency but is not installed in node_modules",
                            "the version cannot be checked (and the app does not build)",
                            "npm install (or npx expo install)"))
            return DR_ERR_NOMEM;
        return DR_OK;
    }
    if (scalar(sch_map_get(inst, "version")) &&
        !(r->installed_version = util_strdup(scalar(sch_map_get(inst, "version"))))) {
        sch_yaml_free(inst);
        return DR_ERR_NOMEM;
    }
    sch_yaml_free(inst);
    if (r->installed_version && strncmp(r->installed_version, "57.", 3) != 0) {
        char what[160];
        snprintf(what, sizeof what, "expo-background-task %.40s is installed; bgsim follows %s",
                 r->installed_version, DR_EXPO_BACKGROUND_TASK_MODELED);
        if (!dr_add(r, DR_NOTE, "node_modules/" PLUGIN "/package.json", 0, what,
                    "behaviour this version changed is not what bgsim simulates (docs/SOURCES.md lists "
                    "what each model follows)",
                    NULL))
            return DR_ERR_NOMEM;
    }
    return DR_OK;
}

/* What the iOS side of the configuration says, from app.json or a prebuilt Info.plist. */
typedef struct ios_cfg {
    bool plugin, processing, identifier;
} ios_cfg;

static int report_ios(dr_report *r, const char *file, int line, ios_cfg c, const char *fix_where)
{
    char fix[256];
    if (!c.processing) {
        snprintf(fix, sizeof fix, "%s", fix_where);
        if (!dr_add(r, DR_ERROR, file, line,
                    "iOS: the `processing` background mode is not set (UIBackgroundModes)",
                    "registerTaskAsync rejects with BackgroundTasksNotConfigured (\"Background Task has "
                    "not been configured\"): no task is registered on iOS",
                    fix))
            return DR_ERR_NOMEM;
    }
    if (!c.identifier) {
        snprintf(fix, sizeof fix, "%s", fix_where);
        if (!dr_add(r, DR_ERROR, file, line,
                    "iOS: BGTaskSchedulerPermittedIdentifiers lacks " IOS_IDENTIFIER,
                    "BGTaskScheduler.submit fails with notPermitted (expo: CouldNotRegisterWorkerTask "
                    "\"Task request not permitted.\"): the worker is never scheduled on iOS",
                    fix))
            return DR_ERR_NOMEM;
    }
    return DR_OK;
}

static int check_app_json(const char *dir, dr_report *r)
{
    bool bad;
    sch_node *root = load_json(dir, "app.json", &bad);
    const sch_node *expo, *plugins, *plist;
    ios_cfg c = { 0 };
    int rc = DR_OK;
    if (!root) {
        const char *dyn[] = { "app.config.js", "app.config.ts", "app.config.mjs", "app.config.cjs" };
        if (bad)
            return dr_add(r, DR_ERROR, "app.json", 0, "app.json is not a JSON object",
                          "Expo cannot read the app's configuration", "fix the file's syntax")
                       ? DR_OK
                       : DR_ERR_NOMEM;
        for (size_t i = 0; i < sizeof dyn / sizeof *dyn; i++) {
            size_t len;
            char *text = slurp(dir, dyn[i], &len);
            if (!text)
                continue;
            if (!strstr(text, "\"" PLUGIN "\"") && !strstr(text, "'" PLUGIN "'") &&
                !dr_add(r, DR_WARNING, dyn[i], 0,
                        "the dynamic config does not mention the expo-background-task plugin (text search: "
                        "bgsim does not run JavaScript)",
                        "without the plugin, iOS lacks the `processing` mode and the permitted identifier "
                        "(registration rejected, worker never scheduled)",
                        "add \"expo-background-task\" to plugins"))
                rc = DR_ERR_NOMEM;
            free(text);
            return rc;
        }
        return DR_OK; /* a bare app: the native files say it all */
    }
    expo = sch_map_get(root, "expo");
    if (!expo || expo->kind != SCH_MAP)
        expo = root;
    plugins = sch_map_get(expo, "plugins");
    plist = sch_map_get(sch_map_get(expo, "ios"), "infoPlist");
    c.plugin = seq_has(plugins, PLUGIN);
    c.processing = c.plugin || seq_has(sch_map_get(plist, "UIBackgroundModes"), "processing");
    c.identifier = c.plugin || seq_has(sch_map_get(plist, "BGTaskSchedulerPermittedIdentifiers"), IOS_IDENTIFIER);
    rc = report_ios(r, "app.json", line_of(plugins, expo), c,
                    "add \"expo-background-task\" to expo.plugins in app.json (it sets both), then "
                    "npx expo prebuild");
    sch_yaml_free(root);
    return rc;
}

/* The 1-based line of `at` in `text`. */
static int line_at(const char *text, const char *at)
{
    int line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

/* The <array> after <key>KEY</key> in a property list holds <string>TEXT</string>. *line: the
 * key's line (0 when absent). */
static bool plist_array_has(const char *xml, const char *key, const char *text, int *line)
{
    char k[128], s[160];
    const char *at, *end;
    snprintf(k, sizeof k, "<key>%s</key>", key);
    snprintf(s, sizeof s, "<string>%s</string>", text);
    *line = 0;
    if (!(at = strstr(xml, k)))
        return false;
    *line = line_at(xml, at);
    end = strstr(at, "</array>");
    at = strstr(at, s);
    return end && at && at < end;
}

static int check_info_plists(const char *dir, dr_report *r)
{
    char *ios = join(dir, "ios");
    struct dirent **names = NULL;
    int n, rc = DR_OK;
    if (!ios)
        return DR_ERR_NOMEM;
    n = scandir(ios, &names, NULL, alphasort);
    free(ios);
    for (int i = 0; i < n; i++) {
        char rel[512];
        size_t len;
        char *xml;
        int l1, l2;
        ios_cfg c = { 0 };
        snprintf(rel, sizeof rel, "ios/%s/Info.plist", names[i]->d_name);
        if (names[i]->d_name[0] != '.' && rc == DR_OK && (xml = slurp(dir, rel, &len))) {
            c.processing = plist_array_has(xml, "UIBackgroundModes", "processing", &l1);
            c.identifier = plist_array_has(xml, "BGTaskSchedulerPermittedIdentifiers", IOS_IDENTIFIER, &l2);
            rc = report_ios(r, rel, l1 ? l1 : l2, c,
                            "npx expo prebuild with the expo-background-task plugin, or add it to this "
                            "Info.plist by hand");
            free(xml);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* The XML tag around `at` (up to its '>') holds `attr`. */
static bool tag_has(char *at, const char *attr)
{
    char *end = strchr(at, '>');
    bool has;
    if (!end)
        return false;
    *end = '\0';
    has = strstr(at, attr) != NULL;
    *end = '>';
    return has;
}

static int check_manifest(const char *dir, dr_report *r)
{
    const char *rel = "android/app/src/main/AndroidManifest.xml";
    size_t len;
    char *xml = slurp(dir, rel, &len), *at;
    int rc = DR_OK;
    if (!xml)
        return DR_OK;
    /* The default initializer removed: <meta-data android:name="androidx.work.WorkManagerInitializer"
     * ... tools:node="remove"/>, or the whole InitializationProvider removed. */
    if ((at = strstr(xml, "androidx.work.WorkManagerInitializer")) && tag_has(at, "tools:node=\"remove\"")) {
        bool provider = false;
        if (dr_tree_contains(dir, "android/app/src/main/java", "Configuration.Provider", &provider) != DR_OK ||
            (!provider &&
                 !dr_add(r, DR_ERROR, rel, line_at(xml, at),
                         "WorkManager's default initializer is removed and no source under "
                         "android/app/src/main/java implements androidx.work.Configuration.Provider",
                         "WorkManager.getInstance throws IllegalStateException (\"WorkManager is not "
                         "initialized properly\") when expo schedules the worker: no task runs on Android",
                         "make MainApplication a Configuration.Provider, or drop the tools:node=\"remove\"")))
            rc = DR_ERR_NOMEM;
    }
    if (rc == DR_OK && (at = strstr(xml, "android.permission.RECEIVE_BOOT_COMPLETED"))) {
        if (tag_has(at, "tools:node=\"remove\"") &&
            !dr_add(r, DR_WARNING, rel, line_at(xml, at),
                    "RECEIVE_BOOT_COMPLETED is removed from the merged manifest",
                    "WorkManager cannot re-arm its jobs after a reboot (RescheduleReceiver): the worker "
                    "waits until the app is opened again",
                    "remove the tools:node=\"remove\" entry"))
            rc = DR_ERR_NOMEM;
    }
    free(xml);
    return rc;
}

int dr_check_config(const char *dir, dr_report *r)
{
    int rc;
    if ((rc = check_package(dir, r)) != DR_OK || (rc = check_app_json(dir, r)) != DR_OK ||
        (rc = check_info_plists(dir, r)) != DR_OK)
        return rc;
    return check_manifest(dir, r);
}
