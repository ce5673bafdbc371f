/*
 * mcp_http.h - the MCP Streamable HTTP transport on libmicrohttpd.
 *
 * One endpoint (default /mcp) serves both eras (specs/http.md):
 * - legacy (2025-03-26 ... 2025-11-25): initialize mints a session in the
 *   store and returns its id in Mcp-Session-Id; later requests carry it;
 *   GET opens the session's notification stream; DELETE ends the session;
 * - modern (2026-07-28): every POST carries MCP-Protocol-Version, Mcp-Method
 *   and (where the body names something) Mcp-Name, checked against the
 *   body; no session header; subscriptions/listen holds a stream.
 * Beside it: GET /healthz and GET /metrics (Prometheus text).
 *
 * The helpers below are the pure parts of header handling, public so that
 * the unit tests can reach them; they allocate nothing unless they say so.
 */
#ifndef MCP_HTTP_H
#define MCP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/mcp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCP_HTTP_DEFAULT_HOST "127.0.0.1"
#define MCP_HTTP_DEFAULT_PORT 8080
#define MCP_HTTP_DEFAULT_PATH "/mcp"
#define MCP_HTTP_DEFAULT_MAX_CONNECTIONS 1024u
#define MCP_HTTP_DEFAULT_TIMEOUT_S 60u          /* seconds idle per connection */
#define MCP_HTTP_DEFAULT_THREADS 4u             /* see specs/http.md */
#define MCP_HTTP_DEFAULT_MAX_STREAMS 256u       /* open SSE streams */
#define MCP_HTTP_DEFAULT_KEEPALIVE_MS 15000u    /* ms between SSE comments */
#define MCP_HTTP_DEFAULT_HEADER_BYTES (64u * 1024u) /* per connection */
#define MCP_HTTP_MAX_SUBSCRIPTIONS 32u          /* URIs per session/stream */
#define MCP_HTTP_STREAM_QUEUE_BYTES (1024u * 1024u) /* unsent bytes per stream */
#define MCP_HTTP_DEFAULT_WORKERS 8u             /* threads running tool work */
#define MCP_HTTP_DEFAULT_GRACE_MS 10000u        /* ms shutdown waits for requests */
#define MCP_HTTP_DEFAULT_REQUEST_TIMEOUT_MS 30000u /* ms to receive a whole request */
#define MCP_HTTP_DEFAULT_SESSION_RATE 600u      /* new sessions per minute per address */

typedef struct mcp_http_config {
    const char *host;            /* NULL = MCP_HTTP_DEFAULT_HOST */
    uint16_t port;               /* 0 = any free port (mcp_http_port) */
    const char *path;            /* NULL = MCP_HTTP_DEFAULT_PATH */
    /* Origins allowed besides none: exact "scheme://host[:port]", or
     * "scheme://host:*" for any port, or "*". n == 0 = the loopback
     * origins only (http(s)://localhost, 127.0.0.1, [::1], any port). */
    const char *const *allowed_origins;
    size_t n_allowed_origins;
    const char *auth_token;      /* NULL or "" = no bearer token required */
    size_t max_body_bytes;       /* 0 = the server's message limit */
    unsigned max_connections;    /* 0 = default */
    unsigned connection_timeout_s; /* 0 = default */
    /* 0 = one epoll thread does everything; N = a pool of N epoll threads
     * (a tool call occupies its thread while it runs). */
    unsigned threads;
    unsigned max_streams;        /* 0 = default */
    unsigned keepalive_ms;       /* 0 = default */
    size_t max_header_bytes;     /* 0 = default */
    /* Threads that run POSTs (tool work), apart from the transport's:
     * 0 = default. Calls on one session queue behind each other without
     * holding a worker. */
    unsigned workers;
    unsigned shutdown_grace_ms;  /* 0 = default */
    /* A request's headers and body must have arrived within this many ms
     * of its start (the accept, or the previous response on the
     * connection); 0 = default. */
    unsigned request_timeout_ms;
    /* Connections one client address may hold; 0 = a quarter of
     * max_connections. */
    unsigned max_connections_per_ip;
    /* Resident memory above which new work is refused (new sessions,
     * load_ids); edits of existing sessions go on. 0 = no budget. */
    size_t max_memory_bytes;
    /* New sessions one client address may start per minute (a bucket of
     * that many, refilled continuously); 0 = default. */
    unsigned session_rate_per_min;
} mcp_http_config;

typedef struct mcp_http mcp_http;

/* Starts serving on its own threads. The server (and its store) are
 * borrowed and must outlive the transport; the config is copied. Installs
 * the server's hooks (mcp_server_set_hooks). Returns NULL with a message in
 * why when the address cannot be bound or memory runs out. */
mcp_http *mcp_http_start(mcp_server *server, const mcp_http_config *config,
                         char *why, size_t why_len);
/* The bound port (useful with port 0). */
uint16_t mcp_http_port(const mcp_http *http);
/* Stops accepting, ends every stream (modern listen streams get their
 * final result), lets in-flight requests finish within the grace and
 * answers the rest with an error, stops the threads and frees
 * everything; the store's sessions stay (the store's owner frees them).
 * Returns false when a tool call was still running on a worker: then
 * the transport is left allocated and the server and store are still in
 * use, so the caller must not free them (the process should exit).
 * NULL is allowed. */
bool mcp_http_stop(mcp_http *http);

/* ---- header helpers (http_util.c) ---------------------------------------- */

/* "HOST:PORT", "[v6]:PORT" or ":PORT" (host left empty) -> host (without
 * brackets) and port 0-65535. */
bool mcp_http_parse_listen(const char *text, char *host, size_t host_size,
                           uint16_t *port);
/* The origin is allowed by the list (or by the loopback default when
 * n == 0). Comparison ignores case in scheme and host. */
bool mcp_http_origin_allowed(const char *origin, const char *const *allowed,
                             size_t n);
/* A Host header value naming a loopback host: localhost, 127.0.0.1 or
 * [::1], with or without a port. */
bool mcp_http_host_is_loopback(const char *host);
/* Which of application/json and text/event-stream the Accept header
 * allows (wildcards count; q=0 excludes). NULL accepts everything. */
void mcp_http_accepts(const char *accept, bool *json, bool *sse);
/* The media type is application/json (parameters ignored). */
bool mcp_http_is_json_type(const char *content_type);
/* "Authorization: Bearer <token>" matches, in constant time. */
bool mcp_http_bearer_ok(const char *authorization, const char *token);
/* Decodes an MCP header value (2026-07-28): optional whitespace around it
 * is dropped; "=?base64?...?=" is strict Base64 (alphabet, padding) of
 * UTF-8; anything else is literal. Returns a malloc'd NUL-terminated
 * string (*len its length), or NULL when the Base64 is invalid or memory
 * runs out (*bad_base64 says which). */
char *mcp_http_decode_value(const char *raw, size_t *len, bool *bad_base64);

/* Looks up a request header by name (case-insensitive); NULL when absent. */
typedef const char *(*mcp_http_header_fn)(void *ctx, const char *name);

/* Checks the Mcp-Param-{Name} headers of a tools/call against the tool's
 * input schema (properties carrying "x-mcp-header") and the body's
 * arguments: a value present in the body needs its header, equal after
 * decoding (strings exactly, integers numerically, booleans as
 * true/false). Returns true when they agree; otherwise false with a reason
 * in why. */
bool mcp_http_check_param_headers(const json_t *input_schema,
                                  const json_t *arguments,
                                  mcp_http_header_fn header, void *ctx,
                                  char *why, size_t why_len);

#ifdef __cplusplus
}
#endif

#endif /* MCP_HTTP_H */
