/*
 * session.h - the session store: session id -> session record.
 *
 * A record owns one opaque payload (for idsd, a tool-layer struct holding
 * an IDS document) and its bookkeeping. The store knows nothing of MCP or
 * of what the payload is beyond the free function it is given.
 *
 * Rules (specs/session.md has the full page):
 * - The store's locks (one per shard of the table, 64 shards) are held
 *   only to find, insert or unlink a record; never while a payload is
 *   built, used or freed.
 * - session_acquire() counts the caller as a user (refcount) and then takes
 *   the record's own lock, so uses of one session are serialized while
 *   different sessions proceed in parallel. session_release() undoes both
 *   and stamps the last-access time.
 * - A record with users is never freed. Removal and eviction unlink it at
 *   once (no new user can find it) and the last release frees it.
 * - A record idle past its TTL is treated as gone at lookup, whether or not
 *   the reaper has run.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    SESSION_ERR_THREAD   /* the reaper thread could not be started */
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
/* Finds a live record and acquires it (user count up, then its lock). */
session_status session_acquire(session_store *store, const char *id,
                               session **out);
/* Releases an acquired record: stamps last access, unlocks, user count
 * down; frees it when it was removed/evicted and this was the last user. */
void session_release(session *s);

/* Unlinks the record so nobody can acquire it again. Users already holding
 * it finish normally; the payload is freed exactly once, by the last
 * release (or now, when there is none). SESSION_NOT_FOUND when unknown. */
session_status session_remove(session_store *store, const char *id);
/* The same for a record the caller holds; the caller still releases it. */
void session_remove_held(session *s);

/* Accessors for an acquired record (the caller holds its lock). */
const char *session_id(const session *s);
void *session_payload(const session *s);
/* Replaces the payload (the old one is freed with payload_free). */
void session_set_payload(session *s, void *payload);
/* Per-session counters, for metrics and the session's own reports. */
void session_count_call(session *s, bool was_error);
void session_set_bytes(session *s, size_t payload_bytes);

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
