/*
 * test_verify_concurrency.c - many specifications on many threads give the
 * same result as one thread, run after run; a set cancel flag stops the
 * run; failure lists are cut at max_failures with the totals kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/ids.h"
#include "ifc/model.h"
#include "verify/verify.h"
#include "step_fixture.h"
#include "testutil.h"

#define WALLS 300
#define SPECS 48

static char *model_text(size_t *len)
{
    size_t cap = 256 + WALLS * 400;
    char *body = malloc(cap);
    size_t n = 0;

    assert_non_null(body);
    n += (size_t)snprintf(body + n, cap - n,
                          "#1=IFCPROJECT('p',$,'P',$,$,$,$,$,#3);\n"
                          "#2=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);\n"
                          "#3=IFCUNITASSIGNMENT((#2));\n"
                          "#4=IFCBUILDINGSTOREY('s',$,'Level 1',$,$,$,$,$,$,$);\n");
    for (int i = 0; i < WALLS; i++) {
        int id = 10 + i * 4;
        n += (size_t)snprintf(body + n, cap - n,
                              "#%d=IFCWALL('w%d',$,'Wall %d',$,$,$,$,$,%s);\n"
                              "#%d=IFCPROPERTYSINGLEVALUE('FireRating',$,IFCLABEL('%s'),$);\n"
                              "#%d=IFCPROPERTYSET('ps%d',$,'Pset_WallCommon',$,(#%d));\n"
                              "#%d=IFCRELDEFINESBYPROPERTIES('r%d',$,$,$,(#%d),#%d);\n",
                              id, i, i, i % 3 == 0 ? ".STANDARD." : ".NOTDEFINED.", id + 1,
                              i % 5 == 0 ? "REI30" : "REI60", id + 2, i, id + 1, id + 3, i,
                              id, id + 2);
    }
    n += (size_t)snprintf(body + n, cap - n, "#5=IFCRELCONTAINEDINSPATIALSTRUCTURE('c',$,$,$,(");
    for (int i = 0; i < WALLS; i++)
        n += (size_t)snprintf(body + n, cap - n, "%s#%d", i ? "," : "", 10 + i * 4);
    n += (size_t)snprintf(body + n, cap - n, "),#4);\n");
    char *file = step_fixture_file(body, len);
    free(body);
    return file;
}

static char *ids_text(void)
{
    static const char *const reqs[] = {
        "<property dataType=\"IFCLABEL\"><propertySet><simpleValue>Pset_WallCommon"
        "</simpleValue></propertySet><baseName><simpleValue>FireRating</simpleValue>"
        "</baseName><value><simpleValue>REI60</simpleValue></value></property>",
        "<attribute><name><simpleValue>Name</simpleValue></name><value><xs:restriction "
        "base=\"xs:string\"><xs:pattern value=\"Wall [0-9]*[02468]\"/></xs:restriction>"
        "</value></attribute>",
        "<partOf relation=\"IFCRELCONTAINEDINSPATIALSTRUCTURE\"><entity><name><simpleValue>"
        "IFCBUILDINGSTOREY</simpleValue></name></entity></partOf>",
        "<entity><name><simpleValue>IFCWALL</simpleValue></name><predefinedType>"
        "<simpleValue>STANDARD</simpleValue></predefinedType></entity>",
    };
    size_t cap = 4096 + SPECS * 1024;
    char *s = malloc(cap);
    size_t n = 0;

    assert_non_null(s);
    n += (size_t)snprintf(s + n, cap - n,
                          "<ids xmlns=\"http://standards.buildingsmart.org/IDS\" "
                          "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><info><title>t</title>"
                          "</info><specifications>");
    for (int i = 0; i < SPECS; i++)
        n += (size_t)snprintf(s + n, cap - n,
                              "<specification name=\"s%d\" ifcVersion=\"IFC4\"><applicability "
                              "minOccurs=\"%d\" maxOccurs=\"unbounded\"><entity><name>"
                              "<simpleValue>%s</simpleValue></name></entity></applicability>"
                              "<requirements>%s</requirements></specification>",
                              i, i % 7 == 0 ? 0 : 1, i % 11 == 0 ? "IFCDOOR" : "IFCWALL",
                              reqs[i % 4]);
    n += (size_t)snprintf(s + n, cap - n, "</specifications></ids>");
    return s;
}

typedef struct fixture {
    char *model_bytes;
    ifc_model *model;
    ids_doc *doc;
    verify_plan *plan;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    size_t len;
    ifc_step_error serr;
    ids_error ierr;
    verify_error verr;
    char *ids = ids_text();

    f->model_bytes = model_text(&len);
    ifc_step_error_clear(&serr);
    if (ifc_model_open_memory(f->model_bytes, len, NULL, &f->model, &serr) != IFC_STEP_OK)
        fail_msg("%s", serr.message);
    ids_error_clear(&ierr);
    if (ids_doc_load_string(ids, strlen(ids), NULL, &f->doc, &ierr) != IDS_OK)
        fail_msg("%s", ierr.message);
    free(ids);
    if (verify_plan_new(f->doc, &f->plan, &verr) != VERIFY_OK)
        fail_msg("%s", verr.message);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    verify_plan_free(f->plan);
    ids_doc_free(f->doc);
    ifc_model_free(f->model);
    free(f->model_bytes);
    free(f);
    return 0;
}

static void same_results(const verify_result *a, const verify_result *b)
{
    assert_int_equal(a->n_specs, b->n_specs);
    assert_int_equal(a->n_passed, b->n_passed);
    assert_int_equal(a->n_failed, b->n_failed);
    for (size_t i = 0; i < a->n_specs; i++) {
        const verify_spec_result *x = &a->specs[i], *y = &b->specs[i];
        assert_int_equal(x->status, y->status);
        assert_int_equal(x->n_applicable, y->n_applicable);
        assert_int_equal(x->n_failed, y->n_failed);
        for (size_t q = 0; q < x->n_requirements; q++) {
            assert_int_equal(x->requirements[q].n_failed, y->requirements[q].n_failed);
            assert_int_equal(x->requirements[q].n_failures, y->requirements[q].n_failures);
            for (size_t k = 0; k < x->requirements[q].n_failures; k++) {
                assert_int_equal(x->requirements[q].failures[k].step_id,
                                 y->requirements[q].failures[k].step_id);
                assert_string_equal(x->requirements[q].failures[k].reason,
                                    y->requirements[q].failures[k].reason);
            }
        }
    }
}

static void test_threads_agree(void **state)
{
    fixture *f = *state;
    verify_result *one, *many;
    verify_error err;
    verify_options o1 = {.jobs = 1}, o8 = {.jobs = 8};
    int rounds = testutil_slow_runtime() ? 1 : 4;

    assert_int_equal(verify_run(f->plan, f->model, &o1, &one, &err), VERIFY_OK);
    /* What the model holds: odd-numbered walls fail the name pattern;
     * every wall is contained in the storey; 100 of 300 are STANDARD; 60
     * are REI30. Specification i has requirement i % 4. */
    assert_int_equal(one->specs[1].n_applicable, WALLS);
    assert_int_equal(one->specs[1].requirements[0].n_failed, WALLS / 2);
    assert_int_equal(one->specs[1].requirements[0].n_failures, VERIFY_DEFAULT_MAX_FAILURES);
    assert_non_null(strstr(one->specs[1].requirements[0].failures[0].reason, "'Wall 1'"));
    assert_true(one->truncated);
    assert_int_equal(one->specs[2].status, VERIFY_SPEC_PASS);
    assert_int_equal(one->specs[3].requirements[0].n_failed, 200);
    assert_int_equal(one->specs[4].requirements[0].n_failed, 60);
    assert_non_null(strstr(one->specs[4].requirements[0].failures[0].reason, "'REI30'"));
    assert_string_equal(one->specs[4].requirements[0].failures[0].global_id, "w0");
    assert_string_equal(one->specs[4].requirements[0].failures[0].name, "Wall 0");
    assert_int_equal(one->specs[0].status, VERIFY_SPEC_NOT_APPLICABLE); /* optional, doors */
    assert_int_equal(one->specs[11].status, VERIFY_SPEC_FAIL); /* required, doors */
    for (int r = 0; r < rounds; r++) {
        assert_int_equal(verify_run(f->plan, f->model, &o8, &many, &err), VERIFY_OK);
        assert_int_equal(many->n_done, SPECS);
        same_results(one, many);
        verify_result_free(many);
    }
    verify_result_free(one);
}

static void count_progress(void *ctx, size_t done, size_t total)
{
    size_t *last = ctx;
    assert_true(done > *last || done == *last);
    assert_int_equal(total, SPECS);
    *last = done;
}

static void test_progress_and_cancel(void **state)
{
    fixture *f = *state;
    verify_result *res;
    verify_error err;
    size_t last = 0;
    atomic_bool cancel;
    verify_options o = {.jobs = 1, .progress = count_progress, .progress_ctx = &last};

    assert_int_equal(verify_run(f->plan, f->model, &o, &res, &err), VERIFY_OK);
    assert_int_equal(last, SPECS);
    verify_result_free(res);
    last = 0;
    atomic_init(&cancel, true);
    o.cancel = &cancel;
    o.jobs = 4;
    assert_int_equal(verify_run(f->plan, f->model, &o, &res, &err), VERIFY_ERR_CANCELLED);
    assert_non_null(res);
    assert_true(res->cancelled);
    /* Cancelled before the first specification: none is done, and no
     * progress was reported. */
    assert_int_equal(res->n_done, 0);
    assert_int_equal(last, 0);
    verify_result_free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_agree),
        cmocka_unit_test(test_progress_and_cancel),
    };
    ids_library_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    ids_library_cleanup();
    return rc;
}
