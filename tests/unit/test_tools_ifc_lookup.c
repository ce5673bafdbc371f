/*
 * test_tools_ifc_lookup.c - find_ifc_names and describe_ifc: names per
 * version, paging that adds up to the total, narrowing to one set, the
 * descriptions of a class and a set against the tables and the published
 * schema, and the refusals (unknown version, kind, name) with candidates.
 * No session is needed.
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

static json_t *names_of(json_t *r)
{
    return json_object_get(r, "names");
}

static bool lists(json_t *array, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return true;
    return false;
}

static void test_find_entities_per_version(void **state)
{
    fx *f = *state;
    json_t *r = run(f, "find_ifc_names", false, "{s:s, s:s}", "kind", "entity", "fragment",
                    "WallStandard");
    assert_string_equal(json_string_value(json_object_get(r, "ifc_version")), "IFC4");
    assert_true(lists(names_of(r), "IFCWALLSTANDARDCASE"));
    json_decref(r);
    r = run(f, "find_ifc_names", false, "{s:s, s:s, s:s}", "kind", "entity", "fragment",
            "elementedcase", "ifc_version", "IFC4");
    assert_true(lists(names_of(r), "IFCWALLELEMENTEDCASE"));
    json_decref(r);
    /* IFC4X3 dropped IfcWallElementedCase; "IFC4X3" names IFC4X3_ADD2. */
    r = run(f, "find_ifc_names", false, "{s:s, s:s, s:s}", "kind", "entity", "fragment",
            "elementedcase", "ifc_version", "IFC4X3");
    assert_string_equal(json_string_value(json_object_get(r, "ifc_version")), "IFC4X3_ADD2");
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 0);
    json_decref(r);
    /* An empty fragment lists everything: the published counts. */
    static const struct { const char *v; int n; } counts[] = {
        {"IFC2X3", 653}, {"IFC4", 776}, {"IFC4X3_ADD2", 876}};
    for (size_t i = 0; i < 3; i++) {
        r = run(f, "find_ifc_names", false, "{s:s, s:s, s:i}", "kind", "entity",
                "ifc_version", counts[i].v, "limit", 1);
        assert_int_equal(json_integer_value(json_object_get(r, "total")), counts[i].n);
        assert_int_equal(json_array_size(names_of(r)), 1);
        assert_int_equal(json_integer_value(json_object_get(r, "next_offset")), 1);
        json_decref(r);
    }
}

static void test_find_pages_add_up(void **state)
{
    fx *f = *state;
    json_t *all = run(f, "find_ifc_names", false, "{s:s, s:s, s:i}", "kind", "property_set",
                      "fragment", "quantities", "limit", 100);
    size_t total = (size_t)json_integer_value(json_object_get(all, "total"));
    assert_true(total > 7 && total <= 100);
    assert_null(json_object_get(all, "next_offset"));
    size_t seen = 0, offset = 0;
    for (;;) {
        json_t *r = run(f, "find_ifc_names", false, "{s:s, s:s, s:i, s:i}", "kind",
                        "property_set", "fragment", "quantities", "limit", 7, "offset",
                        (int)offset);
        assert_int_equal(json_integer_value(json_object_get(r, "total")), total);
        size_t i;
        json_t *v;
        json_array_foreach(names_of(r), i, v)
            assert_string_equal(json_string_value(v),
                                json_string_value(json_array_get(names_of(all), seen + i)));
        seen += json_array_size(names_of(r));
        json_t *next = json_object_get(r, "next_offset");
        if (next == NULL) {
            json_decref(r);
            break;
        }
        offset = (size_t)json_integer_value(next);
        assert_int_equal(offset, seen);
        json_decref(r);
    }
    assert_int_equal(seen, total);
    json_decref(all);
    /* Past the end: the total, no names. */
    json_t *r = run(f, "find_ifc_names", false, "{s:s, s:s, s:i}", "kind", "property_set",
                    "fragment", "quantities", "offset", (int)total + 5);
    assert_int_equal(json_array_size(names_of(r)), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), total);
    json_decref(r);
}

static void test_find_properties(void **state)
{
    fx *f = *state;
    const ifc_schema *s = ifc_schema_get(IFC_IFC4);
    ifc_pset p = ifc_pset_find(s, "Pset_WallCommon");
    json_t *r = run(f, "find_ifc_names", false, "{s:s, s:s, s:i}", "kind", "property",
                    "property_set", "Pset_WallCommon", "limit", 100);
    assert_int_equal(json_integer_value(json_object_get(r, "total")),
                     ifc_pset_property_count(s, p));
    bool fire = false;
    size_t i;
    json_t *v;
    json_array_foreach(names_of(r), i, v) {
        assert_string_equal(json_string_value(json_object_get(v, "property_set")),
                            "Pset_WallCommon");
        if (strcmp(json_string_value(json_object_get(v, "name")), "FireRating") == 0) {
            fire = true;
            assert_string_equal(json_string_value(json_object_get(v, "data_type")),
                                "IFCLABEL");
        }
    }
    assert_true(fire);
    json_decref(r);
    r = run(f, "find_ifc_names", true, "{s:s, s:s}", "kind", "property", "property_set",
            "Pset_WallComon");
    has(message(r), "did you mean Pset_WallCommon");
    json_decref(r);
    /* Attributes and dataTypes. */
    r = run(f, "find_ifc_names", false, "{s:s, s:s}", "kind", "attribute", "fragment",
            "predefinedtype");
    assert_true(lists(names_of(r), "PredefinedType"));
    json_decref(r);
    r = run(f, "find_ifc_names", false, "{s:s, s:s}", "kind", "data_type", "fragment",
            "lengthmeasure");
    assert_true(lists(names_of(r), "IFCLENGTHMEASURE"));
    json_decref(r);
}

static void test_find_refusals(void **state)
{
    fx *f = *state;
    json_t *r = run(f, "find_ifc_names", true, "{s:s, s:s}", "kind", "entity", "ifc_version",
                    "IFC5");
    has(message(r), "IFC2X3, IFC4 or IFC4X3_ADD2");
    json_decref(r);
    r = run(f, "find_ifc_names", true, "{s:s}", "kind", "class");
    has(message(r), "kind");
    json_decref(r);
    r = run(f, "find_ifc_names", true, "{s:s, s:i}", "kind", "entity", "limit", 1000);
    has(message(r), "limit");
    json_decref(r);
}

static void test_describe_entity(void **state)
{
    fx *f = *state;
    /* IFC2X3: IfcWall has no PredefinedType; its type object's are its. */
    json_t *r = run(f, "describe_ifc", false, "{s:s, s:s}", "name", "ifcwall", "ifc_version",
                    "IFC2X3");
    assert_string_equal(json_string_value(json_object_get(r, "name")), "IFCWALL");
    assert_string_equal(json_string_value(json_object_get(r, "kind")), "entity");
    assert_true(lists(json_object_get(r, "parents"), "IFCBUILDINGELEMENT"));
    assert_true(json_is_true(json_object_get(r, "predefined_types_from_type_object")));
    assert_true(lists(json_object_get(r, "predefined_types"), "SHEAR"));
    assert_false(lists(json_object_get(r, "predefined_types"), "SOLIDWALL"));
    assert_true(lists(json_object_get(r, "property_sets"), "Pset_WallCommon"));
    assert_string_equal(json_string_value(json_object_get(r, "type_object")), "IFCWALLTYPE");
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r, "attributes"), i, a)
        assert_string_not_equal(json_string_value(json_object_get(a, "name")),
                                "PredefinedType");
    json_decref(r);
    /* IFC4X3_ADD2: IfcBuiltElement, and its own PredefinedType attribute. */
    r = run(f, "describe_ifc", false, "{s:s, s:s}", "name", "IFCWALL", "ifc_version",
            "IFC4X3_ADD2");
    assert_true(lists(json_object_get(r, "parents"), "IFCBUILTELEMENT"));
    assert_false(lists(json_object_get(r, "parents"), "IFCBUILDINGELEMENT"));
    assert_null(json_object_get(r, "predefined_types_from_type_object"));
    json_t *last = json_array_get(json_object_get(r, "attributes"),
                                  json_array_size(json_object_get(r, "attributes")) - 1);
    assert_string_equal(json_string_value(json_object_get(last, "name")), "PredefinedType");
    assert_string_equal(json_string_value(json_object_get(last, "type")), "IfcWallTypeEnum");
    assert_true(json_is_true(json_object_get(last, "optional")));
    /* Its subtypes are those of the table. */
    const ifc_schema *s = ifc_schema_get(IFC_IFC4X3_ADD2);
    ifc_entity wall = ifc_entity_find(s, "IfcWall", 7);
    assert_true(lists(json_object_get(r, "subtypes"), "IFCWALLSTANDARDCASE"));
    assert_int_equal(json_integer_value(json_object_get(r, "subtype_count")),
                     ifc_entity_last(s, wall) - wall);
    json_decref(r);
    /* An abstract class. */
    r = run(f, "describe_ifc", false, "{s:s}", "name", "IfcRoot");
    assert_true(json_is_true(json_object_get(r, "abstract")));
    assert_int_equal(json_array_size(json_object_get(r, "parents")), 0);
    json_decref(r);
}

static void test_describe_sets(void **state)
{
    fx *f = *state;
    json_t *r = run(f, "describe_ifc", false, "{s:s}", "name", "Pset_WallCommon");
    assert_string_equal(json_string_value(json_object_get(r, "kind")), "property_set");
    assert_true(lists(json_object_get(r, "applicable_entities"), "IFCWALL"));
    bool fire = false, status = false;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r, "properties"), i, p) {
        const char *n = json_string_value(json_object_get(p, "name"));
        if (strcmp(n, "FireRating") == 0) {
            fire = true;
            assert_string_equal(json_string_value(json_object_get(p, "data_type")), "IFCLABEL");
        }
        if (strcmp(n, "Status") == 0) {
            status = true;
            assert_string_equal(json_string_value(json_object_get(p, "kind")), "enumeration");
            assert_true(lists(json_object_get(p, "values"), "EXISTING"));
        }
    }
    assert_true(fire && status);
    json_decref(r);
    /* IFC4's quantity sets are IFC4X3's, and say so. */
    r = run(f, "describe_ifc", false, "{s:s, s:s}", "name", "Qto_WallBaseQuantities",
            "ifc_version", "IFC4");
    assert_string_equal(json_string_value(json_object_get(r, "kind")), "quantity_set");
    assert_true(json_is_true(json_object_get(r, "from_ifc4x3")));
    json_decref(r);
    r = run(f, "describe_ifc", true, "{s:s, s:s}", "name", "Qto_WallBaseQuantities",
            "ifc_version", "IFC2X3");
    has(message(r), "IFC2X3");
    json_decref(r);
}

static void test_describe_unknown(void **state)
{
    fx *f = *state;
    json_t *r = run(f, "describe_ifc", true, "{s:s}", "name", "IfcWal");
    has(message(r), "did you mean IfcWall");
    json_decref(r);
    r = run(f, "describe_ifc", true, "{s:s}", "name", "Pset_WalCommon");
    has(message(r), "Pset_WallCommon");
    json_decref(r);
    r = run(f, "describe_ifc", true, "{s:s}", "name", "");
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_find_entities_per_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_pages_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_properties, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_entity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_unknown, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
