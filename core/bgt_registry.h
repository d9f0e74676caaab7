/* bgt_registry.h: the persistent task registry (name -> options), in memory and as bytes.
 *
 * This is what expo-task-manager keeps in SharedPreferences "TaskManagerModule" / NSUserDefaults
 * "EXTaskService" (docs/SOURCES.md E2.6, E3.3): an ordered map. Order is
 * registration order, because restore replays registrations in that order and the last one's
 * interval wins (E2.2, E10 on_process_start).
 *
 * Serialized form (all integers little-endian), version 1:
 *   0  magic    "BGTR"
 *   4  u16      format version (1)
 *   6  u16      flags, must be 0
 *   8  u32      payload length P
 *  12  u32      CRC-32 (IEEE, as zlib) of bytes [0,12) followed by the payload
 *  16  payload: u32 count, then per task: u16 name length N (1..BGT_NAME_MAX), N name bytes (no
 *      NUL), u8 has_minimum_interval (0/1), i64 minimum_interval_min (0 when absent)
 * The checksum covers the header so that a torn length field is caught too. Decoding is
 * all-or-nothing: it builds a fresh registry and hands it over only when every check passed.
 *
 * Internal to the core, and not installed: a backend stores the bytes the core hands it without
 * reading them (bgt_backend.h load/save), so neither the codec nor the CRC is a contract with a
 * backend or an embedding program; changing the format needs only a new format version here. The
 * core's tests and fuzzers include this header from the source tree. */
#ifndef BGT_REGISTRY_H
#define BGT_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgt.h" /* bgt_task_options, BGT_NAME_MAX, bgt_registry_valid_name */

#define BGT_REGISTRY_FORMAT_VERSION 1
#define BGT_REGISTRY_HEADER_SIZE 16

typedef struct bgt_registry bgt_registry;

/* A new empty registry in *out; free it with bgt_registry_free(). */
int bgt_registry_new(bgt_registry **out);
/* NULL is a no-op. */
void bgt_registry_free(bgt_registry *r);
/* Deep copy into *out (a new registry the caller owns). */
int bgt_registry_copy(const bgt_registry *r, bgt_registry **out);

size_t bgt_registry_count(const bgt_registry *r);
/* Index of `name`, or -1 if absent. */
long bgt_registry_find(const bgt_registry *r, const char *name);
/* Entry i (registration order). *name points into the registry and stays valid until the next
 * change to it. BGT_E_RANGE if i >= count. Either out pointer may be NULL. */
int bgt_registry_get(const bgt_registry *r, size_t i, const char **name, bgt_task_options *opts);
/* Insert at the end, or update the options of an existing entry in place (order kept). The name
 * is copied. BGT_E_INVAL for an empty or too long name or an out-of-range interval. */
int bgt_registry_put(bgt_registry *r, const char *name, const bgt_task_options *opts);
/* BGT_E_NOT_FOUND if absent. */
int bgt_registry_remove(bgt_registry *r, const char *name);
void bgt_registry_clear(bgt_registry *r);
/* Same names, same order, same options. */
bool bgt_registry_equal(const bgt_registry *a, const bgt_registry *b);

/* Serialize. On BGT_OK *out is a malloc() buffer of *out_len bytes owned by the caller (free()). */
int bgt_registry_encode(const bgt_registry *r, unsigned char **out, size_t *out_len);
/* The same bytes, kept by the registry: *buf stays valid until the next change to r. Adding an
 * entry or changing one's options updates them in time independent of the registry's size (but
 * for the name's bytes), so saving after each registration stays linear in the registrations;
 * after a removal, a clear or a decode they are written again here, once. BGT_E_NOMEM or
 * BGT_E_RANGE as bgt_registry_encode. */
int bgt_registry_bytes(bgt_registry *r, const unsigned char **buf, size_t *len);
/* Parse; on BGT_OK *out is a new registry owned by the caller. On error *out is untouched and the
 * code names the first failed check: BGT_E_TRUNCATED, BGT_E_BAD_MAGIC, BGT_E_VERSION,
 * BGT_E_CHECKSUM, BGT_E_CORRUPT (or BGT_E_NOMEM). */
int bgt_registry_decode(const unsigned char *buf, size_t len, bgt_registry **out);
/* bgt_registry_decode into r, which must be empty (BGT_E_INVAL otherwise), reusing its memory; on
 * error r is left empty. The same checks and codes, but the CRC's is left out for the very bytes r
 * last encoded (before a clear) or decoded: they passed it (bgt_process_start reads the same
 * saved bytes back at every start; issue 24). */
int bgt_registry_decode_into(const unsigned char *buf, size_t len, bgt_registry *r);

/* FNV-1a (32-bit) of a name: the hash of the registry's and the core's name indexes. */
uint32_t bgt_registry_hash(const char *name);

/* CRC-32 (IEEE 802.3, reflected, init and final xor 0xFFFFFFFF), continuing from `crc` (start
 * with 0). Exposed so tests can build blobs with a valid checksum. */
uint32_t bgt_crc32(uint32_t crc, const void *data, size_t len);

#endif
