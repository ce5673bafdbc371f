/*
 * test_tools_utf8.c - tool errors that quote long values in other scripts
 * are error results with valid UTF-8 text, never results that cannot be
 * encoded (issue 12: such a message used to be cut mid-character, and the
 * call came back as the JSON-RPC error "out of memory").
 *
 * A table drives the tools through tool_call, as the transports do, with
 * values of 3-byte (CJK) and 4-byte (emoji) characters long enough to pass
 * every cut in the messages: each must be an error result whose text is
 * valid UTF-8, equals structuredContent's message, and goes through the
 * JSON writer the reply uses.
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

#include "base/base.h"
#include "testutil.h"
#include "tools/tools.h"

typedef struct fx {
    session_store *store;
    tool_config cfg;
    const char *roots[1];
    char *root;
    char session[SESSION_ID_SIZE];
    tool_env env;
} fx;

static int setup(void **state)
{
    ids_library_init();
    const char *why = NULL;
    if (!tool_catalogue_init(&why))
        return -1;
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
    ids_library_cleanup();
    return 0;
}

/* n copies of s, malloc'd. */
static char *repeat(const char *s, size_t n)
{
    size_t len = strlen(s);
    char *out = malloc(len * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * len, s, len);
    out[len * n] = '\0';
    return out;
}

/* The template with @CJK27@, @CJK@ (300 x U+4E2D), @EMOJI@ (200 x
 * U+1F600) and @MIX@ replaced. */
static char *expand(const char *tmpl)
{
    static const char *const names[] = {"@CJK27@", "@CJK@", "@EMOJI@", "@MIX@"};
    char *values[4] = {repeat("\xE4\xB8\xAD", 27), repeat("\xE4\xB8\xAD", 300),
                       repeat("\xF0\x9F\x98\x80", 200), repeat("a\xC3\xA9\xE4\xB8\xAD"
                                                               "\xF0\x9F\x98\x80", 90)};
    size_t cap = strlen(tmpl) + 1;
    for (size_t i = 0; i < 4; i++)
        for (const char *p = strstr(tmpl, names[i]); p != NULL; p = strstr(p + 1, names[i]))
            cap += strlen(values[i]);
    char *out = malloc(cap);
    size_t used = 0;
    for (const char *p = tmpl; *p;) {
        size_t k;
        for (k = 0; k < 4; k++)
            if (strncmp(p, names[k], strlen(names[k])) == 0)
                break;
        if (k < 4) {
            memcpy(out + used, values[k], strlen(values[k]));
            used += strlen(values[k]);
            p += strlen(names[k]);
        } else {
            out[used++] = *p++;
        }
    }
    out[used] = '\0';
    for (size_t i = 0; i < 4; i++)
        free(values[i]);
    return out;
}

/* Calls a tool in the fixture's session; returns the result for the
 * caller to check and clear. */
static void call(fx *f, const char *name, const char *args_tmpl, tool_result *r)
{
    const tool_def *t = tool_find(name);
    assert_non_null(t);
    char *text = expand(args_tmpl);
    json_error_t e;
    json_t *args = json_loads(text, 0, &e);
    if (args == NULL)
        fprintf(stderr, "%s: bad test arguments: %s\n", name, e.text);
    assert_non_null(args);
    free(text);
    f->env.transport_session_id = f->session[0] != '\0' ? f->session : NULL;
    tool_call(t, args, &f->env, r);
    json_decref(args);
    if (f->env.minted_session_id[0] != '\0')
        snprintf(f->session, sizeof(f->session), "%s", f->env.minted_session_id);
}

/* What every result must be for the reply to be written. */
static void assert_encodable(const tool_result *r)
{
    assert_non_null(r->structured);
    assert_non_null(r->text);
    /* The reply's own writer, which refuses text that is not UTF-8. */
    base_buf b = {0};
    assert_true(base_json_put_string(&b, r->text, strlen(r->text)));
    free(b.data);
    char *dump = base_json_dumps(r->structured);
    assert_non_null(dump);
    free(dump);
}

static void build_document(fx *f)
{
    static const struct {
        const char *tool, *args;
    } steps[] = {
        {"create_ids", "{\"title\":\"T\"}"},
        {"add_specification", "{\"name\":\"S\",\"ifc_versions\":\"IFC4\",\"identifier\":\"S1\"}"},
        {"add_entity_facet", "{\"location\":\"applicability\",\"entity_name\":\"IFCWALL\"}"},
        {"add_property_facet", "{\"location\":\"requirements\",\"property_set\":\"P\","
                               "\"property_name\":\"B\",\"data_type\":\"IFCLABEL\"}"},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        tool_result r;
        call(f, steps[i].tool, steps[i].args, &r);
        if (r.is_error)
            fprintf(stderr, "%s: %s\n", steps[i].tool, r.text);
        assert_false(r.is_error);
        tool_result_clear(&r);
    }
}

static void test_long_values_give_error_results(void **state)
{
    fx *f = *state;
    build_document(f);
    /* Each call fails because of the long value it carries. */
    static const struct {
        const char *tool, *args;
    } cases[] = {
        {"create_ids", "{\"title\":\"T\",\"author\":\"@CJK27@\"}"},
        {"create_ids", "{\"title\":\"T\",\"author\":\"@EMOJI@\"}"},
        {"create_ids", "{\"title\":\"T\",\"date\":\"@CJK@\"}"},
        {"update_ids_info", "{\"author\":\"@MIX@\"}"},
        {"update_ids_info", "{\"date\":\"@CJK27@\"}"},
        {"load_ids", "{\"source\":\"\xE2\x80\xB9@CJK@\"}"},
        {"load_ids", "{\"source\":\"@EMOJI@.ids\",\"source_type\":\"file\"}"},
        {"load_ids", "{\"source\":\"<@CJK@/>\",\"source_type\":\"string\"}"},
        {"load_ids", "{\"source\":\"<ids><@CJK@></ids>\",\"source_type\":\"string\"}"},
        {"export_ids", "{\"output_path\":\"@CJK@/x.ids\"}"},
        {"export_ids", "{\"output_path\":\"../@EMOJI@.ids\"}"},
        {"get_specification", "{\"spec_id\":\"@CJK@\"}"},
        {"update_specification", "{\"spec_id\":\"@EMOJI@\",\"description\":\"d\"}"},
        {"remove_specification", "{\"spec_id\":\"@MIX@\"}"},
        {"add_specification", "{\"name\":\"N\",\"ifc_versions\":\"@CJK27@\"}"},
        {"add_specification", "{\"name\":\"N\",\"ifc_versions\":[\"IFC4\",\"@EMOJI@\"]}"},
        {"update_specification", "{\"spec_id\":\"S1\",\"ifc_versions\":\"@MIX@\"}"},
        {"add_entity_facet", "{\"location\":\"applicability\",\"entity_name\":\"@CJK@\"}"},
        {"add_entity_facet", "{\"location\":\"requirements\",\"entity_name\":\"@EMOJI@\"}"},
        {"add_entity_facet", "{\"location\":\"applicability\",\"entity_name\":\"IFCWALL\","
                             "\"cardinality\":\"@CJK@\"}"},
        {"add_property_facet", "{\"location\":\"requirements\",\"property_set\":\"P\","
                               "\"property_name\":\"B\",\"data_type\":\"@CJK@\"}"},
        {"add_property_facet", "{\"location\":\"requirements\",\"property_set\":\"P\","
                               "\"property_name\":\"B\",\"data_type\":\"IFCINTEGER\","
                               "\"value\":\"@CJK@\"}"},
        {"add_partof_facet", "{\"location\":\"requirements\",\"parent_entity\":\"IFCSLAB\","
                             "\"relation\":\"@MIX@\"}"},
        {"add_classification_facet", "{\"location\":\"requirements\","
                                     "\"classification_system\":\"U\","
                                     "\"uri\":\"@CJK@ @CJK@\"}"},
        {"add_material_facet", "{\"location\":\"requirements\",\"cardinality\":\"@EMOJI@\"}"},
        {"add_attribute_facet", "{\"location\":\"requirements\",\"attribute_name\":\"Name\","
                                "\"value\":{\"base\":\"@CJK@\",\"enumeration\":[\"a\"]}}"},
        {"add_pattern_restriction", "{\"location\":\"requirements\",\"facet_index\":0,"
                                    "\"parameter_name\":\"value\",\"pattern\":\"(@CJK@\"}"},
        {"add_pattern_restriction", "{\"location\":\"requirements\",\"facet_index\":0,"
                                    "\"parameter_name\":\"@EMOJI@\",\"pattern\":\"a\"}"},
        {"add_enumeration_restriction", "{\"location\":\"requirements\",\"facet_index\":0,"
                                        "\"values\":[\"a\"],\"base_type\":\"@CJK@\"}"},
        {"add_bounds_restriction", "{\"location\":\"requirements\",\"facet_index\":0,"
                                   "\"min_inclusive\":\"@MIX@\"}"},
        {"add_length_restriction", "{\"location\":\"requirements\",\"facet_index\":0,"
                                   "\"length\":\"@CJK@\"}"},
        {"set_restriction", "{\"location\":\"requirements\",\"facet_index\":0,"
                            "\"parameter_name\":\"value\",\"base_type\":\"xs:integer\","
                            "\"items\":[{\"facet\":\"enumeration\",\"value\":\"@EMOJI@\"}]}"},
        {"set_facet_parameter", "{\"location\":\"requirements\",\"facet_index\":0,"
                                "\"parameter_name\":\"@CJK@\",\"value\":\"x\"}"},
        {"remove_facet", "{\"spec_id\":\"@CJK@\",\"location\":\"requirements\","
                         "\"facet_index\":0}"},
        {"get_ids_info", "{\"session_id\":\"@CJK@\"}"},
        {"validate_ids", "{\"@EMOJI@\":true}"},
        {"close_session", "{\"session_id\":\"@MIX@\"}"},
    };
    size_t tools_seen = 0;
    const char *last = "";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tool_result r;
        call(f, cases[i].tool, cases[i].args, &r);
        if (!r.is_error)
            fprintf(stderr, "case %zu (%s) did not fail: %s\n", i, cases[i].tool, r.text);
        assert_true(r.is_error);
        assert_encodable(&r);
        const char *m =
            json_string_value(json_object_get(json_object_get(r.structured, "error"), "message"));
        assert_non_null(m);
        assert_string_equal(m, r.text);
        /* Refused for the long value, not for a mistake of the test's
         * (only the one case with a long argument name is about that). */
        if (strstr(cases[i].args, "{\"@") == NULL && strstr(m, "unknown argument") != NULL)
            fail_msg("case %zu (%s) fails for another reason: %s", i, cases[i].tool, m);
        tool_result_clear(&r);
        if (strcmp(last, cases[i].tool) != 0)
            tools_seen++;
        last = cases[i].tool;
    }
    assert_true(tools_seen >= 20);
}

/* A loaded document full of long values in other scripts: its findings
 * quote them, and the results that carry them are whole. */
static void test_findings_quoting_long_values(void **state)
{
    fx *f = *state;
    tool_result r;
    call(f, "load_ids",
         "{\"source_type\":\"string\",\"source\":\"<ids xmlns=\\\"http://standards."
         "buildingsmart.org/IDS\\\" xmlns:xs=\\\"http://www.w3.org/2001/XMLSchema\\\">"
         "<info><title>@CJK@</title><author>@EMOJI@</author><date>@CJK@</date></info>"
         "<specifications><specification name=\\\"@CJK@\\\" ifcVersion=\\\"@MIX@\\\">"
         "<applicability minOccurs=\\\"@CJK@\\\" maxOccurs=\\\"@EMOJI@\\\"><entity><name>"
         "<simpleValue>@CJK@</simpleValue></name></entity></applicability>"
         "<requirements><property dataType=\\\"@CJK@\\\"><propertySet><simpleValue>"
         "Pset_@MIX@</simpleValue></propertySet><baseName><simpleValue>@CJK@"
         "</simpleValue></baseName><value><xs:restriction base=\\\"@EMOJI@\\\">"
         "<xs:pattern value=\\\"(@CJK@\\\"/></xs:restriction></value></property>"
         "</requirements></specification></specifications></ids>\"}",
         &r);
    if (r.is_error)
        fprintf(stderr, "load_ids: %s\n", r.text);
    assert_false(r.is_error);
    assert_encodable(&r);
    json_t *v = json_object_get(r.structured, "validation");
    assert_true(json_integer_value(json_object_get(v, "error_count")) >= 5);
    tool_result_clear(&r);
    static const char *const readers[] = {"validate_ids", "get_ids_info", "get_specification",
                                          "export_ids"};
    for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
        call(f, readers[i], "{}", &r);
        assert_false(r.is_error);
        assert_encodable(&r);
        tool_result_clear(&r);
    }
    /* Every finding keeps its message (a message JSON refused used to be
     * dropped silently) and says what is wrong. */
    call(f, "validate_ids", "{}", &r);
    static const char *const lists[] = {"errors", "warnings"};
    size_t messages = 0;
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *finding;
        json_array_foreach(json_object_get(r.structured, lists[l]), i, finding) {
            const char *m = json_string_value(json_object_get(finding, "message"));
            if (m == NULL)
                fprintf(stderr, "a %s has no message (rule %s)\n", lists[l],
                        json_string_value(json_object_get(finding, "rule")));
            assert_non_null(m);
            assert_true(strlen(m) > 10);
            messages++;
        }
    }
    assert_true(messages >= 8);
    tool_result_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_long_values_give_error_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_findings_quoting_long_values, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
