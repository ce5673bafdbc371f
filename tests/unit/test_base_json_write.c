/*
 * test_base_json_write.c - base_json_dumps writes what
 * json_dumps(JSON_COMPACT) writes: fixed cases for every escape and type,
 * invalid UTF-8 and cycles refused like jansson, and random values
 * compared byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void assert_same(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT);
    char *got = base_json_dumps(v);

    if (!want) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
    free(want);
    free(got);
}

static void test_fixed_cases(void **state)
{
    static const char *const texts[] = {
        "{}",
        "[]",
        ("{\"a\":[1,-2,0,9223372036854775807,-9223372036854775808],\"b\":null,"
         "\"c\":true,\"d\":false,\"e\":1.5,\"f\":1e300,\"g\":-0.0,\"h\":[[],{}]}"),
        "{\"s\":\"plain \\\" quote \\\\ back / slash \\b\\f\\n\\r\\t \\u0001\\u001f\\u007f\"}",
        "{\"u\":\"caf\\u00e9 \\u20ac \\ud83d\\ude00 \\u0000 nul\"}",
        "{\"k\\\"ey\\n\":{\"\\u00e9\\u0001\":1}}",
        "[\"\",\"x\",{\"a\":{\"b\":{\"c\":[1,[2,[3]]]}}}]",
    };

    (void)state;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        json_error_t err;
        json_t *v = json_loads(texts[i], JSON_ALLOW_NUL, &err);

        assert_non_null(v);
        assert_same(v);
        json_decref(v);
    }
}

static void test_refused_like_jansson(void **state)
{
    json_t *v = json_object();
    json_t *a = json_array();
    json_t *b = json_array();
    json_t *s;

    (void)state;
    /* Not a container: json_dumps without JSON_ENCODE_ANY refuses too. */
    s = json_string("x");
    assert_null(base_json_dumps(s));
    json_decref(s);
    /* Invalid UTF-8 slipped in with the unchecked constructor. */
    json_object_set_new(v, "bad", json_stringn_nocheck("a\xC0\x80z", 4));
    assert_same(v);
    json_object_set_new(v, "bad", json_stringn_nocheck("\xED\xA0\x80", 3));
    assert_same(v);
    json_object_set_new(v, "bad", json_stringn_nocheck("\xE2\x82", 2));
    assert_same(v);
    json_object_set_new(v, "bad", json_stringn_nocheck("\xF4\x90\x80\x80", 4));
    assert_same(v);
    json_decref(v);
    /* A cycle (jansson refuses an array inside itself, not a loop of two). */
    json_array_append(a, b);
    json_array_append(b, a);
    assert_null(base_json_dumps(a));
    json_array_clear(a);
    json_decref(a);
    json_decref(b);
}

static unsigned long long rng_state = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static json_t *random_string(void)
{
    /* Pieces that cover every branch of the escaper and the UTF-8 check. */
    static const char *const pieces[] = {
        "a", "Zz09", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f", " ",
        "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xEF\xBF\xBF",
    };
    char buf[256];
    size_t len = 0;
    unsigned n = rnd(12);

    for (unsigned i = 0; i < n; i++) {
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        size_t k = strlen(p);

        memcpy(buf + len, p, k);
        len += k;
    }
    return json_stringn(buf, len);
}

static json_t *random_value(unsigned depth)
{
    unsigned kind = depth > 4 ? rnd(6) : rnd(8);

    switch (kind) {
    case 0: return json_null();
    case 1: return json_boolean(rnd(2));
    case 2: return json_integer((json_int_t)rnd(2000000) - 1000000);
    case 3: return json_real((double)rnd(100000) / 7.0);
    case 4:
    case 5: return random_string();
    case 6: {
        json_t *a = json_array();

        for (unsigned i = rnd(5); i > 0; i--)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();

        for (unsigned i = rnd(5); i > 0; i--) {
            json_t *k = random_string();

            json_object_setn_new(o, json_string_value(k), json_string_length(k),
                                 random_value(depth + 1));
            json_decref(k);
        }
        return o;
    }
    }
}

static void test_random_values(void **state)
{
    (void)state;
    for (int i = 0; i < 3000; i++) {
        json_t *v = json_object();

        json_object_set_new(v, "v", random_value(0));
        assert_same(v);
        json_decref(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_cases),
        cmocka_unit_test(test_refused_like_jansson),
        cmocka_unit_test(test_random_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
