/*
 * value.c - an IDS value (simple or restriction) against a value read from
 * the model, as IfcTester's cast_to_value, is_x and Restriction.__eq__
 * compare them, with the test suite's rules:
 *
 * - the IDS text is cast to the kind of the model's value: strings compare
 *   exactly, integers as numbers without tolerance (42.0 equals 42, 42.3
 *   does not), reals with the tolerance |x - v| <= |v|*1e-6 + 1e-6,
 *   booleans from "true"/"1" and "false"/"0" only (TRUE is no boolean);
 * - a restriction holds when every kind of item holds: one of the
 *   enumeration values, every pattern (IfcTester ANDs them), each bound
 *   compared exactly (no tolerance on ranges), each length on the value's
 *   text in characters;
 * - objects, lists and empty values satisfy no value.
 */
#include "verify/verify_internal.h"

#include "base/base.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOLERANCE 1e-6

static bool parse_number(const char *s, double *out);
static void describe(const vmatch *m, char *buf, size_t cap);

bool vmatch_init(vmatch *m, const ids_value *v, char *why, size_t why_size)
{
    size_t n = 0;

    memset(m, 0, sizeof *m);
    if (!v || v->kind == IDS_VALUE_ABSENT)
        return true;
    m->v = v;
    {
        char words[512];
        describe(m, words, sizeof words);
        m->desc = base_utf8_dup(words, strlen(words));
        if (!m->desc) {
            base_utf8_format(why, why_size, "out of memory reading a value");
            return false;
        }
    }
    if (v->kind != IDS_VALUE_RESTRICTION) {
        m->simple_is_num = v->simple && parse_number(v->simple, &m->simple_num);
        return true;
    }
    m->item_num = calloc(v->n_items ? v->n_items : 1, sizeof *m->item_num);
    m->item_is_num = calloc(v->n_items ? v->n_items : 1, sizeof *m->item_is_num);
    if (!m->item_num || !m->item_is_num) {
        base_utf8_format(why, why_size, "out of memory reading a restriction");
        return false;
    }
    for (size_t i = 0; i < v->n_items; i++)
        m->item_is_num[i] = v->items[i].value && parse_number(v->items[i].value,
                                                               &m->item_num[i]);
    for (size_t i = 0; i < v->n_items; i++)
        if (v->items[i].facet == IDS_XS_PATTERN)
            n++;
    if (n == 0)
        return true;
    m->patterns = calloc(n, sizeof *m->patterns);
    if (!m->patterns) {
        base_utf8_format(why, why_size, "out of memory compiling patterns");
        return false;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        ids_error err;

        if (v->items[i].facet != IDS_XS_PATTERN)
            continue;
        ids_error_clear(&err);
        if (ids_regex_new(v->items[i].value, &m->patterns[m->n_patterns], &err) != IDS_OK) {
            base_utf8_format(why, why_size, "%s", err.message);
            return false;
        }
        m->n_patterns++;
    }
    return true;
}

void vmatch_clear(vmatch *m)
{
    for (size_t i = 0; i < m->n_patterns; i++)
        ids_regex_free(m->patterns[i]);
    free(m->patterns);
    free(m->item_num);
    free(m->item_is_num);
    free(m->desc);
    memset(m, 0, sizeof *m);
}

bool ival_is_empty(const ival *v)
{
    switch (v->kind) {
    case IVAL_NULL:
    case IVAL_UNKNOWN:
    case IVAL_EMPTY_LIST:
        return true;
    case IVAL_STRING:
        return v->len == 0;
    default:
        return false;
    }
}

/* Python's repr of a float: the shortest text that reads back the same,
 * with ".0" on a whole number. */
static size_t real_text(double d, char *buf, size_t cap)
{
    int n = 0;

    if (isnan(d))
        return (size_t)snprintf(buf, cap, "nan");
    if (isinf(d))
        return (size_t)snprintf(buf, cap, d < 0 ? "-inf" : "inf");
    for (int prec = 1; prec <= 17; prec++) {
        n = snprintf(buf, cap, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (n > 0 && (size_t)n + 3 < cap && !strpbrk(buf, ".e")) {
        memcpy(buf + n, ".0", 3);
        n += 2;
    }
    return n > 0 ? (size_t)n : 0;
}

const char *ival_text(const ival *v, char *buf, size_t cap, size_t *len)
{
    switch (v->kind) {
    case IVAL_STRING:
    case IVAL_ENUM:
        *len = v->len;
        return v->s;
    case IVAL_INT:
        *len = (size_t)snprintf(buf, cap, "%lld", (long long)v->i);
        return buf;
    case IVAL_REAL:
        *len = real_text(v->d, buf, cap);
        return buf;
    case IVAL_BOOL:
        *len = (size_t)snprintf(buf, cap, "%s", v->b ? "True" : "False");
        return buf;
    default:
        *len = 0;
        return NULL;
    }
}

void ival_describe(const ival *v, char *buf, size_t cap)
{
    char tmp[64];
    size_t len;
    const char *t;

    switch (v->kind) {
    case IVAL_NULL:
        base_utf8_format(buf, cap, "null");
        break;
    case IVAL_UNKNOWN:
        base_utf8_format(buf, cap, "UNKNOWN");
        break;
    case IVAL_EMPTY_LIST:
        base_utf8_format(buf, cap, "an empty list");
        break;
    case IVAL_LIST:
        base_utf8_format(buf, cap, "a list");
        break;
    case IVAL_REF:
        base_utf8_format(buf, cap, "an object");
        break;
    case IVAL_BOOL:
        base_utf8_format(buf, cap, "%s", v->b ? "true" : "false");
        break;
    case IVAL_STRING:
    case IVAL_ENUM: {
        char q[128];
        base_utf8_copy(q, sizeof q, v->s, v->len);
        base_utf8_format(buf, cap, "'%s'", q);
        break;
    }
    case IVAL_INT:
    case IVAL_REAL:
        t = ival_text(v, tmp, sizeof tmp, &len);
        base_utf8_format(buf, cap, "%.*s", (int)len, t);
        break;
    default:
        base_utf8_format(buf, cap, "an unreadable value");
        break;
    }
}

/* A number as IDS writes one (xs:double / xs:integer lexical forms, which
 * strtod accepts and more); the whole text must be read. */
static bool parse_number(const char *s, double *out)
{
    char *end;

    if (!s || !*s || s[0] == ' ')
        return false;
    errno = 0;
    *out = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE || end == s)
        return false;
    /* strtod reads hex and "nan"/"inf" forms too; IDS numbers have none
     * but INF and NaN (xs:double), which compare as nothing here. */
    if (strpbrk(s, "xXnN"))
        return false;
    return true;
}

static bool tol_equal(double x, double v)
{
    double d = fabs(v) * TOLERANCE + TOLERANCE;
    /* The bounds themselves pass: the suite's pass cases sit on them, and
     * v - d is not exact in binary, so the bounds widen by a few units in
     * the last place of the larger magnitude. */
    double ulps = 4 * DBL_EPSILON * (fabs(v) > d ? fabs(v) : d);
    return v - d - ulps <= x && x <= v + d + ulps;
}

/* The IDS text cast to the model value's kind and compared; is_num and x
 * are the text read as a number (once, by vmatch_init). */
static bool cast_equal(const char *ids, bool is_num, double x, const ival *v)
{
    switch (v->kind) {
    case IVAL_STRING:
    case IVAL_ENUM:
        return strlen(ids) == v->len && memcmp(ids, v->s, v->len) == 0;
    case IVAL_INT:
        return is_num && x == (double)v->i;
    case IVAL_REAL:
        return is_num && tol_equal(v->d, x);
    case IVAL_BOOL:
        if (strcmp(ids, "true") == 0 || strcmp(ids, "1") == 0)
            return v->b;
        if (strcmp(ids, "false") == 0 || strcmp(ids, "0") == 0)
            return !v->b;
        return false;
    default:
        return false;
    }
}

static bool numeric_of(const ival *v, double *out)
{
    switch (v->kind) {
    case IVAL_INT:
    case IVAL_REAL:
        *out = v->d;
        return true;
    case IVAL_STRING: {
        char tmp[128];
        if (v->len >= sizeof tmp)
            return false;
        memcpy(tmp, v->s, v->len);
        tmp[v->len] = '\0';
        return parse_number(tmp, out);
    }
    default:
        return false;
    }
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static bool restriction_holds(const vmatch *m, const ival *v)
{
    const ids_value *r = m->v;
    bool has_enum = false, enum_ok = false;
    size_t pattern = 0;
    char buf[64];
    size_t len = 0;
    const char *text = NULL;
    bool have_text = false;

    for (size_t i = 0; i < r->n_items; i++) {
        const ids_xs_item *it = &r->items[i];
        double x, bound = m->item_num[i];
        char *end;
        unsigned long n;

        /* The value's text only when a pattern or a length needs it:
         * formatting a real costs more than the rest of the check. */
        if (!have_text && (it->facet == IDS_XS_PATTERN || it->facet == IDS_XS_LENGTH ||
                           it->facet == IDS_XS_MIN_LENGTH || it->facet == IDS_XS_MAX_LENGTH)) {
            text = ival_text(v, buf, sizeof buf, &len);
            have_text = true;
        }
        switch (it->facet) {
        case IDS_XS_ENUMERATION:
            has_enum = true;
            if (!enum_ok && cast_equal(it->value, m->item_is_num[i], m->item_num[i], v))
                enum_ok = true;
            break;
        case IDS_XS_PATTERN:
            if (!text || !ids_regex_match(m->patterns[pattern], text, len))
                return false;
            pattern++;
            break;
        case IDS_XS_MIN_INCLUSIVE:
        case IDS_XS_MAX_INCLUSIVE:
        case IDS_XS_MIN_EXCLUSIVE:
        case IDS_XS_MAX_EXCLUSIVE:
            if (!numeric_of(v, &x) || !m->item_is_num[i])
                return false;
            if ((it->facet == IDS_XS_MIN_INCLUSIVE && !(x >= bound)) ||
                (it->facet == IDS_XS_MAX_INCLUSIVE && !(x <= bound)) ||
                (it->facet == IDS_XS_MIN_EXCLUSIVE && !(x > bound)) ||
                (it->facet == IDS_XS_MAX_EXCLUSIVE && !(x < bound)))
                return false;
            break;
        case IDS_XS_LENGTH:
        case IDS_XS_MIN_LENGTH:
        case IDS_XS_MAX_LENGTH:
            if (!text)
                return false;
            errno = 0;
            n = strtoul(it->value, &end, 10);
            if (*end || errno)
                return false;
            len = utf8_chars(text, len);
            if ((it->facet == IDS_XS_LENGTH && len != n) ||
                (it->facet == IDS_XS_MIN_LENGTH && len < n) ||
                (it->facet == IDS_XS_MAX_LENGTH && len > n))
                return false;
            text = ival_text(v, buf, sizeof buf, &len);
            break;
        default:
            /* totalDigits, fractionDigits: IfcTester does not judge them. */
            break;
        }
    }
    return !has_enum || enum_ok;
}

bool vmatch_value(const vmatch *m, const ival *v)
{
    if (!m->v)
        return true;
    switch (v->kind) {
    case IVAL_STRING:
    case IVAL_ENUM:
    case IVAL_INT:
    case IVAL_REAL:
    case IVAL_BOOL:
        break;
    default:
        return false;
    }
    if (m->v->kind == IDS_VALUE_SIMPLE)
        return m->v->simple && cast_equal(m->v->simple, m->simple_is_num, m->simple_num, v);
    return restriction_holds(m, v);
}

bool vmatch_text(const vmatch *m, const char *text, size_t len)
{
    ival v;

    memset(&v, 0, sizeof v);
    v.kind = IVAL_STRING;
    v.s = text;
    v.len = len;
    return vmatch_value(m, &v);
}

void vmatch_describe(const vmatch *m, char *buf, size_t cap)
{
    if (m->desc)
        base_utf8_format(buf, cap, "%s", m->desc);
    else
        describe(m, buf, cap);
}

static void describe(const vmatch *m, char *buf, size_t cap)
{
    const ids_value *v = m->v;
    base_buf out = {0};
    bool first_enum = true;
    char *s;

    if (!v) {
        base_utf8_format(buf, cap, "anything");
        return;
    }
    if (v->kind == IDS_VALUE_SIMPLE) {
        base_utf8_format(buf, cap, "'%s'", BASE_QUOTE(v->simple ? v->simple : "", 120));
        return;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        const ids_xs_item *it = &v->items[i];
        const char *val = BASE_QUOTE(it->value ? it->value : "", 80);

        if (out.len > 0 && !(it->facet == IDS_XS_ENUMERATION && !first_enum))
            base_buf_append_str(&out, "; ");
        switch (it->facet) {
        case IDS_XS_ENUMERATION:
            base_buf_printf(&out, first_enum ? "one of '%s'" : ", '%s'", val);
            first_enum = false;
            break;
        case IDS_XS_PATTERN:
            base_buf_printf(&out, "matching %s", val);
            break;
        case IDS_XS_MIN_INCLUSIVE:
            base_buf_printf(&out, ">= %s", val);
            break;
        case IDS_XS_MAX_INCLUSIVE:
            base_buf_printf(&out, "<= %s", val);
            break;
        case IDS_XS_MIN_EXCLUSIVE:
            base_buf_printf(&out, "> %s", val);
            break;
        case IDS_XS_MAX_EXCLUSIVE:
            base_buf_printf(&out, "< %s", val);
            break;
        case IDS_XS_LENGTH:
            base_buf_printf(&out, "%s characters long", val);
            break;
        case IDS_XS_MIN_LENGTH:
            base_buf_printf(&out, "at least %s characters long", val);
            break;
        case IDS_XS_MAX_LENGTH:
            base_buf_printf(&out, "at most %s characters long", val);
            break;
        default:
            base_buf_printf(&out, "%s %s", ids_xs_facet_name(it->facet), val);
            break;
        }
    }
    s = base_buf_take(&out, NULL);
    base_utf8_format(buf, cap, "%s", s ? s : "a restriction");
    free(s);
}
