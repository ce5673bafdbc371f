/*
 * protocol.c - MCP dispatch over both eras.
 *
 * Which era a request belongs to is decided per request, from the request
 * alone (specs/protocol.md "Era detection"):
 *
 *   initialize                                -> legacy handshake
 *   params._meta carries the protocolVersion key -> modern (2026-07-28),
 *                                                served statelessly
 *   anything else                              -> legacy, which needs a
 *                                                prior initialize on this
 *                                                connection (ping excepted)
 *
 * A modern request reads nothing from the connection's legacy state and
 * writes nothing to it, so one stdio process or HTTP endpoint can serve a
 * legacy client and modern requests side by side, as the versioning page
 * allows a dual-era server to do.
 */
#include "mcp/mcp_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef IDSD_VERSION
#define IDSD_VERSION "0.0.0"
#endif

/* Newest first; the first legacy entry is MCP_LEGACY_LATEST. */
static const char *const modern_versions[] = {MCP_VERSION_2026_07_28};
static const char *const legacy_versions[] = {
    MCP_VERSION_2025_11_25, MCP_VERSION_2025_06_18, MCP_VERSION_2025_03_26};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Lists whose content is the same for every client and changes only with
 * the binary: an hour of freshness is safe (ms). */
#define STATIC_LIST_TTL_MS 3600000

static const char *const server_instructions =
    "idsd authors buildingSMART IDS 1.0 documents (Information Delivery "
    "Specifications for IFC models). Start a document with create_ids, or "
    "load one with load_ids; add specifications, then facets to their "
    "applicability and requirements; validate; export with export_ids. "
    "Every tool result carries session_id: pass it back as the session_id "
    "argument to keep working on the same document. The document itself is "
    "readable as the resource ids://session/{session_id} (application/xml). "
    "Specifications and facets have handles (spec_id S1, facet_id F1) that "
    "never change while the session holds the document: address them by "
    "handle, not by position. Facet parameters take a plain value or a "
    "restriction object {base, enumeration, pattern, min_inclusive, "
    "max_inclusive, min_exclusive, max_exclusive, length, min_length, "
    "max_length, total_digits, fraction_digits}; a restriction replaces the "
    "parameter's whole value. "
    "Restriction tools default parameter_name to value (name for entity and "
    "partOf) and base_type to the base of the facet's data_type "
    "(IFCLENGTHMEASURE: xs:double), else xs:string (xs:double for bounds). "
    "IFC names (classes, attributes, standard property sets and "
    "properties) are checked against the specification's IFC versions: an "
    "unknown one is refused with the closest real names, unless "
    "allow_unknown is true. The prompt author_ids walks through turning a "
    "plain-language requirement into an IDS.";

/* ---- versions ------------------------------------------------------------ */

#define PUT_LITERAL BASE_BUF_LITERAL

static const char *find_version(const char *const *list, size_t n,
                                const char *version)
{
    if (!version)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], version) == 0)
            return list[i];
    }
    return NULL;
}

bool mcp_version_is_legacy(const char *version)
{
    return find_version(legacy_versions, N_ELEMS(legacy_versions), version) != NULL;
}

bool mcp_version_is_modern(const char *version)
{
    return find_version(modern_versions, N_ELEMS(modern_versions), version) != NULL;
}

json_t *mcp_supported_versions_json(void)
{
    json_t *list = json_array();

    if (!list)
        return NULL;
    for (size_t i = 0; i < N_ELEMS(modern_versions); i++)
        json_array_append_new(list, json_string(modern_versions[i]));
    for (size_t i = 0; i < N_ELEMS(legacy_versions); i++)
        json_array_append_new(list, json_string(legacy_versions[i]));
    return list;
}

/* ---- server and connection ----------------------------------------------- */

mcp_server *mcp_server_new(const mcp_server_config *config)
{
    mcp_server *server = calloc(1, sizeof *server);

    if (!server)
        return NULL;
    server->store = config->store;
    server->tools = config->tools;
    server->name = strdup(config->name ? config->name : "idsd");
    server->version = strdup(config->version ? config->version : IDSD_VERSION);
    server->max_message_bytes = config->max_message_bytes
                                    ? config->max_message_bytes
                                    : MCP_DEFAULT_MAX_MESSAGE_BYTES;
    tool_catalogue(&server->n_tools);
    server->tool_ok = calloc(server->n_tools ? server->n_tools : 1, sizeof *server->tool_ok);
    server->tool_err = calloc(server->n_tools ? server->n_tools : 1, sizeof *server->tool_err);
    if (server->name && server->version)
        server->modern_info = mcp_server_info_json(server, MCP_VERSION_2026_07_28);
    /* Every modern result links this one object from many threads at once.
     * jansson's json_incref reads the count without an atomic before its
     * atomic increment, a race ThreadSanitizer rightly reports; a count of
     * (size_t)-1 is jansson's mark for a static value, which incref and
     * decref leave alone, so the shared object is never written. */
    if (server->modern_info)
        server->modern_info->refcount = (size_t)-1;
    if (server->modern_info) {
        base_buf tail = {0};

        if (PUT_LITERAL(&tail, ",\"_meta\":{\"" MCP_META_SERVER_INFO "\":") &&
            base_json_put_value(&tail, server->modern_info) &&
            PUT_LITERAL(&tail, "},\"resultType\":\"complete\""))
            server->modern_tail = base_buf_take(&tail, &server->modern_tail_len);
        base_buf_free(&tail);
    }
    if (!server->name || !server->version || !server->tool_ok || !server->tool_err ||
        !server->modern_info || !server->modern_tail) {
        mcp_server_free(server);
        return NULL;
    }
    for (size_t i = 0; i < server->n_tools; i++) {
        atomic_init(&server->tool_ok[i], 0);
        atomic_init(&server->tool_err[i], 0);
    }
    return server;
}

void mcp_server_free(mcp_server *server)
{
    if (!server)
        return;
    free(server->name);
    free(server->version);
    free(server->modern_tail);
    free((void *)server->tool_ok);
    free((void *)server->tool_err);
    if (server->modern_info) {
        server->modern_info->refcount = 1; /* back to an ordinary value, to free it */
        json_decref(server->modern_info);
    }
    free(server);
}

void mcp_server_set_hooks(mcp_server *server, const mcp_server_hooks *hooks,
                          void *ctx)
{
    memset(&server->hooks, 0, sizeof server->hooks);
    if (hooks)
        server->hooks = *hooks;
    server->hooks_ctx = ctx;
}

size_t mcp_server_tool_stats(const mcp_server *server, mcp_tool_stats *out,
                             size_t max)
{
    size_t n;
    const tool_def *tools = tool_catalogue(&n);

    if (n > server->n_tools)
        n = server->n_tools;
    for (size_t i = 0; i < n && i < max; i++) {
        out[i].name = tools[i].name;
        out[i].ok = atomic_load(&server->tool_ok[i]);
        out[i].errors = atomic_load(&server->tool_err[i]);
    }
    return n;
}

size_t mcp_server_max_message_bytes(const mcp_server *server)
{
    return server->max_message_bytes;
}

mcp_conn *mcp_conn_new(mcp_server *server, mcp_transport_kind kind,
                       mcp_emit_fn emit, void *emit_ctx)
{
    mcp_conn *conn = calloc(1, sizeof *conn);

    if (!conn)
        return NULL;
    conn->server = server;
    conn->kind = kind;
    conn->emit = emit;
    conn->emit_ctx = emit_ctx;
    conn->legacy_log_level = MCP_LOG_OFF;
    return conn;
}

void mcp_conn_free(mcp_conn *conn)
{
    free(conn);
}

void mcp_conn_set_session_id(mcp_conn *conn, const char *id)
{
    conn->session_id[0] = '\0';
    if (id && strlen(id) < sizeof conn->session_id)
        strcpy(conn->session_id, id);
}

const char *mcp_conn_session_id(const mcp_conn *conn)
{
    return conn->session_id;
}

const char *mcp_conn_legacy_version(const mcp_conn *conn)
{
    return conn->legacy_version[0] ? conn->legacy_version : NULL;
}

json_t *mcp_server_info_json(const mcp_server *server, const char *version)
{
    json_t *info = json_pack("{s:s, s:s}", "name", server->name, "version",
                             server->version);

    /* Implementation.title arrived with 2025-06-18; dates compare as text. */
    if (info && version && strcmp(version, MCP_VERSION_2025_06_18) >= 0)
        json_object_set_new(info, "title", json_string("idsd - IDS authoring"));
    return info;
}

/* ---- client-bound logging ------------------------------------------------ */

void mcp_request_log(mcp_request *req, mcp_log_level level,
                     const char *logger, const char *fmt, ...)
{
    char text[512];
    json_t *note;
    va_list ap;

    /* The modern era deprecates logging and idsd does not offer it there
     * (no `logging` capability in server/discover). */
    if (req->era != MCP_ERA_LEGACY || !req->conn->emit ||
        req->log_level == MCP_LOG_OFF || level < req->log_level)
        return;
    va_start(ap, fmt);
    base_utf8_vformat(text, sizeof text, fmt, ap);
    va_end(ap);
    note = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "jsonrpc", "2.0",
                     "method", "notifications/message", "params", "level",
                     mcp_log_level_name(level), "logger", logger, "data", text);
    if (note)
        req->conn->emit(req->conn->emit_ctx, note);
    json_decref(note);
}

/* ---- methods ------------------------------------------------------------- */

static json_t *server_capabilities(const mcp_server *server, mcp_era era, bool ui)
{
    /* Subscriptions exist where the transport can hold a stream for them:
     * resources/subscribe (legacy) or subscriptions/listen (modern). */
    bool subscribe = era == MCP_ERA_LEGACY ? server->hooks.subscribe != NULL
                                           : server->hooks.listen;
    json_t *caps = json_pack("{s:{s:b}, s:{s:b, s:b}, s:{s:b}}",
                             "tools", "listChanged", 0,
                             "resources", "subscribe", subscribe, "listChanged", 0,
                             "prompts", "listChanged", 0);

    if (caps)
        json_object_set_new(caps, "completions", json_object());
    if (caps && era == MCP_ERA_LEGACY)
        json_object_set_new(caps, "logging", json_object());
    /* Extensions are declared to the clients that announced them, so the
     * others see the capabilities they always saw. */
    if (caps && ui)
        json_object_set_new(caps, "extensions",
                            json_pack("{s:{}}", MCP_APP_EXTENSION));
    return caps;
}

static void method_ping(mcp_request *req, mcp_outcome *out)
{
    out->result = json_object();
}

static void method_discover(mcp_request *req, mcp_outcome *out)
{
    out->result = json_pack("{s:o, s:o, s:s}",
                            "supportedVersions", mcp_supported_versions_json(),
                            "capabilities",
                            server_capabilities(req->conn->server, MCP_ERA_MODERN,
                                                req->ui_app),
                            "instructions", server_instructions);
}

static void method_set_level(mcp_request *req, mcp_outcome *out)
{
    json_t *level = req->params ? json_object_get(req->params, "level") : NULL;
    int value = json_is_string(level) ? mcp_log_level_from_name(json_string_value(level)) : -1;

    if (value < 0) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: \"level\" must be one of debug, info, "
                          "notice, warning, error, critical, alert, emergency");
        return;
    }
    req->conn->legacy_log_level = (mcp_log_level)value;
    out->result = json_object();
}

/* We answer every list in one page, so no cursor we could have issued
 * exists; a client that sends one gets the error pagination prescribes. */
bool mcp_refuse_cursor(mcp_request *req, mcp_outcome *out)
{
    json_t *cursor = req->params ? json_object_get(req->params, "cursor") : NULL;

    if (!cursor || json_is_null(cursor))
        return false;
    mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                      "Invalid params: unknown cursor (every list is returned "
                      "in one page; call again without a cursor)");
    return true;
}

/* 2026-07-28 over HTTP keeps no connection session: a tool call reaches
 * a document only through its session_id argument. */
static bool stateless_wire(const mcp_request *req)
{
    return req->era == MCP_ERA_MODERN && req->conn->kind != MCP_TRANSPORT_STDIO &&
           req->conn->session_id[0] == '\0';
}

static void method_tools_list(mcp_request *req, mcp_outcome *out)
{
    json_t *tools;
    size_t i;
    json_t *tool;

    if (mcp_refuse_cursor(req, out))
        return;
    tools = tool_list_json_for(stateless_wire(req));
    if (!tools) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return;
    }
    /* 2025-03-26 knows neither tool titles nor output schemas; leave them
     * out rather than send fields its clients cannot interpret. */
    if (strcmp(req->version, MCP_VERSION_2025_03_26) == 0) {
        json_t *copy = json_deep_copy(tools);

        json_decref(tools);
        tools = copy;
        json_array_foreach(tools, i, tool) {
            /* Its only title was annotations.title. */
            json_t *ann = json_object_get(tool, "annotations");
            if (json_is_object(ann))
                json_object_set(ann, "title", json_object_get(tool, "title"));
            json_object_del(tool, "title");
            json_object_del(tool, "outputSchema");
        }
    }
    if (tools && !mcp_app_decorate_tools(tools, req->ui_app)) {
        json_decref(tools);
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return;
    }
    out->result = json_pack("{s:o}", "tools", tools);
}

static void count_tool_call(mcp_server *server, const tool_def *tool,
                            bool is_error)
{
    size_t n;
    const tool_def *tools = tool_catalogue(&n);
    size_t i = (size_t)(tool - tools);

    if (tool < tools || i >= server->n_tools)
        return;
    atomic_fetch_add(is_error ? &server->tool_err[i] : &server->tool_ok[i], 1);
}

/* notifications/progress for a request whose _meta carries a
 * progressToken: 0 of 1 before the tool runs, 1 of 1 after. A transport
 * that can stream (HTTP with text/event-stream) sends them before the
 * result; the others drop or forward them as they arrive. */
static void request_progress(mcp_request *req, int done, const char *what)
{
    json_t *meta = req->params ? json_object_get(req->params, "_meta") : NULL;
    json_t *token = json_is_object(meta) ? json_object_get(meta, "progressToken") : NULL;
    json_t *note;
    char text[128];

    if (!req->conn->emit || !(json_is_string(token) || json_is_integer(token)))
        return;
    snprintf(text, sizeof text, "%s %s", what, done ? "done" : "started");
    note = json_pack("{s:s, s:s, s:{s:O, s:i, s:i, s:s}}", "jsonrpc", "2.0",
                     "method", "notifications/progress", "params",
                     "progressToken", token, "progress", done, "total", 1,
                     "message", text);
    if (note)
        req->conn->emit(req->conn->emit_ctx, note);
    json_decref(note);
}

/* A tool's own progress between the 0 and 1 above: done of total as a
 * fraction below 1, so the values keep increasing to the final 1 of 1. */
static void tool_progress(void *ctx, size_t done, size_t total, const char *message)
{
    mcp_request *req = ctx;
    json_t *meta = req->params ? json_object_get(req->params, "_meta") : NULL;
    json_t *token = json_is_object(meta) ? json_object_get(meta, "progressToken") : NULL;
    json_t *note;

    /* Between steps of a long call: the transport may look whether the
     * client is still there (a closed stream cancels on HTTP). */
    if (req->conn->cancel_poll)
        req->conn->cancel_poll(req->conn->cancel_poll_ctx);
    if (!req->conn->emit || !(json_is_string(token) || json_is_integer(token)) || total == 0)
        return;
    note = json_pack("{s:s, s:s, s:{s:O, s:f, s:i, s:s}}", "jsonrpc", "2.0",
                     "method", "notifications/progress", "params",
                     "progressToken", token, "progress", (double)done / (double)(total + 1),
                     "total", 1, "message", message ? message : "");
    if (note)
        req->conn->emit(req->conn->emit_ctx, note);
    json_decref(note);
}

static void method_subscription(mcp_request *req, mcp_outcome *out, bool on)
{
    mcp_server *server = req->conn->server;
    json_t *uri = req->params ? json_object_get(req->params, "uri") : NULL;

    if (!server->hooks.subscribe) {
        mcp_outcome_error(out, MCP_METHOD_NOT_FOUND,
                          json_pack("{s:s}", "method", req->method),
                          "Method not found: %s is not offered on this transport",
                          req->method);
        return;
    }
    if (!json_is_string(uri) || json_string_length(uri) == 0 ||
        json_string_length(uri) > 1024) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: %s needs \"uri\" (a string of 1 to "
                          "1024 characters)", req->method);
        return;
    }
    if (!server->hooks.subscribe(server->hooks_ctx, req->conn,
                                 json_string_value(uri), on)) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL,
                          "Internal error: the subscription could not be "
                          "recorded (too many subscriptions on this session?)");
        return;
    }
    out->result = json_object();
}

static void method_subscribe(mcp_request *req, mcp_outcome *out)
{
    method_subscription(req, out, true);
}

static void method_unsubscribe(mcp_request *req, mcp_outcome *out)
{
    method_subscription(req, out, false);
}

/* The tools/call result as text, written once: the tool's structured
 * answer appears twice in it (inside the text content and as
 * structuredContent), and building that as a tree to write it out again
 * was a third of a call's cost. Leaves the object open (no closing brace)
 * for dispatch to finish. */
static bool write_call_result(mcp_request *req, const tool_def *tool,
                              tool_result *res, base_buf *b)
{
    const char *text = res->text ? res->text : res->is_error ? "error" : "ok";
    /* structuredContent is 2025-06-18 and later. A tool's error object does
     * not follow its output schema, and clients (the TypeScript SDK among
     * them) check structuredContent against that schema even when isError
     * is set; the message is in content[0] already, so leave it out. */
    bool with_structured = res->structured &&
                           strcmp(req->version, MCP_VERSION_2025_03_26) != 0 &&
                           !(res->is_error && tool->output_schema);

    if (with_structured && !res->structured_json) {
        res->structured_json = base_json_dumps(res->structured);
        if (!res->structured_json)
            return false;
    }
    if (!PUT_LITERAL(b, "{\"content\":[{\"type\":\"text\",\"text\":") ||
        !base_json_put_string(b, text, strlen(text)) ||
        !(res->is_error ? PUT_LITERAL(b, "}],\"isError\":true")
                        : PUT_LITERAL(b, "}],\"isError\":false")))
        return false;
    if (with_structured &&
        (!PUT_LITERAL(b, ",\"structuredContent\":") ||
         !base_buf_append_str(b, res->structured_json)))
        return false;
    return true;
}

/* The tools/call results sent when the tool's own cannot be written for
 * want of memory (left open, as write_call_result leaves its result). */
#define OOM_RESULT_FAILED                                                        \
    "{\"content\":[{\"type\":\"text\",\"text\":\"The call failed and changed "      \
    "nothing; its result could not be written (out of memory). Try again.\"}],"  \
    "\"isError\":true"
#define OOM_RESULT_DONE                                                          \
    "{\"content\":[{\"type\":\"text\",\"text\":\"Done, but the result could not be " \
    "written (out of memory). Call get_ids_info or get_specification to see the "  \
    "document.\"}],\"isError\":false"

static void method_tools_call(mcp_request *req, mcp_outcome *out)
{
    mcp_conn *conn = req->conn;
    json_t *name = req->params ? json_object_get(req->params, "name") : NULL;
    json_t *args = req->params ? json_object_get(req->params, "arguments") : NULL;
    const tool_def *tool;
    tool_env env;
    tool_result res = {0};

    if (!json_is_string(name)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: tools/call needs \"name\" (a string)");
        return;
    }
    tool = tool_find(json_string_value(name));
    if (!tool) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS,
                          json_pack("{s:O}", "name", name),
                          "Unknown tool: %s (tools/list names the tools)",
                          BASE_QUOTE(json_string_value(name), 200));
        return;
    }
    if (args && !json_is_null(args) && !json_is_object(args)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: \"arguments\" must be an object");
        return;
    }
    if (json_is_null(args))
        args = NULL;

    memset(&env, 0, sizeof env);
    env.store = conn->server->store;
    env.config = conn->server->tools;
    env.transport_session_id = conn->session_id[0] ? conn->session_id : NULL;
    env.progress = tool_progress;
    env.progress_ctx = req;
    env.stateless_wire = stateless_wire(req);
    env.cancel = conn->cancel;
    request_progress(req, 0, tool->name);
    tool_call(tool, args, &env, &res);
    count_tool_call(conn->server, tool, res.is_error);
    if (env.document_changed && env.used_session_id[0] &&
        conn->server->hooks.document_changed)
        conn->server->hooks.document_changed(conn->server->hooks_ctx,
                                             env.used_session_id);
    request_progress(req, 1, tool->name);

    /* On stdio the process has one session of its own; the first tool that
     * mints a session makes it so (DESIGN "Sessions across the two eras"). */
    if (conn->kind == MCP_TRANSPORT_STDIO && env.minted_session_id[0] &&
        strcmp(env.minted_session_id, conn->session_id) != 0) {
        mcp_conn_set_session_id(conn, env.minted_session_id);
        mcp_logf(MCP_LOG_INFO, "session %.8s... is now this process's session",
                 env.minted_session_id);
        mcp_request_log(req, MCP_LOG_NOTICE, "session",
                        "new session %s", env.minted_session_id);
    }

    out->tool_succeeded = !res.is_error;
    if (!write_call_result(req, tool, &res, &out->result_text)) {
        /* tool_call hands back UTF-8 only, so this is memory running out;
         * a short result may still fit, and says what the call was: a
         * success stands (the document may have changed), a failure
         * changed nothing. */
        base_buf_free(&out->result_text);
        const char *fallback = res.is_error ? OOM_RESULT_FAILED : OOM_RESULT_DONE;
        if (!base_buf_append_str(&out->result_text, fallback))
            mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
    }
    mcp_request_log(req, res.is_error ? MCP_LOG_WARNING : MCP_LOG_INFO, "tools",
                    "%s: %s", tool->name, res.is_error ? "failed" : "done");
    tool_result_clear(&res);
}

/* ---- dispatch ------------------------------------------------------------ */

typedef void (*method_fn)(mcp_request *req, mcp_outcome *out);

typedef struct method_def {
    const char *name;
    method_fn fn;
    bool legacy;
    bool modern;
    /* Modern cacheable results (caching page): ttlMs and cacheScope;
     * scope NULL when the result is not cacheable. */
    long long ttl_ms;
    const char *scope;
} method_def;

static const method_def methods[] = {
    {"ping", method_ping, true, false, 0, NULL},
    {"logging/setLevel", method_set_level, true, false, 0, NULL},
    {"server/discover", method_discover, false, true, STATIC_LIST_TTL_MS, "public"},
    {"tools/list", method_tools_list, true, true, STATIC_LIST_TTL_MS, "public"},
    {"tools/call", method_tools_call, true, true, 0, NULL},
    /* The resource list names the caller's own session: private, and it
     * changes as soon as a tool mints one. */
    {"resources/list", mcp_resources_list, true, true, 0, "private"},
    {"resources/templates/list", mcp_resources_templates_list, true, true,
     STATIC_LIST_TTL_MS, "public"},
    /* A document changes with every edit. */
    {"resources/read", mcp_resources_read, true, true, 0, "private"},
    {"prompts/list", mcp_prompts_list, true, true, STATIC_LIST_TTL_MS, "public"},
    {"prompts/get", mcp_prompts_get, true, true, 0, NULL},
    {"completion/complete", mcp_completion_complete, true, true, 0, NULL},
    /* Removed in 2026-07-28 (subscriptions/listen replaced them, and a
     * stream-holding transport answers that one itself). */
    {"resources/subscribe", method_subscribe, true, false, 0, NULL},
    {"resources/unsubscribe", method_unsubscribe, true, false, 0, NULL},
};

static const method_def *find_method(const char *name)
{
    for (size_t i = 0; i < N_ELEMS(methods); i++) {
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    }
    return NULL;
}

bool mcp_method_known(const char *method, bool modern)
{
    const method_def *m;

    if (!method)
        return false;
    if (strcmp(method, "initialize") == 0)
        return !modern;
    m = find_method(method);
    return m && (modern ? m->modern : m->legacy);
}

static void dispatch(mcp_request *req, mcp_outcome *out)
{
    const method_def *m = find_method(req->method);
    bool modern = req->era == MCP_ERA_MODERN;

    if (!m) {
        mcp_outcome_error(out, MCP_METHOD_NOT_FOUND,
                          json_pack("{s:s}", "method", req->method),
                          "Method not found: %s", BASE_QUOTE(req->method, 200));
        return;
    }
    if (modern && !m->modern) {
        mcp_outcome_error(out, MCP_METHOD_NOT_FOUND,
                          json_pack("{s:s}", "method", req->method),
                          "Method not found: %s is not part of MCP %s",
                          req->method, req->version);
        return;
    }
    if (!modern && !m->legacy) {
        mcp_outcome_error(out, MCP_METHOD_NOT_FOUND,
                          json_pack("{s:s}", "method", req->method),
                          "Method not found: %s belongs to MCP %s and needs "
                          "params._meta[\"" MCP_META_PROTOCOL_VERSION "\"]",
                          req->method, MCP_VERSION_2026_07_28);
        return;
    }
    m->fn(req, out);
    if (out->result_text.data) {
        /* Written as text: no caching hints (tools/call has none). */
        /* A tool that succeeded keeps its (failed) buffer: handle_request
         * then answers with the short success its change calls for. */
        if (modern && !base_buf_append(&out->result_text, req->conn->server->modern_tail,
                                       req->conn->server->modern_tail_len) &&
            !out->tool_succeeded)
            mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return;
    }
    if (!out->result || !modern)
        return;
    /* Every modern result names its type and the server; the cacheable
     * ones carry their caching hints. */
    {
        json_t *meta = json_object_get(out->result, "_meta");

        if (!json_is_object(meta)) {
            /* json_object_set_new frees the value when it fails. */
            meta = json_object();
            if (json_object_set_new(out->result, "_meta", meta) != 0)
                meta = NULL;
        }
        /* Every modern version is 2025-06-18 or later: the same object. */
        if (meta != NULL)
            json_object_set(meta, MCP_META_SERVER_INFO, req->conn->server->modern_info);
        json_object_set_new(out->result, "resultType", json_string("complete"));
        if (m->scope) {
            /* What a client of the MCP App extension gets differs from
             * the answer every other client shares (app.c): it is not
             * for a shared cache. */
            const char *scope = req->ui_app ? "private" : m->scope;

            json_object_set_new(out->result, "ttlMs", json_integer(m->ttl_ms));
            json_object_set_new(out->result, "cacheScope", json_string(scope));
        }
    }
}

static void method_initialize(mcp_request *req, mcp_outcome *out)
{
    mcp_conn *conn = req->conn;
    json_t *asked = req->params ? json_object_get(req->params, "protocolVersion") : NULL;
    const char *version;

    if (!json_is_string(asked)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: initialize needs \"protocolVersion\" "
                          "(a string such as \"%s\")", MCP_LEGACY_LATEST);
        return;
    }
    if (conn->legacy_version[0]) {
        mcp_outcome_error(out, MCP_INVALID_REQUEST, NULL,
                          "Invalid Request: this connection is already initialized "
                          "(protocol version %s)", conn->legacy_version);
        return;
    }
    /* Lifecycle: answer the client's version when we speak it, otherwise
     * the newest legacy version we do; the client then decides. A modern
     * version asked for here also gets the legacy answer, since initialize
     * itself is a legacy method. */
    version = find_version(legacy_versions, N_ELEMS(legacy_versions),
                           json_string_value(asked));
    if (!version)
        version = MCP_LEGACY_LATEST;
    conn->ui_app = mcp_app_client_supports(json_object_get(req->params, "capabilities"));
    out->result = json_pack("{s:s, s:o, s:o, s:s}",
                            "protocolVersion", version,
                            "capabilities", server_capabilities(conn->server, MCP_ERA_LEGACY,
                                                                conn->ui_app),
                            "serverInfo", mcp_server_info_json(conn->server, version),
                            "instructions", server_instructions);
    if (!out->result) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return;
    }
    strcpy(conn->legacy_version, version);
    mcp_logf(MCP_LOG_INFO, "legacy client initialized with protocol %s "
             "(asked for %s)", version, BASE_QUOTE(json_string_value(asked), 40));
}

/* Reads the modern envelope out of _meta. Returns false (out filled) when
 * the request must be refused. */
static bool read_modern_meta(mcp_request *req, json_t *meta, json_t *pv,
                             mcp_outcome *out)
{
    json_t *caps = json_object_get(meta, MCP_META_CLIENT_CAPABILITIES);
    json_t *level = json_object_get(meta, MCP_META_LOG_LEVEL);
    const char *version;

    if (!json_is_string(pv)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: _meta[\"" MCP_META_PROTOCOL_VERSION
                          "\"] must be a string");
        return false;
    }
    version = find_version(modern_versions, N_ELEMS(modern_versions),
                           json_string_value(pv));
    if (!version) {
        mcp_outcome_error(out, MCP_UNSUPPORTED_PROTOCOL_VERSION,
                          json_pack("{s:o, s:O}", "supported",
                                    mcp_supported_versions_json(), "requested", pv),
                          "Unsupported protocol version: %s",
                          BASE_QUOTE(json_string_value(pv), 40));
        return false;
    }
    if (!json_is_object(caps)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: _meta[\"" MCP_META_CLIENT_CAPABILITIES
                          "\"] is required (an object; {} declares none)");
        return false;
    }
    req->log_level = MCP_LOG_OFF;
    if (level) {
        int value = json_is_string(level) ? mcp_log_level_from_name(json_string_value(level)) : -1;

        if (value < 0) {
            mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                              "Invalid params: _meta[\"" MCP_META_LOG_LEVEL
                              "\"] must be one of debug, info, notice, warning, "
                              "error, critical, alert, emergency");
            return false;
        }
        req->log_level = (mcp_log_level)value;
    }
    req->era = MCP_ERA_MODERN;
    req->version = version;
    req->ui_app = mcp_app_client_supports(caps);
    return true;
}

/* {"jsonrpc":"2.0","id":ID,"result":...} around a result written as text
 * (taken over, and closed here). */
static char *reply_around_text(json_t *id, base_buf *result)
{
    base_buf b = {0};
    char *text = NULL;

    if (result->error == BASE_OK &&
        PUT_LITERAL(&b, "{\"jsonrpc\":\"2.0\",\"id\":") && base_json_put_value(&b, id) &&
        PUT_LITERAL(&b, ",\"result\":") &&
        base_buf_append(&b, result->data, result->len) && PUT_LITERAL(&b, "}}"))
        text = base_buf_take(&b, NULL);
    base_buf_free(&b);
    base_buf_free(result);
    return text;
}

/* A reply tree as wire text; takes the reference. */
static char *reply_text(json_t *reply, int *code)
{
    json_t *error = json_object_get(reply, "error");
    char *text = reply ? mcp_jsonrpc_dump(reply) : NULL;

    if (code)
        *code = error ? (int)json_integer_value(json_object_get(error, "code")) : 0;
    json_decref(reply);
    return text;
}

/* The reply when memory ran out for the real one: written without a
 * tree, so that it fits where that did not. A tool that succeeded gets a
 * short success (its change stands), anything else -32603. NULL only when
 * even this does not fit. */
static char *reply_out_of_memory(json_t *id, bool tool_succeeded, int *code)
{
    base_buf b = {0};
    char *text = NULL;
    bool ok = PUT_LITERAL(&b, "{\"jsonrpc\":\"2.0\",\"id\":") &&
              (id != NULL ? base_json_put_value(&b, id) : PUT_LITERAL(&b, "null"));
    if (tool_succeeded)
        ok = ok && PUT_LITERAL(&b, ",\"result\":" OOM_RESULT_DONE "}}");
    else
        ok = ok && PUT_LITERAL(&b, ",\"error\":{\"code\":-32603,\"message\":"
                                   "\"Internal error: out of memory\"}}");
    if (ok)
        text = base_buf_take(&b, NULL);
    base_buf_free(&b);
    *code = tool_succeeded ? 0 : MCP_INTERNAL_ERROR;
    return text;
}

static char *handle_request(mcp_conn *conn, json_t *msg, bool in_batch, int *code)
{
    mcp_request req;
    mcp_outcome out = {0};
    json_t *params = json_object_get(msg, "params");
    json_t *meta = NULL, *pv = NULL, *reply;

    memset(&req, 0, sizeof req);
    req.conn = conn;
    req.id = json_object_get(msg, "id");
    req.method = json_string_value(json_object_get(msg, "method"));
    req.log_level = MCP_LOG_OFF;

    if (params && !json_is_object(params)) {
        mcp_outcome_error(&out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: MCP params must be an object");
        goto reply;
    }
    req.params = params;
    if (params) {
        meta = json_object_get(params, "_meta");
        if (meta && !json_is_object(meta)) {
            mcp_outcome_error(&out, MCP_INVALID_PARAMS, NULL,
                              "Invalid params: \"_meta\" must be an object");
            goto reply;
        }
        pv = meta ? json_object_get(meta, MCP_META_PROTOCOL_VERSION) : NULL;
    }

    if (strcmp(req.method, "initialize") == 0) {
        req.era = MCP_ERA_LEGACY;
        if (in_batch)
            mcp_outcome_error(&out, MCP_INVALID_REQUEST, NULL,
                              "Invalid Request: initialize must not be part of a batch");
        else
            method_initialize(&req, &out);
        goto reply;
    }
    if (pv) {
        if (read_modern_meta(&req, meta, pv, &out))
            dispatch(&req, &out);
        goto reply;
    }

    req.era = MCP_ERA_LEGACY;
    if (!conn->legacy_version[0]) {
        /* The legacy lifecycle allows ping before initialize. */
        if (strcmp(req.method, "ping") == 0) {
            req.version = MCP_LEGACY_LATEST;
            method_ping(&req, &out);
            goto reply;
        }
        /* Neither era applies: no handshake yet, and no modern envelope,
         * which the 2026-07-28 base protocol calls invalid params. */
        mcp_outcome_error(&out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: %s needs params._meta[\""
                          MCP_META_PROTOCOL_VERSION "\"] (MCP %s), or an "
                          "initialize handshake first (MCP %s and earlier)",
                          BASE_QUOTE(req.method, 100), MCP_VERSION_2026_07_28, MCP_LEGACY_LATEST);
        goto reply;
    }
    req.version = conn->legacy_version;
    req.log_level = conn->legacy_log_level;
    req.ui_app = conn->ui_app;
    dispatch(&req, &out);

reply:
    if (out.result_text.data) {
        char *text = reply_around_text(req.id, &out.result_text);
        *code = 0;
        if (text == NULL)
            text = reply_out_of_memory(req.id, out.tool_succeeded, code);
        return text;
    }
    if (out.result) {
        reply = mcp_result_reply(req.id, out.result);
        out.result = NULL;
    } else {
        reply = mcp_error_reply(req.id, out.code ? out.code : MCP_INTERNAL_ERROR,
                                out.message[0] ? out.message : "Internal error",
                                out.data);
        out.data = NULL;
        if (out.code == MCP_INTERNAL_ERROR)
            mcp_logf(MCP_LOG_ERROR, "%s: %s", req.method, out.message);
    }
    char *text = reply ? reply_text(reply, code) : NULL;
    if (text == NULL)
        text = reply_out_of_memory(req.id, false, code);
    return text;
}

static void handle_notification(mcp_conn *conn, json_t *msg)
{
    const char *method = json_string_value(json_object_get(msg, "method"));

    if (strcmp(method, "notifications/initialized") == 0) {
        if (conn->legacy_version[0])
            conn->initialized_notified = true;
        return;
    }
    /* Requests are answered one at a time, before the next message is
     * read, so by the time a cancellation arrives its request is done;
     * the spec lets the server ignore it then. */
    if (strcmp(method, "notifications/cancelled") == 0)
        return;
    mcp_logf(MCP_LOG_DEBUG, "ignored notification %s", BASE_QUOTE(method, 100));
}

static char *handle_single(mcp_conn *conn, json_t *msg, bool in_batch, int *code)
{
    json_t *reply = NULL;

    *code = 0;
    switch (mcp_jsonrpc_classify(msg, &reply)) {
    case MCP_MSG_REQUEST:
        return handle_request(conn, msg, in_batch, code);
    case MCP_MSG_NOTIFICATION:
        handle_notification(conn, msg);
        return NULL;
    case MCP_MSG_RESPONSE:
        return NULL;
    case MCP_MSG_INVALID:
        break;
    }
    char *text = reply ? reply_text(reply, code) : NULL;
    if (text == NULL)
        text = reply_out_of_memory(json_object_get(msg, "id"), false, code);
    return text;
}

char *mcp_handle_message_text(mcp_conn *conn, json_t *message, int *code)
{
    base_buf replies = {0};
    json_t *elem;
    size_t i, n = 0;
    char *text;
    bool ok = true;
    int ignored;

    if (!json_is_array(message))
        return handle_single(conn, message, false, code);
    *code = 0;
    /* JSON-RPC batches exist in MCP 2025-03-26 only (added there, removed
     * in 2025-06-18), so a batch needs that revision negotiated. */
    if (strcmp(conn->legacy_version, MCP_VERSION_2025_03_26) != 0)
        return reply_text(mcp_error_reply(NULL, MCP_INVALID_REQUEST,
                                          "Invalid Request: JSON-RPC batches are only "
                                          "allowed after initialize negotiated 2025-03-26",
                                          NULL), code);
    if (json_array_size(message) == 0)
        return reply_text(mcp_error_reply(NULL, MCP_INVALID_REQUEST,
                                          "Invalid Request: empty batch", NULL), code);
    json_array_foreach(message, i, elem) {
        text = handle_single(conn, elem, true, &ignored);
        if (!text)
            continue;
        ok = ok && base_buf_append_char(&replies, n++ ? ',' : '[') &&
             base_buf_append_str(&replies, text);
        free(text);
    }
    text = NULL;
    if (n && ok && base_buf_append_char(&replies, ']'))
        text = base_buf_take(&replies, NULL);
    base_buf_free(&replies);
    return text;
}

json_t *mcp_handle_message(mcp_conn *conn, json_t *message)
{
    int code;
    char *text = mcp_handle_message_text(conn, message, &code);
    json_t *reply = text ? json_loads(text, 0, NULL) : NULL;

    free(text);
    return reply;
}

char *mcp_handle_text(mcp_conn *conn, const char *text, size_t len)
{
    json_error_t err;
    json_t *msg = NULL, *reply = NULL;
    char *line = NULL;
    char why[256];
    int code;

    if (len > conn->server->max_message_bytes) {
        snprintf(why, sizeof why,
                 "Invalid Request: message of %zu bytes exceeds the limit of %zu bytes",
                 len, conn->server->max_message_bytes);
        reply = mcp_error_reply(NULL, MCP_INVALID_REQUEST, why, NULL);
        goto out;
    }
    /* Scalars are decoded too, so that `1` is an invalid request rather
     * than a parse error, as JSON-RPC's own examples have it. Duplicate
     * keys are refused: which one wins would be a guess. */
    /* jansson leaves err untouched when it cannot even start (out of
     * memory), so an empty message means that too. */
    memset(&err, 0, sizeof err);
    msg = base_json_read(text, len, &err);
    if (!msg && (json_error_code(&err) == json_error_out_of_memory || err.text[0] == '\0')) {
        /* The text may be fine; the server is what failed. */
        line = reply_out_of_memory(NULL, false, &code);
        goto out;
    }
    if (!msg) {
        base_utf8_format(why, sizeof why, "Parse error: %s (line %d, column %d)",
                        err.text, err.line, err.column);
        reply = mcp_error_reply(NULL, MCP_PARSE_ERROR, why, NULL);
        goto out;
    }
    line = mcp_handle_message_text(conn, msg, &code);
out:
    if (reply) {
        line = mcp_jsonrpc_dump(reply);
        if (line == NULL)
            line = reply_out_of_memory(NULL, false, &code);
    } else if (line == NULL && msg == NULL) {
        line = reply_out_of_memory(NULL, false, &code);
    }
    json_decref(reply);
    json_decref(msg);
    return line;
}
