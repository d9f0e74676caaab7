/*
 * simos_registry.c - the OS model of each platform.
 */
#include "simos.h"
#include "simos_android.h"
#include "simos_ideal.h"
#include "simos_ios.h"

const simos_desc *simos_for_platform(int platform)
{
    switch (platform) {
    case MDL_ANDROID: return &simos_android_desc;
    case MDL_IDEAL: return &simos_ideal_desc;
    case MDL_IOS: return &simos_ios_desc;
    default: return NULL;
    }
}

