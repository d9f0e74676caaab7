/*
 * fuzz_registry.c - the core's registry decoder, bgt_registry_decode(), and the round trip.
 *
 * The blob carries a CRC-32 over its header and payload, so random bytes almost never get past
 * the checksum. Byte 0 chooses: odd, the rest is decoded as it is (the checks in front of the
 * checksum); even, the rest gets a correct length field and checksum first, so the fuzzer
 * explores the payload parser. (When the rest is shorter than a header it is decoded as it is.)
 *
 * Oracles: decode returns one of the documented codes and leaves *out alone on error; a decoded
 * registry re-encodes to exactly the input bytes (the format has one spelling per registry), and
 * decoding that again gives an equal registry; its entries are valid names and intervals. Then
 * the registry's kept bytes after an appended entry and a changed option (patched in place, the
 * CRC updated algebraically) equal a fresh encoding of the same entries.
 */
#include <string.h>

#include "bgt_registry.h"
#include "fuzz_target.h"

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Edits r the way registrations do between saves and compares its kept bytes with a fresh
 * encoding (a copy keeps no bytes, so its encode writes every entry). */
static void check_kept_bytes(bgt_registry *r, uint8_t seed)
{
    const unsigned char *kept = NULL;
    size_t kept_len = 0, fresh_len = 0;
    fuzz_check(bgt_registry_bytes(r, &kept, &kept_len) == BGT_OK, "bytes");
    bgt_task_options o = {true, (int64_t)seed * 7};
    fuzz_check(bgt_registry_put(r, "fuzz-appended", &o) == BGT_OK, "append");
    if (bgt_registry_count(r) > 1) {
        const char *first = NULL;
        bgt_task_options old;
        fuzz_check(bgt_registry_get(r, 0, &first, &old) == BGT_OK, "get 0");
        bgt_task_options now = {!old.has_minimum_interval, old.has_minimum_interval ? 0 : seed};
        fuzz_check(bgt_registry_put(r, first, &now) == BGT_OK, "update");
    }
    fuzz_check(bgt_registry_bytes(r, &kept, &kept_len) == BGT_OK, "bytes after edits");
    bgt_registry *copy = NULL;
    unsigned char *fresh = NULL;
    fuzz_check(bgt_registry_copy(r, &copy) == BGT_OK, "copy for a fresh encoding");
    fuzz_check(bgt_registry_encode(copy, &fresh, &fresh_len) == BGT_OK, "fresh encoding");
    fuzz_check(fresh_len == kept_len && memcmp(fresh, kept, kept_len) == 0, "kept bytes differ from a fresh encoding");
    free(fresh);
    bgt_registry_free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1;
    unsigned char *blob = malloc(len ? len : 1);
    fuzz_check(blob != NULL, "malloc");
    if (len)
        memcpy(blob, data + 1, len);
    if (!(data[0] & 1) && len >= BGT_REGISTRY_HEADER_SIZE) {
        put_le32(blob + 8, (uint32_t)(len - BGT_REGISTRY_HEADER_SIZE));
        uint32_t crc = bgt_crc32(0, blob, 12);
        crc = bgt_crc32(crc, blob + BGT_REGISTRY_HEADER_SIZE, len - BGT_REGISTRY_HEADER_SIZE);
        put_le32(blob + 12, crc);
    }
    static char marker;                          /* *out must stay untouched on error */
    bgt_registry *const untouched = (bgt_registry *)(void *)&marker;
    bgt_registry *r = untouched;
    int rc = bgt_registry_decode(blob, len, &r);
    if (rc != BGT_OK) {
        fuzz_check(rc == BGT_E_TRUNCATED || rc == BGT_E_BAD_MAGIC || rc == BGT_E_VERSION || rc == BGT_E_CHECKSUM ||
                       rc == BGT_E_CORRUPT || rc == BGT_E_NOMEM,
                   "undocumented code %d", rc);
        fuzz_check(r == untouched, "decode failed with %d but wrote *out", rc);
        free(blob);
        return 0;
    }
    size_t n = bgt_registry_count(r);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL;
        bgt_task_options o;
        fuzz_check(bgt_registry_get(r, i, &name, &o) == BGT_OK, "get %zu", i);
        fuzz_check(bgt_registry_valid_name(name), "entry %zu has an invalid name", i);
        fuzz_check(bgt_registry_find(r, name) == (long)i, "entry %zu is not found at its index", i);
        fuzz_check(!o.has_minimum_interval ? o.minimum_interval_min == 0
                                           : o.minimum_interval_min >= 0 && o.minimum_interval_min <= BGT_INTERVAL_MAX_MIN,
                   "entry %zu interval %lld", i, (long long)o.minimum_interval_min);
    }
    unsigned char *again = NULL;
    size_t again_len = 0;
    fuzz_check(bgt_registry_encode(r, &again, &again_len) == BGT_OK, "re-encode");
    fuzz_check(again_len == len && memcmp(again, blob, len) == 0, "re-encoding differs from the decoded bytes");
    bgt_registry *r2 = NULL;
    fuzz_check(bgt_registry_decode(again, again_len, &r2) == BGT_OK, "decode of the re-encoding");
    fuzz_check(bgt_registry_equal(r, r2), "round trip changed the registry");
    bgt_registry *copy = NULL;
    fuzz_check(bgt_registry_copy(r, &copy) == BGT_OK && bgt_registry_equal(r, copy), "copy");
    bgt_registry_free(copy);
    check_kept_bytes(r, data[0]);
    bgt_registry_free(r2);
    bgt_registry_free(r);
    free(again);
    free(blob);
    return 0;
}
