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
 * Lock order: record -> shard. A thread that holds a record lock may take
 * one shard lock (session_create links its new record, session_set_bytes
 * and session_remove_held update the shard, all under the caller's record
 * lock); no thread takes a record lock while it holds a shard lock, and
 * none ever holds two shard locks. The reaper's wait lock and the slot
 * registration lock are held with no other. Builds with assertions check
 * the order on every lock (a per-thread count of shard locks held) and
 * that a *_locked helper's caller is the thread that holds the lock.
 */
#ifndef SESSION_INTERNAL_H
#define SESSION_INTERNAL_H

#include "session/session.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>

/* The store is split into SESSION_SHARDS independent parts so that threads
 * working on different sessions rarely meet on one lock. The shard is the
 * hash's top bits; the bucket within the shard is its low bits, so the two
 * choices are independent (the hash is 64 random bits). */
#define SESSION_SHARD_BITS 6u
#define SESSION_SHARDS (1u << SESSION_SHARD_BITS) /* shards per store_handle */
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
    bool keep_stored;              /* [R] leaving memory must not delete the row */
    bool closing;                  /* [S] unlinked by a remove (a close), not by
                                    * eviction or expiry */

    _Atomic uint64_t calls;        /* [A] */
    _Atomic uint64_t errors;       /* [A] */

    void *payload;                 /* [R] */
    uint64_t persist_version;      /* [R] the stored row's version */
    int64_t touched_ms;            /* [S] wall-clock access last queued to the store_handle */
    /* Written [R] by the acquirer (or the creator before the record is
     * shared); read by acquirers, by holders of slots set before sharing,
     * and by whoever unlinks the record (for the unlinked callbacks).
     * Atomic (release/acquire) so that those readers need no lock. */
    void *_Atomic attached[SESSION_SLOTS];
    pthread_mutex_t lock;          /* serializes the users of this record */
#ifndef NDEBUG
    /* Who holds lock, for the assertions of functions that need it. */
    pthread_t lock_owner;          /* [R] */
    bool lock_held;                /* [R] */
#endif
};

/* One shard: its own lock, its slice of the bucket array, its LRU list and
 * its share of the counters. Aligned to a cache line so that two threads
 * on two shards do not bounce one line between cores. */
typedef struct session_shard {
    _Alignas(SESSION_CACHE_LINE) pthread_mutex_t lock; /* the shard lock */
    session **buckets;             /* [C] pointer; the slots are [S] */
    session *cold;                 /* [S] LRU: least recently used end */
    session *hot;                  /* [S] LRU: most recently used end */
    bool held;                     /* [S] true from lock to unlock */
    pthread_t owner;               /* [S] the holder while held; the
                                    * *_locked helpers assert it is them */
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
    store_handle *persist;                /* [C] NULL: memory only */
    void *(*payload_restore)(void *, const char *, size_t, const char *, size_t); /* [C] */
    void *restore_ctx;             /* [C] */
    int64_t touch_ms;              /* [C] least wall time between two touches of a row */
    _Atomic uint64_t restored;     /* [A] */
    /* Per slot: rebuilds an attachment from a stored tag; set once by the
     * layer at start, read lock-free. */
    void *(*_Atomic slot_restore[SESSION_SLOTS])(void *, const char *, const char *);
    void *_Atomic slot_restore_ctx[SESSION_SLOTS];

    /* Slots of attachments: registered under slots_lock, read lock-free
     * (each entry is written once, from NULL to its ops). */
    pthread_mutex_t slots_lock;
    const session_slot_ops *_Atomic slot_ops[SESSION_SLOTS];
    _Atomic size_t slot_count[SESSION_SLOTS]; /* [A] attachments alive */

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

/* Shard locks this thread holds, in builds with assertions: the lock
 * order's bookkeeping. */
#ifndef NDEBUG
extern _Thread_local unsigned session_shard_locks_held;
#endif

/* True when the calling thread holds sh's lock. For assertions only: when
 * another thread holds it, owner may be changing as it is read. */
static inline bool session_shard_held(const session_shard *sh)
{
    return sh->held && pthread_equal(sh->owner, pthread_self());
}

/* The shard lock, always through these, so that held and owner say who
 * holds it and the *_locked helpers can assert that it is their caller. */
static inline void session_shard_lock(session_shard *sh)
{
    /* Never two shard locks: one thread could wait for another's shard
     * while that one waits for this one's. */
    assert(session_shard_locks_held == 0 && "a second shard lock");
    pthread_mutex_lock(&sh->lock);
    sh->owner = pthread_self();
    sh->held = true;
#ifndef NDEBUG
    session_shard_locks_held++;
#endif
}

static inline void session_shard_unlock(session_shard *sh)
{
    assert(session_shard_held(sh));
    sh->held = false;
#ifndef NDEBUG
    session_shard_locks_held--;
#endif
    pthread_mutex_unlock(&sh->lock);
}

/* The record lock, always through these. record -> shard is the order, so
 * a thread holding a shard lock must not wait for a record. */
static inline void session_record_lock(session *s)
{
    assert(session_shard_locks_held == 0 && "a record lock under a shard lock");
    pthread_mutex_lock(&s->lock);
#ifndef NDEBUG
    s->lock_owner = pthread_self();
    s->lock_held = true;
#endif
}

static inline void session_record_unlock(session *s)
{
#ifndef NDEBUG
    assert(s->lock_held && pthread_equal(s->lock_owner, pthread_self()));
    s->lock_held = false;
#endif
    pthread_mutex_unlock(&s->lock);
}

/* For the assertions of functions whose caller must hold s (acquired). */
#ifndef NDEBUG
#define SESSION_ASSERT_HELD(s) \
    assert((s)->lock_held && pthread_equal((s)->lock_owner, pthread_self()))
#else
#define SESSION_ASSERT_HELD(s) ((void)(s))
#endif

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
/* Frees the payload, the attachments, the lock and the record.
 * Precondition: no lock of the store held, record unlinked, no users. */
void session_destroy(session_store *store, session *s);
/* Tells the attachments' layers that the record left the table
 * (session_slot_ops.unlinked). Precondition: no shard lock held; called
 * once per record, by the thread that unlinked it. */
void session_notify_unlinked(session_store *store, session *s);
/* An unlinked victim without users: notify, then destroy. */
void session_end(session_store *store, session *s);
/* session_end for a chain of victims linked through hnext; outside every
 * lock. */
void session_end_chain(session_store *store, session *chain);
/* True when the record has no users and has been idle longer than the TTL.
 * Precondition: the record's shard lock held. */
bool session_is_expired_locked(const session_store *store, const session *s,
                               uint64_t now);

/* persist.c, for store.c and reaper.c */
/* A lookup missed: brings the id's stored row into memory when it has one
 * and is not over-idle. No lock of the store held. Returns what the store
 * answered (STORE_OK also when the row was dropped or not restored). */
store_status session_restore(session_store *store, const char *id, uint64_t hash,
                             store_error *err);
/* A shared store: checks an acquired record against its row (one round
 * trip). SESSION_OK (payload now the stored version's), SESSION_NOT_FOUND
 * (the row is gone; the record left memory), SESSION_ERR_STORE (why
 * filled). */
session_status session_revalidate(session *s, char *why, size_t why_size);
/* Creates a record for a given id (restore) or a fresh one (id NULL), aged
 * by age_ms, returned acquired. */
session_status session_create_record(session_store *store, const char *id,
                                     uint64_t hash, uint64_t age_ms,
                                     uint64_t created_age_ms, session **out,
                                     char id_out[SESSION_ID_SIZE]);
/* After a reaper pass: ends stored rows that are over-idle and not in
 * memory, and makes queued deletes durable. */
void session_persist_sweep(session_store *store);

/* reaper.c, for store.c */
void session_reaper_stop(session_store *store);

#endif /* SESSION_INTERNAL_H */
