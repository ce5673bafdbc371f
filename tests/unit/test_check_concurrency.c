/*
 * test_check_concurrency.c - the report of `idsd check` does not depend on
 * the number of workers or on scheduling: with times left out, 1, 2 and 8
 * workers give the same bytes, in every format, run after run. The build
 * names this suite "concurrency", so it also runs under ThreadSanitizer.
 *
 * The files are a generated mix (valid, invalid, malformed, missing) of
 * different sizes, so workers finish out of order; the shared test cases
 * are added when present. Under valgrind and ThreadSanitizer, where each
 * file costs 20-30 times as much, fewer files and one round.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/check.h"
#include "testutil.h"

#define GENERATED 240
#define GENERATED_SLOW 40 /* under valgrind and TSan, where a file costs 20-30 times as much */
#define ROUNDS 4 /* repeats of each worker count */

static char *dir;
static char testcases[4096];
static bool have_testcases;

static void write_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(data, f);
    assert_int_equal(fclose(f), 0);
}

/* A valid document with n specifications; larger n takes longer. */
static void write_ids(const char *path, size_t n_specs, bool broken_rule)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<ids xmlns=\"http://standards.buildingsmart.org/IDS\""
          " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
          "  <info><title>generated</title></info>\n  <specifications>\n", f);
    for (size_t i = 0; i < n_specs; i++)
        fprintf(f, "    <specification name=\"s%zu\" ifcVersion=\"IFC4\">\n"
                   "      <applicability minOccurs=\"%s\" maxOccurs=\"unbounded\"><entity><name>"
                   "<simpleValue>IFCWALL</simpleValue></name></entity></applicability>\n"
                   "      <requirements><property dataType=\"IFCBOOLEAN\"><propertySet>"
                   "<simpleValue>Pset_X</simpleValue></propertySet><baseName><simpleValue>"
                   "B</simpleValue></baseName><value><simpleValue>%s</simpleValue></value>"
                   "</property></requirements>\n    </specification>\n",
                i, "0", broken_rule && i == n_specs / 2 ? "FALSE" : "true");
    fputs("  </specifications>\n</ids>\n", f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    ids_library_init();
    dir = testutil_mkdtemp();
    if (dir == NULL)
        return -1;
    size_t n = testutil_slow_runtime() ? GENERATED_SLOW : GENERATED;
    char path[4096];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/f%03zu.ids", dir, i);
        switch (i % 6) {
        case 0: write_ids(path, 1 + (i * 7) % 40, false); break;
        case 1: write_ids(path, 1 + (i * 3) % 5, true); break;
        case 2: write_file(path, "<ids xmlns=\"http://standards.buildingsmart.org/IDS\"><info>"); break;
        case 3: write_file(path, "<?xml version=\"1.0\"?><other/>"); break;
        case 4: write_ids(path, 60, false); break;
        default: write_ids(path, 1, false); break;
        }
    }
    const char *shared = testutil_shared_ids_dir();
    if (shared != NULL && !testutil_slow_runtime()) {
        snprintf(testcases, sizeof(testcases), "%s/testcases", shared);
        struct stat st;
        have_testcases = stat(testcases, &st) == 0 && S_ISDIR(st.st_mode);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    testutil_rmtree(dir);
    free(dir);
    ids_library_cleanup();
    return 0;
}

static char *run(check_format format, unsigned jobs, int *rc)
{
    char missing[4096];
    snprintf(missing, sizeof(missing), "%s/missing.ids", dir);
    const char *inputs[3] = {dir, missing, testcases};
    size_t n = have_testcases ? 3 : 2;
    check_config cfg = {.format = format, .jobs = jobs, .no_timings = true};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    *rc = check_run(&cfg, inputs, n, out, NULL);
    assert_int_equal(fclose(out), 0);
    return text;
}

static void same_for_every_worker_count(check_format format)
{
    int rc1;
    char *one = run(format, 1, &rc1);
    assert_int_equal(rc1, CHECK_EXIT_ERROR); /* the missing file */
    assert_true(strlen(one) > 1000);
    static const unsigned jobs[] = {2, 8, 3};
    size_t rounds = testutil_slow_runtime() ? 1 : ROUNDS;
    for (size_t r = 0; r < rounds; r++) {
        for (size_t j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++) {
            int rc;
            char *many = run(format, jobs[j], &rc);
            assert_int_equal(rc, rc1);
            if (strcmp(one, many) != 0)
                fail_msg("output with %u workers differs from the output with 1", jobs[j]);
            free(many);
        }
    }
    free(one);
}

static void test_text_order(void **state)
{
    (void)state;
    same_for_every_worker_count(CHECK_FORMAT_TEXT);
}

static void test_json_order(void **state)
{
    (void)state;
    same_for_every_worker_count(CHECK_FORMAT_JSON);
}

static void test_junit_order(void **state)
{
    (void)state;
    same_for_every_worker_count(CHECK_FORMAT_JUNIT);
}

/* The text report lists the generated files in name order. */
static void test_input_order(void **state)
{
    (void)state;
    int rc;
    char *text = run(CHECK_FORMAT_TEXT, 8, &rc);
    const char *at = text;
    char name[64];
    size_t n = testutil_slow_runtime() ? GENERATED_SLOW : GENERATED;
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "/f%03zu.ids:", i);
        const char *hit = strstr(at, name);
        if (hit == NULL)
            fail_msg("%s missing or out of order", name);
        at = hit;
    }
    assert_non_null(strstr(at, "/missing.ids: error: cannot open"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_order),
        cmocka_unit_test(test_json_order),
        cmocka_unit_test(test_junit_order),
        cmocka_unit_test(test_input_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
