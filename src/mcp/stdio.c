/*
 * stdio.c - the stdio transport: newline-delimited JSON-RPC.
 *
 * One message per line on stdin, one per line on stdout; nothing else ever
 * goes to stdout (logs go to stderr). A line is held in memory whole before
 * it is parsed, so its length is capped at the server's message limit: a
 * longer line is skipped to its end and answered with one error, and the
 * loop goes on. Memory: the read chunk (READ_CHUNK), one line buffer that
 * grows by doubling up to the limit and is reused for every line, and the
 * queue below (QUEUE_MAX messages and about two limits of bytes).
 *
 * Two threads. The calling thread reads and parses lines and queues the
 * messages; one worker handles them one at a time, in order. The split
 * exists for cancellation: on stdio the only way a client gives up on a
 * request is notifications/cancelled naming it, and that line must be read
 * while the request runs. The reader takes such a notice itself: it sets
 * the cancel flag of the running request (a model check looks at it and
 * stops) or of a queued one (which is then not run); either gets no
 * answer, as the specification asks. Writes go through a lock so that
 * progress notifications and answers never split a line.
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

/* One message read and not yet handled. */
typedef struct stdio_item {
    struct stdio_item *next;
    json_t *msg;             /* the parsed object; NULL: text is handled whole */
    char *text;              /* a batch or a line that did not parse */
    size_t len;
    size_t too_large;        /* > 0: a skipped line of this many bytes */
    atomic_bool cancel;      /* a notifications/cancelled named it */
} stdio_item;

typedef struct stdio_queue {
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* an item came or went, or the reader is done */
    stdio_item *head, *tail;
    size_t n, bytes;
    stdio_item *running;     /* the item the worker handles; under lock */
    bool closed;             /* the reader is done: drain, then end */
    bool discard;            /* stopping: what is queued is dropped */
    mcp_conn *conn;
    stdio_out *out;
    size_t limit;
} stdio_queue;

static void item_free(stdio_item *it)
{
    if (!it)
        return;
    json_decref(it->msg);
    free(it->text);
    free(it);
}

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

static bool item_is(const stdio_item *it, const json_t *request_id)
{
    const json_t *id = it->msg ? json_object_get(it->msg, "id") : NULL;

    return id && json_equal(id, request_id);
}

/* notifications/cancelled: the running request or a queued one with that
 * id stops. One that is done, or unknown, is ignored, as the
 * specification allows. */
static void take_cancel(stdio_queue *q, const json_t *params)
{
    const json_t *target = json_is_object(params) ? json_object_get(params, "requestId") : NULL;
    const char *where = NULL;

    if (!target)
        return;
    pthread_mutex_lock(&q->lock);
    if (q->running && item_is(q->running, target)) {
        atomic_store(&q->running->cancel, true);
        where = "running";
    } else {
        for (stdio_item *it = q->head; it; it = it->next) {
            if (item_is(it, target)) {
                atomic_store(&it->cancel, true);
                where = "queued";
                break;
            }
        }
    }
    pthread_mutex_unlock(&q->lock);
    if (where)
        mcp_logf(MCP_LOG_INFO, "a %s request was cancelled by the client", where);
}

/* Waits for room (or a stop); false when the message is to be dropped. */
static bool wait_room(stdio_queue *q, size_t bytes, volatile sig_atomic_t *stop)
{
    while (q->n > 0 && (q->n >= QUEUE_MAX || q->bytes + bytes > 2 * q->limit) &&
           !atomic_load(&q->out->failed) && !(stop && *stop)) {
        struct timespec until;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += STOP_POLL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&q->changed, &q->lock, &until);
    }
    return !atomic_load(&q->out->failed) && !(stop && *stop);
}

static void enqueue(stdio_queue *q, stdio_item *it, volatile sig_atomic_t *stop)
{
    size_t bytes = it->len;

    pthread_mutex_lock(&q->lock);
    if (!wait_room(q, bytes, stop)) {
        pthread_mutex_unlock(&q->lock);
        item_free(it);
        return;
    }
    if (q->tail)
        q->tail->next = it;
    else
        q->head = it;
    q->tail = it;
    q->n++;
    q->bytes += bytes;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

/* A whole line from stdin: blank lines carry nothing, a cancellation is
 * taken here, everything else is queued for the worker. */
static void read_line(stdio_queue *q, const char *line, size_t len, volatile sig_atomic_t *stop)
{
    stdio_item *it;
    json_error_t err;
    size_t i;

    if (len && line[len - 1] == '\r')
        len--;
    for (i = 0; i < len; i++) {
        if (line[i] != ' ' && line[i] != '\t')
            break;
    }
    if (i == len)
        return;
    it = calloc(1, sizeof *it);
    if (!it) {
        mcp_logf(MCP_LOG_ERROR, "out of memory queueing a message; it is dropped");
        return;
    }
    it->len = len;
    it->msg = base_json_read(line, len, &err);
    if (json_is_object(it->msg)) {
        const char *method = json_string_value(json_object_get(it->msg, "method"));

        if (method && !json_object_get(it->msg, "id") &&
            strcmp(method, "notifications/cancelled") == 0) {
            take_cancel(q, json_object_get(it->msg, "params"));
            item_free(it);
            return;
        }
    } else {
        /* A batch, a scalar or a parse error: handled from the text, which
         * gives the error the same words as everywhere. */
        json_decref(it->msg);
        it->msg = NULL;
        it->text = malloc(len ? len : 1);
        if (!it->text) {
            free(it);
            mcp_logf(MCP_LOG_ERROR, "out of memory queueing a message; it is dropped");
            return;
        }
        memcpy(it->text, line, len);
    }
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
        stdio_item *it;
        char *reply = NULL;
        int code;

        pthread_mutex_lock(&q->lock);
        while (!q->head && !q->closed)
            pthread_cond_wait(&q->changed, &q->lock);
        it = q->head;
        if (!it || q->discard || atomic_load(&q->out->failed)) {
            pthread_mutex_unlock(&q->lock);
            break;
        }
        q->head = it->next;
        if (!q->head)
            q->tail = NULL;
        q->n--;
        q->bytes -= it->len;
        q->running = it;
        pthread_cond_broadcast(&q->changed);
        pthread_mutex_unlock(&q->lock);

        if (atomic_load(&it->cancel)) {
            /* Cancelled while it waited: never run, never answered. */
        } else if (it->too_large) {
            answer_too_large(q->out, it->too_large, q->limit);
        } else {
            q->conn->cancel = &it->cancel;
            reply = it->msg ? mcp_handle_message_text(q->conn, it->msg, &code)
                            : mcp_handle_text(q->conn, it->text, it->len);
            q->conn->cancel = NULL;
        }

        pthread_mutex_lock(&q->lock);
        q->running = NULL;
        pthread_mutex_unlock(&q->lock);
        if (reply && !atomic_load(&it->cancel))
            write_line(q->out, reply);
        free(reply);
        item_free(it);
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
    pthread_cond_init(&q.changed, NULL);
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
    }
    rc = 0;
out:
    if (worker) {
        /* End of input: what was read is still answered. A stop: only the
         * request running now finishes. */
        pthread_mutex_lock(&q.lock);
        q.closed = true;
        q.discard = stop && *stop;
        pthread_cond_broadcast(&q.changed);
        pthread_mutex_unlock(&q.lock);
        pthread_join(worker_thread, NULL);
    }
    if (atomic_load(&out.failed))
        rc = -1;
    if (rc == 0)
        mcp_logf(MCP_LOG_INFO, "stdio transport closed");
    for (stdio_item *it = q.head, *next; it; it = next) {
        next = it->next;
        item_free(it);
    }
    mcp_conn_free(q.conn);
    base_buf_free(&line);
    free(chunk);
    pthread_cond_destroy(&q.changed);
    pthread_mutex_destroy(&q.lock);
    pthread_mutex_destroy(&out.lock);
    return rc;
}
