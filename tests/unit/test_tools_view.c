/*
 * test_tools_view.c - the view as tools: describe_ids (Markdown in words,
 * findings, paging), render_ids_view (the body, the revision that says
 * "unchanged"), which tools link to the MCP App, and tool_session_view
 * (pages, the waiting page, unknown sessions, the IFC check hook).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tools.h"
#include "tools/tools_internal.h"

typedef struct fx {
    session_store *store;
    tool_config cfg;
    tool_env env;
    char sid[SESSION_ID_SIZE];
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
    if (f == NULL || session_store_new(&sc, &f->store) != SESSION_OK)
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

/* Runs a tool in the fixture's session; returns structuredContent (new
 * reference) and, when text is not NULL, the text (malloc'd). Checks the
 * outcome and, on success, the output schema. */
static json_t *call(fx *f, const char *name, bool expect_error, char **text,
                    const char *fmt, ...)
{
    va_list ap;
    json_error_t e;
    va_start(ap, fmt);
    json_t *args = json_vpack_ex(&e, 0, fmt, ap);
    va_end(ap);
    assert_non_null(args);
    if (f->sid[0] != '\0' && json_object_get(args, "session_id") == NULL)
        json_object_set_new(args, "session_id", json_string(f->sid));
    const tool_def *t = tool_find(name);
    assert_non_null(t);
    tool_result r;
    tool_call(t, args, &f->env, &r);
    json_decref(args);
    if (r.is_error != expect_error) {
        fprintf(stderr, "%s: expected %s, got: %s\n", name, expect_error ? "error" : "success",
                r.text);
        fail();
    }
    if (!r.is_error) {
        char msg[512];
        if (!tool_schema_validate(tool_output_schema(t), r.structured, msg, sizeof(msg))) {
            fprintf(stderr, "%s: result breaks its outputSchema: %s\n", name, msg);
            fail();
        }
    }
    if (f->env.minted_session_id[0] != '\0')
        snprintf(f->sid, sizeof(f->sid), "%s", f->env.minted_session_id);
    if (text != NULL)
        *text = strdup(r.text);
    json_t *out = json_incref(r.structured);
    tool_result_clear(&r);
    return out;
}

#define OK(f, name, ...) json_decref(call(f, name, false, NULL, __VA_ARGS__))

static void walls(fx *f, const char *spec_name)
{
    OK(f, "add_specification", "{s:s, s:s}", "name", spec_name, "ifc_versions", "IFC4");
    OK(f, "add_entity_facet", "{s:s, s:s}", "location", "applicability", "entity_name",
       "IfcWall");
    OK(f, "add_property_facet", "{s:s, s:s, s:s, s:s, s:{s:[s,s]}}", "location",
       "requirements", "property_set", "Pset_WallCommon", "property_name", "FireRating",
       "data_type", "IFCLABEL", "value", "enumeration", "REI30", "REI60");
}

static void test_describe_in_words(void **state)
{
    fx *f = *state;
    OK(f, "create_ids", "{s:s}", "title", "Fire safety");
    walls(f, "Walls");
    /* A specification without applicability facets is a finding, shown
     * beside it. */
    OK(f, "add_specification", "{s:s, s:s}", "name", "Empty", "ifc_versions", "IFC4");
    char *md = NULL;
    json_t *r = call(f, "describe_ids", false, &md, "{}");
    assert_int_equal(json_integer_value(json_object_get(r, "specification_count")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "from")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "count")), 2);
    assert_null(json_object_get(r, "next_from"));
    assert_string_equal(json_string_value(json_object_get(r, "session_id")), f->sid);
    assert_non_null(strstr(md, "# Fire safety"));
    assert_non_null(strstr(md, "All IfcWall elements (IFC4)"));
    assert_non_null(strstr(md, "Pset_WallCommon.FireRating must be one of REI30, REI60"));
    assert_non_null(strstr(md, "## 2. Empty"));
    assert_non_null(strstr(md, "Nothing: the applicability has no facets"));
    /* Markdown only: the text is not the JSON of the result. */
    assert_null(strstr(md, "\"specification_count\""));
    free(md);
    json_decref(r);
}

static void test_describe_pages(void **state)
{
    fx *f = *state;
    OK(f, "create_ids", "{s:s}", "title", "Many");
    for (int i = 1; i <= 30; i++) {
        char name[32];
        snprintf(name, sizeof(name), "Spec %d", i);
        OK(f, "add_specification", "{s:s, s:s}", "name", name, "ifc_versions", "IFC4");
    }
    char *md = NULL;
    json_t *r = call(f, "describe_ids", false, &md, "{}");
    assert_int_equal(json_integer_value(json_object_get(r, "count")), 25);
    assert_int_equal(json_integer_value(json_object_get(r, "next_from")), 26);
    assert_non_null(strstr(md, "## 25. Spec 25"));
    assert_null(strstr(md, "Spec 26"));
    assert_non_null(strstr(md, "from=26"));
    free(md);
    json_decref(r);

    r = call(f, "describe_ids", false, &md, "{s:i}", "from", 26);
    assert_int_equal(json_integer_value(json_object_get(r, "count")), 5);
    assert_null(json_object_get(r, "next_from"));
    assert_non_null(strstr(md, "## 26. Spec 26"));
    assert_non_null(strstr(md, "## 30. Spec 30"));
    assert_null(strstr(md, "## 25."));
    /* The title and count stay on every page. */
    assert_non_null(strstr(md, "# Many"));
    free(md);
    json_decref(r);

    r = call(f, "describe_ids", false, &md, "{s:i, s:i}", "from", 3, "count", 2);
    assert_int_equal(json_integer_value(json_object_get(r, "next_from")), 5);
    assert_non_null(strstr(md, "## 3. Spec 3"));
    assert_non_null(strstr(md, "## 4. Spec 4"));
    assert_null(strstr(md, "## 5."));
    free(md);
    json_decref(r);

    r = call(f, "describe_ids", true, &md, "{s:i}", "from", 31);
    assert_non_null(strstr(md, "has 30"));
    free(md);
    json_decref(r);
    /* A model's usual mistakes: 0-based and too many are refused; a
     * number in a string is read as the number (tool_call's forgiving
     * input). */
    json_decref(call(f, "describe_ids", true, NULL, "{s:i}", "from", 0));
    json_decref(call(f, "describe_ids", true, NULL, "{s:i}", "count", 500));
    r = call(f, "describe_ids", false, &md, "{s:s}", "from", "2");
    assert_non_null(strstr(md, "## 2. Spec 2"));
    assert_null(strstr(md, "## 1. Spec 1"));
    free(md);
    json_decref(r);
}

static void test_describe_needs_document(void **state)
{
    fx *f = *state;
    char *text = NULL;
    json_decref(call(f, "describe_ids", true, &text, "{}"));
    assert_non_null(strstr(text, "create_ids"));
    free(text);
}

static void test_render_revisions(void **state)
{
    fx *f = *state;
    OK(f, "create_ids", "{s:s}", "title", "Live");
    walls(f, "Walls <script>window.__xss=1</script>");
    json_t *r = call(f, "render_ids_view", false, NULL, "{}");
    json_int_t rev = json_integer_value(json_object_get(r, "revision"));
    assert_true(rev > 0);
    assert_true(json_is_true(json_object_get(r, "changed")));
    const char *html = json_string_value(json_object_get(r, "html"));
    assert_non_null(html);
    assert_non_null(strstr(html, "Pset_WallCommon"));
    assert_non_null(strstr(html, "Walls &lt;script&gt;"));
    assert_null(strstr(html, "<script"));
    json_decref(r);

    /* The view asks with what it has: nothing new, nothing sent. */
    r = call(f, "render_ids_view", false, NULL, "{s:I}", "revision", rev);
    assert_true(json_is_false(json_object_get(r, "changed")));
    assert_null(json_object_get(r, "html"));
    assert_int_equal(json_integer_value(json_object_get(r, "revision")), rev);
    json_decref(r);

    /* Reading does not move it; an edit does, and a failed edit does not. */
    OK(f, "get_ids_info", "{}");
    json_decref(call(f, "add_specification", true, NULL, "{s:s, s:s}", "name", "X",
                     "ifc_versions", "IFC5"));
    r = call(f, "render_ids_view", false, NULL, "{s:I}", "revision", rev);
    assert_true(json_is_false(json_object_get(r, "changed")));
    json_decref(r);
    OK(f, "update_ids_info", "{s:s}", "title", "Live, renamed");
    r = call(f, "render_ids_view", false, NULL, "{s:I}", "revision", rev);
    assert_true(json_is_true(json_object_get(r, "changed")));
    assert_true(json_integer_value(json_object_get(r, "revision")) > rev);
    assert_non_null(strstr(json_string_value(json_object_get(r, "html")), "Live, renamed"));
    json_decref(r);
}

static void test_links(void **state)
{
    (void)state;
    const char *linked[] = {"get_ids_info", "get_specification", "validate_ids",
                            "describe_ids"};
    const char *not_linked[] = {"create_ids", "load_ids", "export_ids", "add_specification",
                                "add_property_facet", "close_session", "render_ids_view"};
    for (size_t i = 0; i < sizeof(linked) / sizeof(linked[0]); i++)
        assert_true(tool_links_view(tool_find(linked[i])));
    for (size_t i = 0; i < sizeof(not_linked) / sizeof(not_linked[0]); i++)
        assert_false(tool_links_view(tool_find(not_linked[i])));
    assert_false(tool_links_view(NULL));
    assert_true(tool_find("render_ids_view")->flags & TOOL_APP_ONLY);
}

static void test_session_view(void **state)
{
    fx *f = *state;
    char *out = NULL;
    size_t len = 0;
    uint64_t rev = 99;
    assert_int_equal(tool_session_view(f->store, "0123456789abcdef0123456789abcdef",
                                       TOOL_VIEW_PAGE, NULL, &out, &len, &rev),
                     SESSION_NOT_FOUND);
    assert_null(out);

    OK(f, "create_ids", "{s:s}", "title", "Paged");
    walls(f, "Walls");
    view_page_options opts = {.live_url = "/view/x/events"};
    assert_int_equal(tool_session_view(f->store, f->sid, TOOL_VIEW_PAGE, &opts, &out,
                                       &len, &rev),
                     SESSION_OK);
    assert_int_equal(strlen(out), len);
    assert_true(rev > 0);
    assert_true(strncmp(out, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(out, "data-live=\"/view/x/events\""));
    assert_non_null(strstr(out, "Pset_WallCommon"));
    free(out);

    assert_int_equal(tool_session_view(f->store, f->sid, TOOL_VIEW_BODY, NULL, &out,
                                       &len, NULL),
                     SESSION_OK);
    assert_null(strchr(out, '\n'));
    assert_non_null(strstr(out, "Pset_WallCommon"));
    free(out);

    assert_int_equal(tool_session_view(f->store, f->sid, TOOL_VIEW_MARKDOWN, NULL,
                                       &out, &len, NULL),
                     SESSION_OK);
    assert_non_null(strstr(out, "# Paged"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_describe_in_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_needs_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_revisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_view, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
