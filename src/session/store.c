/*
 * store.c - the session store: id -> record, users, expiry at lookup.
 *
 * The problem
 * -----------
 * Every tool call from every HTTP worker thread starts with "find my
 * session and lock it" and ends with "I am done with it". There may be
 * 100,000 or more sessions, most of them idle for hours, a few in use at
 * any moment. The lookup must cost well under a microsecond, a slow edit of
 * one document must not hold up the others, a document must never be freed
 * while a request is inside it, and throwing away 100,000 abandoned
 * sessions must not stall the requests that keep arriving meanwhile.
 *
 * The shape
 * ---------
 * The store is 64 shards (SESSION_SHARDS); a record lives in the shard
 * named by its hash's top 6 bits. Each shard has its own lock, its own
 * slice of the bucket array, its own LRU list and its own counters, so
 * threads working on different sessions meet on one lock only when their
 * ids fall in the same shard (1 time in 64 for two threads). Each record
 * also has its own lock for its payload. A shard lock is held for O(1)
 * work only: find, insert, unlink, a user count up or down, an LRU move.
 * No payload or attachment is ever built, used or freed under it. The
 * one lock order is record -> shard: a shard lock may be taken under the
 * caller's record lock (create, set_bytes, remove_held), never the other
 * way, never two shard locks (session_internal.h has the field-by-field
 * table and the assertions that check it).
 * - Attachments: whatever other layers keep per session hangs on the
 *   record (up to SESSION_SLOTS pointers), with the free function its
 *   layer registered; the store frees them with the record and tells the
 *   layer when the record leaves the table (session.h).
 *
 * - Hash table: power-of-two buckets, at least max_sessions of them in all
 *   (load factor <= 1), split evenly into one slice per shard and chained
 *   through the records themselves, so an insert is one allocation (the
 *   record) and an unlink is a walk of a chain of expected length under
 *   one. The hash is the id's first 64 random bits: the shard is its top
 *   bits and the bucket in the slice its low bits, so the two are
 *   independent; only minted ids are inserted, so chains cannot be
 *   lengthened from outside and no seed is needed. The table never grows,
 *   so there is never a rehash pause under a lock.
 * - LRU lists: acquire and release stamp last_access and move the record
 *   to the hot end of its shard's list, O(1). Release keeps this under the
 *   shard lock rather than batching or skipping it: each list must stay
 *   exactly in last-access order for the reaper's "stop at the first
 *   record not over-idle" to be right, and with 64 locks the move is rarely
 *   contended. The reaper (reaper.c) reads each shard's cold end and stops
 *   there at the first record not yet over-idle: its work is proportional
 *   to what it evicts plus one lock per shard, not to what the store holds.
 * - Users: acquire raises the count under the shard lock and then takes
 *   the record lock outside it; release drops the record lock, then the
 *   count under the shard lock. A record with users is never freed:
 *   removal and eviction only unlink it (no new user can find it) and the
 *   release that brings the count to zero frees it, outside every lock. A
 *   user that was waiting for the record lock while the record was removed
 *   gets SESSION_NOT_FOUND rather than a record that no longer exists.
 * - Expiry at lookup: a record idle longer than the TTL and without users
 *   is gone, whether or not the reaper has passed; the lookup that finds it
 *   unlinks it, counts it as expired and frees it after unlocking.
 * - Capacity: one atomic count of places taken (linked records plus
 *   creates between reserving and linking). A create reserves a place by
 *   compare-and-swap from below max_sessions, so the count never exceeds
 *   the limit even for a moment, and gives it back if the insert then
 *   fails. At the limit it first reclaims records that are already
 *   over-idle from the shards' cold ends, one shard lock at a time, at most
 *   reap_batch of them, starting at its own shard; otherwise it fails with
 *   SESSION_CAPACITY. It never evicts live work.
 * - Counters: live, bytes, created, removed, evicted and expired are kept
 *   per shard under its lock and summed by session_store_stats one shard at
 *   a time (exact whenever the store is quiet); rejected, calls, errors,
 *   reaper passes and the longest reaper hold are relaxed atomics.
 *
 * Complexity
 * ----------
 * create, acquire, release, remove: O(1) expected, each with one or two
 * short shard-lock holds (a create at the limit: up to one per shard). A
 * reaper pass: O(shards + evicted + skipped in-use), in holds of at most
 * reap_batch records. Stats: O(shards). Foreach: O(buckets + records) in
 * bounded holds, each within one shard.
 *
 * Memory
 * ------
 * A record is 224 bytes on x86-64 (33-byte id, hash, five links and
 * counters, four attachment pointers, the stored row's version and touch
 * time, a 40-byte pthread mutex), 240 bytes as a glibc chunk; the shard is computed from the hash, not stored. The
 * table adds one 8-byte bucket per 1 to 2 records allowed (the same total
 * as one unsharded table; at least one bucket per shard), and the shards
 * 64 x 128 bytes (two whole cache lines each, so two cores working in two
 * shards do not share a line) = 8 KiB per store. At the default limit of
 * 200,000 that is 2 MiB of buckets and about 48 MiB for full records,
 * before any payload. specs/session.md has the measured figures.
 */
#include "session/session_internal.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_BUCKETS 16u                /* buckets */
#define MAX_BUCKETS (1u << 22)         /* buckets; 32 MiB of table on 64-bit */
#define FOREACH_RECORDS 128u           /* records copied per shard-lock hold */
#define FOREACH_BUCKETS 4096u          /* buckets scanned per shard-lock hold */
#define NS_PER_MS 1000000ull           /* ns */

_Static_assert(sizeof(session_shard) % SESSION_CACHE_LINE == 0,
               "shards must not share cache lines");

#ifndef NDEBUG
_Thread_local unsigned session_shard_locks_held;
#endif

const char *session_status_name(session_status status)
{
    switch (status) {
    case SESSION_OK:         return "ok";
    case SESSION_NOT_FOUND:  return "not_found";
    case SESSION_CAPACITY:   return "capacity";
    case SESSION_NOMEM:      return "nomem";
    case SESSION_ERR_RANDOM: return "err_random";
    case SESSION_INVALID:    return "invalid";
    case SESSION_ERR_THREAD: return "err_thread";
    case SESSION_ERR_STORE:  return "err_store";
    case SESSION_CONFLICT:   return "conflict";
    }
    return "unknown";
}

uint64_t session_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t default_clock(void *ctx)
{
    (void)ctx;
    return session_mono_ns();
}

uint64_t session_store_now(const session_store *store)
{
    return store->clock(store->clock_ctx);
}

/* A TTL of "forever" must not wrap around into "at once". */
static uint64_t ms_to_ns(uint64_t ms)
{
    if (ms > UINT64_MAX / NS_PER_MS)
        return UINT64_MAX;
    return ms * NS_PER_MS;
}

static size_t bucket_count_for(size_t max_sessions)
{
    size_t n = MIN_BUCKETS;
    while (n < max_sessions && n < MAX_BUCKETS)
        n <<= 1;
    return n;
}

/* The bucket of a hash within its shard: the low bits, while the shard is
 * the top ones. */
static session **bucket_of(session_shard *sh, const session_store *store,
                           uint64_t hash)
{
    return &sh->buckets[hash & store->shard_mask];
}

session_status session_store_new(const session_config *config,
                                 session_store **out)
{
    session_status st = SESSION_NOMEM;
    session_config defaults = {0};
    session_store *store = NULL;
    size_t locks_ready = 0;
    bool reaper_lock_ready = false, cond_ready = false, slots_lock_ready = false;
    pthread_condattr_t cattr;
    bool cattr_ready = false;

    if (out == NULL)
        return SESSION_INVALID;
    *out = NULL;
    if (config == NULL)
        config = &defaults;

    store = calloc(1, sizeof *store);
    if (store == NULL)
        goto out;
    store->max_sessions = config->max_sessions ? config->max_sessions
                                               : SESSION_DEFAULT_MAX_SESSIONS;
    store->ttl_ns = ms_to_ns(config->idle_ttl_ms ? config->idle_ttl_ms
                                                 : SESSION_DEFAULT_IDLE_TTL_MS);
    store->interval_ms = config->reap_interval_ms ? config->reap_interval_ms
                                                  : SESSION_DEFAULT_REAP_INTERVAL_MS;
    store->batch = config->reap_batch ? config->reap_batch : SESSION_DEFAULT_REAP_BATCH;
    store->clock = config->clock ? config->clock : default_clock;
    store->clock_ctx = config->clock ? config->clock_ctx : NULL;
    store->payload_free = config->payload_free;
    store->persist = config->persist;
    store->payload_restore = config->payload_restore;
    store->restore_ctx = config->restore_ctx;
    /* A row's access time may lag memory's by this much: a sixteenth of
     * the TTL, so that the lag never decides an expiry, between 1 s and a
     * minute, so that a busy session costs at most one touch a second. */
    {
        uint64_t ttl_ms = store->ttl_ns / NS_PER_MS, t = ttl_ms / 16;
        store->touch_ms = (int64_t)(t < 1000 ? 1000 : t > 60000 ? 60000 : t);
    }
    atomic_init(&store->restored, 0);
    atomic_init(&store->reserved, 0);
    atomic_init(&store->rejected, 0);
    atomic_init(&store->reaper_passes, 0);
    atomic_init(&store->lock_hold_max_ns, 0);
    atomic_init(&store->calls, 0);
    atomic_init(&store->errors, 0);
    for (size_t i = 0; i < SESSION_SLOTS; i++) {
        atomic_init(&store->slot_ops[i], NULL);
        atomic_init(&store->slot_count[i], 0);
        atomic_init(&store->slot_restore[i], NULL);
        atomic_init(&store->slot_restore_ctx[i], NULL);
    }

    /* The same total as one table of at least max_sessions buckets, split
     * evenly; a tiny store still gives every shard one bucket. */
    size_t per_shard = bucket_count_for(store->max_sessions) / SESSION_SHARDS;
    if (per_shard == 0)
        per_shard = 1;
    store->shard_mask = per_shard - 1;
    store->buckets = calloc(per_shard * SESSION_SHARDS, sizeof *store->buckets);
    if (store->buckets == NULL)
        goto out;
    store->shards = aligned_alloc(SESSION_CACHE_LINE,
                                  SESSION_SHARDS * sizeof *store->shards);
    if (store->shards == NULL)
        goto out;
    memset(store->shards, 0, SESSION_SHARDS * sizeof *store->shards);
    for (; locks_ready < SESSION_SHARDS; locks_ready++) {
        session_shard *sh = &store->shards[locks_ready];
        sh->buckets = store->buckets + locks_ready * per_shard;
        if (pthread_mutex_init(&sh->lock, NULL) != 0)
            goto out;
    }

    if (pthread_mutex_init(&store->slots_lock, NULL) != 0)
        goto out;
    slots_lock_ready = true;
    if (pthread_mutex_init(&store->reaper_lock, NULL) != 0)
        goto out;
    reaper_lock_ready = true;
    /* The reaper waits on the monotonic clock so that a wall-clock jump
     * neither stalls it nor makes it spin. */
    if (pthread_condattr_init(&cattr) != 0)
        goto out;
    cattr_ready = true;
    if (pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC) != 0)
        goto out;
    if (pthread_cond_init(&store->reaper_cond, &cattr) != 0)
        goto out;
    cond_ready = true;

    *out = store;
    store = NULL;
    st = SESSION_OK;
out:
    if (cattr_ready)
        pthread_condattr_destroy(&cattr);
    if (store != NULL) {
        if (cond_ready)
            pthread_cond_destroy(&store->reaper_cond);
        if (reaper_lock_ready)
            pthread_mutex_destroy(&store->reaper_lock);
        if (slots_lock_ready)
            pthread_mutex_destroy(&store->slots_lock);
        for (size_t i = 0; i < locks_ready; i++)
            pthread_mutex_destroy(&store->shards[i].lock);
        free(store->shards);
        free(store->buckets);
        free(store);
    }
    return st;
}

void session_store_free(session_store *store)
{
    if (store == NULL)
        return;
    session_reaper_stop(store);
    /* Every linked record is on its shard's LRU list. Records already
     * unlinked but still held belong to their holders, who by contract are
     * gone. The sessions are freed, not ended: no unlinked callbacks. */
    for (size_t i = 0; i < SESSION_SHARDS; i++) {
        session_shard *sh = &store->shards[i];
        session *s = sh->cold;
        while (s != NULL) {
            session *next = s->newer;
            atomic_store_explicit(&s->linked, false, memory_order_relaxed);
            session_destroy(store, s);
            s = next;
        }
        pthread_mutex_destroy(&sh->lock);
    }
    pthread_cond_destroy(&store->reaper_cond);
    pthread_mutex_destroy(&store->reaper_lock);
    pthread_mutex_destroy(&store->slots_lock);
    free(store->shards);
    free(store->buckets);
    free(store);
}

/* ---- LRU list and hash table; all under the shard lock ---------------- */

static void lru_remove(session_shard *sh, session *s)
{
    if (s->older != NULL)
        s->older->newer = s->newer;
    else
        sh->cold = s->newer;
    if (s->newer != NULL)
        s->newer->older = s->older;
    else
        sh->hot = s->older;
    s->older = s->newer = NULL;
}

static void lru_push_hot(session_shard *sh, session *s)
{
    s->older = sh->hot;
    s->newer = NULL;
    if (sh->hot != NULL)
        sh->hot->newer = s;
    else
        sh->cold = s;
    sh->hot = s;
}

void session_lru_touch_locked(session_shard *sh, session *s)
{
    assert(session_shard_held(sh));
    if (sh->hot != s) {
        lru_remove(sh, s);
        lru_push_hot(sh, s);
    }
}

static session *find_locked(session_store *store, session_shard *sh,
                            const char *id, uint64_t hash)
{
    assert(session_shard_held(sh));
    for (session *s = *bucket_of(sh, store, hash); s != NULL; s = s->hnext)
        if (s->hash == hash && memcmp(s->id, id, SESSION_ID_LEN) == 0)
            return s;
    return NULL;
}

void session_unlink_locked(session_store *store, session_shard *sh, session *s)
{
    assert(session_shard_held(sh));
    assert(sh == session_shard_of(store, s->hash));
    assert(atomic_load_explicit(&s->linked, memory_order_relaxed));
    session **pp = bucket_of(sh, store, s->hash);
    while (*pp != s)
        pp = &(*pp)->hnext;
    *pp = s->hnext;
    s->hnext = NULL;
    lru_remove(sh, s);
    atomic_store_explicit(&s->linked, false, memory_order_relaxed);
    sh->live--;
    sh->bytes -= s->bytes;
    /* Relaxed: the count orders nothing; the table has its own locks. */
    atomic_fetch_sub_explicit(&store->reserved, 1, memory_order_relaxed);
}

bool session_is_expired_locked(const session_store *store, const session *s,
                               uint64_t now)
{
    assert(session_shard_held(session_shard_of((session_store *)store, s->hash)));
    /* A clock that steps back (only a fake one can) means "not idle". */
    return s->users == 0 && now > s->last_access_ns &&
           now - s->last_access_ns > store->ttl_ns;
}

/* Finds a live record. One found over-idle is unlinked and counted as
 * expired, and handed back in *victim for the caller to free after
 * unlocking; the lookup then reports it as not found. Precondition: the
 * shard lock held. */
static session *lookup_locked(session_store *store, session_shard *sh,
                              const char *id, uint64_t hash, uint64_t now,
                              session **victim)
{
    session *s = find_locked(store, sh, id, hash);
    if (s == NULL)
        return NULL;
    if (session_is_expired_locked(store, s, now)) {
        session_unlink_locked(store, sh, s);
        sh->expired++;
        *victim = s;
        return NULL;
    }
    return s;
}

static const session_slot_ops *slot_ops(const session_store *store, session_slot slot)
{
    return atomic_load_explicit(&((session_store *)store)->slot_ops[slot],
                                memory_order_acquire);
}

static void free_attachment(session_store *store, session_slot slot, void *data)
{
    const session_slot_ops *ops = slot_ops(store, slot);

    atomic_fetch_sub_explicit(&store->slot_count[slot], 1, memory_order_relaxed);
    ops->free(data);
}

void session_destroy(session_store *store, session *s)
{
    assert(!atomic_load_explicit(&s->linked, memory_order_relaxed));
    assert(session_shard_locks_held == 0);
    if (s->payload != NULL && store->payload_free != NULL)
        store->payload_free(s->payload);
    for (session_slot i = 0; i < SESSION_SLOTS; i++) {
        void *data = atomic_load_explicit(&s->attached[i], memory_order_acquire);

        if (data != NULL)
            free_attachment(store, i, data);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void session_notify_unlinked(session_store *store, session *s)
{
    assert(session_shard_locks_held == 0);
    /* Queued, durable with the next commit: eviction and close delete the
     * stored row in the same batches as in memory. */
    /* With a shared store, memory is one process's cache: only a close
     * ends the row; eviction and expiry here drop the copy, and Redis
     * expires the row by its own clock. */
    if (store->persist != NULL && !s->keep_stored &&
        (!store_shared(store->persist) || s->closing))
        store_delete(store->persist, s->id);
    for (session_slot i = 0; i < SESSION_SLOTS; i++) {
        void *data = atomic_load_explicit(&s->attached[i], memory_order_acquire);

        if (data != NULL) {
            const session_slot_ops *ops = slot_ops(store, i);

            if (ops->unlinked != NULL)
                ops->unlinked(data);
        }
    }
}

void session_end(session_store *store, session *s)
{
    session_notify_unlinked(store, s);
    session_destroy(store, s);
}

void session_end_chain(session_store *store, session *chain)
{
    while (chain != NULL) {
        session *next = chain->hnext;
        session_end(store, chain);
        chain = next;
    }
}

/* ---- capacity ----------------------------------------------------------- */

/* Takes one place under max_sessions. Compare-and-swap from below the
 * limit, never add-then-undo: the count never goes over the limit even for
 * a moment, so a concurrent create is never refused for a place that was
 * about to be given back. */
static bool reserve_place(session_store *store)
{
    size_t n = atomic_load_explicit(&store->reserved, memory_order_relaxed);
    while (n < store->max_sessions)
        if (atomic_compare_exchange_weak_explicit(&store->reserved, &n, n + 1,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed))
            return true;
    return false;
}

/* At the limit: over-idle records are gone already, so reclaim them from
 * the shards' cold ends until a place can be reserved. One shard lock at a
 * time, at most store->batch records examined in all, victims chained on
 * *victims for the caller to free outside every lock. The walk starts at
 * the new record's shard so that concurrent creates spread over shards. */
static bool reclaim_and_reserve(session_store *store, size_t first,
                                uint64_t *now, session **victims)
{
    size_t examined = 0;
    for (size_t k = 0; k < SESSION_SHARDS && examined < store->batch; k++) {
        session_shard *sh = &store->shards[(first + k) & (SESSION_SHARDS - 1)];
        bool got = false;
        session_shard_lock(sh);
        *now = session_store_now(store);
        while (examined < store->batch) {
            session *cold = sh->cold;
            if (cold == NULL || !session_is_expired_locked(store, cold, *now))
                break;
            examined++;
            session_unlink_locked(store, sh, cold);
            sh->expired++;
            cold->hnext = *victims;
            *victims = cold;
            got = reserve_place(store);
            if (got)
                break;
        }
        session_shard_unlock(sh);
        if (got)
            return true;
        /* Another create may have freed a place meanwhile. */
        if (reserve_place(store))
            return true;
    }
    return false;
}

/* ---- create, acquire, release, remove --------------------------------- */

session_status session_create(session_store *store, session **out,
                              char id_out[SESSION_ID_SIZE])
{
    return session_create_record(store, NULL, 0, 0, 0, out, id_out);
}

static uint64_t aged(uint64_t now, uint64_t age_ms)
{
    uint64_t age_ns = age_ms > UINT64_MAX / NS_PER_MS ? UINT64_MAX : age_ms * NS_PER_MS;
    return now > age_ns ? now - age_ns : 0;
}

session_status session_create_record(session_store *store, const char *given_id,
                                     uint64_t given_hash, uint64_t age_ms,
                                     uint64_t created_age_ms, session **out,
                                     char id_out[SESSION_ID_SIZE])
{
    session_status st;
    session *s = NULL;
    session *victims = NULL;
    bool mutex_ready = false, record_locked = false, reserved = false;

    if (out != NULL)
        *out = NULL;
    if (store == NULL || out == NULL)
        return SESSION_INVALID;

    s = calloc(1, sizeof *s);
    if (s == NULL) {
        st = SESSION_NOMEM;
        goto out;
    }
    if (given_id != NULL) {
        memcpy(s->id, given_id, SESSION_ID_LEN);
        s->id[SESSION_ID_LEN] = '\0';
        s->hash = given_hash;
        st = SESSION_OK;
    } else {
        st = session_id_generate(s->id, &s->hash);
        if (st != SESSION_OK)
            goto out;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        st = SESSION_NOMEM;
        goto out;
    }
    mutex_ready = true;
    s->store = store;
    s->users = 1;
    atomic_init(&s->linked, false);
    atomic_init(&s->calls, 0);
    atomic_init(&s->errors, 0);
    /* Nobody can see the record yet, so this never waits; it is handed out
     * already acquired. */
    session_record_lock(s);
    record_locked = true;

    session_shard *sh = session_shard_of(store, s->hash);
    uint64_t now = 0;
    reserved = reserve_place(store) ||
               reclaim_and_reserve(store, (size_t)(sh - store->shards), &now, &victims);
    if (!reserved) {
        atomic_fetch_add_explicit(&store->rejected, 1, memory_order_relaxed);
        st = SESSION_CAPACITY;
        goto out;
    }

    session_shard_lock(sh);
    now = session_store_now(store);
    if (find_locked(store, sh, s->id, s->hash) != NULL) {
        /* Two equal 128-bit draws mean the generator is broken, not
         * unlucky; refuse rather than hand out a shared id. A restore
         * that finds its id linked lost a race with another restore. */
        st = given_id != NULL ? SESSION_INVALID : SESSION_ERR_RANDOM;
    } else {
        session **bucket = bucket_of(sh, store, s->hash);
        s->hnext = *bucket;
        *bucket = s;
        lru_push_hot(sh, s);
        atomic_store_explicit(&s->linked, true, memory_order_relaxed);
        s->created_ns = aged(now, created_age_ms);
        s->last_access_ns = aged(now, age_ms);
        if (store->persist != NULL)
            s->touched_ms = store_now_ms() - (int64_t)age_ms;
        sh->live++;
        sh->created++;
        reserved = false; /* the place now belongs to the linked record */
    }
    session_shard_unlock(sh);

out:
    if (reserved && st != SESSION_OK)
        atomic_fetch_sub_explicit(&store->reserved, 1, memory_order_relaxed);
    session_end_chain(store, victims);
    if (st == SESSION_OK) {
        if (id_out != NULL)
            memcpy(id_out, s->id, SESSION_ID_SIZE);
        *out = s;
    } else if (s != NULL) {
        if (record_locked)
            session_record_unlock(s);
        if (mutex_ready)
            pthread_mutex_destroy(&s->lock);
        free(s);
    }
    return st;
}

/* Finds a live record and counts the caller as a user: the first half of
 * an acquire, all of a hold. */
static session_status hold(session_store *store, const char *id, session **out,
                           store_error *err)
{
    uint64_t hash;
    session *victim = NULL;
    store_status restored = STORE_NOT_FOUND;

    if (out != NULL)
        *out = NULL;
    if (store == NULL || out == NULL || !session_id_parse(id, &hash))
        return SESSION_INVALID;

    session_shard *sh = session_shard_of(store, hash);
    session_shard_lock(sh);
    uint64_t now = session_store_now(store);
    session *s = lookup_locked(store, sh, id, hash, now, &victim);
    if (s != NULL) {
        s->users++;
        s->last_access_ns = now;
        session_lru_touch_locked(sh, s);
    }
    if (s == NULL && store->persist != NULL) {
        /* Not in memory: perhaps stored. The restore runs with no lock of
         * ours held; then the lookup once more (a concurrent restore or a
         * remove may have come between). */
        session_shard_unlock(sh);
        if (victim != NULL) {
            session_end(store, victim);
            victim = NULL;
        }
        restored = session_restore(store, id, hash, err);
        session_shard_lock(sh);
        now = session_store_now(store);
        s = lookup_locked(store, sh, id, hash, now, &victim);
        if (s != NULL) {
            s->users++;
            s->last_access_ns = now;
            session_lru_touch_locked(sh, s);
        }
    }
    session_shard_unlock(sh);

    if (victim != NULL)
        session_end(store, victim);
    if (s == NULL)
        return restored == STORE_OK || restored == STORE_NOT_FOUND ? SESSION_NOT_FOUND
                                                                   : SESSION_ERR_STORE;
    *out = s;
    return SESSION_OK;
}

session_status session_hold(session_store *store, const char *id, session **out)
{
    store_error err;
    return hold(store, id, out, &err);
}

session_status session_acquire_why(session_store *store, const char *id,
                                   session **out, char *why, size_t why_size)
{
    store_error err = {0};
    session_status st = hold(store, id, out, &err);

    if (why != NULL && why_size > 0)
        why[0] = '\0';
    if (st == SESSION_ERR_STORE && why != NULL && why_size > 0)
        snprintf(why, why_size, "%s", err.message[0] != '\0' ? err.message
                                                             : store_status_name(err.code));
    if (st != SESSION_OK)
        return st;
    session *s = *out;
    session_record_lock(s);
    /* Removed while this caller waited for the previous user: the id is
     * gone, so say so; the release below may be the one that frees it. */
    if (!atomic_load_explicit(&s->linked, memory_order_relaxed)) {
        session_release(s);
        *out = NULL;
        return SESSION_NOT_FOUND;
    }
    if (store->persist != NULL && store_shared(store->persist)) {
        st = session_revalidate(s, why, why_size);
        if (st != SESSION_OK) {
            session_release(s);
            *out = NULL;
        }
    }
    return st;
}

session_status session_acquire(session_store *store, const char *id,
                               session **out)
{
    return session_acquire_why(store, id, out, NULL, 0);
}

/* The LRU move stays under the shard lock: the reaper's "stop at the first
 * record not over-idle" is only right while each shard's list is exactly
 * in last-access order, and with one shard lock per 1/64 of the sessions
 * two threads on different sessions rarely wait for each other here. */
void session_unhold(session *s)
{
    if (s == NULL)
        return;
    session_store *store = s->store;
    session_shard *sh = session_shard_of(store, s->hash);
    bool free_now, touch = false;
    int64_t wall = store->persist != NULL ? store_now_ms() : 0;

    session_shard_lock(sh);
    assert(s->users > 0);
    s->users--;
    if (atomic_load_explicit(&s->linked, memory_order_relaxed)) {
        s->last_access_ns = session_store_now(store);
        session_lru_touch_locked(sh, s);
        free_now = false;
        /* The stored access time follows at most touch_ms behind, so a
         * busy session costs a queued touch now and then, not per call. */
        if (store->persist != NULL && wall - s->touched_ms >= store->touch_ms) {
            s->touched_ms = wall;
            touch = true;
        }
    } else {
        free_now = s->users == 0;
    }
    session_shard_unlock(sh);
    if (touch)
        store_touch(store->persist, s->id, wall);
    if (free_now)
        session_destroy(store, s);
}

void session_release(session *s)
{
    if (s == NULL)
        return;
    session_record_unlock(s);
    session_unhold(s);
}

session_status session_remove(session_store *store, const char *id)
{
    uint64_t hash;
    session *victim = NULL;
    bool borrowed = false;

    if (store == NULL || !session_id_parse(id, &hash))
        return SESSION_INVALID;

    session_shard *sh = session_shard_of(store, hash);
    session_shard_lock(sh);
    session *s = lookup_locked(store, sh, id, hash, session_store_now(store), &victim);
    if (s != NULL) {
        session_unlink_locked(store, sh, s);
        s->closing = true;
        sh->removed++;
        if (s->users == 0) {
            victim = s;
        } else {
            /* Its users free it; a user of our own keeps it alive while
             * its layers are told it is gone. */
            s->users++;
            borrowed = true;
        }
    }
    session_shard_unlock(sh);

    if (victim != NULL)
        session_end(store, victim);
    if (borrowed) {
        session_notify_unlinked(store, s);
        session_unhold(s);
    }
    return s != NULL ? SESSION_OK : SESSION_NOT_FOUND;
}

void session_remove_held(session *s)
{
    if (s == NULL)
        return;
    SESSION_ASSERT_HELD(s);
    session_store *store = s->store;
    session_shard *sh = session_shard_of(store, s->hash);
    bool unlinked = false;

    session_shard_lock(sh);
    assert(s->users > 0);
    if (atomic_load_explicit(&s->linked, memory_order_relaxed)) {
        session_unlink_locked(store, sh, s);
        s->closing = true;
        sh->removed++;
        unlinked = true;
    }
    session_shard_unlock(sh);
    /* The caller's own use keeps the record alive. */
    if (unlinked)
        session_notify_unlinked(store, s);
}

/* ---- accessors for a held record -------------------------------------- */

const char *session_id(const session *s)
{
    return s != NULL ? s->id : "";
}

void *session_payload(const session *s)
{
    return s != NULL ? s->payload : NULL;
}

void session_set_payload(session *s, void *payload)
{
    if (s == NULL)
        return;
    SESSION_ASSERT_HELD(s);
    void *old = s->payload;
    s->payload = payload;
    if (old != NULL && old != payload && s->store->payload_free != NULL)
        s->store->payload_free(old);
}

void session_count_call(session *s, bool was_error)
{
    if (s == NULL)
        return;
    atomic_fetch_add_explicit(&s->calls, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->store->calls, 1, memory_order_relaxed);
    if (was_error) {
        atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&s->store->errors, 1, memory_order_relaxed);
    }
}

/* Under the caller's record lock, the shard lock (record -> shard). */
void session_set_bytes(session *s, size_t payload_bytes)
{
    if (s == NULL)
        return;
    SESSION_ASSERT_HELD(s);
    session_shard *sh = session_shard_of(s->store, s->hash);
    session_shard_lock(sh);
    /* The store total covers linked records only; an unlinked one keeps
     * its own figure for whoever still holds it. */
    if (atomic_load_explicit(&s->linked, memory_order_relaxed))
        sh->bytes = sh->bytes - s->bytes + payload_bytes;
    s->bytes = payload_bytes;
    session_shard_unlock(sh);
}

/* ---- attachments ------------------------------------------------------- */

session_status session_slot_register(session_store *store,
                                     const session_slot_ops *ops,
                                     session_slot *out)
{
    session_status st = SESSION_CAPACITY;

    if (store == NULL || ops == NULL || ops->free == NULL || out == NULL)
        return SESSION_INVALID;
    pthread_mutex_lock(&store->slots_lock);
    for (session_slot i = 0; i < SESSION_SLOTS; i++) {
        const session_slot_ops *there = slot_ops(store, i);

        if (there == ops || there == NULL) {
            if (there == NULL)
                atomic_store_explicit(&store->slot_ops[i], ops, memory_order_release);
            *out = i;
            st = SESSION_OK;
            break;
        }
    }
    pthread_mutex_unlock(&store->slots_lock);
    return st;
}

void session_attach(session *s, session_slot slot, void *data)
{
    if (s == NULL || slot >= SESSION_SLOTS)
        return;
    SESSION_ASSERT_HELD(s);
    assert(slot_ops(s->store, slot) != NULL);
    void *old = atomic_exchange_explicit(&s->attached[slot], data, memory_order_acq_rel);
    if (data != NULL)
        atomic_fetch_add_explicit(&s->store->slot_count[slot], 1, memory_order_relaxed);
    if (old != NULL)
        free_attachment(s->store, slot, old);
}

void *session_attachment(const session *s, session_slot slot)
{
    if (s == NULL || slot >= SESSION_SLOTS)
        return NULL;
    return atomic_load_explicit(&((session *)s)->attached[slot], memory_order_acquire);
}

void *session_detach(session *s, session_slot slot)
{
    if (s == NULL || slot >= SESSION_SLOTS)
        return NULL;
    SESSION_ASSERT_HELD(s);
    void *old = atomic_exchange_explicit(&s->attached[slot], NULL, memory_order_acq_rel);
    if (old != NULL)
        atomic_fetch_sub_explicit(&s->store->slot_count[slot], 1, memory_order_relaxed);
    return old;
}

size_t session_slot_count(session_store *store, session_slot slot)
{
    if (store == NULL || slot >= SESSION_SLOTS)
        return 0;
    return atomic_load_explicit(&store->slot_count[slot], memory_order_relaxed);
}

/* ---- snapshots -------------------------------------------------------- */

static void snapshot_locked(const session *s, session_info *info)
{
    memcpy(info->id, s->id, SESSION_ID_SIZE);
    info->created_ms = s->created_ns / NS_PER_MS;
    info->last_access_ms = s->last_access_ns / NS_PER_MS;
    info->calls = atomic_load_explicit(&s->calls, memory_order_relaxed);
    info->errors = atomic_load_explicit(&s->errors, memory_order_relaxed);
    info->bytes = s->bytes;
    info->users = s->users;
}

session_status session_get_info(session_store *store, const char *id,
                                session_info *out)
{
    uint64_t hash;
    session *victim = NULL;

    if (store == NULL || out == NULL || !session_id_parse(id, &hash))
        return SESSION_INVALID;

    session_shard *sh = session_shard_of(store, hash);
    session_shard_lock(sh);
    session *s = lookup_locked(store, sh, id, hash, session_store_now(store), &victim);
    if (s != NULL)
        snapshot_locked(s, out);
    session_shard_unlock(sh);

    if (victim != NULL)
        session_end(store, victim);
    return s != NULL ? SESSION_OK : SESSION_NOT_FOUND;
}

/* Sums the shards one lock at a time: each shard's figures are consistent
 * with each other, the sum is exact whenever the store is quiet (which is
 * when the invariant created == live + removed + evicted + expired is
 * meant to hold), and no reader ever stops all shards at once. */
void session_store_stats(session_store *store, session_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (store == NULL)
        return;
    for (size_t i = 0; i < SESSION_SHARDS; i++) {
        session_shard *sh = &store->shards[i];
        session_shard_lock(sh);
        out->live += sh->live;
        out->bytes += sh->bytes;
        out->created += sh->created;
        out->removed += sh->removed;
        out->evicted += sh->evicted;
        out->expired += sh->expired;
        session_shard_unlock(sh);
    }
    out->rejected = atomic_load_explicit(&store->rejected, memory_order_relaxed);
    out->reaper_passes = atomic_load_explicit(&store->reaper_passes, memory_order_relaxed);
    out->lock_hold_max_ns = atomic_load_explicit(&store->lock_hold_max_ns,
                                                 memory_order_relaxed);
    out->calls = atomic_load_explicit(&store->calls, memory_order_relaxed);
    out->errors = atomic_load_explicit(&store->errors, memory_order_relaxed);
}

/* Walks the buckets in bounded holds, copying snapshots into a buffer and
 * calling fn with the lock released. The shards' slices lie end to end in
 * one array that never moves (the table does not grow), so an index into
 * it is a stable cursor; a hold never crosses a shard's slice, so it needs
 * only that shard's lock. A record linked for the whole walk is reported
 * exactly once; one created or ended during it may or may not be.
 * Over-idle records are skipped, not reported. */
void session_foreach(session_store *store,
                     void (*fn)(const session_info *info, void *ctx), void *ctx)
{
    if (store == NULL || fn == NULL)
        return;
    size_t cap = FOREACH_RECORDS;
    session_info *buf = malloc(cap * sizeof *buf);
    if (buf == NULL)
        return;

    size_t per_shard = store->shard_mask + 1;
    size_t nbuckets = per_shard * SESSION_SHARDS;
    size_t cursor = 0;
    while (cursor < nbuckets) {
        size_t count = 0;
        bool oom = false;
        session_shard *sh = &store->shards[cursor / per_shard];
        size_t shard_end = (cursor / per_shard + 1) * per_shard;
        size_t end = cursor + FOREACH_BUCKETS < shard_end ? cursor + FOREACH_BUCKETS
                                                          : shard_end;
        session_shard_lock(sh);
        uint64_t now = session_store_now(store);
        for (; cursor < end; cursor++) {
            size_t chain = 0;
            for (session *s = store->buckets[cursor]; s != NULL; s = s->hnext)
                chain++;
            if (count + chain > cap) {
                if (count > 0)
                    break; /* flush first; resume at this bucket */
                /* One chain longer than the buffer: only possible with a
                 * tiny table far over its load factor. */
                session_info *bigger = realloc(buf, chain * sizeof *buf);
                if (bigger == NULL) {
                    oom = true;
                    break;
                }
                buf = bigger;
                cap = chain;
            }
            for (session *s = store->buckets[cursor]; s != NULL; s = s->hnext)
                if (!session_is_expired_locked(store, s, now))
                    snapshot_locked(s, &buf[count++]);
        }
        session_shard_unlock(sh);
        for (size_t i = 0; i < count; i++)
            fn(&buf[i], ctx);
        if (oom)
            break;
    }
    free(buf);
}
