/*
 * test_view_words.c - the sentences: every facet kind in both locations,
 * every cardinality, every shape of restriction, the applicability
 * sentence and the usage. Each case compares the whole sentence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

/* ---- building facets ---- */

static ids_value simple(const char *s)
{
    ids_value v = {0};
    v.kind = IDS_VALUE_SIMPLE;
    v.simple = (char *)s;
    return v;
}

/* A restriction of up to 8 items given as facet/value pairs, ended by -1. */
typedef struct restr {
    ids_xs_item items[8];
    ids_value value;
} restr;

static ids_value restriction(restr *r, ...)
{
    va_list ap;
    va_start(ap, r);
    size_t n = 0;
    for (;;) {
        int facet = va_arg(ap, int);
        if (facet < 0)
            break;
        assert_true(n < 8);
        r->items[n].facet = (ids_xs_facet)facet;
        r->items[n].value = (char *)va_arg(ap, const char *);
        n++;
    }
    va_end(ap);
    memset(&r->value, 0, sizeof(r->value));
    r->value.kind = IDS_VALUE_RESTRICTION;
    r->value.base = (char *)"xs:string";
    r->value.items = r->items;
    r->value.n_items = n;
    return r->value;
}

static ids_facet facet(ids_facet_kind kind)
{
    ids_facet f;
    memset(&f, 0, sizeof(f));
    f.kind = kind;
    return f;
}

static ids_facet property(const char *pset, const char *base, const char *data_type)
{
    ids_facet f = facet(IDS_FACET_PROPERTY);
    f.params[IDS_PARAM_PROPERTY_SET] = simple(pset);
    f.params[IDS_PARAM_BASE_NAME] = simple(base);
    f.fattrs[IDS_FATTR_DATA_TYPE] = (char *)data_type;
    return f;
}

static ids_facet entity(const char *name)
{
    ids_facet f = facet(IDS_FACET_ENTITY);
    f.params[IDS_PARAM_NAME] = simple(name);
    return f;
}

static void with_cardinality(ids_facet *f, const char *c)
{
    f->fattrs[IDS_FATTR_CARDINALITY] = (char *)c;
}

static void expect_words(const ids_facet *f, ids_location loc, const char *versions,
                         const char *expected)
{
    char *text = NULL;
    assert_int_equal(view_facet_words(f, loc, versions, &text), VIEW_OK);
    assert_non_null(text);
    assert_string_equal(text, expected);
    free(text);
}

#define REQ(f, expected) expect_words(&(f), IDS_REQUIREMENTS, "IFC4", expected)
#define APP(f, expected) expect_words(&(f), IDS_APPLICABILITY, "IFC4", expected)

/* ---- entity ---- */

static void test_entity(void **state)
{
    (void)state;
    ids_facet f = entity("IFCWALL");
    APP(f, "IfcWall elements");
    REQ(f, "must be an IfcWall");
    /* Entity takes no cardinality: a stray one changes nothing. */
    with_cardinality(&f, "prohibited");
    REQ(f, "must be an IfcWall");

    f.params[IDS_PARAM_PREDEFINED_TYPE] = simple("SOLIDWALL");
    APP(f, "IfcWall elements of predefined type SOLIDWALL");
    REQ(f, "must be an IfcWall of predefined type SOLIDWALL");

    restr r, r2;
    f.params[IDS_PARAM_PREDEFINED_TYPE] =
        restriction(&r, IDS_XS_ENUMERATION, "SOLIDWALL", IDS_XS_ENUMERATION, "SHEAR", -1);
    APP(f, "IfcWall elements with predefined type one of SOLIDWALL, SHEAR");

    ids_facet g = facet(IDS_FACET_ENTITY);
    g.params[IDS_PARAM_NAME] = restriction(&r, IDS_XS_ENUMERATION, "IFCWALL",
                                           IDS_XS_ENUMERATION, "IFCSLAB", IDS_XS_ENUMERATION,
                                           "IFCBEAM", -1);
    APP(g, "IfcWall, IfcSlab or IfcBeam elements");
    REQ(g, "must be an IfcWall, IfcSlab or IfcBeam");

    g.params[IDS_PARAM_NAME] = restriction(&r2, IDS_XS_PATTERN, "IFC.*WALL", -1);
    APP(g, "elements with class matching /IFC.*WALL/");
    REQ(g, "must be an element with class matching /IFC.*WALL/");

    /* Unknown names stay as written; names of another version are still
     * spelled by the schema that has them. */
    ids_facet h = entity("IFCFOO");
    APP(h, "IFCFOO elements");
    h = entity("IFCELECTRICDISTRIBUTIONPOINT");
    REQ(h, "must be an IfcElectricDistributionPoint");
    /* A missing name says so. */
    ids_facet none = facet(IDS_FACET_ENTITY);
    APP(none, "elements with class (missing)");
}

/* ---- attribute ---- */

static void test_attribute(void **state)
{
    (void)state;
    ids_facet f = facet(IDS_FACET_ATTRIBUTE);
    f.params[IDS_PARAM_NAME] = simple("Name");
    APP(f, "with a value for Name");
    REQ(f, "Name must have a value");
    with_cardinality(&f, "prohibited");
    REQ(f, "Name must not have a value");
    with_cardinality(&f, "optional");
    REQ(f, "Name may have a value");

    f.params[IDS_PARAM_VALUE] = simple("W-01");
    with_cardinality(&f, NULL);
    APP(f, "with Name = W-01");
    REQ(f, "Name must be W-01");
    with_cardinality(&f, "required");
    REQ(f, "Name must be W-01");
    with_cardinality(&f, "prohibited");
    REQ(f, "Name must not be W-01");
    with_cardinality(&f, "optional");
    REQ(f, "Name, where present, must be W-01");

    /* Values with blanks or commas are quoted; with a quote, the other quote. */
    with_cardinality(&f, NULL);
    f.params[IDS_PARAM_VALUE] = simple("Wall 01");
    REQ(f, "Name must be 'Wall 01'");
    f.params[IDS_PARAM_VALUE] = simple("it's");
    REQ(f, "Name must be \"it's\"");
    f.params[IDS_PARAM_VALUE] = simple("");
    REQ(f, "Name must be ''");

    restr r;
    f.params[IDS_PARAM_NAME] = restriction(&r, IDS_XS_PATTERN, "Na.*", -1);
    f.params[IDS_PARAM_VALUE].kind = IDS_VALUE_ABSENT;
    REQ(f, "an attribute with a name matching /Na.*/ must have a value");
    f.params[IDS_PARAM_NAME] =
        restriction(&r, IDS_XS_ENUMERATION, "Name", IDS_XS_ENUMERATION, "Description", -1);
    APP(f, "with a value for Name or Description");
}

/* ---- property ---- */

static void test_property(void **state)
{
    (void)state;
    ids_facet f = property("Pset_WallCommon", "IsExternal", "IFCBOOLEAN");
    APP(f, "with property Pset_WallCommon.IsExternal (data type IfcBoolean)");
    REQ(f, "must have property Pset_WallCommon.IsExternal (data type IfcBoolean)");
    with_cardinality(&f, "prohibited");
    f.fattrs[IDS_FATTR_DATA_TYPE] = NULL;
    REQ(f, "must not have property Pset_WallCommon.IsExternal");
    with_cardinality(&f, "optional");
    f.fattrs[IDS_FATTR_DATA_TYPE] = (char *)"IFCBOOLEAN";
    REQ(f, "may have property Pset_WallCommon.IsExternal (data type IfcBoolean)");

    f.params[IDS_PARAM_VALUE] = simple("true");
    with_cardinality(&f, NULL);
    APP(f, "with Pset_WallCommon.IsExternal = true (data type IfcBoolean)");
    REQ(f, "Pset_WallCommon.IsExternal must be true (data type IfcBoolean)");

    restr r;
    ids_facet g = property("Pset_WallCommon", "FireRating", "IFCLABEL");
    g.params[IDS_PARAM_VALUE] =
        restriction(&r, IDS_XS_ENUMERATION, "REI30", IDS_XS_ENUMERATION, "REI60", -1);
    REQ(g, "Pset_WallCommon.FireRating must be one of REI30, REI60 (data type IfcLabel)");
    APP(g, "with Pset_WallCommon.FireRating one of REI30, REI60 (data type IfcLabel)");
    with_cardinality(&g, "optional");
    REQ(g, "Pset_WallCommon.FireRating, where present, must be one of REI30, REI60 "
           "(data type IfcLabel)");
    with_cardinality(&g, "prohibited");
    REQ(g, "Pset_WallCommon.FireRating must not be one of REI30, REI60 (data type IfcLabel)");

    /* The uri, requirements only; a data type the schemas lack as written. */
    ids_facet h = property("Pset_WallCommon", "FireRating", "IFCFOO");
    h.fattrs[IDS_FATTR_URI] = (char *)"https://identifier.buildingsmart.org/x";
    REQ(h, "must have property Pset_WallCommon.FireRating (data type IFCFOO) "
           "(see https://identifier.buildingsmart.org/x)");
    APP(h, "with property Pset_WallCommon.FireRating (data type IFCFOO)");

    /* Property set or name as restrictions. */
    restr r2;
    ids_facet k = property("x", "FireRating", NULL);
    k.params[IDS_PARAM_PROPERTY_SET] = restriction(&r2, IDS_XS_PATTERN, "Pset_.*Common", -1);
    k.params[IDS_PARAM_VALUE] = simple("REI60");
    REQ(k, "FireRating in a property set with a name matching /Pset_.*Common/ must be REI60");
    k.params[IDS_PARAM_PROPERTY_SET] = simple("Pset_WallCommon");
    k.params[IDS_PARAM_BASE_NAME] =
        restriction(&r2, IDS_XS_ENUMERATION, "FireRating", IDS_XS_ENUMERATION, "Fire", -1);
    APP(k, "with FireRating or Fire in Pset_WallCommon = REI60");
}

/* ---- restriction shapes, as predicates and as conditions ---- */

static void expect_shape(const ids_value *v, const char *req, const char *app)
{
    ids_facet f = property("P", "X", NULL);
    f.params[IDS_PARAM_VALUE] = *v;
    char expected[256];
    snprintf(expected, sizeof(expected), "P.X must %s", req);
    REQ(f, expected);
    snprintf(expected, sizeof(expected), "with P.X %s", app);
    APP(f, expected);
}

static void test_restrictions(void **state)
{
    (void)state;
    restr r;
    ids_value v;
    v = restriction(&r, IDS_XS_MIN_INCLUSIVE, "2", IDS_XS_MAX_INCLUSIVE, "5", -1);
    expect_shape(&v, "be between 2 and 5 (inclusive)", "between 2 and 5 (inclusive)");
    v = restriction(&r, IDS_XS_MIN_EXCLUSIVE, "2", IDS_XS_MAX_EXCLUSIVE, "5", -1);
    expect_shape(&v, "be between 2 and 5 (exclusive)", "between 2 and 5 (exclusive)");
    v = restriction(&r, IDS_XS_MIN_INCLUSIVE, "2", IDS_XS_MAX_EXCLUSIVE, "5", -1);
    expect_shape(&v, "be at least 2 and less than 5", "at least 2 and less than 5");
    v = restriction(&r, IDS_XS_MAX_INCLUSIVE, "5", IDS_XS_MIN_EXCLUSIVE, "2", -1);
    expect_shape(&v, "be greater than 2 and at most 5", "greater than 2 and at most 5");
    v = restriction(&r, IDS_XS_MIN_INCLUSIVE, "2", -1);
    expect_shape(&v, "be at least 2", "at least 2");
    v = restriction(&r, IDS_XS_MIN_EXCLUSIVE, "2", -1);
    expect_shape(&v, "be greater than 2", "greater than 2");
    v = restriction(&r, IDS_XS_MAX_INCLUSIVE, "5", -1);
    expect_shape(&v, "be at most 5", "at most 5");
    v = restriction(&r, IDS_XS_MAX_EXCLUSIVE, "5", -1);
    expect_shape(&v, "be less than 5", "less than 5");
    v = restriction(&r, IDS_XS_LENGTH, "3", -1);
    expect_shape(&v, "be exactly 3 characters long", "exactly 3 characters long");
    v = restriction(&r, IDS_XS_MIN_LENGTH, "2", IDS_XS_MAX_LENGTH, "4", -1);
    expect_shape(&v, "be between 2 and 4 characters long", "between 2 and 4 characters long");
    v = restriction(&r, IDS_XS_MIN_LENGTH, "2", -1);
    expect_shape(&v, "be at least 2 characters long", "at least 2 characters long");
    v = restriction(&r, IDS_XS_MAX_LENGTH, "4", -1);
    expect_shape(&v, "be at most 4 characters long", "at most 4 characters long");
    v = restriction(&r, IDS_XS_PATTERN, "[A-Z]{2}[0-9]{2}", -1);
    expect_shape(&v, "match /[A-Z]{2}[0-9]{2}/", "matching /[A-Z]{2}[0-9]{2}/");
    v = restriction(&r, IDS_XS_PATTERN, "A.*", IDS_XS_PATTERN, "B.*", -1);
    expect_shape(&v, "match /A.*/ or /B.*/", "matching /A.*/ or /B.*/");
    v = restriction(&r, IDS_XS_ENUMERATION, "REI60", -1);
    expect_shape(&v, "be REI60", "= REI60");
    v = restriction(&r, IDS_XS_ENUMERATION, "A B", IDS_XS_ENUMERATION, "C", -1);
    expect_shape(&v, "be one of 'A B', C", "one of 'A B', C");
    v = restriction(&r, IDS_XS_ENUMERATION, "A", IDS_XS_ENUMERATION, "B", IDS_XS_PATTERN, "A",
                    -1);
    expect_shape(&v, "be one of A, B and match /A/", "one of A, B and matching /A/");
    v = restriction(&r, IDS_XS_PATTERN, "[A-Z]+", IDS_XS_MAX_LENGTH, "8", -1);
    expect_shape(&v, "match /[A-Z]+/ and be at most 8 characters long",
                 "matching /[A-Z]+/ and at most 8 characters long");
    v = restriction(&r, IDS_XS_TOTAL_DIGITS, "5", IDS_XS_FRACTION_DIGITS, "2", -1);
    expect_shape(&v, "have at most 5 digits and have at most 2 decimal places",
                 "of at most 5 digits and of at most 2 decimal places");
    /* Two lower bounds: each said. */
    v = restriction(&r, IDS_XS_MIN_INCLUSIVE, "2", IDS_XS_MIN_EXCLUSIVE, "3", -1);
    expect_shape(&v, "be greater than 3 and be at least 2", "greater than 3 and at least 2");
    v = restriction(&r, -1);
    expect_shape(&v, "be any value (empty restriction)", "of any value (empty restriction)");
}

/* ---- material, classification ---- */

static void test_material(void **state)
{
    (void)state;
    ids_facet f = facet(IDS_FACET_MATERIAL);
    APP(f, "with a material");
    REQ(f, "must have a material");
    with_cardinality(&f, "prohibited");
    REQ(f, "must not have a material");

    f.params[IDS_PARAM_VALUE] = simple("wood");
    REQ(f, "must not have material 'wood'");
    with_cardinality(&f, "optional");
    REQ(f, "may have material 'wood'");
    with_cardinality(&f, "required");
    REQ(f, "must have material 'wood'");
    APP(f, "with material 'wood'");

    restr r;
    f.params[IDS_PARAM_VALUE] =
        restriction(&r, IDS_XS_ENUMERATION, "wood", IDS_XS_ENUMERATION, "steel", -1);
    REQ(f, "must have material 'wood' or 'steel'");
    f.params[IDS_PARAM_VALUE] = restriction(&r, IDS_XS_ENUMERATION, "a", IDS_XS_ENUMERATION,
                                            "b", IDS_XS_ENUMERATION, "c", -1);
    APP(f, "with material 'a', 'b' or 'c'");
    f.params[IDS_PARAM_VALUE] = restriction(&r, IDS_XS_PATTERN, "wo.*", -1);
    REQ(f, "must have a material matching /wo.*/");

    f.params[IDS_PARAM_VALUE] = simple("wood");
    f.fattrs[IDS_FATTR_URI] = (char *)"https://example.org/m";
    REQ(f, "must have material 'wood' (see https://example.org/m)");
    f.fattrs[IDS_FATTR_URI] = (char *)"javascript:alert(1)";
    REQ(f, "must have material 'wood' (see javascript:alert(1))");
    /* No uri in applicability. */
    APP(f, "with material 'wood'");
}

static void test_classification(void **state)
{
    (void)state;
    ids_facet f = facet(IDS_FACET_CLASSIFICATION);
    f.params[IDS_PARAM_SYSTEM] = simple("Uniclass 2015");
    APP(f, "with a classification in system 'Uniclass 2015'");
    REQ(f, "must have a classification in system 'Uniclass 2015'");
    f.params[IDS_PARAM_VALUE] = simple("EF_25_10");
    REQ(f, "must have classification 'EF_25_10' in system 'Uniclass 2015'");
    with_cardinality(&f, "prohibited");
    REQ(f, "must not have classification 'EF_25_10' in system 'Uniclass 2015'");
    with_cardinality(&f, "optional");
    REQ(f, "may have classification 'EF_25_10' in system 'Uniclass 2015'");
    APP(f, "with classification 'EF_25_10' in system 'Uniclass 2015'");

    restr r, r2;
    with_cardinality(&f, NULL);
    f.params[IDS_PARAM_VALUE] = restriction(&r, IDS_XS_PATTERN, "EF_25.*", -1);
    f.params[IDS_PARAM_SYSTEM] =
        restriction(&r2, IDS_XS_ENUMERATION, "Uniclass", IDS_XS_ENUMERATION, "NL-SfB", -1);
    REQ(f, "must have a classification matching /EF_25.*/ in system 'Uniclass' or 'NL-SfB'");
    f.params[IDS_PARAM_SYSTEM] = restriction(&r2, IDS_XS_PATTERN, "Uni.*", -1);
    f.params[IDS_PARAM_VALUE].kind = IDS_VALUE_ABSENT;
    REQ(f, "must have a classification in a system matching /Uni.*/");
}

/* ---- partOf ---- */

static void test_partof(void **state)
{
    (void)state;
    static const struct {
        const char *relation;
        const char *words;
    } relations[] = {
        {NULL, "part of"},
        {"IFCRELAGGREGATES", "aggregated into"},
        {"IFCRELASSIGNSTOGROUP", "assigned to"},
        {"IFCRELCONTAINEDINSPATIALSTRUCTURE", "contained in"},
        {"IFCRELNESTS", "nested in"},
        {"IFCRELVOIDSELEMENT IFCRELFILLSELEMENT", "filling a void in"},
        {"IFCRELFOO", "related through IFCRELFOO to"},
    };
    for (size_t i = 0; i < sizeof(relations) / sizeof(relations[0]); i++) {
        ids_facet f = facet(IDS_FACET_PARTOF);
        f.params[IDS_PARAM_NAME] = simple("IFCBUILDINGSTOREY");
        f.fattrs[IDS_FATTR_RELATION] = (char *)relations[i].relation;
        char expected[200];
        snprintf(expected, sizeof(expected), "%s an IfcBuildingStorey", relations[i].words);
        APP(f, expected);
        snprintf(expected, sizeof(expected), "must be %s an IfcBuildingStorey",
                 relations[i].words);
        REQ(f, expected);
        with_cardinality(&f, "prohibited");
        snprintf(expected, sizeof(expected), "must not be %s an IfcBuildingStorey",
                 relations[i].words);
        REQ(f, expected);
        with_cardinality(&f, "optional");
        snprintf(expected, sizeof(expected), "may be %s an IfcBuildingStorey",
                 relations[i].words);
        REQ(f, expected);
    }
    ids_facet f = facet(IDS_FACET_PARTOF);
    f.params[IDS_PARAM_NAME] = simple("IFCSPACE");
    f.params[IDS_PARAM_PREDEFINED_TYPE] = simple("INTERNAL");
    f.fattrs[IDS_FATTR_RELATION] = (char *)"IFCRELCONTAINEDINSPATIALSTRUCTURE";
    REQ(f, "must be contained in an IfcSpace of predefined type INTERNAL");
    restr r;
    f.params[IDS_PARAM_PREDEFINED_TYPE].kind = IDS_VALUE_ABSENT;
    f.params[IDS_PARAM_NAME] =
        restriction(&r, IDS_XS_ENUMERATION, "IFCSPACE", IDS_XS_ENUMERATION, "IFCZONE", -1);
    REQ(f, "must be contained in an IfcSpace or IfcZone");
    f.params[IDS_PARAM_NAME] = restriction(&r, IDS_XS_PATTERN, "IFCSPACE.*", -1);
    f.fattrs[IDS_FATTR_RELATION] = NULL;
    REQ(f, "must be part of an element with class matching /IFCSPACE.*/");
}

/* ---- the applicability sentence, from documents ---- */

#define IDS_OPEN                                                                       \
    "<ids xmlns=\"http://standards.buildingsmart.org/IDS\""                            \
    " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""                                   \
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""                         \
    " xsi:schemaLocation=\"" IDS_SCHEMA_LOCATION "\"><info><title>t</title></info>"   \
    "<specifications>"
#define IDS_CLOSE "</specifications></ids>"
#define SIMPLE(x) "<simpleValue>" x "</simpleValue>"

static void expect_applicability(const char *spec_xml, const char *expected)
{
    char xml[4096];
    snprintf(xml, sizeof(xml), "%s%s%s", IDS_OPEN, spec_xml, IDS_CLOSE);
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err), IDS_OK);
    ids_spec_view *spec = NULL;
    assert_int_equal(ids_spec_get(doc, 0, &spec, &err), IDS_OK);
    char *text = NULL;
    assert_int_equal(view_applicability_words(spec, &text), VIEW_OK);
    assert_string_equal(text, expected);
    free(text);
    ids_spec_view_free(spec);
    ids_doc_free(doc);
}

static void test_applicability(void **state)
{
    (void)state;
    expect_applicability(
        "<specification name=\"s\" ifcVersion=\"IFC4 IFC4X3_ADD2\">"
        "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\">"
        "<entity><name>" SIMPLE("IFCWALL") "</name></entity>"
        "<property dataType=\"IFCBOOLEAN\"><propertySet>" SIMPLE("Pset_WallCommon")
        "</propertySet><baseName>" SIMPLE("IsExternal") "</baseName><value>" SIMPLE("true")
        "</value></property></applicability></specification>",
        "All IfcWall elements (IFC4, IFC4X3_ADD2) with Pset_WallCommon.IsExternal = true "
        "(data type IfcBoolean)");
    expect_applicability(
        "<specification name=\"s\" ifcVersion=\"IFC4\">"
        "<applicability minOccurs=\"0\" maxOccurs=\"unbounded\">"
        "<material><value>" SIMPLE("wood") "</value></material></applicability>"
        "</specification>",
        "All elements (IFC4) with material 'wood'");
    expect_applicability(
        "<specification name=\"s\" ifcVersion=\"IFC2X3  IFC4\">"
        "<applicability minOccurs=\"0\" maxOccurs=\"unbounded\">"
        "<entity><name>" SIMPLE("IFCDOOR") "</name></entity>"
        "<partOf relation=\"IFCRELCONTAINEDINSPATIALSTRUCTURE\"><entity><name>"
        SIMPLE("IFCBUILDINGSTOREY") "</name></entity></partOf>"
        "<attribute><name>" SIMPLE("Name") "</name><value>" SIMPLE("D-01") "</value></attribute>"
        "<material><value>" SIMPLE("wood") "</value></material></applicability>"
        "</specification>",
        "All IfcDoor elements (IFC2X3, IFC4) contained in an IfcBuildingStorey, with Name = "
        "D-01 and with material 'wood'");
    expect_applicability(
        "<specification name=\"s\" ifcVersion=\"IFC4\">"
        "<applicability minOccurs=\"0\" maxOccurs=\"unbounded\">"
        "<classification><system>" SIMPLE("Uniclass") "</system></classification>"
        "<material/></applicability></specification>",
        "All elements (IFC4) with a classification in system 'Uniclass' and with a material");
    expect_applicability("<specification name=\"s\" ifcVersion=\"IFC4\">"
                         "<applicability minOccurs=\"0\" maxOccurs=\"unbounded\"/>"
                         "</specification>",
                         "Nothing: the applicability has no facets");
    /* No ifcVersion: no parenthesis. */
    expect_applicability("<specification name=\"s\"><applicability><entity><name>"
                         SIMPLE("IFCSLAB") "</name></entity></applicability></specification>",
                         "All IfcSlab elements");
}

/* ---- usage ---- */

static void test_usage(void **state)
{
    (void)state;
    assert_int_equal(view_usage_of("1", "unbounded"), VIEW_USAGE_REQUIRED);
    assert_int_equal(view_usage_of("0", "unbounded"), VIEW_USAGE_OPTIONAL);
    assert_int_equal(view_usage_of("0", "0"), VIEW_USAGE_PROHIBITED);
    /* Absent attributes are 1/1 by the XSD's default: no usage of IDS. */
    assert_int_equal(view_usage_of(NULL, NULL), VIEW_USAGE_OTHER);
    assert_int_equal(view_usage_of(NULL, "unbounded"), VIEW_USAGE_REQUIRED);
    assert_int_equal(view_usage_of("2", "5"), VIEW_USAGE_OTHER);
    assert_string_equal(view_usage_name(VIEW_USAGE_REQUIRED), "required");
    assert_string_equal(view_usage_name(VIEW_USAGE_OPTIONAL), "optional");
    assert_string_equal(view_usage_name(VIEW_USAGE_PROHIBITED), "prohibited");
    assert_string_equal(view_usage_name(VIEW_USAGE_OTHER), "other");
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char *text = (char *)"untouched";
    ids_facet f = entity("IFCWALL");
    assert_int_equal(view_facet_words(NULL, IDS_REQUIREMENTS, NULL, &text), VIEW_ERR_INVALID_ARG);
    assert_null(text);
    assert_int_equal(view_facet_words(&f, (ids_location)7, NULL, &text), VIEW_ERR_INVALID_ARG);
    assert_int_equal(view_facet_words(&f, IDS_REQUIREMENTS, NULL, NULL), VIEW_ERR_INVALID_ARG);
    assert_int_equal(view_applicability_words(NULL, &text), VIEW_ERR_INVALID_ARG);
    /* Versions that name nothing known still spell the class. */
    expect_words(&f, IDS_REQUIREMENTS, " junk  IFC9 ", "must be an IfcWall");
    expect_words(&f, IDS_REQUIREMENTS, NULL, "must be an IfcWall");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entity),        cmocka_unit_test(test_attribute),
        cmocka_unit_test(test_property),      cmocka_unit_test(test_restrictions),
        cmocka_unit_test(test_material),      cmocka_unit_test(test_classification),
        cmocka_unit_test(test_partof),        cmocka_unit_test(test_applicability),
        cmocka_unit_test(test_usage),         cmocka_unit_test(test_bad_arguments),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return failed;
}
