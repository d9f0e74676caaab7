/*
 * simos_registry.c - the OS model of each platform.
 */
#include "simos.h"
#include "simos_ideal.h"

const simos_desc *simos_for_platform(int platform)
{
    switch (platform) {
    case MDL_IDEAL: return &simos_ideal_desc;
    default: return NULL; /* android, ios: not modeled yet */
    }
}

