/*
 * test_base_buf.c - the growable buffer: appends of every kind keep the
 * text NUL-terminated and grow past the first allocation; the size cap
 * refuses what would pass it and leaves the content as it was; the first
 * failure sticks until a reset; take, reset and free; arrays through
 * extend; reading a whole file and a pipe under a cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"

static void test_appends_grow_and_terminate(void **state)
{
    base_buf b = {0};
    char expect[5000];
    size_t n = 0;

    (void)state;
    assert_null(b.data);
    for (int i = 0; i < 500; i++) {
        assert_true(base_buf_append(&b, "abc", 3));
        assert_true(base_buf_append_char(&b, '-'));
        assert_true(base_buf_printf(&b, "%d,", i % 10));
        n += (size_t)snprintf(expect + n, sizeof expect - n, "abc-%d,", i % 10);
        assert_int_equal(b.len, n);
        assert_int_equal(b.data[b.len], '\0');
    }
    assert_string_equal(b.data, expect);
    assert_true(b.cap > b.len);
    assert_int_equal(b.error, BASE_OK);
    base_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_printf_longer_than_the_room(void **state)
{
    base_buf b = {0};
    char big[3000];

    (void)state;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_true(BASE_BUF_LITERAL(&b, "<"));
    assert_true(base_buf_printf(&b, "%s>%s", big, "end"));
    assert_int_equal(b.len, 1 + strlen(big) + 4);
    assert_int_equal(b.data[0], '<');
    assert_string_equal(b.data + 1 + strlen(big), ">end");
    base_buf_free(&b);
}

static void test_cap_refuses_and_sticks(void **state)
{
    base_buf b = {.max = 10};
    char *text;

    (void)state;
    assert_true(base_buf_append(&b, "12345678", 8));
    assert_false(base_buf_append(&b, "abc", 3));
    assert_int_equal(b.error, BASE_TOO_BIG);
    /* The content is what it was before the refused append. */
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "12345678");
    /* Every later append is refused too, even one that would fit. */
    assert_false(base_buf_append_char(&b, 'x'));
    assert_false(base_buf_printf(&b, "%d", 1));
    assert_null(base_buf_extend(&b, 1));
    assert_int_equal(b.len, 8);
    assert_null(base_buf_take(&b, NULL));
    assert_int_equal(b.error, BASE_OK);
    assert_int_equal(b.max, 10);
    /* After take the buffer starts over under the same cap. */
    assert_true(base_buf_append(&b, "0123456789", 10));
    assert_false(base_buf_append_char(&b, '!'));
    base_buf_reset(&b);
    assert_int_equal(b.error, BASE_OK);
    assert_int_equal(b.len, 0);
    assert_true(base_buf_append_str(&b, "again"));
    text = base_buf_take(&b, NULL);
    assert_string_equal(text, "again");
    free(text);
    /* printf over the cap. */
    assert_false(base_buf_printf(&b, "%s", "eleven byte"));
    assert_int_equal(b.error, BASE_TOO_BIG);
    assert_int_equal(b.len, 0);
    base_buf_free(&b);
}

static void test_fail_is_sticky(void **state)
{
    base_buf b = {0};

    (void)state;
    assert_true(base_buf_append_str(&b, "kept"));
    base_buf_fail(&b, BASE_INVALID);
    base_buf_fail(&b, BASE_NOMEM);
    assert_int_equal(b.error, BASE_INVALID); /* the first failure stays */
    assert_false(base_buf_append_str(&b, "more"));
    assert_string_equal(b.data, "kept");
    base_buf_reset(&b);
    assert_true(base_buf_append_str(&b, "more"));
    assert_string_equal(b.data, "more");
    base_buf_free(&b);
}

static void test_take(void **state)
{
    base_buf b = {0};
    size_t len = 99;
    char *text = base_buf_take(&b, &len);

    (void)state;
    /* Nothing appended: an empty string, not NULL. */
    assert_non_null(text);
    assert_string_equal(text, "");
    assert_int_equal(len, 0);
    free(text);
    assert_true(base_buf_append(&b, "a\0b", 3));
    text = base_buf_take(&b, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(text, "a\0b", 4);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(text);
}

typedef struct pair {
    int a;
    double b;
} pair;

static void test_extend_holds_an_array(void **state)
{
    base_buf b = {0};
    const pair *all;

    (void)state;
    for (int i = 0; i < 1000; i++) {
        pair *p = base_buf_extend(&b, sizeof *p);

        assert_non_null(p);
        p->a = i;
        p->b = i / 2.0;
    }
    assert_int_equal(b.len, 1000 * sizeof(pair));
    all = (const pair *)(const void *)b.data;
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(all[i].a, i);
        assert_true(all[i].b == i / 2.0);
    }
    base_buf_free(&b);
}

static void test_reserve_is_exact_and_keeps_content(void **state)
{
    base_buf b = {.max = 100};

    (void)state;
    assert_true(base_buf_reserve(&b, 100));
    assert_int_equal(b.cap, 101);
    assert_int_equal(b.len, 0);
    assert_false(base_buf_reserve(&b, 101 - b.len));
    assert_int_equal(b.error, BASE_TOO_BIG);
    base_buf_free(&b);
}

static char *temp_file(const char *content, size_t n)
{
    static char path[] = "/tmp/idsd-test-base-buf-XXXXXX";
    int fd;

    strcpy(path + strlen(path) - 6, "XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_read_file_under_the_cap(void **state)
{
    static char content[20000];
    base_buf b = {0};
    base_buf small = {.max = sizeof content - 1};
    base_buf exact = {.max = sizeof content};
    char *path;

    (void)state;
    for (size_t i = 0; i < sizeof content; i++)
        content[i] = (char)('a' + i % 26);
    path = temp_file(content, sizeof content);
    assert_int_equal(base_buf_read_file(&b, path), BASE_OK);
    assert_int_equal(b.len, sizeof content);
    assert_memory_equal(b.data, content, sizeof content);
    assert_int_equal(b.data[b.len], '\0');
    /* One byte over the cap is refused. */
    assert_int_equal(base_buf_read_file(&small, path), BASE_TOO_BIG);
    assert_int_equal(small.error, BASE_TOO_BIG);
    assert_true(small.len <= small.max);
    /* Exactly the cap is fine, also after reserving the size. */
    assert_true(base_buf_reserve(&exact, sizeof content));
    assert_int_equal(base_buf_read_file(&exact, path), BASE_OK);
    assert_int_equal(exact.len, sizeof content);
    assert_int_equal(exact.cap, sizeof content + 1); /* did not grow to find the end */
    unlink(path);
    base_buf_free(&b);
    base_buf_free(&small);
    base_buf_free(&exact);
    /* A missing file is an I/O error with errno. */
    errno = 0;
    assert_int_equal(base_buf_read_file(&b, "/nonexistent/idsd/file"), BASE_IO);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(b.error, BASE_IO);
    base_buf_free(&b);
}

static void test_read_once_from_a_pipe(void **state)
{
    int fds[2];
    base_buf b = {.max = 6};

    (void)state;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "hello", 5), 5);
    assert_int_equal(base_buf_read_once(&b, fds[0]), 5);
    assert_string_equal(b.data, "hello");
    assert_int_equal(write(fds[1], "!", 1), 1);
    assert_int_equal(base_buf_read_once(&b, fds[0]), 1);
    assert_string_equal(b.data, "hello!");
    /* Full: no room can be made under the cap. */
    assert_int_equal(write(fds[1], "?", 1), 1);
    assert_int_equal(base_buf_read_once(&b, fds[0]), -1);
    assert_int_equal(b.error, BASE_TOO_BIG);
    close(fds[1]);
    base_buf_reset(&b);
    assert_int_equal(base_buf_read_once(&b, fds[0]), 1); /* the '?' */
    assert_int_equal(base_buf_read_once(&b, fds[0]), 0); /* end of file */
    close(fds[0]);
    base_buf_free(&b);
}

static void test_utf8_len(void **state)
{
    (void)state;
    assert_int_equal(base_utf8_len((const unsigned char *)"a", 1), 1);
    assert_int_equal(base_utf8_len((const unsigned char *)"", 1), 1);
    assert_int_equal(base_utf8_len((const unsigned char *)"a", 0), 0);
    assert_int_equal(base_utf8_len((const unsigned char *)"\xc3\xa4", 2), 2);
    assert_int_equal(base_utf8_len((const unsigned char *)"\xc3\xa4", 1), 0);
    assert_int_equal(base_utf8_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
    assert_int_equal(base_utf8_len((const unsigned char *)"\xf0\x9f\x8f\x97", 4), 4);
    assert_int_equal(base_utf8_len((const unsigned char *)"\xc0\x80", 2), 0);     /* overlong */
    assert_int_equal(base_utf8_len((const unsigned char *)"\xe0\x80\x80", 3), 0); /* overlong */
    assert_int_equal(base_utf8_len((const unsigned char *)"\xed\xa0\x80", 3), 0); /* surrogate */
    assert_int_equal(base_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
    assert_int_equal(base_utf8_len((const unsigned char *)"\x80", 1), 0);
    assert_int_equal(base_utf8_len((const unsigned char *)"\xc3\x28", 2), 0);
}

static void test_put_real_as_jansson(void **state)
{
    static const double values[] = {0.0, 1.5, 2.0, -0.25, 1234567.0, 1e-7, 3.14159265358979};
    base_buf b = {0};

    (void)state;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (int precision = 0; precision <= 17; precision += 6) {
            json_t *real = json_real(values[i]);
            char *want = json_dumps(real, JSON_ENCODE_ANY | JSON_COMPACT |
                                              JSON_REAL_PRECISION(precision));

            base_buf_reset(&b);
            assert_true(base_json_put_real(&b, values[i], precision));
            assert_string_equal(b.data, want);
            free(want);
            json_decref(real);
        }
    }
    /* Not a JSON number. */
    base_buf_reset(&b);
    assert_false(base_json_put_real(&b, HUGE_VAL, 6));
    assert_int_equal(b.error, BASE_INVALID);
    base_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appends_grow_and_terminate),
        cmocka_unit_test(test_printf_longer_than_the_room),
        cmocka_unit_test(test_cap_refuses_and_sticks),
        cmocka_unit_test(test_fail_is_sticky),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_extend_holds_an_array),
        cmocka_unit_test(test_reserve_is_exact_and_keeps_content),
        cmocka_unit_test(test_read_file_under_the_cap),
        cmocka_unit_test(test_read_once_from_a_pipe),
        cmocka_unit_test(test_utf8_len),
        cmocka_unit_test(test_put_real_as_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
