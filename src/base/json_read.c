/*
 * json_read.c - reading a JSON-RPC message: a fast path for the messages
 * clients actually send, jansson for everything else.
 *
 * Why: jansson's parser reads through a stream abstraction one character
 * at a time, with a callback, a UTF-8 state machine and a growing token
 * buffer per string; callgrind put json_loadb at about 44,000
 * instructions of a 2026-07-28 get_ids_info call (its _meta envelope makes
 * the body some 400 bytes), the largest single cost left in the call.
 *
 * The fast path accepts a strict subset of JSON and builds the same tree
 * through jansson's own constructors: objects (duplicate keys refused, as
 * JSON_REJECT_DUPLICATES does), arrays, strings with valid UTF-8 and the
 * two-character escapes, integers of up to 18 digits, true, false and
 * null, at most FAST_MAX_DEPTH deep. Anything else - a \u escape, a real,
 * a long integer, any syntax error - and it gives up and jansson parses
 * the whole text again. So the verdict and every error message are
 * jansson's; the fast path only has to be right about what it accepts,
 * and tests/unit/test_base_json_read.c checks it against jansson on
 * hand-written and mutated messages.
 */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

/* Deeper messages go to jansson (its own limit is 2048). */
#define FAST_MAX_DEPTH 64
/* Integers with more digits go to jansson, which knows where int64 ends. */
#define FAST_MAX_DIGITS 18

typedef struct reader {
    const unsigned char *p, *end;
    unsigned depth;
} reader;

/* 0 copied, 1 '"', 2 '\\', 3 a control character (invalid in a string),
 * 4 a byte >= 0x80 (checked as UTF-8). */
static const unsigned char string_class[256] = {
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

static inline void skip_space(reader *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

/* A string at r->p (its opening quote). On success *out is either a
 * pointer into the text (*owned NULL) or a malloc'd decoded copy
 * (*owned the same pointer, for the caller to free). */
static bool read_string(reader *r, const char **out, size_t *len, char **owned)
{
    const unsigned char *start = ++r->p, *q = start;
    bool escaped = false;
    char *copy, *w;

    *owned = NULL;
    for (;;) {
        if (q >= r->end)
            return false;
        switch (string_class[*q]) {
        case 0:
            q++;
            continue;
        case 1:
            break;
        case 2:
            if (q + 1 >= r->end)
                return false;
            switch (q[1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                escaped = true;
                q += 2;
                continue;
            default:
                return false; /* \u (and anything invalid) goes to jansson */
            }
        case 3:
            return false;
        case 4: {
            size_t k = base_utf8_len(q, (size_t)(r->end - q));

            if (k == 0)
                return false;
            q += k;
            continue;
        }
        }
        break;
    }
    r->p = q + 1;
    if (!escaped) {
        *out = (const char *)start;
        *len = (size_t)(q - start);
        return true;
    }
    copy = malloc((size_t)(q - start) + 1);
    if (!copy)
        return false;
    w = copy;
    for (const unsigned char *s = start; s < q; s++) {
        if (*s != '\\') {
            *w++ = (char)*s;
            continue;
        }
        switch (*++s) {
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        default: *w++ = (char)*s; break; /* '"', '\\', '/' */
        }
    }
    *w = '\0';
    *out = copy;
    *len = (size_t)(w - copy);
    *owned = copy;
    return true;
}

static json_t *read_number(reader *r)
{
    bool negative = false;
    unsigned long long v = 0;
    unsigned digits = 0;

    if (*r->p == '-') {
        negative = true;
        r->p++;
    }
    if (r->p >= r->end || *r->p < '0' || *r->p > '9')
        return NULL;
    if (*r->p == '0') {
        r->p++;
        if (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            return NULL;
    } else {
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
            if (++digits > FAST_MAX_DIGITS)
                return NULL;
            v = v * 10 + (unsigned)(*r->p++ - '0');
        }
    }
    if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
        return NULL;
    return json_integer(negative ? -(json_int_t)v : (json_int_t)v);
}

static json_t *read_value(reader *r);

typedef enum { MORE, CLOSED, INVALID } member_end;

/* What follows a member of an object or array: a comma (then the next
 * member's first token is at r->p), the closer (consumed), or neither. */
static member_end after_member(reader *r, char closer)
{
    skip_space(r);
    if (r->p < r->end && *r->p == ',') {
        r->p++;
        skip_space(r);
        return MORE;
    }
    if (r->p < r->end && *r->p == (unsigned char)closer) {
        r->p++;
        return CLOSED;
    }
    return INVALID;
}

static json_t *read_object(reader *r)
{
    json_t *obj = json_object();
    member_end end;

    r->p++;
    skip_space(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return obj;
    }
    while (obj) {
        const char *key;
        size_t key_len;
        char *owned;
        json_t *value;
        bool ok;

        if (r->p >= r->end || *r->p != '"' || !read_string(r, &key, &key_len, &owned))
            break;
        skip_space(r);
        value = NULL;
        if (r->p < r->end && *r->p == ':') {
            r->p++;
            skip_space(r);
            value = read_value(r);
        }
        ok = value && !json_object_getn(obj, key, key_len);
        if (ok) {
            ok = json_object_setn_new_nocheck(obj, key, key_len, value) == 0;
        } else {
            json_decref(value);
        }
        free(owned);
        if (!ok)
            break;
        end = after_member(r, '}');
        if (end == MORE)
            continue;
        if (end == CLOSED)
            return obj;
        break;
    }
    json_decref(obj);
    return NULL;
}

static json_t *read_array(reader *r)
{
    json_t *arr = json_array();
    member_end end;

    r->p++;
    skip_space(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return arr;
    }
    while (arr) {
        json_t *value = read_value(r);

        if (!value || json_array_append_new(arr, value) != 0)
            break;
        end = after_member(r, ']');
        if (end == MORE)
            continue;
        if (end == CLOSED)
            return arr;
        break;
    }
    json_decref(arr);
    return NULL;
}

static bool literal(reader *r, const char *word, size_t n)
{
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return false;
    r->p += n;
    return true;
}

static json_t *read_value(reader *r)
{
    json_t *v = NULL;

    if (r->p >= r->end)
        return NULL;
    switch (*r->p) {
    case '{':
    case '[':
        if (r->depth >= FAST_MAX_DEPTH)
            return NULL;
        r->depth++;
        v = *r->p == '{' ? read_object(r) : read_array(r);
        r->depth--;
        return v;
    case '"': {
        const char *s;
        size_t n;
        char *owned;

        if (!read_string(r, &s, &n, &owned))
            return NULL;
        v = json_stringn_nocheck(s, n);
        free(owned);
        return v;
    }
    case 't':
        return literal(r, "true", 4) ? json_true() : NULL;
    case 'f':
        return literal(r, "false", 5) ? json_false() : NULL;
    case 'n':
        return literal(r, "null", 4) ? json_null() : NULL;
    default:
        return read_number(r);
    }
}

json_t *base_json_read_fast(const char *text, size_t len)
{
    reader r = {(const unsigned char *)text, (const unsigned char *)text + len, 0};
    json_t *v;

    skip_space(&r);
    v = read_value(&r);
    if (!v)
        return NULL;
    skip_space(&r);
    if (r.p != r.end) {
        json_decref(v);
        return NULL;
    }
    return v;
}

json_t *base_json_read(const char *text, size_t len, json_error_t *err)
{
    json_t *v = base_json_read_fast(text, len);

    if (v)
        return v;
    return json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, err);
}
