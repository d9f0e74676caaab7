/*
 * bgsim_oracle.c - checks bgsim traces against the documented invariants (oracle.h).
 *
 *   bgsim_oracle [--platform android|ios|ideal] [--processing-after-force-quit] [-q|-v] TRACE...
 *
 * Prints one line per violation, "TRACE:LINE: CHECK: message" (LINE 0: the end of the trace), at
 * most 20 per trace unless -v; -q prints nothing. Exit 0 when every trace holds, 1 when any
 * violates an invariant, 64 on a bad command line, 66 when a trace cannot be read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "util.h"

typedef struct report_ctx {
    const char *path;
    size_t shown, max;
} report_ctx;

static void print_violation(void *ctx, size_t line, const char *check, const char *msg)
{
    report_ctx *r = ctx;
    if (r->shown++ < r->max)
        printf("%s:%zu: %s: %s\n", r->path, line, check, msg);
}

int main(int argc, char **argv)
{
    oracle_options opt = {ORACLE_AUTO, false};
    size_t max = 20;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--platform") == 0 && i + 1 < argc) {
            const char *p = argv[++i];
            if (strcmp(p, "android") == 0)
                opt.platform = ORACLE_ANDROID;
            else if (strcmp(p, "ios") == 0)
                opt.platform = ORACLE_IOS;
            else if (strcmp(p, "ideal") == 0)
                opt.platform = ORACLE_IDEAL;
            else {
                fprintf(stderr, "bgsim_oracle: unknown platform (android, ios or ideal)\n");
                return 64;
            }
        } else if (strcmp(argv[i], "--processing-after-force-quit") == 0) {
            opt.processing_after_force_quit = true;
        } else if (strcmp(argv[i], "-q") == 0) {
            max = 0;
        } else if (strcmp(argv[i], "-v") == 0) {
            max = (size_t)-1;
        } else {
            fprintf(stderr, "usage: bgsim_oracle [--platform android|ios|ideal] [--processing-after-force-quit] "
                            "[-q|-v] TRACE...\n");
            return 64;
        }
    }
    if (i == argc) {
        fprintf(stderr, "usage: bgsim_oracle [--platform P] [--processing-after-force-quit] [-q|-v] TRACE...\n");
        return 64;
    }
    int status = 0;
    for (; i < argc; i++) {
        size_t len = 0;
        char *text = NULL;
        /* No size limit of its own: a trace is as long as the run that wrote it. */
        if (util_read_file(argv[i], SIZE_MAX / 4, &text, &len) != UTIL_READ_OK) {
            free(text);
            fprintf(stderr, "bgsim_oracle: cannot read %s\n", argv[i]);
            return 66;
        }
        report_ctx r = {argv[i], 0, max};
        size_t n = oracle_check(text, len, &opt, print_violation, &r);
        free(text);
        if (n) {
            if (n > max && max)
                printf("%s: %zu violations in all\n", argv[i], n);
            status = 1;
        }
    }
    return status;
}
