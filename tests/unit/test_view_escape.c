/*
 * test_view_escape.c - hostile strings as inert text, in Markdown and in
 * HTML: the escaping table, links only for http(s), the code spans of
 * patterns, a hostile document and a hostile check result end to end,
 * and the SHA-256 the CSP names the page's script and style by.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"
#include "view/view_internal.h"

static char *render(view_mode mode, view_md_lines lines, const char *s)
{
    base_buf b = {0};
    view_put_text(&b, mode, lines, s, strlen(s));
    view_status st;
    char *out = view_buf_take(&b, NULL, &st);
    assert_int_equal(st, VIEW_OK);
    return out;
}

static void expect(view_mode mode, view_md_lines lines, const char *in, const char *want)
{
    char *got = render(mode, lines, in);
    if (strcmp(got, want) != 0)
        fail_msg("%s of \"%s\": got \"%s\", want \"%s\"", mode == VIEW_MODE_MD ? "md" : "html",
                 in, got, want);
    free(got);
}

/* The table: input, Markdown, HTML. */
static const struct {
    const char *in;
    const char *md;
    const char *html;
} table[] = {
    {"<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>",
     "&lt;script&gt;alert(1)&lt;/script&gt;"},
    {"\"><img src=x onerror=alert(1)>", "\"\\>\\<img src=x onerror=alert(1)\\>",
     "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
    {"'><svg onload=alert(1)>", "'\\>\\<svg onload=alert(1)\\>",
     "&#39;&gt;&lt;svg onload=alert(1)&gt;"},
    {"javascript:alert(1)", "javascript:alert(1)", "javascript:alert(1)"},
    {"</style>", "\\</style\\>", "&lt;/style&gt;"},
    {"<!--", "\\<!--", "&lt;!--"},
    {"]]>", "\\]\\]\\>", "]]&gt;"},
    {"a\xE2\x80\xA8" "b", "a\xE2\x9F\xA8U+2028\xE2\x9F\xA9" "b",
     "a\xE2\x9F\xA8U+2028\xE2\x9F\xA9" "b"},
    {"a\xE2\x80\xA9" "b", "a\xE2\x9F\xA8U+2029\xE2\x9F\xA9" "b",
     "a\xE2\x9F\xA8U+2029\xE2\x9F\xA9" "b"},
    {"\xE2\x80\xAE" "evil", "\xE2\x9F\xA8U+202E\xE2\x9F\xA9" "evil",
     "\xE2\x9F\xA8U+202E\xE2\x9F\xA9" "evil"},
    {"\xE2\x81\xA6x\xE2\x81\xA9", "\xE2\x9F\xA8U+2066\xE2\x9F\xA9x\xE2\x9F\xA8U+2069\xE2\x9F\xA9",
     "\xE2\x9F\xA8U+2066\xE2\x9F\xA9x\xE2\x9F\xA8U+2069\xE2\x9F\xA9"},
    {"\xE2\x80\x8F\xD8\x9C\xEF\xBB\xBF",
     "\xE2\x9F\xA8U+200F\xE2\x9F\xA9\xE2\x9F\xA8U+061C\xE2\x9F\xA9\xE2\x9F\xA8U+FEFF\xE2\x9F\xA9",
     "\xE2\x9F\xA8U+200F\xE2\x9F\xA9\xE2\x9F\xA8U+061C\xE2\x9F\xA9\xE2\x9F\xA8U+FEFF\xE2\x9F\xA9"},
    {"\x01\x1B[31m\x7F", "\xE2\x9F\xA8U+0001\xE2\x9F\xA9\xE2\x9F\xA8U+001B\xE2\x9F\xA9\\[31m"
                         "\xE2\x9F\xA8U+007F\xE2\x9F\xA9",
     "\xE2\x9F\xA8U+0001\xE2\x9F\xA9\xE2\x9F\xA8U+001B\xE2\x9F\xA9[31m\xE2\x9F\xA8U+007F\xE2\x9F\xA9"},
    {"\xC2\x85", "\xE2\x9F\xA8U+0085\xE2\x9F\xA9", "\xE2\x9F\xA8U+0085\xE2\x9F\xA9"},
    /* Invalid UTF-8: a bad lead byte, an overlong form, a surrogate, a cut sequence. */
    {"\xFF|\xC0\xAF|\xED\xA0\x80|\xE2\x82", "\xEF\xBF\xBD\\|\xEF\xBF\xBD\xEF\xBF\xBD\\|"
                                            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\\|"
                                            "\xEF\xBF\xBD\xEF\xBF\xBD",
     "\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|"
     "\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))",
     "[click](javascript:alert(1))"},
    {"![x](http://e.example/p.png)", "!\\[x\\](http\\://e.example/p.png)",
     "![x](http://e.example/p.png)"},
    {"<http://evil.example>", "\\<http\\://evil.example\\>", "&lt;http://evil.example&gt;"},
    {"see http://evil.example", "see http\\://evil.example", "see http://evil.example"},
    {"www.evil.example or awww.x", "www\\.evil.example or awww.x",
     "www.evil.example or awww.x"},
    {"me@evil.example, a @ b", "me\\@evil.example, a @ b", "me@evil.example, a @ b"},
    {"*b* _i_ Pset_WallCommon __x", "\\*b\\* \\_i\\_ Pset_WallCommon \\_\\_x",
     "*b* _i_ Pset_WallCommon __x"},
    {"a|b `c` # d ~~e~~ $f$", "a\\|b \\`c\\` \\# d \\~\\~e\\~\\~ \\$f\\$",
     "a|b `c` # d ~~e~~ $f$"},
    {"&amp; &#60; Walls & doors", "\\&amp; \\&\\#60; Walls & doors",
     "&amp;amp; &amp;#60; Walls &amp; doors"},
    {"back\\slash", "back\\\\slash", "back\\slash"},
    {"\xC3\xA9t\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC", "\xC3\xA9t\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC",
     "\xC3\xA9t\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC"},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        expect(VIEW_MODE_MD, VIEW_MD_INLINE, table[i].in, table[i].md);
        expect(VIEW_MODE_HTML, VIEW_MD_INLINE, table[i].in, table[i].html);
        /* Plain words keep the string as it is. */
        expect(VIEW_MODE_TEXT, VIEW_MD_INLINE, table[i].in, table[i].in);
    }
}

static void test_line_breaks(void **state)
{
    (void)state;
    expect(VIEW_MODE_MD, VIEW_MD_INLINE, "a\nb\r\nc\rd\te", "a b c d e");
    /* Continued lines in a list item: a hard break, indented, leading
     * blanks dropped and every block marker escaped. */
    expect(VIEW_MODE_MD, VIEW_MD_BREAKS, "a\n# b\n- c\n+ d\n1. e\n22) f\n    g\n= h\n> i",
           "a\\\n  \\# b\\\n  \\- c\\\n  \\+ d\\\n  1\\. e\\\n  22\\) f\\\n  g\\\n  \\= h\\\n"
           "  \\> i");
    expect(VIEW_MODE_MD, VIEW_MD_BREAKS, "1. not at the start", "1. not at the start");
    expect(VIEW_MODE_HTML, VIEW_MD_INLINE, "a\r\nb\rc\nd", "a&#10;b&#10;c&#10;d");
}

static void test_patterns(void **state)
{
    (void)state;
    base_buf b = {0};
    view_put_md_pattern(&b, "[A-Z]`x``y|z", true);
    BASE_BUF_LITERAL(&b, " ");
    view_put_md_pattern(&b, "a|b\nc", false);
    BASE_BUF_LITERAL(&b, " ");
    view_put_md_pattern(&b, "\xE2\x80\xAE", false);
    view_status st;
    char *out = view_buf_take(&b, NULL, &st);
    assert_string_equal(out, "```/[A-Z]`x``y\\|z/``` `/a|b c/` `/\xE2\x9F\xA8U+202E\xE2\x9F\xA9/`");
    free(out);
}

static char *uri(view_mode mode, const char *s)
{
    base_buf b = {0};
    view_put_uri(&b, mode, s);
    view_status st;
    char *out = view_buf_take(&b, NULL, &st);
    assert_int_equal(st, VIEW_OK);
    return out;
}

static void test_uris(void **state)
{
    (void)state;
    static const char *const not_links[] = {
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", " https://x.example", "https:///x",
        "http://", "data:text/html,<script>alert(1)</script>", "https://ex ample.org",
        "https://\xC3\xA9.example", "ftp://x.example", "//evil.example", "vbscript:x",
        "https://x.example/\"onmouseover=\"alert(1)", "java\tscript:alert(1)",
    };
    for (size_t i = 0; i < sizeof(not_links) / sizeof(not_links[0]); i++) {
        assert_false(view_uri_linkable(not_links[i]));
        char *html = uri(VIEW_MODE_HTML, not_links[i]);
        assert_null(strstr(html, "<a"));
        assert_null(strstr(html, "href"));
        free(html);
        char *md = uri(VIEW_MODE_MD, not_links[i]);
        assert_null(strstr(md, "]("));
        free(md);
    }
    assert_true(view_uri_linkable("HTTPS://EXAMPLE.ORG"));
    char *html = uri(VIEW_MODE_HTML, "https://example.org/a?b=1&c='2'");
    assert_string_equal(html, "<a href=\"https://example.org/a?b=1&amp;c=&#39;2&#39;\" "
                              "rel=\"noopener noreferrer nofollow\" target=\"_blank\">"
                              "https://example.org/a?b=1&amp;c=&#39;2&#39;</a>");
    free(html);
    char *md = uri(VIEW_MODE_MD, "https://example.org/a_(b)?c=1&d=[2]");
    assert_string_equal(md, "[https://example.org/a\\_(b)?c=1\\&d=\\[2\\]]"
                            "(https://example.org/a_%28b%29?c=1\\&d=%5B2%5D)");
    free(md);
    char *text = uri(VIEW_MODE_TEXT, "https://example.org");
    assert_string_equal(text, "https://example.org");
    free(text);
}

/* ---- hostile documents end to end ---- */

#define EVIL_SCRIPT "&lt;script&gt;window.__xss=1&lt;/script&gt;"
#define EVIL_IMG "&quot;&gt;&lt;img src=x onerror=window.__xss=1&gt;"

static const char *const hostile_ids =
    "<ids xmlns=\"http://standards.buildingsmart.org/IDS\""
    " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
    " xsi:schemaLocation=\"" IDS_SCHEMA_LOCATION "\">"
    "<info><title>" EVIL_SCRIPT "</title><description>&lt;/style&gt;&lt;!-- ]]&gt;"
    "</description><author>" EVIL_IMG "@x.y</author></info><specifications>"
    "<specification name=\"" EVIL_IMG "\" ifcVersion=\"IFC4\" identifier=\"javascript:"
    "window.__xss=1\" description=\"\xE2\x80\xAE" "txt.exe\" instructions=\"a&#x2028;b\">"
    "<applicability minOccurs=\"1\" maxOccurs=\"unbounded\"><entity><name><simpleValue>"
    EVIL_SCRIPT "</simpleValue></name></entity></applicability>"
    "<requirements><property dataType=\"IFCLABEL\" uri=\"javascript:window.__xss=1\""
    " instructions=\"" EVIL_IMG "\"><propertySet><simpleValue>[x](javascript:alert(1))"
    "</simpleValue></propertySet><baseName><simpleValue>" EVIL_SCRIPT "</simpleValue>"
    "</baseName><value><xs:restriction base=\"xs:string\"><xs:pattern value=\"&lt;/code&gt;"
    "`|\"/></xs:restriction></value></property>"
    "<material uri=\"https://ok.example/m?a=1&amp;b='c'\"><value><simpleValue>"
    "&lt;img src=x&gt;</simpleValue></value></material></requirements></specification>"
    "</specifications></ids>";

static ids_doc *load(const char *xml)
{
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err), IDS_OK);
    return doc;
}

/* Every '<' in html opens one of the renderer's own elements. */
static void expect_only_own_tags(const char *html)
{
    static const char *const own[] = {
        "article", "header", "p", "h1", "h2", "h3", "dl", "div", "dt", "dd", "span", "section",
        "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "b", "code", "a", "nav",
        "details", "summary", "ol",
    };
    for (const char *p = strchr(html, '<'); p != NULL; p = strchr(p + 1, '<')) {
        const char *name = p[1] == '/' ? p + 2 : p + 1;
        size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
        bool known = false;
        for (size_t i = 0; i < sizeof(own) / sizeof(own[0]) && !known; i++)
            known = strlen(own[i]) == n && strncmp(own[i], name, n) == 0;
        if (!known)
            fail_msg("unexpected tag at: %.40s", p);
    }
}

/* Outside code spans and the one link expected (own_link, may be NULL),
 * every < [ ] of md is escaped with a backslash. */
static void expect_no_raw_markup(const char *md, const char *own_link)
{
    for (const char *p = md; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            continue;
        }
        if (*p == '`') {
            size_t fence = strspn(p, "`");
            const char *end = p + fence;
            for (;;) {
                end = strchr(end, '`');
                assert_non_null(end);
                size_t run = strspn(end, "`");
                if (run == fence)
                    break;
                end += run;
            }
            p = end + fence - 1;
            continue;
        }
        if (own_link != NULL && strncmp(p, own_link, strlen(own_link)) == 0) {
            p += strlen(own_link) - 1;
            continue;
        }
        if (*p == '<' || *p == '[' || *p == ']')
            fail_msg("raw markup in markdown at: %.40s", p);
    }
}

static void test_hostile_document(void **state)
{
    (void)state;
    ids_doc *doc = load(hostile_ids);
    view_input in = {.doc = doc, .report = NULL, .check = NULL};
    char *html = NULL, *md = NULL;
    size_t len = 0;
    assert_int_equal(view_html_body(&in, &html, &len), VIEW_OK);
    assert_int_equal(strlen(html), len);
    assert_null(strchr(html, '\n'));
    assert_null(strchr(html, '\r'));
    expect_only_own_tags(html);
    assert_null(strstr(html, "javascript:window.__xss=1\""));
    assert_non_null(strstr(html, "<h1 dir=\"auto\">&lt;script&gt;window.__xss=1&lt;/script&gt;"
                                 "</h1>"));
    /* The only link is the https one, its attribute escaped. */
    const char *a = strstr(html, "<a href=\"https://ok.example/m?a=1&amp;b=&#39;c&#39;\"");
    assert_non_null(a);
    assert_null(strstr(a + 1, "<a href=\"http"));
    assert_non_null(strstr(html, "(see javascript:window.__xss=1)"));
    assert_non_null(strstr(html, "\xE2\x9F\xA8U+202E\xE2\x9F\xA9txt.exe"));
    assert_non_null(strstr(html, "a\xE2\x9F\xA8U+2028\xE2\x9F\xA9" "b"));
    assert_null(strstr(html, "\xE2\x80\xAE"));
    assert_null(strstr(html, "\xE2\x80\xA8"));

    assert_int_equal(view_markdown(&in, &md, &len), VIEW_OK);
    /* Every < and [ that comes from the document is escaped; the only
     * link is the https one. */
    expect_no_raw_markup(md, "[https://ok.example/m?a=1\\&b='c']"
                             "(https://ok.example/m?a=1\\&b='c')");
    assert_non_null(strstr(md, "# \\<script\\>window.\\_\\_xss=1\\</script\\>\n"));
    free(md);
    free(html);
    ids_doc_free(doc);
}

static void test_hostile_check(void **state)
{
    (void)state;
    /* Strings from a model may be anything a STEP file holds, controls too. */
    view_check_element els[] = {
        {"<script>window.__xss=1</script>", "IfcWall\x01", "\"><img src=x onerror=alert(1)>",
         "\x1B[31mred\xE2\x80\xAE", 12},
    };
    view_check_requirement reqs[] = {{"</style><!--", 1, els, 1}};
    view_check_spec specs[] = {{"]]>\xE2\x80\xA8", "javascript:alert(1)", "<b>x</b>",
                                VIEW_USAGE_REQUIRED, VIEW_CHECK_FAIL, 1, 0, 1, "\xFF", reqs, 1}};
    view_check_result check = {"<i>t</i>", "model<.ifc", "IFC4", specs, 1, false,
                               "<img src=x onerror=alert(2)>"};
    view_input in = {.doc = NULL, .report = NULL, .check = &check};
    char *html = NULL, *md = NULL;
    assert_int_equal(view_html_body(&in, &html, NULL), VIEW_OK);
    expect_only_own_tags(html);
    assert_null(strchr(html, '\n'));
    assert_non_null(strstr(html, "<td class=\"gid\">&lt;script&gt;window.__xss=1&lt;/script&gt;"
                                 "</td><td>IfcWall\xE2\x9F\xA8U+0001\xE2\x9F\xA9 <span "
                                 "class=\"step\">#12</span></td>"));
    assert_non_null(strstr(html, "\xE2\x9F\xA8U+001B\xE2\x9F\xA9[31mred"
                                 "\xE2\x9F\xA8U+202E\xE2\x9F\xA9"));
    assert_non_null(strstr(html, "&lt;img src=x onerror=alert(2)&gt;</p>"));
    assert_int_equal(view_markdown(&in, &md, NULL), VIEW_OK);
    assert_non_null(strstr(md, "\\<img src=x onerror=alert(2)\\>"));
    expect_no_raw_markup(md, NULL);
    assert_non_null(strstr(md, "| \\<script\\>window.\\_\\_xss=1\\</script\\> | IfcWall"
                               "\xE2\x9F\xA8U+0001\xE2\x9F\xA9 \\#12 | \"\\>\\<img src=x "
                               "onerror=alert(1)\\> | \xE2\x9F\xA8U+001B\xE2\x9F\xA9\\[31mred"
                               "\xE2\x9F\xA8U+202E\xE2\x9F\xA9 |\n"));
    assert_non_null(strstr(md, "- **Note:** \xEF\xBF\xBD\n"));
    free(md);
    free(html);
}

/* ---- SHA-256 ---- */

static void hex(const uint8_t d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_sha256(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *hex;
    } vectors[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        /* 64 bytes: the padding takes a block of its own. */
        {"0123456789012345678901234567890123456789012345678901234567890123",
         "9674d9e078535b7cec43284387a6ee39956188e735a85452b0050b55341cda56"},
    };
    uint8_t d[32];
    char h[65];
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        view_sha256(vectors[i].in, strlen(vectors[i].in), d);
        hex(d, h);
        assert_string_equal(h, vectors[i].hex);
    }
    size_t n = 1000000;
    char *million = malloc(n);
    assert_non_null(million);
    memset(million, 'a', n);
    view_sha256(million, n, d);
    hex(d, h);
    assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);

    char csp[60];
    view_csp_hash("", csp);
    assert_string_equal(csp, "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    view_csp_hash("abc", csp);
    assert_string_equal(csp, "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),           cmocka_unit_test(test_line_breaks),
        cmocka_unit_test(test_patterns),        cmocka_unit_test(test_uris),
        cmocka_unit_test(test_hostile_document), cmocka_unit_test(test_hostile_check),
        cmocka_unit_test(test_sha256),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return failed;
}
