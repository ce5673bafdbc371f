/*
 * test_ids_regex.c - ids_regex, the compiled patterns the IFC checker
 * matches values with: whole-text matching, patterns libxml2 makes
 * deterministic admitted though the backtracking estimate refuses them,
 * patterns that would backtrack and malformed ones refused with a reason,
 * subjects longer than the stack copy, text holding U+0000.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/ids.h"

#include <stdlib.h>
#include <string.h>

static ids_regex *compile(const char *pattern)
{
    ids_regex *re = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_regex_new(pattern, &re, &err) != IDS_OK)
        fail_msg("%s: %s", pattern, err.message);
    return re;
}

static bool match(const ids_regex *re, const char *s)
{
    return ids_regex_match(re, s, strlen(s));
}

static void test_whole_text(void **state)
{
    (void)state;
    ids_regex *re = compile("EF_25_[0-9]+");
    assert_true(match(re, "EF_25_10"));
    assert_false(match(re, "xEF_25_10"));
    assert_false(match(re, "EF_25_10 "));
    assert_false(match(re, ""));
    ids_regex_free(re);
    re = compile("\\w+");
    assert_true(match(re, "Uniclass"));
    assert_true(match(re, "\xC3\x84u\xC3\x9F" "en")); /* letters beyond ASCII */
    ids_regex_free(re);
}

static void test_deterministic_admitted(void **state)
{
    (void)state;
    /* Three repeated pieces: the backtracking estimate alone refuses it. */
    ids_regex *re = compile("[A-Z][a-z]+ [0-9]+-[0-9]+");
    assert_true(match(re, "Wall 1-3"));
    assert_false(match(re, "wall 1-3"));
    /* A long subject, copied to the heap for libxml2. */
    size_t n = 100000;
    char *s = malloc(n + 16);
    s[0] = 'A';
    memset(s + 1, 'a', n);
    memcpy(s + 1 + n, " 12-34", 7);
    assert_true(ids_regex_match(re, s, strlen(s)));
    s[n + 4] = 'x';
    assert_false(ids_regex_match(re, s, strlen(s)));
    free(s);
    /* U+0000 inside the text matches nothing. */
    assert_false(ids_regex_match(re, "Wall 1-3\0x", 10));
    ids_regex_free(re);
}

static void test_refused(void **state)
{
    (void)state;
    /* A choice under a loop that libxml2 leaves non-deterministic (it
     * would backtrack exponentially); and two that are no XSD regex. */
    static const char *const bad[] = {"(a|aa)*b", "[", "a**"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ids_regex *re = NULL;
        ids_error err;
        ids_error_clear(&err);
        assert_int_equal(ids_regex_new(bad[i], &re, &err), IDS_ERR_INVALID_ARG);
        assert_null(re);
        assert_non_null(strstr(err.message, "simplify"));
    }
    ids_regex_free(NULL);
    assert_false(ids_regex_match(NULL, "x", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_text),
        cmocka_unit_test(test_deterministic_admitted),
        cmocka_unit_test(test_refused),
    };
    ids_library_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return rc;
}
