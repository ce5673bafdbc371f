/*
 * test_view_render.c - whole renderings: a document with its findings as
 * Markdown (compared whole) and HTML (each finding beside its element),
 * where findings' paths lead, a check result, the page shell (size, CSP,
 * options) and a document of 500 specifications.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "view/view.h"
#include "view/view_internal.h"

#define IDS_OPEN                                                                       \
    "<ids xmlns=\"http://standards.buildingsmart.org/IDS\""                            \
    " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""                                   \
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""                         \
    " xsi:schemaLocation=\"" IDS_SCHEMA_LOCATION "\">\n"
#define SIMPLE(x) "<simpleValue>" x "</simpleValue>"

/* Findings on the info block, a location, facets of both locations and a
 * specification itself. */
static const char *const findings_ids =
    IDS_OPEN
    "<info><title>Findings</title><author>nobody</author></info>\n"
    "<specifications>\n"
    "<specification name=\"Walls\" ifcVersion=\"IFC4\">\n"
    "<applicability minOccurs=\"2\" maxOccurs=\"5\">\n"
    "<entity><name>" SIMPLE("IFCWAL") "</name></entity>\n"
    "</applicability>\n"
    "<requirements>\n"
    "<attribute><name>" SIMPLE("Name") "</name></attribute>\n"
    "<property><propertySet>" SIMPLE("Pset_WallCommon") "</propertySet><baseName>"
    SIMPLE("FireRating") "</baseName><value>" SIMPLE("REI60") "</value></property>\n"
    "<material cardinality=\"optional\"/>\n"
    "</requirements>\n"
    "</specification>\n"
    "<specification name=\"Slabs\" ifcVersion=\"\">\n"
    "<applicability minOccurs=\"0\" maxOccurs=\"unbounded\"><entity><name>" SIMPLE("IFCSLAB")
    "</name></entity></applicability>\n"
    "</specification>\n"
    "</specifications>\n"
    "</ids>\n";

static const char *const findings_md =
    "# Findings\n"
    "\n"
    "- **Author:** nobody\n"
    "\n"
    "2 specifications. Invalid: 7 errors, 0 warnings.\n"
    "\n"
    "**Findings on the document:**\n"
    "\n"
    "- **error** XSD, line 2: author is 'nobody'; it must be an e-mail address (pattern "
    "\\[^@\\]+@\\[^.\\]+\\\\..+)\n"
    "\n"
    "## 1. Walls\n"
    "\n"
    "- **IFC versions:** IFC4\n"
    "- **Usage:** other: minOccurs and maxOccurs name no usage that IDS 1.0 defines "
    "(minOccurs 2, maxOccurs 5)\n"
    "\n"
    "**Applies to:** All IFCWAL elements (IFC4).\n"
    "\n"
    "- **error** S3, line 5: applicability minOccurs/maxOccurs must be 1/unbounded (required), "
    "0/unbounded (optional) or 0/0 (prohibited)\n"
    "- **error** E1, line 6, entity facet: IFC4: entity 'IFCWAL' is not a class of this IFC "
    "version; did you mean IFCWALL?\n"
    "\n"
    "**Requirements:**\n"
    "\n"
    "| # | Requirement | Cardinality | Instructions | Findings |\n"
    "|---|---|---|---|---|\n"
    "| 1 | Name must have a value | required |  |  |\n"
    "| 2 | Pset_WallCommon.FireRating must be REI60 | required |  | **error** P2, line 10: "
    "property facet has a value but no dataType; add dataType (e.g. IFCLABEL, IFCREAL, "
    "IFCINTEGER) so the value can be compared |\n"
    "| 3 | may have a material | optional |  | **error** F4, line 11: optional material facet "
    "needs a value: without one it can never fail; give a value or make it required |\n"
    "\n"
    "## 2. Slabs\n"
    "\n"
    "- **IFC versions:** (none)\n"
    "- **Usage:** optional: applicable elements may be absent; each one present must meet the "
    "requirements\n"
    "- **error** S1, line 14: ifcVersion names no IFC version; give at least one of IFC2X3, "
    "IFC4, IFC4X3_ADD2\n"
    "\n"
    "**Applies to:** All IfcSlab elements.\n"
    "\n"
    "- **error** S5, line 15: an optional specification (minOccurs 0) needs at least one "
    "requirement facet, or it can never fail\n"
    "\n"
    "**Requirements:** none.\n";

typedef struct loaded {
    ids_doc *doc;
    ids_report *report;
} loaded;

static loaded load(const char *xml, bool validate)
{
    loaded l = {NULL, NULL};
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_doc_load_string(xml, strlen(xml), NULL, &l.doc, &err), IDS_OK);
    if (validate)
        assert_int_equal(ids_validate(l.doc, NULL, &l.report, &err), IDS_OK);
    return l;
}

static void unload(loaded *l)
{
    ids_report_free(l->report);
    ids_doc_free(l->doc);
}

/* The text between the first start and the next end after it (a copy). */
static char *between(const char *s, const char *start, const char *end)
{
    const char *a = strstr(s, start);
    if (a == NULL)
        fail_msg("no \"%s\"", start);
    const char *b = strstr(a, end);
    assert_non_null(b);
    size_t n = (size_t)(b - a);
    char *out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, a, n);
    out[n] = '\0';
    return out;
}

static void test_markdown_with_findings(void **state)
{
    (void)state;
    loaded l = load(findings_ids, true);
    view_input in = {.doc = l.doc, .report = l.report, .check = NULL};
    char *md = NULL;
    size_t len = 0;
    assert_int_equal(view_markdown(&in, &md, &len), VIEW_OK);
    assert_int_equal(len, strlen(md));
    if (strcmp(md, findings_md) != 0) {
        /* Say which line differs. */
        const char *a = md, *b = findings_md;
        while (*a != '\0' && *a == *b) {
            a++;
            b++;
        }
        while (a > md && a[-1] != '\n') {
            a--;
            b--;
        }
        fail_msg("markdown differs at line:\n got: %.200s\nwant: %.200s", a, b);
    }
    free(md);

    /* Not validated: no findings, and it says so. */
    view_input plain = {.doc = l.doc, .report = NULL, .check = NULL};
    assert_int_equal(view_markdown(&plain, &md, NULL), VIEW_OK);
    assert_non_null(strstr(md, "\n2 specifications. Not validated.\n"));
    assert_null(strstr(md, "**error**"));
    assert_non_null(strstr(md, "\n| 2 | Pset_WallCommon.FireRating must be REI60 | required |  |\n"));
    free(md);
    unload(&l);
}

static void test_html_findings_beside_elements(void **state)
{
    (void)state;
    loaded l = load(findings_ids, true);
    view_input in = {.doc = l.doc, .report = l.report, .check = NULL};
    char *html = NULL;
    assert_int_equal(view_html_body(&in, &html, NULL), VIEW_OK);
    assert_null(strchr(html, '\n'));

    char *doc_part = between(html, "<section class=\"docf\">", "</section>");
    assert_non_null(strstr(doc_part, "<span class=\"rule\">XSD</span>"));
    assert_null(strstr(doc_part, "S3"));
    free(doc_part);

    char *spec1 = between(html, "<section class=\"spec\" id=\"spec-1\">", "</section>");
    char *applies = between(spec1, "<h3>Applies to</h3>", "<h3>Requirements</h3>");
    assert_non_null(strstr(applies, "<li class=\"f error\"><span class=\"sev\">error</span> "
                                    "<span class=\"rule\">S3</span> <span class=\"ln\">line 5"
                                    "</span> <span class=\"msg\">applicability minOccurs/"));
    assert_non_null(strstr(applies, "<span class=\"rule\">E1</span> <span class=\"ln\">line 6"
                                    "</span> <span class=\"fk\">entity facet</span>"));
    free(applies);
    char *row1 = between(spec1, "<td class=\"num\">1</td>", "</tr>");
    char *row2 = between(spec1, "<td class=\"num\">2</td>", "</tr>");
    char *row3 = between(spec1, "<td class=\"num\">3</td>", "</tr>");
    assert_null(strstr(row1, "<li"));
    assert_non_null(strstr(row2, "<span class=\"rule\">P2</span>"));
    assert_null(strstr(row2, "F4"));
    assert_non_null(strstr(row3, "<span class=\"rule\">F4</span>"));
    free(row1);
    free(row2);
    free(row3);
    free(spec1);

    char *spec2 = between(html, "<section class=\"spec\" id=\"spec-2\">", "</section>");
    char *head = between(spec2, "<h2>", "<h3>Applies to</h3>");
    assert_non_null(strstr(head, "<span class=\"rule\">S1</span>"));
    assert_non_null(strstr(head, "<span class=\"ver\">no IFC version</span>"));
    free(head);
    free(spec2);
    /* The table of contents counts each specification's findings. */
    assert_non_null(strstr(html, "<li><a href=\"#spec-1\">Walls</a> <span class=\"u other\">"
                                 "other</span> <span class=\"cnt\">4 findings</span></li>"));
    assert_non_null(strstr(html, "<p class=\"stats\"><span>2 specifications</span> <span "
                                 "class=\"badge bad\">invalid: 7 errors, 0 warnings</span></p>"));
    free(html);
    unload(&l);
}

/* ---- where a path leads ---- */

static void test_place_of(void **state)
{
    (void)state;
    ids_facet app[1], req[4];
    memset(app, 0, sizeof(app));
    memset(req, 0, sizeof(req));
    app[0].kind = IDS_FACET_ENTITY;
    req[0].kind = IDS_FACET_ENTITY;
    req[1].kind = IDS_FACET_PROPERTY;
    req[2].kind = IDS_FACET_MATERIAL;
    req[3].kind = IDS_FACET_PROPERTY;
    ids_spec_view one, two;
    memset(&one, 0, sizeof(one));
    memset(&two, 0, sizeof(two));
    two.n_facets[IDS_APPLICABILITY] = 1;
    two.facets[IDS_APPLICABILITY] = app;
    two.n_facets[IDS_REQUIREMENTS] = 4;
    two.facets[IDS_REQUIREMENTS] = req;
    const ids_spec_view *specs[] = {&one, &two};

    static const struct {
        const char *path;
        long spec;
        int loc;
        long facet;
    } cases[] = {
        {NULL, -1, -1, -1},
        {"", -1, -1, -1},
        {"/ids", -1, -1, -1},
        {"/ids/info/author", -1, -1, -1},
        {"/ids/specifications", -1, -1, -1},
        {"/ids/specifications/specification", 0, -1, -1},
        {"/ids/specifications/specification[2]", 1, -1, -1},
        {"/ids/specifications/specification[3]", -1, -1, -1},
        {"/ids/specifications/specification[0]", -1, -1, -1},
        {"/ids/specifications/specification[x]", -1, -1, -1},
        {"/ids/specifications[2]/specification", -1, -1, -1},
        {"/ids/specifications/specification[2]/applicability", 1, IDS_APPLICABILITY, -1},
        {"/ids/specifications/specification[2]/applicability/entity/name", 1,
         IDS_APPLICABILITY, 0},
        {"/ids/specifications/specification[2]/requirements/property", 1, IDS_REQUIREMENTS, 1},
        {"/ids/specifications/specification[2]/requirements/property[2]/value/xs:restriction",
         1, IDS_REQUIREMENTS, 3},
        {"/ids/specifications/specification[2]/requirements/material", 1, IDS_REQUIREMENTS, 2},
        {"/ids/specifications/specification[2]/requirements/property[5]", 1, IDS_REQUIREMENTS,
         -1},
        {"/ids/specifications/specification[2]/requirements/junk", 1, IDS_REQUIREMENTS, -1},
        {"/ids/specifications/specification[2]/requirements[2]/property", 1, -1, -1},
        {"/ids/specifications/specification[2]/junk", 1, -1, -1},
        {"/ids/specifications/specification[2]/requirements/entity", 1, IDS_REQUIREMENTS, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        view_place p = view_place_of(cases[i].path, specs, 2);
        if (p.spec != cases[i].spec || p.loc != cases[i].loc || p.facet != cases[i].facet)
            fail_msg("%s: got %ld/%d/%ld", cases[i].path ? cases[i].path : "(null)", p.spec,
                     p.loc, p.facet);
    }
}

/* ---- a check result ---- */

static const view_check_element wall_elements[] = {
    {"2O2Fr$t4X7Zf8NOew3FLOH", "IfcWall", "Wall-01", "FireRating is missing", 42},
    {"1hqIFTRjfV6AWq_bMtnZwI", "IfcWall", NULL, "FireRating is 'EI30', not one of REI30, REI60",
     0},
};
static const view_check_requirement wall_requirements[] = {
    {"Pset_WallCommon.FireRating must be one of REI30, REI60", 3, wall_elements, 2},
};
static const view_check_spec check_specs[] = {
    {"Walls", "W-1", "All IfcWall elements (IFC4)", VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 10, 7,
     3, NULL, wall_requirements, 1},
    {"Doors", NULL, NULL, VIEW_USAGE_OPTIONAL, VIEW_CHECK_NOT_APPLICABLE, 0, 0, 0, NULL, NULL,
     0},
    {"Slabs", NULL, NULL, VIEW_USAGE_REQUIRED, VIEW_CHECK_PASS, 2, 2, 0, NULL, NULL, 0},
};
static const view_check_result check = {"Walls and doors", "house.ifc", "IFC4", check_specs, 3,
                                        false, NULL};

static const char *const check_md =
    "# IFC check of house.ifc\n"
    "\n"
    "- **IDS:** Walls and doors\n"
    "- **IFC schema:** IFC4\n"
    "- **Result:** fail: 3 specifications, 1 passed, 1 failed, 1 not applicable\n"
    "\n"
    "## 1. Walls: fail\n"
    "\n"
    "- **Identifier:** W-1\n"
    "- **Usage:** required\n"
    "- **Applies to:** All IfcWall elements (IFC4)\n"
    "- **Elements:** 10 applicable, 7 passed, 3 failed\n"
    "\n"
    "**Pset_WallCommon.FireRating must be one of REI30, REI60**: 3 elements fail (the first 2 "
    "listed).\n"
    "\n"
    "| GlobalId | Class | Name | Reason |\n"
    "|---|---|---|---|\n"
    "| 2O2Fr\\$t4X7Zf8NOew3FLOH | IfcWall \\#42 | Wall-01 | FireRating is missing |\n"
    "| 1hqIFTRjfV6AWq_bMtnZwI | IfcWall | - | FireRating is 'EI30', not one of REI30, REI60 |\n"
    "\n"
    "## 2. Doors: not applicable\n"
    "\n"
    "- **Usage:** optional\n"
    "- **Elements:** 0 applicable, 0 passed, 0 failed\n"
    "\n"
    "## 3. Slabs: pass\n"
    "\n"
    "- **Usage:** required\n"
    "- **Elements:** 2 applicable, 2 passed, 0 failed\n";

static void test_check_result(void **state)
{
    (void)state;
    view_input in = {.doc = NULL, .report = NULL, .check = &check};
    char *md = NULL;
    assert_int_equal(view_markdown(&in, &md, NULL), VIEW_OK);
    assert_string_equal(md, check_md);
    free(md);

    /* The standalone report: a page whose h1 is the model. */
    char *page = NULL;
    assert_int_equal(view_html_page(&in, NULL, &page, NULL), VIEW_OK);
    assert_non_null(strstr(page, "<title>house.ifc</title>"));
    assert_non_null(strstr(page, "<h1 dir=\"auto\">house.ifc</h1>"));
    assert_non_null(strstr(page, "<span class=\"badge bad\">fail</span> <span>3 specifications: "
                                 "1 passed, 1 failed, 1 not applicable</span>"));
    assert_non_null(strstr(page, "<tr><td class=\"num\">2</td><td><a href=\"#check-2\">Doors</a>"
                                 "</td><td><span class=\"badge none\">not applicable</span></td>"
                                 "<td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">"
                                 "0</td></tr>"));
    assert_non_null(strstr(page, "<p class=\"fails\">3 elements fail (the first 2 listed).</p>"));
    assert_non_null(strstr(page, "<tr><td class=\"gid\">2O2Fr$t4X7Zf8NOew3FLOH</td><td>IfcWall "
                                 "<span class=\"step\">#42</span></td><td dir=\"auto\">Wall-01"
                                 "</td><td dir=\"auto\">FireRating is missing</td></tr>"));
    assert_null(strstr(page, "The check stopped early"));
    free(page);

    /* Beside a document: a section after it, and a truncated check says so. */
    view_check_result cut = check;
    cut.truncated = true;
    loaded l = load(findings_ids, false);
    view_input both = {.doc = l.doc, .report = NULL, .check = &cut};
    assert_int_equal(view_markdown(&both, &md, NULL), VIEW_OK);
    const char *doc_end = strstr(md, "**Requirements:** none.\n");
    assert_non_null(doc_end);
    assert_true(strncmp(doc_end, "**Requirements:** none.\n\n## IFC check of house.ifc\n", 50) ==
                0);
    assert_non_null(strstr(md, "\nThe check stopped early: the counts are lower bounds.\n"));
    assert_non_null(strstr(md, "\n### 1. Walls: fail\n"));
    free(md);
    char *html = NULL;
    assert_int_equal(view_html_body(&both, &html, NULL), VIEW_OK);
    assert_non_null(strstr(html, "</article><section class=\"check\" id=\"check\"><header><p "
                                 "class=\"kicker\">IFC check</p><h2 dir=\"auto\">house.ifc</h2>"));
    assert_non_null(strstr(html, "<p class=\"warn\">The check stopped early"));
    free(html);
    unload(&l);
}

/* ---- the page ---- */

static char *csp_of(const char *page)
{
    char *meta = between(page, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">");
    char *csp = strdup(meta + strlen("<meta http-equiv=\"Content-Security-Policy\" content=\""));
    free(meta);
    return csp;
}

static void test_page_shell(void **state)
{
    (void)state;
    view_input empty = {.doc = NULL, .report = NULL, .check = NULL};
    char *page = NULL;
    size_t len = 0;
    assert_int_equal(view_html_page(&empty, NULL, &page, &len), VIEW_OK);
    /* The cap on the page without the document. */
    assert_true(len < 100 * 1024);
    print_message("page shell: %zu bytes\n", len);
    assert_non_null(strstr(page, "<main id=\"view\" aria-live=\"polite\"><p class=\"empty\">"
                                 "Waiting for a document\xE2\x80\xA6</p></main>"));
    assert_true(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
                              "\n<meta http-equiv=\"Content-Security-Policy\"", 100) == 0);
    /* The script and style are exactly the hashed texts. */
    char *script = between(page, "<script>", "</script>");
    assert_string_equal(script + strlen("<script>"), view_page_script);
    free(script);
    char *style = between(page, "<style>", "</style>");
    assert_string_equal(style + strlen("<style>"), view_page_style);
    free(style);
    assert_null(strstr(page, " on"));        /* no inline handler attribute */
    assert_null(strstr(page, "style=\""));   /* no style attribute */
    assert_null(strstr(page, "eval("));
    assert_null(strstr(page, "src=\""));      /* nothing loaded from elsewhere */

    char script_hash[60], style_hash[60], want[400];
    view_csp_hash(view_page_script, script_hash);
    view_csp_hash(view_page_style, style_hash);
    snprintf(want, sizeof(want),
             "default-src 'none'; script-src '%s'; style-src '%s'; img-src data:; "
             "base-uri 'none'; form-action 'none'",
             script_hash, style_hash);
    char *csp = csp_of(page);
    assert_string_equal(csp, want);
    free(csp);
    char *header = NULL;
    assert_int_equal(view_csp_header(NULL, &header), VIEW_OK);
    strcat(want, "; frame-ancestors 'none'");
    assert_string_equal(header, want);
    free(header);
    free(page);
}

static void test_page_options(void **state)
{
    (void)state;
    loaded l = load(IDS_OPEN "<info><title>A &amp; &lt;B&gt;</title></info><specifications>"
                             "</specifications></ids>",
                    false);
    view_input in = {.doc = l.doc, .report = NULL, .check = NULL};
    view_page_options opts = {"/view/abc-123/events?x=1&y=2", "window.__extra = 1;"};
    char *page = NULL;
    assert_int_equal(view_html_page(&in, &opts, &page, NULL), VIEW_OK);
    assert_non_null(strstr(page, "<html lang=\"en\" data-live=\"/view/abc-123/events?x=1&amp;y=2\">"));
    assert_non_null(strstr(page, "<title>A &amp; &lt;B&gt;</title>"));
    assert_non_null(strstr(page, "<script>window.__extra = 1;</script>\n</body>"));
    char *csp = csp_of(page);
    char main_hash[60], extra_hash[60], want[200];
    view_csp_hash(view_page_script, main_hash);
    view_csp_hash(opts.extra_script, extra_hash);
    snprintf(want, sizeof(want), "script-src '%s' '%s';", main_hash, extra_hash);
    assert_non_null(strstr(csp, want));
    assert_non_null(strstr(csp, "; connect-src 'self';"));
    char *header = NULL;
    assert_int_equal(view_csp_header(&opts, &header), VIEW_OK);
    assert_true(strncmp(header, csp, strlen(csp)) == 0);
    free(header);
    free(csp);
    free(page);

    static const char *const bad_urls[] = {
        "//evil.example/x", "https://evil.example/x", "javascript:alert(1)", "/a b", "/a\"b",
        "/\\evil.example", "", "view/x", "/a<b", "/a\nb",
    };
    for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
        view_page_options bad = {bad_urls[i], NULL};
        page = (char *)"untouched";
        assert_int_equal(view_html_page(&in, &bad, &page, NULL), VIEW_ERR_INVALID_ARG);
        assert_null(page);
        assert_int_equal(view_csp_header(&bad, &header), VIEW_ERR_INVALID_ARG);
    }
    static const char *const bad_scripts[] = {"x</script><script>y", "x</SCRIPT >", "<!--"};
    for (size_t i = 0; i < sizeof(bad_scripts) / sizeof(bad_scripts[0]); i++) {
        view_page_options bad = {NULL, bad_scripts[i]};
        assert_int_equal(view_html_page(&in, &bad, &page, NULL), VIEW_ERR_INVALID_ARG);
    }
    unload(&l);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char *out = (char *)"untouched";
    size_t len = 7;
    view_input in = {.doc = NULL, .report = NULL, .check = NULL};
    assert_int_equal(view_markdown(NULL, &out, &len), VIEW_ERR_INVALID_ARG);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_int_equal(view_markdown(&in, NULL, NULL), VIEW_ERR_INVALID_ARG);
    assert_int_equal(view_html_body(NULL, &out, NULL), VIEW_ERR_INVALID_ARG);
    assert_int_equal(view_html_page(NULL, NULL, &out, NULL), VIEW_ERR_INVALID_ARG);
    assert_int_equal(view_csp_header(NULL, NULL), VIEW_ERR_INVALID_ARG);
    assert_int_equal(view_markdown(&in, &out, NULL), VIEW_OK);
    assert_string_equal(out, "No document yet.\n");
    free(out);
    assert_string_equal(view_status_name(VIEW_ERR_TOO_BIG), "too_big");
    assert_string_equal(view_status_name(VIEW_ERR_NOMEM), "nomem");
    assert_string_equal(view_check_status_name(VIEW_CHECK_NOT_APPLICABLE), "not applicable");
}

/* ---- 500 specifications ---- */

static char *big_document(size_t n)
{
    base_buf b = {0};
    base_buf_append_str(&b, IDS_OPEN "<info><title>Big</title></info><specifications>");
    for (size_t i = 0; i < n; i++)
        base_buf_printf(&b,
                  "<specification name=\"Spec %zu\" ifcVersion=\"IFC4 IFC4X3_ADD2\" "
                  "identifier=\"S-%zu\" description=\"Walls of group %zu\">"
                  "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\"><entity><name>"
                  SIMPLE("IFCWALL") "</name></entity><property dataType=\"IFCBOOLEAN\">"
                  "<propertySet>" SIMPLE("Pset_WallCommon") "</propertySet><baseName>"
                  SIMPLE("IsExternal") "</baseName><value>" SIMPLE("true") "</value></property>"
                  "</applicability><requirements><property dataType=\"IFCLABEL\"><propertySet>"
                  SIMPLE("Pset_WallCommon") "</propertySet><baseName>" SIMPLE("FireRating")
                  "</baseName><value><xs:restriction base=\"xs:string\"><xs:enumeration "
                  "value=\"REI30\"/><xs:enumeration value=\"REI60\"/></xs:restriction></value>"
                  "</property><material cardinality=\"prohibited\"><value>" SIMPLE("wood")
                  "</value></material><attribute><name>" SIMPLE("Name") "</name><value>"
                  "<xs:restriction base=\"xs:string\"><xs:pattern value=\"W-[0-9]{3}\"/>"
                  "</xs:restriction></value></attribute></requirements></specification>",
                  i + 1, i + 1, i % 7);
    base_buf_append_str(&b, "</specifications></ids>");
    view_status st;
    char *xml = view_buf_take(&b, NULL, &st);
    assert_int_equal(st, VIEW_OK);
    return xml;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p != NULL; p = strstr(p + 1, what))
        n++;
    return n;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_500_specifications(void **state)
{
    (void)state;
    char *xml = big_document(500);
    loaded l = load(xml, true);
    free(xml);
    view_input in = {.doc = l.doc, .report = l.report, .check = NULL};
    char *md = NULL, *page = NULL;
    size_t md_len = 0, page_len = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(view_markdown(&in, &md, &md_len), VIEW_OK);
    double md_ms = ms_since(&t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(view_html_page(&in, NULL, &page, &page_len), VIEW_OK);
    double page_ms = ms_since(&t0);
    /* A figure for people, not an assertion (bench/bench_view measures). */
    print_message("500 specifications: markdown %zu bytes in %.1f ms, page %zu bytes in %.1f ms\n",
                  md_len, md_ms, page_len, page_ms);
    assert_int_equal(count(md, "\n## "), 500);
    assert_int_equal(count(page, "<section class=\"spec\" id=\"spec-"), 500);
    assert_non_null(strstr(page, "<section class=\"spec\" id=\"spec-500\"><h2><span class=\"num\">"
                                 "500.</span> Spec 500</h2>"));
    assert_int_equal(count(md, "| 1 | Pset_WallCommon.FireRating must be one of REI30, REI60 "
                               "(data type IfcLabel) | required |  |\n"),
                     500);
    /* A long document starts with its contents folded. */
    assert_non_null(strstr(page, "<nav class=\"toc\"><details><summary>Specifications (500)"));

    /* A page of specifications: the header whole, 3 sections. */
    view_input part = in;
    part.spec_first = 10;
    part.spec_count = 3;
    char *out_md = NULL, *out_html = NULL;
    assert_int_equal(view_markdown(&part, &out_md, NULL), VIEW_OK);
    assert_non_null(strstr(out_md, "\n500 specifications. Valid: no findings.\n"
                                   "Showing specifications 11 to 13 of 500.\n\n## 11. Spec 11\n"));
    assert_int_equal(count(out_md, "\n## "), 3);
    assert_non_null(strstr(out_md, "\n## 13. Spec 13\n"));
    assert_int_equal(view_html_body(&part, &out_html, NULL), VIEW_OK);
    assert_int_equal(count(out_html, "<section class=\"spec\""), 3);
    assert_int_equal(count(out_html, "<li><a href=\"#spec-"), 3);
    assert_non_null(strstr(out_html, "<li><a href=\"#spec-11\">Spec 11</a>"));
    assert_non_null(strstr(out_html, "<span class=\"range\">showing 11 to 13</span>"));
    free(out_md);
    free(out_html);
    part.spec_first = 499;
    part.spec_count = 5;
    assert_int_equal(view_markdown(&part, &out_md, NULL), VIEW_OK);
    assert_non_null(strstr(out_md, "Showing specifications 500 to 500 of 500.\n"));
    assert_int_equal(count(out_md, "\n## "), 1);
    free(out_md);
    part.spec_first = 500;
    out_md = (char *)"untouched";
    assert_int_equal(view_markdown(&part, &out_md, NULL), VIEW_ERR_INVALID_ARG);
    assert_null(out_md);
    assert_int_equal(view_html_page(&part, NULL, &out_md, NULL), VIEW_ERR_INVALID_ARG);

    /* Over the cap: nothing, and it says why. */
    view_input capped = in;
    capped.max_bytes = 64 * 1024;
    char *out = (char *)"untouched";
    assert_int_equal(view_markdown(&capped, &out, NULL), VIEW_ERR_TOO_BIG);
    assert_null(out);
    assert_int_equal(view_html_body(&capped, &out, NULL), VIEW_ERR_TOO_BIG);
    assert_int_equal(view_html_page(&capped, NULL, &out, NULL), VIEW_ERR_TOO_BIG);
    free(md);
    free(page);
    unload(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown_with_findings),
        cmocka_unit_test(test_html_findings_beside_elements),
        cmocka_unit_test(test_place_of),
        cmocka_unit_test(test_check_result),
        cmocka_unit_test(test_page_shell),
        cmocka_unit_test(test_page_options),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_500_specifications),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return failed;
}
