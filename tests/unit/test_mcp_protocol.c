/*
 * test_mcp_protocol.c - JSON-RPC framing, error codes, eras and the MCP
 * methods, driven through the transport-independent core (no process).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcp/mcp.h"
#include "testutil.h"

#define MODERN_META                                                        \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
    "\"io.modelcontextprotocol/clientCapabilities\":{},"                     \
    "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"

typedef struct fixture {
    session_store *store;
    tool_config tools;
    mcp_server *server;
    mcp_conn *conn;
    json_t *emitted;   /* notifications the core sent */
} fixture;

static void collect(void *ctx, json_t *message)
{
    fixture *f = ctx;

    json_array_append(f->emitted, message);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    session_config scfg = {0};
    mcp_server_config mcfg = {0};
    const char *why = NULL;

    assert_non_null(f);
    ids_library_init();
    assert_true(tool_catalogue_init(&why));
    scfg.payload_free = tool_session_free;
    if (session_store_new(&scfg, &f->store) != SESSION_OK)
        f->store = NULL;  /* the tests that need one skip themselves */
    f->tools.max_doc_bytes = 1u << 20;
    mcfg.store = f->store;
    mcfg.tools = &f->tools;
    mcfg.max_message_bytes = 4096;
    f->server = mcp_server_new(&mcfg);
    assert_non_null(f->server);
    f->emitted = json_array();
    f->conn = mcp_conn_new(f->server, MCP_TRANSPORT_STDIO, collect, f);
    assert_non_null(f->conn);
    mcp_log_set_threshold(MCP_LOG_OFF);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    mcp_conn_free(f->conn);
    mcp_server_free(f->server);
    session_store_free(f->store);
    tool_catalogue_cleanup();
    json_decref(f->emitted);
    ids_library_cleanup();
    free(f);
    return 0;
}

/* Sends one wire text; returns the parsed reply or NULL when none. */
static json_t *send_text(fixture *f, const char *text)
{
    char *line = mcp_handle_text(f->conn, text, strlen(text));
    json_t *reply;
    json_error_t err;

    if (!line)
        return NULL;
    /* One message, one line: no newline may appear inside a reply. */
    assert_null(strchr(line, '\n'));
    reply = json_loads(line, 0, &err);
    assert_non_null(reply);
    free(line);
    return reply;
}

static void assert_error(json_t *reply, int code)
{
    json_t *error;

    assert_non_null(reply);
    assert_string_equal(json_string_value(json_object_get(reply, "jsonrpc")), "2.0");
    error = json_object_get(reply, "error");
    if (!error)
        fail_msg("expected error %d, got %s", code,
                 json_dumps(reply, JSON_COMPACT));
    assert_int_equal(json_integer_value(json_object_get(error, "code")), code);
    assert_true(json_is_string(json_object_get(error, "message")));
}

static void assert_error_id_null(json_t *reply, int code)
{
    assert_error(reply, code);
    assert_true(json_is_null(json_object_get(reply, "id")));
}

static json_t *result_of(json_t *reply)
{
    json_t *result;

    assert_non_null(reply);
    result = json_object_get(reply, "result");
    if (!result)
        fail_msg("expected a result, got %s", json_dumps(reply, JSON_COMPACT));
    return result;
}

static void initialize(fixture *f, const char *version)
{
    char text[256];
    json_t *reply;

    snprintf(text, sizeof text,
             "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
             "{\"protocolVersion\":\"%s\",\"capabilities\":{},\"clientInfo\":"
             "{\"name\":\"t\",\"version\":\"1\"}}}", version);
    reply = send_text(f, text);
    result_of(reply);
    json_decref(reply);
    assert_null(send_text(f, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
}

/* ---- framing ------------------------------------------------------------- */

static void test_parse_error(void **state)
{
    fixture *f = *state;
    json_t *r;

    r = send_text(f, "{\"jsonrpc\":\"2.0\",");
    assert_error_id_null(r, MCP_PARSE_ERROR);
    json_decref(r);
    r = send_text(f, "not json at all");
    assert_error_id_null(r, MCP_PARSE_ERROR);
    json_decref(r);
    /* Invalid UTF-8 inside a string. */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xff\"}");
    assert_error_id_null(r, MCP_PARSE_ERROR);
    json_decref(r);
    /* Trailing garbage after a message. */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x");
    assert_error_id_null(r, MCP_PARSE_ERROR);
    json_decref(r);
}

static void test_invalid_request(void **state)
{
    fixture *f = *state;
    static const char *const cases[] = {
        "1",
        "\"ping\"",
        "null",
        "{}",
        "{\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":\"x\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":3}",
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = send_text(f, cases[i]);

        assert_error(r, MCP_INVALID_REQUEST);
        json_decref(r);
    }
}

static void test_invalid_request_keeps_a_readable_id(void **state)
{
    fixture *f = *state;
    json_t *r = send_text(f, "{\"jsonrpc\":\"1.0\",\"id\":\"abc\",\"method\":\"ping\"}");

    assert_error(r, MCP_INVALID_REQUEST);
    assert_string_equal(json_string_value(json_object_get(r, "id")), "abc");
    json_decref(r);
}

static void test_duplicate_keys_refused(void **state)
{
    fixture *f = *state;
    json_t *r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}");

    assert_error_id_null(r, MCP_PARSE_ERROR);
    json_decref(r);
}

static void test_too_large(void **state)
{
    fixture *f = *state;
    size_t n = 5000;
    char *big = malloc(n + 1);
    char *line;
    json_t *r;

    memset(big, ' ', n);
    big[n] = '\0';
    line = mcp_handle_text(f->conn, big, n);
    assert_non_null(line);
    r = json_loads(line, 0, NULL);
    assert_error_id_null(r, MCP_INVALID_REQUEST);
    json_decref(r);
    free(line);
    free(big);
}

static void test_notifications_get_no_reply(void **state)
{
    fixture *f = *state;

    assert_null(send_text(f, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
    assert_null(send_text(f, "{\"jsonrpc\":\"2.0\",\"method\":\"no/such/notification\"}"));
    assert_null(send_text(f, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                             "\"params\":{\"requestId\":3}}"));
    /* A notification with a wrong params type is still a notification. */
    assert_null(send_text(f, "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":[]}"));
    /* A client's response to nothing is not answered either. */
    assert_null(send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}"));
    assert_null(send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":1,\"message\":\"x\"}}"));
    initialize(f, "2025-11-25");
    assert_null(send_text(f, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                             "\"params\":{\"requestId\":3}}"));
    assert_int_equal(json_array_size(f->emitted), 0);
}

static void test_unknown_method(void **state)
{
    fixture *f = *state;
    json_t *r;

    initialize(f, "2025-11-25");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"no/such\"}");
    assert_error(r, MCP_METHOD_NOT_FOUND);
    assert_int_equal(json_integer_value(json_object_get(r, "id")), 1);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no/such\",\"params\":{" MODERN_META "}}");
    assert_error(r, MCP_METHOD_NOT_FOUND);
    json_decref(r);
}

/* Protocol errors quote what the client sent, cut to a few hundred bytes;
 * a cut inside a character used to leave a message no JSON writer takes,
 * and then no reply at all was sent. */
static void test_errors_quoting_long_text_in_other_scripts(void **state)
{
    fixture *f = *state;
    /* 199 ASCII bytes, then 3-byte characters: a 200-byte cut falls inside
     * the first of them; the 4-byte ones shift it by one each time. */
    static const char *const tails[] = {"\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\xC3\xA9"};
    static const struct {
        const char *before, *after;
    } forms[] = {
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"", "\"}"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"",
         "\"}}"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"",
         "\"}}"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":\"",
         "\"}}"},
    };
    initialize(f, "2025-11-25");
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
        for (size_t lead = 196; lead <= 200; lead++) {
            char value[400], text[600];
            memset(value, 'a', lead);
            value[lead] = '\0';
            for (int i = 0; i < 20; i++)
                strcat(value, tails[t]);
            for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
                json_t *r;
                const char *m;
                snprintf(text, sizeof text, "%s%s%s", forms[k].before, value, forms[k].after);
                r = send_text(f, text);
                if (!r)
                    fail_msg("no reply to %.60s...", text);
                m = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
                assert_non_null(m);
                assert_non_null(strstr(m, "aaaa"));
                json_decref(r);
            }
        }
    }
}

static void test_params_array_is_invalid_params(void **state)
{
    fixture *f = *state;
    json_t *r;

    initialize(f, "2025-06-18");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":[]}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":3}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
}

/* ---- legacy era ---------------------------------------------------------- */

static void test_initialize_negotiation(void **state)
{
    static const struct { const char *asked, *answered; } cases[] = {
        {"2025-03-26", "2025-03-26"},
        {"2025-06-18", "2025-06-18"},
        {"2025-11-25", "2025-11-25"},
        {"2024-11-05", "2025-11-25"},
        {"2026-07-28", "2025-11-25"},
        {"1999-01-01", "2025-11-25"},
    };
    fixture *f = *state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mcp_conn *conn = mcp_conn_new(f->server, MCP_TRANSPORT_STDIO, NULL, NULL);
        char text[256];
        char *line;
        json_t *r, *result;

        snprintf(text, sizeof text,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                 "{\"protocolVersion\":\"%s\",\"capabilities\":{},"
                 "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", cases[i].asked);
        line = mcp_handle_text(conn, text, strlen(text));
        r = json_loads(line, 0, NULL);
        result = result_of(r);
        assert_string_equal(json_string_value(json_object_get(result, "protocolVersion")),
                            cases[i].answered);
        assert_string_equal(mcp_conn_legacy_version(conn), cases[i].answered);
        assert_true(json_is_object(json_object_get(result, "capabilities")));
        assert_true(json_is_object(json_object_get(json_object_get(result, "capabilities"), "tools")));
        assert_true(json_is_object(json_object_get(json_object_get(result, "capabilities"), "logging")));
        assert_string_equal(json_string_value(json_object_get(
                                json_object_get(result, "serverInfo"), "name")), "idsd");
        /* Legacy results carry no modern fields. */
        assert_null(json_object_get(result, "resultType"));
        json_decref(r);
        free(line);
        mcp_conn_free(conn);
    }
}

static void test_initialize_errors(void **state)
{
    fixture *f = *state;
    json_t *r;

    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    assert_null(mcp_conn_legacy_version(f->conn));
    initialize(f, "2025-06-18");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":"
                     "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{}}}");
    assert_error(r, MCP_INVALID_REQUEST);
    json_decref(r);
    assert_string_equal(mcp_conn_legacy_version(f->conn), "2025-06-18");
}

static void test_legacy_before_initialize(void **state)
{
    fixture *f = *state;
    json_t *r;

    /* ping is allowed before the handshake. */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    assert_int_equal(json_object_size(result_of(r)), 0);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"server/discover\"}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
}

static void test_legacy_methods(void **state)
{
    fixture *f = *state;
    static const char *const lists[][2] = {
        {"tools/list", "tools"},
        {"resources/list", "resources"},
        {"resources/templates/list", "resourceTemplates"},
        {"prompts/list", "prompts"},
    };
    json_t *r, *result;
    char text[200];

    initialize(f, "2025-11-25");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    assert_int_equal(json_object_size(result_of(r)), 0);
    json_decref(r);
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":\"%s\"}",
                 i + 10, lists[i][0]);
        r = send_text(f, text);
        result = result_of(r);
        assert_true(json_is_array(json_object_get(result, lists[i][1])));
        assert_null(json_object_get(result, "ttlMs"));
        assert_null(json_object_get(result, "resultType"));
        json_decref(r);
        /* A cursor we never issued is invalid params. */
        snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
                 "\"params\":{\"cursor\":\"zzz\"}}", lists[i][0]);
        r = send_text(f, text);
        assert_error(r, MCP_INVALID_PARAMS);
        json_decref(r);
    }
    /* The template names the session document resource. */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/templates/list\"}");
    result = json_array_get(json_object_get(result_of(r), "resourceTemplates"), 0);
    assert_string_equal(json_string_value(json_object_get(result, "uriTemplate")),
                        "ids://session/{session_id}");
    assert_string_equal(json_string_value(json_object_get(result, "mimeType")),
                        "application/xml");
    json_decref(r);
    /* The modern-only method is not served to a legacy request. */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\"}");
    assert_error(r, MCP_METHOD_NOT_FOUND);
    json_decref(r);
}

static void test_logging_set_level(void **state)
{
    fixture *f = *state;
    json_t *r;

    initialize(f, "2025-06-18");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logging/setLevel\","
                     "\"params\":{\"level\":\"debug\"}}");
    assert_int_equal(json_object_size(result_of(r)), 0);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\","
                     "\"params\":{\"level\":\"loud\"}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"logging/setLevel\"}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
}

static void test_log_notifications_follow_the_level(void **state)
{
    fixture *f = *state;
    size_t n_tools = 0;
    const tool_def *tools = tool_catalogue(&n_tools);
    char text[512];
    json_t *r, *note;

    if (!tools || n_tools == 0 || !f->store)
        skip();
    initialize(f, "2025-06-18");
    snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
             "\"params\":{\"name\":\"%s\",\"arguments\":{}}}", tools[0].name);
    r = send_text(f, text);
    result_of(r);
    json_decref(r);
    /* No level set: nothing is sent. */
    assert_int_equal(json_array_size(f->emitted), 0);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\","
                     "\"params\":{\"level\":\"debug\"}}");
    json_decref(r);
    r = send_text(f, text);
    result_of(r);
    json_decref(r);
    assert_true(json_array_size(f->emitted) > 0);
    note = json_array_get(f->emitted, 0);
    assert_string_equal(json_string_value(json_object_get(note, "method")), "notifications/message");
    assert_null(json_object_get(note, "id"));
    assert_true(json_is_string(json_object_get(json_object_get(note, "params"), "level")));
    /* emergency filters out everything idsd says. */
    json_array_clear(f->emitted);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"logging/setLevel\","
                     "\"params\":{\"level\":\"emergency\"}}");
    json_decref(r);
    r = send_text(f, text);
    json_decref(r);
    assert_int_equal(json_array_size(f->emitted), 0);
}

static void test_batches_by_era(void **state)
{
    fixture *f = *state;
    json_t *r;
    const char *batch = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                        "\"params\":{\"requestId\":1}},"
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no/such\"},"
                        "{\"foo\":1}]";

    /* Before any handshake: no batches. */
    r = send_text(f, batch);
    assert_error_id_null(r, MCP_INVALID_REQUEST);
    json_decref(r);
    initialize(f, "2025-03-26");
    r = send_text(f, batch);
    assert_true(json_is_array(r));
    assert_int_equal(json_array_size(r), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "id")), 1);
    assert_non_null(json_object_get(json_array_get(r, 0), "result"));
    assert_error(json_array_get(r, 1), MCP_METHOD_NOT_FOUND);
    assert_error_id_null(json_array_get(r, 2), MCP_INVALID_REQUEST);
    json_decref(r);
    /* Only notifications: nothing to send. */
    assert_null(send_text(f, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]"));
    r = send_text(f, "[]");
    assert_error_id_null(r, MCP_INVALID_REQUEST);
    json_decref(r);
    r = send_text(f, "[{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"initialize\",\"params\":"
                     "{\"protocolVersion\":\"2025-03-26\"}}]");
    assert_error(json_array_get(r, 0), MCP_INVALID_REQUEST);
    json_decref(r);
}

static void test_no_batches_after_2025_06_18(void **state)
{
    fixture *f = *state;
    json_t *r;

    initialize(f, "2025-06-18");
    r = send_text(f, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
    assert_error_id_null(r, MCP_INVALID_REQUEST);
    json_decref(r);
}

static void test_2025_03_26_tool_shape(void **state)
{
    fixture *f = *state;
    json_t *r, *tool;
    size_t i;

    initialize(f, "2025-03-26");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    json_array_foreach(json_object_get(result_of(r), "tools"), i, tool) {
        assert_null(json_object_get(tool, "outputSchema"));
        assert_null(json_object_get(tool, "title"));
        assert_true(json_is_object(json_object_get(tool, "inputSchema")));
    }
    json_decref(r);
}

/* ---- modern era ---------------------------------------------------------- */

static void assert_modern_result(json_t *result, bool cacheable)
{
    json_t *meta = json_object_get(result, "_meta");

    assert_string_equal(json_string_value(json_object_get(result, "resultType")), "complete");
    assert_true(json_is_object(json_object_get(meta, "io.modelcontextprotocol/serverInfo")));
    if (cacheable) {
        const char *scope = json_string_value(json_object_get(result, "cacheScope"));

        assert_true(json_is_integer(json_object_get(result, "ttlMs")));
        assert_true(json_integer_value(json_object_get(result, "ttlMs")) >= 0);
        assert_non_null(scope);
        assert_true(strcmp(scope, "public") == 0 || strcmp(scope, "private") == 0);
    }
}

static void test_discover(void **state)
{
    fixture *f = *state;
    json_t *r, *result, *versions;
    bool has_modern = false;
    size_t i;
    json_t *v;

    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"server/discover\","
                     "\"params\":{" MODERN_META "}}");
    result = result_of(r);
    assert_modern_result(result, true);
    versions = json_object_get(result, "supportedVersions");
    assert_true(json_is_array(versions));
    json_array_foreach(versions, i, v) has_modern = has_modern || strcmp(json_string_value(v), "2026-07-28") == 0;
    assert_true(has_modern);
    assert_true(json_is_object(json_object_get(json_object_get(result, "capabilities"), "tools")));
    assert_true(json_is_object(json_object_get(json_object_get(result, "capabilities"), "resources")));
    assert_true(json_is_object(json_object_get(json_object_get(result, "capabilities"), "prompts")));
    /* Logging is deprecated in 2026-07-28 and not offered there. */
    assert_null(json_object_get(json_object_get(result, "capabilities"), "logging"));
    assert_string_equal(json_string_value(json_object_get(r, "id")), "d");
    json_decref(r);
    /* Modern requests leave the legacy state alone. */
    assert_null(mcp_conn_legacy_version(f->conn));
}

static void test_modern_lists_and_cache_hints(void **state)
{
    fixture *f = *state;
    static const char *const lists[][2] = {
        {"tools/list", "tools"},
        {"resources/list", "resources"},
        {"resources/templates/list", "resourceTemplates"},
        {"prompts/list", "prompts"},
    };
    char text[512];
    json_t *r, *result;

    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":\"%s\","
                 "\"params\":{" MODERN_META "}}", i, lists[i][0]);
        r = send_text(f, text);
        result = result_of(r);
        assert_true(json_is_array(json_object_get(result, lists[i][1])));
        assert_modern_result(result, true);
        json_decref(r);
    }
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"prompts/get\",\"params\":{"
                     MODERN_META ",\"name\":\"author_ids\",\"arguments\":"
                     "{\"requirement\":\"doors have a fire rating\"}}}");
    assert_modern_result(result_of(r), false);
    json_decref(r);
    assert_null(mcp_conn_legacy_version(f->conn));
}

static void test_modern_next_to_legacy(void **state)
{
    fixture *f = *state;
    json_t *r;

    initialize(f, "2025-03-26");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" MODERN_META "}}");
    assert_modern_result(result_of(r), true);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    assert_null(json_object_get(result_of(r), "resultType"));
    json_decref(r);
    assert_string_equal(mcp_conn_legacy_version(f->conn), "2025-03-26");
}

static void test_unsupported_version(void **state)
{
    fixture *f = *state;
    json_t *r, *data, *supported, *v;
    bool listed = false;
    size_t i;

    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"_meta\":"
                     "{\"io.modelcontextprotocol/protocolVersion\":\"1900-01-01\","
                     "\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
    assert_error(r, MCP_UNSUPPORTED_PROTOCOL_VERSION);
    assert_int_equal(json_integer_value(json_object_get(r, "id")), 7);
    data = json_object_get(json_object_get(r, "error"), "data");
    supported = json_object_get(data, "supported");
    assert_true(json_is_array(supported));
    json_array_foreach(supported, i, v) listed = listed || strcmp(json_string_value(v), "2026-07-28") == 0;
    assert_true(listed);
    assert_string_equal(json_string_value(json_object_get(data, "requested")), "1900-01-01");
    json_decref(r);
    /* A legacy revision named per request is not a per-request revision. */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"server/discover\",\"params\":{\"_meta\":"
                     "{\"io.modelcontextprotocol/protocolVersion\":\"2025-11-25\","
                     "\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
    assert_error(r, MCP_UNSUPPORTED_PROTOCOL_VERSION);
    json_decref(r);
}

static void test_modern_meta_errors(void **state)
{
    fixture *f = *state;
    static const char *const cases[] = {
        /* protocolVersion not a string */
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":"
        "{\"io.modelcontextprotocol/protocolVersion\":20260728,"
        "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
        /* clientCapabilities missing */
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":"
        "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}",
        /* clientCapabilities not an object */
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":"
        "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        "\"io.modelcontextprotocol/clientCapabilities\":[]}}}",
        /* unknown log level */
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":"
        "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        "\"io.modelcontextprotocol/clientCapabilities\":{},"
        "\"io.modelcontextprotocol/logLevel\":\"chatty\"}}}",
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = send_text(f, cases[i]);

        assert_error(r, MCP_INVALID_PARAMS);
        json_decref(r);
    }
}

static void test_modern_removed_methods(void **state)
{
    fixture *f = *state;
    static const char *const removed[] = {
        "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
    };
    char text[512];

    for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++) {
        json_t *r;

        snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
                 "\"params\":{" MODERN_META ",\"level\":\"debug\"}}", removed[i]);
        r = send_text(f, text);
        assert_error(r, MCP_METHOD_NOT_FOUND);
        json_decref(r);
    }
    assert_null(mcp_conn_legacy_version(f->conn));
}

/* ---- tools, resources, prompts ------------------------------------------- */

static void test_tools_call_protocol_errors(void **state)
{
    fixture *f = *state;
    size_t n_tools = 0;
    const tool_def *tools = tool_catalogue(&n_tools);
    char text[512];
    json_t *r;

    initialize(f, "2025-11-25");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                     "\"params\":{\"name\":\"no_such_tool\",\"arguments\":{}}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    if (!tools || n_tools == 0)
        return;
    snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
             "\"params\":{\"name\":\"%s\",\"arguments\":[1]}}", tools[0].name);
    r = send_text(f, text);
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
}

static void test_tools_call_result_shape(void **state)
{
    fixture *f = *state;
    size_t n_tools = 0;
    const tool_def *tools = tool_catalogue(&n_tools);
    char text[512];
    json_t *r, *result, *content;

    if (!tools || n_tools == 0 || !f->store)
        skip();
    /* Whatever the tool makes of empty arguments, the answer is a
     * CallToolResult, never a protocol error. */
    snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
             "\"params\":{" MODERN_META ",\"name\":\"%s\",\"arguments\":{\"bogus_argument\":1}}}",
             tools[0].name);
    r = send_text(f, text);
    result = result_of(r);
    assert_modern_result(result, false);
    content = json_object_get(result, "content");
    assert_true(json_is_array(content));
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 0), "type")), "text");
    assert_true(json_is_boolean(json_object_get(result, "isError")));
    json_decref(r);
}

/* The tools/call result is written as text in one pass (not built as a
 * tree): its member order, the text content that ends with the compact
 * structuredContent, and what each revision leaves out. */
static void check_call_text(fixture *f, const char *request, const char *want_prefix,
                            bool want_structured, bool modern)
{
    char *line = mcp_handle_text(f->conn, request, strlen(request));
    json_t *reply, *result, *sc, *text_v;
    const char *text;
    char *dump;

    assert_non_null(line);
    if (strncmp(line, want_prefix, strlen(want_prefix)) != 0)
        fail_msg("reply starts %.120s, not %s", line, want_prefix);
    reply = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(reply);
    result = result_of(reply);
    text_v = json_object_get(json_array_get(json_object_get(result, "content"), 0), "text");
    text = json_string_value(text_v);
    assert_non_null(text);
    sc = json_object_get(result, "structuredContent");
    assert_int_equal(sc != NULL, want_structured);
    if (sc) {
        const char *nl = strchr(text, '\n');

        dump = base_json_dumps(sc);
        assert_non_null(dump);
        assert_non_null(nl);
        assert_string_equal(nl + 1, dump);
        /* structuredContent is the last member but the modern ones. */
        assert_non_null(strstr(line, modern ? "},\"_meta\":{" : "}}}"));
        assert_non_null(strstr(line, dump));
        free(dump);
    }
    if (modern) {
        assert_modern_result(result, false);
        assert_non_null(strstr(line, "\"resultType\":\"complete\"}}"));
    } else {
        assert_null(json_object_get(result, "_meta"));
    }
    json_decref(reply);
    free(line);
}

static void test_tools_call_result_text(void **state)
{
    fixture *f = *state;

    if (!f->store)
        skip();
    check_call_text(f, "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"method\":\"tools/call\","
                       "\"params\":{" MODERN_META ",\"name\":\"create_ids\",\"arguments\":"
                       "{\"title\":\"T \\u00e4 \\\"q\\\"\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"result\":{\"content\":[{\"type\":"
                    "\"text\",\"text\":\"", true, true);
    /* A refused call: isError, and no structuredContent against the
     * output schema. */
    check_call_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{"
                       MODERN_META ",\"name\":\"get_ids_info\",\"arguments\":{\"session_id\":"
                       "\"00000000000000000000000000000000\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[{\"type\":\"text\","
                    "\"text\":\"", false, true);
    initialize(f, "2025-11-25");
    check_call_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                       "{\"name\":\"create_ids\",\"arguments\":{\"title\":\"T\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[{\"type\":\"text\","
                    "\"text\":\"", true, false);
}

static void test_tools_call_result_text_2025_03_26(void **state)
{
    fixture *f = *state;

    if (!f->store)
        skip();
    initialize(f, "2025-03-26");
    /* structuredContent came with 2025-06-18. */
    check_call_text(f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
                       "{\"name\":\"create_ids\",\"arguments\":{\"title\":\"T\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\","
                    "\"text\":\"", false, false);
}

static void test_resources_read_unknown(void **state)
{
    fixture *f = *state;
    static const char *const uris[] = {
        "ids://session/00000000000000000000000000000000",
        "ids://session/",
        "ids://session/../../etc/passwd",
        "file:///etc/passwd",
        "",
    };
    char text[512];

    initialize(f, "2025-11-25");
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++) {
        json_t *r, *data;

        snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\","
                 "\"params\":{\"uri\":\"%s\"}}", uris[i]);
        r = send_text(f, text);
        assert_error(r, MCP_INVALID_PARAMS);
        data = json_object_get(json_object_get(r, "error"), "data");
        assert_string_equal(json_string_value(json_object_get(data, "uri")), uris[i]);
        json_decref(r);
    }
    {
        json_t *r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{}}");

        assert_error(r, MCP_INVALID_PARAMS);
        json_decref(r);
    }
}

static void test_resource_of_a_live_session(void **state)
{
    fixture *f = *state;
    session *s = NULL;
    char id[SESSION_ID_SIZE];
    char text[512];
    json_t *r, *list;

    if (!f->store || session_create(f->store, &s, id) != SESSION_OK)
        skip();
    session_release(s);
    mcp_conn_set_session_id(f->conn, id);
    assert_string_equal(mcp_conn_session_id(f->conn), id);
    initialize(f, "2025-11-25");
    /* A session without a document lists no resource ... */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}");
    list = json_object_get(result_of(r), "resources");
    assert_int_equal(json_array_size(list), 0);
    json_decref(r);
    /* ... one with a document lists it. */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                     "{\"name\":\"create_ids\",\"arguments\":{\"title\":\"T\"}}}");
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/list\"}");
    list = json_object_get(result_of(r), "resources");
    assert_int_equal(json_array_size(list), 1);
    snprintf(text, sizeof text, "ids://session/%s", id);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "uri")), text);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":"
                     "{\"name\":\"close_session\",\"arguments\":{}}}");
    json_decref(r);
    /* A session without a document is not an empty resource. */
    snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/read\","
             "\"params\":{\"uri\":\"ids://session/%s\"}}", id);
    r = send_text(f, text);
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
}

static void test_prompts(void **state)
{
    fixture *f = *state;
    json_t *r, *result, *prompt, *msg;
    const char *body;

    initialize(f, "2025-11-25");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/list\"}");
    prompt = json_array_get(json_object_get(result_of(r), "prompts"), 0);
    assert_string_equal(json_string_value(json_object_get(prompt, "name")), "author_ids");
    assert_true(json_array_size(json_object_get(prompt, "arguments")) >= 2);
    json_decref(r);

    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/get\",\"params\":"
                     "{\"name\":\"author_ids\",\"arguments\":{\"requirement\":"
                     "\"Every IfcWall has FireRating in Pset_WallCommon\","
                     "\"ifc_versions\":\"IFC4X3_ADD2\"}}}");
    result = result_of(r);
    msg = json_array_get(json_object_get(result, "messages"), 0);
    assert_string_equal(json_string_value(json_object_get(msg, "role")), "user");
    body = json_string_value(json_object_get(json_object_get(msg, "content"), "text"));
    assert_non_null(strstr(body, "Every IfcWall has FireRating"));
    assert_non_null(strstr(body, "IFC4X3_ADD2"));
    /* It speaks the tools' argument names, not the XML's. */
    assert_non_null(strstr(body, "ifc_versions"));
    assert_non_null(strstr(body, "property_name"));
    assert_null(strstr(body, "propertySet"));
    assert_null(strstr(body, "minOccurs"));
    json_decref(r);

    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"prompts/get\",\"params\":"
                     "{\"name\":\"nope\"}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"prompts/get\",\"params\":"
                     "{\"name\":\"author_ids\",\"arguments\":{}}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"prompts/get\",\"params\":"
                     "{\"name\":\"author_ids\",\"arguments\":{\"requirement\":\"x\","
                     "\"ifc_versions\":\"IFC5\"}}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"prompts/get\",\"params\":"
                     "{\"name\":\"author_ids\",\"arguments\":{\"requirement\":3}}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
}

static void test_versions(void **state)
{
    json_t *list = mcp_supported_versions_json();

    assert_true(mcp_version_is_legacy("2025-03-26"));
    assert_true(mcp_version_is_legacy("2025-06-18"));
    assert_true(mcp_version_is_legacy("2025-11-25"));
    assert_false(mcp_version_is_legacy("2024-11-05"));
    assert_false(mcp_version_is_legacy("2026-07-28"));
    assert_true(mcp_version_is_modern("2026-07-28"));
    assert_false(mcp_version_is_modern("2025-11-25"));
    assert_false(mcp_version_is_modern(NULL));
    assert_int_equal(json_array_size(list), 4);
    assert_string_equal(json_string_value(json_array_get(list, 0)), "2026-07-28");
    json_decref(list);
    assert_int_equal(mcp_log_level_from_name("warning"), MCP_LOG_WARNING);
    assert_int_equal(mcp_log_level_from_name("warn"), -1);
    assert_string_equal(mcp_log_level_name(MCP_LOG_EMERGENCY), "emergency");
}

/* What comes back for one (possibly mangled) text: no reply only for a
 * notification or a response; otherwise one line of JSON-RPC, a result or
 * an error with a code and message, whose id is the request's when the
 * text was a request with a valid id, null when it could not be read. */
static void assert_mangled_reply(fixture *f, const char *text, size_t len)
{
    char *line = mcp_handle_text(f->conn, text, len);
    json_t *sent = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    json_t *id = json_is_object(sent) ? json_object_get(sent, "id") : NULL;
    bool id_valid = json_is_integer(id) || json_is_string(id);

    if (line == NULL) {
        /* A notification (no id) or a response (result or error). */
        assert_true(json_is_object(sent));
        assert_true(id == NULL || json_object_get(sent, "result") != NULL ||
                    json_object_get(sent, "error") != NULL);
        json_decref(sent);
        return;
    }
    assert_null(strchr(line, '\n'));
    json_t *reply = json_loads(line, 0, NULL);
    assert_non_null(reply);
    assert_true(json_is_object(reply));
    assert_string_equal(json_string_value(json_object_get(reply, "jsonrpc")), "2.0");
    json_t *result = json_object_get(reply, "result");
    json_t *error = json_object_get(reply, "error");
    assert_true((result != NULL) != (error != NULL));
    if (error != NULL) {
        assert_true(json_is_integer(json_object_get(error, "code")));
        assert_true(json_is_string(json_object_get(error, "message")));
    }
    json_t *rid = json_object_get(reply, "id");
    assert_non_null(rid);
    if (sent == NULL)
        assert_true(json_is_null(rid));  /* not JSON: -32700, null id */
    if (sent == NULL)
        assert_int_equal(json_integer_value(json_object_get(error, "code")), MCP_PARSE_ERROR);
    if (id_valid && json_object_get(sent, "method") != NULL)
        assert_true(json_equal(rid, id));
    json_decref(reply);
    json_decref(sent);
    free(line);
}

/* Nothing a client sends may crash the core: mangle a valid request one
 * byte at a time and feed every variant in; each gets a reply as the
 * protocol wants it. */
static void test_mangled_input_never_crashes(void **state)
{
    fixture *f = *state;
    const char *base = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\","
                       "\"params\":{" MODERN_META ",\"uri\":\"ids://session/x\"}}";
    size_t n = strlen(base);
    char *buf = malloc(n + 1);
    static const char subst[] = {'\0', '"', '{', '}', '[', ']', ',', ':', '\\', 'x', '\xc3'};

    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof subst; k++) {
            memcpy(buf, base, n + 1);
            buf[i] = subst[k];
            assert_mangled_reply(f, buf, n);
            assert_mangled_reply(f, buf, i);  /* truncated */
        }
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_request_keeps_a_readable_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_keys_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notifications_get_no_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_method, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_quoting_long_text_in_other_scripts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_params_array_is_invalid_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_initialize_negotiation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_initialize_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_before_initialize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logging_set_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_notifications_follow_the_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batches_by_era, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_batches_after_2025_06_18, setup, teardown),
        cmocka_unit_test_setup_teardown(test_2025_03_26_tool_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modern_lists_and_cache_hints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modern_next_to_legacy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modern_meta_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modern_removed_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tools_call_protocol_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tools_call_result_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tools_call_result_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tools_call_result_text_2025_03_26, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resources_read_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_of_a_live_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prompts, setup, teardown),
        cmocka_unit_test(test_versions),
        cmocka_unit_test_setup_teardown(test_mangled_input_never_crashes, setup, teardown),
    };

    int rc;

    /* As idsd runs: jansson through its block cache. */
    base_json_alloc_install();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    base_json_alloc_thread_flush();
    return rc;
}
