/*
 * cli_common.c - helpers shared by the subcommands.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

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
