/* bgt_registry.c: ordered name -> options map and its versioned, checksummed encoding.
 *
 * A flat array in registration order, indexed by name (open addressing), and its encoding kept
 * up to date as entries are added or changed: every registration saves the whole registry, so
 * looking names up by scanning and encoding and checksumming every entry on each save made
 * registering n tasks cost O(n^2) (22 % of a day with 1,000 tasks, issue 24). Appending an entry
 * or changing its options now patches the kept bytes and updates their CRC in place (see
 * "checksum" below); a removal, a clear or a decode only marks them stale, and the next
 * bgt_registry_bytes() writes them again from the entries. Either way the bytes are exactly what
 * encoding from scratch gives (tests/core/test_registry.c compares the two after random edits). */
#include "bgt_registry.h"

#include <stdlib.h>
#include <string.h>

static const unsigned char MAGIC[4] = { 'B', 'G', 'T', 'R' };

struct entry {
    char *name;
    size_t len;   /* strlen(name) */
    size_t off;   /* offset of its record in `enc`, valid while !stale */
    bgt_task_options opts;
};

struct bgt_registry {
    struct entry *v;
    size_t n, cap;
    /* Index of v by name: open addressing with linear probing over `nslots` (0 or a power of two,
     * at least twice n); a slot holds a v index + 1, 0 when empty. */
    size_t *slots;
    size_t nslots;
    /* The encoding of the entries (enc_len bytes, CRC included) unless `stale`. */
    unsigned char *enc;
    size_t enc_len, enc_cap;
    bool stale;
    /* While stale: enc's first kept_len bytes are still a whole encoding whose CRC field is right
     * for its bytes (the registry's own when it went stale, or the bytes bgt_registry_decode_into
     * checked last); 0: none. Nothing writes enc while stale but refresh, which ends it. */
    size_t kept_len;
};

static int enc_append(bgt_registry *r, struct entry *e);
static void enc_set_opts(bgt_registry *r, const struct entry *e);

/* The kept bytes stop being the entries' encoding; they stay a whole, checksummed one (enc_append
 * fails before writing a byte). */
static void go_stale(bgt_registry *r)
{
    if (!r->stale)
        r->kept_len = r->enc_len;
    r->stale = true;
}

/* ---- name index ------------------------------------------------------------------------------ */

uint32_t bgt_registry_hash(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a: any hash works; this one is short */
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return h;
}

/* The slot holding `name`, or the empty slot where it would go (nslots > 0, load <= 1/2). */
static size_t find_slot(const bgt_registry *r, const char *name)
{
    size_t mask = r->nslots - 1, i = bgt_registry_hash(name) & mask;
    while (r->slots[i] != 0 && strcmp(r->v[r->slots[i] - 1].name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Every entry into an emptied index. */
static void reindex(bgt_registry *r)
{
    size_t i;
    if (r->nslots == 0)
        return;
    memset(r->slots, 0, r->nslots * sizeof *r->slots);
    for (i = 0; i < r->n; i++)
        r->slots[find_slot(r, r->v[i].name)] = i + 1;
}

/* Room in the index for `want` entries (load factor at most 1/2). */
static int reserve_index(bgt_registry *r, size_t want)
{
    size_t n = r->nslots ? r->nslots : 16, *grown;
    if (2 * want <= r->nslots)
        return BGT_OK;
    while (n < 2 * want)
        n *= 2;
    if (!(grown = calloc(n, sizeof *grown)))
        return BGT_E_NOMEM;
    free(r->slots);
    r->slots = grown;
    r->nslots = n;
    reindex(r);
    return BGT_OK;
}

int bgt_registry_new(bgt_registry **out)
{
    bgt_registry *r;
    if (!out)
        return BGT_E_INVAL;
    if (!(r = calloc(1, sizeof *r)))
        return BGT_E_NOMEM;
    r->stale = true;
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
    reindex(r);
    go_stale(r);
}

void bgt_registry_free(bgt_registry *r)
{
    if (!r)
        return;
    bgt_registry_clear(r);
    free(r->v);
    free(r->slots);
    free(r->enc);
    free(r);
}

size_t bgt_registry_count(const bgt_registry *r) { return r ? r->n : 0; }

long bgt_registry_find(const bgt_registry *r, const char *name)
{
    size_t i;
    if (!r || !name || r->nslots == 0)
        return -1;
    i = find_slot(r, name);
    return r->slots[i] ? (long)(r->slots[i] - 1) : -1;
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

/* Adds an entry for a name not in r. */
static int append(bgt_registry *r, const char *name, size_t len, const bgt_task_options *opts)
{
    struct entry *e;
    int rc;
    if ((rc = reserve_index(r, r->n + 1)) != BGT_OK)
        return rc;
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 4;
        struct entry *nv = realloc(r->v, ncap * sizeof *nv);
        if (!nv)
            return BGT_E_NOMEM;
        r->v = nv;
        r->cap = ncap;
    }
    e = &r->v[r->n];
    if ((rc = dup_name(name, len, &e->name)) != BGT_OK)
        return rc;
    e->len = len;
    e->opts = norm_opts(opts);
    r->n++;
    r->slots[find_slot(r, e->name)] = r->n;
    /* Without room for the bytes, write them all at the next bgt_registry_bytes() instead. */
    if (!r->stale && enc_append(r, e) != BGT_OK)
        go_stale(r);
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
        if (!r->stale)
            enc_set_opts(r, &r->v[at]);
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
    reindex(r); /* the entries after it moved down */
    go_stale(r);
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
        if ((rc = append(c, r->v[i].name, r->v[i].len, &r->v[i].opts)) != BGT_OK)
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
 * CRC-32 (IEEE) by table, and the algebra that lets a save update the CRC of the kept bytes
 * instead of reading them all again. The CRC register is linear over GF(2): for messages of equal
 * length, crc(M xor D) = crc(M) xor raw(D), where raw is the table loop started at 0 without the
 * final complement; and feeding t zero bytes to a register multiplies it by x^(8t) modulo the
 * polynomial. So changing k bytes that are followed by t bytes changes the CRC by
 * raw(old xor new) * x^(8t), which costs O(log t), whatever the length of the message. The
 * multiplication and x^(2^k) come from zlib's crc32.c (multmodp, x2nmodp, x2n_table; zlib 1.2.12,
 * Mark Adler), which combines CRCs the same way. */
/* crc_table[n]: the CRC of the byte n alone (8 shift-and-xor steps of the reflected polynomial
 * 0xEDB88320), written out so that the table is constant and shared by threads without set-up.
 * Byte-at-a-time with it gives the same value as the bitwise loop and costs about an eighth of
 * its instructions (the full CRC still runs at every decode and after a removal or clear; a
 * registration only patches it, see above). Generated by: c = n; 8 times c = (c >> 1) ^ (c & 1 ? 0xEDB88320 : 0). */
static const uint32_t crc_table[256] = {
    0x00000000u, 0x77073096u, 0xEE0E612Cu, 0x990951BAu, 0x076DC419u, 0x706AF48Fu,
    0xE963A535u, 0x9E6495A3u, 0x0EDB8832u, 0x79DCB8A4u, 0xE0D5E91Eu, 0x97D2D988u,
    0x09B64C2Bu, 0x7EB17CBDu, 0xE7B82D07u, 0x90BF1D91u, 0x1DB71064u, 0x6AB020F2u,
    0xF3B97148u, 0x84BE41DEu, 0x1ADAD47Du, 0x6DDDE4EBu, 0xF4D4B551u, 0x83D385C7u,
    0x136C9856u, 0x646BA8C0u, 0xFD62F97Au, 0x8A65C9ECu, 0x14015C4Fu, 0x63066CD9u,
    0xFA0F3D63u, 0x8D080DF5u, 0x3B6E20C8u, 0x4C69105Eu, 0xD56041E4u, 0xA2677172u,
    0x3C03E4D1u, 0x4B04D447u, 0xD20D85FDu, 0xA50AB56Bu, 0x35B5A8FAu, 0x42B2986Cu,
    0xDBBBC9D6u, 0xACBCF940u, 0x32D86CE3u, 0x45DF5C75u, 0xDCD60DCFu, 0xABD13D59u,
    0x26D930ACu, 0x51DE003Au, 0xC8D75180u, 0xBFD06116u, 0x21B4F4B5u, 0x56B3C423u,
    0xCFBA9599u, 0xB8BDA50Fu, 0x2802B89Eu, 0x5F058808u, 0xC60CD9B2u, 0xB10BE924u,
    0x2F6F7C87u, 0x58684C11u, 0xC1611DABu, 0xB6662D3Du, 0x76DC4190u, 0x01DB7106u,
    0x98D220BCu, 0xEFD5102Au, 0x71B18589u, 0x06B6B51Fu, 0x9FBFE4A5u, 0xE8B8D433u,
    0x7807C9A2u, 0x0F00F934u, 0x9609A88Eu, 0xE10E9818u, 0x7F6A0DBBu, 0x086D3D2Du,
    0x91646C97u, 0xE6635C01u, 0x6B6B51F4u, 0x1C6C6162u, 0x856530D8u, 0xF262004Eu,
    0x6C0695EDu, 0x1B01A57Bu, 0x8208F4C1u, 0xF50FC457u, 0x65B0D9C6u, 0x12B7E950u,
    0x8BBEB8EAu, 0xFCB9887Cu, 0x62DD1DDFu, 0x15DA2D49u, 0x8CD37CF3u, 0xFBD44C65u,
    0x4DB26158u, 0x3AB551CEu, 0xA3BC0074u, 0xD4BB30E2u, 0x4ADFA541u, 0x3DD895D7u,
    0xA4D1C46Du, 0xD3D6F4FBu, 0x4369E96Au, 0x346ED9FCu, 0xAD678846u, 0xDA60B8D0u,
    0x44042D73u, 0x33031DE5u, 0xAA0A4C5Fu, 0xDD0D7CC9u, 0x5005713Cu, 0x270241AAu,
    0xBE0B1010u, 0xC90C2086u, 0x5768B525u, 0x206F85B3u, 0xB966D409u, 0xCE61E49Fu,
    0x5EDEF90Eu, 0x29D9C998u, 0xB0D09822u, 0xC7D7A8B4u, 0x59B33D17u, 0x2EB40D81u,
    0xB7BD5C3Bu, 0xC0BA6CADu, 0xEDB88320u, 0x9ABFB3B6u, 0x03B6E20Cu, 0x74B1D29Au,
    0xEAD54739u, 0x9DD277AFu, 0x04DB2615u, 0x73DC1683u, 0xE3630B12u, 0x94643B84u,
    0x0D6D6A3Eu, 0x7A6A5AA8u, 0xE40ECF0Bu, 0x9309FF9Du, 0x0A00AE27u, 0x7D079EB1u,
    0xF00F9344u, 0x8708A3D2u, 0x1E01F268u, 0x6906C2FEu, 0xF762575Du, 0x806567CBu,
    0x196C3671u, 0x6E6B06E7u, 0xFED41B76u, 0x89D32BE0u, 0x10DA7A5Au, 0x67DD4ACCu,
    0xF9B9DF6Fu, 0x8EBEEFF9u, 0x17B7BE43u, 0x60B08ED5u, 0xD6D6A3E8u, 0xA1D1937Eu,
    0x38D8C2C4u, 0x4FDFF252u, 0xD1BB67F1u, 0xA6BC5767u, 0x3FB506DDu, 0x48B2364Bu,
    0xD80D2BDAu, 0xAF0A1B4Cu, 0x36034AF6u, 0x41047A60u, 0xDF60EFC3u, 0xA867DF55u,
    0x316E8EEFu, 0x4669BE79u, 0xCB61B38Cu, 0xBC66831Au, 0x256FD2A0u, 0x5268E236u,
    0xCC0C7795u, 0xBB0B4703u, 0x220216B9u, 0x5505262Fu, 0xC5BA3BBEu, 0xB2BD0B28u,
    0x2BB45A92u, 0x5CB36A04u, 0xC2D7FFA7u, 0xB5D0CF31u, 0x2CD99E8Bu, 0x5BDEAE1Du,
    0x9B64C2B0u, 0xEC63F226u, 0x756AA39Cu, 0x026D930Au, 0x9C0906A9u, 0xEB0E363Fu,
    0x72076785u, 0x05005713u, 0x95BF4A82u, 0xE2B87A14u, 0x7BB12BAEu, 0x0CB61B38u,
    0x92D28E9Bu, 0xE5D5BE0Du, 0x7CDCEFB7u, 0x0BDBDF21u, 0x86D3D2D4u, 0xF1D4E242u,
    0x68DDB3F8u, 0x1FDA836Eu, 0x81BE16CDu, 0xF6B9265Bu, 0x6FB077E1u, 0x18B74777u,
    0x88085AE6u, 0xFF0F6A70u, 0x66063BCAu, 0x11010B5Cu, 0x8F659EFFu, 0xF862AE69u,
    0x616BFFD3u, 0x166CCF45u, 0xA00AE278u, 0xD70DD2EEu, 0x4E048354u, 0x3903B3C2u,
    0xA7672661u, 0xD06016F7u, 0x4969474Du, 0x3E6E77DBu, 0xAED16A4Au, 0xD9D65ADCu,
    0x40DF0B66u, 0x37D83BF0u, 0xA9BCAE53u, 0xDEBB9EC5u, 0x47B2CF7Fu, 0x30B5FFE9u,
    0xBDBDF21Cu, 0xCABAC28Au, 0x53B39330u, 0x24B4A3A6u, 0xBAD03605u, 0xCDD70693u,
    0x54DE5729u, 0x23D967BFu, 0xB3667A2Eu, 0xC4614AB8u, 0x5D681B02u, 0x2A6F2B94u,
    0xB40BBE37u, 0xC30C8EA1u, 0x5A05DF1Bu, 0x2D02EF8Du
};

/* The table loop alone: no complement before or after, so it is linear in (c, data). */
static uint32_t crc_raw(uint32_t c, const unsigned char *p, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        c = (c >> 8) ^ crc_table[(c ^ p[i]) & 0xFFu];
    return c;
}

uint32_t bgt_crc32(uint32_t crc, const void *data, size_t len)
{
    return ~crc_raw(~crc, data, len);
}

#define CRC_POLY 0xEDB88320u /* reflected: bit 31 is x^0 */

/* a * b modulo the polynomial (reflected representation, as zlib's multmodp). */
static uint32_t multmodp(uint32_t a, uint32_t b)
{
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0)
                break;
        }
        m >>= 1;
        b = b & 1 ? (b >> 1) ^ CRC_POLY : b >> 1;
    }
    return p;
}

/* x2n_table[k] = x^(2^k) modulo the polynomial; x^(2^32) = x^(2^0), so k is taken modulo 32.
 * Generated by: p = x (0x40000000); 32 times: write p, p = multmodp(p, p). zlib has the same. */
static const uint32_t x2n_table[32] = {
    0x40000000u, 0x20000000u, 0x08000000u, 0x00800000u, 0x00008000u, 0xEDB88320u,
    0xB1E6B092u, 0xA06A2517u, 0xED627DAEu, 0x88D14467u, 0xD7BBFE6Au, 0xEC447F11u,
    0x8E7EA170u, 0x6427800Eu, 0x4D47BAE0u, 0x09FE548Fu, 0x83852D0Fu, 0x30362F1Au,
    0x7B5A9CC3u, 0x31FEC169u, 0x9FEC022Au, 0x6C8DEDC4u, 0x15D6874Du, 0x5FDE7A4Eu,
    0xBAD90E37u, 0x2E4E5EEFu, 0x4EABA214u, 0xA8A472C0u, 0x429A969Eu, 0x148D302Au,
    0xC40BA6D0u, 0xC4E22C3Cu
};

/* The raw register c after t more zero bytes: c * x^(8t) (zlib's x2nmodp(t, 3) times c). */
static uint32_t crc_zeros(uint32_t c, size_t t)
{
    uint32_t p = 1u << 31; /* x^0 */
    unsigned k = 3;        /* one byte is x^(2^3) */
    for (; t; t >>= 1, k++)
        if (t & 1)
            p = multmodp(x2n_table[k & 31], p);
    return multmodp(p, c);
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
#define CRC_AT 12                /* the CRC field, [12, 16): the checksum covers the rest */

/* Where the CRC field stores the value and `enc` the count and the payload's length. */
#define COUNT_AT BGT_REGISTRY_HEADER_SIZE
#define LENGTH_AT 8

static size_t record_size(const struct entry *e) { return ENTRY_FIXED + e->len; }

/* The 9 option bytes of a record: has_minimum_interval, then the interval. */
static void write_opts(unsigned char *p, const bgt_task_options *o)
{
    p[0] = o->has_minimum_interval ? 1 : 0;
    put_le(p + 1, (uint64_t)o->minimum_interval_min, 8);
}

static void write_record(unsigned char *p, const struct entry *e)
{
    put_le(p, e->len, 2);
    memcpy(p + 2, e->name, e->len);
    write_opts(p + 2 + e->len, &e->opts);
}

/* Total encoded size of r's entries; BGT_E_RANGE when the payload does not fit its u32 field. */
static int encoded_size(const bgt_registry *r, size_t *total)
{
    size_t i, payload = 4;
    for (i = 0; i < r->n; i++)
        payload += record_size(&r->v[i]);
    if (payload > UINT32_MAX)
        return BGT_E_RANGE;
    *total = BGT_REGISTRY_HEADER_SIZE + payload;
    return BGT_OK;
}

/* The whole encoding of r into buf (`total` bytes, from encoded_size). */
static void write_all(const bgt_registry *r, unsigned char *buf, size_t total)
{
    size_t i, off = COUNT_AT + 4;
    uint32_t crc;
    memcpy(buf, MAGIC, 4);
    put_le(buf + 4, BGT_REGISTRY_FORMAT_VERSION, 2);
    put_le(buf + 6, 0, 2);
    put_le(buf + LENGTH_AT, total - BGT_REGISTRY_HEADER_SIZE, 4);
    put_le(buf + COUNT_AT, r->n, 4);
    for (i = 0; i < r->n; i++) {
        write_record(buf + off, &r->v[i]);
        off += record_size(&r->v[i]);
    }
    crc = bgt_crc32(0, buf, CRC_AT);
    crc = bgt_crc32(crc, buf + BGT_REGISTRY_HEADER_SIZE, total - BGT_REGISTRY_HEADER_SIZE);
    put_le(buf + CRC_AT, crc, 4);
}

/* Room in `enc` for `need` bytes (doubling). */
static int reserve_enc(bgt_registry *r, size_t need)
{
    size_t cap = r->enc_cap ? r->enc_cap : 64;
    unsigned char *grown;
    if (need <= r->enc_cap)
        return BGT_OK;
    while (cap < need)
        cap *= 2;
    if (!(grown = realloc(r->enc, cap)))
        return BGT_E_NOMEM;
    r->enc = grown;
    r->enc_cap = cap;
    return BGT_OK;
}

/* Writes `enc` from the entries and notes each record's offset. */
static int refresh(bgt_registry *r)
{
    size_t total = 0, i, off = COUNT_AT + 4;
    int rc;
    if ((rc = encoded_size(r, &total)) != BGT_OK || (rc = reserve_enc(r, total)) != BGT_OK)
        return rc;
    write_all(r, r->enc, total);
    for (i = 0; i < r->n; i++) {
        r->v[i].off = off;
        off += record_size(&r->v[i]);
    }
    r->enc_len = total;
    r->stale = false;
    return BGT_OK;
}

/* The checksummed message is enc without its CRC field: a byte at enc offset `at` (not in the
 * field) is at this message offset. */
static size_t msg_offset(size_t at) { return at < CRC_AT ? at : at - 4; }

/* Update the CRC for the message bytes at message offset `at` (k <= 9 of them) changing by
 * `diff` (old xor new; see "checksum"). */
static void crc_change(bgt_registry *r, size_t at, const unsigned char *diff, size_t k)
{
    size_t after = (r->enc_len - 4) - at - k;
    uint32_t crc = (uint32_t)get_le(r->enc + CRC_AT, 4);
    put_le(r->enc + CRC_AT, crc ^ crc_zeros(crc_raw(0, diff, k), after), 4);
}

/* Replace the k bytes of `enc` at `at` (k <= 9, after the CRC field) by `now`, CRC updated. */
static void patch(bgt_registry *r, size_t at, const unsigned char *now, size_t k)
{
    unsigned char diff[9];
    size_t i;
    for (i = 0; i < k; i++)
        diff[i] = r->enc[at + i] ^ now[i];
    crc_change(r, msg_offset(at), diff, k);
    memcpy(r->enc + at, now, k);
}

/* `enc` (up to date but for the entry `e` just appended as the n-th) gets its record. */
static int enc_append(bgt_registry *r, struct entry *e)
{
    size_t rec = record_size(e), payload = r->enc_len - BGT_REGISTRY_HEADER_SIZE + rec, i;
    unsigned char now[8], diff[8];
    uint32_t crc;
    int rc;
    if (payload > UINT32_MAX)
        return BGT_E_RANGE;
    if ((rc = reserve_enc(r, r->enc_len + rec)) != BGT_OK)
        return rc;
    /* The length field [8, 12) and the count [16, 20) are adjacent in the checksummed message
     * (it skips the CRC field), so one change of 8 message bytes covers both. */
    put_le(now, payload, 4);
    put_le(now + 4, r->n, 4);
    for (i = 0; i < 4; i++) {
        diff[i] = r->enc[LENGTH_AT + i] ^ now[i];
        diff[4 + i] = r->enc[COUNT_AT + i] ^ now[4 + i];
    }
    crc_change(r, msg_offset(LENGTH_AT), diff, 8);
    memcpy(r->enc + LENGTH_AT, now, 4);
    memcpy(r->enc + COUNT_AT, now + 4, 4);
    /* the record is new bytes at the end: the CRC simply continues over them */
    e->off = r->enc_len;
    write_record(r->enc + e->off, e);
    crc = bgt_crc32((uint32_t)get_le(r->enc + CRC_AT, 4), r->enc + e->off, rec);
    put_le(r->enc + CRC_AT, crc, 4);
    r->enc_len += rec;
    return BGT_OK;
}

/* `enc` (up to date but for e's options, just changed in place) gets e's option bytes. */
static void enc_set_opts(bgt_registry *r, const struct entry *e)
{
    unsigned char now[9];
    write_opts(now, &e->opts);
    patch(r, e->off + 2 + e->len, now, sizeof now);
}

int bgt_registry_bytes(bgt_registry *r, const unsigned char **buf, size_t *len)
{
    int rc;
    if (!r || !buf || !len)
        return BGT_E_INVAL;
    if (r->stale && (rc = refresh(r)) != BGT_OK)
        return rc;
    *buf = r->enc;
    *len = r->enc_len;
    return BGT_OK;
}

int bgt_registry_encode(const bgt_registry *r, unsigned char **out, size_t *out_len)
{
    size_t total = 0;
    unsigned char *buf;
    int rc;
    if (!r || !out || !out_len)
        return BGT_E_INVAL;
    if (!r->stale)
        total = r->enc_len;
    else if ((rc = encoded_size(r, &total)) != BGT_OK)
        return rc;
    if (!(buf = malloc(total)))
        return BGT_E_NOMEM;
    if (!r->stale)
        memcpy(buf, r->enc, total);
    else
        write_all(r, buf, total);
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

/* The header's checks, in bgt_registry_decode's order; the CRC's only with `crc_check`.
 * *payload_out: the payload's length. */
static int check_header(const unsigned char *buf, size_t len, bool crc_check, uint64_t *payload_out)
{
    uint64_t payload;
    uint32_t crc;
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
    if (crc_check) {
        crc = bgt_crc32(0, buf, 12);
        crc = bgt_crc32(crc, buf + BGT_REGISTRY_HEADER_SIZE, (size_t)payload);
        if (crc != (uint32_t)get_le(buf + 12, 4))
            return BGT_E_CHECKSUM;
    }
    if (get_le(buf + 6, 2) != 0)
        return BGT_E_CORRUPT;
    *payload_out = payload;
    return BGT_OK;
}

int bgt_registry_decode(const unsigned char *buf, size_t len, bgt_registry **out)
{
    bgt_registry *r;
    uint64_t payload;
    int rc;
    if ((!buf && len) || !out)
        return BGT_E_INVAL;
    if ((rc = check_header(buf, len, true, &payload)) != BGT_OK)
        return rc;
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

int bgt_registry_decode_into(const unsigned char *buf, size_t len, bgt_registry *r)
{
    uint64_t payload;
    bool known;
    int rc;
    if ((!buf && len) || !r || r->n != 0)
        return BGT_E_INVAL;
    go_stale(r); /* as a new registry's: the entries decoded leave enc alone */
    /* The bytes kept have a right CRC: the same bytes pass its check. */
    known = len > 0 && len == r->kept_len && memcmp(buf, r->enc, len) == 0;
    if ((rc = check_header(buf, len, !known, &payload)) != BGT_OK)
        return rc;
    if ((rc = decode_payload(buf + BGT_REGISTRY_HEADER_SIZE, (size_t)payload, r)) != BGT_OK) {
        bgt_registry_clear(r);
        return rc;
    }
    /* Kept for the next decode (no room: none kept; the decode stands). */
    if (!known && len > 0) { /* (so buf is set: see the first test) */
        r->kept_len = 0;
        if (reserve_enc(r, len) == BGT_OK) {
            memcpy(r->enc, buf, len);
            r->kept_len = len;
        }
    }
    return BGT_OK;
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
