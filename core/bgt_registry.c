/* bgt_registry.c: ordered name -> options map and its versioned, checksummed encoding.
 *
 * A flat array with linear search: an app registers a handful of tasks (expo runs all of them in
 * one worker, E1.2/E4.4), so a hash table would add code without saving measurable time. */
#include "bgt_registry.h"

#include <stdlib.h>
#include <string.h>

static const unsigned char MAGIC[4] = { 'B', 'G', 'T', 'R' };

struct entry {
    char *name;
    bgt_task_options opts;
};

struct bgt_registry {
    struct entry *v;
    size_t n, cap;
};

int bgt_registry_new(bgt_registry **out)
{
    bgt_registry *r;
    if (!out)
        return BGT_E_INVAL;
    if (!(r = calloc(1, sizeof *r)))
        return BGT_E_NOMEM;
    *out = r;
    return BGT_OK;
}

void bgt_registry_clear(bgt_registry *r)
{
    size_t i;
    if (!r)
        return;
    for (i = 0; i < r->n; i++)
        free(r->v[i].name);
    r->n = 0;
}

void bgt_registry_free(bgt_registry *r)
{
    if (!r)
        return;
    bgt_registry_clear(r);
    free(r->v);
    free(r);
}

size_t bgt_registry_count(const bgt_registry *r) { return r ? r->n : 0; }

long bgt_registry_find(const bgt_registry *r, const char *name)
{
    size_t i;
    for (i = 0; r && name && i < r->n; i++)
        if (strcmp(r->v[i].name, name) == 0)
            return (long)i;
    return -1;
}

int bgt_registry_get(const bgt_registry *r, size_t i, const char **name, bgt_task_options *opts)
{
    if (!r)
        return BGT_E_INVAL;
    if (i >= r->n)
        return BGT_E_RANGE;
    if (name)
        *name = r->v[i].name;
    if (opts)
        *opts = r->v[i].opts;
    return BGT_OK;
}

static bool valid_opts(const bgt_task_options *o)
{
    return !o->has_minimum_interval ||
           (o->minimum_interval_min >= 0 && o->minimum_interval_min <= BGT_INTERVAL_MAX_MIN);
}

/* Normalized so that equal registries encode to equal bytes. */
static bgt_task_options norm_opts(const bgt_task_options *o)
{
    bgt_task_options n = { false, 0 };
    if (o && o->has_minimum_interval) {
        n.has_minimum_interval = true;
        n.minimum_interval_min = o->minimum_interval_min;
    }
    return n;
}

static int dup_name(const char *name, size_t len, char **out)
{
    char *s = malloc(len + 1);
    if (!s)
        return BGT_E_NOMEM;
    memcpy(s, name, len);
    s[len] = '\0';
    *out = s;
    return BGT_OK;
}

static int append(bgt_registry *r, const char *name, size_t len, const bgt_task_options *opts)
{
    int rc;
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 4;
        struct entry *nv = realloc(r->v, ncap * sizeof *nv);
        if (!nv)
            return BGT_E_NOMEM;
        r->v = nv;
        r->cap = ncap;
    }
    if ((rc = dup_name(name, len, &r->v[r->n].name)) != BGT_OK)
        return rc;
    r->v[r->n].opts = norm_opts(opts);
    r->n++;
    return BGT_OK;
}

/* Length up to BGT_NAME_MAX + 1: an over-long name is never read further than that. */
static size_t bounded_len(const char *s)
{
    size_t n = 0;
    while (n <= BGT_NAME_MAX && s[n])
        n++;
    return n;
}

bool bgt_registry_valid_name(const char *name)
{
    size_t n = name ? bounded_len(name) : 0;
    return n > 0 && n <= BGT_NAME_MAX;
}

int bgt_registry_put(bgt_registry *r, const char *name, const bgt_task_options *opts)
{
    long at;
    if (!r || !bgt_registry_valid_name(name) || (opts && !valid_opts(opts)))
        return BGT_E_INVAL;
    if ((at = bgt_registry_find(r, name)) >= 0) {
        /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): found means n > 0, so v is set */
        r->v[at].opts = norm_opts(opts);
        return BGT_OK;
    }
    return append(r, name, strlen(name), opts);
}

int bgt_registry_remove(bgt_registry *r, const char *name)
{
    long at = bgt_registry_find(r, name);
    if (at < 0)
        return BGT_E_NOT_FOUND;
    /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): found means n > 0, so v is set */
    free(r->v[at].name);
    memmove(&r->v[at], &r->v[at + 1], (r->n - (size_t)at - 1) * sizeof r->v[0]);
    r->n--;
    return BGT_OK;
}

int bgt_registry_copy(const bgt_registry *r, bgt_registry **out)
{
    bgt_registry *c;
    size_t i;
    int rc;
    if (!r || !out)
        return BGT_E_INVAL;
    if ((rc = bgt_registry_new(&c)) != BGT_OK)
        return rc;
    for (i = 0; i < r->n; i++) {
        if ((rc = append(c, r->v[i].name, strlen(r->v[i].name), &r->v[i].opts)) != BGT_OK)
            goto out_free_copy;
    }
    *out = c;
    return BGT_OK;
out_free_copy:
    bgt_registry_free(c);
    return rc;
}

bool bgt_registry_equal(const bgt_registry *a, const bgt_registry *b)
{
    size_t i;
    if (!a || !b || a->n != b->n)
        return false;
    for (i = 0; i < a->n; i++) {
        const bgt_task_options *x = &a->v[i].opts, *y = &b->v[i].opts;
        if (strcmp(a->v[i].name, b->v[i].name) != 0 ||
            x->has_minimum_interval != y->has_minimum_interval ||
            x->minimum_interval_min != y->minimum_interval_min)
            return false;
    }
    return true;
}

/* ---- checksum --------------------------------------------------------------------------------
 * Bitwise CRC-32: the registry is a few hundred bytes written on register/unregister only, so a
 * 1 KiB table would buy nothing and would be one more thing to get wrong. */
uint32_t bgt_crc32(uint32_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i;
    int k;
    crc = ~crc;
    for (i = 0; i < len; i++) {
        crc ^= p[i];
        for (k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* ---- little-endian codec --------------------------------------------------------------------- */

static void put_le(unsigned char *p, uint64_t v, int nbytes)
{
    int i;
    for (i = 0; i < nbytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int nbytes)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < nbytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

#define ENTRY_FIXED (2 + 1 + 8) /* name length, has_interval, interval */

int bgt_registry_encode(const bgt_registry *r, unsigned char **out, size_t *out_len)
{
    size_t i, payload = 4, total, off;
    unsigned char *buf;
    uint32_t crc;
    if (!r || !out || !out_len)
        return BGT_E_INVAL;
    for (i = 0; i < r->n; i++)
        payload += ENTRY_FIXED + strlen(r->v[i].name);
    if (payload > UINT32_MAX)
        return BGT_E_RANGE;
    total = BGT_REGISTRY_HEADER_SIZE + payload;
    if (!(buf = malloc(total)))
        return BGT_E_NOMEM;
    memcpy(buf, MAGIC, 4);
    put_le(buf + 4, BGT_REGISTRY_FORMAT_VERSION, 2);
    put_le(buf + 6, 0, 2);
    put_le(buf + 8, payload, 4);
    off = BGT_REGISTRY_HEADER_SIZE;
    put_le(buf + off, r->n, 4);
    off += 4;
    for (i = 0; i < r->n; i++) {
        size_t len = strlen(r->v[i].name);
        put_le(buf + off, len, 2);
        memcpy(buf + off + 2, r->v[i].name, len);
        off += 2 + len;
        buf[off] = r->v[i].opts.has_minimum_interval ? 1 : 0;
        put_le(buf + off + 1, (uint64_t)r->v[i].opts.minimum_interval_min, 8);
        off += 9;
    }
    crc = bgt_crc32(0, buf, 12);
    crc = bgt_crc32(crc, buf + BGT_REGISTRY_HEADER_SIZE, payload);
    put_le(buf + 12, crc, 4);
    *out = buf;
    *out_len = total;
    return BGT_OK;
}

/* Parse the payload into r; any structural problem is BGT_E_CORRUPT. */
static int decode_payload(const unsigned char *p, size_t len, bgt_registry *r)
{
    char name[BGT_NAME_MAX + 1]; /* names are not NUL-terminated in the blob */
    size_t off = 4, i, count;
    int rc;
    if (len < 4)
        return BGT_E_CORRUPT;
    count = (size_t)get_le(p, 4);
    for (i = 0; i < count; i++) {
        size_t nlen;
        bgt_task_options o;
        if (len - off < 2)
            return BGT_E_CORRUPT;
        nlen = (size_t)get_le(p + off, 2);
        off += 2;
        if (nlen == 0 || nlen > BGT_NAME_MAX || len - off < nlen + 9 || memchr(p + off, '\0', nlen))
            return BGT_E_CORRUPT;
        memcpy(name, p + off, nlen);
        name[nlen] = '\0';
        off += nlen;
        if (p[off] > 1)
            return BGT_E_CORRUPT;
        o.has_minimum_interval = p[off] == 1;
        o.minimum_interval_min = (int64_t)get_le(p + off + 1, 8);
        off += 9;
        /* encode never writes these, so they can only come from damage the CRC missed */
        if (!valid_opts(&o) || (!o.has_minimum_interval && o.minimum_interval_min != 0) ||
            bgt_registry_find(r, name) >= 0)
            return BGT_E_CORRUPT;
        if ((rc = append(r, name, nlen, &o)) != BGT_OK)
            return rc;
    }
    return off == len ? BGT_OK : BGT_E_CORRUPT;
}

int bgt_registry_decode(const unsigned char *buf, size_t len, bgt_registry **out)
{
    bgt_registry *r;
    uint64_t payload;
    uint32_t crc;
    int rc;
    if ((!buf && len) || !out)
        return BGT_E_INVAL;
    if (len < 4)
        return len == 0 || memcmp(buf, MAGIC, len) == 0 ? BGT_E_TRUNCATED : BGT_E_BAD_MAGIC;
    if (memcmp(buf, MAGIC, 4) != 0)
        return BGT_E_BAD_MAGIC;
    if (len < BGT_REGISTRY_HEADER_SIZE)
        return BGT_E_TRUNCATED;
    if (get_le(buf + 4, 2) != BGT_REGISTRY_FORMAT_VERSION)
        return BGT_E_VERSION;
    payload = get_le(buf + 8, 4);
    if (payload > len - BGT_REGISTRY_HEADER_SIZE)
        return BGT_E_TRUNCATED;
    if (payload < len - BGT_REGISTRY_HEADER_SIZE)
        return BGT_E_CORRUPT; /* trailing bytes: the file is not what the header describes */
    crc = bgt_crc32(0, buf, 12);
    crc = bgt_crc32(crc, buf + BGT_REGISTRY_HEADER_SIZE, (size_t)payload);
    if (crc != (uint32_t)get_le(buf + 12, 4))
        return BGT_E_CHECKSUM;
    if (get_le(buf + 6, 2) != 0)
        return BGT_E_CORRUPT;
    if ((rc = bgt_registry_new(&r)) != BGT_OK)
        return rc;
    if ((rc = decode_payload(buf + BGT_REGISTRY_HEADER_SIZE, (size_t)payload, r)) != BGT_OK)
        goto out_free_registry;
    *out = r;
    return BGT_OK;
out_free_registry:
    bgt_registry_free(r);
    return rc;
}

/* ---- merging concurrent writers (bgt.h bgt_registry_merge) ---------------------------------- */

static bool same_entry(const bgt_registry *r, long at, const struct entry *e)
{
    const bgt_task_options *o = &r->v[at].opts;
    /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): `at` was found in r, so v is set */
    return o->has_minimum_interval == e->opts.has_minimum_interval &&
           o->minimum_interval_min == e->opts.minimum_interval_min;
}

/* Decodes `buf` into *out; no bytes (len 0) is an empty registry. */
static int decode_or_empty(const unsigned char *buf, size_t len, bgt_registry **out)
{
    return len == 0 ? bgt_registry_new(out) : bgt_registry_decode(buf, len, out);
}

int bgt_registry_merge(const unsigned char *base, size_t base_len, const unsigned char *mine, size_t mine_len,
                       const unsigned char *theirs, size_t theirs_len, unsigned char **out, size_t *out_len)
{
    bgt_registry *b = NULL, *m = NULL, *t = NULL;
    size_t i;
    int rc;
    if (!out || !out_len || (!mine && mine_len) || (!theirs && theirs_len) || (!base && base_len))
        return BGT_E_INVAL;
    if ((rc = decode_or_empty(mine, mine_len, &m)) != BGT_OK)
        return rc == BGT_E_NOMEM ? rc : BGT_E_INVAL; /* the caller's own bytes: never corrupt */
    if ((rc = decode_or_empty(theirs, theirs_len, &t)) != BGT_OK)
        goto out_free;
    /* A base that does not decode (the start discarded a corrupt file) knew nothing. */
    if (decode_or_empty(base, base_len, &b) != BGT_OK && (rc = bgt_registry_new(&b)) != BGT_OK)
        goto out_free;
    for (i = 0; i < b->n; i++) /* what this writer removed since its base */
        if (bgt_registry_find(m, b->v[i].name) < 0)
            (void)bgt_registry_remove(t, b->v[i].name);
    for (i = 0; i < m->n; i++) { /* what it added or changed since its base, in its order */
        long at = bgt_registry_find(b, m->v[i].name);
        if ((at < 0 || !same_entry(b, at, &m->v[i])) &&
            (rc = bgt_registry_put(t, m->v[i].name, &m->v[i].opts)) != BGT_OK)
            goto out_free;
    }
    rc = bgt_registry_encode(t, out, out_len);
out_free:
    bgt_registry_free(b);
    bgt_registry_free(m);
    bgt_registry_free(t);
    return rc;
}
