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
 * One store lock guards a chained hash table and an LRU list; each record
 * has its own lock for its payload. The store lock is held for O(1) work
 * only: find, insert, unlink, a user count up or down, an LRU move. No
 * payload is ever built, used or freed under it, and the two kinds of lock
 * are never held together (session_internal.h has the field-by-field
 * table).
 *
 * - Hash table: power-of-two buckets, at least max_sessions of them (load
 *   factor <= 1), chained through the records themselves, so an insert is
 *   one allocation (the record) and an unlink is a walk of a chain of
 *   expected length under one. The hash is the id's first 64 random bits:
 *   only minted ids are inserted, so chains cannot be lengthened from
 *   outside and no seed is needed. The table never grows: its size is
 *   fixed by max_sessions, which is also the most it may hold, so there is
 *   never a rehash pause under the lock.
 * - LRU list: acquire and release stamp last_access and move the record to
 *   the hot end, O(1). Records without users therefore sit in order of
 *   last access, and the reaper (reaper.c) reads only the cold end and
 *   stops at the first record that is not yet over-idle: its work is
 *   proportional to what it evicts, not to what the store holds.
 * - Users: acquire raises the count under the store lock and then takes
 *   the record lock outside it; release drops the record lock, then the
 *   count under the store lock. A record with users is never freed: removal
 *   and eviction only unlink it (no new user can find it) and the release
 *   that brings the count to zero frees it, outside every lock. A user that
 *   was waiting for the record lock while the record was removed gets
 *   SESSION_NOT_FOUND rather than a record that no longer exists.
 * - Expiry at lookup: a record idle longer than the TTL and without users
 *   is gone, whether or not the reaper has passed; the lookup that finds it
 *   unlinks it, counts it as expired and frees it after unlocking.
 * - Capacity: at max_sessions a create first reclaims records that are
 *   already over-idle from the cold end (they are gone anyway) and
 *   otherwise fails with SESSION_CAPACITY; it never evicts live work.
 *
 * Complexity
 * ----------
 * create, acquire, release, remove: O(1) expected, each with one or two
 * short store-lock holds. A reaper pass: O(evicted + skipped in-use), in
 * holds of at most reap_batch records. Stats: O(1). Foreach: O(buckets +
 * records) in bounded holds.
 *
 * Memory
 * ------
 * A record is about 176 bytes on x86-64 (33-byte id, hash, five links and
 * counters, a 40-byte pthread mutex), 192 bytes as a glibc chunk; the table
 * adds one 8-byte bucket per 1 to 2 records allowed. At the default limit
 * of 200,000 that is 2 MiB of buckets and about 38 MiB for full records,
 * before any payload. specs/session.md has the measured figures.
 */
#include "session/session_internal.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_BUCKETS 16u                /* buckets */
#define MAX_BUCKETS (1u << 22)         /* buckets; 32 MiB of table on 64-bit */
#define FOREACH_RECORDS 128u           /* records copied per store-lock hold */
#define FOREACH_BUCKETS 4096u          /* buckets scanned per store-lock hold */
#define NS_PER_MS 1000000ull           /* ns */

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

session_status session_store_new(const session_config *config,
                                 session_store **out)
{
    session_status st = SESSION_NOMEM;
    session_config defaults = {0};
    session_store *store = NULL;
    bool lock_ready = false, reaper_lock_ready = false, cond_ready = false;
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
    atomic_init(&store->calls, 0);
    atomic_init(&store->errors, 0);

    size_t nbuckets = bucket_count_for(store->max_sessions);
    store->mask = nbuckets - 1;
    store->buckets = calloc(nbuckets, sizeof *store->buckets);
    if (store->buckets == NULL)
        goto out;

    if (pthread_mutex_init(&store->lock, NULL) != 0)
        goto out;
    lock_ready = true;
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
        if (lock_ready)
            pthread_mutex_destroy(&store->lock);
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
    /* Every linked record is on the LRU list. Records already unlinked but
     * still held belong to their holders, who by contract are gone. */
    session *s = store->cold;
    while (s != NULL) {
        session *next = s->newer;
        atomic_store_explicit(&s->linked, false, memory_order_relaxed);
        session_destroy(store, s);
        s = next;
    }
    pthread_cond_destroy(&store->reaper_cond);
    pthread_mutex_destroy(&store->reaper_lock);
    pthread_mutex_destroy(&store->lock);
    free(store->buckets);
    free(store);
}

/* ---- LRU list and hash table; all under the store lock ---------------- */

static void lru_remove(session_store *store, session *s)
{
    if (s->older != NULL)
        s->older->newer = s->newer;
    else
        store->cold = s->newer;
    if (s->newer != NULL)
        s->newer->older = s->older;
    else
        store->hot = s->older;
    s->older = s->newer = NULL;
}

static void lru_push_hot(session_store *store, session *s)
{
    s->older = store->hot;
    s->newer = NULL;
    if (store->hot != NULL)
        store->hot->newer = s;
    else
        store->cold = s;
    store->hot = s;
}

void session_lru_touch_locked(session_store *store, session *s)
{
    if (store->hot != s) {
        lru_remove(store, s);
        lru_push_hot(store, s);
    }
}

static session *find_locked(session_store *store, const char *id, uint64_t hash)
{
    for (session *s = store->buckets[hash & store->mask]; s != NULL; s = s->hnext)
        if (s->hash == hash && memcmp(s->id, id, SESSION_ID_LEN) == 0)
            return s;
    return NULL;
}

void session_unlink_locked(session_store *store, session *s)
{
    assert(atomic_load_explicit(&s->linked, memory_order_relaxed));
    session **pp = &store->buckets[s->hash & store->mask];
    while (*pp != s)
        pp = &(*pp)->hnext;
    *pp = s->hnext;
    s->hnext = NULL;
    lru_remove(store, s);
    atomic_store_explicit(&s->linked, false, memory_order_relaxed);
    store->live--;
    store->bytes -= s->bytes;
}

bool session_is_expired_locked(const session_store *store, const session *s,
                               uint64_t now)
{
    /* A clock that steps back (only a fake one can) means "not idle". */
    return s->users == 0 && now > s->last_access_ns &&
           now - s->last_access_ns > store->ttl_ns;
}

/* Finds a live record. One found over-idle is unlinked and counted as
 * expired, and handed back in *victim for the caller to free after
 * unlocking; the lookup then reports it as not found. */
static session *lookup_locked(session_store *store, const char *id, uint64_t hash,
                              uint64_t now, session **victim)
{
    session *s = find_locked(store, id, hash);
    if (s == NULL)
        return NULL;
    if (session_is_expired_locked(store, s, now)) {
        session_unlink_locked(store, s);
        store->expired++;
        *victim = s;
        return NULL;
    }
    return s;
}

void session_destroy(session_store *store, session *s)
{
    assert(!atomic_load_explicit(&s->linked, memory_order_relaxed));
    if (s->payload != NULL && store->payload_free != NULL)
        store->payload_free(s->payload);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void session_destroy_chain(session_store *store, session *chain)
{
    while (chain != NULL) {
        session *next = chain->hnext;
        session_destroy(store, chain);
        chain = next;
    }
}

/* ---- create, acquire, release, remove --------------------------------- */

session_status session_create(session_store *store, session **out,
                              char id_out[SESSION_ID_SIZE])
{
    session_status st;
    session *s = NULL;
    session *victims = NULL;
    bool mutex_ready = false;

    if (out != NULL)
        *out = NULL;
    if (store == NULL || out == NULL)
        return SESSION_INVALID;

    s = calloc(1, sizeof *s);
    if (s == NULL) {
        st = SESSION_NOMEM;
        goto out;
    }
    st = session_id_generate(s->id, &s->hash);
    if (st != SESSION_OK)
        goto out;
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
    pthread_mutex_lock(&s->lock);

    pthread_mutex_lock(&store->lock);
    uint64_t now = session_store_now(store);
    /* Over-idle records are gone already; reclaim a bounded few so that
     * abandoned sessions do not lock out new ones between reaper passes. */
    for (size_t n = 0; store->live >= store->max_sessions && n < store->batch; n++) {
        session *cold = store->cold;
        if (cold == NULL || !session_is_expired_locked(store, cold, now))
            break;
        session_unlink_locked(store, cold);
        store->expired++;
        cold->hnext = victims;
        victims = cold;
    }
    if (store->live >= store->max_sessions) {
        store->rejected++;
        st = SESSION_CAPACITY;
    } else if (find_locked(store, s->id, s->hash) != NULL) {
        /* Two equal 128-bit draws mean the generator is broken, not
         * unlucky; refuse rather than hand out a shared id. */
        st = SESSION_ERR_RANDOM;
    } else {
        session **bucket = &store->buckets[s->hash & store->mask];
        s->hnext = *bucket;
        *bucket = s;
        lru_push_hot(store, s);
        atomic_store_explicit(&s->linked, true, memory_order_relaxed);
        s->created_ns = s->last_access_ns = now;
        store->live++;
        store->created++;
    }
    pthread_mutex_unlock(&store->lock);
    if (st != SESSION_OK)
        pthread_mutex_unlock(&s->lock);

out:
    session_destroy_chain(store, victims);
    if (st == SESSION_OK) {
        if (id_out != NULL)
            memcpy(id_out, s->id, SESSION_ID_SIZE);
        *out = s;
    } else if (s != NULL) {
        if (mutex_ready)
            pthread_mutex_destroy(&s->lock);
        free(s);
    }
    return st;
}

session_status session_acquire(session_store *store, const char *id,
                               session **out)
{
    uint64_t hash;
    session *victim = NULL;

    if (out != NULL)
        *out = NULL;
    if (store == NULL || out == NULL || !session_id_parse(id, &hash))
        return SESSION_INVALID;

    pthread_mutex_lock(&store->lock);
    uint64_t now = session_store_now(store);
    session *s = lookup_locked(store, id, hash, now, &victim);
    if (s != NULL) {
        s->users++;
        s->last_access_ns = now;
        session_lru_touch_locked(store, s);
    }
    pthread_mutex_unlock(&store->lock);

    if (victim != NULL)
        session_destroy(store, victim);
    if (s == NULL)
        return SESSION_NOT_FOUND;

    pthread_mutex_lock(&s->lock);
    /* Removed while this caller waited for the previous user: the id is
     * gone, so say so; the release below may be the one that frees it. */
    if (!atomic_load_explicit(&s->linked, memory_order_relaxed)) {
        session_release(s);
        return SESSION_NOT_FOUND;
    }
    *out = s;
    return SESSION_OK;
}

void session_release(session *s)
{
    if (s == NULL)
        return;
    session_store *store = s->store;
    bool free_now;

    pthread_mutex_unlock(&s->lock);
    pthread_mutex_lock(&store->lock);
    assert(s->users > 0);
    s->users--;
    if (atomic_load_explicit(&s->linked, memory_order_relaxed)) {
        s->last_access_ns = session_store_now(store);
        session_lru_touch_locked(store, s);
        free_now = false;
    } else {
        free_now = s->users == 0;
    }
    pthread_mutex_unlock(&store->lock);
    if (free_now)
        session_destroy(store, s);
}

session_status session_remove(session_store *store, const char *id)
{
    uint64_t hash;
    session *victim = NULL;

    if (store == NULL || !session_id_parse(id, &hash))
        return SESSION_INVALID;

    pthread_mutex_lock(&store->lock);
    session *s = lookup_locked(store, id, hash, session_store_now(store), &victim);
    if (s != NULL) {
        session_unlink_locked(store, s);
        store->removed++;
        if (s->users == 0)
            victim = s;
    }
    pthread_mutex_unlock(&store->lock);

    if (victim != NULL)
        session_destroy(store, victim);
    return s != NULL ? SESSION_OK : SESSION_NOT_FOUND;
}

void session_remove_held(session *s)
{
    if (s == NULL)
        return;
    session_store *store = s->store;
    pthread_mutex_lock(&store->lock);
    assert(s->users > 0);
    if (atomic_load_explicit(&s->linked, memory_order_relaxed)) {
        session_unlink_locked(store, s);
        store->removed++;
    }
    pthread_mutex_unlock(&store->lock);
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

void session_set_bytes(session *s, size_t payload_bytes)
{
    if (s == NULL)
        return;
    session_store *store = s->store;
    pthread_mutex_lock(&store->lock);
    /* The store total covers linked records only; an unlinked one keeps
     * its own figure for whoever still holds it. */
    if (atomic_load_explicit(&s->linked, memory_order_relaxed))
        store->bytes = store->bytes - s->bytes + payload_bytes;
    s->bytes = payload_bytes;
    pthread_mutex_unlock(&store->lock);
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

    pthread_mutex_lock(&store->lock);
    session *s = lookup_locked(store, id, hash, session_store_now(store), &victim);
    if (s != NULL)
        snapshot_locked(s, out);
    pthread_mutex_unlock(&store->lock);

    if (victim != NULL)
        session_destroy(store, victim);
    return s != NULL ? SESSION_OK : SESSION_NOT_FOUND;
}

void session_store_stats(session_store *store, session_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (store == NULL)
        return;
    pthread_mutex_lock(&store->lock);
    out->live = store->live;
    out->created = store->created;
    out->removed = store->removed;
    out->evicted = store->evicted;
    out->expired = store->expired;
    out->rejected = store->rejected;
    out->bytes = store->bytes;
    out->reaper_passes = store->reaper_passes;
    out->lock_hold_max_ns = store->lock_hold_max_ns;
    pthread_mutex_unlock(&store->lock);
    out->calls = atomic_load_explicit(&store->calls, memory_order_relaxed);
    out->errors = atomic_load_explicit(&store->errors, memory_order_relaxed);
}

/* Walks the buckets in bounded holds, copying snapshots into a buffer and
 * calling fn with the lock released. Buckets never move (the table does not
 * grow), so the bucket index is a stable cursor: a record linked for the
 * whole walk is reported exactly once; one created or ended during it may
 * or may not be. Over-idle records are skipped, not reported. */
void session_foreach(session_store *store,
                     void (*fn)(const session_info *info, void *ctx), void *ctx)
{
    if (store == NULL || fn == NULL)
        return;
    size_t cap = FOREACH_RECORDS;
    session_info *buf = malloc(cap * sizeof *buf);
    if (buf == NULL)
        return;

    size_t nbuckets = store->mask + 1;
    size_t cursor = 0;
    while (cursor < nbuckets) {
        size_t count = 0;
        bool oom = false;
        pthread_mutex_lock(&store->lock);
        uint64_t now = session_store_now(store);
        size_t end = cursor + FOREACH_BUCKETS < nbuckets ? cursor + FOREACH_BUCKETS
                                                         : nbuckets;
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
        pthread_mutex_unlock(&store->lock);
        for (size_t i = 0; i < count; i++)
            fn(&buf[i], ctx);
        if (oom)
            break;
    }
    free(buf);
}
