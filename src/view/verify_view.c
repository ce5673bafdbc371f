/*
 * verify_view.c - a verify_result as a view_check_result, the plain data
 * every rendering for people (HTML, Markdown, JUnit, BCF) is made from,
 * for `idsd check --ifc` and for the session view alike. The view borrows
 * the result's strings; only the sentences (applicability, requirements)
 * are made here and owned by the view.
 */
#include "view/view.h"

#include <stdlib.h>
#include <string.h>

struct view_verify_check {
    view_check_result result;
    view_check_spec *specs;
    view_check_requirement *reqs;
    view_check_element *elements;
    char **texts;        /* the sentences made here */
    size_t n_texts;
};

static view_usage usage_of(verify_usage u)
{
    switch (u) {
    case VERIFY_USAGE_OPTIONAL:
        return VIEW_USAGE_OPTIONAL;
    case VERIFY_USAGE_PROHIBITED:
        return VIEW_USAGE_PROHIBITED;
    default:
        return VIEW_USAGE_REQUIRED;
    }
}

static view_check_status status_of(verify_spec_status s)
{
    switch (s) {
    case VERIFY_SPEC_FAIL:
        return VIEW_CHECK_FAIL;
    case VERIFY_SPEC_NOT_APPLICABLE:
        return VIEW_CHECK_NOT_APPLICABLE;
    default:
        return VIEW_CHECK_PASS;
    }
}

/* Keeps a made sentence; NULL in, NULL out. */
static const char *keep(view_verify_check *v, char *text)
{
    if (text)
        v->texts[v->n_texts++] = text;
    return text;
}

view_verify_check *view_verify_check_new(const verify_plan *plan, const verify_result *res,
                                   const char *ids_title, const char *model_name)
{
    view_verify_check *v;
    size_t n_req = 0, n_el = 0, ri = 0, ei = 0;

    if (!res)
        return NULL;
    for (size_t i = 0; i < res->n_specs; i++)
        for (size_t q = 0; q < res->specs[i].n_requirements; q++) {
            n_req++;
            n_el += res->specs[i].requirements[q].n_failures;
        }
    v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->specs = calloc(res->n_specs ? res->n_specs : 1, sizeof *v->specs);
    v->reqs = calloc(n_req ? n_req : 1, sizeof *v->reqs);
    v->elements = calloc(n_el ? n_el : 1, sizeof *v->elements);
    v->texts = calloc(res->n_specs + n_req + 1, sizeof *v->texts);
    if (!v->specs || !v->reqs || !v->elements || !v->texts) {
        view_verify_check_free(v);
        return NULL;
    }
    for (size_t i = 0; i < res->n_specs; i++) {
        const verify_spec_result *s = &res->specs[i];
        const ids_spec_view *sv = verify_plan_spec(plan, s->index);
        view_check_spec *o = &v->specs[i];
        char *text = NULL;

        o->name = s->name;
        o->identifier = s->identifier;
        o->usage = usage_of(s->usage);
        o->status = status_of(s->status);
        o->n_applicable = s->n_applicable;
        o->n_passed = s->n_passed;
        o->n_failed = s->n_failed;
        o->message = s->message;
        if (sv && view_applicability_words(sv, &text) == VIEW_OK)
            o->applicability = keep(v, text);
        o->requirements = v->reqs + ri;
        for (size_t q = 0; q < s->n_requirements; q++) {
            const verify_requirement *rq = &s->requirements[q];
            view_check_requirement *r;

            /* Passing ones too (n_failed 0): JUnit makes a passing case of
             * each; the renderings for people leave them out. */
            r = &v->reqs[ri++];
            o->n_requirements++;
            text = NULL;
            if (sv && rq->facet_index < sv->n_facets[IDS_REQUIREMENTS] &&
                view_facet_words(&sv->facets[IDS_REQUIREMENTS][rq->facet_index],
                                 IDS_REQUIREMENTS, sv->fields[IDS_SPEC_IFC_VERSION],
                                 &text) == VIEW_OK)
                r->text = keep(v, text);
            else
                r->text = ids_facet_kind_name(rq->kind);
            r->n_failed = rq->n_failed;
            r->elements = v->elements + ei;
            r->n_elements = rq->n_failures;
            for (size_t k = 0; k < rq->n_failures; k++) {
                const verify_failure *f = &rq->failures[k];
                view_check_element *e = &v->elements[ei++];
                e->global_id = f->global_id;
                e->ifc_class = f->ifc_class;
                e->name = f->name;
                e->reason = f->reason;
                e->step_id = f->step_id;
            }
        }
    }
    v->result.ids_title = ids_title;
    v->result.model = model_name;
    v->result.ifc_version = ifc_version_name(res->version);
    v->result.specs = v->specs;
    v->result.n_specs = res->n_specs;
    v->result.truncated = res->cancelled;
    return v;
}

const view_check_result *view_verify_check_result(const view_verify_check *v)
{
    return v ? &v->result : NULL;
}

void view_verify_check_free(view_verify_check *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n_texts; i++)
        free(v->texts[i]);
    free(v->texts);
    free(v->specs);
    free(v->reqs);
    free(v->elements);
    free(v);
}
