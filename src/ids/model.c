/*
 * model.c - the IDS 1.0 standard as tables, plus the error and tree helpers
 * every file of the engine uses.
 *
 * The tables follow the official ids.xsd; where the implementers' reference
 * adds a rule (base types and the restriction facets each base accepts, from
 * the audit tool), that is noted at the table.
 */
#include "ids/ids_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

void ids_error_clear(ids_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof(*err));
}

const char *ids_status_name(ids_status status)
{
    switch (status) {
    case IDS_OK: return "ok";
    case IDS_ERR_NOMEM: return "nomem";
    case IDS_ERR_IO: return "io";
    case IDS_ERR_PARSE: return "parse";
    case IDS_ERR_NOT_IDS: return "not_ids";
    case IDS_ERR_LIMIT: return "limit";
    case IDS_ERR_INVALID_ARG: return "invalid_argument";
    case IDS_ERR_NOT_FOUND: return "not_found";
    case IDS_ERR_SCHEMA: return "schema";
    case IDS_ERR_INTERNAL: return "internal";
    }
    return "unknown";
}

ids_status ids_err(ids_error *err, ids_status code, const xmlNode *node,
                   const char *fmt, ...)
{
    if (err == NULL || err->code != IDS_OK)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    base_utf8_vformat(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    if (node != NULL) {
        long line = xmlGetLineNo(node);
        err->line = line > 0 && line < 0x7fffffff ? (int)line : 0;
        ids_node_path(node, err->path, sizeof(err->path));
    }
    return code;
}

/* ---- tree helpers ---- */

static bool node_in_ns(const xmlNode *node, const char *ns, const char *name)
{
    if (node == NULL || node->type != XML_ELEMENT_NODE || node->ns == NULL ||
        node->ns->href == NULL)
        return false;
    if (strcmp((const char *)node->ns->href, ns) != 0)
        return false;
    return name == NULL || strcmp((const char *)node->name, name) == 0;
}

bool ids_node_is(const xmlNode *node, const char *name)
{
    return node_in_ns(node, IDS_NAMESPACE, name);
}

bool ids_node_is_xs(const xmlNode *node, const char *name)
{
    return node_in_ns(node, IDS_XS_NAMESPACE, name);
}

xmlNode *ids_first_element(const xmlNode *node)
{
    if (node == NULL)
        return NULL;
    for (xmlNode *c = node->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

xmlNode *ids_next_element(const xmlNode *node)
{
    if (node == NULL)
        return NULL;
    for (xmlNode *c = node->next; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

xmlNode *ids_child(const xmlNode *node, const char *name)
{
    for (xmlNode *c = ids_first_element(node); c != NULL; c = ids_next_element(c))
        if (ids_node_is(c, name))
            return c;
    return NULL;
}

static bool same_name(const xmlNode *a, const xmlNode *b)
{
    if (strcmp((const char *)a->name, (const char *)b->name) != 0)
        return false;
    const char *na = a->ns != NULL ? (const char *)a->ns->href : "";
    const char *nb = b->ns != NULL ? (const char *)b->ns->href : "";
    return strcmp(na, nb) == 0;
}

void ids_node_path(const xmlNode *node, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    /* Collect ancestors first; documents are depth-capped on load, and a
     * path deeper than this is cut at the top, which is the least useful
     * part for locating an element. */
    const xmlNode *chain[64];
    size_t depth = 0;
    for (const xmlNode *n = node; n != NULL && n->type == XML_ELEMENT_NODE &&
                                  depth < sizeof(chain) / sizeof(chain[0]);
         n = n->parent)
        chain[depth++] = n;

    size_t used = 0;
    while (depth > 0) {
        const xmlNode *n = chain[--depth];
        size_t position = 0, same = 0;
        if (n->parent != NULL) {
            for (const xmlNode *s = n->parent->children; s != NULL; s = s->next) {
                if (s->type != XML_ELEMENT_NODE || !same_name(s, n))
                    continue;
                same++;
                if (s == n)
                    position = same;
            }
        }
        const char *prefix = ids_node_is_xs(n, NULL) ? "xs:" : "";
        char step[32] = "";
        if (same > 1)
            snprintf(step, sizeof(step), "[%zu]", position);
        /* Element names of a loaded document can be long and in any
         * script: a path that does not fit is cut between characters. */
        size_t w = base_utf8_format(buf + used, size - used, "/%s%s%s", prefix,
                                   (const char *)n->name, step);
        if (used + w + 1 >= size)
            return;
        used += w;
    }
}

/* ---- names ---- */

static int index_of(const char *const *names, size_t n, const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

/* Compares ignoring case and underscores, so "property_set", "propertySet"
 * and "PROPERTYSET" all match: tool arguments arrive in either style. */
static bool loose_equal(const char *a, const char *b)
{
    for (;;) {
        while (*a == '_')
            a++;
        while (*b == '_')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
}

static int loose_index_of(const char *const *names, size_t n, const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (loose_equal(names[i], name))
            return (int)i;
    return -1;
}

static const char *const info_names[IDS_INFO_FIELD_COUNT] = {
    "title", "copyright", "version", "description",
    "author", "date", "purpose", "milestone",
};

const char *ids_info_field_name(ids_info_field field)
{
    return (unsigned)field < IDS_INFO_FIELD_COUNT ? info_names[field] : NULL;
}

int ids_info_field_from_name(const char *name)
{
    return index_of(info_names, IDS_INFO_FIELD_COUNT, name);
}

static const char *const spec_field_names[IDS_SPEC_FIELD_COUNT] = {
    "name", "ifcVersion", "identifier", "description", "instructions",
    "minOccurs", "maxOccurs", "requirementsDescription",
};

const char *ids_spec_field_name(ids_spec_field field)
{
    return (unsigned)field < IDS_SPEC_FIELD_COUNT ? spec_field_names[field] : NULL;
}

static const char *const xs_facet_names[IDS_XS_FACET_COUNT] = {
    "enumeration", "pattern", "minInclusive", "maxInclusive",
    "minExclusive", "maxExclusive", "length", "minLength", "maxLength",
    "totalDigits", "fractionDigits",
};

const char *ids_xs_facet_name(ids_xs_facet facet)
{
    return (unsigned)facet < IDS_XS_FACET_COUNT ? xs_facet_names[facet] : NULL;
}

int ids_xs_facet_from_name(const char *name)
{
    return index_of(xs_facet_names, IDS_XS_FACET_COUNT, name);
}

static const char *const location_names[2] = {"applicability", "requirements"};

const char *ids_location_name(ids_location loc)
{
    return (unsigned)loc < 2 ? location_names[loc] : NULL;
}

int ids_location_from_name(const char *name)
{
    return loose_index_of(location_names, 2, name);
}

static const char *const facet_kind_names[IDS_FACET_KIND_COUNT] = {
    "entity", "partOf", "classification", "attribute", "property", "material",
};

const char *ids_facet_kind_name(ids_facet_kind kind)
{
    return (unsigned)kind < IDS_FACET_KIND_COUNT ? facet_kind_names[kind] : NULL;
}

int ids_facet_kind_from_name(const char *name)
{
    return loose_index_of(facet_kind_names, IDS_FACET_KIND_COUNT, name);
}

static const char *const param_names[IDS_PARAM_COUNT] = {
    "name", "predefinedType", "propertySet", "baseName", "system", "value",
};

const char *ids_param_name(ids_param param)
{
    return (unsigned)param < IDS_PARAM_COUNT ? param_names[param] : NULL;
}

int ids_param_from_name(const char *name)
{
    return loose_index_of(param_names, IDS_PARAM_COUNT, name);
}

static const char *const fattr_names[IDS_FATTR_COUNT] = {
    "dataType", "relation", "uri", "cardinality", "instructions",
};

const char *ids_fattr_name(ids_fattr attr)
{
    return (unsigned)attr < IDS_FATTR_COUNT ? fattr_names[attr] : NULL;
}

int ids_fattr_from_name(const char *name)
{
    return loose_index_of(fattr_names, IDS_FATTR_COUNT, name);
}

/* ---- the standard's tables ---- */

const ids_facet_kind ids_facet_order[IDS_FACET_KIND_COUNT] = {
    IDS_FACET_ENTITY, IDS_FACET_PARTOF, IDS_FACET_CLASSIFICATION,
    IDS_FACET_ATTRIBUTE, IDS_FACET_PROPERTY, IDS_FACET_MATERIAL,
};

#define P(x) (1u << (x))

/* Parameters each kind has (XSD entityType, partOfType, ...). */
static const unsigned kind_params[IDS_FACET_KIND_COUNT] = {
    [IDS_FACET_ENTITY] = P(IDS_PARAM_NAME) | P(IDS_PARAM_PREDEFINED_TYPE),
    [IDS_FACET_PARTOF] = P(IDS_PARAM_NAME) | P(IDS_PARAM_PREDEFINED_TYPE),
    [IDS_FACET_CLASSIFICATION] = P(IDS_PARAM_VALUE) | P(IDS_PARAM_SYSTEM),
    [IDS_FACET_ATTRIBUTE] = P(IDS_PARAM_NAME) | P(IDS_PARAM_VALUE),
    [IDS_FACET_PROPERTY] = P(IDS_PARAM_PROPERTY_SET) | P(IDS_PARAM_BASE_NAME) |
                           P(IDS_PARAM_VALUE),
    [IDS_FACET_MATERIAL] = P(IDS_PARAM_VALUE),
};

/* Parameters the XSD requires (minOccurs 1). */
static const unsigned kind_required_params[IDS_FACET_KIND_COUNT] = {
    [IDS_FACET_ENTITY] = P(IDS_PARAM_NAME),
    [IDS_FACET_PARTOF] = P(IDS_PARAM_NAME),
    [IDS_FACET_CLASSIFICATION] = P(IDS_PARAM_SYSTEM),
    [IDS_FACET_ATTRIBUTE] = P(IDS_PARAM_NAME),
    [IDS_FACET_PROPERTY] = P(IDS_PARAM_PROPERTY_SET) | P(IDS_PARAM_BASE_NAME),
    [IDS_FACET_MATERIAL] = 0,
};

/* XML attributes per kind and location (XSD requirementsType extensions). */
static const unsigned kind_fattrs[2][IDS_FACET_KIND_COUNT] = {
    [IDS_APPLICABILITY] = {
        [IDS_FACET_PARTOF] = P(IDS_FATTR_RELATION),
        [IDS_FACET_PROPERTY] = P(IDS_FATTR_DATA_TYPE),
    },
    [IDS_REQUIREMENTS] = {
        [IDS_FACET_ENTITY] = P(IDS_FATTR_INSTRUCTIONS),
        [IDS_FACET_PARTOF] = P(IDS_FATTR_RELATION) | P(IDS_FATTR_CARDINALITY) |
                             P(IDS_FATTR_INSTRUCTIONS),
        [IDS_FACET_CLASSIFICATION] = P(IDS_FATTR_URI) | P(IDS_FATTR_CARDINALITY) |
                                     P(IDS_FATTR_INSTRUCTIONS),
        [IDS_FACET_ATTRIBUTE] = P(IDS_FATTR_CARDINALITY) | P(IDS_FATTR_INSTRUCTIONS),
        [IDS_FACET_PROPERTY] = P(IDS_FATTR_DATA_TYPE) | P(IDS_FATTR_URI) |
                               P(IDS_FATTR_CARDINALITY) | P(IDS_FATTR_INSTRUCTIONS),
        [IDS_FACET_MATERIAL] = P(IDS_FATTR_URI) | P(IDS_FATTR_CARDINALITY) |
                               P(IDS_FATTR_INSTRUCTIONS),
    },
};

bool ids_facet_has_param(ids_facet_kind kind, ids_param param)
{
    if ((unsigned)kind >= IDS_FACET_KIND_COUNT || (unsigned)param >= IDS_PARAM_COUNT)
        return false;
    return (kind_params[kind] & P(param)) != 0;
}

bool ids_facet_param_required(ids_facet_kind kind, ids_param param)
{
    if ((unsigned)kind >= IDS_FACET_KIND_COUNT || (unsigned)param >= IDS_PARAM_COUNT)
        return false;
    return (kind_required_params[kind] & P(param)) != 0;
}

bool ids_facet_has_fattr(ids_facet_kind kind, ids_location loc, ids_fattr attr)
{
    if ((unsigned)kind >= IDS_FACET_KIND_COUNT || (unsigned)loc > 1 ||
        (unsigned)attr >= IDS_FATTR_COUNT)
        return false;
    return (kind_fattrs[loc][kind] & P(attr)) != 0;
}

const char *ids_param_element(ids_facet_kind kind, ids_param param)
{
    return ids_facet_has_param(kind, param) ? param_names[param] : NULL;
}

size_t ids_param_order(ids_facet_kind kind, ids_param out[IDS_PARAM_COUNT])
{
    /* Every kind lists its parameters in enum order except classification,
     * whose XSD sequence is value before system. */
    static const ids_param classification[] = {IDS_PARAM_VALUE, IDS_PARAM_SYSTEM};
    size_t n = 0;
    if (kind == IDS_FACET_CLASSIFICATION) {
        out[n++] = classification[0];
        out[n++] = classification[1];
        return n;
    }
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        if (ids_facet_has_param(kind, (ids_param)p))
            out[n++] = (ids_param)p;
    return n;
}

static const char *const simple_cardinality[] = {"required", "prohibited", NULL};
static const char *const conditional_cardinality[] = {"required", "optional",
                                                      "prohibited", NULL};

const char *const *ids_cardinality_values(ids_facet_kind kind)
{
    switch (kind) {
    case IDS_FACET_ENTITY:
        return NULL;
    case IDS_FACET_PARTOF:
        return simple_cardinality;
    default:
        return (unsigned)kind < IDS_FACET_KIND_COUNT ? conditional_cardinality : NULL;
    }
}

const char *const ids_ifc_versions[] = {"IFC2X3", "IFC4", "IFC4X3_ADD2", NULL};

const char *const ids_relations[] = {
    "IFCRELAGGREGATES",
    "IFCRELASSIGNSTOGROUP",
    "IFCRELCONTAINEDINSPATIALSTRUCTURE",
    "IFCRELNESTS",
    "IFCRELVOIDSELEMENT IFCRELFILLSELEMENT",
    NULL,
};

/* The eight bases of the IDS documentation plus the three the audit tool
 * also accepts (float, decimal, anyURI). */
const char *const ids_base_types[] = {
    "xs:string", "xs:boolean", "xs:integer", "xs:double", "xs:float",
    "xs:decimal", "xs:date", "xs:dateTime", "xs:time", "xs:duration",
    "xs:anyURI", NULL,
};

bool ids_base_takes_digits(const char *base)
{
    /* XML Schema defines totalDigits and fractionDigits on xs:decimal and
     * the types derived from it; of the IDS bases that is these two. */
    return base != NULL && (strcmp(base, "xs:decimal") == 0 || strcmp(base, "xs:integer") == 0);
}

bool ids_base_allows(const char *base, ids_xs_facet facet)
{
    if (base == NULL)
        return false;
    const unsigned text = P(IDS_XS_PATTERN) | P(IDS_XS_ENUMERATION) |
                          P(IDS_XS_LENGTH) | P(IDS_XS_MIN_LENGTH) |
                          P(IDS_XS_MAX_LENGTH);
    const unsigned ordered = P(IDS_XS_PATTERN) | P(IDS_XS_ENUMERATION) |
                             P(IDS_XS_MIN_INCLUSIVE) | P(IDS_XS_MAX_INCLUSIVE) |
                             P(IDS_XS_MIN_EXCLUSIVE) | P(IDS_XS_MAX_EXCLUSIVE);
    unsigned allowed = 0;
    if (strcmp(base, "xs:string") == 0 || strcmp(base, "xs:anyURI") == 0)
        allowed = text;
    else if (strcmp(base, "xs:boolean") == 0)
        allowed = P(IDS_XS_PATTERN);
    else if (index_of(ids_base_types, sizeof(ids_base_types) / sizeof(ids_base_types[0]) - 1,
                      base) >= 0)
        allowed = ordered;
    return (unsigned)facet < IDS_XS_FACET_COUNT && (allowed & P(facet)) != 0;
}

/* ---- navigation ---- */

static xmlNode *nth_child(const xmlNode *parent, const char *name, size_t index)
{
    size_t i = 0;
    for (xmlNode *c = ids_first_element(parent); c != NULL; c = ids_next_element(c)) {
        if (!ids_node_is(c, name))
            continue;
        if (i++ == index)
            return c;
    }
    return NULL;
}

xmlNode *ids_specs_node(const ids_doc *doc)
{
    if (doc == NULL || doc->xml == NULL)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc->xml);
    return ids_node_is(root, "ids") ? ids_child(root, "specifications") : NULL;
}

xmlNode *ids_spec_node(const ids_doc *doc, size_t index)
{
    return nth_child(ids_specs_node(doc), "specification", index);
}

xmlNode *ids_location_node(const xmlNode *spec, ids_location loc)
{
    const char *name = ids_location_name(loc);
    return name != NULL ? ids_child(spec, name) : NULL;
}

int ids_facet_kind_of(const xmlNode *node)
{
    if (!ids_node_is(node, NULL))
        return -1;
    return index_of(facet_kind_names, IDS_FACET_KIND_COUNT, (const char *)node->name);
}

xmlNode *ids_facet_node(const xmlNode *location, size_t index)
{
    size_t i = 0;
    for (xmlNode *c = ids_first_element(location); c != NULL; c = ids_next_element(c)) {
        if (ids_facet_kind_of(c) < 0)
            continue;
        if (i++ == index)
            return c;
    }
    return NULL;
}

xmlNode *ids_param_node(const xmlNode *facet, ids_facet_kind kind, ids_param param)
{
    const char *element = ids_param_element(kind, param);
    if (element == NULL)
        return NULL;
    if (kind == IDS_FACET_PARTOF)
        facet = ids_child(facet, "entity");
    return ids_child(facet, element);
}

char *ids_attr_dup(const xmlNode *node, const char *name)
{
    if (node == NULL)
        return NULL;
    /* An attribute's value is nearly always one text node: copy it as it
     * is, without libxml2's copy (an allocation more, and a copy to free)
     * that xmlGetNoNsProp makes of it. */
    for (const xmlAttr *a = node->properties; a != NULL; a = a->next) {
        if (a->ns != NULL || strcmp((const char *)a->name, name) != 0)
            continue;
        const xmlNode *t = a->children;
        if (t == NULL)
            return strdup("");
        if (t->next == NULL && t->type == XML_TEXT_NODE && t->content != NULL)
            return strdup((const char *)t->content);
        break;
    }
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
    if (v == NULL)
        return NULL;
    char *copy = strdup((const char *)v);
    xmlFree(v);
    return copy;
}

char *ids_text_dup(const xmlNode *node)
{
    if (node == NULL)
        return NULL;
    /* For an element xmlNodeGetContent returns "" when it has no text, so
     * NULL can only mean allocation failure: pass that on, never as "". */
    xmlChar *v = xmlNodeGetContent(node);
    if (v == NULL)
        return NULL;
    char *copy = strdup((const char *)v);
    xmlFree(v);
    return copy;
}

void ids_value_clear(ids_value *value)
{
    if (value == NULL)
        return;
    free(value->simple);
    free(value->base);
    for (size_t i = 0; i < value->n_items; i++)
        free(value->items[i].value);
    free(value->items);
    memset(value, 0, sizeof(*value));
}

ids_status ids_value_read(const xmlNode *param, ids_value *out, ids_error *err)
{
    memset(out, 0, sizeof(*out));
    if (param == NULL)
        return IDS_OK;
    xmlNode *simple = ids_child(param, "simpleValue");
    if (simple != NULL) {
        out->kind = IDS_VALUE_SIMPLE;
        out->simple = ids_text_dup(simple);
        if (out->simple == NULL)
            goto nomem;
        return IDS_OK;
    }
    xmlNode *restriction = NULL;
    for (xmlNode *c = ids_first_element(param); c != NULL; c = ids_next_element(c))
        if (ids_node_is_xs(c, "restriction")) {
            restriction = c;
            break;
        }
    if (restriction == NULL)
        return IDS_OK;
    out->kind = IDS_VALUE_RESTRICTION;
    out->base = ids_attr_dup(restriction, "base");
    size_t n = 0;
    for (xmlNode *c = ids_first_element(restriction); c != NULL; c = ids_next_element(c))
        if (ids_node_is_xs(c, NULL) && ids_xs_facet_from_name((const char *)c->name) >= 0)
            n++;
    if (n == 0)
        return IDS_OK;
    out->items = calloc(n, sizeof(*out->items));
    if (out->items == NULL)
        goto nomem;
    for (xmlNode *c = ids_first_element(restriction); c != NULL; c = ids_next_element(c)) {
        int facet = ids_node_is_xs(c, NULL) ? ids_xs_facet_from_name((const char *)c->name) : -1;
        if (facet < 0)
            continue;
        char *v = ids_attr_dup(c, "value");
        if (v == NULL)
            v = strdup("");
        if (v == NULL)
            goto nomem;
        out->items[out->n_items].facet = (ids_xs_facet)facet;
        out->items[out->n_items].value = v;
        out->n_items++;
    }
    return IDS_OK;
nomem:
    ids_value_clear(out);
    return ids_err(err, IDS_ERR_NOMEM, param, "out of memory reading a value");
}

void ids_facet_clear(ids_facet *facet)
{
    if (facet == NULL)
        return;
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        ids_value_clear(&facet->params[p]);
    for (int a = 0; a < IDS_FATTR_COUNT; a++)
        free(facet->fattrs[a]);
    memset(facet, 0, sizeof(*facet));
}

ids_status ids_facet_read(const xmlNode *node, ids_facet *out, ids_error *err)
{
    memset(out, 0, sizeof(*out));
    int kind = ids_facet_kind_of(node);
    if (kind < 0)
        return ids_err(err, IDS_ERR_NOT_FOUND, node, "element is not an IDS facet");
    out->kind = (ids_facet_kind)kind;
    long line = xmlGetLineNo(node);
    out->line = line > 0 && line < 0x7fffffff ? (int)line : 0;
    for (int p = 0; p < IDS_PARAM_COUNT; p++) {
        if (!ids_facet_has_param(out->kind, (ids_param)p))
            continue;
        ids_status st = ids_value_read(ids_param_node(node, out->kind, (ids_param)p),
                                       &out->params[p], err);
        if (st != IDS_OK) {
            ids_facet_clear(out);
            return st;
        }
    }
    for (int a = 0; a < IDS_FATTR_COUNT; a++) {
        const char *name = fattr_names[a];
        if (!xmlHasProp(node, (const xmlChar *)name))
            continue;
        out->fattrs[a] = ids_attr_dup(node, name);
        if (out->fattrs[a] == NULL) {
            ids_facet_clear(out);
            return ids_err(err, IDS_ERR_NOMEM, node, "out of memory reading a facet");
        }
    }
    return IDS_OK;
}
