/*
 * test_verify_hostile.c - models whose values and relations are not what
 * the schema says (wrong kinds, wrong classes, cycles in classification
 * sources, aggregation, nesting and units, a relation to itself) checked
 * against every facet kind: the check ends, with verdicts and reasons,
 * and gives the same result every time.
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

static const char model_body[] =
    "#1=IFCPROJECT('p',$,'P',$,$,$,$,$,#2);\n"
    "#2=IFCUNITASSIGNMENT((#3,#5));\n"
    "#3=IFCCONVERSIONBASEDUNIT(#4,.LENGTHUNIT.,'loop',#6);\n"
    "#4=IFCDIMENSIONALEXPONENTS(1,0,0,0,0,0,0);\n"
    "#5=IFCSIUNIT(*,.AREAUNIT.,.GIGA.,.SQUARE_METRE.);\n"
    "#6=IFCMEASUREWITHUNIT(IFCLENGTHMEASURE(2.),#3);\n"
    /* Name an integer, GlobalId unset, PredefinedType a string. */
    "#10=IFCWALL($,$,42,$,$,$,$,$,'STANDARD');\n"
    "#11=IFCWALL('w2',$,'Wall',$,$,$,$,$,.USERDEFINED.);\n"
    /* A property set whose properties are not a list, and one without a name. */
    "#12=IFCPROPERTYSET('s1',$,'Pset_WallCommon',$,'x');\n"
    "#13=IFCPROPERTYSET('s2',$,$,$,(#14,#15,#10));\n"
    "#14=IFCPROPERTYSINGLEVALUE('FireRating',$,(1,2),$);\n"
    "#15=IFCPROPERTYSINGLEVALUE($,$,IFCLABEL('x'),#5);\n"
    "#16=IFCRELDEFINESBYPROPERTIES('r1',$,$,$,(#10,#11,#16),#12);\n"
    "#17=IFCRELDEFINESBYPROPERTIES('r2',$,$,$,(#10),#13);\n"
    /* Definitions and types of the wrong classes. */
    "#18=IFCRELDEFINESBYPROPERTIES('r3',$,$,$,(#11),#10);\n"
    "#19=IFCRELDEFINESBYTYPE('r4',$,$,$,(#10,#11),#12);\n"
    /* A classification reference that is its own source, twice removed. */
    "#20=IFCCLASSIFICATIONREFERENCE($,'A',$,#21,$,$);\n"
    "#21=IFCCLASSIFICATIONREFERENCE($,'B',$,#20,$,$);\n"
    "#22=IFCRELASSOCIATESCLASSIFICATION('r5',$,$,$,(#10,#11),#20);\n"
    /* Materials of the wrong classes. */
    "#23=IFCRELASSOCIATESMATERIAL('r6',$,$,$,(#10),#11);\n"
    "#24=IFCMATERIALLAYERSET((#10,#20),'set',$);\n"
    "#25=IFCRELASSOCIATESMATERIAL('r7',$,$,$,(#11),#24);\n"
    /* Aggregation and nesting in circles, containment in a wall. */
    "#26=IFCRELAGGREGATES('r8',$,$,$,#10,(#11));\n"
    "#27=IFCRELAGGREGATES('r9',$,$,$,#11,(#10));\n"
    "#28=IFCRELNESTS('r10',$,$,$,#10,(#10));\n"
    "#29=IFCRELCONTAINEDINSPATIALSTRUCTURE('r11',$,$,$,(#10),#11);\n"
    "#30=IFCRELASSIGNSTOGROUP('r12',$,$,$,(#10),$,#11);\n"
    "#31=IFCRELVOIDSELEMENT('r13',$,$,$,#10,#10);\n"
    "#32=IFCRELFILLSELEMENT('r14',$,$,$,#10,#10);\n";

static const char *const requirements[] = {
    "<entity><name><simpleValue>IFCWALL</simpleValue></name><predefinedType>"
    "<simpleValue>STANDARD</simpleValue></predefinedType></entity>",
    "<attribute><name><xs:restriction base=\"xs:string\"><xs:pattern value=\".*\"/>"
    "</xs:restriction></name><value><xs:restriction base=\"xs:string\"><xs:minLength "
    "value=\"1\"/></xs:restriction></value></attribute>",
    "<property dataType=\"IFCLABEL\"><propertySet><xs:restriction base=\"xs:string\">"
    "<xs:pattern value=\".*\"/></xs:restriction></propertySet><baseName><xs:restriction "
    "base=\"xs:string\"><xs:pattern value=\".*\"/></xs:restriction></baseName><value>"
    "<simpleValue>x</simpleValue></value></property>",
    "<property dataType=\"IFCLENGTHMEASURE\"><propertySet><simpleValue>Pset_WallCommon"
    "</simpleValue></propertySet><baseName><simpleValue>Width</simpleValue></baseName>"
    "<value><simpleValue>1</simpleValue></value></property>",
    "<classification><value><simpleValue>C</simpleValue></value><system><simpleValue>S"
    "</simpleValue></system></classification>",
    "<material><value><simpleValue>set</simpleValue></value></material>",
    "<partOf><entity><name><simpleValue>IFCBUILDING</simpleValue></name></entity></partOf>",
    "<partOf relation=\"IFCRELAGGREGATES\"><entity><name><simpleValue>IFCBUILDING"
    "</simpleValue></name></entity></partOf>",
    "<partOf relation=\"IFCRELNESTS\"><entity><name><simpleValue>IFCBUILDING"
    "</simpleValue></name></entity></partOf>",
    "<partOf relation=\"IFCRELCONTAINEDINSPATIALSTRUCTURE\"><entity><name><simpleValue>"
    "IFCWALL</simpleValue></name></entity></partOf>",
    "<partOf relation=\"IFCRELVOIDSELEMENT IFCRELFILLSELEMENT\"><entity><name>"
    "<simpleValue>IFCWALL</simpleValue></name></entity></partOf>",
    "<partOf relation=\"IFCRELASSIGNSTOGROUP\"><entity><name><simpleValue>IFCWALL"
    "</simpleValue></name></entity></partOf>",
};

#define N_REQ (sizeof requirements / sizeof requirements[0])

static char *ids_text(void)
{
    size_t cap = 16384;
    char *s = malloc(cap);
    size_t n = 0;

    assert_non_null(s);
    n += (size_t)snprintf(s + n, cap - n,
                          "<ids xmlns=\"http://standards.buildingsmart.org/IDS\" "
                          "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><info><title>t"
                          "</title></info><specifications>");
    for (size_t i = 0; i < N_REQ; i++) {
        /* Each requirement also serves as the applicability of the next. */
        const char *app = requirements[(i + 1) % N_REQ];
        char applic[2048];
        /* Applicability takes no cardinality and no uri; these have none. */
        snprintf(applic, sizeof applic, "%s", app);
        n += (size_t)snprintf(s + n, cap - n,
                              "<specification name=\"s%zu\" ifcVersion=\"IFC4\"><applicability "
                              "minOccurs=\"0\" maxOccurs=\"unbounded\">%s</applicability>"
                              "<requirements>%s</requirements></specification>",
                              i, i % 2 ? applic : "<entity><name><simpleValue>IFCWALL"
                                                  "</simpleValue></name></entity>",
                              requirements[i]);
    }
    n += (size_t)snprintf(s + n, cap - n, "</specifications></ids>");
    return s;
}

static void test_hostile_model(void **state)
{
    (void)state;
    size_t len;
    char *bytes = step_fixture_file(model_body, &len);
    ifc_model *m = NULL;
    ifc_step_error serr;
    ids_doc *doc = NULL;
    ids_error ierr;
    verify_plan *plan = NULL;
    verify_error verr;
    verify_result *a = NULL, *b = NULL;
    char *ids = ids_text();

    ifc_step_error_clear(&serr);
    if (ifc_model_open_memory(bytes, len, NULL, &m, &serr) != IFC_STEP_OK)
        fail_msg("%s", serr.message);
    ids_error_clear(&ierr);
    if (ids_doc_load_string(ids, strlen(ids), NULL, &doc, &ierr) != IDS_OK)
        fail_msg("%s", ierr.message);
    assert_int_equal(verify_plan_new(doc, &plan, &verr), VERIFY_OK);
    verify_options o = {.jobs = 3, .max_failures = 4};
    assert_int_equal(verify_run(plan, m, &o, &a, &verr), VERIFY_OK);
    assert_int_equal(verify_run(plan, m, &o, &b, &verr), VERIFY_OK);
    assert_int_equal(a->n_specs, N_REQ);
    for (size_t i = 0; i < a->n_specs; i++) {
        assert_int_equal(a->specs[i].status, b->specs[i].status);
        assert_int_equal(a->specs[i].n_applicable, b->specs[i].n_applicable);
        assert_int_equal(a->specs[i].n_failed, b->specs[i].n_failed);
        for (size_t q = 0; q < a->specs[i].n_requirements; q++)
            for (size_t k = 0; k < a->specs[i].requirements[q].n_failures; k++) {
                const verify_failure *f = &a->specs[i].requirements[q].failures[k];
                assert_non_null(f->reason);
                assert_true(f->reason[0] != '\0');
                assert_string_equal(f->ifc_class, "IfcWall");
            }
    }
    /* Spec 0 (walls, entity STANDARD): #10 writes its PredefinedType as a
     * string, which is read as the value (its "type" is a property set,
     * which has none); #11 is USERDEFINED without an ObjectType. */
    assert_int_equal(a->specs[0].n_applicable, 2);
    assert_int_equal(a->specs[0].n_failed, 1);
    assert_string_equal(a->specs[0].requirements[0].failures[0].global_id, "w2");
    /* Spec 4 (classification C in S): the circle of sources ends. */
    assert_int_equal(a->specs[4].n_failed, 2);
    /* Spec 6 (partOf a building, any relation): the circles end. */
    assert_int_equal(a->specs[6].n_failed, 2);
    /* #10 has no GlobalId, and its Name is 42, not a string. */
    const verify_requirement *rq = &a->specs[4].requirements[0];
    assert_int_equal(rq->failures[0].step_id, 10);
    assert_null(rq->failures[0].global_id);
    assert_null(rq->failures[0].name);
    verify_result_free(a);
    verify_result_free(b);
    verify_plan_free(plan);
    ids_doc_free(doc);
    ifc_model_free(m);
    free(ids);
    free(bytes);
}

static void test_unit_cycle(void **state)
{
    (void)state;
    size_t len;
    char *bytes = step_fixture_file(model_body, &len);
    ifc_model *m = NULL;
    ifc_step_error serr;
    double f;

    ifc_step_error_clear(&serr);
    assert_int_equal(ifc_model_open_memory(bytes, len, NULL, &m, &serr), IFC_STEP_OK);
    /* A conversion-based unit defined through itself has no factor. */
    assert_false(ifc_model_unit_factor(m, ifc_model_project_unit(m, "LENGTHUNIT"), &f));
    assert_true(ifc_model_unit_factor(m, ifc_model_project_unit(m, "AREAUNIT"), &f));
    assert_true(f > 1e17 && f < 1e19);
    ifc_model_free(m);
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_model),
        cmocka_unit_test(test_unit_cycle),
    };
    ids_library_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return rc;
}
