/*
 * test_mcp_http.c - the HTTP transport: the header helpers (listen
 * addresses, Origin, Host, Accept, bearer tokens, the Base64 sentinel,
 * Mcp-Param checks) and the server itself, started in-process on a free
 * port and driven with a tiny socket client: both eras, sessions, status
 * codes, limits, hostile requests, metrics and shutdown with an open
 * stream; and how a legacy session's GET stream and protocol state end
 * with its store record (DELETE, eviction, expiry at lookup; close_session
 * frees only the document), on a fake store clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <time.h>

#include "http_client.h"
#include "mcp/mcp.h"
#include "mcp/mcp_http.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------- */

static void test_parse_listen(void **state)
{
    char host[64];
    uint16_t port;

    assert_true(mcp_http_parse_listen("127.0.0.1:8080", host, sizeof host, &port));
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 8080);
    assert_true(mcp_http_parse_listen("[::1]:0", host, sizeof host, &port));
    assert_string_equal(host, "::1");
    assert_int_equal(port, 0);
    assert_true(mcp_http_parse_listen(":65535", host, sizeof host, &port));
    assert_string_equal(host, "");
    assert_false(mcp_http_parse_listen("127.0.0.1:65536", host, sizeof host, &port));
    assert_false(mcp_http_parse_listen("127.0.0.1", host, sizeof host, &port));
    assert_false(mcp_http_parse_listen("127.0.0.1:", host, sizeof host, &port));
    assert_false(mcp_http_parse_listen("127.0.0.1:80x", host, sizeof host, &port));
    assert_false(mcp_http_parse_listen("::1:80", host, sizeof host, &port));
    assert_false(mcp_http_parse_listen("[::1]80", host, sizeof host, &port));
    assert_false(mcp_http_parse_listen("127.0.0.1:000000080", host, sizeof host, &port));
    assert_false(mcp_http_parse_listen("averyveryveryveryveryveryveryveryveryveryveryverylonghostname:1",
                                       host, 16, &port));
}

static void test_origins(void **state)
{
    const char *list[] = {"https://app.example", "http://tool.example:*"};

    assert_true(mcp_http_origin_allowed("http://localhost", NULL, 0));
    assert_true(mcp_http_origin_allowed("http://localhost:3000", NULL, 0));
    assert_true(mcp_http_origin_allowed("HTTP://LOCALHOST:3000", NULL, 0));
    assert_true(mcp_http_origin_allowed("http://127.0.0.1:8080", NULL, 0));
    assert_true(mcp_http_origin_allowed("https://[::1]:8443", NULL, 0));
    assert_false(mcp_http_origin_allowed("http://localhost.evil.example", NULL, 0));
    assert_false(mcp_http_origin_allowed("http://evil.example", NULL, 0));
    assert_false(mcp_http_origin_allowed("null", NULL, 0));
    assert_false(mcp_http_origin_allowed("file://localhost", NULL, 0));
    assert_false(mcp_http_origin_allowed("http://localhost/path", NULL, 0));
    assert_false(mcp_http_origin_allowed("http://localhost:*", NULL, 0));
    assert_false(mcp_http_origin_allowed("http://127.0.0.1:80a", NULL, 0));
    assert_false(mcp_http_origin_allowed("", NULL, 0));
    assert_false(mcp_http_origin_allowed("http://", NULL, 0));
    assert_false(mcp_http_origin_allowed("http://[::1", NULL, 0));
    assert_true(mcp_http_origin_allowed("https://app.example", list, 2));
    assert_false(mcp_http_origin_allowed("https://app.example:444", list, 2));
    assert_false(mcp_http_origin_allowed("http://app.example", list, 2));
    assert_true(mcp_http_origin_allowed("http://tool.example:9999", list, 2));
    assert_true(mcp_http_origin_allowed("http://tool.example", list, 2));
    assert_false(mcp_http_origin_allowed("http://localhost", list, 2));
    {
        const char *any[] = {"*"};

        assert_true(mcp_http_origin_allowed("http://whatever.example", any, 1));
    }
}

static void test_hosts(void **state)
{
    assert_true(mcp_http_host_is_loopback("localhost"));
    assert_true(mcp_http_host_is_loopback("127.0.0.1:8080"));
    assert_true(mcp_http_host_is_loopback("[::1]:8080"));
    assert_true(mcp_http_host_is_loopback("[::1]"));
    assert_false(mcp_http_host_is_loopback("evil.example:8080"));
    assert_false(mcp_http_host_is_loopback("127.0.0.1:"));
    assert_false(mcp_http_host_is_loopback("127.0.0.1:80x"));
    assert_false(mcp_http_host_is_loopback("[::1]x"));
    assert_false(mcp_http_host_is_loopback("localhost.evil.example"));
    assert_false(mcp_http_host_is_loopback(NULL));
    assert_false(mcp_http_host_is_loopback(""));
}

static void test_accept(void **state)
{
    bool j, s;

    mcp_http_accepts(NULL, &j, &s);
    assert_true(j && s);
    mcp_http_accepts("application/json, text/event-stream", &j, &s);
    assert_true(j && s);
    mcp_http_accepts("text/event-stream", &j, &s);
    assert_true(!j && s);
    mcp_http_accepts("application/json;q=0.5", &j, &s);
    assert_true(j && !s);
    mcp_http_accepts("*/*", &j, &s);
    assert_true(j && s);
    mcp_http_accepts("application/json;q=0, text/*", &j, &s);
    assert_true(!j && s);
    mcp_http_accepts("text/html", &j, &s);
    assert_true(!j && !s);
    mcp_http_accepts(",,, ;;; q=", &j, &s);
    assert_true(!j && !s);
    assert_true(mcp_http_is_json_type("application/json"));
    assert_true(mcp_http_is_json_type("Application/JSON; charset=utf-8"));
    assert_false(mcp_http_is_json_type("application/jsonx"));
    assert_false(mcp_http_is_json_type("text/plain"));
    assert_false(mcp_http_is_json_type(NULL));
}

static void test_bearer(void **state)
{
    assert_true(mcp_http_bearer_ok(NULL, NULL));
    assert_true(mcp_http_bearer_ok("Bearer abcdefghijklmnop", "abcdefghijklmnop"));
    assert_true(mcp_http_bearer_ok("bearer  abcdefghijklmnop ", "abcdefghijklmnop"));
    assert_false(mcp_http_bearer_ok("Bearer abcdefghijklmno", "abcdefghijklmnop"));
    assert_false(mcp_http_bearer_ok("Bearer abcdefghijklmnopq", "abcdefghijklmnop"));
    assert_false(mcp_http_bearer_ok("Basic abcdefghijklmnop", "abcdefghijklmnop"));
    assert_false(mcp_http_bearer_ok(NULL, "abcdefghijklmnop"));
    assert_false(mcp_http_bearer_ok("Bearer ", "abcdefghijklmnop"));
}

static void check_decode(const char *raw, const char *want, bool want_bad)
{
    size_t len = 0;
    bool bad = false;
    char *got = mcp_http_decode_value(raw, &len, &bad);

    assert_int_equal(bad, want_bad);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_int_equal(len, strlen(want));
    assert_string_equal(got, want);
    free(got);
}

static void test_decode(void **state)
{
    check_decode("plain", "plain", false);
    check_decode("  padded \t", "padded", false);
    check_decode("=?base64?SGVsbG8=?=", "Hello", false);
    check_decode("=?base64?w6k=?=", "\xc3\xa9", false);
    check_decode("=?base64?SGVsbG8?=", NULL, true);       /* padding missing */
    check_decode("=?base64?SGVs!!!bG8=?=", NULL, true);   /* alphabet */
    check_decode("=?base64?SG=sbG8=?=", NULL, true);      /* padding inside */
    check_decode("=?base64?AA==?=", NULL, true);           /* decodes to NUL */
    check_decode("=?base64?" "?=", "", false);
    check_decode("SGVsbG8=", "SGVsbG8=", false);           /* no wrapper: literal */
    check_decode("=?base64?SGVsbG8=", "=?base64?SGVsbG8=", false);
    check_decode("", "", false);
}

static const char *fake_headers(void *ctx, const char *name)
{
    const char **kv = ctx;

    for (; kv[0]; kv += 2) {
        if (strcasecmp(kv[0], name) == 0)
            return kv[1];
    }
    return NULL;
}

static void test_param_headers(void **state)
{
    json_t *schema = json_loads(
        "{\"type\":\"object\",\"properties\":{"
        "\"session_id\":{\"type\":\"string\",\"x-mcp-header\":\"Session\"},"
        "\"n\":{\"type\":\"integer\",\"x-mcp-header\":\"N\"},"
        "\"flag\":{\"type\":\"boolean\",\"x-mcp-header\":\"Flag\"},"
        "\"other\":{\"type\":\"string\"}}}", 0, NULL);
    json_t *args = json_loads("{\"session_id\":\"Hello\",\"n\":42,\"flag\":true,\"other\":\"x\"}",
                              0, NULL);
    json_t *none = json_loads("{\"session_id\":null}", 0, NULL);
    const char *good[] = {"Mcp-Param-Session", "=?base64?SGVsbG8=?=", "mcp-param-n", "42",
                          "MCP-PARAM-FLAG", "true", NULL};
    const char *wrong[] = {"Mcp-Param-Session", "Hullo", "Mcp-Param-N", "42",
                           "Mcp-Param-Flag", "true", NULL};
    const char *missing[] = {"Mcp-Param-N", "42", "Mcp-Param-Flag", "true", NULL};
    const char *badb64[] = {"Mcp-Param-Session", "=?base64?SGVsbG8?=", "Mcp-Param-N", "42",
                            "Mcp-Param-Flag", "true", NULL};
    const char *number[] = {"Mcp-Param-Session", "Hello", "Mcp-Param-N", "042",
                            "Mcp-Param-Flag", "true", NULL};
    const char *empty[] = {NULL};
    char why[256];

    assert_non_null(schema);
    assert_true(mcp_http_check_param_headers(schema, args, fake_headers, good, why, sizeof why));
    assert_true(mcp_http_check_param_headers(schema, args, fake_headers, number, why, sizeof why));
    assert_false(mcp_http_check_param_headers(schema, args, fake_headers, wrong, why, sizeof why));
    assert_non_null(strstr(why, "Mcp-Param-Session"));
    assert_false(mcp_http_check_param_headers(schema, args, fake_headers, missing, why, sizeof why));
    assert_non_null(strstr(why, "missing"));
    assert_false(mcp_http_check_param_headers(schema, args, fake_headers, badb64, why, sizeof why));
    assert_non_null(strstr(why, "base64"));
    /* null and absent values need no header. */
    assert_true(mcp_http_check_param_headers(schema, none, fake_headers, empty, why, sizeof why));
    assert_true(mcp_http_check_param_headers(schema, NULL, fake_headers, empty, why, sizeof why));
    json_decref(schema);
    json_decref(args);
    json_decref(none);
}

/* ---- the server in-process ----------------------------------------------- */

typedef struct fixture {
    session_store *store;
    tool_config tools;
    mcp_server *server;
    mcp_http *http;
    unsigned short port;
    uint64_t now;              /* ns; the store's clock in clocked fixtures */
} fixture;

#define CLOCKED_TTL_MS 60000ull   /* ms of fake time */

static uint64_t fake_clock(void *ctx)
{
    return *(uint64_t *)ctx;
}

/* A server on a store of 8 sessions. clocked: the store runs on f->now
 * and the keepalive is a minute, so nothing but the store's own events
 * can end a stream within a test. */
static int setup_with(void **state, bool clocked)
{
    fixture *f = calloc(1, sizeof *f);
    session_config scfg = {0};
    mcp_server_config mcfg = {0};
    mcp_http_config hcfg = {0};
    const char *why = NULL;
    char err[256];

    mcp_log_set_threshold(MCP_LOG_WARNING);
    if (!f || !tool_catalogue_init(&why))
        return -1;
    scfg.max_sessions = 8;
    scfg.payload_free = tool_session_free;
    if (clocked) {
        f->now = 1000000000000ull;
        scfg.clock = fake_clock;
        scfg.clock_ctx = &f->now;
        scfg.idle_ttl_ms = CLOCKED_TTL_MS;
    }
    if (session_store_new(&scfg, &f->store) != SESSION_OK)
        return -1;
    f->tools.max_doc_bytes = 1 << 20;
    mcfg.store = f->store;
    mcfg.tools = &f->tools;
    mcfg.max_message_bytes = 64 * 1024;
    f->server = mcp_server_new(&mcfg);
    hcfg.port = 0;
    hcfg.threads = 2;
    hcfg.keepalive_ms = clocked ? 60000 : 200;
    f->http = f->server ? mcp_http_start(f->server, &hcfg, err, sizeof err) : NULL;
    if (!f->http) {
        fprintf(stderr, "mcp_http_start: %s\n", err);
        return -1;
    }
    f->port = mcp_http_port(f->http);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, false);
}

static int setup_clocked(void **state)
{
    return setup_with(state, true);
}

static int teardown(void **state)
{
    fixture *f = *state;

    mcp_http_stop(f->http);
    mcp_server_free(f->server);
    session_store_free(f->store);
    tool_catalogue_cleanup();
    free(f);
    return 0;
}

#define INIT_BODY "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":" \
    "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"
#define META "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"
#define MODERN_HDRS(m) "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: " m "\r\n"

static void start_session(fixture *f, char sid[64])
{
    http_response r;

    assert_int_equal(http_do(f->port, "POST", "/mcp", NULL, INIT_BODY, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(http_header(&r, "Mcp-Session-Id", sid, 64));
    assert_int_equal(strlen(sid), 32);
    http_response_free(&r);
}

static void test_server_legacy(void **state)
{
    fixture *f = *state;
    http_response r;
    char sid[64], hdrs[256], buf[64];

    start_session(f, sid);
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs,
                             "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", &r), 0);
    assert_int_equal(r.status, 202);
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs,
                             "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                             "{\"name\":\"create_ids\",\"arguments\":{\"title\":\"T\"}}}", &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, sid));
    http_response_free(&r);
    /* The same id, from another era, reaches the same document. */
    {
        char body[512];

        snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\","
                 "\"params\":{\"uri\":\"ids://session/%s\"," META "}}", sid);
        snprintf(hdrs, sizeof hdrs, MODERN_HDRS("resources/read") "Mcp-Name: ids://session/%s\r\n", sid);
        assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs, body, &r), 0);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "title>T</"));
        http_response_free(&r);
    }
    /* Missing / unknown session. */
    assert_int_equal(http_do(f->port, "POST", "/mcp", NULL,
                             "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}", &r), 0);
    assert_int_equal(r.status, 400);
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "POST", "/mcp", "Mcp-Session-Id: ffffffffffffffffffffffffffffffff\r\n",
                             "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}", &r), 0);
    assert_int_equal(r.status, 404);
    http_response_free(&r);
    /* DELETE, then the id is gone. */
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    assert_int_equal(http_do(f->port, "DELETE", "/mcp", hdrs, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs,
                             "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}", &r), 0);
    assert_int_equal(r.status, 404);
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "GET", "/metrics", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "idsd_sessions_ended_total 1\n"));
    assert_non_null(strstr(r.body, "idsd_tool_calls_total{tool=\"create_ids\",status=\"ok\"} 1\n"));
    assert_non_null(http_header(&r, "Content-Type", buf, sizeof buf));
    http_response_free(&r);
}

static void test_server_modern(void **state)
{
    fixture *f = *state;
    http_response r;

    assert_int_equal(http_do(f->port, "POST", "/mcp", MODERN_HDRS("tools/list"),
                             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" META "}}",
                             &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"resultType\":\"complete\""));
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "POST", "/mcp", MODERN_HDRS("prompts/list"),
                             "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{" META "}}",
                             &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "-32020"));
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "POST", "/mcp", MODERN_HDRS("ping"),
                             "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{" META "}}",
                             &r), 0);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "-32601"));
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "POST", "/mcp", MODERN_HDRS("tools/list"),
                             "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{}}", &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "-32602"));
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "GET", "/mcp", "MCP-Protocol-Version: 2026-07-28\r\n", NULL, &r), 0);
    assert_int_equal(r.status, 405);
    http_response_free(&r);
}

static void test_server_refusals(void **state)
{
    fixture *f = *state;
    http_response r;
    char *big;
    char req[512];

    assert_int_equal(http_do(f->port, "POST", "/mcp", "Origin: http://evil.example\r\n", INIT_BODY, &r), 0);
    assert_int_equal(r.status, 403);
    http_response_free(&r);
    snprintf(req, sizeof req, "POST /mcp HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n"
             "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    assert_int_equal(http_raw(f->port, req, strlen(req), &r), 0);
    assert_int_equal(r.status, 403);
    http_response_free(&r);
    /* Over the body limit, by Content-Length and by chunks. */
    big = malloc(100 * 1024);
    assert_non_null(big);
    memset(big, 'x', 100 * 1024 - 1);
    big[100 * 1024 - 1] = '\0';
    assert_int_equal(http_do(f->port, "POST", "/mcp", NULL, big, &r), 0);
    assert_int_equal(r.status, 413);
    http_response_free(&r);
    {
        size_t n = 0, cap = 200 * 1024;
        char *chunked = malloc(cap);

        assert_non_null(chunked);
        n += (size_t)snprintf(chunked, cap, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                              "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 20; i++) {
            n += (size_t)snprintf(chunked + n, cap - n, "1000\r\n");
            memset(chunked + n, 'y', 4096);
            n += 4096;
            n += (size_t)snprintf(chunked + n, cap - n, "\r\n");
        }
        n += (size_t)snprintf(chunked + n, cap - n, "0\r\n\r\n");
        assert_int_equal(http_raw(f->port, chunked, n, &r), 0);
        assert_int_equal(r.status, 413);
        http_response_free(&r);
        free(chunked);
    }
    free(big);
    /* Garbage: no crash, 4xx. */
    assert_int_equal(http_do(f->port, "POST", "/mcp", NULL, "{not json", &r), 0);
    assert_int_equal(r.status, 400);
    http_response_free(&r);
    assert_int_equal(http_do(f->port, "POST", "/mcp", "Mcp-Session-Id: \x01\x02\r\n", "[1,2]", &r), 0);
    assert_true(r.status >= 400 && r.status < 500);
    http_response_free(&r);
    snprintf(req, sizeof req, "GARBAGE\r\n\r\n");
    if (http_raw(f->port, req, strlen(req), &r) == 0) {
        assert_true(r.status >= 400);
        http_response_free(&r);
    }
    /* Headers beyond the memory limit. */
    {
        size_t n = 0, cap = 100 * 1024;
        char *huge = malloc(cap);

        assert_non_null(huge);
        n += (size_t)snprintf(huge, cap, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ");
        memset(huge + n, 'p', 80 * 1024);
        n += 80 * 1024;
        n += (size_t)snprintf(huge + n, cap - n, "\r\nConnection: close\r\n\r\n");
        if (http_raw(f->port, huge, n, &r) == 0) {
            assert_true(r.status >= 400);
            http_response_free(&r);
        }
        free(huge);
    }
    /* Capacity: the store holds 8 sessions. */
    {
        int status = 0;

        for (int i = 0; i < 12 && status != 503; i++) {
            assert_int_equal(http_do(f->port, "POST", "/mcp", NULL, INIT_BODY, &r), 0);
            status = r.status;
            if (status == 503)
                assert_non_null(strstr(r.body, "\"error\""));
            http_response_free(&r);
        }
        assert_int_equal(status, 503);
    }
    assert_int_equal(http_do(f->port, "GET", "/healthz", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
}

/* A GET stream left open while the server stops must not hold it up. */
static void test_server_stream_at_shutdown(void **state)
{
    fixture *f = *state;
    http_response r;
    char sid[64], hdrs[256];
    int fd;
    struct sockaddr_in sa;
    char req[512], buf[256];
    ssize_t got;

    start_session(f, sid);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(f->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    snprintf(req, sizeof req, "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
             "Mcp-Session-Id: %s\r\n\r\n", sid);
    assert_true(send(fd, req, strlen(req), 0) > 0);
    got = recv(fd, buf, sizeof buf - 1, 0);
    assert_true(got > 0);
    buf[got] = '\0';
    assert_non_null(strstr(buf, "200"));
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    assert_int_equal(http_do(f->port, "POST", "/mcp", hdrs,
                             "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/subscribe\","
                             "\"params\":{\"uri\":\"ids://anything\"}}", &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    /* teardown stops the server with this stream open */
    close(fd);
}

/* ---- a legacy session's stream ends with its record ------------------------ */

/* Opens the session's GET stream; returns the socket once the stream's
 * first comment arrived. */
static int open_stream(unsigned short port, const char *sid)
{
    struct sockaddr_in sa;
    char req[512], buf[1024] = "";
    size_t len = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    snprintf(req, sizeof req, "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
             "Accept: text/event-stream\r\nMcp-Session-Id: %s\r\n\r\n", sid);
    assert_true(send(fd, req, strlen(req), 0) == (ssize_t)strlen(req));
    while (!strstr(buf, "notification stream")) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t got;

        assert_true(poll(&p, 1, 5000) == 1);
        got = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        assert_true(got > 0);
        len += (size_t)got;
        buf[len] = '\0';
    }
    assert_non_null(strstr(buf, " 200 "));
    return fd;
}

/* Reads the stream for up to timeout_ms. Returns 1 when it ended (the
 * last chunk, or the server closed the connection), 0 when it is still
 * open; what arrived is appended to seen (NUL-terminated). */
static int stream_ended_within(int fd, int timeout_ms, char *seen, size_t size)
{
    size_t len = strlen(seen);
    struct timespec t0, t;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        long left;
        ssize_t got;

        clock_gettime(CLOCK_MONOTONIC, &t);
        left = timeout_ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0 || poll(&p, 1, (int)left) != 1)
            return 0;
        if (len + 1 >= size)
            len = 0; /* keep reading; only the end matters now */
        got = recv(fd, seen + len, size - 1 - len, 0);
        if (got <= 0)
            return 1;
        len += (size_t)got;
        seen[len] = '\0';
        if (strstr(seen, "\r\n0\r\n\r\n"))
            return 1;
    }
}

/* A gauge's value in /metrics. */
static long gauge(fixture *f, const char *name)
{
    http_response r;
    char key[128];
    const char *at;
    long v = -1;

    assert_int_equal(http_do(f->port, "GET", "/metrics", NULL, NULL, &r), 0);
    snprintf(key, sizeof key, "\n%s ", name);
    at = strstr(r.body, key);
    if (at)
        v = strtol(at + strlen(key), NULL, 10);
    http_response_free(&r);
    return v;
}

static int post_legacy(fixture *f, const char *sid, const char *body, http_response *r)
{
    char hdrs[128];

    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    return http_do(f->port, "POST", "/mcp", hdrs, body, r);
}

static void expect_gone(fixture *f, const char *sid)
{
    http_response r;

    assert_int_equal(post_legacy(f, sid, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}",
                                 &r), 0);
    assert_int_equal(r.status, 404);
    http_response_free(&r);
}

static void test_stream_ends_on_eviction(void **state)
{
    fixture *f = *state;
    char sid[64], seen[4096] = "";
    int fd;

    start_session(f, sid);
    fd = open_stream(f->port, sid);
    assert_int_equal(gauge(f, "idsd_legacy_sessions"), 1);
    assert_int_equal(gauge(f, "idsd_sse_streams"), 1);
    assert_int_equal(stream_ended_within(fd, 200, seen, sizeof seen), 0);
    f->now += (CLOCKED_TTL_MS + 1000) * 1000000ull;
    assert_int_equal(session_reap_now(f->store), 1);
    assert_int_equal(stream_ended_within(fd, 5000, seen, sizeof seen), 1);
    close(fd);
    assert_int_equal(gauge(f, "idsd_legacy_sessions"), 0);
    expect_gone(f, sid);
}

static void test_stream_ends_on_expiry_at_lookup(void **state)
{
    fixture *f = *state;
    char sid[64], seen[4096] = "";
    int fd;

    start_session(f, sid);
    fd = open_stream(f->port, sid);
    f->now += (CLOCKED_TTL_MS + 1000) * 1000000ull;
    /* No reaper: the next request finds it over-idle. */
    expect_gone(f, sid);
    assert_int_equal(stream_ended_within(fd, 5000, seen, sizeof seen), 1);
    close(fd);
    assert_int_equal(gauge(f, "idsd_legacy_sessions"), 0);
}

static void test_stream_ends_on_delete(void **state)
{
    fixture *f = *state;
    char sid[64], hdrs[128], seen[4096] = "";
    http_response r;
    int fd;

    start_session(f, sid);
    fd = open_stream(f->port, sid);
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    assert_int_equal(http_do(f->port, "DELETE", "/mcp", hdrs, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    assert_int_equal(stream_ended_within(fd, 5000, seen, sizeof seen), 1);
    close(fd);
    assert_int_equal(gauge(f, "idsd_legacy_sessions"), 0);
    expect_gone(f, sid);
    assert_int_equal(http_do(f->port, "DELETE", "/mcp", hdrs, NULL, &r), 0);
    assert_int_equal(r.status, 404);
    http_response_free(&r);
}

/* close_session frees the document of the connection's own session but
 * leaves the MCP session alive: the client's next requests still work,
 * its stream stays open, and DELETE is what ends the session. */
static void test_close_session_keeps_legacy_session(void **state)
{
    fixture *f = *state;
    char sid[64], seen[4096] = "", hdrs[128];
    http_response r;
    int fd;

    start_session(f, sid);
    fd = open_stream(f->port, sid);
    assert_int_equal(post_legacy(f, sid, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                                 "\"params\":{\"name\":\"close_session\",\"arguments\":{}}}", &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "closed"));
    assert_non_null(strstr(r.body, "\"session_kept\":true"));
    http_response_free(&r);
    assert_int_equal(stream_ended_within(fd, 300, seen, sizeof seen), 0);
    assert_int_equal(gauge(f, "idsd_legacy_sessions"), 1);
    assert_int_equal(post_legacy(f, sid, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}",
                                 &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    snprintf(hdrs, sizeof hdrs, "Mcp-Session-Id: %s\r\n", sid);
    assert_int_equal(http_do(f->port, "DELETE", "/mcp", hdrs, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    assert_int_equal(stream_ended_within(fd, 5000, seen, sizeof seen), 1);
    close(fd);
    expect_gone(f, sid);
}

/* Subscribed before the stream opened, or while it is open: both reach
 * it. One open stream per session; once its client is gone (noticed at
 * the next keepalive, 200 ms here), another may open. */
static void test_stream_subscriptions(void **state)
{
    fixture *f = *state;
    char a[64], b[64], body[512], hdrs[128], seen[8192] = "";
    http_response r;
    int fa, fb;

    start_session(f, a);
    start_session(f, b);
    snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/subscribe\","
             "\"params\":{\"uri\":\"ids://session/%s\"}}", b);
    assert_int_equal(post_legacy(f, b, body, &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    fb = open_stream(f->port, b);
    fa = open_stream(f->port, a);
    snprintf(hdrs, sizeof hdrs, "Accept: text/event-stream\r\nMcp-Session-Id: %s\r\n", a);
    assert_int_equal(http_do(f->port, "GET", "/mcp", hdrs, NULL, &r), 0);
    assert_int_equal(r.status, 409);
    http_response_free(&r);
    /* a watches b's document, subscribed with its stream open. */
    assert_int_equal(post_legacy(f, a, body, &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    assert_int_equal(post_legacy(f, b, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                                 "\"params\":{\"name\":\"create_ids\",\"arguments\":"
                                 "{\"title\":\"T\"}}}", &r), 0);
    assert_int_equal(r.status, 200);
    http_response_free(&r);
    snprintf(body, sizeof body, "ids://session/%s", b);
    assert_int_equal(stream_ended_within(fb, 1000, seen, sizeof seen), 0);
    assert_non_null(strstr(seen, "notifications/resources/updated"));
    assert_non_null(strstr(seen, body));
    seen[0] = '\0';
    assert_int_equal(stream_ended_within(fa, 1000, seen, sizeof seen), 0);
    assert_non_null(strstr(seen, "notifications/resources/updated"));
    assert_non_null(strstr(seen, body));
    /* a's client goes away; a new stream may open. */
    close(fa);
    for (int i = 0; i < 250; i++) {
        if (gauge(f, "idsd_sse_streams") == 1)
            break;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(gauge(f, "idsd_sse_streams"), 1);
    fa = open_stream(f->port, a);
    close(fa);
    close(fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_listen),
        cmocka_unit_test(test_origins),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_accept),
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_param_headers),
        cmocka_unit_test_setup_teardown(test_server_legacy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_modern, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_stream_at_shutdown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_ends_on_eviction, setup_clocked, teardown),
        cmocka_unit_test_setup_teardown(test_stream_ends_on_expiry_at_lookup, setup_clocked,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stream_ends_on_delete, setup_clocked, teardown),
        cmocka_unit_test_setup_teardown(test_close_session_keeps_legacy_session, setup_clocked,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stream_subscriptions, setup, teardown),
    };

    int rc;

    /* As idsd runs: jansson through its block cache. */
    base_json_alloc_install();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    base_json_alloc_thread_flush();
    return rc;
}
