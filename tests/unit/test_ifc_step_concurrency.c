/*
 * test_ifc_step_concurrency.c - one open reader read by several threads at
 * once, each with its own cursors and scratch buffer, as the checker will
 * (specifications on a worker pool). Run under TSan by `make test`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include "step_fixture.h"
#include "testutil.h"

enum { THREADS = 4 };

typedef struct job {
    const ifc_step_reader *reader;
    double sum;        /* of every real, read through strtod or the fast path */
    size_t strings;    /* bytes of every decoded string */
    size_t resolved;   /* references resolved */
    int failed;
} job;

static void walk(job *j, ifc_step_cursor *c, ifc_step_scratch *scratch)
{
    ifc_step_kind k;
    while ((k = ifc_step_next(c, NULL)) != IFC_STEP_KIND_END) {
        if (k == IFC_STEP_KIND_ERROR) {
            j->failed = 1;
            return;
        }
        if (k == IFC_STEP_KIND_LIST || k == IFC_STEP_KIND_TYPED) {
            ifc_step_cursor child;
            if (ifc_step_enter(c, &child, NULL) != IFC_STEP_OK) {
                j->failed = 1;
                return;
            }
            walk(j, &child, scratch);
        } else if (k == IFC_STEP_KIND_REAL) {
            double d;
            if (ifc_step_get_real(c, &d, NULL) == IFC_STEP_OK)
                j->sum += d;
        } else if (k == IFC_STEP_KIND_STRING) {
            const char *text;
            size_t len;
            if (ifc_step_get_string(c, scratch, &text, &len, NULL) == IFC_STEP_OK)
                j->strings += len;
        } else if (k == IFC_STEP_KIND_REF) {
            ifc_step_inst inst;
            if (ifc_step_resolve(c, &inst, NULL) == IFC_STEP_OK)
                j->resolved++;
        }
    }
}

static void *run(void *arg)
{
    job *j = arg;
    ifc_step_scratch scratch = IFC_STEP_SCRATCH_INIT;
    for (int round = 0; round < 3; round++) {
        j->sum = 0;
        j->strings = 0;
        j->resolved = 0;
        size_t n = ifc_step_instance_count(j->reader);
        for (ifc_step_inst i = 0; i < n; i++) {
            ifc_step_cursor c;
            if (ifc_step_record(j->reader, i, &c, NULL) != IFC_STEP_OK) {
                j->failed = 1;
                break;
            }
            walk(j, &c, &scratch);
        }
        if (ifc_step_validate(j->reader, NULL) != IFC_STEP_OK)
            j->failed = 1;
        (void)ifc_step_type_find(j->reader, "IfcWall");
    }
    ifc_step_scratch_free(&scratch);
    return NULL;
}

static void test_shared_reader(void **state)
{
    (void)state;
    size_t n = testutil_under_valgrind() ? 200 : 5000;
    char *body = malloc(n * 160 + 1), *p = body;
    for (size_t i = 1; i <= n; i++)
        p += sprintf(p,
                     "#%zu=IFCPROPERTYSINGLEVALUE('P\\X2\\00C4\\X0\\%zu',$,"
                     "IFCLENGTHMEASURE(%zu.123456789012345678),#%zu);\n",
                     i, i, i, i % n + 1);
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, body, NULL), IFC_STEP_OK);
    free(body);
    job jobs[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        jobs[t] = (job){.reader = f.reader};
        assert_int_equal(pthread_create(&threads[t], NULL, run, &jobs[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    for (int t = 0; t < THREADS; t++) {
        assert_false(jobs[t].failed);
        assert_int_equal(jobs[t].resolved, n);
        assert_true(jobs[t].sum == jobs[0].sum);
        assert_int_equal(jobs[t].strings, jobs[0].strings);
    }
    assert_true(jobs[0].sum > (double)n * (double)(n + 1) / 2);
    step_fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
