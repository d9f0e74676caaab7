/*
 * os_section.h - what the OS model tests share beyond the rig: loading a scenario whose `os:`
 * section must be refused with one exact diagnostic.
 */
#ifndef BGSIM_TEST_OS_SECTION_H
#define BGSIM_TEST_OS_SECTION_H

/* Loads a one-task scenario of `platform` ("android", "ios") with `os: <os>` (flow YAML on line 4)
 * and expects it refused (RUN_ERR_INVALID) with exactly one diagnostic, formatted as `want`. */
void os_section_expect_error(const char *platform, const char *os, const char *want);

#endif
