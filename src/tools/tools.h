/*
 * tools.h - the MCP tool catalogue of idsd.
 *
 * One table entry per tool (name, title, description, JSON input and
 * output schemas, annotations, handler). The catalogue maps JSON arguments
 * onto src/ids calls and results back to JSON; it knows the session store
 * (a session's payload is a tool_session) but nothing of JSON-RPC, eras or
 * transports, which are src/mcp's.
 *
 * Session resolution for every document tool (DESIGN "Sessions across the
 * two eras"):
 *   1. the `session_id` argument, when given;
 *   2. else tool_env.transport_session_id (legacy HTTP Mcp-Session-Id, or
 *      on stdio the process's own session once it exists);
 *   3. else create_ids / load_ids mint a new session and report it in
 *      tool_env.minted_session_id; other tools answer with an error that
 *      says to call create_ids or load_ids first.
 */
#ifndef TOOLS_H
#define TOOLS_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "ids/ids.h"
#include "session/session.h"
#include "view/view.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tool_config {
    /* Folders that load_ids / export_ids may touch, absolute and resolved
     * (realpath); a path outside all of them is refused. */
    const char *const *roots;
    size_t n_roots;
    /* The official XSD, compiled once; NULL when not configured. */
    const ids_schema *schema;
    /* Largest document a session may hold or load, in bytes. */
    size_t max_doc_bytes;
    /* Largest IFC model file load_ifc_model / validate_ifc_model read, in
     * bytes; 0 = TOOL_DEFAULT_MAX_MODEL_BYTES. */
    size_t max_model_bytes;
} tool_config;

#define TOOL_DEFAULT_MAX_MODEL_BYTES ((size_t)256 << 20) /* bytes: 256 MiB */

/* Per-call context, filled by the transport. */
typedef struct tool_env {
    session_store *store;
    const tool_config *config;
    /* The session the transport has in scope, or NULL. */
    const char *transport_session_id;
    /* The wire keeps no connection session (2026-07-28 over HTTP): every
     * call must carry session_id, and errors say so. */
    bool stateless_wire;
    /* Out: set (non-empty) when this call minted a new session. */
    char minted_session_id[SESSION_ID_SIZE];
    /* Out: the session the call used (empty when none). */
    char used_session_id[SESSION_ID_SIZE];
    /* Out: true when the call changed the session's document, so that
     * subscribers of its resource can be told. */
    bool document_changed;
    /* Progress of a long call (a model check), done of total, on the
     * calling thread; NULL when the client asked for none. */
    void (*progress)(void *ctx, size_t done, size_t total, const char *message);
    void *progress_ctx;
    /* Set by another thread when the client gave up on the call (a
     * notifications/cancelled, or a closed stream on the stateless wire);
     * a long call (a model check) looks at it and stops. NULL: the call
     * cannot be cancelled. */
    const atomic_bool *cancel;
} tool_env;

typedef struct tool_result {
    json_t *structured;  /* the structuredContent object; owned */
    char *text;          /* text rendering for content[0]; owned (malloc) */
    /* structured as compact JSON when the text was made from it (so the
     * reply need not write it again); owned, often NULL. */
    char *structured_json;
    bool is_error;
} tool_result;

/* How the runtime (runtime.c) prepares a tool's call. */
enum {
    TOOL_USES_SESSION = 1u << 0, /* resolves a session (all but none) */
    TOOL_NEEDS_DOC = 1u << 1,    /* refuses when the session has no document */
    TOOL_MAY_MINT = 1u << 2,     /* create_ids / load_ids: mint when none in scope */
    TOOL_APP_ONLY = 1u << 3      /* for the MCP App view, not the model (listed to
                                    clients of the ui extension only) */
};

/* A tool's body: it runs inside the runtime, which has resolved and
 * acquired the session (tools_internal.h has the context). */
typedef struct tool_ctx tool_ctx;
typedef void (*tool_impl)(tool_ctx *c);

typedef struct tool_def {
    const char *name;
    const char *title;
    const char *description;
    const char *input_schema;   /* JSON text */
    const char *output_schema;  /* JSON text; NULL when none */
    bool read_only;
    bool destructive;
    bool idempotent;
    bool open_world;
    unsigned flags;             /* TOOL_USES_SESSION, ... */
    tool_impl impl;
    /* What impl needs besides the arguments, when one body serves several
     * tools (the facet tools' argument tables); NULL otherwise. */
    const void *data;
    /* Other names a model uses for arguments: pairs "from", "to", NULL
     * terminated; tool_call renames them (with a note) before validating.
     * NULL when none. camelCase forms of every argument are taken too. */
    const char *const *aliases;
} tool_def;

/* Parses every schema once; call before serving. Returns false (and leaves
 * a message in *why when not NULL) when a built-in schema is broken, which
 * is a bug caught by the tests. */
bool tool_catalogue_init(const char **why);
void tool_catalogue_cleanup(void);

/* The tools in their stable listing order. */
const tool_def *tool_catalogue(size_t *count);
const tool_def *tool_find(const char *name);
/* The tools/list "tools" array (new reference; the caller owns it). */
json_t *tool_list_json(void);
/* The same for a wire that keeps no connection session (2026-07-28 over
 * HTTP), whose schemas list session_id as required. */
json_t *tool_list_json_for(bool stateless_wire);
/* The parsed input schema of a tool (borrowed; valid after
 * tool_catalogue_init), for transports that check arguments against it,
 * such as the 2026-07-28 Mcp-Param-* headers. NULL for an unknown tool. */
const json_t *tool_input_schema(const tool_def *tool);

/* Validates args (may be NULL = {}) against the tool's input schema, then
 * resolves the session and runs the handler. Never fails as a protocol
 * error: invalid arguments and tool failures come back as is_error results
 * with a message a model can act on. out is always filled. */
void tool_call(const tool_def *tool, json_t *args, tool_env *env,
               tool_result *out);
void tool_result_clear(tool_result *result);

/* The payload the store holds for each session. */
typedef struct tool_session tool_session;
/* payload_free for session_config. */
void tool_session_free(void *payload);
/* session_config.payload_restore: a payload from a stored document and
 * what the session remembered; ctx is the tool_config (its size limit).
 * NULL when the document cannot be read. */
void *tool_session_restore(void *ctx, const char *doc, size_t doc_len,
                           const char *meta, size_t meta_len);

/* The document of a session as XML, for the MCP resource
 * ids://session/{id}. Returns SESSION_NOT_FOUND for an unknown session;
 * *xml is NULL (and SESSION_OK returned) when the session has no document
 * yet. */
session_status tool_session_document_xml(session_store *store, const char *id,
                                         char **xml, size_t *len);

/* ---- the view (view.c; specs/view.md "Where it is shown") ---- */

/* The tools whose results the MCP App view shows (_meta.ui.resourceUri):
 * those that read, validate or check a session's document. */
bool tool_links_view(const tool_def *tool);

typedef enum tool_view_kind {
    TOOL_VIEW_PAGE = 0,  /* a whole page (view_html_page) */
    TOOL_VIEW_BODY,      /* the body a live page is sent (view_html_body) */
    TOOL_VIEW_MARKDOWN   /* the Markdown describe_ids gives */
} tool_view_kind;

/* The session's document, its findings and its last IFC check, rendered
 * for people; a session without a document renders the waiting page.
 * opts as view_html_page takes them (TOOL_VIEW_PAGE only; may be NULL).
 * *revision (may be NULL) is the revision rendered, which moves with every
 * change of what the view shows. *out is malloc'd. SESSION_NOT_FOUND for
 * an unknown session, SESSION_NOMEM when the rendering failed. */
session_status tool_session_view(session_store *store, const char *id, tool_view_kind kind,
                                 const view_page_options *opts, char **out, size_t *len,
                                 uint64_t *revision);

/* describe_ifc's result for one IFC class or standard set of a version
 * ("IFC4", "IFC4X3", ...; NULL for IFC4), for the ifc:// resources; NULL
 * when the version or the name is unknown. New reference. */
json_t *tool_ifc_describe(const char *version, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* TOOLS_H */
