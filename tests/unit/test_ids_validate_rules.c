/*
 * test_ids_validate_rules.c - focused cases for each audit rule without
 * IFC data (test_ids_audit_ifc.c has those with), the dataType table and lexical forms, the report contract, and
 * the schema loader (offline compile, errors, sharing across threads).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/validate_internal.h"
#include "testutil.h"

#include <libxml/parser.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- documents from text ---- */

static ids_doc *load_string(const char *text)
{
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_doc_load_string(text, strlen(text), NULL, &doc, &err) != IDS_OK) {
        print_message("load failed: %s\n", err.message);
        return NULL;
    }
    return doc;
}

/* One specification; each argument is spliced in verbatim. */
static ids_report *check(const char *ifc_version, const char *occurs, const char *app,
                         const char *req)
{
    char text[8192];
    snprintf(text, sizeof(text),
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<ids xmlns=\"" IDS_NAMESPACE "\" xmlns:xs=\"" IDS_XS_NAMESPACE "\">\n"
             "<info><title>t</title></info>\n"
             "<specifications>\n"
             "<specification name=\"s\" ifcVersion=\"%s\">\n"
             "<applicability %s>%s</applicability>\n"
             "%s%s%s\n"
             "</specification>\n"
             "</specifications>\n"
             "</ids>\n",
             ifc_version, occurs, app, req != NULL ? "<requirements>" : "",
             req != NULL ? req : "", req != NULL ? "</requirements>" : "");
    ids_doc *doc = load_string(text);
    assert_non_null(doc);
    ids_report *r = NULL;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_validate(doc, NULL, &r, &err), IDS_OK);
    ids_doc_free(doc);
    return r;
}

#define REQUIRED "minOccurs=\"1\" maxOccurs=\"unbounded\""
#define WALL "<entity><name><simpleValue>IFCWALL</simpleValue></name></entity>"
#define ATTR_NAME "<attribute><name><simpleValue>Name</simpleValue></name></attribute>"

static const ids_finding *rule_finding(const ids_report *r, const char *rule)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (strcmp(r->findings[i].rule, rule) == 0)
            return &r->findings[i];
    return NULL;
}

static void dump(const ids_report *r)
{
    for (size_t i = 0; i < r->n_findings; i++)
        print_message("  [%s] %s (%s:%d)\n", r->findings[i].rule, r->findings[i].message,
                      r->findings[i].path, r->findings[i].line);
}

/* Asserts the report holds rule at severity, and (structure) whether the
 * structural verdict is clean. */
static void expect(ids_report *r, const char *rule, ids_severity severity, bool structure)
{
    const ids_finding *f = rule_finding(r, rule);
    if (f == NULL || f->severity != severity || r->structure_valid != structure) {
        print_message("expected %s (%s), structure %s\n", rule,
                      severity == IDS_SEVERITY_ERROR ? "error" : "warning",
                      structure ? "valid" : "invalid");
        dump(r);
    }
    assert_non_null(f);
    assert_int_equal(f->severity, severity);
    assert_true(f->message[0] != '\0');
    assert_true(f->path[0] == '/');
    assert_true(f->line > 0);
    assert_int_equal(r->structure_valid, structure);
    assert_int_equal(r->audit_valid, severity != IDS_SEVERITY_ERROR);
    ids_report_free(r);
}

static void expect_clean(ids_report *r)
{
    if (r->n_findings != 0)
        dump(r);
    assert_int_equal(r->n_findings, 0);
    assert_true(r->structure_valid);
    assert_true(r->audit_valid);
    assert_false(r->xsd_checked);
    assert_true(ids_report_valid(r));
    ids_report_free(r);
}

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

/* ---- specification rules ---- */

static void test_clean_document(void **state)
{
    (void)state;
    expect_clean(check("IFC4", REQUIRED, WALL,
                       "<property dataType=\"IFCLABEL\"><propertySet><simpleValue>Foo_Bar"
                       "</simpleValue></propertySet><baseName><simpleValue>Foo</simpleValue>"
                       "</baseName><value><simpleValue>x</simpleValue></value></property>"));
    expect_clean(check("IFC2X3 IFC4X3_ADD2", "minOccurs=\"0\" maxOccurs=\"0\"", WALL, NULL));
    expect_clean(check("IFC4", "maxOccurs=\"unbounded\"", WALL, ATTR_NAME));
}

static void test_s1_ifc_version(void **state)
{
    (void)state;
    expect(check("", REQUIRED, WALL, ATTR_NAME), "S1", IDS_SEVERITY_ERROR, true);
    expect(check("  ", REQUIRED, WALL, ATTR_NAME), "S1", IDS_SEVERITY_ERROR, true);
}

static void test_s2_empty_applicability(void **state)
{
    (void)state;
    expect(check("IFC4", REQUIRED, "", ATTR_NAME), "S2", IDS_SEVERITY_ERROR, true);
}

static void test_s3_occurs(void **state)
{
    (void)state;
    expect(check("IFC4", "", WALL, ATTR_NAME), "S3", IDS_SEVERITY_ERROR, true);
    expect(check("IFC4", "minOccurs=\"2\" maxOccurs=\"5\"", WALL, ATTR_NAME), "S3",
           IDS_SEVERITY_ERROR, true);
    expect(check("IFC4", "minOccurs=\"1\" maxOccurs=\"0\"", WALL, ATTR_NAME), "S3",
           IDS_SEVERITY_ERROR, true);
    expect(check("IFC4", "minOccurs=\"x\" maxOccurs=\"unbounded\"", WALL, ATTR_NAME), "S3",
           IDS_SEVERITY_ERROR, false);
}

static void test_s4_prohibited_with_requirements(void **state)
{
    (void)state;
    ids_report *r = check("IFC4", "minOccurs=\"0\" maxOccurs=\"0\"", WALL, ATTR_NAME);
    const ids_finding *f = rule_finding(r, "S4");
    assert_non_null(f);
    assert_string_equal(f->path, "/ids/specifications/specification/requirements");
    assert_int_equal(f->line, 7);
    expect(r, "S4", IDS_SEVERITY_ERROR, true);
}

static void test_s5_optional_without_requirements(void **state)
{
    (void)state;
    expect(check("IFC4", "minOccurs=\"0\" maxOccurs=\"unbounded\"", WALL, NULL), "S5",
           IDS_SEVERITY_ERROR, true);
    expect(check("IFC4", "minOccurs=\"0\" maxOccurs=\"unbounded\"", WALL, ""), "S5",
           IDS_SEVERITY_ERROR, true);
    expect_clean(check("IFC4", "minOccurs=\"0\" maxOccurs=\"unbounded\"", WALL, ATTR_NAME));
}

/* ---- property rules ---- */

static ids_report *property(const char *attrs, const char *pset, const char *value)
{
    char req[2048];
    snprintf(req, sizeof(req),
             "<property %s>%s<baseName><simpleValue>Foo</simpleValue></baseName>%s</property>",
             attrs, pset, value);
    return check("IFC4", REQUIRED, WALL, req);
}

#define PSET "<propertySet><simpleValue>Foo_Bar</simpleValue></propertySet>"
#define SIMPLE(v) "<value><simpleValue>" v "</simpleValue></value>"

static void test_p1_property_parts(void **state)
{
    (void)state;
    expect(check("IFC4", REQUIRED, WALL,
                 "<property><baseName><simpleValue>Foo</simpleValue></baseName></property>"),
           "P1", IDS_SEVERITY_ERROR, false);
}

static void test_p2_data_type_needed(void **state)
{
    (void)state;
    expect(property("", PSET, SIMPLE("x")), "P2", IDS_SEVERITY_ERROR, true);
    expect(property("cardinality=\"optional\"", PSET, ""), "P2", IDS_SEVERITY_ERROR, true);
    expect(property("cardinality=\"prohibited\" dataType=\"IFCLABEL\"", PSET, ""), "P2",
           IDS_SEVERITY_ERROR, true);
    expect_clean(property("cardinality=\"prohibited\"", PSET, ""));
    expect_clean(property("cardinality=\"optional\" dataType=\"IFCLABEL\"", PSET, ""));
}

/* P4 with the standard sets of the version: more in test_ids_audit_ifc.c. */
static void test_p4_reserved_prefix(void **state)
{
    (void)state;
    expect(property("dataType=\"IFCLABEL\"",
                    "<propertySet><simpleValue>Pset_My own set</simpleValue></propertySet>",
                    ""),
           "P4", IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCLABEL\"",
                    "<propertySet><simpleValue>Qto_Custom_Set</simpleValue></propertySet>", ""),
           "P4", IDS_SEVERITY_ERROR, true);
    expect_clean(property("dataType=\"IFCLABEL\"",
                          "<propertySet><simpleValue>ACME_Custom</simpleValue></propertySet>",
                          ""));
}

static void test_p5_value_forms(void **state)
{
    (void)state;
    expect(property("dataType=\"IFCFOO\"", PSET, ""), "P5", IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCBOOLEAN\"", PSET, SIMPLE("FALSE")), "P5",
           IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCINTEGER\"", PSET, SIMPLE("42.0")), "P5",
           IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCINTEGER\"", PSET, SIMPLE("42.")), "P5",
           IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCREAL\"", PSET, SIMPLE("42,3")), "P5",
           IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCDATE\"", PSET, SIMPLE("2024-1-1")), "P5",
           IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCREAL\"", PSET,
                    "<value><xs:restriction base=\"xs:string\"><xs:pattern value=\"1.*\"/>"
                    "</xs:restriction></value>"),
           "P5", IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCINTEGER\"", PSET,
                    "<value><xs:restriction base=\"xs:integer\"><xs:enumeration value=\"1\"/>"
                    "<xs:enumeration value=\"two\"/></xs:restriction></value>"),
           "P5", IDS_SEVERITY_ERROR, true);
    expect(property("dataType=\"IFCLENGTHMEASURE\"", PSET,
                    "<value><xs:restriction base=\"xs:double\"><xs:minInclusive value=\"1,5\"/>"
                    "</xs:restriction></value>"),
           "P5", IDS_SEVERITY_ERROR, true);
    expect_clean(property("dataType=\"IFCBOOLEAN\"", PSET, SIMPLE("true")));
    expect_clean(property("dataType=\"IFCREAL\"", PSET, SIMPLE("-1.5e3")));
    expect_clean(property("dataType=\"IFCINTEGER\"", PSET, SIMPLE("+42")));
    expect_clean(property("dataType=\"IFCDATE\"", PSET, SIMPLE("2024-01-01Z")));
    expect_clean(property("dataType=\"IFCLENGTHMEASURE\"", PSET,
                          "<value><xs:restriction base=\"xs:double\"><xs:minInclusive "
                          "value=\"1.5\"/><xs:maxExclusive value=\"10\"/></xs:restriction>"
                          "</value>"));
}

/* ---- other facets ---- */

static void test_c1_classification_system(void **state)
{
    (void)state;
    expect(check("IFC4", REQUIRED, WALL,
                 "<classification><system><simpleValue></simpleValue></system>"
                 "</classification>"),
           "C1", IDS_SEVERITY_ERROR, true);
    expect(check("IFC4", REQUIRED, WALL,
                 "<classification><value><simpleValue>x</simpleValue></value>"
                 "</classification>"),
           "C1", IDS_SEVERITY_ERROR, false);
}

static void test_f3_f5_optional_needs_value(void **state)
{
    (void)state;
    expect(check("IFC4", REQUIRED, WALL,
                 "<classification cardinality=\"optional\"><system><simpleValue>U"
                 "</simpleValue></system></classification>"),
           "F3", IDS_SEVERITY_ERROR, true);
    expect(check("IFC4", REQUIRED, WALL, "<material cardinality=\"optional\"/>"), "F4",
           IDS_SEVERITY_ERROR, true);
    expect(check("IFC4", REQUIRED, WALL,
                 "<attribute cardinality=\"optional\"><name><simpleValue>Name</simpleValue>"
                 "</name></attribute>"),
           "F5", IDS_SEVERITY_ERROR, true);
    expect_clean(check("IFC4", REQUIRED, WALL,
                       "<material cardinality=\"optional\"><value><simpleValue>steel"
                       "</simpleValue></value></material>"));
}

/* ---- restrictions ---- */

static ids_report *restricted_name(const char *restriction)
{
    char app[2048];
    snprintf(app, sizeof(app), "<entity><name>%s</name></entity>", restriction);
    return check("IFC4", REQUIRED, app, ATTR_NAME);
}

static void test_x_restrictions(void **state)
{
    (void)state;
    expect(restricted_name("<xs:restriction base=\"xs:string\"/>"), "X1", IDS_SEVERITY_ERROR,
           true);
    expect(restricted_name("<xs:restriction><xs:enumeration value=\"IFCWALL\"/>"
                           "</xs:restriction>"),
           "X2", IDS_SEVERITY_ERROR, true);
    expect(restricted_name("<xs:restriction base=\"xs:token\"><xs:enumeration "
                           "value=\"IFCWALL\"/></xs:restriction>"),
           "X2", IDS_SEVERITY_ERROR, true);
    expect(restricted_name("<xs:restriction base=\"xs:string\"><xs:totalDigits value=\"2\"/>"
                           "</xs:restriction>"),
           "X3", IDS_SEVERITY_ERROR, true);
    /* Valid XSD where XML Schema defines it, but no IDS checker evaluates
     * it: a warning, so the document stays valid. */
    expect(restricted_name("<xs:restriction base=\"xs:decimal\"><xs:totalDigits value=\"2\"/>"
                           "</xs:restriction>"),
           "X3", IDS_SEVERITY_WARNING, true);
    expect(restricted_name("<xs:restriction base=\"xs:integer\"><xs:length value=\"2\"/>"
                           "</xs:restriction>"),
           "X3", IDS_SEVERITY_ERROR, true);
    expect(restricted_name("<xs:restriction base=\"xs:boolean\"><xs:enumeration "
                           "value=\"true\"/></xs:restriction>"),
           "X3", IDS_SEVERITY_ERROR, true);
    expect(restricted_name("<xs:restriction base=\"xs:string\"><xs:simpleType>"
                           "<xs:restriction base=\"xs:string\"/></xs:simpleType>"
                           "<xs:enumeration value=\"IFCWALL\"/></xs:restriction>"),
           "X3", IDS_SEVERITY_ERROR, true);
    expect(restricted_name("<xs:restriction base=\"xs:string\"><xs:whiteSpace "
                           "value=\"collapse\"/></xs:restriction>"),
           "X3", IDS_SEVERITY_ERROR, true);
    expect(restricted_name("<xs:restriction base=\"xs:string\"><xs:pattern value=\"[a-\"/>"
                           "</xs:restriction>"),
           "X4", IDS_SEVERITY_ERROR, true);
    expect(restricted_name("<xs:restriction base=\"xs:string\"><xs:pattern value=\"a\\/b\"/>"
                           "</xs:restriction>"),
           "X4", IDS_SEVERITY_WARNING, true);
    expect_clean(restricted_name("<xs:restriction base=\"xs:string\"><xs:annotation/>"
                                 "<xs:pattern value=\"IFC(WALL|SLAB)\"/><xs:minLength "
                                 "value=\"3\"/></xs:restriction>"));
}

static void test_v1_empty_simple_value(void **state)
{
    (void)state;
    expect(check("IFC4", REQUIRED, WALL,
                 "<attribute><name><simpleValue>Name</simpleValue></name><value>"
                 "<simpleValue/></value></attribute>"),
           "V1", IDS_SEVERITY_WARNING, true);
}

/* ---- structure findings ---- */

static void test_structure_findings(void **state)
{
    (void)state;
    ids_report *r = check("IFC4X3", REQUIRED, WALL WALL, ATTR_NAME);
    assert_false(r->structure_valid);
    assert_false(ids_report_valid(r));
    size_t n_xsd = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        if (strcmp(r->findings[i].rule, "XSD") != 0)
            continue;
        n_xsd++;
        assert_true(r->findings[i].line > 0);
        assert_true(strncmp(r->findings[i].path, "/ids/specifications/specification", 33) == 0);
    }
    assert_int_equal(n_xsd, 2); /* the bad ifcVersion token and the second entity */
    /* Structural findings come first. */
    assert_string_equal(r->findings[0].rule, "XSD");
    ids_report_free(r);
}

/* ---- tables ---- */

static void test_datatype_table(void **state)
{
    (void)state;
    assert_int_equal(ids_datatype_count(), 392);
    /* DataTypes.md gives IFCBINARY no restriction base. */
    assert_string_equal(ids_datatype_base("IFCBINARY"), "");
    assert_string_equal(ids_datatype_base("IFCLABEL"), "xs:string");
    assert_string_equal(ids_datatype_base("IFCLENGTHMEASURE"), "xs:double");
    assert_string_equal(ids_datatype_base("IFCINTEGER"), "xs:integer");
    assert_string_equal(ids_datatype_base("IFCBOOLEAN"), "xs:boolean");
    assert_string_equal(ids_datatype_base("IFCDATETIME"), "xs:dateTime");
    assert_string_equal(ids_datatype_base("IFCDURATION"), "xs:duration");
    assert_string_equal(ids_datatype_base("IFCTIME"), "xs:time");
    assert_string_equal(ids_datatype_base("IFCABSORBEDDOSEMEASURE"), "xs:double");
    assert_string_equal(ids_datatype_base("IFCYEARNUMBER"), "xs:integer");
    assert_null(ids_datatype_base("IfcLabel"));
    assert_null(ids_datatype_base("IFCWALL"));
    assert_null(ids_datatype_base(""));
    assert_null(ids_datatype_base(NULL));
}

static void test_lexical_forms(void **state)
{
    (void)state;
    static const struct {
        const char *base, *value;
        bool ok;
    } cases[] = {
        {"xs:boolean", "true", true},    {"xs:boolean", "0", true},
        {"xs:boolean", "TRUE", false},   {"xs:boolean", "yes", false},
        {"xs:integer", "-7", true},      {"xs:integer", "42.0", false},
        {"xs:integer", "", false},       {"xs:integer", "4 2", false},
        {"xs:double", "4.2", true},      {"xs:double", "1e3", true},
        {"xs:double", "-INF", true},     {"xs:double", "NaN", true},
        {"xs:double", "42,3", false},    {"xs:double", "1e", false},
        {"xs:double", "1.2.3", false},   {"xs:decimal", "1.5", true},
        {"xs:decimal", "1e3", false},    {"xs:date", "2024-01-31", true},
        {"xs:date", "2024-01-31+02:00", true}, {"xs:date", "2024-1-31", false},
        {"xs:dateTime", "2024-01-31T10:00:00.5Z", true},
        {"xs:dateTime", "2024-01-31", false},
        {"xs:time", "10:00:00", true},   {"xs:time", "10:00", false},
        {"xs:duration", "P1Y2M3DT4H5M6S", true}, {"xs:duration", "-PT5M", true},
        {"xs:duration", "P", true},      {"xs:duration", "P1H", false},
        {"xs:duration", "PT1Y", false},  {"xs:duration", "P1M1Y", false},
        {"xs:string", "anything at all", true}, {"xs:anyURI", "x y", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (ids_lexical_valid(cases[i].base, cases[i].value) != cases[i].ok)
            print_message("%s '%s' should be %s\n", cases[i].base, cases[i].value,
                          cases[i].ok ? "valid" : "invalid");
        assert_int_equal(ids_lexical_valid(cases[i].base, cases[i].value), cases[i].ok);
    }
}

/* ---- API contract ---- */

static void test_validate_arguments(void **state)
{
    (void)state;
    ids_report *r = (ids_report *)1;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_validate(NULL, NULL, &r, &err), IDS_ERR_INVALID_ARG);
    assert_null(r);
    assert_int_equal(err.code, IDS_ERR_INVALID_ARG);
    assert_int_equal(ids_validate(NULL, NULL, NULL, NULL), IDS_ERR_INVALID_ARG);
    assert_false(ids_report_valid(NULL));
    ids_report_free(NULL);
    ids_schema_free(NULL);
}

static void test_schema_load_errors(void **state)
{
    (void)state;
    ids_schema *s = (ids_schema *)1;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_schema_load(NULL, NULL, &s, &err), IDS_ERR_INVALID_ARG);
    assert_null(s);

    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    ids_error_clear(&err);
    assert_int_equal(ids_schema_load("ids.xsd", dir, &s, &err), IDS_ERR_SCHEMA);
    assert_null(s);
    assert_non_null(strstr(err.message, "XMLSchema.xsd"));

    /* W3C copies present (empty but readable), the IDS schema missing. */
    char path[4096];
    snprintf(path, sizeof(path), "%s/XMLSchema.xsd", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/xml.xsd", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/missing.xsd", dir);
    ids_error_clear(&err);
    assert_int_equal(ids_schema_load(path, dir, &s, &err), IDS_ERR_SCHEMA);
    assert_null(s);

    /* A schema that asks for a URL nobody serves fails to compile, names
     * that URL, and leaves the process's entity loader as it was. */
    snprintf(path, sizeof(path), "%s/other.xsd", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
          "<xs:include schemaLocation=\"http://example.org/x.xsd\"/>"
          "<xs:element name=\"a\" type=\"missing\"/></xs:schema>", f);
    fclose(f);
    xmlExternalEntityLoader before = xmlGetExternalEntityLoader();
    ids_error_clear(&err);
    assert_int_equal(ids_schema_load(path, dir, &s, &err), IDS_ERR_SCHEMA);
    assert_null(s);
    assert_true(xmlGetExternalEntityLoader() == before);
    testutil_rmtree(dir);
    free(dir);
}

typedef struct worker {
    const ids_schema *schema;
    const char *text;
    int agreed;
    int runs;
} worker;

static void *validate_loop(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < w->runs; i++) {
        ids_doc *doc = load_string(w->text);
        ids_report *r = NULL;
        if (doc != NULL && ids_validate(doc, w->schema, &r, NULL) == IDS_OK &&
            r->xsd_checked && r->xsd_valid == r->structure_valid)
            w->agreed++;
        ids_report_free(r);
        ids_doc_free(doc);
    }
    return NULL;
}

static void test_schema_shared_across_threads(void **state)
{
    (void)state;
    const char *xsd = testutil_shared_path("ids.xsd");
    if (xsd == NULL) {
        print_message("skipped: shared IDS folder absent\n");
        skip();
    }
    ids_schema *s = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_schema_load(xsd, NULL, &s, &err) != IDS_OK) {
        print_message("skipped: %s\n", err.message);
        skip();
    }
    static const char *const texts[] = {
        "<ids xmlns=\"" IDS_NAMESPACE "\"><info><title>t</title></info><specifications>"
        "<specification name=\"s\" ifcVersion=\"IFC4\"><applicability maxOccurs=\"unbounded\">"
        "<entity><name><simpleValue>IFCWALL</simpleValue></name></entity></applicability>"
        "</specification></specifications></ids>",
        "<ids xmlns=\"" IDS_NAMESPACE "\"><info><title>t</title><date>2024-02-30</date></info>"
        "<specifications/></ids>",
    };
    enum { N = 4 };
    pthread_t threads[N];
    worker workers[N];
    int runs = testutil_under_valgrind() ? 5 : 200;
    for (int i = 0; i < N; i++) {
        workers[i] = (worker){s, texts[i % 2], 0, runs};
        assert_int_equal(pthread_create(&threads[i], NULL, validate_loop, &workers[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(workers[i].agreed, runs);
    }
    ids_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_document),
        cmocka_unit_test(test_s1_ifc_version),
        cmocka_unit_test(test_s2_empty_applicability),
        cmocka_unit_test(test_s3_occurs),
        cmocka_unit_test(test_s4_prohibited_with_requirements),
        cmocka_unit_test(test_s5_optional_without_requirements),
        cmocka_unit_test(test_p1_property_parts),
        cmocka_unit_test(test_p2_data_type_needed),
        cmocka_unit_test(test_p4_reserved_prefix),
        cmocka_unit_test(test_p5_value_forms),
        cmocka_unit_test(test_c1_classification_system),
        cmocka_unit_test(test_f3_f5_optional_needs_value),
        cmocka_unit_test(test_x_restrictions),
        cmocka_unit_test(test_v1_empty_simple_value),
        cmocka_unit_test(test_structure_findings),
        cmocka_unit_test(test_datatype_table),
        cmocka_unit_test(test_lexical_forms),
        cmocka_unit_test(test_validate_arguments),
        cmocka_unit_test(test_schema_load_errors),
        cmocka_unit_test(test_schema_shared_across_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
