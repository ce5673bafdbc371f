/*
 * validate.c - ids_validate, the report, and the built-in structural
 * validator: a hand-written equivalent of the official ids.xsd (plus the
 * parts of W3C's XMLSchema.xsd that an xs:restriction inside an IDS value
 * is checked against).
 *
 * The official schema is not always available at run time, yet every
 * caller wants to know whether a document is XSD-valid. So the rules the
 * schema expresses are written out here over the libxml2 tree: element
 * names, namespaces, order and occurrence; required, unknown and typed
 * attributes; simple content. The test suite checks that this verdict
 * equals libxml2's own XSD verdict on every test-case file and on
 * thousands of mutants of them; where libxml2 departs from the letter of
 * the XSD specification, this file follows libxml2, since agreement is
 * what the caller relies on. Lexical checks of built-in types (date,
 * anyURI, nonNegativeInteger, ...) call libxml2's own type library for the
 * same reason.
 *
 * Content models are deterministic (the XSD's unique particle attribution
 * rule), so a greedy left-to-right match over the children is exact.
 */
#include "ids/validate_internal.h"

#include <libxml/hash.h>
#include <libxml/xmlregexp.h>
#include <libxml/xmlschemastypes.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- findings ---- */

static char *dup_string(const char *s)
{
    return strdup(s != NULL ? s : "");
}

void ids_findings_add_at(ids_findings *list, ids_severity severity,
                         const char *rule, const char *path, int line,
                         const char *message)
{
    ids_finding f;
    f.severity = severity;
    f.rule = dup_string(rule);
    f.message = dup_string(message);
    f.path = dup_string(path);
    f.line = line;
    if (f.rule == NULL || f.message == NULL || f.path == NULL ||
        !base_buf_append(&list->buf, &f, sizeof(f))) {
        free(f.rule);
        free(f.message);
        free(f.path);
        list->nomem = true;
        return;
    }
    list->items = (ids_finding *)(void *)list->buf.data;
    list->n++;
}

void ids_findings_add(ids_findings *list, ids_severity severity,
                      const char *rule, const xmlNode *node,
                      const char *fmt, ...)
{
    char message[IDS_ERROR_TEXT_LEN];
    va_list ap;
    va_start(ap, fmt);
    base_utf8_vformat(message, sizeof(message), fmt, ap);
    va_end(ap);
    char path[IDS_ERROR_PATH_LEN] = "";
    int line = 0;
    if (node != NULL && node->type == XML_ATTRIBUTE_NODE)
        node = node->parent;
    if (node != NULL) {
        ids_node_path(node, path, sizeof(path));
        long l = xmlGetLineNo(node);
        line = l > 0 && l < 0x7fffffff ? (int)l : 0;
    }
    ids_findings_add_at(list, severity, rule, path, line, message);
}

static void finding_free(ids_finding *f)
{
    free(f->rule);
    free(f->message);
    free(f->path);
}

void ids_findings_clear(ids_findings *list)
{
    for (size_t i = 0; i < list->n; i++)
        finding_free(&list->items[i]);
    base_buf_free(&list->buf);
    memset(list, 0, sizeof(*list));
}

size_t ids_findings_count_rule(const ids_findings *list, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i].rule, rule) == 0)
            n++;
    return n;
}

/* ---- structural checker: context and helpers ---- */

typedef struct sctx {
    ids_findings *out;
    xmlHashTablePtr ids;    /* xs:ID values seen, for uniqueness */
} sctx;

#define XSD_ERR(ctx, node, ...) \
    ids_findings_add((ctx)->out, IDS_SEVERITY_ERROR, "XSD", (node), __VA_ARGS__)

static bool is_blank_char(xmlChar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_blank(const xmlChar *s)
{
    for (; s != NULL && *s; s++)
        if (!is_blank_char(*s))
            return false;
    return true;
}

/* Collapsed copy (XSD whiteSpace="collapse"); NULL on allocation failure. */
static char *collapse(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t w = 0;
    bool pending = false;
    for (size_t i = 0; i < n; i++) {
        if (is_blank_char((xmlChar)s[i])) {
            pending = w > 0;
            continue;
        }
        if (pending)
            out[w++] = ' ';
        pending = false;
        out[w++] = s[i];
    }
    out[w] = '\0';
    return out;
}

/* collapse() that records an allocation failure, so the verdict is never
 * "valid" merely because a check could not run. */
static char *collapse_or_flag(sctx *ctx, const char *s)
{
    char *c = collapse(s);
    if (c == NULL)
        ctx->out->nomem = true;
    return c;
}

static bool builtin_valid(xmlSchemaValType type, const char *value)
{
    xmlSchemaTypePtr t = xmlSchemaGetBuiltInType(type);
    if (t == NULL)
        return true; /* cannot judge; the XSD engine, when given, will */
    return xmlSchemaValidatePredefinedType(t, (const xmlChar *)value, NULL) == 0;
}

static bool in_list(const char *const *list, const char *value)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], value) == 0)
            return true;
    return false;
}

static const char *node_name(const xmlNode *node)
{
    return (const char *)node->name;
}

static const char *ns_of(const xmlNode *node)
{
    return node->ns != NULL && node->ns->href != NULL ? (const char *)node->ns->href : NULL;
}

/* ---- attributes ---- */

typedef enum atype {
    A_STRING = 0,
    A_ANY,          /* anySimpleType */
    A_IFC_VERSION,  /* list of the three IFC tokens */
    A_NNI,          /* xs:nonNegativeInteger */
    A_ALL_NNI,      /* nonNegativeInteger | "unbounded" */
    A_SIMPLE_CARD,
    A_COND_CARD,
    A_RELATION,
    A_UPPER_NAME,   /* normalizedString, pattern [A-Z]+ */
    A_ANY_URI,
    A_QNAME,
    A_QNAME_LIST,
    A_ID,
    A_BOOLEAN,
    A_POS_INT,
    A_WHITESPACE,   /* preserve | replace | collapse (NMTOKEN) */
    A_PROHIBITED    /* use="prohibited" */
} atype;

typedef struct aspec {
    const char *name;
    atype type;
    bool required;
} aspec;

static const char *const simple_card[] = {"required", "prohibited", NULL};
static const char *const cond_card[] = {"required", "prohibited", "optional", NULL};

/* True when the QName's prefix (if any) is declared in scope of node. */
static bool qname_resolves(const xmlNode *node, const char *collapsed)
{
    const char *colon = strchr(collapsed, ':');
    if (colon == NULL)
        return true;
    char prefix[128];
    size_t n = (size_t)(colon - collapsed);
    if (n >= sizeof(prefix))
        return false;
    memcpy(prefix, collapsed, n);
    prefix[n] = '\0';
    return xmlSearchNs(node->doc, (xmlNode *)node, (const xmlChar *)prefix) != NULL;
}

static bool qname_valid(sctx *ctx, const xmlNode *node, const char *value)
{
    if (!builtin_valid(XML_SCHEMAS_QNAME, value))
        return false;
    char *c = collapse_or_flag(ctx, value);
    if (c == NULL)
        return true;
    bool ok = qname_resolves(node, c);
    free(c);
    return ok;
}

static void check_id(sctx *ctx, const xmlNode *node, const char *value)
{
    if (!builtin_valid(XML_SCHEMAS_ID, value)) {
        XSD_ERR(ctx, node, "attribute 'id' of <%s> is '%s', which is not an NCName "
                "(xs:ID)", node_name(node), BASE_QUOTE(value, 80));
        return;
    }
    char *c = collapse_or_flag(ctx, value);
    if (c == NULL)
        return;
    if (ctx->ids == NULL)
        ctx->ids = xmlHashCreate(16);
    if (ctx->ids == NULL)
        ctx->out->nomem = true;
    if (ctx->ids != NULL &&
        xmlHashAddEntry(ctx->ids, (const xmlChar *)c, (void *)node) != 0)
        XSD_ERR(ctx, node, "attribute 'id' of <%s> repeats the xs:ID '%s'; "
                "ID values must be unique in the document", node_name(node), BASE_QUOTE(c, 80));
    free(c);
}

/* Validates one attribute value; reports and returns on the first fault. */
static void check_attr_value(sctx *ctx, const xmlNode *node, const aspec *spec,
                             const char *value)
{
    const char *el = node_name(node);
    const char *an = spec->name;
    switch (spec->type) {
    case A_STRING:
    case A_ANY:
        return;
    case A_PROHIBITED:
        XSD_ERR(ctx, node, "attribute '%s' is not allowed on <%s>", an, el);
        return;
    case A_IFC_VERSION: {
        char *c = collapse_or_flag(ctx, value);
        if (c == NULL)
            return;
        for (char *save = NULL, *tok = strtok_r(c, " ", &save); tok != NULL;
             tok = strtok_r(NULL, " ", &save)) {
            if (!in_list(ids_ifc_versions, tok)) {
                XSD_ERR(ctx, node, "ifcVersion of <%s> holds '%s'; allowed are "
                        "IFC2X3, IFC4 and IFC4X3_ADD2, separated by spaces", el,
                        BASE_QUOTE(tok, 80));
                break;
            }
        }
        free(c);
        return;
    }
    case A_NNI:
        if (!builtin_valid(XML_SCHEMAS_NNINTEGER, value))
            XSD_ERR(ctx, node, "%s of <%s> is '%s'; it must be a non-negative "
                    "integer", an, el, BASE_QUOTE(value, 80));
        return;
    case A_ALL_NNI: {
        if (builtin_valid(XML_SCHEMAS_NNINTEGER, value))
            return;
        char *c = collapse_or_flag(ctx, value);
        bool ok = c != NULL && strcmp(c, "unbounded") == 0;
        free(c);
        if (!ok)
            XSD_ERR(ctx, node, "%s of <%s> is '%s'; it must be a non-negative "
                    "integer or 'unbounded'", an, el, BASE_QUOTE(value, 80));
        return;
    }
    case A_SIMPLE_CARD:
        if (!in_list(simple_card, value))
            XSD_ERR(ctx, node, "cardinality of <%s> is '%s'; allowed are 'required' "
                    "and 'prohibited'", el, BASE_QUOTE(value, 80));
        return;
    case A_COND_CARD:
        if (!in_list(cond_card, value))
            XSD_ERR(ctx, node, "cardinality of <%s> is '%s'; allowed are 'required', "
                    "'optional' and 'prohibited'", el, BASE_QUOTE(value, 80));
        return;
    case A_RELATION:
        if (!in_list(ids_relations, value))
            XSD_ERR(ctx, node, "relation of <%s> is '%s'; allowed are IFCRELAGGREGATES, "
                    "IFCRELASSIGNSTOGROUP, IFCRELCONTAINEDINSPATIALSTRUCTURE, "
                    "IFCRELNESTS and 'IFCRELVOIDSELEMENT IFCRELFILLSELEMENT'", el,
                    BASE_QUOTE(value, 80));
        return;
    case A_UPPER_NAME: {
        bool ok = value[0] != '\0';
        for (const char *p = value; *p; p++)
            if (*p < 'A' || *p > 'Z')
                ok = false;
        if (!ok)
            XSD_ERR(ctx, node, "dataType of <%s> is '%s'; it must be an IFC type name "
                    "in upper-case letters only, such as IFCLABEL", el, BASE_QUOTE(value, 80));
        return;
    }
    case A_ANY_URI:
        if (!builtin_valid(XML_SCHEMAS_ANYURI, value))
            XSD_ERR(ctx, node, "%s of <%s> is '%s', which is not a URI", an, el,
                    BASE_QUOTE(value, 80));
        return;
    case A_QNAME:
        if (!qname_valid(ctx, node, value))
            XSD_ERR(ctx, node, "%s of <%s> is '%s'; it must be a qualified name whose "
                    "prefix is declared, such as xs:string", an, el, BASE_QUOTE(value, 80));
        return;
    case A_QNAME_LIST: {
        char *c = collapse_or_flag(ctx, value);
        if (c == NULL)
            return;
        for (char *save = NULL, *tok = strtok_r(c, " ", &save); tok != NULL;
             tok = strtok_r(NULL, " ", &save)) {
            if (!qname_valid(ctx, node, tok)) {
                XSD_ERR(ctx, node, "%s of <%s> holds '%s', which is not a qualified "
                        "name with a declared prefix", an, el, BASE_QUOTE(tok, 80));
                break;
            }
        }
        free(c);
        return;
    }
    case A_ID:
        check_id(ctx, node, value);
        return;
    case A_BOOLEAN:
        if (!builtin_valid(XML_SCHEMAS_BOOLEAN, value))
            XSD_ERR(ctx, node, "%s of <%s> is '%s'; allowed are true, false, 1 and 0",
                    an, el, BASE_QUOTE(value, 80));
        return;
    case A_POS_INT:
        if (!builtin_valid(XML_SCHEMAS_PINTEGER, value))
            XSD_ERR(ctx, node, "%s of <%s> is '%s'; it must be a positive integer",
                    an, el, BASE_QUOTE(value, 80));
        return;
    case A_WHITESPACE: {
        bool ok = builtin_valid(XML_SCHEMAS_NMTOKEN, value);
        char *c = ok ? collapse_or_flag(ctx, value) : NULL;
        ok = c != NULL && (strcmp(c, "preserve") == 0 || strcmp(c, "replace") == 0 ||
                           strcmp(c, "collapse") == 0);
        free(c);
        if (!ok)
            XSD_ERR(ctx, node, "value of <%s> is '%s'; allowed are preserve, replace "
                    "and collapse", el, BASE_QUOTE(value, 80));
        return;
    }
    }
}

/* Checks every attribute of node against specs. open_attrs: the element's
 * type has xs:openAttrs' wildcard (any attribute in a namespace other than
 * XML Schema's, validated laxly); the IDS types have no wildcard at all. */
static void check_attrs(sctx *ctx, const xmlNode *node, const aspec *specs,
                        size_t n_specs, bool open_attrs)
{
    for (const xmlAttr *a = node->properties; a != NULL; a = a->next) {
        const char *name = (const char *)a->name;
        const char *ns = a->ns != NULL ? (const char *)a->ns->href : NULL;
        if (ns != NULL) {
            /* libxml2 treats these XSI attributes as instructions to the
             * validator, on any element, and does not check them against
             * the element's type. */
            if (strcmp(ns, IDS_XSI_NAMESPACE) == 0 &&
                (strcmp(name, "schemaLocation") == 0 ||
                 strcmp(name, "noNamespaceSchemaLocation") == 0))
                continue;
            if (strcmp(ns, IDS_XSI_NAMESPACE) == 0 &&
                (strcmp(name, "type") == 0 || strcmp(name, "nil") == 0)) {
                XSD_ERR(ctx, node, "attribute xsi:%s is not supported on <%s>; "
                        "IDS elements are neither typed by the instance nor nillable",
                        name, node_name(node));
                continue;
            }
            if (open_attrs && strcmp(ns, IDS_XS_NAMESPACE) != 0)
                continue;
            XSD_ERR(ctx, node, "attribute '%s' in namespace %s is not allowed on <%s>",
                    name, ns, node_name(node));
            continue;
        }
        const aspec *spec = NULL;
        for (size_t i = 0; i < n_specs; i++)
            if (strcmp(specs[i].name, name) == 0)
                spec = &specs[i];
        if (spec == NULL) {
            XSD_ERR(ctx, node, "attribute '%s' is not allowed on <%s>", name,
                    node_name(node));
            continue;
        }
        xmlChar *value = xmlNodeListGetString(node->doc, a->children, 1);
        check_attr_value(ctx, node, spec, value != NULL ? (const char *)value : "");
        xmlFree(value);
    }
    for (size_t i = 0; i < n_specs; i++)
        if (specs[i].required && !xmlHasNsProp(node, (const xmlChar *)specs[i].name, NULL))
            XSD_ERR(ctx, node, "<%s> lacks the required attribute '%s'", node_name(node),
                    specs[i].name);
}

/* ---- content ---- */

/* Element-only content: text other than whitespace is an error; comments
 * and processing instructions are ignored. */
static void check_no_text(sctx *ctx, const xmlNode *node)
{
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        /* libxml2 counts a CDATA section as character content even when it
         * holds only whitespace. */
        if ((c->type == XML_TEXT_NODE && !is_blank(c->content)) ||
            c->type == XML_CDATA_SECTION_NODE) {
            XSD_ERR(ctx, node, "<%s> holds text, but only child elements are allowed "
                    "there", node_name(node));
            return;
        }
    }
}

/* Simple content: no child elements; returns the text (xmlFree it). */
static xmlChar *simple_text(sctx *ctx, const xmlNode *node)
{
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            XSD_ERR(ctx, node, "<%s> holds the element <%s>, but only text is allowed "
                    "there", node_name(node), node_name(c));
            return NULL;
        }
    }
    xmlChar *text = xmlStrdup((const xmlChar *)"");
    for (const xmlNode *c = node->children; c != NULL && text != NULL; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            text = xmlStrcat(text, c->content);
    if (text == NULL)
        ctx->out->nomem = true;
    return text;
}

/* One element of a sequence: matched by namespace and local name. */
typedef void (*check_fn)(sctx *ctx, const xmlNode *node, const void *arg);

typedef struct particle {
    const char *ns;
    const char *name;
    unsigned min;
    unsigned max; /* UINT_MAX-like: 0 means unbounded */
    check_fn check;
    const void *arg;
} particle;

static bool particle_matches(const particle *p, const xmlNode *node)
{
    const char *ns = ns_of(node);
    return ns != NULL && strcmp(ns, p->ns) == 0 && strcmp(node_name(node), p->name) == 0;
}

static void expected_list(const particle *ps, size_t from, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = from; i < n && used + 1 < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s%s", used ? ", " : "",
                         strcmp(ps[i].ns, IDS_XS_NAMESPACE) == 0 ? "xs:" : "", ps[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Matches the element children of node against a sequence of particles.
 * Stops at the first fault, as the content model gives no sound way to
 * resynchronize; the faulty element is reported, its subtree is not. */
static void check_sequence(sctx *ctx, const xmlNode *node, const particle *ps, size_t n)
{
    size_t i = 0;
    unsigned count = 0;
    for (const xmlNode *c = ids_first_element(node); c != NULL; c = ids_next_element(c)) {
        while (i < n && !(particle_matches(&ps[i], c) && (ps[i].max == 0 || count < ps[i].max))) {
            if (count < ps[i].min) {
                XSD_ERR(ctx, c, "<%s> is not expected inside <%s>; expected is <%s%s>",
                        node_name(c), node_name(node),
                        strcmp(ps[i].ns, IDS_XS_NAMESPACE) == 0 ? "xs:" : "", ps[i].name);
                return;
            }
            i++;
            count = 0;
        }
        if (i >= n) {
            XSD_ERR(ctx, c, "<%s> is not expected inside <%s>; nothing more is allowed "
                    "there", node_name(c), node_name(node));
            return;
        }
        count++;
        if (ps[i].check != NULL)
            ps[i].check(ctx, c, ps[i].arg);
    }
    for (; i < n; i++, count = 0) {
        if (count < ps[i].min) {
            char expected[256];
            expected_list(ps, i, n, expected, sizeof(expected));
            XSD_ERR(ctx, node, "<%s> lacks the required element <%s%s> (expected: %s)",
                    node_name(node), strcmp(ps[i].ns, IDS_XS_NAMESPACE) == 0 ? "xs:" : "",
                    ps[i].name, expected);
            return;
        }
    }
}

/* ---- simple-type elements of the info block and simpleValue ---- */

static void check_string_element(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    check_attrs(ctx, node, NULL, 0, false);
    xmlChar *text = simple_text(ctx, node);
    xmlFree(text);
}

static void check_author(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    check_attrs(ctx, node, NULL, 0, false);
    xmlChar *text = simple_text(ctx, node);
    if (text == NULL)
        return;
    /* ids_author_valid is the XSD pattern [^@]+@[^.]+\..+ written out by
     * hand; compiling the pattern with libxml2 for every document cost a
     * measurable share of batch checking, and the mutant tests hold the
     * two to the same verdicts. */
    if (!ids_author_valid((const char *)text))
        XSD_ERR(ctx, node, "author is '%s'; it must be an e-mail address "
                "(pattern [^@]+@[^.]+\\..+)", BASE_QUOTE((const char *)text, 80));
    xmlFree(text);
}

static void check_date(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    check_attrs(ctx, node, NULL, 0, false);
    xmlChar *text = simple_text(ctx, node);
    if (text == NULL)
        return;
    /* libxml2 checks element content as it stands, without the whitespace
     * collapse it applies to attribute values, so " 2024-01-01 " fails. */
    xmlSchemaTypePtr date = xmlSchemaGetBuiltInType(XML_SCHEMAS_DATE);
    if (date != NULL && xmlSchemaValPredefTypeNodeNoNorm(date, text, NULL, NULL) != 0)
        XSD_ERR(ctx, node, "date is '%s'; it must be an xs:date such as 2024-05-31 "
                "(optionally with a time zone: Z or +02:00)",
                BASE_QUOTE((const char *)text, 80));
    xmlFree(text);
}

/* ---- XML Schema elements inside an IDS value ---- */

static const aspec annotated_attrs[] = {{"id", A_ID, false}};

/* appinfo and documentation are mixed with laxly validated content; their
 * inside is accepted as it is. */
static void check_appinfo(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    static const aspec attrs[] = {{"source", A_ANY_URI, false}};
    check_attrs(ctx, node, attrs, 1, true);
}

static void check_annotation(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    check_attrs(ctx, node, annotated_attrs, 1, true);
    check_no_text(ctx, node);
    for (const xmlNode *c = ids_first_element(node); c != NULL; c = ids_next_element(c)) {
        if (ids_node_is_xs(c, "appinfo") || ids_node_is_xs(c, "documentation")) {
            check_appinfo(ctx, c, NULL);
            continue;
        }
        XSD_ERR(ctx, c, "<%s> is not expected inside xs:annotation; allowed are "
                "xs:appinfo and xs:documentation", node_name(c));
        return;
    }
}

typedef enum facet_kind {
    FK_FACET = 0,    /* value anySimpleType, fixed */
    FK_NUM,          /* value nonNegativeInteger, fixed */
    FK_TOTAL,        /* value positiveInteger, fixed */
    FK_NO_FIXED,     /* enumeration */
    FK_PATTERN,      /* value string, no fixed */
    FK_WHITESPACE    /* value preserve|replace|collapse, fixed */
} facet_kind;

static const struct {
    const char *name;
    facet_kind kind;
} xs_facets[] = {
    {"minExclusive", FK_FACET}, {"minInclusive", FK_FACET},
    {"maxExclusive", FK_FACET}, {"maxInclusive", FK_FACET},
    {"totalDigits", FK_TOTAL},  {"fractionDigits", FK_NUM},
    {"length", FK_NUM},         {"minLength", FK_NUM},
    {"maxLength", FK_NUM},      {"enumeration", FK_NO_FIXED},
    {"whiteSpace", FK_WHITESPACE}, {"pattern", FK_PATTERN},
};

static int xs_facet_index(const xmlNode *node)
{
    if (!ids_node_is_xs(node, NULL))
        return -1;
    for (size_t i = 0; i < sizeof(xs_facets) / sizeof(xs_facets[0]); i++)
        if (strcmp(node_name(node), xs_facets[i].name) == 0)
            return (int)i;
    return -1;
}

/* An element whose content is just an optional xs:annotation. */
static void check_annotation_only(sctx *ctx, const xmlNode *node)
{
    static const particle ps[] = {
        {IDS_XS_NAMESPACE, "annotation", 0, 1, check_annotation, NULL},
    };
    check_no_text(ctx, node);
    check_sequence(ctx, node, ps, 1);
}

static void check_xs_facet(sctx *ctx, const xmlNode *node, facet_kind kind)
{
    atype value_type = A_ANY;
    atype fixed_type = A_BOOLEAN;
    switch (kind) {
    case FK_FACET: value_type = A_ANY; break;
    case FK_NUM: value_type = A_NNI; break;
    case FK_TOTAL: value_type = A_POS_INT; break;
    case FK_NO_FIXED: value_type = A_ANY; fixed_type = A_PROHIBITED; break;
    case FK_PATTERN: value_type = A_STRING; fixed_type = A_PROHIBITED; break;
    case FK_WHITESPACE: value_type = A_WHITESPACE; break;
    }
    const aspec attrs[] = {
        {"id", A_ID, false},
        {"value", value_type, true},
        {"fixed", fixed_type, false},
    };
    check_attrs(ctx, node, attrs, 3, true);
    check_annotation_only(ctx, node);
}

static void check_xs_restriction(sctx *ctx, const xmlNode *node, const void *arg);

static void check_local_simple_type(sctx *ctx, const xmlNode *node, const void *arg);

static void check_xs_list(sctx *ctx, const xmlNode *node)
{
    static const aspec attrs[] = {{"id", A_ID, false}, {"itemType", A_QNAME, false}};
    static const particle ps[] = {
        {IDS_XS_NAMESPACE, "annotation", 0, 1, check_annotation, NULL},
        {IDS_XS_NAMESPACE, "simpleType", 0, 1, check_local_simple_type, NULL},
    };
    check_attrs(ctx, node, attrs, 2, true);
    check_no_text(ctx, node);
    check_sequence(ctx, node, ps, 2);
}

static void check_xs_union(sctx *ctx, const xmlNode *node)
{
    static const aspec attrs[] = {{"id", A_ID, false}, {"memberTypes", A_QNAME_LIST, false}};
    static const particle ps[] = {
        {IDS_XS_NAMESPACE, "annotation", 0, 1, check_annotation, NULL},
        {IDS_XS_NAMESPACE, "simpleType", 0, 0, check_local_simple_type, NULL},
    };
    check_attrs(ctx, node, attrs, 2, true);
    check_no_text(ctx, node);
    check_sequence(ctx, node, ps, 2);
}

/* xs:localSimpleType: annotation?, then one of restriction, list, union;
 * name and final are prohibited. */
static void check_local_simple_type(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    static const aspec attrs[] = {
        {"id", A_ID, false}, {"name", A_PROHIBITED, false}, {"final", A_PROHIBITED, false},
    };
    check_attrs(ctx, node, attrs, 3, true);
    check_no_text(ctx, node);
    const xmlNode *c = ids_first_element(node);
    if (c != NULL && ids_node_is_xs(c, "annotation")) {
        check_annotation(ctx, c, NULL);
        c = ids_next_element(c);
    }
    if (c == NULL) {
        XSD_ERR(ctx, node, "xs:simpleType lacks its derivation: one of xs:restriction, "
                "xs:list or xs:union");
        return;
    }
    if (ids_node_is_xs(c, "restriction"))
        check_xs_restriction(ctx, c, NULL);
    else if (ids_node_is_xs(c, "list"))
        check_xs_list(ctx, c);
    else if (ids_node_is_xs(c, "union"))
        check_xs_union(ctx, c);
    else {
        XSD_ERR(ctx, c, "<%s> is not expected inside xs:simpleType; expected is one of "
                "xs:restriction, xs:list, xs:union", node_name(c));
        return;
    }
    const xmlNode *extra = ids_next_element(c);
    if (extra != NULL)
        XSD_ERR(ctx, extra, "<%s> is not expected inside xs:simpleType after its "
                "derivation", node_name(extra));
}

/* The top-level xs:restriction element of XMLSchema.xsd: annotation?,
 * simpleType?, then facets in any order and number. */
static void check_xs_restriction(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    static const aspec attrs[] = {{"id", A_ID, false}, {"base", A_QNAME, false}};
    check_attrs(ctx, node, attrs, 2, true);
    check_no_text(ctx, node);
    const xmlNode *c = ids_first_element(node);
    if (c != NULL && ids_node_is_xs(c, "annotation")) {
        check_annotation(ctx, c, NULL);
        c = ids_next_element(c);
    }
    if (c != NULL && ids_node_is_xs(c, "simpleType")) {
        check_local_simple_type(ctx, c, NULL);
        c = ids_next_element(c);
    }
    for (; c != NULL; c = ids_next_element(c)) {
        int f = xs_facet_index(c);
        if (f < 0) {
            XSD_ERR(ctx, c, "<%s> is not expected inside xs:restriction; allowed are "
                    "xs:annotation, xs:simpleType (both first) and the facets "
                    "(xs:enumeration, xs:pattern, xs:minInclusive, ...)", node_name(c));
            return;
        }
        check_xs_facet(ctx, c, xs_facets[f].kind);
    }
}

/* ---- IDS elements ---- */

static void check_simple_value(sctx *ctx, const xmlNode *node, const void *arg)
{
    check_string_element(ctx, node, arg);
}

/* idsValue: exactly one of simpleValue or xs:restriction; no attributes. */
static void check_ids_value(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    check_attrs(ctx, node, NULL, 0, false);
    check_no_text(ctx, node);
    const xmlNode *c = ids_first_element(node);
    if (c == NULL) {
        XSD_ERR(ctx, node, "<%s> is empty; it needs either <simpleValue> or "
                "<xs:restriction>", node_name(node));
        return;
    }
    if (ids_node_is(c, "simpleValue"))
        check_simple_value(ctx, c, NULL);
    else if (ids_node_is_xs(c, "restriction"))
        check_xs_restriction(ctx, c, NULL);
    else {
        XSD_ERR(ctx, c, "<%s> is not expected inside <%s>; expected is <simpleValue> "
                "or <xs:restriction>", node_name(c), node_name(node));
        return;
    }
    const xmlNode *extra = ids_next_element(c);
    if (extra != NULL)
        XSD_ERR(ctx, extra, "<%s> is not expected inside <%s>: a value holds exactly one "
                "<simpleValue> or one <xs:restriction>, not both or several",
                node_name(extra), node_name(node));
}

#define IDS_P(name, min, max, fn) {IDS_NAMESPACE, name, min, max, fn, NULL}

/* Facet attributes by location, from the XSD's requirements extensions. */
typedef struct facet_arg {
    ids_location loc;
} facet_arg;

static const facet_arg in_applicability = {IDS_APPLICABILITY};
static const facet_arg in_requirements = {IDS_REQUIREMENTS};

static void check_facet_attrs(sctx *ctx, const xmlNode *node, ids_facet_kind kind,
                              ids_location loc)
{
    aspec attrs[IDS_FATTR_COUNT];
    size_t n = 0;
    for (int a = 0; a < IDS_FATTR_COUNT; a++) {
        if (!ids_facet_has_fattr(kind, loc, (ids_fattr)a))
            continue;
        atype t = A_STRING;
        switch ((ids_fattr)a) {
        case IDS_FATTR_DATA_TYPE: t = A_UPPER_NAME; break;
        case IDS_FATTR_RELATION: t = A_RELATION; break;
        case IDS_FATTR_URI: t = A_ANY_URI; break;
        case IDS_FATTR_CARDINALITY:
            t = kind == IDS_FACET_PARTOF ? A_SIMPLE_CARD : A_COND_CARD;
            break;
        case IDS_FATTR_INSTRUCTIONS: t = A_STRING; break;
        case IDS_FATTR_COUNT: break;
        }
        attrs[n].name = ids_fattr_name((ids_fattr)a);
        attrs[n].type = t;
        attrs[n].required = false;
        n++;
    }
    check_attrs(ctx, node, attrs, n, false);
}

static void check_entity_type(sctx *ctx, const xmlNode *node)
{
    static const particle ps[] = {
        IDS_P("name", 1, 1, check_ids_value),
        IDS_P("predefinedType", 0, 1, check_ids_value),
    };
    check_no_text(ctx, node);
    check_sequence(ctx, node, ps, 2);
}

/* The <entity> nested in partOf: a plain entityType without attributes. */
static void check_nested_entity(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    check_attrs(ctx, node, NULL, 0, false);
    check_entity_type(ctx, node);
}

static void check_facet(sctx *ctx, const xmlNode *node, const void *arg)
{
    const facet_arg *fa = arg;
    int kind = ids_facet_kind_of(node);
    if (kind < 0)
        return;
    check_facet_attrs(ctx, node, (ids_facet_kind)kind, fa->loc);
    check_no_text(ctx, node);
    switch ((ids_facet_kind)kind) {
    case IDS_FACET_ENTITY:
        check_entity_type(ctx, node);
        return;
    case IDS_FACET_PARTOF: {
        static const particle ps[] = {IDS_P("entity", 1, 1, check_nested_entity)};
        check_sequence(ctx, node, ps, 1);
        return;
    }
    case IDS_FACET_CLASSIFICATION: {
        static const particle ps[] = {
            IDS_P("value", 0, 1, check_ids_value),
            IDS_P("system", 1, 1, check_ids_value),
        };
        check_sequence(ctx, node, ps, 2);
        return;
    }
    case IDS_FACET_ATTRIBUTE: {
        static const particle ps[] = {
            IDS_P("name", 1, 1, check_ids_value),
            IDS_P("value", 0, 1, check_ids_value),
        };
        check_sequence(ctx, node, ps, 2);
        return;
    }
    case IDS_FACET_PROPERTY: {
        static const particle ps[] = {
            IDS_P("propertySet", 1, 1, check_ids_value),
            IDS_P("baseName", 1, 1, check_ids_value),
            IDS_P("value", 0, 1, check_ids_value),
        };
        check_sequence(ctx, node, ps, 3);
        return;
    }
    case IDS_FACET_MATERIAL: {
        static const particle ps[] = {IDS_P("value", 0, 1, check_ids_value)};
        check_sequence(ctx, node, ps, 1);
        return;
    }
    case IDS_FACET_KIND_COUNT:
        return;
    }
}

static void check_applicability(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    static const aspec attrs[] = {{"minOccurs", A_NNI, false}, {"maxOccurs", A_ALL_NNI, false}};
    static const particle ps[] = {
        {IDS_NAMESPACE, "entity", 0, 1, check_facet, &in_applicability},
        {IDS_NAMESPACE, "partOf", 0, 0, check_facet, &in_applicability},
        {IDS_NAMESPACE, "classification", 0, 0, check_facet, &in_applicability},
        {IDS_NAMESPACE, "attribute", 0, 0, check_facet, &in_applicability},
        {IDS_NAMESPACE, "property", 0, 0, check_facet, &in_applicability},
        {IDS_NAMESPACE, "material", 0, 0, check_facet, &in_applicability},
    };
    check_attrs(ctx, node, attrs, 2, false);
    check_no_text(ctx, node);
    check_sequence(ctx, node, ps, 6);
}

/* requirementsType is an unbounded sequence of optional particles, which
 * accepts the six facets in any order and number. */
static void check_requirements(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    static const aspec attrs[] = {{"description", A_STRING, false}};
    check_attrs(ctx, node, attrs, 1, false);
    check_no_text(ctx, node);
    for (const xmlNode *c = ids_first_element(node); c != NULL; c = ids_next_element(c)) {
        if (ids_facet_kind_of(c) < 0) {
            XSD_ERR(ctx, c, "<%s> is not expected inside <requirements>; allowed are "
                    "entity, partOf, classification, attribute, property and material",
                    node_name(c));
            return;
        }
        check_facet(ctx, c, &in_requirements);
    }
}

static void check_specification(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    static const aspec attrs[] = {
        {"name", A_STRING, true},        {"ifcVersion", A_IFC_VERSION, true},
        {"identifier", A_STRING, false}, {"description", A_STRING, false},
        {"instructions", A_STRING, false},
    };
    static const particle ps[] = {
        IDS_P("applicability", 1, 1, check_applicability),
        IDS_P("requirements", 0, 1, check_requirements),
    };
    check_attrs(ctx, node, attrs, 5, false);
    check_no_text(ctx, node);
    check_sequence(ctx, node, ps, 2);
}

static void check_specifications(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    static const particle ps[] = {IDS_P("specification", 1, 0, check_specification)};
    check_attrs(ctx, node, NULL, 0, false);
    check_no_text(ctx, node);
    check_sequence(ctx, node, ps, 1);
}

static void check_info(sctx *ctx, const xmlNode *node, const void *arg)
{
    (void)arg;
    static const particle ps[] = {
        IDS_P("title", 1, 1, check_string_element),
        IDS_P("copyright", 0, 1, check_string_element),
        IDS_P("version", 0, 1, check_string_element),
        IDS_P("description", 0, 1, check_string_element),
        IDS_P("author", 0, 1, check_author),
        IDS_P("date", 0, 1, check_date),
        IDS_P("purpose", 0, 1, check_string_element),
        IDS_P("milestone", 0, 1, check_string_element),
    };
    check_attrs(ctx, node, NULL, 0, false);
    check_no_text(ctx, node);
    check_sequence(ctx, node, ps, 8);
}

void ids_structure_check(const xmlDoc *doc, ids_findings *out)
{
    ids_xsd_types_init();
    sctx ctx = {out, NULL};
    const xmlNode *root = doc != NULL ? xmlDocGetRootElement((xmlDoc *)doc) : NULL;
    if (root == NULL) {
        ids_findings_add(out, IDS_SEVERITY_ERROR, "XSD", NULL, "the document has no root element");
        return;
    }
    if (!ids_node_is(root, "ids")) {
        XSD_ERR(&ctx, root, "the root element is <%s>; it must be <ids> in namespace %s",
                node_name(root), IDS_NAMESPACE);
        return;
    }
    static const particle ps[] = {
        IDS_P("info", 1, 1, check_info),
        IDS_P("specifications", 1, 1, check_specifications),
    };
    check_attrs(&ctx, root, NULL, 0, false);
    check_no_text(&ctx, root);
    check_sequence(&ctx, root, ps, 2);
    if (ctx.ids != NULL)
        xmlHashFree(ctx.ids, NULL);
}

/* ---- ids_validate and the report ---- */

static void report_free_findings(ids_finding *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        finding_free(&items[i]);
    free(items);
}

void ids_report_free(ids_report *report)
{
    if (report == NULL)
        return;
    report_free_findings(report->findings, report->n_findings);
    report_free_findings(report->xsd_findings, report->n_xsd_findings);
    free(report);
}

bool ids_report_valid(const ids_report *report)
{
    if (report == NULL)
        return false;
    return report->structure_valid && report->audit_valid &&
           (!report->xsd_checked || report->xsd_valid);
}

ids_status ids_validate(const ids_doc *doc, const ids_schema *schema,
                        ids_report **out, ids_error *err)
{
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the report");
    *out = NULL;
    if (doc == NULL || doc->xml == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no document to validate");

    ids_findings structural = {0}, audit = {0}, xsd = {0};
    ids_status st = IDS_OK;
    ids_report *report = calloc(1, sizeof(*report));
    if (report == NULL) {
        st = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory validating");
        goto out;
    }
    ids_structure_check(doc->xml, &structural);
    ids_audit_check(doc, &audit);
    if (schema != NULL) {
        bool valid = false;
        st = ids_xsd_validate(schema, doc->xml, &xsd, &valid, err);
        if (st != IDS_OK)
            goto out;
        report->xsd_checked = true;
        report->xsd_valid = valid;
    }
    if (structural.nomem || audit.nomem || xsd.nomem) {
        st = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory validating");
        goto out;
    }
    report->structure_valid = structural.n == 0;
    report->audit_valid = true;
    for (size_t i = 0; i < audit.n; i++)
        if (audit.items[i].severity == IDS_SEVERITY_ERROR)
            report->audit_valid = false;

    size_t total = structural.n + audit.n;
    if (total > 0) {
        report->findings = calloc(total, sizeof(*report->findings));
        if (report->findings == NULL) {
            st = ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory validating");
            goto out;
        }
        /* Ownership of the strings moves into the report. */
        if (structural.n > 0)
            memcpy(report->findings, structural.items, structural.n * sizeof(ids_finding));
        if (audit.n > 0)
            memcpy(report->findings + structural.n, audit.items,
                   audit.n * sizeof(ids_finding));
        report->n_findings = total;
        base_buf_free(&structural.buf);
        base_buf_free(&audit.buf);
        memset(&structural, 0, sizeof(structural));
        memset(&audit, 0, sizeof(audit));
    }
    /* The array is handed over as it is; ids_report_free frees it. */
    report->xsd_findings = xsd.items;
    report->n_xsd_findings = xsd.n;
    memset(&xsd, 0, sizeof(xsd));
    *out = report;
    report = NULL;
out:
    ids_findings_clear(&structural);
    ids_findings_clear(&audit);
    ids_findings_clear(&xsd);
    ids_report_free(report);
    return st;
}
