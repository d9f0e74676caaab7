/* Forced into every test file that tools/lint.sh hands to clang-tidy (never into a build).
 *
 * Why: Criterion's assertion macro (cr_assert_impl, behind every cr_assert and cr_expect) branches
 * even when the assertion holds: on the global criterion_options.full_stats (which any call may
 * change, so again at every assertion) and on how its message was formatted. The static analyzer
 * follows each branch and the branches multiply, so the large test functions ran into the
 * analyzer's node budget (~1.5 s each; 272 of lint's 615 CPU-seconds) and lines after that point
 * were never checked.
 *
 * For the analyzer only, an assertion here is what it means to the test: when the condition is
 * false, evaluate the message arguments (so reading an uninitialised value or a stored-once
 * variable in a message still counts) and call the same failure function (criterion_abort_test
 * for cr_assert, which does not return; criterion_continue_test for cr_expect, which does: the
 * path after a failed expectation is still explored). A passing assertion is a no-op.
 *
 * Measured (clang-tidy 14, 2026-12-07) with a null dereference seeded at the end of each of the
 * 696 Tests of tests/: Criterion's own macro found 466 of them in 272 CPU-seconds, this one the same
 * 466 and 4 more in 50. Neither reached the other 226: 208 of them end Tests with a loop (the
 * analyzer follows four turns of a loop, then drops the path), which is why tools/lint.sh also turns
 * on its widen-loops for test files: 650 found, for 79 CPU-seconds. Its one false positive on the
 * tree (test_battery.c: an array filled in a loop, read after asserting the count) was answered by
 * zeroing the array.
 *
 * If a Criterion upgrade renames the macro, lint stops here instead of silently analysing less. */
#ifndef BGSIM_LINT_CRITERION_H
#define BGSIM_LINT_CRITERION_H
#if defined(__clang_analyzer__) && __has_include(<criterion/criterion.h>)
/* This header comes before the file's own lines, so it sets the one feature macro a test defines
 * (tests/util/test_util.c: fopencookie) before any system header is read. The build, not lint,
 * checks that other tests use nothing beyond their POSIX declarations. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#ifndef cr_assert_impl
#error "tools/lint-criterion.h: Criterion no longer defines cr_assert_impl; update this shim"
#endif
#undef cr_assert_impl
/* The arguments are Criterion's: (Fail, Condition, dummy, message id, (text), format, args...). */
#define cr_assert_impl(Fail, Condition, ...)                                                             \
    do {                                                                                                 \
        if (!(Condition)) {                                                                              \
            char *cr_fmt_msg__ = NULL;                                                                   \
            CR_EXPAND(cr_asprintf(&cr_fmt_msg__, "x" CR_VA_TAIL(CR_VA_TAIL(CR_VA_TAIL(__VA_ARGS__))))); \
            cr_asprintf_free(cr_fmt_msg__);                                                              \
            Fail();                                                                                      \
        }                                                                                                \
    } while (0)
#endif
#endif
