/*
 * cli_doctor.c - `bgsim doctor [APP_DIR]`: the static checks of an Expo app's background-task
 * set-up (sim/doctor), printed one finding at a time with what expo and the OS will do and the
 * fix, then the tasks found as the start of a scenario.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dr_doctor.h"

static const char usage_text[] =
    "usage: bgsim doctor [APP_DIR]\n"
    "\n"
    "Checks an Expo / React Native app's background-task set-up without building it (APP_DIR:\n"
    "default '.'): package.json and the installed expo-background-task, app.json (the config\n"
    "plugin, ios.infoPlist) or app.config.* by text, ios/*/Info.plist and the Android manifest\n"
    "when prebuilt, and the sources' TaskManager.defineTask and registerTaskAsync calls. Each\n"
    "finding: file:line, what is wrong, what expo and the OS will then do, and the fix. The tasks\n"
    "found are printed as the app: section of a scenario to simulate them with.\n"
    "\n"
    "Exit status: 0 no error (warnings and notes may be printed), 1 some error, 64 usage,\n"
    "66 APP_DIR is not an app (no package.json), 70 internal error.\n";

static void print_interval(int64_t minutes)
{
    if (minutes == -1)
        printf("      # no minimumInterval: expo's default (24h Android, 12h iOS)\n");
    else if (minutes == -2)
        printf("      # minimumInterval is not a literal: fill in minimum_interval\n");
    else if (minutes % 60 == 0)
        printf("      minimum_interval: %" PRId64 "h\n", minutes / 60);
    else
        printf("      minimum_interval: %" PRId64 "m\n", minutes);
}

int cli_doctor(int argc, char **argv)
{
    const char *dir = ".";
    dr_report r;
    int rc;
    size_t errors, warnings, notes, shown = 0;
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return cli_finish_stdout(0);
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "bgsim doctor: %s\n%s", argc > 2 ? "one APP_DIR at most" : "unknown option", usage_text);
        return EX_USAGE;
    }
    if (argc == 2)
        dir = argv[1];
    rc = dr_check_app(dir, &r);
    if (rc == DR_ERR_NO_APP) {
        fprintf(stderr, "bgsim doctor: %s: not an app directory (no readable package.json)\n", CLI_SHOWN(dir));
        dr_report_free(&r);
        return EX_NOINPUT;
    }
    if (rc != DR_OK) {
        fprintf(stderr, "bgsim doctor: out of memory\n");
        dr_report_free(&r);
        return EX_SOFTWARE;
    }
    for (int sev = DR_ERROR; sev <= DR_NOTE; sev++) {
        for (size_t i = 0; i < r.n_findings; i++) {
            const dr_finding *f = &r.findings[i];
            if ((int)f->severity != sev)
                continue;
            if (f->line > 0)
                printf("%s:%d: ", CLI_SHOWN(f->file), f->line);
            else
                printf("%s: ", CLI_SHOWN(f->file));
            printf("%s: %s\n", dr_severity_name(f->severity), CLI_SHOWN(f->what));
            printf("  then: %s\n", CLI_SHOWN(f->effect));
            if (f->fix)
                printf("  fix:  %s\n", CLI_SHOWN(f->fix));
            shown++;
        }
    }
    if (r.n_tasks > 0) {
        printf("%sthe tasks as a scenario's app: section (bgsim run; scenarios/README.md):\n", shown ? "\n" : "");
        printf("app:\n  tasks:\n");
        for (size_t i = 0; i < r.n_tasks; i++) {
            printf("    - name: \"%s\"\n", CLI_SHOWN(r.tasks[i].name));
            if (r.tasks[i].registered)
                print_interval(r.tasks[i].minimum_interval);
            else
                printf("      # defined but never registered in the sources\n");
        }
    }
    errors = dr_report_count(&r, DR_ERROR);
    warnings = dr_report_count(&r, DR_WARNING);
    notes = dr_report_count(&r, DR_NOTE);
    printf("\nbgsim doctor: %zu error%s, %zu warning%s, %zu note%s (%zu source file%s; expo-background-task %s)\n",
           errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", notes, notes == 1 ? "" : "s",
           r.files_scanned, r.files_scanned == 1 ? "" : "s",
           r.installed_version ? CLI_SHOWN(r.installed_version) : "not installed");
    dr_report_free(&r);
    return cli_finish_stdout(errors > 0 ? 1 : 0);
}
