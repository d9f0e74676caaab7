/*
 * os_section.c - see os_section.h.
 */
#include "os_section.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "run_status.h"
#include "sch_diag.h"
#include "scn_scenario.h"

void os_section_expect_error(const char *platform, const char *os, const char *want)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "bgsim: 1\nplatform: %s\nduration: 1d\nos: %s\napp:\n  tasks:\n    - name: a\n",
             platform, os);
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer("t.yaml", yaml, strlen(yaml), &diag, &s);
    cr_assert_eq(rc, RUN_ERR_INVALID, "'%s' loads", os);
    char got[512] = "";
    if (sch_diag_count(&diag) > 0)
        sch_diag_format(&diag, 0, got, sizeof got);
    cr_expect_str_eq(got, want);
    cr_expect_eq(sch_diag_count(&diag), 1, "%zu errors for '%s'", sch_diag_count(&diag), os);
    sch_diag_free(&diag);
}
