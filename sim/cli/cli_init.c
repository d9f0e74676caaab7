/*
 * cli_init.c - `bgsim init [android|ios] [FILE] [--force]`: write a commented starter scenario.
 *
 * The text is the scenario layer's (scn_starter.h); this only picks the platform and the file and
 * writes it all or nothing (util_atomic_*). An existing file is kept unless --force: a starter
 * must never replace a scenario someone wrote.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "scn_starter.h"
#include "util.h"

#define DEFAULT_FILE "scenario.yaml"

static const char usage_init[] =
    "usage: bgsim init [android|ios] [FILE] [--force]\n"
    "\n"
    "Writes a commented starter scenario to FILE (default scenario.yaml; '-' for stdout): one app\n"
    "using expo-background-task on a phone whose user commutes, sleeps and charges it at night,\n"
    "stock Android 14 (default) or an iPhone with iOS 17. Edit it, then 'bgsim run FILE'.\n"
    "\n"
    "  --force           replace FILE when it exists (otherwise it is kept and init fails)\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 73 FILE exists (without --force) or cannot be created, 74 cannot\n"
    "write it.\n";

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "bgsim init: %s '%s'\n%s", msg, CLI_SHOWN(arg), usage_init);
    return EX_USAGE;
}

/* Writes text to path all or nothing. 0, or the exit status with its message printed. */
static int write_starter(const char *path, const char *text, bool force)
{
    struct stat st;
    if (!force && stat(path, &st) == 0) {
        fprintf(stderr, "bgsim init: '%s' exists; it is kept (--force replaces it)\n", CLI_SHOWN(path));
        return EX_CANTCREAT;
    }
    char *tmp = NULL;
    FILE *f = util_atomic_open(path, &tmp);
    if (!f) {
        fprintf(stderr, "bgsim init: cannot create '%s': %s\n", CLI_SHOWN(path), strerror(errno));
        return EX_CANTCREAT;
    }
    if (fputs(text, f) == EOF) {
        util_atomic_abort(f, &tmp);
        f = NULL;
    }
    if (!f || util_atomic_commit(f, &tmp, path) != 0) {
        fprintf(stderr, "bgsim init: cannot write '%s': %s\n", CLI_SHOWN(path), strerror(errno ? errno : EIO));
        return EX_IOERR;
    }
    fprintf(stderr, "bgsim init: wrote '%s'; next: bgsim run %s\n", CLI_SHOWN(path), CLI_SHOWN(path));
    return 0;
}

int cli_init(int argc, char **argv)
{
    static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    bool force = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': force = true; break;
        case 'h': fputs(usage_init, stdout); return cli_finish_stdout(0);
        default: return usage_error(optopt ? "option needs a value:" : "unknown option", argv[optind - 1]);
        }
    }
    scn_platform platform = SCN_PLATFORM_ANDROID;
    const char *path = DEFAULT_FILE;
    int rest = argc - optind;
    if (rest > 0 && (strcmp(argv[optind], "android") == 0 || strcmp(argv[optind], "ios") == 0)) {
        platform = strcmp(argv[optind], "ios") == 0 ? SCN_PLATFORM_IOS : SCN_PLATFORM_ANDROID;
        optind++;
        rest--;
    } else if (rest > 0 && strcmp(argv[optind], "ideal") == 0) {
        return usage_error("a starter is written for 'android' or 'ios' (set 'platform: ideal' in it after), found",
                           argv[optind]);
    } else if (rest == 2) {
        return usage_error("expected a platform, 'android' or 'ios', found", argv[optind]);
    }
    if (rest > 1)
        return usage_error("expected at most a platform and a file, found", argv[argc - 1]);
    if (rest == 1)
        path = argv[optind];
    const char *text = scn_starter_text(platform);
    if (strcmp(path, "-") == 0) {
        fputs(text, stdout);
        return cli_finish_stdout(0);
    }
    return write_starter(path, text, force);
}
