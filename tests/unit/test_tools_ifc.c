/*
 * test_tools_ifc.c - load_ifc_model and validate_ifc_model against the real
 * engine and store: a model file checked by path and kept on the session,
 * the results small and right, the size limit, paths outside the roots,
 * an invalid document refused, no model, no session. The memcheck run
 * shows the kept model is freed with its session. Skipped (77) without
 * the shared test cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tools/tools.h"
#include "tools/tools_internal.h"

#define CASE "property/fail-all_matching_property_sets_must_satisfy_requirements_2_3"

typedef struct fx {
    session_store *store;
    tool_config cfg;
    const char *roots[1];
    char *root;
    char transport[SESSION_ID_SIZE];
    tool_env env;
} fx;

static void copy_case(const char *root, const char *ext, const char *as)
{
    char rel[512], dst[1024];
    size_t len;
    snprintf(rel, sizeof rel, "testcases/%s.%s", CASE, ext);
    char *data = testutil_read_file(testutil_shared_path(rel), &len);
    assert_non_null(data);
    snprintf(dst, sizeof dst, "%s/%s", root, as);
    FILE *f = fopen(dst, "wb");
    assert_non_null(f);
    fwrite(data, 1, len, f);
    fclose(f);
    free(data);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    session_config sc;
    memset(&sc, 0, sizeof sc);
    sc.payload_free = tool_session_free;
    if (session_store_new(&sc, &f->store) != SESSION_OK)
        return -1;
    char *tmp = testutil_mkdtemp();
    f->root = realpath(tmp, NULL);
    free(tmp);
    f->roots[0] = f->root;
    f->cfg.roots = f->roots;
    f->cfg.n_roots = 1;
    f->cfg.max_doc_bytes = 4u << 20;
    f->env.store = f->store;
    f->env.config = &f->cfg;
    copy_case(f->root, "ifc", "model.ifc");
    copy_case(f->root, "ids", "spec.ids");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    session_store_free(f->store);
    testutil_rmtree(f->root);
    free(f->root);
    free(f);
    return 0;
}

static json_t *call(fx *f, const char *name, json_t *args, bool expect_error, const char *needle)
{
    const tool_def *t = tool_find(name);
    tool_result r;

    assert_non_null(t);
    f->env.transport_session_id = f->transport[0] ? f->transport : NULL;
    tool_call(t, args, &f->env, &r);
    json_decref(args);
    if (r.is_error != expect_error || (needle && !strstr(r.text, needle))) {
        fprintf(stderr, "%s: expected %s%s%s, got: %s\n", name, expect_error ? "error" : "success",
                needle ? " with " : "", needle ? needle : "", r.text);
        fail();
    }
    if (!r.is_error) {
        char msg[512];
        if (!tool_schema_validate(tool_output_schema(t), r.structured, msg, sizeof msg))
            fail_msg("%s: result breaks its outputSchema: %s", name, msg);
    }
    if (f->env.minted_session_id[0])
        snprintf(f->transport, sizeof f->transport, "%s", f->env.minted_session_id);
    json_t *out = json_incref(r.structured);
    tool_result_clear(&r);
    return out;
}

static void check_result(json_t *r, size_t listed)
{
    assert_string_equal(json_string_value(json_object_get(r, "status")), "fail");
    assert_int_equal(json_integer_value(json_object_get(r, "failed")), 1);
    json_t *spec = json_array_get(json_object_get(r, "specifications"), 0);
    assert_string_equal(json_string_value(json_object_get(spec, "status")), "fail");
    assert_int_equal(json_integer_value(json_object_get(spec, "applicable")), 1);
    json_t *req = json_array_get(json_object_get(spec, "failed_requirements"), 0);
    assert_string_equal(json_string_value(json_object_get(req, "kind")), "property");
    json_t *fails = json_object_get(req, "failures");
    assert_int_equal(json_array_size(fails), listed);
    json_t *e = json_array_get(fails, 0);
    assert_string_equal(json_string_value(json_object_get(e, "global_id")),
                        "2nJrDaLQfJ1QPhdJR0o97J");
    assert_string_equal(json_string_value(json_object_get(e, "class")), "IfcWall");
    assert_non_null(strstr(json_string_value(json_object_get(e, "reason")), "has no property"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "model"), "schema")),
                        "IFC4");
}

static void test_flow(void **state)
{
    fx *f = *state;
    json_t *r;

    /* No session yet. */
    json_decref(call(f, "validate_ifc_model", json_pack("{s:s}", "path", "model.ifc"), true,
                     NULL));
    json_decref(call(f, "load_ids", json_pack("{s:s}", "source", "spec.ids"), false, NULL));
    /* No model loaded and none named. */
    json_decref(call(f, "validate_ifc_model", json_object(), true, "load_ifc_model"));
    /* A path outside the roots, a missing file, a file that is not STEP. */
    json_decref(call(f, "load_ifc_model", json_pack("{s:s}", "path", "/etc/passwd"), true,
                     "outside"));
    json_decref(call(f, "load_ifc_model", json_pack("{s:s}", "path", "missing.ifc"), true,
                     NULL));
    json_decref(call(f, "validate_ifc_model", json_pack("{s:s}", "path", "spec.ids"), true,
                     "Could not read the IFC model"));
    /* By path. */
    r = call(f, "validate_ifc_model", json_pack("{s:s}", "path", "model.ifc"), false, NULL);
    check_result(r, 1);
    json_decref(r);
    /* Loaded once, checked twice (the document may change between). */
    r = call(f, "load_ifc_model", json_pack("{s:s}", "path", "model.ifc"), false, NULL);
    assert_false(json_is_true(json_object_get(r, "replaced_model")));
    json_decref(r);
    r = call(f, "load_ifc_model", json_pack("{s:s}", "path", "model.ifc"), false, NULL);
    assert_true(json_is_true(json_object_get(r, "replaced_model")));
    json_decref(r);
    r = call(f, "validate_ifc_model", json_pack("{s:i}", "max_failures", 1), false, NULL);
    check_result(r, 1);
    json_decref(r);
    r = call(f, "validate_ifc_model", json_pack("{s:i}", "spec_id", 1), false, NULL);
    check_result(r, 1);
    assert_int_equal(json_integer_value(json_object_get(r, "spec_index")), 1);
    json_decref(r);
    json_decref(call(f, "validate_ifc_model", json_pack("{s:i}", "spec_id", 7), true, NULL));
    json_decref(call(f, "validate_ifc_model", json_pack("{s:i}", "max_failures", 0), true,
                     NULL));
    /* An invalid document is not checked. */
    json_decref(call(f, "add_specification", json_pack("{s:s, s:s}", "name", "broken",
                                                       "ifc_versions", "IFC4"),
                     false, NULL));
    json_decref(call(f, "validate_ifc_model", json_object(), true, "validate_ids"));
    /* The session goes, with its model (memcheck shows nothing leaks). */
    json_decref(call(f, "close_session", json_object(), false, NULL));
}

static char *view_of(fx *f, tool_view_kind kind, uint64_t *revision)
{
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(tool_session_view(f->store, f->transport, kind, NULL, &out, &len, revision),
                     SESSION_OK);
    assert_non_null(out);
    return out;
}

/* The view shows the session's last check under the document, says when
 * the document has moved on since, and takes the next check in its place;
 * a check that is refused leaves the last one. */
static void test_view_shows_last_check(void **state)
{
    fx *f = *state;
    uint64_t before, after;
    char *v;

    json_decref(call(f, "load_ids", json_pack("{s:s}", "source", "spec.ids"), false, NULL));
    v = view_of(f, TOOL_VIEW_MARKDOWN, &before);
    assert_null(strstr(v, "IFC check"));
    free(v);

    json_decref(call(f, "validate_ifc_model", json_pack("{s:s}", "path", "model.ifc"), false,
                     NULL));
    v = view_of(f, TOOL_VIEW_MARKDOWN, &after);
    assert_true(after > before);   /* live views are told */
    assert_non_null(strstr(v, "IFC check of model.ifc"));
    assert_non_null(strstr(v, "2nJrDaLQfJ1QPhdJR0o97J"));
    assert_null(strstr(v, "changed after this check"));
    free(v);
    v = view_of(f, TOOL_VIEW_BODY, NULL);
    assert_non_null(strstr(v, "id=\"check\""));
    assert_non_null(strstr(v, "2nJrDaLQfJ1QPhdJR0o97J"));
    free(v);

    /* describe_ids, what a model shows the user, has it too. */
    tool_result tr;
    json_t *args = json_object();
    tool_call(tool_find("describe_ids"), args, &f->env, &tr);
    json_decref(args);
    assert_false(tr.is_error);
    assert_non_null(strstr(tr.text, "IFC check of model.ifc"));
    tool_result_clear(&tr);

    /* The document moves on: the check is still shown, marked stale. */
    json_decref(call(f, "add_specification", json_pack("{s:s, s:s}", "name", "later",
                                                       "ifc_versions", "IFC4"),
                     false, NULL));
    v = view_of(f, TOOL_VIEW_MARKDOWN, NULL);
    assert_non_null(strstr(v, "IFC check of model.ifc"));
    assert_non_null(strstr(v, "changed after this check"));
    free(v);

    /* A refused check (the document is invalid now) keeps the last one. */
    json_decref(call(f, "validate_ifc_model", json_pack("{s:s}", "path", "model.ifc"), true,
                     "validate_ids"));
    v = view_of(f, TOOL_VIEW_MARKDOWN, NULL);
    assert_non_null(strstr(v, "changed after this check"));
    free(v);

    /* A new check of one specification replaces it and is current. */
    json_decref(call(f, "remove_specification", json_pack("{s:s}", "spec_id", "later"), false,
                     NULL));
    json_decref(call(f, "validate_ifc_model",
                     json_pack("{s:s, s:i}", "path", "model.ifc", "spec_id", 1), false, NULL));
    v = view_of(f, TOOL_VIEW_MARKDOWN, NULL);
    assert_non_null(strstr(v, "IFC check of model.ifc"));
    assert_null(strstr(v, "changed after this check"));
    free(v);
    /* Teardown frees the session with its check (memcheck shows no leak). */
}

/* A check whose client gave up stops, says so, and keeps nothing: the
 * view still shows the check before it. */
static void test_cancelled(void **state)
{
    fx *f = *state;
    atomic_bool cancel;
    char *v;

    json_decref(call(f, "load_ids", json_pack("{s:s}", "source", "spec.ids"), false, NULL));
    json_decref(call(f, "validate_ifc_model", json_pack("{s:s}", "path", "model.ifc"), false,
                     NULL));
    json_decref(call(f, "add_specification", json_pack("{s:s, s:s}", "name", "later",
                                                       "ifc_versions", "IFC4"),
                     false, NULL));
    json_decref(call(f, "remove_specification", json_pack("{s:s}", "spec_id", "later"), false,
                     NULL));
    atomic_init(&cancel, true);
    f->env.cancel = &cancel;
    json_decref(call(f, "validate_ifc_model", json_pack("{s:s}", "path", "model.ifc"), true,
                     "cancelled after 0 of 1 specifications"));
    json_decref(call(f, "validate_ifc_model", json_pack("{s:s, s:i}", "path", "model.ifc",
                                                        "spec_id", 1),
                     true, "cancelled"));
    v = view_of(f, TOOL_VIEW_MARKDOWN, NULL);
    assert_non_null(strstr(v, "changed after this check"));   /* the one before */
    free(v);
    /* Not set: the check runs. */
    atomic_store(&cancel, false);
    json_decref(call(f, "validate_ifc_model", json_pack("{s:s}", "path", "model.ifc"), false,
                     NULL));
    f->env.cancel = NULL;
}

static void test_size_limit(void **state)
{
    fx *f = *state;

    f->cfg.max_model_bytes = 100;
    json_decref(call(f, "load_ids", json_pack("{s:s}", "source", "spec.ids"), false, NULL));
    json_decref(call(f, "load_ifc_model", json_pack("{s:s}", "path", "model.ifc"), true,
                     "--max-model-bytes"));
    json_decref(call(f, "validate_ifc_model", json_pack("{s:s}", "path", "model.ifc"), true,
                     "--max-model-bytes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_shows_last_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancelled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_limit, setup, teardown),
    };
    const char *why = NULL;
    if (!testutil_shared_ids_dir()) {
        fprintf(stderr, "no shared IDS material; skipped\n");
        return 77;
    }
    ids_library_init();
    if (!tool_catalogue_init(&why)) {
        fprintf(stderr, "catalogue: %s\n", why);
        return 1;
    }
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tool_catalogue_cleanup();
    ids_library_cleanup();
    return rc;
}
