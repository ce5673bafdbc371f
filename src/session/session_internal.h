/*
 * session_internal.h - what the files of src/session share: the record and
 * store layouts, the lock annotations and the helpers between store.c,
 * reaper.c and id.c. Nothing outside src/session includes this.
 *
 * Which lock guards which field is written beside each field:
 *   [S]  the lock of the record's shard (store_shard_of(store, s->hash)->lock)
 *   [R]  the record's own lock (s->lock), held by the acquirer
 *   [A]  atomic, no lock
 *   [C]  constant after creation
 * Lock order: no thread ever holds two locks of this module at once: not
 * two shard locks, not a shard lock and a record lock, and the reaper's
 * wait lock with neither. With no nesting there is no ordering to get
 * wrong.
 */
#ifndef SESSION_INTERNAL_H
#define SESSION_INTERNAL_H

#include "session/session.h"

#include <pthread.h>
#include <stdatomic.h>

/* The store is split into SESSION_SHARDS independent parts so that threads
 * working on different sessions rarely meet on one lock. The shard is the
 * hash's top bits; the bucket within the shard is its low bits, so the two
 * choices are independent (the hash is 64 random bits). */
#define SESSION_SHARD_BITS 6u
#define SESSION_SHARDS (1u << SESSION_SHARD_BITS) /* shards per store */
#define SESSION_CACHE_LINE 64u                     /* bytes */

struct session {
    char id[SESSION_ID_SIZE];      /* [C] 32 hex digits + NUL */
    uint64_t hash;                 /* [C] the id's first 64 random bits */
    session_store *store;          /* [C] */

    session *hnext;                /* [S] next in the hash bucket chain */
    session *older;                /* [S] LRU neighbour towards the cold end */
    session *newer;                /* [S] LRU neighbour towards the hot end */
    uint64_t created_ns;           /* [S] store clock */
    uint64_t last_access_ns;       /* [S] store clock; acquire and release */
    size_t bytes;                  /* [S] last session_set_bytes */
    unsigned users;                /* [S] acquirers that have not released */
    atomic_bool linked;            /* written [S]; read lock-free by a user */

    _Atomic uint64_t calls;        /* [A] */
    _Atomic uint64_t errors;       /* [A] */

    void *payload;                 /* [R] */
    pthread_mutex_t lock;          /* serializes the users of this record */
};

/* One shard: its own lock, its slice of the bucket array, its LRU list and
 * its share of the counters. Aligned to a cache line so that two threads
 * on two shards do not bounce one line between cores. */
typedef struct session_shard {
    _Alignas(SESSION_CACHE_LINE) pthread_mutex_t lock; /* the shard lock */
    session **buckets;             /* [C] pointer; the slots are [S] */
    session *cold;                 /* [S] LRU: least recently used end */
    session *hot;                  /* [S] LRU: most recently used end */
    bool held;                     /* [S] true from lock to unlock; asserted
                                    * by the *_locked helpers */
    size_t live;                   /* [S] linked records in this shard */
    size_t bytes;                  /* [S] sum of bytes over them */
    uint64_t created;              /* [S] */
    uint64_t removed;              /* [S] */
    uint64_t evicted;              /* [S] */
    uint64_t expired;              /* [S] */
} session_shard;

struct session_store {
    session_shard *shards;         /* [C] SESSION_SHARDS of them */
    session **buckets;             /* [C] all shards' slices, one allocation */
    size_t shard_mask;             /* [C] buckets per shard - 1 */

    size_t max_sessions;           /* [C] */
    uint64_t ttl_ns;               /* [C] idle time after which a record is gone */
    uint64_t interval_ms;          /* [C] reaper wake-up period */
    size_t batch;                  /* [C] reaper victims per shard-lock hold */
    session_clock_fn clock;        /* [C] */
    void *clock_ctx;               /* [C] */
    void (*payload_free)(void *);  /* [C] */

    /* Linked records plus creates that have reserved a place and not yet
     * linked or given it back. Never above max_sessions: a create raises
     * it by compare-and-swap only from below the limit. */
    _Atomic size_t reserved;       /* [A] */
    _Atomic uint64_t rejected;     /* [A] */
    _Atomic uint64_t reaper_passes;    /* [A] */
    _Atomic uint64_t lock_hold_max_ns; /* [A] real time, not the store clock */
    _Atomic uint64_t calls;        /* [A] */
    _Atomic uint64_t errors;       /* [A] */

    /* The reaper thread's wait; guarded by reaper_lock. */
    pthread_mutex_t reaper_lock;
    pthread_cond_t reaper_cond;
    bool reaper_stop;
    bool reaper_running;           /* only touched by start and free */
    pthread_t reaper;
};

/* The shard lock, always through these, so that held is true exactly
 * while some thread holds it and *_locked helpers can assert it. */
static inline void session_shard_lock(session_shard *sh)
{
    pthread_mutex_lock(&sh->lock);
    sh->held = true;
}

static inline void session_shard_unlock(session_shard *sh)
{
    sh->held = false;
    pthread_mutex_unlock(&sh->lock);
}

static inline session_shard *session_shard_of(session_store *store, uint64_t hash)
{
    return &store->shards[hash >> (64u - SESSION_SHARD_BITS)];
}

/* id.c */
/* Fills id with 32 fresh lower-case hex digits and a NUL; hash receives the
 * first 64 of the 128 random bits. */
session_status session_id_generate(char id[SESSION_ID_SIZE], uint64_t *hash);
/* Checks a caller's id (NULL, length, alphabet) without reading past the
 * 33rd byte, and computes its hash. */
bool session_id_parse(const char *id, uint64_t *hash);

/* store.c, for reaper.c */
/* Real monotonic time, for lock-hold measurements and the reaper's wait. */
uint64_t session_mono_ns(void);
/* The store clock. */
uint64_t session_store_now(const session_store *store);
/* Takes a record out of its shard's hash table and LRU list, the shard's
 * totals and the store's reservation count. Precondition: the shard lock
 * held, record linked. */
void session_unlink_locked(session_store *store, session_shard *sh, session *s);
/* Moves a linked record to the hot end of its shard's LRU list.
 * Precondition: the shard lock held. */
void session_lru_touch_locked(session_shard *sh, session *s);
/* Frees the payload, the lock and the record. Precondition: no lock held,
 * record unlinked, no users. */
void session_destroy(session_store *store, session *s);
/* Frees a chain of victims linked through hnext; outside every lock. */
void session_destroy_chain(session_store *store, session *chain);
/* True when the record has no users and has been idle longer than the TTL.
 * Precondition: the record's shard lock held. */
bool session_is_expired_locked(const session_store *store, const session *s,
                               uint64_t now);

/* reaper.c, for store.c */
void session_reaper_stop(session_store *store);

#endif /* SESSION_INTERNAL_H */
