/*
 * fuzz_target.h - the one entry point every fuzz target defines.
 *
 * Each tools/fuzz/fuzz_*.c defines LLVMFuzzerTestOneInput and nothing else public. The same source
 * is linked two ways: with libFuzzer (clang, -DBGSIM_FUZZ=ON, tools/fuzz.sh) to search for inputs,
 * and with tests/fuzz/replay_main.c (any compiler, every build) so that ctest replays the
 * regression corpus in tests/fuzz/<target>/ through exactly the code the fuzzer ran.
 *
 * A target never returns an error for a bad input: bad inputs are the point. It calls fuzz_fail()
 * (abort with a message) when an oracle is violated, so both libFuzzer and the replay runner see a
 * crash.
 */
#ifndef BGSIM_FUZZ_TARGET_H
#define BGSIM_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_fail(...)                                                                                       \
    do {                                                                                                     \
        fprintf(stderr, "fuzz oracle failed at %s:%d: ", __FILE__, __LINE__);                              \
        fprintf(stderr, __VA_ARGS__);                                                                        \
        fputc('\n', stderr);                                                                                 \
        abort();                                                                                             \
    } while (0)

#define fuzz_check(cond, ...)                                                                                \
    do {                                                                                                     \
        if (!(cond))                                                                                         \
            fuzz_fail(__VA_ARGS__);                                                                          \
    } while (0)

#endif
