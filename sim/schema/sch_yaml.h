/*
 * sch_yaml.h - a scenario file as a tree of YAML nodes with their positions, built with libyaml.
 *
 * The loader validates a whole tree rather than a stream of events so it can report every error in
 * one pass, look keys up in any order and point at the exact line and column of each value.
 *
 * What is refused while building the tree (each an error naming file:line:column):
 *  - YAML syntax errors (libyaml's own message);
 *  - anything but exactly one document;
 *  - anchors, aliases and merge keys: they make a small file expand without bound ("billion
 *    laughs") and buy little in a scenario; the message says to write the value out;
 *  - tags (`!!int`, `!custom`): a value's type comes from the schema, not from the file;
 *  - mapping keys that are not plain scalars, and duplicate keys (with the first one's position);
 *    a repeated key's pair is then removed from the tree, so every mapping in a returned tree
 *    holds each key at most once (parsers may walk the pairs or look keys up alike);
 *  - scalars holding a NUL character (double-quoted "\0"): C strings would silently cut them;
 *  - nesting deeper than SCH_YAML_MAX_DEPTH, files larger than SCH_YAML_MAX_BYTES, and more than
 *    SCH_YAML_MAX_NODES nodes (a node costs about 150 bytes: 64 MiB of short list items would
 *    otherwise build a tree of gigabytes; 1,000 tasks with every key are about 20,000 nodes).
 *
 * Ownership: sch_yaml_load returns a tree the caller frees with sch_yaml_free; node pointers and
 * their strings stay valid until then.
 */
#ifndef BGSIM_SCH_YAML_H
#define BGSIM_SCH_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "sch_diag.h"
#include "util.h"

#define SCH_YAML_MAX_DEPTH 64
/* The one file cap of bgsim (64 MiB): the parser refuses a larger buffer, naming the limit. */
#define SCH_YAML_MAX_BYTES UTIL_FILE_MAX_BYTES
#define SCH_YAML_MAX_NODES 1000000

typedef enum sch_node_kind { SCH_SCALAR = 1, SCH_MAP = 2, SCH_SEQ = 3 } sch_node_kind;

typedef struct sch_node sch_node;

typedef struct sch_pair {
    sch_node *key; /* always a scalar */
    sch_node *value;
} sch_pair;

struct sch_node {
    sch_node_kind kind;
    int line, column; /* 1-based position of the node's first character */
    size_t start, end; /* libyaml's character (not byte) offsets of the node's text in the file
                        * (a scalar: with its quotes) */
    /* SCH_SCALAR */
    char *text;
    size_t length;
    bool plain;       /* written without quotes (so `~`, `null` and empty mean "no value") */
    /* Already reported by the YAML layer (an alias's placeholder, a merge key, a scalar holding a
     * NUL): schema errors about this node would only repeat that report, so sch_cx_error drops
     * them. The walk still treats the node as invalid. */
    bool refused;
    /* SCH_MAP: pairs in file order; SCH_SEQ: items in file order */
    sch_pair *pairs;
    sch_node **items;
    size_t count;
};

/*
 * Parses `data` (len bytes; need not be NUL-terminated) as YAML, reporting problems into `diag`.
 * Returns the root whenever the whole stream could be read, even when errors were reported (a
 * duplicate key, an alias...), so the caller can check the schema in the same pass and report
 * everything at once; check sch_diag_count() before trusting the tree. Returns NULL when the
 * stream could not be followed (syntax error, too deep, empty file, out of memory).
 */
sch_node *sch_yaml_parse(const char *data, size_t len, sch_diag *diag);
void sch_yaml_free(sch_node *root);

/*
 * The node sch_yaml_parse would return for `text` when that is certain without libyaml: one plain
 * scalar of "safe" characters (letters, digits, '_', '.', '+', '%', ':' not last, '-'; starting
 * with a letter or digit, or '-' before a digit or '.'), or such characters between double quotes.
 * None of those can start or end a collection, a comment, an indicator or a document marker, and a
 * single line of them is the scalar's text as written. NULL otherwise (and when out of memory):
 * the caller parses the text instead. Fleets apply ~10 small values to every device, and libyaml
 * costs ~9,000 instructions a value.
 */
sch_node *sch_yaml_simple_scalar(const char *text);

/* A deep copy of the tree under n (positions and flags kept), or NULL when out of memory. The
 * fleet clones the file's tree once per device instead of parsing the file again. */
sch_node *sch_yaml_clone(const sch_node *n);

/*
 * The node as one line of flow YAML that parses back to the same tree (up to positions): plain
 * scalars stay plain unless a character would end them in flow context (then double-quoted),
 * quoted scalars are double-quoted with escapes, mappings `{ k: v, ... }`, lists `[a, b]`. Used to
 * hand a value written in the file to scn_set (which takes YAML text). Returns a malloc'd string,
 * or NULL when out of memory.
 */
char *sch_yaml_flow(const sch_node *n);

/* The value of `key` in a mapping, or NULL. */
const sch_node *sch_map_get(const sch_node *map, const char *key);
/* The pair of `key` (for its key's position), or NULL. */
const sch_pair *sch_map_pair(const sch_node *map, const char *key);
/* True for a plain scalar written as nothing, `~` or `null`. */
bool sch_node_is_null(const sch_node *n);
/* "a mapping", "a list", "a number/string/...": for "found" parts of messages. */
const char *sch_node_kind_name(const sch_node *n);

#endif
