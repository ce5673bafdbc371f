/*
 * check_http.c - `idsd check --load-into URL`: a small HTTP/1.1 client
 * that pushes each file into a running idsd with one `load_ids` call.
 *
 * Why a hand-written client: the request is always the same shape (one
 * POST, JSON in, JSON out, on a keep-alive connection to one server), and
 * the project takes no new dependency for it. Plain http:// only; https
 * is refused up front, since idsd itself serves plain HTTP on loopback.
 *
 * The wire is the modern era (2026-07-28): no handshake, each request
 * carries its version in params._meta and the headers the server checks
 * (MCP-Protocol-Version, Mcp-Method, Mcp-Name); load_ids without a
 * session_id mints a new session and returns its id, which is exactly
 * "one session per file". A legacy client would need initialize plus a
 * notification per file before its load, three round trips instead of
 * one, and the protocol session it minted would be the document's.
 *
 * Each checker thread owns one connection (check_http_conn); nothing here
 * is shared between threads. A reused connection the server closed in the
 * meantime (idle timeout) fails on its first write or read with no byte
 * of answer; the request is then sent once more on a new connection.
 * That can only load a file twice when the server processed a request and
 * closed before answering, which idsd does not do.
 */
#include "check/check_internal.h"

#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define IO_TIMEOUT_S 120        /* seconds a send or receive may block */
#define MAX_RESPONSE (64u << 20) /* bytes: a load_ids answer is a few KiB */
#define MAX_HEAD 65536u          /* bytes of status line and headers */

bool check_url_parse(const char *url, check_url *u, char *why, size_t why_size)
{
    const char *p, *host_end, *path;
    size_t n;

    memset(u, 0, sizeof *u);
    if (strncasecmp(url, "https://", 8) == 0) {
        snprintf(why, why_size, "--load-into %s: https is not supported; idsd serves "
                 "plain HTTP, give its http:// URL (such as http://127.0.0.1:8080/mcp)", url);
        return false;
    }
    if (strncasecmp(url, "http://", 7) != 0) {
        snprintf(why, why_size, "--load-into '%s': expected an http:// URL such as "
                 "http://127.0.0.1:8080/mcp", url);
        return false;
    }
    p = url + 7;
    path = strchr(p, '/');
    host_end = path ? path : p + strlen(p);
    if (memchr(p, '@', (size_t)(host_end - p)) || memchr(p, '?', (size_t)(host_end - p))) {
        snprintf(why, why_size, "--load-into '%s': user names and queries are not "
                 "supported (give the token with --auth-token)", url);
        return false;
    }
    n = (size_t)(host_end - p);
    if (n == 0 || n >= sizeof u->authority) {
        snprintf(why, why_size, "--load-into '%s': no host", url);
        return false;
    }
    memcpy(u->authority, p, n);
    if (p[0] == '[') {
        const char *close = memchr(p, ']', n);

        if (!close || (size_t)(close - p) - 1 >= sizeof u->host) {
            snprintf(why, why_size, "--load-into '%s': bad IPv6 address", url);
            return false;
        }
        memcpy(u->host, p + 1, (size_t)(close - p) - 1);
        p = close + 1;
    } else {
        const char *colon = memchr(p, ':', n);
        size_t hn = colon ? (size_t)(colon - p) : n;

        if (hn == 0 || hn >= sizeof u->host) {
            snprintf(why, why_size, "--load-into '%s': no host", url);
            return false;
        }
        memcpy(u->host, p, hn);
        p += hn;
    }
    if (p < host_end && *p == ':') {
        size_t pn = (size_t)(host_end - p) - 1;

        if (pn == 0 || pn >= sizeof u->port || strspn(p + 1, "0123456789") < pn) {
            snprintf(why, why_size, "--load-into '%s': bad port", url);
            return false;
        }
        memcpy(u->port, p + 1, pn);
    } else if (p != host_end) {
        snprintf(why, why_size, "--load-into '%s': bad host", url);
        return false;
    } else {
        strcpy(u->port, "80");
    }
    if (!path)
        path = "/";
    if (strlen(path) >= sizeof u->path) {
        snprintf(why, why_size, "--load-into '%s': path too long", url);
        return false;
    }
    for (const char *c = path; *c; c++) {
        if ((unsigned char)*c <= 0x20 || *c == 0x7F) {
            snprintf(why, why_size, "--load-into '%s': the path holds a space or a "
                     "control character", url);
            return false;
        }
    }
    strcpy(u->path, path);
    return true;
}

void check_http_conn_init(check_http_conn *c, const check_url *url, const char *token)
{
    memset(c, 0, sizeof *c);
    c->url = url;
    c->token = token;
    c->fd = -1;
    /* A load_ids answer is a few KiB; room for an oversized header too. */
    c->in.max = MAX_RESPONSE + MAX_HEAD;
}

void check_http_close(check_http_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    base_buf_reset(&c->in);
}

static bool conn_open(check_http_conn *c, char *why, size_t why_size)
{
    struct addrinfo hints, *res = NULL, *ai;
    struct timeval tv = {IO_TIMEOUT_S, 0};
    int rc, one = 1, err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(c->url->host, c->url->port, &hints, &res);
    if (rc != 0) {
        snprintf(why, why_size, "cannot resolve %s: %s", c->url->host, gai_strerror(rc));
        return false;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        /* Head and body go out in one write, but without this the answer
         * to a small request can wait for a delayed ACK. */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            c->fd = fd;
            break;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    if (c->fd < 0) {
        snprintf(why, why_size, "cannot connect to %s: %s", c->url->authority,
                 strerror(err));
        return false;
    }
    return true;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads more bytes into the connection's buffer; 0 at EOF, -1 on error
 * (or an answer over its cap). */
static int fill(check_http_conn *c)
{
    ssize_t r = base_buf_read_once(&c->in, c->fd);

    return r < 0 ? -1 : r > 0;
}

static const char *find_crlfcrlf(const char *p, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
            return p + i;
    return NULL;
}

/* The value of header name in head (lines end in CRLF), or NULL. */
static const char *header_value(const char *head, size_t len, const char *name, size_t *vlen)
{
    size_t n = strlen(name);
    const char *p = memchr(head, '\n', len), *end = head + len;

    while (p && p + 1 < end) {
        const char *line = p + 1, *eol = memchr(line, '\r', (size_t)(end - line));

        if (!eol)
            break;
        if ((size_t)(eol - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;

            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            *vlen = (size_t)(eol - v);
            return v;
        }
        p = memchr(eol, '\n', (size_t)(end - eol));
    }
    return NULL;
}

/* Walks a chunked body from c->in.data + start. With apply false it only
 * checks that the whole body has arrived (returns 1; 0 = need more bytes,
 * -1 = malformed); with apply true it then decodes it in place and sets
 * *len. Two passes, so a partial body is never half rewritten. */
static int dechunk(check_http_conn *c, size_t start, bool apply, size_t *len)
{
    size_t in = start, out = start;

    for (;;) {
        char *eol, *endp;
        unsigned long size;

        eol = memchr(c->in.data + in, '\n', c->in.len - in);
        if (!eol)
            return 0;
        size = strtoul(c->in.data + in, &endp, 16);
        if (endp == c->in.data + in || size > MAX_RESPONSE)
            return -1;
        in = (size_t)(eol - c->in.data) + 1;
        if (size == 0) {
            /* Trailers (none expected) end with an empty line. */
            for (;;) {
                char *l = memchr(c->in.data + in, '\n', c->in.len - in);

                if (!l)
                    return 0;
                if (l == c->in.data + in ||
                    (l == c->in.data + in + 1 && c->in.data[in] == '\r'))
                    break;
                in = (size_t)(l - c->in.data) + 1;
            }
            if (apply)
                *len = out - start;
            return 1;
        }
        if (c->in.len - in < size + 2)
            return 0;
        if (apply)
            memmove(c->in.data + out, c->in.data + in, size);
        out += size;
        in += size + 2;
    }
}

/* One request, one answer. Returns false with why set on a transport
 * error; *answered tells whether any byte of an answer arrived (a reused
 * connection that failed before that may be retried). */
static bool exchange(check_http_conn *c, const char *req, size_t req_len,
                     check_http_answer *ans, bool *answered, char *why, size_t why_size)
{
    const char *hdr_end = NULL, *v;
    size_t head_len = 0, vlen, body_at;
    long long content_length = -1;
    bool chunked = false, close_after = false;
    int rc;

    *answered = false;
    base_buf_reset(&c->in);
    if (!send_all(c->fd, req, req_len)) {
        snprintf(why, why_size, "sending to %s failed: %s", c->url->authority,
                 strerror(errno));
        return false;
    }
    while (!hdr_end) {
        rc = fill(c);
        if (rc <= 0) {
            snprintf(why, why_size, "%s closed the connection%s%s", c->url->authority,
                     rc < 0 ? ": " : " without an answer", rc < 0 ? strerror(errno) : "");
            return false;
        }
        *answered = true;
        hdr_end = find_crlfcrlf(c->in.data, c->in.len);
        if (!hdr_end && c->in.len > MAX_HEAD) {
            snprintf(why, why_size, "%s sent an oversized header", c->url->authority);
            return false;
        }
    }
    head_len = (size_t)(hdr_end - c->in.data) + 2;
    body_at = head_len + 2;
    if (c->in.len < 12 || strncmp(c->in.data, "HTTP/1.", 7) != 0) {
        snprintf(why, why_size, "%s did not answer HTTP", c->url->authority);
        return false;
    }
    ans->status = atoi(c->in.data + 9);
    v = header_value(c->in.data, head_len, "Content-Length", &vlen);
    if (v)
        content_length = strtoll(v, NULL, 10);
    v = header_value(c->in.data, head_len, "Transfer-Encoding", &vlen);
    if (v && vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0)
        chunked = true;
    v = header_value(c->in.data, head_len, "Connection", &vlen);
    if (v && vlen == 5 && strncasecmp(v, "close", 5) == 0)
        close_after = true;
    v = header_value(c->in.data, head_len, "Content-Type", &vlen);
    ans->event_stream = v && vlen >= sizeof BASE_HTTP_EVENT_STREAM - 1 &&
                        strncasecmp(v, BASE_HTTP_EVENT_STREAM,
                                    sizeof BASE_HTTP_EVENT_STREAM - 1) == 0;

    if (chunked) {
        int st;

        while ((st = dechunk(c, body_at, false, NULL)) == 0) {
            if (fill(c) <= 0)
                break;
        }
        if (st != 1) {
            snprintf(why, why_size, "%s sent a broken chunked answer", c->url->authority);
            return false;
        }
        dechunk(c, body_at, true, &ans->body_len);
        ans->body = c->in.data + body_at;
        /* Chunked answers end the exchange; nothing else is pipelined. */
    } else if (content_length >= 0) {
        if ((unsigned long long)content_length > MAX_RESPONSE) {
            snprintf(why, why_size, "%s sent an answer over %u bytes", c->url->authority,
                     MAX_RESPONSE);
            return false;
        }
        while (c->in.len - body_at < (size_t)content_length) {
            if (fill(c) <= 0) {
                snprintf(why, why_size, "%s closed the connection mid-answer",
                         c->url->authority);
                return false;
            }
        }
        ans->body = c->in.data + body_at;
        ans->body_len = (size_t)content_length;
    } else {
        /* No length: the body runs to the end of the connection. */
        while ((rc = fill(c)) > 0)
            ;
        if (rc < 0) {
            snprintf(why, why_size, "reading from %s failed", c->url->authority);
            return false;
        }
        ans->body = c->in.data + body_at;
        ans->body_len = c->in.len - body_at;
        close_after = true;
    }
    if (close_after)
        ans->close_after = true;
    return true;
}

bool check_http_post(check_http_conn *c, const char *const *headers, const char *body,
                     size_t body_len, check_http_answer *ans, char *why, size_t why_size)
{
    base_buf req = {0};
    bool ok = false;

    memset(ans, 0, sizeof *ans);
    base_buf_printf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\n"
                     "Content-Type: " BASE_HTTP_JSON "\r\n"
                     "Accept: " BASE_HTTP_JSON ", " BASE_HTTP_EVENT_STREAM "\r\n"
                     "Content-Length: %zu\r\n", c->url->path, c->url->authority, body_len);
    if (c->token)
        base_buf_printf(&req, "Authorization: Bearer %s\r\n", c->token);
    for (size_t i = 0; headers && headers[i]; i++)
        base_buf_printf(&req, "%s\r\n", headers[i]);
    base_buf_append_str(&req, "\r\n");
    base_buf_append(&req, body, body_len);
    if (req.error != BASE_OK) {
        snprintf(why, why_size, "out of memory building the request");
        goto out;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        bool reused = c->fd >= 0, answered = false;

        if (!reused && !conn_open(c, why, why_size))
            goto out;
        if (exchange(c, req.data, req.len, ans, &answered, why, why_size)) {
            ok = true;
            break;
        }
        check_http_close(c);
        if (!reused || answered)
            break;
    }
out:
    base_buf_free(&req);
    return ok;
}

void check_http_done(check_http_conn *c, const check_http_answer *ans)
{
    if (ans->close_after)
        check_http_close(c);
}

void check_http_free(check_http_conn *c)
{
    check_http_close(c);
    base_buf_free(&c->in);
}

/* ---- load_ids ---- */

/* The JSON-RPC body of an event-stream answer: the data of its last
 * message event (the response comes after any notification). */
static json_t *parse_answer(const check_http_answer *ans, json_error_t *jerr)
{
    const char *p, *end, *last = NULL;
    size_t last_len = 0;

    if (!ans->event_stream)
        return json_loadb(ans->body, ans->body_len, 0, jerr);
    p = ans->body;
    end = ans->body + ans->body_len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

        if (n >= 5 && strncmp(p, "data:", 5) == 0) {
            last = p + 5;
            last_len = n - 5;
            if (last_len && last[last_len - 1] == '\r')
                last_len--;
        }
        p += n + 1;
    }
    if (!last)
        return NULL;
    return json_loadb(last, last_len, 0, jerr);
}

static void set_message(check_load *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_message(check_load *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    base_utf8_vformat(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

void check_load_ids(check_http_conn *c, const char *xml, size_t len, long long request_id,
                    check_load *out)
{
    static const char *const headers[] = {
        BASE_HTTP_PROTOCOL_VERSION ": " BASE_MCP_VERSION_2026_07_28,
        BASE_HTTP_METHOD ": tools/call",
        BASE_HTTP_NAME ": load_ids",
        NULL
    };
    json_t *req = NULL, *resp = NULL, *source;
    char *body = NULL;
    check_http_answer ans;
    json_error_t jerr;
    json_t *result, *sc, *err;
    const char *sid;
    char why[256];

    memset(out, 0, sizeof *out);
    source = json_stringn(xml, len);
    if (!source) {
        set_message(out, "not sent: the file is not UTF-8 text (or holds a NUL byte), "
                    "so it cannot travel as a JSON string");
        out->content_fault = true;
        return;
    }
    req = json_pack("{s:s, s:I, s:s, s:{s:s, s:{s:o, s:s}, s:{s:s, s:{}}}}",
                    "jsonrpc", BASE_JSONRPC_VERSION, "id", (json_int_t)request_id, "method", "tools/call",
                    "params", "name", "load_ids", "arguments", "source", source,
                    "source_type", "string", "_meta",
                    BASE_META_PROTOCOL_VERSION, BASE_MCP_VERSION_2026_07_28,
                    BASE_META_CLIENT_CAPABILITIES);
    if (req)
        body = json_dumps(req, JSON_COMPACT);
    if (!body) {
        set_message(out, "out of memory building the request");
        goto out;
    }
    if (!check_http_post(c, headers, body, strlen(body), &ans, why, sizeof why)) {
        set_message(out, "%s", why);
        goto out;
    }
    out->http_status = ans.status;
    resp = parse_answer(&ans, &jerr);
    err = resp ? json_object_get(resp, "error") : NULL;
    if (ans.status != 200) {
        const char *m = err ? json_string_value(json_object_get(err, "message")) : NULL;

        if (ans.status == 401)
            set_message(out, "server refused: HTTP 401 (it needs a bearer token: give "
                        "--auth-token or IDSD_AUTH_TOKEN)");
        else
            set_message(out, "server refused: HTTP %d%s%s", ans.status, m ? ": " : "",
                        m ? m : "");
        goto done;
    }
    if (!resp) {
        set_message(out, "the server's answer is not JSON");
        goto done;
    }
    if (err) {
        const char *m = json_string_value(json_object_get(err, "message"));

        set_message(out, "server refused: %s", m ? m : "JSON-RPC error");
        goto done;
    }
    result = json_object_get(resp, "result");
    sc = json_object_get(result, "structuredContent");
    if (json_is_true(json_object_get(result, "isError"))) {
        json_t *e = json_object_get(sc, "error");
        const char *m = json_string_value(json_object_get(e, "message"));

        /* The error object is in structuredContent when the server sends
         * one; the text content always carries the message. */
        if (!m)
            m = json_string_value(json_object_get(
                json_array_get(json_object_get(result, "content"), 0), "text"));
        set_message(out, "server refused: %s", m ? m : "load_ids failed");
        /* A tool-level refusal is about the document (or a server limit);
         * the caller decides with its own verdict on the file. */
        out->content_fault = true;
        goto done;
    }
    sid = json_string_value(json_object_get(sc, "session_id"));
    if (!sid || strlen(sid) >= sizeof out->session_id) {
        set_message(out, "the server's answer carries no session_id");
        goto done;
    }
    strcpy(out->session_id, sid);
    out->loaded = true;
    out->server_valid = json_is_true(json_object_get(json_object_get(sc, "validation"),
                                                     "valid"));
done:
    check_http_done(c, &ans);
out:
    free(body);
    json_decref(req);
    json_decref(resp);
}
