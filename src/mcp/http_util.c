/*
 * http_util.c - the pure parts of the HTTP transport: listen addresses,
 * Origin and Host checks, Accept and Content-Type, bearer tokens, and the
 * 2026-07-28 header value encoding (RFC 9110 field values, with a Base64
 * sentinel for what a field value cannot carry).
 *
 * Every input here comes straight from a client: bounded loops, no
 * allocation except the decoded value, no assumption about length.
 */
#include "mcp/mcp_http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BASE64_PREFIX "=?base64?"
#define BASE64_SUFFIX "?="

bool mcp_http_parse_listen(const char *text, char *host, size_t host_size,
                           uint16_t *port)
{
    const char *colon, *hs, *he;
    unsigned long v = 0;
    size_t hlen;

    if (!text || !host || host_size == 0)
        return false;
    if (text[0] == '[') {
        he = strchr(text, ']');
        if (!he || he[1] != ':')
            return false;
        hs = text + 1;
        colon = he + 1;
    } else {
        colon = strrchr(text, ':');
        if (!colon)
            return false;
        hs = text;
        he = colon;
        if (memchr(hs, ':', (size_t)(he - hs)))
            return false;   /* a bare IPv6 address needs brackets */
    }
    if (!colon[1] || strlen(colon + 1) > 5)
        return false;
    for (const char *p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v > 65535)
        return false;
    hlen = (size_t)(he - hs);
    if (hlen >= host_size)
        return false;
    memcpy(host, hs, hlen);
    host[hlen] = '\0';
    *port = (uint16_t)v;
    return true;
}

/* Splits "scheme://host[:port]" into its parts; the host keeps its IPv6
 * brackets. Nothing may follow the port (an Origin has no path). */
static bool split_origin(const char *o, const char **scheme, size_t *slen,
                         const char **host, size_t *hlen, const char **port,
                         size_t *plen)
{
    const char *sep = strstr(o, "://");
    const char *h, *p, *end;

    if (!sep || sep == o)
        return false;
    *scheme = o;
    *slen = (size_t)(sep - o);
    h = sep + 3;
    end = h + strlen(h);
    if (*h == '[') {
        const char *rb = strchr(h, ']');

        if (!rb)
            return false;
        p = rb + 1;
    } else {
        p = h;
        while (p < end && *p != ':' && *p != '/')
            p++;
    }
    *host = h;
    *hlen = (size_t)(p - h);
    if (*hlen == 0)
        return false;
    if (p < end && *p == ':') {
        *port = p + 1;
        *plen = (size_t)(end - p - 1);
        if (*plen == 0)
            return false;
        for (size_t i = 0; i < *plen; i++) {
            if (!((*port)[i] >= '0' && (*port)[i] <= '9') &&
                !((*port)[i] == '*' && *plen == 1))
                return false;
        }
    } else if (p < end) {
        return false;
    } else {
        *port = NULL;
        *plen = 0;
    }
    return true;
}

static bool is_loopback_name(const char *h, size_t n)
{
    return (n == 9 && strncasecmp(h, "localhost", 9) == 0) ||
           (n == 9 && strncmp(h, "127.0.0.1", 9) == 0) ||
           (n == 5 && strncmp(h, "[::1]", 5) == 0);
}

static bool origin_matches(const char *origin, const char *pattern)
{
    const char *s1, *h1, *p1, *s2, *h2, *p2;
    size_t sl1, hl1, pl1, sl2, hl2, pl2;

    if (strcmp(pattern, "*") == 0)
        return true;
    if (!split_origin(origin, &s1, &sl1, &h1, &hl1, &p1, &pl1) ||
        !split_origin(pattern, &s2, &sl2, &h2, &hl2, &p2, &pl2))
        return false;
    if (sl1 != sl2 || strncasecmp(s1, s2, sl1) != 0 || hl1 != hl2 ||
        strncasecmp(h1, h2, hl1) != 0)
        return false;
    if (pl2 == 1 && p2[0] == '*')
        return true;
    return pl1 == pl2 && (pl1 == 0 || memcmp(p1, p2, pl1) == 0);
}

bool mcp_http_origin_allowed(const char *origin, const char *const *allowed,
                             size_t n)
{
    const char *s, *h, *p;
    size_t sl, hl, pl;

    if (!origin)
        return false;
    if (n == 0) {
        if (!split_origin(origin, &s, &sl, &h, &hl, &p, &pl) ||
            (pl == 1 && p[0] == '*'))
            return false;
        if (!((sl == 4 && strncasecmp(s, "http", 4) == 0) ||
              (sl == 5 && strncasecmp(s, "https", 5) == 0)))
            return false;
        return is_loopback_name(h, hl);
    }
    for (size_t i = 0; i < n; i++) {
        if (allowed[i] && origin_matches(origin, allowed[i]))
            return true;
    }
    return false;
}

bool mcp_http_host_is_loopback(const char *host)
{
    size_t n;
    const char *colon;

    if (!host)
        return false;
    n = strlen(host);
    if (host[0] == '[') {
        const char *rb = strchr(host, ']');

        if (!rb)
            return false;
        colon = rb[1] == ':' ? rb + 1 : NULL;
        if (!colon && rb[1])
            return false;
    } else {
        colon = strchr(host, ':');
    }
    if (colon) {
        if (!colon[1])
            return false;
        for (const char *p = colon + 1; *p; p++) {
            if (*p < '0' || *p > '9')
                return false;
        }
        n = (size_t)(colon - host);
    }
    return is_loopback_name(host, n);
}

/* One media range of an Accept header: its type and whether q > 0. */
static void accept_range(const char *r, size_t n, bool *json, bool *sse)
{
    const char *semi = memchr(r, ';', n);
    size_t tlen = semi ? (size_t)(semi - r) : n;
    bool zero = false;

    while (tlen && (r[tlen - 1] == ' ' || r[tlen - 1] == '\t'))
        tlen--;
    if (semi) {
        /* "q=0", "q=0.0", "q=0.000" refuse the range. */
        for (const char *p = semi; p < r + n; p++) {
            if ((*p == 'q' || *p == 'Q') && p + 1 < r + n && p[1] == '=') {
                const char *v = p + 2;

                zero = v < r + n && *v == '0';
                for (v++; zero && v < r + n && *v != ';' && *v != ' '; v++)
                    zero = *v == '.' || *v == '0';
            }
        }
    }
    if (zero)
        return;
    if ((tlen == 3 && strncmp(r, "*/*", 3) == 0) ||
        (tlen == 13 && strncasecmp(r, "application/*", 13) == 0) ||
        (tlen == 16 && strncasecmp(r, "application/json", 16) == 0))
        *json = true;
    if ((tlen == 3 && strncmp(r, "*/*", 3) == 0) ||
        (tlen == 6 && strncasecmp(r, "text/*", 6) == 0) ||
        (tlen == 17 && strncasecmp(r, "text/event-stream", 17) == 0))
        *sse = true;
}

void mcp_http_accepts(const char *accept, bool *json, bool *sse)
{
    const char *p = accept;

    *json = *sse = accept == NULL;
    if (!accept)
        return;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);

        while (n && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        if (n)
            accept_range(p, n, json, sse);
        if (!comma)
            break;
        p = comma + 1;
    }
}

bool mcp_http_is_json_type(const char *ct)
{
    size_t n;

    if (!ct)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    n = strcspn(ct, "; \t");
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

bool mcp_http_bearer_ok(const char *authorization, const char *token)
{
    size_t tlen, glen;
    const char *given;
    unsigned char diff = 0;

    if (!token || !token[0])
        return true;
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
        return false;
    given = authorization + 7;
    while (*given == ' ')
        given++;
    glen = strlen(given);
    while (glen && (given[glen - 1] == ' ' || given[glen - 1] == '\t'))
        glen--;
    tlen = strlen(token);
    /* Every byte of the token is compared whatever the given length, so
     * the time taken tells nothing about how much of it matched. */
    for (size_t i = 0; i < tlen; i++)
        diff |= (unsigned char)(token[i] ^ (i < glen ? given[i] : 0));
    return diff == 0 && glen == tlen;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Strict RFC 4648 Base64: length a multiple of 4, padding only at the end,
 * no other characters. */
static char *b64_decode(const char *s, size_t n, size_t *out_len)
{
    char *out;
    size_t o = 0;

    if (n % 4 != 0)
        return NULL;
    out = malloc(n / 4 * 3 + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;

        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)s[i + k];

            if (c == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
                continue;
            }
            v[k] = pad ? -1 : b64_value(c);
            if (v[k] < 0) {
                free(out);
                return NULL;
            }
        }
        if (pad == 1 && v[2] < 0) {
            free(out);
            return NULL;
        }
        out[o++] = (char)((v[0] << 2) | (v[1] >> 4));
        if (pad < 2)
            out[o++] = (char)(((v[1] & 15) << 4) | (v[2] >> 2));
        if (pad < 1)
            out[o++] = (char)(((v[2] & 3) << 6) | v[3]);
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

char *mcp_http_decode_value(const char *raw, size_t *len, bool *bad_base64)
{
    const char *s = raw;
    size_t n;
    char *out;
    size_t plen = strlen(BASE64_PREFIX), slen = strlen(BASE64_SUFFIX);

    *bad_base64 = false;
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= plen + slen && strncmp(s, BASE64_PREFIX, plen) == 0 &&
        strncmp(s + n - slen, BASE64_SUFFIX, slen) == 0) {
        out = b64_decode(s + plen, n - plen - slen, len);
        if (!out || memchr(out, '\0', *len)) {
            *bad_base64 = true;
            free(out);
            return NULL;
        }
        return out;
    }
    out = malloc(n + 1);
    if (!out)
        return NULL;
    memcpy(out, s, n);
    out[n] = '\0';
    *len = n;
    return out;
}

/* The header form of a body value: strings as they are, integers in
 * decimal, booleans as true/false; anything else has no header form. */
static bool value_text(const json_t *v, char *buf, size_t size, const char **text)
{
    if (json_is_string(v)) {
        *text = json_string_value(v);
        return true;
    }
    if (json_is_integer(v)) {
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *text = buf;
        return true;
    }
    if (json_is_boolean(v)) {
        *text = json_is_true(v) ? "true" : "false";
        return true;
    }
    return false;
}

bool mcp_http_check_param_headers(const json_t *input_schema,
                                  const json_t *arguments,
                                  mcp_http_header_fn header, void *ctx,
                                  char *why, size_t why_len)
{
    json_t *props = json_object_get(input_schema, "properties");
    const char *key;
    json_t *prop;

    if (!json_is_object(props))
        return true;
    json_object_foreach(props, key, prop) {
        json_t *name = json_object_get(prop, "x-mcp-header");
        json_t *value = json_is_object(arguments) ? json_object_get(arguments, key) : NULL;
        char hname[128], num[32];
        const char *raw, *want;
        char *got;
        size_t glen;
        bool bad, same;

        if (!json_is_string(name) || json_string_length(name) > 100)
            continue;
        /* An absent or null value is sent without its header. */
        if (!value || json_is_null(value) || !value_text(value, num, sizeof num, &want))
            continue;
        /* At most 100 bytes of name (checked above): it fits. */
        memcpy(hname, BASE_HTTP_PARAM_PREFIX, sizeof BASE_HTTP_PARAM_PREFIX - 1);
        memcpy(hname + sizeof BASE_HTTP_PARAM_PREFIX - 1, json_string_value(name),
               json_string_length(name) + 1);
        raw = header(ctx, hname);
        if (!raw) {
            snprintf(why, why_len, "Header mismatch: argument \"%s\" is in the "
                     "body but the %s header is missing", BASE_QUOTE(key, 60), hname);
            return false;
        }
        got = mcp_http_decode_value(raw, &glen, &bad);
        if (!got) {
            snprintf(why, why_len, bad ? "Header mismatch: %s is not valid "
                     "=?base64?...?= (alphabet or padding)"
                     : "Internal error: out of memory reading %s", hname);
            return false;
        }
        if (json_is_integer(value)) {
            char *end;
            long long n = strtoll(got, &end, 10);

            same = *got && !*end && n == (long long)json_integer_value(value);
        } else {
            same = glen == strlen(want) && memcmp(got, want, glen) == 0;
        }
        free(got);
        if (!same) {
            snprintf(why, why_len, "Header mismatch: %s does not match argument "
                     "\"%s\" of the body", hname, BASE_QUOTE(key, 60));
            return false;
        }
    }
    return true;
}
