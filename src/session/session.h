/*
 * session.h - the session store: session id -> session record.
 *
 * A record owns one opaque payload (for idsd, a tool-layer struct holding
 * an IDS document), up to SESSION_SLOTS attachments of other layers, and
 * its bookkeeping. The store knows nothing of MCP or of what the payload
 * and attachments are beyond the functions it is given.
 *
 * Rules (specs/session.md has the full page):
 * - The store's locks (one per shard of the table, 64 shards) are held
 *   only to find, insert or unlink a record; never while a payload or an
 *   attachment is built, used or freed.
 * - session_acquire() counts the caller as a user (refcount) and then takes
 *   the record's own lock, so uses of one session are serialized while
 *   different sessions proceed in parallel. session_release() undoes both
 *   and stamps the last-access time. session_hold() counts the caller as
 *   a user without taking the lock.
 * - A record with users is never freed. Removal and eviction unlink it at
 *   once (no new user can find it) and the last release frees it, with
 *   its payload and every attachment.
 * - A record idle past its TTL is treated as gone at lookup, whether or not
 *   the reaper has run.
 * - Lock order: a thread may take a shard lock while it holds a record
 *   lock (record -> shard: session_create, session_set_bytes,
 *   session_remove_held do), never a record lock while it holds a shard
 *   lock, never two shard locks. Builds with assertions check this.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 128 random bits from getrandom(2), rendered as 32 lower-case hex digits:
 * visible ASCII, safe in URLs and HTTP headers. */
#define SESSION_ID_LEN 32
#define SESSION_ID_SIZE (SESSION_ID_LEN + 1)

#define SESSION_DEFAULT_MAX_SESSIONS 200000u
#define SESSION_DEFAULT_IDLE_TTL_MS (24ull * 3600ull * 1000ull)  /* ms */
#define SESSION_DEFAULT_REAP_INTERVAL_MS (60ull * 1000ull)       /* ms */
#define SESSION_DEFAULT_REAP_BATCH 256u                          /* records per lock hold */

typedef enum session_status {
    SESSION_OK = 0,
    SESSION_NOT_FOUND,   /* unknown, removed, evicted, or idle past its TTL */
    SESSION_CAPACITY,    /* max_sessions live records; nothing was evicted to make room */
    SESSION_NOMEM,
    SESSION_ERR_RANDOM,  /* the kernel's CSPRNG failed */
    SESSION_INVALID,     /* a malformed id or argument */
    SESSION_ERR_THREAD,  /* the reaper thread could not be started */
    SESSION_ERR_STORE,   /* the persistent store failed (the message says how) */
    SESSION_CONFLICT     /* a shared store: another process changed the session
                          * first; the record holds its version now (retry) */
} session_status;

const char *session_status_name(session_status status);

/* Monotonic time in nanoseconds. Injectable so tests move time instead of
 * sleeping. */
typedef uint64_t (*session_clock_fn)(void *ctx);

typedef struct session_config {
    size_t max_sessions;          /* 0 = SESSION_DEFAULT_MAX_SESSIONS */
    uint64_t idle_ttl_ms;         /* 0 = SESSION_DEFAULT_IDLE_TTL_MS */
    uint64_t reap_interval_ms;    /* 0 = SESSION_DEFAULT_REAP_INTERVAL_MS */
    size_t reap_batch;            /* 0 = SESSION_DEFAULT_REAP_BATCH */
    session_clock_fn clock;       /* NULL = CLOCK_MONOTONIC */
    void *clock_ctx;
    /* Frees a payload; called outside every lock of the store, exactly once per
     * payload. NULL when payloads need no freeing. */
    void (*payload_free)(void *payload);
    /* Persistence (specs/persistence.md). NULL: sessions live in memory
     * only and nothing below is called. Otherwise the store (not owned;
     * it must outlive the session store) keeps every session's document,
     * and a lookup of an id not in memory restores it from there. */
    store_handle *persist;
    /* Builds a payload from a stored document and meta (the bytes given
     * to session_persist); NULL when they cannot be read back. */
    void *(*payload_restore)(void *ctx, const char *doc, size_t doc_len,
                             const char *meta, size_t meta_len);
    void *restore_ctx;
} session_config;

typedef struct session_store session_store;
typedef struct session session;

session_status session_store_new(const session_config *config,
                                 session_store **out);
/* Stops the reaper (if started), then frees every record and payload.
 * No thread may use the store during or after this call. */
void session_store_free(session_store *store);

/* Starts the reaper thread: it wakes every reap_interval (or at once on
 * shutdown) and evicts records idle longer than the TTL and without users,
 * in batches of reap_batch per shard-lock hold, freeing them outside it. */
session_status session_reaper_start(session_store *store);
/* One reaper pass, on the caller's thread; returns how many records it
 * evicted. For tests and for stores run without the thread. */
size_t session_reap_now(session_store *store);

/* Creates a record with a fresh id and no payload, and returns it already
 * acquired, so the caller can attach a payload before anyone else can use
 * it. id_out receives the id. */
session_status session_create(session_store *store, session **out,
                              char id_out[SESSION_ID_SIZE]);
/* Finds a live record and acquires it (user count up, then its lock).
 * SESSION_ERR_STORE when the record is not in memory and the store that
 * may hold it does not answer. */
session_status session_acquire(session_store *store, const char *id,
                               session **out);
/* session_acquire that says why it failed: with a shared store
 * (store_shared) the acquire also revalidates the record against its
 * stored row, in one round trip: a newer version replaces the payload, a
 * row that is gone (closed by another process, or expired) makes the id
 * unknown here too, and a store that does not answer gives
 * SESSION_ERR_STORE with why filled (why may be NULL). */
session_status session_acquire_why(session_store *store, const char *id,
                                   session **out, char *why, size_t why_size);
/* Releases an acquired record: stamps last access, unlocks, user count
 * down; frees it when it was removed/evicted and this was the last user. */
void session_release(session *s);

/* Unlinks the record so nobody can acquire it again. Users already holding
 * it finish normally; the payload is freed exactly once, by the last
 * release (or now, when there is none). SESSION_NOT_FOUND when unknown. */
session_status session_remove(session_store *store, const char *id);
/* The same for a record the caller holds; the caller still releases it. */
void session_remove_held(session *s);

/* Finds a live record and counts the caller as a user without taking the
 * record's lock: the record, its payload and its attachments stay
 * allocated until session_unhold, even if it is removed meanwhile, and
 * the hold counts as use (it stamps last access; a held record is never
 * evicted). For a layer that reads its own attachment while the tool
 * layer acquires the same record (the HTTP transport around a tool call);
 * the payload is not for holders. */
session_status session_hold(session_store *store, const char *id,
                            session **out);
/* Ends a hold: stamps last access, user count down; frees the record when
 * it was removed and this was its last user. */
void session_unhold(session *s);

/* Accessors for an acquired record (the caller holds its lock). */
const char *session_id(const session *s);
void *session_payload(const session *s);
/* Replaces the payload (the old one is freed with payload_free). */
void session_set_payload(session *s, void *payload);
/* Per-session counters, for metrics and the session's own reports. */
void session_count_call(session *s, bool was_error);
void session_set_bytes(session *s, size_t payload_bytes);

/* ---- attachments ------------------------------------------------------ */

/*
 * One lifecycle per session: whatever a layer keeps per session hangs on
 * the record, so no layer keeps a second table of sessions to reconcile
 * with this one. Today the HTTP transport's legacy session (its mcp_conn,
 * subscriptions and GET stream); a parsed IFC model and a persistent
 * store's handle are meant to go the same way.
 *
 * A layer registers its slot once per store, with its functions:
 * - free(data) runs exactly once per attachment, when the record is freed
 *   (its last release or unhold, the reaper, expiry at lookup, a remove
 *   without users, session_store_free), with no lock of the store held;
 *   or when session_attach replaces it.
 * - unlinked(data), when given, runs exactly once when the record leaves
 *   the table (session_remove, session_remove_held, eviction, expiry at
 *   lookup, reclaim at capacity), before free and outside every shard
 *   lock. Users may still hold the record then. It may run with a record
 *   lock of the calling thread held: the record's own, from
 *   session_remove_held, or a new one's, from a session_create that
 *   reclaims over-idle records at capacity. It must not acquire or hold
 *   sessions. session_store_free does not call it: the
 *   store ends there, the sessions do not (a persistent store keeps
 *   them).
 * Layers that run concurrently with other users of the record (holders)
 * guard their data themselves.
 */
#define SESSION_SLOTS 4u

typedef unsigned session_slot;

typedef struct session_slot_ops {
    const char *name;               /* for diagnostics */
    void (*free)(void *data);       /* required */
    void (*unlinked)(void *data);   /* may be NULL */
} session_slot_ops;

/* Registers a layer's slot. ops must outlive the store (a static table);
 * registering the same ops again gives the same slot. SESSION_CAPACITY
 * when all SESSION_SLOTS are taken, SESSION_INVALID for NULL or ops
 * without free. */
session_status session_slot_register(session_store *store,
                                     const session_slot_ops *ops,
                                     session_slot *out);
/* Puts data into a slot of an acquired record (the caller holds its lock;
 * session_create's caller before anyone else can see it). An attachment
 * already in the slot is freed first. Holders, and whoever unlinks the
 * record, read attachments without the record lock: a slot that holders
 * read, or whose ops have unlinked, is set before the record is shared
 * (right after session_create) and not replaced or detached later. */
void session_attach(session *s, session_slot slot, void *data);
/* The attachment in slot, or NULL. For an acquirer, or for a holder of a
 * slot set before the record was shared. */
void *session_attachment(const session *s, session_slot slot);
/* Takes the attachment out of an acquired record without freeing it: the
 * caller owns it again. */
void *session_detach(session *s, session_slot slot);
/* Attachments of slot that exist now (attached and not yet freed or
 * detached), for metrics. */
size_t session_slot_count(session_store *store, session_slot slot);

/* A layer whose attachment can be rebuilt from a session's stored tag
 * (session_persist_tag) registers this: when a stored session is restored
 * into memory with a tag, restore(ctx, id, tag) returns the attachment for
 * slot (or NULL to leave it empty). NULL fn unregisters. */
session_status session_slot_set_restore(session_store *store, session_slot slot,
                                        void *(*fn)(void *ctx, const char *id,
                                                    const char *tag),
                                        void *ctx);

/* ---- persistence (specs/persistence.md) ---- */

/* True when the store keeps sessions beyond memory. */
bool session_persistent(const session_store *store);
/* Makes the acquired record's document durable: doc (NULL for none) and
 * meta are written as its new version, and this returns once they are
 * durable. SESSION_ERR_STORE (why filled with a message for people) when
 * they are not; SESSION_OK at once without persistence. With a shared
 * store, SESSION_CONFLICT when another process wrote the session since
 * this record read it (or ended it): nothing was written; the caller
 * reloads (session_persist_reload) and may run its change again. */
session_status session_persist(session *s, const char *doc, size_t doc_len,
                               const char *meta, size_t meta_len,
                               char *why, size_t why_size);
/* After a failed session_persist: the acquired record's payload becomes
 * the last durable one again (re-read from the store; no payload when it
 * never had one). Should the store not answer either, the record leaves
 * memory without its stored row being touched, so the next lookup
 * restores the durable state. Returns true when the record is still
 * linked. */
bool session_persist_reload(session *s);
/* Durably records a transport tag (the legacy HTTP session's protocol
 * version) for a held or acquired record. */
session_status session_persist_tag(session_store *store, const char *id,
                                   const char *tag, char *why, size_t why_size);
/* Makes queued deletes and touches durable now (close_session). */
session_status session_persist_flush(session_store *store, char *why, size_t why_size);
/* The store's figures; zeros without persistence. */
void session_persist_stats(session_store *store, store_stats *out);
/* Sessions restored from the store into memory since start. */
uint64_t session_persist_restored(session_store *store);

typedef struct session_info {
    char id[SESSION_ID_SIZE];
    uint64_t created_ms;      /* store clock, ms */
    uint64_t last_access_ms;  /* store clock, ms */
    uint64_t calls;
    uint64_t errors;
    size_t bytes;
    unsigned users;
} session_info;

/* A snapshot of one record, without acquiring it. */
session_status session_get_info(session_store *store, const char *id,
                                session_info *out);

typedef struct session_stats {
    size_t live;         /* records linked in the store now */
    uint64_t created;
    uint64_t removed;    /* explicit session_remove / session_remove_held */
    uint64_t evicted;    /* by the reaper */
    uint64_t expired;    /* found idle past the TTL at lookup */
    uint64_t rejected;   /* creations refused at capacity */
    uint64_t calls;      /* sum of session_count_call, including ended records */
    uint64_t errors;
    size_t bytes;        /* sum of session_set_bytes over live records */
    uint64_t reaper_passes;
    uint64_t lock_hold_max_ns; /* longest single shard-lock hold by the reaper */
} session_stats;

void session_store_stats(session_store *store, session_stats *out);

/* Calls fn for each live record's snapshot; fn must not call back into the
 * store. No lock of the store is held while fn runs. */
void session_foreach(session_store *store,
                     void (*fn)(const session_info *info, void *ctx), void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* SESSION_H */
