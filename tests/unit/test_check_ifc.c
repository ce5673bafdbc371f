/*
 * test_check_ifc.c - `idsd check --ifc`: the json and text reports, the
 * exit statuses, invalid documents reported and not checked, an unreadable
 * model; and the conversion of a result into view_check_result, rendered.
 * Skipped (77) without the shared test cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check/check.h"
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *case_path(const char *rel, const char *ext)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "testcases/%s.%s", rel, ext);
    return strdup(testutil_shared_path(buf));
}

static char *run(check_format fmt, const char *model, const char *const *inputs, size_t n,
                 int *rc)
{
    check_config cfg;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    memset(&cfg, 0, sizeof cfg);
    cfg.format = fmt;
    cfg.jobs = 2;
    cfg.no_timings = true;
    assert_non_null(out);
    *rc = check_ifc_run(&cfg, model, 2, inputs, n, out);
    fclose(out);
    return text;
}

static void test_json(void **state)
{
    (void)state;
    char *model = case_path("property/fail-all_matching_property_sets_must_satisfy_requirements_2_3",
                            "ifc");
    char *ids = case_path("property/fail-all_matching_property_sets_must_satisfy_requirements_2_3",
                          "ids");
    char *bad = case_path("entity/invalid-invalid_entities_always_fail", "ids");
    const char *inputs[] = {ids, bad};
    int rc;
    char *text = run(CHECK_FORMAT_JSON, model, inputs, 2, &rc);
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);

    assert_int_equal(rc, CHECK_EXIT_INVALID);
    if (!root)
        fail_msg("%s: %s", jerr.text, text);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "model"),
                                                          "schema")), "IFC4");
    json_t *files = json_object_get(root, "files");
    assert_int_equal(json_array_size(files), 2);
    json_t *f0 = json_array_get(files, 0);
    assert_string_equal(json_string_value(json_object_get(f0, "outcome")), "checked");
    json_t *spec = json_array_get(json_object_get(f0, "specifications"), 0);
    assert_string_equal(json_string_value(json_object_get(spec, "status")), "fail");
    assert_int_equal(json_integer_value(json_object_get(spec, "applicable")), 1);
    json_t *req = json_array_get(json_object_get(spec, "requirements"), 0);
    assert_string_equal(json_string_value(json_object_get(req, "facet")), "property");
    assert_int_equal(json_integer_value(json_object_get(req, "failed")), 1);
    json_t *failure = json_array_get(json_object_get(req, "failures"), 0);
    assert_string_equal(json_string_value(json_object_get(failure, "global_id")),
                        "2nJrDaLQfJ1QPhdJR0o97J");
    assert_string_equal(json_string_value(json_object_get(failure, "class")), "IfcWall");
    assert_non_null(strstr(json_string_value(json_object_get(failure, "reason")), "Foo"));
    /* The invalid document: findings, never checked. */
    json_t *f1 = json_array_get(files, 1);
    assert_string_equal(json_string_value(json_object_get(f1, "outcome")), "invalid");
    assert_null(json_object_get(f1, "specifications"));
    assert_true(json_array_size(json_object_get(f1, "findings")) > 0);
    assert_int_equal(json_integer_value(json_object_get(root, "exit")), CHECK_EXIT_INVALID);
    json_decref(root);
    free(text);
    free(model);
    free(ids);
    free(bad);
}

static void test_text_and_exit(void **state)
{
    (void)state;
    char *model = case_path("ids/pass-a_minimal_ids_can_check_a_minimal_ifc_2_2", "ifc");
    char *ids = case_path("ids/pass-a_minimal_ids_can_check_a_minimal_ifc_2_2", "ids");
    const char *inputs[] = {ids};
    int rc;
    char *text = run(CHECK_FORMAT_TEXT, model, inputs, 1, &rc);

    assert_int_equal(rc, CHECK_EXIT_VALID);
    assert_non_null(strstr(text, "PASS"));
    assert_non_null(strstr(text, "1 specification, 1 passed, 0 failed"));
    free(text);
    /* A model that is not there: exit 2 before any document is read. */
    text = run(CHECK_FORMAT_TEXT, "/nonexistent/model.ifc", inputs, 1, &rc);
    assert_int_equal(rc, CHECK_EXIT_ERROR);
    free(text);
    /* An IDS file that is not there: 2. */
    const char *missing[] = {"/nonexistent/spec.ids"};
    text = run(CHECK_FORMAT_TEXT, model, missing, 1, &rc);
    assert_int_equal(rc, CHECK_EXIT_ERROR);
    free(text);
    /* A STEP file that is not IFC. */
    char *dir = testutil_mkdtemp();
    char path[1024];
    snprintf(path, sizeof path, "%s/x.ifc", dir);
    FILE *f = fopen(path, "w");
    fputs("not a step file", f);
    fclose(f);
    text = run(CHECK_FORMAT_TEXT, path, inputs, 1, &rc);
    assert_int_equal(rc, CHECK_EXIT_ERROR);
    free(text);
    testutil_rmtree(dir);
    free(dir);
    free(model);
    free(ids);
}

static void test_view(void **state)
{
    (void)state;
    char *model_path = case_path("material/fail-elements_without_a_material_always_fail", "ifc");
    char *ids_path = case_path("material/fail-elements_without_a_material_always_fail", "ids");
    ids_doc *doc = NULL;
    ids_error ierr;
    ifc_model *model = NULL;
    ifc_step_error serr;
    verify_plan *plan = NULL;
    verify_result *res = NULL;
    verify_error verr;

    ids_error_clear(&ierr);
    assert_int_equal(ids_doc_load_file(ids_path, NULL, &doc, &ierr), IDS_OK);
    ifc_step_error_clear(&serr);
    assert_int_equal(ifc_model_open_file(model_path, NULL, &model, &serr), IFC_STEP_OK);
    assert_int_equal(verify_plan_new(doc, &plan, &verr), VERIFY_OK);
    assert_int_equal(verify_run(plan, model, NULL, &res, &verr), VERIFY_OK);
    view_verify_check *v = view_verify_check_new(plan, res, "T", "m.ifc");
    assert_non_null(v);
    const view_check_result *vr = view_verify_check_result(v);
    assert_int_equal(vr->n_specs, 1);
    assert_int_equal(vr->specs[0].status, VIEW_CHECK_FAIL);
    assert_int_equal(vr->specs[0].n_requirements, 1);
    assert_int_equal(vr->specs[0].requirements[0].n_failed, 1);
    assert_int_equal(vr->specs[0].requirements[0].n_elements, 1);
    assert_non_null(vr->specs[0].requirements[0].text);
    assert_string_equal(vr->specs[0].requirements[0].elements[0].reason, "has no material");
    assert_string_equal(vr->ifc_version, "IFC4");
    view_input in = {.check = vr};
    char *md = NULL;
    size_t len;
    assert_int_equal(view_markdown(&in, &md, &len), VIEW_OK);
    assert_non_null(strstr(md, "has no material"));
    free(md);
    view_verify_check_free(v);
    verify_result_free(res);
    verify_plan_free(plan);
    ifc_model_free(model);
    ids_doc_free(doc);
    free(model_path);
    free(ids_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_text_and_exit),
        cmocka_unit_test(test_view),
    };
    if (!testutil_shared_ids_dir()) {
        fprintf(stderr, "no shared IDS material; skipped\n");
        return 77;
    }
    ids_library_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return rc;
}
