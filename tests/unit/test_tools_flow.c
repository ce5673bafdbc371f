/*
 * test_tools_flow.c - the tools against the real engine and store: each
 * tool's success and failure paths, the session's defaults for spec_id and
 * facet_index, file confinement, and a complete IDS built through tools
 * alone that validates. Every success result is checked against its
 * tool's own outputSchema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "tools/tools.h"
#include "tools/tools_internal.h"

typedef struct fx {
    session_store *store;
    tool_config cfg;
    const char *roots[1];
    char *root;
    char transport[SESSION_ID_SIZE];
    tool_env env;
    ids_schema *schema;
} fx;

static ids_schema *shared_schema;

static int group_setup(void **state)
{
    (void)state;
    const char *why = NULL;
    ids_library_init();
    if (!tool_catalogue_init(&why)) {
        fprintf(stderr, "catalogue: %s\n", why);
        return -1;
    }
    const char *xsd = testutil_shared_path("ids.xsd");
    struct stat st;
    if (xsd != NULL && stat(xsd, &st) == 0) {
        ids_error err;
        ids_error_clear(&err);
        if (ids_schema_load(xsd, NULL, &shared_schema, &err) != IDS_OK) {
            fprintf(stderr, "note: XSD not loaded (%s); built-in rules only\n", err.message);
            shared_schema = NULL;
        }
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    ids_schema_free(shared_schema);
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
    char *tmp = testutil_mkdtemp();
    f->root = realpath(tmp, NULL);
    free(tmp);
    f->roots[0] = f->root;
    f->cfg.roots = f->roots;
    f->cfg.n_roots = 1;
    f->cfg.max_doc_bytes = 4u << 20;
    f->cfg.schema = shared_schema;
    f->env.store = f->store;
    f->env.config = &f->cfg;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    session_store_free(f->store);
    testutil_rmtree(f->root);
    free(f->root);
    free(f);
    return 0;
}

/* Runs a tool the way the stdio transport does: the process's session is
 * the one the first create/load minted. Returns structuredContent (new
 * reference); checks the error flag and, on success, the outputSchema. */
static json_t *run(fx *f, const char *name, json_t *args, bool expect_error)
{
    const tool_def *t = tool_find(name);
    assert_non_null(t);
    tool_result r;
    f->env.transport_session_id = f->transport[0] != '\0' ? f->transport : NULL;
    tool_call(t, args, &f->env, &r);
    json_decref(args);
    assert_non_null(r.structured);
    assert_non_null(r.text);
    if (r.is_error != expect_error) {
        fprintf(stderr, "%s: expected %s, got: %s\n", name, expect_error ? "error" : "success",
                r.text);
        fail();
    }
    if (!r.is_error) {
        char msg[512];
        if (!tool_schema_validate(tool_output_schema(t), r.structured, msg, sizeof(msg))) {
            char *dump = json_dumps(r.structured, JSON_COMPACT);
            fprintf(stderr, "%s: result breaks its outputSchema: %s\n%s\n", name, msg, dump);
            free(dump);
            fail();
        }
        assert_true(json_is_string(json_object_get(r.structured, "session_id")));
    }
    if (f->env.minted_session_id[0] != '\0')
        snprintf(f->transport, sizeof(f->transport), "%s", f->env.minted_session_id);
    json_t *out = json_incref(r.structured);
    if (r.is_error) {
        /* Error results carry the message in the text too. */
        const char *m = json_string_value(json_object_get(json_object_get(out, "error"), "message"));
        assert_non_null(m);
        assert_string_equal(m, r.text);
    }
    tool_result_clear(&r);
    return out;
}

static json_t *ok(fx *f, const char *name, const char *fmt, ...)
{
    json_error_t e;
    va_list ap;
    va_start(ap, fmt);
    json_t *args = json_vpack_ex(&e, 0, fmt, ap);
    va_end(ap);
    if (args == NULL) {
        fprintf(stderr, "pack: %s\n", e.text);
        fail();
    }
    return run(f, name, args, false);
}

static void err(fx *f, const char *name, const char *needle, const char *fmt, ...)
{
    json_error_t e;
    va_list ap;
    va_start(ap, fmt);
    json_t *args = json_vpack_ex(&e, 0, fmt, ap);
    va_end(ap);
    assert_non_null(args);
    json_t *r = run(f, name, args, true);
    const char *m = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
    if (strstr(m, needle) == NULL) {
        fprintf(stderr, "%s: expected \"%s\" in: %s\n", name, needle, m);
        fail();
    }
    json_decref(r);
}

static const char *sget(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_int_t iget(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static bool bget(json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

static void create(fx *f)
{
    json_decref(ok(f, "create_ids", "{s:s, s:s}", "title", "Test", "author", "a@b.example"));
}

/* A new document in the same session, dropping the old one's edits. */
static void create_replacing(fx *f)
{
    json_decref(ok(f, "create_ids", "{s:s, s:b}", "title", "Replacing", "replace", 1));
}

/* ---- create / info ---- */

static void test_create_mints_and_replaces(void **state)
{
    fx *f = *state;
    json_t *r = ok(f, "create_ids", "{s:s}", "title", "First");
    assert_string_equal(sget(r, "status"), "created");
    assert_false(bget(r, "replaced_document"));
    assert_int_equal(strlen(sget(r, "session_id")), SESSION_ID_LEN);
    assert_string_equal(sget(r, "session_id"), f->env.minted_session_id);
    json_decref(r);

    r = ok(f, "create_ids", "{s:s, s:s}", "title", "Second", "date", "2024-05-01");
    assert_true(bget(r, "replaced_document"));
    assert_string_equal(f->env.minted_session_id, "");
    assert_string_equal(sget(r, "session_id"), f->transport);
    json_decref(r);

    r = ok(f, "get_ids_info", "{}");
    assert_string_equal(sget(json_object_get(r, "info"), "title"), "Second");
    assert_string_equal(sget(json_object_get(r, "info"), "date"), "2024-05-01");
    assert_int_equal(iget(r, "specification_count"), 0);
    json_decref(r);

    /* Explicit session_id works without the transport's. */
    char sid[SESSION_ID_SIZE];
    snprintf(sid, sizeof(sid), "%s", f->transport);
    f->transport[0] = '\0';
    r = ok(f, "get_ids_info", "{s:s}", "session_id", sid);
    assert_string_equal(sget(r, "session_id"), sid);
    json_decref(r);
}

static void test_create_failure_mints_nothing(void **state)
{
    fx *f = *state;
    err(f, "create_ids", "author", "{s:s, s:s}", "title", "T", "author", "not-an-email");
    assert_string_equal(f->env.minted_session_id, "");
    assert_string_equal(f->transport, "");
    session_stats st;
    session_store_stats(f->store, &st);
    assert_int_equal(st.live, 0);
    err(f, "create_ids", "date", "{s:s, s:s}", "title", "T", "date", "2024-1-1");
}

static void test_update_ids_info(void **state)
{
    fx *f = *state;
    create(f);
    json_t *r = ok(f, "update_ids_info", "{s:s, s:s, s:n}", "version", "2.0", "purpose",
                   "Design", "author");
    assert_string_equal(sget(json_object_get(r, "info"), "version"), "2.0");
    assert_null(json_object_get(json_object_get(r, "info"), "author"));
    assert_int_equal(json_array_size(json_object_get(r, "cleared")), 1);
    json_decref(r);
    err(f, "update_ids_info", "argument 'title' must be a string", "{s:n}", "title");
    err(f, "update_ids_info", "Nothing to update", "{}");
    /* A refused field rolls back the ones before it. */
    err(f, "update_ids_info", "nothing was changed", "{s:s, s:s}", "copyright", "ACME",
        "date", "yesterday");
    r = ok(f, "get_ids_info", "{}");
    assert_null(json_object_get(json_object_get(r, "info"), "copyright"));
    json_decref(r);
}

/* ---- specifications ---- */

static void test_specifications(void **state)
{
    fx *f = *state;
    create(f);
    err(f, "get_specification", "add_specification first", "{}");
    json_t *r = ok(f, "add_specification", "{s:s, s:s, s:s}", "name", "Walls",
                   "ifc_versions", "ifc4 IFC4X3", "identifier", "S1");
    assert_string_equal(sget(r, "spec_id"), "S1");
    assert_int_equal(iget(r, "spec_index"), 1);
    assert_string_equal(sget(r, "usage"), "required");
    assert_string_equal(sget(r, "min_occurs"), "1");
    assert_string_equal(sget(r, "max_occurs"), "unbounded");
    json_t *v = json_object_get(r, "ifc_versions");
    assert_int_equal(json_array_size(v), 2);
    assert_string_equal(json_string_value(json_array_get(v, 1)), "IFC4X3_ADD2");
    json_decref(r);

    r = ok(f, "add_specification", "{s:s, s:[s], s:s}", "name", "Doors", "ifc_versions",
           "IFC2X3", "usage", "optional");
    assert_string_equal(sget(r, "spec_id"), "S2"); /* a handle, not a position */
    assert_string_equal(sget(r, "usage"), "optional");
    json_decref(r);
    r = ok(f, "add_specification", "{s:s, s:[s], s:i, s:i}", "name", "No proxies",
           "ifc_versions", "IFC4", "min_occurs", 0, "max_occurs", 0);
    assert_string_equal(sget(r, "usage"), "prohibited");
    json_decref(r);

    err(f, "add_specification", "IFC5", "{s:s, s:s}", "name", "X", "ifc_versions", "IFC5");
    err(f, "add_specification", "at least one IFC version", "{s:s, s:s}", "name", "X",
        "ifc_versions", " ");
    err(f, "add_specification", "contradicts", "{s:s, s:s, s:s, s:i}", "name", "X",
        "ifc_versions", "IFC4", "usage", "required", "min_occurs", 0);
    err(f, "add_specification", "not a usage", "{s:s, s:s, s:i, s:i}", "name", "X",
        "ifc_versions", "IFC4", "min_occurs", 1, "max_occurs", 0);

    /* The most recently added is the default. */
    r = ok(f, "get_specification", "{}");
    assert_string_equal(sget(r, "spec_name"), "No proxies");
    assert_true(bget(r, "spec_id_defaulted"));
    json_decref(r);
    r = ok(f, "get_specification", "{s:s}", "spec_id", "Walls");
    assert_string_equal(sget(r, "spec_id"), "S1");
    assert_false(bget(r, "spec_id_defaulted"));
    json_t *spec = json_object_get(r, "specification");
    assert_string_equal(sget(spec, "usage"), "required");
    assert_int_equal(json_array_size(json_object_get(spec, "applicability")), 0);
    json_decref(r);
    /* ...and a lookup counts as "edited": it becomes the default. */
    r = ok(f, "get_specification", "{}");
    assert_string_equal(sget(r, "spec_name"), "Walls");
    json_decref(r);
    r = ok(f, "get_specification", "{s:i}", "spec_id", 2);
    assert_string_equal(sget(r, "spec_name"), "Doors");
    json_decref(r);
    err(f, "get_specification", "spec_id 'S9' not found; specifications: S1 'Walls' "
                                "(position 1, identifier S1), S2 'Doors' (position 2), "
                                "S3 'No proxies' (position 3)",
        "{s:s}", "spec_id", "S9");
    err(f, "get_specification", "out of range", "{s:i}", "spec_id", 9);

    r = ok(f, "update_specification", "{s:s, s:s, s:s, s:n}", "spec_id", "2", "name",
           "Doors v2", "usage", "required", "identifier");
    assert_string_equal(sget(r, "spec_name"), "Doors v2");
    assert_int_equal(json_array_size(json_object_get(r, "changed")), 3);
    json_decref(r);
    err(f, "update_specification", "Nothing to update", "{}");

    r = ok(f, "remove_specification", "{s:s}", "spec_id", "S1");
    assert_int_equal(iget(r, "specification_count"), 2);
    json_decref(r);
    /* The remembered spec (Doors, was 2) moved to position 1. */
    r = ok(f, "get_specification", "{}");
    assert_string_equal(sget(r, "spec_name"), "Doors v2");
    assert_int_equal(iget(r, "spec_index"), 1);
    json_decref(r);
    r = ok(f, "remove_specification", "{s:i}", "spec_id", 1);
    json_decref(r);
    /* Forgotten; with one spec left it is the default. */
    r = ok(f, "get_specification", "{}");
    assert_string_equal(sget(r, "spec_name"), "No proxies");
    json_decref(r);
    r = ok(f, "get_ids_info", "{}");
    assert_int_equal(iget(r, "specification_count"), 1);
    json_decref(r);
}

static void test_spec_id_needed_when_ambiguous(void **state)
{
    fx *f = *state;
    const char *xml =
        "<ids xmlns=\"http://standards.buildingsmart.org/IDS\"><info><title>T</title></info>"
        "<specifications>"
        "<specification name=\"A\" ifcVersion=\"IFC4\"><applicability minOccurs=\"1\" "
        "maxOccurs=\"unbounded\"/></specification>"
        "<specification name=\"B\" ifcVersion=\"IFC4\"><applicability minOccurs=\"1\" "
        "maxOccurs=\"unbounded\"/></specification>"
        "</specifications></ids>";
    json_t *r = ok(f, "load_ids", "{s:s}", "source", xml);
    assert_string_equal(sget(r, "source_type"), "string");
    assert_int_equal(iget(r, "specification_count"), 2);
    json_decref(r);
    err(f, "add_entity_facet", "spec_id is needed", "{s:s, s:s}", "location",
        "applicability", "entity_name", "IFCWALL");
}

/* ---- handles ---- */

/* The sequences of issue 11: a position read before an add or a removal
 * names another element afterwards; a handle does not. */
static void test_handles_follow_their_element(void **state)
{
    fx *f = *state;
    create(f);
    json_decref(ok(f, "add_specification", "{s:s, s:s}", "name", "Walls", "ifc_versions",
                   "IFC4"));
    json_t *r = ok(f, "add_attribute_facet", "{s:s, s:s}", "location", "requirements",
                   "attribute_name", "Name");
    char name_id[16], desc_id[16];
    snprintf(name_id, sizeof(name_id), "%s", sget(r, "facet_id"));
    json_decref(r);
    r = ok(f, "add_attribute_facet", "{s:s, s:s}", "location", "requirements",
           "attribute_name", "Description");
    snprintf(desc_id, sizeof(desc_id), "%s", sget(r, "facet_id"));
    assert_int_equal(iget(r, "facet_index"), 1);
    json_decref(r);
    r = ok(f, "add_classification_facet", "{s:s, s:s}", "location", "requirements",
           "classification_system", "Uniclass");
    json_t *moved = json_object_get(r, "moved");
    assert_int_equal(json_array_size(moved), 2);
    assert_string_equal(sget(json_array_get(moved, 1), "facet_id"), desc_id);
    assert_int_equal(iget(json_array_get(moved, 1), "to"), 2);
    assert_int_equal(iget(json_array_get(moved, 1), "from"), 1);
    assert_string_equal(sget(json_array_get(moved, 1), "label"), "Description");
    assert_string_equal(sget(json_array_get(moved, 0), "facet_id"), name_id);
    assert_string_equal(sget(json_array_get(moved, 0), "label"), "Name");
    json_decref(r);
    /* Position 1 is Name now, and the result says so... */
    r = ok(f, "add_pattern_restriction", "{s:s, s:i, s:s}", "location", "requirements",
           "facet_index", 1, "pattern", "N.*");
    assert_string_equal(sget(r, "facet_id"), name_id);
    assert_string_equal(sget(r, "facet_label"), "Name");
    json_decref(r);
    /* ...while the handle still names Description. */
    r = ok(f, "add_pattern_restriction", "{s:s, s:s}", "facet_id", desc_id, "pattern", "D.*");
    assert_string_equal(sget(r, "facet_label"), "Description");
    json_decref(r);
    r = ok(f, "remove_facet", "{s:s}", "facet_id", desc_id);
    assert_string_equal(sget(json_object_get(r, "removed"), "label"), "Description");
    json_decref(r);
    err(f, "remove_facet", "names no facet", "{s:s}", "facet_id", desc_id);
    /* update_facet keeps the handle. */
    r = ok(f, "update_facet", "{s:s, s:s}", "facet_id", name_id, "cardinality", "optional");
    assert_string_equal(sget(r, "facet_id"), name_id);
    json_decref(r);

    /* Specifications: remove the third of eight, the sixth keeps its handle. */
    create_replacing(f);
    char sixth[16] = "";
    for (int i = 1; i <= 8; i++) {
        char nm[16];
        snprintf(nm, sizeof(nm), "spec %d", i);
        r = ok(f, "add_specification", "{s:s, s:s}", "name", nm, "ifc_versions", "IFC4");
        if (i == 6)
            snprintf(sixth, sizeof(sixth), "%s", sget(r, "spec_id"));
        json_decref(r);
    }
    r = ok(f, "get_ids_info", "{}");
    char third[16];
    snprintf(third, sizeof(third), "%s",
             sget(json_array_get(json_object_get(r, "specifications"), 2), "spec_id"));
    json_decref(r);
    json_decref(ok(f, "remove_specification", "{s:s}", "spec_id", third));
    r = ok(f, "get_specification", "{s:s}", "spec_id", sixth);
    assert_string_equal(sget(r, "spec_name"), "spec 6");
    assert_int_equal(iget(r, "spec_index"), 5);
    json_decref(r);
    err(f, "get_specification", "not found", "{s:s}", "spec_id", third);

    /* No silent loss: "" is no session_id; unexported edits need replace. */
    json_decref(ok(f, "get_ids_info", "{s:s}", "session_id", ""));
    err(f, "create_ids", "not exported", "{s:s}", "title", "Other");
    err(f, "load_ids", "not exported", "{s:s}", "source",
        "<ids xmlns=\"http://standards.buildingsmart.org/IDS\"/>");
    r = ok(f, "get_ids_info", "{}");
    assert_int_equal(iget(r, "specification_count"), 7);
    json_decref(r);
    json_decref(ok(f, "export_ids", "{}"));
    json_decref(ok(f, "create_ids", "{s:s}", "title", "Other"));
}

/* ---- facets and restrictions ---- */

static void test_facets_and_defaults(void **state)
{
    fx *f = *state;
    create(f);
    json_decref(ok(f, "add_specification", "{s:s, s:s, s:s}", "name", "Walls",
                   "ifc_versions", "IFC4", "identifier", "W"));
    json_t *r = ok(f, "add_entity_facet", "{s:s, s:s, s:s}", "location", "applicability",
                   "entity_name", "IfcWall", "cardinality", "required");
    assert_true(bget(r, "spec_id_defaulted"));
    assert_string_equal(sget(r, "spec_id"), "S1");
    assert_string_equal(sget(r, "identifier"), "W");
    assert_string_equal(sget(r, "facet_id"), "F1");
    assert_int_equal(iget(r, "facet_index"), 0);
    assert_string_equal(sget(json_object_get(json_object_get(r, "facet"), "parameters"), "name"),
                        "IFCWALL");
    assert_int_equal(json_array_size(json_object_get(r, "notes")), 1);
    json_decref(r);

    err(f, "add_entity_facet", "no cardinality", "{s:s, s:s, s:s}", "location",
        "requirements", "entity_name", "IFCWALL", "cardinality", "optional");
    err(f, "add_property_facet", "only allowed on requirement facets", "{s:s, s:s, s:s, s:s}",
        "location", "applicability", "property_set", "P", "property_name", "N",
        "cardinality", "optional");
    err(f, "add_property_facet", "only allowed on requirement facets", "{s:s, s:s, s:s, s:s}",
        "location", "applicability", "property_set", "P", "property_name", "N", "uri",
        "https://example.org/x");
    err(f, "add_partof_facet", "must be one of: required, prohibited", "{s:s, s:s, s:s}", "location",
        "requirements", "parent_entity", "IFCBUILDINGSTOREY", "cardinality", "optional");
    err(f, "add_entity_facet", "must not be empty", "{s:s, s:s}", "location",
        "requirements", "entity_name", "");
    err(f, "add_entity_facet", "Could not add the entity facet", "{s:s, s:s}", "location",
        "applicability", "entity_name", "IFCSLAB");

    r = ok(f, "add_property_facet", "{s:s, s:s, s:s, s:f, s:s}", "location", "requirements",
           "property_set", "Pset_WallCommon", "property_name", "ThermalTransmittance",
           "value", 0.25, "data_type", "ifcthermaltransmittancemeasure");
    assert_int_equal(iget(r, "facet_index"), 0);
    json_t *facet = json_object_get(r, "facet");
    assert_string_equal(sget(json_object_get(facet, "parameters"), "value"), "0.25");
    assert_string_equal(sget(json_object_get(facet, "attributes"), "dataType"),
                        "IFCTHERMALTRANSMITTANCEMEASURE");
    json_decref(r);
    r = ok(f, "add_attribute_facet", "{s:s, s:s}", "location", "requirements",
           "attribute_name", "Name");
    assert_int_equal(iget(r, "facet_index"), 0); /* attribute goes before property */
    json_decref(r);

    /* Restriction defaults: the facet just added (the attribute). */
    r = ok(f, "add_pattern_restriction", "{s:s}", "pattern", "W-[0-9]{3}");
    assert_true(bget(r, "facet_index_defaulted"));
    assert_true(bget(r, "location_defaulted"));
    assert_true(bget(r, "parameter_name_defaulted"));
    assert_string_equal(sget(r, "location"), "requirements");
    assert_int_equal(iget(r, "facet_index"), 0);
    assert_string_equal(sget(r, "facet_kind"), "attribute");
    assert_string_equal(sget(r, "parameter_name"), "value");
    assert_true(json_is_null(json_object_get(r, "replaced")));
    assert_string_equal(sget(json_object_get(r, "value"), "pattern"), "W-[0-9]{3}");
    json_decref(r);

    /* Explicit facet; replaces the simple value 0.25 and says so. */
    r = ok(f, "add_bounds_restriction", "{s:i, s:f, s:i}", "facet_index", 1,
           "min_exclusive", 0.0, "max_inclusive", 1);
    assert_false(bget(r, "facet_index_defaulted"));
    assert_string_equal(sget(r, "facet_kind"), "property");
    assert_string_equal(sget(r, "replaced"), "0.25");
    json_t *val = json_object_get(r, "value");
    assert_string_equal(sget(val, "base"), "xs:double");
    assert_string_equal(sget(val, "max_inclusive"), "1");
    json_decref(r);
    /* The facet just restricted is now the default one. */
    r = ok(f, "add_enumeration_restriction", "{s:[s,s], s:s}", "values", "Pset_WallCommon",
           "ACME_WallData", "parameter_name", "property_set");
    assert_int_equal(iget(r, "facet_index"), 1);
    assert_string_equal(sget(r, "parameter_name"), "propertySet");
    json_decref(r);

    err(f, "add_bounds_restriction", "at least one bound", "{}");
    err(f, "add_length_restriction", "Give length", "{}");
    err(f, "add_pattern_restriction", "base_type", "{s:s, s:s}", "pattern", "x", "base_type",
        "xs:money");
    err(f, "add_pattern_restriction", "not a parameter of the attribute facet",
        "{s:i, s:s, s:s}", "facet_index", 0, "parameter_name", "system", "pattern", "x");
    err(f, "add_pattern_restriction", "out of range", "{s:i, s:s}", "facet_index", 5,
        "pattern", "x");
    /* A pattern whose compile would take seconds (issue 12): refused at
     * once with what to write instead, the document unchanged. */
    {
        char bomb[4001];
        for (int i = 0; i < 2000; i++)
            memcpy(bomb + 2 * i, "a?", 2);
        bomb[4000] = '\0';
        err(f, "add_pattern_restriction", "counted repetition", "{s:i, s:s}", "facet_index",
            0, "pattern", bomb);
        r = ok(f, "get_specification", "{}");
        json_t *reqs = json_object_get(json_object_get(r, "specification"), "requirements");
        json_t *params = json_object_get(json_array_get(reqs, 0), "parameters");
        assert_string_equal(sget(json_object_get(params, "value"), "pattern"), "W-[0-9]{3}");
        json_decref(r);
    }
    err(f, "add_length_restriction", "not a valid restriction", "{s:i, s:s, s:i}",
        "facet_index", 1, "base_type", "xs:double", "length", 3);
    err(f, "set_restriction", "totalDigits is only defined for base xs:decimal or xs:integer", "{s:i, s:s, s:[{s:s, s:i}]}", "facet_index", 1,
        "base_type", "xs:double", "items", "facet", "totalDigits", "value", 3);

    r = ok(f, "set_facet_parameter", "{s:i, s:s, s:s}", "facet_index", 1, "parameter_name",
           "baseName", "value", "UValue");
    assert_string_equal(sget(r, "value"), "UValue");
    json_decref(r);
    err(f, "set_facet_parameter", "cannot be removed", "{s:i, s:s, s:n}", "facet_index", 1,
        "parameter_name", "baseName", "value");
    r = ok(f, "set_facet_parameter", "{s:i, s:n}", "facet_index", 0, "value");
    assert_string_equal(sget(r, "status"), "removed");
    json_decref(r);

    r = ok(f, "get_specification", "{}");
    json_t *reqs = json_object_get(json_object_get(r, "specification"), "requirements");
    assert_int_equal(json_array_size(reqs), 2);
    json_t *prop = json_array_get(reqs, 1);
    assert_int_equal(iget(prop, "facet_index"), 1);
    assert_string_equal(sget(prop, "kind"), "property");
    json_t *ps = json_object_get(json_object_get(prop, "parameters"), "propertySet");
    assert_int_equal(json_array_size(json_object_get(ps, "enumeration")), 2);
    json_decref(r);

    /* remove_facet, then the remembered facet is forgotten. */
    err(f, "remove_facet", "out of range", "{s:s, s:i}", "location", "requirements",
        "facet_index", 7);
    r = ok(f, "remove_facet", "{s:s, s:i}", "location", "requirements", "facet_index", 1);
    assert_int_equal(iget(r, "facets_left"), 1);
    json_decref(r);
    r = ok(f, "add_length_restriction", "{s:i}", "max_length", 20);
    assert_int_equal(iget(r, "facet_index"), 0); /* the only one left */
    assert_true(bget(r, "facet_index_defaulted"));
    json_decref(r);
}

/* A document with every facet kind and every restriction kind, built
 * through the tools alone, exported and valid. */
static void test_complete_document(void **state)
{
    fx *f = *state;
    json_decref(ok(f, "create_ids", "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title",
                   "Complete", "copyright", "ACME", "version", "1.0", "description", "All",
                   "author", "bim@example.org", "date", "2024-06-01", "purpose", "Test",
                   "milestone", "Design"));
    json_decref(ok(f, "add_specification", "{s:s, s:[s,s], s:s, s:s, s:s}", "name",
                   "Everything", "ifc_versions", "IFC4", "IFC4X3_ADD2", "identifier", "E1",
                   "description", "Every facet", "instructions", "Model carefully"));
    json_decref(ok(f, "add_entity_facet", "{s:s, s:s, s:s}", "location", "applicability",
                   "entity_name", "IFCWALL", "predefined_type", "SOLIDWALL"));
    json_decref(ok(f, "add_partof_facet", "{s:s, s:s, s:s}", "location", "applicability",
                   "parent_entity", "IFCBUILDINGSTOREY", "relation",
                   "IFCRELCONTAINEDINSPATIALSTRUCTURE"));
    json_decref(ok(f, "add_entity_facet", "{s:s, s:s, s:s}", "location", "requirements",
                   "entity_name", "IFCWALL", "instructions", "Walls only"));
    json_decref(ok(f, "add_classification_facet", "{s:s, s:s, s:s, s:s}", "location",
                   "requirements", "classification_system", "Uniclass 2015",
                   "classification_value", "EF_25_10", "uri",
                   "https://identifier.buildingsmart.org/uri/uniclass"));
    json_decref(ok(f, "add_attribute_facet", "{s:s, s:s, s:s, s:s}", "location",
                   "requirements", "attribute_name", "Name", "value", "W1", "cardinality",
                   "optional"));
    json_decref(ok(f, "add_property_facet", "{s:s, s:s, s:s, s:s, s:s}", "location",
                   "requirements", "property_set", "Pset_WallCommon", "property_name",
                   "IsExternal", "data_type", "IFCBOOLEAN", "value", "true"));
    json_decref(ok(f, "add_property_facet", "{s:s, s:s, s:s, s:s}", "location",
                   "requirements", "property_set", "Custom_Set", "property_name", "Width",
                   "data_type", "IFCLENGTHMEASURE"));
    json_decref(ok(f, "add_material_facet", "{s:s, s:s, s:s}", "location", "requirements",
                   "material_value", "concrete", "cardinality", "prohibited"));
    json_decref(ok(f, "add_property_facet", "{s:s, s:s, s:s, s:s, s:{s:s, s:[s,s]}}",
                   "location", "requirements", "property_set", "Custom_Set",
                   "property_name", "Code", "data_type", "IFCLABEL", "value", "base",
                   "xs:string", "enumeration", "A", "B"));

    /* Restrictions: enumeration, pattern, bounds, length, and a pattern
     * plus maxLength through set_restriction. */
    json_t *spec = ok(f, "get_specification", "{s:s}", "spec_id", "E1");
    json_t *reqs = json_object_get(json_object_get(spec, "specification"), "requirements");
    assert_int_equal(json_array_size(reqs), 7);
    json_decref(spec);
    /* requirements: 0 entity, 1 classification, 2 attribute, 3 IsExternal,
     * 4 Width, 5 Code, 6 material */
    json_decref(ok(f, "add_enumeration_restriction", "{s:s, s:i, s:s, s:s, s:[s,s]}",
                   "location", "requirements", "facet_index", 0, "parameter_name",
                   "predefinedType", "base_type", "string", "values", "SOLIDWALL",
                   "PARTITIONING"));
    json_decref(ok(f, "add_pattern_restriction", "{s:i, s:s}", "facet_index", 1,
                   "pattern", "EF_[0-9]{2}_[0-9]{2}"));
    json_decref(ok(f, "add_bounds_restriction", "{s:i, s:s, s:f, s:f}", "facet_index", 4,
                   "base_type", "xs:double", "min_inclusive", 0.1, "max_exclusive", 2.5));
    json_decref(ok(f, "add_length_restriction", "{s:i, s:i, s:i}", "facet_index", 2,
                   "min_length", 2, "max_length", 16));
    json_decref(ok(f, "set_restriction", "{s:i, s:s, s:[{s:s, s:s}, {s:s, s:i}]}",
                   "facet_index", 6, "parameter_name", "value", "items", "facet", "pattern",
                   "value", "[a-z]+", "facet", "maxLength", "value", 12));
    json_decref(ok(f, "add_length_restriction", "{s:s, s:i, s:s, s:i}", "location",
                   "applicability", "facet_index", 1, "parameter_name", "name", "length", 17));

    json_t *r = ok(f, "validate_ids", "{}");
    if (!bget(r, "valid")) {
        char *dump = json_dumps(r, JSON_INDENT(1));
        fprintf(stderr, "%s\n", dump);
        free(dump);
    }
    assert_true(bget(r, "valid"));
    assert_int_equal(iget(r, "error_count"), 0);
    assert_true(bget(r, "xsd_configured") == (shared_schema != NULL));
    assert_true(bget(r, "xsd_checked") == (shared_schema != NULL));
    json_decref(r);

    r = ok(f, "export_ids", "{}");
    const char *xml = sget(r, "xml");
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<xs:restriction base=\"xs:double\">"));
    assert_non_null(strstr(xml, "xs:minInclusive"));
    assert_non_null(strstr(xml, "xs:maxLength"));
    assert_non_null(strstr(xml, "xs:enumeration"));
    assert_non_null(strstr(xml, "xs:pattern"));
    assert_non_null(strstr(xml, "xs:length"));
    assert_true(bget(json_object_get(r, "validation"), "valid"));

    /* The exported XML loads back into a fresh session as valid. */
    char *copy = strdup(xml);
    json_decref(r);
    f->transport[0] = '\0';
    r = ok(f, "load_ids", "{s:s, s:s}", "source", copy, "source_type", "string");
    assert_true(bget(json_object_get(r, "validation"), "valid"));
    assert_int_equal(iget(r, "specification_count"), 1);
    json_decref(r);
    free(copy);

    /* The resource view is the same document. */
    char *doc = NULL;
    size_t len = 0;
    assert_int_equal(tool_session_document_xml(f->store, f->transport, &doc, &len), SESSION_OK);
    assert_non_null(doc);
    assert_int_equal(strlen(doc), len);
    free(doc);
    assert_int_equal(tool_session_document_xml(f->store, "0123456789abcdef0123456789abcdef", &doc, &len),
                     SESSION_NOT_FOUND);
}

static void test_validate_reports_findings(void **state)
{
    fx *f = *state;
    create(f);
    json_decref(ok(f, "add_specification", "{s:s, s:s}", "name", "Empty", "ifc_versions",
                   "IFC4"));
    json_t *r = ok(f, "validate_ids", "{s:b}", "use_xsd", 0);
    assert_false(bget(r, "valid"));
    assert_false(bget(r, "xsd_checked"));
    assert_true(iget(r, "error_count") > 0);
    json_t *first = json_array_get(json_object_get(r, "errors"), 0);
    assert_non_null(sget(first, "rule"));
    assert_non_null(sget(first, "message"));
    json_decref(r);
}

/* ---- files ---- */

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_paths(void **state)
{
    fx *f = *state;
    char path[PATH_MAX];
    create(f);
    json_decref(ok(f, "add_specification", "{s:s, s:s}", "name", "S", "ifc_versions", "IFC4"));
    json_decref(ok(f, "add_entity_facet", "{s:s, s:s}", "location", "applicability",
                   "entity_name", "IFCDOOR"));

    json_t *r = ok(f, "export_ids", "{s:s, s:b}", "output_path", "out.ids", "validate", 0);
    snprintf(path, sizeof(path), "%s/out.ids", f->root);
    assert_string_equal(sget(r, "file_path"), path);
    assert_null(json_object_get(r, "validation"));
    json_decref(r);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);

    err(f, "export_ids", "outside the allowed folders", "{s:s}", "output_path", "../x.ids");
    err(f, "export_ids", "outside the allowed folders", "{s:s}", "output_path",
        "/tmp/idsd-never-here.ids");
    err(f, "export_ids", "does not exist", "{s:s}", "output_path", "no/such/dir/x.ids");
    err(f, "export_ids", "names a folder", "{s:s}", "output_path", "sub/..");
    snprintf(path, sizeof(path), "%s/sub", f->root);
    mkdir(path, 0700);
    err(f, "export_ids", "not a regular file", "{s:s}", "output_path", "sub");

    /* A symbolic link inside the root that leads out of it. */
    char *outside = testutil_mkdtemp();
    snprintf(path, sizeof(path), "%s/escape", f->root);
    assert_int_equal(symlink(outside, path), 0);
    err(f, "export_ids", "outside the allowed folders", "{s:s}", "output_path",
        "escape/x.ids");
    char target[PATH_MAX];
    snprintf(target, sizeof(target), "%s/secret.ids", outside);
    write_file(target, "<ids/>");
    err(f, "load_ids", "outside the allowed folders", "{s:s, s:s}", "source",
        "escape/secret.ids", "source_type", "file");
    err(f, "load_ids", "outside the allowed folders", "{s:s}", "source", target);
    snprintf(path, sizeof(path), "%s/link.ids", f->root);
    assert_int_equal(symlink(target, path), 0);
    err(f, "export_ids", "symbolic link", "{s:s}", "output_path", "link.ids");
    testutil_rmtree(outside);
    free(outside);

    err(f, "load_ids", "File not found", "{s:s, s:s}", "source", "missing.ids",
        "source_type", "file");
    err(f, "load_ids", "not a regular file", "{s:s, s:s}", "source", "sub", "source_type",
        "file");

    /* Loading the exported file back, relative and absolute. */
    r = ok(f, "load_ids", "{s:s}", "source", "out.ids");
    assert_string_equal(sget(r, "source_type"), "file");
    assert_true(bget(r, "replaced_document"));
    json_decref(r);

    /* No roots: file access is off, strings still work. */
    f->cfg.n_roots = 0;
    err(f, "export_ids", "File access is disabled", "{s:s}", "output_path", "x.ids");
    err(f, "load_ids", "File access is disabled", "{s:s}", "source", "out.ids");
    f->cfg.n_roots = 1;
}

static void test_load_testcases(void **state)
{
    fx *f = *state;
    const char *rel = "testcases/ids/pass-a_minimal_ids_can_check_a_minimal_ifc_2_2.ids";
    const char *src = testutil_shared_path(rel);
    struct stat st;
    if (src == NULL || stat(src, &st) != 0) {
        skip();
        return;
    }
    size_t len = 0;
    char *text = testutil_read_file(src, &len);
    assert_non_null(text);
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/minimal.ids", f->root);
    write_file(path, text);

    json_t *r = ok(f, "load_ids", "{s:s, s:s}", "source", "minimal.ids", "source_type", "file");
    assert_string_equal(sget(r, "status"), "loaded");
    assert_true(iget(r, "specification_count") >= 1);
    assert_true(bget(json_object_get(r, "validation"), "valid"));
    json_t *s0 = json_array_get(json_object_get(r, "specifications"), 0);
    assert_true(json_array_size(json_object_get(s0, "ifc_versions")) >= 1);
    json_decref(r);

    r = ok(f, "load_ids", "{s:s, s:s}", "source", text, "source_type", "string");
    assert_true(bget(r, "replaced_document"));
    json_decref(r);
    free(text);

    /* An "invalid" test case loads, and says it is invalid. */
    const char *bad = testutil_shared_path(
        "testcases/ids/invalid-prohibited_specifications_invalid_if_requirements_are_specified.ids");
    if (bad != NULL && stat(bad, &st) == 0) {
        text = testutil_read_file(bad, &len);
        r = ok(f, "load_ids", "{s:s}", "source", text);
        assert_false(bget(json_object_get(r, "validation"), "valid"));
        assert_true(iget(json_object_get(r, "validation"), "error_count") > 0);
        json_decref(r);
        free(text);
    }
}

static void test_load_failures(void **state)
{
    fx *f = *state;
    err(f, "load_ids", "line", "{s:s, s:s}", "source", "<ids><oops></ids>", "source_type",
        "string");
    err(f, "load_ids", "Could not load", "{s:s, s:s}", "source", "<html/>", "source_type",
        "string");
    assert_string_equal(f->transport, "");
    f->cfg.max_doc_bytes = 64;
    err(f, "load_ids", "over a limit", "{s:s}", "source",
        "<ids xmlns=\"http://standards.buildingsmart.org/IDS\"><info><title>A long enough "
        "title to pass the limit</title></info><specifications/></ids>");
}

/* Adding content stops at max_doc_bytes, measured as of the last change;
 * removing and exporting still work, so the author can get out. */
static void test_document_size_limit(void **state)
{
    fx *f = *state;
    f->cfg.max_doc_bytes = 6000;
    create(f);
    json_t *r = NULL;
    int added = 0;
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "Specification %d", i);
        json_t *args = json_pack("{s:s, s:s}", "name", name, "ifc_versions", "IFC4");
        const tool_def *t = tool_find("add_specification");
        tool_result res;
        f->env.transport_session_id = f->transport;
        tool_call(t, args, &f->env, &res);
        json_decref(args);
        bool refused = res.is_error;
        if (refused)
            assert_non_null(strstr(res.text, "size limit of this server"));
        tool_result_clear(&res);
        if (refused)
            break;
        added++;
    }
    /* Some fit, and the limit stopped the loop well before it ended. */
    assert_true(added > 0);
    assert_true(added < 100);
    r = ok(f, "remove_specification", "{s:s}", "spec_id", "1");
    json_decref(r);
    r = ok(f, "export_ids", "{s:b}", "validate", 0);
    json_decref(r);
    /* Room again after the removal. */
    r = ok(f, "add_specification", "{s:s, s:s}", "name", "After removal", "ifc_versions",
           "IFC4");
    json_decref(r);
}

static void test_close_session(void **state)
{
    fx *f = *state;
    create(f);
    char sid[SESSION_ID_SIZE];
    snprintf(sid, sizeof(sid), "%s", f->transport);
    /* The connection's own session stays: only its document goes. */
    json_t *r = ok(f, "close_session", "{}");
    assert_string_equal(sget(r, "status"), "closed");
    assert_true(bget(r, "had_document"));
    assert_true(bget(r, "session_kept"));
    assert_string_equal(sget(r, "session_id"), sid);
    json_decref(r);
    err(f, "get_ids_info", "No IDS document", "{s:s}", "session_id", sid);
    r = ok(f, "create_ids", "{s:s}", "title", "Again");
    assert_string_equal(sget(r, "session_id"), sid);
    assert_false(bget(r, "replaced_document"));
    json_decref(r);
    /* A session named by session_id that is not the connection's ends. */
    f->transport[0] = '\0';
    r = ok(f, "create_ids", "{s:s}", "title", "Other");
    char other[SESSION_ID_SIZE];
    snprintf(other, sizeof(other), "%s", sget(r, "session_id"));
    json_decref(r);
    snprintf(f->transport, sizeof(f->transport), "%s", sid);
    r = ok(f, "close_session", "{s:s}", "session_id", other);
    assert_false(bget(r, "session_kept"));
    json_decref(r);
    err(f, "get_ids_info", "unknown or has expired", "{s:s}", "session_id", other);
}

static void test_sessions_are_separate(void **state)
{
    fx *f = *state;
    create(f);
    char a[SESSION_ID_SIZE];
    snprintf(a, sizeof(a), "%s", f->transport);
    f->transport[0] = '\0';
    json_decref(ok(f, "create_ids", "{s:s}", "title", "B"));
    char b[SESSION_ID_SIZE];
    snprintf(b, sizeof(b), "%s", f->transport);
    assert_string_not_equal(a, b);
    json_decref(ok(f, "add_specification", "{s:s, s:s, s:s}", "session_id", a, "name", "InA",
                   "ifc_versions", "IFC4"));
    json_t *r = ok(f, "get_ids_info", "{s:s}", "session_id", b);
    assert_int_equal(iget(r, "specification_count"), 0);
    assert_string_equal(sget(json_object_get(r, "info"), "title"), "B");
    json_decref(r);
    session_info info;
    assert_int_equal(session_get_info(f->store, a, &info), SESSION_OK);
    assert_true(info.calls >= 2);
    assert_true(info.bytes > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_mints_and_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_failure_mints_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_ids_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_specifications, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spec_id_needed_when_ambiguous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handles_follow_their_element, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facets_and_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complete_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_reports_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_testcases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_document_size_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_are_separate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
