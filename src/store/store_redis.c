/*
 * store_redis.c - the session store in a Redis server that several idsd
 * processes share (--store redis://HOST:PORT[/DB]; specs/scale-out.md).
 *
 * One row is one hash, key "idsd:s:<id>", fields:
 *   v  version (document changes so far; "0" for a row with only a tag)
 *   c  created, unix ms        a  last access, unix ms
 *   d  the document (absent: none)   m  meta   t  tag
 *   w  the write token of the put that made v (below)
 * Every use renews the key's expiry to the idle TTL plus the touch slack,
 * so Redis ends an idle session for all instances at once and no sweep is
 * needed.
 *
 * Each operation is one round trip: a Lua script where it must read and
 * write atomically (compare-and-set of the version; revalidate, which
 * renews the expiry and returns the row only when it changed), a plain
 * command otherwise. Scripts go by digest (EVALSHA; loaded at open); a
 * server that answers NOSCRIPT (it restarted, or its cache was flushed)
 * gets the script's text once (EVAL), which caches it again.
 *
 * A put whose reply is lost (the connection broke after Redis ran it) is
 * sent again on a fresh connection. So that the second run does not look
 * like a conflict with itself, every put carries a random write token,
 * stored in w: a put that finds v already at expected + 1 with its own
 * token succeeded before, and says so.
 *
 * Connections: a fixed pool, each with its own lock; a caller takes the
 * first free one (trylock from a rotating start) or waits for its own.
 * A broken connection is dropped and the next use connects again, so
 * idsd recovers by itself when Redis is back.
 */
#include "store/store.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define RD_DEFAULT_CONNECTIONS 8u
#define RD_MAX_CONNECTIONS 256u
#define RD_DEFAULT_TIMEOUT_MS 2000u /* ms */
#define RD_DEFAULT_PREFIX "idsd:s:"
#define RD_PREFIX_MAX 64u           /* bytes */
#define RD_HOST_MAX 256u            /* bytes */
#define RD_SLACK_MIN_MS 2000        /* ms: two touch intervals, at least */
#define RD_SLACK_MAX_MS 120000      /* ms: two touch intervals, at most */

/* KEYS[1] row; ARGV: expected, new version, created, access, has doc,
 * doc, has meta, meta, expiry ms, token. Returns 1 (written) or 0
 * (conflict). */
static const char put_script[] =
    "local k = KEYS[1]\n"
    "local cur = redis.call('HGET', k, 'v')\n"
    "if cur == false then cur = '0' end\n"
    "if cur ~= ARGV[1] then\n"
    "  if cur == ARGV[2] and redis.call('HGET', k, 'w') == ARGV[10] then return 1 end\n"
    "  return 0\n"
    "end\n"
    "local f = {'v', ARGV[2], 'a', ARGV[4], 'w', ARGV[10]}\n"
    "if ARGV[5] == '1' then f[#f + 1] = 'd'; f[#f + 1] = ARGV[6]"
    " else redis.call('HDEL', k, 'd') end\n"
    "if ARGV[7] == '1' then f[#f + 1] = 'm'; f[#f + 1] = ARGV[8]"
    " else redis.call('HDEL', k, 'm') end\n"
    "redis.call('HSET', k, unpack(f))\n"
    "redis.call('HSETNX', k, 'c', ARGV[3])\n"
    "if ARGV[9] ~= '0' then redis.call('PEXPIRE', k, ARGV[9]) end\n"
    "return 1\n";

/* KEYS[1] row; ARGV: tag, created, access, expiry ms. */
static const char tag_script[] =
    "local k = KEYS[1]\n"
    "redis.call('HSETNX', k, 'v', '0')\n"
    "redis.call('HSETNX', k, 'c', ARGV[2])\n"
    "redis.call('HSET', k, 't', ARGV[1], 'a', ARGV[3])\n"
    "if ARGV[4] ~= '0' then redis.call('PEXPIRE', k, ARGV[4]) end\n"
    "return 1\n";

/* KEYS[1] row; ARGV: the version the caller has, now, expiry ms, renew
 * below (ms). nil: no row; {v}: unchanged; {v, c, a, d, m, t}: changed.
 * The access time and expiry are renewed only once the key's time to
 * live fell below "renew below" (one touch interval after the last
 * renewal), so most revalidations write nothing: no append-only-file
 * entry, no replication, as the SQLite backend's touch interval. */
static const char revalidate_script[] =
    "local k = KEYS[1]\n"
    "local v = redis.call('HGET', k, 'v')\n"
    "if v == false then return false end\n"
    "if ARGV[3] == '0' or redis.call('PTTL', k) < tonumber(ARGV[4]) then\n"
    "  redis.call('HSET', k, 'a', ARGV[2])\n"
    "  if ARGV[3] ~= '0' then redis.call('PEXPIRE', k, ARGV[3]) end\n"
    "end\n"
    "if v == ARGV[1] then return {v} end\n"
    "return redis.call('HMGET', k, 'v', 'c', 'a', 'd', 'm', 't')\n";

/* KEYS[1] row; ARGV: access, expiry ms. A touch never creates a row. */
static const char touch_script[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
    "redis.call('HSET', KEYS[1], 'a', ARGV[1])\n"
    "if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end\n"
    "return 1\n";

enum { RD_PUT, RD_TAG, RD_REVALIDATE, RD_TOUCH, RD_SCRIPTS };

static const char *const script_body[RD_SCRIPTS] = {
    put_script, tag_script, revalidate_script, touch_script,
};

#define RD_SHA_SIZE 41 /* 40 hex digits + NUL */
#define RD_MAX_ARGS 16

typedef struct rd_conn {
    pthread_mutex_t lock;
    redisContext *ctx;             /* guarded by lock; NULL: not connected */
} rd_conn;

typedef struct rd_store {
    store_handle base;             /* first: the handle is the store */
    char host[RD_HOST_MAX];        /* [C] */
    int port;                      /* [C] */
    int db;                        /* [C] */
    char *password;                /* [C] malloc'd, or NULL */
    char prefix[RD_PREFIX_MAX];    /* [C] */
    int64_t expire_ms;             /* [C] key expiry; 0: none */
    int64_t renew_below_ms;        /* [C] a use renews a key whose TTL is below this */
    struct timeval timeout;        /* [C] */
    rd_conn *conns;                /* [C] pointer; each guarded by its lock */
    unsigned n_conns;              /* [C] */
    _Atomic unsigned next;         /* rotating start of the free-connection search */
    char sha[RD_SCRIPTS][RD_SHA_SIZE]; /* [C] the scripts' digests */
    _Atomic uint64_t token_seq;    /* write tokens: a random base plus a count */
    uint64_t token_base;           /* [C] */
    pthread_mutex_t stats_lock;
    store_stats stats;             /* guarded by stats_lock */
} rd_store;

/* ---- connections ---- */

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void note_failure(rd_store *r)
{
    pthread_mutex_lock(&r->stats_lock);
    r->stats.failures++;
    pthread_mutex_unlock(&r->stats_lock);
}

static store_status fail(rd_store *r, store_error *err, store_status code, const char *what,
                         const char *detail)
{
    err->code = code;
    snprintf(err->message, sizeof err->message, "session store redis://%.100s:%d: %.60s%s%.120s",
             r->host, r->port, what, detail != NULL ? ": " : "",
             detail != NULL ? detail : "");
    return code;
}

/* What an error reply means for the caller. */
static store_status reply_error(rd_store *r, const redisReply *reply, store_error *err)
{
    const char *text = reply->str != NULL ? reply->str : "";
    store_status code = STORE_IO;
    if (strncmp(text, "OOM", 3) == 0)
        code = STORE_FULL;
    else if (strncmp(text, "READONLY", 8) == 0)
        code = STORE_READONLY;
    return fail(r, err, code, "the server refused the command", text);
}

/* Runs a command on a connection that has none in flight: NULL and err
 * filled when the connection broke (it is then closed). */
static redisReply *command_on(rd_store *r, rd_conn *c, int argc, const char **argv,
                              const size_t *lens, store_error *err)
{
    redisReply *reply = redisCommandArgv(c->ctx, argc, argv, lens);
    if (reply == NULL) {
        const char *why = c->ctx->errstr[0] != '\0' ? c->ctx->errstr : "connection lost";
        if (c->ctx->err == REDIS_ERR_IO && errno == EAGAIN)
            why = "no answer within the timeout";
        fail(r, err, STORE_IO, "the server does not answer", why);
        redisFree(c->ctx);
        c->ctx = NULL;
    }
    return reply;
}

/* Connects c (AUTH, SELECT). Precondition: c->lock held, c->ctx NULL. */
static store_status connect_locked(rd_store *r, rd_conn *c, store_error *err)
{
    c->ctx = redisConnectWithTimeout(r->host, r->port, r->timeout);
    if (c->ctx == NULL)
        return fail(r, err, STORE_NOMEM, "cannot connect", "out of memory");
    if (c->ctx->err != 0) {
        fail(r, err, STORE_IO, "cannot connect", c->ctx->errstr);
        redisFree(c->ctx);
        c->ctx = NULL;
        return STORE_IO;
    }
    redisSetTimeout(c->ctx, r->timeout);
    if (r->password != NULL) {
        const char *argv[2] = {"AUTH", r->password};
        size_t lens[2] = {4, strlen(r->password)};
        redisReply *reply = command_on(r, c, 2, argv, lens, err);
        if (reply == NULL)
            return STORE_IO;
        bool ok = reply->type != REDIS_REPLY_ERROR;
        if (!ok)
            fail(r, err, STORE_IO, "the password was refused", reply->str);
        freeReplyObject(reply);
        if (!ok) {
            redisFree(c->ctx);
            c->ctx = NULL;
            return STORE_IO;
        }
    }
    if (r->db != 0) {
        char db[16];
        snprintf(db, sizeof db, "%d", r->db);
        const char *argv[2] = {"SELECT", db};
        size_t lens[2] = {6, strlen(db)};
        redisReply *reply = command_on(r, c, 2, argv, lens, err);
        if (reply == NULL)
            return STORE_IO;
        bool ok = reply->type != REDIS_REPLY_ERROR;
        if (!ok)
            fail(r, err, STORE_IO, "SELECT failed", reply->str);
        freeReplyObject(reply);
        if (!ok) {
            redisFree(c->ctx);
            c->ctx = NULL;
            return STORE_IO;
        }
    }
    return STORE_OK;
}

static rd_conn *take_conn(rd_store *r)
{
    unsigned start = atomic_fetch_add_explicit(&r->next, 1, memory_order_relaxed);
    for (unsigned i = 0; i < r->n_conns; i++) {
        rd_conn *c = &r->conns[(start + i) % r->n_conns];
        if (pthread_mutex_trylock(&c->lock) == 0)
            return c;
    }
    rd_conn *c = &r->conns[start % r->n_conns];
    pthread_mutex_lock(&c->lock);
    return c;
}

static bool noscript(const redisReply *reply)
{
    return reply != NULL && reply->type == REDIS_REPLY_ERROR && reply->str != NULL &&
           strncmp(reply->str, "NOSCRIPT", 8) == 0;
}

/* One command, one round trip; a connection found broken is replaced and
 * the command sent once more (a pooled connection goes stale when Redis
 * restarts). script >= 0: argv is that script's EVALSHA, sent again as
 * EVAL when Redis does not know the digest. The reply is the caller's;
 * NULL with err filled on failure, including an error reply. */

static redisReply *run_on(rd_store *r, int argc, const char **argv, const size_t *lens,
                          int script, store_error *err)
{
    rd_conn *c = take_conn(r);
    redisReply *reply = NULL;
    for (int attempt = 0; attempt < 2 && reply == NULL; attempt++) {
        bool fresh = c->ctx == NULL;
        if (fresh && connect_locked(r, c, err) != STORE_OK)
            break;
        reply = command_on(r, c, argc, argv, lens, err);
        if (reply == NULL && fresh)
            break; /* a new connection that fails: the server is the trouble */
    }
    if (script >= 0 && noscript(reply)) {
        /* Not run: send the text, which also caches it again. */
        const char *full[RD_MAX_ARGS];
        size_t full_lens[RD_MAX_ARGS];
        memcpy(full, argv, (size_t)argc * sizeof *argv);
        memcpy(full_lens, lens, (size_t)argc * sizeof *lens);
        full[0] = "EVAL";
        full_lens[0] = 4;
        full[1] = script_body[script];
        full_lens[1] = strlen(script_body[script]);
        freeReplyObject(reply);
        reply = command_on(r, c, argc, full, full_lens, err);
    }
    pthread_mutex_unlock(&c->lock);
    if (reply != NULL && reply->type == REDIS_REPLY_ERROR) {
        reply_error(r, reply, err);
        freeReplyObject(reply);
        reply = NULL;
    }
    if (reply == NULL)
        note_failure(r);
    return reply;
}

static redisReply *run(rd_store *r, int argc, const char **argv, const size_t *lens,
                       store_error *err)
{
    return run_on(r, argc, argv, lens, -1, err);
}

/* A script by digest: argv[0] and argv[1] (left NULL by the caller) are
 * set here. */
static redisReply *run_script(rd_store *r, int script, int argc, const char **argv,
                              size_t *lens, store_error *err)
{
    argv[0] = "EVALSHA";
    lens[0] = 7;
    argv[1] = r->sha[script];
    lens[1] = strlen(r->sha[script]);
    return run_on(r, argc, argv, lens, script, err);
}

static void key_of(const rd_store *r, const char *id, char *key, size_t size)
{
    snprintf(key, size, "%s%s", r->prefix, id);
}

/* ---- operations ---- */

static void note_latency(rd_store *r, uint64_t us)
{
    size_t b = 0;
    while (b < STORE_LATENCY_BUCKETS - 1 && us > store_latency_bounds_us[b])
        b++;
    r->stats.latency[b]++;
    r->stats.latency_count++;
    r->stats.latency_sum_us += us;
}

static store_status rd_put(store_handle *st, const store_put *put, store_error *err)
{
    rd_store *r = (rd_store *)st;
    char key[RD_PREFIX_MAX + STORE_ID_SIZE];
    char expected[24], next[24], created[24], access[24], expire[24], token[24];
    uint64_t start = mono_us();
    key_of(r, put->id, key, sizeof key);
    snprintf(created, sizeof created, "%" PRId64, put->created_ms);
    snprintf(access, sizeof access, "%" PRId64, put->access_ms);
    snprintf(expire, sizeof expire, "%" PRId64, r->expire_ms);

    if (put->fields & STORE_F_TAG) {
        const char *argv[] = {NULL, NULL, "1", key, put->tag, created, access, expire};
        size_t lens[8];
        for (size_t i = 2; i < 8; i++)
            lens[i] = strlen(argv[i]);
        redisReply *reply = run_script(r, RD_TAG, 8, argv, lens, err);
        if (reply == NULL)
            return err->code;
        freeReplyObject(reply);
    }
    if (!(put->fields & STORE_F_DOC))
        return STORE_OK;

    snprintf(expected, sizeof expected, "%" PRIu64, put->expected_version);
    snprintf(next, sizeof next, "%" PRIu64, put->expected_version + 1);
    snprintf(token, sizeof token, "%" PRIx64,
             r->token_base + atomic_fetch_add_explicit(&r->token_seq, 1,
                                                        memory_order_relaxed));
    const char *argv[] = {
        NULL, NULL, "1", key, expected, next, created, access,
        put->doc != NULL ? "1" : "0", put->doc != NULL ? put->doc : "",
        put->meta != NULL ? "1" : "0", put->meta != NULL ? put->meta : "",
        expire, token,
    };
    size_t lens[14];
    for (size_t i = 2; i < 14; i++) {
        /* The document and meta are bytes with a length, not strings. */
        if (i == 9)
            lens[i] = put->doc != NULL ? put->doc_len : 0;
        else if (i == 11)
            lens[i] = put->meta != NULL ? put->meta_len : 0;
        else
            lens[i] = strlen(argv[i]);
    }
    redisReply *reply = run_script(r, RD_PUT, 14, argv, lens, err);
    if (reply == NULL)
        return err->code;
    bool written = reply->type == REDIS_REPLY_INTEGER && reply->integer == 1;
    freeReplyObject(reply);
    pthread_mutex_lock(&r->stats_lock);
    if (written) {
        r->stats.puts++;
        r->stats.commits++;
        r->stats.bytes += put->doc_len + put->meta_len;
        note_latency(r, mono_us() - start);
    } else {
        r->stats.conflicts++;
    }
    pthread_mutex_unlock(&r->stats_lock);
    if (!written) {
        err->code = STORE_CONFLICT;
        snprintf(err->message, sizeof err->message,
                 "the session was changed or ended by another call meanwhile");
        return STORE_CONFLICT;
    }
    return STORE_OK;
}

static bool parse_u64(const redisReply *e, uint64_t *out)
{
    if (e == NULL || e->type != REDIS_REPLY_STRING || e->len == 0 || e->len > 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < e->len; i++) {
        char ch = e->str[i];
        if (ch < '0' || ch > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(ch - '0');
    }
    *out = v;
    return true;
}

static int64_t parse_ms(const redisReply *e)
{
    uint64_t v = 0;
    return parse_u64(e, &v) && v <= (uint64_t)INT64_MAX ? (int64_t)v : 0;
}

static store_status copy_bytes(const redisReply *e, char **out, size_t *len)
{
    *out = NULL;
    if (len != NULL)
        *len = 0;
    if (e == NULL || e->type != REDIS_REPLY_STRING)
        return STORE_OK;
    *out = malloc(e->len + 1);
    if (*out == NULL)
        return STORE_NOMEM;
    memcpy(*out, e->str, e->len);
    (*out)[e->len] = '\0';
    if (len != NULL)
        *len = e->len;
    return STORE_OK;
}

/* Fills out from the array v, c, a, d, m, t. A row written by someone
 * else is outside input: a malformed one is reported, not trusted. */
static store_status record_from(rd_store *r, const char *id, const redisReply *reply,
                                store_record *out, store_error *err)
{
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 6)
        return fail(r, err, STORE_CORRUPT, "unexpected reply", NULL);
    if (reply->element[0]->type == REDIS_REPLY_NIL)
        return STORE_NOT_FOUND;
    if (!parse_u64(reply->element[0], &out->version))
        return fail(r, err, STORE_CORRUPT, "a row has a malformed version", id);
    snprintf(out->id, sizeof out->id, "%s", id);
    out->created_ms = parse_ms(reply->element[1]);
    out->access_ms = parse_ms(reply->element[2]);
    if (copy_bytes(reply->element[3], &out->doc, &out->doc_len) != STORE_OK ||
        copy_bytes(reply->element[4], &out->meta, &out->meta_len) != STORE_OK ||
        copy_bytes(reply->element[5], &out->tag, NULL) != STORE_OK) {
        store_record_clear(out);
        return fail(r, err, STORE_NOMEM, "out of memory", NULL);
    }
    return STORE_OK;
}

static store_status rd_get(store_handle *st, const char *id, store_record *out,
                           store_error *err)
{
    rd_store *r = (rd_store *)st;
    char key[RD_PREFIX_MAX + STORE_ID_SIZE];
    key_of(r, id, key, sizeof key);
    const char *argv[] = {"HMGET", key, "v", "c", "a", "d", "m", "t"};
    size_t lens[8];
    for (size_t i = 0; i < 8; i++)
        lens[i] = strlen(argv[i]);
    redisReply *reply = run(r, 8, argv, lens, err);
    if (reply == NULL)
        return err->code;
    store_status s = record_from(r, id, reply, out, err);
    freeReplyObject(reply);
    pthread_mutex_lock(&r->stats_lock);
    r->stats.gets++;
    pthread_mutex_unlock(&r->stats_lock);
    return s;
}

static store_status rd_revalidate(store_handle *st, const char *id, uint64_t have_version,
                                  store_record *out, bool *changed, store_error *err)
{
    rd_store *r = (rd_store *)st;
    char key[RD_PREFIX_MAX + STORE_ID_SIZE], have[24], now[24], expire[24], renew[24];
    key_of(r, id, key, sizeof key);
    snprintf(have, sizeof have, "%" PRIu64, have_version);
    snprintf(now, sizeof now, "%" PRId64, store_now_ms());
    snprintf(expire, sizeof expire, "%" PRId64, r->expire_ms);
    snprintf(renew, sizeof renew, "%" PRId64, r->renew_below_ms);
    const char *argv[] = {NULL, NULL, "1", key, have, now, expire, renew};
    size_t lens[8];
    for (size_t i = 2; i < 8; i++)
        lens[i] = strlen(argv[i]);
    redisReply *reply = run_script(r, RD_REVALIDATE, 8, argv, lens, err);
    if (reply == NULL)
        return err->code;
    store_status s = STORE_OK;
    pthread_mutex_lock(&r->stats_lock);
    r->stats.gets++;
    pthread_mutex_unlock(&r->stats_lock);
    if (reply->type == REDIS_REPLY_NIL) {
        s = STORE_NOT_FOUND;
    } else if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1) {
        if (!parse_u64(reply->element[0], &out->version))
            s = fail(r, err, STORE_CORRUPT, "a row has a malformed version", id);
        snprintf(out->id, sizeof out->id, "%s", id);
    } else {
        s = record_from(r, id, reply, out, err);
        *changed = s == STORE_OK;
        if (*changed) {
            pthread_mutex_lock(&r->stats_lock);
            r->stats.stale++;
            pthread_mutex_unlock(&r->stats_lock);
        }
    }
    freeReplyObject(reply);
    return s;
}

static void rd_delete(store_handle *st, const char *id)
{
    rd_store *r = (rd_store *)st;
    char key[RD_PREFIX_MAX + STORE_ID_SIZE];
    store_error err;
    key_of(r, id, key, sizeof key);
    const char *argv[] = {"DEL", key};
    size_t lens[2] = {3, strlen(key)};
    /* Sent at once rather than queued: a delete is rare (close, DELETE)
     * and the next flush would cost the same round trip. Should it fail,
     * the key expires with the idle TTL. */
    redisReply *reply = run(r, 2, argv, lens, &err);
    if (reply != NULL) {
        freeReplyObject(reply);
        pthread_mutex_lock(&r->stats_lock);
        r->stats.deletes++;
        pthread_mutex_unlock(&r->stats_lock);
    }
}

static void rd_touch(store_handle *st, const char *id, int64_t access_ms)
{
    rd_store *r = (rd_store *)st;
    char key[RD_PREFIX_MAX + STORE_ID_SIZE], access[24], expire[24];
    store_error err;
    key_of(r, id, key, sizeof key);
    snprintf(access, sizeof access, "%" PRId64, access_ms);
    snprintf(expire, sizeof expire, "%" PRId64, r->expire_ms);
    const char *argv[] = {NULL, NULL, "1", key, access, expire};
    size_t lens[6];
    for (size_t i = 2; i < 6; i++)
        lens[i] = strlen(argv[i]);
    /* Advisory, like the SQLite backend's: a lost touch costs at most an
     * early expiry of a session only ever held (never acquired). */
    redisReply *reply = run_script(r, RD_TOUCH, 6, argv, lens, &err);
    if (reply != NULL) {
        freeReplyObject(reply);
        pthread_mutex_lock(&r->stats_lock);
        r->stats.touches++;
        pthread_mutex_unlock(&r->stats_lock);
    }
}

static store_status rd_flush(store_handle *st, store_error *err)
{
    (void)st; (void)err;
    return STORE_OK; /* nothing is queued */
}

static store_status rd_sweep(store_handle *st, int64_t cutoff_ms, size_t *deleted,
                             store_error *err)
{
    (void)st; (void)cutoff_ms; (void)err;
    *deleted = 0; /* Redis expires the keys itself */
    return STORE_OK;
}

static void rd_stats(store_handle *st, store_stats *out)
{
    rd_store *r = (rd_store *)st;
    pthread_mutex_lock(&r->stats_lock);
    *out = r->stats;
    pthread_mutex_unlock(&r->stats_lock);
}

static void rd_close(store_handle *st)
{
    rd_store *r = (rd_store *)st;
    if (r == NULL)
        return;
    for (unsigned i = 0; i < r->n_conns; i++) {
        if (r->conns[i].ctx != NULL)
            redisFree(r->conns[i].ctx);
        pthread_mutex_destroy(&r->conns[i].lock);
    }
    free(r->conns);
    if (r->password != NULL) {
        memset(r->password, 0, strlen(r->password));
        free(r->password);
    }
    pthread_mutex_destroy(&r->stats_lock);
    free(r);
}

static const store_ops redis_ops = {
    "redis", rd_put, rd_get, rd_delete, rd_touch, rd_flush, rd_sweep,
    rd_stats, rd_close, rd_revalidate,
};

/* ---- opening ---- */

bool store_redis_parse_url(const char *url, store_redis_config *config, char *host_buf,
                           size_t host_size, store_error *err)
{
    static const char scheme[] = "redis://";
    const char *p, *host_end, *port_at;
    err->code = STORE_INVALID;
    if (url == NULL || strncmp(url, scheme, sizeof scheme - 1) != 0) {
        snprintf(err->message, sizeof err->message,
                 "the store must be redis://HOST:PORT[/DB] (rediss:// and other schemes "
                 "are not supported)");
        return false;
    }
    p = url + sizeof scheme - 1;
    if (*p == '[') {
        host_end = strchr(p, ']');
        if (host_end == NULL)
            goto bad;
        p++;
        port_at = host_end + 1;
    } else {
        host_end = p + strcspn(p, ":/");
        port_at = host_end;
    }
    if (host_end == p || (size_t)(host_end - p) >= host_size || strchr(p, '@') != NULL)
        goto bad;
    memcpy(host_buf, p, (size_t)(host_end - p));
    host_buf[host_end - p] = '\0';
    config->host = host_buf;
    config->port = 6379;
    config->db = 0;
    p = port_at;
    if (*p == ':') {
        char *end;
        errno = 0;
        long port = strtol(p + 1, &end, 10);
        if (end == p + 1 || errno != 0 || port < 1 || port > 65535)
            goto bad;
        config->port = (int)port;
        p = end;
    }
    if (*p == '/' && p[1] != '\0') {
        char *end;
        errno = 0;
        long db = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end != '\0' || errno != 0 || db < 0 || db > 1000000)
            goto bad;
        config->db = (int)db;
        p = end;
    } else if (*p == '/') {
        p++;
    }
    if (*p != '\0')
        goto bad;
    err->code = STORE_OK;
    err->message[0] = '\0';
    return true;
bad:
    snprintf(err->message, sizeof err->message,
             "cannot read the store address '%.80s': write redis://HOST:PORT[/DB] "
             "(the password goes in --store-password or IDSD_STORE_PASSWORD)", url);
    return false;
}

store_status store_redis_open(const store_redis_config *config, store_handle **out,
                              store_error *err)
{
    *out = NULL;
    err->code = STORE_OK;
    err->message[0] = '\0';
    if (config == NULL || config->host == NULL || strlen(config->host) >= RD_HOST_MAX ||
        config->port < 1 || config->port > 65535 ||
        (config->prefix != NULL && strlen(config->prefix) >= RD_PREFIX_MAX)) {
        err->code = STORE_INVALID;
        snprintf(err->message, sizeof err->message, "invalid Redis store configuration");
        return STORE_INVALID;
    }
    rd_store *r = calloc(1, sizeof *r);
    if (r == NULL)
        goto nomem;
    r->base.ops = &redis_ops;
    snprintf(r->host, sizeof r->host, "%s", config->host);
    r->port = config->port;
    r->db = config->db;
    snprintf(r->prefix, sizeof r->prefix, "%s",
             config->prefix != NULL ? config->prefix : RD_DEFAULT_PREFIX);
    unsigned timeout = config->timeout_ms != 0 ? config->timeout_ms : RD_DEFAULT_TIMEOUT_MS;
    r->timeout.tv_sec = timeout / 1000;
    r->timeout.tv_usec = (timeout % 1000) * 1000;
    if (config->idle_ttl_ms != 0 && config->idle_ttl_ms < (uint64_t)INT64_MAX / 4) {
        /* The sweep's slack of two touch intervals (a sixteenth of the
         * TTL each, 1 s to 60 s): the rules the reaper applies. */
        int64_t slack = (int64_t)(config->idle_ttl_ms / 8);
        if (slack < RD_SLACK_MIN_MS)
            slack = RD_SLACK_MIN_MS;
        if (slack > RD_SLACK_MAX_MS)
            slack = RD_SLACK_MAX_MS;
        r->expire_ms = (int64_t)config->idle_ttl_ms + slack;
        r->renew_below_ms = r->expire_ms - slack / 2;
    }
    r->n_conns = config->connections != 0 ? config->connections : RD_DEFAULT_CONNECTIONS;
    if (r->n_conns > RD_MAX_CONNECTIONS)
        r->n_conns = RD_MAX_CONNECTIONS;
    if (getrandom(&r->token_base, sizeof r->token_base, 0) != (ssize_t)sizeof r->token_base)
        r->token_base = (uint64_t)mono_us() * 0x9e3779b97f4a7c15ull;
    atomic_init(&r->next, 0);
    atomic_init(&r->token_seq, 0);
    pthread_mutex_init(&r->stats_lock, NULL);
    if (config->password != NULL && config->password[0] != '\0') {
        r->password = strdup(config->password);
        if (r->password == NULL) {
            pthread_mutex_destroy(&r->stats_lock);
            free(r);
            goto nomem;
        }
    }
    r->conns = calloc(r->n_conns, sizeof *r->conns);
    if (r->conns == NULL) {
        r->n_conns = 0;
        rd_close(&r->base);
        goto nomem;
    }
    for (unsigned i = 0; i < r->n_conns; i++)
        pthread_mutex_init(&r->conns[i].lock, NULL);

    /* One connection now, so a wrong address or password is reported at
     * start rather than at the first call. */
    pthread_mutex_lock(&r->conns[0].lock);
    store_status s = connect_locked(r, &r->conns[0], err);
    for (int i = 0; i < RD_SCRIPTS && s == STORE_OK; i++) {
        const char *argv[] = {"SCRIPT", "LOAD", script_body[i]};
        size_t lens[] = {6, 4, strlen(script_body[i])};
        redisReply *reply = command_on(r, &r->conns[0], 3, argv, lens, err);
        if (reply == NULL) {
            s = STORE_IO;
        } else {
            if (reply->type == REDIS_REPLY_ERROR)
                s = reply_error(r, reply, err);
            else if (reply->type != REDIS_REPLY_STRING || reply->len != RD_SHA_SIZE - 1)
                s = fail(r, err, STORE_IO, "unexpected reply to SCRIPT LOAD", NULL);
            else
                memcpy(r->sha[i], reply->str, RD_SHA_SIZE - 1);
            freeReplyObject(reply);
        }
    }
    pthread_mutex_unlock(&r->conns[0].lock);
    if (s != STORE_OK) {
        rd_close(&r->base);
        return s;
    }
    *out = &r->base;
    return STORE_OK;
nomem:
    err->code = STORE_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory");
    return STORE_NOMEM;
}
