/*
 * sim_engine.c - pending events in an indexed 4-ary min-heap over a slot pool.
 *
 * Why this shape:
 *  - The heap array holds the whole ordering key inline, (time|phase, sequence|slot) in 16 bytes,
 *    so sifting compares without touching the slot pool; only the moved entry's back-pointer
 *    (pos[slot]) is written, which is what makes cancel and reschedule O(log n) by handle. The
 *    back-pointers are their own dense array (4 bytes a slot) so those writes stay in cache.
 *  - 4-ary rather than binary: half the depth, and the four children share one or two cache
 *    lines, which pays off once the heap outgrows the L1/L2 caches (100k pending events).
 *    Sifting moves a hole instead of swapping, so each level costs one store. sift_down
 *    prefetches the grandchildren, and run_loop the payload, so that misses overlap.
 *  - Roads not taken: a calendar queue (ns-3) is faster only for well-behaved time distributions
 *    and its resizing makes worst cases hard to bound; lazy cancellation (tombstones) makes cancel
 *    O(1) but lets far-future cancelled timers pile up in the heap, which the OS models do a lot
 *    (Doze and quota timers are re-armed on every screen or plug change).
 *  - Time and phase share one 64-bit key (time in the top 56 bits, hence SIM_TIME_MAX = 2^55 - 1
 *    ms, about a million years); sequence and slot index share the other (see renumber_sequences).
 *  - Beside the heap, a "lane": a tiny sorted array for the events that will fire next. The
 *    models post most of their work for the current time (a signal is handled in an event at the
 *    same instant, a readiness check is posted for "now"), and most of the rest of what they
 *    schedule is due before everything already pending (the next alarm of a state machine, the
 *    end of a job that just started): in an Android sweep about 45 % of the heap's insertions were
 *    such a new root. In the heap each of those climbed from the bottom to the root and its
 *    removal sifted the last entry all the way down again; in the lane it is inserted by a short
 *    shift and taken from the end (the lane is sorted last-first, so taking moves nothing). So an
 *    event goes to the lane when it has room and the event is for now or earlier than the heap's
 *    root (place()). The next event is the smaller of the lane's first and the heap's root, so the
 *    firing order (time, phase, sequence) is exactly the heap's alone, whatever sits where: the
 *    lane is only a second priority queue. When it is full, events go to the heap as before.
 */
#include "sim_engine.h"

#include <stdlib.h>
#include <string.h>

#define PHASE_BITS 8
#define SEQ_SHIFT 32
#define SEQ_LIMIT ((uint64_t)1 << 32)
#define SLOT_FREE UINT32_MAX
/* Handles: slot index + 1 in the low 30 bits (never 0), the slot's generation above it. */
#define HANDLE_INDEX_BITS 30
#define HANDLE_INDEX_MASK (((uint64_t)1 << HANDLE_INDEX_BITS) - 1)
#define DEFAULT_CAPACITY 64
/* pos[slot] of an event in the lane: LANE_BIT | its index there (heap indexes are < 2^30). */
#define LANE_BIT ((uint32_t)1 << 31)
/* Lane entries. Inserting keeps them sorted by shifting, so the lane stays small: in an Android
 * sweep it was full at 0.2 % of the insertions (measured), and then the event goes to the heap. */
#define LANE_CAP 8
/* Re-arm posts (sim_post_rearm) pending at once; more are refused (the caller posts an event). */
#define GHOST_CAP 4
/* sim_stop sets the run's end here: every key's time is >= 0, so the run ends at its next step. */
#define SIM_STOP_UNTIL ((sim_time)-1)
/* Entries of the table of the newest sequence issued per (time, phase) (see sim_rearm). */
#define NEWEST_BITS 6
#define NEWEST_SLOTS ((size_t)1 << NEWEST_BITS)

/*
 * One heap entry is one unsigned 128-bit integer, 16 bytes, four to a cache line: the whole
 * ordering key plus the slot it belongs to, (time << PHASE_BITS | phase) << 64 | (sequence <<
 * SEQ_SHIFT | slot). Ordering is one 128-bit comparison, which compilers emit as cmp+sbb with no
 * branch (with millisecond times equal times are common and a tie branch mispredicts). Keys are
 * loaded, compared, passed and stored as integers in a pair of general registers. An earlier
 * version kept a struct of two uint64_t and passed it by value: it was spilled as two 8-byte
 * stores and reloaded as one 16-byte vector load, which the CPU cannot forward from its store
 * buffer, a stall of a dozen cycles in every sift (a third of sift_up's and sift_down's time in a
 * sweep, perf annotate); gcc's SLP vectorizer also turned pairs of uint64_t loads into vector
 * loads and extractions.
 */
__extension__ typedef unsigned __int128 heap_key;

/* What an event carries; touched only when it is scheduled and when it fires. */
/* A re-arm post (sim_post_rearm): its place in the order (a key whose slot part is unused), the
 * timer it re-arms, and its ticket. Kept outside the heap and the lane, sorted by key. */
typedef struct ghost {
    heap_key key;
    sim_handle *timer;
    sim_ticket ticket;
} ghost;

typedef struct payload {
    sim_event_fn fn;
    void *ctx;
    uint64_t arg; /* while the slot is free: index of the next free slot (or SLOT_FREE) */
} payload;

struct sim_engine {
    sim_engine_clock clock; /* first: sim_now() reads it inline (sim_engine.h) */
    heap_key *heap; /* = heap_block + HEAP_SKEW, see heap_alloc() */
    void *heap_block;
    /* Per slot, as parallel arrays so the back-pointers written on every sift step stay dense. */
    uint32_t *pos; /* index in the heap, LANE_BIT | index in the lane, or SLOT_FREE */
    uint32_t *gen; /* bumped on every release so old handles go stale */
    payload *payloads;
    size_t count;    /* used heap entries (pending events = count + lane_count) */
    size_t capacity; /* of every array; count + lane_count <= capacity */
    /* Entries lane[1..lane_count], sorted from the last to fire down to the first, lane[lane_count]:
     * taking the first moves nothing. lane[0] is KEY_NONE, always: it is the first when the lane is
     * empty, and it ends an insertion's scan (no key is larger). Entries above lane_count are stale,
     * never read. */
    heap_key lane[LANE_CAP + 1];
    size_t lane_count;
    uint32_t free_head;
    uint64_t next_seq; /* < SEQ_LIMIT; renumbered when it gets there (renumber_sequences) */
    /* The last sequence issued for each slot of a hash of (time, phase) (newest_index). Every
     * sequence issued goes through make_key, which records it, and sequences are unique: so when the
     * slot of an event's (time, phase) holds the event's own sequence, no sequence was issued at
     * that (time, phase) after it. Several (time, phase) share a slot; then the answer is "unknown"
     * and sim_rearm takes the long way. */
    uint64_t newest[NEWEST_SLOTS];
    ghost ghosts[GHOST_CAP + 1]; /* sorted, ghosts[0] first; key KEY_NONE from ghost_count on */
    size_t ghost_count;
    sim_ticket last_ticket;
    uint64_t fired;
    sim_time run_until; /* the running sim_run*'s end; SIM_STOP_UNTIL once a handler stopped it */
    bool stop_requested;
};

#define KEY_TIME_SHIFT (64 + PHASE_BITS)

/* Whether the sequences have run out (next_seq == SEQ_LIMIT), asked on every schedule. next_seq
 * never exceeds SEQ_LIMIT, a power of two, so its bit is set exactly then: one bit test (bt) where
 * the comparison loaded the 64-bit constant first. */
static inline bool seq_exhausted(const sim_engine *e) { return (e->next_seq & SEQ_LIMIT) != 0; }

static inline uint32_t key_slot(heap_key k) { return (uint32_t)k; }
static inline sim_time key_time(heap_key k) { return (sim_time)(k >> KEY_TIME_SHIFT); }
static inline int key_phase(heap_key k) { return (int)((uint64_t)(k >> 64) & ((1u << PHASE_BITS) - 1)); }

/*
 * The sentinel: every entry past the end of the heap (up to 3 past its capacity) and of the re-arm
 * posts, and the lane's lane[0], hold KEY_NONE, the largest key, whose time (2^56 - 1) is beyond
 * SIM_TIME_MAX. So "the heap's root", "the lane's first" and "the first post" can be read without
 * asking whether there is one (an empty structure never wins a comparison, and a run stops at a
 * KEY_NONE as at any time past its end), and sift_down always compares four children (the missing
 * ones never win). Only its slot part must never be used as an index: nothing stores or moves it
 * through heap_place or the lane's back-pointer writes.
 */
#define KEY_NONE (~(heap_key)0)
#define HEAP_PAD 3

static inline void heap_place(sim_engine *e, size_t pos, heap_key k)
{
    e->heap[pos] = k;
    e->pos[key_slot(k)] = (uint32_t)pos;
}

/* Always inlined (into place, so into every schedule): as a call it saved and restored registers
 * and moved its arguments around a loop that mostly runs one or two steps (an event that goes to
 * the heap is not its new root, but usually earlier than its first parent: measured, 2 steps a
 * call in an Android sweep). */
__attribute__((always_inline)) static inline void sift_up(sim_engine *e, size_t pos, heap_key k)
{
    const heap_key *h = e->heap;
    while (pos > 0) {
        size_t parent = (pos - 1) >> 2;
        heap_key p = h[parent];
        if (!(k < p))
            break;
        heap_place(e, pos, p);
        pos = parent;
    }
    heap_place(e, pos, k);
}

/* The smaller of two entries, with no branch: sibling keys are in no order, so a branch here
 * would mispredict half the time (and gcc compiles `*b < *a ? b : a` to one). The mask picks the
 * distance in bytes, so the result is an address: choosing by index cost a shift and an add to
 * turn each index back into one (sift_down: -17 % of its instructions, callgrind). */
static inline const heap_key *min_at(const heap_key *a, const heap_key *b)
{
    ptrdiff_t take_b = (ptrdiff_t)0 - (ptrdiff_t)(*b < *a); /* all ones or zero */
    const char *from = (const char *)a;
    /* pointer + byte offset: cppcheck reads the cast of this sum as one of an integer */
    // cppcheck-suppress CastIntegerToAddressAtReturn
    return (const heap_key *)(const void *)(from + (((const char *)b - from) & take_b));
}

/* Heaps from this many entries (64 KiB, more than an L1 data cache) prefetch in sift_down;
 * smaller ones are in cache, where the prefetches would only cost instructions (+9 % in
 * sift_down at the 20-30 events bgsim keeps pending, callgrind). */
#define PREFETCH_MIN 4096

static inline __attribute__((always_inline)) void sift_down_with(sim_engine *e, size_t pos, heap_key k,
                                                                 bool prefetch)
{
    const heap_key *h = e->heap;
    const size_t n = e->count;
    for (size_t first = 4 * pos + 1; first < n; first = 4 * pos + 1) {
        /* Ask for the next level's line now: which of the four it is depends on this level's
         * keys (the branch-free choice leaves the CPU nothing to speculate on), so without this
         * every level of a heap larger than the caches waited for its own miss, one after the
         * other. The grandchildren are 16 consecutive entries, four lines. Issue 24: engine/bare
         * heap 0.54 -> 0.92 at 1e6 pending, 0.70 -> 0.91 at 1e5 (hold --compare, medians). */
        if (prefetch && 4 * first + 16 <= n) {
            __builtin_prefetch(&h[4 * first + 1]);
            __builtin_prefetch(&h[4 * first + 5]);
            __builtin_prefetch(&h[4 * first + 9]);
            __builtin_prefetch(&h[4 * first + 13]);
        }
        /* Four children, missing ones KEY_NONE (first < n: at least one is real, and it wins): a
         * tournament of two rounds, not three in a row. Tried and not kept (issue 24, CPU time of
         * a 1000-seed Android sweep against this code, medians of interleaved pairs): rounds that
         * carry the winner's key instead of loading h[best] again, 1.004 (more registers: three
         * more saved, two spilled); bounding the loop by the capacity so that missing children end
         * it at the key comparison (one exit, not two), 1.001 and +1.2 % instructions. */
        const heap_key *c = h + first;
        const heap_key *m = min_at(min_at(c, c + 1), min_at(c + 2, c + 3));
        heap_key b = *m;
        if (!(b < k))
            break;
        heap_place(e, pos, b);
        pos = (size_t)(m - h);
    }
    heap_place(e, pos, k);
}

/* Two copies, chosen at the call: one function testing the size would save and restore more
 * registers in every call, small heaps included (+5 instructions a call, callgrind). The small
 * heaps' copy, the one bgsim's 20-30 pending events use, is inlined where it is used (the run loop's
 * pop, heap_fix): as a call it cost a register save and the moves of its arguments (sweeps -0.4 to
 * -0.6 % instructions, callgrind); the large heaps' copy stays a call, its misses dwarf that. */
__attribute__((always_inline)) static inline void sift_down_cached(sim_engine *e, size_t pos, heap_key k)
{
    sift_down_with(e, pos, k, false);
}

__attribute__((noinline)) static void sift_down_prefetching(sim_engine *e, size_t pos, heap_key k)
{
    sift_down_with(e, pos, k, true);
}

static inline void sift_down(sim_engine *e, size_t pos, heap_key k)
{
    if (e->count < PREFETCH_MIN)
        sift_down_cached(e, pos, k);
    else
        sift_down_prefetching(e, pos, k);
}

/* Puts `k` (already stored nowhere) at heap position `pos` and restores the heap order. */
static void heap_fix(sim_engine *e, size_t pos, heap_key k)
{
    if (pos > 0 && k < e->heap[(pos - 1) >> 2])
        sift_up(e, pos, k);
    else
        sift_down(e, pos, k);
}

static void heap_remove_at(sim_engine *e, size_t pos)
{
    size_t n = --e->count;
    heap_key last = e->heap[n];
    e->heap[n] = KEY_NONE;
    if (pos < n)
        heap_fix(e, pos, last);
}

/* heap_remove_at(e, 0), for fire_next: the last entry can only go down from the root. */
static inline void heap_remove_root(sim_engine *e)
{
    size_t n = --e->count;
    heap_key last = e->heap[n];
    e->heap[n] = KEY_NONE;
    if (n > 0)
        sift_down(e, 0, last);
}

/* Puts `k` (its slot in no structure) into the lane: above every larger key (lane[0] is one), the
 * smaller ones (to fire before it) moving up a place. */
__attribute__((always_inline)) static inline void lane_insert(sim_engine *e, heap_key k)
{
    heap_key *at = &e->lane[++e->lane_count];
    uint32_t tag = LANE_BIT | (uint32_t)e->lane_count; /* pos[] of the entry at `at` */
    for (heap_key below; (below = at[-1]) < k; at--, tag--) {
        at[0] = below;
        e->pos[key_slot(below)] = tag;
    }
    at[0] = k;
    e->pos[key_slot(k)] = tag;
}

/* Removes lane[i] (1 <= i <= lane_count): the entries above it move down a place. Taking the
 * first (i == lane_count) moves nothing. */
static void lane_remove_at(sim_engine *e, size_t i)
{
    size_t n = e->lane_count--;
    for (; i < n; i++) {
        e->lane[i] = e->lane[i + 1];
        e->pos[key_slot(e->lane[i])] = LANE_BIT | (uint32_t)i;
    }
}

/* Stores the key of an event in neither structure: the lane when it has room and the event is for
 * now or would be the heap's new root, else the heap. Always inlined: every schedule ends here, and
 * as a call it cost the schedule a call, a register save and the reloads of what the caller had
 * in registers (about 8 instructions, callgrind). */
__attribute__((always_inline)) static inline void place(sim_engine *e, heap_key k)
{
    if (e->lane_count < LANE_CAP && (k < e->heap[0] || key_time(k) == e->clock.now)) /* heap[0]: KEY_NONE if empty */
        lane_insert(e, k);
    else
        sift_up(e, e->count++, k);
}

/* Removes the entry at `pos` (a heap index or LANE_BIT | lane index) from its structure. */
static void remove_at(sim_engine *e, uint32_t pos)
{
    if (pos & LANE_BIT)
        lane_remove_at(e, pos & ~LANE_BIT);
    else
        heap_remove_at(e, pos);
}

/* Gives the event at `pos` the new key `k` (same slot). A heap entry stays in the heap. */
static void move_to(sim_engine *e, uint32_t pos, heap_key k)
{
    if (pos & LANE_BIT) {
        lane_remove_at(e, pos & ~LANE_BIT);
        place(e, k);
    } else {
        heap_fix(e, pos, k);
    }
}

static heap_key key_at(const sim_engine *e, uint32_t pos)
{
    return pos & LANE_BIT ? e->lane[pos & ~LANE_BIT] : e->heap[pos];
}

static int cmp_key(const void *a, const void *b)
{
    heap_key x = *(const heap_key *)a, y = *(const heap_key *)b;
    return x < y ? -1 : x > y;
}

/* Empties the table of newest sequences: NEWEST_NONE is no sequence (they are < SEQ_LIMIT). */
#define NEWEST_NONE UINT64_MAX
static void newest_clear(sim_engine *e)
{
    for (size_t i = 0; i < NEWEST_SLOTS; i++)
        e->newest[i] = NEWEST_NONE;
}

/*
 * Sequence numbers are 32 bits so a heap entry fits 16 bytes. When they run out (every 2^32
 * schedules) the pending events are renumbered 0..n-1 in their current firing order: relative
 * order is all the sequence ever decides. A sorted array is a valid heap, so this is a sort.
 * Kept out of line and cold: inlined into make_key it made every schedule and re-arm save and
 * restore six registers for a call that happens once in 2^32 (39 instructions a key instead of
 * 11, callgrind, issue 24).
 */
__attribute__((noinline, cold)) static void renumber_sequences(sim_engine *e)
{
    while (e->lane_count > 0) { /* the lane's events join the heap: one sort renumbers them all */
        heap_key k = e->lane[e->lane_count--];
        sift_up(e, e->count++, k);
    }
    qsort(e->heap, e->count, sizeof *e->heap, cmp_key);
    /* Re-arm posts (sorted too) are pending events outside the heap: they take their sequences in
     * the same walk, in order among the heap's keys. */
    uint64_t seq = 0;
    size_t g = 0;
    for (size_t i = 0; i < e->count; i++) {
        heap_key k = e->heap[i];
        for (; g < e->ghost_count && e->ghosts[g].key < k; g++)
            e->ghosts[g].key = e->ghosts[g].key >> 64 << 64 | (heap_key)(seq++ << SEQ_SHIFT);
        uint32_t s = key_slot(k);
        e->heap[i] = k >> 64 << 64 | (heap_key)(seq++ << SEQ_SHIFT | s);
        e->pos[s] = (uint32_t)i;
    }
    for (; g < e->ghost_count; g++)
        e->ghosts[g].key = e->ghosts[g].key >> 64 << 64 | (heap_key)(seq++ << SEQ_SHIFT);
    e->next_seq = seq;
    newest_clear(e); /* the recorded sequences are gone */
}

/*
 * The children of heap index i are 4i+1 .. 4i+4. Skewing the array by three entries inside a
 * 64-byte-aligned block puts every group of four siblings (64 bytes) in exactly one cache line,
 * so choosing the smallest child costs one line fill. (Measured: +3 to +5 % events/s in hold.)
 */
#define HEAP_SKEW 3
#define CACHE_LINE 64

/* A heap block for `cap` entries, every one KEY_NONE (all ones), HEAP_PAD more past them. */
static void *heap_alloc(size_t cap)
{
    size_t bytes = (cap + HEAP_SKEW + HEAP_PAD) * sizeof(heap_key);
    void *block = aligned_alloc(CACHE_LINE, (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE);
    if (block)
        memset(block, 0xff, bytes);
    return block;
}

static void push_free_range(sim_engine *e, size_t from, size_t to)
{
    /* Pushed high to low so the lowest index is handed out first (denser, warmer cache). */
    for (size_t i = to; i-- > from;) {
        e->pos[i] = SLOT_FREE;
        e->gen[i] = 0;
        e->payloads[i].arg = e->free_head;
        e->free_head = (uint32_t)i;
    }
}

/* Whether every slot holds a pending event (count + lane_count == capacity; re-arm posts take no
 * slot). Asked as "is the free list empty?": the free list holds exactly the slots no pending event
 * holds (push_free_range adds each new slot to it, release_slot each freed one, and a schedule
 * takes its slot from it), so it is empty exactly when they all do. One load and compare instead
 * of three loads and an add, on every schedule. */
static inline bool pool_full(const sim_engine *e) { return e->free_head == SLOT_FREE; }

static void release_slot(sim_engine *e, uint32_t index)
{
    e->pos[index] = SLOT_FREE;
    e->gen[index]++;
    e->payloads[index].arg = e->free_head;
    e->free_head = index;
}

/* Grows one array to `cap` elements; on failure the old array is kept and still valid. */
static bool grow_array(void **array, size_t cap, size_t size)
{
    void *grown = realloc(*array, cap * size);
    if (!grown)
        return false;
    *array = grown;
    return true;
}

__attribute__((noinline, cold)) static int grow(sim_engine *e)
{
    size_t cap = e->capacity * 2;
    if (cap > SIM_MAX_PENDING)
        cap = SIM_MAX_PENDING;
    if (cap <= e->capacity)
        return SIM_ELIMIT;
    /* Each array either keeps its old size or grows; capacity only moves once all have grown. */
    void *block = heap_alloc(cap);
    if (!block)
        return SIM_ENOMEM;
    memcpy((heap_key *)block + HEAP_SKEW, e->heap, e->count * sizeof *e->heap); /* the rest: KEY_NONE */
    free(e->heap_block);
    e->heap_block = block;
    e->heap = (heap_key *)block + HEAP_SKEW;
    if (!grow_array((void **)&e->pos, cap, sizeof *e->pos) ||
        !grow_array((void **)&e->gen, cap, sizeof *e->gen) ||
        !grow_array((void **)&e->payloads, cap, sizeof *e->payloads))
        return SIM_ENOMEM;
    push_free_range(e, e->capacity, cap);
    e->capacity = cap;
    return SIM_OK;
}

sim_engine *sim_engine_new(size_t initial_capacity)
{
    size_t cap = initial_capacity ? initial_capacity : DEFAULT_CAPACITY;
    if (cap > SIM_MAX_PENDING)
        cap = SIM_MAX_PENDING;
    sim_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->heap_block = heap_alloc(cap);
    e->pos = malloc(cap * sizeof *e->pos);
    e->gen = malloc(cap * sizeof *e->gen);
    e->payloads = malloc(cap * sizeof *e->payloads);
    if (!e->heap_block || !e->pos || !e->gen || !e->payloads)
        goto out_free_engine;
    e->heap = (heap_key *)e->heap_block + HEAP_SKEW;
    e->capacity = cap;
    e->free_head = SLOT_FREE;
    push_free_range(e, 0, cap);
    newest_clear(e);
    for (size_t i = 0; i <= LANE_CAP; i++)
        e->lane[i] = KEY_NONE;
    for (size_t i = 0; i <= GHOST_CAP; i++)
        e->ghosts[i].key = KEY_NONE;
    return e;

out_free_engine:
    sim_engine_free(e);
    return NULL;
}

void sim_engine_free(sim_engine *e)
{
    if (!e)
        return;
    free(e->heap_block);
    free(e->pos);
    free(e->gen);
    free(e->payloads);
    free(e);
}

size_t sim_pending_count(const sim_engine *e) { return e->count + e->lane_count + e->ghost_count; }
uint64_t sim_fired_count(const sim_engine *e) { return e->fired; }
size_t sim_capacity(const sim_engine *e) { return e->capacity; }

void sim_debug_set_next_sequence(sim_engine *e, uint64_t seq)
{
    if (seq >= e->next_seq && seq < SEQ_LIMIT)
        e->next_seq = seq;
}

/* The position (pos[]) of the event a handle names, or SLOT_FREE when the handle is stale or was
 * never issued. */
static uint32_t handle_pos(const sim_engine *e, sim_handle h)
{
    uint64_t index = (h & HANDLE_INDEX_MASK) - 1; /* index + 1 == 0 (never issued) wraps: too large */
    if (index >= e->capacity || (h >> HANDLE_INDEX_BITS) != e->gen[index])
        return SLOT_FREE;
    return e->pos[index];
}

static sim_handle make_handle(const sim_engine *e, uint32_t index)
{
    return (uint64_t)e->gen[index] << HANDLE_INDEX_BITS | (uint64_t)(index + 1);
}

/* The slot of `tkey` in e->newest: Fibonacci hashing, the top bits of a multiplication. */
static inline size_t newest_index(uint64_t tkey) { return (size_t)((tkey * 0x9e3779b97f4a7c15ULL) >> (64 - NEWEST_BITS)); }

/* The upper half of a key: time and phase (both in range). */
static inline uint64_t time_key(sim_time time, int phase) { return (uint64_t)time << PHASE_BITS | (uint64_t)phase; }

/* The key at (time, phase) `tkey` with the next sequence (there must be one: next_seq <
 * SEQ_LIMIT), recorded as the newest issued at tkey. Every sequence is issued here. */
static inline heap_key fresh_key(sim_engine *e, uint64_t tkey, uint32_t slot)
{
    e->newest[newest_index(tkey)] = e->next_seq;
    return (heap_key)tkey << 64 | (heap_key)(e->next_seq++ << SEQ_SHIFT | slot);
}

/* Whether pending key `k` is the newest issued at its own (time, phase) `tkey`, the upper half of
 * k (see sim_rearm; false when the table's slot was taken by another (time, phase) since). */
static inline bool key_is_newest(const sim_engine *e, heap_key k)
{
    uint64_t tkey = (uint64_t)(k >> 64);
    return e->newest[newest_index(tkey)] == (uint64_t)k >> SEQ_SHIFT;
}

/* The ordering key of a new or moved event: fails only when time is beyond SIM_TIME_MAX. Always
 * inlined: as a call (gcc stops inlining it once it records the newest sequence) it costs its
 * callers a register save and restore on every schedule. */
__attribute__((always_inline)) static inline int make_key(sim_engine *e, sim_time time, int phase, uint32_t slot, heap_key *out)
{
    if (time < e->clock.now)
        return SIM_EPAST;
    if (time > SIM_TIME_MAX)
        return SIM_ELIMIT;
    if (seq_exhausted(e))
        renumber_sequences(e);
    *out = fresh_key(e, time_key(time, phase), slot);
    return SIM_OK;
}

static int schedule_slow(sim_engine *e, sim_time time, int phase, sim_event_fn fn, void *ctx, uint64_t arg,
                         sim_handle *out);

/*
 * sim_schedule, inlined into each public entry point (sim_schedule, sim_schedule_in and the stale
 * case of the re-arms): a call from one to another cost a frame each. It ends in place() (inlined,
 * with the lane insertion and the heap's sift_up: it calls nothing), and the rare cases that call
 * something in the middle (growing, renumbering) are left to schedule_slow whole: so nothing is live
 * across a call, and sim_schedule saves two registers where it saved six (objdump).
 *
 * `in_range`: the caller has already found now <= time <= SIM_TIME_MAX (the *_in entry points, from
 * their delay checks), so the time checks are left out; a constant at every call, so the copy
 * inlined there has no trace of them (gcc did not prove them from the delay checks itself).
 */
__attribute__((always_inline)) static inline int schedule_at(sim_engine *e, sim_time time, int phase, sim_event_fn fn,
                                                             void *ctx, uint64_t arg, sim_handle *out, bool in_range)
{
    if (!fn || phase < 0 || phase > SIM_PHASE_MAX)
        return SIM_EINVAL;
    uint32_t index = e->free_head;
    if (index == SLOT_FREE) /* the pool is full (pool_full) */
        return schedule_slow(e, time, phase, fn, ctx, arg, out);
    if (!in_range && time < e->clock.now)
        return SIM_EPAST;
    if (!in_range && time > SIM_TIME_MAX)
        return SIM_ELIMIT;
    if (seq_exhausted(e))
        return schedule_slow(e, time, phase, fn, ctx, arg, out);
    heap_key k = fresh_key(e, time_key(time, phase), index);
    payload *p = &e->payloads[index];
    e->free_head = (uint32_t)p->arg;
    *p = (payload){.fn = fn, .ctx = ctx, .arg = arg};
    if (out)
        *out = make_handle(e, index);
    place(e, k);
    return SIM_OK;
}

/* schedule_at's rare cases, in its order of checks: the pool is full (grown first, whatever the
 * time), then sequences run out (renumbered). Afterwards neither holds, so schedule_at does the
 * rest without coming back. */
__attribute__((noinline, cold)) static int schedule_slow(sim_engine *e, sim_time time, int phase, sim_event_fn fn,
                                                         void *ctx, uint64_t arg, sim_handle *out)
{
    if (pool_full(e)) {
        int rc = grow(e);
        if (rc != SIM_OK)
            return rc;
    }
    if (time >= e->clock.now && time <= SIM_TIME_MAX && seq_exhausted(e))
        renumber_sequences(e);
    return schedule_at(e, time, phase, fn, ctx, arg, out, false);
}

int sim_schedule(sim_engine *e, sim_time time, int phase, sim_event_fn fn, void *ctx, uint64_t arg,
                 sim_handle *out)
{
    return schedule_at(e, time, phase, fn, ctx, arg, out, false);
}

/* Whether `delay` from now is out of range, negative or past SIM_TIME_MAX, in one comparison: a
 * negative delay, taken as unsigned, is at least 2^63, above every SIM_TIME_MAX - now (now is in 0
 * .. SIM_TIME_MAX). Which of the two it was is asked only then (delay_error): the *_in entry points
 * test one branch where they tested two (sim_schedule_in is a quarter of the engine's calls in the
 * commuter). */
static inline bool delay_out_of_range(const sim_engine *e, sim_time delay)
{
    return (uint64_t)delay > (uint64_t)(SIM_TIME_MAX - e->clock.now);
}

/* The error of a delay found out of range (delay_out_of_range). */
static inline int delay_error(sim_time delay) { return delay < 0 ? SIM_EPAST : SIM_ELIMIT; }

int sim_schedule_in(sim_engine *e, sim_time delay, int phase, sim_event_fn fn, void *ctx,
                    uint64_t arg, sim_handle *out)
{
    if (delay_out_of_range(e, delay))
        return delay_error(delay);
    return schedule_at(e, e->clock.now + delay, phase, fn, ctx, arg, out, true);
}

/* The slot is released before its entry is removed: the removal moves other entries and writes
 * their back-pointers only (the released slot's entry is the one going away), so the order does not
 * matter, and releasing first leaves nothing to keep across the removal's call (heap_fix). */
int sim_cancel_issued(sim_engine *e, sim_handle h)
{
    uint32_t pos = handle_pos(e, h);
    if (pos == SLOT_FREE)
        return SIM_ESTALE;
    release_slot(e, key_slot(key_at(e, pos)));
    remove_at(e, pos);
    return SIM_OK;
}

int sim_reschedule(sim_engine *e, sim_handle h, sim_time time)
{
    uint32_t pos = handle_pos(e, h);
    if (pos == SLOT_FREE)
        return SIM_ESTALE;
    uint32_t slot = key_slot(key_at(e, pos));
    heap_key k;
    int rc = make_key(e, time, key_phase(key_at(e, pos)), slot, &k);
    if (rc != SIM_OK)
        return rc;
    /* make_key may have renumbered (and so moved) the events: look the position up again. */
    move_to(e, e->pos[slot], k);
    return SIM_OK;
}

/* A re-arm that fails with `rc`: the event is cancelled all the same. Out of line (and so not
 * inlined into the callers' common case, which then saves no registers for it). */
__attribute__((noinline, cold)) static int rearm_failed(sim_engine *e, sim_handle *h, int rc)
{
    sim_cancel(e, *h);
    *h = SIM_HANDLE_NONE;
    return rc;
}

/* The rare cases of a re-arm of a pending event, as what it is defined to be: an argument
 * sim_schedule refuses (the cancel still happens) or sequences about to run out (the renumbering
 * would see one more pending event than after a cancel, so only the long way is identical). */
__attribute__((noinline, cold)) static int rearm_by_cancel(sim_engine *e, sim_handle *h, sim_time time, int phase,
                                                           sim_event_fn fn, void *ctx, uint64_t arg)
{
    sim_cancel(e, *h);
    int rc = schedule_at(e, time, phase, fn, ctx, arg, h, false);
    if (rc != SIM_OK)
        *h = SIM_HANDLE_NONE;
    return rc;
}

/*
 * sim_rearm, inlined into sim_rearm_issued and sim_rearm_in_issued. Why it equals cancel + schedule: a cancel
 * releases the slot to the head of the free list and the schedule that follows takes the head, so
 * both end with the same slot holding the new event, its generation bumped once, the same free
 * list, the same next sequence number and the same set of keys; only the way there differs. A
 * stale *h makes the cancel a no-op: then it is the schedule alone.
 *
 * In place: when the event is already at (time, phase) and its sequence is the newest issued there
 * (key_is_newest), no pending event shares its (time, phase) with a later sequence, so a fresh
 * sequence would put it after exactly the events it is already after: the order is the one cancel +
 * schedule gives without moving it or taking a sequence (only relative order is ever read from
 * sequences). In the Android model about half of all re-arms are such (the readiness timer set
 * again to the same time by every evaluation; issue 24).
 */
__attribute__((always_inline)) static inline int rearm_at(sim_engine *e, sim_handle *h, sim_time time, int phase,
                                                          sim_event_fn fn, void *ctx, uint64_t arg, bool in_range)
{
    uint32_t pos = handle_pos(e, *h);
    if (pos == SLOT_FREE) {
        int rc = schedule_at(e, time, phase, fn, ctx, arg, h, in_range);
        if (rc != SIM_OK)
            *h = SIM_HANDLE_NONE;
        return rc;
    }
    /* Every error of the schedule is found before the event is touched. */
    if (!fn || phase < 0 || phase > SIM_PHASE_MAX || (!in_range && (time < e->clock.now || time > SIM_TIME_MAX)) ||
        seq_exhausted(e))
        return rearm_by_cancel(e, h, time, phase, fn, ctx, arg);
    heap_key old = key_at(e, pos);
    uint32_t index = key_slot(old);
    e->gen[index]++;
    e->payloads[index] = (payload){.fn = fn, .ctx = ctx, .arg = arg};
    *h = make_handle(e, index);
    uint64_t tkey = time_key(time, phase);
    if ((uint64_t)(old >> 64) != tkey || !key_is_newest(e, old))
        move_to(e, pos, fresh_key(e, tkey, index));
    return SIM_OK;
}

int sim_rearm_issued(sim_engine *e, sim_handle *h, sim_time time, int phase, sim_event_fn fn, void *ctx,
                     uint64_t arg)
{
    return rearm_at(e, h, time, phase, fn, ctx, arg, false);
}

int sim_rearm_in_issued(sim_engine *e, sim_handle *h, sim_time delay, int phase, sim_event_fn fn, void *ctx,
                        uint64_t arg)
{
    if (delay_out_of_range(e, delay))
        return rearm_failed(e, h, delay_error(delay));
    return rearm_at(e, h, e->clock.now + delay, phase, fn, ctx, arg, true);
}

bool sim_is_pending(const sim_engine *e, sim_handle h) { return handle_pos(e, h) != SLOT_FREE; }

int sim_event_time(const sim_engine *e, sim_handle h, sim_time *out)
{
    uint32_t pos = handle_pos(e, h);
    if (pos == SLOT_FREE)
        return SIM_ESTALE;
    *out = key_time(key_at(e, pos));
    return SIM_OK;
}

/* The smallest of two keys (KEY_NONE when both are). */
static inline heap_key key_min(heap_key a, heap_key b) { return b < a ? b : a; }

bool sim_peek_time(const sim_engine *e, sim_time *out)
{
    heap_key k = key_min(key_min(e->heap[0], e->lane[e->lane_count]), e->ghosts[0].key);
    if (k == KEY_NONE)
        return false;
    *out = key_time(k);
    return true;
}

/* ---- re-arm posts ---- */

static size_t ghost_find(const sim_engine *e, sim_ticket t)
{
    for (size_t i = 0; i < e->ghost_count; i++)
        if (e->ghosts[i].ticket == t)
            return i;
    return GHOST_CAP;
}

static void ghost_remove_at(sim_engine *e, size_t i)
{
    for (e->ghost_count--; i < e->ghost_count; i++)
        e->ghosts[i] = e->ghosts[i + 1];
    e->ghosts[e->ghost_count].key = KEY_NONE;
}

/* Takes the next sequence at (now, phase) for a re-arm post and files it (room checked). */
static inline void ghost_insert(sim_engine *e, int phase, sim_handle *timer, sim_ticket *out)
{
    heap_key k = fresh_key(e, time_key(e->clock.now, phase), 0);
    ghost *at = &e->ghosts[e->ghost_count++];
    for (; at > e->ghosts && k < at[-1].key; at--)
        at[0] = at[-1];
    sim_ticket t = ++e->last_ticket;
    *at = (ghost){.key = k, .timer = timer, .ticket = t};
    *out = t;
}

/* The rare cases of sim_post_rearm, out of line so that its common case calls nothing (and saves
 * no registers). */
__attribute__((noinline, cold)) static int post_rearm_slow(sim_engine *e, int phase, sim_handle *timer,
                                                           sim_ticket *out)
{
    if (phase < 0 || phase > SIM_PHASE_MAX)
        return SIM_EINVAL;
    if (handle_pos(e, *timer) == SLOT_FREE)
        return SIM_ESTALE;
    if (e->ghost_count == GHOST_CAP)
        return SIM_ELIMIT;
    if (seq_exhausted(e))
        renumber_sequences(e);
    ghost_insert(e, phase, timer, out);
    return SIM_OK;
}

int sim_post_rearm(sim_engine *e, int phase, sim_handle *timer, sim_ticket *out)
{
    if (phase < 0 || phase > SIM_PHASE_MAX || handle_pos(e, *timer) == SLOT_FREE || e->ghost_count == GHOST_CAP ||
        seq_exhausted(e))
        return post_rearm_slow(e, phase, timer, out);
    ghost_insert(e, phase, timer, out);
    return SIM_OK;
}

bool sim_ticket_pending(const sim_engine *e, sim_ticket t) { return t != SIM_TICKET_NONE && ghost_find(e, t) < GHOST_CAP; }

int sim_ticket_schedule(sim_engine *e, sim_ticket t, sim_event_fn fn, void *ctx, uint64_t arg, sim_handle *out)
{
    size_t i = t == SIM_TICKET_NONE ? GHOST_CAP : ghost_find(e, t);
    if (i == GHOST_CAP)
        return SIM_ESTALE;
    if (!fn)
        return SIM_EINVAL;
    if (pool_full(e)) {
        int rc = grow(e);
        if (rc != SIM_OK)
            return rc;
    }
    heap_key k = e->ghosts[i].key;
    ghost_remove_at(e, i);
    uint32_t index = e->free_head;
    payload *p = &e->payloads[index];
    e->free_head = (uint32_t)p->arg;
    *p = (payload){.fn = fn, .ctx = ctx, .arg = arg};
    place(e, k | (heap_key)index);
    if (out)
        *out = make_handle(e, index);
    return SIM_OK;
}

/* The first re-arm post fires: what its event would have done, re-arm the timer to its own time,
 * phase and payload (in place when it is the newest there, sim_rearm). Counted as fired. */
static void fire_ghost(sim_engine *e)
{
    ghost g = e->ghosts[0];
    ghost_remove_at(e, 0);
    e->clock.now = key_time(g.key);
    e->fired++;
    uint32_t pos = handle_pos(e, *g.timer);
    if (pos == SLOT_FREE)
        return; /* the timer went away (its owner cancelled it): nothing to re-arm */
    heap_key tk = key_at(e, pos);
    uint32_t index = key_slot(tk);
    if (key_is_newest(e, tk)) { /* sim_rearm's case in place, inline */
        e->gen[index]++;
        *g.timer = make_handle(e, index);
        return;
    }
    payload p = e->payloads[index];
    sim_rearm(e, g.timer, key_time(tk), key_phase(tk), p.fn, p.ctx, p.arg);
}

/* Fires `top`, the earliest event, already taken out of the lane or the heap. The slot is
 * released before the handler runs, so the handler's own schedule calls can reuse it while it is
 * still in cache. */
static inline void fire(sim_engine *e, heap_key top)
{
    uint32_t index = key_slot(top);
    payload p = e->payloads[index];
    release_slot(e, index);
    e->clock.now = key_time(top);
    e->fired++;
    p.fn(e, p.ctx, p.arg);
}

#ifdef SIM_ENGINE_HELD_STATS
uint64_t sim_held_steps;
uint64_t sim_held_sum;
/* Before an event (or re-arm post) is taken: the events pending, itself included. */
#define HELD_STEP(e) (sim_held_steps++, sim_held_sum += (e)->count + (e)->lane_count + (e)->ghost_count)
#else
#define HELD_STEP(e) ((void)0)
#endif

/*
 * Each step reads the three firsts (KEY_NONE where empty) and compares them: no count is asked.
 * With nothing pending the first is KEY_NONE, whose time is past every `until`. The lane's first
 * and the heap's root are compared once, and each outcome has its own path to the pop (the order
 * is the same: the smallest of the three keys fires, a ghost when its key is the smallest).
 *
 * The run's end is e->run_until, not a flag tested after every handler: sim_stop lowers it below
 * every time, so the next step's "past the end?" test, which every step makes anyway, ends the
 * run before anything else fires (a ghost included), and stop_requested says why it ended.
 */
static sim_run_result run_loop(sim_engine *e, sim_time until)
{
    e->stop_requested = false;
    e->run_until = until;
    for (;;) {
        heap_key root = e->heap[0];
        heap_key first = e->lane[e->lane_count];
        heap_key post = e->ghosts[0].key;
        if (first < root) {
            if (post < first)
                goto ghost_turn;
            if (key_time(first) > e->run_until)
                break;
            HELD_STEP(e);
            e->lane_count--; /* the first is the lane's last entry */
            fire(e, first);
        } else {
            if (post < root)
                goto ghost_turn;
            if (key_time(root) > e->run_until)
                break;
            /* The payload is read after the sift: ask for its line now so that the miss (a random
             * slot in a pool of tens of megabytes at 1e6 pending) overlaps the sift's. */
            __builtin_prefetch(&e->payloads[key_slot(root)]);
            HELD_STEP(e);
            heap_remove_root(e);
            fire(e, root);
        }
        continue;
    ghost_turn:
        if (key_time(post) > e->run_until)
            break;
        HELD_STEP(e);
        fire_ghost(e); /* runs no handler: cannot stop the run */
    }
    if (e->stop_requested) {
        e->stop_requested = false;
        return SIM_RUN_STOPPED;
    }
    return e->count + e->lane_count + e->ghost_count == 0 ? SIM_RUN_EMPTY : SIM_RUN_REACHED;
}

sim_run_result sim_run_until(sim_engine *e, sim_time until)
{
    if (until > SIM_TIME_MAX)
        until = SIM_TIME_MAX;
    sim_run_result r = run_loop(e, until);
    if (r == SIM_RUN_STOPPED)
        return r;
    if (until > e->clock.now)
        e->clock.now = until;
    return SIM_RUN_REACHED;
}

sim_run_result sim_run(sim_engine *e) { return run_loop(e, SIM_TIME_MAX); }

void sim_stop(sim_engine *e)
{
    e->stop_requested = true;
    e->run_until = SIM_STOP_UNTIL;
}

const char *sim_strerror(int err)
{
    switch (err) {
    case SIM_OK: return "success";
    case SIM_EPAST: return "event time is before the current simulation time";
    case SIM_ESTALE: return "event handle is stale (already fired or cancelled)";
    case SIM_ENOMEM: return "out of memory";
    case SIM_EINVAL: return "invalid argument";
    case SIM_ELIMIT: return "engine limit reached (time beyond SIM_TIME_MAX or too many pending events)";
    default: return "unknown engine error";
    }
}
