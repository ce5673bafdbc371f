/*
 * test_tools_ifc_names.c - IFC names at edit time: each kind of unknown
 * name refused with its candidates and rule, per declared version; names
 * some versions lack kept with a note; allow_unknown keeping a name and
 * validate_ids then reporting it; a standard property's dataType checked
 * and filled in; changes judged on what they touch only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifc/ifc.h"
#include "testutil.h"
#include "tools/tools.h"
#include "tools/tools_internal.h"

typedef struct fx {
    session_store *store;
    tool_config cfg;
    char transport[SESSION_ID_SIZE];
    tool_env env;
} fx;

static int group_setup(void **state)
{
    (void)state;
    const char *why = NULL;
    ids_library_init();
    if (!tool_catalogue_init(&why)) {
        fprintf(stderr, "catalogue: %s\n", why);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tool_catalogue_cleanup();
    ids_library_cleanup();
    return 0;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    session_config sc;
    memset(&sc, 0, sizeof(sc));
    sc.payload_free = tool_session_free;
    if (session_store_new(&sc, &f->store) != SESSION_OK)
        return -1;
    f->cfg.max_doc_bytes = 4u << 20;
    f->env.store = f->store;
    f->env.config = &f->cfg;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    session_store_free(f->store);
    free(f);
    return 0;
}

/* Runs a tool; checks the error flag and, on success, the outputSchema. */
static json_t *run(fx *f, const char *name, bool expect_error, const char *fmt, ...)
{
    json_error_t e;
    va_list ap;
    va_start(ap, fmt);
    json_t *args = json_vpack_ex(&e, 0, fmt, ap);
    va_end(ap);
    if (args == NULL)
        fail_msg("pack: %s", e.text);
    const tool_def *t = tool_find(name);
    assert_non_null(t);
    tool_result r;
    f->env.transport_session_id = f->transport[0] != '\0' ? f->transport : NULL;
    tool_call(t, args, &f->env, &r);
    json_decref(args);
    if (r.is_error != expect_error)
        fail_msg("%s: expected %s, got: %s", name, expect_error ? "error" : "success", r.text);
    if (!r.is_error) {
        char msg[512];
        if (!tool_schema_validate(tool_output_schema(t), r.structured, msg, sizeof(msg)))
            fail_msg("%s: result breaks its outputSchema: %s", name, msg);
    }
    if (f->env.minted_session_id[0] != '\0')
        snprintf(f->transport, sizeof(f->transport), "%s", f->env.minted_session_id);
    json_t *out = json_incref(r.structured);
    tool_result_clear(&r);
    return out;
}

static const char *message(json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "error"), "message"));
}

static void has(const char *text, const char *needle)
{
    if (text == NULL || strstr(text, needle) == NULL)
        fail_msg("expected \"%s\" in: %s", needle, text != NULL ? text : "(null)");
}

static void lacks(const char *text, const char *needle)
{
    if (text != NULL && strstr(text, needle) != NULL)
        fail_msg("did not expect \"%s\" in: %s", needle, text);
}

/* The notes of a result joined, for has(). */
static char *notes_text(json_t *r)
{
    static char buf[4096];
    buf[0] = '\0';
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(r, "notes"), i, n) {
        strncat(buf, json_string_value(n), sizeof(buf) - strlen(buf) - 2);
        strncat(buf, "\n", sizeof(buf) - strlen(buf) - 1);
    }
    return buf;
}

/* A refusal: message has needle, error.rule is rule, and the first
 * candidate (when first is not NULL) is first with versions. */
static void refused(json_t *r, const char *needle, const char *rule, const char *first,
                    const char *first_versions)
{
    has(message(r), needle);
    has(message(r), "allow_unknown");
    json_t *error = json_object_get(r, "error");
    assert_string_equal(json_string_value(json_object_get(error, "rule")), rule);
    if (first == NULL) {
        json_decref(r);
        return;
    }
    json_t *c0 = json_array_get(json_object_get(error, "candidates"), 0);
    if (c0 == NULL)
        fail_msg("no candidates in: %s", message(r));
    assert_string_equal(json_string_value(json_object_get(c0, "name")), first);
    char joined[64] = "";
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(c0, "ifc_versions"), i, v) {
        if (i > 0)
            strcat(joined, " ");
        strcat(joined, json_string_value(v));
    }
    assert_string_equal(joined, first_versions);
    json_decref(r);
}

/* A new specification (in the session's one document) declaring versions;
 * the tools then default to it. */
static void start(fx *f, const char *versions)
{
    if (f->transport[0] == '\0')
        json_decref(run(f, "create_ids", false, "{s:s}", "title", "T"));
    json_decref(run(f, "add_specification", false, "{s:s, s:s}", "name", "S",
                    "ifc_versions", versions));
}

/* The audit rules validate_ids reports, joined. */
static char *audit_rules(fx *f)
{
    static char buf[1024];
    buf[0] = '\0';
    json_t *r = run(f, "validate_ids", false, "{}");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r, "errors"), i, e) {
        const char *rule = json_string_value(json_object_get(e, "rule"));
        strncat(buf, rule != NULL ? rule : "?", sizeof(buf) - strlen(buf) - 2);
        strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
    }
    json_decref(r);
    return buf;
}

/* ---- entities ---- */

static void test_entity_typo_refused(void **state)
{
    fx *f = *state;
    start(f, "IFC4");
    json_t *r = run(f, "add_entity_facet", true, "{s:s, s:s}", "location", "applicability",
                    "entity_name", "IfcWal");
    refused(r, "'IFCWAL' is not an IFC class in IFC4", "E1", "IFCWALL", "IFC4");
    /* The prefix left out. */
    r = run(f, "add_entity_facet", true, "{s:s, s:s}", "location", "applicability",
            "entity_name", "Wall");
    refused(r, "Did you mean IFCWALL (IFC4)", "E1", "IFCWALL", "IFC4");
    /* Nothing was added. */
    r = run(f, "get_specification", false, "{}");
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(r, "specification"), "applicability")), 0);
    json_decref(r);
    json_decref(run(f, "add_entity_facet", false, "{s:s, s:s}", "location", "applicability",
                    "entity_name", "IFCWALL"));
}

static void test_entity_per_version(void **state)
{
    fx *f = *state;
    /* IFC4X3 renamed IfcBuildingElement IfcBuiltElement. */
    start(f, "IFC4X3_ADD2");
    json_t *r = run(f, "add_entity_facet", true, "{s:s, s:s}", "location", "applicability",
                    "entity_name", "IFCBUILDINGELEMENT");
    refused(r, "in IFC4X3_ADD2", "E1", NULL, NULL);
    json_decref(run(f, "add_entity_facet", false, "{s:s, s:s}", "location", "applicability",
                    "entity_name", "IFCBUILTELEMENT"));

    /* With IFC4 declared too it exists in one version: kept with a note. */
    start(f, "IFC4 IFC4X3_ADD2");
    r = run(f, "add_entity_facet", false, "{s:s, s:s}", "location", "applicability",
            "entity_name", "IFCBUILDINGELEMENT");
    has(notes_text(r), "is a class in IFC4 but not in IFC4X3_ADD2");
    has(notes_text(r), "rule E1");
    json_decref(r);
    has(audit_rules(f), "E1");
}

static void test_allow_unknown_keeps_and_audit_reports(void **state)
{
    fx *f = *state;
    start(f, "IFC4");
    json_t *r = run(f, "add_entity_facet", false, "{s:s, s:s, s:b}", "location",
                    "applicability", "entity_name", "IFCWAL", "allow_unknown", 1);
    has(notes_text(r), "kept because allow_unknown is true");
    json_decref(r);
    has(audit_rules(f), "E1");
    /* A later change to another parameter is not blocked by it. */
    json_decref(run(f, "set_facet_parameter", false, "{s:s, s:i, s:s, s:s}", "location",
                    "applicability", "facet_index", 0, "parameter_name", "predefinedType",
                    "value", "ANYTHING"));
}

static void test_predefined_types(void **state)
{
    fx *f = *state;
    start(f, "IFC4");
    json_t *r = run(f, "add_entity_facet", true, "{s:s, s:s, s:s}", "location",
                    "applicability", "entity_name", "IFCWALL", "predefined_type", "SOLIDWAL");
    refused(r, "a predefined type of IFCWALL", "E2", "SOLIDWALL", "IFC4");
    /* Far from every standard value: a user-defined type, kept. */
    r = run(f, "add_entity_facet", false, "{s:s, s:s, s:s}", "location", "applicability",
            "entity_name", "IFCWALL", "predefined_type", "ACOUSTICBARRIER_X");
    has(notes_text(r), "USERDEFINED");
    json_decref(r);
    json_decref(run(f, "remove_facet", false, "{s:s, s:i}", "location", "applicability",
                    "facet_index", 0));
    json_decref(run(f, "add_entity_facet", false, "{s:s, s:s, s:s}", "location",
                    "applicability", "entity_name", "IFCWALL", "predefined_type",
                    "SHEAR"));
    /* IFC2X3 IfcInventory has no predefined types at all. */
    start(f, "IFC2X3");
    r = run(f, "add_partof_facet", true, "{s:s, s:s, s:s}", "location", "requirements",
            "parent_entity", "IFCINVENTORY", "parent_predefined_type", "ASSETINVENTORY");
    refused(r, "IFCINVENTORY has no predefined types", "E2", NULL, NULL);
}

/* ---- attributes ---- */

static void test_attribute_names(void **state)
{
    fx *f = *state;
    start(f, "IFC4");
    json_t *r = run(f, "add_attribute_facet", true, "{s:s, s:s}", "location", "requirements",
                    "attribute_name", "Nmae");
    refused(r, "'Nmae' is not an explicit attribute", "A1", "Name", "IFC4");
    /* Attribute names are case-sensitive: a case variant is a candidate. */
    r = run(f, "add_attribute_facet", true, "{s:s, s:s}", "location", "requirements",
            "attribute_name", "name");
    refused(r, "'name'", "A1", "Name", "IFC4");
    json_decref(run(f, "add_attribute_facet", false, "{s:s, s:s}", "location",
                    "requirements", "attribute_name", "Name"));
}

/* ---- property sets, properties, dataTypes ---- */

static void test_property_sets(void **state)
{
    fx *f = *state;
    start(f, "IFC4");
    json_t *r = run(f, "add_property_facet", true, "{s:s, s:s, s:s}", "location",
                    "requirements", "property_set", "Pset_WallComon", "property_name",
                    "FireRating");
    refused(r, "not a standard property or quantity set in IFC4", "P4", "Pset_WallCommon",
            "IFC4");
    r = run(f, "add_property_facet", true, "{s:s, s:s, s:s}", "location", "requirements",
            "property_set", "Pset_MyCompany", "property_name", "Colour");
    refused(r, "reserved", "P4", NULL, NULL);
    r = run(f, "add_property_facet", true, "{s:s, s:s, s:s}", "location", "requirements",
            "property_set", "PSET_WALLCOMMON", "property_name", "FireRating");
    refused(r, "case-sensitive", "P4", "Pset_WallCommon", "IFC4");
    /* A custom set is the author's business. */
    r = run(f, "add_property_facet", false, "{s:s, s:s, s:s}", "location", "requirements",
            "property_set", "ACME_Wall", "property_name", "Colour");
    assert_int_equal(json_array_size(json_object_get(r, "notes")), 0);
    json_decref(r);
    /* IFC2X3 has no quantity sets. */
    start(f, "IFC2X3");
    r = run(f, "add_property_facet", true, "{s:s, s:s, s:s}", "location", "requirements",
            "property_set", "Qto_WallBaseQuantities", "property_name", "Length");
    refused(r, "in IFC2X3", "P4", NULL, NULL);
}

static void test_properties_and_data_types(void **state)
{
    fx *f = *state;
    start(f, "IFC4");
    json_t *r = run(f, "add_property_facet", true, "{s:s, s:s, s:s}", "location",
                    "requirements", "property_set", "Pset_WallCommon", "property_name",
                    "FireRatingg");
    refused(r, "not a property of Pset_WallCommon", "P3", "FireRating", "IFC4");
    r = run(f, "add_property_facet", true, "{s:s, s:s, s:s, s:s}", "location",
            "requirements", "property_set", "Pset_WallCommon", "property_name", "FireRating",
            "data_type", "IFCTEXT");
    has(message(r), "has dataType IFCLABEL in IFC4");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "error"),
                                                          "expected")),
                        "IFCLABEL");
    json_decref(r);
    r = run(f, "add_property_facet", true, "{s:s, s:s, s:s, s:s}", "location",
            "requirements", "property_set", "ACME", "property_name", "X", "data_type",
            "IFCLABLE");
    refused(r, "not an IFC data type", "P5", "IFCLABEL", "IFC4");
    /* Filled in, and said so. */
    r = run(f, "add_property_facet", false, "{s:s, s:s, s:s}", "location", "requirements",
            "property_set", "Pset_WallCommon", "property_name", "IsExternal");
    has(notes_text(r), "data_type IFCBOOLEAN filled in");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(r, "facet"), "attributes"),
                            "dataType")),
                        "IFCBOOLEAN");
    json_decref(r);
    /* Not on a prohibited property, where IDS forbids a dataType. */
    r = run(f, "add_property_facet", false, "{s:s, s:s, s:s, s:s}", "location",
            "requirements", "property_set", "Pset_WallCommon", "property_name",
            "LoadBearing", "cardinality", "prohibited");
    lacks(notes_text(r), "filled in");
    json_decref(r);
    /* allow_unknown keeps a contradicting dataType; the audit reports P3. */
    r = run(f, "add_property_facet", false, "{s:s, s:s, s:s, s:s, s:b}", "location",
            "requirements", "property_set", "Pset_WallCommon", "property_name",
            "FireRating", "data_type", "IFCTEXT", "allow_unknown", 1);
    has(notes_text(r), "contradicts");
    json_decref(r);
    has(audit_rules(f), "P3");
}

/* The first enumerated property of a standard set in IFC4, from the
 * tables, so the test does not hard-code one. */
static bool enumerated_property(const char **pset, const char **prop, const char **value)
{
    const ifc_schema *s = ifc_schema_get(IFC_IFC4);
    for (size_t p = 0; p < ifc_pset_count(s); p++) {
        ifc_property q;
        for (size_t i = 0; ifc_pset_property(s, (ifc_pset)p, i, &q); i++) {
            if (q.kind != IFC_PROPERTY_ENUMERATION || q.value_count == 0 ||
                strncmp(ifc_pset_name(s, (ifc_pset)p), "Pset_", 5) != 0)
                continue;
            *pset = ifc_pset_name(s, (ifc_pset)p);
            *prop = q.name;
            *value = ifc_pset_property_value(s, (ifc_pset)p, i, 0);
            return true;
        }
    }
    return false;
}

static void test_enumerated_value(void **state)
{
    fx *f = *state;
    const char *pset = NULL, *prop = NULL, *value = NULL;
    assert_true(enumerated_property(&pset, &prop, &value));
    start(f, "IFC4");
    json_t *r = run(f, "add_property_facet", true, "{s:s, s:s, s:s, s:s}", "location",
                    "requirements", "property_set", pset, "property_name", prop, "value",
                    "NOT_A_VALUE_X");
    has(message(r), "not an allowed value");
    has(message(r), value);
    json_decref(r);
    json_decref(run(f, "add_property_facet", false, "{s:s, s:s, s:s, s:s, s:s}", "location",
                    "requirements", "property_set", pset, "property_name", prop, "value",
                    value, "data_type", "IFCLABEL"));
}

/* ---- changes ---- */

static void test_changes(void **state)
{
    fx *f = *state;
    start(f, "IFC4");
    json_decref(run(f, "add_entity_facet", false, "{s:s, s:s}", "location", "applicability",
                    "entity_name", "IFCWALL"));
    json_t *r = run(f, "set_facet_parameter", true, "{s:s, s:i, s:s, s:s}", "location",
                    "applicability", "facet_index", 0, "parameter_name", "name", "value",
                    "IFCWALLL");
    refused(r, "'IFCWALLL'", "E1", "IFCWALL", "IFC4");
    r = run(f, "add_enumeration_restriction", true, "{s:s, s:i, s:s, s:[s,s]}", "location",
            "applicability", "facet_index", 0, "parameter_name", "name", "values", "IFCWALL",
            "IFCSLABB");
    refused(r, "'IFCSLABB'", "E1", "IFCSLAB", "IFC4");
    /* A pattern is the audit's to judge. */
    json_decref(run(f, "add_pattern_restriction", false, "{s:s, s:i, s:s, s:s}", "location",
                    "applicability", "facet_index", 0, "parameter_name", "name", "pattern",
                    "IFCWALL.*"));
    /* Changing a property name checks it against the standard set, and a
     * kept dataType against the new property. */
    json_decref(run(f, "add_property_facet", false, "{s:s, s:s, s:s}", "location",
                    "requirements", "property_set", "Pset_WallCommon", "property_name",
                    "FireRating"));
    r = run(f, "set_facet_parameter", true, "{s:s, s:i, s:s, s:s}", "location",
            "requirements", "facet_index", 0, "parameter_name", "baseName", "value",
            "IsExternal");
    has(message(r), "contradicts");
    json_decref(r);
    json_decref(run(f, "set_facet_parameter", false, "{s:s, s:i, s:s, s:s}", "location",
                    "requirements", "facet_index", 0, "parameter_name", "baseName",
                    "value", "AcousticRating"));
    r = run(f, "set_facet_parameter", true, "{s:s, s:i, s:s, s:s}", "location",
            "requirements", "facet_index", 0, "parameter_name", "baseName", "value",
            "AcousticRatingg");
    refused(r, "not a property of Pset_WallCommon", "P3", "AcousticRating", "IFC4");
}

static void test_versions_change(void **state)
{
    fx *f = *state;
    start(f, "IFC4");
    json_decref(run(f, "add_entity_facet", false, "{s:s, s:s}", "location", "applicability",
                    "entity_name", "IFCBUILDINGELEMENT"));
    json_t *r = run(f, "update_specification", true, "{s:s}", "ifc_versions", "IFC4X3_ADD2");
    refused(r, "With ifc_versions IFC4X3_ADD2, the entity facet 0 of applicability", "E1",
            NULL, NULL);
    /* Nothing changed. */
    r = run(f, "get_specification", false, "{}");
    json_t *v = json_object_get(json_object_get(r, "specification"), "ifc_versions");
    assert_int_equal(json_array_size(v), 1);
    assert_string_equal(json_string_value(json_array_get(v, 0)), "IFC4");
    json_decref(r);
    /* Adding a version that lacks it is a note; so is allow_unknown. */
    r = run(f, "update_specification", false, "{s:[s,s]}", "ifc_versions", "IFC4",
            "IFC4X3_ADD2");
    has(notes_text(r), "not in IFC4X3_ADD2");
    json_decref(r);
    r = run(f, "update_specification", false, "{s:s, s:b}", "ifc_versions", "IFC4X3_ADD2",
            "allow_unknown", 1);
    has(notes_text(r), "kept because allow_unknown is true");
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_entity_typo_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entity_per_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allow_unknown_keeps_and_audit_reports, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_predefined_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attribute_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_property_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_properties_and_data_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enumerated_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions_change, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
