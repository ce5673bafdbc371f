/*
 * step_cursor.c - walking a record's values on demand.
 *
 * A cursor stands in a sequence of values (a record's attributes, a
 * list's items, the value of a typed value). next() steps over the
 * current value, checks the separator and reads the next token far enough
 * to know its kind and its end. Lists and typed values are not walked
 * until someone steps over them: entering one costs nothing, and stepping
 * over it is one balanced skip. The indexing pass has already checked the
 * record's structure, so what can still be wrong here is a token (a
 * number, an enumeration, a misplaced character), and that is reported
 * with its line and the instance's #id.
 */
#include "ifc/step_internal.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { SEQ_VALUES = 0, SEQ_RECORDS = 1 };

void step_cursor_fail(const ifc_step_cursor *c, ifc_step_error *err, ifc_step_status code,
                      const char *pos, const char *fmt, ...)
{
    if (err == NULL || err->code != IFC_STEP_OK)
        return;
    const ifc_step_reader *r = c->reader;
    if (pos == NULL || pos < c->rec)
        pos = c->rec;
    uint64_t line = c->rec_line + step_count_newlines(c->rec, pos);
    int64_t id = c->inst != IFC_STEP_NO_INST ? (int64_t)ifc_step_instance_id(r, c->inst) : -1;
    va_list ap;
    va_start(ap, fmt);
    step_vfail(err, code, r, pos, line > UINT32_MAX ? UINT32_MAX : (uint32_t)line, id, fmt, ap);
    va_end(ap);
}

static const char *skip_space(const ifc_step_cursor *c, const char *p)
{
    uint64_t nl = 0;
    const char *bad = NULL;
    return step_skip_space(p, c->reader->end, &nl, &bad);
}

static void begin(ifc_step_cursor *c, const ifc_step_reader *r, const char *rec, uint32_t line,
                  uint32_t inst, const char *pos, uint8_t seq)
{
    c->reader = r;
    c->pos = pos;
    c->tok = pos;
    c->tok_end = pos;
    c->rec = rec;
    c->rec_line = line;
    c->inst = inst;
    c->kind = IFC_STEP_KIND_END;
    c->started = 0;
    c->plain = 0;
    c->seq = seq;
}

/* ---- opening a record ---------------------------------------------------------- */

ifc_step_status ifc_step_record(const ifc_step_reader *r, ifc_step_inst inst,
                                ifc_step_cursor *c, ifc_step_error *err)
{
    if (inst >= r->count) {
        step_fail(err, IFC_STEP_ERR_NOT_FOUND, r, NULL, 0, -1,
                  "no instance number %u: the file has %u instances", inst, r->count);
        return IFC_STEP_ERR_NOT_FOUND;
    }
    const char *start = step_inst_start(r, inst);
    const char *end = r->end;
    const char *p = start + 1;
    begin(c, r, start, r->lines[inst], inst, start, SEQ_VALUES);
    while (p < end && step_is_digit((unsigned char)*p))
        p++;
    p = skip_space(c, p);
    if (p < end && *p == '=')
        p = skip_space(c, p + 1);
    if (p < end && *p == '(') {
        c->pos = p + 1;
        c->seq = SEQ_RECORDS;
        return IFC_STEP_OK;
    }
    if (p < end && *p == '!')
        p++;
    while (p < end && step_is_keyword_char((unsigned char)*p))
        p++;
    p = skip_space(c, p);
    if (p >= end || *p != '(') {
        /* The pass checked this record; only changed bytes get here. */
        step_cursor_fail(c, err, IFC_STEP_ERR_SYNTAX, p, "the record changed since it was read");
        return IFC_STEP_ERR_SYNTAX;
    }
    c->pos = p + 1;
    return IFC_STEP_OK;
}

ifc_step_kind ifc_step_attribute(const ifc_step_reader *r, ifc_step_inst inst, unsigned n,
                                 ifc_step_cursor *c, ifc_step_error *err)
{
    if (ifc_step_record(r, inst, c, err) != IFC_STEP_OK) {
        c->kind = IFC_STEP_KIND_ERROR;
        return IFC_STEP_KIND_ERROR;
    }
    ifc_step_kind k;
    do {
        k = ifc_step_next(c, err);
    } while (k != IFC_STEP_KIND_END && k != IFC_STEP_KIND_ERROR && n-- > 0);
    return k;
}

ifc_step_status step_header_cursor(const ifc_step_reader *r, uint32_t i, ifc_step_cursor *c,
                                   ifc_step_error *err)
{
    if (i >= r->header_count) {
        step_fail(err, IFC_STEP_ERR_NOT_FOUND, r, NULL, 0, -1, "no header record %u", i);
        return IFC_STEP_ERR_NOT_FOUND;
    }
    const step_header_record *h = &r->header[i];
    begin(c, r, h->start, h->line, IFC_STEP_NO_INST, h->open, SEQ_VALUES);
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_header_record(const ifc_step_reader *r, const char *name,
                                       ifc_step_cursor *c, ifc_step_error *err)
{
    size_t len = strlen(name);
    for (uint32_t i = 0; i < r->header_count; i++) {
        const step_header_record *h = &r->header[i];
        if (h->name_len == len && strncasecmp(h->start, name, len) == 0) {
            begin(c, r, h->start, h->line, IFC_STEP_NO_INST, h->open, SEQ_VALUES);
            return IFC_STEP_OK;
        }
    }
    step_fail(err, IFC_STEP_ERR_NOT_FOUND, r, NULL, 0, -1,
              "the header has no %s record", name);
    return IFC_STEP_ERR_NOT_FOUND;
}

/* ---- lexing one value ------------------------------------------------------------ */

/* What may follow a token: a separator, the end of the sequence, or space. */
static bool ends_token(const char *p, const char *end)
{
    if (p >= end)
        return true;
    unsigned char c = (unsigned char)*p;
    return c == ',' || c == ')' || c == '/' || c == '\\' || step_is_space(c);
}

static ifc_step_kind lex_error(ifc_step_cursor *c, ifc_step_error *err, ifc_step_status code,
                               const char *pos, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static ifc_step_kind lex_error(ifc_step_cursor *c, ifc_step_error *err, ifc_step_status code,
                               const char *pos, const char *fmt, ...)
{
    char msg[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    step_cursor_fail(c, err, code, pos, "%s", msg);
    c->kind = IFC_STEP_KIND_ERROR;
    return IFC_STEP_KIND_ERROR;
}

static ifc_step_kind lex_number(ifc_step_cursor *c, const char *p, ifc_step_error *err)
{
    const char *end = c->reader->end;
    const char *q = p;
    bool real = false;
    if (q < end && (*q == '+' || *q == '-'))
        q++;
    const char *d = q;
    while (q < end && step_is_digit((unsigned char)*q))
        q++;
    size_t digits = (size_t)(q - d);
    if (q < end && *q == '.') {
        real = true;
        const char *f = ++q;
        while (q < end && step_is_digit((unsigned char)*q))
            q++;
        digits += (size_t)(q - f);
    }
    if (digits == 0)
        return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                         "a number without digits (numbers are like 42, -7, 1., 2.5E-3)");
    if (q < end && (*q == 'E' || *q == 'e')) {
        const char *e = q + 1;
        if (e < end && (*e == '+' || *e == '-'))
            e++;
        if (e >= end || !step_is_digit((unsigned char)*e))
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                             "the exponent of a real has no digits (reals are like 2.5E-3)");
        while (e < end && step_is_digit((unsigned char)*e))
            e++;
        q = e;
        real = true;
    }
    if (!ends_token(q, end))
        return lex_error(c, err, IFC_STEP_ERR_SYNTAX, q,
                         "a malformed number: '%.*s' is followed by '%c'",
                         (int)(q - p > 40 ? 40 : q - p), p, *q);
    if (q - p > STEP_MAX_NUMBER)
        return lex_error(c, err, IFC_STEP_ERR_LIMIT, p,
                         "a number of %zu characters (at most %d)", (size_t)(q - p),
                         STEP_MAX_NUMBER);
    c->tok = p;
    c->tok_end = q;
    c->kind = real ? IFC_STEP_KIND_REAL : IFC_STEP_KIND_INTEGER;
    return (ifc_step_kind)c->kind;
}

static ifc_step_kind lex(ifc_step_cursor *c, const char *p, ifc_step_error *err)
{
    const char *end = c->reader->end;
    if (p >= end)
        return lex_error(c, err, IFC_STEP_ERR_TRUNCATED, p, "the input ends inside a record");
    unsigned char ch = (unsigned char)*p;
    c->tok = p;
    c->tok_end = NULL;
    c->plain = 0;
    switch (ch) {
    case '$':
    case '*':
        if (!ends_token(p + 1, end))
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p + 1,
                             "'%c' must stand alone, found '%c' after it", ch, p[1]);
        c->tok_end = p + 1;
        c->kind = ch == '$' ? IFC_STEP_KIND_UNSET : IFC_STEP_KIND_DERIVED;
        return (ifc_step_kind)c->kind;
    case '#': {
        const char *q = p + 1;
        while (q < end && step_is_digit((unsigned char)*q))
            q++;
        if (q == p + 1) {
            if (q < end && step_is_keyword_start((unsigned char)*q))
                return lex_error(c, err, IFC_STEP_ERR_UNSUPPORTED, p,
                                 "constant instance names (#NAME) of ISO 10303-21:2016 are "
                                 "not supported; references are #123");
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                             "'#' must be followed by an instance number (#123)");
        }
        if (!ends_token(q, end))
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, q,
                             "a malformed reference: '%.*s' is followed by '%c'",
                             (int)(q - p > 40 ? 40 : q - p), p, *q);
        c->tok_end = q;
        c->kind = IFC_STEP_KIND_REF;
        return IFC_STEP_KIND_REF;
    }
    case '\'': {
        uint64_t nl = 0;
        bool plain = true;
        const char *q = step_scan_string(p + 1, end, &nl, &plain);
        if (q == NULL)
            return lex_error(c, err, IFC_STEP_ERR_TRUNCATED, p, "a string is not closed");
        c->tok_end = q;
        c->plain = plain;
        c->kind = IFC_STEP_KIND_STRING;
        return IFC_STEP_KIND_STRING;
    }
    case '"': {
        const char *q = p + 1;
        if (q >= end || *q < '0' || *q > '3')
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, q,
                             "a binary value starts with 0-3 (the unused bits), as in \"0FF\"");
        for (q++; q < end && *q != '"'; q++) {
            unsigned char h = (unsigned char)*q;
            if (!step_is_digit(h) && !(h >= 'A' && h <= 'F') && !(h >= 'a' && h <= 'f'))
                return lex_error(c, err, IFC_STEP_ERR_SYNTAX, q,
                                 "a binary value holds hexadecimal digits only");
        }
        if (q >= end)
            return lex_error(c, err, IFC_STEP_ERR_TRUNCATED, p, "a binary value is not closed");
        if (p[1] != '0' && q == p + 2)
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                             "an empty binary value must be \"0\"");
        c->tok_end = q + 1;
        c->kind = IFC_STEP_KIND_BINARY;
        return IFC_STEP_KIND_BINARY;
    }
    case '(':
        c->kind = IFC_STEP_KIND_LIST;
        return IFC_STEP_KIND_LIST;
    case '.': {
        if (p + 1 < end && step_is_digit((unsigned char)p[1]))
            return lex_number(c, p, err); /* .5: not Part 21, but written by some tools */
        const char *q = p + 1;
        if (q >= end || !step_is_keyword_start((unsigned char)*q))
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                             "'.' must start an enumeration such as .NOTDEFINED. or a number");
        while (q < end && step_is_keyword_char((unsigned char)*q))
            q++;
        if (q >= end || *q != '.')
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                             "an enumeration is not closed: '%.*s' needs a '.' after it",
                             (int)(q - p > 40 ? 40 : q - p), p);
        if (!ends_token(q + 1, end))
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, q + 1,
                             "a malformed enumeration: '%.*s' is followed by '%c'",
                             (int)(q + 1 - p > 40 ? 40 : q + 1 - p), p, q[1]);
        c->tok_end = q + 1;
        c->kind = IFC_STEP_KIND_ENUM;
        return IFC_STEP_KIND_ENUM;
    }
    default:
        break;
    }
    if (ch == '+' || ch == '-' || step_is_digit(ch))
        return lex_number(c, p, err);
    if (ch == '!' || step_is_keyword_start(ch)) {
        const char *q = p + (ch == '!');
        if (q >= end || !step_is_keyword_start((unsigned char)*q))
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                             "'!' must start a user-defined type name such as !MYTYPE");
        while (q < end && step_is_keyword_char((unsigned char)*q))
            q++;
        const char *name_end = q;
        q = skip_space(c, q);
        if (q >= end || *q != '(')
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                             "the type name '%.*s' must be followed by its value in "
                             "parentheses, as in IFCLABEL('text')",
                             (int)(name_end - p > 40 ? 40 : name_end - p), p);
        c->kind = IFC_STEP_KIND_TYPED;
        return IFC_STEP_KIND_TYPED;
    }
    char b[16];
    return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                     "%s cannot start a value (values are $, *, numbers, 'strings', .ENUMS., "
                     "#references, \"binaries\", (lists) and TYPES(values))",
                     step_byte_name(ch, b));
}

/* Just past the current value, skipping a list or typed value now. */
static const char *value_end(ifc_step_cursor *c, ifc_step_error *err)
{
    if (c->tok_end != NULL)
        return c->tok_end;
    const char *p = c->tok;
    const char *end = c->reader->end;
    if (c->kind == IFC_STEP_KIND_TYPED) {
        if (p < end && *p == '!')
            p++;
        while (p < end && step_is_keyword_char((unsigned char)*p))
            p++;
        p = skip_space(c, p);
    }
    const char *q = p < end ? step_skip_balanced(p, end) : NULL;
    if (q == NULL) {
        step_cursor_fail(c, err, IFC_STEP_ERR_TRUNCATED, c->tok,
                         "a list is not closed before the record ends");
        return NULL;
    }
    c->tok_end = q;
    return q;
}

ifc_step_kind ifc_step_next(ifc_step_cursor *c, ifc_step_error *err)
{
    const char *end = c->reader->end;
    const char *p;
    bool first = !c->started;
    if (first) {
        c->started = 1;
        p = skip_space(c, c->pos);
    } else {
        if (c->kind == IFC_STEP_KIND_END || c->kind == IFC_STEP_KIND_ERROR)
            return (ifc_step_kind)c->kind;
        p = value_end(c, err);
        if (p == NULL) {
            c->kind = IFC_STEP_KIND_ERROR;
            return IFC_STEP_KIND_ERROR;
        }
        p = skip_space(c, p);
    }
    if (p < end && *p == ')') {
        c->pos = p;
        c->tok = p;
        c->tok_end = p;
        c->kind = IFC_STEP_KIND_END;
        return IFC_STEP_KIND_END;
    }
    if (c->seq == SEQ_VALUES) {
        if (first && p < end && *p == ',')
            return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                             "a ',' before the first value: a value is missing");
        if (!first) {
            if (p >= end || *p != ',') {
                char b[16];
                return lex_error(c, err,
                                 p >= end ? IFC_STEP_ERR_TRUNCATED : IFC_STEP_ERR_SYNTAX, p,
                                 "expected ',' or ')' after a value, found %s",
                                 p >= end ? "the end" : step_byte_name((unsigned char)*p, b));
            }
            p = skip_space(c, p + 1);
            if (p < end && (*p == ')' || *p == ','))
                return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                                 "a value is missing after ',' (write $ for an unset value)");
        }
    }
    ifc_step_kind k = lex(c, p, err);
    if (k == IFC_STEP_KIND_ERROR || c->seq == SEQ_VALUES || k == IFC_STEP_KIND_TYPED)
        return k;
    return lex_error(c, err, IFC_STEP_ERR_SYNTAX, p,
                     "a complex instance lists partial records NAME(...) only");
}

uint32_t ifc_step_cursor_line(const ifc_step_cursor *c)
{
    const char *pos = c->tok != NULL && c->tok >= c->rec ? c->tok : c->rec;
    uint64_t line = c->rec_line + step_count_newlines(c->rec, pos);
    return line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
}

/* ---- accessors --------------------------------------------------------------------- */

static ifc_step_status wrong_kind(const ifc_step_cursor *c, ifc_step_error *err,
                                  const char *wanted)
{
    step_cursor_fail(c, err, IFC_STEP_ERR_TYPE, c->tok, "expected %s, found %s", wanted,
                     c->started ? ifc_step_kind_name((ifc_step_kind)c->kind)
                                : "no value (call ifc_step_next first)");
    return IFC_STEP_ERR_TYPE;
}

static bool is_kind(const ifc_step_cursor *c, ifc_step_kind k)
{
    return c->started && c->kind == k;
}

ifc_step_status ifc_step_get_integer(const ifc_step_cursor *c, int64_t *out, ifc_step_error *err)
{
    if (!is_kind(c, IFC_STEP_KIND_INTEGER))
        return wrong_kind(c, err, "an integer");
    const char *p = c->tok;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    uint64_t v = 0;
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; p < c->tok_end; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10) {
            step_cursor_fail(c, err, IFC_STEP_ERR_RANGE, c->tok,
                             "the integer %.*s is out of range (64 bits)",
                             (int)(c->tok_end - c->tok), c->tok);
            return IFC_STEP_ERR_RANGE;
        }
        v = v * 10 + d;
    }
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return IFC_STEP_OK;
}

static pthread_once_t c_numeric_once = PTHREAD_ONCE_INIT;
static locale_t c_numeric;

static void c_numeric_init(void)
{
    c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Exact powers of ten as doubles: 1e0 .. 1e22. */
static const double pow10_exact[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * Clinger's fast path: with at most 15 significant digits and a power of
 * ten of at most 22, both operands are exact doubles and one IEEE
 * operation rounds correctly. Returns false when the token needs strtod.
 */
static bool fast_real(const char *p, const char *end, double *out)
{
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    uint64_t m = 0;
    int digits = 0, scale = 0;
    for (; p < end && step_is_digit((unsigned char)*p); p++) {
        if (m == 0 && *p == '0')
            continue;
        if (++digits > 15)
            return false;
        m = m * 10 + (uint64_t)(*p - '0');
    }
    if (p < end && *p == '.') {
        for (p++; p < end && step_is_digit((unsigned char)*p); p++) {
            scale--;
            if (m == 0 && *p == '0')
                continue;
            if (++digits > 15)
                return false;
            m = m * 10 + (uint64_t)(*p - '0');
        }
    }
    if (p < end && (*p == 'E' || *p == 'e')) {
        p++;
        bool eneg = false;
        if (*p == '+' || *p == '-')
            eneg = *p++ == '-';
        int e = 0;
        for (; p < end && step_is_digit((unsigned char)*p); p++) {
            if (e > 1000)
                return false;
            e = e * 10 + (*p - '0');
        }
        scale += eneg ? -e : e;
    }
    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    if (scale < -22 || scale > 22)
        return false;
    double v = (double)m;
    v = scale < 0 ? v / pow10_exact[-scale] : v * pow10_exact[scale];
    *out = neg ? -v : v;
    return true;
}

ifc_step_status ifc_step_get_real(const ifc_step_cursor *c, double *out, ifc_step_error *err)
{
    if (!is_kind(c, IFC_STEP_KIND_REAL) && !is_kind(c, IFC_STEP_KIND_INTEGER))
        return wrong_kind(c, err, "a real");
    if (fast_real(c->tok, c->tok_end, out))
        return IFC_STEP_OK;
    char buf[STEP_MAX_NUMBER + 2];
    size_t n = (size_t)(c->tok_end - c->tok), j = 0;
    const char *p = c->tok;
    if (*p == '+' || *p == '-')
        buf[j++] = *p++;
    if (*p == '.')
        buf[j++] = '0'; /* .5 */
    memcpy(buf + j, p, (size_t)(c->tok_end - p));
    buf[j + (size_t)(c->tok_end - p)] = '\0';
    (void)n;
    pthread_once(&c_numeric_once, c_numeric_init);
    locale_t old = c_numeric != (locale_t)0 ? uselocale(c_numeric) : (locale_t)0;
    errno = 0;
    char *stop;
    double v = strtod(buf, &stop);
    int e = errno;
    if (old != (locale_t)0)
        uselocale(old);
    if (e == ERANGE && isinf(v)) {
        step_cursor_fail(c, err, IFC_STEP_ERR_RANGE, c->tok,
                         "the real %.*s is out of the range of a double",
                         (int)(c->tok_end - c->tok), c->tok);
        return IFC_STEP_ERR_RANGE;
    }
    *out = v;
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_get_enum(const ifc_step_cursor *c, const char **name, size_t *len,
                                  ifc_step_error *err)
{
    if (!is_kind(c, IFC_STEP_KIND_ENUM))
        return wrong_kind(c, err, "an enumeration");
    *name = c->tok + 1;
    *len = (size_t)(c->tok_end - c->tok) - 2;
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_get_logical(const ifc_step_cursor *c, ifc_step_logical *out,
                                     ifc_step_error *err)
{
    if (!is_kind(c, IFC_STEP_KIND_ENUM))
        return wrong_kind(c, err, "a logical (.T., .F. or .U.)");
    const char *name = c->tok + 1;
    size_t len = (size_t)(c->tok_end - c->tok) - 2;
    if (ifc_step_keyword_equals(name, len, "T") || ifc_step_keyword_equals(name, len, "TRUE"))
        *out = IFC_STEP_TRUE;
    else if (ifc_step_keyword_equals(name, len, "F") ||
             ifc_step_keyword_equals(name, len, "FALSE"))
        *out = IFC_STEP_FALSE;
    else if (ifc_step_keyword_equals(name, len, "U") ||
             ifc_step_keyword_equals(name, len, "UNKNOWN"))
        *out = IFC_STEP_UNKNOWN;
    else {
        step_cursor_fail(c, err, IFC_STEP_ERR_TYPE, c->tok,
                         "expected a logical (.T., .F. or .U.), found .%.*s.", (int)len, name);
        return IFC_STEP_ERR_TYPE;
    }
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_get_boolean(const ifc_step_cursor *c, bool *out, ifc_step_error *err)
{
    ifc_step_logical v;
    ifc_step_status st = ifc_step_get_logical(c, &v, err);
    if (st != IFC_STEP_OK)
        return st;
    if (v == IFC_STEP_UNKNOWN) {
        step_cursor_fail(c, err, IFC_STEP_ERR_TYPE, c->tok,
                         "expected a boolean (.T. or .F.), found .U.");
        return IFC_STEP_ERR_TYPE;
    }
    *out = v == IFC_STEP_TRUE;
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_get_ref(const ifc_step_cursor *c, uint32_t *id, ifc_step_error *err)
{
    if (!is_kind(c, IFC_STEP_KIND_REF))
        return wrong_kind(c, err, "a reference (#123)");
    uint64_t v = 0;
    for (const char *p = c->tok + 1; p < c->tok_end; p++) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > IFC_STEP_MAX_ID) {
            step_cursor_fail(c, err, IFC_STEP_ERR_RANGE, c->tok,
                             "the reference %.*s is out of range (#0 to #%u)",
                             (int)(c->tok_end - c->tok > 40 ? 40 : c->tok_end - c->tok), c->tok,
                             IFC_STEP_MAX_ID);
            return IFC_STEP_ERR_RANGE;
        }
    }
    *id = (uint32_t)v;
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_resolve(const ifc_step_cursor *c, ifc_step_inst *out,
                                 ifc_step_error *err)
{
    uint32_t id;
    ifc_step_status st = ifc_step_get_ref(c, &id, err);
    if (st != IFC_STEP_OK)
        return st;
    ifc_step_inst inst = ifc_step_find(c->reader, id);
    if (inst == IFC_STEP_NO_INST) {
        step_cursor_fail(c, err, IFC_STEP_ERR_DANGLING, c->tok,
                         "#%u is referenced but the file does not define it", id);
        return IFC_STEP_ERR_DANGLING;
    }
    *out = inst;
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_get_binary(const ifc_step_cursor *c, const char **hex, size_t *len,
                                    unsigned *unused_bits, ifc_step_error *err)
{
    if (!is_kind(c, IFC_STEP_KIND_BINARY))
        return wrong_kind(c, err, "a binary");
    *unused_bits = (unsigned)(c->tok[1] - '0');
    *hex = c->tok + 2;
    *len = (size_t)(c->tok_end - c->tok) - 3;
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_get_keyword(const ifc_step_cursor *c, const char **name, size_t *len,
                                     ifc_step_error *err)
{
    if (!is_kind(c, IFC_STEP_KIND_TYPED))
        return wrong_kind(c, err, "a typed value such as IFCLABEL('x')");
    const char *p = c->tok, *end = c->reader->end;
    if (*p == '!')
        p++;
    while (p < end && step_is_keyword_char((unsigned char)*p))
        p++;
    *name = c->tok;
    *len = (size_t)(p - c->tok);
    return IFC_STEP_OK;
}

ifc_step_status ifc_step_enter(const ifc_step_cursor *c, ifc_step_cursor *child,
                               ifc_step_error *err)
{
    const char *p = c->tok, *end = c->reader->end;
    if (is_kind(c, IFC_STEP_KIND_TYPED)) {
        if (*p == '!')
            p++;
        while (p < end && step_is_keyword_char((unsigned char)*p))
            p++;
        p = skip_space(c, p);
    } else if (!is_kind(c, IFC_STEP_KIND_LIST)) {
        return wrong_kind(c, err, "a list or a typed value");
    }
    begin(child, c->reader, c->rec, c->rec_line, c->inst, p + 1, SEQ_VALUES);
    return IFC_STEP_OK;
}

bool ifc_step_keyword_equals(const char *keyword, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(keyword, name, len) == 0;
}
