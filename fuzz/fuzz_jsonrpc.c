/*
 * fuzz_jsonrpc.c - libFuzzer target for the JSON-RPC reader and the MCP
 * dispatcher: the input is what a client writes on stdio, one message
 * per line, handled by mcp_handle_text on one connection (so a line can
 * create a document and the next edit it). Every tool of the catalogue is
 * reachable; files are refused (no roots are configured).
 *
 * Compiled with FUZZ_ONE_MESSAGE (fuzz_message.c) the whole input is one
 * message instead.
 *
 * Besides crashes, leaks and undefined behaviour it traps on a reply that
 * is not one line of JSON-RPC: an object (or, for a batch, an array of
 * objects) with jsonrpc "2.0", an id, and exactly one of result and error;
 * and on a document left in a session that does not load back.
 */
#include "mcp/mcp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                \
    do {                           \
        if (!(cond))               \
            __builtin_trap();      \
    } while (0)

static tool_config tools = {.max_doc_bytes = 256 * 1024};
static session_store *store;
static mcp_server *server;

static void stop(void)
{
    mcp_server_free(server);
    session_store_free(store);
    tool_catalogue_cleanup();
    ids_library_cleanup();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *why = NULL;
    ids_library_init();
    CHECK(tool_catalogue_init(&why));
    mcp_log_set_threshold(MCP_LOG_OFF);
    session_config scfg = {.max_sessions = 8, .payload_free = tool_session_free};
    CHECK(session_store_new(&scfg, &store) == SESSION_OK);
    mcp_server_config mcfg = {.store = store, .tools = &tools, .max_message_bytes = 64 * 1024};
    server = mcp_server_new(&mcfg);
    CHECK(server != NULL);
    atexit(stop);
    return 0;
}

/* What a session holds after any sequence of calls can be exported and
 * loaded back (specs/tools.md, "Size"): the tools never leave a document
 * that idsd itself would refuse. */
static void check_document(const char *id)
{
    char *xml = NULL;
    size_t len = 0;
    if (tool_session_document_xml(store, id, &xml, &len) != SESSION_OK || xml == NULL)
        return;
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    ids_limits limits = {.max_bytes = tools.max_doc_bytes};
    CHECK(ids_doc_load_string(xml, len, &limits, &doc, &err) == IDS_OK);
    ids_doc_free(doc);
    free(xml);
}

static void collect_id(const session_info *info, void *ctx)
{
    json_array_append_new(ctx, json_string(info->id));
}

static void check_one(const json_t *reply)
{
    CHECK(json_is_object(reply));
    CHECK(json_is_string(json_object_get(reply, "jsonrpc")));
    CHECK(strcmp(json_string_value(json_object_get(reply, "jsonrpc")), "2.0") == 0);
    CHECK(json_object_get(reply, "id") != NULL);
    const json_t *result = json_object_get(reply, "result");
    const json_t *error = json_object_get(reply, "error");
    CHECK((result == NULL) != (error == NULL));
    if (error != NULL) {
        CHECK(json_is_integer(json_object_get(error, "code")));
        CHECK(json_is_string(json_object_get(error, "message")));
    } else {
        CHECK(json_is_object(result));
    }
}

static void check_reply(const char *line)
{
    CHECK(strchr(line, '\n') == NULL);
    json_error_t err;
    json_t *reply = json_loads(line, JSON_REJECT_DUPLICATES, &err);
    CHECK(reply != NULL);
    if (json_is_array(reply)) {
        CHECK(json_array_size(reply) > 0);
        size_t i;
        json_t *one;
        json_array_foreach(reply, i, one)
            check_one(one);
    } else {
        check_one(reply);
    }
    json_decref(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A connection per input, and no session left from the one before:
     * nothing carries over from one input to the next. */
    mcp_conn *conn = mcp_conn_new(server, MCP_TRANSPORT_STDIO, NULL, NULL);
    CHECK(conn != NULL);

#ifdef FUZZ_ONE_MESSAGE
    /* The whole input is one message (its newlines are JSON whitespace),
     * as an HTTP body is. */
    char *one = mcp_handle_text(conn, (const char *)data, size);
    if (one != NULL) {
        check_reply(one);
        free(one);
    }
    const char *p = (const char *)data + size, *end = p;
#else
    const char *p = (const char *)data, *end = p + size;
#endif
    for (int lines = 0; p < end && lines < 16; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        char *reply = mcp_handle_text(conn, p, len);
        if (reply != NULL) {
            check_reply(reply);
            free(reply);
        }
        p += len + (nl != NULL);
    }
    mcp_conn_free(conn);
    json_t *ids = json_array();
    session_foreach(store, collect_id, ids);
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        check_document(json_string_value(id));
        (void)session_remove(store, json_string_value(id));
    }
    json_decref(ids);
    return 0;
}
