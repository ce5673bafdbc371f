/*
 * http.c - MCP Streamable HTTP on libmicrohttpd: routing, both eras, the
 * legacy session table, SSE streams and shutdown.
 *
 * Threads. libmicrohttpd runs its own epoll thread, or a pool of them
 * (--threads; specs/http.md has the measurements behind the default).
 * A request is handled on the thread that read it, tool work included, so
 * a long validation occupies one pool thread and the others keep serving.
 * SSE streams never hold a thread: when a stream has nothing to send its
 * content reader suspends the connection (MHD_suspend_connection), and
 * whoever queues a message resumes it. A ticker thread writes a keepalive
 * comment on every stream now and then (which is also how a vanished
 * client is noticed: a suspended connection sees no socket events) and
 * drops legacy entries whose store session is gone.
 *
 * Legacy sessions. initialize mints a session in the store (the same ids
 * as the tools' session_id) and an entry here: the mcp_conn holding the
 * negotiated version and log level, the subscribed URIs and the GET
 * stream. The store knows nothing of MCP, so the entry lives in this
 * table, keyed by the id, and goes when the session does: DELETE, or the
 * store answering "not found" (removed elsewhere, evicted, expired) at the
 * next request or ticker pass. An entry is reference-counted: a request
 * holds it while it runs, its own lock serializes the requests of one
 * session (mcp_conn is single-threaded), and the last holder frees it.
 *
 * Locks, in the only order they are taken: http->lock (table, stream list)
 * -> entry->use (one request of a session at a time) is never taken under
 * http->lock; stream->lock may be taken under http->lock; the store's
 * locks may be taken under either. MHD's own locks are taken inside
 * MHD_resume/suspend_connection, which are called under stream->lock;
 * MHD never calls back into us holding them.
 */
#include "mcp/mcp_internal.h"
#include "mcp/mcp_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LEGACY_BUCKETS 1024u      /* initial hash buckets; doubles as it fills */
#define SSE_BLOCK (16u * 1024u)   /* bytes per content-reader call */
#define DRAIN_WAIT_MS 10000u      /* ms shutdown waits for in-flight requests */
#define N_BUCKETS 14

/* Request latency histogram bounds, seconds. */
static const double latency_bounds[N_BUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

typedef struct sse_stream sse_stream;

typedef struct legacy_entry {
    char id[SESSION_ID_SIZE];
    mcp_conn *conn;
    pthread_mutex_t use;          /* one request of this session at a time */
    unsigned refs;                /* under http->lock */
    bool dead;                    /* unlinked; the last release frees it */
    char *subs[MCP_HTTP_MAX_SUBSCRIPTIONS]; /* under http->lock */
    size_t n_subs;
    sse_stream *stream;           /* the GET stream; under http->lock */
    struct legacy_entry *next;
} legacy_entry;

struct sse_stream {
    pthread_mutex_t lock;
    mcp_http *http;
    struct MHD_Connection *conn;  /* NULL once MHD let go of the response */
    bool suspended;
    bool closed;                  /* nothing more is queued; end when drained */
    base_buf queue;               /* unsent bytes are [off, queue.len); capped */
    size_t off;
    unsigned refs;                /* the stream list + the MHD response */
    /* What it listens to: a legacy session's subscriptions (by id), or a
     * modern listen request's URIs. */
    bool legacy;
    char session_id[SESSION_ID_SIZE];
    char **uris;
    size_t n_uris;
    json_t *subscription_id;      /* modern: the listen request's id */
    sse_stream *next;             /* under http->lock */
};

typedef struct metrics {
    _Atomic unsigned long long buckets[N_BUCKETS + 1];
    _Atomic unsigned long long count;
    _Atomic unsigned long long sum_us;
    _Atomic unsigned long long status[600];
} metrics;

struct mcp_http {
    mcp_server *server;
    session_store *store;
    /* config, copied */
    char *host;
    char *path;
    char **origins;
    size_t n_origins;
    char *token;
    size_t max_body;
    unsigned max_streams;
    unsigned keepalive_ms;
    bool loopback;                /* bound to a loopback address: check Host */

    struct MHD_Daemon *daemon;
    uint16_t port;

    pthread_mutex_t lock;
    pthread_cond_t tick;
    bool stopping;
    legacy_entry **buckets;
    size_t n_buckets;
    size_t n_entries;
    sse_stream *streams;
    size_t n_streams;
    pthread_t ticker;
    bool ticker_started;

    _Atomic long active;          /* requests between first call and completion */
    metrics m;
};

typedef struct request_ctx {
    struct timespec start;
    base_buf body;                /* capped at --max-body-bytes */
    bool is_stream;               /* an SSE stream; not in the latency histogram */
    const char *origin;           /* allowed Origin to echo (MHD-owned) */
} request_ctx;

/* Notifications emitted while one request is handled, as SSE events; a
 * failed buffer means some were lost, and none is sent. */
typedef struct collector {
    base_buf buf;
} collector;

/* ---- small helpers ------------------------------------------------------- */

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static const char *header_cb(void *ctx, const char *name)
{
    return header(ctx, name);
}

/* The header's value without surrounding whitespace, in buf; NULL when
 * absent or too long to be one of ours. */
static const char *header_trimmed(struct MHD_Connection *c, const char *name,
                                  char *buf, size_t size)
{
    const char *v = header(c, name);
    size_t n;

    if (!v)
        return NULL;
    while (*v == ' ' || *v == '\t')
        v++;
    n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= size)
        return NULL;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return buf;
}

static char *sse_event(const char *json_text)
{
    size_t n = strlen(json_text) + 32;
    char *ev = malloc(n);

    if (ev)
        snprintf(ev, n, "event: message\ndata: %s\n\n", json_text);
    return ev;
}

/* ---- responses ----------------------------------------------------------- */

static void common_headers(struct MHD_Response *r, request_ctx *rc)
{
    if (rc && rc->origin) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", rc->origin);
        MHD_add_response_header(r, "Access-Control-Expose-Headers",
                                BASE_HTTP_SESSION_ID ", WWW-Authenticate");
        MHD_add_response_header(r, "Vary", "Origin");
    }
}

/* With MHD_RESPMEM_MUST_FREE the response takes body (malloc'd) over,
 * and it is freed here when no response could be made. */
static enum MHD_Result send_body_mode(mcp_http *h, struct MHD_Connection *c,
                                      request_ctx *rc, unsigned status,
                                      const char *ctype, const char *body,
                                      size_t len, const char *session_id,
                                      enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(len, (void *)body, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free((void *)body);
        return MHD_NO;
    }
    if (ctype)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (session_id)
        MHD_add_response_header(r, BASE_HTTP_SESSION_ID, session_id);
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"idsd\"");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, POST, DELETE");
    common_headers(r, rc);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    if (status < 600)
        atomic_fetch_add(&h->m.status[status], 1);
    return ret;
}

static enum MHD_Result send_body(mcp_http *h, struct MHD_Connection *c,
                                 request_ctx *rc, unsigned status,
                                 const char *ctype, const char *body,
                                 size_t len, const char *session_id)
{
    return send_body_mode(h, c, rc, status, ctype, body, len, session_id,
                          MHD_RESPMEM_MUST_COPY);
}

/* A JSON-RPC reply's text (taken over; NULL when it could not be made) as
 * application/json, or as a finished SSE stream after the collected
 * notifications when there are some and the client takes
 * text/event-stream. */
static enum MHD_Result send_reply_text(mcp_http *h, struct MHD_Connection *c,
                                       request_ctx *rc, unsigned status, char *text,
                                       collector *notes, bool sse_ok,
                                       const char *session_id)
{
    if (!text)
        return send_body(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                         "out of memory\n", 14, NULL);
    if (notes && notes->buf.len && notes->buf.error == BASE_OK && sse_ok) {
        char *ev = sse_event(text);

        if (ev && base_buf_append_str(&notes->buf, ev)) {
            free(ev);
            free(text);
            return send_body(h, c, rc, status, BASE_HTTP_EVENT_STREAM, notes->buf.data,
                             notes->buf.len, session_id);
        }
        free(ev);
    }
    /* The reply's text becomes the response body as it is, uncopied. */
    return send_body_mode(h, c, rc, status, "application/json", text, strlen(text),
                          session_id, MHD_RESPMEM_MUST_FREE);
}

/* The same for a reply tree (stolen). */
static enum MHD_Result send_reply(mcp_http *h, struct MHD_Connection *c,
                                  request_ctx *rc, unsigned status, json_t *reply,
                                  collector *notes, bool sse_ok, const char *session_id)
{
    char *text = reply ? mcp_jsonrpc_dump(reply) : NULL;

    json_decref(reply);
    return send_reply_text(h, c, rc, status, text, notes, sse_ok, session_id);
}

static enum MHD_Result send_error(mcp_http *h, struct MHD_Connection *c,
                                  request_ctx *rc, unsigned status, json_t *id,
                                  int code, json_t *data, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static enum MHD_Result send_error(mcp_http *h, struct MHD_Connection *c,
                                  request_ctx *rc, unsigned status, json_t *id,
                                  int code, json_t *data, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return send_reply(h, c, rc, status, mcp_error_reply(id, code, msg, data),
                      NULL, false, NULL);
}

/* ---- SSE streams --------------------------------------------------------- */

static void stream_unref(sse_stream *s)
{
    bool last;

    pthread_mutex_lock(&s->lock);
    last = --s->refs == 0;
    pthread_mutex_unlock(&s->lock);
    if (!last)
        return;
    for (size_t i = 0; i < s->n_uris; i++)
        free(s->uris[i]);
    free(s->uris);
    base_buf_free(&s->queue);
    json_decref(s->subscription_id);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Queues bytes (or, with close, ends the stream after them) and wakes the
 * connection. A stream whose client reads too slowly to keep its queue
 * under MCP_HTTP_STREAM_QUEUE_BYTES is ended rather than allowed to grow. */
static void stream_push(sse_stream *s, const char *text, bool close)
{
    pthread_mutex_lock(&s->lock);
    if (!s->closed && text) {
        if (s->off == s->queue.len) {
            base_buf_reset(&s->queue);
            s->off = 0;
        }
        if (!base_buf_append_str(&s->queue, text)) {
            mcp_logf(MCP_LOG_WARNING, "SSE stream queue %s; ending the stream",
                     s->queue.error == BASE_TOO_BIG ? "full" : "out of memory");
            close = true;
        }
    }
    if (close)
        s->closed = true;
    if (s->suspended && s->conn) {
        s->suspended = false;
        MHD_resume_connection(s->conn);
    }
    pthread_mutex_unlock(&s->lock);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    sse_stream *s = cls;
    ssize_t n;

    pthread_mutex_lock(&s->lock);
    if (s->off < s->queue.len) {
        size_t k = s->queue.len - s->off < max ? s->queue.len - s->off : max;

        memcpy(out, s->queue.data + s->off, k);
        s->off += k;
        n = (ssize_t)k;
    } else if (s->closed || !s->conn) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        /* Nothing to send: park the connection until stream_push. */
        s->suspended = true;
        MHD_suspend_connection(s->conn);
        n = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

static legacy_entry *table_find(mcp_http *h, const char *id);

/* MHD is done with the response: the connection ended. */
static void stream_gone(void *cls)
{
    sse_stream *s = cls;
    mcp_http *h = s->http;
    sse_stream **pp;

    pthread_mutex_lock(&h->lock);
    for (pp = &h->streams; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            h->n_streams--;
            break;
        }
    }
    if (s->legacy) {
        legacy_entry *e = table_find(h, s->session_id);

        if (e && e->stream == s)
            e->stream = NULL;
    }
    pthread_mutex_unlock(&h->lock);
    pthread_mutex_lock(&s->lock);
    s->conn = NULL;
    s->closed = true;
    s->refs--;   /* the list's reference */
    pthread_mutex_unlock(&s->lock);
    stream_unref(s);  /* the response's reference */
}

/* Opens an SSE response on c with first already queued. On success the
 * stream is in the list (and, for legacy, on its entry). */
static enum MHD_Result stream_open(mcp_http *h, struct MHD_Connection *c,
                                   request_ctx *rc, sse_stream *s,
                                   const char *first)
{
    struct MHD_Response *r = NULL;
    enum MHD_Result ret;
    legacy_entry *e = NULL;

    s->http = h;
    s->conn = c;
    s->refs = 2;
    s->queue.max = MCP_HTTP_STREAM_QUEUE_BYTES;
    pthread_mutex_init(&s->lock, NULL);
    if (!base_buf_append_str(&s->queue, first))
        goto nomem;
    pthread_mutex_lock(&h->lock);
    if (h->stopping || h->n_streams >= h->max_streams) {
        bool stopping = h->stopping;

        pthread_mutex_unlock(&h->lock);
        s->refs = 1;
        stream_unref(s);
        return send_error(h, c, rc, MHD_HTTP_SERVICE_UNAVAILABLE, NULL,
                          MCP_INTERNAL_ERROR, NULL,
                          stopping ? "Server shutting down"
                                   : "Too many open streams (limit %u); try later",
                          h->max_streams);
    }
    if (s->legacy) {
        e = table_find(h, s->session_id);
        if (!e || e->stream) {
            pthread_mutex_unlock(&h->lock);
            s->refs = 1;
            stream_unref(s);
            return send_error(h, c, rc, e ? MHD_HTTP_CONFLICT : MHD_HTTP_NOT_FOUND,
                              NULL, MCP_INVALID_REQUEST, NULL,
                              e ? "This session already has an open GET stream"
                                : "Session not found; initialize a new one");
        }
    }
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK,
                                          stream_read, s, stream_gone);
    if (!r) {
        pthread_mutex_unlock(&h->lock);
        goto nomem;
    }
    s->next = h->streams;
    h->streams = s;
    h->n_streams++;
    if (e)
        e->stream = s;
    pthread_mutex_unlock(&h->lock);
    rc->is_stream = true;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, BASE_HTTP_EVENT_STREAM);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache, no-store");
    common_headers(r, rc);
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);   /* MHD holds it; stream_gone runs when it ends */
    atomic_fetch_add(&h->m.status[200], 1);
    return ret;
nomem:
    s->refs = 1;
    stream_unref(s);
    return send_body(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                     "out of memory\n", 14, NULL);
}

/* A listen stream ends with its JSON-RPC result (2026-07-28 schema:
 * SubscriptionsListenResult, sent when the server tears it down). */
static char *listen_final(sse_stream *s)
{
    json_t *reply = json_pack("{s:s, s:O, s:{s:{s:O}}}", "jsonrpc", "2.0", "id",
                              s->subscription_id, "result", "_meta",
                              MCP_META_SUBSCRIPTION_ID,
                              s->subscription_id);
    char *text = reply ? mcp_jsonrpc_dump(reply) : NULL;
    char *ev = text ? sse_event(text) : NULL;

    json_decref(reply);
    free(text);
    return ev;
}

/* ---- legacy session table ------------------------------------------------ */

static size_t id_hash(const char *id, size_t n_buckets)
{
    /* Ids are uniformly random hex: their first digits are hash enough. */
    size_t v = 0;

    for (int i = 0; i < 12 && id[i]; i++)
        v = v * 16 + (size_t)(id[i] <= '9' ? id[i] - '0' : (id[i] | 0x20) - 'a' + 10);
    return v & (n_buckets - 1);
}

/* Caller holds http->lock. */
static legacy_entry *table_find(mcp_http *h, const char *id)
{
    legacy_entry *e;

    for (e = h->buckets[id_hash(id, h->n_buckets)]; e; e = e->next) {
        if (strcmp(e->id, id) == 0)
            return e;
    }
    return NULL;
}

static void table_grow(mcp_http *h)
{
    size_t n = h->n_buckets * 2;
    legacy_entry **b = calloc(n, sizeof *b);

    if (!b)
        return;   /* longer chains, still correct */
    for (size_t i = 0; i < h->n_buckets; i++) {
        legacy_entry *e = h->buckets[i], *next;

        for (; e; e = next) {
            size_t k = id_hash(e->id, n);

            next = e->next;
            e->next = b[k];
            b[k] = e;
        }
    }
    free(h->buckets);
    h->buckets = b;
    h->n_buckets = n;
}

static void entry_free(legacy_entry *e)
{
    for (size_t i = 0; i < e->n_subs; i++)
        free(e->subs[i]);
    mcp_conn_free(e->conn);
    pthread_mutex_destroy(&e->use);
    free(e);
}

/* Unlinks e and ends its stream. Caller holds http->lock; returns true
 * when nobody holds e any more and the caller must free it (after
 * unlocking). */
static bool table_unlink(mcp_http *h, legacy_entry *e)
{
    legacy_entry **pp = &h->buckets[id_hash(e->id, h->n_buckets)];

    for (; *pp; pp = &(*pp)->next) {
        if (*pp == e) {
            *pp = e->next;
            h->n_entries--;
            break;
        }
    }
    e->dead = true;
    if (e->stream) {
        stream_push(e->stream, NULL, true);
        e->stream = NULL;
    }
    return e->refs == 0;
}

static void emit_collect(void *ctx, json_t *message)
{
    collector *col = ctx;
    char *text, *ev;

    if (!col)
        return;
    text = mcp_jsonrpc_dump(message);
    ev = text ? sse_event(text) : NULL;
    if (!ev)
        base_buf_fail(&col->buf, BASE_NOMEM);
    else
        base_buf_append_str(&col->buf, ev);
    free(ev);
    free(text);
}

static legacy_entry *legacy_add(mcp_http *h, const char *id)
{
    legacy_entry *e = calloc(1, sizeof *e);

    if (!e)
        return NULL;
    e->conn = mcp_conn_new(h->server, MCP_TRANSPORT_HTTP, emit_collect, NULL);
    if (!e->conn) {
        free(e);
        return NULL;
    }
    strcpy(e->id, id);
    mcp_conn_set_session_id(e->conn, id);
    pthread_mutex_init(&e->use, NULL);
    e->refs = 1;
    pthread_mutex_lock(&h->lock);
    if (h->n_entries >= h->n_buckets * 2)
        table_grow(h);
    {
        size_t k = id_hash(id, h->n_buckets);

        e->next = h->buckets[k];
        h->buckets[k] = e;
        h->n_entries++;
    }
    pthread_mutex_unlock(&h->lock);
    return e;
}

/* Finds and holds the entry of a live session, dropping it when the store
 * no longer has the session. NULL = unknown (404). */
static legacy_entry *legacy_get(mcp_http *h, const char *id)
{
    legacy_entry *e;
    session_info info;
    bool free_it = false;

    if (strlen(id) != SESSION_ID_LEN)
        return NULL;
    pthread_mutex_lock(&h->lock);
    e = table_find(h, id);
    if (e && session_get_info(h->store, id, &info) != SESSION_OK) {
        free_it = table_unlink(h, e);
        pthread_mutex_unlock(&h->lock);
        if (free_it)
            entry_free(e);
        return NULL;
    }
    if (e)
        e->refs++;
    pthread_mutex_unlock(&h->lock);
    return e;
}

static void legacy_put(mcp_http *h, legacy_entry *e)
{
    bool free_it;

    pthread_mutex_lock(&h->lock);
    free_it = --e->refs == 0 && e->dead;
    pthread_mutex_unlock(&h->lock);
    if (free_it)
        entry_free(e);
}

/* Ends a legacy session: the store's record and our entry. */
static void legacy_end(mcp_http *h, legacy_entry *e)
{
    bool free_it;

    session_remove(h->store, e->id);
    pthread_mutex_lock(&h->lock);
    if (!e->dead)
        table_unlink(h, e);
    free_it = --e->refs == 0;
    pthread_mutex_unlock(&h->lock);
    if (free_it)
        entry_free(e);
}

/* ---- hooks from the core ------------------------------------------------- */

static bool hook_subscribe(void *ctx, mcp_conn *conn, const char *uri, bool on)
{
    mcp_http *h = ctx;
    legacy_entry *e;
    bool ok = true;

    pthread_mutex_lock(&h->lock);
    e = table_find(h, mcp_conn_session_id(conn));
    if (e) {
        size_t i;

        for (i = 0; i < e->n_subs && strcmp(e->subs[i], uri) != 0; i++)
            ;
        if (on && i == e->n_subs) {
            char *copy = e->n_subs < MCP_HTTP_MAX_SUBSCRIPTIONS ? strdup(uri) : NULL;

            if (copy)
                e->subs[e->n_subs++] = copy;
            else
                ok = false;
        } else if (!on && i < e->n_subs) {
            free(e->subs[i]);
            e->subs[i] = e->subs[--e->n_subs];
        }
    }
    pthread_mutex_unlock(&h->lock);
    return ok;
}

static bool stream_wants(mcp_http *h, sse_stream *s, const char *uri)
{
    if (s->legacy) {
        legacy_entry *e = table_find(h, s->session_id);

        if (!e)
            return false;
        for (size_t i = 0; i < e->n_subs; i++) {
            if (strcmp(e->subs[i], uri) == 0)
                return true;
        }
        return false;
    }
    for (size_t i = 0; i < s->n_uris; i++) {
        if (strcmp(s->uris[i], uri) == 0)
            return true;
    }
    return false;
}

static void hook_document_changed(void *ctx, const char *session_id)
{
    mcp_http *h = ctx;
    char uri[sizeof MCP_RESOURCE_SCHEME + SESSION_ID_SIZE];
    sse_stream *s;

    snprintf(uri, sizeof uri, "%s%s", MCP_RESOURCE_SCHEME, session_id);
    pthread_mutex_lock(&h->lock);
    for (s = h->streams; s; s = s->next) {
        json_t *note;
        char *text, *ev;

        if (!stream_wants(h, s, uri))
            continue;
        note = json_pack("{s:s, s:s, s:{s:s}}", "jsonrpc", "2.0", "method",
                         "notifications/resources/updated", "params", "uri", uri);
        if (note && !s->legacy)
            json_object_set_new(json_object_get(note, "params"), "_meta",
                                json_pack("{s:O}", MCP_META_SUBSCRIPTION_ID,
                                          s->subscription_id));
        text = note ? mcp_jsonrpc_dump(note) : NULL;
        ev = text ? sse_event(text) : NULL;
        if (ev)
            stream_push(s, ev, false);
        free(ev);
        free(text);
        json_decref(note);
    }
    pthread_mutex_unlock(&h->lock);
}

/* ---- the ticker ---------------------------------------------------------- */

static void *ticker_main(void *arg)
{
    mcp_http *h = arg;
    struct timespec deadline;

    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += h->keepalive_ms / 1000;
        deadline.tv_nsec += (long)(h->keepalive_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&h->tick, &h->lock, &deadline) != ETIMEDOUT)
            continue;
        for (sse_stream *s = h->streams; s; s = s->next)
            stream_push(s, ": keepalive\n\n", false);
        /* Entries whose session the store no longer has (evicted, expired,
         * removed by another path). Freed after the walk, outside the lock. */
        {
            legacy_entry *doomed = NULL;

            for (size_t b = 0; b < h->n_buckets; b++) {
                legacy_entry *e = h->buckets[b], *next;
                session_info info;

                for (; e; e = next) {
                    next = e->next;
                    if (session_get_info(h->store, e->id, &info) == SESSION_OK)
                        continue;
                    if (table_unlink(h, e)) {
                        e->next = doomed;
                        doomed = e;
                    }
                }
            }
            pthread_mutex_unlock(&h->lock);
            while (doomed) {
                legacy_entry *next = doomed->next;

                entry_free(doomed);
                doomed = next;
            }
            pthread_mutex_lock(&h->lock);
        }
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* ---- /metrics ------------------------------------------------------------ */

static void observe(mcp_http *h, const struct timespec *start)
{
    struct timespec now;
    double s;
    size_t i;

    clock_gettime(CLOCK_MONOTONIC, &now);
    s = (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
    for (i = 0; i < N_BUCKETS && s > latency_bounds[i]; i++)
        ;
    atomic_fetch_add(&h->m.buckets[i], 1);
    atomic_fetch_add(&h->m.count, 1);
    atomic_fetch_add(&h->m.sum_us, (unsigned long long)(s * 1e6));
}

static enum MHD_Result send_metrics(mcp_http *h, struct MHD_Connection *c,
                                    request_ctx *rc)
{
    session_stats st;
    mcp_tool_stats tools[128];
    size_t n_tools, n_streams, n_entries;
    base_buf b = {0};
    unsigned long long cum = 0;
    enum MHD_Result ret;

    session_store_stats(h->store, &st);
    n_tools = mcp_server_tool_stats(h->server, tools, 128);
    if (n_tools > 128)
        n_tools = 128;
    pthread_mutex_lock(&h->lock);
    n_streams = h->n_streams;
    n_entries = h->n_entries;
    pthread_mutex_unlock(&h->lock);

#define M(...) base_buf_printf(&b, __VA_ARGS__)
    M("# HELP idsd_sessions_live Sessions held in the store now.\n"
      "# TYPE idsd_sessions_live gauge\nidsd_sessions_live %zu\n", st.live);
    M("# HELP idsd_sessions_created_total Sessions created.\n"
      "# TYPE idsd_sessions_created_total counter\nidsd_sessions_created_total %llu\n",
      (unsigned long long)st.created);
    M("# HELP idsd_sessions_ended_total Sessions ended explicitly (HTTP DELETE).\n"
      "# TYPE idsd_sessions_ended_total counter\nidsd_sessions_ended_total %llu\n",
      (unsigned long long)st.removed);
    M("# HELP idsd_sessions_evicted_total Idle sessions evicted by the reaper.\n"
      "# TYPE idsd_sessions_evicted_total counter\nidsd_sessions_evicted_total %llu\n",
      (unsigned long long)st.evicted);
    M("# HELP idsd_sessions_expired_total Sessions found idle past their TTL at lookup.\n"
      "# TYPE idsd_sessions_expired_total counter\nidsd_sessions_expired_total %llu\n",
      (unsigned long long)st.expired);
    M("# HELP idsd_sessions_rejected_total Session creations refused at capacity.\n"
      "# TYPE idsd_sessions_rejected_total counter\nidsd_sessions_rejected_total %llu\n",
      (unsigned long long)st.rejected);
    M("# HELP idsd_document_bytes Bytes of IDS documents held by live sessions.\n"
      "# TYPE idsd_document_bytes gauge\nidsd_document_bytes %zu\n", st.bytes);
    M("# HELP idsd_legacy_sessions Legacy HTTP sessions with protocol state.\n"
      "# TYPE idsd_legacy_sessions gauge\nidsd_legacy_sessions %zu\n", n_entries);
    M("# HELP idsd_sse_streams Open SSE streams (GET and subscriptions/listen).\n"
      "# TYPE idsd_sse_streams gauge\nidsd_sse_streams %zu\n", n_streams);
    M("# HELP idsd_tool_calls_total Tool calls by tool and outcome.\n"
      "# TYPE idsd_tool_calls_total counter\n");
    for (size_t i = 0; i < n_tools; i++) {
        M("idsd_tool_calls_total{tool=\"%s\",status=\"ok\"} %llu\n", tools[i].name, tools[i].ok);
        M("idsd_tool_calls_total{tool=\"%s\",status=\"error\"} %llu\n", tools[i].name,
          tools[i].errors);
    }
    M("# HELP idsd_http_responses_total HTTP responses by status code.\n"
      "# TYPE idsd_http_responses_total counter\n");
    for (int code = 100; code < 600; code++) {
        unsigned long long v = atomic_load(&h->m.status[code]);

        if (v)
            M("idsd_http_responses_total{code=\"%d\"} %llu\n", code, v);
    }
    M("# HELP idsd_request_duration_seconds Time from request start to response "
      "completion (SSE streams excluded).\n"
      "# TYPE idsd_request_duration_seconds histogram\n");
    for (int i = 0; i < N_BUCKETS; i++) {
        cum += atomic_load(&h->m.buckets[i]);
        M("idsd_request_duration_seconds_bucket{le=\"%g\"} %llu\n", latency_bounds[i], cum);
    }
    cum += atomic_load(&h->m.buckets[N_BUCKETS]);
    M("idsd_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    M("idsd_request_duration_seconds_sum %.6f\n",
      (double)atomic_load(&h->m.sum_us) / 1e6);
    M("idsd_request_duration_seconds_count %llu\n", atomic_load(&h->m.count));
#undef M
    if (b.error != BASE_OK) {
        base_buf_free(&b);
        return send_body(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                         "out of memory\n", 14, NULL);
    }
    ret = send_body(h, c, rc, MHD_HTTP_OK, "text/plain; version=0.0.4", b.data, b.len, NULL);
    base_buf_free(&b);
    return ret;
}

/* ---- POST: modern era ---------------------------------------------------- */

/* HTTP status of a modern reply: protocol-level refusals are 4xx (the
 * 2026-07-28 transport), results and handler errors are 200. */
/* The HTTP status of a modern reply with JSON-RPC error code (0: none). */
static unsigned modern_status(int code)
{
    if (code == 0)
        return MHD_HTTP_OK;
    if (code == MCP_METHOD_NOT_FOUND)
        return MHD_HTTP_NOT_FOUND;
    if (code == MCP_PARSE_ERROR || code == MCP_INVALID_REQUEST ||
        code == MCP_UNSUPPORTED_PROTOCOL_VERSION || code == MCP_HEADER_MISMATCH ||
        code == MCP_MISSING_CLIENT_CAPABILITY)
        return MHD_HTTP_BAD_REQUEST;
    return MHD_HTTP_OK;
}

static bool is_resource_uri(const char *uri)
{
    size_t n = strlen(MCP_RESOURCE_SCHEME);

    if (strncmp(uri, MCP_RESOURCE_SCHEME, n) != 0 || strlen(uri + n) != SESSION_ID_LEN)
        return false;
    for (const char *p = uri + n; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    }
    return true;
}

static enum MHD_Result open_listen(mcp_http *h, struct MHD_Connection *c,
                                   request_ctx *rc, json_t *msg)
{
    json_t *id = json_object_get(msg, "id");
    json_t *params = json_object_get(msg, "params");
    json_t *filter = json_object_get(params, "notifications");
    json_t *subs = json_object_get(filter, "resourceSubscriptions");
    json_t *honored = NULL, *ack = NULL, *uri;
    sse_stream *s = NULL;
    char *text = NULL, *ev = NULL;
    enum MHD_Result ret;
    size_t i;

    if (!json_is_object(filter) || (subs && !json_is_array(subs))) {
        return send_error(h, c, rc, MHD_HTTP_OK, id, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: subscriptions/listen needs \"notifications\" "
                          "(an object; resourceSubscriptions an array of URIs)");
    }
    s = calloc(1, sizeof *s);
    honored = json_array();
    if (!s || !honored)
        goto nomem;
    s->subscription_id = json_incref(id);
    /* Only the documents idsd serves can change; lists never do, so the
     * acknowledgement names the document URIs and nothing else. */
    json_array_foreach(subs, i, uri) {
        char **grown;

        if (!json_is_string(uri) || !is_resource_uri(json_string_value(uri)) ||
            s->n_uris >= MCP_HTTP_MAX_SUBSCRIPTIONS)
            continue;
        grown = realloc(s->uris, (s->n_uris + 1) * sizeof *grown);
        if (!grown)
            goto nomem;
        s->uris = grown;
        s->uris[s->n_uris] = strdup(json_string_value(uri));
        if (!s->uris[s->n_uris])
            goto nomem;
        s->n_uris++;
        json_array_append(honored, uri);
    }
    ack = json_pack("{s:s, s:s, s:{s:{s:O}, s:{s:O}}}", "jsonrpc", "2.0", "method",
                    "notifications/subscriptions/acknowledged", "params",
                    "notifications", "resourceSubscriptions", honored, "_meta",
                    MCP_META_SUBSCRIPTION_ID, id);
    text = ack ? mcp_jsonrpc_dump(ack) : NULL;
    ev = text ? sse_event(text) : NULL;
    if (!ev)
        goto nomem;
    ret = stream_open(h, c, rc, s, ev);
    s = NULL;
    goto out;
nomem:
    ret = send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id, MCP_INTERNAL_ERROR,
                     NULL, "Internal error: out of memory");
out:
    if (s) {
        s->refs = 1;
        pthread_mutex_init(&s->lock, NULL);
        stream_unref(s);
    }
    json_decref(honored);
    json_decref(ack);
    free(text);
    free(ev);
    return ret;
}

static enum MHD_Result handle_modern(mcp_http *h, struct MHD_Connection *c,
                                     request_ctx *rc, json_t *msg,
                                     const char *pv_hdr, bool sse_ok)
{
    json_t *reply = NULL, *id, *params, *meta, *claim, *name_src = NULL;
    const char *method, *name_field = NULL;
    char mbuf[128];
    const char *mhdr;
    collector col = {0};
    mcp_conn *conn = NULL;
    enum MHD_Result ret;
    char why[256];
    char *text;
    int code;

    if (!json_is_object(msg))
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, NULL, MCP_INVALID_REQUEST,
                          NULL, "Invalid Request: MCP %s takes one JSON-RPC message "
                          "per POST, not a batch", MCP_VERSION_2026_07_28);
    switch (mcp_jsonrpc_classify(msg, &reply)) {
    case MCP_MSG_INVALID:
        return send_reply(h, c, rc, MHD_HTTP_BAD_REQUEST, reply, NULL, false, NULL);
    case MCP_MSG_RESPONSE:
    case MCP_MSG_NOTIFICATION:
        /* idsd sends no requests to answer; notifications/cancelled comes
         * after its request was answered (each is handled whole). */
        return send_body(h, c, rc, MHD_HTTP_ACCEPTED, NULL, "", 0, NULL);
    case MCP_MSG_REQUEST:
        break;
    }
    id = json_object_get(msg, "id");
    method = json_string_value(json_object_get(msg, "method"));
    params = json_object_get(msg, "params");
    meta = json_is_object(params) ? json_object_get(params, "_meta") : NULL;
    claim = json_is_object(meta) ? json_object_get(meta, MCP_META_PROTOCOL_VERSION) : NULL;

    /* The envelope first: a modern request without one is invalid params
     * (400 on HTTP), then the headers against the body. */
    if (!json_is_string(claim))
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: a %s request needs params._meta[\""
                          MCP_META_PROTOCOL_VERSION "\"] (a string)",
                          MCP_VERSION_2026_07_28);
    if (!pv_hdr)
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_HEADER_MISMATCH, NULL,
                          "Header mismatch: the MCP-Protocol-Version header is "
                          "required and must equal params._meta[\""
                          MCP_META_PROTOCOL_VERSION "\"]");
    if (strcmp(pv_hdr, json_string_value(claim)) != 0)
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_HEADER_MISMATCH, NULL,
                          "Header mismatch: MCP-Protocol-Version %.40s differs from "
                          "the body's protocol version %.40s", pv_hdr,
                          json_string_value(claim));
    if (!mcp_version_is_modern(pv_hdr))
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id,
                          MCP_UNSUPPORTED_PROTOCOL_VERSION,
                          json_pack("{s:o, s:O}", "supported", mcp_supported_versions_json(),
                                    "requested", claim),
                          "Unsupported protocol version: %.40s", pv_hdr);
    if (!json_is_object(json_object_get(meta, MCP_META_CLIENT_CAPABILITIES)))
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: params._meta[\"" MCP_META_CLIENT_CAPABILITIES
                          "\"] is required (an object; {} declares none)");
    mhdr = header_trimmed(c, BASE_HTTP_METHOD, mbuf, sizeof mbuf);
    if (!mhdr || strcmp(mhdr, method) != 0)
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_HEADER_MISMATCH, NULL,
                          "Header mismatch: the Mcp-Method header %s the body's "
                          "method %.100s", mhdr ? "differs from" : "is required and must equal",
                          method);
    if (strcmp(method, "subscriptions/listen") != 0 && !mcp_method_known(method, true))
        return send_error(h, c, rc, MHD_HTTP_NOT_FOUND, id, MCP_METHOD_NOT_FOUND,
                          json_pack("{s:s}", "method", method),
                          "Method not found: %.100s is not part of MCP %s", method,
                          MCP_VERSION_2026_07_28);
    if (strcmp(method, "tools/call") == 0 || strcmp(method, "prompts/get") == 0)
        name_field = "name";
    else if (strcmp(method, "resources/read") == 0)
        name_field = "uri";
    if (name_field)
        name_src = json_object_get(params, name_field);
    if (json_is_string(name_src)) {
        const char *raw = header(c, BASE_HTTP_NAME);
        size_t glen = 0;
        bool bad = false;
        char *got = raw ? mcp_http_decode_value(raw, &glen, &bad) : NULL;
        bool same = got && glen == json_string_length(name_src) &&
                    memcmp(got, json_string_value(name_src), glen) == 0;

        free(got);
        if (!same)
            return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_HEADER_MISMATCH,
                              NULL, "Header mismatch: the Mcp-Name header %s params.%s",
                              !raw ? "is required and must equal"
                                   : bad ? "is not valid =?base64?...?= for"
                                         : "differs from",
                              name_field);
    }
    if (strcmp(method, "tools/call") == 0 && json_is_string(name_src)) {
        const json_t *schema = tool_input_schema(tool_find(json_string_value(name_src)));

        if (schema && !mcp_http_check_param_headers(schema,
                                                    json_object_get(params, "arguments"),
                                                    header_cb, c, why, sizeof why))
            return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_HEADER_MISMATCH,
                              NULL, "%s", why);
    }
    if (strcmp(method, "subscriptions/listen") == 0) {
        if (!sse_ok)
            return send_error(h, c, rc, MHD_HTTP_NOT_ACCEPTABLE, id, MCP_INVALID_REQUEST,
                              NULL, "subscriptions/listen answers with text/event-stream; "
                              "the Accept header must allow it");
        return open_listen(h, c, rc, msg);
    }

    conn = mcp_conn_new(h->server, MCP_TRANSPORT_HTTP, emit_collect, &col);
    if (!conn)
        return send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id,
                          MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
    text = mcp_handle_message_text(conn, msg, &code);
    mcp_conn_free(conn);
    if (!text) {
        base_buf_free(&col.buf);
        return send_body(h, c, rc, MHD_HTTP_ACCEPTED, NULL, "", 0, NULL);
    }
    ret = send_reply_text(h, c, rc, modern_status(code), text, &col, sse_ok, NULL);
    base_buf_free(&col.buf);
    return ret;
}

/* ---- POST: legacy era ---------------------------------------------------- */

static enum MHD_Result handle_initialize(mcp_http *h, struct MHD_Connection *c,
                                         request_ctx *rc, json_t *msg, bool sse_ok)
{
    json_t *id = json_object_get(msg, "id");
    char sid[SESSION_ID_SIZE];
    session *s = NULL;
    session_status st;
    legacy_entry *e;
    char *text;
    int code;
    collector col = {0};
    enum MHD_Result ret;

    st = session_create(h->store, &s, sid);
    if (st == SESSION_CAPACITY)
        return send_error(h, c, rc, MHD_HTTP_SERVICE_UNAVAILABLE, id, MCP_INTERNAL_ERROR,
                          NULL, "Server busy: the session store is full; try again "
                          "later or end idle sessions (DELETE)");
    if (st != SESSION_OK)
        return send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id,
                          MCP_INTERNAL_ERROR, NULL, "Internal error: %s",
                          session_status_name(st));
    session_release(s);
    e = legacy_add(h, sid);
    if (!e) {
        session_remove(h->store, sid);
        return send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id,
                          MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
    }
    pthread_mutex_lock(&e->use);
    e->conn->emit_ctx = &col;
    text = mcp_handle_message_text(e->conn, msg, &code);
    e->conn->emit_ctx = NULL;
    pthread_mutex_unlock(&e->use);
    if (!text || code != 0) {
        legacy_end(h, e);
        ret = text ? send_reply_text(h, c, rc, MHD_HTTP_OK, text, NULL, false, NULL)
                   : send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id,
                                MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        base_buf_free(&col.buf);
        return ret;
    }
    mcp_logf(MCP_LOG_INFO, "legacy HTTP session %.8s... started", sid);
    ret = send_reply_text(h, c, rc, MHD_HTTP_OK, text, &col, sse_ok, sid);
    legacy_put(h, e);
    base_buf_free(&col.buf);
    return ret;
}

static enum MHD_Result handle_legacy(mcp_http *h, struct MHD_Connection *c,
                                     request_ctx *rc, json_t *msg,
                                     const char *pv_hdr, bool sse_ok)
{
    json_t *id = json_is_object(msg) ? json_object_get(msg, "id") : NULL;
    const char *method = json_is_object(msg)
                             ? json_string_value(json_object_get(msg, "method"))
                             : NULL;
    char sbuf[SESSION_ID_SIZE + 8];
    const char *sid;
    legacy_entry *e;
    char *text;
    int code;
    collector col = {0};
    enum MHD_Result ret;
    const char *negotiated;

    if (!json_is_string(id) && !json_is_integer(id))
        id = NULL;
    if (pv_hdr && !mcp_version_is_legacy(pv_hdr))
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id,
                          MCP_UNSUPPORTED_PROTOCOL_VERSION,
                          json_pack("{s:o, s:s}", "supported", mcp_supported_versions_json(),
                                    "requested", pv_hdr),
                          "Bad Request: unsupported MCP-Protocol-Version %.40s", pv_hdr);
    if (method && strcmp(method, "initialize") == 0 && id)
        return handle_initialize(h, c, rc, msg, sse_ok);
    sid = header_trimmed(c, BASE_HTTP_SESSION_ID, sbuf, sizeof sbuf);
    if (!sid)
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_INVALID_REQUEST, NULL,
                          "Bad Request: the Mcp-Session-Id header is required (send "
                          "initialize first; or, for MCP %s, the _meta envelope and "
                          "the MCP-Protocol-Version header)", MCP_VERSION_2026_07_28);
    e = legacy_get(h, sid);
    if (!e)
        return send_error(h, c, rc, MHD_HTTP_NOT_FOUND, id, MCP_INVALID_REQUEST, NULL,
                          "Session not found (ended, expired or never created); "
                          "send initialize to start a new one");
    pthread_mutex_lock(&e->use);
    negotiated = mcp_conn_legacy_version(e->conn);
    if (pv_hdr && negotiated && strcmp(pv_hdr, negotiated) != 0) {
        pthread_mutex_unlock(&e->use);
        legacy_put(h, e);
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_INVALID_REQUEST, NULL,
                          "Bad Request: MCP-Protocol-Version %.40s differs from the "
                          "version this session negotiated (%s)", pv_hdr, negotiated);
    }
    e->conn->emit_ctx = &col;
    text = mcp_handle_message_text(e->conn, msg, &code);
    e->conn->emit_ctx = NULL;
    pthread_mutex_unlock(&e->use);
    legacy_put(h, e);
    if (!text)
        ret = send_body(h, c, rc, MHD_HTTP_ACCEPTED, NULL, "", 0, NULL);
    else
        ret = send_reply_text(h, c, rc, MHD_HTTP_OK, text, &col, sse_ok, NULL);
    base_buf_free(&col.buf);
    return ret;
}

static enum MHD_Result handle_post(mcp_http *h, struct MHD_Connection *c,
                                   request_ctx *rc)
{
    char pbuf[64];
    const char *pv_hdr = header_trimmed(c, BASE_HTTP_PROTOCOL_VERSION, pbuf, sizeof pbuf);
    bool json_ok, sse_ok, modern;
    json_t *msg, *params, *meta;
    json_error_t err;
    enum MHD_Result ret;

    if (!mcp_http_is_json_type(header(c, MHD_HTTP_HEADER_CONTENT_TYPE)))
        return send_error(h, c, rc, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL,
                          MCP_INVALID_REQUEST, NULL,
                          "Content-Type must be application/json");
    mcp_http_accepts(header(c, MHD_HTTP_HEADER_ACCEPT), &json_ok, &sse_ok);
    if (!json_ok && !sse_ok)
        return send_error(h, c, rc, MHD_HTTP_NOT_ACCEPTABLE, NULL, MCP_INVALID_REQUEST,
                          NULL, "Accept must allow application/json and "
                          "text/event-stream");
    if (!header(c, BASE_HTTP_PROTOCOL_VERSION))
        pv_hdr = NULL;
    else if (!pv_hdr)
        pv_hdr = "(too long)";
    msg = base_json_read(rc->body.data ? rc->body.data : "", rc->body.len, &err);
    if (!msg)
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, NULL, MCP_PARSE_ERROR, NULL,
                          "Parse error: %s (line %d, column %d)", err.text, err.line,
                          err.column);
    /* The era of a POST: the modern envelope in the body or a modern
     * MCP-Protocol-Version header makes it 2026-07-28 (and the other must
     * then agree); everything else is the legacy session protocol. */
    params = json_is_object(msg) ? json_object_get(msg, "params") : NULL;
    meta = json_is_object(params) ? json_object_get(params, "_meta") : NULL;
    modern = (pv_hdr && mcp_version_is_modern(pv_hdr)) ||
             (json_is_object(meta) && json_object_get(meta, MCP_META_PROTOCOL_VERSION));
    if (modern)
        ret = handle_modern(h, c, rc, msg, pv_hdr, sse_ok);
    else
        ret = handle_legacy(h, c, rc, msg, pv_hdr, sse_ok || !json_ok);
    json_decref(msg);
    return ret;
}

/* ---- GET and DELETE on the endpoint -------------------------------------- */

static enum MHD_Result handle_get(mcp_http *h, struct MHD_Connection *c,
                                  request_ctx *rc)
{
    char sbuf[SESSION_ID_SIZE + 8], pbuf[64];
    const char *sid = header_trimmed(c, BASE_HTTP_SESSION_ID, sbuf, sizeof sbuf);
    const char *pv = header_trimmed(c, BASE_HTTP_PROTOCOL_VERSION, pbuf, sizeof pbuf);
    bool json_ok, sse_ok;
    legacy_entry *e;
    sse_stream *s;

    if ((pv && mcp_version_is_modern(pv)) || !sid)
        return send_error(h, c, rc, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
                          MCP_INVALID_REQUEST, NULL,
                          "GET opens the notification stream of a legacy session "
                          "(Mcp-Session-Id); MCP %s uses subscriptions/listen",
                          MCP_VERSION_2026_07_28);
    mcp_http_accepts(header(c, MHD_HTTP_HEADER_ACCEPT), &json_ok, &sse_ok);
    if (!sse_ok)
        return send_error(h, c, rc, MHD_HTTP_NOT_ACCEPTABLE, NULL, MCP_INVALID_REQUEST,
                          NULL, "GET answers with text/event-stream; the Accept "
                          "header must allow it");
    e = legacy_get(h, sid);
    if (!e)
        return send_error(h, c, rc, MHD_HTTP_NOT_FOUND, NULL, MCP_INVALID_REQUEST, NULL,
                          "Session not found; send initialize to start a new one");
    legacy_put(h, e);
    s = calloc(1, sizeof *s);
    if (!s)
        return send_body(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                         "out of memory\n", 14, NULL);
    s->legacy = true;
    strcpy(s->session_id, e->id);
    return stream_open(h, c, rc, s, ": idsd notification stream\n\n");
}

static enum MHD_Result handle_delete(mcp_http *h, struct MHD_Connection *c,
                                     request_ctx *rc)
{
    char sbuf[SESSION_ID_SIZE + 8], pbuf[64];
    const char *sid = header_trimmed(c, BASE_HTTP_SESSION_ID, sbuf, sizeof sbuf);
    const char *pv = header_trimmed(c, BASE_HTTP_PROTOCOL_VERSION, pbuf, sizeof pbuf);
    legacy_entry *e;

    if ((pv && mcp_version_is_modern(pv)) || !sid)
        return send_error(h, c, rc, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
                          MCP_INVALID_REQUEST, NULL,
                          "DELETE ends a legacy session named by Mcp-Session-Id; "
                          "MCP %s has no protocol sessions", MCP_VERSION_2026_07_28);
    e = legacy_get(h, sid);
    if (!e)
        return send_error(h, c, rc, MHD_HTTP_NOT_FOUND, NULL, MCP_INVALID_REQUEST, NULL,
                          "Session not found");
    legacy_end(h, e);
    mcp_logf(MCP_LOG_INFO, "legacy HTTP session %.8s... ended by DELETE", sid);
    return send_body(h, c, rc, MHD_HTTP_OK, NULL, "", 0, NULL);
}

/* ---- the access handler -------------------------------------------------- */

/* Checks made before any body is read; returns 0 or the refusal status. */
static unsigned precheck(mcp_http *h, struct MHD_Connection *c, const char *url,
                         request_ctx *rc, const char **why)
{
    const char *origin = header(c, "Origin");
    const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);

    if (origin) {
        if (!mcp_http_origin_allowed(origin, (const char *const *)h->origins,
                                     h->n_origins)) {
            *why = "Forbidden: Origin not allowed (see --allow-origin)";
            return MHD_HTTP_FORBIDDEN;
        }
        rc->origin = origin;
    }
    /* DNS rebinding: a page on evil.example that resolves to 127.0.0.1
     * reaches us with its own name in Host. */
    if (h->loopback && h->n_origins == 0 &&
        !mcp_http_host_is_loopback(header(c, MHD_HTTP_HEADER_HOST))) {
        *why = "Forbidden: Host is not a loopback name";
        return MHD_HTTP_FORBIDDEN;
    }
    if (h->token && strcmp(url, "/healthz") != 0 &&
        !mcp_http_bearer_ok(header(c, MHD_HTTP_HEADER_AUTHORIZATION), h->token)) {
        *why = "Unauthorized: a valid bearer token is required";
        return MHD_HTTP_UNAUTHORIZED;
    }
    if (cl) {
        char *end;
        unsigned long long n = strtoull(cl, &end, 10);

        if (*end || n > h->max_body) {
            *why = "Payload Too Large: the body exceeds --max-body-bytes";
            return MHD_HTTP_CONTENT_TOO_LARGE;
        }
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    mcp_http *h = cls;
    request_ctx *rc = *con_cls;

    if (!rc) {
        const char *why = NULL;
        unsigned status;

        rc = calloc(1, sizeof *rc);
        if (!rc)
            return MHD_NO;
        rc->body.max = h->max_body;
        clock_gettime(CLOCK_MONOTONIC, &rc->start);
        *con_cls = rc;
        atomic_fetch_add(&h->active, 1);
        status = precheck(h, c, url, rc, &why);
        if (status)
            return send_error(h, c, rc, status, NULL, MCP_INVALID_REQUEST, NULL, "%s", why);
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* Past the cap (or out of memory) the rest is read and dropped. */
        base_buf_append(&rc->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rc->body.error == BASE_NOMEM)
        return send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, MCP_INTERNAL_ERROR,
                          NULL, "Internal error: out of memory reading the body");
    if (rc->body.error == BASE_TOO_BIG)
        return send_error(h, c, rc, MHD_HTTP_CONTENT_TOO_LARGE, NULL, MCP_INVALID_REQUEST,
                          NULL, "Payload Too Large: the body exceeds %zu bytes "
                          "(--max-body-bytes)", h->max_body);
    if (strcmp(url, "/healthz") == 0 && strcmp(method, "GET") == 0)
        return send_body(h, c, rc, MHD_HTTP_OK, "text/plain", "ok\n", 3, NULL);
    if (strcmp(url, "/metrics") == 0 && strcmp(method, "GET") == 0)
        return send_metrics(h, c, rc);
    if (strcmp(url, h->path) != 0)
        return send_body(h, c, rc, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", 10,
                         NULL);
    if (strcmp(method, "POST") == 0)
        return handle_post(h, c, rc);
    if (strcmp(method, "GET") == 0)
        return handle_get(h, c, rc);
    if (strcmp(method, "DELETE") == 0)
        return handle_delete(h, c, rc);
    if (strcmp(method, "OPTIONS") == 0 && rc->origin) {
        struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
                                                                 MHD_RESPMEM_PERSISTENT);
        enum MHD_Result ret;

        if (!r)
            return MHD_NO;
        common_headers(r, rc);
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, POST, DELETE");
        MHD_add_response_header(r, "Access-Control-Allow-Headers",
                                "Content-Type, Accept, Authorization, " BASE_HTTP_SESSION_ID
                                ", " BASE_HTTP_PROTOCOL_VERSION ", " BASE_HTTP_METHOD
                                ", " BASE_HTTP_NAME ", Last-Event-ID");
        ret = MHD_queue_response(c, MHD_HTTP_NO_CONTENT, r);
        MHD_destroy_response(r);
        return ret;
    }
    return send_body(h, c, rc, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
                     "method not allowed\n", 19, NULL);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    mcp_http *h = cls;
    request_ctx *rc = *con_cls;

    if (!rc)
        return;
    if (!rc->is_stream)
        observe(h, &rc->start);
    base_buf_free(&rc->body);
    free(rc);
    *con_cls = NULL;
    atomic_fetch_sub(&h->active, 1);
}

/* ---- start and stop ------------------------------------------------------ */

static void http_free(mcp_http *h)
{
    for (size_t b = 0; h->buckets && b < h->n_buckets; b++) {
        legacy_entry *e = h->buckets[b], *next;

        for (; e; e = next) {
            next = e->next;
            entry_free(e);
        }
    }
    free(h->buckets);
    for (size_t i = 0; i < h->n_origins; i++)
        free(h->origins[i]);
    free(h->origins);
    free(h->host);
    free(h->path);
    free(h->token);
    pthread_cond_destroy(&h->tick);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

mcp_http *mcp_http_start(mcp_server *server, const mcp_http_config *cfg,
                         char *why, size_t why_len)
{
    mcp_http *h = calloc(1, sizeof *h);
    struct sockaddr_in sa4;
    struct sockaddr_in6 sa6;
    struct sockaddr *sa;
    struct MHD_OptionItem opts[8];
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    pthread_condattr_t ca;
    int n = 0;
    mcp_server_hooks hooks;

    if (!h) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_cond_init(&h->tick, &ca);
    pthread_condattr_destroy(&ca);
    h->server = server;
    h->store = server->store;
    h->host = strdup(cfg->host ? cfg->host : MCP_HTTP_DEFAULT_HOST);
    h->path = strdup(cfg->path ? cfg->path : MCP_HTTP_DEFAULT_PATH);
    h->token = cfg->auth_token && cfg->auth_token[0] ? strdup(cfg->auth_token) : NULL;
    h->max_body = cfg->max_body_bytes ? cfg->max_body_bytes
                                      : mcp_server_max_message_bytes(server);
    h->max_streams = cfg->max_streams ? cfg->max_streams : MCP_HTTP_DEFAULT_MAX_STREAMS;
    h->keepalive_ms = cfg->keepalive_ms ? cfg->keepalive_ms : MCP_HTTP_DEFAULT_KEEPALIVE_MS;
    h->n_buckets = LEGACY_BUCKETS;
    h->buckets = calloc(h->n_buckets, sizeof *h->buckets);
    h->origins = cfg->n_allowed_origins ? calloc(cfg->n_allowed_origins, sizeof *h->origins)
                                        : NULL;
    if (!h->host || !h->path || !h->buckets ||
        (cfg->n_allowed_origins && !h->origins) ||
        (cfg->auth_token && cfg->auth_token[0] && !h->token))
        goto nomem;
    for (size_t i = 0; i < cfg->n_allowed_origins; i++) {
        h->origins[i] = strdup(cfg->allowed_origins[i]);
        if (!h->origins[i])
            goto nomem;
        h->n_origins++;
    }

    memset(&sa4, 0, sizeof sa4);
    memset(&sa6, 0, sizeof sa6);
    if (inet_pton(AF_INET, h->host, &sa4.sin_addr) == 1) {
        sa4.sin_family = AF_INET;
        sa4.sin_port = htons(cfg->port);
        sa = (struct sockaddr *)&sa4;
        h->loopback = (ntohl(sa4.sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, h->host, &sa6.sin6_addr) == 1) {
        sa6.sin6_family = AF_INET6;
        sa6.sin6_port = htons(cfg->port);
        sa = (struct sockaddr *)&sa6;
        flags |= MHD_USE_IPv6;
        h->loopback = IN6_IS_ADDR_LOOPBACK(&sa6.sin6_addr);
    } else {
        snprintf(why, why_len, "listen address '%s' is not a numeric IPv4 or IPv6 "
                 "address", h->host);
        http_free(h);
        return NULL;
    }

    memset(&hooks, 0, sizeof hooks);
    hooks.document_changed = hook_document_changed;
    hooks.subscribe = hook_subscribe;
    hooks.listen = true;
    mcp_server_set_hooks(server, &hooks, h);

    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, sa};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
        cfg->max_connections ? cfg->max_connections : MCP_HTTP_DEFAULT_MAX_CONNECTIONS, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->connection_timeout_s ? cfg->connection_timeout_s : MCP_HTTP_DEFAULT_TIMEOUT_S,
        NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (intptr_t)(cfg->max_header_bytes ? cfg->max_header_bytes
                                         : MCP_HTTP_DEFAULT_HEADER_BYTES), NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED,
                                        (intptr_t)on_completed, h};
    if (cfg->threads > 0)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
                                            (intptr_t)cfg->threads, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    errno = 0;
    h->daemon = MHD_start_daemon(flags, cfg->port, NULL, NULL, on_request, h,
                                 MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (!h->daemon) {
        snprintf(why, why_len, "cannot listen on %s:%u: %s", h->host,
                 (unsigned)cfg->port, errno ? strerror(errno) : "libmicrohttpd refused");
        mcp_server_set_hooks(server, NULL, NULL);
        http_free(h);
        return NULL;
    }
    info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : cfg->port;
    if (pthread_create(&h->ticker, NULL, ticker_main, h) == 0)
        h->ticker_started = true;
    else
        mcp_logf(MCP_LOG_WARNING, "no ticker thread: SSE keepalives are off");
    return h;
nomem:
    snprintf(why, why_len, "out of memory");
    http_free(h);
    return NULL;
}

uint16_t mcp_http_port(const mcp_http *http)
{
    return http->port;
}

void mcp_http_stop(mcp_http *h)
{
    MHD_socket listen_fd;
    unsigned waited = 0;

    if (!h)
        return;
    listen_fd = MHD_quiesce_daemon(h->daemon);
    pthread_mutex_lock(&h->lock);
    h->stopping = true;
    pthread_cond_broadcast(&h->tick);
    /* Every stream ends now: listen streams with their final result. */
    for (sse_stream *s = h->streams; s; s = s->next) {
        char *final = s->legacy ? NULL : listen_final(s);

        stream_push(s, final, true);
        free(final);
    }
    pthread_mutex_unlock(&h->lock);
    if (h->ticker_started)
        pthread_join(h->ticker, NULL);
    /* In-flight requests finish (and streams drain) before the daemon
     * stops: MHD must not be stopped with suspended connections. */
    while (atomic_load(&h->active) > 0 && waited < DRAIN_WAIT_MS) {
        struct timespec ts = {0, 10 * 1000000L};

        nanosleep(&ts, NULL);
        waited += 10;
    }
    if (atomic_load(&h->active) > 0)
        mcp_logf(MCP_LOG_WARNING, "%ld requests still running at shutdown",
                 (long)atomic_load(&h->active));
    MHD_stop_daemon(h->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    mcp_server_set_hooks(h->server, NULL, NULL);
    http_free(h);
}
