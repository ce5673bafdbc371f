/*
 * edit.c - specifications: count, find, add, update, remove; and the tree
 * helpers the facet editor shares.
 *
 * Every edit follows one shape, so that a refused edit (including out of
 * memory) leaves the document byte-identical:
 *   1. check the whole input against the standard, reading the tree only;
 *   2. build every new node and attribute detached from the tree (new
 *      attributes wait on a detached "carrier" element);
 *   3. link them in with pointer moves that cannot fail, and free what
 *      they replace.
 * Any failure in 1 or 2 frees the detached nodes and returns.
 */
#include "ids/ids_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- shared helpers ---- */

ids_status ids_edit_doc_check(const ids_doc *doc, ids_error *err)
{
    if (doc == NULL || doc->xml == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no document");
    xmlNode *root = xmlDocGetRootElement(doc->xml);
    if (!ids_node_is(root, "ids"))
        return ids_err(err, IDS_ERR_NOT_IDS, root,
                       "the document's root is not an IDS <ids> element");
    return IDS_OK;
}

ids_status ids_edit_spec(const ids_doc *doc, size_t index, xmlNode **out, ids_error *err)
{
    *out = NULL;
    ids_status st = ids_edit_doc_check(doc, err);
    if (st != IDS_OK)
        return st;
    xmlNode *spec = ids_spec_node(doc, index);
    if (spec == NULL) {
        size_t n = ids_spec_count(doc);
        if (n == 0)
            return ids_err(err, IDS_ERR_NOT_FOUND, ids_specs_node(doc),
                           "specification %zu does not exist; the document has no "
                           "specification yet (add one first)",
                           index);
        return ids_err(err, IDS_ERR_NOT_FOUND, ids_specs_node(doc),
                       "specification %zu does not exist; allowed: 0..%zu (the document "
                       "has %zu)",
                       index, n - 1, n);
    }
    *out = spec;
    return IDS_OK;
}

size_t ids_location_facet_count(const xmlNode *location)
{
    size_t n = 0;
    for (xmlNode *c = ids_first_element(location); c != NULL; c = ids_next_element(c))
        if (ids_facet_kind_of(c) >= 0)
            n++;
    return n;
}

const char *ids_attr_peek(const xmlNode *node, const char *name)
{
    if (node == NULL || node->type != XML_ELEMENT_NODE)
        return NULL;
    xmlAttr *a = xmlHasNsProp(node, (const xmlChar *)name, NULL);
    if (a == NULL)
        return NULL;
    if (a->children == NULL)
        return "";
    if (a->children->next == NULL && a->children->type == XML_TEXT_NODE &&
        a->children->content != NULL)
        return (const char *)a->children->content;
    return NULL;
}

static bool attr_is(const xmlNode *node, const char *name, const char *value)
{
    const char *v = ids_attr_peek(node, name);
    return v != NULL && strcmp(v, value) == 0;
}

bool ids_spec_is_prohibited(const xmlNode *spec)
{
    return attr_is(ids_location_node(spec, IDS_APPLICABILITY), "maxOccurs", "0");
}

xmlAttr *ids_new_prop(xmlNode *node, const char *name, const char *value)
{
    /* xmlNewProp stores the value as raw text (no entity parsing), unlike
     * xmlNewDocProp, so "&amp;" stays five characters. */
    xmlAttr *a = xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)value);
    if (a == NULL)
        return NULL;
    if (a->name == NULL ||
        (value != NULL && (a->children == NULL || a->children->content == NULL))) {
        xmlRemoveProp(a);
        return NULL;
    }
    return a;
}

xmlAttr *ids_carrier_prop(xmlNode *carrier, const char *name, const char *value)
{
    return ids_new_prop(carrier, name, value);
}

static size_t rank_in(const char *const *order, const xmlChar *name)
{
    size_t r = 0;
    for (; order != NULL && order[r] != NULL; r++)
        if (strcmp(order[r], (const char *)name) == 0)
            return r;
    return r;
}

void ids_attr_place(xmlNode *node, xmlAttr *attr, const char *const *order)
{
    /* Take attr off its carrier. */
    xmlNode *carrier = attr->parent;
    if (attr->prev != NULL)
        attr->prev->next = attr->next;
    else if (carrier != NULL)
        carrier->properties = attr->next;
    if (attr->next != NULL)
        attr->next->prev = attr->prev;
    attr->prev = attr->next = NULL;
    attr->parent = node;

    xmlAttr *old = NULL;
    for (xmlAttr *a = node->properties; a != NULL; a = a->next)
        if (a->ns == NULL && strcmp((const char *)a->name, (const char *)attr->name) == 0) {
            old = a;
            break;
        }
    if (old != NULL) {
        /* Replace in place so the attribute keeps its position. */
        attr->prev = old->prev;
        attr->next = old->next;
        if (old->prev != NULL)
            old->prev->next = attr;
        else
            node->properties = attr;
        if (old->next != NULL)
            old->next->prev = attr;
        old->prev = old->next = NULL;
        old->parent = NULL;
        xmlFreeProp(old);
        return;
    }
    /* Insert before the first attribute that comes later in the standard's
     * order, so edits in any sequence write the same bytes. */
    size_t rank = rank_in(order, attr->name);
    xmlAttr *before = NULL, *last = NULL;
    for (xmlAttr *a = node->properties; a != NULL; a = a->next) {
        last = a;
        if (before == NULL && a->ns == NULL && rank_in(order, a->name) > rank)
            before = a;
    }
    if (before != NULL) {
        attr->next = before;
        attr->prev = before->prev;
        if (before->prev != NULL)
            before->prev->next = attr;
        else
            node->properties = attr;
        before->prev = attr;
    } else if (last != NULL) {
        last->next = attr;
        attr->prev = last;
    } else {
        node->properties = attr;
    }
}

void ids_attr_remove(xmlNode *node, const char *name)
{
    xmlAttr *a = xmlHasNsProp(node, (const xmlChar *)name, NULL);
    if (a != NULL)
        xmlRemoveProp(a);
}

void ids_cleanup_requirements(xmlNode *spec)
{
    xmlNode *req = ids_location_node(spec, IDS_REQUIREMENTS);
    if (req == NULL || ids_first_element(req) != NULL || req->properties != NULL)
        return;
    xmlUnlinkNode(req);
    xmlFreeNode(req);
}

/* ---- field checks ---- */

static const char *const spec_attr_order[] = {
    "name", "ifcVersion", "identifier", "description", "instructions", NULL,
};
static const char *const occurs_attr_order[] = {"minOccurs", "maxOccurs", NULL};

/* Normalizes an ifcVersion list into out: the known tokens, each once, in
 * the standard's order, single-spaced. */
static ids_status ifc_version_normalize(const char *in, char *out, size_t size,
                                        ids_error *err)
{
    char allowed[128];
    ids_list_join(ids_ifc_versions, allowed, sizeof(allowed));
    ids_status st = ids_text_check("ifcVersion", in, err);
    if (st != IDS_OK)
        return st;
    bool seen[8] = {false};
    const char *p = in;
    size_t tokens = 0;
    while (*p != '\0') {
        p += strspn(p, " \t\r\n");
        size_t n = strcspn(p, " \t\r\n");
        if (n == 0)
            break;
        tokens++;
        int found = -1;
        const char *hint = NULL;
        for (int i = 0; ids_ifc_versions[i] != NULL; i++) {
            const char *v = ids_ifc_versions[i];
            if (strlen(v) == n && strncmp(v, p, n) == 0)
                found = i;
            else if (strlen(v) == n && strncasecmp(v, p, n) == 0)
                hint = v;
        }
        if (found < 0 && n == 6 && strncasecmp(p, "IFC4X3", 6) == 0)
            hint = "IFC4X3_ADD2";
        if (found < 0) {
            if (hint != NULL)
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "ifcVersion '%.*s' is unknown (did you mean %s?); allowed: %s",
                               (int)(n > 64 ? 64 : n), p, hint, allowed);
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "ifcVersion '%.*s' is unknown; allowed: %s", (int)(n > 64 ? 64 : n),
                           p, allowed);
        }
        seen[found] = true;
        p += n;
    }
    if (tokens == 0)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "ifcVersion needs at least one version; allowed: %s (space-separated)",
                       allowed);
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; ids_ifc_versions[i] != NULL; i++) {
        if (!seen[i])
            continue;
        int w = snprintf(out + used, size - used, "%s%s", used ? " " : "", ids_ifc_versions[i]);
        if (w < 0 || (size_t)w >= size - used)
            return ids_err(err, IDS_ERR_INTERNAL, NULL, "ifcVersion buffer too small");
        used += (size_t)w;
    }
    return IDS_OK;
}

#define OCCURS_ALLOWED \
    "allowed: minOccurs/maxOccurs 1/unbounded (required), 0/unbounded (optional), " \
    "0/0 (prohibited)"

static ids_status occurs_check(const char *min, const char *max, ids_error *err)
{
    if (min == NULL || (strcmp(min, "0") != 0 && strcmp(min, "1") != 0))
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "minOccurs '%s' is not allowed; allowed: 0 or 1 (" OCCURS_ALLOWED ")",
                       min != NULL ? BASE_QUOTE(min, 32) : "(none)");
    if (max == NULL || (strcmp(max, "0") != 0 && strcmp(max, "unbounded") != 0))
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "maxOccurs '%s' is not allowed; allowed: 0 or unbounded "
                       "(" OCCURS_ALLOWED ")",
                       max != NULL ? BASE_QUOTE(max, 32) : "(none)");
    if (strcmp(min, "1") == 0 && strcmp(max, "0") == 0)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "minOccurs/maxOccurs 1/0 is not allowed; " OCCURS_ALLOWED);
    return IDS_OK;
}

/* Checks an optional text field: NULL means absent/clear; "" is refused so
 * that "no value" has one spelling. */
static ids_status optional_text(ids_spec_field f, const char *v, ids_error *err)
{
    if (v == NULL)
        return IDS_OK;
    if (v[0] == '\0')
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s must not be empty; pass no value (NULL) to leave it out",
                       ids_spec_field_name(f));
    return ids_text_check(ids_spec_field_name(f), v, err);
}

static ids_status name_check(const char *v, ids_error *err)
{
    if (v == NULL || v[0] == '\0')
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "a specification needs a name (non-empty text)");
    return ids_text_check("name", v, err);
}

/* ---- count / find ---- */

size_t ids_spec_count(const ids_doc *doc)
{
    size_t n = 0;
    xmlNode *specs = ids_specs_node(doc);
    for (xmlNode *c = ids_first_element(specs); c != NULL; c = ids_next_element(c))
        if (ids_node_is(c, "specification"))
            n++;
    return n;
}

/* Appends "#pos 'label'" entries to a message buffer, cutting with "..." */
static void list_append(char *buf, size_t size, size_t *used, const char *item, bool *cut)
{
    if (*cut)
        return;
    size_t need = strlen(item) + (*used ? 2 : 0);
    if (*used + need + 4 >= size) {
        snprintf(buf + *used, size - *used, "%s...", *used ? ", " : "");
        *used += strlen(buf + *used);
        *cut = true;
        return;
    }
    int w = snprintf(buf + *used, size - *used, "%s%s", *used ? ", " : "", item);
    if (w > 0)
        *used += (size_t)w;
}

/* Matches key against one attribute of every specification. Returns the
 * number of matches and the first one's index; lists matches (when
 * several) or what exists (when none) into list. */
static size_t match_attr(const ids_doc *doc, const char *attr, const char *key,
                         size_t *first, char *list, size_t size, bool list_all)
{
    size_t matches = 0, used = 0, i = 0;
    bool cut = false;
    list[0] = '\0';
    xmlNode *specs = ids_specs_node(doc);
    for (xmlNode *c = ids_first_element(specs); c != NULL; c = ids_next_element(c)) {
        if (!ids_node_is(c, "specification"))
            continue;
        const char *v = ids_attr_peek(c, attr);
        char item[96];
        if (v != NULL && strcmp(v, key) == 0) {
            if (matches++ == 0)
                *first = i;
            if (!list_all) {
                snprintf(item, sizeof(item), "#%zu", i + 1);
                list_append(list, size, &used, item, &cut);
            }
        }
        if (list_all && v != NULL) {
            snprintf(item, sizeof(item), "'%s'", BASE_QUOTE(v, 60));
            list_append(list, size, &used, item, &cut);
        }
        i++;
    }
    return matches;
}

static bool parse_position(const char *key, size_t count, size_t *index)
{
    size_t n = strlen(key);
    if (n == 0 || n > 9 || strspn(key, "0123456789") != n)
        return false;
    unsigned long v = strtoul(key, NULL, 10);
    if (v < 1 || v > count)
        return false;
    *index = (size_t)v - 1;
    return true;
}

static ids_status spec_find_quiet(const ids_doc *doc, const ids_spec_ref *ref,
                                  size_t *index_out, ids_error *err)
{
    ids_status st = ids_edit_doc_check(doc, err);
    if (st != IDS_OK)
        return st;
    if (ref == NULL || index_out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no specification reference given");
    size_t count = ids_spec_count(doc);
    if (ref->by == IDS_SPEC_BY_INDEX) {
        xmlNode *spec = NULL;
        st = ids_edit_spec(doc, ref->index, &spec, err);
        if (st == IDS_OK)
            *index_out = ref->index;
        return st;
    }
    if (ref->by != IDS_SPEC_BY_IDENTIFIER && ref->by != IDS_SPEC_BY_NAME &&
        ref->by != IDS_SPEC_BY_ANY)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "unknown way to address a specification; allowed: by index, "
                       "identifier, name or any");
    if (ref->key == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "no key given to find a specification by");
    char list[300];
    size_t first = 0, n;
    const char *what[2] = {"identifier", "name"};
    for (int w = 0; w < 2; w++) {
        if ((w == 0 && ref->by == IDS_SPEC_BY_NAME) ||
            (w == 1 && ref->by == IDS_SPEC_BY_IDENTIFIER))
            continue;
        n = match_attr(doc, what[w], ref->key, &first, list, sizeof(list), false);
        if (n == 1) {
            *index_out = first;
            return IDS_OK;
        }
        if (n > 1)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "'%s' matches %zu specifications by %s (positions %s); "
                           "address one by its 1-based position%s",
                           BASE_QUOTE(ref->key, 80), n, what[w], list,
                           w == 1 ? " or identifier" : "");
    }
    if (ref->by == IDS_SPEC_BY_ANY && parse_position(ref->key, count, &first)) {
        *index_out = first;
        return IDS_OK;
    }
    if (count == 0)
        return ids_err(err, IDS_ERR_NOT_FOUND, ids_specs_node(doc),
                       "no specification matches '%s'; the document has none yet",
                       BASE_QUOTE(ref->key, 80));
    char ids_list[200], names[200];
    match_attr(doc, "identifier", "", &first, ids_list, sizeof(ids_list), true);
    match_attr(doc, "name", "", &first, names, sizeof(names), true);
    if (ref->by == IDS_SPEC_BY_IDENTIFIER)
        return ids_err(err, IDS_ERR_NOT_FOUND, NULL,
                       "no specification has identifier '%s'; identifiers: %s",
                       BASE_QUOTE(ref->key, 80), ids_list[0] ? ids_list : "(none set)");
    if (ref->by == IDS_SPEC_BY_NAME)
        return ids_err(err, IDS_ERR_NOT_FOUND, NULL,
                       "no specification is named '%s'; names: %s", BASE_QUOTE(ref->key, 80),
                       names);
    return ids_err(err, IDS_ERR_NOT_FOUND, NULL,
                   "no specification has identifier or name '%s', and it is not a "
                   "position 1..%zu; identifiers: %s; names: %s",
                   BASE_QUOTE(ref->key, 60), count, ids_list[0] ? ids_list : "(none set)", names);
}

/* ---- add ---- */

static ids_status set_prop(xmlNode *node, const char *name, const char *value)
{
    if (value == NULL)
        return IDS_OK;
    return ids_new_prop(node, name, value) != NULL ? IDS_OK : IDS_ERR_NOMEM;
}

static ids_status spec_add_quiet(ids_doc *doc, const ids_spec_fields *fields,
                                 size_t *index_out, ids_error *err)
{
    ids_status st = ids_edit_doc_check(doc, err);
    xmlNode *spec = NULL, *new_specs = NULL;
    if (st != IDS_OK)
        return st;
    if (fields == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "no fields given; a specification needs name and ifcVersion");
    const char *const *v = fields->values;
    char ifc[64];
    st = name_check(v[IDS_SPEC_NAME], err);
    if (st == IDS_OK && v[IDS_SPEC_IFC_VERSION] == NULL) {
        char allowed[128];
        ids_list_join(ids_ifc_versions, allowed, sizeof(allowed));
        st = ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                     "a specification needs ifcVersion; allowed: %s (space-separated)",
                     allowed);
    }
    if (st == IDS_OK)
        st = ifc_version_normalize(v[IDS_SPEC_IFC_VERSION], ifc, sizeof(ifc), err);
    for (int f = IDS_SPEC_IDENTIFIER; st == IDS_OK && f <= IDS_SPEC_INSTRUCTIONS; f++)
        st = optional_text((ids_spec_field)f, v[f], err);
    if (st == IDS_OK)
        st = optional_text(IDS_SPEC_REQUIREMENTS_DESCRIPTION,
                           v[IDS_SPEC_REQUIREMENTS_DESCRIPTION], err);
    const char *min = v[IDS_SPEC_MIN_OCCURS] != NULL ? v[IDS_SPEC_MIN_OCCURS] : "1";
    const char *max = v[IDS_SPEC_MAX_OCCURS] != NULL ? v[IDS_SPEC_MAX_OCCURS] : "unbounded";
    if (st == IDS_OK)
        st = occurs_check(min, max, err);
    if (st != IDS_OK)
        return st;

    xmlNode *root = xmlDocGetRootElement(doc->xml);
    xmlNode *specs = ids_specs_node(doc);
    xmlNs *ns = root->ns;
    if (specs == NULL) {
        /* A loaded document without <specifications> gets one after <info>. */
        new_specs = xmlNewDocNode(doc->xml, ns, (const xmlChar *)"specifications", NULL);
        if (new_specs == NULL || new_specs->name == NULL)
            goto nomem;
    }
    spec = xmlNewDocNode(doc->xml, ns, (const xmlChar *)"specification", NULL);
    if (spec == NULL || spec->name == NULL)
        goto nomem;
    if (set_prop(spec, "name", v[IDS_SPEC_NAME]) != IDS_OK ||
        set_prop(spec, "ifcVersion", ifc) != IDS_OK ||
        set_prop(spec, "identifier", v[IDS_SPEC_IDENTIFIER]) != IDS_OK ||
        set_prop(spec, "description", v[IDS_SPEC_DESCRIPTION]) != IDS_OK ||
        set_prop(spec, "instructions", v[IDS_SPEC_INSTRUCTIONS]) != IDS_OK)
        goto nomem;
    xmlNode *app = xmlNewChild(spec, ns, (const xmlChar *)"applicability", NULL);
    if (app == NULL || app->name == NULL || set_prop(app, "minOccurs", min) != IDS_OK ||
        set_prop(app, "maxOccurs", max) != IDS_OK)
        goto nomem;
    if (v[IDS_SPEC_REQUIREMENTS_DESCRIPTION] != NULL) {
        xmlNode *req = xmlNewChild(spec, ns, (const xmlChar *)"requirements", NULL);
        if (req == NULL || req->name == NULL ||
            set_prop(req, "description", v[IDS_SPEC_REQUIREMENTS_DESCRIPTION]) != IDS_OK)
            goto nomem;
    }

    size_t index = ids_spec_count(doc);
    if (new_specs != NULL) {
        xmlAddChild(new_specs, spec);
        xmlNode *info = ids_child(root, "info");
        if (info != NULL)
            xmlAddNextSibling(info, new_specs);
        else
            xmlAddChild(root, new_specs);
    } else {
        xmlNode *last = NULL;
        for (xmlNode *c = ids_first_element(specs); c != NULL; c = ids_next_element(c))
            if (ids_node_is(c, "specification"))
                last = c;
        if (last != NULL)
            xmlAddNextSibling(last, spec);
        else
            xmlAddChild(specs, spec);
    }
    if (index_out != NULL)
        *index_out = index;
    return IDS_OK;
nomem:
    xmlFreeNode(spec);
    xmlFreeNode(new_specs);
    return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory adding a specification");
}

/* ---- update ---- */

static bool masked(const ids_spec_fields *fields, ids_spec_field f)
{
    return (fields->set_mask & (1u << f)) != 0;
}

static ids_status spec_update_quiet(ids_doc *doc, size_t index, const ids_spec_fields *fields,
                                    ids_error *err)
{
    xmlNode *spec = NULL, *carrier = NULL, *app_carrier = NULL, *req_carrier = NULL;
    xmlNode *new_app = NULL, *new_req = NULL;
    ids_status st = ids_edit_spec(doc, index, &spec, err);
    if (st != IDS_OK)
        return st;
    if (fields == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no fields given");
    if (fields->set_mask >> IDS_SPEC_FIELD_COUNT != 0)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "set_mask has bits for unknown fields; allowed: bits 0..%d",
                       IDS_SPEC_FIELD_COUNT - 1);
    const char *const *v = fields->values;
    char ifc[64];

    /* 1. check */
    if (masked(fields, IDS_SPEC_NAME))
        st = name_check(v[IDS_SPEC_NAME], err);
    if (st == IDS_OK && masked(fields, IDS_SPEC_IFC_VERSION)) {
        if (v[IDS_SPEC_IFC_VERSION] == NULL) {
            char allowed[128];
            ids_list_join(ids_ifc_versions, allowed, sizeof(allowed));
            st = ids_err(err, IDS_ERR_INVALID_ARG, spec,
                         "ifcVersion cannot be cleared; allowed: one or more of %s", allowed);
        } else {
            st = ifc_version_normalize(v[IDS_SPEC_IFC_VERSION], ifc, sizeof(ifc), err);
        }
    }
    for (int f = IDS_SPEC_IDENTIFIER; st == IDS_OK && f <= IDS_SPEC_INSTRUCTIONS; f++)
        if (masked(fields, (ids_spec_field)f))
            st = optional_text((ids_spec_field)f, v[f], err);
    if (st == IDS_OK && masked(fields, IDS_SPEC_REQUIREMENTS_DESCRIPTION))
        st = optional_text(IDS_SPEC_REQUIREMENTS_DESCRIPTION,
                           v[IDS_SPEC_REQUIREMENTS_DESCRIPTION], err);
    if (st != IDS_OK)
        goto out;

    xmlNode *app = ids_location_node(spec, IDS_APPLICABILITY);
    xmlNode *req = ids_location_node(spec, IDS_REQUIREMENTS);
    bool occurs = masked(fields, IDS_SPEC_MIN_OCCURS) || masked(fields, IDS_SPEC_MAX_OCCURS);
    const char *min = NULL, *max = NULL;
    if (occurs) {
        min = masked(fields, IDS_SPEC_MIN_OCCURS) ? v[IDS_SPEC_MIN_OCCURS]
                                                  : ids_attr_peek(app, "minOccurs");
        max = masked(fields, IDS_SPEC_MAX_OCCURS) ? v[IDS_SPEC_MAX_OCCURS]
                                                  : ids_attr_peek(app, "maxOccurs");
        /* A loaded spec may lack the attributes (the XSD default 1/1 is not
         * one IDS allows); the update must then name both. */
        st = occurs_check(min, max, err);
        if (st != IDS_OK)
            goto out;
        if (strcmp(max, "0") == 0 && ids_location_facet_count(req) > 0) {
            st = ids_err(err, IDS_ERR_INVALID_ARG, spec,
                         "a prohibited specification (0/0) must have no requirement facets, "
                         "and this one has %zu; remove them first, or use optional "
                         "(0/unbounded) or required (1/unbounded)",
                         ids_location_facet_count(req));
            goto out;
        }
    }

    /* 2. build detached */
    carrier = xmlNewDocNode(doc->xml, NULL, (const xmlChar *)"carrier", NULL);
    if (carrier == NULL)
        goto nomem;
    if (masked(fields, IDS_SPEC_NAME) &&
        ids_carrier_prop(carrier, "name", v[IDS_SPEC_NAME]) == NULL)
        goto nomem;
    if (masked(fields, IDS_SPEC_IFC_VERSION) && ids_carrier_prop(carrier, "ifcVersion", ifc) == NULL)
        goto nomem;
    for (int f = IDS_SPEC_IDENTIFIER; f <= IDS_SPEC_INSTRUCTIONS; f++)
        if (masked(fields, (ids_spec_field)f) && v[f] != NULL &&
            ids_carrier_prop(carrier, spec_attr_order[f], v[f]) == NULL)
            goto nomem;
    if (occurs) {
        if (app == NULL) {
            new_app = xmlNewDocNode(doc->xml, spec->ns, (const xmlChar *)"applicability", NULL);
            if (new_app == NULL)
                goto nomem;
        }
        app_carrier = xmlNewDocNode(doc->xml, NULL, (const xmlChar *)"carrier", NULL);
        if (app_carrier == NULL || ids_carrier_prop(app_carrier, "minOccurs", min) == NULL ||
            ids_carrier_prop(app_carrier, "maxOccurs", max) == NULL)
            goto nomem;
    }
    const char *req_desc = v[IDS_SPEC_REQUIREMENTS_DESCRIPTION];
    if (masked(fields, IDS_SPEC_REQUIREMENTS_DESCRIPTION) && req_desc != NULL) {
        if (req == NULL) {
            new_req = xmlNewDocNode(doc->xml, spec->ns, (const xmlChar *)"requirements", NULL);
            if (new_req == NULL)
                goto nomem;
        }
        req_carrier = xmlNewDocNode(doc->xml, NULL, (const xmlChar *)"carrier", NULL);
        if (req_carrier == NULL || ids_carrier_prop(req_carrier, "description", req_desc) == NULL)
            goto nomem;
    }

    /* 3. link: nothing below allocates */
    while (carrier->properties != NULL)
        ids_attr_place(spec, carrier->properties, spec_attr_order);
    for (int f = IDS_SPEC_IDENTIFIER; f <= IDS_SPEC_INSTRUCTIONS; f++)
        if (masked(fields, (ids_spec_field)f) && v[f] == NULL)
            ids_attr_remove(spec, spec_attr_order[f]);
    if (occurs) {
        if (new_app != NULL) {
            xmlNode *first = ids_first_element(spec);
            if (first != NULL)
                xmlAddPrevSibling(first, new_app);
            else
                xmlAddChild(spec, new_app);
            app = new_app;
            new_app = NULL;
        }
        while (app_carrier->properties != NULL)
            ids_attr_place(app, app_carrier->properties, occurs_attr_order);
    }
    if (masked(fields, IDS_SPEC_REQUIREMENTS_DESCRIPTION)) {
        if (req_desc == NULL) {
            if (req != NULL) {
                ids_attr_remove(req, "description");
                ids_cleanup_requirements(spec);
            }
        } else {
            if (new_req != NULL) {
                if (app != NULL)
                    xmlAddNextSibling(app, new_req);
                else
                    xmlAddChild(spec, new_req);
                req = new_req;
                new_req = NULL;
            }
            while (req_carrier->properties != NULL)
                ids_attr_place(req, req_carrier->properties, NULL);
        }
    }
    goto out;
nomem:
    st = ids_err(err, IDS_ERR_NOMEM, spec, "out of memory updating a specification");
out:
    xmlFreeNode(carrier);
    xmlFreeNode(app_carrier);
    xmlFreeNode(req_carrier);
    xmlFreeNode(new_app);
    xmlFreeNode(new_req);
    return st;
}

/* ---- remove ---- */

static ids_status spec_remove_quiet(ids_doc *doc, size_t index, ids_error *err)
{
    xmlNode *spec = NULL;
    ids_status st = ids_edit_spec(doc, index, &spec, err);
    if (st != IDS_OK)
        return st;
    xmlUnlinkNode(spec);
    xmlFreeNode(spec);
    return IDS_OK;
}

/* ---- public entry points ----
 * libxml2 2.9 reports some failures (out of memory in string copies, in
 * the entity encoder, for one) through its thread-local handlers with no
 * context, which print to stderr by default; every entry point runs
 * quiet. */

ids_status ids_spec_find(const ids_doc *doc, const ids_spec_ref *ref, size_t *index_out,
                         ids_error *err)
{
    ids_status st;
    IDS_QUIETLY(st = spec_find_quiet(doc, ref, index_out, err));
    return st;
}

ids_status ids_spec_add(ids_doc *doc, const ids_spec_fields *fields, size_t *index_out,
                        ids_error *err)
{
    ids_status st;
    IDS_QUIETLY(st = spec_add_quiet(doc, fields, index_out, err));
    return st;
}

ids_status ids_spec_update(ids_doc *doc, size_t index, const ids_spec_fields *fields,
                           ids_error *err)
{
    ids_status st;
    IDS_QUIETLY(st = spec_update_quiet(doc, index, fields, err));
    return st;
}

ids_status ids_spec_remove(ids_doc *doc, size_t index, ids_error *err)
{
    ids_status st;
    IDS_QUIETLY(st = spec_remove_quiet(doc, index, err));
    return st;
}
