/*
 * test_ids_audit_ifc.c - the audit rules that need IFC schema data (E1,
 * E2, A1-A4, P3, P4, P5's version check, R1, S6): for each, a document
 * that breaks it and one that does not, in the versions where the
 * schemas differ, and the version the finding names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/ids.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One specification; each part is spliced in verbatim. */
static ids_report *check(const char *versions, const char *app, const char *req)
{
    char text[8192];
    snprintf(text, sizeof(text),
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<ids xmlns=\"" IDS_NAMESPACE "\" xmlns:xs=\"" IDS_XS_NAMESPACE "\">\n"
             "<info><title>t</title></info>\n"
             "<specifications>\n"
             "<specification name=\"s\" ifcVersion=\"%s\">\n"
             "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\">%s</applicability>\n"
             "%s%s%s\n"
             "</specification>\n"
             "</specifications>\n"
             "</ids>\n",
             versions, app, req != NULL ? "<requirements>" : "", req != NULL ? req : "",
             req != NULL ? "</requirements>" : "");
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_doc_load_string(text, strlen(text), NULL, &doc, &err) != IDS_OK)
        fail_msg("load: %s", err.message);
    ids_report *r = NULL;
    assert_int_equal(ids_validate(doc, NULL, &r, &err), IDS_OK);
    ids_doc_free(doc);
    return r;
}

static void dump(const ids_report *r)
{
    for (size_t i = 0; i < r->n_findings; i++)
        print_message("  [%s] %s (%s:%d)\n", r->findings[i].rule, r->findings[i].message,
                      r->findings[i].path, r->findings[i].line);
}

/* Asserts an error of rule whose message begins with "<versions>: " and
 * contains text (when not NULL), at an element of the document; frees r. */
static void expect(ids_report *r, const char *rule, const char *versions, const char *text)
{
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "%s: ", versions);
    const ids_finding *hit = NULL;
    for (size_t i = 0; i < r->n_findings; i++) {
        const ids_finding *f = &r->findings[i];
        if (strcmp(f->rule, rule) == 0 && f->severity == IDS_SEVERITY_ERROR &&
            strncmp(f->message, prefix, strlen(prefix)) == 0 &&
            (text == NULL || strstr(f->message, text) != NULL))
            hit = f;
    }
    if (hit == NULL || !r->structure_valid) {
        print_message("expected %s error for \"%s\"%s%s\n", rule, versions,
                      text != NULL ? " with " : "", text != NULL ? text : "");
        dump(r);
    }
    assert_non_null(hit);
    assert_true(hit->path[0] == '/');
    assert_true(hit->line > 0);
    assert_false(r->audit_valid);
    assert_true(r->structure_valid);
    ids_report_free(r);
}

/* Asserts no audit error at all; frees r. */
static void clean(ids_report *r)
{
    if (!r->audit_valid || !r->structure_valid)
        dump(r);
    assert_true(r->structure_valid);
    assert_true(r->audit_valid);
    ids_report_free(r);
}

/* Asserts no finding of rule; frees r. */
static void without(ids_report *r, const char *rule)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (strcmp(r->findings[i].rule, rule) == 0) {
            dump(r);
            fail_msg("unexpected %s", rule);
        }
    ids_report_free(r);
}

#define ENTITY(n) "<entity><name><simpleValue>" n "</simpleValue></name></entity>"
#define ENTITY_PT(n, p)                                                                 \
    "<entity><name><simpleValue>" n "</simpleValue></name><predefinedType><simpleValue>" p \
    "</simpleValue></predefinedType></entity>"
#define ENTITY_PATTERN(p)                                                               \
    "<entity><name><xs:restriction base=\"xs:string\"><xs:pattern value=\"" p            \
    "\"/></xs:restriction></name></entity>"
#define ATTR(n) "<attribute><name><simpleValue>" n "</simpleValue></name></attribute>"
#define ATTR_V(n, v)                                                                    \
    "<attribute><name><simpleValue>" n "</simpleValue></name><value><simpleValue>" v     \
    "</simpleValue></value></attribute>"
#define PROP(dt, set, name)                                                             \
    "<property dataType=\"" dt "\"><propertySet><simpleValue>" set                      \
    "</simpleValue></propertySet><baseName><simpleValue>" name                           \
    "</simpleValue></baseName></property>"
#define PROP_V(dt, set, name, v)                                                        \
    "<property dataType=\"" dt "\"><propertySet><simpleValue>" set                      \
    "</simpleValue></propertySet><baseName><simpleValue>" name                           \
    "</simpleValue></baseName><value><simpleValue>" v "</simpleValue></value></property>"
#define PARTOF(rel, n)                                                                  \
    "<partOf relation=\"" rel "\"><entity><name><simpleValue>" n                        \
    "</simpleValue></name></entity></partOf>"

static int setup(void **state)
{
    (void)state;
    ids_library_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ids_library_cleanup();
    return 0;
}

/* ---- E1 ---- */

static void test_e1_class_names(void **state)
{
    (void)state;
    clean(check("IFC2X3 IFC4 IFC4X3_ADD2", ENTITY("IFCWALL"), NULL));
    /* An unknown class, reported once for both versions, with a hint. */
    expect(check("IFC2X3 IFC4", ENTITY("IFCWAL"), NULL), "E1", "IFC2X3, IFC4", "IFCWALL");
    /* IfcWallElementedCase left IFC4X3; IfcBuildingElement became
     * IfcBuiltElement. */
    clean(check("IFC4", ENTITY("IFCWALLELEMENTEDCASE"), NULL));
    expect(check("IFC4 IFC4X3_ADD2", ENTITY("IFCWALLELEMENTEDCASE"), NULL), "E1",
           "IFC4X3_ADD2", NULL);
    clean(check("IFC2X3 IFC4", ENTITY("IFCBUILDINGELEMENT"), NULL));
    expect(check("IFC4 IFC4X3_ADD2", ENTITY("IFCBUILDINGELEMENT"), NULL), "E1", "IFC4X3_ADD2",
           "IFCBUILTELEMENT");
    clean(check("IFC4X3_ADD2", ENTITY("IFCBUILTELEMENT"), NULL));
    /* One finding per version where the hints differ. */
    ids_report *r = check("IFC2X3 IFC4 IFC4X3_ADD2", ENTITY("IFCBUILTELEMENT"), NULL);
    assert_int_equal(r->n_findings, 2);
    assert_true(strncmp(r->findings[0].message, "IFC2X3: ", 8) == 0);
    assert_true(strncmp(r->findings[1].message, "IFC4: ", 6) == 0);
    assert_non_null(strstr(r->findings[1].message, "IFCBUILDINGELEMENT"));
    ids_report_free(r);
    /* In requirements too, and the nested entity of partOf. */
    expect(check("IFC4", ENTITY("IFCWALL"), ENTITY("IFCRABBIT")), "E1", "IFC4", NULL);
    expect(check("IFC4", ENTITY("IFCWALL"),
                 PARTOF("IFCRELCONTAINEDINSPATIALSTRUCTURE", "IFCBUILDINGSTORY")),
           "E1", "IFC4", "IFCBUILDINGSTOREY");
}

static void test_e1_patterns_and_enumerations(void **state)
{
    (void)state;
    /* No upper-case class name matches a mixed-case pattern. */
    expect(check("IFC4", ENTITY_PATTERN("IfcWall.*"), NULL), "E1", "IFC4", NULL);
    clean(check("IFC4", ENTITY_PATTERN("IFCWALL.*"), NULL));
    clean(check("IFC4", ENTITY_PATTERN("IFC(WALL|SLAB)"), NULL));
    expect(check("IFC4", ENTITY_PATTERN("IFC(WAL|SLAP)"), NULL), "E1", "IFC4", NULL);
    /* Each enumerated name must exist in one of the versions. */
    const char *en = "<entity><name><xs:restriction base=\"xs:string\">"
                     "<xs:enumeration value=\"IFCWALL\"/><xs:enumeration value=\"IFCRABBIT\"/>"
                     "</xs:restriction></name></entity>";
    expect(check("IFC2X3 IFC4", en, NULL), "E1", "IFC2X3, IFC4", "IFCRABBIT");
    const char *mixed = "<entity><name><xs:restriction base=\"xs:string\">"
                        "<xs:enumeration value=\"IFCWALL\"/>"
                        "<xs:enumeration value=\"IFCBUILTELEMENT\"/>"
                        "</xs:restriction></name></entity>";
    clean(check("IFC4 IFC4X3_ADD2", mixed, NULL));
}

/* ---- E2 ---- */

static void test_e2_predefined_types(void **state)
{
    (void)state;
    clean(check("IFC2X3 IFC4 IFC4X3_ADD2", ENTITY_PT("IFCWALL", "SHEAR"), NULL));
    /* USERDEFINED among the values: any value. */
    clean(check("IFC4", ENTITY_PT("IFCWALL", "RADIATIONBARRIER"), NULL));
    /* IFC2X3 IfcWall takes its predefined type from IfcWallType. */
    clean(check("IFC2X3", ENTITY_PT("IFCWALL", "SHEAR"), NULL));
    /* No predefined types at all in IFC2X3 (an InventoryType instead). */
    expect(check("IFC2X3 IFC4", ENTITY("IFCELEMENTASSEMBLY"),
                 "<partOf relation=\"IFCRELASSIGNSTOGROUP\"><entity><name><simpleValue>"
                 "IFCINVENTORY</simpleValue></name><predefinedType><simpleValue>BUNNARY"
                 "</simpleValue></predefinedType></entity></partOf>"),
           "E2", "IFC2X3", "IFCINVENTORY");
    clean(check("IFC4", ENTITY_PT("IFCINVENTORY", "BUNNARY"), NULL));
    /* An enumeration without USERDEFINED (IFC4X3 alignment segments). */
    clean(check("IFC4X3_ADD2", ENTITY_PT("IFCALIGNMENTHORIZONTALSEGMENT", "LINE"), NULL));
    expect(check("IFC4X3_ADD2", ENTITY_PT("IFCALIGNMENTHORIZONTALSEGMENT", "LINEE"), NULL),
           "E2", "IFC4X3_ADD2", "LINE");
}

/* ---- A1-A4 ---- */

static void test_a1_explicit_attributes(void **state)
{
    (void)state;
    clean(check("IFC2X3 IFC4", ENTITY("IFCCARTESIANPOINT"), ATTR("Coordinates")));
    /* Derived and inverse attributes. */
    expect(check("IFC2X3 IFC4", ENTITY("IFCCARTESIANPOINT"), ATTR("Dim")), "A1",
           "IFC2X3, IFC4", NULL);
    expect(check("IFC4", ENTITY("IFCPERSON"), ATTR("EngagedIn")), "A1", "IFC4", "inverse");
    /* NumberOfRisers is IFC4's name; IFC2X3 has NumberOfRiser. */
    clean(check("IFC4", ENTITY("IFCSTAIRFLIGHT"), ATTR("NumberOfRisers")));
    expect(check("IFC2X3 IFC4", ENTITY("IFCSTAIRFLIGHT"), ATTR("NumberOfRisers")), "A1",
           "IFC2X3", "NumberOfRiser");
    clean(check("IFC2X3", ENTITY("IFCSTAIRFLIGHT"), ATTR("NumberOfRiser")));
}

static void test_a2_simple_values(void **state)
{
    (void)state;
    clean(check("IFC4", ENTITY("IFCWALL"), ATTR_V("Name", "Wall 1")));
    expect(check("IFC2X3 IFC4", ENTITY("IFCCARTESIANPOINT"), ATTR_V("Coordinates", "1")), "A2",
           "IFC2X3, IFC4", "list");
    expect(check("IFC4", ENTITY("IFCTASK"), ATTR_V("TaskTime", "x")), "A2", "IFC4",
           "entity reference");
    expect(check("IFC4", ENTITY("IFCSURFACESTYLERENDERING"), ATTR_V("DiffuseColour", "x")), "A2",
           "IFC4", "select");
    /* A requirement without a value is fine on such an attribute. */
    clean(check("IFC4", ENTITY("IFCTASK"), ATTR("TaskTime")));
}

static void test_a3_value_types(void **state)
{
    (void)state;
    clean(check("IFC4", ENTITY("IFCSTAIRFLIGHT"), ATTR_V("NumberOfRisers", "42")));
    expect(check("IFC4", ENTITY("IFCSTAIRFLIGHT"), ATTR_V("NumberOfRisers", "42.0")), "A3",
           "IFC4", "xs:integer");
    clean(check("IFC2X3", ENTITY("IFCSTAIRFLIGHT"), ATTR_V("NumberOfRiser", "42")));
    expect(check("IFC2X3", ENTITY("IFCSTAIRFLIGHT"), ATTR_V("NumberOfRiser", "4.2")), "A3",
           "IFC2X3", NULL);
    expect(check("IFC2X3 IFC4", ENTITY("IFCTASK"), ATTR_V("IsMilestone", "FALSE")), "A3",
           "IFC2X3, IFC4", "xs:boolean");
    clean(check("IFC2X3 IFC4", ENTITY("IFCTASK"), ATTR_V("IsMilestone", "false")));
    /* A restriction's base must be the attribute's type. */
    const char *pattern_on_real =
        "<attribute><name><simpleValue>RefractionIndex</simpleValue></name><value>"
        "<xs:restriction base=\"xs:string\"><xs:pattern value=\".*\"/></xs:restriction>"
        "</value></attribute>";
    expect(check("IFC4", ENTITY("IFCSURFACESTYLEREFRACTION"), pattern_on_real), "A3", "IFC4",
           "xs:double");
    const char *bounds_on_real =
        "<attribute><name><simpleValue>RefractionIndex</simpleValue></name><value>"
        "<xs:restriction base=\"xs:double\"><xs:minInclusive value=\"1\"/></xs:restriction>"
        "</value></attribute>";
    clean(check("IFC4", ENTITY("IFCSURFACESTYLEREFRACTION"), bounds_on_real));
    /* An enumeration attribute is text. */
    clean(check("IFC4", ENTITY("IFCWALL"), ATTR_V("PredefinedType", "SHEAR")));
}

static void test_a4_attribute_and_applicability(void **state)
{
    (void)state;
    expect(check("IFC2X3 IFC4", ENTITY("IFCWALL"), ATTR("ActingRole")), "A4", "IFC4",
           "IFCRELASSIGNSTOACTOR");
    clean(check("IFC2X3 IFC4", ENTITY("IFCRELASSIGNSTOACTOR"), ATTR("ActingRole")));
    /* PredefinedType: IFC2X3 IfcWall has none. */
    clean(check("IFC4", ENTITY("IFCWALL"), ATTR("PredefinedType")));
    expect(check("IFC2X3 IFC4", ENTITY("IFCWALL"), ATTR("PredefinedType")), "A4", "IFC2X3",
           NULL);
    /* An optional facet does not narrow. */
    without(check("IFC4", ENTITY("IFCWALL"),
                  "<attribute cardinality=\"optional\"><name><simpleValue>ActingRole"
                  "</simpleValue></name><value><simpleValue>x</simpleValue></value>"
                  "</attribute>"),
            "A4");
}

/* ---- P3, P4, P5 ---- */

static void test_p3_standard_properties(void **state)
{
    (void)state;
    clean(check("IFC2X3 IFC4 IFC4X3_ADD2", ENTITY("IFCWALL"),
                PROP("IFCLABEL", "Pset_WallCommon", "FireRating")));
    expect(check("IFC4", ENTITY("IFCWALL"), PROP("IFCLABEL", "Pset_WallCommon", "FireRatingg")),
           "P3", "IFC4", "FireRating");
    expect(check("IFC4", ENTITY("IFCWALL"), PROP("IFCREAL", "Pset_WallCommon", "FireRating")),
           "P3", "IFC4", "IFCLABEL");
    /* Status came with IFC4, with its allowed values. */
    clean(check("IFC4", ENTITY("IFCWALL"), PROP_V("IFCLABEL", "Pset_WallCommon", "Status", "NEW")));
    expect(check("IFC4", ENTITY("IFCWALL"),
                 PROP_V("IFCLABEL", "Pset_WallCommon", "Status", "BRAND NEW")),
           "P3", "IFC4", "NEW");
    expect(check("IFC2X3 IFC4", ENTITY("IFCWALL"), PROP("IFCLABEL", "Pset_WallCommon", "Status")),
           "P3", "IFC2X3", NULL);
    /* Quantity sets: IFC4 borrows IFC4X3's. */
    clean(check("IFC4 IFC4X3_ADD2", ENTITY("IFCWALL"),
                PROP("IFCAREAMEASURE", "Qto_WallBaseQuantities", "NetSideArea")));
    expect(check("IFC4", ENTITY("IFCWALL"),
                 PROP("IFCAREAMEASURE", "Qto_WallBaseQuantities", "NetSideAria")),
           "P3", "IFC4", "NetSideArea");
    /* Not required: baseName unchecked. */
    without(check("IFC4", ENTITY("IFCWALL"),
                  "<property dataType=\"IFCLABEL\" cardinality=\"optional\"><propertySet>"
                  "<simpleValue>Pset_WallCommon</simpleValue></propertySet><baseName>"
                  "<simpleValue>Anything</simpleValue></baseName></property>"),
            "P3");
}

static void test_p4_reserved_prefixes(void **state)
{
    (void)state;
    expect(check("IFC4", ENTITY("IFCWALL"), PROP("IFCLABEL", "Pset_MyCompany", "Code")), "P4",
           "IFC4", NULL);
    expect(check("IFC4", ENTITY("IFCWALL"), PROP("IFCLABEL", "Pset_WallComon", "FireRating")),
           "P4", "IFC4", "Pset_WallCommon");
    clean(check("IFC4", ENTITY("IFCWALL"), PROP("IFCLABEL", "ACME_Wall", "Code")));
    /* IFC2X3 has no standard quantity sets. */
    expect(check("IFC2X3 IFC4", ENTITY("IFCWALL"),
                 PROP("IFCAREAMEASURE", "Qto_WallBaseQuantities", "NetSideArea")),
           "P4", "IFC2X3", NULL);
}

static void test_p5_version(void **state)
{
    (void)state;
    clean(check("IFC4", ENTITY("IFCWALL"), PROP("IFCPOSITIVEINTEGER", "ACME", "Count")));
    expect(check("IFC2X3 IFC4", ENTITY("IFCWALL"), PROP("IFCPOSITIVEINTEGER", "ACME", "Count")),
           "P5", "IFC2X3", "IFCPOSITIVEINTEGER");
}

/* ---- R1 ---- */

static void test_r1_partof_wholes(void **state)
{
    (void)state;
    clean(check("IFC2X3 IFC4", ENTITY("IFCWALL"),
                PARTOF("IFCRELCONTAINEDINSPATIALSTRUCTURE", "IFCBUILDINGSTOREY")));
    expect(check("IFC2X3 IFC4", ENTITY("IFCWALL"),
                 PARTOF("IFCRELCONTAINEDINSPATIALSTRUCTURE", "IFCSLAB")),
           "R1", "IFC2X3", "IFCSPATIALSTRUCTUREELEMENT");
    /* IFC4 widened the container to IfcSpatialElement. */
    clean(check("IFC4", ENTITY("IFCWALL"),
                PARTOF("IFCRELCONTAINEDINSPATIALSTRUCTURE", "IFCSPATIALZONE")));
    expect(check("IFC4", ENTITY("IFCWALL"), PARTOF("IFCRELASSIGNSTOGROUP", "IFCBUILDING")), "R1",
           "IFC4", "IFCGROUP");
    clean(check("IFC4", ENTITY("IFCWALL"), PARTOF("IFCRELASSIGNSTOGROUP", "IFCZONE")));
}

/* ---- S6 ---- */

static void test_s6_intersections(void **state)
{
    (void)state;
    expect(check("IFC2X3 IFC4", ENTITY("IFCSLAB"), ENTITY("IFCWALL")), "S6", "IFC2X3, IFC4",
           NULL);
    /* Subclasses do not match an entity facet. */
    expect(check("IFC4", ENTITY("IFCWALLSTANDARDCASE"), ENTITY("IFCWALL")), "S6", "IFC4", NULL);
    clean(check("IFC4", ENTITY("IFCWALL"), ENTITY("IFCWALL")));
    /* A standard set's applicable classes (and their type objects). */
    expect(check("IFC4", ENTITY("IFCSLAB"), PROP("IFCLABEL", "Pset_WallCommon", "FireRating")),
           "S6", "IFC4", NULL);
    clean(check("IFC4", ENTITY("IFCWALLTYPE"), PROP("IFCLABEL", "Pset_WallCommon", "FireRating")));
    clean(check("IFC4", ENTITY("IFCWALLSTANDARDCASE"),
                PROP("IFCLABEL", "Pset_WallCommon", "FireRating")));
    /* Applicability facets that exclude each other. */
    expect(check("IFC4", ENTITY("IFCWALL") PROP("IFCLABEL", "Pset_SlabCommon", "FireRating"), NULL),
           "S6", "IFC4", NULL);
    /* partOf narrows to its part side. */
    expect(check("IFC4", ENTITY("IFCPROJECT"),
                 PARTOF("IFCRELCONTAINEDINSPATIALSTRUCTURE", "IFCBUILDINGSTOREY")),
           "S6", "IFC4", NULL);
    clean(check("IFC4", ENTITY("IFCDOOR"),
                PARTOF("IFCRELVOIDSELEMENT IFCRELFILLSELEMENT", "IFCWALL")));
    expect(check("IFC4", ENTITY("IFCBUILDING"),
                 PARTOF("IFCRELVOIDSELEMENT IFCRELFILLSELEMENT", "IFCWALL")),
           "S6", "IFC4", NULL);
    /* Classification: materials too (IFC4 external references, IFC2X3
     * material classification). */
    const char *cls = "<classification><system><simpleValue>Uniclass</simpleValue></system>"
                      "</classification>";
    clean(check("IFC2X3 IFC4", ENTITY("IFCMATERIAL"), cls));
    clean(check("IFC4", ENTITY("IFCWALL"), cls));
    expect(check("IFC4", ENTITY("IFCCARTESIANPOINT"), cls), "S6", "IFC4", NULL);
    /* A prohibited requirement does not narrow. */
    clean(check("IFC4", ENTITY("IFCSLAB"),
                "<property cardinality=\"prohibited\"><propertySet>"
                "<simpleValue>Pset_WallCommon</simpleValue></propertySet><baseName>"
                "<simpleValue>FireRating</simpleValue></baseName></property>"));
}

/* Findings keep document order per version and never repeat for a shared
 * version list; a specification without a valid version gets none. */
static void test_versions_and_merging(void **state)
{
    (void)state;
    ids_report *r = check("IFC2X3 IFC4 IFC4X3_ADD2", ENTITY("IFCXYZZYQ"), NULL);
    size_t e1 = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        if (strcmp(r->findings[i].rule, "E1") == 0) {
            e1++;
            assert_true(strncmp(r->findings[i].message, "IFC2X3, IFC4, IFC4X3_ADD2: ", 27) == 0);
        }
    assert_int_equal(e1, 1);
    ids_report_free(r);
    /* No version: S1 only. */
    r = check("", ENTITY("IFCRABBIT"), NULL);
    for (size_t i = 0; i < r->n_findings; i++)
        assert_string_not_equal(r->findings[i].rule, "E1");
    ids_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e1_class_names),
        cmocka_unit_test(test_e1_patterns_and_enumerations),
        cmocka_unit_test(test_e2_predefined_types),
        cmocka_unit_test(test_a1_explicit_attributes),
        cmocka_unit_test(test_a2_simple_values),
        cmocka_unit_test(test_a3_value_types),
        cmocka_unit_test(test_a4_attribute_and_applicability),
        cmocka_unit_test(test_p3_standard_properties),
        cmocka_unit_test(test_p4_reserved_prefixes),
        cmocka_unit_test(test_p5_version),
        cmocka_unit_test(test_r1_partof_wholes),
        cmocka_unit_test(test_s6_intersections),
        cmocka_unit_test(test_versions_and_merging),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
