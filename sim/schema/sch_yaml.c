/*
 * sch_yaml.c - libyaml events to a node tree, refusing what sch_yaml.h lists.
 */
#include "sch_yaml.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "sch_units.h"
#include "util.h"

typedef struct builder {
    yaml_parser_t parser;
    const char *data; /* the input, for hints about the character at an error */
    size_t len;
    sch_diag *diag;
    bool failed;  /* a semantic error was reported; keep going to find more */
    bool aborted; /* the event stream cannot be followed any further */
    size_t nodes; /* built so far (SCH_YAML_MAX_NODES) */
} builder;

/* Reports fmt with one %s argument: `prefix` and `arg` as the user wrote them ("&" "week"), shown
 * as sch_quote shows user text. */
static void error_at(builder *b, yaml_mark_t mark, const char *fmt, const char *prefix, const char *arg)
{
    char text[SCH_QUOTE_MAX + 8];
    char quoted[4 * SCH_QUOTE_MAX + 8];
    snprintf(text, sizeof text, "%s%s", prefix, arg); /* longer texts are shortened by sch_quote anyway */
    sch_quote(text, quoted, sizeof quoted);
    sch_diag_error(b->diag, (int)mark.line + 1, (int)mark.column + 1, NULL, fmt, quoted);
    b->failed = true;
}

/* libyaml's reader errors (bad UTF-8, control characters) carry a byte offset and no mark: the
 * 1-based line and column (in characters, as libyaml's marks count) of byte `offset`. */
static void position_of_byte(const char *data, size_t len, size_t offset, int *line, int *column)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        unsigned char ch = (unsigned char)data[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 >= len || data[i + 1] != '\n'))) {
            l++;
            c = 1;
        } else if ((ch & 0xc0) != 0x80) {
            c++; /* a continuation byte belongs to the character before it */
        }
    }
    *line = l;
    *column = c;
}

static void reader_error(builder *b)
{
    const yaml_parser_t *p = &b->parser;
    char found[32] = "";
    int line, column;
    if (p->problem_value >= 0) {
        if (p->problem && strstr(p->problem, "octet"))
            snprintf(found, sizeof found, " (found the byte \\x%02X)", (unsigned)p->problem_value & 0xffu);
        else if (p->problem_value < 0x80)
            snprintf(found, sizeof found, " (found \\x%02X)", (unsigned)p->problem_value);
        else
            snprintf(found, sizeof found, " (found U+%04X)", (unsigned)p->problem_value);
    }
    position_of_byte(b->data, b->len, p->problem_offset, &line, &column);
    sch_diag_error(b->diag, line, column, NULL, "invalid YAML: %s%s", p->problem ? p->problem : "error", found);
    b->failed = b->aborted = true;
}

static bool next_event(builder *b, yaml_event_t *ev)
{
    if (yaml_parser_parse(&b->parser, ev))
        return true;
    const yaml_parser_t *p = &b->parser;
    if (p->error == YAML_READER_ERROR) {
        reader_error(b);
        return false;
    }
    char msg[512], started[64] = "", hint[64] = "";
    /* Where the construct being parsed began: for an unclosed '[' the error is at the end of the
     * file, and the line to fix is the one with the bracket. */
    if (p->context && (p->context_mark.line != p->problem_mark.line || p->context_mark.column != p->problem_mark.column))
        snprintf(started, sizeof started, " started at line %d column %d", (int)p->context_mark.line + 1,
                 (int)p->context_mark.column + 1);
    if (p->problem_mark.index < b->len && b->data[p->problem_mark.index] == '\t')
        snprintf(hint, sizeof hint, " (a tab: YAML indents with spaces only)");
    else if (p->problem && strcmp(p->problem, "could not find expected ':'") == 0 &&
             p->context_mark.line == p->problem_mark.line && p->problem_mark.column - p->context_mark.column > 1024)
        snprintf(hint, sizeof hint, " (YAML limits a key to 1024 characters)");
    if (p->context)
        snprintf(msg, sizeof msg, "invalid YAML: %s %s%s%s", p->problem ? p->problem : "error", p->context, started, hint);
    else
        snprintf(msg, sizeof msg, "invalid YAML: %s%s", p->problem ? p->problem : "error", hint);
    if (p->error == YAML_MEMORY_ERROR)
        snprintf(msg, sizeof msg, "out of memory while reading YAML");
    sch_diag_error(b->diag, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1, NULL, "%s", msg);
    b->failed = b->aborted = true;
    return false;
}

static sch_node *new_node(sch_node_kind kind, yaml_mark_t mark)
{
    sch_node *n = calloc(1, sizeof *n);
    if (n) {
        n->kind = kind;
        n->line = (int)mark.line + 1;
        n->column = (int)mark.column + 1;
        n->start = n->end = mark.index;
    }
    return n;
}

void sch_yaml_free(sch_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; n->kind == SCH_MAP && i < n->count; i++) {
        sch_yaml_free(n->pairs[i].key);
        sch_yaml_free(n->pairs[i].value);
    }
    for (size_t i = 0; n->kind == SCH_SEQ && i < n->count; i++)
        sch_yaml_free(n->items[i]);
    free(n->pairs);
    free(n->items);
    free(n->text);
    free(n);
}

sch_node *sch_yaml_clone(const sch_node *n)
{
    if (!n)
        return NULL;
    sch_node *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *n;
    c->text = NULL;
    c->pairs = NULL;
    c->items = NULL;
    bool ok = true;
    if (n->text) {
        ok = (c->text = util_strndup(n->text, n->length)) != NULL; /* a tree's texts hold no NUL */
    }
    if (ok && n->kind == SCH_MAP && n->count > 0 && (ok = (c->pairs = calloc(n->count, sizeof *c->pairs)) != NULL)) {
        for (size_t i = 0; ok && i < n->count; i++) {
            c->pairs[i].key = sch_yaml_clone(n->pairs[i].key);
            c->pairs[i].value = sch_yaml_clone(n->pairs[i].value);
            ok = c->pairs[i].key && (c->pairs[i].value || !n->pairs[i].value);
        }
    }
    if (ok && n->kind == SCH_SEQ && n->count > 0 &&
        (ok = (c->items = calloc(n->count, sizeof *c->items)) != NULL)) { // NOLINT(bugprone-sizeof-expression): pointers
        for (size_t i = 0; ok && i < n->count; i++)
            ok = (c->items[i] = sch_yaml_clone(n->items[i])) != NULL;
    }
    if (!ok) {
        sch_yaml_free(c);
        return NULL;
    }
    return c;
}

static bool simple_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '+' || c == '%' || c == ':' || c == '-';
}

static bool simple_first(const char *s)
{
    bool alnum = (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9');
    return alnum || (s[0] == '-' && ((s[1] >= '0' && s[1] <= '9') || s[1] == '.'));
}

sch_node *sch_yaml_simple_scalar(const char *text)
{
    bool quoted = text[0] == '"';
    const char *body = text + quoted;
    size_t n = 0;
    while (simple_char(body[n]))
        n++;
    /* plain: all of it, no ':' last (a key); quoted: all of it up to the closing quote */
    bool whole = quoted ? n > 0 && body[n] == '"' && body[n + 1] == '\0' : n > 0 && body[n] == '\0' && body[n - 1] != ':';
    if (!whole || (!quoted && !simple_first(body)))
        return NULL;
    sch_node *node = calloc(1, sizeof *node);
    if (!node || !(node->text = util_strndup(body, n))) {
        free(node);
        return NULL;
    }
    /* as build_scalar makes it from libyaml's event: position 1:1, the text's span with its quotes */
    node->kind = SCH_SCALAR;
    node->line = node->column = 1;
    node->start = 0;
    node->end = n + (quoted ? 2 : 0);
    node->length = n;
    node->plain = !quoted;
    return node;
}

typedef struct flow_buf {
    char *s;
    size_t len, cap;
    bool failed;
} flow_buf;

static void flow_put(flow_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *g = realloc(b->s, cap);
        if (!g) {
            b->failed = true;
            return;
        }
        b->s = g;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

/* A plain scalar can stay plain in flow context unless it holds a flow indicator, a comment or a
 * ": " (or starts like a quoted or special scalar, which a file's plain scalar cannot). */
static bool flow_plain_ok(const sch_node *n)
{
    if (!n->plain)
        return false;
    for (size_t i = 0; i < n->length; i++) {
        char c = n->text[i];
        if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '#' || c == '\n' ||
            (c == ':' && (i + 1 == n->length || n->text[i + 1] == ' ')))
            return false;
    }
    return true;
}

static void flow_node(flow_buf *b, const sch_node *n)
{
    if (!n) {
        flow_put(b, "~", 1);
        return;
    }
    if (n->kind == SCH_SCALAR) {
        if (flow_plain_ok(n)) {
            if (n->length == 0)
                flow_put(b, "~", 1); /* a key written with no value: null, as in the file */
            else
                flow_put(b, n->text, n->length);
            return;
        }
        flow_put(b, "\"", 1);
        for (size_t i = 0; i < n->length; i++) {
            unsigned char c = (unsigned char)n->text[i];
            char esc[8];
            if (c == '"' || c == '\\') {
                esc[0] = '\\';
                esc[1] = (char)c;
                flow_put(b, esc, 2);
            } else if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\x%02x", c);
                flow_put(b, esc, 4);
            } else {
                flow_put(b, (const char *)&n->text[i], 1);
            }
        }
        flow_put(b, "\"", 1);
    } else if (n->kind == SCH_MAP) {
        flow_put(b, "{ ", 2);
        for (size_t i = 0; i < n->count; i++) {
            if (i)
                flow_put(b, ", ", 2);
            flow_node(b, n->pairs[i].key);
            flow_put(b, ": ", 2);
            flow_node(b, n->pairs[i].value);
        }
        flow_put(b, " }", 2);
    } else {
        flow_put(b, "[", 1);
        for (size_t i = 0; i < n->count; i++) {
            if (i)
                flow_put(b, ", ", 2);
            flow_node(b, n->items[i]);
        }
        flow_put(b, "]", 1);
    }
}

char *sch_yaml_flow(const sch_node *n)
{
    flow_buf b = {0};
    flow_node(&b, n);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* Appends to a growing array of `size`-byte elements; false when out of memory. */
static bool push(void **array, size_t *count, size_t *cap, const void *elem, size_t size)
{
    if (*count == *cap) {
        size_t c = *cap ? *cap * 2 : 4;
        void *grown = realloc(*array, c * size);
        if (!grown)
            return false;
        *array = grown;
        *cap = c;
    }
    memcpy((char *)*array + *count * size, elem, size);
    (*count)++;
    return true;
}

static void refuse_anchor_and_tag(builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
                                  const yaml_char_t *tag)
{
    if (anchor)
        error_at(b, ev->start_mark, "anchors and aliases are not supported, found %s (write the value out)", "&",
                 (const char *)anchor);
    if (tag) {
        /* libyaml hands over `!!int` resolved; show it as written. */
        static const char core[] = "tag:yaml.org,2002:";
        const char *t = (const char *)tag;
        bool is_core = strncmp(t, core, sizeof core - 1) == 0;
        error_at(b, ev->start_mark, "tags are not supported, found %s (the schema decides each value's type)",
                 is_core ? "!!" : "", is_core ? t + sizeof core - 1 : t);
    }
}

static sch_node *build(builder *b, yaml_event_t *ev, int depth);

static sch_node *build_scalar(builder *b, yaml_event_t *ev)
{
    refuse_anchor_and_tag(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
    sch_node *n = new_node(SCH_SCALAR, ev->start_mark);
    if (n)
        n->end = ev->end_mark.index;
    if (!n)
        return NULL;
    n->length = ev->data.scalar.length;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    n->text = malloc(n->length + 1);
    if (!n->text) {
        free(n);
        return NULL;
    }
    memcpy(n->text, ev->data.scalar.value, n->length);
    n->text[n->length] = '\0';
    if (strlen(n->text) != n->length) {
        /* The schema would see only the text before the NUL: refuse the node here, once. */
        char quoted[4 * SCH_QUOTE_MAX + 8];
        sch_quote(n->text, quoted, sizeof quoted);
        if (n->text[0])
            sch_diag_error(b->diag, n->line, n->column, NULL,
                           "expected text without NUL characters, found one after %s", quoted);
        else
            sch_diag_error(b->diag, n->line, n->column, NULL,
                           "expected text without NUL characters, found one at the start");
        n->refused = true;
        b->failed = true;
    }
    return n;
}

/* Children of a mapping or sequence until its end event. */
static sch_node *build_collection(builder *b, yaml_event_t *start, int depth)
{
    bool is_map = start->type == YAML_MAPPING_START_EVENT;
    if (is_map)
        refuse_anchor_and_tag(b, start, start->data.mapping_start.anchor, start->data.mapping_start.tag);
    else
        refuse_anchor_and_tag(b, start, start->data.sequence_start.anchor, start->data.sequence_start.tag);
    if (depth >= SCH_YAML_MAX_DEPTH) {
        char limit[16];
        snprintf(limit, sizeof limit, "%d", SCH_YAML_MAX_DEPTH);
        sch_diag_error(b->diag, (int)start->start_mark.line + 1, (int)start->start_mark.column + 1, NULL,
                       "nesting deeper than %s levels", limit);
        b->failed = true;
        b->aborted = true;
        return NULL;
    }
    sch_node *n = new_node(is_map ? SCH_MAP : SCH_SEQ, start->start_mark);
    if (!n)
        return NULL;
    size_t cap = 0;
    yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
    for (;;) {
        yaml_event_t ev;
        if (!next_event(b, &ev))
            goto out_free_node;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return n;
        }
        sch_node *child = build(b, &ev, depth + 1);
        if (!child)
            goto out_free_node;
        if (!is_map) {
            // NOLINTNEXTLINE(bugprone-sizeof-expression): items is an array of node pointers
            if (!push((void **)&n->items, &n->count, &cap, &child, sizeof child)) {
                sch_yaml_free(child);
                goto out_free_node;
            }
            continue;
        }
        sch_pair pair = {.key = child};
        if (child->kind != SCH_SCALAR) {
            sch_diag_error(b->diag, child->line, child->column, NULL,
                           "mapping keys must be plain words, found %s", sch_node_kind_name(child));
            b->failed = true;
            /* Every schema walker compares key->text: hand it a refused empty scalar in the
             * collection's place (as for an alias), never a key without text. */
            sch_node *placeholder = calloc(1, sizeof *placeholder);
            char *text = calloc(1, 1);
            if (!placeholder || !text) {
                free(placeholder);
                free(text);
                sch_yaml_free(child);
                goto out_free_node;
            }
            *placeholder = (sch_node){.kind = SCH_SCALAR, .line = child->line, .column = child->column,
                                      .start = child->start, .end = child->end, .text = text, .refused = true};
            sch_yaml_free(child);
            pair.key = child = placeholder;
        } else if (child->plain && strcmp(child->text, "<<") == 0) {
            sch_diag_error(b->diag, child->line, child->column, NULL,
                           "merge keys are not supported, found '<<' (write the keys out)");
            child->refused = true; /* not "unknown key '<<'" as well */
            b->failed = true;
        }
        if (!next_event(b, &ev)) {
            sch_yaml_free(child);
            goto out_free_node;
        }
        pair.value = build(b, &ev, depth + 1);
        if (!pair.value || !push((void **)&n->pairs, &n->count, &cap, &pair, sizeof pair)) {
            sch_yaml_free(pair.key);
            sch_yaml_free(pair.value);
            goto out_free_node;
        }
    }

out_free_node:
    sch_yaml_free(n);
    return NULL;
}

/* Builds the node that starts with *ev (consumed). NULL when the stream cannot be followed or
 * memory ran out (both reported). */
static sch_node *build(builder *b, yaml_event_t *ev, int depth)
{
    sch_node *n = NULL;
    if (++b->nodes > SCH_YAML_MAX_NODES) {
        sch_diag_error(b->diag, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, NULL,
                       "more than %d values, keys, lists and mappings, the limit of a scenario file",
                       SCH_YAML_MAX_NODES);
        b->failed = b->aborted = true;
        yaml_event_delete(ev);
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = build_scalar(b, ev);
        break;
    case YAML_ALIAS_EVENT:
        error_at(b, ev->start_mark, "anchors and aliases are not supported, found %s (write the value out)", "*",
                 (const char *)ev->data.alias.anchor);
        n = new_node(SCH_SCALAR, ev->start_mark); /* a placeholder, so the walk can go on */
        if (n && !(n->text = calloc(1, 1))) {
            free(n);
            n = NULL;
        }
        if (n)
            n->refused = true;
        break;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        n = build_collection(b, ev, depth);
        break;
    default:
        sch_diag_error(b->diag, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, NULL,
                       "unexpected YAML structure");
        b->failed = true;
        b->aborted = true;
        break;
    }
    if (!n && !b->aborted) {
        sch_diag_error(b->diag, 0, 0, NULL, "out of memory while reading YAML");
        b->failed = b->aborted = true;
    }
    yaml_event_delete(ev);
    return n;
}

typedef struct key_ref {
    const sch_node *key;
    size_t index;
} key_ref;

static int key_ref_cmp(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    int c = strcmp(x->key->text, y->key->text);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Reports every key that repeats an earlier key of the same mapping, in O(n log n) so a huge
 * adversarial mapping cannot make validation quadratic, then removes the repeated pairs from the
 * tree (keeping the first of each key, the one the messages point to as "first at").
 *
 * Removing them here, in the one place that builds the tree, is what keeps every consumer safe:
 * the section parsers walk a mapping's pairs as well as look keys up with sch_map_get, and a
 * parser that sized an array for the first `fleet:` and then filled it from the second wrote
 * past its end (issue 23). With duplicates gone, a lookup and a walk over the pairs see the same
 * single value, whichever way a parser is written; the error already reported keeps the file
 * refused. */
static void check_duplicates(builder *b, sch_node *n)
{
    if (n->kind == SCH_SEQ)
        for (size_t i = 0; i < n->count; i++)
            check_duplicates(b, n->items[i]);
    if (n->kind != SCH_MAP)
        return;
    for (size_t i = 0; i < n->count; i++)
        check_duplicates(b, n->pairs[i].value);
    if (n->count < 2)
        return;
    key_ref *refs = malloc(n->count * sizeof *refs);
    bool *drop = calloc(n->count, sizeof *drop);
    if (!refs || !drop) {
        free(refs);
        free(drop);
        sch_diag_error(b->diag, 0, 0, NULL, "out of memory while reading YAML");
        b->failed = true;
        b->aborted = true; /* the duplicates could not be removed: the tree is not safe to walk */
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < n->count; i++)
        if (n->pairs[i].key->kind == SCH_SCALAR && !n->pairs[i].key->refused)
            refs[m++] = (key_ref){n->pairs[i].key, i};
    qsort(refs, m, sizeof *refs, key_ref_cmp);
    bool any = false;
    for (size_t i = 1; i < m; i++) {
        size_t first = i - 1;
        while (i < m && strcmp(refs[i].key->text, refs[first].key->text) == 0) {
            const sch_node *k = refs[i].key;
            char quoted[4 * SCH_QUOTE_MAX + 8];
            sch_quote(k->text, quoted, sizeof quoted);
            sch_diag_error(b->diag, k->line, k->column, NULL, "duplicate key %s (first at line %d column %d)",
                           quoted, refs[first].key->line, refs[first].key->column);
            b->failed = true;
            drop[refs[i].index] = any = true;
            i++;
        }
    }
    free(refs);
    if (any) {
        size_t kept = 0;
        for (size_t i = 0; i < n->count; i++) {
            if (drop[i]) {
                sch_yaml_free(n->pairs[i].key);
                sch_yaml_free(n->pairs[i].value);
            } else {
                n->pairs[kept++] = n->pairs[i];
            }
        }
        n->count = kept;
    }
    free(drop);
}

sch_node *sch_yaml_parse(const char *data, size_t len, sch_diag *diag)
{
    builder b = {.diag = diag, .data = data, .len = len};
    if (len > SCH_YAML_MAX_BYTES) {
        sch_diag_error(diag, 0, 0, NULL, "file is larger than the limit of %zu MiB", SCH_YAML_MAX_BYTES >> 20);
        return NULL;
    }
    if (!yaml_parser_initialize(&b.parser)) {
        sch_diag_error(diag, 0, 0, NULL, "out of memory while reading YAML");
        return NULL;
    }
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)data, len);
    sch_node *root = NULL;
    yaml_event_t ev;
    /* stream start, then document start (or stream end for a file with no content) */
    if (!next_event(&b, &ev))
        goto out_parser;
    yaml_event_delete(&ev);
    if (!next_event(&b, &ev))
        goto out_parser;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        sch_diag_error(diag, 0, 0, NULL, "the file is empty (expected a scenario mapping with 'bgsim: 1')");
        goto out_parser;
    }
    yaml_event_delete(&ev); /* document start */
    if (!next_event(&b, &ev))
        goto out_parser;
    root = build(&b, &ev, 0);
    if (!root)
        goto out_parser;
    if (!next_event(&b, &ev)) /* document end */
        goto out_parser;
    yaml_event_delete(&ev);
    if (!next_event(&b, &ev))
        goto out_parser;
    if (ev.type == YAML_DOCUMENT_START_EVENT)
        sch_diag_error(diag, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1, NULL,
                       "expected one YAML document, found a second one ('---')");
    yaml_event_delete(&ev);
    check_duplicates(&b, root);

out_parser:
    yaml_parser_delete(&b.parser);
    if (b.aborted) {
        sch_yaml_free(root);
        return NULL;
    }
    return root;
}

const sch_pair *sch_map_pair(const sch_node *map, const char *key)
{
    if (!map || map->kind != SCH_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (map->pairs[i].key->kind == SCH_SCALAR && strcmp(map->pairs[i].key->text, key) == 0)
            return &map->pairs[i];
    return NULL;
}

const sch_node *sch_map_get(const sch_node *map, const char *key)
{
    const sch_pair *p = sch_map_pair(map, key);
    return p ? p->value : NULL;
}

bool sch_node_is_null(const sch_node *n)
{
    return n->kind == SCH_SCALAR && n->plain &&
           (n->length == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0);
}

const char *sch_node_kind_name(const sch_node *n)
{
    switch (n->kind) {
    case SCH_MAP: return "a mapping";
    case SCH_SEQ: return "a list";
    default: return sch_node_is_null(n) ? "nothing" : "a single value";
    }
}
