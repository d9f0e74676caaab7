/*
 * sch_yaml_simple_scalar (sch_yaml.h): the scalar made without libyaml must be exactly the node
 * sch_yaml_parse builds from the same text (kind, position, span, text, style), and it must decline
 * every text libyaml reads as anything else. Checked on named cases and on every string of up to
 * four characters over an alphabet of the characters that matter to YAML's plain and quoted forms.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sch_yaml.h"

/* Whether the fast node equals libyaml's (NULL fast: nothing to compare). */
static void expect_same_as_libyaml(const char *text)
{
    sch_node *fast = sch_yaml_simple_scalar(text);
    if (!fast)
        return;
    sch_diag d;
    cr_assert_eq(sch_diag_init(&d, "value"), 0);
    sch_node *ref = sch_yaml_parse(text, strlen(text), &d);
    cr_assert_eq(sch_diag_count(&d), 0, "[%s]: libyaml reports an error the fast path missed", text);
    cr_assert_not_null(ref, "[%s]", text);
    cr_assert_eq(ref->kind, SCH_SCALAR, "[%s]: libyaml reads a collection", text);
    cr_assert_eq(fast->kind, ref->kind, "[%s]", text);
    cr_assert_eq(fast->line, ref->line, "[%s]", text);
    cr_assert_eq(fast->column, ref->column, "[%s]", text);
    cr_assert_eq(fast->start, ref->start, "[%s]", text);
    cr_assert_eq(fast->end, ref->end, "[%s]: end %zu, libyaml %zu", text, fast->end, ref->end);
    cr_assert_eq(fast->length, ref->length, "[%s]", text);
    cr_assert_str_eq(fast->text, ref->text, "[%s]", text);
    cr_assert_eq(fast->plain, ref->plain, "[%s]", text);
    cr_assert_eq(fast->refused, ref->refused, "[%s]", text);
    cr_assert_eq(fast->count, 0);
    sch_yaml_free(ref);
    sch_diag_free(&d);
    sch_yaml_free(fast);
}

Test(simple_scalar, takes_a_fleets_values)
{
    static const char *const values[] = {"stock", "15%", "0.5%", "1.5", "-1", "-0.25", "14", "2026-01-05T07:00",
                                         "\"21:45\"", "\"00:30:15\"", "8s", "null", "a:b", "1e+3", "\"-\"", "\"x:\""};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        sch_node *n = sch_yaml_simple_scalar(values[i]);
        cr_assert_not_null(n, "[%s] should be taken", values[i]);
        sch_yaml_free(n);
        expect_same_as_libyaml(values[i]);
    }
}

Test(simple_scalar, leaves_anything_else_to_libyaml)
{
    static const char *const values[] = {"",     "a: b", "x:",  "---", "-",    "- x",   "[1]",  "{a: 1}", "#c",
                                         "a #c", "'q'",  "\"a\\\"b\"", "\"\"", " a", "a ",  "%x",   "~",      "&a x",
                                         "*a",   "!!int 1", "a\tb", "a\nb", "\"a b\"", "\"a", "a\"", "..."};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        sch_node *n = sch_yaml_simple_scalar(values[i]);
        cr_assert_null(n, "[%s] should go to libyaml", values[i]);
    }
}

Test(simple_scalar, equals_libyaml_on_every_short_string)
{
    static const char alphabet[] = "a1-.:%+_\"# '\\[,?";
    size_t k = sizeof alphabet - 1, taken = 0;
    char text[5];
    for (size_t len = 1; len <= 4; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++)
            total *= k;
        for (size_t code = 0; code < total; code++) {
            size_t c = code;
            for (size_t i = 0; i < len; i++, c /= k)
                text[i] = alphabet[c % k];
            text[len] = '\0';
            sch_node *n = sch_yaml_simple_scalar(text);
            taken += n != NULL;
            sch_yaml_free(n);
            expect_same_as_libyaml(text);
        }
    }
    cr_assert_gt(taken, 1000, "the fast path took only %zu strings", taken);
}
