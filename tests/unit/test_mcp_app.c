/*
 * test_mcp_app.c - the MCP App (io.modelcontextprotocol/ui) through the
 * protocol core: declared only to clients that announce the extension,
 * in both eras; _meta.ui on the tools that read, validate or check; the
 * app-only tool hidden from everyone else; the ui:// resource and its
 * page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcp/mcp.h"

#define UI_CAPS                                                                \
    "{\"extensions\":{\"io.modelcontextprotocol/ui\":{\"mimeTypes\":"          \
    "[\"text/html;profile=mcp-app\"]}}}"
#define OTHER_CAPS                                                             \
    "{\"extensions\":{\"io.modelcontextprotocol/ui\":{\"mimeTypes\":"          \
    "[\"text/html\"]},\"example.org/x\":{}}}"
#define URI "ui://idsd/view"

typedef struct fixture {
    session_store *store;
    tool_config tools;
    mcp_server *server;
    mcp_conn *conn;
} fixture;

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
    assert_int_equal(session_store_new(&scfg, &f->store), SESSION_OK);
    f->tools.max_doc_bytes = 1u << 20;
    mcfg.store = f->store;
    mcfg.tools = &f->tools;
    f->server = mcp_server_new(&mcfg);
    assert_non_null(f->server);
    f->conn = mcp_conn_new(f->server, MCP_TRANSPORT_STDIO, NULL, NULL);
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
    ids_library_cleanup();
    free(f);
    return 0;
}

/* The reply's result (new reference) to one request; fails on an error. */
static json_t *ask(fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_t *ask(fixture *f, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    char *line;
    json_t *reply, *result;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    line = mcp_handle_text(f->conn, text, strlen(text));
    assert_non_null(line);
    reply = json_loads(line, 0, NULL);
    free(line);
    assert_non_null(reply);
    result = json_object_get(reply, "result");
    if (!result)
        fail_msg("%s -> %s", text, json_dumps(reply, JSON_COMPACT));
    json_incref(result);
    json_decref(reply);
    return result;
}

static int error_code(fixture *f, const char *text)
{
    char *line = mcp_handle_text(f->conn, text, strlen(text));
    json_t *reply = line ? json_loads(line, 0, NULL) : NULL;
    int code = (int)json_integer_value(json_object_get(json_object_get(reply, "error"), "code"));

    free(line);
    json_decref(reply);
    return code;
}

static json_t *initialize(fixture *f, const char *caps)
{
    json_t *r = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                       "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":%s,"
                       "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", caps);
    char *line = mcp_handle_text(f->conn, "{\"jsonrpc\":\"2.0\",\"method\":"
                                 "\"notifications/initialized\"}", 55);
    free(line);
    return r;
}

static json_t *find_tool(json_t *tools, const char *name)
{
    size_t i;
    json_t *t;

    json_array_foreach(tools, i, t) {
        if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
            return t;
    }
    return NULL;
}

static const char *ui_uri(json_t *tool)
{
    return json_string_value(json_object_get(
        json_object_get(json_object_get(tool, "_meta"), "ui"), "resourceUri"));
}

static bool lists_view(json_t *resources_result)
{
    size_t i;
    json_t *r;

    json_array_foreach(json_object_get(resources_result, "resources"), i, r) {
        if (strcmp(json_string_value(json_object_get(r, "uri")), URI) == 0)
            return true;
    }
    return false;
}

/* A client without the extension (none at all, or one with other MIME
 * types) sees no trace of it. */
static void check_plain(fixture *f, const char *caps)
{
    json_t *init = initialize(f, caps);
    json_t *tools, *res;
    size_t i;
    json_t *t;

    assert_null(json_object_get(json_object_get(init, "capabilities"), "extensions"));
    tools = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    json_array_foreach(json_object_get(tools, "tools"), i, t)
        assert_null(json_object_get(t, "_meta"));
    assert_null(find_tool(json_object_get(tools, "tools"), "render_ids_view"));
    assert_non_null(find_tool(json_object_get(tools, "tools"), "describe_ids"));
    res = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/list\"}");
    assert_false(lists_view(res));
    json_decref(init);
    json_decref(tools);
    json_decref(res);
}

static void test_plain_client_sees_nothing(void **state)
{
    check_plain(*state, "{}");
}

static void test_other_mime_types_are_not_enough(void **state)
{
    check_plain(*state, OTHER_CAPS);
}

static void test_ui_client_legacy(void **state)
{
    fixture *f = *state;
    json_t *init = initialize(f, UI_CAPS);
    json_t *ext = json_object_get(json_object_get(init, "capabilities"), "extensions");
    json_t *tools, *list, *t, *res;
    size_t i;

    assert_true(json_is_object(json_object_get(ext, "io.modelcontextprotocol/ui")));
    tools = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    list = json_object_get(tools, "tools");
    json_array_foreach(list, i, t) {
        const char *name = json_string_value(json_object_get(t, "name"));
        bool shows = strcmp(name, "get_ids_info") == 0 || strcmp(name, "validate_ids") == 0 ||
                     strcmp(name, "get_specification") == 0 ||
                     strcmp(name, "validate_ifc_model") == 0 || strcmp(name, "describe_ids") == 0 ||
                     strcmp(name, "render_ids_view") == 0;

        if (shows)
            assert_string_equal(ui_uri(t), URI);
        else
            assert_null(json_object_get(t, "_meta"));
    }
    /* The app's own tool: listed, for the app only. */
    t = find_tool(list, "render_ids_view");
    assert_non_null(t);
    {
        json_t *vis = json_object_get(json_object_get(json_object_get(t, "_meta"), "ui"),
                                      "visibility");

        assert_int_equal(json_array_size(vis), 1);
        assert_string_equal(json_string_value(json_array_get(vis, 0)), "app");
    }
    assert_null(json_object_get(json_object_get(json_object_get(find_tool(list, "get_ids_info"),
                                                                "_meta"), "ui"), "visibility"));
    res = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/list\"}");
    assert_true(lists_view(res));
    json_decref(init);
    json_decref(tools);
    json_decref(res);
}

#define MODERN(caps)                                                              \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","      \
    "\"io.modelcontextprotocol/clientCapabilities\":" caps ","                    \
    "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"

static void test_modern_per_request(void **state)
{
    fixture *f = *state;
    json_t *d = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\","
                       "\"params\":{" MODERN(UI_CAPS) "}}");
    json_t *tools;

    assert_non_null(json_object_get(json_object_get(json_object_get(d, "capabilities"),
                                                    "extensions"),
                                    "io.modelcontextprotocol/ui"));
    json_decref(d);
    d = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"server/discover\","
               "\"params\":{" MODERN("{}") "}}");
    assert_null(json_object_get(json_object_get(d, "capabilities"), "extensions"));
    json_decref(d);
    tools = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\","
                   "\"params\":{" MODERN(UI_CAPS) "}}");
    assert_string_equal(ui_uri(find_tool(json_object_get(tools, "tools"), "validate_ids")), URI);
    /* Not the answer everyone shares: no shared cache may hand it on. */
    assert_string_equal(json_string_value(json_object_get(tools, "cacheScope")), "private");
    json_decref(tools);
    /* The next request without it: nothing was remembered. */
    tools = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\","
                   "\"params\":{" MODERN("{}") "}}");
    assert_null(json_object_get(find_tool(json_object_get(tools, "tools"), "validate_ids"),
                                "_meta"));
    assert_null(find_tool(json_object_get(tools, "tools"), "render_ids_view"));
    assert_string_equal(json_string_value(json_object_get(tools, "cacheScope")), "public");
    json_decref(tools);
}

static const char *page_of(json_t *read_result)
{
    json_t *c = json_array_get(json_object_get(read_result, "contents"), 0);

    assert_string_equal(json_string_value(json_object_get(c, "mimeType")),
                        "text/html;profile=mcp-app");
    assert_string_equal(json_string_value(json_object_get(c, "uri")), URI);
    return json_string_value(json_object_get(c, "text"));
}

static void test_resource_page(void **state)
{
    fixture *f = *state;
    json_t *init = initialize(f, UI_CAPS);
    json_t *r, *call;
    const char *html;

    json_decref(init);
    /* Before any document: the waiting page with the bridge. */
    r = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\","
               "\"params\":{\"uri\":\"" URI "\"}}");
    html = page_of(r);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "ui/initialize"));
    assert_non_null(strstr(html, "render_ids_view"));
    assert_true(strlen(html) < 100 * 1024);
    json_decref(r);

    /* The connection's document, once it has one. */
    call = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                  "{\"name\":\"create_ids\",\"arguments\":{\"title\":\"Doors <b>&amp;</b>\"}}}");
    json_decref(call);
    r = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\","
               "\"params\":{\"uri\":\"" URI "\"}}");
    html = page_of(r);
    assert_non_null(strstr(html, "Doors &lt;b&gt;&amp;amp;&lt;/b&gt;"));
    assert_null(strstr(html, "<b>"));
    json_decref(r);

    /* Only the one view exists. */
    assert_int_equal(error_code(f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":"
                                   "\"resources/read\",\"params\":{\"uri\":"
                                   "\"ui://idsd/other\"}}"), -32602);
    assert_int_equal(error_code(f, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":"
                                   "\"resources/read\",\"params\":{\"uri\":\"ui://\"}}"),
                     -32602);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_client_sees_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_mime_types_are_not_enough, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ui_client_legacy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modern_per_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_page, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
