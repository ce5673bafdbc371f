/*
 * session_internal.h - what the files of src/session share: the record and
 * store layouts, the lock annotations and the helpers between store.c,
 * reaper.c and id.c. Nothing outside src/session includes this.
 *
 * Which lock guards which field is written beside each field:
 *   [S]  the store lock (store->lock)
 *   [R]  the record's own lock (s->lock), held by the acquirer
 *   [A]  atomic, no lock
 *   [C]  constant after creation
 * Lock order: the store lock and a record lock are never held together,
 * and the reaper's wait lock is never held with either. With no nesting
 * there is no ordering to get wrong.
 */
#ifndef SESSION_INTERNAL_H
#define SESSION_INTERNAL_H

#include "session/session.h"

#include <pthread.h>
#include <stdatomic.h>

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

struct session_store {
    pthread_mutex_t lock;          /* the store lock */

    session **buckets;             /* [S] power-of-two chained hash table */
    size_t mask;                   /* [C] bucket count - 1 */
    session *cold;                 /* [S] LRU: least recently used end */
    session *hot;                  /* [S] LRU: most recently used end */

    size_t max_sessions;           /* [C] */
    uint64_t ttl_ns;               /* [C] idle time after which a record is gone */
    uint64_t interval_ms;          /* [C] reaper wake-up period */
    size_t batch;                  /* [C] reaper victims per store-lock hold */
    session_clock_fn clock;        /* [C] */
    void *clock_ctx;               /* [C] */
    void (*payload_free)(void *);  /* [C] */

    size_t live;                   /* [S] linked records */
    size_t bytes;                  /* [S] sum of bytes over linked records */
    uint64_t created;              /* [S] */
    uint64_t removed;              /* [S] */
    uint64_t evicted;              /* [S] */
    uint64_t expired;              /* [S] */
    uint64_t rejected;             /* [S] */
    uint64_t reaper_passes;        /* [S] */
    uint64_t lock_hold_max_ns;     /* [S] real time, not the store clock */
    _Atomic uint64_t calls;        /* [A] */
    _Atomic uint64_t errors;       /* [A] */

    /* The reaper thread's wait; guarded by reaper_lock. */
    pthread_mutex_t reaper_lock;
    pthread_cond_t reaper_cond;
    bool reaper_stop;
    bool reaper_running;           /* only touched by start and free */
    pthread_t reaper;
};

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
/* Takes a record out of the hash table and the LRU list and the live
 * totals. Precondition: store lock held, record linked. */
void session_unlink_locked(session_store *store, session *s);
/* Moves a linked record to the hot end of the LRU list. Precondition:
 * store lock held. */
void session_lru_touch_locked(session_store *store, session *s);
/* Frees the payload, the lock and the record. Precondition: no lock held,
 * record unlinked, no users. */
void session_destroy(session_store *store, session *s);
/* Frees a chain of victims linked through hnext; outside every lock. */
void session_destroy_chain(session_store *store, session *chain);
/* True when the record has no users and has been idle longer than the TTL.
 * Precondition: store lock held. */
bool session_is_expired_locked(const session_store *store, const session *s,
                               uint64_t now);

/* reaper.c, for store.c */
void session_reaper_stop(session_store *store);

#endif /* SESSION_INTERNAL_H */
