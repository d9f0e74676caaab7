/*
 * sch_rec.h - a recorder of the schema walk: what the section parsers ask of a tree, kept per key
 * path, so the scenario format's JSON Schema is generated from the loader itself and cannot drift.
 *
 * When a walk's context has a recorder (sch_cx.rec), the sch_walk helpers note every mapping's
 * accepted keys (sch_check_map), every key asked for and whether it is required (its absence
 * reported by sch_field_node or sch_require_keys),
 * and every typed field with its type, bounds, enum words and default (sch_field_*, sch_field_dist).
 * Paths are stored with list indexes as "[]" ("app.tasks[].work"). Nothing else changes: the walk
 * reports and stores exactly as without a recorder.
 *
 * Defaults: a typed field's *out holds the caller's default when the helper is called (the
 * "absent leaves the default" rule of sch_walk.h). The recorder reads it only when *out lies in a
 * region the loader marked with sch_rec_defaults_at (a config that its defaults() filled), never
 * from a local variable that may be uninitialised.
 *
 * A recorder collects walks of several probe trees (sch_rec_variant names the current one, e.g. a
 * platform); sch_rec_write_json writes the union as a JSON Schema (draft-07) for editors
 * (yaml-language-server): properties with additionalProperties false where keys are known,
 * types with units, bounds and defaults in descriptions, "any" where a parser reads a value its
 * own way.
 */
#ifndef BGSIM_SCH_REC_H
#define BGSIM_SCH_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum sch_rec_type {
    SCH_T_NONE = 0,
    SCH_T_DURATION,
    SCH_T_PERCENT,
    SCH_T_PROBABILITY,
    SCH_T_TIME_OF_DAY,
    SCH_T_DATETIME,
    SCH_T_INT,
    SCH_T_UINT,
    SCH_T_NUMBER,
    SCH_T_BOOL,
    SCH_T_STRING,
    SCH_T_ENUM,
    SCH_T_DIST,
    SCH_T_INSTANT /* a duration since the start, or a local date-time (events[].at) */
} sch_rec_type;

/* One typed field as a helper sees it. */
typedef struct sch_rec_field {
    sch_rec_type type;
    bool required;            /* read as required: no default to show (the key's own record says
                               * whether its absence is reported: sch_rec_key) */
    double min, max;          /* SCH_T_INT / SCH_T_NUMBER bounds (has_bounds); their union over variants */
    bool has_bounds;
    const char *const *names; /* SCH_T_ENUM words, NULL-terminated */
    const void *out;          /* where the helper stores the value: the default, if marked */
} sch_rec_field;

typedef struct sch_rec sch_rec;

sch_rec *sch_rec_new(void);
void sch_rec_free(sch_rec *r);
/* The variant the next walk records (a platform name); "" before the first call. */
void sch_rec_variant(sch_rec *r, const char *name);
/* Marks [p, p + size) as holding defaults (until sch_rec_forget_defaults). */
void sch_rec_defaults_at(sch_rec *r, const void *p, size_t size);
void sch_rec_forget_defaults(sch_rec *r);

/* The hooks of sch_walk (path = the key path of the mapping, or of the key itself). */
void sch_rec_map(sch_rec *r, const char *path, const char *const *keys);
void sch_rec_key(sch_rec *r, const char *path, bool required);
void sch_rec_field_at(sch_rec *r, const char *path, const sch_rec_field *f);

/* What a probe needs to know of a path ("[]" indexes): whether a mapping was checked there, and
 * the keys it accepts (NULL-terminated, owned by r) or NULL; whether anything was recorded at
 * the path or below its items; whether a typed field was. */
const char *const *sch_rec_map_keys(const sch_rec *r, const char *path);
bool sch_rec_has(const sch_rec *r, const char *path);
bool sch_rec_typed(const sch_rec *r, const char *path);
/* Every path with a mapping, in recording order, for a prober: the i-th, or NULL past the end. */
const char *sch_rec_map_path(const sch_rec *r, size_t i);

/* The JSON Schema of everything recorded below the root, with `title` and `id` ($id). 0, or -1
 * when out of memory. */
int sch_rec_write_json(const sch_rec *r, FILE *out, const char *title, const char *id);

#endif
