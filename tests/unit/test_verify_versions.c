/*
 * test_verify_versions.c - the same facets on IFC2X3 and IFC4X3 models
 * (the test suite is all IFC4): attribute names and positions that differ
 * per version (ItemReference, the type through IsDefinedBy), and one
 * facet at a time through verify_facet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/ids.h"
#include "ifc/model.h"
#include "verify/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *file_of(const char *schema, const char *body, size_t *len)
{
    size_t cap = strlen(body) + 512;
    char *s = malloc(cap);
    assert_non_null(s);
    *len = (size_t)snprintf(s, cap,
                            "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\n"
                            "FILE_NAME('','',(),(),'','','');\nFILE_SCHEMA(('%s'));\nENDSEC;\n"
                            "DATA;\n%sENDSEC;\nEND-ISO-10303-21;\n",
                            schema, body);
    return s;
}

static ids_facet facet(ids_facet_kind kind)
{
    ids_facet f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    return f;
}

static void set(ids_facet *f, ids_param p, const char *v)
{
    f->params[p].kind = IDS_VALUE_SIMPLE;
    f->params[p].simple = (char *)v;
}

static bool holds(ifc_model *m, const ids_facet *f, uint32_t id, char *why, size_t cap)
{
    bool h = false;
    verify_error err;
    ifc_step_inst inst = ifc_step_find(ifc_model_reader(m), id);
    assert_int_not_equal(inst, IFC_STEP_NO_INST);
    assert_int_equal(verify_facet(f, IDS_REQUIREMENTS, m, inst, &h, why, cap, &err), VERIFY_OK);
    return h;
}

static void test_ifc2x3(void **state)
{
    (void)state;
    static const char body[] =
        "#1=IFCWALL('w',$,'Wall',$,$,$,$,$);\n"
        "#2=IFCWALLTYPE('t',$,'T',$,$,(#3),$,$,$,.SHEAR.);\n"
        "#3=IFCPROPERTYSET('p',$,'Pset_WallCommon',$,(#4));\n"
        "#4=IFCPROPERTYSINGLEVALUE('FireRating',$,IFCLABEL('REI60'),$);\n"
        "#5=IFCRELDEFINESBYTYPE('r',$,$,$,(#1),#2);\n"
        "#6=IFCCLASSIFICATION('src','2015',$,'Uniclass');\n"
        "#7=IFCCLASSIFICATIONREFERENCE($,'EF_25_10',$,#6);\n"
        "#8=IFCRELASSOCIATESCLASSIFICATION('c',$,$,$,(#1),#7);\n"
        "#9=IFCBUILDINGSTOREY('s',$,'L1',$,$,$,$,$,.ELEMENT.,$);\n"
        "#10=IFCRELCONTAINEDINSPATIALSTRUCTURE('k',$,$,$,(#1),#9);\n";
    size_t len;
    char *text = file_of("IFC2X3", body, &len);
    ifc_model *m = NULL;
    ifc_step_error serr;
    char why[256];

    ifc_step_error_clear(&serr);
    if (ifc_model_open_memory(text, len, NULL, &m, &serr) != IFC_STEP_OK)
        fail_msg("%s", serr.message);
    assert_int_equal(ifc_model_version(m), IFC_IFC2X3);
    /* The type, through IfcRelDefinesByType in IFC2X3's IsDefinedBy. */
    ids_facet e = facet(IDS_FACET_ENTITY);
    set(&e, IDS_PARAM_NAME, "IFCWALL");
    set(&e, IDS_PARAM_PREDEFINED_TYPE, "SHEAR");
    assert_true(holds(m, &e, 1, why, sizeof why));
    /* A property inherited from the type. */
    ids_facet p = facet(IDS_FACET_PROPERTY);
    set(&p, IDS_PARAM_PROPERTY_SET, "Pset_WallCommon");
    set(&p, IDS_PARAM_BASE_NAME, "FireRating");
    set(&p, IDS_PARAM_VALUE, "REI60");
    assert_true(holds(m, &p, 1, why, sizeof why));
    set(&p, IDS_PARAM_VALUE, "REI90");
    assert_false(holds(m, &p, 1, why, sizeof why));
    assert_string_equal(why, "Pset_WallCommon.FireRating is 'REI60'; expected 'REI90'");
    /* ItemReference, and the system by its Name. */
    ids_facet c = facet(IDS_FACET_CLASSIFICATION);
    set(&c, IDS_PARAM_SYSTEM, "Uniclass");
    set(&c, IDS_PARAM_VALUE, "EF_25_10");
    assert_true(holds(m, &c, 1, why, sizeof why));
    set(&c, IDS_PARAM_VALUE, "EF_25_20");
    assert_false(holds(m, &c, 1, why, sizeof why));
    /* Containment. */
    ids_facet po = facet(IDS_FACET_PARTOF);
    set(&po, IDS_PARAM_NAME, "IFCBUILDINGSTOREY");
    po.fattrs[IDS_FATTR_RELATION] = (char *)"IFCRELCONTAINEDINSPATIALSTRUCTURE";
    assert_true(holds(m, &po, 1, why, sizeof why));
    /* Optional: no material is fine, prohibited: so is a wall without one. */
    ids_facet mat = facet(IDS_FACET_MATERIAL);
    mat.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    assert_true(holds(m, &mat, 1, why, sizeof why));
    mat.fattrs[IDS_FATTR_CARDINALITY] = NULL;
    assert_false(holds(m, &mat, 1, why, sizeof why));
    assert_string_equal(why, "has no material");
    ifc_model_free(m);
    free(text);
}

static void test_ifc4x3(void **state)
{
    (void)state;
    /* IfcRelDefinesByProperties naming a set of property sets (IFC4X3's
     * IfcPropertySetDefinitionSet). */
    static const char body[] =
        "#1=IFCWALL('w',$,'Wall',$,$,$,$,$,.STANDARD.);\n"
        "#2=IFCPROPERTYSET('p',$,'A',$,(#4));\n"
        "#3=IFCPROPERTYSET('q',$,'B',$,(#5));\n"
        "#4=IFCPROPERTYSINGLEVALUE('X',$,IFCINTEGER(3),$);\n"
        "#5=IFCPROPERTYSINGLEVALUE('Y',$,IFCBOOLEAN(.T.),$);\n"
        "#6=IFCRELDEFINESBYPROPERTIES('r',$,$,$,(#1),(#2,#3));\n";
    size_t len;
    char *text = file_of("IFC4X3_ADD2", body, &len);
    ifc_model *m = NULL;
    ifc_step_error serr;
    char why[256];

    ifc_step_error_clear(&serr);
    if (ifc_model_open_memory(text, len, NULL, &m, &serr) != IFC_STEP_OK)
        fail_msg("%s", serr.message);
    assert_int_equal(ifc_model_version(m), IFC_IFC4X3_ADD2);
    ids_facet p = facet(IDS_FACET_PROPERTY);
    set(&p, IDS_PARAM_PROPERTY_SET, "A");
    set(&p, IDS_PARAM_BASE_NAME, "X");
    set(&p, IDS_PARAM_VALUE, "3.0");
    p.fattrs[IDS_FATTR_DATA_TYPE] = (char *)"IFCINTEGER";
    assert_true(holds(m, &p, 1, why, sizeof why));
    set(&p, IDS_PARAM_VALUE, "3.5");
    assert_false(holds(m, &p, 1, why, sizeof why));
    set(&p, IDS_PARAM_PROPERTY_SET, "B");
    set(&p, IDS_PARAM_BASE_NAME, "Y");
    set(&p, IDS_PARAM_VALUE, "true");
    p.fattrs[IDS_FATTR_DATA_TYPE] = (char *)"IFCBOOLEAN";
    assert_true(holds(m, &p, 1, why, sizeof why));
    set(&p, IDS_PARAM_VALUE, "TRUE");
    assert_false(holds(m, &p, 1, why, sizeof why));
    ifc_model_free(m);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ifc2x3),
        cmocka_unit_test(test_ifc4x3),
    };
    ids_library_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return rc;
}
