/*
 * test_ids_edit.c - the editing engine: specifications, facets, values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids/ids.h"
#include "ids/ids_internal.h"
#include "testutil.h"

/* ---- helpers ---- */

static const char *const minimal_ids =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ids xmlns=\"http://standards.buildingsmart.org/IDS\""
    " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
    " xsi:schemaLocation=\"" IDS_SCHEMA_LOCATION "\">"
    "<info><title>Edit test</title></info><specifications/></ids>";

/* A document from a string, parsed here so these tests do not depend on
 * the loader's own rules. */
static ids_doc *doc_from_string(const char *xml)
{
    ids_doc *doc = calloc(1, sizeof(*doc));
    assert_non_null(doc);
    doc->xml = xmlReadMemory(xml, (int)strlen(xml), "test.ids", NULL, XML_PARSE_NONET);
    assert_non_null(doc->xml);
    return doc;
}

/* Set once ids_doc_new works; until then documents are freed here. */
static bool doc_engine;

static void doc_free(ids_doc *doc)
{
    if (doc == NULL)
        return;
    if (doc_engine) {
        ids_doc_free(doc);
        return;
    }
    xmlFreeDoc(doc->xml);
    doc->xml = NULL;
    free(doc);
}

/* A new document: through ids_doc_new when it works, else the minimal
 * string (both give the same shape). Freed with doc_free either way. */
static ids_doc *new_doc(void)
{
    ids_info info;
    memset(&info, 0, sizeof(info));
    info.fields[IDS_INFO_TITLE] = "Edit test";
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_doc_new(&info, &doc, &err) == IDS_OK && doc != NULL) {
        doc_engine = true;
        return doc;
    }
    return doc_from_string(minimal_ids);
}

static char *dump(const ids_doc *doc)
{
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocDumpMemory(doc->xml, &mem, &len);
    assert_non_null(mem);
    char *copy = strdup((const char *)mem);
    xmlFree(mem);
    return copy;
}

static ids_value sv(const char *s)
{
    ids_value v;
    memset(&v, 0, sizeof(v));
    v.kind = IDS_VALUE_SIMPLE;
    v.simple = (char *)s;
    return v;
}

static ids_value rv(const char *base, ids_xs_item *items, size_t n)
{
    ids_value v;
    memset(&v, 0, sizeof(v));
    v.kind = IDS_VALUE_RESTRICTION;
    v.base = (char *)base;
    v.items = items;
    v.n_items = n;
    return v;
}

#define X(f, v) {IDS_XS_##f, (char *)(v)}
#define R(base, ...)                                                              \
    rv(base, (ids_xs_item[]){__VA_ARGS__},                                        \
       sizeof((ids_xs_item[]){__VA_ARGS__}) / sizeof(ids_xs_item))

static ids_facet fac(ids_facet_kind kind)
{
    ids_facet f;
    memset(&f, 0, sizeof(f));
    f.kind = kind;
    return f;
}

static ids_facet entity(const char *name)
{
    ids_facet f = fac(IDS_FACET_ENTITY);
    f.params[IDS_PARAM_NAME] = sv(name);
    return f;
}

static ids_facet attribute(const char *name, ids_value value)
{
    ids_facet f = fac(IDS_FACET_ATTRIBUTE);
    f.params[IDS_PARAM_NAME] = sv(name);
    f.params[IDS_PARAM_VALUE] = value;
    return f;
}

static ids_facet property(const char *pset, const char *name, const char *data_type,
                          ids_value value)
{
    ids_facet f = fac(IDS_FACET_PROPERTY);
    f.params[IDS_PARAM_PROPERTY_SET] = sv(pset);
    f.params[IDS_PARAM_BASE_NAME] = sv(name);
    f.params[IDS_PARAM_VALUE] = value;
    f.fattrs[IDS_FATTR_DATA_TYPE] = (char *)data_type;
    return f;
}

static ids_spec_fields spec_fields(const char *name, const char *ifc)
{
    ids_spec_fields f;
    memset(&f, 0, sizeof(f));
    f.values[IDS_SPEC_NAME] = name;
    f.values[IDS_SPEC_IFC_VERSION] = ifc;
    return f;
}

static size_t add_spec(ids_doc *doc, const char *name, const char *min, const char *max)
{
    ids_spec_fields f = spec_fields(name, "IFC4");
    f.values[IDS_SPEC_MIN_OCCURS] = min;
    f.values[IDS_SPEC_MAX_OCCURS] = max;
    size_t index = 99;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_spec_add(doc, &f, &index, &err), IDS_OK);
    return index;
}

static size_t add_facet(ids_doc *doc, size_t spec, ids_location loc, const ids_facet *f)
{
    ids_error err;
    ids_error_clear(&err);
    size_t index = 99;
    ids_status st = ids_facet_add(doc, spec, loc, f, &index, &err);
    if (st != IDS_OK)
        fail_msg("facet_add: %s", err.message);
    return index;
}

/* Names of the facet elements of a location, space-separated. */
static void facet_names(const ids_doc *doc, size_t spec, ids_location loc, char *buf,
                        size_t size)
{
    buf[0] = '\0';
    xmlNode *l = ids_location_node(ids_spec_node(doc, spec), loc);
    for (xmlNode *c = ids_first_element(l); c != NULL; c = ids_next_element(c)) {
        if (buf[0] != '\0')
            strncat(buf, " ", size - strlen(buf) - 1);
        strncat(buf, (const char *)c->name, size - strlen(buf) - 1);
    }
}

static char *spec_attr(const ids_doc *doc, size_t spec, const char *name)
{
    return ids_attr_dup(ids_spec_node(doc, spec), name);
}

/* ---- a document with everything ---- */

static ids_doc *build_everything(void)
{
    ids_doc *doc = new_doc();
    ids_error err;
    ids_error_clear(&err);

    /* Spec 0: required; every facet kind and every restriction kind, in
     * applicability and in requirements. */
    ids_spec_fields sf = spec_fields("Walls", "IFC4X3_ADD2  IFC4\tIFC4");
    sf.values[IDS_SPEC_IDENTIFIER] = "W-1";
    sf.values[IDS_SPEC_DESCRIPTION] = "Walls carry their fire data";
    sf.values[IDS_SPEC_INSTRUCTIONS] = "Model every wall";
    sf.values[IDS_SPEC_REQUIREMENTS_DESCRIPTION] = "What walls need";
    size_t s0 = 99;
    assert_int_equal(ids_spec_add(doc, &sf, &s0, &err), IDS_OK);
    assert_int_equal(s0, 0);

    ids_facet f = entity("IFCWALL");
    f.params[IDS_PARAM_PREDEFINED_TYPE] =
        R("xs:string", X(ENUMERATION, "SOLIDWALL"), X(ENUMERATION, "PARTITIONING"));
    add_facet(doc, s0, IDS_APPLICABILITY, &f);

    f = fac(IDS_FACET_PARTOF);
    f.params[IDS_PARAM_NAME] = sv("IFCBUILDINGSTOREY");
    f.fattrs[IDS_FATTR_RELATION] = (char *)"IFCRELCONTAINEDINSPATIALSTRUCTURE";
    add_facet(doc, s0, IDS_APPLICABILITY, &f);

    f = fac(IDS_FACET_CLASSIFICATION);
    f.params[IDS_PARAM_SYSTEM] = sv("Uniclass 2015");
    f.params[IDS_PARAM_VALUE] = R("xs:string", X(PATTERN, "EF_25_[0-9]{2}"));
    add_facet(doc, s0, IDS_APPLICABILITY, &f);

    f = attribute("Name", R("xs:string", X(MIN_LENGTH, "1"), X(MAX_LENGTH, "64")));
    add_facet(doc, s0, IDS_APPLICABILITY, &f);

    f = property("ACME_Wall", "Width", "IFCLENGTHMEASURE",
                 R("xs:double", X(MAX_EXCLUSIVE, "2.5"), X(MIN_INCLUSIVE, "0.1")));
    add_facet(doc, s0, IDS_APPLICABILITY, &f);

    f = fac(IDS_FACET_MATERIAL);
    f.params[IDS_PARAM_VALUE] = R("xs:string", X(LENGTH, "8"));
    add_facet(doc, s0, IDS_APPLICABILITY, &f);

    f = entity("IFCWALL");
    f.fattrs[IDS_FATTR_INSTRUCTIONS] = (char *)"Walls only";
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = fac(IDS_FACET_PARTOF);
    f.params[IDS_PARAM_NAME] = sv("IFCELEMENTASSEMBLY");
    f.params[IDS_PARAM_PREDEFINED_TYPE] = R("xs:string", X(PATTERN, "[A-Z]+"));
    f.fattrs[IDS_FATTR_RELATION] = (char *)"IFCRELAGGREGATES";
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"prohibited";
    f.fattrs[IDS_FATTR_INSTRUCTIONS] = (char *)"Walls stand alone";
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = fac(IDS_FACET_CLASSIFICATION);
    f.params[IDS_PARAM_SYSTEM] = R("xs:string", X(ENUMERATION, "Uniclass 2015"),
                                   X(ENUMERATION, "CI/SfB"));
    f.params[IDS_PARAM_VALUE] = sv("EF_25_10");
    f.fattrs[IDS_FATTR_URI] = (char *)"https://identifier.buildingsmart.org/uri/x";
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = attribute("Description", R("xs:string", X(PATTERN, "Wall .*")));
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    /* The digit facets: valid XSD on xs:integer (and xs:decimal, which no
     * IFC type has), accepted, and only a warning in the audit (IDS 1.0
     * checkers do not evaluate them). */
    f = property("ACME_Wall", "Openings", "IFCINTEGER",
                 R("xs:integer", X(TOTAL_DIGITS, "5"), X(FRACTION_DIGITS, "0")));
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = property("ACME_Wall", "Layers", "IFCINTEGER",
                 R("xs:integer", X(MIN_EXCLUSIVE, "0"), X(MAX_INCLUSIVE, "12")));
    f.fattrs[IDS_FATTR_URI] = (char *)"https://example.org/layers";
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = property("ACME_Wall", "Inspected", "IFCDATE",
                 R("xs:date", X(MIN_INCLUSIVE, "2020-01-01"), X(MAX_INCLUSIVE, "2030-12-31")));
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = property("ACME_Wall", "LoadBearing", "IFCBOOLEAN", R("xs:boolean", X(PATTERN, "true|false")));
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = property("ACME_Wall", "Legacy", NULL, (ids_value){0});
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"prohibited";
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = property("ACME_Wall", "Ratio", "IFCREAL",
                 R("xs:double", X(MIN_EXCLUSIVE, "0"), X(MAX_EXCLUSIVE, "1")));
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = property("ACME_Wall", "Code", "IFCLABEL",
                 R("xs:string", X(ENUMERATION, "A1"), X(ENUMERATION, "B2")));
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    f = fac(IDS_FACET_MATERIAL);
    f.params[IDS_PARAM_VALUE] = R("xs:string", X(ENUMERATION, "concrete"), X(ENUMERATION, "brick"));
    f.fattrs[IDS_FATTR_URI] = (char *)"https://example.org/materials";
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"required";
    f.fattrs[IDS_FATTR_INSTRUCTIONS] = (char *)"Name the material";
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);

    /* Spec 1: optional, with one requirement. */
    size_t s1 = add_spec(doc, "Doors", "0", "unbounded");
    f = entity("IFCDOOR");
    add_facet(doc, s1, IDS_APPLICABILITY, &f);
    f = attribute("Name", sv("Door"));
    add_facet(doc, s1, IDS_REQUIREMENTS, &f);

    /* Spec 2: prohibited, no requirements. */
    size_t s2 = add_spec(doc, "No slabs", "0", "0");
    f = entity("IFCSLAB");
    add_facet(doc, s2, IDS_APPLICABILITY, &f);
    return doc;
}

static bool validation_available(ids_status st, const ids_error *err)
{
    return !(st == IDS_ERR_INTERNAL && strstr(err->message, "not implemented") != NULL);
}

static void print_findings(const ids_finding *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        print_message("  %s %s at %s: %s\n", f[i].rule ? f[i].rule : "?",
                      f[i].severity == IDS_SEVERITY_ERROR ? "error" : "warning",
                      f[i].path ? f[i].path : "", f[i].message ? f[i].message : "");
}

static void test_everything_valid(void **state)
{
    (void)state;
    ids_doc *doc = build_everything();
    char *xml = dump(doc);

    /* The standard's order and canonical forms. */
    char names[256];
    facet_names(doc, 0, IDS_APPLICABILITY, names, sizeof(names));
    assert_string_equal(names, "entity partOf classification attribute property material");
    facet_names(doc, 0, IDS_REQUIREMENTS, names, sizeof(names));
    assert_string_equal(names, "entity partOf classification attribute property property "
                               "property property property property property material");
    char *ifc = spec_attr(doc, 0, "ifcVersion");
    assert_string_equal(ifc, "IFC4 IFC4X3_ADD2");
    free(ifc);
    assert_non_null(strstr(xml, "<xs:restriction base=\"xs:double\">"
                                "<xs:minInclusive value=\"0.1\"/>"
                                "<xs:maxExclusive value=\"2.5\"/></xs:restriction>"));
    assert_non_null(strstr(xml, "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\">"));
    assert_non_null(strstr(xml, "<applicability minOccurs=\"0\" maxOccurs=\"0\">"));
    assert_non_null(strstr(xml, "<requirements description=\"What walls need\">"));
    assert_non_null(strstr(xml, "<partOf relation=\"IFCRELCONTAINEDINSPATIALSTRUCTURE\">"
                                "<entity><name><simpleValue>IFCBUILDINGSTOREY</simpleValue>"
                                "</name></entity></partOf>"));
    assert_non_null(strstr(xml, "<classification><value>"));
    /* Every restriction kind is in the document. */
    for (int k = 0; k < IDS_XS_FACET_COUNT; k++) {
        char tag[64];
        snprintf(tag, sizeof(tag), "<xs:%s ", ids_xs_facet_name((ids_xs_facet)k));
        if (strstr(xml, tag) == NULL)
            fail_msg("missing %s", tag);
    }

    /* Both verdicts. */
    ids_report *report = NULL;
    ids_error err;
    ids_error_clear(&err);
    ids_status st = ids_validate(doc, NULL, &report, &err);
    if (!validation_available(st, &err)) {
        free(xml);
        doc_free(doc);
        skip();
    }
    assert_int_equal(st, IDS_OK);
    if (!report->structure_valid || !report->audit_valid) {
        print_findings(report->findings, report->n_findings);
        print_message("%s\n", xml);
    }
    assert_true(report->structure_valid);
    assert_true(report->audit_valid);
    ids_report_free(report);

    const char *xsd = testutil_shared_path("ids.xsd");
    if (xsd == NULL) {
        free(xml);
        doc_free(doc);
        skip();
    }
    ids_schema *schema = NULL;
    ids_error_clear(&err);
    st = ids_schema_load(xsd, NULL, &schema, &err);
    if (st != IDS_OK)
        fail_msg("schema: %s", err.message);
    report = NULL;
    assert_int_equal(ids_validate(doc, schema, &report, &err), IDS_OK);
    assert_true(report->xsd_checked);
    if (!report->xsd_valid)
        print_findings(report->xsd_findings, report->n_xsd_findings);
    assert_true(report->xsd_valid);
    assert_true(ids_report_valid(report));
    ids_report_free(report);
    ids_schema_free(schema);
    free(xml);
    doc_free(doc);
}

/* ---- forbidden edits ---- */

/* The fixture: spec 0 "Walls" (required; applicability entity IFCWALL;
 * requirements entity IFCWALL and a property with a value), spec 1
 * "Slabs" (prohibited; applicability entity IFCSLAB). */
static ids_doc *fixture(void)
{
    ids_doc *doc = new_doc();
    size_t s0 = add_spec(doc, "Walls", NULL, NULL);
    ids_facet f = entity("IFCWALL");
    add_facet(doc, s0, IDS_APPLICABILITY, &f);
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);
    f = property("ACME", "Width", "IFCLENGTHMEASURE", sv("0.2"));
    add_facet(doc, s0, IDS_REQUIREMENTS, &f);
    size_t s1 = add_spec(doc, "Slabs", "0", "0");
    f = entity("IFCSLAB");
    add_facet(doc, s1, IDS_APPLICABILITY, &f);
    return doc;
}

#define EDIT(name) static ids_status name(ids_doc *d, ids_error *e)

static ids_status add_app(ids_doc *d, ids_error *e, ids_facet f)
{
    return ids_facet_add(d, 0, IDS_APPLICABILITY, &f, NULL, e);
}

static ids_status add_req(ids_doc *d, ids_error *e, ids_facet f)
{
    return ids_facet_add(d, 0, IDS_REQUIREMENTS, &f, NULL, e);
}

/* An attribute "Name" whose value is v, in applicability. */
static ids_status add_value(ids_doc *d, ids_error *e, ids_value v)
{
    return add_app(d, e, attribute("Name", v));
}

static ids_status spec_update(ids_doc *d, ids_error *e, size_t i, ids_spec_field field,
                              const char *value)
{
    ids_spec_fields f;
    memset(&f, 0, sizeof(f));
    f.values[field] = value;
    f.set_mask = 1u << field;
    return ids_spec_update(d, i, &f, e);
}

static ids_status spec_add_with(ids_doc *d, ids_error *e, const char *name, const char *ifc,
                                ids_spec_field field, const char *value)
{
    ids_spec_fields f = spec_fields(name, ifc);
    if (field != IDS_SPEC_NAME)
        f.values[field] = value;
    return ids_spec_add(d, &f, NULL, e);
}

EDIT(second_entity_app) { return add_app(d, e, entity("IFCSLAB")); }
EDIT(second_entity_req) { return add_req(d, e, entity("IFCSLAB")); }
EDIT(unknown_ifc) { return spec_add_with(d, e, "X", "IFC4 IFC5", IDS_SPEC_NAME, NULL); }
EDIT(ifc_lower) { return spec_update(d, e, 0, IDS_SPEC_IFC_VERSION, "ifc4"); }
EDIT(ifc_4x3) { return spec_update(d, e, 0, IDS_SPEC_IFC_VERSION, "IFC4X3"); }
EDIT(ifc_empty) { return spec_add_with(d, e, "X", " ", IDS_SPEC_NAME, NULL); }
EDIT(ifc_missing) { return spec_add_with(d, e, "X", NULL, IDS_SPEC_NAME, NULL); }
EDIT(ifc_clear) { return spec_update(d, e, 0, IDS_SPEC_IFC_VERSION, NULL); }
EDIT(name_empty) { return spec_add_with(d, e, "", "IFC4", IDS_SPEC_NAME, NULL); }
EDIT(name_clear) { return spec_update(d, e, 0, IDS_SPEC_NAME, NULL); }
EDIT(occurs_1_0) { return spec_add_with(d, e, "X", "IFC4", IDS_SPEC_MAX_OCCURS, "0"); }
EDIT(occurs_min2) { return spec_update(d, e, 0, IDS_SPEC_MIN_OCCURS, "2"); }
EDIT(occurs_max5) { return spec_update(d, e, 0, IDS_SPEC_MAX_OCCURS, "5"); }
EDIT(occurs_clear) { return spec_update(d, e, 0, IDS_SPEC_MIN_OCCURS, NULL); }
EDIT(prohibit_with_reqs)
{
    ids_spec_fields f;
    memset(&f, 0, sizeof(f));
    f.values[IDS_SPEC_MIN_OCCURS] = "0";
    f.values[IDS_SPEC_MAX_OCCURS] = "0";
    f.set_mask = (1u << IDS_SPEC_MIN_OCCURS) | (1u << IDS_SPEC_MAX_OCCURS);
    return ids_spec_update(d, 0, &f, e);
}
EDIT(req_in_prohibited)
{
    ids_facet f = attribute("Name", sv("x"));
    return ids_facet_add(d, 1, IDS_REQUIREMENTS, &f, NULL, e);
}
EDIT(identifier_empty) { return spec_update(d, e, 0, IDS_SPEC_IDENTIFIER, ""); }
EDIT(name_bad_utf8) { return spec_update(d, e, 0, IDS_SPEC_NAME, "Wall\xC3("); }
EDIT(desc_control) { return spec_update(d, e, 0, IDS_SPEC_DESCRIPTION, "bell\x07"); }
EDIT(spec_missing) { return spec_update(d, e, 7, IDS_SPEC_NAME, "x"); }
EDIT(spec_remove_missing) { return ids_spec_remove(d, 2, e); }
EDIT(facet_missing) { return ids_facet_remove(d, 0, IDS_REQUIREMENTS, 5, e); }
EDIT(bad_mask)
{
    ids_spec_fields f = spec_fields("x", "IFC4");
    f.set_mask = 1u << 12;
    return ids_spec_update(d, 0, &f, e);
}
EDIT(partof_optional)
{
    ids_facet f = fac(IDS_FACET_PARTOF);
    f.params[IDS_PARAM_NAME] = sv("IFCBUILDING");
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    return add_req(d, e, f);
}
EDIT(entity_cardinality)
{
    ids_facet f = entity("IFCWALL");
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"required";
    return ids_facet_update(d, 0, IDS_REQUIREMENTS, 0,
                            &(ids_facet_change){.facet = &f,
                                                .fattr_mask = 1u << IDS_FATTR_CARDINALITY},
                            e);
}
EDIT(cardinality_in_app)
{
    ids_facet f = attribute("Name", sv("x"));
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"required";
    return add_app(d, e, f);
}
EDIT(cardinality_unknown)
{
    ids_facet f = attribute("Name", sv("x"));
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"sometimes";
    return add_req(d, e, f);
}
EDIT(uri_in_app)
{
    ids_facet f = fac(IDS_FACET_MATERIAL);
    f.fattrs[IDS_FATTR_URI] = (char *)"https://x";
    return add_app(d, e, f);
}
EDIT(uri_on_attribute)
{
    ids_facet f = attribute("Name", sv("x"));
    f.fattrs[IDS_FATTR_URI] = (char *)"https://x";
    return add_req(d, e, f);
}
EDIT(uri_space)
{
    ids_facet f = fac(IDS_FACET_MATERIAL);
    f.fattrs[IDS_FATTR_URI] = (char *)"https://x/a b";
    return add_req(d, e, f);
}
EDIT(relation_unknown)
{
    ids_facet f = fac(IDS_FACET_PARTOF);
    f.params[IDS_PARAM_NAME] = sv("IFCBUILDING");
    f.fattrs[IDS_FATTR_RELATION] = (char *)"IFCRELVOIDSELEMENT";
    return add_app(d, e, f);
}
EDIT(datatype_unknown) { return add_app(d, e, property("P", "A", "IFCWIDGET", sv("x"))); }
EDIT(datatype_value_form)
{
    return add_app(d, e, property("P", "A", "IFCLENGTHMEASURE", sv("2,5")));
}
EDIT(datatype_base)
{
    return add_app(d, e, property("P", "A", "IFCLENGTHMEASURE", R("xs:string", X(PATTERN, "1.*"))));
}
EDIT(datatype_bool)
{
    return add_app(d, e, property("P", "A", "IFCBOOLEAN", sv("TRUE")));
}
EDIT(datatype_lower) { return add_app(d, e, property("P", "A", "IfcLabel", sv("x"))); }
EDIT(value_no_datatype) { return add_app(d, e, property("P", "A", NULL, sv("x"))); }
EDIT(optional_no_datatype)
{
    ids_facet f = property("P", "A", NULL, (ids_value){0});
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    return add_req(d, e, f);
}
EDIT(prohibited_datatype)
{
    ids_facet f = property("P", "A", "IFCLABEL", (ids_value){0});
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"prohibited";
    return add_req(d, e, f);
}
EDIT(drop_datatype)
{
    ids_facet f = fac(IDS_FACET_PROPERTY);
    return ids_facet_update(d, 0, IDS_REQUIREMENTS, 1,
                            &(ids_facet_change){.facet = &f,
                                                .fattr_mask = 1u << IDS_FATTR_DATA_TYPE},
                            e);
}
EDIT(optional_classification)
{
    ids_facet f = fac(IDS_FACET_CLASSIFICATION);
    f.params[IDS_PARAM_SYSTEM] = sv("Uniclass");
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    return add_req(d, e, f);
}
EDIT(optional_material)
{
    ids_facet f = fac(IDS_FACET_MATERIAL);
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    return add_req(d, e, f);
}
EDIT(optional_attribute)
{
    ids_facet f = attribute("Name", (ids_value){0});
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"optional";
    return add_req(d, e, f);
}
EDIT(no_system) { return add_app(d, e, fac(IDS_FACET_CLASSIFICATION)); }
EDIT(no_basename)
{
    ids_facet f = fac(IDS_FACET_PROPERTY);
    f.params[IDS_PARAM_PROPERTY_SET] = sv("P");
    return add_app(d, e, f);
}
EDIT(material_name)
{
    ids_facet f = fac(IDS_FACET_MATERIAL);
    f.params[IDS_PARAM_NAME] = sv("x");
    return add_app(d, e, f);
}
EDIT(bad_kind)
{
    ids_facet f = fac((ids_facet_kind)42);
    return add_app(d, e, f);
}
EDIT(pattern_bad) { return add_value(d, e, R("xs:string", X(PATTERN, "[a-z"))); }
EDIT(pattern_two)
{
    return add_value(d, e, R("xs:string", X(PATTERN, "a.*"), X(PATTERN, "b.*")));
}
EDIT(total_digits) { return add_value(d, e, R("xs:double", X(TOTAL_DIGITS, "5"))); }
EDIT(total_digits_zero) { return add_value(d, e, R("xs:decimal", X(TOTAL_DIGITS, "0"))); }
EDIT(fraction_digits) { return add_value(d, e, R("xs:integer", X(FRACTION_DIGITS, "2"))); }
EDIT(string_bound) { return add_value(d, e, R("xs:string", X(MIN_INCLUSIVE, "1"))); }
EDIT(boolean_enum) { return add_value(d, e, R("xs:boolean", X(ENUMERATION, "true"))); }
EDIT(double_length) { return add_value(d, e, R("xs:double", X(LENGTH, "3"))); }
EDIT(base_unknown) { return add_value(d, e, R("xs:foo", X(PATTERN, "a"))); }
EDIT(base_unprefixed) { return add_value(d, e, R("string", X(PATTERN, "a"))); }
EDIT(base_missing) { return add_value(d, e, R(NULL, X(PATTERN, "a"))); }
EDIT(no_items) { return add_value(d, e, rv("xs:string", NULL, 0)); }
EDIT(integer_decimal) { return add_value(d, e, R("xs:integer", X(MIN_INCLUSIVE, "1.5"))); }
EDIT(double_comma) { return add_value(d, e, R("xs:double", X(MAX_INCLUSIVE, "1,5"))); }
EDIT(date_month) { return add_value(d, e, R("xs:date", X(MIN_INCLUSIVE, "2024-13-01"))); }
EDIT(datetime_bad) { return add_value(d, e, R("xs:dateTime", X(ENUMERATION, "2024-01-01"))); }
EDIT(duration_empty) { return add_value(d, e, R("xs:duration", X(MIN_INCLUSIVE, "PT"))); }
EDIT(enum_integer) { return add_value(d, e, R("xs:integer", X(ENUMERATION, "seven"))); }
EDIT(min_gt_max)
{
    return add_value(d, e, R("xs:double", X(MIN_INCLUSIVE, "5"), X(MAX_INCLUSIVE, "1")));
}
EDIT(empty_range)
{
    return add_value(d, e, R("xs:integer", X(MIN_EXCLUSIVE, "3"), X(MAX_INCLUSIVE, "3")));
}
EDIT(date_range)
{
    return add_value(d, e,
                     R("xs:date", X(MIN_INCLUSIVE, "2025-01-01"), X(MAX_INCLUSIVE, "2024-01-01")));
}
EDIT(two_lower)
{
    return add_value(d, e, R("xs:double", X(MIN_INCLUSIVE, "1"), X(MIN_EXCLUSIVE, "0")));
}
EDIT(two_upper)
{
    return add_value(d, e, R("xs:double", X(MAX_INCLUSIVE, "1"), X(MAX_EXCLUSIVE, "2")));
}
EDIT(twice_min)
{
    return add_value(d, e, R("xs:double", X(MIN_INCLUSIVE, "1"), X(MIN_INCLUSIVE, "2")));
}
EDIT(length_and_min)
{
    return add_value(d, e, R("xs:string", X(LENGTH, "3"), X(MIN_LENGTH, "1")));
}
EDIT(minlen_gt_maxlen)
{
    return add_value(d, e, R("xs:string", X(MIN_LENGTH, "5"), X(MAX_LENGTH, "2")));
}
EDIT(length_negative) { return add_value(d, e, R("xs:string", X(LENGTH, "-1"))); }
EDIT(item_empty) { return add_value(d, e, R("xs:string", X(ENUMERATION, ""))); }
EDIT(item_unknown) { return add_value(d, e, R("xs:string", {(ids_xs_facet)99, (char *)"a"})); }
EDIT(simple_empty) { return add_value(d, e, sv("")); }
EDIT(simple_null) { return add_value(d, e, sv(NULL)); }
EDIT(simple_bad_utf8) { return add_value(d, e, sv("\xff")); }
EDIT(remove_required)
{
    return ids_facet_set_param(d, 0, IDS_APPLICABILITY, 0, IDS_PARAM_NAME,
                               &(ids_value){.kind = IDS_VALUE_ABSENT}, e);
}
EDIT(param_not_in_kind)
{
    ids_value v = sv("x");
    return ids_facet_set_param(d, 0, IDS_APPLICABILITY, 0, IDS_PARAM_VALUE, &v, e);
}
EDIT(set_param_bad)
{
    ids_value v = R("xs:string", X(PATTERN, "(("));
    return ids_facet_set_param(d, 0, IDS_APPLICABILITY, 0, IDS_PARAM_NAME, &v, e);
}
EDIT(instructions_in_app)
{
    ids_facet f = entity("IFCWALL");
    f.fattrs[IDS_FATTR_INSTRUCTIONS] = (char *)"x";
    return ids_facet_update(d, 0, IDS_APPLICABILITY, 0,
                            &(ids_facet_change){.facet = &f,
                                                .fattr_mask = 1u << IDS_FATTR_INSTRUCTIONS},
                            e);
}
EDIT(datatype_on_attribute)
{
    ids_facet f = attribute("Name", sv("x"));
    f.fattrs[IDS_FATTR_DATA_TYPE] = (char *)"IFCLABEL";
    return add_req(d, e, f);
}
EDIT(find_none)
{
    size_t i;
    return ids_spec_find(d, &(ids_spec_ref){.by = IDS_SPEC_BY_NAME, .key = "Roofs"}, &i, e);
}

EDIT(partof_mixed_case)
{
    ids_facet f = fac(IDS_FACET_PARTOF);
    f.params[IDS_PARAM_NAME] = sv("IfcBuildingStorey");
    return add_app(d, e, f);
}

EDIT(partof_enumeration_mixed_case)
{
    ids_facet f = fac(IDS_FACET_PARTOF);
    f.params[IDS_PARAM_NAME] = R("xs:string", X(ENUMERATION, "IFCSPACE"),
                                 X(ENUMERATION, "IfcSite"));
    return add_app(d, e, f);
}

typedef struct forbidden {
    const char *name;
    ids_status (*edit)(ids_doc *, ids_error *);
    ids_status status;
    const char *says; /* what the message must mention (what is allowed) */
} forbidden;

static const forbidden forbidden_edits[] = {
    {"mixed-case class name", partof_mixed_case, IDS_ERR_INVALID_ARG,
     "'IfcBuildingStorey' is not an IFC class name; IDS writes classes in upper case"},
    {"mixed-case class name in an enumeration", partof_enumeration_mixed_case,
     IDS_ERR_INVALID_ARG, "'IfcSite' (enumeration) is not an IFC class name"},
    {"second entity in applicability", second_entity_app, IDS_ERR_INVALID_ARG,
     "applicability already has an entity facet (at most one); change that facet"},
    {"second entity in requirements", second_entity_req, IDS_ERR_INVALID_ARG,
     "requirements already has an entity facet (at most one"},
    {"unknown ifcVersion", unknown_ifc, IDS_ERR_INVALID_ARG,
     "ifcVersion 'IFC5' is unknown; allowed: IFC2X3, IFC4, IFC4X3_ADD2"},
    {"lower-case ifcVersion", ifc_lower, IDS_ERR_INVALID_ARG, "did you mean IFC4?"},
    {"old IFC4X3 token", ifc_4x3, IDS_ERR_INVALID_ARG, "did you mean IFC4X3_ADD2?"},
    {"empty ifcVersion", ifc_empty, IDS_ERR_INVALID_ARG,
     "at least one version; allowed: IFC2X3, IFC4, IFC4X3_ADD2"},
    {"missing ifcVersion", ifc_missing, IDS_ERR_INVALID_ARG, "allowed: IFC2X3, IFC4"},
    {"cleared ifcVersion", ifc_clear, IDS_ERR_INVALID_ARG, "cannot be cleared; allowed"},
    {"empty name", name_empty, IDS_ERR_INVALID_ARG, "needs a name (non-empty text)"},
    {"cleared name", name_clear, IDS_ERR_INVALID_ARG, "needs a name"},
    {"occurs 1/0", occurs_1_0, IDS_ERR_INVALID_ARG,
     "allowed: minOccurs/maxOccurs 1/unbounded (required), 0/unbounded (optional), 0/0"},
    {"minOccurs 2", occurs_min2, IDS_ERR_INVALID_ARG, "allowed: 0 or 1"},
    {"maxOccurs 5", occurs_max5, IDS_ERR_INVALID_ARG, "allowed: 0 or unbounded"},
    {"minOccurs cleared", occurs_clear, IDS_ERR_INVALID_ARG, "allowed: 0 or 1"},
    {"prohibited with requirement facets", prohibit_with_reqs, IDS_ERR_INVALID_ARG,
     "remove them first, or use optional (0/unbounded) or required"},
    {"requirement in prohibited spec", req_in_prohibited, IDS_ERR_INVALID_ARG,
     "make it required (1/unbounded) or optional (0/unbounded) first"},
    {"empty identifier", identifier_empty, IDS_ERR_INVALID_ARG, "pass no value (NULL)"},
    {"name not UTF-8", name_bad_utf8, IDS_ERR_INVALID_ARG, "only UTF-8 text is allowed"},
    {"control character", desc_control, IDS_ERR_INVALID_ARG, "U+0007"},
    {"spec index out of range", spec_missing, IDS_ERR_NOT_FOUND, "allowed: 0..1"},
    {"remove missing spec", spec_remove_missing, IDS_ERR_NOT_FOUND, "allowed: 0..1"},
    {"facet index out of range", facet_missing, IDS_ERR_NOT_FOUND, "allowed: 0..1"},
    {"unknown mask bits", bad_mask, IDS_ERR_INVALID_ARG, "allowed: bits 0..7"},
    {"optional partOf", partof_optional, IDS_ERR_INVALID_ARG,
     "cardinality 'optional' is not allowed for partOf; allowed: required, prohibited"},
    {"cardinality on entity", entity_cardinality, IDS_ERR_INVALID_ARG,
     "cardinality is not allowed on entity in requirements; allowed: instructions"},
    {"cardinality in applicability", cardinality_in_app, IDS_ERR_INVALID_ARG,
     "cardinality is only allowed on facets in requirements"},
    {"unknown cardinality", cardinality_unknown, IDS_ERR_INVALID_ARG,
     "allowed: required, optional, prohibited"},
    {"uri in applicability", uri_in_app, IDS_ERR_INVALID_ARG,
     "uri is only allowed on facets in requirements"},
    {"uri on attribute", uri_on_attribute, IDS_ERR_INVALID_ARG,
     "uri is not allowed on attribute in requirements; allowed: cardinality, instructions"},
    {"uri with a space", uri_space, IDS_ERR_INVALID_ARG, "escape spaces"},
    {"unknown relation", relation_unknown, IDS_ERR_INVALID_ARG,
     "allowed: IFCRELAGGREGATES, IFCRELASSIGNSTOGROUP"},
    {"unknown dataType", datatype_unknown, IDS_ERR_INVALID_ARG,
     "is not an IFC data type; allowed: an IFC defined type or measure such as IFCLABEL"},
    {"value not in the dataType's form", datatype_value_form, IDS_ERR_INVALID_ARG,
     "not a valid xs:double, the base type of IFCLENGTHMEASURE; allowed: a number"},
    {"restriction base differs from dataType", datatype_base, IDS_ERR_INVALID_ARG,
     "has base xs:string, but dataType IFCLENGTHMEASURE needs base xs:double"},
    {"upper-case boolean", datatype_bool, IDS_ERR_INVALID_ARG, "true, false, 1 or 0"},
    {"lower-case dataType", datatype_lower, IDS_ERR_INVALID_ARG, "upper case letters only"},
    {"property value without dataType", value_no_datatype, IDS_ERR_INVALID_ARG,
     "a property with a value needs a dataType"},
    {"optional property without dataType", optional_no_datatype, IDS_ERR_INVALID_ARG,
     "an optional property needs a dataType"},
    {"prohibited property with dataType", prohibited_datatype, IDS_ERR_INVALID_ARG,
     "must not have a dataType"},
    {"update drops a needed dataType", drop_datatype, IDS_ERR_INVALID_ARG,
     "a property with a value needs a dataType"},
    {"optional classification without value", optional_classification, IDS_ERR_INVALID_ARG,
     "an optional classification needs a value"},
    {"optional material without value", optional_material, IDS_ERR_INVALID_ARG,
     "an optional material needs a value"},
    {"optional attribute without value", optional_attribute, IDS_ERR_INVALID_ARG,
     "an optional attribute needs a value"},
    {"classification without system", no_system, IDS_ERR_INVALID_ARG,
     "classification needs system (required)"},
    {"property without baseName", no_basename, IDS_ERR_INVALID_ARG,
     "property needs baseName (required)"},
    {"material with a name", material_name, IDS_ERR_INVALID_ARG,
     "material has no parameter name; allowed: value"},
    {"unknown facet kind", bad_kind, IDS_ERR_INVALID_ARG, "allowed: entity, partOf"},
    {"invalid pattern", pattern_bad, IDS_ERR_INVALID_ARG,
     "is not a valid XSD regular expression; allowed: XML Schema regex syntax"},
    {"two patterns", pattern_two, IDS_ERR_INVALID_ARG, "join the alternatives with |"},
    {"totalDigits on a double", total_digits, IDS_ERR_INVALID_ARG,
     "totalDigits is only defined for base xs:decimal or xs:integer, not xs:double"},
    {"totalDigits 0", total_digits_zero, IDS_ERR_INVALID_ARG,
     "is not a digit count; allowed: a positive integer"},
    {"fractionDigits on an integer", fraction_digits, IDS_ERR_INVALID_ARG,
     "fractionDigits 2 with base xs:integer leaves no value; allowed: 0, or base xs:decimal"},
    {"bound on a string", string_bound, IDS_ERR_INVALID_ARG,
     "allowed: enumeration, pattern, length, minLength, maxLength"},
    {"enumeration on boolean", boolean_enum, IDS_ERR_INVALID_ARG,
     "not allowed with base xs:boolean; allowed: pattern"},
    {"length on a number", double_length, IDS_ERR_INVALID_ARG,
     "allowed: enumeration, pattern, minInclusive, maxInclusive, minExclusive, maxExclusive"},
    {"unknown base", base_unknown, IDS_ERR_INVALID_ARG,
     "base 'xs:foo' is not supported by IDS; allowed: xs:string, xs:boolean"},
    {"base without prefix", base_unprefixed, IDS_ERR_INVALID_ARG, "with the xs: prefix"},
    {"missing base", base_missing, IDS_ERR_INVALID_ARG, "needs a base type; allowed: xs:string"},
    {"restriction without items", no_items, IDS_ERR_INVALID_ARG, "at least one item"},
    {"integer bound 1.5", integer_decimal, IDS_ERR_INVALID_ARG,
     "does not fit base xs:integer; allowed: an integer"},
    {"double with a comma", double_comma, IDS_ERR_INVALID_ARG, "a dot, not a comma"},
    {"month 13", date_month, IDS_ERR_INVALID_ARG, "allowed: a date YYYY-MM-DD"},
    {"date as dateTime", datetime_bad, IDS_ERR_INVALID_ARG,
     "allowed: a date-time YYYY-MM-DDThh:mm:ss"},
    {"empty duration", duration_empty, IDS_ERR_INVALID_ARG, "allowed: a duration such as"},
    {"word as integer enumeration", enum_integer, IDS_ERR_INVALID_ARG, "allowed: an integer"},
    {"min above max", min_gt_max, IDS_ERR_INVALID_ARG,
     "leave no value; allowed: a lower bound below the upper bound"},
    {"empty exclusive range", empty_range, IDS_ERR_INVALID_ARG, "leave no value"},
    {"date range reversed", date_range, IDS_ERR_INVALID_ARG, "leave no value"},
    {"two lower bounds", two_lower, IDS_ERR_INVALID_ARG, "use one lower bound"},
    {"two upper bounds", two_upper, IDS_ERR_INVALID_ARG, "use one upper bound"},
    {"minInclusive twice", twice_min, IDS_ERR_INVALID_ARG, "only enumeration may repeat"},
    {"length with minLength", length_and_min, IDS_ERR_INVALID_ARG,
     "use either length or minLength/maxLength"},
    {"minLength above maxLength", minlen_gt_maxlen, IDS_ERR_INVALID_ARG,
     "allowed: minLength <= maxLength"},
    {"negative length", length_negative, IDS_ERR_INVALID_ARG,
     "allowed: a non-negative integer"},
    {"empty enumeration", item_empty, IDS_ERR_INVALID_ARG, "must not be empty"},
    {"unknown restriction item", item_unknown, IDS_ERR_INVALID_ARG,
     "allowed: enumeration, pattern, minInclusive"},
    {"empty simple value", simple_empty, IDS_ERR_INVALID_ARG,
     "must not be empty; give the exact text to match, or a restriction"},
    {"NULL simple value", simple_null, IDS_ERR_INVALID_ARG, "must not be empty"},
    {"simple value not UTF-8", simple_bad_utf8, IDS_ERR_INVALID_ARG, "not valid UTF-8"},
    {"remove a required parameter", remove_required, IDS_ERR_INVALID_ARG,
     "entity needs name (required)"},
    {"parameter the kind lacks", param_not_in_kind, IDS_ERR_INVALID_ARG,
     "entity has no parameter value; allowed: name, predefinedType"},
    {"set_param with a bad pattern", set_param_bad, IDS_ERR_INVALID_ARG,
     "entity name: pattern '((' is not a valid XSD regular expression"},
    {"instructions in applicability", instructions_in_app, IDS_ERR_INVALID_ARG,
     "instructions is only allowed on facets in requirements"},
    {"dataType on attribute", datatype_on_attribute, IDS_ERR_INVALID_ARG,
     "dataType is not allowed on attribute in requirements"},
    {"find by unknown name", find_none, IDS_ERR_NOT_FOUND, "names: 'Walls', 'Slabs'"},
};

static void test_forbidden_edits(void **state)
{
    (void)state;
    ids_doc *doc = fixture();
    char *before = dump(doc);
    for (size_t i = 0; i < sizeof(forbidden_edits) / sizeof(forbidden_edits[0]); i++) {
        const forbidden *row = &forbidden_edits[i];
        ids_error err;
        ids_error_clear(&err);
        ids_status st = row->edit(doc, &err);
        if (st != row->status)
            fail_msg("%s: status %s, want %s (%s)", row->name, ids_status_name(st),
                     ids_status_name(row->status), err.message);
        if (err.code != st)
            fail_msg("%s: err.code %d differs from the returned status", row->name, err.code);
        if (strstr(err.message, row->says) == NULL)
            fail_msg("%s: message \"%s\" does not say \"%s\"", row->name, err.message,
                     row->says);
        char *after = dump(doc);
        if (strcmp(before, after) != 0)
            fail_msg("%s: the refused edit changed the document", row->name);
        free(after);
    }
    free(before);
    doc_free(doc);
}

/* ---- order ---- */

static void test_scrambled_order(void **state)
{
    (void)state;
    ids_doc *doc = new_doc();
    size_t s = add_spec(doc, "Scrambled", NULL, NULL);
    ids_facet m = fac(IDS_FACET_MATERIAL);
    m.params[IDS_PARAM_VALUE] = sv("wood");
    ids_facet p = property("P", "A", NULL, (ids_value){0});
    ids_facet e = entity("IFCWALL");
    ids_facet a = attribute("Name", (ids_value){0});
    ids_facet po = fac(IDS_FACET_PARTOF);
    po.params[IDS_PARAM_NAME] = sv("IFCBUILDING");
    ids_facet c = fac(IDS_FACET_CLASSIFICATION);
    c.params[IDS_PARAM_SYSTEM] = sv("Uniclass");
    const ids_facet *seq[] = {&m, &p, &e, &a, &po, &c};
    const size_t want_index[] = {0, 0, 0, 1, 1, 2};
    for (int loc = 0; loc < 2; loc++) {
        for (size_t i = 0; i < 6; i++) {
            size_t index = add_facet(doc, s, (ids_location)loc, seq[i]);
            assert_int_equal(index, want_index[i]);
        }
        /* A second facet of a kind goes after the last of its kind. */
        ids_facet p2 = property("P", "B", NULL, (ids_value){0});
        assert_int_equal(add_facet(doc, s, (ids_location)loc, &p2), 5);
        ids_facet po2 = fac(IDS_FACET_PARTOF);
        po2.params[IDS_PARAM_NAME] = sv("IFCSITE");
        assert_int_equal(add_facet(doc, s, (ids_location)loc, &po2), 2);
        char names[256];
        facet_names(doc, s, (ids_location)loc, names, sizeof(names));
        assert_string_equal(names, "entity partOf partOf classification attribute property "
                                   "property material");
        assert_int_equal(ids_facet_count(doc, s, (ids_location)loc), 8);
    }
    /* Items of a restriction are written in the canonical order. */
    ids_value v = R("xs:string", X(MAX_LENGTH, "9"), X(PATTERN, "[a-z]+"), X(ENUMERATION, "b"),
                    X(MIN_LENGTH, "1"), X(ENUMERATION, "a"));
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_facet_set_param(doc, s, IDS_APPLICABILITY, 4, IDS_PARAM_VALUE, &v, &err),
                     IDS_OK);
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<xs:restriction base=\"xs:string\"><xs:enumeration value=\"b\"/>"
                                "<xs:enumeration value=\"a\"/><xs:pattern value=\"[a-z]+\"/>"
                                "<xs:minLength value=\"1\"/><xs:maxLength value=\"9\"/>"
                                "</xs:restriction>"));
    free(xml);
    doc_free(doc);
}

/* ---- find ---- */

static void test_spec_find(void **state)
{
    (void)state;
    ids_doc *doc = new_doc();
    ids_error err;
    size_t i = 99;
    ids_error_clear(&err);
    assert_int_equal(
        ids_spec_find(doc, &(ids_spec_ref){.by = IDS_SPEC_BY_ANY, .key = "1"}, &i, &err),
        IDS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "none yet"));

    add_spec(doc, "Walls", NULL, NULL);
    add_spec(doc, "Doors", NULL, NULL);
    add_spec(doc, "Walls", NULL, NULL);
    add_spec(doc, "2", NULL, NULL);
    ids_error_clear(&err);
    assert_int_equal(spec_update(doc, &err, 1, IDS_SPEC_IDENTIFIER, "D-1"), IDS_OK);
    assert_int_equal(spec_update(doc, &err, 2, IDS_SPEC_IDENTIFIER, "Doors"), IDS_OK);
    assert_int_equal(ids_spec_count(doc), 4);

    struct {
        ids_spec_by by;
        const char *key;
        size_t index;
        ids_status st;
        size_t want;
        const char *says;
    } cases[] = {
        {IDS_SPEC_BY_IDENTIFIER, "D-1", 0, IDS_OK, 1, NULL},
        {IDS_SPEC_BY_NAME, "Doors", 0, IDS_OK, 1, NULL},
        /* identifier wins over name under BY_ANY */
        {IDS_SPEC_BY_ANY, "Doors", 0, IDS_OK, 2, NULL},
        {IDS_SPEC_BY_ANY, "D-1", 0, IDS_OK, 1, NULL},
        /* a name "2" wins over position 2 */
        {IDS_SPEC_BY_ANY, "2", 0, IDS_OK, 3, NULL},
        {IDS_SPEC_BY_ANY, "3", 0, IDS_OK, 2, NULL},
        {IDS_SPEC_BY_INDEX, NULL, 3, IDS_OK, 3, NULL},
        {IDS_SPEC_BY_INDEX, NULL, 4, IDS_ERR_NOT_FOUND, 0, "allowed: 0..3"},
        {IDS_SPEC_BY_NAME, "Walls", 0, IDS_ERR_INVALID_ARG, 0,
         "matches 2 specifications by name (positions #1, #3)"},
        {IDS_SPEC_BY_ANY, "Walls", 0, IDS_ERR_INVALID_ARG, 0, "#1, #3"},
        {IDS_SPEC_BY_ANY, "9", 0, IDS_ERR_NOT_FOUND, 0, "position 1..4"},
        {IDS_SPEC_BY_ANY, "Roofs", 0, IDS_ERR_NOT_FOUND, 0,
         "identifiers: 'D-1', 'Doors'; names: 'Walls', 'Doors', 'Walls', '2'"},
        {IDS_SPEC_BY_IDENTIFIER, "Walls", 0, IDS_ERR_NOT_FOUND, 0, "identifiers: 'D-1'"},
        {IDS_SPEC_BY_NAME, NULL, 0, IDS_ERR_INVALID_ARG, 0, "no key"},
        {(ids_spec_by)9, "x", 0, IDS_ERR_INVALID_ARG, 0, "allowed: by index"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        ids_error_clear(&err);
        i = 99;
        ids_spec_ref ref = {.by = cases[c].by, .key = cases[c].key, .index = cases[c].index};
        ids_status st = ids_spec_find(doc, &ref, &i, &err);
        if (st != cases[c].st)
            fail_msg("case %zu: %s (%s)", c, ids_status_name(st), err.message);
        if (st == IDS_OK)
            assert_int_equal(i, cases[c].want);
        else if (strstr(err.message, cases[c].says) == NULL)
            fail_msg("case %zu: \"%s\" lacks \"%s\"", c, err.message, cases[c].says);
    }
    doc_free(doc);
}

/* ---- update and remove ---- */

static void test_spec_update_remove(void **state)
{
    (void)state;
    ids_doc *doc = new_doc();
    ids_error err;
    ids_error_clear(&err);
    size_t s = add_spec(doc, "Walls", NULL, NULL);
    add_spec(doc, "Doors", NULL, NULL);

    ids_spec_fields f;
    memset(&f, 0, sizeof(f));
    f.values[IDS_SPEC_NAME] = "Outer walls";
    f.values[IDS_SPEC_IFC_VERSION] = "IFC4X3_ADD2 IFC2X3";
    f.values[IDS_SPEC_INSTRUCTIONS] = "Do it";
    f.values[IDS_SPEC_IDENTIFIER] = "OW";
    f.values[IDS_SPEC_DESCRIPTION] = "ignored: not in the mask";
    f.set_mask = (1u << IDS_SPEC_NAME) | (1u << IDS_SPEC_IFC_VERSION) |
                 (1u << IDS_SPEC_INSTRUCTIONS) | (1u << IDS_SPEC_IDENTIFIER);
    assert_int_equal(ids_spec_update(doc, s, &f, &err), IDS_OK);
    char *xml = dump(doc);
    /* Attributes land in the standard's order whatever the edit order. */
    assert_non_null(strstr(xml, "<specification name=\"Outer walls\" ifcVersion=\"IFC2X3 "
                                "IFC4X3_ADD2\" identifier=\"OW\" instructions=\"Do it\">"));
    free(xml);

    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_DESCRIPTION, "About"), IDS_OK);
    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_INSTRUCTIONS, NULL), IDS_OK);
    char *v = spec_attr(doc, s, "instructions");
    assert_null(v);
    v = spec_attr(doc, s, "description");
    assert_string_equal(v, "About");
    free(v);

    /* usage: required -> optional -> prohibited -> required */
    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_MIN_OCCURS, "0"), IDS_OK);
    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_MAX_OCCURS, "0"), IDS_OK);
    xml = dump(doc);
    assert_non_null(strstr(xml, "<applicability minOccurs=\"0\" maxOccurs=\"0\"/>"));
    free(xml);
    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_MIN_OCCURS, "1"), IDS_ERR_INVALID_ARG);
    ids_error_clear(&err);
    memset(&f, 0, sizeof(f));
    f.values[IDS_SPEC_MIN_OCCURS] = "1";
    f.values[IDS_SPEC_MAX_OCCURS] = "unbounded";
    f.set_mask = (1u << IDS_SPEC_MIN_OCCURS) | (1u << IDS_SPEC_MAX_OCCURS);
    assert_int_equal(ids_spec_update(doc, s, &f, &err), IDS_OK);

    /* requirements@description creates <requirements>; clearing it removes
     * the element again while it has no facets. */
    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_REQUIREMENTS_DESCRIPTION, "Needs"),
                     IDS_OK);
    xml = dump(doc);
    assert_non_null(strstr(xml, "</applicability><requirements description=\"Needs\"/>")
                        ? (void *)1
                        : strstr(xml, "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\"/>"
                                      "<requirements description=\"Needs\"/>"));
    free(xml);
    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_REQUIREMENTS_DESCRIPTION, NULL), IDS_OK);
    assert_null(ids_location_node(ids_spec_node(doc, s), IDS_REQUIREMENTS));

    /* A description keeps <requirements> when its last facet goes. */
    ids_facet a = attribute("Name", sv("x"));
    add_facet(doc, s, IDS_REQUIREMENTS, &a);
    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_REQUIREMENTS_DESCRIPTION, "Keep"), IDS_OK);
    assert_int_equal(ids_facet_remove(doc, s, IDS_REQUIREMENTS, 0, &err), IDS_OK);
    assert_non_null(ids_location_node(ids_spec_node(doc, s), IDS_REQUIREMENTS));
    assert_int_equal(spec_update(doc, &err, s, IDS_SPEC_REQUIREMENTS_DESCRIPTION, NULL), IDS_OK);
    assert_null(ids_location_node(ids_spec_node(doc, s), IDS_REQUIREMENTS));
    /* Without a description, removing the last facet removes <requirements>. */
    add_facet(doc, s, IDS_REQUIREMENTS, &a);
    assert_non_null(ids_location_node(ids_spec_node(doc, s), IDS_REQUIREMENTS));
    assert_int_equal(ids_facet_remove(doc, s, IDS_REQUIREMENTS, 0, &err), IDS_OK);
    assert_null(ids_location_node(ids_spec_node(doc, s), IDS_REQUIREMENTS));

    /* An empty mask changes nothing. */
    xml = dump(doc);
    memset(&f, 0, sizeof(f));
    assert_int_equal(ids_spec_update(doc, s, &f, &err), IDS_OK);
    char *same = dump(doc);
    assert_string_equal(xml, same);
    free(xml);
    free(same);

    assert_int_equal(ids_spec_remove(doc, 0, &err), IDS_OK);
    assert_int_equal(ids_spec_count(doc), 1);
    v = spec_attr(doc, 0, "name");
    assert_string_equal(v, "Doors");
    free(v);
    assert_int_equal(ids_spec_remove(doc, 0, &err), IDS_OK);
    assert_int_equal(ids_spec_count(doc), 0);
    assert_int_equal(err.code, IDS_OK);
    doc_free(doc);
}

static void test_facet_update_remove(void **state)
{
    (void)state;
    ids_doc *doc = new_doc();
    ids_error err;
    ids_error_clear(&err);
    size_t s = add_spec(doc, "Walls", NULL, NULL);
    ids_facet e = entity("IFCWALL");
    add_facet(doc, s, IDS_APPLICABILITY, &e);
    ids_facet p = property("Pset", "Width", "IFCLENGTHMEASURE", sv("0.2"));
    p.fattrs[IDS_FATTR_INSTRUCTIONS] = (char *)"measure it";
    p.fattrs[IDS_FATTR_URI] = (char *)"https://x";
    add_facet(doc, s, IDS_REQUIREMENTS, &p);

    /* Only the masked parts change: value becomes a range, uri goes. */
    ids_facet ch = fac(IDS_FACET_PROPERTY);
    ch.params[IDS_PARAM_VALUE] = R("xs:double", X(MIN_INCLUSIVE, "0.1"), X(MAX_INCLUSIVE, "0.5"));
    ch.params[IDS_PARAM_BASE_NAME] = sv("not used: bit not set");
    ids_facet_change change = {.facet = &ch,
                               .param_mask = 1u << IDS_PARAM_VALUE,
                               .fattr_mask = 1u << IDS_FATTR_URI};
    assert_int_equal(ids_facet_update(doc, s, IDS_REQUIREMENTS, 0, &change, &err), IDS_OK);
    ids_facet got;
    assert_int_equal(ids_facet_read(ids_facet_node(ids_location_node(ids_spec_node(doc, s),
                                                                      IDS_REQUIREMENTS),
                                                    0),
                                    &got, &err),
                     IDS_OK);
    assert_int_equal(got.kind, IDS_FACET_PROPERTY);
    assert_string_equal(got.params[IDS_PARAM_BASE_NAME].simple, "Width");
    assert_string_equal(got.params[IDS_PARAM_PROPERTY_SET].simple, "Pset");
    assert_int_equal(got.params[IDS_PARAM_VALUE].kind, IDS_VALUE_RESTRICTION);
    assert_string_equal(got.params[IDS_PARAM_VALUE].base, "xs:double");
    assert_int_equal(got.params[IDS_PARAM_VALUE].n_items, 2);
    assert_null(got.fattrs[IDS_FATTR_URI]);
    assert_string_equal(got.fattrs[IDS_FATTR_INSTRUCTIONS], "measure it");
    assert_string_equal(got.fattrs[IDS_FATTR_DATA_TYPE], "IFCLENGTHMEASURE");
    ids_facet_clear(&got);

    /* An empty change is a no-op; a NULL change is refused. */
    char *before = dump(doc);
    change = (ids_facet_change){.facet = NULL};
    assert_int_equal(ids_facet_update(doc, s, IDS_REQUIREMENTS, 0, &change, &err), IDS_OK);
    assert_int_equal(ids_facet_update(doc, s, IDS_REQUIREMENTS, 0, NULL, &err),
                     IDS_ERR_INVALID_ARG);
    ids_error_clear(&err);
    change = (ids_facet_change){.facet = NULL, .param_mask = 1};
    assert_int_equal(ids_facet_update(doc, s, IDS_REQUIREMENTS, 0, &change, &err),
                     IDS_ERR_INVALID_ARG);
    ids_error_clear(&err);
    char *after = dump(doc);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* Removing facets; indexes follow document order. */
    ids_facet m = fac(IDS_FACET_MATERIAL);
    add_facet(doc, s, IDS_APPLICABILITY, &m);
    ids_facet a = attribute("Name", (ids_value){0});
    assert_int_equal(add_facet(doc, s, IDS_APPLICABILITY, &a), 1);
    assert_int_equal(ids_facet_count(doc, s, IDS_APPLICABILITY), 3);
    assert_int_equal(ids_facet_remove(doc, s, IDS_APPLICABILITY, 1, &err), IDS_OK);
    char names[128];
    facet_names(doc, s, IDS_APPLICABILITY, names, sizeof(names));
    assert_string_equal(names, "entity material");
    assert_int_equal(ids_facet_remove(doc, s, IDS_APPLICABILITY, 0, &err), IDS_OK);
    assert_int_equal(ids_facet_remove(doc, s, IDS_APPLICABILITY, 0, &err), IDS_OK);
    /* applicability stays, empty, with its occurs */
    assert_non_null(ids_location_node(ids_spec_node(doc, s), IDS_APPLICABILITY));
    assert_int_equal(ids_facet_count(doc, s, IDS_APPLICABILITY), 0);
    assert_int_equal(ids_facet_remove(doc, s, IDS_APPLICABILITY, 0, &err), IDS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "has no facets"));
    doc_free(doc);
}

static void test_set_param(void **state)
{
    (void)state;
    ids_doc *doc = new_doc();
    ids_error err;
    ids_error_clear(&err);
    size_t s = add_spec(doc, "Walls", NULL, NULL);
    ids_facet e = entity("IFCWALL");
    add_facet(doc, s, IDS_APPLICABILITY, &e);

    ids_value r = R("xs:string", X(ENUMERATION, "IFCWALL"), X(ENUMERATION, "IFCSLAB"));
    assert_int_equal(ids_facet_set_param(doc, s, IDS_APPLICABILITY, 0, IDS_PARAM_NAME, &r, &err),
                     IDS_OK);
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<entity><name><xs:restriction base=\"xs:string\">"
                                "<xs:enumeration value=\"IFCWALL\"/>"
                                "<xs:enumeration value=\"IFCSLAB\"/></xs:restriction></name>"
                                "</entity>"));
    free(xml);

    ids_value t = sv("SOLIDWALL");
    assert_int_equal(
        ids_facet_set_param(doc, s, IDS_APPLICABILITY, 0, IDS_PARAM_PREDEFINED_TYPE, &t, &err),
        IDS_OK);
    ids_value back = sv("IFCWALL");
    assert_int_equal(ids_facet_set_param(doc, s, IDS_APPLICABILITY, 0, IDS_PARAM_NAME, &back, &err),
                     IDS_OK);
    xml = dump(doc);
    assert_non_null(strstr(xml, "<entity><name><simpleValue>IFCWALL</simpleValue></name>"
                                "<predefinedType><simpleValue>SOLIDWALL</simpleValue>"
                                "</predefinedType></entity>"));
    assert_null(strstr(xml, "restriction"));
    free(xml);

    /* Removing an optional parameter: ABSENT or NULL. */
    assert_int_equal(ids_facet_set_param(doc, s, IDS_APPLICABILITY, 0, IDS_PARAM_PREDEFINED_TYPE,
                                         NULL, &err),
                     IDS_OK);
    xml = dump(doc);
    assert_null(strstr(xml, "predefinedType"));
    free(xml);

    /* The partOf name lives in its nested entity. */
    ids_facet po = fac(IDS_FACET_PARTOF);
    po.params[IDS_PARAM_NAME] = sv("IFCBUILDING");
    add_facet(doc, s, IDS_APPLICABILITY, &po);
    ids_value pt = R("xs:string", X(PATTERN, "IFC.*"));
    assert_int_equal(
        ids_facet_set_param(doc, s, IDS_APPLICABILITY, 1, IDS_PARAM_PREDEFINED_TYPE, &pt, &err),
        IDS_OK);
    xml = dump(doc);
    assert_non_null(strstr(xml, "<partOf><entity><name><simpleValue>IFCBUILDING</simpleValue>"
                                "</name><predefinedType><xs:restriction base=\"xs:string\">"
                                "<xs:pattern value=\"IFC.*\"/></xs:restriction>"));
    free(xml);

    /* Required parameters cannot be removed, optional ones can. */
    ids_facet c = fac(IDS_FACET_CLASSIFICATION);
    c.params[IDS_PARAM_SYSTEM] = sv("Uniclass");
    c.params[IDS_PARAM_VALUE] = sv("EF");
    add_facet(doc, s, IDS_APPLICABILITY, &c);
    assert_int_equal(ids_facet_set_param(doc, s, IDS_APPLICABILITY, 2, IDS_PARAM_SYSTEM, NULL,
                                         &err),
                     IDS_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "classification needs system (required)"));
    ids_error_clear(&err);
    assert_int_equal(ids_facet_set_param(doc, s, IDS_APPLICABILITY, 2, IDS_PARAM_VALUE, NULL,
                                         &err),
                     IDS_OK);
    assert_int_equal(ids_facet_set_param(doc, s, IDS_APPLICABILITY, 7, IDS_PARAM_VALUE, NULL,
                                         &err),
                     IDS_ERR_NOT_FOUND);
    doc_free(doc);
}

/* ---- values ---- */

static void test_value_check(void **state)
{
    (void)state;
    assert_true(ids_xsd_regex_valid("[A-Z]{2}[0-9]+"));
    assert_true(ids_xsd_regex_valid("(EF|Pr)_.*"));
    assert_true(ids_xsd_regex_valid("\\d+\\.\\d{2}"));
    assert_true(ids_xsd_regex_valid("\\p{Lu}+"));
    assert_false(ids_xsd_regex_valid("[a-z"));
    assert_false(ids_xsd_regex_valid("(a"));
    assert_false(ids_xsd_regex_valid("a**"));
    assert_false(ids_xsd_regex_valid("\\q"));
    assert_false(ids_xsd_regex_valid(NULL));
    assert_false(ids_xsd_regex_valid("\xff"));

    struct {
        ids_value v;
        ids_status st;
    } cases[] = {
        {sv("x"), IDS_OK},
        {sv("a & b < c"), IDS_OK},
        {sv("\xc3\xa9t\xc3\xa9 \xf0\x9f\x8f\xa0"), IDS_OK},
        {R("xs:double", X(ENUMERATION, "1e-3"), X(ENUMERATION, "-INF"), X(ENUMERATION, "NaN"),
           X(ENUMERATION, ".5")),
         IDS_OK},
        {R("xs:float", X(MIN_INCLUSIVE, "-1.5E2")), IDS_OK},
        {R("xs:decimal", X(MIN_INCLUSIVE, "-1.50"), X(MAX_EXCLUSIVE, "+3")), IDS_OK},
        {R("xs:decimal", X(MIN_INCLUSIVE, "1e3")), IDS_ERR_INVALID_ARG},
        {R("xs:integer", X(ENUMERATION, "+42"), X(ENUMERATION, "-7")), IDS_OK},
        {R("xs:boolean", X(PATTERN, "true|false")), IDS_OK},
        {R("xs:dateTime", X(MIN_INCLUSIVE, "2024-01-01T10:00:00Z"),
           X(MAX_INCLUSIVE, "2024-01-01T10:00:00.5Z")),
         IDS_OK},
        {R("xs:time", X(MIN_INCLUSIVE, "08:00:00"), X(MAX_INCLUSIVE, "17:30:00")), IDS_OK},
        {R("xs:time", X(MIN_INCLUSIVE, "25:00:00")), IDS_ERR_INVALID_ARG},
        {R("xs:duration", X(MIN_INCLUSIVE, "P1Y2M3DT4H5M6S"), X(MAX_INCLUSIVE, "P2Y")), IDS_OK},
        {R("xs:duration", X(MIN_INCLUSIVE, "P1DT")), IDS_ERR_INVALID_ARG},
        {R("xs:anyURI", X(MIN_LENGTH, "5")), IDS_OK},
        {R("xs:string", X(LENGTH, "0")), IDS_OK},
        {R("xs:string", X(LENGTH, "12345678901234567890")), IDS_ERR_INVALID_ARG},
        /* different timezones cannot be ordered here; XSD would decide */
        {R("xs:date", X(MIN_INCLUSIVE, "2024-01-02Z"), X(MAX_INCLUSIVE, "2024-01-01+05:00")),
         IDS_OK},
        {R("xs:double", X(MIN_INCLUSIVE, "NaN"), X(MAX_INCLUSIVE, "1")), IDS_OK},
        {(ids_value){.kind = IDS_VALUE_ABSENT}, IDS_ERR_INVALID_ARG},
        {(ids_value){.kind = (ids_value_kind)7}, IDS_ERR_INVALID_ARG},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ids_error err;
        ids_error_clear(&err);
        ids_status st = ids_value_check(&cases[i].v, &err);
        if (st != cases[i].st)
            fail_msg("case %zu: %s (%s)", i, ids_status_name(st), err.message);
    }
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_value_check(NULL, &err), IDS_ERR_INVALID_ARG);
    /* NULL err is allowed everywhere. */
    assert_int_equal(ids_value_check(NULL, NULL), IDS_ERR_INVALID_ARG);
    /* The first error wins. */
    ids_value bad = sv("");
    assert_int_equal(ids_value_check(&bad, &err), IDS_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "no value given"));
}

/* Text goes in as given: markup characters are escaped, not parsed. */
static void test_text_round_trip(void **state)
{
    (void)state;
    ids_doc *doc = new_doc();
    ids_error err;
    ids_error_clear(&err);
    const char *tricky = "a &amp; <b> \"q\" 'x' \xc3\xa9\n\ttab";
    ids_spec_fields f = spec_fields(tricky, "IFC4");
    f.values[IDS_SPEC_DESCRIPTION] = tricky;
    size_t s = 99;
    assert_int_equal(ids_spec_add(doc, &f, &s, &err), IDS_OK);
    /* An attribute name, not an entity name: entity names must have the
     * form of an IFC class (rule E1), attribute names are free text here. */
    ids_facet e = attribute(tricky, sv(tricky));
    add_facet(doc, s, IDS_APPLICABILITY, &e);
    ids_facet a = attribute("Name", R("xs:string", X(ENUMERATION, tricky)));
    add_facet(doc, s, IDS_APPLICABILITY, &a);

    char *xml = dump(doc);
    ids_doc *again = doc_from_string(xml);
    char *name = spec_attr(again, 0, "name");
    assert_string_equal(name, tricky);
    free(name);
    ids_facet got;
    xmlNode *app = ids_location_node(ids_spec_node(again, 0), IDS_APPLICABILITY);
    assert_int_equal(ids_facet_read(ids_facet_node(app, 0), &got, &err), IDS_OK);
    assert_string_equal(got.params[IDS_PARAM_NAME].simple, tricky);
    assert_string_equal(got.params[IDS_PARAM_VALUE].simple, tricky);
    ids_facet_clear(&got);
    assert_int_equal(ids_facet_read(ids_facet_node(app, 1), &got, &err), IDS_OK);
    assert_string_equal(got.params[IDS_PARAM_VALUE].items[0].value, tricky);
    ids_facet_clear(&got);
    free(xml);
    doc_free(again);
    doc_free(doc);
}

/* ---- the xs prefix and broken documents ---- */

static void test_xs_prefix(void **state)
{
    (void)state;
    /* No xs declaration: the first restriction declares it on the root. */
    ids_doc *doc = doc_from_string(
        "<ids xmlns=\"http://standards.buildingsmart.org/IDS\"><info><title>t</title></info>"
        "<specifications><specification name=\"s\" ifcVersion=\"IFC4\">"
        "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\"/></specification>"
        "</specifications></ids>");
    ids_error err;
    ids_error_clear(&err);
    ids_facet e = entity("IFCWALL");
    e.params[IDS_PARAM_NAME] = R("xs:string", X(PATTERN, "IFC.*"));
    assert_int_equal(ids_facet_add(doc, 0, IDS_APPLICABILITY, &e, NULL, &err), IDS_OK);
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""));
    assert_non_null(strstr(xml, "<xs:restriction base=\"xs:string\">"));
    free(xml);
    doc_free(doc);

    /* xs bound to something else: refused, nothing changes. */
    doc = doc_from_string(
        "<ids xmlns=\"http://standards.buildingsmart.org/IDS\" xmlns:xs=\"urn:other\">"
        "<info><title>t</title></info><specifications><specification name=\"s\" "
        "ifcVersion=\"IFC4\"><applicability minOccurs=\"1\" maxOccurs=\"unbounded\"/>"
        "</specification></specifications></ids>");
    char *before = dump(doc);
    assert_int_equal(ids_facet_add(doc, 0, IDS_APPLICABILITY, &e, NULL, &err),
                     IDS_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "prefix xs is bound to 'urn:other'"));
    char *after = dump(doc);
    assert_string_equal(before, after);
    free(before);
    free(after);
    doc_free(doc);

    /* A prefixed IDS namespace: new elements use the document's prefix. */
    doc = doc_from_string(
        "<ids:ids xmlns:ids=\"http://standards.buildingsmart.org/IDS\" "
        "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><ids:info><ids:title>t</ids:title>"
        "</ids:info><ids:specifications/></ids:ids>");
    ids_error_clear(&err);
    size_t s = add_spec(doc, "s", NULL, NULL);
    add_facet(doc, s, IDS_REQUIREMENTS, &e);
    xml = dump(doc);
    assert_non_null(strstr(xml, "<ids:specification name=\"s\" ifcVersion=\"IFC4\">"
                                "<ids:applicability minOccurs=\"1\" maxOccurs=\"unbounded\"/>"
                                "<ids:requirements><ids:entity><ids:name><xs:restriction"));
    free(xml);
    doc_free(doc);
}

static void test_broken_documents(void **state)
{
    (void)state;
    ids_error err;
    ids_facet e = entity("IFCWALL");
    ids_facet a = attribute("Name", sv("x"));

    /* Not an IDS root. */
    ids_doc *doc = doc_from_string("<other/>");
    ids_error_clear(&err);
    assert_int_equal(ids_spec_count(doc), 0);
    assert_int_equal(ids_spec_add(doc, &(ids_spec_fields){.values = {"n", "IFC4"}}, NULL, &err),
                     IDS_ERR_NOT_IDS);
    ids_error_clear(&err);
    assert_int_equal(ids_facet_add(doc, 0, IDS_APPLICABILITY, &e, NULL, &err), IDS_ERR_NOT_IDS);
    doc_free(doc);

    /* NULL documents and arguments. */
    ids_error_clear(&err);
    assert_int_equal(ids_spec_count(NULL), 0);
    assert_int_equal(ids_facet_count(NULL, 0, IDS_APPLICABILITY), 0);
    assert_int_equal(ids_spec_remove(NULL, 0, &err), IDS_ERR_INVALID_ARG);
    ids_doc empty = {.xml = NULL};
    assert_int_equal(ids_facet_add(&empty, 0, IDS_APPLICABILITY, &e, NULL, NULL),
                     IDS_ERR_INVALID_ARG);

    /* No <specifications>: the first spec creates it after <info>. */
    doc = doc_from_string("<ids xmlns=\"http://standards.buildingsmart.org/IDS\">"
                          "<info><title>t</title></info></ids>");
    ids_error_clear(&err);
    assert_int_equal(ids_spec_find(doc, &(ids_spec_ref){.by = IDS_SPEC_BY_ANY, .key = "x"},
                                   &(size_t){0}, &err),
                     IDS_ERR_NOT_FOUND);
    ids_error_clear(&err);
    size_t s = add_spec(doc, "s", NULL, NULL);
    assert_int_equal(s, 0);
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "</info><specifications><specification"));
    free(xml);
    doc_free(doc);

    /* Junk everywhere, no applicability. */
    doc = doc_from_string(
        "<ids xmlns=\"http://standards.buildingsmart.org/IDS\"><info><title>t</title></info>"
        "<specifications><junk/><specification name=\"s\" ifcVersion=\"IFC4\"><junk/>"
        "<requirements><junk/><entity><name/></entity><!-- c --><material/></requirements>"
        "</specification><specification/></specifications></ids>");
    ids_error_clear(&err);
    assert_int_equal(ids_spec_count(doc), 2);
    assert_int_equal(ids_facet_count(doc, 0, IDS_APPLICABILITY), 0);
    assert_int_equal(ids_facet_count(doc, 0, IDS_REQUIREMENTS), 2);
    /* an entity whose name holds nothing reads as missing its name */
    ids_facet ch = fac(IDS_FACET_ENTITY);
    ch.fattrs[IDS_FATTR_INSTRUCTIONS] = (char *)"x";
    ids_facet_change change = {.facet = &ch, .fattr_mask = 1u << IDS_FATTR_INSTRUCTIONS};
    assert_int_equal(ids_facet_update(doc, 0, IDS_REQUIREMENTS, 0, &change, &err),
                     IDS_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "entity needs name"));
    ids_error_clear(&err);
    /* applicability is created, with its occurs, before the junk */
    assert_int_equal(add_facet(doc, 0, IDS_APPLICABILITY, &e), 0);
    xml = dump(doc);
    assert_non_null(strstr(xml, "ifcVersion=\"IFC4\"><applicability minOccurs=\"1\" "
                                "maxOccurs=\"unbounded\"><entity>"));
    free(xml);
    assert_int_equal(add_facet(doc, 0, IDS_REQUIREMENTS, &a), 1);
    char names[128];
    facet_names(doc, 0, IDS_REQUIREMENTS, names, sizeof(names));
    assert_string_equal(names, "junk entity attribute material");
    /* the second, empty specification: no name, no applicability */
    assert_int_equal(spec_update(doc, &err, 1, IDS_SPEC_MIN_OCCURS, "0"), IDS_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "maxOccurs '(none)'"));
    ids_error_clear(&err);
    ids_spec_fields f;
    memset(&f, 0, sizeof(f));
    f.values[IDS_SPEC_MIN_OCCURS] = "0";
    f.values[IDS_SPEC_MAX_OCCURS] = "unbounded";
    f.set_mask = (1u << IDS_SPEC_MIN_OCCURS) | (1u << IDS_SPEC_MAX_OCCURS);
    assert_int_equal(ids_spec_update(doc, 1, &f, &err), IDS_OK);
    assert_int_equal(add_facet(doc, 1, IDS_REQUIREMENTS, &a), 0);
    xml = dump(doc);
    assert_non_null(strstr(xml, "<specification><applicability minOccurs=\"0\" "
                                "maxOccurs=\"unbounded\"/><requirements><attribute>"));
    free(xml);
    assert_int_equal(ids_facet_remove(doc, 0, IDS_REQUIREMENTS, 0, &err), IDS_OK);
    doc_free(doc);
}

/* ---- out of memory ---- */

static long alloc_budget = -1; /* allocations left; -1 = unlimited */

static bool alloc_allowed(void)
{
    if (alloc_budget < 0)
        return true;
    if (alloc_budget == 0)
        return false;
    alloc_budget--;
    return true;
}

static void *t_malloc(size_t n) { return alloc_allowed() ? malloc(n) : NULL; }
static void *t_realloc(void *p, size_t n) { return alloc_allowed() ? realloc(p, n) : NULL; }
static char *t_strdup(const char *s) { return alloc_allowed() ? strdup(s) : NULL; }

typedef ids_status (*edit_fn)(ids_doc *, ids_error *);

EDIT(oom_add_spec)
{
    ids_spec_fields f = spec_fields("New", "IFC4 IFC2X3");
    f.values[IDS_SPEC_IDENTIFIER] = "N";
    f.values[IDS_SPEC_REQUIREMENTS_DESCRIPTION] = "d";
    return ids_spec_add(d, &f, NULL, e);
}
EDIT(oom_update_spec)
{
    ids_spec_fields f;
    memset(&f, 0, sizeof(f));
    f.values[IDS_SPEC_NAME] = "Renamed";
    f.values[IDS_SPEC_DESCRIPTION] = "d";
    f.values[IDS_SPEC_MIN_OCCURS] = "0";
    f.values[IDS_SPEC_REQUIREMENTS_DESCRIPTION] = "r";
    f.set_mask = (1u << IDS_SPEC_NAME) | (1u << IDS_SPEC_DESCRIPTION) |
                 (1u << IDS_SPEC_MIN_OCCURS) | (1u << IDS_SPEC_REQUIREMENTS_DESCRIPTION);
    return ids_spec_update(d, 0, &f, e);
}
EDIT(oom_add_facet)
{
    ids_facet f = fac(IDS_FACET_PARTOF);
    /* No pattern here: libxml2 2.9.14's regexp compiler is not safe when
     * an allocation fails inside it. */
    f.params[IDS_PARAM_NAME] = R("xs:string", X(ENUMERATION, "IFCBUILDING"), X(MIN_LENGTH, "3"));
    f.params[IDS_PARAM_PREDEFINED_TYPE] = sv("X");
    f.fattrs[IDS_FATTR_CARDINALITY] = (char *)"required";
    return ids_facet_add(d, 1, IDS_REQUIREMENTS, &f, NULL, e);
}
EDIT(oom_update_facet)
{
    ids_facet f = fac(IDS_FACET_PROPERTY);
    f.params[IDS_PARAM_VALUE] = R("xs:double", X(MIN_INCLUSIVE, "0"), X(MAX_INCLUSIVE, "2"));
    ids_facet_change c = {.facet = &f, .param_mask = 1u << IDS_PARAM_VALUE};
    return ids_facet_update(d, 0, IDS_REQUIREMENTS, 1, &c, e);
}

static void quiet(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

static void test_out_of_memory(void **state)
{
    (void)state;
    /* libxml2 reports its own allocation failures on the generic channel. */
    xmlSetGenericErrorFunc(NULL, quiet);
    /* The fixture is built before the allocator is swapped, so every
     * failure below happens inside the edit. Spec 1 is made optional so
     * requirements can be added to it. */
    const struct {
        const char *name;
        edit_fn edit;
    } edits[] = {
        {"add spec", oom_add_spec},
        {"update spec", oom_update_spec},
        {"add facet", oom_add_facet},
        {"update facet", oom_update_facet},
    };
    for (size_t k = 0; k < sizeof(edits) / sizeof(edits[0]); k++) {
        ids_doc *doc = fixture();
        ids_error err;
        ids_error_clear(&err);
        ids_spec_fields f;
        memset(&f, 0, sizeof(f));
        f.values[IDS_SPEC_MAX_OCCURS] = "unbounded";
        f.set_mask = 1u << IDS_SPEC_MAX_OCCURS;
        assert_int_equal(ids_spec_update(doc, 1, &f, &err), IDS_OK);
        /* Strip the xs declaration so adding a restriction must declare it. */
        xmlNode *root = xmlDocGetRootElement(doc->xml);
        for (xmlNs **p = &root->nsDef; *p != NULL; p = &(*p)->next)
            if ((*p)->prefix != NULL && strcmp((const char *)(*p)->prefix, "xs") == 0) {
                xmlNs *ns = *p;
                *p = ns->next;
                ns->next = NULL;
                xmlFreeNs(ns);
                break;
            }
        char *before = dump(doc);
        bool done = false;
        for (long n = 0; n < 1000 && !done; n++) {
            ids_error_clear(&err);
            xmlFreeFunc f_free;
            xmlMallocFunc f_malloc, f_atomic;
            xmlReallocFunc f_realloc;
            xmlStrdupFunc f_strdup;
            xmlGcMemGet(&f_free, &f_malloc, &f_atomic, &f_realloc, &f_strdup);
            xmlGcMemSetup(free, t_malloc, t_malloc, t_realloc, t_strdup);
            alloc_budget = n;
            ids_status st = edits[k].edit(doc, &err);
            alloc_budget = -1;
            xmlGcMemSetup(f_free, f_malloc, f_atomic, f_realloc, f_strdup);
            if (getenv("IDSD_TEST_TRACE_OOM") != NULL)
                print_message("%s n=%ld %s %s\n", edits[k].name, n, ids_status_name(st),
                              err.message);
            if (st == IDS_OK) {
                done = true;
                break;
            }
            if (st != IDS_ERR_NOMEM)
                fail_msg("%s, %ld allocations: %s (%s)", edits[k].name, n, ids_status_name(st),
                         err.message);
            char *after = dump(doc);
            if (strcmp(before, after) != 0)
                fail_msg("%s, %ld allocations: the failed edit changed the document",
                         edits[k].name, n);
            free(after);
        }
        assert_true(done);
        free(before);
        doc_free(doc);
    }
    xmlSetGenericErrorFunc(NULL, NULL);
}

int main(void)
{
    ids_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_everything_valid),
        cmocka_unit_test(test_forbidden_edits),
        cmocka_unit_test(test_scrambled_order),
        cmocka_unit_test(test_spec_find),
        cmocka_unit_test(test_spec_update_remove),
        cmocka_unit_test(test_facet_update_remove),
        cmocka_unit_test(test_set_param),
        cmocka_unit_test(test_value_check),
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_xs_prefix),
        cmocka_unit_test(test_broken_documents),
        cmocka_unit_test(test_out_of_memory),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return rc;
}
