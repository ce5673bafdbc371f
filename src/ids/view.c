/*
 * view.c - read-only views of a document: the summary and one
 * specification in full.
 *
 * Views must work on whatever loaded: a well-formed IDS that breaks every
 * rule (no <info>, no <applicability>, junk elements, attributes missing)
 * reads as absent fields and zero counts, never as a crash. Only IDS
 * elements count; anything else is skipped.
 */
#include "ids/ids_internal.h"

#include <stdlib.h>
#include <string.h>

static void fields_free(char **fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(fields[i]);
        fields[i] = NULL;
    }
}

/* Where each field of a specification is kept, in field order. */
static const struct {
    int where; /* 0 specification, 1 applicability, 2 requirements */
    const char *attr;
} spec_attrs[IDS_SPEC_FIELD_COUNT] = {
    [IDS_SPEC_NAME] = {0, "name"},
    [IDS_SPEC_IFC_VERSION] = {0, "ifcVersion"},
    [IDS_SPEC_IDENTIFIER] = {0, "identifier"},
    [IDS_SPEC_DESCRIPTION] = {0, "description"},
    [IDS_SPEC_INSTRUCTIONS] = {0, "instructions"},
    [IDS_SPEC_MIN_OCCURS] = {1, "minOccurs"},
    [IDS_SPEC_MAX_OCCURS] = {1, "maxOccurs"},
    [IDS_SPEC_REQUIREMENTS_DESCRIPTION] = {2, "description"},
};

static const xmlNode *field_holder(const xmlNode *spec, ids_spec_field field)
{
    switch (spec_attrs[field].where) {
    case 1:
        return ids_location_node(spec, IDS_APPLICABILITY);
    case 2:
        return ids_location_node(spec, IDS_REQUIREMENTS);
    default:
        return spec;
    }
}

/* Reads a specification's fields; absent ones stay NULL. Returns false
 * when out of memory (fields read so far are freed). */
static bool spec_fields_read(const xmlNode *spec, char *fields[IDS_SPEC_FIELD_COUNT])
{
    const xmlNode *holders[3] = {
        spec,
        ids_location_node(spec, IDS_APPLICABILITY),
        ids_location_node(spec, IDS_REQUIREMENTS),
    };
    for (size_t i = 0; i < IDS_SPEC_FIELD_COUNT; i++) {
        const xmlNode *holder = holders[spec_attrs[i].where];
        if (holder == NULL)
            continue;
        fields[i] = ids_attr_dup(holder, spec_attrs[i].attr);
        /* NULL is an absent field, unless the attribute is there. */
        if (fields[i] == NULL && xmlHasProp(holder, (const xmlChar *)spec_attrs[i].attr)) {
            fields_free(fields, IDS_SPEC_FIELD_COUNT);
            return false;
        }
    }
    return true;
}

static size_t count_specs(const xmlNode *specs)
{
    size_t n = 0;
    for (xmlNode *c = ids_first_element(specs); c != NULL; c = ids_next_element(c))
        if (ids_node_is(c, "specification"))
            n++;
    return n;
}

void ids_summary_free(ids_summary *summary)
{
    if (summary == NULL)
        return;
    fields_free(summary->info, IDS_INFO_FIELD_COUNT);
    for (size_t i = 0; i < summary->n_specs; i++)
        fields_free(summary->specs[i].fields, IDS_SPEC_FIELD_COUNT);
    free(summary->specs);
    free(summary);
}

static ids_status doc_summary_quiet(const ids_doc *doc, ids_summary **out, ids_error *err)
{
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    if (doc == NULL || doc->xml == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no document given");
    ids_summary *s = calloc(1, sizeof(*s));
    if (s == NULL)
        goto nomem;
    xmlNode *root = xmlDocGetRootElement(doc->xml);
    xmlNode *info = ids_node_is(root, "ids") ? ids_child(root, "info") : NULL;
    for (xmlNode *c = ids_first_element(info); c != NULL; c = ids_next_element(c)) {
        int f = ids_node_is(c, NULL) ? ids_info_field_from_name((const char *)c->name) : -1;
        if (f < 0 || s->info[f] != NULL)
            continue; /* junk, or a duplicate: the first one counts */
        s->info[f] = ids_text_dup(c);
        if (s->info[f] == NULL)
            goto nomem;
    }
    xmlNode *specs = ids_specs_node(doc);
    size_t n = count_specs(specs);
    if (n > 0) {
        s->specs = calloc(n, sizeof(*s->specs));
        if (s->specs == NULL)
            goto nomem;
    }
    for (xmlNode *spec = ids_first_element(specs); spec != NULL && s->n_specs < n;
         spec = ids_next_element(spec)) {
        if (!ids_node_is(spec, "specification"))
            continue;
        ids_spec_summary *ss = &s->specs[s->n_specs++];
        if (!spec_fields_read(spec, ss->fields))
            goto nomem;
        for (int loc = 0; loc < 2; loc++) {
            xmlNode *where = ids_location_node(spec, (ids_location)loc);
            for (xmlNode *f = ids_first_element(where); f != NULL; f = ids_next_element(f)) {
                int kind = ids_facet_kind_of(f);
                if (kind < 0)
                    continue;
                ss->facet_counts[loc][kind]++;
                if (loc == IDS_APPLICABILITY)
                    ss->n_applicability++;
                else
                    ss->n_requirements++;
            }
        }
    }
    *out = s;
    return IDS_OK;
nomem:
    ids_summary_free(s);
    return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory summarizing the document");
}

void ids_spec_view_free(ids_spec_view *view)
{
    if (view == NULL)
        return;
    fields_free(view->fields, IDS_SPEC_FIELD_COUNT);
    for (int loc = 0; loc < 2; loc++) {
        for (size_t i = 0; i < view->n_facets[loc]; i++)
            ids_facet_clear(&view->facets[loc][i]);
        free(view->facets[loc]);
    }
    free(view);
}

/* Reads the <specification> element spec, at position index. */
static ids_status spec_read(xmlNode *spec, size_t index, ids_spec_view **out, ids_error *err)
{
    ids_status status = IDS_OK;
    ids_spec_view *v = calloc(1, sizeof(*v));
    if (v == NULL)
        goto nomem;
    v->index = index;
    long line = xmlGetLineNo(spec);
    v->line = line > 0 && line < 0x7fffffff ? (int)line : 0;
    if (!spec_fields_read(spec, v->fields))
        goto nomem;
    for (int loc = 0; loc < 2; loc++) {
        xmlNode *where = ids_location_node(spec, (ids_location)loc);
        size_t n = 0;
        for (xmlNode *f = ids_first_element(where); f != NULL; f = ids_next_element(f))
            if (ids_facet_kind_of(f) >= 0)
                n++;
        if (n == 0)
            continue;
        v->facets[loc] = calloc(n, sizeof(ids_facet));
        if (v->facets[loc] == NULL)
            goto nomem;
        for (xmlNode *f = ids_first_element(where); f != NULL && v->n_facets[loc] < n;
             f = ids_next_element(f)) {
            if (ids_facet_kind_of(f) < 0)
                continue;
            status = ids_facet_read(f, &v->facets[loc][v->n_facets[loc]], err);
            if (status != IDS_OK)
                goto fail;
            v->n_facets[loc]++;
        }
    }
    *out = v;
    return IDS_OK;
nomem:
    status = ids_err(err, IDS_ERR_NOMEM, spec, "out of memory reading a specification");
fail:
    ids_spec_view_free(v);
    return status;
}

static ids_status spec_get_quiet(const ids_doc *doc, size_t index, ids_spec_view **out,
                        ids_error *err)
{
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    if (doc == NULL || doc->xml == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no document given");
    xmlNode *spec = ids_spec_node(doc, index);
    if (spec == NULL) {
        size_t n = count_specs(ids_specs_node(doc));
        if (n == 0)
            return ids_err(err, IDS_ERR_NOT_FOUND, NULL,
                           "no specification at position %zu: the document has none",
                           index);
        return ids_err(err, IDS_ERR_NOT_FOUND, NULL,
                       "no specification at position %zu: positions run from 0 to %zu",
                       index, n - 1);
    }
    return spec_read(spec, index, out, err);
}

void ids_spec_views_free(ids_spec_view **views, size_t n)
{
    if (views == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        ids_spec_view_free(views[i]);
    free(views);
}

/* One walk over <specifications>: reading every specification through
 * ids_spec_get would walk to each one from the start, O(n^2). */
static ids_status spec_get_all_quiet(const ids_doc *doc, ids_spec_view ***out, size_t *n_out,
                                     ids_error *err)
{
    if (out == NULL || n_out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    *n_out = 0;
    if (doc == NULL || doc->xml == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no document given");
    xmlNode *specs = ids_specs_node(doc);
    size_t n = count_specs(specs), k = 0;
    if (n == 0)
        return IDS_OK;
    ids_spec_view **views = calloc(n, sizeof(*views));
    if (views == NULL)
        return ids_err(err, IDS_ERR_NOMEM, NULL, "out of memory reading the specifications");
    for (xmlNode *spec = ids_first_element(specs); spec != NULL && k < n;
         spec = ids_next_element(spec)) {
        if (!ids_node_is(spec, "specification"))
            continue;
        ids_status status = spec_read(spec, k, &views[k], err);
        if (status != IDS_OK) {
            ids_spec_views_free(views, k);
            return status;
        }
        k++;
    }
    *out = views;
    *n_out = k;
    return IDS_OK;
}

/* ---- public entry points ----
 * libxml2 2.9 reports some failures (out of memory in string copies, for
 * one) through its thread-local handlers with no context, which print to
 * stderr by default; every entry point runs quiet. */

ids_status ids_doc_summary(const ids_doc *doc, ids_summary **out, ids_error *err)
{
    ids_status result;
    IDS_QUIETLY(result = doc_summary_quiet(doc, out, err));
    return result;
}

ids_status ids_spec_get(const ids_doc *doc, size_t index, ids_spec_view **out,
                        ids_error *err)
{
    ids_status result;
    IDS_QUIETLY(result = spec_get_quiet(doc, index, out, err));
    return result;
}

ids_status ids_spec_get_all(const ids_doc *doc, ids_spec_view ***out, size_t *n_out,
                            ids_error *err)
{
    ids_status result;
    IDS_QUIETLY(result = spec_get_all_quiet(doc, out, n_out, err));
    return result;
}

static ids_status spec_field_quiet(const ids_doc *doc, size_t index, ids_spec_field field,
                                   char **out, ids_error *err)
{
    if (out == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no place for the result");
    *out = NULL;
    if (doc == NULL || doc->xml == NULL)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no document given");
    if ((unsigned)field >= IDS_SPEC_FIELD_COUNT)
        return ids_err(err, IDS_ERR_INVALID_ARG, NULL, "no such field");
    xmlNode *spec = ids_spec_node(doc, index);
    if (spec == NULL)
        return ids_err(err, IDS_ERR_NOT_FOUND, NULL, "no specification at position %zu",
                       index);
    const xmlNode *holder = field_holder(spec, field);
    if (holder == NULL)
        return IDS_OK;
    *out = ids_attr_dup(holder, spec_attrs[field].attr);
    if (*out == NULL && xmlHasProp(holder, (const xmlChar *)spec_attrs[field].attr))
        return ids_err(err, IDS_ERR_NOMEM, spec, "out of memory reading a specification");
    return IDS_OK;
}

ids_status ids_spec_field_get(const ids_doc *doc, size_t index, ids_spec_field field,
                              char **out, ids_error *err)
{
    ids_status result;
    IDS_QUIETLY(result = spec_field_quiet(doc, index, field, out, err));
    return result;
}
