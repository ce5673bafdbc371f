/*
 * stdio.c - the stdio transport: newline-delimited JSON-RPC.
 *
 * One message per line on stdin, one per line on stdout; nothing else ever
 * goes to stdout (logs go to stderr). A line is held in memory whole before
 * it is parsed, so its length is capped at the server's message limit: a
 * longer line is skipped to its end and answered with one error, and the
 * loop goes on. Memory: the read chunk (READ_CHUNK), one line buffer that
 * grows by doubling up to the limit and is reused for every line, and the
 * lines read ahead: the queue (the reader waits while it holds QUEUE_MAX
 * lines or two limits of bytes, and hands lines over QUEUE_MAX / 2 or one
 * limit at a time) and the batch the worker took from it, each at most
 * one and a half times that.
 *
 * Two threads. The calling thread reads and parses lines and queues the
 * messages; one worker handles them one at a time, in order. The split
 * exists for cancellation: on stdio the only way a client gives up on a
 * request is notifications/cancelled naming it, and that line must be read
 * while the request runs. The reader takes such a notice itself: it sets
 * the cancel flag of the running request (a model check looks at it and
 * stops) or of a queued one (which is then not run); either gets no
 * answer, as the specification asks. Writes go through a lock so that
 * progress notifications and answers never split a line. The two meet
 * once per read and once per batch, not per message, so a client that
 * pipes a file of calls pays about 10% over a single thread.
 */
#include "mcp/mcp_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (64u * 1024u)     /* bytes per read(2) */
#define QUEUE_MAX 64u                /* messages read ahead of the worker */
#define STOP_POLL_MS 200             /* a reader waiting for room looks at stop */

typedef struct stdio_out {
    int fd;
    pthread_mutex_t lock;
    atomic_bool failed;
} stdio_out;

static void write_line(stdio_out *o, const char *line)
{
    struct iovec iov[2];
    size_t len = strlen(line);
    int idx = 0;

    iov[0].iov_base = (void *)line;
    iov[0].iov_len = len;
    iov[1].iov_base = (void *)"\n";
    iov[1].iov_len = 1;
    pthread_mutex_lock(&o->lock);
    while (!atomic_load(&o->failed) && idx < 2) {
        ssize_t n = writev(o->fd, iov + idx, 2 - idx);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            atomic_store(&o->failed, true);
            mcp_logf(MCP_LOG_ERROR, "stdout: %s; stopping", strerror(errno));
            break;
        }
        while (idx < 2 && (size_t)n >= iov[idx].iov_len) {
            n -= (ssize_t)iov[idx].iov_len;
            idx++;
        }
        if (idx < 2) {
            iov[idx].iov_base = (char *)iov[idx].iov_base + n;
            iov[idx].iov_len -= (size_t)n;
        }
    }
    pthread_mutex_unlock(&o->lock);
}

static void emit_line(void *ctx, json_t *message)
{
    char *text = mcp_jsonrpc_dump(message);

    if (text)
        write_line(ctx, text);
    free(text);
}

/* One line read and not yet handled. The reader copies it and nothing
 * more: it parses only a line that may be a cancellation, so the JSON of
 * every other message is made and freed on the worker, where it is used
 * (made on one thread and freed on another, it costs twice as much). */
typedef struct stdio_item {
    struct stdio_item *next;
    size_t too_large;        /* > 0: a skipped line of this many bytes */
    atomic_bool cancel;      /* a notifications/cancelled named it */
    size_t len;
    char text[];
} stdio_item;

/* Each side sleeps only when it must (the worker on an empty queue, the
 * reader on a full one) and is woken only then: a wake-up per message
 * would cost more than a small call. The reader is woken once the queue
 * is half empty, not at every message taken. */
typedef struct stdio_queue {
    pthread_mutex_t lock;
    pthread_cond_t work;     /* for the worker: an item came, or the end */
    pthread_cond_t room;     /* for the reader: room again */
    bool worker_waits, reader_waits;
    /* Lines read from the current chunk, handed over together (one lock
     * and at most one wake-up per read, not per line); the reader's own. */
    stdio_item *pend_head, *pend_tail;
    size_t pend_n, pend_bytes;
    stdio_item *head, *tail;
    size_t n, bytes;
    /* The worker takes what is queued at once, as a batch, and frees it
     * when all of it is handled: two locks per batch, not per message. A
     * cancellation looks in the batch too (under lock; handled items
     * are still there, and a flag set on one is harmless). */
    stdio_item *batch;
    _Atomic(stdio_item *) current;  /* the one being handled */
    bool closed;             /* the reader is done: drain, then end */
    atomic_bool discard;     /* stopping: what is queued is dropped */
    mcp_conn *conn;
    stdio_out *out;
    size_t limit;
} stdio_queue;

static void answer_too_large(stdio_out *o, size_t len, size_t limit)
{
    char why[160];
    json_t *reply;
    char *text;

    snprintf(why, sizeof why,
             "Invalid Request: message of %zu bytes exceeds the limit of %zu bytes",
             len, limit);
    reply = mcp_error_reply(NULL, MCP_INVALID_REQUEST, why, NULL);
    text = reply ? mcp_jsonrpc_dump(reply) : NULL;
    if (text)
        write_line(o, text);
    free(text);
    json_decref(reply);
    mcp_logf(MCP_LOG_WARNING, "skipped a message of %zu bytes (limit %zu)", len, limit);
}

/* Whether the line is a request with that id: parsed again here, which
 * happens only when a cancellation arrives. */
static bool item_is(const stdio_item *it, const json_t *request_id)
{
    json_error_t err;
    json_t *msg;
    bool same;

    if (it->too_large)
        return false;
    msg = base_json_read(it->text, it->len, &err);
    same = json_is_object(msg) && json_object_get(msg, "method") &&
           json_equal(json_object_get(msg, "id"), request_id);
    json_decref(msg);
    return same;
}

/* notifications/cancelled: the running request or a queued one with that
 * id stops. One that is done, or unknown, is ignored, as the
 * specification allows. */
static void take_cancel(stdio_queue *q, const json_t *params)
{
    const json_t *target = json_is_object(params) ? json_object_get(params, "requestId") : NULL;
    stdio_item *hit = NULL;

    if (!target)
        return;
    pthread_mutex_lock(&q->lock);
    for (stdio_item *it = q->batch; it && !hit; it = it->next)
        hit = item_is(it, target) ? it : NULL;
    for (stdio_item *it = q->head; it && !hit; it = it->next)
        hit = item_is(it, target) ? it : NULL;
    if (hit)
        atomic_store(&hit->cancel, true);
    pthread_mutex_unlock(&q->lock);
    if (hit)
        mcp_logf(MCP_LOG_INFO, "a %s request was cancelled by the client",
                 hit == atomic_load(&q->current) ? "running" : "queued");
}

/* Waits for room (or a stop); false when the message is to be dropped. */
static bool wait_room(stdio_queue *q, size_t bytes, volatile sig_atomic_t *stop)
{
    while (q->n > 0 && (q->n >= QUEUE_MAX || q->bytes + bytes > 2 * q->limit) &&
           !atomic_load(&q->out->failed) && !(stop && *stop)) {
        struct timespec until = base_deadline_ms(CLOCK_REALTIME, STOP_POLL_MS);

        q->reader_waits = true;
        pthread_cond_timedwait(&q->room, &q->lock, &until);
        q->reader_waits = false;
    }
    return !atomic_load(&q->out->failed) && !(stop && *stop);
}

/* Hands the lines read so far to the worker. */
static void flush(stdio_queue *q, volatile sig_atomic_t *stop)
{
    stdio_item *list = q->pend_head;

    if (!list)
        return;
    pthread_mutex_lock(&q->lock);
    if (!wait_room(q, q->pend_bytes, stop)) {
        pthread_mutex_unlock(&q->lock);
        while (list) {
            stdio_item *next = list->next;
            free(list);
            list = next;
        }
    } else {
        if (q->tail)
            q->tail->next = list;
        else
            q->head = list;
        q->tail = q->pend_tail;
        q->n += q->pend_n;
        q->bytes += q->pend_bytes;
        if (q->worker_waits)
            pthread_cond_signal(&q->work);
        pthread_mutex_unlock(&q->lock);
    }
    q->pend_head = q->pend_tail = NULL;
    q->pend_n = q->pend_bytes = 0;
}

static void enqueue(stdio_queue *q, stdio_item *it, volatile sig_atomic_t *stop)
{
    if (q->pend_tail)
        q->pend_tail->next = it;
    else
        q->pend_head = it;
    q->pend_tail = it;
    q->pend_n++;
    q->pend_bytes += it->len;
    if (q->pend_n >= QUEUE_MAX / 2 || q->pend_bytes >= q->limit)
        flush(q, stop);
}

/* Whether a line may be a cancellation notice: the method name is in it
 * (escaped with \u it would be missed, and the notice ignored, which the
 * specification allows). */
static bool may_cancel(const char *line, size_t len)
{
    static const char name[] = "notifications/cancelled";

    const size_t n = sizeof name - 1;
    const char *p = line, *end = line + len;

    while ((size_t)(end - p) >= n && (p = memchr(p, 'n', (size_t)(end - p) - n + 1)) != NULL) {
        if (memcmp(p, name, n) == 0)
            return true;
        p++;
    }
    return false;
}

/* A whole line from stdin: blank lines carry nothing, a cancellation is
 * taken here, everything else is queued for the worker. */
static void read_line(stdio_queue *q, const char *line, size_t len, volatile sig_atomic_t *stop)
{
    stdio_item *it;
    size_t i;

    if (len && line[len - 1] == '\r')
        len--;
    for (i = 0; i < len; i++) {
        if (line[i] != ' ' && line[i] != '\t')
            break;
    }
    if (i == len)
        return;
    if (may_cancel(line, len)) {
        json_error_t err;
        json_t *msg = base_json_read(line, len, &err);
        const char *method = json_is_object(msg)
                                 ? json_string_value(json_object_get(msg, "method"))
                                 : NULL;
        bool taken = method && !json_object_get(msg, "id") &&
                     strcmp(method, "notifications/cancelled") == 0;

        if (taken) {
            flush(q, stop);   /* it may name a line read just before */
            take_cancel(q, json_object_get(msg, "params"));
        }
        json_decref(msg);
        if (taken)
            return;
    }
    it = malloc(sizeof *it + len);
    if (!it) {
        mcp_logf(MCP_LOG_ERROR, "out of memory queueing a message; it is dropped");
        return;
    }
    it->next = NULL;
    it->too_large = 0;
    atomic_init(&it->cancel, false);
    it->len = len;
    memcpy(it->text, line, len);
    enqueue(q, it, stop);
}

static void read_too_large(stdio_queue *q, size_t len, volatile sig_atomic_t *stop)
{
    stdio_item *it = calloc(1, sizeof *it);

    if (!it)
        return;
    it->too_large = len;
    enqueue(q, it, stop);
}

static void *worker_main(void *arg)
{
    stdio_queue *q = arg;

    for (;;) {
        stdio_item *batch;

        pthread_mutex_lock(&q->lock);
        while (!q->head && !q->closed) {
            q->worker_waits = true;
            pthread_cond_wait(&q->work, &q->lock);
            q->worker_waits = false;
        }
        batch = q->head;
        if (!batch || atomic_load(&q->discard) || atomic_load(&q->out->failed)) {
            pthread_mutex_unlock(&q->lock);
            break;
        }
        q->batch = batch;
        q->head = q->tail = NULL;
        q->n = q->bytes = 0;
        if (q->reader_waits)
            pthread_cond_signal(&q->room);
        pthread_mutex_unlock(&q->lock);

        for (stdio_item *it = batch; it; it = it->next) {
            char *reply = NULL;

            if (atomic_load(&q->discard) || atomic_load(&q->out->failed))
                break;
            atomic_store(&q->current, it);
            if (atomic_load(&it->cancel)) {
                /* Cancelled while it waited: never run, never answered. */
            } else if (it->too_large) {
                answer_too_large(q->out, it->too_large, q->limit);
            } else {
                q->conn->cancel = &it->cancel;
                reply = mcp_handle_text(q->conn, it->text, it->len);
                q->conn->cancel = NULL;
            }
            atomic_store(&q->current, NULL);
            if (reply && !atomic_load(&it->cancel))
                write_line(q->out, reply);
            free(reply);
        }

        pthread_mutex_lock(&q->lock);
        q->batch = NULL;
        pthread_mutex_unlock(&q->lock);
        while (batch) {
            stdio_item *next = batch->next;
            free(batch);
            batch = next;
        }
    }
    return NULL;
}

int mcp_stdio_run(mcp_server *server, int in_fd, int out_fd,
                  volatile sig_atomic_t *stop)
{
    stdio_out out = {.fd = out_fd};
    stdio_queue q = {.out = &out};
    size_t limit = mcp_server_max_message_bytes(server);
    char *chunk = NULL;
    base_buf line = {.max = limit};
    size_t skipped = 0;
    bool skipping = false, worker = false;
    pthread_t worker_thread;
    int rc = -1;

    atomic_init(&out.failed, false);
    q.limit = limit;
    pthread_mutex_init(&out.lock, NULL);
    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.work, NULL);
    pthread_cond_init(&q.room, NULL);
    chunk = malloc(READ_CHUNK);
    q.conn = mcp_conn_new(server, MCP_TRANSPORT_STDIO, emit_line, &out);
    if (!chunk || !q.conn) {
        mcp_logf(MCP_LOG_CRITICAL, "out of memory starting the stdio transport");
        goto out;
    }
    /* Signals go to the reader, whose read(2) they interrupt so that it
     * sees stop; the worker starts with them blocked. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    worker = pthread_create(&worker_thread, NULL, worker_main, &q) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!worker) {
        mcp_logf(MCP_LOG_CRITICAL, "cannot start the stdio worker thread");
        goto out;
    }
    mcp_logf(MCP_LOG_INFO, "serving MCP on stdio");
    while (!atomic_load(&out.failed) && !(stop && *stop)) {
        ssize_t n = read(in_fd, chunk, READ_CHUNK);
        const char *p, *end, *nl;

        if (n < 0) {
            if (errno == EINTR)
                continue;
            mcp_logf(MCP_LOG_ERROR, "stdin: %s", strerror(errno));
            break;
        }
        if (n == 0) {
            /* A last message without its newline still counts. */
            if (skipping)
                read_too_large(&q, skipped, stop);
            else if (line.len)
                read_line(&q, line.data, line.len, stop);
            flush(&q, stop);
            break;
        }
        for (p = chunk, end = chunk + n; p < end; p = nl + 1) {
            size_t seg;

            nl = memchr(p, '\n', (size_t)(end - p));
            seg = (size_t)((nl ? nl : end) - p);
            if (skipping) {
                skipped += seg;
            } else if (!base_buf_append(&line, p, seg)) {
                /* Over the limit (or out of memory): the rest of the line
                 * is counted, not kept. */
                skipping = true;
                skipped = line.len + seg;
                base_buf_reset(&line);
            }
            if (!nl)
                break;
            if (skipping)
                read_too_large(&q, skipped, stop);
            else
                read_line(&q, line.data, line.len, stop);
            skipping = false;
            skipped = 0;
            base_buf_reset(&line);
        }
        flush(&q, stop);
    }
    rc = 0;
out:
    if (worker) {
        /* End of input: what was read is still answered. A stop: only the
         * request running now finishes. */
        pthread_mutex_lock(&q.lock);
        q.closed = true;
        atomic_store(&q.discard, stop && *stop);
        pthread_cond_signal(&q.work);
        pthread_mutex_unlock(&q.lock);
        pthread_join(worker_thread, NULL);
    }
    if (atomic_load(&out.failed))
        rc = -1;
    if (rc == 0)
        mcp_logf(MCP_LOG_INFO, "stdio transport closed");
    for (stdio_item *it = q.head, *next; it; it = next) {
        next = it->next;
        free(it);
    }
    for (stdio_item *it = q.pend_head, *next; it; it = next) {
        next = it->next;
        free(it);
    }
    mcp_conn_free(q.conn);
    base_buf_free(&line);
    free(chunk);
    pthread_cond_destroy(&q.room);
    pthread_cond_destroy(&q.work);
    pthread_mutex_destroy(&q.lock);
    pthread_mutex_destroy(&out.lock);
    return rc;
}
