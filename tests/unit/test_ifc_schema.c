/*
 * test_ifc_schema.c - the IFC schema tables against the published schemas
 * (entity counts, IfcWall, Pset_WallCommon, the dataType table of the IDS
 * documentation), the invariants every look-up relies on, "did you mean"
 * and fragment search.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ifc/ifc.h"
#include "testutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const ifc_schema *v2x3, *v4, *v4x3;

static int setup(void **state)
{
    (void)state;
    v2x3 = ifc_schema_get(IFC_IFC2X3);
    v4 = ifc_schema_get(IFC_IFC4);
    v4x3 = ifc_schema_get(IFC_IFC4X3_ADD2);
    return v2x3 != NULL && v4 != NULL && v4x3 != NULL ? 0 : -1;
}

static ifc_entity find(const ifc_schema *s, const char *name)
{
    return ifc_entity_find(s, name, strlen(name));
}

/* ---- versions ---- */

static void test_versions(void **state)
{
    (void)state;
    ifc_version v;
    assert_true(ifc_version_from_name("IFC2X3", 6, &v));
    assert_int_equal(v, IFC_IFC2X3);
    assert_true(ifc_version_from_name("ifc4", 4, &v));
    assert_int_equal(v, IFC_IFC4);
    assert_true(ifc_version_from_name("IFC4X3", 6, &v));
    assert_int_equal(v, IFC_IFC4X3_ADD2);
    assert_true(ifc_version_from_name("IFC4X3_ADD2 IFC4", 11, &v));
    assert_int_equal(v, IFC_IFC4X3_ADD2);
    assert_false(ifc_version_from_name("IFC4X", 5, &v));
    assert_false(ifc_version_from_name("IFC5", 4, &v));
    assert_false(ifc_version_from_name("IFC4 ", 5, &v));
    assert_false(ifc_version_from_name(NULL, 0, &v));
    assert_string_equal(ifc_version_name(IFC_IFC4X3_ADD2), "IFC4X3_ADD2");
    assert_null(ifc_version_name(IFC_VERSION_COUNT));
    assert_null(ifc_schema_get(IFC_VERSION_COUNT));
    assert_int_equal(ifc_schema_version(v4), IFC_IFC4);
}

/* ---- the published schemas ---- */

static void test_entity_counts(void **state)
{
    (void)state;
    /* The counts buildingSMART publishes for the three releases. */
    assert_int_equal(ifc_entity_count(v2x3), 653);
    assert_int_equal(ifc_entity_count(v4), 776);
    assert_int_equal(ifc_entity_count(v4x3), 876);
}

static void expect_attributes(const ifc_schema *s, const char *entity,
                              const char *const *names, const bool *optional, size_t n)
{
    ifc_entity e = find(s, entity);
    assert_int_not_equal(e, IFC_NONE);
    assert_int_equal(ifc_entity_attribute_count(s, e), n);
    for (size_t i = 0; i < n; i++) {
        ifc_attribute a;
        assert_true(ifc_entity_attribute(s, e, i, &a));
        assert_string_equal(a.name, names[i]);
        assert_int_equal(a.position, i);
        assert_int_equal(a.optional, optional[i]);
        assert_false(a.derived);
        assert_int_equal(ifc_entity_attribute_find(s, e, names[i], NULL), (int)i);
    }
    ifc_attribute a;
    assert_false(ifc_entity_attribute(s, e, n, &a));
}

static void test_ifcwall(void **state)
{
    (void)state;
    static const char *const names[] = {"GlobalId", "OwnerHistory", "Name", "Description",
                                        "ObjectType", "ObjectPlacement", "Representation",
                                        "Tag", "PredefinedType"};
    /* IFC2X3: OwnerHistory is mandatory, no PredefinedType. */
    static const bool opt2x3[] = {false, false, true, true, true, true, true, true};
    static const bool opt4[] = {false, true, true, true, true, true, true, true, true};
    expect_attributes(v2x3, "IfcWall", names, opt2x3, 8);
    expect_attributes(v4, "IfcWall", names, opt4, 9);
    expect_attributes(v4x3, "IFCWALL", names, opt4, 9);

    /* The parent changed its name in IFC4X3. */
    assert_string_equal(ifc_entity_name(v2x3, ifc_entity_parent(v2x3, find(v2x3, "IfcWall"))),
                        "IfcBuildingElement");
    assert_string_equal(ifc_entity_name(v4, ifc_entity_parent(v4, find(v4, "IfcWall"))),
                        "IfcBuildingElement");
    assert_string_equal(ifc_entity_name(v4x3, ifc_entity_parent(v4x3, find(v4x3, "IfcWall"))),
                        "IfcBuiltElement");
    assert_int_equal(find(v4x3, "IfcBuildingElement"), IFC_NONE);
    assert_int_equal(find(v4, "IfcBuiltElement"), IFC_NONE);
    /* IfcWallElementedCase and the other *StandardCase classes but
     * IfcWallStandardCase left in IFC4X3. */
    assert_int_not_equal(find(v4, "IfcWallElementedCase"), IFC_NONE);
    assert_int_equal(find(v4x3, "IfcWallElementedCase"), IFC_NONE);
    assert_int_equal(find(v4x3, "IfcSlabStandardCase"), IFC_NONE);
    assert_int_not_equal(find(v4x3, "IfcWallStandardCase"), IFC_NONE);

    /* Types of the attributes. */
    ifc_attribute a;
    ifc_entity w = find(v4, "IfcWall");
    assert_int_equal(ifc_entity_attribute_find(v4, w, "OwnerHistory", &a), 1);
    assert_int_equal(ifc_type_kind_of(v4, a.type), IFC_TYPE_ENTITY);
    assert_string_equal(ifc_type_name(v4, a.type), "IfcOwnerHistory");
    assert_string_equal(ifc_entity_name(v4, a.declared_by), "IfcRoot");
    assert_int_equal(ifc_entity_attribute_find(v4, w, "Name", &a), 2);
    assert_int_equal(ifc_type_kind_of(v4, a.type), IFC_TYPE_DEFINED);
    assert_int_equal(ifc_type_value_kind(v4, a.type), IFC_TYPE_STRING);
    assert_string_equal(ifc_type_name(v4, a.type), "IfcLabel");
    assert_int_equal(ifc_entity_attribute_find(v4, w, "PredefinedType", &a), 8);
    assert_int_equal(ifc_type_kind_of(v4, a.type), IFC_TYPE_ENUM);
    assert_string_equal(ifc_type_name(v4, a.type), "IfcWallTypeEnum");
    assert_int_equal(ifc_entity_attribute_find(v4, w, "Dim", &a), -1);
}

static void expect_predefined(const ifc_schema *s, const char *entity, bool via_type,
                              const char *const *values, size_t n)
{
    bool via = !via_type;
    int en = ifc_entity_predefined_enum(s, find(s, entity), &via);
    assert_true(en >= 0);
    assert_int_equal(via, via_type);
    assert_string_equal(ifc_enum_name(s, en), "IfcWallTypeEnum");
    assert_int_equal(ifc_enum_value_count(s, en), n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(ifc_enum_value(s, en, i), values[i]);
        assert_int_equal(ifc_enum_value_find(s, en, values[i]), (int)i);
    }
    assert_null(ifc_enum_value(s, en, n));
}

static void test_ifcwall_predefined_types(void **state)
{
    (void)state;
    /* IFC2X3 IfcWall has no PredefinedType: its type object has. */
    static const char *const v2[] = {"STANDARD", "POLYGONAL", "SHEAR", "ELEMENTEDWALL",
                                     "PLUMBINGWALL", "USERDEFINED", "NOTDEFINED"};
    static const char *const v4v[] = {"MOVABLE", "PARAPET", "PARTITIONING", "PLUMBINGWALL",
                                      "SHEAR", "SOLIDWALL", "STANDARD", "POLYGONAL",
                                      "ELEMENTEDWALL", "USERDEFINED", "NOTDEFINED"};
    static const char *const v43[] = {"ELEMENTEDWALL", "MOVABLE", "PARAPET", "PARTITIONING",
                                      "PLUMBINGWALL", "POLYGONAL", "RETAININGWALL", "SHEAR",
                                      "SOLIDWALL", "STANDARD", "WAVEWALL", "USERDEFINED",
                                      "NOTDEFINED"};
    expect_predefined(v2x3, "IfcWall", true, v2, 7);
    expect_predefined(v4, "IfcWall", false, v4v, 11);
    expect_predefined(v4x3, "IfcWall", false, v43, 13);
    assert_string_equal(ifc_entity_name(v2x3, ifc_entity_type_object(v2x3, find(v2x3, "IfcWall"))),
                        "IfcWallType");
    /* IfcInventory: an InventoryType but no PredefinedType in IFC2X3. */
    assert_int_equal(ifc_entity_predefined_enum(v2x3, find(v2x3, "IfcInventory"), NULL), -1);
    assert_true(ifc_entity_predefined_enum(v4, find(v4, "IfcInventory"), NULL) >= 0);
    assert_int_equal(ifc_entity_predefined_enum(v4, IFC_NONE, NULL), -1);
}

static void expect_pset(const ifc_schema *s, const char *const *props, const char *const *types,
                        size_t n)
{
    ifc_pset p = ifc_pset_find(s, "Pset_WallCommon");
    assert_int_not_equal(p, IFC_NONE);
    assert_false(ifc_pset_is_qto(s, p));
    assert_int_equal(ifc_pset_property_count(s, p), n);
    for (size_t i = 0; i < n; i++) {
        ifc_property q;
        assert_true(ifc_pset_property_find(s, p, props[i], &q) >= 0);
        assert_string_equal(q.data_type, types[i]);
        assert_int_equal(q.kind, types[i][0] == '\0' ? IFC_PROPERTY_ENUMERATION
                                                     : IFC_PROPERTY_SINGLE);
    }
    assert_true(ifc_pset_applies_to(s, p, find(s, "IfcWall")));
    assert_true(ifc_pset_applies_to(s, p, find(s, "IfcWallStandardCase")));
    assert_true(ifc_pset_applies_to(s, p, find(s, "IfcWallType")));
    assert_false(ifc_pset_applies_to(s, p, find(s, "IfcSlab")));
    assert_int_equal(ifc_pset_find(s, "pset_wallcommon"), IFC_NONE);
}

static void test_pset_wall_common(void **state)
{
    (void)state;
    static const char *const props[] = {"AcousticRating", "Combustible", "Compartmentation",
                                        "ExtendToStructure", "FireRating", "IsExternal",
                                        "LoadBearing", "Reference", "SurfaceSpreadOfFlame",
                                        "ThermalTransmittance", "Status"};
    static const char *const types[] = {"IFCLABEL", "IFCBOOLEAN", "IFCBOOLEAN", "IFCBOOLEAN",
                                        "IFCLABEL", "IFCBOOLEAN", "IFCBOOLEAN", "IFCIDENTIFIER",
                                        "IFCLABEL", "IFCTHERMALTRANSMITTANCEMEASURE", ""};
    /* Status (an enumeration) came with IFC4. */
    expect_pset(v2x3, props, types, 10);
    expect_pset(v4, props, types, 11);
    expect_pset(v4x3, props, types, 11);
    ifc_pset p = ifc_pset_find(v4, "Pset_WallCommon");
    int status = ifc_pset_property_find(v4, p, "Status", NULL);
    assert_true(status >= 0);
    assert_string_equal(ifc_pset_property_value(v4, p, (size_t)status, 0), "NEW");
    assert_int_equal(ifc_pset_property_find(v2x3, ifc_pset_find(v2x3, "Pset_WallCommon"),
                                            "Status", NULL),
                     -1);
}

static void test_quantity_sets(void **state)
{
    (void)state;
    /* IFC2X3 has no standard quantity sets; IFC4 borrows IFC4X3's. */
    ifc_search_hit hit;
    assert_int_equal(ifc_search(v2x3, IFC_NAME_PSET, "Qto_", NULL, 0, &hit, 1), 0);
    ifc_pset p4 = ifc_pset_find(v4, "Qto_WallBaseQuantities");
    ifc_pset p43 = ifc_pset_find(v4x3, "Qto_WallBaseQuantities");
    assert_int_not_equal(p4, IFC_NONE);
    assert_int_not_equal(p43, IFC_NONE);
    assert_true(ifc_pset_is_qto(v4, p4) && ifc_pset_is_borrowed(v4, p4));
    assert_true(ifc_pset_is_qto(v4x3, p43) && !ifc_pset_is_borrowed(v4x3, p43));
    ifc_property q;
    assert_true(ifc_pset_property_find(v4, p4, "NetSideArea", &q) >= 0);
    assert_string_equal(q.data_type, "IFCAREAMEASURE");
    /* Borrowed sets keep only classes IFC4 has. */
    for (size_t i = 0; i < ifc_pset_count(v4); i++)
        if (ifc_pset_is_borrowed(v4, (ifc_pset)i))
            assert_true(ifc_pset_applicable_count(v4, (ifc_pset)i) > 0);
    assert_int_not_equal(ifc_pset_find(v4x3, "Qto_CourseBaseQuantities"), IFC_NONE);
    assert_int_equal(ifc_pset_find(v4, "Qto_CourseBaseQuantities"), IFC_NONE);
}

static void test_inheritance_and_derived(void **state)
{
    (void)state;
    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        const ifc_schema *s = ifc_schema_get((ifc_version)v);
        ifc_entity wall = find(s, "IfcWall"), root = find(s, "IfcRoot");
        ifc_entity wsc = find(s, "IfcWallStandardCase"), slab = find(s, "IfcSlab");
        assert_true(ifc_entity_is_subtype_of(s, wsc, wall));
        assert_true(ifc_entity_is_subtype_of(s, wall, wall));
        assert_true(ifc_entity_is_subtype_of(s, wall, root));
        assert_false(ifc_entity_is_subtype_of(s, wall, wsc));
        assert_false(ifc_entity_is_subtype_of(s, slab, wall));
        assert_false(ifc_entity_is_subtype_of(s, wall, IFC_NONE));
        assert_true(ifc_entity_is_abstract(s, root));
        assert_false(ifc_entity_is_abstract(s, wall));
        assert_int_equal(ifc_entity_parent(s, root), IFC_NONE);

        /* IfcSIUnit writes its inherited Dimensions as *. */
        ifc_attribute a;
        ifc_entity si = find(s, "IfcSIUnit");
        assert_int_equal(ifc_entity_attribute_count(s, si), 4);
        assert_int_equal(ifc_entity_attribute_find(s, si, "Dimensions", &a), 0);
        assert_true(a.derived);
        assert_true(ifc_entity_attribute_derived(s, si, 0));
        assert_false(ifc_entity_attribute_derived(s, si, 1));
        assert_string_equal(ifc_entity_name(s, a.declared_by), "IfcNamedUnit");
        assert_false(ifc_entity_attribute_derived(s, find(s, "IfcNamedUnit"), 0));
        ifc_entity sub = find(s, "IfcGeometricRepresentationSubContext");
        size_t derived = 0;
        for (size_t i = 0; ifc_entity_attribute(s, sub, i, &a); i++)
            derived += a.derived;
        assert_int_equal(derived, 4);

        /* An inverse, inherited from IfcPerson itself. */
        ifc_inverse inv;
        assert_true(ifc_entity_inverse_find(s, find(s, "IfcPerson"), "EngagedIn", &inv) >= 0);
        assert_string_equal(ifc_entity_name(s, inv.target), "IfcPersonAndOrganization");
        assert_string_equal(inv.forward, "ThePerson");
        assert_true(inv.aggregate);
        assert_true(ifc_entity_inverse_find(s, wall, "ContainedInStructure", &inv) >= 0);
        assert_string_equal(ifc_entity_name(s, inv.declared_by), "IfcElement");
        assert_false(ifc_attribute_name_exists(s, "EngagedIn"));
        assert_true(ifc_attribute_name_exists(s, "Name"));
    }
}

static void test_types(void **state)
{
    (void)state;
    ifc_attribute a;
    /* A list of a defined type. */
    ifc_entity cp = find(v4, "IfcCartesianPoint");
    assert_int_equal(ifc_entity_attribute_find(v4, cp, "Coordinates", &a), 0);
    assert_int_equal(ifc_type_kind_of(v4, a.type), IFC_TYPE_AGGREGATE);
    ifc_type el = ifc_type_element(v4, a.type);
    assert_int_equal(ifc_type_kind_of(v4, el), IFC_TYPE_DEFINED);
    assert_string_equal(ifc_type_name(v4, el), "IfcLengthMeasure");
    assert_int_equal(ifc_type_value_kind(v4, el), IFC_TYPE_REAL);
    /* INTEGER: written directly in IFC2X3, through IfcInteger in IFC4. */
    assert_true(ifc_entity_attribute_find(v2x3, find(v2x3, "IfcStairFlight"), "NumberOfRiser",
                                          &a) >= 0);
    assert_int_equal(ifc_type_kind_of(v2x3, a.type), IFC_TYPE_INTEGER);
    assert_true(ifc_entity_attribute_find(v4, find(v4, "IfcStairFlight"), "NumberOfRisers",
                                          &a) >= 0);
    assert_int_equal(ifc_type_kind_of(v4, a.type), IFC_TYPE_DEFINED);
    assert_int_equal(ifc_type_value_kind(v4, a.type), IFC_TYPE_INTEGER);
    /* A select and its members. */
    assert_true(ifc_entity_attribute_find(v4, find(v4, "IfcSurfaceStyleRendering"),
                                          "DiffuseColour", &a) >= 0);
    assert_int_equal(ifc_type_kind_of(v4, a.type), IFC_TYPE_SELECT);
    int sel = ifc_type_ref(v4, a.type);
    assert_int_equal(sel, ifc_select_find(v4, "IfcColourOrFactor"));
    bool rgb = false, ratio = false;
    for (size_t i = 0; i < ifc_select_member_count(v4, sel); i++) {
        const char *n = ifc_type_name(v4, ifc_select_member(v4, sel, i));
        rgb |= strcmp(n, "IfcColourRgb") == 0;
        ratio |= strcmp(n, "IfcNormalisedRatioMeasure") == 0;
    }
    assert_true(rgb && ratio);
    /* Defined types and their value kinds. */
    assert_int_equal(ifc_defined_value_kind(v4, ifc_defined_find(v4, "IfcLabel")), IFC_TYPE_STRING);
    assert_int_equal(ifc_defined_value_kind(v4, ifc_defined_find(v4, "IFCBOOLEAN")),
                     IFC_TYPE_BOOLEAN);
    assert_int_equal(ifc_defined_value_kind(v4, ifc_defined_find(v4, "IfcLogical")),
                     IFC_TYPE_LOGICAL);
    assert_int_equal(ifc_defined_value_kind(v4, ifc_defined_find(v4, "IfcInteger")),
                     IFC_TYPE_INTEGER);
    assert_int_equal(ifc_defined_value_kind(v4, ifc_defined_find(v4, "IfcBinary")),
                     IFC_TYPE_BINARY);
    int arc = ifc_defined_find(v4, "IfcArcIndex");
    assert_int_equal(ifc_defined_value_kind(v4, arc), IFC_TYPE_AGGREGATE);
    assert_string_equal(ifc_type_name(v4, ifc_defined_element(v4, arc)), "IfcPositiveInteger");
    assert_int_equal(ifc_defined_find(v2x3, "IfcArcIndex"), -1);
    assert_int_equal(ifc_enum_find(v4, "IfcWallTypeEnum"), ifc_enum_find(v4, "ifcwalltypeenum"));
}

static void test_partof(void **state)
{
    (void)state;
    ifc_partof r;
    assert_true(ifc_partof_find(v2x3, "IFCRELCONTAINEDINSPATIALSTRUCTURE", &r) >= 0);
    assert_string_equal(ifc_entity_name(v2x3, r.whole), "IfcSpatialStructureElement");
    assert_string_equal(ifc_entity_name(v2x3, r.part), "IfcProduct");
    assert_true(ifc_partof_find(v4, "IFCRELCONTAINEDINSPATIALSTRUCTURE", &r) >= 0);
    assert_string_equal(ifc_entity_name(v4, r.whole), "IfcSpatialElement");
    assert_true(ifc_partof_find(v4x3, "IFCRELVOIDSELEMENT IFCRELFILLSELEMENT", &r) >= 0);
    assert_string_equal(ifc_entity_name(v4x3, r.whole), "IfcElement");
    assert_int_equal(ifc_partof_find(v4, "IFCRELDEFINESBYTYPE", &r), -1);
    assert_int_equal(ifc_partof_count(v4), 7);
}

/* ---- the IDS dataType table ---- */

static void test_datatypes(void **state)
{
    (void)state;
    assert_int_equal(ifc_datatype_count(), 392);
    const ifc_datatype *d = ifc_datatype_find("IFCLABEL");
    assert_non_null(d);
    assert_string_equal(d->base, "xs:string");
    assert_int_equal(d->versions, IFC_ALL_VERSIONS);
    d = ifc_datatype_find("IFCPOSITIVEINTEGER");
    assert_string_equal(d->base, "xs:integer");
    assert_int_equal(d->versions, (1u << IFC_IFC4) | (1u << IFC_IFC4X3_ADD2));
    d = ifc_datatype_find("IFCBINARY");
    assert_string_equal(d->base, "");
    assert_null(ifc_datatype_find("IfcLabel"));
    assert_null(ifc_datatype_find(NULL));
    for (size_t i = 1; i < ifc_datatype_count(); i++)
        assert_true(strcmp(ifc_datatype_at(i - 1)->name, ifc_datatype_at(i)->name) < 0);
}

/* The table agrees with the IDS documentation's DataTypes.md, row by row:
 * the versions that carry each type and its restriction base. */
static void test_datatypes_match_documentation(void **state)
{
    (void)state;
    const char *path = testutil_shared_path("docs/DataTypes.md");
    char *text = path != NULL ? testutil_read_file(path, NULL) : NULL;
    if (text == NULL)
        skip();
    size_t rows = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "| IFC", 5) != 0)
            continue;
        char *cells[6] = {0};
        size_t n = 0;
        for (char *p = line + 1; n < 6 && p != NULL;) {
            char *bar = strchr(p, '|');
            if (bar != NULL)
                *bar = '\0';
            while (*p == ' ')
                p++;
            char *end = p + strlen(p);
            while (end > p && end[-1] == ' ')
                *--end = '\0';
            cells[n++] = p;
            p = bar != NULL ? bar + 1 : NULL;
        }
        assert_true(n >= 5);
        const ifc_datatype *d = ifc_datatype_find(cells[0]);
        if (d == NULL)
            fail_msg("%s of DataTypes.md is missing", cells[0]);
        unsigned versions = 0;
        for (int v = 0; v < 3; v++)
            if (strstr(cells[1 + v], "\xe2\x9c\x94") != NULL) /* the check mark */
                versions |= 1u << v;
        if (d->versions != versions || strcmp(d->base, cells[4]) != 0)
            fail_msg("%s: versions %u base '%s', DataTypes.md says %u '%s'", cells[0],
                     d->versions, d->base, versions, cells[4]);
        rows++;
    }
    free(text);
    assert_int_equal(rows, ifc_datatype_count());
}

/* ---- invariants of the tables ---- */

static void test_table_invariants(void **state)
{
    (void)state;
    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        const ifc_schema *s = ifc_schema_get((ifc_version)v);
        size_t n = ifc_entity_count(s);
        for (size_t i = 0; i < n; i++) {
            ifc_entity e = (ifc_entity)i;
            const char *name = ifc_entity_name(s, e);
            /* Found by its name in any case, also without a terminator. */
            assert_int_equal(find(s, name), e);
            char up[128], padded[130];
            size_t len = strlen(name);
            for (size_t k = 0; k <= len; k++)
                up[k] = (char)toupper((unsigned char)name[k]);
            assert_int_equal(find(s, up), e);
            snprintf(padded, sizeof(padded), "%sX", name);
            assert_int_equal(ifc_entity_find(s, padded, len), e);
            /* Preorder: a parent comes first and its subtree contains e. */
            ifc_entity p = ifc_entity_parent(s, e);
            if (p != IFC_NONE) {
                assert_true(p < e);
                assert_true(ifc_entity_last(s, p) >= ifc_entity_last(s, e));
                assert_true(ifc_entity_is_subtype_of(s, e, p));
                /* Attributes are inherited at the same positions. */
                assert_true(ifc_entity_attribute_count(s, p) <= ifc_entity_attribute_count(s, e));
                for (size_t k = 0; k < ifc_entity_attribute_count(s, p); k++) {
                    ifc_attribute a, b;
                    assert_true(ifc_entity_attribute(s, p, k, &a));
                    assert_true(ifc_entity_attribute(s, e, k, &b));
                    assert_string_equal(a.name, b.name);
                }
            }
            ifc_attribute a;
            for (size_t k = 0; ifc_entity_attribute(s, e, k, &a); k++)
                assert_true(ifc_entity_is_subtype_of(s, e, a.declared_by));
            if (i > 0)
                assert_true(strcasecmp(ifc_entity_name(s, ifc_entity_by_name(s, i - 1)),
                                       ifc_entity_name(s, ifc_entity_by_name(s, i))) < 0);
        }
        /* Every declaration of every attribute name is found. */
        for (size_t i = 0; i < ifc_attribute_name_count(s); i++) {
            const char *name = ifc_attribute_name_at(s, i);
            size_t cursor = 0, found = 0;
            ifc_attribute a;
            while (ifc_attribute_declaration(s, name, &cursor, &a)) {
                assert_string_equal(a.name, name);
                ifc_attribute b;
                assert_true(ifc_entity_attribute(s, a.declared_by, a.position, &b));
                assert_string_equal(b.name, name);
                found++;
            }
            assert_true(found > 0);
        }
        for (size_t i = 0; i < ifc_pset_count(s); i++) {
            assert_int_equal(ifc_pset_find(s, ifc_pset_name(s, (ifc_pset)i)), (ifc_pset)i);
            for (size_t k = 0; k < ifc_pset_applicable_count(s, (ifc_pset)i); k++)
                assert_true(ifc_pset_applicable(s, (ifc_pset)i, k) >= 0);
        }
        assert_int_equal(find(s, "IfcRabbit"), IFC_NONE);
        assert_int_equal(ifc_entity_find(s, NULL, 0), IFC_NONE);
        assert_null(ifc_entity_name(s, (ifc_entity)n));
    }
}

/* ---- did you mean ---- */

static void test_suggest(void **state)
{
    (void)state;
    ifc_suggestion s[3];
    size_t n = ifc_suggest(IFC_NAME_ENTITY, IFC_ALL_VERSIONS, NULL, "IfcWal", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "IfcWall");
    assert_int_equal(s[0].distance, 1);
    assert_int_equal(s[0].versions, IFC_ALL_VERSIONS);
    /* Case alone is distance 0; the exact name is no suggestion. */
    n = ifc_suggest(IFC_NAME_ENTITY, IFC_ALL_VERSIONS, NULL, "IFCWALL", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "IfcWall");
    assert_int_equal(s[0].distance, 0);
    n = ifc_suggest(IFC_NAME_ENTITY, IFC_ALL_VERSIONS, NULL, "IfcWall", 1, s, 3);
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(s[i].name, "IfcWall");
    /* The versions asked for decide what exists. */
    n = ifc_suggest(IFC_NAME_ENTITY, 1u << IFC_IFC4X3_ADD2, NULL, "IfcBuildingElement", 0, s, 3);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(s[i].name, "IfcBuildingElement");
    n = ifc_suggest(IFC_NAME_ENTITY, 1u << IFC_IFC4, NULL, "IfcBuildingElemnt", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "IfcBuildingElement");
    assert_int_equal(s[0].versions, 1u << IFC_IFC4);
    /* Names in a context. */
    n = ifc_suggest(IFC_NAME_PROPERTY, IFC_ALL_VERSIONS, "Pset_WallCommon", "FireRatingg", 0,
                    s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "FireRating");
    n = ifc_suggest(IFC_NAME_PROPERTY, IFC_ALL_VERSIONS, "Pset_WallCommon", "Statuss", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "Status");
    assert_int_equal(s[0].versions, (1u << IFC_IFC4) | (1u << IFC_IFC4X3_ADD2));
    n = ifc_suggest(IFC_NAME_PSET, IFC_ALL_VERSIONS, NULL, "Pset_WallComon", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "Pset_WallCommon");
    n = ifc_suggest(IFC_NAME_PREDEFINED, IFC_ALL_VERSIONS, "IFCWALL", "SHAER", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "SHEAR");
    assert_int_equal(s[0].distance, 1); /* a swap of neighbours is one edit */
    n = ifc_suggest(IFC_NAME_ATTRIBUTE, IFC_ALL_VERSIONS, "IfcWall", "Nme", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "Name");
    n = ifc_suggest(IFC_NAME_ATTRIBUTE, IFC_ALL_VERSIONS, NULL, "PredefinedTyp", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "PredefinedType");
    n = ifc_suggest(IFC_NAME_RELATION, IFC_ALL_VERSIONS, NULL, "IFCRELAGGREGATE", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "IFCRELAGGREGATES");
    n = ifc_suggest(IFC_NAME_DATATYPE, 1u << IFC_IFC2X3, NULL, "IFCLABLE", 0, s, 3);
    assert_true(n >= 1);
    assert_string_equal(s[0].name, "IFCLABEL");
    /* Limits: max, far words, long words, no versions. */
    assert_int_equal(ifc_suggest(IFC_NAME_ENTITY, IFC_ALL_VERSIONS, NULL, "IfcWal", 0, s, 1), 1);
    assert_int_equal(ifc_suggest(IFC_NAME_ENTITY, IFC_ALL_VERSIONS, NULL, "Rabbit", 1, s, 3), 0);
    char longw[200];
    memset(longw, 'a', sizeof(longw) - 1);
    longw[sizeof(longw) - 1] = '\0';
    assert_int_equal(ifc_suggest(IFC_NAME_ENTITY, IFC_ALL_VERSIONS, NULL, longw, 0, s, 3), 0);
    assert_int_equal(ifc_suggest(IFC_NAME_ENTITY, 0, NULL, "IfcWal", 0, s, 3), 0);
    assert_int_equal(ifc_suggest(IFC_NAME_ENTITY, IFC_ALL_VERSIONS, NULL, NULL, 0, s, 3), 0);
    /* Ranked: never a farther name before a closer one. */
    n = ifc_suggest(IFC_NAME_ENTITY, IFC_ALL_VERSIONS, NULL, "IfcSlabb", 3, s, 3);
    for (size_t i = 1; i < n; i++)
        assert_true(s[i - 1].distance <= s[i].distance);
}

/* ---- fragment search ---- */

static void test_search(void **state)
{
    (void)state;
    ifc_search_hit hits[4];
    size_t total = ifc_search(v4, IFC_NAME_ENTITY, "wall", NULL, 0, hits, 4);
    /* IfcCurtainWall(Type), IfcWall, IfcWallElementedCase,
     * IfcWallStandardCase, IfcWallType. */
    assert_int_equal(total, 6);
    assert_string_equal(hits[0].name, "IfcCurtainWall");
    assert_null(hits[0].context);
    /* Paging: the same order, the same total. */
    ifc_search_hit page[4];
    assert_int_equal(ifc_search(v4, IFC_NAME_ENTITY, "WALL", NULL, 4, page, 4), 6);
    assert_string_equal(page[0].name, "IfcWallStandardCase");
    assert_string_equal(page[1].name, "IfcWallType");
    assert_int_equal(ifc_search(v4, IFC_NAME_ENTITY, "wall", NULL, 100, page, 4), 6);
    assert_int_equal(ifc_search(v4, IFC_NAME_ENTITY, "", NULL, 0, NULL, 0), 776);
    /* Properties come with their set. */
    total = ifc_search(v4, IFC_NAME_PROPERTY, "firerating", "Pset_WallCommon", 0, hits, 4);
    assert_int_equal(total, 1);
    assert_string_equal(hits[0].name, "FireRating");
    assert_string_equal(hits[0].context, "Pset_WallCommon");
    assert_true(ifc_search(v4, IFC_NAME_PROPERTY, "FireRating", NULL, 0, hits, 4) > 10);
    assert_true(ifc_search(v4x3, IFC_NAME_PSET, "WallCommon", NULL, 0, hits, 4) >= 1);
    assert_true(ifc_search(v2x3, IFC_NAME_ATTRIBUTE, "PredefinedType", NULL, 0, hits, 4) == 1);
    assert_int_equal(ifc_search(v2x3, IFC_NAME_DATATYPE, "IFCPOSITIVEINTEGER", NULL, 0, hits, 4),
                     0);
    assert_int_equal(ifc_search(v4, IFC_NAME_DATATYPE, "IFCPOSITIVEINTEGER", NULL, 0, hits, 4), 1);
    assert_int_equal(ifc_search(v4, IFC_NAME_RELATION, "", NULL, 0, hits, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_entity_counts),
        cmocka_unit_test(test_ifcwall),
        cmocka_unit_test(test_ifcwall_predefined_types),
        cmocka_unit_test(test_pset_wall_common),
        cmocka_unit_test(test_quantity_sets),
        cmocka_unit_test(test_inheritance_and_derived),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_partof),
        cmocka_unit_test(test_datatypes),
        cmocka_unit_test(test_datatypes_match_documentation),
        cmocka_unit_test(test_table_invariants),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_search),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
