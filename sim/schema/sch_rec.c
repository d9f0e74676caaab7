/*
 * sch_rec.c - see sch_rec.h.
 */
#include "sch_rec.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sch_dist.h"
#include "sch_units.h"
#include "util.h"

#define MAX_VARIANTS 8
#define MAX_REGIONS 32
#define VARIANT_LEN 16
#define DEFAULT_LEN 96

typedef struct rec_default {
    char variant[VARIANT_LEN];
    char text[DEFAULT_LEN];
} rec_default;

typedef struct rec_entry {
    char *path;
    bool is_map, typed, required;
    char **keys; /* NULL-terminated union of the accepted keys, in first-seen order */
    size_t n_keys;
    sch_rec_field f; /* f.names and f.out are not kept: see names */
    char **names;    /* enum words, NULL-terminated */
    char variants[MAX_VARIANTS][VARIANT_LEN];
    size_t n_variants;
    rec_default defaults[MAX_VARIANTS];
    size_t n_defaults;
} rec_entry;

struct sch_rec {
    rec_entry *e;
    size_t n, cap;
    char variant[VARIANT_LEN];
    size_t n_all_variants;
    char all_variants[MAX_VARIANTS][VARIANT_LEN];
    struct {
        const char *p;
        size_t size;
    } regions[MAX_REGIONS];
    size_t n_regions;
};

sch_rec *sch_rec_new(void) { return calloc(1, sizeof(sch_rec)); }

static void free_list(char **list)
{
    for (size_t i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

void sch_rec_free(sch_rec *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->e[i].path);
        free_list(r->e[i].keys);
        free_list(r->e[i].names);
    }
    free(r->e);
    free(r);
}

void sch_rec_variant(sch_rec *r, const char *name)
{
    snprintf(r->variant, sizeof r->variant, "%s", name);
    for (size_t i = 0; i < r->n_all_variants; i++)
        if (strcmp(r->all_variants[i], name) == 0)
            return;
    if (r->n_all_variants < MAX_VARIANTS)
        snprintf(r->all_variants[r->n_all_variants++], VARIANT_LEN, "%s", name);
}

void sch_rec_defaults_at(sch_rec *r, const void *p, size_t size)
{
    if (r->n_regions < MAX_REGIONS) {
        r->regions[r->n_regions].p = p;
        r->regions[r->n_regions++].size = size;
    }
}

void sch_rec_forget_defaults(sch_rec *r) { r->n_regions = 0; }

/* The path with every "[N]" written "[]" (a new string, or NULL). */
static char *normalize(const char *path)
{
    char *out = malloc(strlen(path) + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (const char *p = path; *p;) {
        if (*p == '[') {
            out[o++] = '[';
            while (*p && *p != ']')
                p++;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

static rec_entry *find(const sch_rec *r, const char *norm)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->e[i].path, norm) == 0)
            return &r->e[i];
    return NULL;
}

/* The entry of `path` (made when new), marked as seen in the current variant; NULL when out of
 * memory. */
static rec_entry *entry(sch_rec *r, const char *path)
{
    char *norm = normalize(path);
    if (!norm)
        return NULL;
    rec_entry *e = find(r, norm);
    if (e) {
        free(norm);
    } else {
        if (r->n == r->cap) {
            size_t cap = r->cap ? 2 * r->cap : 64;
            rec_entry *grown = realloc(r->e, cap * sizeof *grown);
            if (!grown) {
                free(norm);
                return NULL;
            }
            r->e = grown;
            r->cap = cap;
        }
        e = &r->e[r->n++];
        *e = (rec_entry){.path = norm};
    }
    bool seen = false;
    for (size_t i = 0; i < e->n_variants && !seen; i++)
        seen = strcmp(e->variants[i], r->variant) == 0;
    if (!seen && e->n_variants < MAX_VARIANTS)
        snprintf(e->variants[e->n_variants++], VARIANT_LEN, "%s", r->variant);
    return e;
}

/* Adds the words of `add` missing from *list (NULL-terminated); false when out of memory. */
static bool merge_words(char ***list, size_t *n, const char *const *add)
{
    for (size_t i = 0; add[i]; i++) {
        bool have = false;
        for (size_t j = 0; j < *n && !have; j++)
            have = strcmp((*list)[j], add[i]) == 0;
        if (have)
            continue;
        char **grown = realloc(*list, (*n + 2) * sizeof *grown);
        if (!grown)
            return false;
        *list = grown;
        if (!(grown[*n] = util_strdup(add[i]))) {
            grown[*n] = NULL;
            return false;
        }
        grown[++*n] = NULL;
    }
    return true;
}

void sch_rec_map(sch_rec *r, const char *path, const char *const *keys)
{
    rec_entry *e = entry(r, path);
    if (!e)
        return;
    e->is_map = true;
    if (!e->keys && (e->keys = calloc(1, sizeof *e->keys)) == NULL)
        return;
    merge_words(&e->keys, &e->n_keys, keys);
}

void sch_rec_key(sch_rec *r, const char *path, bool required)
{
    rec_entry *e = entry(r, path);
    if (e && required)
        e->required = true;
}

static bool in_region(const sch_rec *r, const void *p, size_t size)
{
    const char *c = p;
    for (size_t i = 0; i < r->n_regions; i++)
        if (c >= r->regions[i].p && c + size <= r->regions[i].p + r->regions[i].size)
            return true;
    return false;
}

/* The default in *f->out as a scenario would write it; false when there is none to show. */
static bool format_default(const sch_rec *r, const sch_rec_field *f, char *buf, size_t size)
{
    const void *p = f->out;
    switch (f->type) {
    case SCH_T_DURATION:
        if (!p || !in_region(r, p, sizeof(sim_time)))
            return false;
        sch_format_duration(*(const sim_time *)p, buf, size);
        return true;
    case SCH_T_TIME_OF_DAY: {
        if (!p || !in_region(r, p, sizeof(sim_time)))
            return false;
        sim_time ms = *(const sim_time *)p;
        snprintf(buf, size, "%02d:%02d", (int)(ms / 3600000 % 24), (int)(ms / 60000 % 60));
        return true;
    }
    case SCH_T_PERCENT:
        if (!p || !in_region(r, p, sizeof(double)))
            return false;
        snprintf(buf, size, "%g%%", *(const double *)p);
        return true;
    case SCH_T_PROBABILITY:
    case SCH_T_NUMBER:
        if (!p || !in_region(r, p, sizeof(double)))
            return false;
        snprintf(buf, size, "%g", *(const double *)p);
        return true;
    case SCH_T_DATETIME: {
        if (!p || !in_region(r, p, sizeof(sim_datetime)))
            return false;
        const sim_datetime *d = p;
        snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d", (long long)d->year, d->month, d->day, d->hour, d->minute);
        return true;
    }
    case SCH_T_INT:
        if (!p || !in_region(r, p, sizeof(int64_t)))
            return false;
        snprintf(buf, size, "%" PRId64, *(const int64_t *)p);
        return true;
    case SCH_T_UINT:
        if (!p || !in_region(r, p, sizeof(uint64_t)))
            return false;
        snprintf(buf, size, "%" PRIu64, *(const uint64_t *)p);
        return true;
    case SCH_T_BOOL:
        if (!p || !in_region(r, p, sizeof(bool)))
            return false;
        snprintf(buf, size, "%s", *(const bool *)p ? "true" : "false");
        return true;
    case SCH_T_ENUM: {
        if (!p || !f->names || !in_region(r, p, sizeof(int)))
            return false;
        int i = *(const int *)p, n = 0;
        while (f->names[n])
            n++;
        if (i < 0 || i >= n)
            return false;
        snprintf(buf, size, "%s", f->names[i]);
        return true;
    }
    case SCH_T_STRING:
        if (!p || !in_region(r, p, sizeof(char *)) || !*(char *const *)p)
            return false;
        snprintf(buf, size, "%s", *(char *const *)p);
        return true;
    case SCH_T_DIST:
        if (!p || !in_region(r, p, sizeof(sch_dist)))
            return false;
        sch_dist_format(p, buf, size);
        return true;
    case SCH_T_INSTANT: /* events[].at: required, no default */
    case SCH_T_NONE: break;
    }
    return false;
}

void sch_rec_field_at(sch_rec *r, const char *path, const sch_rec_field *f)
{
    rec_entry *e = entry(r, path);
    if (!e)
        return;
    if (!e->typed) {
        e->typed = true;
        e->f = *f;
        e->f.names = NULL;
        e->f.out = NULL;
    } else if (f->has_bounds && e->f.has_bounds) { /* bounds of every variant: their union */
        e->f.min = f->min < e->f.min ? f->min : e->f.min;
        e->f.max = f->max > e->f.max ? f->max : e->f.max;
    }
    if (f->type == SCH_T_ENUM && f->names) {
        if (!e->names && (e->names = calloc(1, sizeof *e->names)) == NULL)
            return;
        size_t n = 0;
        while (e->names[n])
            n++;
        merge_words(&e->names, &n, f->names);
    }
    char text[DEFAULT_LEN];
    if (!f->required && e->n_defaults < MAX_VARIANTS && format_default(r, f, text, sizeof text)) {
        for (size_t i = 0; i < e->n_defaults; i++)
            if (strcmp(e->defaults[i].variant, r->variant) == 0)
                return;
        rec_default *d = &e->defaults[e->n_defaults++];
        snprintf(d->variant, sizeof d->variant, "%s", r->variant);
        snprintf(d->text, sizeof d->text, "%s", text);
    }
}

const char *const *sch_rec_map_keys(const sch_rec *r, const char *path)
{
    const rec_entry *e = find(r, path);
    return e && e->is_map ? (const char *const *)e->keys : NULL;
}

bool sch_rec_has(const sch_rec *r, const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < r->n; i++)
        if (strncmp(r->e[i].path, path, n) == 0 && (r->e[i].path[n] == '\0' || r->e[i].path[n] == '[' ||
                                                    (r->e[i].path[n] == '.' && n > 0)))
            return true;
    return false;
}

bool sch_rec_typed(const sch_rec *r, const char *path)
{
    const rec_entry *e = find(r, path);
    return e && e->typed;
}

const char *sch_rec_map_path(const sch_rec *r, size_t i)
{
    for (size_t k = 0; k < r->n; k++)
        if (r->e[k].is_map && i-- == 0)
            return r->e[k].path;
    return NULL;
}

/* ---- JSON Schema ---- */

/* The value forms of sch_units.h as JSON Schema patterns (YAML 1.2 reads them as strings). */
#define DURATION_PATTERN                                                                                           \
    "^(0|(?=[0-9])([0-9]+(\\\\.[0-9]+)?w)?([0-9]+(\\\\.[0-9]+)?d)?([0-9]+(\\\\.[0-9]+)?h)?([0-9]+(\\\\.[0-9]+)?m)?" \
    "([0-9]+(\\\\.[0-9]+)?s)?([0-9]+ms)?)$"
#define PERCENT_PATTERN "^[0-9]+(\\\\.[0-9]+)?%$"

static void indent(FILE *out, int level)
{
    for (int i = 0; i < level; i++)
        fputs("  ", out);
}

/* The description of a typed field: what to write, bounds, default, platforms. */
static void describe(const sch_rec *r, const rec_entry *e, FILE *out)
{
    static const char *const what[] = {
        [SCH_T_NONE] = "A value",
        [SCH_T_DURATION] = "A duration: digits with a unit, largest first (ms, s, m, h, d, w), e.g. 250ms, 15m, 1h30m, 2d; or 0",
        [SCH_T_PERCENT] = "A percentage from 0% to 100%, e.g. 15%",
        [SCH_T_PROBABILITY] = "A probability: a number from 0 to 1, or a percentage (0.02 or 2%)",
        [SCH_T_TIME_OF_DAY] = "A time of day, HH:MM or HH:MM:SS (local time)",
        [SCH_T_DATETIME] = "A local date-time, YYYY-MM-DDTHH:MM[:SS]",
        [SCH_T_INSTANT] = "An instant: a duration since the start (e.g. 2d12h) or a local date-time, YYYY-MM-DDTHH:MM[:SS]",
        [SCH_T_INT] = "An integer",
        [SCH_T_UINT] = "A non-negative integer",
        [SCH_T_NUMBER] = "A number",
        [SCH_T_BOOL] = "true or false",
        [SCH_T_STRING] = "Text",
        [SCH_T_ENUM] = "One of the words listed",
        /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one sentence split over lines */
        [SCH_T_DIST] = "A random duration: a duration (fixed), or one of {fixed: D}, {uniform: [D, D]}, "
                       "{exponential: {mean: D}}, {lognormal: {median: D, sigma: X}}, {normal: {mean: D, sd: D}}, "
                       "{weibull: {scale: D, shape: X}}",
    };
    char text[1024];
    size_t len = (size_t)snprintf(text, sizeof text, "%s", what[e->f.type]);
    if (e->f.has_bounds && (e->f.type == SCH_T_INT || e->f.type == SCH_T_NUMBER) && len < sizeof text)
        len += (size_t)snprintf(text + len, sizeof text - len, " from %g to %g", e->f.min, e->f.max);
    if (e->n_defaults > 0 && len < sizeof text) {
        bool same = true;
        for (size_t i = 1; i < e->n_defaults; i++)
            same = same && strcmp(e->defaults[i].text, e->defaults[0].text) == 0;
        if (same && e->n_defaults == e->n_variants) {
            len += (size_t)snprintf(text + len, sizeof text - len, ". Default: %s", e->defaults[0].text);
        } else {
            len += (size_t)snprintf(text + len, sizeof text - len, ". Default:");
            for (size_t i = 0; i < e->n_defaults && len < sizeof text; i++)
                len += (size_t)snprintf(text + len, sizeof text - len, "%s %s on %s", i ? "," : "",
                                        e->defaults[i].text, e->defaults[i].variant);
        }
    }
    if (e->n_variants < r->n_all_variants && len < sizeof text) {
        len += (size_t)snprintf(text + len, sizeof text - len, ". Platform%s:", e->n_variants > 1 ? "s" : "");
        for (size_t i = 0; i < e->n_variants && len < sizeof text; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s %s", i ? "," : "", e->variants[i]);
    }
    if (len < sizeof text)
        snprintf(text + len, sizeof text - len, ".");
    fputs("\"description\": ", out);
    util_json_string(out, text);
}

/* The type keywords of a typed field (after an opening brace, each followed by ",\n"). */
static void leaf_type(const rec_entry *e, FILE *out, int level)
{
    switch (e->f.type) {
    case SCH_T_DURATION: fputs("\"$ref\": \"#/definitions/duration\"", out); break;
    case SCH_T_DIST: fputs("\"$ref\": \"#/definitions/distribution\"", out); break;
    case SCH_T_PERCENT: fputs("\"type\": \"string\", \"pattern\": \"" PERCENT_PATTERN "\"", out); break;
    case SCH_T_PROBABILITY:
        fputs("\"anyOf\": [{\"type\": \"number\", \"minimum\": 0, \"maximum\": 1}, {\"type\": \"string\", \"pattern\": \"" PERCENT_PATTERN "\"}]", out);
        break;
    case SCH_T_TIME_OF_DAY:
        fputs("\"type\": \"string\", \"pattern\": \"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$\"", out);
        break;
    case SCH_T_DATETIME:
        fputs("\"type\": \"string\", \"pattern\": \"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$\"", out);
        break;
    case SCH_T_INSTANT:
        fputs("\"anyOf\": [{\"$ref\": \"#/definitions/duration\"}, {\"type\": \"string\", \"pattern\": "
              "\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$\"}]",
              out);
        break;
    case SCH_T_INT:
        fputs("\"type\": \"integer\"", out);
        if (e->f.has_bounds && fabs(e->f.min) < 9e15 && fabs(e->f.max) < 9e15)
            fprintf(out, ", \"minimum\": %.0f, \"maximum\": %.0f", e->f.min, e->f.max);
        break;
    case SCH_T_UINT: fputs("\"type\": \"integer\", \"minimum\": 0", out); break;
    case SCH_T_NUMBER:
        fputs("\"type\": \"number\"", out);
        if (e->f.has_bounds && fabs(e->f.min) < 1e300 && fabs(e->f.max) < 1e300)
            fprintf(out, ", \"minimum\": %.17g, \"maximum\": %.17g", e->f.min, e->f.max);
        break;
    case SCH_T_BOOL: fputs("\"type\": \"boolean\"", out); break;
    /* Any scalar is text to the loader (`name: 2024` is the name "2024"). */
    case SCH_T_STRING: fputs("\"type\": [\"string\", \"number\", \"boolean\"], \"minLength\": 1", out); break;
    case SCH_T_ENUM:
        fputs("\"enum\": [", out);
        for (size_t i = 0; e->names && e->names[i]; i++) {
            fputs(i ? ", " : "", out);
            util_json_string(out, e->names[i]);
        }
        fputs("]", out);
        break;
    case SCH_T_NONE: break;
    }
    fputs(",\n", out);
    indent(out, level);
}

static char *child_path(const char *path, const char *key)
{
    size_t n = strlen(path) + strlen(key) + 2;
    char *c = malloc(n);
    if (c)
        snprintf(c, n, "%s%s%s", path, *path ? "." : "", key);
    return c;
}

static int write_node(const sch_rec *r, FILE *out, const char *path, int level);

/* "properties", "additionalProperties" and "required" of a mapping (each followed by ",\n"). */
static int write_properties(const sch_rec *r, FILE *out, const rec_entry *e, int level)
{
    fputs("\"properties\": {\n", out);
    bool any_required = false;
    for (size_t i = 0; e->keys[i]; i++) {
        char *c = child_path(e->path, e->keys[i]);
        if (!c)
            return -1;
        const rec_entry *ce = find(r, c);
        any_required = any_required || (ce && ce->required);
        indent(out, level + 1);
        util_json_string(out, e->keys[i]);
        fputs(": ", out);
        int rc = write_node(r, out, c, level + 1);
        free(c);
        if (rc != 0)
            return rc;
        fputs(e->keys[i + 1] ? ",\n" : "\n", out);
    }
    indent(out, level);
    fputs("},\n", out);
    indent(out, level);
    fputs("\"additionalProperties\": false,\n", out);
    indent(out, level);
    if (any_required) {
        fputs("\"required\": [", out);
        bool first = true;
        for (size_t i = 0; e->keys[i]; i++) {
            char *c = child_path(e->path, e->keys[i]);
            if (!c)
                return -1;
            const rec_entry *ce = find(r, c);
            if (ce && ce->required) {
                fputs(first ? "" : ", ", out);
                util_json_string(out, e->keys[i]);
                first = false;
            }
            free(c);
        }
        fputs("],\n", out);
        indent(out, level);
    }
    return 0;
}

/*
 * One path's schema. A typed field: its type. A mapping: its keys, no others ("type" is left out
 * so that a parser that also takes a scalar or a list there is not contradicted: properties and
 * items constrain only objects and arrays). Items of a list: "items". Nothing known: any value.
 */
static int write_node(const sch_rec *r, FILE *out, const char *path, int level)
{
    const rec_entry *e = find(r, path);
    size_t n = strlen(path);
    char *items = malloc(n + 3);
    if (!items)
        return -1;
    snprintf(items, n + 3, "%s[]", path);
    bool has_items = find(r, items) != NULL;
    fputs("{\n", out);
    indent(out, level + 1);
    int rc = 0;
    if (e && e->typed) {
        leaf_type(e, out, level + 1);
        describe(r, e, out);
    } else {
        if (e && e->is_map && e->keys)
            rc = write_properties(r, out, e, level + 1);
        if (rc == 0 && has_items) {
            fputs("\"items\": ", out);
            rc = write_node(r, out, items, level + 1);
            fputs(",\n", out);
            indent(out, level + 1);
        }
        fputs("\"description\": ", out);
        util_json_string(out, e && e->is_map ? "A mapping of the keys listed (scenarios/README.md)."
                              : has_items    ? "A list (scenarios/README.md)."
                                             : "Read by its section's own rules (scenarios/README.md).");
    }
    fputs("\n", out);
    indent(out, level);
    fputs("}", out);
    free(items);
    return rc;
}

int sch_rec_write_json(const sch_rec *r, FILE *out, const char *title, const char *id)
{
    fputs("{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n  \"$id\": ", out);
    util_json_string(out, id);
    fputs(",\n  \"title\": ", out);
    util_json_string(out, title);
    fputs(",\n  \"definitions\": {\n"
          "    \"duration\": {\"anyOf\": [{\"type\": \"string\", \"pattern\": \"" DURATION_PATTERN "\"}, {\"const\": 0}]},\n"
          /* The forms of sch_dist.h. */
          "    \"distribution\": {\"anyOf\": [\n"
          "      {\"$ref\": \"#/definitions/duration\"},\n"
          "      {\"type\": \"object\", \"additionalProperties\": false, \"minProperties\": 1, \"maxProperties\": 1, \"properties\": {\n"
          "        \"fixed\": {\"$ref\": \"#/definitions/duration\"},\n"
          "        \"uniform\": {\"type\": \"array\", \"minItems\": 2, \"maxItems\": 2, \"items\": {\"$ref\": \"#/definitions/duration\"}},\n"
          "        \"exponential\": {\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"mean\"], \"properties\": {\"mean\": {\"$ref\": \"#/definitions/duration\"}}},\n"
          "        \"lognormal\": {\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"median\", \"sigma\"], \"properties\": {\"median\": {\"$ref\": \"#/definitions/duration\"}, \"sigma\": {\"type\": \"number\", \"minimum\": 0, \"maximum\": 10}}},\n"
          "        \"normal\": {\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"mean\", \"sd\"], \"properties\": {\"mean\": {\"$ref\": \"#/definitions/duration\"}, \"sd\": {\"$ref\": \"#/definitions/duration\"}}},\n"
          "        \"weibull\": {\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"scale\", \"shape\"], \"properties\": {\"scale\": {\"$ref\": \"#/definitions/duration\"}, \"shape\": {\"type\": \"number\", \"minimum\": 0.01, \"maximum\": 100}}}\n"
          "      }}\n"
          "    ]}\n"
          "  },\n  \"allOf\": [",
          out);
    int rc = write_node(r, out, "", 1);
    fputs("]\n}\n", out);
    return rc;
}
