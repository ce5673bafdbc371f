/*
 * test_check_report.c - the report formats of `idsd check --ifc` made by
 * src/view: their names, the flag rules (a report needs --ifc, bcf needs
 * --output), and the bytes written being view_report's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_internal.h"

static const view_check_element elements[] = {
    {"2O2Fr$t4X7Zf8NOew3FLOH", "IfcWall", "<b>Wall</b>", "FireRating is missing", 42},
};
static const view_check_requirement requirements[] = {
    {"Pset_WallCommon.FireRating must have a value", 1, elements, 1},
};
static const view_check_spec specs[] = {
    {"Walls", NULL, "All IfcWall elements", VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 2, 1, 1, NULL,
     requirements, 1},
};
static const view_check_result result = {"Rules", "m.ifc", "IFC4", specs, 1, false, NULL};

static void test_names(void **state)
{
    (void)state;
    view_report_format f;
    assert_true(check_report_format_parse("html", &f));
    assert_int_equal(f, VIEW_REPORT_HTML);
    assert_true(check_report_format_parse("markdown", &f));
    assert_int_equal(f, VIEW_REPORT_MARKDOWN);
    assert_true(check_report_format_parse("md", &f));
    assert_true(check_report_format_parse("bcf", &f));
    assert_int_equal(f, VIEW_REPORT_BCF);
    assert_true(check_report_format_parse("junit", &f));
    assert_false(check_report_format_parse("text", &f));
    assert_false(check_report_format_parse("xml", &f));
}

static void test_usage_rules(void **state)
{
    (void)state;
    /* Without an IFC model there is nothing to report on. */
    const char *why = check_report_usage_error(VIEW_REPORT_HTML, false, "r.html");
    assert_non_null(why);
    assert_non_null(strstr(why, "--ifc"));
    /* A zip never goes to standard output. */
    why = check_report_usage_error(VIEW_REPORT_BCF, true, NULL);
    assert_non_null(why);
    assert_non_null(strstr(why, "--output"));
    assert_null(check_report_usage_error(VIEW_REPORT_BCF, true, "r.bcf"));
    assert_null(check_report_usage_error(VIEW_REPORT_HTML, true, NULL));
    assert_null(check_report_usage_error(VIEW_REPORT_MARKDOWN, true, NULL));
    assert_null(check_report_usage_error(VIEW_REPORT_JUNIT, true, NULL));
}

static void test_write(void **state)
{
    (void)state;
    char why[256];
    for (int f = VIEW_REPORT_MARKDOWN; f <= VIEW_REPORT_BCF; f++) {
        FILE *tmp = tmpfile();
        assert_non_null(tmp);
        assert_true(check_report_write(tmp, (view_report_format)f, &result, 1796246246, why,
                                       sizeof why));
        long n = ftell(tmp);
        base_buf want = {0};
        view_report_options o = {.created = 1796246246};
        assert_int_equal(view_report(&want, (view_report_format)f, &result, &o), VIEW_OK);
        assert_int_equal((size_t)n, want.len);
        char *got = malloc((size_t)n);
        rewind(tmp);
        assert_int_equal(fread(got, 1, (size_t)n, tmp), (size_t)n);
        assert_memory_equal(got, want.data, want.len);
        free(got);
        base_buf_free(&want);
        fclose(tmp);
    }

    /* A stream that cannot be written: a reason, no crash. */
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    assert_false(check_report_write(ro, VIEW_REPORT_HTML, &result, 0, why, sizeof why));
    assert_non_null(strstr(why, "writing the html report failed"));
    fclose(ro);

    /* A result the view refuses. */
    view_check_result broken = {.n_specs = 1, .specs = NULL};
    FILE *tmp = tmpfile();
    assert_false(check_report_write(tmp, VIEW_REPORT_JUNIT, &broken, 0, why, sizeof why));
    assert_non_null(strstr(why, "the junit report could not be made"));
    fclose(tmp);
    assert_true(check_report_now() > 1700000000LL);
}

static void test_merge(void **state)
{
    (void)state;
    view_check_spec more_specs[2] = {specs[0], specs[0]};
    more_specs[0].name = "Doors";
    more_specs[1].name = "Slabs";
    view_check_result second = {"Other rules", "m.ifc", "IFC4", more_specs, 2, true, NULL};
    view_check_result empty = {"Empty", NULL, NULL, NULL, 0, false, NULL};
    const view_check_result *parts[] = {&result, &empty, &second};
    view_check_result merged;
    view_check_spec *owned;
    assert_true(check_report_merge(parts, 3, "3 IDS files", &merged, &owned));
    assert_int_equal(merged.n_specs, 3);
    assert_string_equal(merged.specs[0].name, "Walls");
    assert_string_equal(merged.specs[1].name, "Doors");
    assert_string_equal(merged.specs[2].name, "Slabs");
    assert_string_equal(merged.ids_title, "3 IDS files");
    assert_string_equal(merged.model, "m.ifc");
    assert_true(merged.truncated);
    free(owned);

    /* One file keeps its own title. */
    assert_true(check_report_merge(parts, 1, "unused", &merged, &owned));
    assert_string_equal(merged.ids_title, "Rules");
    assert_false(merged.truncated);
    free(owned);

    /* Nothing checked: an empty, valid result. */
    assert_true(check_report_merge(parts, 0, "none", &merged, &owned));
    assert_int_equal(merged.n_specs, 0);
    base_buf b = {0};
    assert_int_equal(view_report(&b, VIEW_REPORT_JUNIT, &merged, NULL), VIEW_OK);
    base_buf_free(&b);
    free(owned);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_usage_rules),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
