/*
 * test_ids_pattern.c - patterns compiled within a budget, once per
 * document (src/ids/pattern.c). Issue 12: "a?" x 2000 took 17-20 s to
 * add and again at every validation, and a loaded document with six 2 KB
 * such patterns took 6 s. These tests assert what is refused and what is
 * compiled, never how long anything takes (specs/validation.md has the
 * timings, from bench/bench_patterns).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids/ids.h"
#include "ids/ids_internal.h"
#include "testutil.h"

static char *repeat(const char *unit, size_t n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * len, unit, len);
    s[len * n] = '\0';
    return s;
}

static ids_status check_pattern(const char *pattern, ids_error *err)
{
    ids_xs_item item = {IDS_XS_PATTERN, (char *)pattern};
    ids_value v = {IDS_VALUE_RESTRICTION, NULL, (char *)"xs:string", &item, 1};
    ids_error_clear(err);
    return ids_value_check(&v, err);
}

/* The reproducer: refused at once, saying what to write instead. */
static void test_costly_patterns_refused(void **state)
{
    (void)state;
    ids_library_init();
    char *bomb = repeat("a?", 2000);
    ids_error err;
    assert_int_equal(check_pattern(bomb, &err), IDS_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "refused"));
    assert_non_null(strstr(err.message, "counted repetition"));
    assert_false(ids_xsd_regex_valid(bomb));
    free(bomb);

    /* Other shapes whose compile grows as a cube or worse. */
    static const struct {
        const char *unit;
        size_t n;
    } shapes[] = {
        {"[a-z]?", 600}, {".*", 1000}, {"(a|b|c|d|e|f|g|h)?", 150}, {"(a?b?)", 400},
        {"(a|)", 600},
    };
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        char *p = repeat(shapes[i].unit, shapes[i].n);
        if (check_pattern(p, &err) != IDS_ERR_INVALID_ARG)
            fail_msg("%s x %zu was accepted", shapes[i].unit, shapes[i].n);
        free(p);
    }
    /* A counted group with minimum 0 around something that matches
     * nothing: exponential in libxml2, refused however small. */
    char *nc = repeat("(a?){0,2}", 50);
    assert_int_equal(check_pattern(nc, &err), IDS_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "can match nothing"));
    free(nc);
    assert_int_equal(check_pattern("(b*){0,3}x", &err), IDS_ERR_INVALID_ARG);
    /* What the message suggests is accepted. */
    assert_int_equal(check_pattern("a{0,2000}", &err), IDS_OK);
    assert_int_equal(check_pattern("(a?){1,3}x", &err), IDS_OK);
    assert_int_equal(check_pattern("(a{1,2})?x", &err), IDS_OK);
    ids_library_cleanup();
}

/* What real documents use stays far inside the budget. */
static void test_realistic_patterns_admitted(void **state)
{
    (void)state;
    ids_library_init();
    static const char *const ok[] = {
        "[A-Z]{2}[0-9]{3}", "EI(30|60|90)", "\\w+", ".*", "[^@]+@[^\\.]+\\..+",
        "(-|[0-9]{2,3})/(-|[0-9]{2,3})", "NumberOfRiser(s)?", "[A-Z][a-z]+( [A-Z][a-z]+)*",
        "(Pset|Qto)_[A-Za-z0-9]+", "[0-9]{1,5}(\\.[0-9]{1,2})?", "https?://[a-z0-9.-]+(/[^ ]*)?",
        "(EI|REI|R)(15|30|45|60|90|120|180|240)( ?- ?[A-Z]+)?", "\\p{Lu}\\p{Ll}*",
    };
    ids_error err;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (check_pattern(ok[i], &err) != IDS_OK)
            fail_msg("%s: %s", ok[i], err.message);
        assert_true(ids_pattern_estimate_of(ok[i]).cost < IDS_PATTERN_BUDGET / 1000);
    }
    /* 200 short words, and a 4 KB literal. */
    char words[4096] = "";
    for (int i = 0; i < 200; i++) {
        char w[16];
        snprintf(w, sizeof(w), "%sw%03dx", i ? "|" : "", i);
        strcat(words, w);
    }
    assert_int_equal(check_pattern(words, &err), IDS_OK);
    char *literal = repeat("abcd", 1024);
    assert_int_equal(check_pattern(literal, &err), IDS_OK);
    free(literal);

    /* Every pattern of the official test cases. */
    const char *dir = testutil_shared_path("testcases");
    if (dir != NULL) {
        size_t count = 0, patterns = 0;
        char **files = testutil_list_ids_files(dir, &count);
        for (size_t i = 0; i < count; i++) {
            ids_doc *doc = NULL;
            ids_error_clear(&err);
            assert_int_equal(ids_doc_load_file(files[i], NULL, &doc, &err), IDS_OK);
            for (xmlNode *n = xmlDocGetRootElement(doc->xml); n != NULL;) {
                if (ids_node_is_xs(n, "pattern")) {
                    const char *v = ids_attr_peek(n, "value");
                    if (v != NULL) {
                        patterns++;
                        ids_pattern_estimate e = ids_pattern_estimate_of(v);
                        if (e.nullable_counted || e.cost > IDS_PATTERN_BUDGET / 100)
                            fail_msg("%s: pattern %s costs %.0f", files[i], v, e.cost);
                    }
                }
                if (n->children != NULL && n->children->type == XML_ELEMENT_NODE) {
                    n = n->children;
                    continue;
                }
                while (n != NULL && ids_next_element(n) == NULL)
                    n = n->parent != NULL && n->parent->type == XML_ELEMENT_NODE ? n->parent
                                                                                : NULL;
                if (n != NULL)
                    n = ids_next_element(n);
            }
            ids_doc_free(doc);
        }
        testutil_free_list(files, count);
        assert_true(patterns > 50);
    }
    ids_library_cleanup();
}

/* A document of n specifications whose requirement restricts a property
 * value with pattern text[i % n_texts]. */
static char *doc_with_patterns(const char *const *texts, size_t n_texts, size_t n)
{
    size_t cap = 4096;
    for (size_t i = 0; i < n; i++)
        cap += strlen(texts[i % n_texts]) + 600;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t used = (size_t)snprintf(buf, cap,
                                   "<ids xmlns=\"" IDS_NAMESPACE "\" xmlns:xs=\"" IDS_XS_NAMESPACE
                                   "\"><info><title>P</title></info><specifications>");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(
            buf + used, cap - used,
            "<specification name=\"S%zu\" ifcVersion=\"IFC4\"><applicability><entity><name>"
            "<simpleValue>IFCWALL</simpleValue></name></entity></applicability>"
            "<requirements><attribute><name><simpleValue>Name</simpleValue></name><value>"
            "<xs:restriction base=\"xs:string\"><xs:pattern value=\"%s\"/></xs:restriction>"
            "</value></attribute></requirements></specification>",
            i, texts[i % n_texts]);
    snprintf(buf + used, cap - used, "</specifications></ids>");
    return buf;
}

static ids_report *validate(const ids_doc *doc)
{
    ids_report *r = NULL;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_validate(doc, NULL, &r, &err), IDS_OK);
    return r;
}

static size_t count_x4(const ids_report *r, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        if (strcmp(r->findings[i].rule, "X4") == 0 &&
            (needle == NULL || strstr(r->findings[i].message, needle) != NULL))
            n++;
    return n;
}

/* The loaded document with six 2 KB bombs: validation reports them
 * without compiling them. */
static void test_loaded_bombs_reported_not_compiled(void **state)
{
    (void)state;
    ids_library_init();
    char *bomb = repeat("a?", 1000);
    const char *texts[] = {bomb};
    char *xml = doc_with_patterns(texts, 1, 6);
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err), IDS_OK);
    ids_report *r = validate(doc);
    assert_int_equal(count_x4(r, "too complex to check"), 6);
    assert_false(r->audit_valid);
    assert_int_equal(ids_pattern_compiles(doc), 0);
    ids_report_free(r);
    ids_doc_free(doc);
    free(xml);
    free(bomb);
    ids_library_cleanup();
}

/* Each distinct pattern is compiled once per document, however often it
 * occurs and however often the document is validated. */
static void test_compiled_once_per_document(void **state)
{
    (void)state;
    ids_library_init();
    const char *texts[] = {"[A-Z]{2}[0-9]{3}", "EI(30|60|90)", "Foo.*", "a\\/b"};
    char *xml = doc_with_patterns(texts, 4, 200);
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err), IDS_OK);
    ids_report *r = validate(doc);
    /* "a\/b" is refused by XSD and compiles once its escape is dropped:
     * a warning, for each of its 50 occurrences. */
    assert_int_equal(count_x4(r, NULL), 50);
    ids_report_free(r);
    size_t compiles = ids_pattern_compiles(doc);
    assert_int_equal(compiles, 5); /* 4 texts and the fixed form of one */
    for (int i = 0; i < 3; i++) {
        r = validate(doc);
        assert_int_equal(count_x4(r, NULL), 50);
        ids_report_free(r);
    }
    assert_int_equal(ids_pattern_compiles(doc), compiles);
    /* Editing with a pattern the document already has compiles nothing
     * either. */
    ids_xs_item item = {IDS_XS_PATTERN, (char *)"EI(30|60|90)"};
    ids_value v = {IDS_VALUE_RESTRICTION, NULL, (char *)"xs:string", &item, 1};
    ids_error_clear(&err);
    assert_int_equal(ids_doc_value_check(doc, &v, &err), IDS_OK);
    assert_int_equal(ids_pattern_compiles(doc), compiles);
    ids_doc_free(doc);
    free(xml);
    ids_library_cleanup();
}

/* One validation compiles at most IDS_PATTERN_DOC_BUDGET of estimated
 * work; what is over is reported as not checked, the same way at every
 * validation. */
static void test_validation_budget(void **state)
{
    (void)state;
    ids_library_init();
    /* Distinct patterns just under the per-pattern budget that compile
     * fast: counted groups (estimated at three times their work). */
    size_t per = 0;
    char *unit = NULL;
    for (size_t n = 1;; n++) {
        char *p = repeat("(a?){1,2}", n);
        if (ids_pattern_estimate_of(p).cost > IDS_PATTERN_BUDGET * 0.9) {
            free(p);
            break;
        }
        free(unit);
        unit = p;
        per = n;
    }
    assert_true(per > 10);
    enum { N = 40 };
    char *texts[N];
    for (size_t i = 0; i < N; i++) {
        size_t len = strlen(unit) + 16;
        texts[i] = malloc(len);
        snprintf(texts[i], len, "%sx%zu", unit, i);
    }
    char *xml = doc_with_patterns((const char *const *)texts, N, N);
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err), IDS_OK);
    size_t unchecked[2];
    for (int round = 0; round < 2; round++) {
        ids_report *r = validate(doc);
        unchecked[round] = count_x4(r, "was not checked");
        ids_report_free(r);
    }
    double each = ids_pattern_estimate_of(texts[0]).cost;
    size_t fit = (size_t)(IDS_PATTERN_DOC_BUDGET / each);
    assert_int_equal(unchecked[0], N - fit);
    assert_int_equal(unchecked[1], unchecked[0]);
    assert_true(ids_pattern_compiles(doc) <= fit);
    ids_doc_free(doc);
    free(xml);
    for (size_t i = 0; i < N; i++)
        free(texts[i]);
    free(unit);
    ids_library_cleanup();
}

/* Patterns the IFC audit runs against every name of a version are
 * compiled only when matching stays cheap: libxml2 backtracks, and
 * (A|AA)*Q took 0.6 s per 36-character subject, A? x 30 A x 30 2.3 s; an
 * entity name restricted by ([A-Z]|[A-Z][A-Z])*q took 72 s to validate
 * against the classes of IFC4. */
static void test_matching_gate(void **state)
{
    (void)state;
    ids_library_init();
    static const char *const refused[] = {
        "(A|AA)*Q", "([A-Z]|A)*Q", "([A-Z]|[A-Z][A-Z])*q", "(.*A){10}Q", "([A-Z]{1,2}){1,30}Q", "([A-Z]?[A-Z]?){12}Q",
        ".*.*.*.*.*.*Q", "A*A*A*Q",
        "A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?A?AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "(A|B)?(A|B)?(A|B)?(A|B)?(A|B)?(A|B)?(A|B)?Q",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        xmlRegexpPtr re = ids_regex_compile(refused[i]);
        if (re != NULL)
            fail_msg("%s was compiled for matching", refused[i]);
        /* Still a valid pattern for the document. */
        assert_true(ids_xsd_regex_valid(refused[i]));
    }
    static const char *const judged[] = {
        "IFC.*TYPE", "[A-Z]+_[A-Z]+", "(IFC)?[A-Z]*WALL[A-Z]*", ".*Name.*", "IFCWALL.*",
        "IFC(WALL|SLAB|BEAM)", "Pset_.*Common", "\\w+", ".*",
    };
    for (size_t i = 0; i < sizeof(judged) / sizeof(judged[0]); i++) {
        xmlRegexpPtr re = ids_regex_compile(judged[i]);
        if (re == NULL)
            fail_msg("%s was not compiled for matching", judged[i]);
        xmlRegFreeRegexp(re);
    }

    /* A document whose entity name is such a pattern validates, the
     * pattern not judged against the IFC classes. */
    char xml[2048];
    snprintf(xml, sizeof(xml),
             "<ids xmlns=\"" IDS_NAMESPACE "\" xmlns:xs=\"" IDS_XS_NAMESPACE "\"><info>"
             "<title>M</title></info><specifications><specification name=\"S\" "
             "ifcVersion=\"IFC2X3 IFC4 IFC4X3_ADD2\"><applicability minOccurs=\"1\" "
             "maxOccurs=\"unbounded\"><entity><name><xs:restriction base=\"xs:string\">"
             "<xs:pattern value=\"([A-Z]|[A-Z][A-Z])*q\"/></xs:restriction></name></entity>"
             "</applicability></specification></specifications></ids>");
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    assert_int_equal(ids_doc_load_string(xml, strlen(xml), NULL, &doc, &err), IDS_OK);
    ids_report *r = validate(doc);
    assert_int_equal(count_x4(r, NULL), 0);
    ids_report_free(r);
    ids_doc_free(doc);
    ids_library_cleanup();
}

/* The estimate reads any text without trouble: unbalanced groups, stray
 * quantifiers, unterminated classes, deep nesting, bytes of any kind. */
static void test_estimate_on_junk(void **state)
{
    (void)state;
    ids_library_init();
    static const char *const junk[] = {
        "", "(", ")", "((((", "))))", "[", "[a-", "\\", "a{", "a{1", "a{1,", "a{,2}",
        "a{2,1}", "*", "+?", "|||", "(|)", "[[[[]", "\\p{", "\\p{L", "a{99999999999}",
        "(a|b", "a)b(c", "\xE4\xB8\xAD{2}", "\xF0\x9F\x98\x80?",
    };
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        ids_pattern_estimate e = ids_pattern_estimate_of(junk[i]);
        assert_true(e.cost >= 0);
        (void)ids_pattern_check(NULL, junk[i], NULL, 0);
    }
    char *deep = repeat("(", 60);
    assert_true(ids_pattern_estimate_of(deep).too_deep);
    assert_int_equal(ids_pattern_check(NULL, deep, NULL, 0), IDS_PATTERN_INVALID);
    free(deep);
    ids_library_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_costly_patterns_refused),
        cmocka_unit_test(test_realistic_patterns_admitted),
        cmocka_unit_test(test_loaded_bombs_reported_not_compiled),
        cmocka_unit_test(test_compiled_once_per_document),
        cmocka_unit_test(test_validation_budget),
        cmocka_unit_test(test_matching_gate),
        cmocka_unit_test(test_estimate_on_junk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
