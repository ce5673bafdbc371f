/*
 * test_mcp_http_concurrency.c - many client threads against the HTTP
 * transport in-process: each thread its own legacy session and document,
 * plus modern calls on its own handle, plus subscribers and DELETEs, while
 * /metrics is read. Each thread checks that its document holds exactly its
 * own edits. Run under ThreadSanitizer by the test command (ctest -L
 * concurrency).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http_client.h"
#include "mcp/mcp.h"
#include "mcp/mcp_http.h"
#include "testutil.h"

#define THREADS 8
#define EDITS 6

typedef struct worker {
    unsigned short port;
    int index;
    int failures;
    char why[256];
} worker;

#define FAIL(w, ...) do { snprintf((w)->why, sizeof (w)->why, __VA_ARGS__); (w)->failures++; return; } while (0)

static void run_worker(worker *w)
{
    http_response r;
    char sid[64], hdrs[256], body[1024];
    int count = 0;

    if (http_do(w->port, "POST", "/mcp", NULL,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", &r) != 0 || r.status != 200)
        FAIL(w, "initialize: %d", r.status);
    if (!http_header(&r, "Mcp-Session-Id", sid, sizeof sid)) {
        http_response_free(&r);
        FAIL(w, "no session id");
    }
    http_response_free(&r);
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
             "{\"name\":\"create_ids\",\"arguments\":{\"title\":\"doc-%d\"}}}", w->index);
    if (http_do(w->port, "POST", "/mcp", hdrs, body, &r) != 0 || r.status != 200)
        FAIL(w, "create_ids");
    http_response_free(&r);
    snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/subscribe\","
             "\"params\":{\"uri\":\"ids://session/%s\"}}", sid);
    if (http_do(w->port, "POST", "/mcp", hdrs, body, &r) != 0 || r.status != 200)
        FAIL(w, "subscribe");
    http_response_free(&r);
    for (int i = 0; i < EDITS; i++) {
        if (i % 2 == 0) {
            snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\","
                     "\"params\":{\"name\":\"add_specification\",\"arguments\":"
                     "{\"name\":\"spec-%d-%d\",\"ifc_versions\":\"IFC4\"}}}", 10 + i, w->index, i);
            if (http_do(w->port, "POST", "/mcp", hdrs, body, &r) != 0 || r.status != 200)
                FAIL(w, "legacy edit %d", i);
        } else {
            char mh[512];

            snprintf(mh, sizeof mh, "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\n"
                     "Mcp-Name: add_specification\r\nMcp-Param-Session: %s\r\n", sid);
            snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\","
                     "\"params\":{\"name\":\"add_specification\",\"arguments\":"
                     "{\"session_id\":\"%s\",\"name\":\"spec-%d-%d\",\"ifc_versions\":\"IFC4\"},"
                     "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                     "\"io.modelcontextprotocol/clientCapabilities\":{}}}}", 10 + i, sid, w->index, i);
            if (http_do(w->port, "POST", "/mcp", mh, body, &r) != 0 || r.status != 200)
                FAIL(w, "modern edit %d: %d", i, r.status);
        }
        if (strstr(r.body, "\"isError\":true")) {
            snprintf(w->why, sizeof w->why, "edit %d failed: %.150s", i, r.body);
            w->failures++;
        }
        http_response_free(&r);
        if (http_do(w->port, "GET", "/metrics", NULL, NULL, &r) == 0)
            http_response_free(&r);
    }
    snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"resources/read\","
             "\"params\":{\"uri\":\"ids://session/%s\"}}", sid);
    if (http_do(w->port, "POST", "/mcp", hdrs, body, &r) != 0 || r.status != 200)
        FAIL(w, "read");
    for (const char *p = r.body; (p = strstr(p, "spec-")) != NULL; p++) {
        int owner = atoi(p + 5);

        if (owner != w->index) {
            http_response_free(&r);
            FAIL(w, "thread %d sees spec of thread %d", w->index, owner);
        }
        count++;
    }
    http_response_free(&r);
    if (count != EDITS)
        FAIL(w, "thread %d sees %d of its %d edits", w->index, count, EDITS);
    if (http_do(w->port, "DELETE", "/mcp", hdrs, NULL, &r) != 0 || r.status != 200)
        FAIL(w, "delete");
    http_response_free(&r);
}

static void *worker_main(void *arg)
{
    run_worker(arg);
    return NULL;
}

static void run_with_threads(unsigned pool)
{
    session_store *store = NULL;
    session_config scfg = {0};
    tool_config tools = {0};
    mcp_server_config mcfg = {0};
    mcp_http_config hcfg = {0};
    mcp_server *server;
    mcp_http *http;
    pthread_t tids[THREADS];
    worker workers[THREADS];
    const char *why = NULL;
    char err[256];
    session_stats st;

    mcp_log_set_threshold(MCP_LOG_WARNING);
    assert_true(tool_catalogue_init(&why));
    scfg.payload_free = tool_session_free;
    assert_int_equal(session_store_new(&scfg, &store), SESSION_OK);
    assert_int_equal(session_reaper_start(store), SESSION_OK);
    tools.max_doc_bytes = 1 << 20;
    mcfg.store = store;
    mcfg.tools = &tools;
    server = mcp_server_new(&mcfg);
    assert_non_null(server);
    hcfg.threads = pool;
    hcfg.keepalive_ms = 50;   /* the ticker runs often, racing with requests */
    http = mcp_http_start(server, &hcfg, err, sizeof err);
    assert_non_null(http);
    for (int i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].port = mcp_http_port(http);
        workers[i].index = i;
        assert_int_equal(pthread_create(&tids[i], NULL, worker_main, &workers[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(tids[i], NULL);
        if (workers[i].failures)
            fail_msg("worker %d: %s", i, workers[i].why);
    }
    session_store_stats(store, &st);
    assert_int_equal(st.live, 0);
    assert_int_equal(st.removed, THREADS);
    mcp_http_stop(http);
    mcp_server_free(server);
    session_store_free(store);
    tool_catalogue_cleanup();
}

static void test_one_epoll_thread(void **state)
{
    run_with_threads(0);
}

static void test_thread_pool(void **state)
{
    run_with_threads(4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_epoll_thread),
        cmocka_unit_test(test_thread_pool),
    };

    int rc;

    /* As idsd runs: jansson through its block cache. */
    base_json_alloc_install();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    base_json_alloc_thread_flush();
    return rc;
}
