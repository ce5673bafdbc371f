/*
 * stdio.c - the stdio transport: newline-delimited JSON-RPC.
 *
 * One message per line on stdin, one per line on stdout; nothing else ever
 * goes to stdout (logs go to stderr). A line is held in memory whole before
 * it is parsed, so its length is capped at the server's message limit: a
 * longer line is skipped to its end and answered with one error, and the
 * loop goes on. Memory: the read chunk (READ_CHUNK) plus one line buffer
 * that grows by doubling up to the limit and is reused for every line.
 *
 * Messages are handled one at a time, in order, on the calling thread;
 * writes still go through a lock so that anything else that ever emits
 * (another thread, a future progress reporter) cannot split a line.
 */
#include "mcp/mcp_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_CHUNK (64u * 1024u)     /* bytes per read(2) */

typedef struct stdio_out {
    int fd;
    pthread_mutex_t lock;
    bool failed;
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
    while (!o->failed && idx < 2) {
        ssize_t n = writev(o->fd, iov + idx, 2 - idx);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            o->failed = true;
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

static void answer_line(mcp_conn *conn, stdio_out *o, char *line, size_t len)
{
    char *reply;
    size_t i;

    if (len && line[len - 1] == '\r')
        len--;
    for (i = 0; i < len; i++) {
        if (line[i] != ' ' && line[i] != '\t')
            break;
    }
    if (i == len)
        return;  /* a blank line carries no message */
    reply = mcp_handle_text(conn, line, len);
    if (reply)
        write_line(o, reply);
    free(reply);
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

int mcp_stdio_run(mcp_server *server, int in_fd, int out_fd,
                  volatile sig_atomic_t *stop)
{
    stdio_out out = {.fd = out_fd, .failed = false};
    size_t limit = mcp_server_max_message_bytes(server);
    char *chunk = NULL;
    base_buf line = {.max = limit};
    size_t skipped = 0;
    bool skipping = false;
    mcp_conn *conn = NULL;
    int rc = -1;

    pthread_mutex_init(&out.lock, NULL);
    chunk = malloc(READ_CHUNK);
    conn = mcp_conn_new(server, MCP_TRANSPORT_STDIO, emit_line, &out);
    if (!chunk || !conn) {
        mcp_logf(MCP_LOG_CRITICAL, "out of memory starting the stdio transport");
        goto out;
    }
    mcp_logf(MCP_LOG_INFO, "serving MCP on stdio");
    while (!out.failed && !(stop && *stop)) {
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
                answer_too_large(&out, skipped, limit);
            else if (line.len)
                answer_line(conn, &out, line.data, line.len);
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
                answer_too_large(&out, skipped, limit);
            else
                answer_line(conn, &out, line.data, line.len);
            skipping = false;
            skipped = 0;
            base_buf_reset(&line);
        }
    }
    rc = out.failed ? -1 : 0;
    mcp_logf(MCP_LOG_INFO, "stdio transport closed");
out:
    mcp_conn_free(conn);
    base_buf_free(&line);
    free(chunk);
    pthread_mutex_destroy(&out.lock);
    return rc;
}
