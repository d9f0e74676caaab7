/*
 * gen_registry_seeds.c - writes registry blobs into a directory as seeds for fuzz_registry:
 * empty, one task, tasks with and without intervals, the longest name, the largest interval, and
 * 1,000 tasks. Each file starts with the fuzz target's mode byte (0: checksum fixed up; 1: as
 * is), followed by the blob bgt_registry_encode() wrote.
 *
 *   gen_registry_seeds DIR
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgt_registry.h"

static int write_seed(const char *dir, const char *name, int mode, const bgt_registry *r)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    if (bgt_registry_encode(r, &buf, &len) != BGT_OK)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-%d.bin", dir, name, mode);
    FILE *f = fopen(path, "wb");
    int rc = -1;
    if (f) {
        unsigned char m = (unsigned char)mode;
        rc = fwrite(&m, 1, 1, f) == 1 && fwrite(buf, 1, len, f) == len ? 0 : -1;
        if (fclose(f) != 0)
            rc = -1;
    }
    free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_registry_seeds DIR\n");
        return 64;
    }
    const char *dir = argv[1];
    bgt_registry *r = NULL;
    if (bgt_registry_new(&r) != BGT_OK)
        return 70;
    int rc = 0;
    bgt_task_options none = {false, 0}, every15 = {true, 15}, big = {true, BGT_INTERVAL_MAX_MIN}, zero = {true, 0};
    rc |= write_seed(dir, "empty", 0, r) | write_seed(dir, "empty", 1, r);
    bgt_registry_put(r, "sync", &every15);
    rc |= write_seed(dir, "one", 0, r) | write_seed(dir, "one", 1, r);
    bgt_registry_put(r, "cleanup", &none);
    bgt_registry_put(r, "z", &zero);
    rc |= write_seed(dir, "three", 0, r) | write_seed(dir, "three", 1, r);
    char longest[BGT_NAME_MAX + 1];
    memset(longest, 'n', BGT_NAME_MAX);
    longest[BGT_NAME_MAX] = '\0';
    bgt_registry_put(r, longest, &big);
    bgt_registry_put(r, "\xc3\xa9t\xc3\xa9", &every15); /* UTF-8 "été" */
    rc |= write_seed(dir, "limits", 0, r);
    bgt_registry_clear(r);
    for (int i = 0; i < 1000; i++) {
        char name[32];
        snprintf(name, sizeof name, "task-%04d", i);
        bgt_task_options o = {i % 2 == 0, i % 2 == 0 ? (int64_t)i : 0};
        bgt_registry_put(r, name, &o);
    }
    rc |= write_seed(dir, "thousand", 0, r);
    bgt_registry_free(r);
    if (rc) {
        fprintf(stderr, "gen_registry_seeds: cannot write into %s\n", dir);
        return 73;
    }
    return 0;
}
