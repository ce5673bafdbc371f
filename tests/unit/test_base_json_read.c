/*
 * test_base_json_read.c - the fast path of base_json_read against jansson.
 *
 * Whatever the fast path accepts, jansson (json_loadb with
 * JSON_DECODE_ANY | JSON_REJECT_DUPLICATES) must accept too, with an equal
 * tree and the same member order; whatever it gives up on, base_json_read
 * must still answer exactly as jansson does. Checked on hand-written texts,
 * on the messages real clients send (which the fast path must take, or it
 * would be dead code), and on many mutations of those messages.
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

#define FLAGS (JSON_DECODE_ANY | JSON_REJECT_DUPLICATES)

static unsigned long accepted_fast, mutations;

/* The three readers agree on text: fast (when it answers), base_json_read
 * and jansson. Returns whether the fast path answered. */
static bool agree(const char *text, size_t len)
{
    json_error_t e1, e2;
    json_t *fast = base_json_read_fast(text, len);
    json_t *read = base_json_read(text, len, &e1);
    json_t *want = json_loadb(text, len, FLAGS, &e2);
    bool took = fast != NULL;

    if (fast) {
        char *a, *b;

        if (!want)
            fail_msg("fast path accepted what jansson refuses (%s): %.*s", e2.text,
                     (int)len, text);
        assert_true(json_equal(fast, want));
        /* Member order too: the reply echoes values in order. */
        a = json_dumps(fast, JSON_ENCODE_ANY | JSON_COMPACT);
        b = json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT);
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, b);
        free(a);
        free(b);
        accepted_fast++;
    }
    if (!want) {
        assert_null(read);
        assert_string_equal(e1.text, e2.text);
        assert_int_equal(e1.line, e2.line);
        assert_int_equal(e1.column, e2.column);
    } else {
        assert_non_null(read);
        assert_true(json_equal(read, want));
    }
    json_decref(fast);
    json_decref(read);
    json_decref(want);
    return took;
}

static bool agree_str(const char *text)
{
    return agree(text, strlen(text));
}

/* Messages as the SDK clients and bench_http send them. */
static const char *const messages[] = {
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
    "\"get_ids_info\",\"arguments\":{\"session_id\":\"0123456789abcdef0123456789abcdef\"},"
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
    "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"bench\",\"version\":\"1\"},"
    "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
    "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
    "\"clientInfo\":{\"name\":\"bench_http\",\"version\":\"1\"}}}",
    "{\"method\":\"notifications/initialized\",\"jsonrpc\":\"2.0\"}",
    " {\"jsonrpc\" : \"2.0\",\r\n \"id\" : \"abc\", \"method\" : \"ping\" }\n",
    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":"
    "\"add_property_facet\",\"arguments\":{\"location\":\"requirements\","
    "\"property_set\":\"Pset_WallCommon\",\"property_name\":\"FireRating\","
    "\"data_type\":\"IFCLABEL\",\"value\":{\"pattern\":\"[A-Z]\\\\d+\"},"
    "\"cardinality\":\"required\",\"flag\":true,\"none\":null,\"no\":false,"
    "\"n\":-42,\"list\":[1,[2,[3,[]]],{}],\"text\":\"tab\\there \\\"quoted\\\" "
    "slash\\/ back\\\\ nl\\n cr\\r ff\\f bs\\b\",\"unicode\":\"Wand \xc3\xa4\xe2\x82\xac"
    "\xf0\x9f\x8f\x97\"}}}",
    ("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\","
     "\"method\":\"notifications/cancelled\"}]"),
};

static void test_client_messages_take_the_fast_path(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        if (!agree_str(messages[i]))
            fail_msg("fast path gave up on a client message: %s", messages[i]);
    }
}

static void test_scalars_and_edges(void **state)
{
    static const char *const fast[] = {
        "0", "-0", "123456789012345678", "-123456789012345678", "true", "false",
        "null", "\"\"", "[]", "{}", "[[],[{}]]", "{\"\":1}", "  [ 1 , 2 ]  ",
        "{\"a\":{\"a\":{\"a\":1}}}",
    };
    /* Given up on, whatever jansson then says (valid or not). */
    static const char *const slow[] = {
        "", " ", "1.5", "1e3", "-1E-2", "1234567890123456789",
        "9223372036854775807", "99999999999999999999", "01", "-01", "-", "+1",
        "\"\\u00e4\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\x\"", "\"abc",
        "\"a\tb\"", "{\"a\":1,\"a\":2}", "{\"a\" 1}", "{\"a\":1,}", "[1,]",
        "[1 2]", "{a:1}", "tru", "truex", "nul", "[true false]", "{} {}", "{}x",
        "\xef\xbb\xbf{}", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
        "\"\xf4\x90\x80\x80\"", "\"\xff\"", "{\"k\xe2\x82\":1}", "[1]]",
        "{\"a\":[}", "NaN", "Infinity", "[-]", "{\"a\":\"\\\"}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof fast / sizeof fast[0]; i++) {
        if (!agree_str(fast[i]))
            fail_msg("fast path gave up on %s", fast[i]);
    }
    for (size_t i = 0; i < sizeof slow / sizeof slow[0]; i++) {
        if (agree_str(slow[i]))
            fail_msg("fast path took %s", slow[i]);
    }
    /* A NUL byte inside a string and between tokens. */
    assert_false(agree("\"a\0b\"", 5));
    assert_false(agree("[1,\0 2]", 7));
}

static void test_depth(void **state)
{
    char deep[2 * 300 + 1];

    (void)state;
    for (int n = 60; n <= 300; n += 4) {
        memset(deep, '[', (size_t)n);
        memset(deep + n, ']', (size_t)n);
        deep[2 * n] = '\0';
        /* The fast path stops at 64 levels and leaves the rest to jansson. */
        assert_int_equal(agree_str(deep), n <= 64);
    }
}

/* xorshift64*: the same mutations on every run. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static void test_mutations(void **state)
{
    static const char tokens[] = "{}[]\",:\\ \t\n0123456789-.eEtrufalsn\x80\xc3\xa4\xff";
    char buf[2048];

    (void)state;
    for (size_t m = 0; m < sizeof messages / sizeof messages[0]; m++) {
        size_t base = strlen(messages[m]);

        for (int round = 0; round < 4000; round++) {
            size_t len = base;
            int edits = 1 + (int)(next() % 3);

            memcpy(buf, messages[m], base);
            for (int e = 0; e < edits; e++) {
                size_t at = len ? (size_t)(next() % len) : 0;
                char c = tokens[next() % (sizeof tokens - 1)];

                switch (next() % 4) {
                case 0: /* replace a byte */
                    if (len)
                        buf[at] = c;
                    break;
                case 1: /* insert a byte */
                    if (len + 1 < sizeof buf) {
                        memmove(buf + at + 1, buf + at, len - at);
                        buf[at] = c;
                        len++;
                    }
                    break;
                case 2: /* delete a byte */
                    if (len) {
                        memmove(buf + at, buf + at + 1, len - at - 1);
                        len--;
                    }
                    break;
                default: /* cut the text short */
                    len = at;
                    break;
                }
            }
            agree(buf, len);
            mutations++;
        }
    }
    /* Many mutations leave the text valid (a changed letter in a string),
     * so the fast path must have taken some of them. */
    assert_true(accepted_fast > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_messages_take_the_fast_path),
        cmocka_unit_test(test_scalars_and_edges),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_mutations),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    printf("# %lu mutated texts, %lu taken by the fast path\n", mutations, accepted_fast);
    return rc;
}
