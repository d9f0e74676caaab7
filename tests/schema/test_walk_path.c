/*
 * The schema walker's key path (sch_walk.h: sch_cx_push_key / push_index / pop): what messages show
 * as "key.path[3].name". The expected text is built here with snprintf, the definition the path
 * follows (".key", or "key" at the root; "[i]"; truncated at the buffer's end, length at most its
 * size - 1), including pushes that overflow the buffer and pops back from a truncated path.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sch_walk.h"

/* The reference: the path so far in `want` (same size as cx->path), extended by snprintf. */
typedef struct ref {
    char want[sizeof ((sch_cx *)0)->path];
    size_t len;
} ref;

static void ref_push(ref *r, const char *fmt, const char *key, size_t index)
{
    int n = key ? snprintf(r->want + r->len, sizeof r->want - r->len, fmt, r->len ? "." : "", key)
                : snprintf(r->want + r->len, sizeof r->want - r->len, fmt, index);
    cr_assert_geq(n, 0);
    r->len = r->len + (size_t)n < sizeof r->want ? r->len + (size_t)n : sizeof r->want - 1;
}

static void expect_path(const sch_cx *cx, const ref *r)
{
    cr_assert_eq(cx->path_len, r->len, "path length %zu, expected %zu", cx->path_len, r->len);
    cr_assert_str_eq(cx->path, r->want);
}

Test(walk_path, keys_and_indexes_as_snprintf_writes_them)
{
    sch_diag diag;
    sch_cx cx;
    sch_cx_init(&cx, &diag);
    ref r = {{0}, 0};
    expect_path(&cx, &r);
    size_t at_root = sch_cx_push_key(&cx, "app");
    ref_push(&r, "%s%s", "app", 0);
    expect_path(&cx, &r);
    cr_assert_eq(at_root, 0);
    size_t saved = sch_cx_push_key(&cx, "tasks");
    ref_push(&r, "%s%s", "tasks", 0);
    cr_assert_eq(saved, 3);
    static const size_t indexes[] = {0, 7, 10, 99, 12345, SIZE_MAX};
    for (size_t k = 0; k < sizeof indexes / sizeof *indexes; k++) {
        size_t before = cx.path_len;
        ref copy = r;
        cr_assert_eq(sch_cx_push_index(&cx, indexes[k]), before);
        ref_push(&copy, "[%zu]", NULL, indexes[k]);
        expect_path(&cx, &copy);
        sch_cx_push_key(&cx, "name");
        ref_push(&copy, "%s%s", "name", 0);
        expect_path(&cx, &copy);
        sch_cx_pop(&cx, before);
        expect_path(&cx, &r);
    }
    sch_cx_push_key(&cx, ""); /* an empty key still adds its dot */
    ref_push(&r, "%s%s", "", 0);
    expect_path(&cx, &r);
}

Test(walk_path, truncated_at_the_end_of_the_buffer_and_popped_back)
{
    sch_diag diag;
    sch_cx cx;
    sch_cx_init(&cx, &diag);
    ref r = {{0}, 0};
    char key[100];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    size_t saved[16];
    size_t n = 0;
    /* Keys of 99 bytes and indexes until well past 511 bytes: the last pushes are cut or empty. */
    for (; n < 16; n++) {
        saved[n] = n % 3 == 2 ? sch_cx_push_index(&cx, 1000 + n) : sch_cx_push_key(&cx, key);
        if (n % 3 == 2)
            ref_push(&r, "[%zu]", NULL, 1000 + n);
        else
            ref_push(&r, "%s%s", key, 0);
        expect_path(&cx, &r);
    }
    cr_assert_eq(cx.path_len, sizeof cx.path - 1, "the premise: the path filled the buffer");
    while (n-- > 0) { /* pops restore every earlier length, truncated ones included */
        sch_cx_pop(&cx, saved[n]);
        cr_assert_eq(cx.path_len, saved[n]);
        cr_assert_eq(strlen(cx.path), saved[n]);
    }
    cr_assert_str_eq(cx.path, "");
}
