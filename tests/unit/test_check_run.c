/*
 * test_check_run.c - `idsd check` as a library: verdicts against the
 * engine's on the buildingSMART test cases, the shape of the JSON and
 * JUnit reports, the input expansion (folders, "-", links, hidden
 * entries), exit statuses, and hostile file names and contents.
 *
 * Cases over the shared test-case folder are skipped when it is absent;
 * the rest build their own files in a temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/check.h"
#include "testutil.h"

/* A small valid IDS document, written for these tests. */
static const char minimal_ids[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ids xmlns=\"http://standards.buildingsmart.org/IDS\""
    " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
    " xsi:schemaLocation=\"http://standards.buildingsmart.org/IDS"
    " http://standards.buildingsmart.org/IDS/1.0/ids.xsd\">\n"
    "  <info><title>t</title></info>\n"
    "  <specifications>\n"
    "    <specification name=\"s\" ifcVersion=\"IFC4\">\n"
    "      <applicability minOccurs=\"0\" maxOccurs=\"unbounded\"><entity><name>"
    "<simpleValue>IFCWALL</simpleValue></name></entity></applicability>\n"
    "      <requirements><attribute><name><simpleValue>Name</simpleValue></name>"
    "</attribute></requirements>\n"
    "    </specification>\n"
    "  </specifications>\n"
    "</ids>\n";

static ids_schema *schema;
static char testcases[4096];
static bool have_testcases;

static int setup(void **state)
{
    (void)state;
    ids_library_init();
    const char *dir = testutil_shared_ids_dir();
    if (dir == NULL)
        return 0;
    snprintf(testcases, sizeof(testcases), "%s/testcases", dir);
    struct stat st;
    have_testcases = stat(testcases, &st) == 0 && S_ISDIR(st.st_mode);
    ids_error err;
    ids_error_clear(&err);
    /* Without the W3C copies the XSD cannot compile offline; the cases
     * then check with the built-in rules only. */
    if (ids_schema_load(testutil_shared_path("ids.xsd"), NULL, &schema, &err) != IDS_OK)
        schema = NULL;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ids_schema_free(schema);
    ids_library_cleanup();
    return 0;
}

#define REQUIRE_TESTCASES()                                         \
    do {                                                            \
        if (!have_testcases) {                                      \
            print_message("skipped: shared test cases absent\n");   \
            skip();                                                 \
        }                                                           \
    } while (0)

/* Runs check_run with its report captured in memory. */
static char *run(const check_config *cfg, const char *const *inputs, size_t n, int *rc,
                 check_summary *sum)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    *rc = check_run(cfg, inputs, n, out, sum);
    assert_int_equal(fclose(out), 0);
    return text;
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *dir, const char *name, const char *data)
{
    write_file(dir, name, data, strlen(data));
}

/* ---- verdicts ---- */

typedef struct verdicts {
    size_t seen;
    size_t mismatches;
} verdicts;

static void compare_with_engine(void *ctx, size_t index, const check_result *r)
{
    verdicts *v = ctx;
    ids_doc *doc = NULL;
    ids_report *report = NULL;
    ids_error err;
    (void)index;
    v->seen++;
    ids_error_clear(&err);
    if (ids_doc_load_file(r->path, NULL, &doc, &err) != IDS_OK) {
        if (r->outcome == CHECK_VALID || r->error == NULL || r->error->code != err.code)
            v->mismatches++;
        return;
    }
    assert_int_equal(ids_validate(doc, schema, &report, &err), IDS_OK);
    bool valid = ids_report_valid(report);
    if (valid != (r->outcome == CHECK_VALID) || r->n_specs != ids_spec_count(doc) ||
        r->report == NULL || r->report->n_findings != report->n_findings ||
        r->report->n_xsd_findings != report->n_xsd_findings) {
        print_message("verdict differs: %s\n", r->path);
        v->mismatches++;
    }
    ids_report_free(report);
    ids_doc_free(doc);
}

static void test_verdicts_match_engine(void **state)
{
    (void)state;
    REQUIRE_TESTCASES();
    size_t n = 0;
    char **files = testutil_list_ids_files(testcases, &n);
    testutil_free_list(files, n);
    verdicts v = {0, 0};
    check_config cfg = {.format = CHECK_FORMAT_TEXT, .jobs = 4, .schema = schema,
                        .quiet = true, .on_result = compare_with_engine,
                        .on_result_ctx = &v};
    const char *inputs[] = {testcases};
    check_summary sum;
    int rc;
    char *text = run(&cfg, inputs, 1, &rc, &sum);
    assert_int_equal(v.mismatches, 0);
    assert_int_equal(v.seen, n);
    assert_int_equal(sum.files, n);
    assert_int_equal(sum.valid + sum.invalid + sum.failed, n);
    assert_int_equal(sum.failed, 0);
    assert_int_equal(rc, sum.invalid ? CHECK_EXIT_INVALID : CHECK_EXIT_VALID);
    free(text);
}

/* ---- JSON ---- */

static void test_json_shape(void **state)
{
    (void)state;
    REQUIRE_TESTCASES();
    check_config cfg = {.format = CHECK_FORMAT_JSON, .jobs = 2, .schema = schema};
    const char *inputs[] = {testcases};
    check_summary sum;
    int rc;
    char *text = run(&cfg, inputs, 1, &rc, &sum);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (doc == NULL)
        fail_msg("JSON does not parse: %s (line %d)", jerr.text, jerr.line);
    json_t *files = json_object_get(doc, "files");
    json_t *summary = json_object_get(doc, "summary");
    assert_true(json_is_array(files));
    assert_true(json_is_object(summary));
    assert_int_equal(json_array_size(files), sum.files);
    assert_int_equal(json_integer_value(json_object_get(summary, "files")), sum.files);
    assert_int_equal(json_integer_value(json_object_get(summary, "valid")), sum.valid);
    assert_int_equal(json_integer_value(json_object_get(summary, "invalid")), sum.invalid);
    assert_true(json_is_number(json_object_get(summary, "millis")));
    size_t valid = 0, findings = 0;
    const char *previous = "";
    for (size_t i = 0; i < json_array_size(files); i++) {
        json_t *f = json_array_get(files, i);
        const char *path = json_string_value(json_object_get(f, "path"));
        assert_non_null(path);
        assert_true(strcmp(previous, path) != 0);
        previous = path;
        assert_true(json_is_boolean(json_object_get(f, "valid")));
        assert_true(json_is_boolean(json_object_get(f, "structure_valid")));
        assert_true(json_is_boolean(json_object_get(f, "audit_valid")));
        assert_true(json_is_boolean(json_object_get(f, "xsd_checked")));
        assert_int_equal(json_is_true(json_object_get(f, "xsd_checked")), schema != NULL);
        assert_true(json_is_integer(json_object_get(f, "specifications")));
        assert_true(json_is_number(json_object_get(f, "millis")));
        assert_true(json_is_null(json_object_get(f, "error")));
        json_t *errors = json_object_get(f, "errors");
        assert_true(json_is_array(errors));
        for (size_t k = 0; k < json_array_size(errors); k++) {
            json_t *e = json_array_get(errors, k);
            assert_true(json_is_string(json_object_get(e, "rule")));
            assert_true(json_is_string(json_object_get(e, "severity")));
            assert_true(json_is_string(json_object_get(e, "message")));
            assert_true(json_is_string(json_object_get(e, "path")));
            json_t *line = json_object_get(e, "line");
            assert_true(json_is_integer(line) || json_is_null(line));
            findings++;
        }
        if (json_is_true(json_object_get(f, "valid")))
            valid++;
    }
    assert_int_equal(valid, sum.valid);
    assert_int_equal(findings, sum.errors + sum.warnings);
    json_decref(doc);
    free(text);
}

/* ---- JUnit ---- */

static long attr_long(xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    assert_non_null(v);
    long n = strtol((const char *)v, NULL, 10);
    xmlFree(v);
    return n;
}

static size_t count_children(xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (xmlNode *c = parent->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            n++;
    return n;
}

/* Parses a JUnit report and checks its counts against its testcases. */
static void check_junit(const char *text, const check_summary *sum)
{
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "testsuites");
    assert_int_equal(attr_long(root, "tests"), sum->files);
    xmlNode *suite = root->children;
    while (suite != NULL && suite->type != XML_ELEMENT_NODE)
        suite = suite->next;
    assert_non_null(suite);
    assert_string_equal((const char *)suite->name, "testsuite");
    assert_int_equal(attr_long(suite, "tests"), sum->files);
    assert_int_equal(attr_long(suite, "failures"), sum->invalid);
    assert_int_equal(attr_long(suite, "errors"), sum->failed);
    assert_int_equal(count_children(suite, "testcase"), sum->files);
    size_t failures = 0, errors = 0;
    for (xmlNode *c = suite->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        failures += count_children(c, "failure");
        errors += count_children(c, "error");
    }
    assert_int_equal(failures, sum->invalid);
    assert_int_equal(errors, sum->failed);
    xmlFreeDoc(doc);
}

static void test_junit_parses(void **state)
{
    (void)state;
    REQUIRE_TESTCASES();
    check_config cfg = {.format = CHECK_FORMAT_JUNIT, .jobs = 2, .schema = schema};
    const char *inputs[] = {testcases};
    check_summary sum;
    int rc;
    char *text = run(&cfg, inputs, 1, &rc, &sum);
    assert_true(sum.files > 0);
    check_junit(text, &sum);
    free(text);
}

/* ---- inputs ---- */

static void test_stdin_list(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    write_text(dir, "a.ids", minimal_ids);
    write_text(dir, "b.ids", "<ids");
    char list[8192];
    snprintf(list, sizeof(list), "%s/b.ids\n\n%s/a.ids\r\n%s/a.ids", dir, dir, dir);
    FILE *in = fmemopen(list, strlen(list), "r");
    assert_non_null(in);
    check_config cfg = {.format = CHECK_FORMAT_JSON, .jobs = 2, .list_input = in,
                        .no_timings = true};
    const char *inputs[] = {"-"};
    check_summary sum;
    int rc;
    char *text = run(&cfg, inputs, 1, &rc, &sum);
    fclose(in);
    assert_int_equal(rc, CHECK_EXIT_INVALID);
    assert_int_equal(sum.files, 3);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    json_t *files = json_object_get(doc, "files");
    const char *p0 = json_string_value(json_object_get(json_array_get(files, 0), "path"));
    const char *p1 = json_string_value(json_object_get(json_array_get(files, 1), "path"));
    assert_non_null(strstr(p0, "/b.ids"));
    assert_non_null(strstr(p1, "/a.ids"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(files, 0), "status")),
                        "invalid");
    assert_string_equal(json_string_value(json_object_get(json_array_get(files, 1), "status")),
                        "valid");
    json_decref(doc);
    free(text);

    /* "-" twice is a usage error: the stream can be read once. */
    const char *twice[] = {"-", "-"};
    FILE *empty = fmemopen(list, 1, "r");
    cfg.list_input = empty;
    text = run(&cfg, twice, 2, &rc, &sum);
    fclose(empty);
    assert_int_equal(rc, CHECK_EXIT_ERROR);
    free(text);
    testutil_rmtree(dir);
    free(dir);
}

static void test_missing_path_is_io_error(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    write_text(dir, "bad.ids", "<ids xmlns=\"http://standards.buildingsmart.org/IDS\">\n<info>\n");
    char missing[4096], bad[4096];
    snprintf(missing, sizeof(missing), "%s/no-such-file.ids", dir);
    snprintf(bad, sizeof(bad), "%s/bad.ids", dir);
    const char *inputs[] = {bad, missing};
    check_config cfg = {.format = CHECK_FORMAT_JSON, .jobs = 1, .no_timings = true};
    check_summary sum;
    int rc;
    char *text = run(&cfg, inputs, 2, &rc, &sum);
    /* An I/O error dominates an invalid file. */
    assert_int_equal(rc, CHECK_EXIT_ERROR);
    assert_int_equal(sum.failed, 1);
    assert_int_equal(sum.invalid, 1);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    json_t *files = json_object_get(doc, "files");
    json_t *f0 = json_array_get(files, 0), *f1 = json_array_get(files, 1);
    assert_string_equal(json_string_value(json_object_get(f0, "status")), "invalid");
    json_t *e0 = json_object_get(f0, "error");
    assert_string_equal(json_string_value(json_object_get(e0, "code")), "parse");
    assert_true(json_integer_value(json_object_get(e0, "line")) >= 2);
    assert_string_equal(json_string_value(json_object_get(f1, "status")), "failed");
    assert_string_equal(json_string_value(json_object_get(json_object_get(f1, "error"), "code")),
                        "io");
    assert_null(json_object_get(f0, "millis"));
    json_decref(doc);
    free(text);

    /* Text: the malformed file names its line. */
    cfg.format = CHECK_FORMAT_TEXT;
    text = run(&cfg, inputs, 1, &rc, &sum);
    assert_int_equal(rc, CHECK_EXIT_INVALID);
    assert_non_null(strstr(text, "invalid: not well-formed XML at line"));
    free(text);
    testutil_rmtree(dir);
    free(dir);
}

static void test_size_limit_is_failure(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    write_text(dir, "a.ids", minimal_ids);
    check_config cfg = {.format = CHECK_FORMAT_TEXT, .jobs = 1, .limits = {.max_bytes = 64}};
    const char *inputs[] = {dir};
    check_summary sum;
    int rc;
    char *text = run(&cfg, inputs, 1, &rc, &sum);
    assert_int_equal(rc, CHECK_EXIT_ERROR);
    assert_int_equal(sum.failed, 1);
    free(text);
    testutil_rmtree(dir);
    free(dir);
}

static void test_folder_walk(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    char sub[4096], hidden[4096], link[8192], deep[4096];
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    snprintf(hidden, sizeof(hidden), "%s/.hidden", dir);
    snprintf(deep, sizeof(deep), "%s/sub/deeper", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mkdir(hidden, 0700), 0);
    assert_int_equal(mkdir(deep, 0700), 0);
    write_text(dir, "b.ids", minimal_ids);
    write_text(dir, "a.IDS", minimal_ids);
    write_text(dir, "notes.txt", "not an ids file");
    write_text(dir, "sub/c.ids", minimal_ids);
    write_text(dir, "sub/deeper/d.ids", minimal_ids);
    write_text(dir, ".hidden/e.ids", minimal_ids);
    /* A loop: sub/up -> the top folder. Not followed. */
    snprintf(link, sizeof(link), "%s/sub/up", dir);
    assert_int_equal(symlink(dir, link), 0);
    /* A link to a file is followed; a dangling one is reported. */
    snprintf(link, sizeof(link), "%s/z-link.ids", dir);
    assert_int_equal(symlink("b.ids", link), 0);
    snprintf(link, sizeof(link), "%s/y-dangling.ids", dir);
    assert_int_equal(symlink("nowhere.ids", link), 0);

    check_config cfg = {.format = CHECK_FORMAT_TEXT, .jobs = 3, .no_timings = true};
    const char *inputs[] = {dir};
    check_summary sum;
    int rc;
    char *text = run(&cfg, inputs, 1, &rc, &sum);
    assert_int_equal(sum.files, 6);
    assert_int_equal(sum.valid, 5);
    assert_int_equal(sum.failed, 1);
    assert_int_equal(rc, CHECK_EXIT_ERROR);
    /* Byte order per folder: "a.IDS" < "b.ids" < "sub" < "y-..." < "z-...". */
    const char *order[] = {"/a.IDS:", "/b.ids:", "/sub/c.ids:", "/sub/deeper/d.ids:",
                           "/y-dangling.ids:", "/z-link.ids:"};
    const char *at = text;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const char *hit = strstr(at, order[i]);
        if (hit == NULL)
            fail_msg("%s missing or out of order in:\n%s", order[i], text);
        at = hit;
    }
    assert_null(strstr(text, "e.ids"));
    assert_null(strstr(text, "notes.txt"));
    free(text);

    /* An empty folder: nothing to check is not an error. */
    cfg.format = CHECK_FORMAT_JSON;
    const char *empty[] = {deep};
    snprintf(link, sizeof(link), "%s/sub/deeper/d.ids", dir);
    assert_int_equal(unlink(link), 0);
    text = run(&cfg, empty, 1, &rc, &sum);
    assert_int_equal(rc, CHECK_EXIT_VALID);
    assert_int_equal(sum.files, 0);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "files")), 0);
    json_decref(doc);
    free(text);
    testutil_rmtree(dir);
    free(dir);
}

/* ---- hostile names and contents ---- */

static void test_hostile_names(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    /* Control characters, markup and a byte that is not UTF-8 in names;
     * markup, a NUL byte and bad UTF-8 in a file. */
    write_text(dir, "new\nline\x1b[31m.ids", minimal_ids);
    write_text(dir, "<a & \"b\">.ids", "<ids xmlns=\"http://standards.buildingsmart.org/IDS\">"
                                        "<info><title>\xff\xfe</title></info></ids>");
    write_text(dir, "latin\xe9.ids", "]]></failure>&amp;<x");
    write_file(dir, "nul.ids", "<ids>\0</ids>", 12);
    write_text(dir, "empty.ids", "");
    const char *inputs[] = {dir};
    check_summary sum;
    int rc;

    check_config cfg = {.format = CHECK_FORMAT_JSON, .jobs = 2, .no_timings = true};
    char *text = run(&cfg, inputs, 1, &rc, &sum);
    assert_int_equal(sum.files, 5);
    assert_int_equal(sum.valid, 1);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (doc == NULL)
        fail_msg("JSON does not parse: %s", jerr.text);
    json_decref(doc);
    free(text);

    cfg.format = CHECK_FORMAT_JUNIT;
    text = run(&cfg, inputs, 1, &rc, &sum);
    check_junit(text, &sum);
    free(text);

    cfg.format = CHECK_FORMAT_TEXT;
    text = run(&cfg, inputs, 1, &rc, &sum);
    for (const char *p = text; *p; p++)
        assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
    assert_null(strstr(text, "\x1b"));
    free(text);
    testutil_rmtree(dir);
    free(dir);
}

static void test_format_names(void **state)
{
    (void)state;
    assert_int_equal(check_format_from_name("text"), CHECK_FORMAT_TEXT);
    assert_int_equal(check_format_from_name("json"), CHECK_FORMAT_JSON);
    assert_int_equal(check_format_from_name("junit"), CHECK_FORMAT_JUNIT);
    assert_int_equal(check_format_from_name("xml"), -1);
    assert_int_equal(check_format_from_name(NULL), -1);
}

/* ---- the command line (flag errors only: they return before libxml2
 * is touched) ---- */

static int main_with(const char *a0, const char *a1, const char *a2)
{
    char *argv[] = {(char *)a0, (char *)a1, (char *)a2, NULL};
    int argc = a2 ? 3 : a1 ? 2 : 1;
    /* check_main writes the report to stdout; keep the test log clean. */
    fflush(stdout);
    FILE *saved = stdout;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    stdout = sink;
    int rc = check_main(argc, argv);
    stdout = saved;
    fclose(sink);
    return rc;
}

static void test_usage_errors(void **state)
{
    (void)state;
    assert_int_equal(main_with("check", NULL, NULL), CHECK_EXIT_ERROR);
    assert_int_equal(main_with("check", "--format=yaml", "x.ids"), CHECK_EXIT_ERROR);
    assert_int_equal(main_with("check", "--jobs", "0"), CHECK_EXIT_ERROR);
    assert_int_equal(main_with("check", "--jobs=99999", "x.ids"), CHECK_EXIT_ERROR);
    assert_int_equal(main_with("check", "--bogus", "x.ids"), CHECK_EXIT_ERROR);
    assert_int_equal(main_with("check", "--max-doc-bytes=12Q", "x.ids"), CHECK_EXIT_ERROR);
    assert_int_equal(main_with("check", "--xsd", NULL), CHECK_EXIT_ERROR);
    assert_int_equal(main_with("check", "--help", NULL), CHECK_EXIT_VALID);
    assert_int_equal(main_with("check", "--no-such-file.ids", NULL), CHECK_EXIT_ERROR);
    /* Runs that reach the files end with ids_library_cleanup, which would
     * pull libxml2's type tables from under this process's schema; the
     * integration test drives those through the real binary. */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts_match_engine),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_junit_parses),
        cmocka_unit_test(test_stdin_list),
        cmocka_unit_test(test_missing_path_is_io_error),
        cmocka_unit_test(test_size_limit_is_failure),
        cmocka_unit_test(test_folder_walk),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
