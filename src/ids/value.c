/*
 * value.c - checks on values before they enter a tree: text that XML can
 * carry, simple values, and xs:restriction contents (base, items the base
 * takes, lexical forms of bounds and enumerations, lengths, patterns).
 *
 * Why these checks live here rather than in the validator: an edit is
 * refused before the tree changes, with a message that says what is
 * allowed, so the engine must know every rule a single value can break.
 * The lexical forms follow the IDS documentation's DataTypes table (the
 * audit tool checks the same ones), made strict where that table's regexes
 * accept nonsense ("" or "." as a double, "P" as a duration). User
 * patterns compile with libxml2's XSD regular expressions.
 */
#include "ids/ids_internal.h"
#include "ids/validate_internal.h"

#include <libxml/xmlerror.h>
#include <libxml/xmlregexp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---- */

/* Decodes one UTF-8 sequence strictly (no overlongs, no surrogates, at
 * most U+10FFFF). Returns its length, or 0 when malformed. */
static size_t utf8_decode(const unsigned char *s, unsigned long *cp)
{
    unsigned char c = s[0];
    size_t n;
    unsigned long v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

static bool xml_char(unsigned long cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

ids_status ids_text_check(const char *what, const char *text, ids_error *err)
{
    if (text == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "%s is missing", what);
    const unsigned char *s = (const unsigned char *)text;
    size_t offset = 0;
    while (s[offset] != '\0') {
        unsigned long cp = 0;
        size_t n = utf8_decode(s + offset, &cp);
        if (n == 0)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s is not valid UTF-8 (byte %zu); only UTF-8 text is allowed",
                           what, offset);
        if (!xml_char(cp))
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s contains character U+%04lX (byte %zu), which XML cannot "
                           "carry; allowed: tab, newline, carriage return and printable "
                           "characters",
                           what, cp, offset);
        offset += n;
    }
    return IDS_OK;
}

ids_status ids_text_check_nonempty(const char *what, const char *text, ids_error *err)
{
    if (text != NULL && text[0] == '\0')
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "%s must not be empty", what);
    return ids_text_check(what, text, err);
}

/* ---- lexical forms of the base types ---- */

typedef enum base_kind {
    BASE_TEXT = 0, /* xs:string, xs:anyURI */
    BASE_BOOLEAN,
    BASE_INTEGER,
    BASE_DECIMAL,
    BASE_DOUBLE,   /* xs:double, xs:float */
    BASE_DATE,
    BASE_DATETIME,
    BASE_TIME,
    BASE_DURATION
} base_kind;

/* Hand-written matchers for the lexical forms (they allocate nothing, so
 * out of memory cannot pass for a bad value, and libxml2's regexp
 * compiler, which is not safe when allocation fails, stays out of it). */

static const char *digits(const char *s, size_t min, size_t max)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9' && (max == 0 || n < max))
        n++;
    return n >= min ? s + n : NULL;
}

static const char *sign(const char *s)
{
    return *s == '+' || *s == '-' ? s + 1 : s;
}

/* [0-9]+(\.[0-9]*)?|\.[0-9]+ */
static const char *unsigned_decimal(const char *s)
{
    const char *p = digits(s, 1, 0);
    if (p != NULL)
        return *p == '.' ? digits(p + 1, 0, 0) : p;
    return *s == '.' ? digits(s + 1, 1, 0) : NULL;
}

/* (Z|[+-]hh:mm)? */
static const char *timezone_part(const char *s)
{
    if (*s == 'Z')
        return s + 1;
    if (*s != '+' && *s != '-')
        return s;
    const char *p = digits(s + 1, 2, 2);
    if (p == NULL || *p != ':')
        return NULL;
    return digits(p + 1, 2, 2);
}

/* YYYY-MM-DD */
static const char *date_part(const char *s)
{
    const char *p = digits(s, 4, 4);
    if (p == NULL || *p != '-' || (p = digits(p + 1, 2, 2)) == NULL || *p != '-')
        return NULL;
    return digits(p + 1, 2, 2);
}

/* hh:mm:ss(\.[0-9]+)? */
static const char *time_part(const char *s)
{
    const char *p = digits(s, 2, 2);
    if (p == NULL || *p != ':' || (p = digits(p + 1, 2, 2)) == NULL || *p != ':' ||
        (p = digits(p + 1, 2, 2)) == NULL)
        return NULL;
    return *p == '.' ? digits(p + 1, 1, 0) : p;
}

static bool is_end(const char *p)
{
    return p != NULL && *p == '\0';
}

static bool match_boolean(const char *v)
{
    return strcmp(v, "true") == 0 || strcmp(v, "false") == 0 || strcmp(v, "1") == 0 ||
           strcmp(v, "0") == 0;
}

static bool match_integer(const char *v)
{
    return is_end(digits(sign(v), 1, 0));
}

static bool match_decimal(const char *v)
{
    return is_end(unsigned_decimal(sign(v)));
}

static bool match_double(const char *v)
{
    if (strcmp(v, "NaN") == 0 || strcmp(v, "+INF") == 0 || strcmp(v, "-INF") == 0)
        return true;
    const char *p = unsigned_decimal(sign(v));
    if (p != NULL && (*p == 'e' || *p == 'E'))
        p = digits(sign(p + 1), 1, 0);
    return is_end(p);
}

static bool match_date(const char *v)
{
    const char *p = date_part(v);
    return p != NULL && is_end(timezone_part(p));
}

static bool match_datetime(const char *v)
{
    const char *p = date_part(v);
    if (p == NULL || *p != 'T' || (p = time_part(p + 1)) == NULL)
        return false;
    return is_end(timezone_part(p));
}

static bool match_time(const char *v)
{
    const char *p = time_part(v);
    return p != NULL && is_end(timezone_part(p));
}

/* [+-]?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(nS)?)? with at least one part, and at
 * least one after a T. */
static bool match_duration(const char *v)
{
    const char *p = sign(v);
    if (*p++ != 'P')
        return false;
    const char *units = "YMD";
    size_t parts = 0;
    bool in_time = false;
    while (*p != '\0') {
        if (*p == 'T' && !in_time) {
            in_time = true;
            units = "HMS";
            p++;
            if (*p == '\0')
                return false; /* a T needs a part after it */
            continue;
        }
        const char *q = digits(p, 1, 0);
        if (q == NULL || *q == '\0')
            return false;
        const char *u = strchr(units, *q);
        if (u == NULL)
            return false;
        units = u + 1;
        p = q + 1;
        parts++;
    }
    return parts > 0;
}

static const struct {
    bool (*match)(const char *); /* NULL: any text */
    const char *form;            /* what the message says is allowed */
} base_forms[] = {
    [BASE_TEXT] = {NULL, "any text"},
    [BASE_BOOLEAN] = {match_boolean, "true, false, 1 or 0 (lower case)"},
    [BASE_INTEGER] = {match_integer, "an integer such as 42 or -7 (no decimal point)"},
    [BASE_DECIMAL] = {match_decimal, "a decimal number such as 3.25 (a dot, no exponent)"},
    [BASE_DOUBLE] = {match_double,
                     "a number such as 3.5, -2, 1e-3 (a dot, not a comma), NaN, +INF or -INF"},
    [BASE_DATE] = {match_date, "a date YYYY-MM-DD with an optional Z or +hh:mm"},
    [BASE_DATETIME] = {match_datetime,
                       "a date-time YYYY-MM-DDThh:mm:ss with optional .fraction and Z or +hh:mm"},
    [BASE_TIME] = {match_time, "a time hh:mm:ss with optional .fraction and Z or +hh:mm"},
    [BASE_DURATION] = {match_duration, "a duration such as P1Y2M3DT4H5M6S, P3D or PT10M"},
};

static base_kind base_kind_of(const char *base)
{
    static const struct {
        const char *name;
        base_kind kind;
    } map[] = {
        {"xs:boolean", BASE_BOOLEAN}, {"xs:integer", BASE_INTEGER},
        {"xs:decimal", BASE_DECIMAL}, {"xs:double", BASE_DOUBLE},
        {"xs:float", BASE_DOUBLE},    {"xs:date", BASE_DATE},
        {"xs:dateTime", BASE_DATETIME}, {"xs:time", BASE_TIME},
        {"xs:duration", BASE_DURATION},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].name, base) == 0)
            return map[i].kind;
    return BASE_TEXT;
}

static bool two_digits_in(const char *s, int lo, int hi)
{
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v >= lo && v <= hi;
}

/* Field ranges the regex cannot express (month 01-12, hour 00-23, ...);
 * the regex has already fixed the positions. */
static bool ranges_ok(base_kind kind, const char *v)
{
    if (kind == BASE_DATE || kind == BASE_DATETIME) {
        if (!two_digits_in(v + 5, 1, 12) || !two_digits_in(v + 8, 1, 31))
            return false;
        if (kind == BASE_DATE)
            return true;
        v += 11;
    }
    if (kind == BASE_DATETIME || kind == BASE_TIME)
        return two_digits_in(v, 0, 23) && two_digits_in(v + 3, 0, 59) &&
               two_digits_in(v + 6, 0, 59);
    return true;
}

/* Both this file's matcher and the audit's (ids_lexical_valid) must agree,
 * so a value the editor accepts is never one the validator flags. */
static bool lexical_ok(base_kind kind, const char *base, const char *v)
{
    if (base_forms[kind].match == NULL)
        return true;
    return base_forms[kind].match(v) && ranges_ok(kind, v) && ids_lexical_valid(base, v);
}

const char *ids_lexical_problem(const char *base, const char *v)
{
    base_kind kind = base_kind_of(base);
    return lexical_ok(kind, base, v) ? NULL : base_forms[kind].form;
}

/* Splits "2024-01-01+02:00" into its main part length and its timezone. */
static size_t tz_split(const char *v, const char **tz)
{
    size_t n = strlen(v);
    if (n > 0 && v[n - 1] == 'Z') {
        *tz = v + n - 1;
        return n - 1;
    }
    if (n >= 6 && (v[n - 6] == '+' || v[n - 6] == '-') && v[n - 3] == ':') {
        *tz = v + n - 6;
        return n - 6;
    }
    *tz = v + n;
    return n;
}

/* Compares two bounds of the same base: <0, 0, >0, or 2 when they cannot
 * be ordered here (NaN, different timezones, durations). */
static int bound_compare(base_kind kind, const char *a, const char *b)
{
    switch (kind) {
    case BASE_INTEGER:
    case BASE_DECIMAL:
    case BASE_DOUBLE: {
        double x = strtod(a, NULL), y = strtod(b, NULL);
        if (isnan(x) || isnan(y))
            return 2;
        return x < y ? -1 : x > y ? 1 : 0;
    }
    case BASE_DATE:
    case BASE_DATETIME:
    case BASE_TIME: {
        /* Fixed-width fields compare as text; a fraction compares by its
         * digits, which text order also gets right. */
        const char *tza, *tzb;
        size_t na = tz_split(a, &tza), nb = tz_split(b, &tzb);
        if (strcmp(tza, tzb) != 0)
            return 2;
        size_t n = na < nb ? na : nb;
        int c = strncmp(a, b, n);
        if (c != 0)
            return c < 0 ? -1 : 1;
        return na < nb ? -1 : na > nb ? 1 : 0;
    }
    default:
        return 2;
    }
}

/* ---- restrictions ---- */

static void list_allowed_items(const char *base, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int f = 0; f < IDS_XS_FACET_COUNT; f++) {
        if (!ids_base_allows(base, (ids_xs_facet)f))
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                         ids_xs_facet_name((ids_xs_facet)f));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

void ids_list_join(const char *const *names, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; names[i] != NULL; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

static bool is_length_facet(ids_xs_facet f)
{
    return f == IDS_XS_LENGTH || f == IDS_XS_MIN_LENGTH || f == IDS_XS_MAX_LENGTH;
}

/* Lengths are xs:nonNegativeInteger: digits only. 18 digits keep the value
 * inside an unsigned long long; no real text is longer. */
static bool length_value(const char *v, unsigned long long *out)
{
    size_t n = strlen(v);
    if (n == 0 || n > 18 || strspn(v, "0123456789") != n)
        return false;
    *out = strtoull(v, NULL, 10);
    return true;
}

static ids_status check_restriction(const ids_doc *doc, const ids_value *value,
                                    const char *what, ids_error *err)
{
    char allowed[256];
    if (value->base == NULL || value->base[0] == '\0') {
        ids_list_join(ids_base_types, allowed, sizeof(allowed));
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s: a restriction needs a base type; allowed: %s", what, allowed);
    }
    bool known = false;
    for (size_t i = 0; ids_base_types[i] != NULL; i++)
        if (strcmp(ids_base_types[i], value->base) == 0)
            known = true;
    if (!known) {
        ids_list_join(ids_base_types, allowed, sizeof(allowed));
        ids_status st = ids_text_check("base", value->base, err);
        if (st != IDS_OK)
            return st;
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s: base '%s' is not supported by IDS; allowed: %s%s", what,
                       BASE_QUOTE(value->base, 64), allowed,
                       strncmp(value->base, "xs:", 3) != 0 ? " (with the xs: prefix)" : "");
    }
    if (value->n_items == 0 || value->items == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s: a restriction needs at least one item (enumeration, pattern, "
                       "bounds or lengths); for a single exact value use a simple value",
                       what);

    base_kind kind = base_kind_of(value->base);
    const char *first[IDS_XS_FACET_COUNT] = {0};
    size_t patterns = 0;
    for (size_t i = 0; i < value->n_items; i++) {
        const ids_xs_item *item = &value->items[i];
        const char *name = ids_xs_facet_name(item->facet);
        if (name == NULL)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s: item %zu has an unknown restriction kind; allowed: "
                           "enumeration, pattern, minInclusive, maxInclusive, minExclusive, "
                           "maxExclusive, length, minLength, maxLength (and totalDigits, "
                           "fractionDigits on xs:decimal / xs:integer)",
                           what, i + 1);
        bool digits = item->facet == IDS_XS_TOTAL_DIGITS ||
                      item->facet == IDS_XS_FRACTION_DIGITS;
        if (digits && !ids_base_takes_digits(value->base))
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s: %s is only defined for base xs:decimal or xs:integer, not "
                           "%s; for other bases use a pattern such as "
                           "[0-9]{1,5}(\\.[0-9]{1,2})? or minInclusive/maxInclusive bounds",
                           what, name, value->base);
        if (!digits && !ids_base_allows(value->base, item->facet)) {
            list_allowed_items(value->base, allowed, sizeof(allowed));
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s: %s is not allowed with base %s; allowed: %s", what, name,
                           value->base, allowed);
        }
        char label[96];
        snprintf(label, sizeof(label), "%s: %s value", what, name);
        ids_status st = ids_text_check_nonempty(label, item->value, err);
        if (st != IDS_OK)
            return st;
        if (item->facet != IDS_XS_ENUMERATION && item->facet != IDS_XS_PATTERN &&
            first[item->facet] != NULL)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s: %s is given twice; at most one is allowed (only "
                           "enumeration may repeat)",
                           what, name);
        if (first[item->facet] == NULL)
            first[item->facet] = item->value;

        if (item->facet == IDS_XS_PATTERN) {
            if (++patterns > 1)
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s: only one pattern per restriction is allowed, because "
                               "IDS checkers disagree on how several combine; join the "
                               "alternatives with | in one pattern, e.g. (A.*)|(B.*)",
                               what);
            if (strlen(item->value) > IDS_MAX_PATTERN_BYTES)
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s: the pattern is longer than %d bytes", what,
                               IDS_MAX_PATTERN_BYTES);
            char why[512];
            ids_pattern_verdict v = ids_pattern_check(doc, item->value, why, sizeof(why));
            if (v == IDS_PATTERN_NOMEM)
                return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory checking a pattern");
            if (v == IDS_PATTERN_TOO_COMPLEX)
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s: pattern '%s' is refused: %s", what,
                               BASE_QUOTE(item->value, 60), why);
            if (v == IDS_PATTERN_INVALID)
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s: pattern '%s' is not a valid XSD regular expression; "
                               "allowed: XML Schema regex syntax, implicitly anchored "
                               "(e.g. [A-Z]{2}[0-9]+ or (EF|Pr)_.*); ^ and $ are not anchors",
                               what, BASE_QUOTE(item->value, 200));
        } else if (digits) {
            unsigned long long n;
            bool total = item->facet == IDS_XS_TOTAL_DIGITS;
            if (!length_value(item->value, &n) || (total && n == 0))
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s: %s '%s' is not a digit count; allowed: %s", what,
                               name, BASE_QUOTE(item->value, 100),
                               total ? "a positive integer such as 5" :
                                       "a non-negative integer such as 2");
            if (!total && n != 0 && strcmp(value->base, "xs:integer") == 0)
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s: fractionDigits %llu with base xs:integer leaves no "
                               "value; allowed: 0, or base xs:decimal",
                               what, n);
        } else if (is_length_facet(item->facet)) {
            unsigned long long n;
            if (!length_value(item->value, &n))
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s: %s '%s' is not a length; allowed: a non-negative "
                               "integer such as 0 or 12",
                               what, name, BASE_QUOTE(item->value, 100));
        } else {
            if (!lexical_ok(kind, value->base, item->value))
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s: %s '%s' does not fit base %s; allowed: %s", what,
                               name, BASE_QUOTE(item->value, 100), value->base,
                               base_forms[kind].form);
        }
    }

    if (first[IDS_XS_MIN_INCLUSIVE] != NULL && first[IDS_XS_MIN_EXCLUSIVE] != NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s: minInclusive and minExclusive together are not allowed; "
                       "use one lower bound",
                       what);
    if (first[IDS_XS_MAX_INCLUSIVE] != NULL && first[IDS_XS_MAX_EXCLUSIVE] != NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s: maxInclusive and maxExclusive together are not allowed; "
                       "use one upper bound",
                       what);
    bool lo_excl = first[IDS_XS_MIN_EXCLUSIVE] != NULL;
    bool hi_excl = first[IDS_XS_MAX_EXCLUSIVE] != NULL;
    const char *lo = lo_excl ? first[IDS_XS_MIN_EXCLUSIVE] : first[IDS_XS_MIN_INCLUSIVE];
    const char *hi = hi_excl ? first[IDS_XS_MAX_EXCLUSIVE] : first[IDS_XS_MAX_INCLUSIVE];
    if (lo != NULL && hi != NULL) {
        int c = bound_compare(kind, lo, hi);
        if (c == 1 || (c == 0 && (lo_excl || hi_excl)))
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s: the bounds %s %s and %s %s leave no value; allowed: a "
                           "lower bound below the upper bound",
                           what, lo_excl ? "minExclusive" : "minInclusive",
                           BASE_QUOTE(lo, 64), hi_excl ? "maxExclusive" : "maxInclusive",
                           BASE_QUOTE(hi, 64));
    }
    if (first[IDS_XS_LENGTH] != NULL &&
        (first[IDS_XS_MIN_LENGTH] != NULL || first[IDS_XS_MAX_LENGTH] != NULL))
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s: length together with minLength or maxLength is not allowed; "
                       "use either length or minLength/maxLength",
                       what);
    if (first[IDS_XS_MIN_LENGTH] != NULL && first[IDS_XS_MAX_LENGTH] != NULL) {
        unsigned long long mn = 0, mx = 0;
        length_value(first[IDS_XS_MIN_LENGTH], &mn);
        length_value(first[IDS_XS_MAX_LENGTH], &mx);
        if (mn > mx)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s: minLength %llu is greater than maxLength %llu; allowed: "
                           "minLength <= maxLength",
                           what, mn, mx);
    }
    return IDS_OK;
}

ids_status ids_value_check_as(const ids_doc *doc, const ids_value *value, const char *what,
                              ids_error *err)
{
    if (what == NULL)
        what = "value";
    if (value == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "%s: no value given", what);
    switch (value->kind) {
    case IDS_VALUE_SIMPLE: {
        if (value->simple == NULL || value->simple[0] == '\0')
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s: a simple value must not be empty; give the exact text to "
                           "match, or a restriction",
                           what);
        return ids_text_check(what, value->simple, err);
    }
    case IDS_VALUE_RESTRICTION:
        return check_restriction(doc, value, what, err);
    case IDS_VALUE_ABSENT:
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s: no value given; allowed: a simple value or a restriction", what);
    }
    return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                   "%s: unknown value kind; allowed: simple or restriction", what);
}

ids_status ids_value_check(const ids_value *value, ids_error *err)
{
    return ids_value_check_as(NULL, value, "value", err);
}

ids_status ids_doc_value_check(const ids_doc *doc, const ids_value *value, ids_error *err)
{
    return ids_value_check_as(doc, value, "value", err);
}

/* Canonical item order: enumeration, pattern, bounds (lower, then upper),
 * lengths; items of one kind keep the order they were given in. The digit
 * facets come last only so that every facet has a place. */
const ids_xs_facet ids_xs_item_order[IDS_XS_FACET_COUNT] = {
    IDS_XS_ENUMERATION,   IDS_XS_PATTERN,       IDS_XS_MIN_INCLUSIVE,
    IDS_XS_MIN_EXCLUSIVE, IDS_XS_MAX_INCLUSIVE, IDS_XS_MAX_EXCLUSIVE,
    IDS_XS_LENGTH,        IDS_XS_MIN_LENGTH,    IDS_XS_MAX_LENGTH,
    IDS_XS_TOTAL_DIGITS,  IDS_XS_FRACTION_DIGITS,
};
