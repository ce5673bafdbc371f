/*
 * check_ifc.c - `idsd check --ifc MODEL.ifc SPEC.ids...`: one model
 * checked against each IDS file in turn, the specifications of a file in
 * parallel (verify_run's pool, --jobs threads).
 *
 * The model is opened and indexed once. Each IDS file is loaded and
 * validated first; an invalid document is reported with its findings and
 * never checked (its verdicts would mean nothing). Exit status: 0 when
 * every specification of every file passes, 1 when one fails or a
 * document is invalid, 2 when the model or a file cannot be read (2 wins).
 */
#include "check/check_internal.h"

#include "ifc/model.h"
#include "verify/verify.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* One IDS file's outcome. */
typedef struct ifc_file {
    const char *path;
    check_outcome outcome;
    char error[600];          /* why it failed or is invalid; "" otherwise */
    ids_report *report;       /* findings of an invalid document */
    verify_result *result;    /* NULL unless checked */
    double millis;
} ifc_file;

static const char *facet_name(ids_facet_kind k)
{
    return ids_facet_kind_name(k);
}

/* ---- text ------------------------------------------------------------------- */

static void text_failure(FILE *out, const verify_failure *f)
{
    fprintf(out, "          #%u %s", f->step_id, f->ifc_class);
    if (f->global_id)
        fprintf(out, " %s", f->global_id);
    if (f->name)
        fprintf(out, " '%s'", f->name);
    fprintf(out, ": %s\n", f->reason ? f->reason : "");
}

static void text_file(FILE *out, const ifc_file *fl, bool quiet, bool timings)
{
    const verify_result *r = fl->result;

    if (fl->outcome != CHECK_VALID || !r) {
        fprintf(out, "%s: %s: %s\n", fl->path,
                fl->outcome == CHECK_INVALID ? "invalid document, not checked" : "failed",
                fl->error);
        if (fl->report)
            for (size_t i = 0; i < fl->report->n_findings; i++) {
                const ids_finding *f = &fl->report->findings[i];
                if (f->severity != IDS_SEVERITY_ERROR)
                    continue;
                fprintf(out, "    line %d: %s: %s\n", f->line, f->rule, f->message);
            }
        return;
    }
    fprintf(out, "%s: %zu specification%s, %zu passed, %zu failed", fl->path, r->n_specs,
            r->n_specs == 1 ? "" : "s", r->n_passed, r->n_failed);
    if (timings)
        fprintf(out, " (%.1f ms)", fl->millis);
    fputc('\n', out);
    for (size_t i = 0; i < r->n_specs; i++) {
        const verify_spec_result *s = &r->specs[i];

        if (quiet && s->status != VERIFY_SPEC_FAIL)
            continue;
        fprintf(out, "  %-4s  %s [%s] %zu applicable, %zu passed, %zu failed\n",
                s->status == VERIFY_SPEC_FAIL ? "FAIL"
                : s->status == VERIFY_SPEC_PASS ? "PASS" : "N/A",
                s->name, verify_usage_name(s->usage), s->n_applicable, s->n_passed,
                s->n_failed);
        if (s->message)
            fprintf(out, "        %s\n", s->message);
        for (size_t q = 0; q < s->n_requirements; q++) {
            const verify_requirement *rq = &s->requirements[q];
            if (rq->n_failed == 0)
                continue;
            fprintf(out, "        requirement %zu (%s, %s): %zu failing\n", q + 1,
                    facet_name(rq->kind), rq->cardinality, rq->n_failed);
            for (size_t k = 0; k < rq->n_failures; k++)
                text_failure(out, &rq->failures[k]);
            if (rq->n_failed > rq->n_failures)
                fprintf(out, "          ... and %zu more\n", rq->n_failed - rq->n_failures);
        }
    }
}

/* ---- json -------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *json_file(const ifc_file *fl, bool timings)
{
    json_t *o = json_object();
    const verify_result *r = fl->result;

    json_object_set_new(o, "path", json_string(fl->path));
    json_object_set_new(o, "outcome", json_string(fl->outcome == CHECK_VALID ? "checked"
                                                  : fl->outcome == CHECK_INVALID ? "invalid"
                                                                                 : "failed"));
    if (fl->error[0])
        json_object_set_new(o, "error", json_string(fl->error));
    if (fl->report) {
        json_t *a = json_array();
        for (size_t i = 0; i < fl->report->n_findings; i++) {
            const ids_finding *f = &fl->report->findings[i];
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:i}", "severity",
                                               f->severity == IDS_SEVERITY_ERROR ? "error"
                                                                                 : "warning",
                                               "rule", f->rule ? f->rule : "",
                                               "message", f->message ? f->message : "",
                                               "line", f->line));
        }
        json_object_set_new(o, "findings", a);
    }
    if (!r)
        return o;
    if (timings)
        json_object_set_new(o, "millis", json_real(fl->millis));
    json_object_set_new(o, "passed", json_integer((json_int_t)r->n_passed));
    json_object_set_new(o, "failed", json_integer((json_int_t)r->n_failed));
    json_object_set_new(o, "truncated", json_boolean(r->truncated));
    json_t *specs = json_array();
    for (size_t i = 0; i < r->n_specs; i++) {
        const verify_spec_result *s = &r->specs[i];
        json_t *so = json_object();
        json_t *reqs = json_array();

        json_object_set_new(so, "index", json_integer((json_int_t)s->index));
        json_object_set_new(so, "name", json_string(s->name ? s->name : ""));
        json_object_set_new(so, "identifier", str_or_null(s->identifier));
        json_object_set_new(so, "usage", json_string(verify_usage_name(s->usage)));
        json_object_set_new(so, "status", json_string(verify_spec_status_name(s->status)));
        json_object_set_new(so, "ifc_version_matches", json_boolean(s->version_matches));
        json_object_set_new(so, "applicable", json_integer((json_int_t)s->n_applicable));
        json_object_set_new(so, "passed", json_integer((json_int_t)s->n_passed));
        json_object_set_new(so, "failed", json_integer((json_int_t)s->n_failed));
        if (s->message)
            json_object_set_new(so, "message", json_string(s->message));
        for (size_t q = 0; q < s->n_requirements; q++) {
            const verify_requirement *rq = &s->requirements[q];
            json_t *fa = json_array();
            for (size_t k = 0; k < rq->n_failures; k++) {
                const verify_failure *f = &rq->failures[k];
                json_array_append_new(
                    fa, json_pack("{s:I, s:o, s:s, s:o, s:s}", "step_id", (json_int_t)f->step_id,
                                  "global_id", str_or_null(f->global_id), "class", f->ifc_class,
                                  "name", str_or_null(f->name), "reason",
                                  f->reason ? f->reason : ""));
            }
            json_array_append_new(
                reqs, json_pack("{s:I, s:s, s:s, s:I, s:o, s:b}", "index", (json_int_t)q,
                                "facet", facet_name(rq->kind), "cardinality", rq->cardinality,
                                "failed", (json_int_t)rq->n_failed, "failures", fa,
                                "truncated", rq->n_failed > rq->n_failures));
        }
        json_object_set_new(so, "requirements", reqs);
        if (timings)
            json_object_set_new(so, "millis", json_real(s->millis));
        json_array_append_new(specs, so);
    }
    json_object_set_new(o, "specifications", specs);
    return o;
}

/* ---- the run -------------------------------------------------------------------- */

static void check_file(const check_config *cfg, const ifc_model *model, size_t max_failures,
                       const check_item *item, ifc_file *fl)
{
    ids_doc *doc = NULL;
    ids_error err;
    verify_plan *plan = NULL;
    verify_error verr;
    double t0 = now_ms();

    fl->path = item->path;
    fl->outcome = CHECK_FAILED;
    if (item->walk_error) {
        snprintf(fl->error, sizeof fl->error, "%s", item->walk_error->message);
        return;
    }
    ids_error_clear(&err);
    if (ids_doc_load_file(item->path, &cfg->limits, &doc, &err) != IDS_OK) {
        fl->outcome = err.code == IDS_ERR_PARSE || err.code == IDS_ERR_NOT_IDS
                          ? CHECK_INVALID : CHECK_FAILED;
        snprintf(fl->error, sizeof fl->error, "%s", err.message[0] ? err.message
                                                                   : ids_status_name(err.code));
        return;
    }
    ids_error_clear(&err);
    if (ids_validate(doc, cfg->schema, &fl->report, &err) != IDS_OK) {
        snprintf(fl->error, sizeof fl->error, "validation failed: %s", err.message);
        goto out;
    }
    if (!ids_report_valid(fl->report)) {
        fl->outcome = CHECK_INVALID;
        snprintf(fl->error, sizeof fl->error,
                 "the document breaks IDS rules; fix it before checking a model");
        goto out;
    }
    ids_report_free(fl->report);
    fl->report = NULL;
    if (verify_plan_new(doc, &plan, &verr) != VERIFY_OK) {
        snprintf(fl->error, sizeof fl->error, "%s", verr.message);
        goto out;
    }
    verify_options o = {.jobs = cfg->jobs, .max_failures = max_failures,
                        .timings = !cfg->no_timings};
    if (verify_run(plan, model, &o, &fl->result, &verr) != VERIFY_OK) {
        snprintf(fl->error, sizeof fl->error, "%s", verr.message);
        goto out;
    }
    fl->outcome = CHECK_VALID;
out:
    fl->millis = now_ms() - t0;
    verify_plan_free(plan);
    ids_doc_free(doc);
}

int check_ifc_run(const check_config *cfg, const char *model_path, size_t max_failures,
                  const char *const *inputs, size_t n_inputs, FILE *out)
{
    check_items items;
    ifc_model *model = NULL;
    ifc_step_error serr;
    char why[512];
    int rc = CHECK_EXIT_VALID;
    double t0 = now_ms(), open_ms;
    json_t *root = NULL, *files = NULL;
    size_t specs = 0, passed = 0, failed = 0;

    if (cfg->format != CHECK_FORMAT_TEXT && cfg->format != CHECK_FORMAT_JSON) {
        fprintf(stderr, "idsd check: --ifc writes text or json\n");
        return CHECK_EXIT_ERROR;
    }
    memset(&items, 0, sizeof items);
    if (!check_items_expand(inputs, n_inputs, cfg->list_input, &items, why, sizeof why)) {
        fprintf(stderr, "idsd check: %s\n", why);
        return CHECK_EXIT_ERROR;
    }
    ifc_step_error_clear(&serr);
    if (ifc_model_open_file(model_path, NULL, &model, &serr) != IFC_STEP_OK) {
        fprintf(stderr, "idsd check: --ifc %s: %s\n", model_path,
                serr.message[0] ? serr.message : ifc_step_status_name(serr.code));
        check_items_free(&items);
        return CHECK_EXIT_ERROR;
    }
    open_ms = now_ms() - t0;
    if (cfg->format == CHECK_FORMAT_JSON) {
        root = json_object();
        json_t *m = json_pack("{s:s, s:s, s:I}", "path", model_path, "schema",
                              ifc_version_name(ifc_model_version(model)), "instances",
                              (json_int_t)ifc_step_instance_count(ifc_model_reader(model)));
        if (!cfg->no_timings)
            json_object_set_new(m, "open_millis", json_real(open_ms));
        json_object_set_new(root, "model", m);
        files = json_array();
        json_object_set_new(root, "files", files);
    } else {
        fprintf(out, "model %s: %s, %zu instances", model_path,
                ifc_version_name(ifc_model_version(model)),
                ifc_step_instance_count(ifc_model_reader(model)));
        if (!cfg->no_timings)
            fprintf(out, " (opened in %.1f ms)", open_ms);
        fputc('\n', out);
    }
    for (size_t i = 0; i < items.n; i++) {
        ifc_file fl;

        memset(&fl, 0, sizeof fl);
        check_file(cfg, model, max_failures, &items.items[i], &fl);
        if (fl.outcome == CHECK_FAILED)
            rc = CHECK_EXIT_ERROR;
        else if (rc == CHECK_EXIT_VALID &&
                 (fl.outcome == CHECK_INVALID || (fl.result && fl.result->n_failed)))
            rc = CHECK_EXIT_INVALID;
        if (fl.result) {
            specs += fl.result->n_specs;
            passed += fl.result->n_passed;
            failed += fl.result->n_failed;
        }
        if (root)
            json_array_append_new(files, json_file(&fl, !cfg->no_timings));
        else
            text_file(out, &fl, cfg->quiet, !cfg->no_timings);
        verify_result_free(fl.result);
        ids_report_free(fl.report);
    }
    if (root) {
        json_t *sum = json_pack("{s:I, s:I, s:I, s:I}", "files", (json_int_t)items.n,
                                "specifications", (json_int_t)specs, "passed",
                                (json_int_t)passed, "failed", (json_int_t)failed);
        if (!cfg->no_timings)
            json_object_set_new(sum, "millis", json_real(now_ms() - t0));
        json_object_set_new(root, "summary", sum);
        json_object_set_new(root, "exit", json_integer(rc));
        char *text = base_json_dumps(root);
        if (text) {
            fputs(text, out);
            fputc('\n', out);
            free(text);
        } else {
            rc = CHECK_EXIT_ERROR;
        }
        json_decref(root);
    } else {
        fprintf(out, "summary: %zu file%s, %zu specification%s, %zu passed, %zu failed",
                items.n, items.n == 1 ? "" : "s", specs, specs == 1 ? "" : "s", passed, failed);
        if (!cfg->no_timings)
            fprintf(out, " in %.1f ms", now_ms() - t0);
        fputc('\n', out);
    }
    ifc_model_free(model);
    check_items_free(&items);
    return rc;
}
