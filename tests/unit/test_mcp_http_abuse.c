/*
 * test_mcp_http_abuse.c - the HTTP transport under a client that behaves
 * badly: a session blocked by a long call with more calls queued behind
 * it, strict header rules, CORS with a bearer token, connection and
 * session limits, shutdown with work in flight, memory given back. The
 * server runs in-process on a free port; each test sets the config it
 * needs before starting it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <pthread.h>
#include <time.h>

#include "http_client.h"
#include "mcp/mcp.h"
#include "mcp/mcp_http.h"
#include "testutil.h"

typedef struct fixture {
    session_store *store;
    tool_config tools;
    mcp_server *server;
    mcp_http *http;
    mcp_http_config hcfg;
    unsigned short port;
    session *held;             /* a session the test keeps busy */
    pthread_t stopper;         /* mcp_http_stop on its own thread */
    bool stopper_started;
    bool stop_result;
    _Atomic bool stop_done;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *why = NULL;

    mcp_log_set_threshold(MCP_LOG_CRITICAL);
    if (!f || !tool_catalogue_init(&why))
        return -1;
    f->hcfg.threads = 2;
    f->hcfg.keepalive_ms = 200;
    *state = f;
    return 0;
}

/* Starts the server with f->hcfg on a store of max_sessions. */
static void start(fixture *f, size_t max_sessions)
{
    session_config scfg = {0};
    mcp_server_config mcfg = {0};
    char err[256];

    scfg.max_sessions = max_sessions;
    scfg.payload_free = tool_session_free;
    assert_int_equal(session_store_new(&scfg, &f->store), SESSION_OK);
    f->tools.max_doc_bytes = 1 << 20;
    mcfg.store = f->store;
    mcfg.tools = &f->tools;
    mcfg.max_message_bytes = 256 * 1024;
    f->server = mcp_server_new(&mcfg);
    assert_non_null(f->server);
    f->hcfg.port = 0;
    f->http = mcp_http_start(f->server, &f->hcfg, err, sizeof err);
    if (!f->http)
        fail_msg("mcp_http_start: %s", err);
    f->port = mcp_http_port(f->http);
}

static int teardown(void **state)
{
    fixture *f = *state;
    bool stopped;

    /* A failed test may still hold a session its calls wait for. */
    if (f->held)
        session_release(f->held);
    if (f->stopper_started) {
        pthread_join(f->stopper, NULL);
        f->http = NULL;
    }
    stopped = !f->http || mcp_http_stop(f->http);
    mcp_server_free(f->server);
    session_store_free(f->store);
    tool_catalogue_cleanup();
    free(f);
    http_timeout_s = 30;
    assert_true(stopped);
    return 0;
}

#define INIT_BODY "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":" \
    "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"
#define INFO_BODY "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":" \
    "{\"name\":\"get_ids_info\",\"arguments\":{}}}"

/* A legacy session with a document; its id in sid. */
static void start_session(fixture *f, char sid[64])
{
    http_response r;
    char hdrs[128];

    assert_int_equal(http_do(f->port, "POST", "/mcp", NULL, INIT_BODY, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(http_header(&r, "Mcp-Session-Id", sid, 64));
    http_response_free(&r);
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs,
                             "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                             "{\"name\":\"create_ids\",\"arguments\":{\"title\":\"T\"}}}", &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
}

/* ---- a blocked session holds no thread (finding 3) ----------------------- */

static void *stopper_main(void *arg)
{
    fixture *f = arg;

    f->stop_result = mcp_http_stop(f->http);
    atomic_store(&f->stop_done, true);
    return NULL;
}

typedef struct caller {
    unsigned short port;
    char hdrs[128];
    int status;
    char body[256];
    pthread_t thread;
} caller;

static void *call_main(void *arg)
{
    caller *c = arg;
    http_response r;

    c->status = http_do(c->port, "POST", "/mcp", c->hdrs, INFO_BODY, &r) == 0 ? r.status : -1;
    snprintf(c->body, sizeof c->body, "%s", r.body ? r.body : "");
    http_response_free(&r);
    return NULL;
}

#define N_QUEUED 12   /* more calls than workers */

static void test_blocked_session_holds_no_thread(void **state)
{
    fixture *f = *state;
    static caller callers[N_QUEUED];   /* outlives a failed test */
    char busy[64], other[64], hdrs[128];
    http_response r;

    f->hcfg.threads = 1;
    f->hcfg.workers = 4;
    start(f, 8);
    start_session(f, busy);
    start_session(f, other);
    /* The session is busy (as with a long call), and calls queue on it. */
    assert_int_equal(session_acquire(f->store, busy, &f->held), SESSION_OK);
    /* Answers "at once": a stall fails instead of hanging (set before the
     * callers start: they read it). */
    http_timeout_s = 5;
    for (int i = 0; i < N_QUEUED; i++) {
        callers[i].port = f->port;
        snprintf(callers[i].hdrs, sizeof callers[i].hdrs, "Mcp-Session-Id: %s\r\n", busy);
        assert_int_equal(pthread_create(&callers[i].thread, NULL, call_main, &callers[i]), 0);
    }
    {
        struct timespec ts = {0, 200 * 1000000L};

        nanosleep(&ts, NULL);   /* let them arrive; not needed for correctness */
    }
    /* The transport answers by itself, and another session's call runs. */
    assert_int_equal(http_do(f->port, "GET", "/healthz", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "GET", "/metrics", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", other);
    assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs, INFO_BODY, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, other));
    http_response_free(&r);
    /* Released, every queued call completes on its own session. */
    session_release(f->held);
    f->held = NULL;
    for (int i = 0; i < N_QUEUED; i++) {
        pthread_join(callers[i].thread, NULL);
        assert_int_equal(callers[i].status, 200);
        assert_non_null(strstr(callers[i].body, busy));
    }
}

/* ---- strict HTTP (finding 10) ------------------------------------------- */

static void expect_status(fixture *f, const char *req, int status)
{
    http_response r;

    assert_int_equal(http_raw(f->port, req, strlen(req), &r), 0);
    if (r.status != status)
        fail_msg("%d instead of %d for %s", r.status, status, req);
    /* One answer: one status line. */
    assert_null(strstr(r.body, "HTTP/1.1 "));
    http_response_free(&r);
}

static void test_strict_headers(void **state)
{
    fixture *f = *state;
    http_response r;
    char buf[32];

    start(f, 8);
    /* Repeated headers that must come once: the first must not win. */
    expect_status(f, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n"
                     "Connection: close\r\n\r\n", 400);
    expect_status(f, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://localhost\r\n"
                     "Origin: http://evil.example\r\nConnection: close\r\n\r\n", 400);
    expect_status(f, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", 400);
    expect_status(f, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Mcp-Session-Id: a\r\nmcp-session-id: b\r\nContent-Length: 2\r\n"
                     "Connection: close\r\n\r\n{}", 400);
    /* Headers that may repeat still may. */
    expect_status(f, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: a/b\r\nAccept: */*\r\n"
                     "Connection: close\r\n\r\n", 200);
    /* HEAD /healthz: GET's status and headers, no body. */
    assert_int_equal(http_do(f->port, "HEAD", "/healthz", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    assert_non_null(http_header(&r, "Content-Length", buf, sizeof buf));
    assert_string_equal(buf, "3");
    http_response_free(&r);
}

/* ---- CORS with a bearer token (finding 9) -------------------------------- */

static void test_cors_preflight_with_token(void **state)
{
    fixture *f = *state;
    http_response r;
    char allow[1024];

    f->hcfg.auth_token = "0123456789abcdef0123";
    start(f, 8);
    /* The preflight carries no credentials and is answered. */
    assert_int_equal(http_do(f->port, "OPTIONS", "/mcp",
                             "Origin: http://localhost:5173\r\n"
                             "Access-Control-Request-Method: POST\r\n"
                             "Access-Control-Request-Headers: content-type, authorization, "
                             "mcp-protocol-version, mcp-method, mcp-name, mcp-param-session, "
                             "mcp-param-dry-run, x-evil\r\n", NULL, &r), 0);
    assert_int_equal(r.status, 204);
    assert_non_null(http_header(&r, "Access-Control-Allow-Origin", allow, sizeof allow));
    assert_string_equal(allow, "http://localhost:5173");
    assert_non_null(http_header(&r, "Access-Control-Allow-Headers", allow, sizeof allow));
    assert_non_null(strstr(allow, "Mcp-Param-Session"));
    assert_non_null(strstr(allow, "Authorization"));
    assert_non_null(strstr(allow, "mcp-param-dry-run"));
    assert_null(strstr(allow, "x-evil"));
    http_response_free(&r);
    /* The request itself still needs the token. */
    assert_int_equal(http_do(f->port, "POST", "/mcp", "Origin: http://localhost:5173\r\n",
                             INIT_BODY, &r), 0);
    assert_int_equal(r.status, 401);
    http_response_free(&r);
    /* A preflight from an origin not allowed is still refused. */
    assert_int_equal(http_do(f->port, "OPTIONS", "/mcp", "Origin: http://evil.example\r\n"
                             "Access-Control-Request-Method: POST\r\n", NULL, &r), 0);
    assert_int_equal(r.status, 403);
    http_response_free(&r);
}

/* ---- connections (finding 4) -------------------------------------------- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* A connection from the loopback address src (127.0.0.x) to the server;
 * -1 when it cannot be made. */
static int connect_from(unsigned short port, const char *src)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, src, &sa.sin_addr);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    sa.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The status of GET /healthz sent on fd (0: closed without an answer). */
static int healthz_on(int fd)
{
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n";
    char buf[512];
    struct pollfd p = {fd, POLLIN, 0};
    int status = 0;
    ssize_t n;

    if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) < 0 || poll(&p, 1, 5000) != 1)
        return 0;
    n = recv(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    sscanf(buf, "HTTP/1.1 %d", &status);
    return status;
}

/* Reads the counter line of /metrics that starts with name. */
static long long metric(fixture *f, const char *name)
{
    http_response r;
    const char *p;
    char line[160];
    long long v = -1;

    snprintf(line, sizeof line, "\n%s", name);
    assert_int_equal(http_do(f->port, "GET", "/metrics", NULL, NULL, &r), 0);
    p = strstr(r.body, line);
    if (p)
        v = atoll(p + strlen(line));
    http_response_free(&r);
    return v;
}

static void test_connections_per_address(void **state)
{
    fixture *f = *state;
    int idle[2], fd;

    f->hcfg.max_connections = 16;
    f->hcfg.max_connections_per_ip = 2;
    start(f, 8);
    for (int i = 0; i < 2; i++) {
        idle[i] = connect_from(f->port, "127.0.0.2");
        assert_true(idle[i] >= 0);
    }
    sleep_ms(100);
    /* That address is at its limit; another one is served. */
    fd = connect_from(f->port, "127.0.0.2");
    assert_true(fd >= 0);
    assert_int_equal(healthz_on(fd), 0);
    close(fd);
    fd = connect_from(f->port, "127.0.0.3");
    assert_true(fd >= 0);
    assert_int_equal(healthz_on(fd), 200);
    close(fd);
    for (int i = 0; i < 2; i++)
        close(idle[i]);
}

static void test_request_deadline(void **state)
{
    fixture *f = *state;
    static const char head[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    int fd;
    bool closed = false;

    f->hcfg.request_timeout_ms = 1000;
    f->hcfg.connection_timeout_s = 60;
    start(f, 8);
    fd = connect_from(f->port, "127.0.0.1");
    assert_true(fd >= 0);
    assert_true(send(fd, head, sizeof head - 1, MSG_NOSIGNAL) > 0);
    /* A header line every 200 ms keeps the idle timer from ever firing;
     * the request's deadline still does, within a tick of the second. */
    for (int i = 0; i < 25 && !closed; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        char b;

        sleep_ms(200);
        if (send(fd, "X-Drip: 1\r\n", 11, MSG_NOSIGNAL) < 0 ||
            (poll(&p, 1, 0) == 1 && recv(fd, &b, 1, MSG_DONTWAIT) <= 0))
            closed = true;
    }
    close(fd);
    assert_true(closed);
    assert_int_equal(metric(f, "idsd_http_connections_cut_total{reason=\"slow\"} "), 1);
}

static void test_gone_clients_free_slots(void **state)
{
    fixture *f = *state;
    char busy[64], req[512];
    int fds[3], idle[3], fd;
    long long gone = 0;

    f->hcfg.max_connections = 4;
    f->hcfg.max_connections_per_ip = 4;
    f->hcfg.threads = 1;
    start(f, 8);
    start_session(f, busy);
    assert_int_equal(session_acquire(f->store, busy, &f->held), SESSION_OK);
    snprintf(req, sizeof req, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             "Content-Type: application/json\r\nMcp-Session-Id: %s\r\n"
             "Content-Length: %zu\r\n\r\n%s", busy, strlen(INFO_BODY), INFO_BODY);
    /* Three calls wait for the busy session; their clients give up. */
    for (int i = 0; i < 3; i++) {
        fds[i] = connect_from(f->port, "127.0.0.1");
        assert_true(fds[i] >= 0);
        assert_true(send(fds[i], req, strlen(req), MSG_NOSIGNAL) > 0);
    }
    sleep_ms(200);
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    /* The first is on a worker, waiting for the session's lock; the two
     * queued behind it are dropped while the session is still busy. */
    for (int i = 0; i < 30 && gone < 2; i++) {
        sleep_ms(100);
        gone = metric(f, "idsd_http_connections_cut_total{reason=\"gone\"} ");
    }
    assert_int_equal(gone, 2);
    session_release(f->held);
    f->held = NULL;
    sleep_ms(200);
    /* Their slots are free: all four can be taken again. */
    for (int i = 0; i < 3; i++) {
        idle[i] = connect_from(f->port, "127.0.0.1");
        assert_true(idle[i] >= 0);
    }
    sleep_ms(100);
    fd = connect_from(f->port, "127.0.0.1");
    assert_true(fd >= 0);
    assert_int_equal(healthz_on(fd), 200);
    close(fd);
    for (int i = 0; i < 3; i++)
        close(idle[i]);
}

/* ---- memory budget and new-session rate (findings 6, 11) ----------------- */

#define META "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

/* A modern tools/call of tool with arguments args (JSON text), the
 * session's id (or NULL) mirrored into Mcp-Param-Session. */
static void modern_call(fixture *f, const char *tool, const char *args, const char *sid,
                        http_response *r)
{
    char hdrs[512], body[2048];

    snprintf(hdrs, sizeof hdrs, "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\n"
             "Mcp-Name: %s\r\n%s%s%s", tool, sid ? "Mcp-Param-Session: " : "",
             sid ? sid : "", sid ? "\r\n" : "");
    snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
             "\"params\":{\"name\":\"%s\",\"arguments\":%s," META "}}", tool, args);
    assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs, body, r), 0);
}

static void test_memory_budget(void **state)
{
    fixture *f = *state;
    mcp_conn *conn;
    char *text, sid[40], args[256];
    const char *p;
    http_response r;

    f->hcfg.max_memory_bytes = 1;   /* always over: only the rule is tested */
    start(f, 8);
    /* A session that existed before the budget ran out (made in-process). */
    conn = mcp_conn_new(f->server, MCP_TRANSPORT_HTTP, NULL, NULL);
    assert_non_null(conn);
    {
        static const char call[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
            "\"params\":{\"name\":\"create_ids\",\"arguments\":{\"title\":\"T\"}," META "}}";

        text = mcp_handle_text(conn, call, sizeof call - 1);
    }
    mcp_conn_free(conn);
    assert_non_null(text);
    p = strstr(text, "\"session_id\":\"");
    if (!p)
        fail_msg("%s", text);
    snprintf(sid, sizeof sid, "%.32s", p + strlen("\"session_id\":\""));
    free(text);
    /* New sessions are refused, with a reason. */
    assert_int_equal(http_do(f->port, "POST", "/mcp", NULL, INIT_BODY, &r), 0);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "--max-memory"));
    http_response_free(&r);
    modern_call(f, "create_ids", "{\"title\":\"U\"}", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"isError\":true"));
    assert_non_null(strstr(r.body, "--max-memory"));
    http_response_free(&r);
    /* So is loading a document into an existing one. */
    snprintf(args, sizeof args, "{\"session_id\":\"%s\",\"source\":\"<ids/>\"}", sid);
    modern_call(f, "load_ids", args, sid, &r);
    assert_non_null(strstr(r.body, "--max-memory"));
    http_response_free(&r);
    /* Its edits go on. */
    snprintf(args, sizeof args, "{\"session_id\":\"%s\",\"name\":\"S\","
             "\"ifc_versions\":\"IFC4\"}", sid);
    modern_call(f, "add_specification", args, sid, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "\"isError\":true"));
    http_response_free(&r);
    assert_int_equal(metric(f, "idsd_refused_total{reason=\"memory\"} "), 3);
    /* The process's memory is reported. */
    assert_true(metric(f, "idsd_process_resident_bytes ") > 0);
    assert_true(metric(f, "idsd_allocator_free_bytes ") >= 0);
}

static void test_session_rate(void **state)
{
    fixture *f = *state;
    http_response r;
    char sid[64], hdrs[128];
    int fd;

    f->hcfg.session_rate_per_min = 3;
    start(f, 64);
    for (int i = 0; i < 3; i++)
        start_session(f, sid);
    assert_int_equal(http_do(f->port, "POST", "/mcp", NULL, INIT_BODY, &r), 0);
    assert_int_equal(r.status, 429);
    assert_non_null(strstr(r.body, "retry in"));
    http_response_free(&r);
    modern_call(f, "create_ids", "{\"title\":\"U\"}", NULL, &r);
    assert_non_null(strstr(r.body, "\"isError\":true"));
    http_response_free(&r);
    /* The sessions it has still work. */
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs, INFO_BODY, &r), 0);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "\"isError\":true"));
    http_response_free(&r);
    /* Another address has its own allowance. */
    fd = connect_from(f->port, "127.0.0.5");
    assert_true(fd >= 0);
    {
        char req[512];
        char buf[256];
        ssize_t n;
        int status = 0;

        snprintf(req, sizeof req, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Content-Type: application/json\r\nConnection: close\r\n"
                 "Content-Length: %zu\r\n\r\n%s", strlen(INIT_BODY), INIT_BODY);
        assert_true(send(fd, req, strlen(req), MSG_NOSIGNAL) > 0);
        n = recv(fd, buf, sizeof buf - 1, 0);
        assert_true(n > 0);
        buf[n] = '\0';
        sscanf(buf, "HTTP/1.1 %d", &status);
        assert_int_equal(status, 200);
    }
    close(fd);
    assert_int_equal(metric(f, "idsd_refused_total{reason=\"rate\"} "), 2);
}

/* ---- shutdown with work in flight (finding 8) ----------------------------- */

/* Sends req on a new connection and reads until the server closes it
 * (at most 10 s); what arrived, raw, in out. */
static void read_to_close(int fd, char *out, size_t size)
{
    size_t len = 0;

    out[0] = '\0';
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t got;

        if (poll(&p, 1, 10000) != 1)
            break;
        if (len + 1 >= size)
            len = size / 2;   /* only the end matters */
        got = recv(fd, out + len, size - 1 - len, 0);
        if (got <= 0)
            break;
        len += (size_t)got;
        out[len] = '\0';
    }
}

typedef struct reader {
    int fd;
    char seen[8192];
    pthread_t thread;
} reader;

static void *reader_main(void *arg)
{
    reader *rd = arg;

    read_to_close(rd->fd, rd->seen, sizeof rd->seen);
    return NULL;
}

static void open_reader(fixture *f, reader *rd, const char *req)
{
    rd->fd = connect_from(f->port, "127.0.0.1");
    assert_true(rd->fd >= 0);
    assert_true(send(rd->fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req));
    assert_int_equal(pthread_create(&rd->thread, NULL, reader_main, rd), 0);
}

static void test_shutdown_answers_everyone(void **state)
{
    fixture *f = *state;
    char busy[64], req[1024], listen_body[512];
    static reader call, queued, stream, listen;   /* outlive a failed test */
    struct timespec t0, t1;
    long ms;

    f->hcfg.shutdown_grace_ms = 300;
    f->hcfg.workers = 2;
    start(f, 8);
    start_session(f, busy);
    assert_int_equal(session_acquire(f->store, busy, &f->held), SESSION_OK);
    /* A call that will outlive the grace, and one queued behind it. */
    snprintf(req, sizeof req, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
             "Content-Type: application/json\r\nMcp-Session-Id: %s\r\n"
             "Content-Length: %zu\r\n\r\n%s", busy, strlen(INFO_BODY), INFO_BODY);
    open_reader(f, &call, req);
    open_reader(f, &queued, req);
    /* A legacy GET stream and a modern listen stream. */
    snprintf(req, sizeof req, "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
             "Accept: text/event-stream\r\nMcp-Session-Id: %s\r\n\r\n", busy);
    open_reader(f, &stream, req);
    snprintf(listen_body, sizeof listen_body, "{\"jsonrpc\":\"2.0\",\"id\":\"L1\","
             "\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":"
             "{\"resourceSubscriptions\":[\"ids://session/%s\"]}," META "}}", busy);
    snprintf(req, sizeof req, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
             "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
             "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: subscriptions/listen\r\n"
             "Content-Length: %zu\r\n\r\n%s", strlen(listen_body), listen_body);
    open_reader(f, &listen, req);
    sleep_ms(300);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* The running call still waits for the session: stop cannot free
     * what its worker uses, and says so (on its own thread, so a stop
     * that waits for the call fails the test instead of hanging it). */
    assert_int_equal(pthread_create(&f->stopper, NULL, stopper_main, f), 0);
    f->stopper_started = true;
    for (int i = 0; i < 100 && !atomic_load(&f->stop_done); i++)
        sleep_ms(50);
    assert_true(atomic_load(&f->stop_done));
    pthread_join(f->stopper, NULL);
    f->stopper_started = false;
    assert_false(f->stop_result);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    f->http = NULL;
    pthread_join(call.thread, NULL);
    pthread_join(queued.thread, NULL);
    pthread_join(stream.thread, NULL);
    pthread_join(listen.thread, NULL);
    session_release(f->held);
    f->held = NULL;
    /* Both calls were answered: an error naming the shutdown, with its id. */
    assert_non_null(strstr(call.seen, "HTTP/1.1 503"));
    assert_non_null(strstr(call.seen, "\"id\":7"));
    assert_non_null(strstr(call.seen, "shutting down"));
    assert_non_null(strstr(queued.seen, "HTTP/1.1 503"));
    /* The streams ended cleanly: the last chunk, and the listen result. */
    assert_non_null(strstr(stream.seen, "\r\n0\r\n\r\n"));
    assert_non_null(strstr(listen.seen, "\"id\":\"L1\",\"result\""));
    assert_non_null(strstr(listen.seen, "\r\n0\r\n\r\n"));
    /* Within the grace and a little; not a grace per request. */
    assert_true(ms < 3000);
    for (reader *rd = &call; rd; rd = rd == &call ? &queued : rd == &queued ? &stream
                                      : rd == &stream ? &listen : NULL)
        close(rd->fd);
    /* The cut call runs to its end once the session is free; the server
     * and store are freed (teardown) only after it let go of them. The
     * leaked transport's threads stay parked until the process ends. */
    {
        session_info info;

        for (int i = 0; i < 100; i++) {
            if (session_get_info(f->store, busy, &info) != SESSION_OK || info.users == 0)
                break;
            sleep_ms(50);
        }
        assert_int_equal(info.users, 0);
        sleep_ms(50);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_blocked_session_holds_no_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strict_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cors_preflight_with_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connections_per_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gone_clients_free_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_answers_everyone, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
