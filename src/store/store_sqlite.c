/*
 * store_sqlite.c - the SQLite backend: one WAL database in the state
 * folder, written by group commit.
 *
 * The problem
 * -----------
 * Every tool call that changes a document must be durable before its
 * reply, from many HTTP worker threads at once. A commit costs a write of
 * the WAL and, with STORE_SYNC_FULL, an fsync: a millisecond or more. One
 * commit per call would cap throughput at one call per commit time,
 * whatever the number of clients.
 *
 * The shape
 * ---------
 * One connection, used only by the current leader. A writer puts its
 * operation (on its own stack: nothing is copied) on a queue and waits.
 * If no thread is committing, it becomes the leader: it takes the whole
 * queue, runs it in one transaction (BEGIN IMMEDIATE, one prepared
 * statement per operation, COMMIT), marks every operation done and wakes
 * the waiters. Writers that arrive while a commit runs queue up behind it;
 * the first of them to wake with its operation not done leads the next
 * commit, which covers all of them. So one fsync covers as many calls as
 * arrived during the previous one, and at one client nothing waits for a
 * timer.
 *
 * Deletes (eviction, close) and access-time touches are queued without
 * waiting and ride along with the next commit; flush and sweep lead a
 * commit of their own. A get leads too: it commits what is queued, then
 * reads, so it never sees a row a queued delete has already ended.
 *
 * A failed operation (a version conflict) fails alone. A failed statement
 * of the file system (full disk, read-only file system, I/O error) rolls
 * the whole transaction back and fails every put in it with that status;
 * the queued deletes of the batch are put back (bounded) for the next
 * commit, touches are dropped (they are advisory).
 *
 * Checkpoints run on a thread with a connection of their own (woken past
 * CHECKPOINT_PAGES), so no commit waits for a copy of the WAL and its syncs;
 * past CHECKPOINT_PAGES_MAX the leader checkpoints itself, since a WAL that
 * writers keep appending to can never restart.
 *
 * A second process is kept out by flock(2) on DIR/idsd.lock, held for the
 * life of the handle: SQLite's own locks would let two servers share the
 * file, each with its own idea of the sessions in memory.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DB_NAME "idsd.db"
#define LOCK_NAME "idsd.lock"
#define SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS 2000          /* ms: another reader of the file (sqlite3 CLI) */
#define CHECKPOINT_PAGES 1000         /* WAL pages before the checkpointer runs */
#define CHECKPOINT_PAGES_MAX 8000     /* WAL pages before the leader checkpoints itself */
#define REQUEUE_MAX 100000u           /* deletes kept for retry after a failed commit */
#define SWEEP_BATCH 1000              /* rows per sweep statement */

enum op_kind { OP_PUT, OP_DELETE, OP_TOUCH };

typedef struct op {
    struct op *next;
    enum op_kind kind;
    char id[STORE_ID_SIZE];
    const store_put *put;      /* OP_PUT: the waiter's, valid until done */
    int64_t access_ms;         /* OP_TOUCH */
    bool waiter;               /* on a caller's stack; else malloc'd */
    bool done;                 /* set under the queue lock */
    store_status status;
    store_error *err;          /* OP_PUT: the waiter's */
} op;

enum {
    ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_UPDATE_DOC, ST_INSERT_DOC, ST_TAG,
    ST_DELETE, ST_TOUCH, ST_GET, ST_SWEEP, ST_COUNT
};

static const char *const sql_text[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_UPDATE_DOC] = "UPDATE sessions SET version = version + 1, access_ms = ?3, "
                      "doc = ?4, meta = ?5 WHERE id = ?1 AND version = ?2",
    [ST_INSERT_DOC] = "INSERT INTO sessions(id, version, created_ms, access_ms, doc, meta) "
                      "VALUES (?1, 1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING",
    [ST_TAG] = "INSERT INTO sessions(id, version, created_ms, access_ms, tag) "
               "VALUES (?1, 0, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET "
               "tag = excluded.tag, access_ms = max(access_ms, excluded.access_ms)",
    [ST_DELETE] = "DELETE FROM sessions WHERE id = ?1",
    [ST_TOUCH] = "UPDATE sessions SET access_ms = ?2 WHERE id = ?1 AND access_ms < ?2",
    [ST_GET] = "SELECT version, created_ms, access_ms, doc, meta, tag FROM sessions "
               "WHERE id = ?1",
    [ST_SWEEP] = "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions "
                 "WHERE access_ms < ?1 LIMIT 1000)",
};

typedef struct sq_store {
    store_handle base;
    char *path;                /* DIR/idsd.db, for messages */
    int lock_fd;
    sqlite3 *db;               /* used by the leader only */
    sqlite3_stmt *stmt[ST_COUNT];
    store_sync sync;

    pthread_mutex_t lock;      /* the queue and the leader flag */
    pthread_cond_t cond;
    op *head, *tail;
    size_t queued;
    bool leader;               /* a thread is committing */

    /* The checkpointer: its own connection and thread, so that copying
     * the WAL into the database (and its syncs) never runs inside a
     * commit the writers wait for. Flags under lock. */
    sqlite3 *ckpt_db;
    pthread_t ckpt_thread;
    pthread_cond_t ckpt_cond;
    bool ckpt_running, ckpt_due, ckpt_stop;

    /* Figures: those of the leader's commit are atomics (relaxed), the
     * rest under lock. */
    _Atomic uint64_t commits, fsyncs, bytes;
    store_stats stats;
} sq_store;

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- errors ---- */

static store_status status_of(sqlite3 *db, int rc)
{
    int primary = rc & 0xff;
    int sys = db != NULL ? sqlite3_system_errno(db) : 0;

    if (sys == ENOSPC || sys == EDQUOT || primary == SQLITE_FULL)
        return STORE_FULL;
    if (sys == EROFS || sys == EACCES || sys == EPERM || primary == SQLITE_READONLY ||
        primary == SQLITE_PERM || primary == SQLITE_CANTOPEN)
        return STORE_READONLY;
    switch (primary) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return STORE_CORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_LOCKED;
    case SQLITE_NOMEM:
        return STORE_NOMEM;
    default:
        return STORE_IO;
    }
}

static const char *status_words(store_status s)
{
    switch (s) {
    case STORE_FULL:     return "the disk is full";
    case STORE_READONLY: return "the state folder is not writable";
    case STORE_CORRUPT:  return "the database file is damaged";
    case STORE_LOCKED:   return "the database is locked by another process";
    case STORE_NOMEM:    return "out of memory";
    default:             return "an input/output error";
    }
}

static store_status fail_sql(sq_store *q, int rc, store_error *err)
{
    store_status s = status_of(q->db, rc);
    if (err != NULL && err->code == STORE_OK) {
        err->code = s;
        snprintf(err->message, sizeof err->message, "state database %s: %s (%s)",
                 q->path, status_words(s),
                 q->db != NULL ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
    }
    return s;
}

/* ---- statements ---- */

static int step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static void bind_blob(sqlite3_stmt *st, int i, const char *p, size_t n)
{
    if (p == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_blob64(st, i, p, (sqlite3_uint64)n, SQLITE_STATIC);
}

/* One put inside the open transaction. A version conflict is this put's
 * alone (STORE_CONFLICT, rc SQLITE_OK); a failing statement returns its
 * rc for the whole batch. */
static int exec_put(sq_store *q, op *o, uint64_t *bytes)
{
    const store_put *p = o->put;
    int rc;

    if (p->fields & STORE_F_TAG) {
        sqlite3_stmt *st = q->stmt[ST_TAG];
        sqlite3_bind_text(st, 1, p->id, STORE_ID_SIZE - 1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, p->created_ms);
        sqlite3_bind_int64(st, 3, p->access_ms);
        sqlite3_bind_text(st, 4, p->tag, -1, SQLITE_STATIC);
        rc = step_reset(st);
        if (rc != SQLITE_DONE)
            return rc;
        *bytes += strlen(p->tag);
    }
    o->status = STORE_OK;
    if (p->fields & STORE_F_DOC) {
        sqlite3_stmt *st = q->stmt[ST_UPDATE_DOC];
        sqlite3_bind_text(st, 1, p->id, STORE_ID_SIZE - 1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)p->expected_version);
        sqlite3_bind_int64(st, 3, p->access_ms);
        bind_blob(st, 4, p->doc, p->doc_len);
        bind_blob(st, 5, p->meta, p->meta_len);
        rc = step_reset(st);
        if (rc != SQLITE_DONE)
            return rc;
        if (sqlite3_changes(q->db) == 0) {
            bool inserted = false;
            if (p->expected_version == 0) {
                st = q->stmt[ST_INSERT_DOC];
                sqlite3_bind_text(st, 1, p->id, STORE_ID_SIZE - 1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, p->created_ms);
                sqlite3_bind_int64(st, 3, p->access_ms);
                bind_blob(st, 4, p->doc, p->doc_len);
                bind_blob(st, 5, p->meta, p->meta_len);
                rc = step_reset(st);
                if (rc != SQLITE_DONE)
                    return rc;
                inserted = sqlite3_changes(q->db) > 0;
            }
            if (!inserted) {
                o->status = STORE_CONFLICT;
                snprintf(o->err->message, sizeof o->err->message,
                         "session %s changed in the store since version %llu",
                         p->id, (unsigned long long)p->expected_version);
                o->err->code = STORE_CONFLICT;
                return SQLITE_OK;
            }
        }
        *bytes += p->doc_len + p->meta_len;
    }
    return SQLITE_OK;
}

static int exec_op(sq_store *q, op *o, uint64_t *bytes)
{
    sqlite3_stmt *st;
    int rc;

    switch (o->kind) {
    case OP_PUT:
        return exec_put(q, o, bytes);
    case OP_DELETE:
        st = q->stmt[ST_DELETE];
        sqlite3_bind_text(st, 1, o->id, STORE_ID_SIZE - 1, SQLITE_STATIC);
        rc = step_reset(st);
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
    case OP_TOUCH:
        st = q->stmt[ST_TOUCH];
        sqlite3_bind_text(st, 1, o->id, STORE_ID_SIZE - 1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, o->access_ms);
        rc = step_reset(st);
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    return SQLITE_MISUSE;
}

static void rollback(sq_store *q)
{
    if (!sqlite3_get_autocommit(q->db))
        step_reset(q->stmt[ST_ROLLBACK]);
}

/* Keeps the WAL short: once it passes CHECKPOINT_PAGES after a commit, the
 * checkpointer thread is woken to copy it back (passively: it never waits
 * for the writers, and the writers never wait for it). */
static int wal_hook(void *ctx, sqlite3 *db, const char *name, int pages)
{
    sq_store *q = ctx;
    if (pages >= CHECKPOINT_PAGES_MAX) {
        /* Writers kept appending while the checkpointer copied, so it
         * never caught up and the WAL could not restart: one checkpoint
         * here, with the writers waiting, bounds the file. */
        int logged = 0, copied = 0;
        if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &logged,
                                      &copied) == SQLITE_OK && copied > 0)
            atomic_fetch_add_explicit(&q->fsyncs, 2, memory_order_relaxed);
        return SQLITE_OK;
    }
    if (pages >= CHECKPOINT_PAGES) {
        pthread_mutex_lock(&q->lock);
        if (q->ckpt_running) {
            q->ckpt_due = true;
            pthread_cond_signal(&q->ckpt_cond);
        }
        pthread_mutex_unlock(&q->lock);
    }
    return SQLITE_OK;
}

static void *checkpointer(void *arg)
{
    sq_store *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->ckpt_due && !q->ckpt_stop)
            pthread_cond_wait(&q->ckpt_cond, &q->lock);
        if (q->ckpt_stop)
            break;
        q->ckpt_due = false;
        pthread_mutex_unlock(&q->lock);
        int logged = 0, copied = 0;
        if (sqlite3_wal_checkpoint_v2(q->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &logged,
                                      &copied) == SQLITE_OK && copied > 0)
            /* The WAL is synced before its pages are copied, the database
             * after. */
            atomic_fetch_add_explicit(&q->fsyncs, 2, memory_order_relaxed);
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

static bool start_checkpointer(sq_store *q)
{
    if (sqlite3_open_v2(q->path, &q->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return false;
    sqlite3_busy_timeout(q->ckpt_db, BUSY_TIMEOUT_MS);
    if (sqlite3_exec(q->ckpt_db, q->sync == STORE_SYNC_FULL ? "PRAGMA synchronous = FULL"
                                                            : "PRAGMA synchronous = NORMAL",
                     NULL, NULL, NULL) != SQLITE_OK)
        return false;
    /* A connection opens the WAL at its first read; until then its
     * checkpoints do nothing. */
    if (sqlite3_exec(q->ckpt_db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK)
        return false;
    if (pthread_cond_init(&q->ckpt_cond, NULL) != 0)
        return false;
    q->ckpt_running = true;
    if (pthread_create(&q->ckpt_thread, NULL, checkpointer, q) != 0) {
        q->ckpt_running = false;
        pthread_cond_destroy(&q->ckpt_cond);
        return false;
    }
    return true;
}

static void stop_checkpointer(sq_store *q)
{
    if (q->ckpt_running) {
        pthread_mutex_lock(&q->lock);
        q->ckpt_stop = true;
        pthread_cond_signal(&q->ckpt_cond);
        pthread_mutex_unlock(&q->lock);
        pthread_join(q->ckpt_thread, NULL);
        pthread_cond_destroy(&q->ckpt_cond);
        q->ckpt_running = false;
    }
    if (q->ckpt_db != NULL) {
        sqlite3_close_v2(q->ckpt_db);
        q->ckpt_db = NULL;
    }
}

/* Runs a batch in one transaction. Called by the leader with the queue
 * lock NOT held; statuses go into the ops. On a failed statement every op
 * of the batch gets the failure (their err filled for puts). Returns the
 * batch status. */
static store_status commit_batch(sq_store *q, op *batch, store_error *err)
{
    uint64_t bytes = 0;
    int rc;
    store_error local = {0};

    if (batch == NULL)
        return STORE_OK;
    rc = step_reset(q->stmt[ST_BEGIN]);
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
        for (op *o = batch; o != NULL && rc == SQLITE_OK; o = o->next)
            rc = exec_op(q, o, &bytes);
        if (rc == SQLITE_OK) {
            rc = step_reset(q->stmt[ST_COMMIT]);
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK) {
        store_status s = fail_sql(q, rc, &local);
        rollback(q);
        for (op *o = batch; o != NULL; o = o->next) {
            o->status = s;
            if (o->kind == OP_PUT)
                *o->err = local;
        }
        if (err != NULL && err->code == STORE_OK)
            *err = local;
        return s;
    }
    atomic_fetch_add_explicit(&q->commits, 1, memory_order_relaxed);
    if (q->sync == STORE_SYNC_FULL)
        atomic_fetch_add_explicit(&q->fsyncs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&q->bytes, bytes, memory_order_relaxed);
    return STORE_OK;
}

/* ---- the queue and the leader ---- */

static void enqueue_locked(sq_store *q, op *o)
{
    o->next = NULL;
    if (q->tail != NULL)
        q->tail->next = o;
    else
        q->head = o;
    q->tail = o;
    q->queued++;
}

/* Ends a batch under the lock: wakes its waiters, frees its queued ops or
 * puts failed deletes back for the next commit. */
static void finish_batch_locked(sq_store *q, op *batch, store_status batch_status)
{
    for (op *o = batch, *next; o != NULL; o = next) {
        next = o->next;
        if (o->waiter) {
            if (o->kind == OP_PUT) {
                q->stats.puts++;
                if (o->status != STORE_OK)
                    q->stats.failures++;
            }
            o->done = true;
        } else if (batch_status != STORE_OK && o->kind == OP_DELETE &&
                   q->queued < REQUEUE_MAX) {
            enqueue_locked(q, o);
        } else {
            if (batch_status == STORE_OK)
                o->kind == OP_DELETE ? q->stats.deletes++ : q->stats.touches++;
            free(o);
        }
    }
    pthread_cond_broadcast(&q->cond);
}

/* Becomes the leader: waits until no other thread commits. Returns with
 * the lock held and q->leader set. */
static void lead_locked(sq_store *q)
{
    while (q->leader)
        pthread_cond_wait(&q->cond, &q->lock);
    q->leader = true;
}

static op *take_queue_locked(sq_store *q)
{
    op *batch = q->head;
    q->head = q->tail = NULL;
    q->queued = 0;
    return batch;
}

static void note_latency_locked(sq_store *q, uint64_t us)
{
    size_t b = 0;
    while (b < STORE_LATENCY_BUCKETS - 1 && us > store_latency_bounds_us[b])
        b++;
    q->stats.latency[b]++;
    q->stats.latency_count++;
    q->stats.latency_sum_us += us;
}

static store_status sq_put(store_handle *st, const store_put *put, store_error *err)
{
    sq_store *q = (sq_store *)st;
    op mine = {0};
    uint64_t start = mono_us();

    mine.kind = OP_PUT;
    mine.put = put;
    mine.waiter = true;
    mine.err = err;
    memcpy(mine.id, put->id, STORE_ID_SIZE);

    pthread_mutex_lock(&q->lock);
    enqueue_locked(q, &mine);
    while (!mine.done) {
        if (q->leader) {
            pthread_cond_wait(&q->cond, &q->lock);
            continue;
        }
        q->leader = true;
        op *batch = take_queue_locked(q);
        pthread_mutex_unlock(&q->lock);
        store_status bs = commit_batch(q, batch, NULL);
        pthread_mutex_lock(&q->lock);
        q->leader = false;
        finish_batch_locked(q, batch, bs);
    }
    note_latency_locked(q, mono_us() - start);
    pthread_mutex_unlock(&q->lock);
    return mine.status;
}

static void enqueue_async(sq_store *q, enum op_kind kind, const char *id,
                          int64_t access_ms)
{
    op *o = calloc(1, sizeof *o);
    if (o == NULL)
        return; /* advisory: the sweep ends an undeleted row by its age */
    o->kind = kind;
    memcpy(o->id, id, STORE_ID_SIZE);
    o->access_ms = access_ms;
    pthread_mutex_lock(&q->lock);
    enqueue_locked(q, o);
    pthread_mutex_unlock(&q->lock);
}

static void sq_delete(store_handle *st, const char *id)
{
    enqueue_async((sq_store *)st, OP_DELETE, id, 0);
}

static void sq_touch(store_handle *st, const char *id, int64_t access_ms)
{
    enqueue_async((sq_store *)st, OP_TOUCH, id, access_ms);
}

/* Leads one commit of whatever is queued; with the lock held on return
 * and the leadership still ours (the caller releases it with
 * end_lead_locked). */
static store_status flush_lead(sq_store *q, store_error *err)
{
    pthread_mutex_lock(&q->lock);
    lead_locked(q);
    op *batch = take_queue_locked(q);
    pthread_mutex_unlock(&q->lock);
    store_status bs = commit_batch(q, batch, err);
    pthread_mutex_lock(&q->lock);
    finish_batch_locked(q, batch, bs);
    return bs;
}

static void end_lead_locked(sq_store *q)
{
    q->leader = false;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

static store_status sq_flush(store_handle *st, store_error *err)
{
    sq_store *q = (sq_store *)st;
    store_status s = flush_lead(q, err);
    end_lead_locked(q);
    return s;
}

static char *dup_column(sqlite3_stmt *st, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    char *out;

    if (len != NULL)
        *len = 0;
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return NULL;
    out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    if (n > 0)
        memcpy(out, p, n);
    out[n] = '\0';
    if (len != NULL)
        *len = n;
    return out;
}

static store_status sq_get(store_handle *st, const char *id, store_record *out,
                           store_error *err)
{
    sq_store *q = (sq_store *)st;
    store_status s;
    int rc;

    /* What is queued (a delete of this very id, say) goes first; a failed
     * flush is not this read's business. */
    flush_lead(q, NULL);
    pthread_mutex_unlock(&q->lock);

    sqlite3_stmt *sel = q->stmt[ST_GET];
    sqlite3_bind_text(sel, 1, id, STORE_ID_SIZE - 1, SQLITE_STATIC);
    rc = sqlite3_step(sel);
    if (rc == SQLITE_ROW) {
        memcpy(out->id, id, STORE_ID_SIZE);
        out->version = (uint64_t)sqlite3_column_int64(sel, 0);
        out->created_ms = sqlite3_column_int64(sel, 1);
        out->access_ms = sqlite3_column_int64(sel, 2);
        out->doc = dup_column(sel, 3, &out->doc_len);
        out->meta = dup_column(sel, 4, &out->meta_len);
        out->tag = dup_column(sel, 5, NULL);
        s = STORE_OK;
        if ((sqlite3_column_type(sel, 3) != SQLITE_NULL && out->doc == NULL) ||
            (sqlite3_column_type(sel, 4) != SQLITE_NULL && out->meta == NULL) ||
            (sqlite3_column_type(sel, 5) != SQLITE_NULL && out->tag == NULL)) {
            store_record_clear(out);
            s = STORE_NOMEM;
            err->code = s;
            snprintf(err->message, sizeof err->message, "out of memory reading a session");
        }
    } else if (rc == SQLITE_DONE) {
        s = STORE_NOT_FOUND;
    } else {
        s = fail_sql(q, rc, err);
    }
    sqlite3_reset(sel);
    sqlite3_clear_bindings(sel);

    pthread_mutex_lock(&q->lock);
    q->stats.gets++;
    end_lead_locked(q);
    return s;
}

static store_status sq_sweep(store_handle *st, int64_t cutoff_ms, size_t *deleted,
                             store_error *err)
{
    sq_store *q = (sq_store *)st;
    store_status s = flush_lead(q, err);
    pthread_mutex_unlock(&q->lock);

    /* In short transactions, so that a sweep of many rows never holds the
     * writers up for long. */
    while (s == STORE_OK) {
        sqlite3_stmt *sw = q->stmt[ST_SWEEP];
        sqlite3_bind_int64(sw, 1, cutoff_ms);
        int rc = step_reset(sw);
        if (rc != SQLITE_DONE) {
            s = fail_sql(q, rc, err);
            break;
        }
        int n = sqlite3_changes(q->db);
        *deleted += (size_t)n;
        if (n < SWEEP_BATCH)
            break;
    }
    pthread_mutex_lock(&q->lock);
    if (*deleted > 0) {
        q->stats.deletes += *deleted;
        atomic_fetch_add_explicit(&q->commits, 1, memory_order_relaxed);
        if (q->sync == STORE_SYNC_FULL)
            atomic_fetch_add_explicit(&q->fsyncs, 1, memory_order_relaxed);
    }
    end_lead_locked(q);
    return s;
}

static void sq_stats(store_handle *st, store_stats *out)
{
    sq_store *q = (sq_store *)st;
    pthread_mutex_lock(&q->lock);
    *out = q->stats;
    pthread_mutex_unlock(&q->lock);
    out->commits = atomic_load_explicit(&q->commits, memory_order_relaxed);
    out->fsyncs = atomic_load_explicit(&q->fsyncs, memory_order_relaxed);
    out->bytes = atomic_load_explicit(&q->bytes, memory_order_relaxed);
}

static void sq_free(sq_store *q)
{
    stop_checkpointer(q);
    for (size_t i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(q->stmt[i]);
    if (q->db != NULL)
        sqlite3_close_v2(q->db);
    if (q->lock_fd >= 0)
        close(q->lock_fd); /* releases the flock */
    for (op *o = q->head, *next; o != NULL; o = next) {
        next = o->next;
        if (!o->waiter)
            free(o);
    }
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->lock);
    free(q->path);
    free(q);
}

static void sq_close(store_handle *st)
{
    sq_store *q = (sq_store *)st;
    sq_flush(st, NULL);
    sq_free(q);
}

static const store_ops sqlite_ops = {
    "sqlite", sq_put, sq_get, sq_delete, sq_touch, sq_flush, sq_sweep,
    sq_stats, sq_close, NULL,
};

/* ---- opening ---- */

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static store_status errno_status(int e)
{
    if (e == ENOSPC || e == EDQUOT)
        return STORE_FULL;
    if (e == EROFS || e == EACCES || e == EPERM)
        return STORE_READONLY;
    if (e == ENOMEM)
        return STORE_NOMEM;
    return STORE_IO;
}

static store_status fail_errno(store_error *err, const char *what, const char *path)
{
    int e = errno;
    err->code = errno_status(e);
    snprintf(err->message, sizeof err->message, "state folder: cannot %s %s: %s", what,
             path, strerror(e));
    return err->code;
}

/* Opens the file, sets WAL and the schema, prepares the statements. */
static store_status open_db(sq_store *q, store_error *err)
{
    int rc = sqlite3_open_v2(q->path, &q->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_NOMUTEX,
                             NULL);
    char *msg = NULL;

    if (rc != SQLITE_OK)
        return fail_sql(q, rc, err);
    sqlite3_extended_result_codes(q->db, 0);
    sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
    /* Reading the header here is what finds a file that is not a
     * database; a damaged page inside is found when it is read. */
    const char *setup =
        "PRAGMA journal_mode = WAL;"
        "CREATE TABLE IF NOT EXISTS sessions ("
        " id TEXT PRIMARY KEY NOT NULL,"
        " version INTEGER NOT NULL,"
        " created_ms INTEGER NOT NULL,"
        " access_ms INTEGER NOT NULL,"
        " doc BLOB, meta BLOB, tag TEXT);"
        "CREATE INDEX IF NOT EXISTS sessions_access ON sessions(access_ms);";
    rc = sqlite3_exec(q->db, setup, NULL, NULL, &msg);
    sqlite3_free(msg);
    if (rc != SQLITE_OK)
        return fail_sql(q, rc, err);
    rc = sqlite3_exec(q->db, q->sync == STORE_SYNC_FULL ? "PRAGMA synchronous = FULL"
                                                        : "PRAGMA synchronous = NORMAL",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return fail_sql(q, rc, err);

    sqlite3_stmt *uv = NULL;
    rc = sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &uv, NULL);
    if (rc != SQLITE_OK)
        return fail_sql(q, rc, err);
    rc = sqlite3_step(uv);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(uv, 0) : -1;
    sqlite3_finalize(uv);
    if (version < 0)
        return fail_sql(q, rc, err);
    if (version == 0) {
        rc = sqlite3_exec(q->db, "PRAGMA user_version = 1", NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return fail_sql(q, rc, err);
    } else if (version != SCHEMA_VERSION) {
        err->code = STORE_CORRUPT;
        snprintf(err->message, sizeof err->message,
                 "state database %s has schema version %d; this idsd knows %d",
                 q->path, version, SCHEMA_VERSION);
        return STORE_CORRUPT;
    }
    for (size_t i = 0; i < ST_COUNT; i++) {
        rc = sqlite3_prepare_v3(q->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT,
                                &q->stmt[i], NULL);
        if (rc != SQLITE_OK)
            return fail_sql(q, rc, err);
    }
    sqlite3_wal_hook(q->db, wal_hook, q);
    return STORE_OK;
}

static void close_db(sq_store *q)
{
    for (size_t i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(q->stmt[i]);
        q->stmt[i] = NULL;
    }
    sqlite3_close_v2(q->db);
    q->db = NULL;
}

/* Moves a damaged database and its WAL aside. */
static bool move_aside(sq_store *q, char **moved_to)
{
    char aside[4096], from[4096], to[4096];
    snprintf(aside, sizeof aside, "%s.corrupt-%lld", q->path, (long long)time(NULL));
    if (rename(q->path, aside) != 0)
        return false;
    static const char *const tails[] = {"-wal", "-shm"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(from, sizeof from, "%s%s", q->path, tails[i]);
        snprintf(to, sizeof to, "%s%s", aside, tails[i]);
        if (rename(from, to) != 0 && errno != ENOENT)
            return false;
    }
    if (moved_to != NULL)
        *moved_to = strdup(aside);
    return true;
}

store_status store_sqlite_open(const store_sqlite_config *config, store_handle **out,
                               char **recovered_to, store_error *err)
{
    store_error scratch;
    sq_store *q = NULL;
    char *lock_path = NULL;
    store_status s;

    if (err == NULL)
        err = &scratch;
    err->code = STORE_OK;
    err->message[0] = '\0';
    if (recovered_to != NULL)
        *recovered_to = NULL;
    if (out == NULL || config == NULL || config->dir == NULL || config->dir[0] == '\0') {
        err->code = STORE_INVALID;
        snprintf(err->message, sizeof err->message, "no state folder given");
        return STORE_INVALID;
    }
    *out = NULL;

    if (mkdir(config->dir, 0700) != 0 && errno != EEXIST)
        return fail_errno(err, "create", config->dir);
    q = calloc(1, sizeof *q);
    if (q == NULL)
        goto nomem;
    q->lock_fd = -1;
    q->base.ops = &sqlite_ops;
    q->sync = config->sync;
    if (pthread_mutex_init(&q->lock, NULL) != 0) {
        free(q);
        goto nomem;
    }
    if (pthread_cond_init(&q->cond, NULL) != 0) {
        pthread_mutex_destroy(&q->lock);
        free(q);
        goto nomem;
    }
    q->path = join(config->dir, DB_NAME);
    lock_path = join(config->dir, LOCK_NAME);
    if (q->path == NULL || lock_path == NULL) {
        sq_free(q);
        free(lock_path);
        goto nomem;
    }

    q->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (q->lock_fd < 0) {
        s = fail_errno(err, "open", lock_path);
        goto fail;
    }
    if (flock(q->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            err->code = STORE_LOCKED;
            snprintf(err->message, sizeof err->message,
                     "state folder %s is in use by another idsd process (it holds %s)",
                     config->dir, lock_path);
            s = STORE_LOCKED;
        } else {
            errno = e;
            s = fail_errno(err, "lock", lock_path);
        }
        goto fail;
    }

    s = open_db(q, err);
    if (s == STORE_CORRUPT && config->recover) {
        close_db(q);
        if (!move_aside(q, recovered_to)) {
            err->code = STORE_OK;
            s = fail_errno(err, "move aside", q->path);
            goto fail;
        }
        err->code = STORE_OK;
        err->message[0] = '\0';
        s = open_db(q, err);
    }
    if (s != STORE_OK) {
        if (s == STORE_CORRUPT && strstr(err->message, "schema version") == NULL)
            snprintf(err->message + strlen(err->message),
                     sizeof err->message - strlen(err->message),
                     "; start with --state-recover to move it aside and start empty");
        goto fail;
    }
    if (!start_checkpointer(q)) {
        err->code = STORE_IO;
        snprintf(err->message, sizeof err->message,
                 "state database %s: cannot start its checkpointer", q->path);
        s = STORE_IO;
        goto fail;
    }
    free(lock_path);
    *out = &q->base;
    return STORE_OK;

fail:
    free(lock_path);
    sq_free(q);
    return s;

nomem:
    err->code = STORE_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory opening the state folder");
    return STORE_NOMEM;
}
