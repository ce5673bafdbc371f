/*
 * test_ifc_step_testcases.c - every .ifc file of the buildingSMART IDS test
 * cases opens and validates, with spot checks of known instances. Skipped
 * (77) without the shared material ($IDSD_SHARED_IDS or ../shared/ids).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>

#include "ifc/step.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void collect(const char *dir, char ***list, size_t *count, size_t *cap)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            collect(path, list, count, cap);
            continue;
        }
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".ifc") != 0)
            continue;
        if (*count == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *list = realloc(*list, *cap * sizeof(char *));
        }
        (*list)[(*count)++] = strdup(path);
    }
    closedir(d);
}

static void test_every_file(void **state)
{
    (void)state;
    const char *dir = testutil_shared_path("testcases");
    char **list = NULL;
    size_t count = 0, cap = 0;
    collect(dir, &list, &count, &cap);
    assert_true(count >= 300);
    size_t instances = 0;
    for (size_t i = 0; i < count; i++) {
        ifc_step_reader *r;
        ifc_step_error err;
        ifc_step_error_clear(&err);
        if (ifc_step_open_file(list[i], NULL, &r, &err) != IFC_STEP_OK)
            fail_msg("%s: %s", list[i], err.message);
        /* Every value of every instance decodes, every reference resolves. */
        if (ifc_step_validate(r, &err) != IFC_STEP_OK)
            fail_msg("%s: %s", list[i], err.message);
        ifc_version v;
        assert_true(ifc_step_version(r, &v));
        assert_int_equal(v, IFC_IFC4);
        assert_true(ifc_step_instance_count(r) > 0);
        instances += ifc_step_instance_count(r);
        ifc_step_close(r);
        free(list[i]);
    }
    free(list);
    print_message("%zu files, %zu instances\n", count, instances);
}

static ifc_step_reader *open_case(const char *relative)
{
    char rel[1024];
    snprintf(rel, sizeof(rel), "testcases/%s", relative);
    const char *path = testutil_shared_path(rel);
    ifc_step_reader *r;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    if (ifc_step_open_file(path, NULL, &r, &err) != IFC_STEP_OK)
        fail_msg("%s: %s", path, err.message);
    return r;
}

static void string_at(ifc_step_reader *r, uint32_t id, unsigned n, char *out, size_t cap)
{
    ifc_step_cursor c;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    ifc_step_inst inst = ifc_step_find(r, id);
    assert_int_not_equal(inst, IFC_STEP_NO_INST);
    ifc_step_kind k = ifc_step_attribute(r, inst, n, &c, &err);
    if (k == IFC_STEP_KIND_TYPED) {
        ifc_step_cursor in;
        assert_int_equal(ifc_step_enter(&c, &in, &err), IFC_STEP_OK);
        k = ifc_step_next(&in, &err);
        c = in;
    }
    assert_int_equal(k, IFC_STEP_KIND_STRING);
    size_t len;
    assert_int_equal(ifc_step_copy_string(&c, out, cap, &len, &err), IFC_STEP_OK);
}

static void test_spot_checks(void **state)
{
    (void)state;
    char s[128];
    /* The Name of #1 and a property's IFCLABEL, both encoded with \X2\. */
    const char *want = "\xE2\x99\xAB" "Don't" "\xC3\x84" "rgerh" "\xC3\xB4" "tel"
                       "\xD0\x8A\xD0\xB5\xD1\x82";
    ifc_step_reader *r =
        open_case("attribute/pass-non_ascii_characters_are_treated_without_encoding.ifc");
    string_at(r, 1, 2, s, sizeof(s));
    assert_string_equal(s, want);
    string_at(r, 1, 0, s, sizeof(s));
    assert_string_equal(s, "1hqIFTRjfV6AWq_bMtnZwI");
    assert_string_equal(ifc_step_type_name(r, ifc_step_instance_type(r, 0)), "IFCWALL");
    ifc_step_close(r);
    r = open_case("property/pass-non_ascii_characters_are_treated_without_encoding.ifc");
    string_at(r, 10, 2, s, sizeof(s));
    assert_string_equal(s, want);
    ifc_step_close(r);

    /* A logical unknown inside IFCLOGICAL, and the unit assignment's
     * references. */
    r = open_case("property/fail-a_logical_unknown_is_considered_false_and_will_not_pass.ifc");
    ifc_step_cursor c, in;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_attribute(r, ifc_step_find(r, 10), 2, &c, &err),
                     IFC_STEP_KIND_TYPED);
    const char *name;
    size_t len;
    assert_int_equal(ifc_step_get_keyword(&c, &name, &len, &err), IFC_STEP_OK);
    assert_true(ifc_step_keyword_equals(name, len, "IfcLogical"));
    assert_int_equal(ifc_step_enter(&c, &in, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_ENUM);
    ifc_step_logical v;
    assert_int_equal(ifc_step_get_logical(&in, &v, &err), IFC_STEP_OK);
    assert_int_equal(v, IFC_STEP_UNKNOWN);
    assert_int_equal(ifc_step_attribute(r, ifc_step_find(r, 6), 0, &c, &err),
                     IFC_STEP_KIND_LIST);
    assert_int_equal(ifc_step_enter(&c, &in, &err), IFC_STEP_OK);
    ifc_step_type siunit = ifc_step_type_find(r, "IfcSIUnit");
    size_t units = 0;
    while (ifc_step_next(&in, &err) == IFC_STEP_KIND_REF) {
        ifc_step_inst u;
        assert_int_equal(ifc_step_resolve(&in, &u, &err), IFC_STEP_OK);
        assert_int_equal(ifc_step_instance_type(r, u), siunit);
        units++;
    }
    assert_int_equal(units, 4);
    size_t n;
    ifc_step_instances_of_type(r, siunit, &n);
    assert_int_equal(n, 4);
    /* The relation's RelatedObjects hold the wall. */
    assert_int_equal(ifc_step_attribute(r, ifc_step_find(r, 9), 4, &c, &err),
                     IFC_STEP_KIND_LIST);
    assert_int_equal(ifc_step_enter(&c, &in, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_REF);
    ifc_step_inst wall;
    assert_int_equal(ifc_step_resolve(&in, &wall, &err), IFC_STEP_OK);
    assert_string_equal(ifc_step_type_name(r, ifc_step_instance_type(r, wall)), "IFCWALL");
    assert_int_equal(ifc_step_instance_line(r, wall), 14);
    ifc_step_close(r);

    /* A table value's columns: IFCLENGTHMEASURE(1000.). */
    r = open_case("property/fail-any_matching_value_in_a_table_property_will_pass_3_3.ifc");
    assert_int_equal(ifc_step_attribute(r, ifc_step_find(r, 10), 3, &c, &err),
                     IFC_STEP_KIND_LIST);
    ifc_step_cursor item;
    assert_int_equal(ifc_step_enter(&c, &item, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&item, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_enter(&item, &in, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_REAL);
    double d;
    assert_int_equal(ifc_step_get_real(&in, &d, &err), IFC_STEP_OK);
    assert_true(d == 1000.0);
    ifc_step_close(r);
}

int main(void)
{
    if (testutil_shared_ids_dir() == NULL) {
        fprintf(stderr, "no shared IDS material: skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_file),
        cmocka_unit_test(test_spot_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
