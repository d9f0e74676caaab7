/*
 * cli_common.c - helpers shared by the subcommands.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scn_scenario.h"
#include "sch_units.h"

int cli_finish_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "bgsim: cannot write the output: %s\n", strerror(errno ? errno : EIO));
        return EX_IOERR;
    }
    return rc;
}


bool cli_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

bool cli_parse_seed(const char *arg, uint64_t *out, char *why, size_t size)
{
    return sch_parse_uint64(arg, out, why, size);
}

bool cli_parse_duration(const char *arg, int64_t *out, char *why, size_t size)
{
    sim_time d = 0;
    bool ok = sch_parse_duration(arg, &d, why, size);
    if (ok && (d == 0 || d > SCN_MAX_DURATION)) {
        snprintf(why, size, "expected a duration between 1ms and 36525d (100 years), found '%s'", arg);
        ok = false;
    }
    *out = d;
    return ok;
}
