/*
 * audit.c - the semantic rules of the IDS reference (section 9) that need
 * no IFC schema data; audit_ifc.c adds those that do.
 *
 * The XSD accepts many documents that can never be satisfied or that the
 * buildingSMART audit tool rejects: an empty ifcVersion, an applicability
 * without facets, cardinalities other than required/optional/prohibited,
 * a property value in the wrong lexical form for its dataType, a
 * restriction with an unsupported base or facet. Each finding names the
 * rule of IDS-REFERENCE.md it enforces (S1-S5, P1, P2, P5, C1, F3-F5,
 * X1-X4), plus V1, our own warning for an empty simpleValue.
 *
 * Rules that need IFC data (entity, predefinedType and attribute names,
 * attribute value types, standard property sets, partOf relation ends and
 * the applicability/requirements intersection) are in audit_ifc.c, called
 * for each specification.
 *
 * The walk tolerates structurally broken documents: where an element a
 * rule reads is missing, the rule is skipped, since the structural check
 * reports the missing element already.
 */
#include "ids/validate_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_ERR(out, rule, node, ...) \
    ids_findings_add((out), IDS_SEVERITY_ERROR, (rule), (node), __VA_ARGS__)
#define AUDIT_WARN(out, rule, node, ...) \
    ids_findings_add((out), IDS_SEVERITY_WARNING, (rule), (node), __VA_ARGS__)

/* ---- small helpers ---- */

static bool blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies value with surrounding XML whitespace removed into buf. */
static void trim_into(const char *value, char *buf, size_t size)
{
    while (blank_char(*value))
        value++;
    size_t n = strlen(value);
    while (n > 0 && blank_char(value[n - 1]))
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(buf, value, n);
    buf[n] = '\0';
}

/* An xs:occurs value: -1 = unbounded, -2 = not a number, else the count.
 * A missing attribute reads as the XSD default, 1. */
static long occurs_value(const xmlNode *node, const char *name)
{
    char *raw = ids_attr_dup(node, name);
    if (raw == NULL)
        return 1;
    char v[64];
    trim_into(raw, v, sizeof(v));
    free(raw);
    if (strcmp(v, "unbounded") == 0)
        return -1;
    const char *p = v[0] == '+' ? v + 1 : v;
    if (*p == '\0')
        return -2;
    long n = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -2;
        if (n < 1000000)
            n = n * 10 + (*p - '0');
    }
    return n;
}

static size_t count_facets(const xmlNode *location)
{
    size_t n = 0;
    for (const xmlNode *c = ids_first_element(location); c != NULL; c = ids_next_element(c))
        if (ids_facet_kind_of(c) >= 0)
            n++;
    return n;
}

/* Copy of pattern with each backslash that starts no valid XSD escape
 * dropped ("\/" becomes "/"); NULL when there is none or on allocation
 * failure. */
static char *unescape_foreign(const char *pattern)
{
    static const char escapable[] = "nrt\\|.?*+(){}-[]^sSiIcCdDwWpP";
    size_t n = strlen(pattern);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t w = 0;
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        if (pattern[i] == '\\' && i + 1 < n) {
            if (strchr(escapable, pattern[i + 1]) == NULL) {
                changed = true;
                continue;
            }
            out[w++] = pattern[i++];
        }
        out[w++] = pattern[i];
    }
    out[w] = '\0';
    if (!changed) {
        free(out);
        return NULL;
    }
    return out;
}

/* ---- patterns ---- */

/* The patterns of one validation: the work their compiles may take in all
 * (IDS_PATTERN_DOC_BUDGET, estimated, each distinct text counted once, in
 * document order, so the verdict does not depend on what the document's
 * cache already holds), and the texts seen so far, kept as the node that
 * holds each (hash set; compared by text). */
typedef struct audit_patterns {
    const ids_doc *doc;
    double spent;
    const xmlNode **seen; /* open addressing; NULL is empty */
    size_t *hashes;
    size_t cap, used;
    bool nomem;
} audit_patterns;

static size_t text_hash(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

/* True the first time a pattern's text is met in this validation. */
static bool first_sighting(audit_patterns *ap, const xmlNode *node, const char *text)
{
    size_t h = text_hash(text);
    if ((ap->used + 1) * 2 > ap->cap) {
        size_t cap = ap->cap == 0 ? 64 : ap->cap * 2;
        const xmlNode **seen = calloc(cap, sizeof(*seen));
        size_t *hashes = calloc(cap, sizeof(*hashes));
        if (seen == NULL || hashes == NULL) {
            free(seen);
            free(hashes);
            ap->nomem = true;
            return true; /* counted again: the safe side of the budget */
        }
        for (size_t i = 0; i < ap->cap; i++) {
            if (ap->seen[i] == NULL)
                continue;
            size_t k = ap->hashes[i] & (cap - 1);
            while (seen[k] != NULL)
                k = (k + 1) & (cap - 1);
            seen[k] = ap->seen[i];
            hashes[k] = ap->hashes[i];
        }
        free(ap->seen);
        free(ap->hashes);
        ap->seen = seen;
        ap->hashes = hashes;
        ap->cap = cap;
    }
    size_t k = h & (ap->cap - 1);
    for (; ap->seen[k] != NULL; k = (k + 1) & (ap->cap - 1)) {
        const char *other = ids_attr_peek(ap->seen[k], "value");
        if (ap->hashes[k] == h && other != NULL && strcmp(other, text) == 0)
            return false;
    }
    ap->seen[k] = node;
    ap->hashes[k] = h;
    ap->used++;
    return true;
}

/* The work compiling text would take: its estimate when the budget of
 * one pattern admits it, else nothing (it is refused, not compiled). */
static double compile_work(const char *text)
{
    ids_pattern_estimate e = ids_pattern_estimate_of(text);
    if (e.too_deep || e.nullable_counted || e.cost > IDS_PATTERN_BUDGET)
        return 0;
    return e.cost;
}

/* X4. libxml2's engine follows the XSD grammar, in which an escape such as
 * "\/" is an error; the audit tool and IfcTester use regex engines that
 * read it as the plain character, and one official test case relies on
 * that. So a pattern that compiles once such escapes are removed is a
 * warning (portable only after the fix), any other failure an error. A
 * pattern over the compile budget is an error saying what to simplify,
 * and patterns beyond the budget of one validation are errors saying they
 * were not checked. */
static void audit_pattern(audit_patterns *ap, const xmlNode *node, const char *pattern,
                          ids_findings *out)
{
    /* A text met before was paid for then (with its fixed form). */
    bool first = first_sighting(ap, node, pattern);
    if (first)
        ap->spent += compile_work(pattern);
    if (ap->spent > IDS_PATTERN_DOC_BUDGET) {
        AUDIT_ERR(out, "X4", node, "pattern '%s' was not checked: the patterns of this "
                  "document together are estimated at more compile work than one "
                  "validation may take (%.0f); simplify or remove patterns, or split the "
                  "document", BASE_QUOTE(pattern, 80), (double)IDS_PATTERN_DOC_BUDGET);
        return;
    }
    char why[512];
    ids_pattern_verdict v = ids_pattern_check(ap->doc, pattern, why, sizeof(why));
    if (v == IDS_PATTERN_OK)
        return;
    if (v == IDS_PATTERN_NOMEM) {
        ap->nomem = true;
        return;
    }
    if (v == IDS_PATTERN_TOO_COMPLEX) {
        AUDIT_ERR(out, "X4", node, "pattern '%s' is too complex to check: %s",
                  BASE_QUOTE(pattern, 80), why);
        return;
    }
    char *fixed = unescape_foreign(pattern);
    if (fixed != NULL && first)
        ap->spent += compile_work(fixed);
    if (fixed != NULL && ap->spent <= IDS_PATTERN_DOC_BUDGET &&
        ids_pattern_check(ap->doc, fixed, NULL, 0) == IDS_PATTERN_OK)
        AUDIT_WARN(out, "X4", node, "pattern '%s' escapes a character that XML Schema "
                   "regular expressions do not escape; most tools read it as '%s', "
                   "but strict XSD engines reject it, so write it that way",
                   BASE_QUOTE(pattern, 160), BASE_QUOTE(fixed, 160));
    else
        AUDIT_ERR(out, "X4", node, "pattern '%s' is not a valid XML Schema regular "
                  "expression", BASE_QUOTE(pattern, 200));
    free(fixed);
}

/* ---- values and restrictions ---- */

static const xmlNode *restriction_of(const xmlNode *param)
{
    for (const xmlNode *c = ids_first_element(param); c != NULL; c = ids_next_element(c))
        if (ids_node_is_xs(c, "restriction"))
            return c;
    return NULL;
}

static const xmlNode *simple_of(const xmlNode *param)
{
    return ids_child(param, "simpleValue");
}

static bool base_supported(const char *base)
{
    for (size_t i = 0; ids_base_types[i] != NULL; i++)
        if (strcmp(ids_base_types[i], base) == 0)
            return true;
    return false;
}

/* X1-X4 on one xs:restriction. */
static void audit_restriction(audit_patterns *ap, const xmlNode *r, ids_findings *out)
{
    char *raw_base = ids_attr_dup(r, "base");
    char base[128] = "";
    if (raw_base != NULL)
        trim_into(raw_base, base, sizeof(base));
    free(raw_base);

    size_t n_children = 0;
    for (const xmlNode *c = ids_first_element(r); c != NULL; c = ids_next_element(c))
        if (!ids_node_is_xs(c, "annotation"))
            n_children++;
    if (n_children == 0)
        AUDIT_ERR(out, "X1", r, "xs:restriction has no enumeration, pattern, bound or "
                  "length; give at least one, or use a simpleValue");

    bool base_ok = base[0] != '\0' && base_supported(base);
    if (base[0] == '\0')
        AUDIT_ERR(out, "X2", r, "xs:restriction has no base; write base=\"xs:string\" (or "
                  "the base type of the value: xs:double, xs:integer, xs:boolean, ...)");
    else if (!base_ok)
        AUDIT_ERR(out, "X2", r, "xs:restriction has base '%s'; supported are xs:string, "
                  "xs:boolean, xs:integer, xs:double, xs:float, xs:decimal, xs:date, "
                  "xs:dateTime, xs:time, xs:duration and xs:anyURI (with the prefix xs)",
                  BASE_QUOTE(base, 64));

    for (const xmlNode *c = ids_first_element(r); c != NULL; c = ids_next_element(c)) {
        if (ids_node_is_xs(c, "annotation"))
            continue;
        const char *name = (const char *)c->name;
        int facet = ids_node_is_xs(c, NULL) ? ids_xs_facet_from_name(name) : -1;
        bool digits = facet == IDS_XS_TOTAL_DIGITS || facet == IDS_XS_FRACTION_DIGITS;
        bool unsupported = facet < 0 || (digits && !ids_base_takes_digits(base));
        if (digits && !unsupported)
            AUDIT_WARN(out, "X3", c, "xs:%s is valid XML Schema for base %s, but IDS 1.0 "
                       "checkers do not evaluate it (the buildingSMART audit tool rejects "
                       "it); a pattern or bounds say the same to every checker", name, base);
        else if (unsupported)
            AUDIT_ERR(out, "X3", c, "xs:%s is not supported inside an IDS restriction; "
                      "use enumeration, pattern, bounds (min/maxInclusive, "
                      "min/maxExclusive) or lengths (length, minLength, maxLength)", name);
        else if (base_ok && !ids_base_allows(base, (ids_xs_facet)facet))
            AUDIT_ERR(out, "X3", c, "xs:%s is not allowed for base %s; %s", name, base,
                      strcmp(base, "xs:boolean") == 0 ? "a boolean takes only a pattern"
                      : strcmp(base, "xs:string") == 0 || strcmp(base, "xs:anyURI") == 0
                          ? "text takes enumeration, pattern and the length facets"
                          : "this type takes enumeration, pattern and the bounds");
        if (facet == IDS_XS_PATTERN) {
            char *pattern = ids_attr_dup(c, "value");
            if (pattern != NULL)
                audit_pattern(ap, c, pattern, out);
            free(pattern);
        }
    }
}

/* V1 on a simpleValue, and X1-X4 on a restriction, for one parameter. */
static void audit_param(audit_patterns *ap, const xmlNode *param, ids_findings *out)
{
    if (param == NULL)
        return;
    const xmlNode *simple = simple_of(param);
    if (simple != NULL) {
        char *text = ids_text_dup(simple);
        if (text != NULL && text[0] == '\0')
            AUDIT_WARN(out, "V1", simple, "<%s> has an empty simpleValue, which only an "
                       "empty value matches; give a value or leave the parameter out",
                       (const char *)param->name);
        free(text);
        return;
    }
    const xmlNode *r = restriction_of(param);
    if (r != NULL)
        audit_restriction(ap, r, out);
}

/* True when a parameter element is there and holds a value. */
static bool param_given(const xmlNode *param)
{
    return param != NULL && (simple_of(param) != NULL || restriction_of(param) != NULL);
}

/* ---- facets ---- */

static const char *cardinality_of(const xmlNode *facet, ids_location loc, char *buf,
                                  size_t size)
{
    char *raw = loc == IDS_REQUIREMENTS ? ids_attr_dup(facet, "cardinality") : NULL;
    if (raw == NULL) {
        snprintf(buf, size, "required");
        return buf;
    }
    base_utf8_format(buf, size, "%s", raw);
    free(raw);
    return buf;
}

/* P5 on the value of a property that names a dataType. */
static void audit_property_value(const xmlNode *facet, const char *data_type,
                                 const xmlNode *value, ids_findings *out)
{
    const char *base = ids_datatype_base(data_type);
    if (base == NULL) {
        AUDIT_ERR(out, "P5", facet, "dataType '%s' is not an IFC data type; use a "
                  "defined type or measure such as IFCLABEL, IFCREAL, IFCINTEGER, "
                  "IFCBOOLEAN or IFCLENGTHMEASURE", BASE_QUOTE(data_type, 64));
        return;
    }
    if (value == NULL || base[0] == '\0')
        return; /* no restriction base (IFCBINARY): no lexical form to check */
    const xmlNode *simple = simple_of(value);
    if (simple != NULL) {
        char *text = ids_text_dup(simple);
        if (text != NULL && !ids_lexical_valid(base, text))
            AUDIT_ERR(out, "P5", simple, "value '%s' is not a valid %s, the base type of "
                      "%s%s", BASE_QUOTE(text, 80), base, data_type,
                      strcmp(base, "xs:boolean") == 0
                          ? " (write true, false, 1 or 0 in lower case)"
                      : strcmp(base, "xs:integer") == 0
                          ? " (whole numbers only, without a decimal point)"
                      : strcmp(base, "xs:double") == 0
                          ? " (a dot as the decimal separator, no thousands separator)"
                          : "");
        free(text);
        return;
    }
    const xmlNode *r = restriction_of(value);
    if (r == NULL)
        return;
    char *raw_base = ids_attr_dup(r, "base");
    if (raw_base != NULL) {
        char rb[128];
        trim_into(raw_base, rb, sizeof(rb));
        if (strcmp(rb, base) != 0)
            AUDIT_ERR(out, "P5", r, "restriction base is %s, but dataType %s needs base %s",
                      rb, BASE_QUOTE(data_type, 64), base);
        free(raw_base);
    }
    for (const xmlNode *c = ids_first_element(r); c != NULL; c = ids_next_element(c)) {
        if (!ids_node_is_xs(c, NULL))
            continue;
        int xf = ids_xs_facet_from_name((const char *)c->name);
        if (xf != IDS_XS_ENUMERATION && xf != IDS_XS_MIN_INCLUSIVE &&
            xf != IDS_XS_MAX_INCLUSIVE && xf != IDS_XS_MIN_EXCLUSIVE &&
            xf != IDS_XS_MAX_EXCLUSIVE)
            continue;
        char *v = ids_attr_dup(c, "value");
        if (v != NULL && !ids_lexical_valid(base, v))
            AUDIT_ERR(out, "P5", c, "xs:%s value '%s' is not a valid %s, the base type of %s",
                      (const char *)c->name, BASE_QUOTE(v, 80), base, BASE_QUOTE(data_type, 64));
        free(v);
    }
}

static void audit_property(const xmlNode *facet, ids_location loc, ids_findings *out)
{
    const xmlNode *pset = ids_param_node(facet, IDS_FACET_PROPERTY, IDS_PARAM_PROPERTY_SET);
    const xmlNode *base_name = ids_param_node(facet, IDS_FACET_PROPERTY, IDS_PARAM_BASE_NAME);
    const xmlNode *value = ids_param_node(facet, IDS_FACET_PROPERTY, IDS_PARAM_VALUE);
    if (!param_given(pset))
        AUDIT_ERR(out, "P1", facet, "property facet lacks its propertySet");
    if (!param_given(base_name))
        AUDIT_ERR(out, "P1", facet, "property facet lacks its baseName");

    char *data_type = ids_attr_dup(facet, "dataType");
    char card[32];
    cardinality_of(facet, loc, card, sizeof(card));
    bool has_value = param_given(value);
    if (has_value && data_type == NULL)
        AUDIT_ERR(out, "P2", facet, "property facet has a value but no dataType; add "
                  "dataType (e.g. IFCLABEL, IFCREAL, IFCINTEGER) so the value can be "
                  "compared");
    if (strcmp(card, "optional") == 0 && data_type == NULL)
        AUDIT_ERR(out, "P2", facet, "optional property facet needs a dataType");
    if (strcmp(card, "prohibited") == 0 && data_type != NULL)
        AUDIT_ERR(out, "P2", facet, "prohibited property facet must not name a dataType "
                  "(it forbids the property whatever its type); remove dataType");
    if (data_type != NULL)
        audit_property_value(facet, data_type, has_value ? value : NULL, out);
    free(data_type);
}

static void audit_optional_value(const xmlNode *facet, ids_facet_kind kind,
                                 ids_location loc, const char *rule, ids_findings *out)
{
    char card[32];
    cardinality_of(facet, loc, card, sizeof(card));
    if (strcmp(card, "optional") != 0)
        return;
    if (!param_given(ids_param_node(facet, kind, IDS_PARAM_VALUE)))
        AUDIT_ERR(out, rule, facet, "optional %s facet needs a value: without one it "
                  "can never fail; give a value or make it required",
                  ids_facet_kind_name(kind));
}

static void audit_entity_name(const xmlNode *facet, ids_facet_kind kind,
                              ids_findings *out)
{
    const xmlNode *name = ids_param_node(facet, kind, IDS_PARAM_NAME);
    const xmlNode *simple = name != NULL ? simple_of(name) : NULL;
    if (simple != NULL) {
        char *text = ids_text_dup(simple);
        if (text != NULL && !ids_ifc_class_name_form(text))
            AUDIT_ERR(out, "E1", simple, "entity name '%s' is not an IFC class name: "
                      "IDS names classes in upper case, e.g. IFCWALL", BASE_QUOTE(text, 80));
        free(text);
        return;
    }
    const xmlNode *r = name != NULL ? restriction_of(name) : NULL;
    for (const xmlNode *c = ids_first_element(r); c != NULL; c = ids_next_element(c)) {
        if (!ids_node_is_xs(c, "enumeration"))
            continue;
        char *v = ids_attr_dup(c, "value");
        if (v != NULL && !ids_ifc_class_name_form(v))
            AUDIT_ERR(out, "E1", c, "enumerated entity name '%s' is not an IFC class "
                      "name: IDS names classes in upper case, e.g. IFCWALL", BASE_QUOTE(v, 80));
        free(v);
    }
}

static void audit_facet(audit_patterns *ap, const xmlNode *facet, ids_location loc,
                        ids_findings *out)
{
    int kind = ids_facet_kind_of(facet);
    if (kind < 0)
        return;
    switch ((ids_facet_kind)kind) {
    case IDS_FACET_PROPERTY:
        audit_property(facet, loc, out);
        break;
    case IDS_FACET_CLASSIFICATION: {
        const xmlNode *system =
            ids_param_node(facet, IDS_FACET_CLASSIFICATION, IDS_PARAM_SYSTEM);
        const xmlNode *simple = system != NULL ? simple_of(system) : NULL;
        char *text = simple != NULL ? ids_text_dup(simple) : NULL;
        char trimmed[8] = "";
        if (text != NULL)
            trim_into(text, trimmed, sizeof(trimmed));
        if (!param_given(system) || (text != NULL && trimmed[0] == '\0'))
            AUDIT_ERR(out, "C1", facet, "classification facet has no system; name the "
                      "classification system (e.g. Uniclass 2015)");
        free(text);
        audit_optional_value(facet, IDS_FACET_CLASSIFICATION, loc, "F3", out);
        break;
    }
    case IDS_FACET_MATERIAL:
        audit_optional_value(facet, IDS_FACET_MATERIAL, loc, "F4", out);
        break;
    case IDS_FACET_ATTRIBUTE:
        audit_optional_value(facet, IDS_FACET_ATTRIBUTE, loc, "F5", out);
        break;
    case IDS_FACET_ENTITY:
    case IDS_FACET_PARTOF:
        audit_entity_name(facet, (ids_facet_kind)kind, out);
        break;
    case IDS_FACET_KIND_COUNT:
        break;
    }
    ids_param order[IDS_PARAM_COUNT];
    size_t n = ids_param_order((ids_facet_kind)kind, order);
    for (size_t i = 0; i < n; i++)
        audit_param(ap, ids_param_node(facet, (ids_facet_kind)kind, order[i]), out);
}

/* ---- specifications ---- */

static void audit_ifc_version(const xmlNode *spec, ids_findings *out)
{
    char *raw = ids_attr_dup(spec, "ifcVersion");
    if (raw == NULL)
        return; /* the structural check reports the missing attribute */
    size_t valid = 0;
    char *save = NULL;
    for (char *tok = strtok_r(raw, " \t\r\n", &save); tok != NULL;
         tok = strtok_r(NULL, " \t\r\n", &save))
        for (size_t i = 0; ids_ifc_versions[i] != NULL; i++)
            if (strcmp(tok, ids_ifc_versions[i]) == 0)
                valid++;
    free(raw);
    if (valid == 0)
        AUDIT_ERR(out, "S1", spec, "ifcVersion names no IFC version; give at least one "
                  "of IFC2X3, IFC4, IFC4X3_ADD2");
}

static void audit_spec(audit_patterns *ap, const xmlNode *spec, ids_findings *out)
{
    audit_ifc_version(spec, out);
    const xmlNode *app = ids_location_node(spec, IDS_APPLICABILITY);
    const xmlNode *req = ids_location_node(spec, IDS_REQUIREMENTS);
    size_t n_req = req != NULL ? count_facets(req) : 0;
    if (app != NULL) {
        if (count_facets(app) == 0)
            AUDIT_ERR(out, "S2", app, "applicability has no facet, so it selects nothing "
                      "useful; add at least one (usually an entity)");
        long min = occurs_value(app, "minOccurs");
        long max = occurs_value(app, "maxOccurs");
        bool required = min == 1 && max == -1;
        bool optional = min == 0 && max == -1;
        bool prohibited = min == 0 && max == 0;
        if (!required && !optional && !prohibited)
            AUDIT_ERR(out, "S3", app, "applicability minOccurs/maxOccurs must be 1/unbounded "
                      "(required), 0/unbounded (optional) or 0/0 (prohibited)%s",
                      xmlHasProp(app, (const xmlChar *)"maxOccurs") == NULL
                          ? "; without maxOccurs the XSD default 1 applies"
                          : "");
        if (prohibited && n_req > 0)
            AUDIT_ERR(out, "S4", req, "a prohibited specification (maxOccurs 0) must not "
                      "have requirement facets; remove them or change the usage");
        if (optional && n_req == 0)
            AUDIT_ERR(out, "S5", app, "an optional specification (minOccurs 0) needs at "
                      "least one requirement facet, or it can never fail");
        for (const xmlNode *c = ids_first_element(app); c != NULL; c = ids_next_element(c))
            audit_facet(ap, c, IDS_APPLICABILITY, out);
    }
    if (req != NULL)
        for (const xmlNode *c = ids_first_element(req); c != NULL; c = ids_next_element(c))
            audit_facet(ap, c, IDS_REQUIREMENTS, out);
    ids_audit_ifc_spec(spec, out);
}

void ids_audit_check(const ids_doc *doc, ids_findings *out)
{
    audit_patterns ap;
    memset(&ap, 0, sizeof(ap));
    ap.doc = doc;
    const xmlNode *specs = ids_specs_node(doc);
    for (const xmlNode *c = ids_first_element(specs); c != NULL; c = ids_next_element(c))
        if (ids_node_is(c, "specification"))
            audit_spec(&ap, c, out);
    free(ap.seen);
    free(ap.hashes);
    if (ap.nomem)
        out->nomem = true;
}
