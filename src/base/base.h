/*
 * base.h - what every module of idsd may use and none owns: a growable
 * byte buffer, the JSON reader, writer and small-block allocator, and the
 * names MCP puts on the wire (HTTP headers, protocol versions, _meta
 * keys). Depends on nothing of ours; the JSON parts use jansson.
 *
 * Errors are values: a buffer remembers its first failure (out of memory,
 * over its size cap, invalid text) and refuses every later append, so a
 * writer can append a run of pieces and look once at the end.
 */
#ifndef BASE_H
#define BASE_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum base_status {
    BASE_OK = 0,
    BASE_NOMEM,     /* out of memory */
    BASE_TOO_BIG,   /* the buffer's size cap would be passed */
    BASE_INVALID,   /* the JSON writer met a string that is not UTF-8 */
    BASE_IO         /* reading failed; errno says why */
} base_status;

const char *base_status_name(base_status status);

/* ---- the growable buffer (buf.c) ---------------------------------------- */

/*
 * Bytes [0, len) of data, always followed by a NUL once anything was
 * appended, so the text can be used as a C string. Start it zeroed, with
 * max set for a cap:
 *
 *     base_buf b = {.max = limit};   (or {0}: no cap)
 *
 * cap is the room usable for content plus the NUL, never more than the
 * allocation and never more than max + 1; after a failure it is shrunk to
 * len + 1, so the inline fast paths below send every later append to the
 * slow path, which refuses it. Fields are read-only for users except
 * through these functions.
 */
typedef struct base_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;          /* most bytes of content; 0 = no cap */
    base_status error;   /* the first failure; BASE_OK while none */
} base_buf;

/* The slow path of the appends: grows, honours the cap and the error. */
bool base_buf_append_slow(base_buf *b, const void *data, size_t n);

/* Appends n bytes. false (and the buffer failed) when memory runs out or
 * the cap would be passed, or when it had failed before. */
static inline bool base_buf_append(base_buf *b, const void *data, size_t n)
{
    if (n >= b->cap - b->len)
        return base_buf_append_slow(b, data, n);
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

static inline bool base_buf_append_char(base_buf *b, char c)
{
    if (b->cap - b->len < 2)
        return base_buf_append_slow(b, &c, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return true;
}

static inline bool base_buf_append_str(base_buf *b, const char *s)
{
    return base_buf_append(b, s, strlen(s));
}

/* A string literal, without strlen. */
#define BASE_BUF_LITERAL(b, lit) base_buf_append((b), (lit), sizeof(lit) - 1)

bool base_buf_printf(base_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool base_buf_vprintf(base_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Makes room for extra more bytes of content without appending them;
 * false as for an append. */
bool base_buf_reserve(base_buf *b, size_t extra);
/* Appends n bytes left for the caller to fill (an element of an array
 * kept in the buffer) and returns where they start; NULL as for an
 * append. The address is valid until the next append. */
void *base_buf_extend(base_buf *b, size_t n);

/* Marks the buffer failed (a writer's own reason, such as BASE_INVALID);
 * the first failure stays. */
void base_buf_fail(base_buf *b, base_status why);

/* Hands the content over: a malloc'd NUL-terminated string ("" when
 * nothing was appended) the caller frees, with *len its length when len
 * is not NULL. NULL when the buffer had failed or memory runs out. The
 * buffer is empty and unfailed afterwards, max kept. */
char *base_buf_take(base_buf *b, size_t *len);
/* Empties the buffer and clears its failure; the memory is kept. */
void base_buf_reset(base_buf *b);
/* Frees the memory; the buffer is empty and unfailed, max kept. */
void base_buf_free(base_buf *b);

/* Appends everything fd gives until end of file. BASE_TOO_BIG when the
 * content would pass the cap (the rest is not read), BASE_IO with errno
 * set when a read fails. */
base_status base_buf_read_fd(base_buf *b, int fd);
/* The same for the file at path (opened and closed here). */
base_status base_buf_read_file(base_buf *b, const char *path);
/* One read(2) from fd appended (a socket's answer as it arrives): the
 * bytes read, 0 at end of file, -1 when the read fails (errno set) or no
 * room can be made (the buffer's error says which). */
long base_buf_read_once(base_buf *b, int fd);

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s, reading at most avail
 * bytes (1 for ASCII, NUL included), 0 when it is not one: no overlong
 * forms, no surrogates, nothing above U+10FFFF (jansson's rules). */
size_t base_utf8_len(const unsigned char *s, size_t avail);

/* Text in bounded buffers (utf8.c).
 *
 * Every message that quotes a value, and every fixed buffer a message is
 * written into, goes through these, so that what comes out is valid UTF-8
 * whatever came in: a cut falls on a character boundary and is marked with
 * "...", and a byte that starts no valid sequence becomes U+FFFD. Strict
 * decoding: no overlong forms, no surrogates, nothing above U+10FFFF. */

/* True when the len bytes at text are valid UTF-8. */
bool base_utf8_valid(const char *text, size_t len);
/* Writes text (len bytes; NULL reads as empty) into buf (size bytes) as
 * valid UTF-8, NUL-terminated: at most size - 1 bytes, cut after the last
 * whole character that fits and then ending in "..." (when size allows
 * it). Returns buf. */
char *base_utf8_copy(char *buf, size_t size, const char *text, size_t len);
/* base_utf8_copy of a NUL-terminated value, for quoting what a user sent in
 * a message: "'%s'" with base_quote(buf, sizeof buf, value). */
const char *base_quote(char *buf, size_t size, const char *value);
/* base_quote into a temporary of max_bytes + 1 bytes that lives until the
 * end of the enclosing block, so it can stand in an argument list:
 * ids_err(..., "name '%s' ...", BASE_QUOTE(name, 80)). */
#define BASE_QUOTE(value, max_bytes) \
    base_quote((char[(max_bytes) + 1]){0}, (size_t)(max_bytes) + 1, (value))
/* vsnprintf whose result is always valid UTF-8 (cut as base_utf8_copy cuts;
 * bytes that are not UTF-8 become U+FFFD, or '?' if no memory is left to
 * redo the text). Returns the bytes written, without the NUL. */
size_t base_utf8_vformat(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
size_t base_utf8_format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A malloc'd valid UTF-8 copy of text (len bytes), nothing cut; NULL when
 * out of memory. */
char *base_utf8_dup(const char *text, size_t len);
/* The formatter's fallback when no memory is left to make a text again:
 * buf (size bytes) holds snprintf's output, cut when cut is true. Ends it
 * on a character boundary (then with "..."), turns bytes that start no
 * sequence into '?', in place; returns its length. Public for tests. */
size_t base_utf8_repair(char *buf, size_t size, bool cut);

/* ---- JSON text (json_read.c, json_write.c) ---------------------------------- */

/* json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, err),
 * faster for well-formed messages (json_read.c says how). */
json_t *base_json_read(const char *text, size_t len, json_error_t *err);
/* Only the fast path: NULL when it gave up (which says nothing about
 * whether the text is valid JSON). For tests. */
json_t *base_json_read_fast(const char *text, size_t len);

/* The text json_dumps(value, JSON_COMPACT) gives, made without jansson's
 * per-container bookkeeping (json_write.c says why). value must be an
 * object or an array. A malloc'd string the caller frees, or NULL on
 * failure (out of memory, invalid UTF-8 in a string, a cycle). */
char *base_json_dumps(const json_t *value);
/* Appends str (len bytes) as a quoted, escaped JSON string; invalid UTF-8
 * fails the buffer with BASE_INVALID. */
bool base_json_put_string(base_buf *b, const char *str, size_t len);
/* Appends any value, containers or scalars, as base_json_dumps writes it. */
bool base_json_put_value(base_buf *b, const json_t *value);
/* Appends a real as jansson writes it with JSON_REAL_PRECISION(precision)
 * (1-31; 0 = jansson's default of 17 digits). */
bool base_json_put_real(base_buf *b, double value, int precision);

/* ---- jansson's allocator (json_alloc.c) ------------------------------------ */

/* Makes jansson allocate through a per-thread cache of small blocks
 * (json_alloc.c says why). Call once, before the first jansson value is
 * made; every block it hands out is an ordinary malloc chunk. */
void base_json_alloc_install(void);
/* Gives the calling thread's cached blocks back to malloc. Threads do it
 * when they end; the main thread calls it before exit. */
void base_json_alloc_thread_flush(void);
/* How many blocks the calling thread holds in its cache (for tests). */
size_t base_json_alloc_cached_blocks(void);

/* ---- names on the wire ------------------------------------------------------ */

/* MCP revisions: three legacy ones (initialize, Mcp-Session-Id) and the
 * stateless 2026-07-28. */
#define BASE_MCP_VERSION_2025_03_26 "2025-03-26"
#define BASE_MCP_VERSION_2025_06_18 "2025-06-18"
#define BASE_MCP_VERSION_2025_11_25 "2025-11-25"
#define BASE_MCP_VERSION_2026_07_28 "2026-07-28"

#define BASE_JSONRPC_VERSION "2.0"

/* HTTP request and response headers of the Streamable HTTP transport. */
#define BASE_HTTP_PROTOCOL_VERSION "MCP-Protocol-Version"
#define BASE_HTTP_SESSION_ID "Mcp-Session-Id"
#define BASE_HTTP_METHOD "Mcp-Method"
#define BASE_HTTP_NAME "Mcp-Name"
#define BASE_HTTP_PARAM_PREFIX "Mcp-Param-"
#define BASE_HTTP_JSON "application/json"
#define BASE_HTTP_EVENT_STREAM "text/event-stream"

/* Keys of params._meta (2026-07-28) and of result _meta. */
#define BASE_META_PROTOCOL_VERSION "io.modelcontextprotocol/protocolVersion"
#define BASE_META_CLIENT_INFO "io.modelcontextprotocol/clientInfo"
#define BASE_META_CLIENT_CAPABILITIES "io.modelcontextprotocol/clientCapabilities"
#define BASE_META_LOG_LEVEL "io.modelcontextprotocol/logLevel"
#define BASE_META_SERVER_INFO "io.modelcontextprotocol/serverInfo"
#define BASE_META_SUBSCRIPTION_ID "io.modelcontextprotocol/subscriptionId"

/* ---- time ---------------------------------------------------------------- */

/* Now on clock plus ms: the deadline a pthread_cond_timedwait takes (its
 * condition variable must wait on the same clock). */
struct timespec base_deadline_ms(clockid_t clock, long ms);

#ifdef __cplusplus
}
#endif

#endif /* BASE_H */
