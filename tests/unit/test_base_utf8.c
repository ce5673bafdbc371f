/*
 * test_base_utf8.c - text that is always valid UTF-8 however it is cut
 * (src/base/utf8.c): every character length at every cut point, bytes
 * that are not UTF-8, the formatter's fallbacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* One character of each UTF-8 length: A, é, 中, 😀. */
static const char *const chars[] = {"A", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80"};

/* True when out is a prefix of whole characters of in followed by "..."
 * (or, when nothing was cut, in itself). */
static void assert_cut_of(const char *in, const char *out, size_t size)
{
    size_t in_len = strlen(in), out_len = strlen(out);
    assert_true(out_len <= size - 1);
    assert_true(base_utf8_valid(out, out_len));
    if (strcmp(in, out) == 0) {
        assert_true(in_len <= size - 1);
        return;
    }
    /* Cut: the text did not fit, and what is kept is a prefix. */
    assert_true(in_len > size - 1);
    size_t kept = out_len;
    if (out_len >= 3 && strcmp(out + out_len - 3, "...") == 0)
        kept = out_len - 3;
    else
        assert_true(size - 1 < 3); /* too small for the ellipsis */
    assert_memory_equal(in, out, kept);
    /* The prefix ends on a character boundary of in... */
    assert_true(kept == in_len || ((unsigned char)in[kept] & 0xC0) != 0x80);
    /* ...and is the longest that leaves room for the ellipsis. */
    size_t room = size - 1 >= 3 ? size - 1 - 3 : size - 1;
    size_t next = kept + 1;
    while (next < in_len && ((unsigned char)in[next] & 0xC0) == 0x80)
        next++;
    assert_true(next > room);
}

static void test_every_length_every_cut(void **state)
{
    (void)state;
    /* Texts made of one kind of character, and of all four mixed, with
     * every buffer size from 1 to past the end. */
    char text[5][64];
    for (size_t k = 0; k < 4; k++) {
        text[k][0] = '\0';
        for (int i = 0; i < 9; i++)
            strcat(text[k], chars[k]);
    }
    text[4][0] = '\0';
    for (int i = 0; i < 3; i++)
        for (size_t k = 0; k < 4; k++)
            strcat(text[4], chars[k]);
    for (size_t t = 0; t < 5; t++) {
        size_t len = strlen(text[t]);
        for (size_t size = 1; size <= len + 3; size++) {
            char buf[64];
            memset(buf, 'x', sizeof(buf));
            base_quote(buf, size, text[t]);
            assert_cut_of(text[t], buf, size);
            assert_true(strlen(buf) < size);
            /* The formatter gives the same text. */
            char fmt[64];
            size_t n = base_utf8_format(fmt, size, "%s", text[t]);
            assert_string_equal(fmt, buf);
            assert_int_equal(n, strlen(buf));
        }
    }
}

static void test_invalid_bytes_become_replacement(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a\x80z", "a\xEF\xBF\xBDz"},                 /* lone continuation */
        {"a\xC3", "a\xEF\xBF\xBD"},                    /* truncated 2-byte */
        {"a\xE4\xB8", "a\xEF\xBF\xBD\xEF\xBF\xBD"},    /* truncated 3-byte */
        {"\xC0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD"},      /* overlong NUL */
        {"\xE0\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* overlong */
        {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* surrogate */
        {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"\xFF", "\xEF\xBF\xBD"},
        {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},       /* valid stays */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        base_quote(buf, sizeof(buf), cases[i].in);
        assert_string_equal(buf, cases[i].out);
        assert_true(base_utf8_valid(buf, strlen(buf)));
        assert_int_equal(base_utf8_valid(cases[i].in, strlen(cases[i].in)),
                         strcmp(cases[i].in, cases[i].out) == 0);
        char *dup = base_utf8_dup(cases[i].in, strlen(cases[i].in));
        assert_string_equal(dup, cases[i].out);
        free(dup);
        char fmt[64];
        base_utf8_format(fmt, sizeof(fmt), "<%s>", cases[i].in);
        assert_true(base_utf8_valid(fmt, strlen(fmt)));
    }
    /* A replacement that does not fit is not split either. */
    char small[6];
    base_quote(small, sizeof(small), "ab\xFF\xFF");
    assert_string_equal(small, "ab...");
    /* NULL quotes as empty. */
    char buf[8];
    assert_string_equal(base_quote(buf, sizeof(buf), NULL), "");
}

/* base_utf8_valid skips ASCII eight bytes at a time: a bad or a good
 * multi-byte sequence is judged the same at every offset and alignment
 * after and before ASCII runs of any length. */
static void test_valid_at_every_offset(void **state)
{
    (void)state;
    static const struct {
        const char *seq;
        bool valid;
    } seqs[] = {
        {"\x80", false}, {"\xC3", false}, {"\xE4\xB8", false}, {"\xC0\x80", false},
        {"\xED\xA0\x80", false}, {"\xFF", false}, {"\xC3\xA9", true},
        {"\xE4\xB8\xAD", true}, {"\xF0\x9F\x98\x80", true},
    };
    for (size_t k = 0; k < sizeof(seqs) / sizeof(seqs[0]); k++) {
        for (size_t before = 0; before < 20; before++) {
            for (size_t after = 0; after < 12; after++) {
                char buf[64];
                size_t n = 0;
                memset(buf, 'a', before);
                n += before;
                memcpy(buf + n, seqs[k].seq, strlen(seqs[k].seq));
                n += strlen(seqs[k].seq);
                memset(buf + n, 'z', after);
                n += after;
                if (base_utf8_valid(buf, n) != seqs[k].valid)
                    fail_msg("sequence %zu after %zu and before %zu ASCII bytes", k,
                             before, after);
            }
        }
    }
    /* The length is the bound, not a NUL: a bad byte past it is not seen. */
    assert_true(base_utf8_valid("abcdefghijklmnop\xFF", 16));
    assert_false(base_utf8_valid("abcdefghijklmnop\xFF", 17));
}

static void test_sequence_lengths(void **state)
{
    (void)state;
    const unsigned char *cjk = (const unsigned char *)"\xE4\xB8\xAD";
    assert_int_equal(base_utf8_len(cjk, 3), 3);
    assert_int_equal(base_utf8_len(cjk, 2), 0); /* not all there */
    assert_int_equal(base_utf8_len((const unsigned char *)"\xF0\x9F\x98\x80", 4), 4);
    assert_int_equal(base_utf8_len((const unsigned char *)"", 0), 0);
    assert_int_equal(base_utf8_len((const unsigned char *)"\xC1\xBF", 2), 0);
}

static void test_quote_macro_and_format(void **state)
{
    (void)state;
    char big[400];
    big[0] = '\0';
    for (int i = 0; i < 100; i++)
        strcat(big, "\xE4\xB8\xAD");
    char msg[512];
    /* Two quotes in one call get two temporaries. */
    snprintf(msg, sizeof(msg), "a '%s' b '%s'", BASE_QUOTE(big, 10), BASE_QUOTE("ok", 10));
    assert_string_equal(msg, "a '\xE4\xB8\xAD\xE4\xB8\xAD...' b 'ok'");
    /* A format whose result is cut mid-character is cut before it. */
    char small[8];
    assert_int_equal(base_utf8_format(small, sizeof(small), "%s", big), 6);
    assert_string_equal(small, "\xE4\xB8\xAD...");
    assert_int_equal(base_utf8_format(small, 0, "%s", big), 0);
}

/* The fallback used when no memory is left: snprintf's cut text, fixed
 * where it lies. */
static void test_repair_in_place(void **state)
{
    (void)state;
    /* "ab中中" cut by snprintf into 7 bytes: "ab中" + half of the next. */
    char buf[8];
    volatile size_t seven = 7;
    snprintf(buf, seven, "%s", "ab\xE4\xB8\xAD\xE4\xB8\xAD");
    assert_int_equal(base_utf8_repair(buf, 7, true), 5);
    assert_string_equal(buf, "ab...");
    /* Room enough: only the half character goes, then the ellipsis. */
    char wide[16];
    volatile size_t sixteen = 16;
    snprintf(wide, sixteen, "%s", "abcdefgh\xE4\xB8\xAD\xE4\xB8\xAD");
    base_utf8_repair(wide, 16, true);
    assert_string_equal(wide, "abcdefgh\xE4\xB8\xAD...");
    assert_true(base_utf8_valid(wide, strlen(wide)));
    /* Not cut: stray bytes become '?'. */
    char bad[8] = "a\x80\xFFz";
    assert_int_equal(base_utf8_repair(bad, sizeof(bad), false), 4);
    assert_string_equal(bad, "a??z");
    /* Every cut of a mixed text ends valid and within the buffer. */
    const char *mixed = "A\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80" "A\xC3\xA9\xE4\xB8\xAD";
    for (size_t size = 1; size < 20; size++) {
        char b[32];
        snprintf(b, size, "%s", mixed);
        size_t n = base_utf8_repair(b, size, strlen(mixed) >= size);
        assert_true(n < size);
        assert_int_equal(strlen(b), n);
        assert_true(base_utf8_valid(b, n));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_length_every_cut),
        cmocka_unit_test(test_invalid_bytes_become_replacement),
        cmocka_unit_test(test_valid_at_every_offset),
        cmocka_unit_test(test_sequence_lengths),
        cmocka_unit_test(test_quote_macro_and_format),
        cmocka_unit_test(test_repair_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
