/*
 * test_tools_catalogue.c - the tool table, tools/list, the JSON Schema
 * subset, and argument validation of every tool, driven by the tools' own
 * schemas so a new tool is covered without touching this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tools/tools.h"
#include "tools/tools_internal.h"

typedef struct fx {
    session_store *store;
    tool_config cfg;
    const char *roots[1];
    char *root;
    tool_env env;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    const char *why = NULL;
    ids_library_init();
    if (!tool_catalogue_init(&why)) {
        fprintf(stderr, "catalogue: %s\n", why);
        return -1;
    }
    session_config sc;
    memset(&sc, 0, sizeof(sc));
    sc.payload_free = tool_session_free;
    if (session_store_new(&sc, &f->store) != SESSION_OK)
        return -1;
    f->root = testutil_mkdtemp();
    f->roots[0] = f->root;
    f->cfg.roots = f->roots;
    f->cfg.n_roots = 1;
    f->cfg.max_doc_bytes = 1u << 20;
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
    tool_catalogue_cleanup();
    return 0;
}

/* Calls a tool with args (stolen) and returns the result; the caller
 * clears it. */
static void call_json(fx *f, const char *name, json_t *args, tool_result *out)
{
    const tool_def *t = tool_find(name);
    assert_non_null(t);
    tool_call(t, args, &f->env, out);
    json_decref(args);
    assert_non_null(out->structured);
    assert_non_null(out->text);
}

static void expect_error_containing(fx *f, const char *name, json_t *args, const char *needle)
{
    tool_result r;
    call_json(f, name, args, &r);
    if (!r.is_error || strstr(r.text, needle) == NULL) {
        fprintf(stderr, "%s: expected error containing \"%s\", got (%s) %s\n", name, needle,
                r.is_error ? "error" : "ok", r.text);
        fail();
    }
    const char *msg = json_string_value(json_object_get(json_object_get(r.structured, "error"),
                                                        "message"));
    assert_non_null(msg);
    tool_result_clear(&r);
}

static const char *const expected_order[] = {
    "create_ids", "load_ids", "export_ids", "get_ids_info", "update_ids_info",
    "validate_ids", "add_specification", "get_specification", "update_specification",
    "remove_specification", "add_entity_facet", "add_property_facet",
    "add_attribute_facet", "add_classification_facet", "add_material_facet",
    "add_partof_facet", "update_facet", "remove_facet", "add_enumeration_restriction",
    "add_pattern_restriction", "add_bounds_restriction", "add_length_restriction",
    "set_restriction", "set_facet_parameter", "close_session", "find_ifc_names",
    "describe_ifc", "load_ifc_model",
    "validate_ifc_model", "describe_ids", "render_ids_view", NULL,
};

static void test_list_is_stable_and_complete(void **state)
{
    (void)state;
    json_t *a = tool_list_json();
    json_t *b = tool_list_json();
    char *da = json_dumps(a, JSON_COMPACT);
    char *db = json_dumps(b, JSON_COMPACT);
    assert_string_equal(da, db);
    free(da);
    free(db);
    size_t n = 0;
    while (expected_order[n] != NULL)
        n++;
    assert_int_equal(json_array_size(a), n);
    size_t count = 0;
    const tool_def *defs = tool_catalogue(&count);
    assert_int_equal(count, n);
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(a, i);
        assert_string_equal(json_string_value(json_object_get(t, "name")), expected_order[i]);
        assert_string_equal(defs[i].name, expected_order[i]);
        assert_ptr_equal(tool_find(expected_order[i]), &defs[i]);
        assert_true(json_is_string(json_object_get(t, "title")));
        assert_true(strlen(json_string_value(json_object_get(t, "description"))) > 40);
        json_t *in = json_object_get(t, "inputSchema");
        assert_string_equal(json_string_value(json_object_get(in, "type")), "object");
        assert_true(json_is_false(json_object_get(in, "additionalProperties")));
        json_t *sid = json_object_get(json_object_get(in, "properties"), "session_id");
        assert_non_null(sid);
        assert_string_equal(json_string_value(json_object_get(sid, "x-mcp-header")), "Session");
        /* Every property is explained once: by its own description, by
         * the tool's description, or by the server's instructions (the
         * shared vocabulary: handles, session_id, locations, restriction
         * values). A name the model cannot look up anywhere fails. */
        static const char *const shared[] = {
            "session_id", "spec_id", "facet_id", "location", "facet_index", "title",
            "copyright", "version", "description", "purpose", "milestone", "name",
            "instructions", "uri", "cardinality", "validate", "use_xsd", "value",
            "requirements_description", "predefined_type", "property_set", "property_name",
            "system", "data_type", "relation", "min_inclusive", "max_inclusive",
            "min_exclusive", "max_exclusive", "length", "min_length", "max_length",
            "parameter_name", "base_type", "min_occurs", "max_occurs", "allow_unknown", NULL};
        const char *key;
        json_t *prop;
        const char *desc = json_string_value(json_object_get(t, "description"));
        json_object_foreach(json_object_get(in, "properties"), key, prop) {
            bool known = json_is_string(json_object_get(prop, "description")) ||
                         json_object_get(prop, "$ref") != NULL || strstr(desc, key) != NULL;
            for (size_t k = 0; !known && shared[k] != NULL; k++)
                known = strcmp(shared[k], key) == 0;
            if (!known)
                fprintf(stderr, "%s.%s is explained nowhere\n", expected_order[i], key);
            assert_true(known);
        }
        json_t *out = json_object_get(t, "outputSchema");
        assert_string_equal(json_string_value(json_object_get(out, "type")), "object");
        /* Hints are sent only where they differ from the MCP defaults
         * (readOnly false, destructive true, idempotent false, openWorld
         * true), and they match the table. */
        json_t *ann = json_object_get(t, "annotations");
        assert_true(json_is_false(json_object_get(ann, "openWorldHint")));
        assert_int_equal(json_is_true(json_object_get(ann, "readOnlyHint")), defs[i].read_only);
        assert_int_equal(json_is_true(json_object_get(ann, "idempotentHint")),
                         defs[i].idempotent);
        if (!defs[i].read_only)
            assert_int_equal(json_object_get(ann, "destructiveHint") == NULL,
                             defs[i].destructive);
    }
    assert_null(tool_find("no_such_tool"));
    assert_null(tool_find(NULL));
    json_decref(a);
    json_decref(b);
}

/* The catalogue budget (specs/tools.md): what a model reads on every
 * turn. A new tool has to fit, on the wire that describes session_id too;
 * the stateless wire differs only there. */
static void test_catalogue_budget(void **state)
{
    (void)state;
    for (int stateless = 0; stateless < 2; stateless++) {
        json_t *list = tool_list_json_for(stateless != 0);
        /* An app-only tool is for the MCP App: hosts keep it from the
         * model (visibility ["app"]), and other clients are not sent it. */
        for (size_t k = json_array_size(list); k-- > 0;) {
            const tool_def *d = tool_find(
                json_string_value(json_object_get(json_array_get(list, k), "name")));
            if (d != NULL && (d->flags & TOOL_APP_ONLY))
                json_array_remove(list, k);
        }
        char *text = json_dumps(list, JSON_COMPACT);
        assert_non_null(text);
        size_t n = strlen(text);
        if (n > 25 * 1024)
            fprintf(stderr, "tools/list is %zu bytes (stateless %d), budget 25600\n", n,
                    stateless);
        assert_true(n <= 25 * 1024);
        json_t *t;
        size_t i;
        json_array_foreach(list, i, t) {
            const json_t *sid = json_object_get(
                json_object_get(json_object_get(t, "inputSchema"), "properties"), "session_id");
            const tool_def *def = tool_find(json_string_value(json_object_get(t, "name")));
            bool required = false;
            size_t k;
            json_t *name;
            json_array_foreach(json_object_get(json_object_get(t, "inputSchema"), "required"),
                               k, name)
                required = required || strcmp(json_string_value(name), "session_id") == 0;
            assert_non_null(sid);
            assert_int_equal(required, stateless && !(def->flags & TOOL_MAY_MINT));
        }
        free(text);
        json_decref(list);
    }
}

/* Local $ref, propertyNames, and the normalisation before validation. */
static void test_schema_refs_and_normalisation(void **state)
{
    (void)state;
    json_error_t e;
    json_t *schema = json_loads(
        "{\"type\":\"object\",\"properties\":{"
        "\"v\":{\"$ref\":\"#/$defs/r\"},"
        "\"loc\":{\"enum\":[\"applicability\",\"requirements\"]},"
        "\"rel\":{\"enum\":[\"IFCRELNESTS\",\"IFCRELAGGREGATES\"]},"
        "\"flag\":{\"type\":\"boolean\"},\"n\":{\"type\":\"integer\"},"
        "\"data_type\":{\"type\":\"string\"}},"
        "\"required\":[\"loc\"],\"additionalProperties\":false,"
        "\"$defs\":{\"r\":{\"type\":[\"string\",\"object\"],\"propertyNames\":{\"enum\":"
        "[\"base\",\"min_inclusive\"]}}}}", 0, &e);
    assert_non_null(schema);
    char msg[512];
    assert_true(tool_schema_well_formed(schema, msg, sizeof(msg)));
    struct { const char *json; bool ok; const char *needle; } cases[] = {
        {"{\"loc\":\"requirements\",\"v\":{\"base\":\"xs:double\"}}", true, NULL},
        {"{\"loc\":\"requirements\",\"v\":{\"bsae\":1}}", false,
         "unknown argument 'v.bsae' (did you mean 'base'?)"},
        {"{\"loc\":\"requirements\",\"v\":7}", false, "argument 'v' must be a string or an object"},
        {"{\"lco\":\"requirements\"}", false, "unknown argument 'lco' (did you mean 'loc'?)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *v = json_loads(cases[i].json, 0, &e);
        bool ok = tool_schema_validate(schema, v, msg, sizeof(msg));
        if (ok != cases[i].ok || (!ok && strstr(msg, cases[i].needle) == NULL)) {
            fprintf(stderr, "case %s: ok=%d msg=%s\n", cases[i].json, ok, msg);
            fail();
        }
        json_decref(v);
    }
    /* Another case or spelling of a name or an enum value, a boolean or an
     * integer as a string, "" for an optional choice: taken, with notes. */
    static const char *const aliases[] = {"relation", "rel", NULL};
    json_t *args = json_loads("{\"Loc\":\"Requirements\",\"relation\":\"IfcRelNests\","
                              "\"flag\":\"TRUE\",\"n\":\"3\",\"datatype\":\"x\","
                              "\"v\":{\"minInclusive\":1}}", 0, &e);
    json_t *notes = json_array();
    tool_schema_normalize(schema, args, aliases, notes);
    assert_true(tool_schema_validate(schema, args, msg, sizeof(msg)));
    assert_string_equal(json_string_value(json_object_get(args, "loc")), "requirements");
    assert_string_equal(json_string_value(json_object_get(args, "rel")), "IFCRELNESTS");
    assert_true(json_is_true(json_object_get(args, "flag")));
    assert_int_equal(json_integer_value(json_object_get(args, "n")), 3);
    assert_non_null(json_object_get(args, "data_type"));
    assert_non_null(json_object_get(json_object_get(args, "v"), "min_inclusive"));
    assert_true(json_array_size(notes) >= 6);
    json_decref(args);
    args = json_loads("{\"loc\":\"requirements\",\"rel\":\"\"}", 0, &e);
    tool_schema_normalize(schema, args, NULL, notes);
    assert_null(json_object_get(args, "rel"));
    json_decref(args);
    /* tool_schema_is_normal says whether the run above would change
     * anything, one kind of change at a time, and changes nothing itself. */
    struct { const char *json; bool normal; } dry[] = {
        {"{\"loc\":\"requirements\",\"rel\":\"IFCRELNESTS\",\"flag\":true,\"n\":3,"
         "\"v\":{\"min_inclusive\":1}}", true},
        {"{\"Loc\":\"requirements\"}", false},
        {"{\"loc\":\"requirements\",\"relation\":\"IFCRELNESTS\"}", false},
        {"{\"loc\":\"Requirements\"}", false},
        {"{\"loc\":\"requirements\",\"flag\":\"true\"}", false},
        {"{\"loc\":\"requirements\",\"n\":\"3\"}", false},
        {"{\"loc\":\"requirements\",\"rel\":\"\"}", false},
        {"{\"loc\":\"requirements\",\"v\":{\"minInclusive\":1}}", false},
    };
    for (size_t i = 0; i < sizeof(dry) / sizeof(dry[0]); i++) {
        json_t *v = json_loads(dry[i].json, 0, &e);
        char *before = json_dumps(v, JSON_SORT_KEYS);
        if (tool_schema_is_normal(schema, v, aliases) != dry[i].normal)
            fail_msg("case %s: expected normal=%d", dry[i].json, dry[i].normal);
        char *after = json_dumps(v, JSON_SORT_KEYS);
        assert_string_equal(before, after);
        json_t *n = json_array();
        tool_schema_normalize(schema, v, aliases, n);
        char *normalized = json_dumps(v, JSON_SORT_KEYS);
        assert_int_equal(strcmp(before, normalized) == 0, dry[i].normal);
        free(before);
        free(after);
        free(normalized);
        json_decref(n);
        json_decref(v);
    }
    /* A $ref that names nothing is a broken schema. */
    json_t *bad = json_loads("{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":"
                             "\"#/$defs/none\"}}}", 0, &e);
    assert_false(tool_schema_well_formed(bad, msg, sizeof(msg)));
    json_decref(bad);
    json_decref(notes);
    json_decref(schema);
}

static void test_read_only_tools(void **state)
{
    (void)state;
    const char *ro[] = {"get_ids_info", "get_specification", "validate_ids"};
    for (size_t i = 0; i < 3; i++) {
        const tool_def *t = tool_find(ro[i]);
        assert_true(t->read_only);
        assert_false(t->destructive);
    }
    assert_true(tool_find("remove_specification")->destructive);
    assert_true(tool_find("close_session")->destructive);
    assert_false(tool_find("add_specification")->read_only);
}

/* A value of the wrong JSON type for a property schema. */
static json_t *wrong_type(const json_t *prop)
{
    const json_t *type = json_object_get(prop, "type");
    bool takes_string = false, takes_array = false;
    if (json_is_string(type)) {
        takes_string = strcmp(json_string_value(type), "string") == 0;
        takes_array = strcmp(json_string_value(type), "array") == 0;
    } else if (json_is_array(type)) {
        size_t i;
        json_t *t;
        json_array_foreach(type, i, t) {
            if (strcmp(json_string_value(t), "string") == 0)
                takes_string = true;
            if (strcmp(json_string_value(t), "array") == 0)
                takes_array = true;
        }
    } else {
        return NULL;
    }
    if (!takes_array)
        return json_pack("[i]", 1);
    if (!takes_string)
        return json_string("x");
    return json_pack("{s:i}", "nested", 1);
}

static json_t *outside_enum(const json_t *prop)
{
    const char *type = json_string_value(json_object_get(prop, "type"));
    if (type != NULL && strcmp(type, "integer") == 0)
        return json_integer(7);
    return json_string("no-such-choice");
}

/* {key: value} followed by every other required argument, so the checked
 * argument is the first one the validator looks at. */
static json_t *with_required(const json_t *required, const char *key, json_t *value)
{
    json_t *args = json_object();
    json_object_set_new(args, key, value);
    size_t i;
    json_t *name;
    json_array_foreach(required, i, name)
        if (json_object_get(args, json_string_value(name)) == NULL)
            json_object_set_new(args, json_string_value(name), json_string("x"));
    return args;
}

static void test_every_tool_validates_arguments(void **state)
{
    fx *f = *state;
    size_t n = 0;
    const tool_def *defs = tool_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        const tool_def *t = &defs[i];
        const json_t *schema = tool_input_schema(t);
        const json_t *props = json_object_get(schema, "properties");
        const json_t *required = json_object_get(schema, "required");

        /* Unknown argument: named, with the allowed ones listed. */
        expect_error_containing(f, t->name, json_pack("{s:i}", "bogus_arg", 1),
                                "unknown argument 'bogus_arg'");
        expect_error_containing(f, t->name, json_pack("{s:i}", "bogus_arg", 1), "session_id");

        /* Each required argument, missing. */
        size_t k;
        json_t *name;
        json_array_foreach(required, k, name) {
            json_t *args = json_object();
            size_t j;
            json_t *other;
            json_array_foreach(required, j, other)
                if (j != k)
                    json_object_set_new(args, json_string_value(other), json_string("x"));
            char needle[128];
            snprintf(needle, sizeof(needle), "missing required argument '%s'",
                     json_string_value(name));
            expect_error_containing(f, t->name, args, needle);
        }

        /* Each argument with the wrong type, and each enum with a value
         * outside it. */
        const char *key;
        json_t *prop;
        json_object_foreach((json_t *)props, key, prop) {
            char needle[128];
            json_t *bad = wrong_type(prop);
            if (bad != NULL) {
                snprintf(needle, sizeof(needle), "argument '%s' must be", key);
                expect_error_containing(f, t->name, with_required(required, key, bad),
                                        needle);
            }
            if (json_object_get(prop, "enum") != NULL) {
                snprintf(needle, sizeof(needle), "argument '%s' must be one of", key);
                expect_error_containing(f, t->name,
                                        with_required(required, key, outside_enum(prop)),
                                        needle);
            }
        }
    }
}

static void test_arguments_must_be_object(void **state)
{
    fx *f = *state;
    expect_error_containing(f, "get_ids_info", json_pack("[i]", 1), "must be a JSON object");
    tool_result r;
    tool_call(NULL, NULL, &f->env, &r);
    assert_true(r.is_error);
    assert_non_null(strstr(r.text, "Unknown tool"));
    tool_result_clear(&r);
}

static void test_no_session_errors(void **state)
{
    fx *f = *state;
    const char *doc_tools[] = {"get_ids_info", "export_ids", "validate_ids",
                               "get_specification", "close_session"};
    for (size_t i = 0; i < 5; i++)
        expect_error_containing(f, doc_tools[i], NULL, "create_ids or load_ids");
    expect_error_containing(f, "get_ids_info",
                            json_pack("{s:s}", "session_id", "0123456789abcdef0123456789abcdef"),
                            "unknown or has expired");
    /* An explicit unknown session is never silently replaced. */
    expect_error_containing(f, "create_ids",
                            json_pack("{s:s, s:s}", "title", "T", "session_id", "nope"),
                            "unknown or has expired");
    assert_string_equal(f->env.minted_session_id, "");
}

static void test_schema_validator(void **state)
{
    (void)state;
    json_error_t e;
    json_t *schema = json_loads(
        "{\"type\":\"object\",\"properties\":{"
        "\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":3},"
        "\"s\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":3},"
        "\"a\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"object\","
        "\"properties\":{\"k\":{\"enum\":[\"x\",\"y\"]}},\"required\":[\"k\"],"
        "\"additionalProperties\":false}},"
        "\"o\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]},"
        "\"one\":{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]},"
        "\"c\":{\"const\":\"fixed\"}},"
        "\"additionalProperties\":false}",
        0, &e);
    assert_non_null(schema);
    char msg[512];
    struct { const char *json; bool ok; const char *needle; } cases[] = {
        {"{}", true, NULL},
        {"{\"n\":2}", true, NULL},
        {"{\"n\":2.0}", true, NULL},
        {"{\"n\":2.5}", false, "argument 'n' must be an integer"},
        {"{\"n\":4}", false, "at most 3"},
        {"{\"n\":-1}", false, "at least 0"},
        {"{\"s\":\"\"}", false, "must not be empty"},
        {"{\"s\":\"abcd\"}", false, "at most 3 characters"},
        {"{\"s\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", true, NULL},
        {"{\"a\":[]}", false, "at least 1 item"},
        {"{\"a\":[{\"k\":\"x\"},{\"k\":\"z\"}]}", false, "argument 'a[1].k' must be one of: x, y"},
        {"{\"a\":[{}]}", false, "missing required argument 'a[0].k'"},
        {"{\"a\":[{\"k\":\"x\",\"q\":1}]}", false, "unknown argument 'a[0].q'"},
        {"{\"o\":\"x\"}", true, NULL},
        {"{\"o\":true}", false, "must be"},
        {"{\"one\":1}", false, "ambiguous"},
        {"{\"one\":1.5}", true, NULL},
        {"{\"c\":\"fixed\"}", true, NULL},
        {"{\"c\":\"other\"}", false, "must be \"fixed\""},
        {"{\"zz\":1}", false, "may only contain: n, s, a, o, one, c"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *v = json_loads(cases[i].json, 0, &e);
        assert_non_null(v);
        bool ok = tool_schema_validate(schema, v, msg, sizeof(msg));
        if (ok != cases[i].ok || (!ok && strstr(msg, cases[i].needle) == NULL)) {
            fprintf(stderr, "case %s: ok=%d msg=%s\n", cases[i].json, ok, msg);
            fail();
        }
        json_decref(v);
    }
    json_decref(schema);

    json_t *bad = json_loads("{\"type\":\"object\",\"propertes\":{}}", 0, &e);
    assert_false(tool_schema_well_formed(bad, msg, sizeof(msg)));
    assert_non_null(strstr(msg, "propertes"));
    json_decref(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list_is_stable_and_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_tools, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_refs_and_normalisation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_tool_validates_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arguments_must_be_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_session_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_validator, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
