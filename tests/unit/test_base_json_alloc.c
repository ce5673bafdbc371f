/*
 * test_base_json_alloc.c - jansson's per-thread block cache: blocks come
 * back to the cache on free and out of it on the next allocation of their
 * size, each size keeps at most its depth, large blocks pass through,
 * blocks freed on another thread are that thread's and are released when
 * it ends, and what jansson hands out (json_dumps) may still go to free().
 * Leaks and misuse are the business of the ASan and valgrind runs of this
 * same binary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* json_alloc.c: CACHE_DEPTH blocks per size, N_CLASSES sizes. */
#define DEPTH 256u
#define CLASSES 16u

static void test_free_fills_and_alloc_drains(void **state)
{
    size_t before, after_free, after_alloc;
    json_t *v;

    (void)state;
    base_json_alloc_thread_flush();
    before = base_json_alloc_cached_blocks();
    assert_int_equal(before, 0);

    v = json_pack("{s:s, s:[i, i, s], s:{s:b}}", "name", "walls", "list", 1, 2,
                  "three", "nested", "flag", 1);
    assert_non_null(v);
    json_decref(v);
    after_free = base_json_alloc_cached_blocks();
    /* An object is at least its json_t, its bucket array and a pair per
     * member; everything above went back to this thread's cache. */
    assert_true(after_free >= 10);

    v = json_pack("{s:s, s:[i, i, s], s:{s:b}}", "name", "walls", "list", 1, 2,
                  "three", "nested", "flag", 1);
    assert_non_null(v);
    after_alloc = base_json_alloc_cached_blocks();
    /* The same shape again is served from the cache. */
    assert_true(after_alloc + 10 <= after_free);
    json_decref(v);
    assert_int_equal(base_json_alloc_cached_blocks(), after_free);

    base_json_alloc_thread_flush();
    assert_int_equal(base_json_alloc_cached_blocks(), 0);
}

static void test_depth_is_bounded(void **state)
{
    enum { N = 3000 };
    json_t **many = calloc(N, sizeof *many);

    (void)state;
    assert_non_null(many);
    base_json_alloc_thread_flush();
    for (int i = 0; i < N; i++) {
        many[i] = json_integer(i);
        assert_non_null(many[i]);
    }
    for (int i = 0; i < N; i++)
        json_decref(many[i]);
    /* All of one size: that size's list is full, the rest went to free(). */
    assert_int_equal(base_json_alloc_cached_blocks(), DEPTH);
    assert_true(base_json_alloc_cached_blocks() <= DEPTH * CLASSES);
    free(many);
    base_json_alloc_thread_flush();
}

static void test_large_blocks_pass_through(void **state)
{
    char big[4096];
    json_t *s;

    (void)state;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    base_json_alloc_thread_flush();
    s = json_string(big);
    assert_non_null(s);
    assert_int_equal(json_string_length(s), sizeof big - 1);
    json_decref(s);
    /* The 4 KiB copy is not cached; the json_t is. */
    assert_int_equal(base_json_alloc_cached_blocks(), 1);
    base_json_alloc_thread_flush();
}

static void test_dumps_result_takes_plain_free(void **state)
{
    json_t *v = json_pack("{s:[s, s]}", "a", "b", "c");
    char *text;

    (void)state;
    assert_non_null(v);
    text = json_dumps(v, JSON_COMPACT);
    assert_non_null(text);
    assert_string_equal(text, "{\"a\":[\"b\",\"c\"]}");
    free(text); /* an ordinary malloc chunk, as json_alloc.c promises */
    json_decref(v);
    base_json_alloc_thread_flush();
}

typedef struct handoff {
    json_t *tree;
    size_t cached_after_free;
} handoff;

static void *free_elsewhere(void *arg)
{
    handoff *h = arg;

    json_decref(h->tree);
    h->cached_after_free = base_json_alloc_cached_blocks();
    /* Ends with blocks in its cache: the thread-exit flush releases them
     * (the sanitizer and valgrind runs report them otherwise). */
    return NULL;
}

static void test_blocks_freed_on_another_thread(void **state)
{
    handoff h = {0};
    pthread_t t;

    (void)state;
    base_json_alloc_thread_flush();
    h.tree = json_pack("{s:s, s:[s, s, s]}", "k", "v", "list", "a", "b", "c");
    assert_non_null(h.tree);
    assert_int_equal(pthread_create(&t, NULL, free_elsewhere, &h), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(h.cached_after_free >= 8);
    /* None of it landed in this thread's cache. */
    assert_int_equal(base_json_alloc_cached_blocks(), 0);
}

static void *churn(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        json_t *v = json_pack("{s:i, s:s, s:[i]}", "i", i, "s", "text", "a", i);

        assert_non_null(v);
        json_decref(v);
    }
    return NULL;
}

static void test_threads_churn(void **state)
{
    pthread_t t[4];

    (void)state;
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, NULL), 0);
    churn(NULL);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    base_json_alloc_thread_flush();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_fills_and_alloc_drains),
        cmocka_unit_test(test_depth_is_bounded),
        cmocka_unit_test(test_large_blocks_pass_through),
        cmocka_unit_test(test_dumps_result_takes_plain_free),
        cmocka_unit_test(test_blocks_freed_on_another_thread),
        cmocka_unit_test(test_threads_churn),
    };
    int rc;

    base_json_alloc_install();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    base_json_alloc_thread_flush();
    return rc;
}
