/*
 * step_string.c - STEP strings to UTF-8.
 *
 * Between the quotes of a string (ISO 10303-21:2016, 6.4.3):
 *   ''                  an apostrophe
 *   \\                  a backslash
 *   \S\c                the character c + 0x80 of the current ISO 8859 part
 *   \PA\ .. \PI\        make ISO 8859-1 .. -9 the current part (1 at the
 *                       start of every string)
 *   \X\hh               the code point 0xhh (ISO 8859-1)
 *   \X2\hhhh...\X0\     UTF-16 code units, four hex digits each
 *   \X4\hhhhhhhh...\X0\ code points, eight hex digits each
 *   \N\ \F\             print control: nothing
 *   control octets      nothing (line breaks inside long strings)
 *   UTF-8               itself (2016 edition); bytes that are not valid
 *                       UTF-8 are read as ISO 8859-1, as older tools wrote
 *   any other \         a backslash (Windows paths written unescaped)
 * Lone surrogates and code points above U+10FFFF become U+FFFD. A
 * directive that starts right but is malformed (\X\ without two hex
 * digits, \X2\ without \X0\) is an error.
 *
 * Every form decodes to at most twice its length (an ISO 8859-1 byte
 * becomes two bytes of UTF-8; \S\c takes four bytes for at most three),
 * which is what ifc_step_get_string reserves.
 */
#include "ifc/step_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct sink {
    char *buf;
    size_t cap;      /* bytes available, the NUL included */
    size_t len;      /* the full decoded length */
    size_t written;  /* bytes in buf */
    bool cut;
} sink;

static void put_bytes(sink *s, const char *b, size_t n)
{
    if (!s->cut && s->written + n < s->cap) {
        memcpy(s->buf + s->written, b, n);
        s->written += n;
    } else {
        s->cut = true;
    }
    s->len += n;
}

static void put(sink *s, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put_bytes(s, u, n);
}

/* Length of the valid UTF-8 sequence at p (2-4), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* n hex digits at p, or -1. */
static int64_t read_hex(const char *p, const char *end, int n)
{
    if (end - p < n)
        return -1;
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        int h = hex_value((unsigned char)p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7F;
}

static bool at_x0(const char *p, const char *end)
{
    return end - p >= 4 && p[0] == '\\' && p[1] == 'X' && p[2] == '0' && p[3] == '\\';
}

/* The run of \X2\ (width 4) or \X4\ (width 8) from just past its
 * introducer; returns just past \X0\, or NULL with *bad set. */
static const char *decode_run(sink *s, const char *p, const char *end, int width,
                              const char **bad)
{
    for (;;) {
        while (p < end && is_control((unsigned char)*p))
            p++;
        if (at_x0(p, end))
            return p + 4;
        int64_t v = read_hex(p, end, width);
        if (v < 0) {
            *bad = p;
            return NULL;
        }
        p += width;
        uint32_t cp = (uint32_t)v;
        if (width == 4 && cp >= 0xD800 && cp <= 0xDBFF) {
            const char *q = p;
            while (q < end && is_control((unsigned char)*q))
                q++;
            int64_t low = read_hex(q, end, 4);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)low - 0xDC00);
                p = q + 4;
            } else {
                cp = 0xFFFD;
            }
        } else if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            cp = 0xFFFD;
        }
        put(s, cp);
    }
}

/* Decodes the bytes between the quotes, [p, end). Returns NULL, or where
 * a malformed directive starts with *what saying what is wrong. */
static const char *decode(sink *s, const char *p, const char *end, const char **what)
{
    unsigned part = 1;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '\'') {
            put(s, '\'');
            p += 2; /* the scanner let only '' stand inside a string */
        } else if (c == '\\') {
            size_t n = step_escape_len(p, end);
            if (n == 2) {
                put(s, '\\');
            } else if (n > 2 && p[1] == 'S') {
                unsigned char ch = n == 4 ? (unsigned char)p[3] : 0;
                if (ch < 0x20 || ch > 0x7E) {
                    *what = "\\S\\ must be followed by a character from ' ' to '~'";
                    return p;
                }
                put(s, step_codepage(part, (unsigned char)(ch + 0x80)));
            } else if (n == 4 && p[1] == 'P') {
                part = (unsigned)(p[2] - 'A') + 1;
            } else if (n == 3 && p[1] == 'X') {
                int64_t v = read_hex(p + 3, end, 2);
                if (v < 0) {
                    *what = "\\X\\ must be followed by two hex digits, as in \\X\\E9";
                    return p;
                }
                put(s, (uint32_t)v);
                n = 5;
            } else if (n == 4 && p[1] == 'X' && p[2] != '0') {
                const char *bad = NULL;
                const char *q = decode_run(s, p + 4, end, p[2] == '2' ? 4 : 8, &bad);
                if (q == NULL) {
                    *what = p[2] == '2'
                                ? "\\X2\\ must hold groups of four hex digits closed by \\X0\\"
                                : "\\X4\\ must hold groups of eight hex digits closed by \\X0\\";
                    return p;
                }
                n = (size_t)(q - p);
            } else if (n == 4 && p[1] == 'X') {
                *what = "\\X0\\ without a \\X2\\ or \\X4\\ before it";
                return p;
            } else if (n == 1) {
                put(s, '\\'); /* N and F (n == 3) are print control: nothing */
            }
            p += n;
        } else if (c < 0x80) {
            if (!is_control(c))
                put_bytes(s, p, 1);
            p++;
        } else {
            size_t n = utf8_len((const unsigned char *)p, (const unsigned char *)end);
            if (n > 0) {
                put_bytes(s, p, n);
                p += n;
            } else {
                put(s, c); /* ISO 8859-1 */
                p++;
            }
        }
    }
    return NULL;
}

ifc_step_status step_decode_string(const ifc_step_cursor *c, char *buf, size_t cap,
                                   size_t *len, ifc_step_error *err)
{
    sink s = {.buf = buf, .cap = cap};
    const char *what = NULL;
    const char *bad = decode(&s, c->tok + 1, c->tok_end - 1, &what);
    if (cap > 0)
        buf[s.written] = '\0';
    *len = s.len;
    if (bad != NULL) {
        step_cursor_fail(c, err, IFC_STEP_ERR_STRING, bad, "%s", what);
        return IFC_STEP_ERR_STRING;
    }
    return IFC_STEP_OK;
}

size_t ifc_step_string_raw_len(const ifc_step_cursor *c)
{
    if (!c->started || c->kind != IFC_STEP_KIND_STRING)
        return 0;
    return (size_t)(c->tok_end - c->tok) - 2;
}

ifc_step_status ifc_step_copy_string(const ifc_step_cursor *c, char *buf, size_t cap,
                                     size_t *len, ifc_step_error *err)
{
    if (!c->started || c->kind != IFC_STEP_KIND_STRING) {
        step_cursor_fail(c, err, IFC_STEP_ERR_TYPE, c->tok, "expected a string, found %s",
                         c->started ? ifc_step_kind_name((ifc_step_kind)c->kind) : "no value");
        return IFC_STEP_ERR_TYPE;
    }
    ifc_step_status st = step_decode_string(c, buf, cap, len, err);
    if (st != IFC_STEP_OK)
        return st;
    if (*len >= cap) {
        step_cursor_fail(c, err, IFC_STEP_ERR_LIMIT, c->tok,
                         "the string decodes to %zu bytes, more than the %zu bytes given", *len,
                         cap);
        return IFC_STEP_ERR_LIMIT;
    }
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_get_string(const ifc_step_cursor *c, ifc_step_scratch *scratch,
                                    const char **text, size_t *len, ifc_step_error *err)
{
    if (!c->started || c->kind != IFC_STEP_KIND_STRING) {
        step_cursor_fail(c, err, IFC_STEP_ERR_TYPE, c->tok, "expected a string, found %s",
                         c->started ? ifc_step_kind_name((ifc_step_kind)c->kind) : "no value");
        return IFC_STEP_ERR_TYPE;
    }
    size_t raw = (size_t)(c->tok_end - c->tok) - 2;
    if (c->plain) {
        *text = c->tok + 1;
        *len = raw;
        return IFC_STEP_OK;
    }
    size_t need = raw * 2 + 1;
    if (scratch->cap < need) {
        size_t cap = scratch->cap < 256 ? 256 : scratch->cap;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(scratch->data, cap);
        if (grown == NULL) {
            step_cursor_fail(c, err, IFC_STEP_ERR_NOMEM, c->tok,
                             "out of memory decoding a string of %zu bytes", raw);
            return IFC_STEP_ERR_NOMEM;
        }
        scratch->data = grown;
        scratch->cap = cap;
    }
    ifc_step_status st = step_decode_string(c, scratch->data, scratch->cap, len, err);
    if (st != IFC_STEP_OK)
        return st;
    *text = scratch->data;
    return IFC_STEP_OK;
}

void ifc_step_scratch_free(ifc_step_scratch *scratch)
{
    if (scratch == NULL)
        return;
    free(scratch->data);
    scratch->data = NULL;
    scratch->cap = 0;
}
