/*
 * ifc.c - checking IFC models against the session's document:
 * load_ifc_model parses a model once and keeps it on the session (a
 * session attachment, freed with the session by its last release, the
 * reaper or close); validate_ifc_model checks a model file, or the loaded
 * one, against every specification (or one) of the document.
 *
 * The last check of the whole document, or of one specification, stays on
 * the session too (its own attachment) for the view: the page and the MCP
 * App show it under the document, with a note once the document has
 * changed since, until the next check replaces it.
 *
 * Results stay small for any model: per specification its status and
 * counts, and per failed requirement its total and the first failures
 * (GlobalId, class, Name, why), with a truncation flag.
 */
#include "tools/tools_internal.h"

#include "ifc/model.h"
#include "verify/verify.h"
#include "view/view.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_FAILURES 5   /* failing elements listed per requirement */
#define CHECK_JOBS 2         /* threads per check; a server has other sessions */

/* The model a session keeps. */
typedef struct loaded_model {
    ifc_model *model;
    char *name;              /* the path as the caller gave it */
    size_t file_bytes;
} loaded_model;

static void loaded_free(void *data)
{
    loaded_model *lm = data;

    if (!lm)
        return;
    ifc_model_free(lm->model);
    free(lm->name);
    free(lm);
}

static const session_slot_ops model_slot_ops = {"ifc_model", loaded_free, NULL};

/* The last check a session made, as the view shows it. It owns the plan
 * and result the view borrows from. */
typedef struct last_check {
    verify_plan *plan;
    verify_result *result;
    view_verify_check *view;
    char *model_name;
    uint64_t revision;       /* the view revision the check was made at */
} last_check;

static void last_check_free(void *data)
{
    last_check *lc = data;

    if (!lc)
        return;
    view_verify_check_free(lc->view);
    verify_result_free(lc->result);
    verify_plan_free(lc->plan);
    free(lc->model_name);
    free(lc);
}

static const session_slot_ops check_slot_ops = {"ifc_check", last_check_free, NULL};

/* Keeps plan and result (taken over: *plan and *res become NULL) as the
 * session's last check and tells live views. A check that cannot be kept
 * (no memory, no slot) is still answered; the view keeps the one before. */
static void keep_last_check(tool_ctx *c, verify_plan **plan, verify_result **res,
                            const char *model_name)
{
    session_slot slot;
    last_check *lc;

    if (session_slot_register(c->env->store, &check_slot_ops, &slot) != SESSION_OK)
        return;
    lc = calloc(1, sizeof *lc);
    if (!lc)
        return;
    lc->model_name = strdup(model_name);
    /* No title: the page shows the document's own above the check, and
     * the check keeps no pointer into a document that may change. */
    lc->view = view_verify_check_new(*plan, *res, NULL, lc->model_name);
    if (!lc->model_name || !lc->view) {
        view_verify_check_free(lc->view);
        free(lc->model_name);
        free(lc);
        return;
    }
    lc->plan = *plan;
    lc->result = *res;
    *plan = NULL;
    *res = NULL;
    session_attach(c->s, slot, lc);
    tool_view_touch(c);
    lc->revision = c->ts->revision;
}

bool tool_session_last_check(session_store *store, session *s, uint64_t revision,
                             view_check_result *out)
{
    session_slot slot;
    last_check *lc;

    if (session_slot_register(store, &check_slot_ops, &slot) != SESSION_OK)
        return false;
    lc = session_attachment(s, slot);
    if (!lc)
        return false;
    *out = *view_verify_check_result(lc->view);
    if (revision != lc->revision)
        out->note = "The document changed after this check; call validate_ifc_model again "
                    "for a current result.";
    return true;
}

static size_t max_model_bytes(const tool_ctx *c)
{
    size_t m = c->env->config ? c->env->config->max_model_bytes : 0;
    return m ? m : TOOL_DEFAULT_MAX_MODEL_BYTES;
}

static bool model_slot(tool_ctx *c, session_slot *slot)
{
    if (session_slot_register(c->env->store, &model_slot_ops, slot) != SESSION_OK) {
        tool_fail(c, "The server cannot keep a model on a session (no free slot).");
        return false;
    }
    return true;
}

/* Opens the model at the path argument (under the roots, within the size
 * limit); false when the call failed. */
static bool open_model(tool_ctx *c, const char *requested, ifc_model **out, size_t *bytes)
{
    char *path = NULL;
    struct stat st;
    ifc_step_limits limits;
    ifc_step_error err;
    size_t max = max_model_bytes(c);
    bool ok = false;

    *out = NULL;
    if (!tool_path_for_read(c, requested, &path))
        return false;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        tool_fail(c, "'%s' is not a readable file.", BASE_QUOTE(requested, 200));
        goto out;
    }
    if ((uint64_t)st.st_size > max) {
        tool_fail(c, "The model is %lld bytes; this server takes models up to %zu bytes "
                  "(--max-model-bytes).", (long long)st.st_size, max);
        goto out;
    }
    memset(&limits, 0, sizeof limits);
    limits.max_file_bytes = max;
    ifc_step_error_clear(&err);
    if (ifc_model_open_file(path, &limits, out, &err) != IFC_STEP_OK) {
        tool_fail(c, "Could not read the IFC model '%s': %s", BASE_QUOTE(requested, 200),
                  err.message[0] ? err.message : ifc_step_status_name(err.code));
        goto out;
    }
    *bytes = (size_t)st.st_size;
    ok = true;
out:
    free(path);
    return ok;
}

static json_t *model_json(const ifc_model *m, const char *name, size_t bytes)
{
    return json_pack("{s:s, s:s, s:I, s:I}", "name", name, "schema",
                     ifc_version_name(ifc_model_version(m)), "instances",
                     (json_int_t)ifc_step_instance_count(ifc_model_reader(m)), "bytes",
                     (json_int_t)bytes);
}

static void load_impl(tool_ctx *c)
{
    const char *requested = tool_arg_str(c, "path");
    session_slot slot;
    loaded_model *lm;
    ifc_model *m;
    size_t bytes = 0;

    if (!model_slot(c, &slot) || !open_model(c, requested, &m, &bytes))
        return;
    lm = calloc(1, sizeof *lm);
    if (lm)
        lm->name = strdup(requested);
    if (!lm || !lm->name) {
        free(lm);
        ifc_model_free(m);
        tool_fail(c, "Out of memory keeping the model.");
        return;
    }
    lm->model = m;
    lm->file_bytes = bytes;
    bool replaced = session_attachment(c->s, slot) != NULL;
    session_attach(c->s, slot, lm);
    json_t *r = json_object();
    json_object_set_new(r, "model", model_json(m, lm->name, bytes));
    json_object_set_new(r, "replaced_model", json_boolean(replaced));
    tool_ok(c, r, "Loaded %s (%s, %zu instances); validate_ifc_model now checks it.",
            lm->name, ifc_version_name(ifc_model_version(m)),
            ifc_step_instance_count(ifc_model_reader(m)));
}

static json_t *spec_json(const verify_spec_result *s)
{
    json_t *o = json_object();
    json_t *reqs = json_array();

    json_object_set_new(o, "spec_index", json_integer((json_int_t)s->index + 1));
    json_object_set_new(o, "name", json_string(s->name ? s->name : ""));
    if (s->identifier)
        json_object_set_new(o, "identifier", json_string(s->identifier));
    json_object_set_new(o, "status", json_string(verify_spec_status_name(s->status)));
    json_object_set_new(o, "applicable", json_integer((json_int_t)s->n_applicable));
    json_object_set_new(o, "passed", json_integer((json_int_t)s->n_passed));
    json_object_set_new(o, "failed", json_integer((json_int_t)s->n_failed));
    if (s->message)
        json_object_set_new(o, "message", json_string(s->message));
    for (size_t q = 0; q < s->n_requirements; q++) {
        const verify_requirement *rq = &s->requirements[q];
        json_t *fa;

        if (rq->n_failed == 0)
            continue;
        fa = json_array();
        for (size_t k = 0; k < rq->n_failures; k++) {
            const verify_failure *f = &rq->failures[k];
            json_t *e = json_pack("{s:s, s:s}", "class", f->ifc_class, "reason",
                                  f->reason ? f->reason : "");
            if (f->global_id)
                json_object_set_new(e, "global_id", json_string(f->global_id));
            if (f->name)
                json_object_set_new(e, "name", json_string(f->name));
            json_array_append_new(fa, e);
        }
        json_array_append_new(reqs, json_pack("{s:I, s:s, s:I, s:o, s:b}", "facet_index",
                                              (json_int_t)q + 1, "kind",
                                              ids_facet_kind_name(rq->kind), "failed",
                                              (json_int_t)rq->n_failed, "failures", fa,
                                              "truncated", rq->n_failed > rq->n_failures));
    }
    json_object_set_new(o, "failed_requirements", reqs);
    return o;
}

static void check_progress(void *ctx, size_t done, size_t total)
{
    tool_ctx *c = ctx;
    char msg[96];

    snprintf(msg, sizeof msg, "%zu of %zu specifications checked", done, total);
    c->env->progress(c->env->progress_ctx, done, total, msg);
}

/* A check that did not finish; a cancelled one keeps nothing (the view
 * keeps the check before). */
static void check_stopped(tool_ctx *c, const verify_error *err, size_t done, size_t total)
{
    if (err->code == VERIFY_ERR_CANCELLED) {
        tool_fail(c, "The check was cancelled after %zu of %zu specifications; nothing "
                     "was kept.", done, total);
        return;
    }
    tool_fail(c, "The check stopped: %s", err->message);
}

static void validate_model_impl(tool_ctx *c)
{
    const char *requested = tool_arg_str(c, "path");
    json_t *maxf = tool_arg(c, "max_failures");
    ifc_model *opened = NULL;
    const ifc_model *m = NULL;
    const char *name = NULL;
    size_t bytes = 0;
    ids_report *report = NULL;
    ids_error ierr;
    verify_plan *plan = NULL;
    verify_result *res = NULL;
    verify_error verr;
    json_t *r, *specs;
    size_t only = SIZE_MAX;

    if (requested) {
        if (!open_model(c, requested, &opened, &bytes))
            return;
        m = opened;
        name = requested;
    } else {
        session_slot slot;
        loaded_model *lm;
        if (!model_slot(c, &slot))
            return;
        lm = session_attachment(c->s, slot);
        if (!lm) {
            tool_fail(c, "No model: pass path (an .ifc file under the server's roots) or call "
                      "load_ifc_model first.");
            return;
        }
        m = lm->model;
        name = lm->name;
        bytes = lm->file_bytes;
    }
    ids_error_clear(&ierr);
    if (ids_validate(c->ts->doc, NULL, &report, &ierr) != IDS_OK) {
        tool_fail_ids(c, &ierr, "Could not validate the document");
        goto out;
    }
    if (!ids_report_valid(report)) {
        size_t n = 0;
        for (size_t i = 0; i < report->n_findings; i++)
            n += report->findings[i].severity == IDS_SEVERITY_ERROR;
        tool_fail(c, "The document has %zu error(s), so a check would mean nothing; "
                  "validate_ids lists them. Fix them, then check again.", n);
        goto out;
    }
    r = json_object();
    if (tool_arg_given(c, "spec_id")) {
        if (!tool_resolve_spec(c, r, &only)) {
            json_decref(r);
            goto out;
        }
    }
    if (verify_plan_new(c->ts->doc, &plan, &verr) != VERIFY_OK) {
        json_decref(r);
        tool_fail(c, "Could not read the specifications: %s", verr.message);
        goto out;
    }
    verify_options o = {.jobs = CHECK_JOBS,
                        .max_failures = maxf ? (size_t)json_integer_value(maxf)
                                             : DEFAULT_FAILURES,
                        .progress = c->env->progress ? check_progress : NULL,
                        .progress_ctx = c,
                        .cancel = c->env->cancel};
    if (only != SIZE_MAX) {
        res = calloc(1, sizeof *res);
        if (res) {
            res->specs = calloc(1, sizeof *res->specs);
            res->version = ifc_model_version(m);
        }
        if (!res || !res->specs) {
            json_decref(r);
            tool_fail(c, "Out of memory checking the model.");
            goto out;
        }
        res->n_specs = 1;
        if (verify_spec(plan, only, m, &o, &res->specs[0], &verr) != VERIFY_OK) {
            json_decref(r);
            check_stopped(c, &verr, 0, 1);
            goto out;
        }
        res->n_done = 1;
        res->n_failed = res->specs[0].status == VERIFY_SPEC_FAIL;
        res->n_passed = 1 - res->n_failed;
    } else if (verify_run(plan, m, &o, &res, &verr) != VERIFY_OK) {
        json_decref(r);
        check_stopped(c, &verr, res ? res->n_done : 0, verify_plan_spec_count(plan));
        goto out;
    }
    bool truncated = false;
    specs = json_array();
    for (size_t i = 0; i < res->n_specs; i++) {
        json_array_append_new(specs, spec_json(&res->specs[i]));
        for (size_t q = 0; q < res->specs[i].n_requirements; q++)
            truncated |= res->specs[i].requirements[q].n_failed >
                         res->specs[i].requirements[q].n_failures;
    }
    json_object_set_new(r, "model", model_json(m, name, bytes));
    json_object_set_new(r, "status", json_string(res->n_failed ? "fail" : "pass"));
    json_object_set_new(r, "passed", json_integer((json_int_t)res->n_passed));
    json_object_set_new(r, "failed", json_integer((json_int_t)res->n_failed));
    json_object_set_new(r, "truncated", json_boolean(truncated));
    json_object_set_new(r, "specifications", specs);
    tool_ok(c, r, "%s: %zu specification(s) passed, %zu failed%s.", name, res->n_passed,
            res->n_failed, truncated ? " (failure lists cut; counts are whole)" : "");
    keep_last_check(c, &plan, &res, name);
out:
    verify_result_free(res);
    verify_plan_free(plan);
    ids_report_free(report);
    ifc_model_free(opened);
}

const tool_def tool_group_ifc[] = {
    {
        .name = "load_ifc_model",
        .title = "Load an IFC model",
        .description =
            "Parses an IFC model (IFC2X3, IFC4, IFC4X3) once and keeps it in the session "
            "for validate_ifc_model, replacing any model loaded before.",
        .input_schema = TOOL_IN("\"path\":{\"type\":\"string\",\"description\":\"The .ifc "
                                "file, under the server's roots.\"}",
                                "\"path\"", ""),
        .output_schema = TOOL_OUT("", ",\"model\",\"replaced_model\""),
        .read_only = false,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION,
        .impl = load_impl,
    },
    {
        .name = "validate_ifc_model",
        .title = "Check an IFC model against the IDS",
        .description =
            "Checks an IFC model against the document's specifications: counts per "
            "specification, and per failed requirement the first failing elements "
            "(GlobalId, class, Name, reason).",
        .input_schema = TOOL_IN("\"path\":{\"type\":\"string\",\"description\":\"The .ifc "
                                "file under the roots; omit to use the model of "
                                "load_ifc_model.\"}," TOOL_SPEC_ID_PROP ",\"max_failures\":"
                                "{\"type\":\"integer\",\"minimum\":1,\"maximum\":50,"
                                "\"default\":5,\"description\":\"Elements listed per "
                                "failed requirement.\"}",
                                "", ""),
        .output_schema = TOOL_OUT("", ",\"model\",\"status\",\"passed\",\"failed\","
                                      "\"truncated\",\"specifications\""),
        .read_only = true,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = validate_model_impl,
    },
};

const size_t tool_group_ifc_count = sizeof tool_group_ifc / sizeof tool_group_ifc[0];
