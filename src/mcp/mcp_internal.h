/*
 * mcp_internal.h - what the files of src/mcp share; not for other modules.
 */
#ifndef MCP_INTERNAL_H
#define MCP_INTERNAL_H

#include <stdatomic.h>

#include "mcp/mcp.h"

struct mcp_server {
    session_store *store;
    const tool_config *tools;
    char *name;
    char *version;
    size_t max_message_bytes;
    mcp_server_hooks hooks;
    void *hooks_ctx;
    /* Per tool, in catalogue order: calls that succeeded / failed. */
    size_t n_tools;
    _Atomic unsigned long long *tool_ok;
    _Atomic unsigned long long *tool_err;
    /* serverInfo of every modern result, made once and shared: never
     * changed after mcp_server_new and marked static for jansson (refcount
     * (size_t)-1, see mcp_server_new), so linking it from results on any
     * thread never writes to it. */
    json_t *modern_info;
    /* What every modern result without caching hints ends with, written
     * once: ,"_meta":{serverInfo},"resultType":"complete". */
    char *modern_tail;
    size_t modern_tail_len;
};

struct mcp_conn {
    mcp_server *server;
    mcp_transport_kind kind;
    mcp_emit_fn emit;
    void *emit_ctx;
    /* Legacy state, set by initialize; modern requests never touch it. */
    char legacy_version[16];      /* "" until initialize */
    bool initialized_notified;    /* notifications/initialized seen */
    mcp_log_level legacy_log_level;  /* logging/setLevel; OFF until set */
    /* Transport state shared by both eras (DESIGN "Sessions"). */
    char session_id[SESSION_ID_SIZE];
    /* initialize announced the MCP Apps extension (app.c). */
    bool ui_app;
    /* The cancel flag of the request being handled, set by the transport
     * around it (stdio, HTTP); another thread sets the flag. NULL: the
     * transport cannot cancel. */
    const atomic_bool *cancel;
    /* Called between the steps of a long call (with its progress), so a
     * transport can set the flag without waiting for its own sweep; NULL
     * when none. */
    void (*cancel_poll)(void *ctx);
    void *cancel_poll_ctx;
};

typedef enum mcp_era {
    MCP_ERA_LEGACY = 0,
    MCP_ERA_MODERN
} mcp_era;

/* One request being handled. */
typedef struct mcp_request {
    mcp_conn *conn;
    mcp_era era;
    /* The revision the request is served under: the negotiated legacy one,
     * or the one its _meta names. */
    const char *version;
    json_t *id;          /* borrowed */
    const char *method;
    json_t *params;      /* borrowed; an object, or NULL when absent */
    /* Client-bound log messages for this request go out at or above this
     * level (modern: the _meta logLevel; legacy: logging/setLevel). */
    mcp_log_level log_level;
    /* The client takes MCP Apps (app.c): legacy from its initialize,
     * modern from the request's own client capabilities. */
    bool ui_app;
} mcp_request;

/* Outcome of a method handler: a result object (owned) or an error. A
 * handler on the hot path may instead write the result object's text into
 * result_text, without its closing brace, so that it is not built as a
 * tree and written again (tools/call does). */
typedef struct mcp_outcome {
    json_t *result;
    base_buf result_text;  /* used when result_text.data is set */
    int code;            /* 0 when a result is set */
    char message[256];
    json_t *data;        /* owned; error data or NULL */
    /* tools/call: the tool succeeded, so what it changed stands; a reply
     * that cannot be written in full must still say it succeeded. */
    bool tool_succeeded;
} mcp_outcome;

void mcp_outcome_error(mcp_outcome *out, int code, json_t *data,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The reply to one message as wire text (malloc'd; NULL when nothing is
 * to be sent), with *code the JSON-RPC error code of a single error reply
 * and 0 otherwise. mcp_handle_message is this, parsed back. */
char *mcp_handle_message_text(mcp_conn *conn, json_t *message, int *code);

/* ---- jsonrpc.c ----------------------------------------------------------- */

typedef enum mcp_msg_kind {
    MCP_MSG_REQUEST = 0,
    MCP_MSG_NOTIFICATION,
    MCP_MSG_RESPONSE,
    MCP_MSG_INVALID
} mcp_msg_kind;

/* Classifies one message object. For MCP_MSG_INVALID, *error_reply holds
 * the -32600 reply to send (a new reference). */
mcp_msg_kind mcp_jsonrpc_classify(json_t *msg, json_t **error_reply);
json_t *mcp_result_reply(json_t *id, json_t *result);
/* Serializes one message on a single line (no newline); malloc'd. */
char *mcp_jsonrpc_dump(json_t *msg);

/* ---- protocol.c ---------------------------------------------------------- */

/* Sends notifications/message to the client when level passes the
 * request's threshold. */
void mcp_request_log(mcp_request *req, mcp_log_level level,
                     const char *logger, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Every list is answered in one page: a cursor gets -32602 (true, out
 * filled); no cursor returns false. */
bool mcp_refuse_cursor(mcp_request *req, mcp_outcome *out);
/* The serverInfo object (new reference). */
json_t *mcp_server_info_json(const mcp_server *server, const char *version);

/* ---- resources.c --------------------------------------------------------- */

#define MCP_RESOURCE_SCHEME "ids://session/"
#define MCP_RESOURCE_TEMPLATE "ids://session/{session_id}"
#define MCP_RESOURCE_MIME "application/xml"

void mcp_resources_list(mcp_request *req, mcp_outcome *out);
void mcp_resources_templates_list(mcp_request *req, mcp_outcome *out);
void mcp_resources_read(mcp_request *req, mcp_outcome *out);

/* ---- app.c: the MCP App (io.modelcontextprotocol/ui) -------------------- */

#define MCP_APP_EXTENSION "io.modelcontextprotocol/ui"
#define MCP_APP_MIME "text/html;profile=mcp-app"
#define MCP_APP_URI "ui://idsd/view"
#define MCP_APP_SCHEME "ui://"

/* The client capabilities announce the extension with our MIME type. */
bool mcp_app_client_supports(const json_t *client_capabilities);
/* tools/list for a client with (ui) or without the extension: app-only
 * tools are dropped for the others; for ui clients the tools that show
 * the view get _meta.ui. false when memory ran out. */
bool mcp_app_decorate_tools(json_t *tools, bool ui);
/* The resources/list entry of the view (new reference). */
json_t *mcp_app_resource_json(bool with_title);
/* resources/read of a ui:// uri. */
void mcp_app_read(mcp_request *req, mcp_outcome *out, json_t *uri);

/* ---- completion.c -------------------------------------------------------- */

#define MCP_IFC_SCHEME "ifc://"
#define MCP_IFC_TEMPLATE "ifc://{ifc_version}/{name}"

void mcp_completion_complete(mcp_request *req, mcp_outcome *out);
/* The ifc:// resource template entry (new reference). */
json_t *mcp_ifc_template_json(bool with_title);
/* Answers resources/read for an ifc:// uri and returns true; false (out
 * untouched) for any other uri. */
bool mcp_ifc_resource_read(mcp_request *req, mcp_outcome *out, json_t *uri);

/* ---- prompts.c ----------------------------------------------------------- */

void mcp_prompts_list(mcp_request *req, mcp_outcome *out);
void mcp_prompts_get(mcp_request *req, mcp_outcome *out);

#endif /* MCP_INTERNAL_H */
