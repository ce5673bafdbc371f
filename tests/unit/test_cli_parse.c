/*
 * test_cli_parse.c - command-line value parsing shared by serve and check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/cli.h"

static void test_u64(void **state)
{
    (void)state;
    const char *end;
    uint64_t v;
    assert_true(cli_parse_u64("42abc", &end, &v));
    assert_int_equal(v, 42);
    assert_string_equal(end, "abc");
    assert_true(cli_parse_u64("18446744073709551615", &end, &v));
    assert_true(v == UINT64_MAX);
    assert_false(cli_parse_u64("18446744073709551616", &end, &v));
    assert_false(cli_parse_u64("-1", &end, &v));
    assert_false(cli_parse_u64("", &end, &v));
    assert_false(cli_parse_u64(" 1", &end, &v));
}

static void test_duration(void **state)
{
    (void)state;
    uint64_t ms;
    assert_true(cli_parse_duration_ms("500ms", &ms));
    assert_int_equal(ms, 500);
    assert_true(cli_parse_duration_ms("90s", &ms));
    assert_int_equal(ms, 90000);
    assert_true(cli_parse_duration_ms("15m", &ms));
    assert_int_equal(ms, 900000);
    assert_true(cli_parse_duration_ms("24h", &ms));
    assert_int_equal(ms, 86400000);
    assert_true(cli_parse_duration_ms("2d", &ms));
    assert_int_equal(ms, 172800000);
    /* A bare number has no unit to mean anything by; zero means never. */
    assert_false(cli_parse_duration_ms("90", &ms));
    assert_false(cli_parse_duration_ms("0s", &ms));
    assert_false(cli_parse_duration_ms("1w", &ms));
    assert_false(cli_parse_duration_ms("s", &ms));
    assert_false(cli_parse_duration_ms("18446744073709551615d", &ms));
}

static void test_size(void **state)
{
    (void)state;
    size_t b;
    assert_true(cli_parse_size("4096", &b));
    assert_int_equal(b, 4096);
    assert_true(cli_parse_size("512k", &b));
    assert_int_equal(b, 512u * 1024u);
    assert_true(cli_parse_size("16M", &b));
    assert_int_equal(b, 16u * 1024u * 1024u);
    assert_true(cli_parse_size("16MiB", &b));
    assert_int_equal(b, 16u * 1024u * 1024u);
    assert_true(cli_parse_size("1G", &b));
    assert_int_equal(b, 1024u * 1024u * 1024u);
    assert_true(cli_parse_size("16MB", &b));
    assert_int_equal(b, 16u * 1024u * 1024u);
    /* A unit letter is required before B: "100B" is more likely a typo. */
    assert_false(cli_parse_size("100B", &b));
    assert_false(cli_parse_size("0", &b));
    assert_false(cli_parse_size("1T", &b));
    assert_false(cli_parse_size("1kb", &b));
    assert_false(cli_parse_size("k", &b));
    assert_false(cli_parse_size("18446744073709551615G", &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
