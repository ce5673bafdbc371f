/*
 * test_ids_doc_concurrency.c - different threads load, build, serialize
 * and refuse different documents at the same time. Each thread compares
 * its results with what the main thread computed alone; cmocka's asserts
 * are not thread-safe, so threads count mismatches and the main thread
 * asserts on the counts. Run under TSan by the concurrency label.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/ids.h"
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4

typedef struct input {
    char *data;
    size_t len;
    ids_status expected;  /* status of loading it */
    char *serialized;     /* expected ids_doc_to_string, when it loads */
    char *canonical;      /* expected ids_doc_canonical */
} input;

typedef struct job {
    const input *inputs;
    size_t n_inputs;
    unsigned rounds;
    unsigned offset;      /* each thread starts elsewhere in the list */
    size_t mismatches;
    size_t done;
} job;

static const char *const hostile[] = {
    "<ids xmlns=\"" IDS_NAMESPACE "\"><info>",
    "<!DOCTYPE ids [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ids>&e;</ids>",
    "<foo/>",
    "<ids xmlns=\"http://example.com/other\"/>",
    "<ids xmlns=\"" IDS_NAMESPACE "\">\xff</ids>",
};
static const ids_status hostile_status[] = {
    IDS_ERR_PARSE, IDS_ERR_PARSE, IDS_ERR_NOT_IDS, IDS_ERR_NOT_IDS, IDS_ERR_PARSE,
};

static bool run_one(const input *in)
{
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    ids_status st = ids_doc_load_string(in->data, in->len, NULL, &doc, &err);
    if (st != in->expected || err.code != in->expected)
        return false;
    if (st != IDS_OK)
        return doc == NULL && err.line > 0;
    bool ok = true;
    char *s = NULL, *c = NULL;
    ids_summary *sum = NULL;
    if (ids_doc_to_string(doc, &s, NULL, &err) != IDS_OK || strcmp(s, in->serialized) != 0)
        ok = false;
    if (ids_doc_canonical(doc, &c, NULL, &err) != IDS_OK || strcmp(c, in->canonical) != 0)
        ok = false;
    if (ids_doc_summary(doc, &sum, &err) != IDS_OK)
        ok = false;
    for (size_t k = 0; sum != NULL && k < sum->n_specs; k++) {
        ids_spec_view *v = NULL;
        if (ids_spec_get(doc, k, &v, &err) != IDS_OK)
            ok = false;
        ids_spec_view_free(v);
    }
    if (ids_info_set(doc, IDS_INFO_AUTHOR, "thread@example.com", &err) != IDS_OK)
        ok = false;
    ids_summary_free(sum);
    free(s);
    free(c);
    ids_doc_free(doc);
    return ok;
}

static void *worker(void *arg)
{
    job *j = arg;
    for (unsigned r = 0; r < j->rounds; r++) {
        for (size_t i = 0; i < j->n_inputs; i++) {
            const input *in = &j->inputs[(i + j->offset) % j->n_inputs];
            if (!run_one(in))
                j->mismatches++;
            j->done++;
        }
        ids_info info = {{0}};
        info.fields[IDS_INFO_TITLE] = "made in a thread";
        info.fields[IDS_INFO_DATE] = "2024-02-29";
        ids_doc *doc = NULL;
        ids_error err;
        ids_error_clear(&err);
        if (ids_doc_new(&info, &doc, &err) != IDS_OK)
            j->mismatches++;
        ids_doc_free(doc);
    }
    return NULL;
}

static void add_input(input **list, size_t *n, const char *data, size_t len)
{
    *list = realloc(*list, (*n + 1) * sizeof(**list));
    assert_non_null(*list);
    input *in = &(*list)[(*n)++];
    memset(in, 0, sizeof(*in));
    in->data = malloc(len + 1);
    assert_non_null(in->data);
    memcpy(in->data, data, len);
    in->data[len] = '\0';
    in->len = len;
    ids_doc *doc = NULL;
    ids_error err;
    ids_error_clear(&err);
    in->expected = ids_doc_load_string(in->data, len, NULL, &doc, &err);
    if (doc != NULL) {
        assert_int_equal(ids_doc_to_string(doc, &in->serialized, NULL, &err), IDS_OK);
        assert_int_equal(ids_doc_canonical(doc, &in->canonical, NULL, &err), IDS_OK);
        ids_doc_free(doc);
    }
}

static void test_parallel_documents(void **state)
{
    (void)state;
    input *inputs = NULL;
    size_t n = 0;
    size_t limit = testutil_under_valgrind() ? 20 : 400;
    const char *dir = testutil_shared_path("testcases");
    if (dir != NULL) {
        size_t count = 0;
        char **files = testutil_list_ids_files(dir, &count);
        for (size_t i = 0; i < count && n < limit; i++) {
            size_t len = 0;
            char *data = testutil_read_file(files[i], &len);
            assert_non_null(data);
            add_input(&inputs, &n, data, len);
            assert_int_equal(inputs[n - 1].expected, IDS_OK);
            free(data);
        }
        testutil_free_list(files, count);
    } else {
        ids_info info = {{0}};
        info.fields[IDS_INFO_TITLE] = "fallback";
        ids_doc *doc = NULL;
        assert_int_equal(ids_doc_new(&info, &doc, NULL), IDS_OK);
        char *s = NULL;
        size_t len = 0;
        assert_int_equal(ids_doc_to_string(doc, &s, &len, NULL), IDS_OK);
        add_input(&inputs, &n, s, len);
        free(s);
        ids_doc_free(doc);
    }
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        add_input(&inputs, &n, hostile[i], strlen(hostile[i]));
        assert_int_equal(inputs[n - 1].expected, hostile_status[i]);
    }

    job jobs[THREADS];
    pthread_t threads[THREADS];
    for (unsigned t = 0; t < THREADS; t++) {
        jobs[t] = (job){inputs, n, testutil_under_valgrind() ? 1 : 3,
                        t * (unsigned)(n / THREADS + 1), 0, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, worker, &jobs[t]), 0);
    }
    for (unsigned t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_join(threads[t], NULL), 0);
        assert_int_equal(jobs[t].mismatches, 0);
        assert_int_equal(jobs[t].done, n * jobs[t].rounds);
    }
    for (size_t i = 0; i < n; i++) {
        free(inputs[i].data);
        free(inputs[i].serialized);
        free(inputs[i].canonical);
    }
    free(inputs);
}

int main(void)
{
    ids_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_documents),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return rc;
}
