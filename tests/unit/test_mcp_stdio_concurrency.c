/*
 * test_mcp_stdio_concurrency.c - the stdio transport's reader and worker:
 * notifications/cancelled is read while the worker is busy, and a request
 * it names that has not run yet is never run nor answered; the others are
 * answered in order; a cancellation that names nothing is ignored. Runs
 * under ThreadSanitizer (the concurrency label).
 *
 * The worker is made busy by the test itself: stdout is a pipe of one
 * page that the test does not read, so writing the answer to tools/list
 * (larger than the pipe) blocks until the test drains it.
 */
#define _GNU_SOURCE   /* F_SETPIPE_SZ */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mcp/mcp.h"
#include "testutil.h"

typedef struct runner {
    mcp_server *server;
    int in_fd, out_fd;
    int rc;
} runner;

static void *run_stdio(void *arg)
{
    runner *r = arg;

    r->rc = mcp_stdio_run(r->server, r->in_fd, r->out_fd, NULL);
    close(r->out_fd);
    return NULL;
}

static void send_text(int fd, const char *text)
{
    size_t len = strlen(text), off = 0;

    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        assert_true(n > 0);
        off += (size_t)n;
    }
}

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* The ids of the answers, in the order written, and the longest line. */
static size_t read_ids(int fd, json_int_t *ids, size_t max, size_t *longest)
{
    FILE *f = fdopen(fd, "r");
    char *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t got;

    assert_non_null(f);
    while ((got = getline(&line, &cap, f)) >= 0) {
        json_t *msg = json_loadb(line, (size_t)got, 0, NULL);
        assert_non_null(msg);
        assert_true(n < max);
        ids[n++] = json_integer_value(json_object_get(msg, "id"));
        json_decref(msg);
        if (longest && (size_t)got > *longest)
            *longest = (size_t)got;
    }
    free(line);
    fclose(f);
    return n;
}

static void test_cancel_waiting_request(void **state)
{
    (void)state;
    mcp_server_config cfg = {0};
    tool_config tools = {0};
    int in[2], out[2];
    runner r;
    pthread_t t;
    json_int_t ids[32];
    char buf[256];

    cfg.tools = &tools;
    r.server = mcp_server_new(&cfg);
    assert_non_null(r.server);
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    /* One page: the answer to tools/list does not fit. */
    int pipe_size = fcntl(out[1], F_SETPIPE_SZ, 4096);
    assert_true(pipe_size >= 4096);
    r.in_fd = in[0];
    r.out_fd = out[1];
    assert_int_equal(pthread_create(&t, NULL, run_stdio, &r), 0);

    send_text(in[1], "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                     "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                     "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
                     "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                     "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n");
    for (int id = 3; id <= 10; id++) {
        snprintf(buf, sizeof buf, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}\n", id);
        send_text(in[1], buf);
    }
    /* The worker is stuck writing the answer to 2; 3..10 wait. */
    send_text(in[1], "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                     "\"params\":{\"requestId\":7,\"reason\":\"not needed\"}}\n"
                     "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                     "\"params\":{\"requestId\":99}}\n");
    /* Time for the reader to take them while the worker still waits. */
    pause_ms(300);
    close(in[1]);
    size_t longest = 0;
    size_t n = read_ids(out[0], ids, sizeof ids / sizeof ids[0], &longest);
    pthread_join(t, NULL);
    assert_int_equal(r.rc, 0);
    /* What made the worker wait: an answer larger than the pipe. */
    assert_true(longest > (size_t)pipe_size);

    const json_int_t want[] = {1, 2, 3, 4, 5, 6, 8, 9, 10};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids[i], want[i]);
    close(in[0]);
    mcp_server_free(r.server);
}

/* Many lines at once, more than the queue holds: every one answered, in
 * order, while the reader waits for room now and then. */
static void test_flood_in_order(void **state)
{
    (void)state;
    enum { N = 3000 };
    mcp_server_config cfg = {0};
    tool_config tools = {0};
    FILE *in = tmpfile();
    int out[2];
    runner r;
    pthread_t t;
    json_int_t *ids = calloc(N + 2, sizeof *ids);

    assert_non_null(in);
    assert_non_null(ids);
    fprintf(in, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n");
    for (int id = 1; id <= N; id++)
        fprintf(in, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}\n", id);
    fflush(in);
    rewind(in);
    cfg.tools = &tools;
    r.server = mcp_server_new(&cfg);
    assert_non_null(r.server);
    assert_int_equal(pipe(out), 0);
    r.in_fd = fileno(in);
    r.out_fd = out[1];
    assert_int_equal(pthread_create(&t, NULL, run_stdio, &r), 0);
    size_t n = read_ids(out[0], ids, N + 2, NULL);
    pthread_join(t, NULL);
    assert_int_equal(r.rc, 0);
    assert_int_equal(n, N + 1);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids[i], (json_int_t)i);
    free(ids);
    fclose(in);
    mcp_server_free(r.server);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancel_waiting_request),
        cmocka_unit_test(test_flood_in_order),
    };

    const char *why = NULL;

    mcp_log_set_threshold(MCP_LOG_OFF);
    ids_library_init();
    if (!tool_catalogue_init(&why)) {   /* tools/list must be the whole catalogue */
        fprintf(stderr, "catalogue: %s\n", why);
        return 1;
    }
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tool_catalogue_cleanup();
    ids_library_cleanup();
    return rc;
}
