/*
 * scn_set.h - `--set KEY=VALUE`: overriding any scenario value from the command line.
 *
 * An override is applied to the YAML tree (sch_yaml.h) after the file is parsed and before the
 * schema walk, so an overridden value is validated exactly like one written in the file, and an
 * error about it names the override instead of a line of the file:
 *
 *   error: scenarios/default.yaml: --set app.tasks[sync].minimum_interval=90s: expected whole minutes (...), found '90s'
 *
 * KEY is a path from the top of the scenario (scenarios/SET.md):
 *
 *   path    := segment ('.' segment)*
 *   segment := key ('[' selector ']')*
 *   key     := one or more of A-Z a-z 0-9 _ -
 *   selector:= digits            the item at that 0-based index of a list
 *            | name              the item of a list of mappings whose `name:` is that text
 *                                (anything but ']'; task names may contain dots)
 *
 *   seed=3   duration=14d   app.tasks[0].minimum_interval=30m   app.tasks[sync].work.duration=5s
 *   device.battery.initial=50%   app.switches.reschedule_on_expiry=false
 *
 * VALUE is YAML text (a flow value): `15m`, `50%`, `"a b"`, `[1s, 3s]`, `{ median: 8s }`. A key
 * that the file does not have is added (with the mappings above it, when they are missing too);
 * a list item that does not exist is an error (lists are not extended). Overrides apply in order,
 * so a later one replaces an earlier one of the same key.
 *
 * Ownership: a parsed override owns its strings (scn_override_free).
 */
#ifndef BGSIM_SCN_SET_H
#define BGSIM_SCN_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "sch_diag.h"
#include "sch_yaml.h"

#define SCN_SET_MAX_STEPS 32

typedef enum scn_set_step_kind { SCN_STEP_KEY = 1, SCN_STEP_INDEX = 2, SCN_STEP_NAME = 3 } scn_set_step_kind;

typedef struct scn_set_step {
    scn_set_step_kind kind;
    char *text;     /* the key or the name (SCN_STEP_INDEX: the digits) */
    size_t index;   /* SCN_STEP_INDEX */
} scn_set_step;

typedef struct scn_override {
    char *text;     /* "KEY=VALUE" for messages: as given, or escaped by sch_quote() when it holds
                     * anything but printable ASCII */
    char *key;
    char *value;
    scn_set_step steps[SCN_SET_MAX_STEPS];
    size_t step_count;
    /* Where the override comes from, for messages: NULL and 0 for the command line ("--set
     * KEY=VALUE", no position); a fleet's profile values give their label ("fleet.profiles[1].set:
     * ", borrowed, static or owned by the fleet) and the file position of the value. */
    const char *label;
    int line, column;
} scn_override;

/*
 * Parses "KEY=VALUE" (the path's syntax only; whether the key exists is the scenario's business).
 * Returns false with a message in why (e.g. "expected KEY=VALUE, found 'seed'") and nothing to
 * free; on success the caller frees *out with scn_override_free.
 */
bool scn_set_parse(const char *arg, scn_override *out, char *why, size_t size);
void scn_override_free(scn_override *o);

/*
 * Splits a sweep's "KEY=V1,V2,..." into its key and values, on commas outside brackets, braces and
 * quotes, so a value may be a flow list or mapping. On success *values (n of them) and each value
 * are malloc'd (scn_set_values_free). Returns false with a message in why.
 */
bool scn_set_split_values(const char *arg, char **key, char ***values, size_t *n, char *why, size_t size);
void scn_set_values_free(char *key, char **values, size_t n);

/*
 * Applies overrides[0..n) to the tree whose root is *root, reporting problems of the path (a list
 * item that does not exist, a value where the path needs a mapping, YAML that does not parse) into
 * diag. Nodes that come from override k are marked (line = -(k + 1)) so scn_set_relabel can name
 * the override in errors the schema walk reports about them.
 */
void scn_set_apply(sch_node *root, const scn_override *overrides, size_t n, sch_diag *diag);
/* Rewrites the diagnostics about override nodes: "--set KEY=VALUE" replaces the line and column. */
void scn_set_relabel(sch_diag *diag, const scn_override *overrides, size_t n);

#endif
