/*
 * test_mcp_completion.c - completion/complete (the prompt's IFC versions,
 * the connection's own session only, IFC names by prefix per version,
 * paging limits), the completions capability in both eras, and the
 * ifc:// resources it completes.
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

/* completion/complete with ref and argument (and context arguments when
 * ctx is not NULL); returns the reply. */
static json_t *complete(fixture *f, const char *ref, const char *arg, const char *value,
                        const char *ctx)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"completion/complete\",\"params\":"
             "{\"ref\":%s,\"argument\":{\"name\":\"%s\",\"value\":\"%s\"}%s%s%s}}",
             ref, arg, value, ctx ? ",\"context\":{\"arguments\":" : "", ctx ? ctx : "",
             ctx ? "}" : "");
    return send_text(f, text);
}

#define PROMPT "{\"type\":\"ref/prompt\",\"name\":\"author_ids\"}"
#define SESSION_TEMPLATE "{\"type\":\"ref/resource\",\"uri\":\"ids://session/{session_id}\"}"
#define IFC_TEMPLATE "{\"type\":\"ref/resource\",\"uri\":\"ifc://{ifc_version}/{name}\"}"

/* The values joined by '|'. */
static const char *values_of(json_t *reply, json_int_t *total, bool *more)
{
    static char buf[8192];
    json_t *c = json_object_get(result_of(reply), "completion");
    size_t i;
    json_t *v;
    buf[0] = '\0';
    json_array_foreach(json_object_get(c, "values"), i, v) {
        if (i > 0)
            strcat(buf, "|");
        strncat(buf, json_string_value(v), sizeof buf - strlen(buf) - 2);
    }
    if (total)
        *total = json_integer_value(json_object_get(c, "total"));
    if (more)
        *more = json_is_true(json_object_get(c, "hasMore"));
    return buf;
}

static void expect_values(fixture *f, const char *ref, const char *arg, const char *value,
                          const char *ctx, const char *expected)
{
    json_t *r = complete(f, ref, arg, value, ctx);
    assert_string_equal(values_of(r, NULL, NULL), expected);
    json_decref(r);
}

static void test_capability_both_eras(void **state)
{
    fixture *f = *state;
    json_t *r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                             "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                             "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    assert_true(json_is_object(
        json_object_get(json_object_get(result_of(r), "capabilities"), "completions")));
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{"
                     MODERN_META "}}");
    assert_true(json_is_object(
        json_object_get(json_object_get(result_of(r), "capabilities"), "completions")));
    json_decref(r);
    /* And the method itself in the modern era. */
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"completion/complete\","
                     "\"params\":{\"ref\":" PROMPT ",\"argument\":{\"name\":\"ifc_version\","
                     "\"value\":\"IFC2\"}," MODERN_META "}}");
    assert_string_equal(values_of(r, NULL, NULL), "IFC2X3");
    json_decref(r);
}

static void test_prompt_versions(void **state)
{
    fixture *f = *state;
    initialize(f, "2025-06-18");
    expect_values(f, PROMPT, "ifc_version", "", NULL, "IFC2X3|IFC4|IFC4X3_ADD2");
    expect_values(f, PROMPT, "ifc_version", "ifc4", NULL, "IFC4|IFC4X3_ADD2");
    /* A list: the last word completes, earlier ones stay, none twice. */
    expect_values(f, PROMPT, "ifc_version", "IFC2X3 IFC4", NULL,
                  "IFC2X3 IFC4|IFC2X3 IFC4X3_ADD2");
    expect_values(f, PROMPT, "ifc_version", "IFC4 IFC4", NULL, "IFC4 IFC4X3_ADD2");
    expect_values(f, PROMPT, "ifc_versions", "IFC2X3 ", NULL, "IFC2X3 IFC4|IFC2X3 IFC4X3_ADD2");
    expect_values(f, PROMPT, "ifc_version", "IFC5", NULL, "");
    /* Free text has nothing to offer. */
    expect_values(f, PROMPT, "requirement", "walls", NULL, "");
    expect_values(f, PROMPT, "title", "", NULL, "");
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    json_t *r;
    initialize(f, "2025-06-18");
    r = complete(f, "{\"type\":\"ref/prompt\",\"name\":\"nope\"}", "x", "", NULL);
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = complete(f, "{\"type\":\"ref/resource\",\"uri\":\"file:///{path}\"}", "path", "", NULL);
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = complete(f, "{\"type\":\"ref/tool\",\"name\":\"x\"}", "x", "", NULL);
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"completion/complete\","
                     "\"params\":{\"ref\":" PROMPT "}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"completion/complete\","
                     "\"params\":{\"ref\":" PROMPT ",\"argument\":{\"name\":\"ifc_version\","
                     "\"value\":7}}}");
    assert_error(r, MCP_INVALID_PARAMS);
    json_decref(r);
    /* Too long a value completes to nothing rather than costing a scan. */
    char longv[300];
    memset(longv, 'I', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    expect_values(f, IFC_TEMPLATE, "name", longv, NULL, "");
}

static void test_own_session_only(void **state)
{
    fixture *f = *state;
    json_t *r;
    if (!f->store)
        skip();
    initialize(f, "2025-06-18");
    /* Another client's session exists in the store. */
    session *other = NULL;
    char other_id[SESSION_ID_SIZE];
    assert_int_equal(session_create(f->store, &other, other_id), SESSION_OK);
    session_release(other);
    expect_values(f, SESSION_TEMPLATE, "session_id", "", NULL, "");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
                     "{\"name\":\"create_ids\",\"arguments\":{\"title\":\"T\"}}}");
    const char *own = json_string_value(
        json_object_get(json_object_get(result_of(r), "structuredContent"), "session_id"));
    char own_id[SESSION_ID_SIZE];
    snprintf(own_id, sizeof own_id, "%s", own);
    json_decref(r);
    expect_values(f, SESSION_TEMPLATE, "session_id", "", NULL, own_id);
    char prefix[4] = {own_id[0], own_id[1], 0, 0};
    expect_values(f, SESSION_TEMPLATE, "session_id", prefix, NULL, own_id);
    /* The other session, even by its own prefix, is never offered. */
    char other_prefix[8];
    snprintf(other_prefix, sizeof other_prefix, "%.6s", other_id);
    if (strncmp(other_prefix, own_id, 6) != 0)
        expect_values(f, SESSION_TEMPLATE, "session_id", other_prefix, NULL, "");
}

static void test_ifc_names(void **state)
{
    fixture *f = *state;
    json_t *r;
    json_int_t total;
    bool more;
    initialize(f, "2025-06-18");
    expect_values(f, IFC_TEMPLATE, "ifc_version", "IFC4", NULL, "IFC4|IFC4X3_ADD2");
    expect_values(f, IFC_TEMPLATE, "name", "ifcwallstandard", NULL, "IfcWallStandardCase");
    expect_values(f, IFC_TEMPLATE, "name", "Pset_WallC", NULL, "Pset_WallCommon");
    /* The version comes from the context: IfcBuiltElement is IFC4X3's. */
    expect_values(f, IFC_TEMPLATE, "name", "IfcBuiltE", "{\"ifc_version\":\"IFC4X3_ADD2\"}",
                  "IfcBuiltElement|IfcBuiltElementType");
    expect_values(f, IFC_TEMPLATE, "name", "IfcBuiltE", "{\"ifc_version\":\"IFC4\"}", "");
    /* Capped at 100 values, with the total and hasMore. */
    r = complete(f, IFC_TEMPLATE, "name", "Ifc", "{\"ifc_version\":\"IFC2X3\"}");
    values_of(r, &total, &more);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(result_of(r), "completion"), "values")), 100);
    assert_int_equal(total, 653);
    assert_true(more);
    json_decref(r);
}

static void test_ifc_resources(void **state)
{
    fixture *f = *state;
    json_t *r;
    initialize(f, "2025-06-18");
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/templates/list\"}");
    json_t *list = json_object_get(result_of(r), "resourceTemplates");
    bool found = false;
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
        found = found || strcmp(json_string_value(json_object_get(t, "uriTemplate")),
                                "ifc://{ifc_version}/{name}") == 0;
    assert_true(found);
    json_decref(r);
    r = send_text(f, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/read\",\"params\":"
                     "{\"uri\":\"ifc://IFC4X3/IfcWall\"}}");
    json_t *c = json_array_get(json_object_get(result_of(r), "contents"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "mimeType")), "application/json");
    json_t *desc = json_loads(json_string_value(json_object_get(c, "text")), 0, NULL);
    assert_string_equal(json_string_value(json_object_get(desc, "name")), "IFCWALL");
    assert_string_equal(json_string_value(json_object_get(desc, "ifc_version")), "IFC4X3_ADD2");
    json_decref(desc);
    json_decref(r);
    static const char *const missing[] = {"ifc://IFC4/IfcWal", "ifc://IFC9/IfcWall",
                                          "ifc://IFC4", "ifc:///IfcWall", "ifc://IFC4/"};
    for (i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"resources/read\","
                 "\"params\":{\"uri\":\"%s\"}}", missing[i]);
        r = send_text(f, text);
        assert_error(r, MCP_INVALID_PARAMS);
        json_decref(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_capability_both_eras, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prompt_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_session_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ifc_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ifc_resources, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
