/*
 * http_client.h - a tiny blocking HTTP/1.1 client for the HTTP transport's
 * unit tests: one request per connection (Connection: close), the whole
 * response read into memory. Not a general client: enough to talk to
 * idsd's own server in-process.
 */
#ifndef HTTP_CLIENT_H
#define HTTP_CLIENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct http_response {
    int status;
    char *head;      /* status line and headers */
    char *body;      /* NUL-terminated */
    size_t body_len;
} http_response;

static void http_response_free(http_response *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* A header's value in r->head (copied into buf), or NULL. */
static const char *http_header(const http_response *r, const char *name,
                               char *buf, size_t size)
{
    size_t n = strlen(name);

    for (const char *p = r->head; p && *p; ) {
        const char *eol = strstr(p, "\r\n");

        if (!eol)
            break;
        if ((size_t)(eol - p) > n + 1 && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            size_t len;

            while (*v == ' ')
                v++;
            len = (size_t)(eol - v);
            if (len >= size)
                len = size - 1;
            memcpy(buf, v, len);
            buf[len] = '\0';
            return buf;
        }
        p = eol + 2;
    }
    return NULL;
}

/* Decodes a chunked body in place. */
static void http_dechunk(http_response *r)
{
    char *in = r->body, *out = r->body;
    char *end = r->body + r->body_len;

    while (in < end) {
        char *eol = strstr(in, "\r\n");
        unsigned long n;

        if (!eol)
            break;
        n = strtoul(in, NULL, 16);
        in = eol + 2;
        if (n == 0 || in + n > end)
            break;
        memmove(out, in, n);
        out += n;
        in += n + 2;
    }
    *out = '\0';
    r->body_len = (size_t)(out - r->body);
}

/* Seconds a response may take before http_raw gives up (a test that
 * expects an answer "at once" lowers it, so a stall fails instead of
 * hanging). */
static int http_timeout_s = 30;

/* Sends raw request bytes to 127.0.0.1:port and reads until the server
 * closes. Returns 0, or -1 when the connection failed. */
static int http_raw(unsigned short port, const char *req, size_t req_len,
                    http_response *r)
{
    struct sockaddr_in sa;
    struct timeval tv = {http_timeout_s, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    char *sep;

    memset(r, 0, sizeof *r);
    if (fd < 0 || !buf)
        goto fail;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto fail;
    for (size_t off = 0; off < req_len; ) {
        ssize_t w = send(fd, req + off, req_len - off, MSG_NOSIGNAL);

        if (w <= 0)
            break;   /* the server may answer (413) before reading it all */
        off += (size_t)w;
    }
    /* No half-close: the server may take a client that shuts its side
     * down while a request is being worked on for one that went away. */
    for (;;) {
        ssize_t got;

        if (len == cap) {
            char *g = realloc(buf, cap * 2 + 1);

            if (!g)
                goto fail;
            buf = g;
            cap *= 2;
        }
        got = recv(fd, buf + len, cap - len, 0);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    fd = -1;
    buf[len] = '\0';
    sep = strstr(buf, "\r\n\r\n");
    if (!sep || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1)
        goto fail;
    r->head = strndup(buf, (size_t)(sep - buf) + 2);
    r->body_len = len - (size_t)(sep + 4 - buf);
    r->body = malloc(r->body_len + 1);
    if (!r->head || !r->body)
        goto fail;
    memcpy(r->body, sep + 4, r->body_len);
    r->body[r->body_len] = '\0';
    {
        char te[64];

        if (http_header(r, "Transfer-Encoding", te, sizeof te) && strcasecmp(te, "chunked") == 0)
            http_dechunk(r);
    }
    free(buf);
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    free(buf);
    http_response_free(r);
    return -1;
}

/* A request with the given method, extra header lines ("Name: v\r\n"...)
 * and body (may be NULL). */
static int http_do(unsigned short port, const char *method, const char *path,
                   const char *headers, const char *body, http_response *r)
{
    size_t blen = body ? strlen(body) : 0;
    size_t n = strlen(method) + strlen(path) + (headers ? strlen(headers) : 0) + blen + 256;
    char *req = malloc(n);
    int rc;

    if (!req)
        return -1;
    snprintf(req, n, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n"
             "%s%s%s\r\n%s", method, path, port, headers ? headers : "",
             body ? "Content-Type: application/json\r\n" : "", "", body ? body : "");
    if (body) {
        /* Content-Length goes among the headers, before the blank line. */
        char *blank = strstr(req, "\r\n\r\n");
        char cl[48];
        size_t cll = (size_t)snprintf(cl, sizeof cl, "\r\nContent-Length: %zu", blen);
        char *req2 = malloc(n + cll);

        if (!req2) {
            free(req);
            return -1;
        }
        memcpy(req2, req, (size_t)(blank - req));
        memcpy(req2 + (blank - req), cl, cll);
        strcpy(req2 + (blank - req) + cll, blank);
        free(req);
        req = req2;
    }
    rc = http_raw(port, req, strlen(req), r);
    free(req);
    return rc;
}

#endif
