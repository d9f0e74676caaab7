/*
 * bgsim_main.c - the bgsim command line: dispatches to the subcommands (cli.h).
 *
 * Data goes to stdout, diagnostics to stderr. Exit statuses follow sysexits(3): 0 ok, 64 usage,
 * 65 invalid scenario, 66 cannot read a scenario, 69 platform not modeled yet, 70 internal error,
 * 73 cannot create an output file, 74 output error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scn_scenario.h"

static const char usage_main[] =
    "usage: bgsim [--help] [--version] <command> [<args>]\n"
    "\n"
    "When will my background task actually run, how often, and why didn't it?\n"
    "\n"
    "commands:\n"
    "  validate FILE...   check scenario files; print each error with file:line:column\n"
    "  run FILE           simulate a scenario and print a summary per task\n"
    "  check FILE...      run scenarios and verify their expectations (for CI)\n"
    "  sweep FILE         run combinations of --set values over seeds (interval tuning)\n"
    "  fleet FILE         simulate a population of devices: distributions across devices, targets\n"
    "  schema             print the JSON Schema of scenario files (for editors)\n"
    "\n"
    "'bgsim <command> --help' describes a command. Scenario keys: scenarios/README.md.\n";

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"validate", cli_validate},
    {"run", cli_run},
    {"check", cli_check},
    {"sweep", cli_sweep},
    {"fleet", cli_fleet},
    {"schema", cli_schema},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EX_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return cli_finish_stdout(0);
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("bgsim %s (scenario schema %d)\n", BGSIM_VERSION, SCN_SCHEMA_VERSION);
        return cli_finish_stdout(0);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "bgsim: unknown command '%s'\n%s", CLI_SHOWN(cmd), usage_main);
    return EX_USAGE;
}
