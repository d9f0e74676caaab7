/*
 * bgsim_main.c - the bgsim command line: dispatches to the subcommands (cli.h).
 *
 * Data goes to stdout, diagnostics to stderr. Exit statuses follow sysexits(3): 0 ok, 64 usage,
 * 65 invalid scenario, 66 cannot read a scenario, 69 gnuplot cannot be run, 70 internal error,
 * 73 cannot create an output file, 74 output error. `bgsim help CMD` is `bgsim CMD --help`.
 */
#include <stdio.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli.h"
#include "scn_scenario.h"

static const char usage_main[] =
    "usage: bgsim [--help] [--version] <command> [<args>]\n"
    "\n"
    "When will my background task actually run, how often, and why didn't it?\n"
    "\n"
    "commands:\n"
    "  init [android|ios] [FILE]  write a commented starter scenario to edit\n"
    "  validate FILE...   check scenario files; print each error with file:line:column\n"
    "  run FILE           simulate a scenario and print a summary per task\n"
    "  explain FILE       why didn't it run: the longest gaps between runs, reason by reason\n"
    "  check FILE...      run scenarios and verify their expectations (for CI)\n"
    "  sweep FILE         run combinations of --set values over seeds (interval tuning)\n"
    "  fleet FILE         simulate a population of devices: distributions across devices, targets\n"
    "  doctor [APP_DIR]   check an Expo app's background-task set-up (config, manifests, sources)\n"
    "  schema             print the JSON Schema of scenario files (for editors)\n"
    "\n"
    "'bgsim help <command>' (or 'bgsim <command> --help') describes a command. A FILE of '-' is read\n"
    "from stdin. Scenario keys: scenarios/README.md.\n";

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"validate", cli_validate},
    {"run", cli_run},
    {"explain", cli_explain},
    {"check", cli_check},
    {"sweep", cli_sweep},
    {"fleet", cli_fleet},
    {"doctor", cli_doctor},
    {"init", cli_init},
    {"schema", cli_schema},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* `bgsim help CMD`: exactly `bgsim CMD --help`, from the command's own text. */
static int help_for(const char *cmd)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            char *args[] = {(char *)commands[i].name, "--help", NULL};
            return commands[i].fn(2, args);
        }
    }
    fprintf(stderr, "bgsim help: unknown command '%s'\n%s", CLI_SHOWN(cmd), usage_main);
    return EX_USAGE;
}

/*
 * glibc's malloc returns the top of its heap to the system (brk) once more than 128 KiB of it is
 * free, and serves large blocks from mmap, unmapped when freed. A sweep or a fleet frees a run's
 * record and state after each seed or device and grows them again for the next: each time the
 * system hands out fresh zeroed pages again (issue 24: the commuter's 300-seed sweep took 3,285
 * page faults and 1.21x the CPU time of the same sweep without trimming; the outputs are the
 * same). Kept, the freed memory is what the next run reuses; the process's peak is unchanged, and
 * it is returned at exit. Blocks of 4 MiB and more still come from mmap: the fleet's accumulator
 * sets (6.6 MB, reports/rep_acc.c) rely on calloc's fresh pages being zero and untouched where no
 * value falls; from the heap they would be memset whole (+17 % of a fleet's instructions). A
 * year's records of the commuter stay below it. Not glibc: the allocator's own policy.
 */
static void keep_freed_memory(void)
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

int main(int argc, char **argv)
{
    keep_freed_memory();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EX_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 && argc == 3)
        return help_for(argv[2]);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return cli_finish_stdout(0);
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("bgsim %s (scenario schema %d)\n", BGSIM_VERSION, SCN_SCHEMA_VERSION);
        return cli_finish_stdout(0);
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "bgsim: unknown command '%s'\n%s", CLI_SHOWN(cmd), usage_main);
    return EX_USAGE;
}
