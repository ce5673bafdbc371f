/*
 * store.h - where sessions live beyond memory.
 *
 * A store keeps, per session id, one row: the document's bytes, a small
 * blob of what the tool layer remembers (meta), a transport tag (the
 * legacy HTTP session's negotiated protocol version), the wall-clock
 * creation and last-access times, and a version that counts document
 * changes. It knows nothing of IDS, MCP or sessions beyond these bytes:
 * src/session drives it (specs/persistence.md).
 *
 * Backends sit behind store_ops:
 * - memory: today's behaviour, nothing kept (no --state-dir);
 * - sqlite: a WAL database in a state folder (store_sqlite.c);
 * - a shared network store (Redis) next: puts carry the version the
 *   caller last saw and the backend compares and sets, so two instances
 *   writing one session cannot both win; get returns the version.
 *
 * Durability: store_put returns only once its row is durable to the
 * backend's contract (for sqlite: against a process crash, and against
 * power loss with STORE_SYNC_FULL). Deletes and access-time touches are
 * queued and become durable with the next put, flush or sweep, in the same
 * transaction (group commit). A get sees every put, delete and touch made
 * before it (the queue is flushed first).
 *
 * Every function is safe to call from any thread. Errors are values: the
 * status and, where given, a store_error with a message for people.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STORE_ID_SIZE 33 /* 32 hex digits + NUL, as session ids */

typedef enum store_status {
    STORE_OK = 0,
    STORE_NOT_FOUND,  /* no row for the id */
    STORE_CONFLICT,   /* the row's version is not the one the put expected */
    STORE_FULL,       /* the disk (or quota) is full */
    STORE_READONLY,   /* the folder or file cannot be written */
    STORE_CORRUPT,    /* the file is not a database or is damaged */
    STORE_LOCKED,     /* another process holds the store_handle */
    STORE_IO,         /* any other input/output failure */
    STORE_NOMEM,
    STORE_INVALID     /* a bad argument */
} store_status;

const char *store_status_name(store_status status);

typedef struct store_error {
    store_status code;
    char message[320];
} store_error;

/* Which fields of a row a put writes. */
#define STORE_F_DOC 1u  /* doc and meta, bumps the version */
#define STORE_F_TAG 2u  /* the transport tag; the version is unchanged */

typedef struct store_put {
    const char *id;            /* 32 hex digits */
    unsigned fields;           /* STORE_F_* */
    /* With STORE_F_DOC: the version the caller last read or wrote (0 for a
     * row it has never written); the row becomes expected_version + 1, or
     * the put fails with STORE_CONFLICT. */
    uint64_t expected_version;
    int64_t created_ms;        /* unix ms; used when the row is new */
    int64_t access_ms;         /* unix ms */
    const char *doc;           /* NULL: the session has no document */
    size_t doc_len;
    const char *meta;          /* may be NULL */
    size_t meta_len;
    const char *tag;           /* NUL-terminated; with STORE_F_TAG */
} store_put;

/* A row as read back; the strings are malloc'd (store_record_clear). */
typedef struct store_record {
    char id[STORE_ID_SIZE];
    uint64_t version;
    int64_t created_ms;
    int64_t access_ms;
    char *doc;                 /* NULL when the row has no document */
    size_t doc_len;
    char *meta;
    size_t meta_len;
    char *tag;                 /* NULL when none */
} store_record;

void store_record_clear(store_record *rec);

/* Commit latency buckets: upper bounds in microseconds, the last one
 * open. */
#define STORE_LATENCY_BUCKETS 12u
extern const uint64_t store_latency_bounds_us[STORE_LATENCY_BUCKETS - 1];

typedef struct store_stats {
    uint64_t commits;          /* transactions committed */
    uint64_t fsyncs;           /* durable syncs asked of the file system */
    uint64_t bytes;            /* document and meta bytes written */
    uint64_t puts;             /* rows written by store_put */
    uint64_t deletes;
    uint64_t touches;
    uint64_t gets;
    uint64_t failures;         /* puts and flushes that failed */
    /* store_put from call to durable: a histogram in microseconds. */
    uint64_t latency_count;
    uint64_t latency_sum_us;
    uint64_t latency[STORE_LATENCY_BUCKETS];
    uint64_t conflicts;        /* puts that lost a compare-and-set */
    uint64_t stale;            /* revalidations that found a newer version */
} store_stats;

typedef struct store_handle store_handle;

/* What a backend implements; the wrappers below check arguments. */
typedef struct store_ops {
    const char *name;
    store_status (*put)(store_handle *st, const store_put *put, store_error *err);
    store_status (*get)(store_handle *st, const char *id, store_record *out, store_error *err);
    void (*delete_async)(store_handle *st, const char *id);
    void (*touch_async)(store_handle *st, const char *id, int64_t access_ms);
    store_status (*flush)(store_handle *st, store_error *err);
    /* Deletes rows whose access time is before cutoff_ms. */
    store_status (*sweep)(store_handle *st, int64_t cutoff_ms, size_t *deleted,
                          store_error *err);
    void (*stats)(store_handle *st, store_stats *out);
    void (*close)(store_handle *st);
    /* Shared backends only (other processes write the same rows; NULL
     * for the others): one round trip that reads the row's version,
     * renews its access time and expiry, and returns the whole row only
     * when its version is not have_version (*changed true). */
    store_status (*revalidate)(store_handle *st, const char *id, uint64_t have_version,
                               store_record *out, bool *changed, store_error *err);
} store_ops;

/* The head of every backend's handle. */
struct store_handle {
    const store_ops *ops;
};

store_status store_put_row(store_handle *st, const store_put *put, store_error *err);
/* STORE_NOT_FOUND when the id has no row. */
store_status store_get(store_handle *st, const char *id, store_record *out, store_error *err);
void store_delete(store_handle *st, const char *id);
void store_touch(store_handle *st, const char *id, int64_t access_ms);
store_status store_flush(store_handle *st, store_error *err);
store_status store_sweep(store_handle *st, int64_t cutoff_ms, size_t *deleted, store_error *err);
void store_get_stats(store_handle *st, store_stats *out);
/* Flushes what is queued (best effort) and frees the handle. */
void store_close(store_handle *st);
/* True when other processes share the rows (a network store): memory
 * then is a cache that store_revalidate checks on every use. */
bool store_shared(const store_handle *st);
/* STORE_NOT_FOUND when the id has no row (ended, or expired); STORE_OK
 * with *changed false when the row's version is have_version, or with the
 * row in out and *changed true when it is not. STORE_INVALID for a store
 * that is not shared. */
store_status store_revalidate(store_handle *st, const char *id, uint64_t have_version,
                              store_record *out, bool *changed, store_error *err);
/* "memory", "sqlite", "redis". */
const char *store_backend_name(const store_handle *st);

/* Wall-clock time in unix milliseconds, the unit rows carry. */
int64_t store_now_ms(void);

/* ---- backends ---- */

/* Keeps nothing: every put succeeds at once, every get finds nothing. */
store_handle *store_memory_new(void);

typedef enum store_sync {
    STORE_SYNC_NORMAL = 0, /* durable against a process crash */
    STORE_SYNC_FULL        /* and against power loss: one fsync per commit */
} store_sync;

typedef struct store_sqlite_config {
    const char *dir;           /* the state folder; created if missing */
    store_sync sync;
    /* A database that is not one, or is damaged at open: move it aside
     * (idsd.db.corrupt-<unix time>) and start empty, instead of failing. */
    bool recover;
} store_sqlite_config;

/* Opens (or creates) DIR/idsd.db, locking DIR/idsd.lock so that a second
 * process refuses. On failure returns the status and a message naming the
 * file; *out is NULL. *recovered_to receives the name a damaged file was
 * moved to (malloc'd), when config->recover did so; may be NULL. */
store_status store_sqlite_open(const store_sqlite_config *config, store_handle **out,
                               char **recovered_to, store_error *err);

/* A Redis server shared by several idsd processes (store_redis.c,
 * specs/scale-out.md). Rows are hashes with a key expiry of the idle TTL
 * (plus the touch slack), renewed on each use, so Redis ends idle
 * sessions for every instance at once. */
typedef struct store_redis_config {
    const char *host;
    int port;
    int db;                    /* SELECT db; 0 by default */
    const char *password;      /* AUTH; NULL for none */
    uint64_t idle_ttl_ms;      /* ms; 0 = no key expiry */
    unsigned connections;      /* pooled connections; 0 = 8 */
    unsigned timeout_ms;       /* ms per connect and per reply; 0 = 2000 */
    const char *prefix;        /* key prefix; NULL = "idsd:s:" */
} store_redis_config;

/* Parses "redis://HOST:PORT[/DB]" (HOST a name, IPv4 or [IPv6]) into
 * config's host (copied to host_buf), port and db. false, with a message
 * in err, for anything else. */
bool store_redis_parse_url(const char *url, store_redis_config *config, char *host_buf,
                           size_t host_size, store_error *err);
/* Connects one connection to check the server and the password; the
 * others connect on first use. A server that goes away later fails calls
 * with STORE_IO and a message naming it; calls reconnect on their own. */
store_status store_redis_open(const store_redis_config *config, store_handle **out,
                              store_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STORE_H */
