/*
 * edit_facet.c - facets: count, add, update, remove, set one parameter.
 *
 * A facet is always written whole: add builds it detached and links it at
 * its place in the standard's order; update reads the current facet,
 * overlays the change, checks the result as if it were new, builds it
 * detached and swaps it in with xmlReplaceNode. So every rule lives in one
 * checker (facet_check) and a refused edit never touches the tree.
 */
#include "ids/ids_internal.h"
#include "ids/validate_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- checks ---- */

static void join_params(ids_facet_kind kind, char *buf, size_t size)
{
    ids_param order[IDS_PARAM_COUNT];
    size_t n = ids_param_order(kind, order);
    const char *names[IDS_PARAM_COUNT + 1];
    for (size_t i = 0; i < n; i++)
        names[i] = ids_param_name(order[i]);
    names[n] = NULL;
    ids_list_join(names, buf, size);
}

static void join_fattrs(ids_facet_kind kind, ids_location loc, char *buf, size_t size)
{
    const char *names[IDS_FATTR_COUNT + 1];
    size_t n = 0;
    for (int a = 0; a < IDS_FATTR_COUNT; a++)
        if (ids_facet_has_fattr(kind, loc, (ids_fattr)a))
            names[n++] = ids_fattr_name((ids_fattr)a);
    names[n] = NULL;
    ids_list_join(names, buf, size);
    if (n == 0)
        snprintf(buf, size, "none");
}

static bool in_list(const char *const *list, const char *v)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++)
        if (strcmp(list[i], v) == 0)
            return true;
    return false;
}

static ids_status fattr_check(ids_facet_kind kind, ids_location loc, ids_fattr a,
                              const char *v, ids_error *err)
{
    const char *kname = ids_facet_kind_name(kind);
    const char *aname = ids_fattr_name(a);
    char allowed[256];
    if (!ids_facet_has_fattr(kind, loc, a)) {
        if (loc == IDS_APPLICABILITY && ids_facet_has_fattr(kind, IDS_REQUIREMENTS, a))
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s is only allowed on facets in requirements, not in "
                           "applicability",
                           aname);
        join_fattrs(kind, loc, allowed, sizeof(allowed));
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "%s is not allowed on %s in %s; allowed: %s", aname, kname,
                       ids_location_name(loc), allowed);
    }
    char label[64];
    snprintf(label, sizeof(label), "%s %s", kname, aname);
    ids_status st = ids_text_check_nonempty(label, v, err);
    if (st != IDS_OK)
        return st;
    switch (a) {
    case IDS_FATTR_DATA_TYPE:
        if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(v))
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "dataType '%s' is not allowed; allowed: an IFC data type name "
                           "in upper case letters only, e.g. IFCLABEL, IFCLENGTHMEASURE, "
                           "IFCBOOLEAN",
                           BASE_QUOTE(v, 64));
        break;
    case IDS_FATTR_RELATION:
        if (!in_list(ids_relations, v)) {
            ids_list_join(ids_relations, allowed, sizeof(allowed));
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "relation '%s' is unknown; allowed: %s (or leave it out to "
                           "follow every relation)",
                           BASE_QUOTE(v, 64), allowed);
        }
        break;
    case IDS_FATTR_URI:
        if (strpbrk(v, " \t\r\n") != NULL)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "uri '%s' contains whitespace; allowed: a URI such as "
                           "https://identifier.buildingsmart.org/uri/... (escape spaces "
                           "as %%20)",
                           BASE_QUOTE(v, 64));
        break;
    case IDS_FATTR_CARDINALITY: {
        const char *const *values = ids_cardinality_values(kind);
        if (!in_list(values, v)) {
            ids_list_join(values, allowed, sizeof(allowed));
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "cardinality '%s' is not allowed for %s; allowed: %s",
                           BASE_QUOTE(v, 32), kname, allowed);
        }
        break;
    }
    default:
        break;
    }
    return IDS_OK;
}

/* P5: the dataType is a known IFC type, and the value fits its base. */
static ids_status data_type_check(const char *dt, const ids_value *value, ids_error *err)
{
    if (dt == NULL)
        return IDS_OK;
    const char *base = ids_datatype_base(dt);
    if (base == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "dataType '%s' is not an IFC data type; allowed: an IFC defined "
                       "type or measure such as IFCLABEL, IFCTEXT, IFCREAL, IFCINTEGER, "
                       "IFCBOOLEAN or IFCLENGTHMEASURE",
                       BASE_QUOTE(dt, 64));
    if (base[0] == '\0')
        return IDS_OK; /* no restriction base (IFCBINARY): no lexical form to check */
    if (value->kind == IDS_VALUE_SIMPLE) {
        const char *form = ids_lexical_problem(base, value->simple);
        if (form != NULL)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "property value '%s' is not a valid %s, the base type of %s; "
                           "allowed: %s",
                           BASE_QUOTE(value->simple, 64), base, dt, form);
    } else if (value->kind == IDS_VALUE_RESTRICTION && strcmp(value->base, base) != 0) {
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "property value restriction has base %s, but dataType %s needs base "
                       "%s",
                       value->base, dt, base);
    }
    return IDS_OK;
}

/* doc keeps the verdicts of the patterns checked (pattern.c). */
static ids_status facet_check(const ids_doc *doc, const ids_facet *f, ids_location loc,
                              ids_error *err)
{
    char allowed[256];
    if ((unsigned)loc > IDS_REQUIREMENTS)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "unknown location; allowed: applicability, requirements");
    if ((unsigned)f->kind >= IDS_FACET_KIND_COUNT)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "unknown facet kind; allowed: entity, partOf, classification, "
                       "attribute, property, material");
    const char *kname = ids_facet_kind_name(f->kind);
    for (int p = 0; p < IDS_PARAM_COUNT; p++) {
        const ids_value *v = &f->params[p];
        const char *pname = ids_param_name((ids_param)p);
        if (!ids_facet_has_param(f->kind, (ids_param)p)) {
            if (v->kind == IDS_VALUE_ABSENT)
                continue;
            join_params(f->kind, allowed, sizeof(allowed));
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s has no parameter %s; allowed: %s", kname, pname, allowed);
        }
        if (v->kind == IDS_VALUE_ABSENT) {
            if (ids_facet_param_required(f->kind, (ids_param)p))
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s needs %s (required); give it as a simple value or a "
                               "restriction",
                               kname, pname);
            continue;
        }
        char what[64];
        snprintf(what, sizeof(what), "%s %s", kname, pname);
        ids_status st = ids_value_check_as(doc, v, what, err);
        if (st != IDS_OK)
            return st;
    }
    for (int a = 0; a < IDS_FATTR_COUNT; a++) {
        if (f->fattrs[a] == NULL)
            continue;
        ids_status st = fattr_check(f->kind, loc, (ids_fattr)a, f->fattrs[a], err);
        if (st != IDS_OK)
            return st;
    }

    /* Audit rules a single facet can break (IDS reference section 9). */
    const char *card = f->fattrs[IDS_FATTR_CARDINALITY];
    bool has_value = f->params[IDS_PARAM_VALUE].kind != IDS_VALUE_ABSENT;
    bool optional = card != NULL && strcmp(card, "optional") == 0;
    bool prohibited = card != NULL && strcmp(card, "prohibited") == 0;
    if (f->kind == IDS_FACET_PROPERTY) {
        const char *dt = f->fattrs[IDS_FATTR_DATA_TYPE];
        if (has_value && dt == NULL)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "a property with a value needs a dataType (e.g. IFCLABEL for "
                           "text, IFCLENGTHMEASURE for lengths, IFCBOOLEAN for booleans)");
        if (optional && dt == NULL)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "an optional property needs a dataType (e.g. IFCLABEL); allowed "
                           "without one: cardinality required or prohibited");
        if (prohibited && dt != NULL)
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "a prohibited property must not have a dataType; leave dataType "
                           "out, or use cardinality required or optional");
        ids_status st = data_type_check(dt, &f->params[IDS_PARAM_VALUE], err);
        if (st != IDS_OK)
            return st;
    }
    if (f->kind == IDS_FACET_ENTITY || f->kind == IDS_FACET_PARTOF) {
        /* E1: IDS compares class names case-sensitively, so "IfcWall" could
         * never match anything. */
        const ids_value *name = &f->params[IDS_PARAM_NAME];
        if (name->kind == IDS_VALUE_SIMPLE && !ids_ifc_class_name_form(name->simple))
            return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                           "%s name '%s' is not an IFC class name; IDS writes classes "
                           "in upper case, e.g. IFCWALL", kname, BASE_QUOTE(name->simple, 80));
        for (size_t i = 0; name->kind == IDS_VALUE_RESTRICTION && i < name->n_items; i++)
            if (name->items[i].facet == IDS_XS_ENUMERATION &&
                !ids_ifc_class_name_form(name->items[i].value))
                return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                               "%s name '%s' (enumeration) is not an IFC class name; "
                               "IDS writes classes in upper case, e.g. IFCWALL",
                               kname, BASE_QUOTE(name->items[i].value, 80));
    }
    if (optional && !has_value &&
        (f->kind == IDS_FACET_CLASSIFICATION || f->kind == IDS_FACET_MATERIAL ||
         f->kind == IDS_FACET_ATTRIBUTE))
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "an optional %s needs a value (what to match when it is present); "
                       "give value, or use cardinality required or prohibited",
                       kname);
    return IDS_OK;
}

static bool facet_has_restriction(const ids_facet *f)
{
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        if (f->params[p].kind == IDS_VALUE_RESTRICTION &&
            ids_facet_has_param(f->kind, (ids_param)p))
            return true;
    return false;
}

/* ---- the xs prefix ---- */

/* Finds the xs namespace in scope at scope. When the document has none,
 * declares xmlns:xs on the root and returns it in *declared, so a failing
 * edit can take it back (undeclare_xs). The base attribute is a QName
 * "xs:...", so no other prefix will do. */
static ids_status xs_ns_for(xmlDoc *doc, xmlNode *scope, xmlNs **out, xmlNs **declared,
                            ids_error *err)
{
    *out = NULL;
    *declared = NULL;
    xmlNs *ns = xmlSearchNs(doc, scope, (const xmlChar *)"xs");
    if (ns != NULL) {
        if (ns->href == NULL || strcmp((const char *)ns->href, IDS_XS_NAMESPACE) != 0)
            return ids_err(err, IDS_ERR_INVALID_ARG, scope,
                           "the prefix xs is bound to '%s' here, but restrictions need "
                           "xs bound to " IDS_XS_NAMESPACE,
                           BASE_QUOTE((const char *)ns->href, 100));
        *out = ns;
        return IDS_OK;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    ns = xmlNewNs(root, (const xmlChar *)IDS_XS_NAMESPACE, (const xmlChar *)"xs");
    if (ns == NULL)
        return ids_err(err, IDS_ERR_NOMEM, scope, "out of memory declaring the xs prefix");
    *out = ns;
    *declared = ns;
    return IDS_OK;
}

static void undeclare_xs(xmlDoc *doc, xmlNs *declared)
{
    if (declared == NULL)
        return;
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNs **p = &root->nsDef; *p != NULL; p = &(*p)->next)
        if (*p == declared) {
            *p = declared->next;
            declared->next = NULL;
            xmlFreeNs(declared);
            return;
        }
}

/* ---- building ---- */

static xmlNode *new_element(xmlDoc *doc, xmlNs *ns, const char *name)
{
    /* libxml2 2.9 returns the node even when its name could not be
     * allocated. */
    xmlNode *node = xmlNewDocNode(doc, ns, (const xmlChar *)name, NULL);
    if (node != NULL && node->name == NULL) {
        xmlFreeNode(node);
        return NULL;
    }
    return node;
}

/* Builds <elem><simpleValue>..</simpleValue></elem> or
 * <elem><xs:restriction base="..">items</xs:restriction></elem>; NULL when
 * out of memory. */
static xmlNode *build_param(xmlDoc *doc, xmlNs *ns, xmlNs *xs, const char *elem,
                            const ids_value *v)
{
    xmlNode *node = new_element(doc, ns, elem);
    if (node == NULL)
        return NULL;
    if (v->kind == IDS_VALUE_SIMPLE) {
        /* Raw node: the text is stored as given, never parsed for entities. */
        xmlNode *sv = xmlNewDocRawNode(doc, ns, (const xmlChar *)"simpleValue",
                                       (const xmlChar *)v->simple);
        /* libxml2 2.9 keeps the node when its name or text could not be
         * allocated: an empty <simpleValue/> is out of memory too. */
        if (sv != NULL && (sv->name == NULL ||
                           (v->simple[0] != '\0' &&
                            (sv->children == NULL || sv->children->content == NULL)))) {
            xmlFreeNode(sv);
            sv = NULL;
        }
        if (sv == NULL || xmlAddChild(node, sv) == NULL) {
            xmlFreeNode(sv);
            goto fail;
        }
        return node;
    }
    xmlNode *r = new_element(doc, xs, "restriction");
    if (r == NULL)
        goto fail;
    xmlAddChild(node, r);
    if (ids_new_prop(r, "base", v->base) == NULL)
        goto fail;
    for (size_t k = 0; k < IDS_XS_FACET_COUNT; k++) {
        ids_xs_facet facet = ids_xs_item_order[k];
        for (size_t i = 0; i < v->n_items; i++) {
            if (v->items[i].facet != facet)
                continue;
            xmlNode *item = new_element(doc, xs, ids_xs_facet_name(facet));
            if (item == NULL)
                goto fail;
            xmlAddChild(r, item);
            if (ids_new_prop(item, "value", v->items[i].value) == NULL)
                goto fail;
        }
    }
    return node;
fail:
    xmlFreeNode(node);
    return NULL;
}

/* Builds a whole facet element, detached; NULL when out of memory. The
 * facet has passed facet_check. */
static xmlNode *build_facet(xmlDoc *doc, xmlNs *ns, xmlNs *xs, const ids_facet *f)
{
    xmlNode *node = new_element(doc, ns, ids_facet_kind_name(f->kind));
    if (node == NULL)
        return NULL;
    for (int a = 0; a < IDS_FATTR_COUNT; a++)
        if (f->fattrs[a] != NULL &&
            ids_new_prop(node, ids_fattr_name((ids_fattr)a), f->fattrs[a]) == NULL)
            goto fail;
    xmlNode *holder = node;
    if (f->kind == IDS_FACET_PARTOF) {
        holder = new_element(doc, ns, "entity");
        if (holder == NULL)
            goto fail;
        xmlAddChild(node, holder);
    }
    ids_param order[IDS_PARAM_COUNT];
    size_t n = ids_param_order(f->kind, order);
    for (size_t i = 0; i < n; i++) {
        const ids_value *v = &f->params[order[i]];
        if (v->kind == IDS_VALUE_ABSENT)
            continue;
        xmlNode *p = build_param(doc, ns, xs, ids_param_element(f->kind, order[i]), v);
        if (p == NULL)
            goto fail;
        xmlAddChild(holder, p);
    }
    return node;
fail:
    xmlFreeNode(node);
    return NULL;
}

/* ---- placing ---- */

static size_t kind_rank(int kind)
{
    for (size_t r = 0; r < IDS_FACET_KIND_COUNT; r++)
        if ((int)ids_facet_order[r] == kind)
            return r;
    return IDS_FACET_KIND_COUNT;
}

/* Links node into location after the last facet of the same or an earlier
 * kind; before the first facet when there is none; else at the end. */
static void place_facet(xmlNode *location, xmlNode *node, ids_facet_kind kind)
{
    xmlNode *after = NULL, *first = NULL;
    size_t rank = kind_rank(kind);
    for (xmlNode *c = ids_first_element(location); c != NULL; c = ids_next_element(c)) {
        int k = ids_facet_kind_of(c);
        if (k < 0)
            continue;
        if (first == NULL)
            first = c;
        if (kind_rank(k) <= rank)
            after = c;
    }
    if (after != NULL)
        xmlAddNextSibling(after, node);
    else if (first != NULL)
        xmlAddPrevSibling(first, node);
    else
        xmlAddChild(location, node);
}

static size_t facet_position(const xmlNode *location, const xmlNode *node)
{
    size_t i = 0;
    for (xmlNode *c = ids_first_element(location); c != NULL; c = ids_next_element(c)) {
        if (c == node)
            return i;
        if (ids_facet_kind_of(c) >= 0)
            i++;
    }
    return i;
}

static ids_status locate_facet(const ids_doc *doc, size_t spec_index, ids_location loc,
                               size_t facet_index, xmlNode **spec_out, xmlNode **facet_out,
                               ids_error *err)
{
    xmlNode *spec = NULL;
    ids_status st = ids_edit_spec(doc, spec_index, &spec, err);
    if (st != IDS_OK)
        return st;
    if ((unsigned)loc > IDS_REQUIREMENTS)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "unknown location; allowed: applicability, requirements");
    xmlNode *location = ids_location_node(spec, loc);
    xmlNode *facet = ids_facet_node(location, facet_index);
    if (facet == NULL) {
        size_t n = ids_location_facet_count(location);
        if (n == 0)
            return ids_err(err, IDS_ERR_NOT_FOUND, location != NULL ? location : spec,
                           "facet %zu does not exist; %s of specification %zu has no facets",
                           facet_index, ids_location_name(loc), spec_index);
        return ids_err(err, IDS_ERR_NOT_FOUND, location,
                       "facet %zu does not exist; allowed: 0..%zu (%s of specification "
                       "%zu has %zu)",
                       facet_index, n - 1, ids_location_name(loc), spec_index, n);
    }
    *spec_out = spec;
    *facet_out = facet;
    return IDS_OK;
}

/* ---- public ---- */

size_t ids_facet_count(const ids_doc *doc, size_t spec_index, ids_location loc)
{
    return ids_location_facet_count(ids_location_node(ids_spec_node(doc, spec_index), loc));
}

static ids_status facet_add_quiet(ids_doc *doc, size_t spec_index, ids_location loc,
                                  const ids_facet *facet, size_t *facet_index_out,
                                  ids_error *err)
{
    xmlNode *spec = NULL, *node = NULL, *new_loc = NULL;
    xmlNs *xs = NULL, *declared = NULL;
    ids_status st = ids_edit_spec(doc, spec_index, &spec, err);
    if (st != IDS_OK)
        return st;
    if (facet == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no facet given");
    st = facet_check(doc, facet, loc, err);
    if (st != IDS_OK)
        return st;
    xmlNode *location = ids_location_node(spec, loc);
    const char *lname = ids_location_name(loc);
    if (facet->kind == IDS_FACET_ENTITY) {
        for (xmlNode *c = ids_first_element(location); c != NULL; c = ids_next_element(c))
            if (ids_facet_kind_of(c) == IDS_FACET_ENTITY)
                return ids_err(err, IDS_ERR_INVALID_ARG, c,
                               "%s already has an entity facet (at most one%s); change "
                               "that facet or remove it first",
                               lname,
                               loc == IDS_REQUIREMENTS ? ", as the IDS reference recommends"
                                                       : "");
    }
    if (loc == IDS_REQUIREMENTS && ids_spec_is_prohibited(spec))
        return ids_err(err, IDS_ERR_INVALID_ARG, spec,
                       "the specification is prohibited (minOccurs/maxOccurs 0/0), which "
                       "allows no requirement facets; make it required (1/unbounded) or "
                       "optional (0/unbounded) first");

    if (facet_has_restriction(facet)) {
        st = xs_ns_for(doc->xml, location != NULL ? location : spec, &xs, &declared, err);
        if (st != IDS_OK)
            return st;
    }
    node = build_facet(doc->xml, spec->ns, xs, facet);
    if (node == NULL)
        goto nomem;
    if (location == NULL) {
        /* Requirements arrive with their first facet; a broken spec without
         * applicability gets one with the "required" default. */
        new_loc = new_element(doc->xml, spec->ns, lname);
        if (new_loc == NULL)
            goto nomem;
        if (loc == IDS_APPLICABILITY &&
            (ids_new_prop(new_loc, "minOccurs", "1") == NULL ||
             ids_new_prop(new_loc, "maxOccurs", "unbounded") == NULL))
            goto nomem;
    }

    /* Link: nothing below allocates. */
    if (new_loc != NULL) {
        xmlNode *app = ids_location_node(spec, IDS_APPLICABILITY);
        if (loc == IDS_REQUIREMENTS && app != NULL) {
            xmlAddNextSibling(app, new_loc);
        } else if (loc == IDS_APPLICABILITY && ids_first_element(spec) != NULL) {
            xmlAddPrevSibling(ids_first_element(spec), new_loc);
        } else {
            xmlAddChild(spec, new_loc);
        }
        location = new_loc;
        new_loc = NULL;
    }
    place_facet(location, node, facet->kind);
    if (facet_index_out != NULL)
        *facet_index_out = facet_position(location, node);
    return IDS_OK;
nomem:
    xmlFreeNode(node);
    xmlFreeNode(new_loc);
    undeclare_xs(doc->xml, declared);
    return ids_err(err, IDS_ERR_NOMEM, spec, "out of memory adding a facet");
}

static ids_status facet_update_quiet(ids_doc *doc, size_t spec_index, ids_location loc,
                                     size_t facet_index, const ids_facet_change *change,
                                     ids_error *err)
{
    xmlNode *spec = NULL, *old = NULL, *node = NULL;
    xmlNs *xs = NULL, *declared = NULL;
    ids_facet current;
    memset(&current, 0, sizeof(current));
    ids_status st = locate_facet(doc, spec_index, loc, facet_index, &spec, &old, err);
    if (st != IDS_OK)
        return st;
    if (change == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no change given");
    if ((change->param_mask >> IDS_PARAM_COUNT) != 0 ||
        (change->fattr_mask >> IDS_FATTR_COUNT) != 0)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "the change has mask bits for unknown parameters or attributes");
    if ((change->param_mask | change->fattr_mask) != 0 && change->facet == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL,
                       "the change names parts to set but gives no facet with their values");
    st = ids_facet_read(old, &current, err);
    if (st != IDS_OK)
        return st;

    /* Overlay the change on a shallow copy: merged borrows from current and
     * from the caller and is never freed itself. The kind of an existing
     * facet never changes (change->facet->kind is not used). */
    ids_facet merged = current;
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        if (change->param_mask & (1u << p))
            merged.params[p] = change->facet->params[p];
    for (int a = 0; a < IDS_FATTR_COUNT; a++)
        if (change->fattr_mask & (1u << a))
            merged.fattrs[a] = change->facet->fattrs[a];
    st = facet_check(doc, &merged, loc, err);
    if (st != IDS_OK)
        goto out;
    if (facet_has_restriction(&merged)) {
        st = xs_ns_for(doc->xml, old, &xs, &declared, err);
        if (st != IDS_OK)
            goto out;
    }
    node = build_facet(doc->xml, old->ns, xs, &merged);
    if (node == NULL) {
        undeclare_xs(doc->xml, declared);
        st = ids_err(err, IDS_ERR_NOMEM, old, "out of memory updating a facet");
        goto out;
    }
    xmlReplaceNode(old, node);
    xmlFreeNode(old);
out:
    ids_facet_clear(&current);
    return st;
}

static ids_status facet_set_param_quiet(ids_doc *doc, size_t spec_index, ids_location loc,
                                        size_t facet_index, ids_param param,
                                        const ids_value *value, ids_error *err)
{
    xmlNode *spec = NULL, *old = NULL;
    ids_status st = locate_facet(doc, spec_index, loc, facet_index, &spec, &old, err);
    if (st != IDS_OK)
        return st;
    int kind = ids_facet_kind_of(old);
    if (!ids_facet_has_param((ids_facet_kind)kind, param)) {
        char allowed[128];
        join_params((ids_facet_kind)kind, allowed, sizeof(allowed));
        const char *pname = ids_param_name(param);
        return ids_err(err, IDS_ERR_INVALID_ARG, old, "%s has no parameter %s; allowed: %s",
                       ids_facet_kind_name((ids_facet_kind)kind),
                       pname != NULL ? pname : "(unknown)", allowed);
    }
    ids_facet f;
    memset(&f, 0, sizeof(f));
    f.kind = (ids_facet_kind)kind;
    if (value != NULL)
        f.params[param] = *value;
    ids_facet_change change = {.facet = &f, .param_mask = 1u << param, .fattr_mask = 0};
    return ids_facet_update(doc, spec_index, loc, facet_index, &change, err);
}

static ids_status facet_remove_quiet(ids_doc *doc, size_t spec_index, ids_location loc,
                                     size_t facet_index, ids_error *err)
{
    xmlNode *spec = NULL, *facet = NULL;
    ids_status st = locate_facet(doc, spec_index, loc, facet_index, &spec, &facet, err);
    if (st != IDS_OK)
        return st;
    xmlUnlinkNode(facet);
    xmlFreeNode(facet);
    if (loc == IDS_REQUIREMENTS)
        ids_cleanup_requirements(spec);
    return IDS_OK;
}

/* ---- public entry points ----
 * Quiet, as in edit.c: libxml2 must not print when it runs out of memory. */

ids_status ids_facet_add(ids_doc *doc, size_t spec_index, ids_location loc,
                         const ids_facet *facet, size_t *facet_index_out, ids_error *err)
{
    ids_status st;
    IDS_QUIETLY(st = facet_add_quiet(doc, spec_index, loc, facet, facet_index_out, err));
    return st;
}

ids_status ids_facet_update(ids_doc *doc, size_t spec_index, ids_location loc,
                            size_t facet_index, const ids_facet_change *change,
                            ids_error *err)
{
    ids_status st;
    IDS_QUIETLY(st = facet_update_quiet(doc, spec_index, loc, facet_index, change, err));
    return st;
}

ids_status ids_facet_set_param(ids_doc *doc, size_t spec_index, ids_location loc,
                               size_t facet_index, ids_param param, const ids_value *value,
                               ids_error *err)
{
    ids_status st;
    IDS_QUIETLY(st = facet_set_param_quiet(doc, spec_index, loc, facet_index, param, value,
                                           err));
    return st;
}

ids_status ids_facet_remove(ids_doc *doc, size_t spec_index, ids_location loc,
                            size_t facet_index, ids_error *err)
{
    ids_status st;
    IDS_QUIETLY(st = facet_remove_quiet(doc, spec_index, loc, facet_index, err));
    return st;
}
