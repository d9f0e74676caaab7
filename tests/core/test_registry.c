/* test_registry.c: the persisted registry, "nothing lost" (the invariants stated in core/bgt.h).
 * Blob codec errors, and crash/torn-write sweeps through the core with the fake backend's
 * write-temp-then-rename store. The host backend repeats the sweep on real files (test_host.c). */
#include "harness.h"
#include "bgt_registry.h" /* internal (not installed): the tests decode what the core saved */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng(void) /* xorshift64: fixed seed, so every run sweeps the same cases */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void refresh_crc(unsigned char *b, size_t len)
{
    uint32_t crc = bgt_crc32(bgt_crc32(0, b, 12), b + 16, len - 16);
    int i;
    for (i = 0; i < 4; i++)
        b[12 + i] = (unsigned char)(crc >> (8 * i));
}

static bgt_registry *sample(int n)
{
    static const char *const names[] = { "sync", "upload-photos", "x" };
    bgt_registry *r = NULL;
    int i;
    cr_assert_eq(bgt_registry_new(&r), BGT_OK);
    for (i = 0; i < n; i++) {
        bgt_task_options o = { i != 1, (int64_t)(15 * (i + 1)) };
        cr_assert_eq(bgt_registry_put(r, names[i], &o), BGT_OK);
    }
    return r;
}

static void encode(const bgt_registry *r, unsigned char **buf, size_t *len)
{
    cr_assert_eq(bgt_registry_encode(r, buf, len), BGT_OK);
}

/* ---- merging concurrent writers (bgt_registry_merge) ---- */

/* Bytes of a registry written as "name:interval,..." (interval "-" when absent). */
static void bytes_of(const char *spec, unsigned char **buf, size_t *len)
{
    bgt_registry *r = NULL;
    char copy[256], *tok, *save = NULL;
    cr_assert_eq(bgt_registry_new(&r), BGT_OK);
    snprintf(copy, sizeof copy, "%s", spec);
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        bgt_task_options o = { false, 0 };
        *colon = '\0';
        if (colon[1] != '-')
            o = (bgt_task_options){ true, atoll(colon + 1) };
        cr_assert_eq(bgt_registry_put(r, tok, &o), BGT_OK);
    }
    encode(r, buf, len);
    bgt_registry_free(r);
}

/* The merge of three registries, as "name:interval,..." */
static void merged(const char *base, const char *mine, const char *theirs, char *out, size_t cap)
{
    unsigned char *b, *m, *t, *o;
    size_t bl, ml, tl, ol, i;
    bgt_registry *r = NULL;
    bytes_of(base, &b, &bl);
    bytes_of(mine, &m, &ml);
    bytes_of(theirs, &t, &tl);
    cr_assert_eq(bgt_registry_merge(b, bl, m, ml, t, tl, &o, &ol), BGT_OK);
    cr_assert_eq(bgt_registry_decode(o, ol, &r), BGT_OK);
    out[0] = '\0';
    for (i = 0; i < bgt_registry_count(r); i++) {
        const char *name;
        bgt_task_options opts;
        char one[64];
        cr_assert_eq(bgt_registry_get(r, i, &name, &opts), BGT_OK);
        if (opts.has_minimum_interval)
            snprintf(one, sizeof one, "%s%s:%lld", i ? "," : "", name, (long long)opts.minimum_interval_min);
        else
            snprintf(one, sizeof one, "%s%s:-", i ? "," : "", name);
        strncat(out, one, cap - strlen(out) - 1);
    }
    bgt_registry_free(r);
    free(b), free(m), free(t), free(o);
}

Test(merge, a_writer_changes_only_what_it_changed_since_its_base)
{
    char got[256];
    /* the other writer added c; this one added d and removed a */
    merged("a:15,b:-", "b:-,d:30", "a:15,b:-,c:60", got, sizeof got);
    cr_assert_str_eq(got, "b:-,c:60,d:30");
    /* theirs equals the base: exactly mine */
    merged("a:15,b:-", "b:-,d:30", "a:15,b:-", got, sizeof got);
    cr_assert_str_eq(got, "b:-,d:30");
    /* an option this writer changed wins in place; one it did not change keeps the other's */
    merged("a:15,b:-", "a:20,b:-", "a:15,b:45", got, sizeof got);
    cr_assert_str_eq(got, "a:20,b:45");
    /* a task the other writer removed stays removed unless this one changed it */
    merged("a:15,b:-", "a:15,b:-,c:5", "b:-", got, sizeof got);
    cr_assert_str_eq(got, "b:-,c:5");
    /* an empty base (a fresh install) removes nothing */
    merged("", "x:1", "y:2", got, sizeof got);
    cr_assert_str_eq(got, "y:2,x:1");
}

Test(merge, bad_inputs)
{
    unsigned char *m, *o = NULL, junk[] = "BGTR not a registry";
    size_t ml, ol;
    bytes_of("a:1", &m, &ml);
    /* theirs does not decode: its error, for the caller to decide */
    cr_assert_eq(bgt_registry_merge(NULL, 0, m, ml, junk, sizeof junk - 1, &o, &ol), BGT_E_VERSION);
    /* mine does not decode: the caller's own bytes, an invalid argument */
    cr_assert_eq(bgt_registry_merge(NULL, 0, junk, sizeof junk - 1, m, ml, &o, &ol), BGT_E_INVAL);
    /* a base that does not decode counts as empty */
    cr_assert_eq(bgt_registry_merge(junk, sizeof junk - 1, m, ml, m, ml, &o, &ol), BGT_OK);
    cr_assert_eq(ol, ml);
    cr_assert_eq(memcmp(o, m, ml), 0);
    free(o);
    cr_assert_eq(bgt_registry_merge(NULL, 0, m, ml, m, ml, NULL, &ol), BGT_E_INVAL);
    free(m);
}

/* ---- codec ---- */

Test(registry, roundtrip_keeps_order_and_absent_options)
{
    int n;
    for (n = 0; n <= 3; n++) {
        bgt_registry *r = sample(n), *back = NULL;
        unsigned char *buf;
        size_t len;
        encode(r, &buf, &len);
        cr_assert_eq(bgt_registry_decode(buf, len, &back), BGT_OK);
        cr_assert(bgt_registry_equal(r, back), "n=%d", n);
        bgt_registry_free(back);
        bgt_registry_free(r);
        free(buf);
    }
}

Test(registry, crc32_matches_the_standard_check_value)
{
    cr_assert_eq(bgt_crc32(0, "123456789", 9), 0xCBF43926u); /* IEEE CRC-32 check value */
}

Test(registry, every_proper_prefix_is_rejected)
{
    bgt_registry *r = sample(3), *out = NULL;
    unsigned char *buf;
    size_t len, k;
    encode(r, &buf, &len);
    for (k = 0; k < len; k++) {
        int rc = bgt_registry_decode(buf, k, &out);
        cr_assert(rc == BGT_E_TRUNCATED, "prefix %zu: %s", k, bgt_strerror(rc));
        cr_assert_null(out, "out untouched on error");
    }
    bgt_registry_free(r);
    free(buf);
}

Test(registry, each_failure_has_its_own_code)
{
    bgt_registry *r = sample(2), *out = NULL;
    unsigned char *buf, *big;
    size_t len;
    encode(r, &buf, &len);

    buf[0] = 'X';
    cr_assert_eq(bgt_registry_decode(buf, len, &out), BGT_E_BAD_MAGIC);
    buf[0] = 'B';
    buf[4] = 2;
    cr_assert_eq(bgt_registry_decode(buf, len, &out), BGT_E_VERSION);
    buf[4] = 1;
    buf[len - 3] ^= 1;
    cr_assert_eq(bgt_registry_decode(buf, len, &out), BGT_E_CHECKSUM);
    buf[len - 3] ^= 1;
    buf[6] = 1; /* flags must be 0 */
    refresh_crc(buf, len);
    cr_assert_eq(bgt_registry_decode(buf, len, &out), BGT_E_CORRUPT);
    buf[6] = 0;
    refresh_crc(buf, len);
    big = malloc(len + 1); /* a trailing byte the header does not account for */
    memcpy(big, buf, len);
    big[len] = 0;
    cr_assert_eq(bgt_registry_decode(big, len + 1, &out), BGT_E_CORRUPT);
    cr_assert_eq(bgt_registry_decode(buf, len, &out), BGT_OK);
    cr_assert(bgt_registry_equal(out, r));
    bgt_registry_free(out);
    bgt_registry_free(r);
    free(buf);
    free(big);
}

/* A checksum-valid blob whose last entry is bad must not yield the entries before it. */
Test(registry, a_bad_entry_rejects_the_whole_blob)
{
    bgt_registry *r = sample(3), *out = NULL;
    unsigned char *buf;
    size_t len;
    encode(r, &buf, &len);
    buf[len - 9] = 2; /* has_minimum_interval of the last entry */
    refresh_crc(buf, len);
    cr_assert_eq(bgt_registry_decode(buf, len, &out), BGT_E_CORRUPT);
    cr_assert_null(out);
    bgt_registry_free(r);
    free(buf);
}

Test(registry, duplicate_names_are_corrupt)
{
    bgt_registry *r = NULL, *out = NULL;
    unsigned char *buf;
    size_t len;
    cr_assert_eq(bgt_registry_new(&r), BGT_OK);
    cr_assert_eq(bgt_registry_put(r, "ab", NULL), BGT_OK);
    cr_assert_eq(bgt_registry_put(r, "ac", NULL), BGT_OK);
    encode(r, &buf, &len);
    buf[16 + 4 + 2 + 2 + 9 + 2 + 1] = 'b'; /* second name "ac" -> "ab" */
    refresh_crc(buf, len);
    cr_assert_eq(bgt_registry_decode(buf, len, &out), BGT_E_CORRUPT);
    bgt_registry_free(r);
    free(buf);
}

/* The bytes a registry keeps (patched as entries are added or changed, with the CRC updated
 * algebraically) are exactly those encoding its entries from scratch gives (a copy keeps none, so
 * its encode writes them all), and they decode back to the same registry. */
static void check_kept_bytes(bgt_registry *r, int step)
{
    const unsigned char *kept = NULL;
    unsigned char *fresh = NULL;
    size_t kept_len = 0, fresh_len = 0;
    bgt_registry *copy = NULL, *back = NULL;
    cr_assert_eq(bgt_registry_bytes(r, &kept, &kept_len), BGT_OK);
    cr_assert_eq(bgt_registry_copy(r, &copy), BGT_OK);
    encode(copy, &fresh, &fresh_len);
    cr_assert_eq(kept_len, fresh_len, "step %d: %zu bytes kept, %zu encoded", step, kept_len, fresh_len);
    cr_assert_eq(memcmp(kept, fresh, kept_len), 0, "step %d: kept bytes differ from a fresh encoding", step);
    cr_assert_eq(bgt_registry_decode(kept, kept_len, &back), BGT_OK, "step %d", step);
    cr_assert(bgt_registry_equal(r, back), "step %d", step);
    bgt_registry_free(back);
    bgt_registry_free(copy);
    free(fresh);
}

Test(registry, kept_bytes_match_a_fresh_encoding_after_any_edits)
{
    bgt_registry *r = NULL;
    char name[BGT_NAME_MAX + 1];
    int step;
    cr_assert_eq(bgt_registry_new(&r), BGT_OK);
    for (step = 0; step < 3000; step++) {
        uint64_t x = rng();
        bgt_task_options o = { (x >> 8) % 3 != 0, 0 };
        size_t len = 1 + (size_t)((x >> 16) % (step % 97 == 0 ? BGT_NAME_MAX : 12)), i;
        if (o.has_minimum_interval) /* any valid value, up to the top of the range */
            o.minimum_interval_min = (int64_t)((x >> 24) % (BGT_INTERVAL_MAX_MIN + 1));
        for (i = 0; i < len; i++)
            name[i] = (char)('a' + (x >> (32 + i % 24)) % 6); /* few letters: names recur */
        name[len] = '\0';
        switch (x % 16) {
        case 0: /* remove an existing entry (marks the bytes stale) */
            if (bgt_registry_count(r) > 0) {
                const char *victim = NULL;
                cr_assert_eq(bgt_registry_get(r, (size_t)(x >> 40) % bgt_registry_count(r), &victim, NULL), BGT_OK);
                snprintf(name, sizeof name, "%s", victim);
                cr_assert_eq(bgt_registry_remove(r, name), BGT_OK);
                cr_assert_lt(bgt_registry_find(r, name), 0);
            }
            break;
        case 1: /* change an existing entry's options in place */
            if (bgt_registry_count(r) > 0) {
                const char *which = NULL;
                cr_assert_eq(bgt_registry_get(r, (size_t)(x >> 40) % bgt_registry_count(r), &which, NULL), BGT_OK);
                snprintf(name, sizeof name, "%s", which);
            }
            /* fall through */
        default: /* add, or update when the name is there */
            cr_assert_eq(bgt_registry_put(r, name, &o), BGT_OK);
            break;
        }
        if (step % 500 == 250)
            bgt_registry_clear(r);
        if (x % 5 != 0 || step % 100 == 0) /* also several edits between two reads of the bytes */
            check_kept_bytes(r, step);
    }
    cr_assert_gt(bgt_registry_count(r), 20, "the sequence grew the registry");
    check_kept_bytes(r, step);
    bgt_registry_free(r);
}

Test(registry, kept_bytes_after_a_decode_are_the_decoded_bytes)
{
    bgt_registry *r = sample(3), *back = NULL;
    const unsigned char *kept = NULL;
    unsigned char *buf;
    size_t len, kept_len = 0;
    bgt_task_options o = { true, 30 };
    encode(r, &buf, &len);
    cr_assert_eq(bgt_registry_decode(buf, len, &back), BGT_OK);
    cr_assert_eq(bgt_registry_bytes(back, &kept, &kept_len), BGT_OK);
    cr_assert_eq(kept_len, len);
    cr_assert_eq(memcmp(kept, buf, len), 0);
    cr_assert_eq(bgt_registry_put(back, "another", &o), BGT_OK);
    cr_assert_eq(bgt_registry_put(back, "x", &o), BGT_OK);
    check_kept_bytes(back, -1);
    bgt_registry_free(back);
    bgt_registry_free(r);
    free(buf);
}

/* bgt_registry_decode_into (what a process start uses) answers as bgt_registry_decode for every
 * single-bit flip and every prefix of a blob, into a registry that decoded the intact blob just
 * before (so its kept bytes are those of the intact blob: the CRC is left out only for them), and
 * leaves the registry empty on every error. */
Test(registry, decode_into_answers_as_decode)
{
    bgt_registry *r = sample(3), *into = NULL, *want = NULL;
    unsigned char *buf, *t;
    size_t len, k;
    int flips = 0;
    encode(r, &buf, &len);
    t = malloc(len);
    cr_assert_eq(bgt_registry_new(&into), BGT_OK);
    for (k = 0; k < len * 8 + len; k++) {
        size_t tlen = k < len * 8 ? len : k - len * 8; /* the flips, then the prefixes */
        int rc_want, rc;
        cr_assert_eq(bgt_registry_decode_into(buf, len, into), BGT_OK);
        cr_assert(bgt_registry_equal(into, r));
        bgt_registry_clear(into);
        memcpy(t, buf, len);
        if (k < len * 8)
            t[k / 8] ^= (unsigned char)(1u << (k % 8));
        want = NULL;
        rc_want = bgt_registry_decode(t, tlen, &want);
        rc = bgt_registry_decode_into(t, tlen, into);
        cr_assert_eq(rc, rc_want, "case %zu: %s, want %s", k, bgt_strerror(rc), bgt_strerror(rc_want));
        if (rc == BGT_OK)
            cr_assert(bgt_registry_equal(into, want), "case %zu", k);
        else
            cr_assert_eq(bgt_registry_count(into), 0, "case %zu: never half-loaded", k);
        flips += k < len * 8 && rc == BGT_E_CHECKSUM;
        bgt_registry_free(want);
        bgt_registry_clear(into);
    }
    cr_assert_gt(flips, (int)len * 4, "the checksum still catches the flips (%d)", flips);
    /* the bytes a registry encoded before a clear decode back into it; a flip still fails */
    cr_assert_eq(bgt_registry_put(into, "sync", NULL), BGT_OK);
    {
        const unsigned char *own = NULL;
        size_t own_len = 0;
        cr_assert_eq(bgt_registry_bytes(into, &own, &own_len), BGT_OK);
        memcpy(t, own, own_len < len ? own_len : len);
        bgt_registry_clear(into);
        t[own_len - 1] ^= 1;
        cr_assert_eq(bgt_registry_decode_into(t, own_len, into), BGT_E_CHECKSUM);
        t[own_len - 1] ^= 1;
        cr_assert_eq(bgt_registry_decode_into(t, own_len, into), BGT_OK);
        cr_assert_eq(bgt_registry_count(into), 1);
        cr_assert_eq(bgt_registry_decode_into(t, own_len, into), BGT_E_INVAL, "only into an empty registry");
    }
    bgt_registry_free(into);
    bgt_registry_free(r);
    free(buf);
    free(t);
}

/* ---- crash and torn-write sweeps through the core ---- */

static harness H;
static bgt_registry *old_reg, *new_reg;
static unsigned char *new_blob;
static size_t new_len;

/* Registry "old" = {a:30, b:-} persisted; "new" = old + {c:45}, the save under test. */
static void sweep_setup(void)
{
    bgt_task_options c45 = { true, 45 };
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    h_start(&H);
    h_reg(&H, 0, 30);
    h_reg(&H, 1, -1);
    h_define(&H, 2);
    cr_assert_eq(bgt_registry_decode(H.f.committed, H.f.committed_len, &old_reg), BGT_OK);
    cr_assert_eq(bgt_registry_copy(old_reg, &new_reg), BGT_OK);
    cr_assert_eq(bgt_registry_put(new_reg, "c", &c45), BGT_OK);
    encode(new_reg, &new_blob, &new_len);
}

static void sweep_teardown(void)
{
    bgt_registry_free(old_reg);
    bgt_registry_free(new_reg);
    free(new_blob);
    h_fini(&H);
}

/* The registry a new process sees. */
static bgt_registry *restarted(void)
{
    bgt_registry *r = NULL;
    size_t i;
    h_restart(&H);
    cr_assert_eq(bgt_registry_new(&r), BGT_OK);
    for (i = 0; i < bgt_task_count(H.c); i++) {
        const char *name;
        bgt_task_options o;
        cr_assert_eq(bgt_task_at(H.c, i, &name, &o), BGT_OK);
        cr_assert_eq(bgt_registry_put(r, name, &o), BGT_OK);
    }
    return r;
}

TestSuite(crash, .init = sweep_setup, .fini = sweep_teardown);

Test(crash, save_interrupted_at_every_byte_leaves_old_or_new)
{
    bgt_task_options c45 = { true, 45 };
    bgt_registry *r, *partial = NULL;
    size_t k;
    for (k = 0; k <= new_len; k++) {
        if (k < new_len)
            H.f.crash_after = (long)k;           /* died after k bytes of the temp file */
        else
            H.f.crash_before_rename = true;      /* temp complete, rename never happened */
        cr_assert_eq(bgt_register_task(H.c, "c", &c45), BGT_E_IO);
        cr_assert_eq(bgt_is_registered(H.c, "c"), 0, "k=%zu: in-memory registry unchanged", k);
        cr_assert_eq(H.f.temp_len, k);
        if (k < new_len)
            cr_assert_neq(bgt_registry_decode(H.f.temp, H.f.temp_len, &partial), BGT_OK,
                          "k=%zu: a partial temp file is never a valid registry", k);
        r = restarted();
        cr_assert(bgt_registry_equal(r, old_reg), "k=%zu: the next process sees the old registry", k);
        bgt_registry_free(r);
    }
    cr_assert_eq(bgt_register_task(H.c, "c", &c45), BGT_OK);
    cr_assert_eq(H.f.committed_len, new_len);
    cr_assert_eq(memcmp(H.f.committed, new_blob, new_len), 0);
    r = restarted();
    cr_assert(bgt_registry_equal(r, new_reg), "after a complete save: the new registry");
    bgt_registry_free(r);
}

static bool is_decode_error(int rc)
{
    return rc == BGT_E_TRUNCATED || rc == BGT_E_BAD_MAGIC || rc == BGT_E_VERSION ||
           rc == BGT_E_CHECKSUM || rc == BGT_E_CORRUPT;
}

/* Put `torn` where the registry lives and start a process: it must report a decode error and load
 * nothing, or load exactly the old or exactly the new registry. */
static void check_torn(const unsigned char *torn, size_t len, const char *what, size_t iter)
{
    bgt_registry *r;
    int rc;
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    fake_set_committed(&H.f, torn, len);
    rc = bgt_process_start(H.c, 0);
    if (rc != BGT_OK) {
        cr_assert(is_decode_error(rc), "%s %zu: %s", what, iter, bgt_strerror(rc));
        cr_assert_eq(bgt_task_count(H.c), 0, "%s %zu: never half-loaded", what, iter);
        cr_assert_eq(bgt_process_start(H.c, BGT_START_DISCARD_CORRUPT), BGT_OK);
        cr_assert_eq(bgt_task_count(H.c), 0);
        return;
    }
    r = restarted();
    cr_assert(bgt_registry_equal(r, new_reg) || bgt_registry_equal(r, old_reg), "%s %zu", what, iter);
    bgt_registry_free(r);
}

Test(crash, every_single_bit_flip_is_detected)
{
    unsigned char *t = malloc(new_len);
    size_t bit;
    for (bit = 0; bit < new_len * 8; bit++) {
        bgt_registry *out = NULL;
        memcpy(t, new_blob, new_len);
        t[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        cr_assert(is_decode_error(bgt_registry_decode(t, new_len, &out)), "bit %zu", bit);
        cr_assert_null(out);
    }
    free(t);
}

Test(crash, torn_writes_yield_old_new_or_a_reported_error)
{
    unsigned char *t = malloc(new_len + 64), *old_blob;
    size_t old_len, iter;
    encode(old_reg, &old_blob, &old_len);
    for (iter = 0; iter < 400; iter++) {
        size_t len = new_len, at = rng() % new_len, n = 1 + rng() % 8, i;
        memcpy(t, new_blob, new_len);
        switch (iter % 4) {
        case 0: /* garbage bytes in a block that was never written properly */
            for (i = at; i < at + n && i < len; i++)
                t[i] = (unsigned char)rng();
            check_torn(t, len, "garbage", iter);
            break;
        case 1: /* a block lost: later bytes shifted down */
            n = n < len - at ? n : len - at;
            memmove(t + at, t + at + n, len - at - n);
            check_torn(t, len - n, "missing", iter);
            break;
        case 2: /* a block left zero (sector allocated but not written) */
            memset(t + at, 0, n < len - at ? n : len - at);
            check_torn(t, len, "zeroed", iter);
            break;
        default: /* written in place over the old file and torn: new prefix, old suffix */
            memcpy(t, new_blob, at);
            if (old_len > at)
                memcpy(t + at, old_blob + at, old_len - at);
            check_torn(t, at > old_len ? at : old_len, "in-place", iter);
            break;
        }
    }
    free(old_blob);
    free(t);
}
