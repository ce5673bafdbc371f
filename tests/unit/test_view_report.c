/*
 * test_view_report.c - the reports of an IFC check result (view_report):
 * format names; JUnit read back with libxml2 (one suite per
 * specification, one case per requirement, failures with their elements,
 * the applicability case, skipped requirements, counts); Markdown and HTML
 * equal to the view's renderings; hostile strings inert and well-formed
 * in every format; passing requirements; caps and bad arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "testutil.h"
#include "view/view.h"

/* ---- a check result built by hand ---- */

/* What a model's author controls: names, GlobalIds, reasons. */
#define HOSTILE_NAME "</testsuite><script>alert(1)</script>&amp;\"'\x01\x1B]]>"
#define HOSTILE_GID "2O2Fr$t4X7\"<>&\xFF\xEF\xBF\xBF"
#define HOSTILE_REASON "\xE2\x80\xAE" "evil\r\nline2 <![CDATA[x]]> &#0;"

static const view_check_element wall_elements[] = {
    {"2O2Fr$t4X7Zf8NOew3FLOH", "IfcWall", "Wall-01", "FireRating is missing", 42},
    {"1hqIFTRjfV6AWq_bMtnZwI", "IfcWall", NULL, "FireRating is 'EI30', not one of REI30, REI60",
     0},
};
static const view_check_element hostile_elements[] = {
    {HOSTILE_GID, "IfcDoor", HOSTILE_NAME, HOSTILE_REASON, 7},
    {NULL, NULL, NULL, NULL, 0},
};
static const view_check_requirement wall_requirements[] = {
    {"Pset_WallCommon.FireRating must be one of REI30, REI60", 3, wall_elements, 2},
    {"Name must have a value", 0, NULL, 0}, /* passed */
};
static const view_check_requirement hostile_requirements[] = {
    {HOSTILE_NAME, 2, hostile_elements, 2},
};
static const view_check_requirement door_requirements[] = {
    {"Name must be D-01", 0, NULL, 0},
};
static const view_check_spec check_specs[] = {
    {"Walls", "W-1", "All IfcWall elements (IFC4)", VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 10, 7,
     3, NULL, wall_requirements, 2},
    {"Doors", NULL, NULL, VIEW_USAGE_OPTIONAL, VIEW_CHECK_NOT_APPLICABLE, 0, 0, 0, NULL,
     door_requirements, 1},
    {"Slabs", NULL, "All IfcSlab elements", VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 0, 0, 0, NULL,
     NULL, 0},
    {HOSTILE_NAME, HOSTILE_NAME, HOSTILE_REASON, VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 2, 0, 2,
     HOSTILE_REASON, hostile_requirements, 1},
};
static const view_check_result check = {"Walls and doors " HOSTILE_NAME, "house.ifc", "IFC4",
                                        check_specs, 4, false, NULL};

static char *report(view_report_format f, const view_check_result *c,
                    const view_report_options *o, size_t *len)
{
    base_buf b = {0};
    view_status st = view_report(&b, f, c, o);
    assert_int_equal(st, VIEW_OK);
    char *out = base_buf_take(&b, len);
    assert_non_null(out);
    return out;
}

/* ---- XML helpers ---- */

static xmlDocPtr parse_xml(const char *text, size_t len)
{
    xmlDocPtr doc = xmlReadMemory(text, (int)len, "report.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOENT);
    if (doc == NULL)
        fail_msg("not well-formed XML:\n%s", text);
    return doc;
}

static xmlXPathObjectPtr xpath(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    assert_non_null(ctx);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    xmlXPathFreeContext(ctx);
    assert_non_null(o);
    return o;
}

static double xnum(xmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr o = xpath(doc, expr);
    double v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    return v;
}

static char *xstr(xmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr o = xpath(doc, expr);
    xmlChar *s = xmlXPathCastToString(o);
    xmlXPathFreeObject(o);
    char *out = strdup((const char *)s);
    xmlFree(s);
    return out;
}

static void expect_str(xmlDocPtr doc, const char *expr, const char *want)
{
    char *got = xstr(doc, expr);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", expr, got, want);
    free(got);
}

/* The hostile name as text: markup characters kept as characters, the
 * controls as visible marks. */
#define HOSTILE_NAME_TEXT \
    "</testsuite><script>alert(1)</script>&amp;\"'\xE2\x9F\xA8U+0001\xE2\x9F\xA9" \
    "\xE2\x9F\xA8U+001B\xE2\x9F\xA9]]>"

/* ---- tests ---- */

static void test_format_names(void **state)
{
    (void)state;
    static const char *const names[] = {"markdown", "html", "junit", "bcf"};
    for (int f = VIEW_REPORT_MARKDOWN; f <= VIEW_REPORT_BCF; f++) {
        view_report_format got;
        assert_string_equal(view_report_format_name((view_report_format)f), names[f]);
        assert_true(view_report_format_from_name(names[f], &got));
        assert_int_equal(got, f);
        assert_int_equal(view_report_format_binary((view_report_format)f), f == VIEW_REPORT_BCF);
    }
    view_report_format got;
    assert_true(view_report_format_from_name("md", &got));
    assert_int_equal(got, VIEW_REPORT_MARKDOWN);
    assert_false(view_report_format_from_name("JUNIT", &got));
    assert_false(view_report_format_from_name("text", &got));
    assert_false(view_report_format_from_name("", &got));
    assert_false(view_report_format_from_name(NULL, &got));
}

static void test_junit(void **state)
{
    (void)state;
    view_report_options o = {.created = 1796246246}; /* 2026-12-02T21:17:26Z */
    size_t len;
    char *x = report(VIEW_REPORT_JUNIT, &check, &o, &len);
    assert_int_equal(strlen(x), len);
    xmlDocPtr doc = parse_xml(x, len);

    /* Totals: 4 applicability cases + 4 requirement cases; failures: the
     * walls' FireRating, the slabs' applicability (required, none) and
     * the hostile requirement; the doors' one requirement skipped. */
    assert_true(xnum(doc, "count(/testsuites)") == 1);
    assert_true(xnum(doc, "number(/testsuites/@tests)") == 8);
    assert_true(xnum(doc, "number(/testsuites/@failures)") == 3);
    assert_true(xnum(doc, "number(/testsuites/@skipped)") == 1);
    assert_true(xnum(doc, "count(//testcase)") == 8);
    assert_true(xnum(doc, "count(//testcase[failure])") == 3);
    assert_true(xnum(doc, "count(//testcase[skipped])") == 1);
    expect_str(doc, "/testsuites/@name", "IFC check of house.ifc");
    expect_str(doc, "/testsuites/@timestamp", "2026-12-02T21:17:26");

    /* One suite per specification, in order, with its own counts. */
    assert_true(xnum(doc, "count(/testsuites/testsuite)") == 4);
    expect_str(doc, "/testsuites/testsuite[1]/@name", "Walls");
    assert_true(xnum(doc, "number(/testsuites/testsuite[1]/@tests)") == 3);
    assert_true(xnum(doc, "number(/testsuites/testsuite[1]/@failures)") == 1);
    expect_str(doc, "/testsuites/testsuite[1]/properties/property[@name='identifier']/@value",
               "W-1");
    expect_str(doc, "/testsuites/testsuite[1]/properties/property[@name='applicable']/@value",
               "10");
    expect_str(doc, "/testsuites/testsuite[1]/properties/property[@name='model']/@value",
               "house.ifc");

    /* A case per requirement; the failing one lists its elements. */
    expect_str(doc, "/testsuites/testsuite[1]/testcase[1]/@name",
               "applicability: All IfcWall elements (IFC4) (required)");
    assert_true(xnum(doc, "count(/testsuites/testsuite[1]/testcase[1]/*)") == 0);
    expect_str(doc, "/testsuites/testsuite[1]/testcase[2]/@name",
               "Pset_WallCommon.FireRating must be one of REI30, REI60");
    expect_str(doc, "/testsuites/testsuite[1]/testcase[2]/@classname", "Walls");
    expect_str(doc, "/testsuites/testsuite[1]/testcase[2]/failure/@message",
               "3 of 10 applicable elements fail");
    expect_str(doc, "/testsuites/testsuite[1]/testcase[2]/failure",
               "2O2Fr$t4X7Zf8NOew3FLOH IfcWall #42 'Wall-01': FireRating is missing\n"
               "1hqIFTRjfV6AWq_bMtnZwI IfcWall: FireRating is 'EI30', not one of REI30, REI60\n"
               "... and 1 more\n");
    /* The passing requirement is a passing case. */
    expect_str(doc, "/testsuites/testsuite[1]/testcase[3]/@name", "Name must have a value");
    assert_true(xnum(doc, "count(/testsuites/testsuite[1]/testcase[3]/*)") == 0);

    /* Nothing applicable (optional): the requirement is skipped. */
    assert_true(xnum(doc, "number(/testsuites/testsuite[2]/@skipped)") == 1);
    assert_true(xnum(doc, "number(/testsuites/testsuite[2]/@failures)") == 0);
    assert_true(xnum(doc, "count(/testsuites/testsuite[2]/testcase[2]/skipped)") == 1);

    /* Required but nothing applies: the applicability case fails. */
    expect_str(doc, "/testsuites/testsuite[3]/testcase[1]/failure/@message",
               "required, but no element is applicable");
    assert_true(xnum(doc, "count(/testsuites/testsuite[3]/testcase)") == 1);
    expect_str(doc, "/testsuites/testsuite[3]/testcase[1]/failure/@type", "applicability");

    /* Hostile strings come back as the same text (controls as marks), and
     * added no element: 4 suites, and only the elements JUnit has. */
    expect_str(doc, "/testsuites/testsuite[4]/@name", HOSTILE_NAME_TEXT);
    expect_str(doc, "/testsuites/testsuite[4]/testcase[2]/@name", HOSTILE_NAME_TEXT);
    expect_str(doc, "/testsuites/testsuite[4]/properties/property[@name='identifier']/@value",
               HOSTILE_NAME_TEXT);
    char *body = xstr(doc, "/testsuites/testsuite[4]/testcase[2]/failure");
    assert_non_null(strstr(body, "2O2Fr$t4X7\"<>&\xEF\xBF\xBD\xE2\x9F\xA8U+FFFF\xE2\x9F\xA9 "
                                 "IfcDoor #7 '" HOSTILE_NAME_TEXT "': \xE2\x9F\xA8U+202E\xE2\x9F\xA9"
                                 "evil\nline2 <![CDATA[x]]> &#0;\n"));
    assert_non_null(strstr(body, "(no GlobalId) (class unknown)\n"));
    free(body);
    assert_true(xnum(doc, "count(//*[not(self::testsuites or self::testsuite or self::testcase "
                          "or self::failure or self::skipped or self::properties or "
                          "self::property)])") == 0);
    assert_null(strstr(x, "<script"));
    xmlFreeDoc(doc);
    free(x);

    /* created 0: no timestamp; the same input gives the same bytes. */
    char *a = report(VIEW_REPORT_JUNIT, &check, NULL, &len);
    char *b = report(VIEW_REPORT_JUNIT, &check, NULL, NULL);
    assert_string_equal(a, b);
    assert_null(strstr(a, "timestamp="));
    free(a);
    free(b);

    /* A truncated check says so in every suite. */
    view_check_result cut = check;
    cut.truncated = true;
    x = report(VIEW_REPORT_JUNIT, &cut, NULL, &len);
    doc = parse_xml(x, len);
    assert_true(xnum(doc, "count(//property[@name='truncated' and @value='true'])") == 4);
    xmlFreeDoc(doc);
    free(x);
}

/* A required specification nothing applied to: its applicability case
 * fails and its requirements, never tested, are skipped. */
static void test_junit_untested(void **state)
{
    (void)state;
    view_check_spec s = check_specs[0];
    s.status = VIEW_CHECK_FAIL;
    s.n_applicable = s.n_passed = s.n_failed = 0;
    s.requirements = door_requirements;
    s.n_requirements = 1;
    view_check_result c = {NULL, NULL, NULL, &s, 1, false, NULL};
    size_t len;
    char *x = report(VIEW_REPORT_JUNIT, &c, NULL, &len);
    xmlDocPtr doc = parse_xml(x, len);
    assert_true(xnum(doc, "number(/testsuites/@tests)") == 2);
    assert_true(xnum(doc, "number(/testsuites/@failures)") == 1);
    assert_true(xnum(doc, "number(/testsuites/@skipped)") == 1);
    assert_true(xnum(doc, "count(//testcase[1]/failure[@type='applicability'])") == 1);
    assert_true(xnum(doc, "count(//testcase[2]/skipped)") == 1);
    xmlFreeDoc(doc);
    free(x);
}

static void test_markdown_and_html(void **state)
{
    (void)state;
    view_input in = {.check = &check};

    /* The report is the view's rendering of the check alone. */
    char *md = NULL, *page = NULL;
    assert_int_equal(view_markdown(&in, &md, NULL), VIEW_OK);
    char *r = report(VIEW_REPORT_MARKDOWN, &check, NULL, NULL);
    assert_string_equal(r, md);
    /* A passing requirement is not listed as failing. */
    assert_null(strstr(r, "Name must have a value"));
    assert_non_null(strstr(r, "**Pset_WallCommon.FireRating must be one of REI30, REI60**: "
                              "3 elements fail (the first 2 listed)."));
    /* Every < of the hostile strings escaped: no HTML in the Markdown. */
    for (const char *p = strchr(r, '<'); p != NULL; p = strchr(p + 1, '<'))
        assert_true(p > r && p[-1] == '\\');
    assert_non_null(strstr(r, "\\</testsuite\\>\\<script\\>"));
    free(r);
    free(md);

    assert_int_equal(view_html_page(&in, NULL, &page, NULL), VIEW_OK);
    size_t len;
    r = report(VIEW_REPORT_HTML, &check, NULL, &len);
    assert_string_equal(r, page);
    assert_int_equal(strlen(r), len);
    assert_non_null(strstr(r, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                              "'none'"));
    assert_null(strstr(r, "Name must have a value"));
    /* Only the page's own script element. */
    const char *first = strstr(r, "<script");
    assert_non_null(first);
    assert_null(strstr(first + 1, "<script"));
    assert_null(strstr(r, "<testsuite>"));
    assert_non_null(strstr(r, "&lt;/testsuite&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;"));
    free(r);
    free(page);
}

static void test_appends_and_limits(void **state)
{
    (void)state;
    /* Appends after what the buffer holds. */
    base_buf b = {0};
    BASE_BUF_LITERAL(&b, "before\n");
    assert_int_equal(view_report(&b, VIEW_REPORT_MARKDOWN, &check, NULL), VIEW_OK);
    assert_true(strncmp(b.data, "before\n# IFC check of house.ifc\n", 32) == 0);
    size_t len = b.len;

    /* Over max_bytes: too_big, nothing appended, the buffer still fine. */
    view_report_options small = {.max_bytes = 100};
    for (int f = VIEW_REPORT_MARKDOWN; f <= VIEW_REPORT_BCF; f++) {
        view_status st = view_report(&b, (view_report_format)f, &check, &small);
        if (st != VIEW_ERR_TOO_BIG)
            fail_msg("%s: %s", view_report_format_name((view_report_format)f),
                     view_status_name(st));
        assert_int_equal(b.len, len);
        assert_int_equal(b.error, BASE_OK);
    }
    /* Over the buffer's own cap: too_big. */
    base_buf capped = {.max = 64};
    assert_int_equal(view_report(&capped, VIEW_REPORT_JUNIT, &check, NULL), VIEW_ERR_TOO_BIG);
    base_buf_free(&capped);

    /* Bad arguments. */
    assert_int_equal(view_report(NULL, VIEW_REPORT_JUNIT, &check, NULL), VIEW_ERR_INVALID_ARG);
    assert_int_equal(view_report(&b, VIEW_REPORT_JUNIT, NULL, NULL), VIEW_ERR_INVALID_ARG);
    assert_int_equal(view_report(&b, (view_report_format)99, &check, NULL),
                     VIEW_ERR_INVALID_ARG);
    view_check_result broken = {.n_specs = 2, .specs = NULL};
    assert_int_equal(view_report(&b, VIEW_REPORT_JUNIT, &broken, NULL), VIEW_ERR_INVALID_ARG);
    assert_int_equal(b.len, len);
    base_buf_free(&b);

    /* An empty check result is a valid, empty report in every format. */
    view_check_result none = {0};
    for (int f = VIEW_REPORT_MARKDOWN; f <= VIEW_REPORT_BCF; f++) {
        base_buf e = {0};
        assert_int_equal(view_report(&e, (view_report_format)f, &none, NULL), VIEW_OK);
        assert_true(e.len > 0);
        base_buf_free(&e);
    }
    char *x = report(VIEW_REPORT_JUNIT, &none, NULL, &len);
    xmlDocPtr doc = parse_xml(x, len);
    assert_true(xnum(doc, "number(/testsuites/@tests)") == 0);
    expect_str(doc, "/testsuites/@name", "IFC check");
    xmlFreeDoc(doc);
    free(x);
}

/* Many specifications: the writers stay linear (a second is generous). */
static void test_many_specs(void **state)
{
    (void)state;
    enum { N = 2000 };
    view_check_spec *specs = calloc(N, sizeof *specs);
    assert_non_null(specs);
    for (size_t i = 0; i < N; i++) {
        specs[i] = check_specs[0];
        specs[i].name = i % 2 ? "Walls" : "Doors";
    }
    view_check_result many = {"many", "big.ifc", "IFC4", specs, N, false, NULL};
    size_t len;
    char *x = report(VIEW_REPORT_JUNIT, &many, NULL, &len);
    xmlDocPtr doc = parse_xml(x, len);
    assert_true(xnum(doc, "count(/testsuites/testsuite)") == N);
    assert_true(xnum(doc, "number(/testsuites/@failures)") == N);
    xmlFreeDoc(doc);
    free(x);
    free(specs);
}

/* Random bytes in every string: the XML still parses, the text of every
 * name is valid UTF-8 and Markdown and HTML are made. A small xorshift,
 * seeded, so a failure repeats. */
static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *random_text(void)
{
    static const char *const pieces[] = {"<", ">", "&", "\"", "'", "]]>", "\r\n", "\xFF",
                                         "\xEF\xBF\xBF", "\xE2\x80\xAE", "\x01", "\xC0\xAF",
                                         "&#0;", "<![CDATA[", "a", "Wall", "\xED\xA0\x80"};
    size_t n = next_rand() % 12;
    char *s = calloc(1, 128);
    for (size_t i = 0; i < n; i++) {
        if (next_rand() % 3 == 0) {
            size_t l = strlen(s);
            s[l] = (char)(next_rand() % 255 + 1);
            s[l + 1] = '\0';
        } else {
            strcat(s, pieces[next_rand() % (sizeof pieces / sizeof *pieces)]);
        }
    }
    return s;
}

static void test_random_strings(void **state)
{
    (void)state;
    int rounds = testutil_under_valgrind() ? 20 : 300;
    for (int round = 0; round < rounds; round++) {
        char *strs[16];
        for (int i = 0; i < 16; i++)
            strs[i] = random_text();
        view_check_element els[2] = {
            {strs[0], strs[1], strs[2], strs[3], 1},
            {strs[4], strs[5], NULL, strs[6], 0},
        };
        view_check_requirement reqs[2] = {{strs[7], 3, els, 2}, {strs[8], 0, NULL, 0}};
        view_check_spec sp[2] = {
            {strs[9], strs[10], strs[11], VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 4, 1, 3, strs[12],
             reqs, 2},
            {strs[13], NULL, NULL, VIEW_USAGE_PROHIBITED, VIEW_CHECK_FAIL, 1, 0, 1, NULL, NULL, 0},
        };
        view_check_result c = {strs[14], strs[15], "IFC4", sp, 2, round % 2 == 0, NULL};
        size_t len;
        char *x = report(VIEW_REPORT_JUNIT, &c, NULL, &len);
        xmlDocPtr doc = parse_xml(x, len);
        assert_true(xnum(doc, "count(//testcase)") == 4);
        assert_true(xnum(doc, "number(/testsuites/@failures)") == 2);
        xmlFreeDoc(doc);
        free(x);
        for (int f = VIEW_REPORT_MARKDOWN; f <= VIEW_REPORT_BCF; f++) {
            base_buf b = {0};
            assert_int_equal(view_report(&b, (view_report_format)f, &c, NULL), VIEW_OK);
            if (f != VIEW_REPORT_BCF)
                assert_true(base_utf8_valid(b.data, b.len));
            base_buf_free(&b);
        }
        for (int i = 0; i < 16; i++)
            free(strs[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_junit),
        cmocka_unit_test(test_junit_untested),
        cmocka_unit_test(test_markdown_and_html),
        cmocka_unit_test(test_appends_and_limits),
        cmocka_unit_test(test_many_specs),
        cmocka_unit_test(test_random_strings),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
