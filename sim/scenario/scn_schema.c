/*
 * scn_schema.c - see scn_schema.h.
 */
#include "scn_schema.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "run_status.h"
#include "scn_scenario.h"
#include "sch_rec.h"
#include "util.h"

#define MAX_ROUNDS 24

/* How a probe key is written, tried in this order until the walk shows the parser uses it. */
typedef enum probe_form { AS_MAP, AS_LIST_OF_MAPS, AS_LIST, AS_SCALAR, GIVEN_UP, TYPED } probe_form;

typedef struct probe {
    char *path; /* "app.tasks[].work" */
    probe_form form;
} probe;

typedef struct prober {
    probe *p;
    size_t n, cap;
    sch_rec *rec;
} prober;

static bool has_probe(const prober *pr, const char *path)
{
    for (size_t i = 0; i < pr->n; i++)
        if (strcmp(pr->p[i].path, path) == 0)
            return true;
    return false;
}

static int add_probe(prober *pr, const char *path)
{
    if (pr->n == pr->cap) {
        size_t cap = pr->cap ? 2 * pr->cap : 64;
        probe *grown = realloc(pr->p, cap * sizeof *grown);
        if (!grown)
            return -1;
        pr->p = grown;
        pr->cap = cap;
    }
    if (!(pr->p[pr->n].path = util_strdup(path)))
        return -1;
    pr->p[pr->n++].form = AS_MAP;
    return 0;
}

/* Whether `path` is `parent` + "." + one key (or one key at the root). */
static const char *key_under(const char *path, const char *parent)
{
    size_t n = strlen(parent);
    if (n == 0)
        return strpbrk(path, ".[") ? NULL : path;
    if (strncmp(path, parent, n) != 0 || path[n] != '.')
        return NULL;
    const char *key = path + n + 1;
    return strpbrk(key, ".[") ? NULL : key;
}

static void write_value(const prober *pr, FILE *out, const probe *p);

/* The probe keys of the mapping at `parent`, as "k: v, " pairs. */
static void write_children(const prober *pr, FILE *out, const char *parent)
{
    for (size_t i = 0; i < pr->n; i++) {
        const char *key = key_under(pr->p[i].path, parent);
        if (!key || pr->p[i].form >= GIVEN_UP)
            continue;
        util_json_string(out, key);
        fputs(": ", out);
        write_value(pr, out, &pr->p[i]);
        fputs(", ", out);
    }
}

static void write_value(const prober *pr, FILE *out, const probe *p)
{
    char items[600];
    snprintf(items, sizeof items, "%s[]", p->path);
    switch (p->form) {
    case AS_MAP:
        fputs("{", out);
        write_children(pr, out, p->path);
        fputs("}", out);
        break;
    case AS_LIST_OF_MAPS:
        fputs("[{", out);
        write_children(pr, out, items);
        fputs("}]", out);
        break;
    case AS_LIST: fputs("[probe]", out); break;
    case AS_SCALAR: fputs("probe", out); break;
    case GIVEN_UP:
    case TYPED: break;
    }
}

/* One walk of the probe tree for `platform`. */
static int walk(prober *pr, const char *platform)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return RUN_ERR_NOMEM;
    fprintf(m, "{bgsim: %d, platform: %s, duration: 1d, ", SCN_SCHEMA_VERSION, platform);
    write_children(pr, m, "");
    fputs("}\n", m);
    if (fclose(m) != 0) {
        free(text);
        return RUN_ERR_NOMEM;
    }
    sch_rec_variant(pr->rec, platform);
    /* `bgsim:` is read before any helper (scn_scenario.c check_version): noted here. */
    sch_rec_field_at(pr->rec, "bgsim",
                     &(sch_rec_field){.type = SCH_T_INT, .required = true, .has_bounds = true,
                                      .min = SCN_SCHEMA_VERSION, .max = SCN_SCHEMA_VERSION});
    sch_rec_key(pr->rec, "bgsim", true);
    int rc = scn_walk_recorded(text, len, pr->rec);
    free(text);
    return rc;
}

/* New probes for the keys of every checked mapping; the next form for each probe the walk did not
 * use. Returns whether anything changed, or -1 when out of memory. */
static int learn(prober *pr)
{
    int changed = 0;
    for (size_t i = 0; i < pr->n; i++) { /* the probes of the last walk first */
        probe *p = &pr->p[i];
        if (p->form >= GIVEN_UP)
            continue;
        char items[600];
        snprintf(items, sizeof items, "%s[]", p->path);
        if (sch_rec_typed(pr->rec, p->path)) {
            p->form = TYPED; /* a leaf: left out of later walks, its record stays */
            continue;
        }
        bool used = p->form == AS_MAP            ? sch_rec_map_keys(pr->rec, p->path) != NULL
                    : p->form == AS_LIST_OF_MAPS ? sch_rec_map_keys(pr->rec, items) != NULL
                    : p->form == AS_LIST         ? sch_rec_has(pr->rec, items)
                                                 : false;
        if (!used) {
            p->form++;
            changed = 1;
        }
    }
    const char *map;
    for (size_t i = 0; (map = sch_rec_map_path(pr->rec, i)); i++) {
        const char *const *keys = sch_rec_map_keys(pr->rec, map);
        for (size_t k = 0; keys && keys[k]; k++) {
            char path[600];
            snprintf(path, sizeof path, "%s%s%s", map, *map ? "." : "", keys[k]);
            if (has_probe(pr, path) || sch_rec_typed(pr->rec, path))
                continue;
            if (add_probe(pr, path) != 0)
                return -1;
            changed = 1;
        }
    }
    return changed;
}

/* Every platform's walk, repeated with probes for what the last round learned, into pr->rec. */
static int probe_all(prober *pr)
{
    static const char *const platforms[] = {"android", "ios", "ideal"};
    int rc = pr->rec ? 0 : RUN_ERR_NOMEM;
    /* The root's required keys: said only when absent, so one walk without them (the loader then
     * goes on as on the ideal platform). */
    if (rc == 0) {
        static const char bare[] = "{bgsim: 1}\n";
        sch_rec_variant(pr->rec, "ideal");
        rc = scn_walk_recorded(bare, sizeof bare - 1, pr->rec);
    }
    for (int round = 0; rc == 0 && round < MAX_ROUNDS; round++) {
        for (size_t p = 0; rc == 0 && p < sizeof platforms / sizeof platforms[0]; p++)
            rc = walk(pr, platforms[p]);
        int changed = rc == 0 ? learn(pr) : 0;
        if (changed < 0)
            rc = RUN_ERR_NOMEM;
        if (changed <= 0)
            break;
    }
    return rc;
}

static void prober_free(prober *pr)
{
    for (size_t i = 0; i < pr->n; i++)
        free(pr->p[i].path);
    free(pr->p);
    sch_rec_free(pr->rec);
}

int scn_schema_write(FILE *out)
{
    prober pr = {.rec = sch_rec_new()};
    int rc = probe_all(&pr);
    if (rc == 0 && sch_rec_write_json(pr.rec, out, "bgsim scenario (schema version 1)", SCN_SCHEMA_ID) != 0)
        rc = RUN_ERR_NOMEM;
    prober_free(&pr);
    return rc;
}

/* A recorded path as --set writes it: a list's items by index ("[]" -> "[0]"). */
static void put_key(FILE *out, const char *map, const char *key)
{
    for (const char *p = map; *p; p++) {
        if (p[0] == '[' && p[1] == ']') {
            fputs("[0]", out);
            p++;
        } else {
            fputc(*p, out);
        }
    }
    fprintf(out, "%s%s\n", *map ? "." : "", key);
}

int scn_schema_keys(FILE *out)
{
    prober pr = {.rec = sch_rec_new()};
    int rc = probe_all(&pr);
    const char *map;
    for (size_t i = 0; rc == 0 && (map = sch_rec_map_path(pr.rec, i)); i++) {
        const char *const *keys = sch_rec_map_keys(pr.rec, map);
        for (size_t k = 0; keys && keys[k]; k++)
            put_key(out, map, keys[k]);
    }
    prober_free(&pr);
    return rc;
}
