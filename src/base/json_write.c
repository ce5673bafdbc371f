/*
 * json_write.c - compact JSON text of a jansson value, byte for byte what
 * json_dumps(value, JSON_COMPACT) writes, at a fraction of its cost.
 *
 * Why not json_dumps: every tool call's answer is written twice (the
 * structuredContent rendering in the text content, then the whole JSON-RPC
 * reply), and jansson 2.14 spends most of that on work a reply does not
 * need: per container a snprintf("%p") and a hash-table insert and delete
 * (its cycle check), per string one callback per escaped character, and a
 * final copy of the whole text. Measured with callgrind on get_ids_info
 * (a 944-byte answer): about 120,000 instructions per call in json_dumps,
 * which made it the largest single cost of the call.
 *
 * Same output rules as jansson: "," and ":" without spaces; in strings
 * '"', '\\' and the control characters are escaped (\b \f \n \r \t, else
 * \u00XX in upper-case hex), everything else including '/' and non-ASCII
 * is copied; integers in decimal; reals through jansson itself (rare, and
 * their formatting has subtleties worth not copying). Invalid UTF-8 in a
 * string fails the dump, as it does in jansson. jansson fails on a cycle;
 * here a cycle ends at the depth limit and fails too.
 */
#include "base/base.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Containers nested deeper than this fail the dump. The parser stops at
 * 2048 (JSON_PARSER_MAX_DEPTH), so no client value comes near it even
 * wrapped in a reply; only a cycle reaches it. */
#define MAX_DEPTH 4096
#define FIRST_CAP 1024u /* bytes; most replies fit without growing */

static inline bool put(base_buf *b, const char *s, size_t n)
{
    return base_buf_append(b, s, n);
}

static inline bool put_c(base_buf *b, char c)
{
    return base_buf_append_char(b, c);
}

/* Text that cannot be written (invalid UTF-8, a cycle) fails the buffer,
 * so nobody sends half a message. */
static bool invalid(base_buf *b)
{
    base_buf_fail(b, BASE_INVALID);
    return false;
}

size_t base_utf8_len(const unsigned char *s, size_t avail)
{
    unsigned char c;
    size_t n;
    uint32_t v;

    if (avail == 0)
        return 0;
    c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ||
        (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
        return 0;
    return n;
}

/* Byte classes of put_string: 0 copied as is, 1 escaped, 2 the lead of a
 * multi-byte (or invalid) UTF-8 sequence. A table keeps the common case
 * to one load and compare per byte. */
static const unsigned char byte_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

static bool put_string(base_buf *b, const char *str, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;

    /* Unescaped bytes are copied in runs, not one by one. */
    if (!put_c(b, '"'))
        return false;
    while (i < len) {
        unsigned char c;
        char esc[6];
        size_t n = 2;

        while (i < len && byte_class[s[i]] == 0)
            i++;
        if (i == len)
            break;
        c = s[i];
        if (byte_class[c] == 2) {
            size_t k = base_utf8_len(s + i, len - i);

            if (k == 0)
                return invalid(b);
            i += k;
            continue;
        }
        if (!put(b, str + run, i - run))
            return false;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xF];
            n = 6;
            break;
        }
        if (!put(b, esc, n))
            return false;
        run = ++i;
    }
    return put(b, str + run, len - run) && put_c(b, '"');
}

static bool put_integer(base_buf *b, json_int_t v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    /* Through unsigned, so the most negative value has a magnitude. */
    unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

    do {
        *--p = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        *--p = '-';
    return put(b, p, (size_t)(tmp + sizeof tmp - p));
}

static bool put_value(base_buf *b, const json_t *j, unsigned depth)
{
    switch (json_typeof(j)) {
    case JSON_NULL:
        return put(b, "null", 4);
    case JSON_TRUE:
        return put(b, "true", 4);
    case JSON_FALSE:
        return put(b, "false", 5);
    case JSON_INTEGER:
        return put_integer(b, json_integer_value(j));
    case JSON_REAL:
        return base_json_put_real(b, json_real_value(j), 0);
    case JSON_STRING:
        return put_string(b, json_string_value(j), json_string_length(j));
    case JSON_ARRAY: {
        size_t n = json_array_size(j);

        if (depth >= MAX_DEPTH)
            return invalid(b);
        if (!put_c(b, '['))
            return false;
        for (size_t i = 0; i < n; i++) {
            if ((i && !put_c(b, ',')) || !put_value(b, json_array_get(j, i), depth + 1))
                return false;
        }
        return put_c(b, ']');
    }
    case JSON_OBJECT: {
        void *it = json_object_iter((json_t *)j);
        bool first = true;

        if (depth >= MAX_DEPTH)
            return invalid(b);
        if (!put_c(b, '{'))
            return false;
        for (; it; it = json_object_iter_next((json_t *)j, it)) {
            if ((!first && !put_c(b, ',')) ||
                !put_string(b, json_object_iter_key(it), json_object_iter_key_len(it)) ||
                !put_c(b, ':') || !put_value(b, json_object_iter_value(it), depth + 1))
                return false;
            first = false;
        }
        return put_c(b, '}');
    }
    }
    return false;
}

bool base_json_put_string(base_buf *b, const char *s, size_t n)
{
    return put_string(b, s, n);
}

bool base_json_put_value(base_buf *b, const json_t *value)
{
    return put_value(b, value, 0);
}

/* Reals are rare in idsd's messages and their formatting has subtleties
 * (shortest round trip, exponent form) worth taking from jansson. */
bool base_json_put_real(base_buf *b, double value, int precision)
{
    json_t *real;
    char *text;
    bool ok;

    if (precision < 0 || precision > 31)
        precision = 0;
    real = json_real(value);
    if (real == NULL) {
        /* NaN and the infinities are not JSON (or memory ran out). */
        base_buf_fail(b, BASE_INVALID);
        return false;
    }
    text = json_dumps(real, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(precision));
    json_decref(real);
    if (text == NULL) {
        base_buf_fail(b, BASE_NOMEM);
        return false;
    }
    ok = put(b, text, strlen(text));
    free(text);
    return ok;
}

char *base_json_dumps(const json_t *value)
{
    base_buf b = {0};

    if (!json_is_object(value) && !json_is_array(value))
        return NULL;
    /* Most replies fit without growing. */
    if (!base_buf_reserve(&b, FIRST_CAP) || !put_value(&b, value, 0)) {
        base_buf_free(&b);
        return NULL;
    }
    return base_buf_take(&b, NULL);
}
