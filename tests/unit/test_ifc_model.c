/*
 * test_ifc_model.c - the model index: classes with and without subtypes,
 * every inverse relation in file order, units to SI, hostile relations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ifc/model.h"
#include "step_fixture.h"

#include <math.h>

static const char body[] =
    "#1=IFCPROJECT('p',$,$,$,$,$,$,$,#6);\n"
    "#2=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);\n"
    "#3=IFCSIUNIT(*,.AREAUNIT.,.MILLI.,.SQUARE_METRE.);\n"
    "#4=IFCCONVERSIONBASEDUNIT(#5,.VOLUMEUNIT.,'cubic foot',#7);\n"
    "#5=IFCDIMENSIONALEXPONENTS(3,0,0,0,0,0,0);\n"
    "#6=IFCUNITASSIGNMENT((#2,#3,#4));\n"
    "#7=IFCMEASUREWITHUNIT(IFCVOLUMEMEASURE(0.028316846592),#8);\n"
    "#8=IFCSIUNIT(*,.VOLUMEUNIT.,$,.CUBIC_METRE.);\n"
    "#10=IFCWALL('w1',$,'Wall 1',$,$,$,$,$,$);\n"
    "#11=IFCWALLSTANDARDCASE('w2',$,'Wall 2',$,$,$,$,$,$);\n"
    "#12=IFCWALLTYPE('t',$,'T',$,$,(#13),$,$,$,.SOLIDWALL.);\n"
    "#13=IFCPROPERTYSET('ps1',$,'Pset_WallCommon',$,());\n"
    "#14=IFCPROPERTYSET('ps2',$,'Foo',$,());\n"
    "#15=IFCRELDEFINESBYPROPERTIES('r1',$,$,$,(#10,#11),#14);\n"
    "#16=IFCRELDEFINESBYTYPE('r2',$,$,$,(#10),#12);\n"
    "#17=IFCBUILDINGSTOREY('s',$,$,$,$,$,$,$,$,$);\n"
    "#18=IFCRELCONTAINEDINSPATIALSTRUCTURE('r3',$,$,$,(#10,#11),#17);\n"
    "#19=IFCBUILDING('b',$,$,$,$,$,$,$,$,$,$,$);\n"
    "#20=IFCRELAGGREGATES('r4',$,$,$,#19,(#17));\n"
    "#21=IFCOPENINGELEMENT('o',$,$,$,$,$,$,$,$);\n"
    "#22=IFCRELVOIDSELEMENT('r5',$,$,$,#10,#21);\n"
    "#23=IFCDOOR('d',$,$,$,$,$,$,$,$,$,$,$,$);\n"
    "#24=IFCRELFILLSELEMENT('r6',$,$,$,#21,#23);\n"
    "#25=IFCGROUP('g',$,$,$,$);\n"
    "#26=IFCRELASSIGNSTOGROUP('r7',$,$,$,(#10),$,#25);\n"
    "#27=IFCCLASSIFICATIONREFERENCE($,'EF_25',$,$,$,$);\n"
    "#28=IFCRELASSOCIATESCLASSIFICATION('r8',$,$,$,(#10),#27);\n"
    "#29=IFCMATERIAL('Concrete',$,$);\n"
    "#30=IFCRELASSOCIATESMATERIAL('r9',$,$,$,(#10,#12),#29);\n"
    "#31=IFCPROPERTYSET('ps3',$,'Bar',$,());\n"
    "#32=IFCRELDEFINESBYPROPERTIES('r10',$,$,$,(#10),#31);\n"
    "#33=IFCRELNESTS('r11',$,$,$,#23,(#21));\n";

static ifc_model *open_body(const char *text, char **bytes, ifc_step_error *err)
{
    size_t len;
    ifc_model *m = NULL;

    *bytes = step_fixture_file(text, &len);
    ifc_step_error_clear(err);
    ifc_model_open_memory(*bytes, len, NULL, &m, err);
    return m;
}

static uint32_t id_of(ifc_model *m, ifc_step_inst inst)
{
    return ifc_step_instance_id(ifc_model_reader(m), inst);
}

static ifc_step_inst at(ifc_model *m, uint32_t id)
{
    return ifc_step_find(ifc_model_reader(m), id);
}

static void related_ids(ifc_model *m, uint32_t id, ifc_model_rel rel, uint32_t *out,
                        size_t *n)
{
    const ifc_step_inst *l = ifc_model_related(m, at(m, id), rel, n);
    for (size_t i = 0; i < *n; i++)
        out[i] = id_of(m, l[i]);
}

static void test_classes(void **state)
{
    (void)state;
    char *bytes;
    ifc_step_error err;
    ifc_model *m = open_body(body, &bytes, &err);
    if (!m)
        fail_msg("%s", err.message);
    const ifc_schema *s = ifc_model_schema(m);
    ifc_entity wall = ifc_entity_find(s, "IfcWall", 7);
    size_t n;
    const ifc_step_inst *l = ifc_model_instances(m, wall, &n);
    assert_int_equal(n, 1);
    assert_int_equal(id_of(m, l[0]), 10);
    assert_int_equal(ifc_model_count(m, wall, false), 1);
    assert_int_equal(ifc_model_count(m, wall, true), 2);
    ifc_step_inst *all;
    assert_int_equal(ifc_model_collect(m, ifc_entity_find(s, "IfcRoot", 7), true, &all, &n),
                     IFC_STEP_OK);
    /* Every rooted instance, in file order across classes. */
    assert_true(n >= 20);
    for (size_t i = 1; i < n; i++)
        assert_true(all[i - 1] < all[i]);
    free(all);
    assert_int_equal(ifc_model_entity_of(m, at(m, 11)),
                     ifc_entity_find(s, "IfcWallStandardCase", 19));
    ifc_model_free(m);
    free(bytes);
}

static void test_relations(void **state)
{
    (void)state;
    char *bytes;
    ifc_step_error err;
    ifc_model *m = open_body(body, &bytes, &err);
    uint32_t ids[8];
    size_t n;

    assert_non_null(m);
    related_ids(m, 10, IFC_REL_PROPERTIES, ids, &n);
    assert_int_equal(n, 2); /* file order of the relationships */
    assert_int_equal(ids[0], 14);
    assert_int_equal(ids[1], 31);
    related_ids(m, 12, IFC_REL_PROPERTIES, ids, &n); /* the type's HasPropertySets */
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 13);
    related_ids(m, 10, IFC_REL_TYPE, ids, &n);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 12);
    related_ids(m, 11, IFC_REL_TYPE, ids, &n);
    assert_int_equal(n, 0);
    related_ids(m, 11, IFC_REL_CONTAINED_IN, ids, &n);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 17);
    related_ids(m, 17, IFC_REL_AGGREGATED_IN, ids, &n);
    assert_int_equal(ids[0], 19);
    related_ids(m, 19, IFC_REL_AGGREGATES, ids, &n);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 17);
    related_ids(m, 21, IFC_REL_VOIDS, ids, &n);
    assert_int_equal(ids[0], 10);
    related_ids(m, 10, IFC_REL_HAS_OPENINGS, ids, &n);
    assert_int_equal(ids[0], 21);
    related_ids(m, 23, IFC_REL_FILLS, ids, &n);
    assert_int_equal(ids[0], 21);
    related_ids(m, 21, IFC_REL_NESTED_IN, ids, &n);
    assert_int_equal(ids[0], 23);
    related_ids(m, 10, IFC_REL_GROUP, ids, &n);
    assert_int_equal(ids[0], 25);
    related_ids(m, 10, IFC_REL_CLASSIFICATION, ids, &n);
    assert_int_equal(ids[0], 27);
    related_ids(m, 12, IFC_REL_MATERIAL, ids, &n);
    assert_int_equal(ids[0], 29);
    assert_int_equal(ifc_model_related_first(m, at(m, 29), IFC_REL_MATERIAL),
                     IFC_STEP_NO_INST);
    ifc_model_free(m);
    free(bytes);
}

static void test_units(void **state)
{
    (void)state;
    char *bytes;
    ifc_step_error err;
    ifc_model *m = open_body(body, &bytes, &err);
    double f;

    assert_non_null(m);
    assert_true(ifc_model_unit_factor(m, ifc_model_project_unit(m, "LENGTHUNIT"), &f));
    assert_true(fabs(f - 1e-3) < 1e-15);
    assert_true(ifc_model_unit_factor(m, ifc_model_project_unit(m, "AREAUNIT"), &f));
    assert_true(fabs(f - 1e-6) < 1e-18);
    assert_true(ifc_model_unit_factor(m, ifc_model_project_unit(m, "VOLUMEUNIT"), &f));
    assert_true(fabs(f - 0.028316846592) < 1e-12);
    assert_int_equal(ifc_model_project_unit(m, "TIMEUNIT"), IFC_STEP_NO_INST);
    assert_false(ifc_model_unit_factor(m, at(m, 10), &f));
    ifc_model_free(m);
    free(bytes);
}

static void test_hostile(void **state)
{
    (void)state;
    char *bytes;
    ifc_step_error err;
    /* A relationship naming an id the file lacks is an error with its line. */
    ifc_model *m = open_body("#1=IFCWALL('w',$,$,$,$,$,$,$,$);\n"
                             "#2=IFCRELDEFINESBYPROPERTIES('r',$,$,$,(#1),#99);\n",
                             &bytes, &err);
    assert_null(m);
    assert_int_equal(err.code, IFC_STEP_ERR_DANGLING);
    assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE + 1);
    free(bytes);
    /* Relationships whose attributes hold the wrong kinds are skipped. */
    m = open_body("#1=IFCWALL('w',$,$,$,$,$,$,$,$);\n"
                  "#2=IFCRELDEFINESBYPROPERTIES('r',$,$,$,'x',3.5);\n"
                  "#3=IFCRELCONTAINEDINSPATIALSTRUCTURE('r',$,$,$,(#1,#1),#1);\n"
                  "#4=IFCRELAGGREGATES('r',$,$,$);\n",
                  &bytes, &err);
    if (!m)
        fail_msg("%s", err.message);
    size_t n;
    ifc_model_related(m, at(m, 1), IFC_REL_CONTAINED_IN, &n);
    assert_int_equal(n, 2);
    ifc_model_related(m, at(m, 1), IFC_REL_PROPERTIES, &n);
    assert_int_equal(n, 0);
    ifc_model_free(m);
    free(bytes);
    /* A schema the tables lack. */
    const char *other = "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\n"
                        "FILE_NAME('','',(),(),'','','');\nFILE_SCHEMA(('CONFIG_CONTROL_DESIGN'));\n"
                        "ENDSEC;\nDATA;\n#1=PRODUCT('a');\nENDSEC;\nEND-ISO-10303-21;\n";
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_model_open_memory(other, strlen(other), NULL, &m, &err),
                     IFC_STEP_ERR_UNSUPPORTED);
    assert_null(m);
    assert_non_null(strstr(err.message, "CONFIG_CONTROL_DESIGN"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_relations),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
