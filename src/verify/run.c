/*
 * run.c - the plan, the specification loop and the pool of threads.
 *
 * Specification loop (IfcTester's Specification.validate):
 * 1. candidates from the first applicability facet's cheap query: an
 *    entity takes the exact classes whose name it matches (a subclass is
 *    not its class); classification and material take IfcObjectDefinition;
 *    property takes IfcObjectDefinition and, outside IFC2X3,
 *    IfcMaterialDefinition and IfcProfileDef; attribute the classes that
 *    have a matching attribute; partOf every instance of a known class;
 * 2. the applicable elements are the candidates every applicability facet
 *    holds for;
 * 3. unless the specification is prohibited, every requirement facet is
 *    evaluated on every applicable element under its cardinality;
 * 4. status: fail when a requirement failed, when it is required and
 *    nothing is applicable, or when it is prohibited and something is;
 *    an optional one with nothing applicable is "not applicable".
 *
 * Threads: each takes the next specification from an atomic counter and
 * writes only its own result slot; the calling thread is one of them and
 * reports progress between its specifications. Plan and model are read
 * only. Each thread has its own context (string arena, scratch).
 */
#include "verify/verify_internal.h"

#include "base/base.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CANCEL_EVERY 256u /* elements between looks at the cancel flag */

const char *verify_status_name(verify_status status)
{
    switch (status) {
    case VERIFY_OK:
        return "ok";
    case VERIFY_ERR_NOMEM:
        return "out of memory";
    case VERIFY_ERR_INVALID_ARG:
        return "invalid argument";
    case VERIFY_ERR_CANCELLED:
        return "cancelled";
    }
    return "unknown";
}

const char *verify_spec_status_name(verify_spec_status status)
{
    switch (status) {
    case VERIFY_SPEC_PASS:
        return "pass";
    case VERIFY_SPEC_FAIL:
        return "fail";
    case VERIFY_SPEC_NOT_APPLICABLE:
        return "not applicable";
    }
    return "unknown";
}

const char *verify_usage_name(verify_usage usage)
{
    switch (usage) {
    case VERIFY_USAGE_REQUIRED:
        return "required";
    case VERIFY_USAGE_OPTIONAL:
        return "optional";
    case VERIFY_USAGE_PROHIBITED:
        return "prohibited";
    }
    return "unknown";
}

static verify_status fail(verify_error *err, verify_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static verify_status fail(verify_error *err, verify_status code, const char *fmt, ...)
{
    va_list ap;

    if (err && err->code == VERIFY_OK) {
        err->code = code;
        va_start(ap, fmt);
        base_utf8_vformat(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ---- the plan ------------------------------------------------------------ */

static void vspec_clear(vspec *s)
{
    for (int loc = 0; loc < 2; loc++) {
        for (size_t i = 0; i < s->n_facets[loc]; i++)
            vfacet_clear(&s->facets[loc][i]);
        free(s->facets[loc]);
    }
    free(s->problem);
}

static ifc_version_mask versions_of(const char *text)
{
    ifc_version_mask mask = 0;
    const char *p = text;

    while (p && *p) {
        size_t len;
        ifc_version v;

        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        len = strcspn(p, " \t\r\n");
        if (len && ifc_version_from_name(p, len, &v))
            mask |= 1u << v;
        p += len;
    }
    return mask;
}

static verify_usage usage_of(const ids_spec_view *v)
{
    const char *min = v->fields[IDS_SPEC_MIN_OCCURS];
    const char *max = v->fields[IDS_SPEC_MAX_OCCURS];

    if (max && strcmp(max, "0") == 0)
        return VERIFY_USAGE_PROHIBITED;
    if (min && strcmp(min, "0") == 0)
        return VERIFY_USAGE_OPTIONAL;
    return VERIFY_USAGE_REQUIRED;
}

static bool vspec_init(vspec *s, const ids_spec_view *v)
{
    char why[512];

    memset(s, 0, sizeof *s);
    s->view = v;
    s->usage = usage_of(v);
    s->versions = versions_of(v->fields[IDS_SPEC_IFC_VERSION]);
    for (int loc = 0; loc < 2; loc++) {
        size_t n = v->n_facets[loc];
        s->facets[loc] = calloc(n ? n : 1, sizeof *s->facets[loc]);
        if (!s->facets[loc])
            return false;
        for (size_t i = 0; i < n; i++) {
            why[0] = '\0';
            s->n_facets[loc]++;
            if (!vfacet_init(&s->facets[loc][i], &v->facets[loc][i], (ids_location)loc, why,
                             sizeof why) &&
                !s->problem) {
                s->problem = base_utf8_dup(why, strlen(why));
                if (!s->problem)
                    return false;
            }
        }
    }
    return true;
}

verify_status verify_plan_new(const ids_doc *doc, verify_plan **out, verify_error *err)
{
    verify_plan *p;
    ids_error ierr;

    *out = NULL;
    if (err)
        memset(err, 0, sizeof *err);
    if (!doc)
        return fail(err, VERIFY_ERR_INVALID_ARG, "no IDS document");
    p = calloc(1, sizeof *p);
    if (!p)
        return fail(err, VERIFY_ERR_NOMEM, "out of memory reading the specifications");
    ids_error_clear(&ierr);
    if (ids_spec_get_all(doc, &p->views, &p->n, &ierr) != IDS_OK) {
        free(p);
        return fail(err, ierr.code == IDS_ERR_NOMEM ? VERIFY_ERR_NOMEM : VERIFY_ERR_INVALID_ARG,
                    "reading the specifications: %s", ierr.message);
    }
    p->specs = calloc(p->n ? p->n : 1, sizeof *p->specs);
    if (!p->specs) {
        verify_plan_free(p);
        return fail(err, VERIFY_ERR_NOMEM, "out of memory reading the specifications");
    }
    for (size_t i = 0; i < p->n; i++) {
        if (!vspec_init(&p->specs[i], p->views[i])) {
            verify_plan_free(p);
            return fail(err, VERIFY_ERR_NOMEM, "out of memory reading the specifications");
        }
    }
    *out = p;
    return VERIFY_OK;
}

void verify_plan_free(verify_plan *p)
{
    if (!p)
        return;
    if (p->specs)
        for (size_t i = 0; i < p->n; i++)
            vspec_clear(&p->specs[i]);
    free(p->specs);
    ids_spec_views_free(p->views, p->n);
    free(p);
}

size_t verify_plan_spec_count(const verify_plan *p)
{
    return p ? p->n : 0;
}

const ids_spec_view *verify_plan_spec(const verify_plan *p, size_t index)
{
    return p && index < p->n ? p->views[index] : NULL;
}

/* ---- candidates ----------------------------------------------------------- */

static int cmp_inst(const void *a, const void *b)
{
    ifc_step_inst x = *(const ifc_step_inst *)a, y = *(const ifc_step_inst *)b;
    return x < y ? -1 : x > y;
}

/* Whether a class can hold an element the first facet selects. */
static bool class_selected(const ifc_model *m, const vfacet *f, ifc_step_type t)
{
    const ifc_step_reader *r = ifc_model_reader(m);
    const ifc_schema *s = ifc_model_schema(m);
    const char *upper = ifc_step_type_name(r, t);
    ifc_entity e = ifc_entity_find(s, upper, strlen(upper));
    ifc_entity root;

    if (e == IFC_NONE)
        return false;
    switch (f->f->kind) {
    case IDS_FACET_ENTITY:
        return vmatch_text(&f->params[IDS_PARAM_NAME], upper, strlen(upper));
    case IDS_FACET_CLASSIFICATION:
    case IDS_FACET_MATERIAL:
        root = ifc_entity_find(s, "IfcObjectDefinition", 19);
        return ifc_entity_is_subtype_of(s, e, root);
    case IDS_FACET_PROPERTY:
        root = ifc_entity_find(s, "IfcObjectDefinition", 19);
        if (ifc_entity_is_subtype_of(s, e, root))
            return true;
        if (ifc_model_version(m) == IFC_IFC2X3)
            return false;
        root = ifc_entity_find(s, "IfcMaterialDefinition", 21);
        if (root != IFC_NONE && ifc_entity_is_subtype_of(s, e, root))
            return true;
        root = ifc_entity_find(s, "IfcProfileDef", 13);
        return root != IFC_NONE && ifc_entity_is_subtype_of(s, e, root);
    case IDS_FACET_ATTRIBUTE: {
        const vmatch *name = &f->params[IDS_PARAM_NAME];
        size_t n = ifc_entity_attribute_count(s, e);
        for (size_t pos = 0; pos < n; pos++) {
            ifc_attribute a;
            if (ifc_entity_attribute(s, e, pos, &a) &&
                vmatch_text(name, a.name, strlen(a.name)))
                return true;
        }
        return false;
    }
    default:
        return true;
    }
}

static verify_status candidates(const ifc_model *m, const vfacet *first, ifc_step_inst **out,
                                size_t *n_out)
{
    const ifc_step_reader *r = ifc_model_reader(m);
    size_t n_types = ifc_step_type_count(r), total = 0, k = 0, classes = 0;
    bool *take = calloc(n_types ? n_types : 1, sizeof *take);
    ifc_step_inst *list;

    *out = NULL;
    *n_out = 0;
    if (!take)
        return VERIFY_ERR_NOMEM;
    for (size_t t = 0; t < n_types; t++) {
        size_t n;
        if (!class_selected(m, first, (ifc_step_type)t))
            continue;
        take[t] = true;
        ifc_step_instances_of_type(r, (ifc_step_type)t, &n);
        total += n;
        classes++;
    }
    if (total == 0) {
        free(take);
        return VERIFY_OK;
    }
    list = malloc(total * sizeof *list);
    if (!list) {
        free(take);
        return VERIFY_ERR_NOMEM;
    }
    for (size_t t = 0; t < n_types; t++) {
        size_t n;
        const ifc_step_inst *part;
        if (!take[t])
            continue;
        part = ifc_step_instances_of_type(r, (ifc_step_type)t, &n);
        memcpy(list + k, part, n * sizeof *list);
        k += n;
    }
    free(take);
    if (classes > 1)
        qsort(list, total, sizeof *list, cmp_inst);
    *out = list;
    *n_out = total;
    return VERIFY_OK;
}

/* ---- one specification ---------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static char *dup_or_null(const char *s)
{
    return s ? base_utf8_dup(s, strlen(s)) : NULL;
}

static bool record_failure(vctx *c, verify_requirement *req, ifc_step_inst inst, size_t max)
{
    verify_failure *fl;
    const char *gid, *name;

    req->n_failed++;
    if (req->n_failures >= max)
        return true;
    fl = &req->failures[req->n_failures];
    memset(fl, 0, sizeof *fl);
    fl->step_id = ifc_step_instance_id(c->r, inst);
    fl->ifc_class = vctx_class(c, inst);
    fl->reason = dup_or_null(c->reason[0] ? c->reason : "does not meet the requirement");
    gid = vctx_attr_string(c, inst, "GlobalId");
    name = vctx_attr_string(c, inst, "Name");
    fl->global_id = dup_or_null(gid);
    fl->name = dup_or_null(name);
    if (!fl->reason || (gid && !fl->global_id) || (name && !fl->name)) {
        free(fl->reason);
        free(fl->global_id);
        free(fl->name);
        return false;
    }
    req->n_failures++;
    return true;
}

static verify_status run_spec(const verify_plan *plan, size_t index, const ifc_model *m,
                              const verify_options *o, vctx *c, verify_spec_result *out,
                              bool *truncated, verify_error *err)
{
    const vspec *s = &plan->specs[index];
    const ids_spec_view *v = s->view;
    size_t max = o && o->max_failures ? o->max_failures : VERIFY_DEFAULT_MAX_FAILURES;
    ifc_step_inst *cand = NULL;
    size_t n_cand = 0;
    verify_status st = VERIFY_OK;
    double t0 = o && o->timings ? now_ms() : 0;
    bool check_reqs;

    memset(out, 0, sizeof *out);
    out->index = index;
    out->usage = s->usage;
    out->name = dup_or_null(v->fields[IDS_SPEC_NAME] ? v->fields[IDS_SPEC_NAME] : "");
    out->identifier = dup_or_null(v->fields[IDS_SPEC_IDENTIFIER]);
    out->version_matches = (s->versions & (1u << ifc_model_version(m))) != 0;
    out->n_requirements = s->n_facets[IDS_REQUIREMENTS];
    out->requirements = calloc(out->n_requirements ? out->n_requirements : 1,
                               sizeof *out->requirements);
    if (!out->name || !out->requirements)
        return fail(err, VERIFY_ERR_NOMEM, "out of memory checking a specification");
    for (size_t i = 0; i < out->n_requirements; i++) {
        verify_requirement *req = &out->requirements[i];
        req->facet_index = i;
        req->kind = s->facets[IDS_REQUIREMENTS][i].f->kind;
        req->cardinality = s->facets[IDS_REQUIREMENTS][i].card == VCARD_OPTIONAL ? "optional"
                           : s->facets[IDS_REQUIREMENTS][i].card == VCARD_PROHIBITED
                               ? "prohibited" : "required";
        req->failures = calloc(max, sizeof *req->failures);
        if (!req->failures)
            return fail(err, VERIFY_ERR_NOMEM, "out of memory checking a specification");
    }
    if (s->problem) {
        out->status = VERIFY_SPEC_FAIL;
        out->message = dup_or_null(s->problem);
        return VERIFY_OK;
    }
    if (s->n_facets[IDS_APPLICABILITY] == 0) {
        out->status = VERIFY_SPEC_FAIL;
        out->message = dup_or_null("the applicability has no facet, so it selects nothing");
        return VERIFY_OK;
    }
    if (candidates(m, &s->facets[IDS_APPLICABILITY][0], &cand, &n_cand) != VERIFY_OK)
        return fail(err, VERIFY_ERR_NOMEM, "out of memory selecting elements");
    check_reqs = s->usage != VERIFY_USAGE_PROHIBITED;
    for (size_t k = 0; k < n_cand; k++) {
        ifc_step_inst inst = cand[k];
        bool applicable = true, failed = false;

        if ((k % CANCEL_EVERY) == 0 && o && o->cancel && atomic_load(o->cancel)) {
            st = fail(err, VERIFY_ERR_CANCELLED, "the check was cancelled");
            break;
        }
        vctx_reset(c);
        c->want_reason = false;
        for (size_t a = 0; a < s->n_facets[IDS_APPLICABILITY] && applicable; a++)
            applicable = vfacet_holds(c, &s->facets[IDS_APPLICABILITY][a], IDS_APPLICABILITY,
                                      inst);
        if (!applicable)
            continue;
        out->n_applicable++;
        if (check_reqs) {
            for (size_t q = 0; q < s->n_facets[IDS_REQUIREMENTS]; q++) {
                c->want_reason = out->requirements[q].n_failures < max;
                if (vfacet_holds(c, &s->facets[IDS_REQUIREMENTS][q], IDS_REQUIREMENTS, inst))
                    continue;
                failed = true;
                if (!record_failure(c, &out->requirements[q], inst, max)) {
                    st = fail(err, VERIFY_ERR_NOMEM, "out of memory recording failures");
                    goto out;
                }
                if (out->requirements[q].n_failed > max)
                    *truncated = true;
            }
        }
        if (c->nomem) {
            st = fail(err, VERIFY_ERR_NOMEM, "out of memory reading the model");
            goto out;
        }
        if (failed)
            out->n_failed++;
        else
            out->n_passed++;
    }
out:
    free(cand);
    if (st != VERIFY_OK)
        return st;
    if (s->usage == VERIFY_USAGE_PROHIBITED) {
        out->status = out->n_applicable ? VERIFY_SPEC_FAIL : VERIFY_SPEC_PASS;
        if (out->n_applicable)
            out->message = dup_or_null("prohibited, but elements are applicable");
    } else if (out->n_applicable == 0) {
        out->status = s->usage == VERIFY_USAGE_REQUIRED ? VERIFY_SPEC_FAIL
                                                        : VERIFY_SPEC_NOT_APPLICABLE;
        if (s->usage == VERIFY_USAGE_REQUIRED)
            out->message = dup_or_null("required, but no element is applicable");
    } else {
        out->status = out->n_failed ? VERIFY_SPEC_FAIL : VERIFY_SPEC_PASS;
    }
    if (o && o->timings)
        out->millis = now_ms() - t0;
    return VERIFY_OK;
}

verify_status verify_spec(const verify_plan *plan, size_t index, const ifc_model *model,
                          const verify_options *opts, verify_spec_result *out,
                          verify_error *err)
{
    vctx c;
    bool truncated = false;
    verify_status st;

    if (err)
        memset(err, 0, sizeof *err);
    memset(out, 0, sizeof *out);
    if (!plan || !model || index >= plan->n)
        return fail(err, VERIFY_ERR_INVALID_ARG, "no such specification");
    vctx_init(&c, model);
    st = run_spec(plan, index, model, opts, &c, out, &truncated, err);
    vctx_free(&c);
    return st;
}

void verify_spec_result_clear(verify_spec_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_requirements && r->requirements; i++) {
        verify_requirement *q = &r->requirements[i];
        for (size_t k = 0; k < q->n_failures; k++) {
            free(q->failures[k].global_id);
            free(q->failures[k].name);
            free(q->failures[k].reason);
        }
        free(q->failures);
    }
    free(r->requirements);
    free(r->name);
    free(r->identifier);
    free(r->message);
    memset(r, 0, sizeof *r);
}

void verify_result_free(verify_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_specs; i++)
        verify_spec_result_clear(&res->specs[i]);
    free(res->specs);
    free(res);
}

/* ---- the pool ------------------------------------------------------------- */

typedef struct pool {
    const verify_plan *plan;
    const ifc_model *model;
    const verify_options *opts;
    verify_result *res;
    atomic_size_t next;
    atomic_size_t done;
    atomic_bool stop;          /* an error or a cancel: take no more */
    atomic_bool truncated;
    pthread_mutex_t lock;      /* guards err */
    verify_error err;
    bool *finished;            /* per spec, written by its thread before done++ */
} pool;

static void work(pool *p, bool report)
{
    vctx c;

    vctx_init(&c, p->model);
    for (;;) {
        size_t i;
        bool truncated = false;
        verify_error err;
        verify_status st;

        if (atomic_load(&p->stop))
            break;
        if (p->opts && p->opts->cancel && atomic_load(p->opts->cancel)) {
            pthread_mutex_lock(&p->lock);
            if (p->err.code == VERIFY_OK)
                fail(&p->err, VERIFY_ERR_CANCELLED, "the check was cancelled");
            pthread_mutex_unlock(&p->lock);
            atomic_store(&p->stop, true);
            break;
        }
        i = atomic_fetch_add(&p->next, 1);
        if (i >= p->plan->n)
            break;
        memset(&err, 0, sizeof err);
        st = run_spec(p->plan, i, p->model, p->opts, &c, &p->res->specs[i], &truncated, &err);
        if (truncated)
            atomic_store(&p->truncated, true);
        if (st != VERIFY_OK) {
            pthread_mutex_lock(&p->lock);
            if (p->err.code == VERIFY_OK)
                p->err = err;
            pthread_mutex_unlock(&p->lock);
            atomic_store(&p->stop, true);
            break;
        }
        p->finished[i] = true;
        size_t done = atomic_fetch_add(&p->done, 1) + 1;
        if (report && p->opts && p->opts->progress)
            p->opts->progress(p->opts->progress_ctx, done, p->plan->n);
    }
    vctx_free(&c);
}

static void *worker_main(void *arg)
{
    work(arg, false);
    return NULL;
}

verify_status verify_run(const verify_plan *plan, const ifc_model *model,
                         const verify_options *opts, verify_result **out, verify_error *err)
{
    pool p;
    unsigned jobs = opts && opts->jobs ? opts->jobs : 0;
    pthread_t *threads = NULL;
    unsigned started = 0;
    verify_result *res;
    verify_status st = VERIFY_OK;

    *out = NULL;
    if (err)
        memset(err, 0, sizeof *err);
    if (!plan || !model)
        return fail(err, VERIFY_ERR_INVALID_ARG, "no plan or no model");
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (unsigned)n : 1;
    }
    if (jobs > VERIFY_MAX_JOBS)
        jobs = VERIFY_MAX_JOBS;
    if (jobs > plan->n)
        jobs = plan->n ? (unsigned)plan->n : 1;
    res = calloc(1, sizeof *res);
    if (!res)
        return fail(err, VERIFY_ERR_NOMEM, "out of memory starting the check");
    res->version = ifc_model_version(model);
    res->n_specs = plan->n;
    res->specs = calloc(plan->n ? plan->n : 1, sizeof *res->specs);
    memset(&p, 0, sizeof p);
    p.finished = calloc(plan->n ? plan->n : 1, sizeof *p.finished);
    if (!res->specs || !p.finished || pthread_mutex_init(&p.lock, NULL) != 0) {
        free(p.finished);
        verify_result_free(res);
        return fail(err, VERIFY_ERR_NOMEM, "out of memory starting the check");
    }
    p.plan = plan;
    p.model = model;
    p.opts = opts;
    p.res = res;
    atomic_init(&p.next, 0);
    atomic_init(&p.done, 0);
    atomic_init(&p.stop, false);
    atomic_init(&p.truncated, false);
    if (jobs > 1) {
        threads = calloc(jobs - 1, sizeof *threads);
        for (unsigned i = 0; threads && i + 1 < jobs; i++) {
            if (pthread_create(&threads[i], NULL, worker_main, &p) != 0)
                break;
            started++;
        }
    }
    work(&p, true);
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&p.lock);
    res->truncated = atomic_load(&p.truncated);
    for (size_t i = 0; i < plan->n; i++) {
        if (!p.finished[i])
            continue;
        res->n_done++;
        if (res->specs[i].status == VERIFY_SPEC_FAIL)
            res->n_failed++;
        else
            res->n_passed++;
    }
    if (p.err.code != VERIFY_OK) {
        st = p.err.code;
        if (err)
            *err = p.err;
        res->cancelled = st == VERIFY_ERR_CANCELLED;
        if (st != VERIFY_ERR_CANCELLED) {
            verify_result_free(res);
            res = NULL;
        }
    }
    free(p.finished);
    *out = res;
    return st;
}

/* ---- one facet -------------------------------------------------------------- */

verify_status verify_facet(const ids_facet *facet, ids_location loc, const ifc_model *model,
                           ifc_step_inst inst, bool *holds, char *reason, size_t reason_size,
                           verify_error *err)
{
    vfacet vf;
    vctx c;
    char why[512];

    if (err)
        memset(err, 0, sizeof *err);
    *holds = false;
    if (!facet || !model || inst >= ifc_step_instance_count(ifc_model_reader(model)))
        return fail(err, VERIFY_ERR_INVALID_ARG, "no facet, model or instance");
    if (!vfacet_init(&vf, facet, loc, why, sizeof why)) {
        vfacet_clear(&vf);
        return fail(err, VERIFY_ERR_INVALID_ARG, "%s", why);
    }
    vctx_init(&c, model);
    c.want_reason = true;
    *holds = vfacet_holds(&c, &vf, loc, inst);
    if (reason && reason_size)
        base_utf8_format(reason, reason_size, "%s", *holds ? "" : c.reason);
    vctx_free(&c);
    vfacet_clear(&vf);
    return VERIFY_OK;
}
