/*
 * dr_source.c - the doctor's source checks: where the app defines and registers its background
 * tasks, and what expo then does with them.
 *
 * A small scanner reads JavaScript/TypeScript well enough for this: it skips comments, strings
 * and template literals, counts braces, and finds calls of defineTask, registerTaskAsync and
 * unregisterTaskAsync with their first argument (a string literal, or a constant declared at a
 * module's top level as `const NAME = 'text'` in any file of the app) and registerTaskAsync's
 * `minimumInterval` (an integer, or a product of integers such as 60 * 24). It does not parse
 * JavaScript: a call it cannot read is reported as unknown, never guessed.
 *
 * Behaviours (expo-task-manager 58.0.4 src/TaskManager.ts; expo-background-task 57.0.21
 * src/BackgroundTask.ts, android .../BackgroundTaskScheduler.kt and BackgroundTaskConsumer.kt,
 * ios/BackgroundTaskScheduler.swift; docs/SOURCES.md):
 *  - registerTaskAsync rejects "Task '<name>' is not defined" unless defineTask ran before it;
 *  - a task executed while not defined (a headless start where defineTask sits inside a component
 *    or function) is logged, finished, and unregistered;
 *  - registerTaskAsync returns at once when the task is already registered: options of a later
 *    call (a new minimumInterval in an app update) never reach a device that registered before;
 *  - one worker serves every task; its interval is the minimumInterval of the last registration;
 *    absent, Android sets it to 24 h (DEFAULT_INTERVAL_MINUTES) and iOS keeps it (12 h initially,
 *    intervalSeconds);
 *  - expo documents 15 minutes as the minimum interval (BackgroundTask.types.ts), but nothing
 *    clamps a smaller one on Android 8+ or iOS (docs/SOURCES.md E2.3, E8).
 */
#include "dr_doctor.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define MAX_DEPTH 24 /* folders below the app directory */

/* ---- walking the tree ---- */

typedef int (*visit_fn)(const char *path, const char *rel, void *ctx);

static bool is_source(const char *name)
{
    static const char *const ext[] = { ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs" };
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".d.ts") == 0)
        return false;
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcmp(name + n - e, ext[i]) == 0)
            return true;
    }
    return false;
}

/* Skipped everywhere: dependencies and build output; at the top: the native projects. */
static bool skipped(const char *name, bool top)
{
    static const char *const any[] = { "node_modules", "build", "dist", "coverage" };
    if (name[0] == '.')
        return true;
    for (size_t i = 0; i < sizeof any / sizeof *any; i++)
        if (strcmp(name, any[i]) == 0)
            return true;
    return top && (strcmp(name, "ios") == 0 || strcmp(name, "android") == 0);
}

/* Calls visit for each regular file below dir/rel (sorted by name: the output does not depend
 * on the filesystem's order); symbolic links are not followed. `all`: every file, else sources. */
static int walk(const char *dir, const char *rel, int depth, bool all, visit_fn visit, void *ctx)
{
    char path[4096];
    struct dirent **names = NULL;
    int n, rc = DR_OK;
    if (depth > MAX_DEPTH)
        return DR_OK;
    snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
    if ((n = scandir(path, &names, NULL, alphasort)) < 0)
        return DR_OK;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char sub[4096], full[4096];
        struct stat st;
        if (rc == DR_OK && !(all ? name[0] == '.' : skipped(name, depth == 0)) &&
            snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", name) < (int)sizeof sub &&
            snprintf(full, sizeof full, "%s/%s", dir, sub) < (int)sizeof full && lstat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                rc = walk(dir, sub, depth + 1, all, visit, ctx);
            else if (S_ISREG(st.st_mode) && (all || is_source(name)))
                rc = visit(full, sub, ctx);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

typedef struct contains_cx {
    const char *needle;
    bool *found;
} contains_cx;

static int visit_contains(const char *path, const char *rel, void *ctx)
{
    contains_cx *c = ctx;
    char *data;
    size_t len;
    (void)rel;
    if (!*c->found && util_read_file(path, UTIL_FILE_MAX_BYTES, &data, &len) == 0) {
        *c->found = strstr(data, c->needle) != NULL;
        free(data);
    }
    return DR_OK;
}

int dr_tree_contains(const char *dir, const char *rel, const char *needle, bool *found)
{
    contains_cx c = { needle, found };
    *found = false;
    return walk(dir, rel, 1, true, visit_contains, &c);
}

/* ---- the scanner ---- */

typedef struct konst {
    char *name, *value;
} konst;

typedef struct scan {
    dr_report *r;
    konst *consts;
    size_t n_consts, cap_consts;
    bool collect;          /* pass 1: constants; pass 2: calls */
    bool any_unregister;
    bool oom;
    /* the file being read */
    const char *text, *rel;
    size_t pos, len;
    int line, depth;
} scan;

static int peek(const scan *s, size_t ahead)
{
    return s->pos + ahead < s->len ? (unsigned char)s->text[s->pos + ahead] : -1;
}

static void advance(scan *s)
{
    if (s->pos < s->len && s->text[s->pos++] == '\n')
        s->line++;
}

/* Skips a string literal starting at the quote; copies its text (escapes kept) into out. */
static void skip_string(scan *s, char *out, size_t size)
{
    int q = peek(s, 0);
    size_t n = 0;
    advance(s);
    while (s->pos < s->len && peek(s, 0) != q && peek(s, 0) != '\n') {
        if (peek(s, 0) == '\\')
            advance(s);
        if (out && n + 1 < size)
            out[n++] = (char)peek(s, 0);
        advance(s);
    }
    advance(s);
    if (out)
        out[n] = '\0';
}

static void skip_code(scan *s, int stop_depth);

/* A template literal: text, and ${ code } parts (whose braces are the code's own). */
static void skip_template(scan *s)
{
    advance(s);
    while (s->pos < s->len && peek(s, 0) != '`') {
        if (peek(s, 0) == '\\') {
            advance(s);
            advance(s);
        } else if (peek(s, 0) == '$' && peek(s, 1) == '{') {
            advance(s);
            advance(s);
            skip_code(s, s->depth);
        } else {
            advance(s);
        }
    }
    advance(s);
}

/* Skips whitespace and comments. */
static void skip_space(scan *s)
{
    for (;;) {
        if (s->pos < s->len && isspace(peek(s, 0)))
            advance(s);
        else if (peek(s, 0) == '/' && peek(s, 1) == '/')
            while (s->pos < s->len && peek(s, 0) != '\n')
                advance(s);
        else if (peek(s, 0) == '/' && peek(s, 1) == '*') {
            advance(s);
            advance(s);
            while (s->pos < s->len && !(peek(s, 0) == '*' && peek(s, 1) == '/'))
                advance(s);
            advance(s);
            advance(s);
        } else
            return;
    }
}

static bool ident_char(int c)
{
    return c >= 0 && (isalnum(c) || c == '_' || c == '$');
}

static void read_ident(scan *s, char *out, size_t size)
{
    size_t n = 0;
    while (ident_char(peek(s, 0))) {
        if (n + 1 < size)
            out[n++] = (char)peek(s, 0);
        advance(s);
    }
    out[n] = '\0';
}

static const char *konst_get(const scan *s, const char *name)
{
    for (size_t i = s->n_consts; i-- > 0;)
        if (strcmp(s->consts[i].name, name) == 0)
            return s->consts[i].value;
    return NULL;
}

static void konst_add(scan *s, const char *name, const char *value)
{
    konst *k;
    if (s->n_consts == s->cap_consts) {
        size_t cap = s->cap_consts ? 2 * s->cap_consts : 16;
        konst *p = realloc(s->consts, cap * sizeof *p);
        if (!p) {
            s->oom = true;
            return;
        }
        s->consts = p;
        s->cap_consts = cap;
    }
    k = &s->consts[s->n_consts];
    k->name = util_strdup(name);
    k->value = util_strdup(value);
    if (!k->name || !k->value) {
        free(k->name);
        free(k->value);
        s->oom = true;
        return;
    }
    s->n_consts++;
}

/* A call's first argument as a task name: a string literal or a known constant. */
static bool read_name_arg(scan *s, char *out, size_t size)
{
    char id[128];
    skip_space(s);
    if (peek(s, 0) == '\'' || peek(s, 0) == '"') {
        skip_string(s, out, size);
        return true;
    }
    if (ident_char(peek(s, 0))) {
        const char *v;
        read_ident(s, id, sizeof id);
        if ((v = konst_get(s, id))) {
            snprintf(out, size, "%s", v);
            return true;
        }
    }
    return false;
}

/* minimumInterval in an options object literal starting at '{': minutes, -1 absent, -2 not an
 * integer product. Leaves the position after the object. */
static int64_t read_interval(scan *s)
{
    int start_depth = s->depth;
    int64_t minutes = -1;
    char id[64];
    advance(s); /* '{' */
    s->depth++;
    while (s->pos < s->len && s->depth > start_depth) {
        int c = peek(s, 0);
        if (c == '{' || c == '}') {
            s->depth += c == '{' ? 1 : -1;
            advance(s);
        } else if (c == '\'' || c == '"') {
            skip_string(s, NULL, 0);
        } else if (c == '`') {
            skip_template(s);
        } else if (c == '/' && (peek(s, 1) == '/' || peek(s, 1) == '*')) {
            skip_space(s);
        } else if (ident_char(c) && s->depth == start_depth + 1) {
            read_ident(s, id, sizeof id);
            skip_space(s);
            if (strcmp(id, "minimumInterval") == 0) {
                int64_t product = 1;
                bool ok = peek(s, 0) == ':';
                if (ok)
                    advance(s);
                for (bool more = ok; more;) {
                    int64_t v = 0;
                    skip_space(s);
                    if (!isdigit(peek(s, 0))) {
                        ok = false;
                        break;
                    }
                    while (isdigit(peek(s, 0)) && v < INT64_C(1000000000)) {
                        v = v * 10 + (peek(s, 0) - '0');
                        advance(s);
                    }
                    product = v > 0 && product > INT64_MAX / v ? INT64_MAX : product * v;
                    skip_space(s);
                    more = peek(s, 0) == '*';
                    if (more)
                        advance(s);
                }
                if (ok && peek(s, 0) != ',' && peek(s, 0) != '}' && peek(s, 0) != '\n')
                    ok = false;
                minutes = ok ? product : -2;
            }
        } else {
            advance(s);
        }
    }
    return minutes;
}

static void found_call(scan *s, const char *fn, int line, int depth)
{
    char name[256];
    dr_task *t;
    if (strcmp(fn, "unregisterTaskAsync") == 0) {
        s->any_unregister = true;
        return;
    }
    if (!read_name_arg(s, name, sizeof name))
        return; /* a computed name: nothing to say about it */
    if (!(t = dr_task_get(s->r, name, s->rel, line))) {
        s->oom = true;
        return;
    }
    if (strcmp(fn, "defineTask") == 0) {
        /* Defined twice: the top-level definition is the one a headless start sees. */
        if (!t->def_file || (depth == 0 && !t->defined_at_module_scope)) {
            free(t->def_file);
            t->def_file = util_strdup(s->rel);
            t->def_line = line;
            s->oom = s->oom || !t->def_file;
        }
        t->defined_at_module_scope = t->defined_at_module_scope || depth == 0;
        t->defined = true;
        return;
    }
    free(t->file);
    t->file = util_strdup(s->rel);
    t->line = line;
    s->oom = s->oom || !t->file;
    t->registered = true;
    skip_space(s);
    if (peek(s, 0) == ',') {
        advance(s);
        skip_space(s);
        t->minimum_interval = peek(s, 0) == '{' ? read_interval(s) : -2;
    } else {
        t->minimum_interval = -1;
    }
}

/* Reads code until the brace depth falls below stop_depth (a template's ${...}) or the end. */
static void skip_code(scan *s, int stop_depth)
{
    char id[64], prev[66] = ""; /* the previous word, or '=' and the name a constant gets */
    while (s->pos < s->len && !s->oom) {
        int c = peek(s, 0);
        if (c == '\'' || c == '"') {
            char text[256];
            skip_string(s, text, sizeof text);
            /* pass 1: const NAME = 'text' at a module's top level */
            if (s->collect && s->depth == 0 && prev[0] == '=' && prev[1] != '\0')
                konst_add(s, prev + 1, text);
            prev[0] = '\0';
        } else if (c == '`') {
            skip_template(s);
        } else if (c == '/' && (peek(s, 1) == '/' || peek(s, 1) == '*')) {
            skip_space(s);
        } else if (c == '{') {
            s->depth++;
            advance(s);
        } else if (c == '}') {
            advance(s);
            if (--s->depth < stop_depth)
                return;
        } else if (ident_char(c) && !isdigit(c)) {
            int line = s->line;
            bool declared = strcmp(prev, "function") == 0;
            read_ident(s, id, sizeof id);
            skip_space(s);
            if (!s->collect && !declared && peek(s, 0) == '(' &&
                (strcmp(id, "defineTask") == 0 || strcmp(id, "registerTaskAsync") == 0 ||
                 strcmp(id, "unregisterTaskAsync") == 0)) {
                advance(s);
                found_call(s, id, line, s->depth);
                prev[0] = '\0';
            } else if (s->collect && peek(s, 0) == '=' && peek(s, 1) != '=' &&
                       (strcmp(prev, "const") == 0 || strcmp(prev, "let") == 0 || strcmp(prev, "var") == 0)) {
                advance(s);
                prev[0] = '=';
                memcpy(prev + 1, id, strlen(id) + 1);
            } else {
                memcpy(prev, id, strlen(id) + 1);
            }
        } else {
            if (!isspace(c))
                prev[0] = '\0';
            advance(s);
        }
    }
}

static int visit_source(const char *path, const char *rel, void *ctx)
{
    scan *s = ctx;
    char *data;
    size_t len;
    if (util_read_file(path, UTIL_FILE_MAX_BYTES, &data, &len) != 0)
        return DR_OK; /* unreadable: nothing to say about its calls */
    s->text = data;
    s->len = len;
    s->rel = rel;
    s->pos = 0;
    s->line = 1;
    s->depth = 0;
    skip_code(s, -1);
    if (!s->collect)
        s->r->files_scanned++;
    s->text = NULL; /* both point into this call's memory */
    s->rel = NULL;
    free(data);
    return s->oom ? DR_ERR_NOMEM : DR_OK;
}

/* ---- what the tasks found mean ---- */

static int check_tasks(dr_report *r, bool any_unregister)
{
    size_t registered = 0;
    int64_t first = -3;
    bool differ = false;
    char what[512], effect[512];
    for (size_t i = 0; i < r->n_tasks; i++) {
        const dr_task *t = &r->tasks[i];
        if (t->registered && !t->defined) {
            snprintf(what, sizeof what, "registerTaskAsync('%.100s') but no TaskManager.defineTask('%.100s') in the sources",
                     t->name, t->name);
            snprintf(effect, sizeof effect, "registerTaskAsync rejects: \"Task '%.100s' is not defined. You must define a "
                     "task using TaskManager.defineTask before registering.\"", t->name);
            if (!dr_add(r, DR_ERROR, t->file, t->line, what, effect,
                        "call TaskManager.defineTask with this name at the top level of a module the app's entry imports"))
                return DR_ERR_NOMEM;
        }
        if (t->defined && !t->defined_at_module_scope) {
            snprintf(what, sizeof what, "TaskManager.defineTask('%.100s') is inside a function or block, not at a module's top level",
                     t->name);
            if (!dr_add(r, DR_ERROR, t->def_file, t->def_line, what,
                        "when the OS starts the app in the background to run the worker (a headless start), that code "
                        "does not run: expo-task-manager logs \"Execution of ... was requested but looks like it is not "
                        "defined\", and unregisters the task: it stops running until the app registers it again",
                        "move TaskManager.defineTask to the top level of a module the app's entry file imports"))
                return DR_ERR_NOMEM;
        }
        if (!t->registered)
            continue;
        registered++;
        if (first == -3)
            first = t->minimum_interval;
        else if (first != t->minimum_interval)
            differ = true;
        if (t->minimum_interval >= 0 && t->minimum_interval < 15) {
            snprintf(what, sizeof what, "'%.100s': minimumInterval %lld minutes is below the 15 minutes expo documents",
                     t->name, (long long)t->minimum_interval);
            if (!dr_add(r, DR_WARNING, t->file, t->line, what,
                        "nothing clamps it (Android 8+: a one-time work request with that initial delay; iOS: an "
                        "earliest begin date that close): the worker asks to run that often, and the OS (Doze and "
                        "standby buckets, BGTaskScheduler) decides how often it really runs",
                        "use 15 or more, as expo documents (bgsim sweep shows what each interval gives)"))
                return DR_ERR_NOMEM;
        } else if (t->minimum_interval == -1) {
            snprintf(what, sizeof what, "'%.100s' is registered without minimumInterval", t->name);
            if (!dr_add(r, DR_NOTE, t->file, t->line, what,
                        "on Android expo asks for 24 hours (DEFAULT_INTERVAL_MINUTES), and this registration sets the "
                        "interval every task shares to 24 hours; on iOS the shared interval stays (12 hours when no "
                        "task set one)",
                        "pass { minimumInterval: MINUTES } to registerTaskAsync"))
                return DR_ERR_NOMEM;
        }
    }
    if (registered > 1 && differ &&
        !dr_add(r, DR_NOTE, r->tasks[0].file, 0, "the tasks are registered with different minimumInterval values",
                "expo runs every task from one worker, whose interval is the minimumInterval of the registration made "
                "last: the other tasks run at that interval too",
                "register every task with the interval the most frequent one needs"))
        return DR_ERR_NOMEM;
    if (registered > 0 && !any_unregister) {
        for (size_t i = 0; i < r->n_tasks; i++) {
            if (!r->tasks[i].registered)
                continue;
            if (!dr_add(r, DR_NOTE, r->tasks[i].file, r->tasks[i].line,
                        "registerTaskAsync is never paired with unregisterTaskAsync",
                        "registerTaskAsync returns at once for a task already registered, so a changed minimumInterval "
                        "in an app update never reaches devices that registered the task before",
                        "when the options change, unregisterTaskAsync then registerTaskAsync"))
                return DR_ERR_NOMEM;
            break;
        }
    }
    return DR_OK;
}

int dr_check_sources(const char *dir, dr_report *r)
{
    scan s = { 0 };
    int rc;
    s.r = r;
    s.collect = true;
    rc = walk(dir, "", 0, false, visit_source, &s);
    if (rc == DR_OK) {
        s.collect = false;
        rc = walk(dir, "", 0, false, visit_source, &s);
    }
    if (rc == DR_OK)
        rc = check_tasks(r, s.any_unregister);
    for (size_t i = 0; i < s.n_consts; i++) {
        free(s.consts[i].name);
        free(s.consts[i].value);
    }
    free(s.consts);
    return rc;
}
