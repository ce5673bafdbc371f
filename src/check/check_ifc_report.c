/*
 * check_ifc_report.c - `idsd check --ifc MODEL SPEC... --format
 * junit|html|markdown|bcf`: one report file of the model checked against
 * every IDS file, made by src/view.
 *
 * Each IDS file is loaded, validated and checked as for text and json
 * (the specifications of a file on cfg->jobs threads); the specifications
 * of every checked file go into one report, in input order. A file that is
 * invalid or cannot be read is not in the report (it has no verdicts): it
 * is one line on stderr and counts in the exit status as for text (1 for
 * an invalid document, 2 for one that cannot be read). Exit status: 0
 * every specification passes, 1 one fails, 2 the model or a file cannot
 * be read or the report cannot be written.
 */
#include "check/check_internal.h"

#include "ifc/model.h"
#include "verify/verify.h"

#include <stdlib.h>
#include <string.h>

/* One checked IDS file, kept until the report is written: the view
 * borrows the result's strings. */
typedef struct checked {
    char *title;
    verify_result *result;
    view_verify_check *view;
} checked;

static void say(const char *path, const char *what, const char *why)
{
    fprintf(stderr, "idsd check: %s: %s: %s\n", path, what, why);
}

/* Loads, validates and checks one file. Returns its outcome; on
 * CHECK_VALID *c is filled. */
static check_outcome check_one(const check_config *cfg, const ifc_model *model,
                               size_t max_failures, const check_item *item, const char *model_name,
                               checked *c)
{
    ids_doc *doc = NULL;
    ids_report *report = NULL;
    verify_plan *plan = NULL;
    ids_error err;
    verify_error verr;
    check_outcome outcome = CHECK_FAILED;

    if (item->walk_error) {
        say(item->path, "not checked", item->walk_error->message);
        return CHECK_FAILED;
    }
    ids_error_clear(&err);
    if (ids_doc_load_file(item->path, &cfg->limits, &doc, &err) != IDS_OK) {
        outcome = err.code == IDS_ERR_PARSE || err.code == IDS_ERR_NOT_IDS ? CHECK_INVALID
                                                                           : CHECK_FAILED;
        say(item->path, outcome == CHECK_INVALID ? "invalid document, not checked" : "failed",
            err.message[0] ? err.message : ids_status_name(err.code));
        return outcome;
    }
    ids_error_clear(&err);
    if (ids_validate(doc, cfg->schema, &report, &err) != IDS_OK) {
        say(item->path, "failed", err.message);
        goto out;
    }
    if (!ids_report_valid(report)) {
        outcome = CHECK_INVALID;
        say(item->path, "invalid document, not checked",
            "it breaks IDS rules (idsd check without --ifc lists them)");
        goto out;
    }
    if (verify_plan_new(doc, &plan, &verr) != VERIFY_OK) {
        say(item->path, "failed", verr.message);
        goto out;
    }
    verify_options o = {.jobs = cfg->jobs, .max_failures = max_failures};
    if (verify_run(plan, model, &o, &c->result, &verr) != VERIFY_OK) {
        say(item->path, "failed", verr.message);
        goto out;
    }
    c->title = ids_info_get_dup(doc, IDS_INFO_TITLE);
    c->view = view_verify_check_new(plan, c->result, c->title, model_name);
    if (!c->view) {
        say(item->path, "failed", "out of memory");
        goto out;
    }
    outcome = CHECK_VALID;
out:
    verify_plan_free(plan);
    ids_report_free(report);
    ids_doc_free(doc);
    return outcome;
}

int check_ifc_report_run(const check_config *cfg, const char *model_path, size_t max_failures,
                         view_report_format format, const char *const *inputs, size_t n_inputs,
                         FILE *out)
{
    check_items items;
    ifc_model *model = NULL;
    ifc_step_error serr;
    checked *files = NULL;
    const view_check_result **parts = NULL;
    size_t n_parts = 0;
    view_check_spec *owned = NULL;
    char why[512];
    int rc = CHECK_EXIT_VALID;

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
    const char *slash = strrchr(model_path, '/');
    const char *model_name = slash ? slash + 1 : model_path;
    files = calloc(items.n ? items.n : 1, sizeof *files);
    parts = calloc(items.n ? items.n : 1, sizeof *parts);
    if (!files || !parts) {
        fprintf(stderr, "idsd check: out of memory\n");
        rc = CHECK_EXIT_ERROR;
        goto out;
    }
    for (size_t i = 0; i < items.n; i++) {
        check_outcome o = check_one(cfg, model, max_failures, &items.items[i], model_name,
                                    &files[i]);
        if (o == CHECK_FAILED)
            rc = CHECK_EXIT_ERROR;
        else if (o == CHECK_INVALID && rc == CHECK_EXIT_VALID)
            rc = CHECK_EXIT_INVALID;
        if (o != CHECK_VALID)
            continue;
        if (files[i].result->n_failed > 0 && rc == CHECK_EXIT_VALID)
            rc = CHECK_EXIT_INVALID;
        parts[n_parts++] = view_verify_check_result(files[i].view);
    }
    char title[64];
    snprintf(title, sizeof title, "%zu IDS files", n_parts);
    view_check_result merged;
    if (!check_report_merge(parts, n_parts, title, &merged, &owned)) {
        fprintf(stderr, "idsd check: out of memory\n");
        rc = CHECK_EXIT_ERROR;
        goto out;
    }
    if (!check_report_write(out, format, &merged, cfg->no_timings ? 0 : check_report_now(), why,
                            sizeof why)) {
        fprintf(stderr, "idsd check: %s\n", why);
        rc = CHECK_EXIT_ERROR;
    }
out:
    free(owned);
    for (size_t i = 0; files && i < items.n; i++) {
        view_verify_check_free(files[i].view);
        verify_result_free(files[i].result);
        free(files[i].title);
    }
    free(files);
    free(parts);
    ifc_model_free(model);
    check_items_free(&items);
    return rc;
}
