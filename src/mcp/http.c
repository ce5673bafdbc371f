/*
 * http.c - MCP Streamable HTTP on libmicrohttpd: routing, both eras, the
 * legacy sessions' protocol state, SSE streams and shutdown.
 *
 * Threads. libmicrohttpd runs its own epoll thread, or a pool of them
 * (--threads; specs/http.md has the measurements behind the default).
 * They only read requests and write answers: a POST to the endpoint, once
 * its body is in, suspends its connection and runs on the worker pool
 * (http_pool.c), one job per session at a time, so a call waiting for a
 * busy session holds neither a transport thread nor a worker; the worker
 * hands the answer back and resumes the connection. /healthz, /metrics,
 * GET, DELETE and every early refusal are answered on the transport
 * thread. SSE streams never hold a thread: when a stream has nothing to send its
 * content reader suspends the connection (MHD_suspend_connection), and
 * whoever queues a message resumes it. A ticker thread writes a keepalive
 * comment on every open stream now and then, and every second cuts
 * connections past their request deadline and drops suspended ones
 * (queued calls, idle streams) whose client left: a suspended connection
 * sees no socket events.
 *
 * Legacy sessions. initialize mints a session in the store (the same ids
 * as the tools' session_id) and attaches this transport's state to its
 * record (session_attach, slot legacy_ops): the mcp_conn holding the
 * negotiated version and log level, the subscribed URIs and the GET
 * stream. There is no table of our own: a request holds the record
 * (session_hold, which takes no record lock, so its tool calls can
 * acquire it) and reads the entry from it; the store tells us when the
 * session leaves its table (entry_unlinked: DELETE, close_session,
 * eviction, expiry), and we end its stream then; it frees the entry with
 * the record (entry_free), outside every lock of ours and the store's.
 *
 * Locks, in the only order they are taken: entry->use (one request of a
 * session at a time; the store's record and shard locks are taken under
 * it by the tool calls) -> entry->lock (subscriptions, stream pointer) ->
 * http->lock (stream list) -> stream->lock. No function of the store is
 * called while entry->lock, http->lock or stream->lock is held, so
 * nothing is freed under them. MHD's own locks are taken inside
 * MHD_resume/suspend_connection, which are called under stream->lock;
 * MHD never calls back into us holding them. Apart from that order:
 * job_lock (queued requests' state) -> the pool's lock, and then MHD's;
 * track_lock (connection deadlines) alone.
 */
#include "mcp/mcp_internal.h"
#include "mcp/mcp_http.h"
#include "mcp/http_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define SSE_BLOCK (16u * 1024u)   /* bytes per content-reader call */
#define INLINE_HDRS 24            /* headers copied without an allocation */
#define INLINE_HDR_BYTES 2048u    /* their bytes */
#define LIGHT_BODY_BYTES (64u * 1024u)   /* bodies small enough to route inline */
#define LIGHT_DOC_BYTES (256u * 1024u)   /* documents small enough for inline work */
#define LIGHT_EXPORT_BYTES (64u * 1024u) /* documents small enough to export inline */
#define TRIM_AFTER_BYTES (1024u * 1024u) /* request bodies worth a malloc_trim */
#define TRIM_IDLE_BYTES (32u * 1024u * 1024u) /* free heap the ticker gives back */
#define TRIM_EVERY_MS 30000       /* ms between the ticker's looks at the heap */
#define N_BUCKETS 14

/* Request latency histogram bounds, seconds. */
static const double latency_bounds[N_BUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

typedef struct sse_stream sse_stream;

/* A legacy session's protocol state: an attachment of its store record,
 * created at initialize and freed with the record. */
typedef struct legacy_entry {
    mcp_conn *conn;               /* under use */
    pthread_mutex_t use;          /* one request of this session at a time */
    pthread_mutex_t lock;         /* subs and stream */
    char *subs[MCP_HTTP_MAX_SUBSCRIPTIONS]; /* under lock */
    size_t n_subs;
    sse_stream *stream;           /* the GET stream, a counted reference; under lock */
    /* The id of the request being handled (NULL between requests) and its
     * cancel flag: a notifications/cancelled naming it arrives on another
     * POST, which must not wait for use. Under lock. */
    json_t *running_id;
    atomic_bool cancel;
} legacy_entry;

#define NO_PENDING ((size_t)-1)   /* sse_stream.view_pending: none */

struct sse_stream {
    pthread_mutex_t lock;
    mcp_http *http;
    struct MHD_Connection *conn;  /* NULL once MHD let go of the response */
    bool suspended;
    bool closed;                  /* nothing more is queued; end when drained */
    base_buf queue;               /* unsent bytes are [off, queue.len); capped */
    size_t off;
    unsigned refs;                /* its creator or legacy entry, the list, the response */
    bool legacy;                  /* a legacy GET stream (else a modern listen) */
    /* The URIs it delivers updates of: a legacy session's subscriptions
     * (kept in step by hook_subscribe) or a listen request's; under lock. */
    char *uris[MCP_HTTP_MAX_SUBSCRIPTIONS];
    size_t n_uris;
    json_t *subscription_id;      /* modern: the listen request's id */
    /* A browser view's stream (GET /view/{id}/events): its session, the
     * revision it last queued, and where an unsent view event begins in
     * the queue (NO_PENDING: none); under lock. */
    char view_id[SESSION_ID_SIZE];
    uint64_t view_rev;
    size_t view_pending;
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
    session_slot legacy_slot;     /* where legacy entries hang on records */
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
    pthread_cond_t tick;          /* on CLOCK_MONOTONIC */
    bool stopping;
    sse_stream *streams;
    size_t n_streams;
    pthread_t ticker;
    bool ticker_started;

    _Atomic long active;          /* requests between first call and completion */
    metrics m;

    mcp_pool *pool;               /* POSTs run here */
    pthread_mutex_t job_lock;     /* jobs and each queued request's state */
    struct request_ctx *jobs;     /* queued or running */
    bool cutting;                 /* shutdown: answer POSTs 503 at once */
    unsigned grace_ms;

    pthread_mutex_t track_lock;   /* tracks */
    struct conn_track *tracks;    /* every open connection */
    unsigned request_timeout_ms;
    _Atomic unsigned long long cut_slow;  /* connections cut at the deadline */
    _Atomic unsigned long long cut_gone;  /* suspended ones whose client left */
    _Atomic unsigned long long cancelled; /* running requests told to stop */

    size_t max_memory;            /* 0 = none */
    mcp_rate *rate;               /* new sessions per address */
    _Atomic unsigned long long refused_memory, refused_rate;
    _Atomic long long last_trim_ms;
};

/* An open connection and its request deadline: armed from its start (the
 * accept, or the end of its previous response) until its request has
 * fully arrived. */
typedef struct conn_track {
    struct conn_track *prev, *next;   /* under track_lock */
    int fd;
    bool armed;                       /* under track_lock */
    struct timespec since;            /* under track_lock */
} conn_track;

/* Where a request is: its body being read (or answered on the transport
 * thread), its POST queued or running on a worker (the connection
 * suspended), its answer ready to queue, or cut (close the connection). */
enum { RC_READING, RC_QUEUED, RC_READY, RC_GONE };

typedef struct request_hdr {
    const char *name, *value;
    size_t name_len;
} request_hdr;

/* One request. Counted: the connection holds it until MHD completes the
 * request, a job from submission until its worker (or whoever cancels
 * it) lets go, so an answer cut at shutdown never frees what a worker
 * still reads. */
typedef struct request_ctx {
    mcp_pool_job job;             /* the pool's view of the POST */
    _Atomic unsigned refs;
    struct MHD_Connection *conn;
    int state;                    /* RC_*; under h->job_lock once queued */
    struct MHD_Response *resp;    /* the answer to queue on resume; under job_lock */
    unsigned resp_status;
    bool in_worker;               /* responses go to work_resp, not to MHD */
    struct MHD_Response *work_resp; /* the worker's answer */
    unsigned work_status;
    struct request_ctx *jprev, *jnext; /* queued/running list; under job_lock */
    int fd;                       /* its socket, while queued */
    struct timespec start;
    base_buf body;                /* capped at --max-body-bytes */
    bool is_stream;               /* an SSE stream; not in the latency histogram */
    const char *origin;           /* allowed Origin to echo (in hdr_data) */
    request_hdr *hdrs;            /* a copy of the request headers */
    size_t n_hdrs;
    char *hdr_data;               /* NULL: they fit in the inline room */
    const char *bad_header;       /* a refusal found while copying them */
    struct sockaddr_storage peer; /* the client's address (family 0: unknown) */
    char addr[48];                /* the same as text, written when first needed */
    json_t *msg;                  /* the body, when parsed to route it */
    /* A stateless (2026-07-28) request: its client cancels by closing the
     * stream (sweep_gone sets cancel); the tool it runs looks at it. */
    atomic_bool close_cancels;
    atomic_bool cancel;
    /* Last: not zeroed at creation (copy_headers writes before reading). */
    request_hdr inline_hdrs[INLINE_HDRS];
    char inline_data[INLINE_HDR_BYTES];
} request_ctx;

/* What the core's callbacks reach while one request is handled (the
 * connection's emit_ctx): notifications to send as SSE events (a failed
 * buffer means some were lost, and none is sent), and for a legacy
 * request its session's entry. */
typedef struct collector {
    base_buf buf;
    legacy_entry *entry;
} collector;

/* ---- small helpers ------------------------------------------------------- */

/* A request header from the request's own copy (so that tool work on a
 * worker never reads the connection); NULL when absent. */
static const char *header(const request_ctx *rc, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < rc->n_hdrs; i++) {
        if (rc->hdrs[i].name_len == n && strncasecmp(rc->hdrs[i].name, name, n) == 0)
            return rc->hdrs[i].value;
    }
    return NULL;
}

static const char *header_cb(void *ctx, const char *name)
{
    return header(ctx, name);
}

/* The header's value without surrounding whitespace, in buf; NULL when
 * absent or too long to be one of ours. */
static const char *header_trimmed(const request_ctx *rc, const char *name,
                                  char *buf, size_t size)
{
    const char *v = header(rc, name);
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

/* Queues a response (taken over) on the connection; on a worker, keeps it
 * as the job's answer, queued by the transport thread on resume. */
static enum MHD_Result respond(mcp_http *h, struct MHD_Connection *c, request_ctx *rc,
                               unsigned status, struct MHD_Response *r)
{
    enum MHD_Result ret;

    if (status < 600)
        atomic_fetch_add(&h->m.status[status], 1);
    if (rc && rc->in_worker) {
        if (rc->work_resp)
            MHD_destroy_response(rc->work_resp);
        rc->work_resp = r;
        rc->work_status = status;
        return MHD_YES;
    }
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* A response with body (with MHD_RESPMEM_MUST_FREE taken over, and freed
 * here when no response could be made) and the headers every answer
 * carries; NULL when memory runs out. */
static struct MHD_Response *make_response(request_ctx *rc, unsigned status,
                                          const char *ctype, const char *body,
                                          size_t len, const char *session_id,
                                          enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r;

    r = MHD_create_response_from_buffer(len, (void *)body, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free((void *)body);
        return NULL;
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
    return r;
}

static enum MHD_Result send_body_mode(mcp_http *h, struct MHD_Connection *c,
                                      request_ctx *rc, unsigned status,
                                      const char *ctype, const char *body,
                                      size_t len, const char *session_id,
                                      enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = make_response(rc, status, ctype, body, len, session_id, mode);

    if (!r)
        return MHD_NO;
    return respond(h, c, rc, status, r);
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

    /* Messages quote header values, which are any bytes: make them UTF-8. */
    va_start(ap, fmt);
    base_utf8_vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return send_reply(h, c, rc, status, mcp_error_reply(id, code, msg, data),
                      NULL, false, NULL);
}

/* ---- SSE streams --------------------------------------------------------- */

/* A stream with one reference, its creator's. */
static sse_stream *stream_new(bool legacy)
{
    sse_stream *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    s->refs = 1;
    s->legacy = legacy;
    s->queue.max = MCP_HTTP_STREAM_QUEUE_BYTES;
    s->view_pending = NO_PENDING;
    return s;
}

static void stream_unref(sse_stream *s)
{
    bool last;

    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    last = --s->refs == 0;
    pthread_mutex_unlock(&s->lock);
    if (!last)
        return;
    for (size_t i = 0; i < s->n_uris; i++)
        free(s->uris[i]);
    base_buf_free(&s->queue);
    json_decref(s->subscription_id);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Queues bytes (or, with close, ends the stream after them) and wakes the
 * connection. A stream whose client reads too slowly to keep its queue
 * under MCP_HTTP_STREAM_QUEUE_BYTES is ended rather than allowed to grow.
 * Caller holds s->lock. */
static void stream_push_locked(sse_stream *s, const char *text, bool close)
{
    if (!s->closed && text) {
        if (s->off == s->queue.len) {
            base_buf_reset(&s->queue);
            s->off = 0;
            s->view_pending = NO_PENDING;
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
}

static void stream_push(sse_stream *s, const char *text, bool close)
{
    pthread_mutex_lock(&s->lock);
    stream_push_locked(s, text, close);
    pthread_mutex_unlock(&s->lock);
}

/* The client still reads it: not ended by us, not gone. */
static bool stream_is_open(sse_stream *s)
{
    bool open;

    pthread_mutex_lock(&s->lock);
    open = !s->closed && s->conn != NULL;
    pthread_mutex_unlock(&s->lock);
    return open;
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

/* MHD is done with the response: the connection ended. A legacy entry may
 * still hold the stream; it sees it closed. */
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
    pthread_mutex_unlock(&h->lock);
    pthread_mutex_lock(&s->lock);
    s->conn = NULL;
    s->closed = true;
    s->refs--;   /* the list's reference */
    pthread_mutex_unlock(&s->lock);
    stream_unref(s);  /* the response's reference */
}

/* Opens an SSE response on c with first already queued. On success the
 * stream is in the list and has a reference for it and one for the
 * response; the caller's own reference is untouched either way. On
 * failure the stream is marked closed and the error is answered. */
static enum MHD_Result stream_open(mcp_http *h, struct MHD_Connection *c,
                                   request_ctx *rc, sse_stream *s,
                                   const char *first)
{
    struct MHD_Response *r = NULL;
    bool stopping;

    s->http = h;
    if (!base_buf_append_str(&s->queue, first))
        goto nomem;
    pthread_mutex_lock(&h->lock);
    if (h->stopping || h->n_streams >= h->max_streams) {
        stopping = h->stopping;
        pthread_mutex_unlock(&h->lock);
        stream_push(s, NULL, true);
        return send_error(h, c, rc, MHD_HTTP_SERVICE_UNAVAILABLE, NULL,
                          MCP_INTERNAL_ERROR, NULL,
                          stopping ? "Server shutting down"
                                   : "Too many open streams (limit %u); try later",
                          h->max_streams);
    }
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK,
                                          stream_read, s, stream_gone);
    if (!r) {
        pthread_mutex_unlock(&h->lock);
        goto nomem;
    }
    pthread_mutex_lock(&s->lock);
    s->conn = c;
    s->refs += 2;
    pthread_mutex_unlock(&s->lock);
    s->next = h->streams;
    h->streams = s;
    h->n_streams++;
    pthread_mutex_unlock(&h->lock);
    rc->is_stream = true;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, BASE_HTTP_EVENT_STREAM);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache, no-store");
    common_headers(r, rc);
    /* MHD holds the response; stream_gone runs when it ends. */
    return respond(h, c, rc, MHD_HTTP_OK, r);
nomem:
    stream_push(s, NULL, true);
    return send_body(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                     "out of memory\n", 14, NULL);
}

/* A listen stream ends with its JSON-RPC result (2026-07-28 schema:
 * SubscriptionsListenResult, sent when the server tears it down). */
static char *listen_final(sse_stream *s)
{
    json_t *reply = json_pack("{s:s, s:O, s:{s:{s:O}}}", "jsonrpc", "2.0", "id",
                              s->subscription_id, "result", "_meta",
                              MCP_META_SUBSCRIPTION_ID, s->subscription_id);
    char *text = reply ? mcp_jsonrpc_dump(reply) : NULL;
    char *ev = text ? sse_event(text) : NULL;

    json_decref(reply);
    free(text);
    return ev;
}

/* Adds (on) or drops uri in a list of at most MCP_HTTP_MAX_SUBSCRIPTIONS;
 * false when it is full or memory runs out (the list is unchanged). */
static bool uris_update(char **uris, size_t *n, const char *uri, bool on)
{
    size_t i;

    for (i = 0; i < *n && strcmp(uris[i], uri) != 0; i++)
        ;
    if (on && i == *n) {
        char *copy = *n < MCP_HTTP_MAX_SUBSCRIPTIONS ? strdup(uri) : NULL;

        if (!copy)
            return false;
        uris[(*n)++] = copy;
    } else if (!on && i < *n) {
        free(uris[i]);
        uris[i] = uris[--*n];
    }
    return true;
}

static bool uris_have(char *const *uris, size_t n, const char *uri)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(uris[i], uri) == 0)
            return true;
    }
    return false;
}

/* ---- legacy sessions ------------------------------------------------------- */

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

static legacy_entry *entry_new(mcp_http *h, const char *id)
{
    legacy_entry *e = calloc(1, sizeof *e);

    if (!e)
        return NULL;
    e->conn = mcp_conn_new(h->server, MCP_TRANSPORT_HTTP, emit_collect, NULL);
    if (!e->conn || pthread_mutex_init(&e->use, NULL) != 0) {
        mcp_conn_free(e->conn);
        free(e);
        return NULL;
    }
    if (pthread_mutex_init(&e->lock, NULL) != 0) {
        pthread_mutex_destroy(&e->use);
        mcp_conn_free(e->conn);
        free(e);
        return NULL;
    }
    mcp_conn_set_session_id(e->conn, id);
    return e;
}

/* The store: the session left its table (DELETE, close_session, eviction,
 * expiry). Its stream ends now, though requests may still hold the record. */
static void entry_unlinked(void *data)
{
    legacy_entry *e = data;

    pthread_mutex_lock(&e->lock);
    if (e->stream)
        stream_push(e->stream, NULL, true);
    pthread_mutex_unlock(&e->lock);
}

/* The store: the record is freed, with no lock held and nobody using it.
 * Touches nothing of the transport but the stream, which may outlive the
 * transport itself (a record freed with the store after mcp_http_stop). */
static void entry_free(void *data)
{
    legacy_entry *e = data;

    if (e->stream) {
        stream_push(e->stream, NULL, true);
        stream_unref(e->stream);
    }
    for (size_t i = 0; i < e->n_subs; i++)
        free(e->subs[i]);
    json_decref(e->running_id);
    mcp_conn_free(e->conn);
    pthread_mutex_destroy(&e->lock);
    pthread_mutex_destroy(&e->use);
    free(e);
}

static const session_slot_ops legacy_ops = {
    "legacy HTTP session", entry_free, entry_unlinked
};

/* The store restores a session whose row carries a tag: the protocol
 * version it negotiated (specs/persistence.md). Its entry is rebuilt as
 * after initialize and notifications/initialized; subscriptions and the
 * GET stream are per connection and start again. */
static void *legacy_restore(void *ctx, const char *id, const char *tag)
{
    mcp_http *h = ctx;
    legacy_entry *e;

    if (!mcp_version_is_legacy(tag) || strlen(tag) >= sizeof e->conn->legacy_version)
        return NULL;
    e = entry_new(h, id);
    if (!e)
        return NULL;
    snprintf(e->conn->legacy_version, sizeof e->conn->legacy_version, "%s", tag);
    e->conn->initialized_notified = true;
    return e;
}

/* Holds the record of a legacy session and returns its entry; NULL (and
 * nothing held) when the id is malformed or unknown, the session ended,
 * or it is not a legacy session (minted by a tool call); *why is then
 * SESSION_ERR_STORE when a shared or durable store did not answer (the
 * session may well exist: 503, not 404). The caller ends
 * with session_unhold(*rec), never under a lock of ours: it may free the
 * record. */
static legacy_entry *legacy_hold(mcp_http *h, const char *id, session **rec,
                                 session_status *why)
{
    legacy_entry *e;

    *why = session_hold(h->store, id, rec);
    if (*why != SESSION_OK)
        return NULL;
    e = session_attachment(*rec, h->legacy_slot);
    if (!e) {
        session_unhold(*rec);
        *rec = NULL;
    }
    return e;
}

/* ---- the browser view (GET /view/{id}; specs/view.md) ------------------- */

/*
 * GET /view/{session_id} is the page of the session's document, for a
 * plain browser; GET /view/{session_id}/events its Server-Sent Events
 * stream: the current body at once, then one event named `view` with the
 * new body after each change (hook_document_changed). The id is the
 * capability, as for the tools: nothing lists ids, and an unknown or
 * malformed one gets the same 404 as any unknown path. The bearer token,
 * Origin and Host rules of precheck apply as everywhere.
 *
 * A view stream holds no session: rendering acquires the session for the
 * moment it reads the document (never under a lock of ours), and a stream
 * whose client reads slowly gets the newest body in place of an unsent
 * older one, so its queue stays near one rendering.
 */

/* Unsent bytes of a browser view's stream: one body (a whole rendering;
 * a newer one replaces an unsent older one) and what was partly sent. */
#define VIEW_QUEUE_BYTES (32u * 1024u * 1024u)
#define VIEW_PREFIX "/view/"

static bool view_route(const char *url, char id[SESSION_ID_SIZE], bool *events)
{
    const char *p;

    if (strncmp(url, VIEW_PREFIX, strlen(VIEW_PREFIX)) != 0)
        return false;
    p = url + strlen(VIEW_PREFIX);
    for (size_t i = 0; i < SESSION_ID_LEN; i++) {
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return false;
        id[i] = p[i];
    }
    id[SESSION_ID_LEN] = '\0';
    p += SESSION_ID_LEN;
    *events = strcmp(p, "/events") == 0;
    return *events || *p == '\0';
}

/* "event: view" with body as its one data line (a body holds no CR or
 * LF); malloc'd. */
static char *view_event(const char *prefix, const char *body, size_t len)
{
    base_buf b = {0};

    if (!base_buf_append_str(&b, prefix) || !base_buf_append_str(&b, "event: view\ndata: ") ||
        !base_buf_append(&b, body, len) || !base_buf_append_str(&b, "\n\n")) {
        base_buf_free(&b);
        return NULL;
    }
    return base_buf_take(&b, NULL);
}

static enum MHD_Result view_not_found(mcp_http *h, struct MHD_Connection *c,
                                      request_ctx *rc)
{
    return send_body(h, c, rc, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", 10, NULL);
}

static enum MHD_Result view_page(mcp_http *h, struct MHD_Connection *c, request_ctx *rc,
                                 const char *id)
{
    char live[sizeof VIEW_PREFIX + SESSION_ID_SIZE + 8];
    view_page_options opts = {.live_url = live};
    char *html = NULL, *csp = NULL;
    size_t len = 0;
    session_status st;
    struct MHD_Response *r;
    enum MHD_Result ret;

    snprintf(live, sizeof live, VIEW_PREFIX "%s/events", id);
    st = tool_session_view(h->store, id, TOOL_VIEW_PAGE, &opts, &html,
                           &len, NULL);
    if (st == SESSION_NOT_FOUND)
        return view_not_found(h, c, rc);
    if (st != SESSION_OK || view_csp_header(&opts, &csp) != VIEW_OK) {
        free(html);
        return send_body(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                         "out of memory\n", 14, NULL);
    }
    r = MHD_create_response_from_buffer(len, html, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(html);
        free(csp);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* The URL is the capability: no page it links to may learn it. */
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    common_headers(r, rc);
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    free(csp);
    atomic_fetch_add(&h->m.status[200], 1);
    return ret;
}

static enum MHD_Result view_events(mcp_http *h, struct MHD_Connection *c, request_ctx *rc,
                                   const char *id)
{
    bool json_ok, sse_ok;
    char *body = NULL, *first;
    size_t len = 0;
    uint64_t rev = 0;
    session_status st;
    sse_stream *s;
    enum MHD_Result ret;

    mcp_http_accepts(header(rc, MHD_HTTP_HEADER_ACCEPT), &json_ok, &sse_ok);
    if (!sse_ok)
        return send_body(h, c, rc, MHD_HTTP_NOT_ACCEPTABLE, "text/plain",
                         "this is a text/event-stream\n", 28, NULL);
    st = tool_session_view(h->store, id, TOOL_VIEW_BODY, NULL, &body, &len,
                           &rev);
    if (st == SESSION_NOT_FOUND)
        return view_not_found(h, c, rc);
    /* EventSource reconnects after `retry` ms; a reconnect gets the
     * current body first, so nothing missed while away stays missing. */
    first = st == SESSION_OK ? view_event("retry: 2000\n\n", body, len) : NULL;
    free(body);
    s = first ? stream_new(false) : NULL;
    if (!s) {
        free(first);
        return send_body(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                         "out of memory\n", 14, NULL);
    }
    memcpy(s->view_id, id, SESSION_ID_SIZE);
    s->view_rev = rev;
    s->queue.max = VIEW_QUEUE_BYTES;
    ret = stream_open(h, c, rc, s, first);
    free(first);
    stream_unref(s);
    return ret;
}

static enum MHD_Result handle_view(mcp_http *h, struct MHD_Connection *c, request_ctx *rc,
                                   const char *url)
{
    char id[SESSION_ID_SIZE];
    bool events;

    if (!view_route(url, id, &events))
        return view_not_found(h, c, rc);
    return events ? view_events(h, c, rc, id) : view_page(h, c, rc, id);
}

/* After a change of session_id's document: its view streams get the new
 * body. Rendered once, outside every lock of ours, and queued only where
 * it is newer than what the stream has (two changes may finish rendering
 * in either order). */
static void view_push(mcp_http *h, const char *session_id)
{
    bool wanted = false;
    char *body = NULL, *ev;
    size_t len = 0;
    uint64_t rev = 0;

    pthread_mutex_lock(&h->lock);
    for (sse_stream *s = h->streams; s && !wanted; s = s->next)
        wanted = strcmp(s->view_id, session_id) == 0;
    pthread_mutex_unlock(&h->lock);
    if (!wanted || tool_session_view(h->store, session_id, TOOL_VIEW_BODY,
                                     NULL, &body, &len, &rev) != SESSION_OK)
        return;
    ev = view_event("", body, len);
    free(body);
    if (!ev)
        return;
    pthread_mutex_lock(&h->lock);
    for (sse_stream *s = h->streams; s; s = s->next) {
        size_t start;

        if (strcmp(s->view_id, session_id) != 0)
            continue;
        pthread_mutex_lock(&s->lock);
        if (rev > s->view_rev && !s->closed) {
            /* An older body nobody has begun to read is replaced. */
            if (s->view_pending != NO_PENDING && s->off <= s->view_pending)
                s->queue.len = s->view_pending;
            start = s->off == s->queue.len ? 0 : s->queue.len;
            stream_push_locked(s, ev, false);
            s->view_pending = s->closed ? NO_PENDING : start;
            s->view_rev = rev;
        }
        pthread_mutex_unlock(&s->lock);
    }
    pthread_mutex_unlock(&h->lock);
    free(ev);
}

/* ---- hooks from the core ------------------------------------------------- */

/* resources/subscribe and unsubscribe of a legacy request (the core calls
 * it on the request's thread, under entry->use). */
static bool hook_subscribe(void *ctx, mcp_conn *conn, const char *uri, bool on)
{
    collector *col = conn->emit_ctx;
    legacy_entry *e = col ? col->entry : NULL;
    bool ok;

    (void)ctx;
    if (!e)
        return true;
    pthread_mutex_lock(&e->lock);
    ok = uris_update(e->subs, &e->n_subs, uri, on);
    if (ok && e->stream) {
        pthread_mutex_lock(&e->stream->lock);
        ok = uris_update(e->stream->uris, &e->stream->n_uris, uri, on);
        pthread_mutex_unlock(&e->stream->lock);
        if (!ok)
            uris_update(e->subs, &e->n_subs, uri, false);
    }
    pthread_mutex_unlock(&e->lock);
    return ok;
}

static void hook_document_changed(void *ctx, const char *session_id)
{
    mcp_http *h = ctx;
    char uri[sizeof MCP_RESOURCE_SCHEME + SESSION_ID_SIZE];
    sse_stream *s;

    pthread_mutex_lock(&h->lock);
    /* Every edit passes here, and most servers have no stream open. */
    if (h->streams)
        snprintf(uri, sizeof uri, "%s%s", MCP_RESOURCE_SCHEME, session_id);
    for (s = h->streams; s; s = s->next) {
        json_t *note;
        char *text, *ev;
        bool wants;

        pthread_mutex_lock(&s->lock);
        wants = uris_have(s->uris, s->n_uris, uri);
        pthread_mutex_unlock(&s->lock);
        if (!wants)
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
    view_push(h, session_id);
}

/* ---- the ticker ---------------------------------------------------------- */

static long ms_since(const struct timespec *then, const struct timespec *now)
{
    return (long)(now->tv_sec - then->tv_sec) * 1000L +
           (now->tv_nsec - then->tv_nsec) / 1000000L;
}

/* The socket's peer closed (or reset) it: readable, and a peek reads
 * the end of the stream or an error. */
static bool peer_gone(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    char b;
    ssize_t n;

    if (fd < 0 || poll(&p, 1, 0) != 1)
        return false;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
        return true;
    n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* A stateless request's client closed its stream: that cancels it. Runs
 * on the worker between steps of a long call; the sweep catches the rest
 * within a second. */
static void poll_closed(void *ctx)
{
    request_ctx *rc = ctx;

    if (rc->fd >= 0 && !atomic_load(&rc->cancel) && peer_gone(rc->fd))
        atomic_store(&rc->cancel, true);
}

/* Connections whose request has not fully arrived by the deadline are
 * shut down (MHD then sees the socket fail and closes it, slot and all):
 * an idle timeout alone lets a client that trickles a byte now and then
 * hold a connection forever. */
static void sweep_slow(mcp_http *h)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&h->track_lock);
    for (conn_track *t = h->tracks; t; t = t->next) {
        if (t->armed && ms_since(&t->since, &now) > (long)h->request_timeout_ms) {
            t->armed = false;
            shutdown(t->fd, SHUT_RDWR);
            atomic_fetch_add(&h->cut_slow, 1);
        }
    }
    pthread_mutex_unlock(&h->track_lock);
}

static void rc_unref(request_ctx *rc);
static void trim_memory(mcp_http *h);

/* A suspended connection sees no socket events, so a client that left
 * while its call waited in a session's queue, or while its stream was
 * idle, would hold its slot until the call ran or the next keepalive:
 * look at those sockets directly. */
static void sweep_gone(mcp_http *h)
{
    request_ctx *gone = NULL;

    pthread_mutex_lock(&h->job_lock);
    for (request_ctx *rc = h->jobs; rc; rc = rc->jnext) {
        if (rc->state != RC_QUEUED || atomic_load(&rc->cancel) || !peer_gone(rc->fd))
            continue;
        if (mcp_pool_cancel(h->pool, &rc->job)) {
            rc->state = RC_GONE;
            MHD_resume_connection(rc->conn);
            atomic_fetch_add(&h->cut_gone, 1);
        } else if (atomic_load(&rc->close_cancels)) {
            /* Running: on the stateless wire a closed stream is the
             * cancellation (a legacy client sends notifications/cancelled
             * instead, and a disconnect is not one). */
            atomic_store(&rc->cancel, true);
        }
    }
    /* Unlinked and let go outside the walk. */
    for (request_ctx *rc = h->jobs, *next; rc; rc = next) {
        next = rc->jnext;
        if (rc->state != RC_GONE)
            continue;
        if (rc->jprev)
            rc->jprev->jnext = rc->jnext;
        else
            h->jobs = rc->jnext;
        if (rc->jnext)
            rc->jnext->jprev = rc->jprev;
        rc->jprev = NULL;
        rc->jnext = gone;
        gone = rc;
    }
    pthread_mutex_unlock(&h->job_lock);
    while (gone) {
        request_ctx *next = gone->jnext;

        gone->jnext = NULL;
        rc_unref(gone);
        gone = next;
    }
    pthread_mutex_lock(&h->lock);
    for (sse_stream *s = h->streams; s; s = s->next) {
        bool left = false;

        pthread_mutex_lock(&s->lock);
        if (s->conn && s->suspended) {
            const union MHD_ConnectionInfo *ci =
                MHD_get_connection_info(s->conn, MHD_CONNECTION_INFO_CONNECTION_FD);

            left = ci && peer_gone(ci->connect_fd);
        }
        if (left) {
            stream_push_locked(s, NULL, true);
            atomic_fetch_add(&h->cut_gone, 1);
        }
        pthread_mutex_unlock(&s->lock);
    }
    pthread_mutex_unlock(&h->lock);
}

/* Every second (or keepalive_ms, when shorter) of monotonic time: cuts
 * slow requests and connections whose client left; every keepalive_ms,
 * writes keepalive comments on the open streams. The condition variable
 * waits on CLOCK_MONOTONIC, so a wall-clock step neither stalls nor
 * hurries it; stop wakes it at once. */
static void *ticker_main(void *arg)
{
    mcp_http *h = arg;
    unsigned step = h->keepalive_ms < 1000 ? h->keepalive_ms : 1000;
    struct timespec deadline, last, trimmed;

    clock_gettime(CLOCK_MONOTONIC, &last);
    trimmed = last;
    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        int rc = 0;

        deadline = base_deadline_ms(CLOCK_MONOTONIC, (long)step);
        while (!h->stopping && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&h->tick, &h->lock, &deadline);
        if (h->stopping)
            break;
        pthread_mutex_unlock(&h->lock);
        sweep_slow(h);
        sweep_gone(h);
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        if (ms_since(&trimmed, &deadline) >= TRIM_EVERY_MS) {
            trimmed = deadline;
            if (mcp_mem_allocator_free() >= TRIM_IDLE_BYTES)
                trim_memory(h);
        }
        pthread_mutex_lock(&h->lock);
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        if (ms_since(&last, &deadline) + 5 < (long)h->keepalive_ms)
            continue;
        last = deadline;
        for (sse_stream *s = h->streams; s; s = s->next)
            stream_push(s, ": keepalive\n\n", false);
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

/* The durable store's figures (--state-dir). */
static void metrics_store(base_buf *b, session_store *store)
{
    store_stats ps;
    unsigned long long cum = 0;

    session_persist_stats(store, &ps);
    base_buf_printf(b,
        "# HELP idsd_store_commits_total Transactions committed to the session store.\n"
        "# TYPE idsd_store_commits_total counter\nidsd_store_commits_total %llu\n"
        "# HELP idsd_store_fsyncs_total File syncs the session store asked for.\n"
        "# TYPE idsd_store_fsyncs_total counter\nidsd_store_fsyncs_total %llu\n"
        "# HELP idsd_store_bytes_total Document and meta bytes written to the store.\n"
        "# TYPE idsd_store_bytes_total counter\nidsd_store_bytes_total %llu\n"
        "# HELP idsd_store_puts_total Durable writes of a session (one per change).\n"
        "# TYPE idsd_store_puts_total counter\nidsd_store_puts_total %llu\n"
        "# HELP idsd_store_failures_total Writes the store refused (full disk, ...).\n"
        "# TYPE idsd_store_failures_total counter\nidsd_store_failures_total %llu\n"
        "# HELP idsd_store_deletes_total Stored sessions deleted.\n"
        "# TYPE idsd_store_deletes_total counter\nidsd_store_deletes_total %llu\n"
        "# HELP idsd_store_restored_total Sessions restored from the store.\n"
        "# TYPE idsd_store_restored_total counter\nidsd_store_restored_total %llu\n"
        "# HELP idsd_store_commit_seconds Time from a change to its durable commit.\n"
        "# TYPE idsd_store_commit_seconds histogram\n",
        (unsigned long long)ps.commits, (unsigned long long)ps.fsyncs,
        (unsigned long long)ps.bytes, (unsigned long long)ps.puts,
        (unsigned long long)ps.failures, (unsigned long long)ps.deletes,
        (unsigned long long)session_persist_restored(store));
    for (size_t i = 0; i < STORE_LATENCY_BUCKETS - 1; i++) {
        cum += ps.latency[i];
        base_buf_printf(b, "idsd_store_commit_seconds_bucket{le=\"%g\"} %llu\n",
                        (double)store_latency_bounds_us[i] / 1e6, cum);
    }
    base_buf_printf(b, "idsd_store_commit_seconds_bucket{le=\"+Inf\"} %llu\n"
                       "idsd_store_commit_seconds_sum %g\n"
                       "idsd_store_commit_seconds_count %llu\n",
                    (unsigned long long)ps.latency_count, (double)ps.latency_sum_us / 1e6,
                    (unsigned long long)ps.latency_count);
    base_buf_printf(b,
        "# HELP idsd_store_gets_total Reads of the store (restores, revalidations).\n"
        "# TYPE idsd_store_gets_total counter\nidsd_store_gets_total %llu\n"
        "# HELP idsd_store_conflicts_total Writes that lost the version compare-and-set to "
        "another instance (the call is made again).\n"
        "# TYPE idsd_store_conflicts_total counter\nidsd_store_conflicts_total %llu\n"
        "# HELP idsd_store_stale_total Calls that found their parsed copy older than the "
        "store's (another instance wrote it).\n"
        "# TYPE idsd_store_stale_total counter\nidsd_store_stale_total %llu\n",
        (unsigned long long)ps.gets, (unsigned long long)ps.conflicts,
        (unsigned long long)ps.stale);
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
    pthread_mutex_unlock(&h->lock);
    n_entries = session_slot_count(h->store, h->legacy_slot);

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
    if (session_persistent(h->store))
        metrics_store(&b, h->store);
    M("# HELP idsd_sse_streams Open SSE streams (GET and subscriptions/listen).\n"
      "# TYPE idsd_sse_streams gauge\nidsd_sse_streams %zu\n", n_streams);
    M("# HELP idsd_http_connections_cut_total Connections closed by idsd: a request "
      "not fully received by --request-timeout (slow), or a waiting client that "
      "went away (gone).\n"
      "# TYPE idsd_http_connections_cut_total counter\n"
      "idsd_http_connections_cut_total{reason=\"slow\"} %llu\n"
      "idsd_http_connections_cut_total{reason=\"gone\"} %llu\n",
      atomic_load(&h->cut_slow), atomic_load(&h->cut_gone));
    M("# HELP idsd_requests_cancelled_total Running requests told to stop: a "
      "notifications/cancelled naming one (legacy), or a stateless client that "
      "closed its stream.\n"
      "# TYPE idsd_requests_cancelled_total counter\nidsd_requests_cancelled_total %llu\n",
      atomic_load(&h->cancelled));
    M("# HELP idsd_refused_total New work refused: memory budget (--max-memory) "
      "or new-session rate (--session-rate).\n"
      "# TYPE idsd_refused_total counter\n"
      "idsd_refused_total{reason=\"memory\"} %llu\nidsd_refused_total{reason=\"rate\"} %llu\n",
      atomic_load(&h->refused_memory), atomic_load(&h->refused_rate));
    M("# HELP idsd_process_resident_bytes Resident memory of the process.\n"
      "# TYPE idsd_process_resident_bytes gauge\nidsd_process_resident_bytes %zu\n",
      mcp_mem_resident());
    M("# HELP idsd_allocator_free_bytes Memory the allocator holds free "
      "(not returned to the kernel).\n"
      "# TYPE idsd_allocator_free_bytes gauge\nidsd_allocator_free_bytes %zu\n",
      mcp_mem_allocator_free());
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

/* ---- guards: memory budget, new-session rate ------------------------------ */

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Gives free allocator memory back to the kernel, at most once a second
 * (a trim walks the heap). */
static void trim_memory(mcp_http *h)
{
    long long now = mono_ms(), last = atomic_load(&h->last_trim_ms);

    if (now - last < 1000 ||
        !atomic_compare_exchange_strong(&h->last_trim_ms, &last, now))
        return;
    mcp_mem_trim();
}

/* Resident memory is over --max-memory (after giving back what the
 * allocator merely keeps). */
static bool memory_over(mcp_http *h)
{
    if (!h->max_memory || mcp_mem_resident() <= h->max_memory)
        return false;
    trim_memory(h);
    return mcp_mem_resident() > h->max_memory;
}

static const char *client_addr_text(request_ctx *rc);

/* Whether a request may start new work, and if not why (status 503 or
 * 429 and a message a model can act on). mints: it would start a new
 * session; loads: it would load a document. */
static bool may_start(mcp_http *h, request_ctx *rc, bool mints, bool loads,
                      unsigned *status, char *why, size_t why_len)
{
    unsigned retry = 0;

    if ((mints || loads) && memory_over(h)) {
        atomic_fetch_add(&h->refused_memory, 1);
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        snprintf(why, why_len, "Server busy: its memory budget (--max-memory) is "
                 "used up, so it starts no new sessions and loads no documents "
                 "now; edits of existing sessions go on. Try again later, or end "
                 "sessions you no longer need (close_session)");
        return false;
    }
    if (mints && !mcp_rate_take(h->rate, client_addr_text(rc), &retry)) {
        atomic_fetch_add(&h->refused_rate, 1);
        *status = MHD_HTTP_TOO_MANY_REQUESTS;
        snprintf(why, why_len, "Too many new sessions from this address; retry in "
                 "%u s, or keep using a session you have (pass its session_id)", retry);
        return false;
    }
    return true;
}

/* A tools/call refused before it ran: a tool error the model reads. */
static enum MHD_Result send_tool_refusal(mcp_http *h, struct MHD_Connection *c,
                                         request_ctx *rc, json_t *id, const char *why)
{
    json_t *reply = json_pack("{s:s, s:O, s:{s:[{s:s, s:s}], s:b}}", "jsonrpc", "2.0",
                              "id", id, "result", "content", "type", "text", "text",
                              why, "isError", 1);

    return send_reply(h, c, rc, MHD_HTTP_OK, reply, NULL, false, NULL);
}

/* For a tools/call of create_ids or load_ids: whether it starts a session
 * (no session_id argument and, for legacy, no session in scope) or
 * loads a document. */
static void call_kind(json_t *params, bool in_session, bool *mints, bool *loads)
{
    const char *tool = json_string_value(json_object_get(params, "name"));
    bool named;

    *mints = *loads = false;
    if (!tool || (strcmp(tool, "load_ids") != 0 && strcmp(tool, "create_ids") != 0))
        return;
    named = json_is_string(json_object_get(json_object_get(params, "arguments"),
                                           "session_id"));
    *loads = strcmp(tool, "load_ids") == 0;
    *mints = !named && !in_session;
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
    s = stream_new(false);
    honored = json_array();
    if (!s || !honored)
        goto nomem;
    s->subscription_id = json_incref(id);
    /* Only the documents idsd serves can change; lists never do, so the
     * acknowledgement names the document URIs and nothing else. */
    json_array_foreach(subs, i, uri) {
        if (!json_is_string(uri) || !is_resource_uri(json_string_value(uri)) ||
            s->n_uris >= MCP_HTTP_MAX_SUBSCRIPTIONS ||
            uris_have(s->uris, s->n_uris, json_string_value(uri)))
            continue;
        if (!uris_update(s->uris, &s->n_uris, json_string_value(uri), true))
            goto nomem;
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
    goto out;
nomem:
    ret = send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id, MCP_INTERNAL_ERROR,
                     NULL, "Internal error: out of memory");
out:
    stream_unref(s);   /* this function's reference */
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
                          "Header mismatch: MCP-Protocol-Version %s differs from "
                          "the body's protocol version %s", BASE_QUOTE(pv_hdr, 40),
                          BASE_QUOTE(json_string_value(claim), 40));
    if (!mcp_version_is_modern(pv_hdr))
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id,
                          MCP_UNSUPPORTED_PROTOCOL_VERSION,
                          json_pack("{s:o, s:O}", "supported", mcp_supported_versions_json(),
                                    "requested", claim),
                          "Unsupported protocol version: %s", BASE_QUOTE(pv_hdr, 40));
    if (!json_is_object(json_object_get(meta, MCP_META_CLIENT_CAPABILITIES)))
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: params._meta[\"" MCP_META_CLIENT_CAPABILITIES
                          "\"] is required (an object; {} declares none)");
    mhdr = header_trimmed(rc, BASE_HTTP_METHOD, mbuf, sizeof mbuf);
    if (!mhdr || strcmp(mhdr, method) != 0)
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_HEADER_MISMATCH, NULL,
                          "Header mismatch: the Mcp-Method header %s the body's "
                          "method %s", mhdr ? "differs from" : "is required and must equal",
                          BASE_QUOTE(method, 100));
    if (strcmp(method, "subscriptions/listen") != 0 && !mcp_method_known(method, true))
        return send_error(h, c, rc, MHD_HTTP_NOT_FOUND, id, MCP_METHOD_NOT_FOUND,
                          json_pack("{s:s}", "method", method),
                          "Method not found: %s is not part of MCP %s",
                          BASE_QUOTE(method, 100), MCP_VERSION_2026_07_28);
    if (strcmp(method, "tools/call") == 0 || strcmp(method, "prompts/get") == 0)
        name_field = "name";
    else if (strcmp(method, "resources/read") == 0)
        name_field = "uri";
    if (name_field)
        name_src = json_object_get(params, name_field);
    if (json_is_string(name_src)) {
        const char *raw = header(rc, BASE_HTTP_NAME);
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
                                                    header_cb, rc, why, sizeof why))
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

    if (strcmp(method, "tools/call") == 0) {
        bool mints, loads;
        unsigned status;

        call_kind(params, false, &mints, &loads);
        if (!may_start(h, rc, mints, loads, &status, why, sizeof why))
            return send_tool_refusal(h, c, rc, id, why);
    }
    conn = mcp_conn_new(h->server, MCP_TRANSPORT_HTTP, emit_collect, &col);
    if (!conn)
        return send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id,
                          MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
    conn->cancel = &rc->cancel;
    if (rc->in_worker) {   /* its socket is known (rc->fd) */
        conn->cancel_poll = poll_closed;
        conn->cancel_poll_ctx = rc;
    }
    atomic_store(&rc->close_cancels, true);
    text = mcp_handle_message_text(conn, msg, &code);
    atomic_store(&rc->close_cancels, false);
    mcp_conn_free(conn);
    if (atomic_load(&rc->cancel))
        atomic_fetch_add(&h->cancelled, 1);
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
    session *s = NULL, *held = NULL;
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
    /* The entry goes onto the record before anyone else can reach it; the
     * hold then keeps both while initialize itself is handled. */
    e = entry_new(h, sid);
    if (!e) {
        session_remove_held(s);
        session_release(s);
        return send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id,
                          MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
    }
    session_attach(s, h->legacy_slot, e);
    st = session_hold(h->store, sid, &held);
    session_release(s);
    if (st != SESSION_OK)
        return send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id,
                          MCP_INTERNAL_ERROR, NULL, "Internal error: %s",
                          session_status_name(st));
    col.entry = e;
    pthread_mutex_lock(&e->use);
    e->conn->emit_ctx = &col;
    text = mcp_handle_message_text(e->conn, msg, &code);
    e->conn->emit_ctx = NULL;
    pthread_mutex_unlock(&e->use);
    if (!text || code != 0) {
        session_remove(h->store, sid);
        session_unhold(held);
        ret = text ? send_reply_text(h, c, rc, MHD_HTTP_OK, text, NULL, false, NULL)
                   : send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, id,
                                MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        base_buf_free(&col.buf);
        return ret;
    }
    if (session_persistent(h->store)) {
        char why[400];
        char version[sizeof e->conn->legacy_version];

        pthread_mutex_lock(&e->use);
        snprintf(version, sizeof version, "%s", e->conn->legacy_version);
        pthread_mutex_unlock(&e->use);
        if (session_persist_tag(h->store, sid, version, why, sizeof why) != SESSION_OK) {
            /* A session id that a restart would not know is not handed out. */
            session_remove(h->store, sid);
            session_unhold(held);
            free(text);
            base_buf_free(&col.buf);
            return send_error(h, c, rc, MHD_HTTP_SERVICE_UNAVAILABLE, id,
                              MCP_INTERNAL_ERROR, NULL,
                              "Server could not record the new session (%s); try again "
                              "later", why);
        }
    }
    session_unhold(held);
    mcp_logf(MCP_LOG_INFO, "legacy HTTP session %.8s... started", sid);
    ret = send_reply_text(h, c, rc, MHD_HTTP_OK, text, &col, sse_ok, sid);
    base_buf_free(&col.buf);
    return ret;
}

/* notifications/cancelled on a legacy session: the request it names stops
 * if it is the one running (a model check looks at the flag); one that is
 * done, or unknown, is ignored, as the specification allows. */
static void legacy_cancel(mcp_http *h, legacy_entry *e, json_t *params)
{
    json_t *target = json_is_object(params) ? json_object_get(params, "requestId") : NULL;
    bool hit = false;

    if (!target)
        return;
    pthread_mutex_lock(&e->lock);
    if (e->running_id && json_equal(e->running_id, target)) {
        atomic_store(&e->cancel, true);
        hit = true;
    }
    pthread_mutex_unlock(&e->lock);
    if (hit)
        atomic_fetch_add(&h->cancelled, 1);
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
    session *held;
    session_status hst;
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
                          "Bad Request: unsupported MCP-Protocol-Version %s",
                          BASE_QUOTE(pv_hdr, 40));
    if (method && strcmp(method, "initialize") == 0 && id) {
        char why[512];
        unsigned status;

        if (!may_start(h, rc, true, false, &status, why, sizeof why))
            return send_error(h, c, rc, status, id, MCP_INTERNAL_ERROR, NULL, "%s", why);
        return handle_initialize(h, c, rc, msg, sse_ok);
    }
    sid = header_trimmed(rc, BASE_HTTP_SESSION_ID, sbuf, sizeof sbuf);
    if (!sid)
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_INVALID_REQUEST, NULL,
                          "Bad Request: the Mcp-Session-Id header is required (send "
                          "initialize first; or, for MCP %s, the _meta envelope and "
                          "the MCP-Protocol-Version header)", MCP_VERSION_2026_07_28);
    e = legacy_hold(h, sid, &held, &hst);
    if (!e && hst == SESSION_ERR_STORE)
        return send_error(h, c, rc, MHD_HTTP_SERVICE_UNAVAILABLE, id, MCP_INTERNAL_ERROR,
                          NULL, "The session store is not answering; try again shortly");
    if (!e)
        return send_error(h, c, rc, MHD_HTTP_NOT_FOUND, id, MCP_INVALID_REQUEST, NULL,
                          "Session not found (ended, expired or never created); "
                          "send initialize to start a new one");
    if (method && !id && strcmp(method, "notifications/cancelled") == 0) {
        /* Not behind use: the request it names holds that until done. */
        legacy_cancel(h, e, json_object_get(msg, "params"));
        session_unhold(held);
        return send_body(h, c, rc, MHD_HTTP_ACCEPTED, NULL, "", 0, NULL);
    }
    pthread_mutex_lock(&e->use);
    negotiated = mcp_conn_legacy_version(e->conn);
    if (pv_hdr && negotiated && strcmp(pv_hdr, negotiated) != 0) {
        char copy[sizeof e->conn->legacy_version];

        snprintf(copy, sizeof copy, "%s", negotiated);
        pthread_mutex_unlock(&e->use);
        session_unhold(held);
        return send_error(h, c, rc, MHD_HTTP_BAD_REQUEST, id, MCP_INVALID_REQUEST, NULL,
                          "Bad Request: MCP-Protocol-Version %s differs from the "
                          "version this session negotiated (%s)", BASE_QUOTE(pv_hdr, 40),
                          copy);
    }
    if (method && strcmp(method, "tools/call") == 0) {
        bool mints, loads;
        unsigned status;
        char why[512];

        call_kind(json_object_get(msg, "params"), true, &mints, &loads);
        if (!may_start(h, rc, mints, loads, &status, why, sizeof why)) {
            pthread_mutex_unlock(&e->use);
            session_unhold(held);
            return send_tool_refusal(h, c, rc, id, why);
        }
    }
    col.entry = e;
    e->conn->emit_ctx = &col;
    if (id) {
        pthread_mutex_lock(&e->lock);
        e->running_id = json_incref(id);
        atomic_store(&e->cancel, false);
        pthread_mutex_unlock(&e->lock);
        e->conn->cancel = &e->cancel;
    }
    text = mcp_handle_message_text(e->conn, msg, &code);
    if (id) {
        e->conn->cancel = NULL;
        pthread_mutex_lock(&e->lock);
        json_decref(e->running_id);
        e->running_id = NULL;
        pthread_mutex_unlock(&e->lock);
    }
    e->conn->emit_ctx = NULL;
    pthread_mutex_unlock(&e->use);
    session_unhold(held);
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
    const char *pv_hdr = header_trimmed(rc, BASE_HTTP_PROTOCOL_VERSION, pbuf, sizeof pbuf);
    bool json_ok, sse_ok, modern;
    json_t *msg, *params, *meta;
    json_error_t err;
    enum MHD_Result ret;

    if (!mcp_http_is_json_type(header(rc, MHD_HTTP_HEADER_CONTENT_TYPE)))
        return send_error(h, c, rc, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL,
                          MCP_INVALID_REQUEST, NULL,
                          "Content-Type must be application/json");
    mcp_http_accepts(header(rc, MHD_HTTP_HEADER_ACCEPT), &json_ok, &sse_ok);
    if (!json_ok && !sse_ok)
        return send_error(h, c, rc, MHD_HTTP_NOT_ACCEPTABLE, NULL, MCP_INVALID_REQUEST,
                          NULL, "Accept must allow application/json and "
                          "text/event-stream");
    if (!header(rc, BASE_HTTP_PROTOCOL_VERSION))
        pv_hdr = NULL;
    else if (!pv_hdr)
        pv_hdr = "(too long)";
    msg = rc->msg ? rc->msg : base_json_read(rc->body.data ? rc->body.data : "",
                                             rc->body.len, &err);
    rc->msg = NULL;
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
    const char *sid = header_trimmed(rc, BASE_HTTP_SESSION_ID, sbuf, sizeof sbuf);
    const char *pv = header_trimmed(rc, BASE_HTTP_PROTOCOL_VERSION, pbuf, sizeof pbuf);
    bool json_ok, sse_ok, busy = false;
    session *held;
    session_status hst;
    legacy_entry *e;
    sse_stream *s, *old = NULL;
    enum MHD_Result ret;

    if ((pv && mcp_version_is_modern(pv)) || !sid)
        return send_error(h, c, rc, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
                          MCP_INVALID_REQUEST, NULL,
                          "GET opens the notification stream of a legacy session "
                          "(Mcp-Session-Id); MCP %s uses subscriptions/listen",
                          MCP_VERSION_2026_07_28);
    mcp_http_accepts(header(rc, MHD_HTTP_HEADER_ACCEPT), &json_ok, &sse_ok);
    if (!sse_ok)
        return send_error(h, c, rc, MHD_HTTP_NOT_ACCEPTABLE, NULL, MCP_INVALID_REQUEST,
                          NULL, "GET answers with text/event-stream; the Accept "
                          "header must allow it");
    e = legacy_hold(h, sid, &held, &hst);
    if (!e && hst == SESSION_ERR_STORE)
        return send_error(h, c, rc, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, MCP_INTERNAL_ERROR,
                          NULL, "The session store is not answering; try again shortly");
    if (!e)
        return send_error(h, c, rc, MHD_HTTP_NOT_FOUND, NULL, MCP_INVALID_REQUEST, NULL,
                          "Session not found; send initialize to start a new one");
    s = stream_new(true);
    if (!s) {
        session_unhold(held);
        return send_body(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                         "out of memory\n", 14, NULL);
    }
    /* One stream per session: the entry takes the new stream (and this
     * function's reference to it) unless an open one is there. A stream
     * that failed to open is closed, and the next GET replaces it. */
    pthread_mutex_lock(&e->lock);
    if (e->stream && stream_is_open(e->stream)) {
        busy = true;
    } else {
        for (size_t i = 0; i < e->n_subs; i++)
            uris_update(s->uris, &s->n_uris, e->subs[i], true);
        old = e->stream;
        e->stream = s;
    }
    pthread_mutex_unlock(&e->lock);
    stream_unref(old);
    if (busy) {
        stream_unref(s);
        session_unhold(held);
        return send_error(h, c, rc, MHD_HTTP_CONFLICT, NULL, MCP_INVALID_REQUEST, NULL,
                          "This session already has an open GET stream");
    }
    ret = stream_open(h, c, rc, s, ": idsd notification stream\n\n");
    session_unhold(held);
    return ret;
}

static enum MHD_Result handle_delete(mcp_http *h, struct MHD_Connection *c,
                                     request_ctx *rc)
{
    char sbuf[SESSION_ID_SIZE + 8], pbuf[64];
    const char *sid = header_trimmed(rc, BASE_HTTP_SESSION_ID, sbuf, sizeof sbuf);
    const char *pv = header_trimmed(rc, BASE_HTTP_PROTOCOL_VERSION, pbuf, sizeof pbuf);
    session *held;
    session_status hst;

    if ((pv && mcp_version_is_modern(pv)) || !sid)
        return send_error(h, c, rc, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
                          MCP_INVALID_REQUEST, NULL,
                          "DELETE ends a legacy session named by Mcp-Session-Id; "
                          "MCP %s has no protocol sessions", MCP_VERSION_2026_07_28);
    if (!legacy_hold(h, sid, &held, &hst))
        return send_error(h, c, rc, hst == SESSION_ERR_STORE ? MHD_HTTP_SERVICE_UNAVAILABLE
                                                             : MHD_HTTP_NOT_FOUND,
                          NULL, MCP_INVALID_REQUEST, NULL,
                          hst == SESSION_ERR_STORE ? "The session store is not answering; "
                                                     "try again shortly"
                                                   : "Session not found");
    /* Unlinked now (its stream ends in entry_unlinked); freed, document
     * and entry, when the last request using it lets go: here, unless one
     * is still running. */
    session_remove(h->store, sid);
    session_unhold(held);
    /* Durable before the answer, as close_session's (specs/persistence.md). */
    session_persist_flush(h->store, NULL, 0);
    mcp_logf(MCP_LOG_INFO, "legacy HTTP session %.8s... ended by DELETE", sid);
    return send_body(h, c, rc, MHD_HTTP_OK, NULL, "", 0, NULL);
}

/* ---- connections and their deadlines ------------------------------------ */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    mcp_http *h = cls;
    conn_track *t = *socket_context;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

        t = calloc(1, sizeof *t);
        if (!t)
            return;   /* no deadline for this one */
        t->fd = ci ? ci->connect_fd : -1;
        t->armed = true;
        clock_gettime(CLOCK_MONOTONIC, &t->since);
        pthread_mutex_lock(&h->track_lock);
        t->next = h->tracks;
        if (h->tracks)
            h->tracks->prev = t;
        h->tracks = t;
        pthread_mutex_unlock(&h->track_lock);
        *socket_context = t;
    } else if (t) {
        pthread_mutex_lock(&h->track_lock);
        if (t->prev)
            t->prev->next = t->next;
        else
            h->tracks = t->next;
        if (t->next)
            t->next->prev = t->prev;
        pthread_mutex_unlock(&h->track_lock);
        free(t);
        *socket_context = NULL;
    }
}

/* The connection's request deadline: armed (from now) or not. */
static void track_arm(mcp_http *h, struct MHD_Connection *c, bool armed)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_track *t = ci ? ci->socket_context : NULL;

    if (!t)
        return;
    pthread_mutex_lock(&h->track_lock);
    t->armed = armed;
    if (armed)
        clock_gettime(CLOCK_MONOTONIC, &t->since);
    pthread_mutex_unlock(&h->track_lock);
}

/* The client's address, kept as it is: most requests never need it as
 * text, and inet_ntop costs more than the rest of a small request's
 * bookkeeping. */
static void client_addr(struct MHD_Connection *c, request_ctx *rc)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    rc->peer.ss_family = 0;
    rc->addr[0] = '\0';
    if (sa && sa->sa_family == AF_INET)
        memcpy(&rc->peer, sa, sizeof(struct sockaddr_in));
    else if (sa && sa->sa_family == AF_INET6)
        memcpy(&rc->peer, sa, sizeof(struct sockaddr_in6));
}

/* The client's address as text ("" when unknown). */
static const char *client_addr_text(request_ctx *rc)
{
    if (rc->addr[0] != '\0')
        return rc->addr;
    if (rc->peer.ss_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)&rc->peer)->sin_addr,
                  rc->addr, (socklen_t)sizeof rc->addr);
    else if (rc->peer.ss_family == AF_INET6)
        inet_ntop(AF_INET6,
                  &((const struct sockaddr_in6 *)(const void *)&rc->peer)->sin6_addr,
                  rc->addr, (socklen_t)sizeof rc->addr);
    return rc->addr;
}

/* The connection's socket. */
static int conn_fd(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

    return ci ? ci->connect_fd : -1;
}

/* ---- tool work on the pool ------------------------------------------------ */

static void rc_unref(request_ctx *rc)
{
    if (atomic_fetch_sub(&rc->refs, 1) != 1)
        return;
    if (rc->resp)
        MHD_destroy_response(rc->resp);
    if (rc->work_resp)
        MHD_destroy_response(rc->work_resp);
    base_buf_free(&rc->body);
    json_decref(rc->msg);
    if (rc->hdr_data) {
        free(rc->hdrs);
        free(rc->hdr_data);
    }
    free(rc);
}

/* Hands a job's answer (taken over; NULL: close the connection) to its
 * connection, unless the request was answered already (cut at
 * shutdown), and lets go of the job. */
static void job_finish(mcp_http *h, request_ctx *rc, struct MHD_Response *r,
                       unsigned status)
{
    pthread_mutex_lock(&h->job_lock);
    if (rc->jprev)
        rc->jprev->jnext = rc->jnext;
    else if (h->jobs == rc)
        h->jobs = rc->jnext;
    if (rc->jnext)
        rc->jnext->jprev = rc->jprev;
    rc->jprev = rc->jnext = NULL;
    if (rc->state == RC_QUEUED) {
        rc->resp = r;
        rc->resp_status = status;
        rc->state = r ? RC_READY : RC_GONE;
        MHD_resume_connection(rc->conn);
    } else if (r) {
        MHD_destroy_response(r);
    }
    pthread_mutex_unlock(&h->job_lock);
    rc_unref(rc);
}

static void run_post(void *ctx, mcp_pool_job *job)
{
    mcp_http *h = ctx;
    request_ctx *rc = (request_ctx *)job;
    struct MHD_Response *r;

    bool large = rc->body.len >= TRIM_AFTER_BYTES;

    rc->in_worker = true;
    handle_post(h, rc->conn, rc);
    rc->in_worker = false;
    r = rc->work_resp;
    rc->work_resp = NULL;
    job_finish(h, rc, r, rc->work_status);
    /* A large body leaves megabytes of freed parse trees and copies with
     * the allocator; given back once answered, not kept for the next. */
    if (large)
        trim_memory(h);
}

/* The answer to a request cut at shutdown: a JSON-RPC error with its id
 * when the body names one. */
static struct MHD_Response *cut_response(mcp_http *h, request_ctx *rc)
{
    json_error_t err;
    json_t *msg = base_json_read(rc->body.data ? rc->body.data : "", rc->body.len, &err);
    json_t *id = json_is_object(msg) ? json_object_get(msg, "id") : NULL;
    json_t *reply = mcp_error_reply(json_is_string(id) || json_is_integer(id) ? id : NULL,
                                    MCP_INTERNAL_ERROR,
                                    "Server shutting down: the request was not "
                                    "completed; retry against a running server", NULL);
    char *text = reply ? mcp_jsonrpc_dump(reply) : NULL;

    json_decref(reply);
    json_decref(msg);
    atomic_fetch_add(&h->m.status[MHD_HTTP_SERVICE_UNAVAILABLE], 1);
    if (!text)
        return NULL;
    return make_response(rc, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json", text,
                         strlen(text), NULL, MHD_RESPMEM_MUST_FREE);
}

static void drop_job(void *ctx, mcp_pool_job *job)
{
    mcp_http *h = ctx;
    request_ctx *rc = (request_ctx *)job;

    job_finish(h, rc, cut_response(h, rc), MHD_HTTP_SERVICE_UNAVAILABLE);
}

/* The pool key of a POST: the session it works on, as the headers name
 * it (Mcp-Param-Session, else Mcp-Session-Id), so that calls on one
 * session queue behind each other instead of each holding a worker while
 * it waits for the session's lock. */
static void post_key(const request_ctx *rc, char *key, size_t size)
{
    const char *raw = header(rc, BASE_HTTP_PARAM_PREFIX "Session");
    char buf[SESSION_ID_SIZE + 8];

    key[0] = '\0';
    if (raw) {
        size_t n = 0;
        bool bad = false;
        char *v = mcp_http_decode_value(raw, &n, &bad);

        if (v && n < size)
            memcpy(key, v, n + 1);
        free(v);
        if (key[0])
            return;
    }
    raw = header_trimmed(rc, BASE_HTTP_SESSION_ID, buf, sizeof buf);
    if (raw && strlen(raw) < size)
        memcpy(key, raw, strlen(raw) + 1);
}

static enum MHD_Result submit_post(mcp_http *h, struct MHD_Connection *c,
                                   request_ctx *rc)
{
    pthread_mutex_lock(&h->job_lock);
    if (h->cutting) {
        pthread_mutex_unlock(&h->job_lock);
        return send_error(h, c, rc, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, MCP_INTERNAL_ERROR,
                          NULL, "Server shutting down; retry against a running server");
    }
    rc->state = RC_QUEUED;
    rc->conn = c;
    rc->fd = conn_fd(c);
    atomic_fetch_add(&rc->refs, 1);
    rc->jnext = h->jobs;
    if (h->jobs)
        h->jobs->jprev = rc;
    h->jobs = rc;
    MHD_suspend_connection(c);
    mcp_pool_submit(h->pool, &rc->job);
    pthread_mutex_unlock(&h->job_lock);
    return MHD_YES;
}

/* Methods that do no document work: answered where they arrive. */
static const char *const light_methods[] = {
    "initialize", "ping", "tools/list", "resources/list", "resources/templates/list",
    "prompts/list", "server/discover", "logging/setLevel", "resources/subscribe",
    "resources/unsubscribe", "completion/complete",
};

/* Tools whose work on a small document is short and bounded: no pattern
 * compiled, nothing loaded, serialized or validated. */
static const char *const light_tools[] = {
    "create_ids", "get_ids_info", "update_ids_info", "add_specification",
    "get_specification", "update_specification", "remove_specification",
    "add_entity_facet", "add_property_facet", "add_attribute_facet",
    "add_classification_facet", "add_material_facet", "add_partof_facet",
    "remove_facet", "add_enumeration_restriction", "add_bounds_restriction",
    "add_length_restriction", "close_session",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; name && i < n; i++) {
        if (strcmp(name, list[i]) == 0)
            return true;
    }
    return false;
}

/* export_ids of a small document is short too (serializing 64 KiB and
 * the built-in rules take well under a millisecond), and it ends every
 * authoring loop, where a handoff costs more than the call: unless it
 * writes a file (the disk may make it wait) or validates with the
 * official XSD (which costs more). */
static bool light_export(const mcp_http *h, const char *tool, json_t *args)
{
    const tool_config *tools = h->server->tools;

    if (!tool || strcmp(tool, "export_ids") != 0 || json_object_get(args, "output_path"))
        return false;
    return json_is_false(json_object_get(args, "validate")) || !tools || !tools->schema;
}

/* Whether a POST may be handled on the transport thread: it must be short
 * and must not wait. A small body whose method does no document work, or
 * a light tool on a small document that nobody is using now, qualifies;
 * everything else (unknown tools included) goes to the pool. The handoff
 * costs two thread switches, several times a small call's own work on a
 * busy machine. Parses the body into rc->msg for whoever handles it. */
static bool light_post(mcp_http *h, request_ctx *rc)
{
    json_error_t err;
    json_t *params, *args, *sid_arg;
    const char *method, *sid;
    session_info info;
    bool exporting;

    if (rc->body.error != BASE_OK || rc->body.len > LIGHT_BODY_BYTES)
        return false;
    rc->msg = base_json_read(rc->body.data ? rc->body.data : "", rc->body.len, &err);
    if (!rc->msg)
        return true;   /* a parse error, answered at once */
    if (!json_is_object(rc->msg))
        return false;  /* a batch */
    method = json_string_value(json_object_get(rc->msg, "method"));
    if (!method || strncmp(method, "notifications/", 14) == 0 ||
        in_list(method, light_methods, sizeof light_methods / sizeof light_methods[0]))
        return true;
    if (strcmp(method, "tools/call") != 0)
        return false;
    params = json_object_get(rc->msg, "params");
    args = json_object_get(params, "arguments");
    exporting = light_export(h, json_string_value(json_object_get(params, "name")), args);
    if (!exporting && !in_list(json_string_value(json_object_get(params, "name")), light_tools,
                               sizeof light_tools / sizeof light_tools[0]))
        return false;
    sid_arg = json_object_get(args, "session_id");
    sid = json_is_string(sid_arg) ? json_string_value(sid_arg) : rc->job.key;
    if (!sid[0] || session_get_info(h->store, sid, &info) != SESSION_OK)
        return true;   /* a new session, or an error answered at once */
    return info.users == 0 && info.bytes <= (exporting ? LIGHT_EXPORT_BYTES : LIGHT_DOC_BYTES);
}

/* A light POST on the transport thread, its key held so that no job of
 * the same session runs beside it. */
static enum MHD_Result run_light(mcp_http *h, struct MHD_Connection *c, request_ctx *rc)
{
    enum MHD_Result ret;
    const char *method = json_is_object(rc->msg)
                             ? json_string_value(json_object_get(rc->msg, "method"))
                             : NULL;

    /* A cancellation names the session's running request: queued behind
     * it, it would arrive when there is nothing left to stop. It touches
     * only the entry's cancel flag. */
    if (method && strcmp(method, "notifications/cancelled") == 0)
        return handle_post(h, c, rc);
    if (!mcp_pool_own(h->pool, rc->job.key))
        return submit_post(h, c, rc);
    ret = handle_post(h, c, rc);
    mcp_pool_disown(h->pool, rc->job.key);
    return ret;
}

/* The connection resumed: its job's answer goes out, or it closes. */
static enum MHD_Result answer_resumed(struct MHD_Connection *c, request_ctx *rc)
{
    struct MHD_Response *r;
    unsigned status;
    enum MHD_Result ret;

    r = rc->resp;
    status = rc->resp_status;
    rc->resp = NULL;
    rc->state = RC_GONE;
    if (!r)
        return MHD_NO;
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- the access handler -------------------------------------------------- */


/* Headers that must come once: the ones a proxy and idsd could read
 * differently when repeated (request smuggling, Host/Origin checks), and
 * every MCP header. */
static bool single_header(const char *name, size_t len)
{
    static const struct {
        const char *name;
        size_t len;
    } once[] = {
        {"Host", 4}, {"Origin", 6}, {"Content-Length", 14}, {"Transfer-Encoding", 17},
        {"Content-Type", 12}, {"Authorization", 13},
    };

    if (len >= 4 && strncasecmp(name, "Mcp-", 4) == 0)
        return true;
    /* Lengths first: every header of every request passes here. */
    for (size_t i = 0; i < sizeof once / sizeof once[0]; i++) {
        if (len == once[i].len && strcasecmp(name, once[i].name) == 0)
            return true;
    }
    return false;
}

typedef struct hdr_count {
    size_t n, bytes;
} hdr_count;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
                                    const char *key, size_t key_size,
                                    const char *value, size_t value_size)
{
    hdr_count *hc = cls;

    (void)kind;
    (void)key;
    (void)value;
    hc->n++;
    hc->bytes += key_size + value_size + 2;
    return MHD_YES;
}

typedef struct hdr_fill {
    request_ctx *rc;
    char *at, *end;
    size_t max;
    bool overflow;
} hdr_fill;

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind,
                                   const char *key, size_t key_size,
                                   const char *value, size_t value_size)
{
    hdr_fill *f = cls;
    request_hdr *hd;

    (void)kind;
    if (f->rc->n_hdrs == f->max || (size_t)(f->end - f->at) < key_size + value_size + 2) {
        f->overflow = true;
        return MHD_NO;
    }
    hd = &f->rc->hdrs[f->rc->n_hdrs++];
    /* libmicrohttpd 0.9.75 cuts a value at a NUL; a later one may not. */
    if (!f->rc->bad_header && (memchr(key, '\0', key_size) ||
                               (value && memchr(value, '\0', value_size))))
        f->rc->bad_header = "Bad Request: a header contains a NUL byte";
    memcpy(f->at, key, key_size);
    f->at[key_size] = '\0';
    hd->name = f->at;
    hd->name_len = key_size;
    f->at += key_size + 1;
    memcpy(f->at, value ? value : "", value_size);
    f->at[value_size] = '\0';
    hd->value = f->at;
    f->at += value_size + 1;
    return MHD_YES;
}

/* Copies the request's headers into rc (noting in rc->bad_header a NUL
 * byte or a repeated header that must come once); false when memory runs
 * out. */
static bool copy_headers(struct MHD_Connection *c, request_ctx *rc)
{
    hdr_count hc = {0, 0};
    hdr_fill f = {rc, rc->inline_data, rc->inline_data + sizeof rc->inline_data,
                  INLINE_HDRS, false};

    /* Usually one pass into the request's own room; more headers than
     * fit take a count and an allocation. */
    rc->hdrs = rc->inline_hdrs;
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, copy_header, &f);
    if (f.overflow) {
        MHD_get_connection_values_n(c, MHD_HEADER_KIND, count_header, &hc);
        rc->n_hdrs = 0;
        rc->hdrs = calloc(hc.n, sizeof *rc->hdrs);
        rc->hdr_data = malloc(hc.bytes);
        if (!rc->hdrs || !rc->hdr_data) {
            free(rc->hdrs);
            free(rc->hdr_data);
            rc->hdrs = NULL;
            rc->hdr_data = NULL;
            return false;
        }
        f = (hdr_fill){rc, rc->hdr_data, rc->hdr_data + hc.bytes, hc.n, false};
        MHD_get_connection_values_n(c, MHD_HEADER_KIND, copy_header, &f);
    }
    for (size_t i = 0; i < rc->n_hdrs && !rc->bad_header; i++) {
        if (!single_header(rc->hdrs[i].name, rc->hdrs[i].name_len))
            continue;
        for (size_t k = i + 1; k < rc->n_hdrs; k++) {
            if (rc->hdrs[k].name_len == rc->hdrs[i].name_len &&
                strcasecmp(rc->hdrs[i].name, rc->hdrs[k].name) == 0) {
                rc->bad_header = "Bad Request: a header that must appear once "
                                 "is repeated (Host, Origin, Content-Length, "
                                 "Transfer-Encoding, Content-Type, Authorization "
                                 "or an Mcp-* header)";
                break;
            }
        }
    }
    return true;
}

/* Checks made before any body is read; returns 0 or the refusal status. */
static unsigned precheck(mcp_http *h, const char *url, const char *method,
                         request_ctx *rc, const char **why)
{
    const char *origin = header(rc, "Origin");
    const char *cl = header(rc, MHD_HTTP_HEADER_CONTENT_LENGTH);

    if (rc->bad_header) {
        *why = rc->bad_header;
        return MHD_HTTP_BAD_REQUEST;
    }
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
        !mcp_http_host_is_loopback(header(rc, MHD_HTTP_HEADER_HOST))) {
        *why = "Forbidden: Host is not a loopback name";
        return MHD_HTTP_FORBIDDEN;
    }
    /* A browser sends no credentials on a CORS preflight: it asks whether
     * it may send them. */
    if (h->token && strcmp(url, "/healthz") != 0 &&
        !(strcmp(method, "OPTIONS") == 0 && origin) &&
        !mcp_http_bearer_ok(header(rc, MHD_HTTP_HEADER_AUTHORIZATION), h->token)) {
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

/* The comma-separated list names the header (case-insensitive). */
static bool list_has(const char *list, const char *name, size_t n)
{
    while (*list) {
        size_t k = strcspn(list, ",");

        if (k == n && strncasecmp(list, name, n) == 0)
            return true;
        list += k;
        while (*list == ',' || *list == ' ')
            list++;
    }
    return false;
}

/* The headers a preflight may allow: ours, and whatever Mcp-* header the
 * browser asks for (Mcp-Param-{Name} are named by the tools' schemas, so
 * the list is open). Anything else asked for is left out. */
static void cors_allow_headers(const char *asked, char *out, size_t size)
{
    static const char base[] = "Content-Type, Accept, Authorization, " BASE_HTTP_SESSION_ID
        ", " BASE_HTTP_PROTOCOL_VERSION ", " BASE_HTTP_METHOD ", " BASE_HTTP_NAME ", "
        BASE_HTTP_PARAM_PREFIX "Session, Last-Event-ID";
    size_t len = (size_t)snprintf(out, size, "%s", base);

    while (asked && *asked) {
        const char *end = asked + strcspn(asked, ",");
        const char *a = asked;
        size_t n;
        bool token = true;

        while (a < end && (*a == ' ' || *a == '\t'))
            a++;
        n = (size_t)(end - a);
        while (n && (a[n - 1] == ' ' || a[n - 1] == '\t'))
            n--;
        for (size_t i = 0; i < n; i++) {
            char ch = a[i];

            token = token && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                              (ch >= '0' && ch <= '9') || ch == '-');
        }
        if (token && n > 4 && strncasecmp(a, "Mcp-", 4) == 0 &&
            !list_has(out, a, n) && len + n + 3 < size)
            len += (size_t)snprintf(out + len, size - len, ", %.*s", (int)n, a);
        asked = *end ? end + 1 : end;
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    mcp_http *h = cls;
    request_ctx *rc = *con_cls;

    (void)version;
    if (!rc) {
        const char *why = NULL;
        unsigned status;

        /* The inline header room at the end is written before it is read. */
        rc = malloc(sizeof *rc);
        if (!rc)
            return MHD_NO;
        memset(rc, 0, offsetof(request_ctx, inline_hdrs));
        atomic_init(&rc->refs, 1);
        rc->conn = c;
        rc->body.max = h->max_body;
        clock_gettime(CLOCK_MONOTONIC, &rc->start);
        *con_cls = rc;
        atomic_fetch_add(&h->active, 1);
        if (!copy_headers(c, rc))
            return MHD_NO;
        client_addr(c, rc);
        status = precheck(h, url, method, rc, &why);
        if (status)
            return send_error(h, c, rc, status, NULL, MCP_INVALID_REQUEST, NULL, "%s", why);
        return MHD_YES;
    }
    if (rc->state != RC_READING) {
        enum MHD_Result ret;

        pthread_mutex_lock(&h->job_lock);
        ret = rc->state == RC_READY ? answer_resumed(c, rc) : MHD_NO;
        pthread_mutex_unlock(&h->job_lock);
        return ret;
    }
    if (*upload_data_size) {
        /* Past the cap (or out of memory) the rest is read and dropped. */
        base_buf_append(&rc->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    /* The request has fully arrived: what follows is ours to answer. */
    track_arm(h, c, false);
    if (rc->body.error == BASE_NOMEM)
        return send_error(h, c, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, MCP_INTERNAL_ERROR,
                          NULL, "Internal error: out of memory reading the body");
    if (rc->body.error == BASE_TOO_BIG)
        return send_error(h, c, rc, MHD_HTTP_CONTENT_TOO_LARGE, NULL, MCP_INVALID_REQUEST,
                          NULL, "Payload Too Large: the body exceeds %zu bytes "
                          "(--max-body-bytes)", h->max_body);
    /* MHD sends no body for HEAD; the headers are GET's. */
    if (strcmp(url, "/healthz") == 0 &&
        (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
        return send_body(h, c, rc, MHD_HTTP_OK, "text/plain", "ok\n", 3, NULL);
    if (strcmp(url, "/metrics") == 0 &&
        (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
        return send_metrics(h, c, rc);
    if (strncmp(url, VIEW_PREFIX, strlen(VIEW_PREFIX)) == 0 && strcmp(method, "GET") == 0 &&
        strcmp(url, h->path) != 0)
        return handle_view(h, c, rc, url);
    if (strcmp(url, h->path) != 0)
        return send_body(h, c, rc, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", 10,
                         NULL);
    if (strcmp(method, "POST") == 0) {
        post_key(rc, rc->job.key, sizeof rc->job.key);
        if (light_post(h, rc))
            return run_light(h, c, rc);
        return submit_post(h, c, rc);
    }
    if (strcmp(method, "GET") == 0)
        return handle_get(h, c, rc);
    if (strcmp(method, "DELETE") == 0)
        return handle_delete(h, c, rc);
    if (strcmp(method, "OPTIONS") == 0 && rc->origin) {
        struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
                                                                 MHD_RESPMEM_PERSISTENT);
        char allow[1024];

        if (!r)
            return MHD_NO;
        common_headers(r, rc);
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, POST, DELETE");
        cors_allow_headers(header(rc, "Access-Control-Request-Headers"), allow, sizeof allow);
        MHD_add_response_header(r, "Access-Control-Allow-Headers", allow);
        MHD_add_response_header(r, "Access-Control-Max-Age", "600");
        return respond(h, c, rc, MHD_HTTP_NO_CONTENT, r);
    }
    return send_body(h, c, rc, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
                     "method not allowed\n", 19, NULL);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    mcp_http *h = cls;
    request_ctx *rc = *con_cls;

    (void)toe;
    if (!rc)
        return;
    if (!rc->is_stream)
        observe(h, &rc->start);
    *con_cls = NULL;
    atomic_fetch_sub(&h->active, 1);
    rc_unref(rc);
    /* The next request on this connection has its own deadline. */
    track_arm(h, c, true);
}

/* ---- start and stop ------------------------------------------------------ */

/* The legacy entries stay on their records: the store frees them with
 * the sessions. */
static void http_free(mcp_http *h)
{
    for (size_t i = 0; i < h->n_origins; i++)
        free(h->origins[i]);
    free(h->origins);
    free(h->host);
    free(h->path);
    free(h->token);
    mcp_pool_free(h->pool);
    mcp_rate_free(h->rate);
    pthread_mutex_destroy(&h->job_lock);
    pthread_mutex_destroy(&h->track_lock);
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
    struct MHD_OptionItem opts[12];
    unsigned max_conns = cfg->max_connections ? cfg->max_connections
                                              : MCP_HTTP_DEFAULT_MAX_CONNECTIONS;
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
    pthread_mutex_init(&h->job_lock, NULL);
    pthread_mutex_init(&h->track_lock, NULL);
    /* The ticker waits on the monotonic clock: a wall-clock step must not
     * stall the keepalives or fire them all at once. */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->tick, &ca);
    pthread_condattr_destroy(&ca);
    h->server = server;
    h->store = server->store;
    if (session_slot_register(h->store, &legacy_ops, &h->legacy_slot) != SESSION_OK) {
        snprintf(why, why_len, "the session store has no free attachment slot");
        http_free(h);
        return NULL;
    }
    session_slot_set_restore(h->store, h->legacy_slot, legacy_restore, h);
    h->host = strdup(cfg->host ? cfg->host : MCP_HTTP_DEFAULT_HOST);
    h->path = strdup(cfg->path ? cfg->path : MCP_HTTP_DEFAULT_PATH);
    h->token = cfg->auth_token && cfg->auth_token[0] ? strdup(cfg->auth_token) : NULL;
    h->max_body = cfg->max_body_bytes ? cfg->max_body_bytes
                                      : mcp_server_max_message_bytes(server);
    h->max_streams = cfg->max_streams ? cfg->max_streams : MCP_HTTP_DEFAULT_MAX_STREAMS;
    h->keepalive_ms = cfg->keepalive_ms ? cfg->keepalive_ms : MCP_HTTP_DEFAULT_KEEPALIVE_MS;
    h->max_memory = cfg->max_memory_bytes;
    h->rate = mcp_rate_new(cfg->session_rate_per_min ? cfg->session_rate_per_min
                                                     : MCP_HTTP_DEFAULT_SESSION_RATE);
    h->request_timeout_ms = cfg->request_timeout_ms ? cfg->request_timeout_ms
                                                    : MCP_HTTP_DEFAULT_REQUEST_TIMEOUT_MS;
    h->grace_ms = cfg->shutdown_grace_ms ? cfg->shutdown_grace_ms
                                         : MCP_HTTP_DEFAULT_GRACE_MS;
    h->pool = mcp_pool_new(cfg->workers ? cfg->workers : MCP_HTTP_DEFAULT_WORKERS,
                           run_post, h);
    if (!h->pool) {
        snprintf(why, why_len, "cannot start the worker threads");
        http_free(h);
        return NULL;
    }
    h->origins = cfg->n_allowed_origins ? calloc(cfg->n_allowed_origins, sizeof *h->origins)
                                        : NULL;
    if (!h->host || !h->path ||
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
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, max_conns, NULL};
    /* One address must not take every slot: by default a quarter of them. */
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->max_connections_per_ip ? cfg->max_connections_per_ip
                                    : (max_conns / 4 ? max_conns / 4 : 1), NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION,
                                        (intptr_t)on_connection, h};
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

/* Waits up to ms for the in-flight requests to end; true when none is
 * left. */
static bool wait_requests(mcp_http *h, unsigned ms)
{
    unsigned waited = 0;

    while (atomic_load(&h->active) > 0 && waited < ms) {
        struct timespec ts = {0, 10 * 1000000L};

        nanosleep(&ts, NULL);
        waited += 10;
    }
    return atomic_load(&h->active) == 0;
}

bool mcp_http_stop(mcp_http *h)
{
    MHD_socket listen_fd;
    bool idle;

    if (!h)
        return true;
    listen_fd = MHD_quiesce_daemon(h->daemon);
    pthread_mutex_lock(&h->lock);
    h->stopping = true;
    pthread_cond_broadcast(&h->tick);
    /* Every stream ends now: listen streams with their final result. */
    for (sse_stream *s = h->streams; s; s = s->next) {
        char *final = s->legacy || s->view_id[0] ? NULL : listen_final(s);

        stream_push(s, final, true);
        free(final);
    }
    pthread_mutex_unlock(&h->lock);
    if (h->ticker_started)
        pthread_join(h->ticker, NULL);
    /* In-flight requests finish (and streams drain) within the grace;
     * what is left then is answered with an error: queued calls are
     * dropped, running ones are answered now and their result discarded
     * when they end. */
    if (!wait_requests(h, h->grace_ms)) {
        size_t cut = 0;

        pthread_mutex_lock(&h->job_lock);
        h->cutting = true;
        pthread_mutex_unlock(&h->job_lock);
        mcp_pool_drain(h->pool, drop_job, h);
        pthread_mutex_lock(&h->job_lock);
        for (request_ctx *rc = h->jobs; rc; rc = rc->jnext) {
            if (rc->state != RC_QUEUED)
                continue;
            rc->resp = cut_response(h, rc);
            rc->resp_status = MHD_HTTP_SERVICE_UNAVAILABLE;
            rc->state = rc->resp ? RC_READY : RC_GONE;
            MHD_resume_connection(rc->conn);
            cut++;
        }
        pthread_mutex_unlock(&h->job_lock);
        if (cut)
            mcp_logf(MCP_LOG_WARNING, "shutdown: %zu tool calls still running after "
                     "the grace; their clients were answered with an error", cut);
        if (!wait_requests(h, 1000))
            mcp_logf(MCP_LOG_WARNING, "%ld requests still open at shutdown",
                     (long)atomic_load(&h->active));
    }
    MHD_stop_daemon(h->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    idle = mcp_pool_wait_idle(h->pool, 0);
    if (!idle)
        return false;   /* a worker still uses the server: leave it all */
    mcp_server_set_hooks(h->server, NULL, NULL);
    session_slot_set_restore(h->store, h->legacy_slot, NULL, NULL);
    http_free(h);
    return true;
}
