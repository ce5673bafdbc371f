/*
 * datatypes.c - the IFC dataTypes a property facet may name, with the XML
 * Schema base type a restriction on its value must use, and the lexical
 * forms of those base types.
 *
 * The table is src/ifc's (the IDS documentation's DataTypes.md: 392 rows,
 * each with the versions that carry it; see specs/ifc.md). Here only the
 * name and the base matter; the version check (P5 per version) is in
 * audit_ifc.c.
 *
 * The lexical forms follow the regular expressions of the same document
 * (the audit tool uses the same ones); they are written as small matchers
 * because POSIX regex has no \d and libxml2's XSD regex engine is anchored
 * differently.
 */
#include "ids/validate_internal.h"
#include "ifc/ifc.h"

#include <stdlib.h>
#include <string.h>

size_t ids_datatype_count(void)
{
    return ifc_datatype_count();
}

const char *ids_datatype_base(const char *data_type)
{
    const ifc_datatype *d = ifc_datatype_find(data_type);
    return d != NULL ? d->base : NULL;
}

/* ---- lexical forms ---- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Consumes exactly n digits. */
static bool digits_n(const char **p, int n)
{
    for (int i = 0; i < n; i++)
        if (!is_digit((*p)[i]))
            return false;
    *p += n;
    return true;
}

/* Consumes one or more digits. */
static bool digits_1(const char **p)
{
    if (!is_digit(**p))
        return false;
    while (is_digit(**p))
        (*p)++;
    return true;
}

/* (Z|[+-]\d{2}:\d{2})? then the end. */
static bool zone_then_end(const char *p)
{
    if (*p == 'Z')
        return p[1] == '\0';
    if (*p == '+' || *p == '-') {
        p++;
        return digits_n(&p, 2) && *p++ == ':' && digits_n(&p, 2) && *p == '\0';
    }
    return *p == '\0';
}

static bool date_part(const char **p)
{
    return digits_n(p, 4) && *(*p)++ == '-' && digits_n(p, 2) && *(*p)++ == '-' &&
           digits_n(p, 2);
}

/* \d{2}:\d{2}:\d{2}(\.\d+)? */
static bool time_part(const char **p)
{
    if (!(digits_n(p, 2) && *(*p)++ == ':' && digits_n(p, 2) && *(*p)++ == ':' &&
          digits_n(p, 2)))
        return false;
    if (**p == '.') {
        (*p)++;
        return digits_1(p);
    }
    return true;
}

static bool lex_boolean(const char *v)
{
    return strcmp(v, "true") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
           strcmp(v, "1") == 0;
}

static bool lex_integer(const char *v)
{
    if (*v == '+' || *v == '-')
        v++;
    return digits_1(&v) && *v == '\0';
}

/* [-+]?[0-9]*\.?[0-9]*([eE][-+]?[0-9]+)?|NaN|\+INF|-INF, as the document
 * writes it: it also accepts "" and ".", which the audit tool accepts too. */
static bool lex_double(const char *v)
{
    if (strcmp(v, "NaN") == 0 || strcmp(v, "+INF") == 0 || strcmp(v, "-INF") == 0)
        return true;
    if (*v == '+' || *v == '-')
        v++;
    while (is_digit(*v))
        v++;
    if (*v == '.')
        v++;
    while (is_digit(*v))
        v++;
    if (*v == 'e' || *v == 'E') {
        v++;
        if (*v == '+' || *v == '-')
            v++;
        if (!digits_1(&v))
            return false;
    }
    return *v == '\0';
}

/* xs:decimal: no exponent, no special values. */
static bool lex_decimal(const char *v)
{
    if (*v == '+' || *v == '-')
        v++;
    bool any = false;
    while (is_digit(*v)) {
        v++;
        any = true;
    }
    if (*v == '.') {
        v++;
        while (is_digit(*v)) {
            v++;
            any = true;
        }
    }
    return any && *v == '\0';
}

static bool lex_date(const char *v)
{
    return date_part(&v) && zone_then_end(v);
}

static bool lex_date_time(const char *v)
{
    return date_part(&v) && *v++ == 'T' && time_part(&v) && zone_then_end(v);
}

static bool lex_time(const char *v)
{
    return time_part(&v) && zone_then_end(v);
}

/* [-+]?P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)? */
static bool lex_duration(const char *v)
{
    if (*v == '+' || *v == '-')
        v++;
    if (*v++ != 'P')
        return false;
    static const char date_units[] = "YMD";
    static const char time_units[] = "HMS";
    size_t next = 0;
    while (is_digit(*v)) {
        const char *start = v;
        digits_1(&v);
        const char *unit = strchr(date_units + next, *v);
        if (*v == '\0' || unit == NULL) {
            v = start;
            break;
        }
        next = (size_t)(unit - date_units) + 1;
        v++;
    }
    if (*v == 'T') {
        v++;
        next = 0;
        while (is_digit(*v)) {
            digits_1(&v);
            const char *unit = *v != '\0' ? strchr(time_units + next, *v) : NULL;
            if (unit == NULL)
                return false;
            next = (size_t)(unit - time_units) + 1;
            v++;
        }
    }
    return *v == '\0';
}

bool ids_lexical_valid(const char *base, const char *value)
{
    if (base == NULL || value == NULL)
        return true;
    if (strcmp(base, "xs:boolean") == 0)
        return lex_boolean(value);
    if (strcmp(base, "xs:integer") == 0)
        return lex_integer(value);
    if (strcmp(base, "xs:double") == 0 || strcmp(base, "xs:float") == 0)
        return lex_double(value);
    if (strcmp(base, "xs:decimal") == 0)
        return lex_decimal(value);
    if (strcmp(base, "xs:date") == 0)
        return lex_date(value);
    if (strcmp(base, "xs:dateTime") == 0)
        return lex_date_time(value);
    if (strcmp(base, "xs:time") == 0)
        return lex_time(value);
    if (strcmp(base, "xs:duration") == 0)
        return lex_duration(value);
    return true;
}

/* IFC class names are upper-case letters and digits (IFCWALL,
 * IFCBSPLINECURVEWITHKNOTS, IFCCARTESIANPOINTLIST2D), and IDS compares them
 * case-sensitively: "IfcWall" can never match. This part of rule E1 needs
 * no IFC schema data; whether the class exists does. */
bool ids_ifc_class_name_form(const char *name)
{
    if (name == NULL || name[0] < 'A' || name[0] > 'Z')
        return false;
    for (const char *p = name; *p != '\0'; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}
