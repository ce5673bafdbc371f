/*
 * test_verify_testcases.c - the buildingSMART test suite: every pass-* and
 * fail-* case (.ids against its .ifc) must give the verdict its name
 * states, and every invalid-* document must be reported invalid before a
 * check. Skipped (77) without the shared material.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/ids.h"
#include "ifc/model.h"
#include "verify/verify.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum expect { EXPECT_PASS, EXPECT_FAIL, EXPECT_INVALID, EXPECT_NONE } expect;

static expect expect_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(base, "pass-", 5) == 0)
        return EXPECT_PASS;
    if (strncmp(base, "fail-", 5) == 0)
        return EXPECT_FAIL;
    if (strncmp(base, "invalid-", 8) == 0)
        return EXPECT_INVALID;
    return EXPECT_NONE;
}

/* The case's verdict: true when every specification passes. */
static bool check_case(const char *ids_path, char *detail, size_t cap)
{
    char ifc_path[4096];
    ids_doc *doc = NULL;
    ids_error ierr;
    ifc_model *model = NULL;
    ifc_step_error serr;
    verify_plan *plan = NULL;
    verify_result *res = NULL;
    verify_error verr;
    bool pass = false;
    size_t n = strlen(ids_path);

    snprintf(ifc_path, sizeof ifc_path, "%.*s.ifc", (int)(n - 4), ids_path);
    ids_error_clear(&ierr);
    if (ids_doc_load_file(ids_path, NULL, &doc, &ierr) != IDS_OK)
        fail_msg("%s: %s", ids_path, ierr.message);
    ifc_step_error_clear(&serr);
    if (ifc_model_open_file(ifc_path, NULL, &model, &serr) != IFC_STEP_OK)
        fail_msg("%s: %s", ifc_path, serr.message);
    if (verify_plan_new(doc, &plan, &verr) != VERIFY_OK)
        fail_msg("%s: %s", ids_path, verr.message);
    verify_options o = {.jobs = 1, .max_failures = 3};
    if (verify_run(plan, model, &o, &res, &verr) != VERIFY_OK)
        fail_msg("%s: %s", ids_path, verr.message);
    pass = res->n_failed == 0;
    detail[0] = '\0';
    for (size_t i = 0; i < res->n_specs; i++) {
        const verify_spec_result *s = &res->specs[i];
        size_t used = strlen(detail);
        snprintf(detail + used, cap - used, "[%s: %zu applicable, %zu failed%s%s", 
                 verify_spec_status_name(s->status), s->n_applicable, s->n_failed,
                 s->message ? "; " : "", s->message ? s->message : "");
        for (size_t q = 0; q < s->n_requirements; q++)
            for (size_t k = 0; k < s->requirements[q].n_failures; k++) {
                used = strlen(detail);
                snprintf(detail + used, cap - used, "; #%u %s", 
                         s->requirements[q].failures[k].step_id,
                         s->requirements[q].failures[k].reason);
            }
        used = strlen(detail);
        snprintf(detail + used, cap - used, "]");
    }
    verify_result_free(res);
    verify_plan_free(plan);
    ifc_model_free(model);
    ids_doc_free(doc);
    return pass;
}

static void test_suite(void **state)
{
    (void)state;
    const char *dir = testutil_shared_path("testcases");
    size_t count = 0, right = 0, cases = 0, invalid = 0, invalid_right = 0;
    char **list;
    char detail[4096];

    if (!dir)
        skip();
    list = testutil_list_ids_files(dir, &count);
    for (size_t i = 0; i < count; i++) {
        expect e = expect_of(list[i]);

        if (e == EXPECT_INVALID) {
            ids_doc *doc = NULL;
            ids_report *rep = NULL;
            ids_error err;
            invalid++;
            ids_error_clear(&err);
            if (ids_doc_load_file(list[i], NULL, &doc, &err) != IDS_OK) {
                invalid_right++;
                continue;
            }
            assert_int_equal(ids_validate(doc, NULL, &rep, &err), IDS_OK);
            if (!ids_report_valid(rep))
                invalid_right++;
            else
                print_message("NOT REPORTED INVALID %s\n", list[i]);
            ids_report_free(rep);
            ids_doc_free(doc);
            continue;
        }
        if (e == EXPECT_NONE)
            continue;
        cases++;
        bool pass = check_case(list[i], detail, sizeof detail);
        if (pass == (e == EXPECT_PASS))
            right++;
        else
            print_message("WRONG %s: %s\n", list[i], detail);
    }
    testutil_free_list(list, count);
    print_message("%zu of %zu verdicts right; %zu of %zu invalid documents reported\n", right,
                  cases, invalid_right, invalid);
    assert_int_equal(cases, 287);
    assert_int_equal(invalid, 27);
    assert_int_equal(right, cases);
    assert_int_equal(invalid_right, invalid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite),
    };
    if (!testutil_shared_ids_dir()) {
        fprintf(stderr, "no shared IDS material; skipped\n");
        return 77;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
