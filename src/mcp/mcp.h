/*
 * mcp.h - JSON-RPC 2.0 and the Model Context Protocol for idsd.
 *
 * The protocol core is transport-independent: a transport turns bytes into
 * one JSON-RPC message, hands it to mcp_handle_message() together with the
 * connection it arrived on, and writes back whatever reply comes out. Any
 * notification produced while a message is handled (notifications/message)
 * goes through the connection's emit callback, before the reply.
 *
 * Two eras of MCP are served at once (specs/protocol.md):
 * - legacy (2025-03-26, 2025-06-18, 2025-11-25): `initialize` negotiates a
 *   version that is then kept in the connection (mcp_conn);
 * - modern (2026-07-28): every request carries its version in
 *   params._meta; such a request never reads or changes the connection's
 *   legacy state.
 *
 * Threads: an mcp_server is read-only once built and may be shared by any
 * number of connections and threads. One mcp_conn is used by one thread at a
 * time (the transport serializes the messages of a connection).
 */
#ifndef MCP_H
#define MCP_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"
#include "session/session.h"
#include "tools/tools.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions ------------------------------------------------------------ */

/* The wire text is defined once, in base.h, for every module that speaks
 * it (the `idsd check --load-into` client too). */
#define MCP_VERSION_2025_03_26 BASE_MCP_VERSION_2025_03_26
#define MCP_VERSION_2025_06_18 BASE_MCP_VERSION_2025_06_18
#define MCP_VERSION_2025_11_25 BASE_MCP_VERSION_2025_11_25
#define MCP_VERSION_2026_07_28 BASE_MCP_VERSION_2026_07_28
/* The version a legacy client gets when it asks for one we do not speak. */
#define MCP_LEGACY_LATEST MCP_VERSION_2025_11_25

/* The _meta keys of the modern era. */
#define MCP_META_PROTOCOL_VERSION BASE_META_PROTOCOL_VERSION
#define MCP_META_CLIENT_INFO BASE_META_CLIENT_INFO
#define MCP_META_CLIENT_CAPABILITIES BASE_META_CLIENT_CAPABILITIES
#define MCP_META_LOG_LEVEL BASE_META_LOG_LEVEL
#define MCP_META_SERVER_INFO BASE_META_SERVER_INFO
#define MCP_META_SUBSCRIPTION_ID BASE_META_SUBSCRIPTION_ID

/* True when version is one of the legacy / modern revisions we serve. */
bool mcp_version_is_legacy(const char *version);
bool mcp_version_is_modern(const char *version);
/* Every revision we serve, newest first (the `supported` list of -32022
 * and the supportedVersions of server/discover); a new reference. */
json_t *mcp_supported_versions_json(void);

/* ---- error codes --------------------------------------------------------- */

#define MCP_PARSE_ERROR -32700
#define MCP_INVALID_REQUEST -32600
#define MCP_METHOD_NOT_FOUND -32601
#define MCP_INVALID_PARAMS -32602
#define MCP_INTERNAL_ERROR -32603
/* 2026-07-28: HTTP headers disagree with the body (HTTP transport only). */
#define MCP_HEADER_MISMATCH -32020
/* 2026-07-28: the requested protocol version is not served; data carries
 * {supported: [...], requested}. */
#define MCP_UNSUPPORTED_PROTOCOL_VERSION -32022
/* 2026-07-28: the request needs a client capability that was not declared. */
#define MCP_MISSING_CLIENT_CAPABILITY -32021

/* ---- log levels ---------------------------------------------------------- */

/* RFC 5424 severities in MCP's spelling, least severe first. */
typedef enum mcp_log_level {
    MCP_LOG_DEBUG = 0,
    MCP_LOG_INFO,
    MCP_LOG_NOTICE,
    MCP_LOG_WARNING,
    MCP_LOG_ERROR,
    MCP_LOG_CRITICAL,
    MCP_LOG_ALERT,
    MCP_LOG_EMERGENCY,
    MCP_LOG_OFF          /* nothing is sent */
} mcp_log_level;

const char *mcp_log_level_name(mcp_log_level level);
/* Returns the level for "debug" ... "emergency", or -1. */
int mcp_log_level_from_name(const char *name);

/* Human-readable logs on stderr (never on stdout, which carries the
 * protocol). Thread-safe; messages below the threshold are dropped. */
void mcp_log_set_threshold(mcp_log_level level);
void mcp_logf(mcp_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- server -------------------------------------------------------------- */

typedef struct mcp_server_config {
    session_store *store;          /* borrowed; outlives the server */
    const tool_config *tools;      /* borrowed; outlives the server */
    const char *name;              /* serverInfo.name; NULL = "idsd" */
    const char *version;           /* serverInfo.version; NULL = IDSD_VERSION */
    size_t max_message_bytes;      /* largest message a transport accepts;
                                      0 = MCP_DEFAULT_MAX_MESSAGE_BYTES */
} mcp_server_config;

#define MCP_DEFAULT_MAX_MESSAGE_BYTES (4u * 1024u * 1024u) /* bytes */

typedef struct mcp_server mcp_server;
typedef struct mcp_conn mcp_conn;

/* Returns NULL when out of memory. The config is copied; the store and the
 * tool config it points to are borrowed. */
mcp_server *mcp_server_new(const mcp_server_config *config);
void mcp_server_free(mcp_server *server);
size_t mcp_server_max_message_bytes(const mcp_server *server);

/* What a transport that can hold streams tells the core (the HTTP one):
 * both callbacks may be NULL. They are called on the thread handling the
 * request, never under a lock of the core. */
typedef struct mcp_server_hooks {
    /* A tools/call changed the document of session_id (any era, any
     * connection); called after the tool released the session. */
    void (*document_changed)(void *ctx, const char *session_id);
    /* Legacy resources/subscribe (on = true) and resources/unsubscribe on
     * conn. Returns false when the subscription cannot be recorded (a
     * limit); the client then gets -32603. With no hook the methods are
     * -32601 and the subscribe capability is not advertised. */
    bool (*subscribe)(void *ctx, mcp_conn *conn, const char *uri, bool on);
    /* The transport serves subscriptions/listen (modern): server/discover
     * then advertises resources.subscribe. */
    bool listen;
} mcp_server_hooks;

/* Installs hooks (copied) before the server is shared between threads. */
void mcp_server_set_hooks(mcp_server *server, const mcp_server_hooks *hooks,
                          void *ctx);

/* Tool calls counted per tool since the server was built; thread-safe
 * (atomics). Fills up to max entries in catalogue order and returns the
 * number of tools. */
typedef struct mcp_tool_stats {
    const char *name;
    unsigned long long ok;
    unsigned long long errors;   /* results with isError */
} mcp_tool_stats;
size_t mcp_server_tool_stats(const mcp_server *server, mcp_tool_stats *out,
                             size_t max);

/* True when method is one the core serves in that era (modern: the
 * 2026-07-28 method set; legacy: initialize and the 2025 methods). The
 * HTTP transport answers 404 for the others before dispatch. */
bool mcp_method_known(const char *method, bool modern);

/* ---- connections --------------------------------------------------------- */

typedef enum mcp_transport_kind {
    MCP_TRANSPORT_STDIO = 0,
    MCP_TRANSPORT_HTTP
} mcp_transport_kind;

/* Receives a server-to-client message (a notification) while a request is
 * handled. message is borrowed: serialize it before returning. */
typedef void (*mcp_emit_fn)(void *ctx, json_t *message);

/* One client connection: a stdio process, or one legacy HTTP session, or
 * one modern HTTP request. emit may be NULL (notifications are dropped).
 * Notifications that may be emitted: notifications/message (legacy
 * logging) and notifications/progress (a tools/call whose _meta carries a
 * progressToken).
 * Returns NULL when out of memory. */
mcp_conn *mcp_conn_new(mcp_server *server, mcp_transport_kind kind,
                       mcp_emit_fn emit, void *emit_ctx);
void mcp_conn_free(mcp_conn *conn);

/* The document session the transport has in scope for this connection:
 * on stdio the process's own session (set by the core once a tool mints
 * it), on legacy HTTP the Mcp-Session-Id. NULL or "" clears it. */
void mcp_conn_set_session_id(mcp_conn *conn, const char *id);
/* "" when there is none. */
const char *mcp_conn_session_id(const mcp_conn *conn);
/* The legacy version negotiated by initialize, or NULL before it. */
const char *mcp_conn_legacy_version(const mcp_conn *conn);

/* Handles one JSON-RPC message (an object, or an array where the
 * connection's negotiated revision allows batches). Returns the reply to
 * write (a new reference), or NULL when nothing is to be sent (a
 * notification, a response, a batch of notifications). Never fails for
 * anything the client sends: protocol errors come back as error replies. */
json_t *mcp_handle_message(mcp_conn *conn, json_t *message);

/* The same from wire text: invalid JSON or UTF-8 gets -32700 with a null
 * id, a text over the server's size limit gets -32600. Returns the reply
 * serialized on one line without its newline (malloc'd), or NULL when
 * nothing is to be sent. */
char *mcp_handle_text(mcp_conn *conn, const char *text, size_t len);

/* Builds a JSON-RPC error reply (a new reference). id may be NULL for a
 * null id; data may be NULL and is stolen otherwise. */
json_t *mcp_error_reply(json_t *id, int code, const char *message,
                        json_t *data);

/* ---- stdio transport ----------------------------------------------------- */

/* Serves one client over newline-delimited JSON-RPC: reads in_fd until end
 * of file (or until *stop becomes non-zero, checked whenever a read is
 * interrupted by a signal), writes each reply as one line to out_fd.
 * Returns 0 on a clean end, -1 when the output could not be written. */
int mcp_stdio_run(mcp_server *server, int in_fd, int out_fd,
                  volatile sig_atomic_t *stop);

#ifdef __cplusplus
}
#endif

#endif /* MCP_H */
