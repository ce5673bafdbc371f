/*
 * model.c - the document read once for rendering, with each validation
 * finding placed beside what it concerns.
 *
 * A finding carries the element path of where it was found
 * ("/ids/specifications/specification[2]/requirements/property[3]/value").
 * Positions in a path count siblings of the same name, so "property[3]"
 * is the third property facet of that location; the specification view
 * lists facets of every kind in document order, so the facet is the third
 * one of kind property in that list. A path that names nothing we show
 * (the info block, the root, a junk element) places the finding on the
 * nearest thing that is shown, or on the document.
 */
#include "view/view_internal.h"

#include <stdlib.h>
#include <string.h>

/* One path component: name and 1-based position (1 when not written);
 * false at the end of the path or when it is malformed. */
static bool next_component(const char **p, char *name, size_t size, long *pos)
{
    const char *s = *p;
    if (*s != '/')
        return false;
    s++;
    size_t n = 0;
    while (*s != '\0' && *s != '/' && *s != '[') {
        if (n + 1 < size)
            name[n++] = *s;
        s++;
    }
    name[n] = '\0';
    *pos = 1;
    if (*s == '[') {
        char *end;
        *pos = strtol(s + 1, &end, 10);
        if (end == s + 1 || *end != ']' || *pos < 1)
            return false;
        s = end + 1;
    }
    *p = s;
    return n > 0;
}

view_place view_place_of(const char *path, const ids_spec_view *const *specs, size_t n_specs)
{
    view_place place = {-1, -1, -1};
    if (path == NULL)
        return place;
    char name[64];
    long pos;
    const char *p = path;
    if (!next_component(&p, name, sizeof(name), &pos) || strcmp(name, "ids") != 0 || pos != 1)
        return place;
    if (!next_component(&p, name, sizeof(name), &pos) || strcmp(name, "specifications") != 0 ||
        pos != 1)
        return place;
    if (!next_component(&p, name, sizeof(name), &pos) || strcmp(name, "specification") != 0 ||
        (size_t)pos > n_specs)
        return place;
    place.spec = pos - 1;
    if (!next_component(&p, name, sizeof(name), &pos) || pos != 1)
        return place;
    int loc = ids_location_from_name(name);
    if (loc < 0)
        return place;
    place.loc = loc;
    if (!next_component(&p, name, sizeof(name), &pos))
        return place;
    const ids_spec_view *spec = specs[place.spec];
    long seen = 0;
    for (size_t i = 0; i < spec->n_facets[loc]; i++) {
        if (strcmp(ids_facet_kind_name(spec->facets[loc][i].kind), name) != 0)
            continue;
        if (++seen == pos) {
            place.facet = (long)i;
            break;
        }
    }
    return place;
}

static bool list_add(view_finding_list *l, const ids_finding *f, bool from_xsd)
{
    if (l->n == l->cap) {
        size_t cap = l->cap != 0 ? l->cap * 2 : 4;
        view_finding_ref *items = realloc(l->items, cap * sizeof(*items));
        if (items == NULL)
            return false;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n].finding = f;
    l->items[l->n].from_xsd = from_xsd;
    l->n++;
    return true;
}

static view_finding_list *list_for(view_model *m, const ids_spec_view *const *views,
                                   const ids_finding *f)
{
    view_place at = view_place_of(f->path, views, m->n_specs);
    if (at.spec < 0)
        return &m->doc_findings;
    view_spec *s = &m->specs[at.spec];
    if (at.loc < 0)
        return &s->spec_findings;
    if (at.facet < 0)
        return &s->loc_findings[at.loc];
    return &s->facet_findings[at.loc][at.facet];
}

static bool place_all(view_model *m, const ids_spec_view *const *views,
                      const ids_finding *items, size_t n, bool from_xsd)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].severity == IDS_SEVERITY_ERROR)
            m->n_errors++;
        else
            m->n_warnings++;
        if (!list_add(list_for(m, views, &items[i]), &items[i], from_xsd))
            return false;
    }
    return true;
}

view_status view_model_build(const view_input *in, view_model *m)
{
    const ids_doc *doc = in->doc;
    const ids_report *report = in->report;
    memset(m, 0, sizeof(*m));
    ids_error err;
    ids_error_clear(&err);
    ids_spec_view **views = NULL;
    size_t n_views = 0;
    view_status st = VIEW_OK;
    if (ids_doc_summary(doc, &m->summary, &err) != IDS_OK ||
        ids_spec_get_all(doc, &views, &n_views, &err) != IDS_OK)
        goto ids_failed;
    if (n_views > 0) {
        m->specs = calloc(n_views, sizeof(*m->specs));
        if (m->specs == NULL)
            goto nomem;
    }
    /* The model owns the views from here; the array stays for placing. */
    for (size_t i = 0; i < n_views; i++) {
        view_spec *s = &m->specs[i];
        s->view = views[i];
        m->n_specs++;
    }
    for (size_t i = 0; i < m->n_specs; i++) {
        view_spec *s = &m->specs[i];
        for (int loc = 0; loc < 2; loc++) {
            if (s->view->n_facets[loc] == 0)
                continue;
            s->facet_findings[loc] = calloc(s->view->n_facets[loc], sizeof(view_finding_list));
            if (s->facet_findings[loc] == NULL)
                goto nomem;
        }
    }
    if (report != NULL) {
        m->validated = true;
        const ids_spec_view *const *placing = (const ids_spec_view *const *)views;
        if (!place_all(m, placing, report->findings, report->n_findings, false) ||
            !place_all(m, placing, report->xsd_findings, report->n_xsd_findings, true))
            goto nomem;
    }
    if (in->spec_first > 0 && in->spec_first >= m->n_specs) {
        st = VIEW_ERR_INVALID_ARG;
        goto fail;
    }
    m->first = in->spec_first;
    m->end = in->spec_count == 0 || in->spec_count > m->n_specs - m->first
                 ? m->n_specs
                 : m->first + in->spec_count;
    goto out;
ids_failed:
    st = err.code == IDS_ERR_NOMEM ? VIEW_ERR_NOMEM : VIEW_ERR_DOCUMENT;
    goto fail;
nomem:
    st = VIEW_ERR_NOMEM;
fail:
    /* Views not yet handed to the model are freed here. */
    for (size_t i = m->n_specs; i < n_views; i++)
        ids_spec_view_free(views[i]);
    view_model_free(m);
out:
    free(views);
    return st;
}

void view_model_free(view_model *m)
{
    for (size_t i = 0; i < m->n_specs; i++) {
        view_spec *s = &m->specs[i];
        free(s->spec_findings.items);
        for (int loc = 0; loc < 2; loc++) {
            free(s->loc_findings[loc].items);
            size_t n = s->view != NULL ? s->view->n_facets[loc] : 0;
            for (size_t k = 0; s->facet_findings[loc] != NULL && k < n; k++)
                free(s->facet_findings[loc][k].items);
            free(s->facet_findings[loc]);
        }
        ids_spec_view_free(s->view);
    }
    free(m->specs);
    free(m->doc_findings.items);
    ids_summary_free(m->summary);
    memset(m, 0, sizeof(*m));
}
