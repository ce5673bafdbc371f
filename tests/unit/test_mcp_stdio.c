/*
 * test_mcp_stdio.c - the stdio transport's framing: one message per line
 * in and out, blank lines, CRLF, a last line without newline, lines over
 * the limit, and end of file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mcp/mcp.h"
#include "testutil.h"

#define LIMIT 1024 /* bytes; the server's message limit in these tests */

/* Runs the transport over input and returns every output line. */
static char **run(const char *input, size_t input_len, size_t *n_lines, int *rc)
{
    mcp_server_config cfg = {0};
    tool_config tools = {0};
    mcp_server *server;
    FILE *in = tmpfile(), *out = tmpfile();
    char **lines = NULL;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;

    assert_non_null(in);
    assert_non_null(out);
    assert_int_equal(fwrite(input, 1, input_len, in), input_len);
    fflush(in);
    rewind(in);
    cfg.tools = &tools;
    cfg.max_message_bytes = LIMIT;
    server = mcp_server_new(&cfg);
    assert_non_null(server);
    *rc = mcp_stdio_run(server, fileno(in), fileno(out), NULL);
    mcp_server_free(server);
    rewind(out);
    *n_lines = 0;
    while ((got = getline(&buf, &cap, out)) >= 0) {
        assert_true(got > 0 && buf[got - 1] == '\n');
        buf[got - 1] = '\0';
        lines = realloc(lines, (*n_lines + 1) * sizeof *lines);
        lines[(*n_lines)++] = strdup(buf);
    }
    free(buf);
    fclose(in);
    fclose(out);
    return lines;
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static int code_of(const char *line)
{
    json_t *r = json_loads(line, 0, NULL);
    int code;

    assert_non_null(r);
    code = (int)json_integer_value(json_object_get(json_object_get(r, "error"), "code"));
    json_decref(r);
    return code;
}

static json_int_t id_of(const char *line)
{
    json_t *r = json_loads(line, 0, NULL);
    json_int_t id;

    assert_non_null(r);
    id = json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    return id;
}

static void test_lines(void **state)
{
    const char *input =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
        "\n"
        "   \n"
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\r\n"
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
        "{broken\n"
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}";  /* no newline at EOF */
    size_t n = 0;
    int rc;
    char **lines = run(input, strlen(input), &n, &rc);

    assert_int_equal(rc, 0);
    assert_int_equal(n, 4);
    assert_int_equal(id_of(lines[0]), 1);
    assert_int_equal(id_of(lines[1]), 2);
    assert_int_equal(code_of(lines[2]), MCP_PARSE_ERROR);
    assert_int_equal(id_of(lines[3]), 3);
    free_lines(lines, n);
}

static void test_long_line_is_skipped(void **state)
{
    size_t big = 3 * LIMIT + 17;
    const char *tail = "\n{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}\n";
    char *input = malloc(big + strlen(tail) + 1);
    size_t n = 0;
    int rc;
    char **lines;

    memset(input, 'x', big);
    strcpy(input + big, tail);
    lines = run(input, strlen(input), &n, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 2);
    assert_int_equal(code_of(lines[0]), MCP_INVALID_REQUEST);
    assert_int_equal(id_of(lines[1]), 5);
    free_lines(lines, n);
    free(input);
}

static void test_long_last_line_without_newline(void **state)
{
    size_t big = 2 * LIMIT;
    char *input = malloc(big);
    size_t n = 0;
    int rc;
    char **lines;

    memset(input, '[', big);
    lines = run(input, big, &n, &rc);
    assert_int_equal(n, 1);
    assert_int_equal(code_of(lines[0]), MCP_INVALID_REQUEST);
    free_lines(lines, n);
    free(input);
}

static void test_line_at_the_limit(void **state)
{
    /* A request padded with spaces to exactly LIMIT bytes is accepted. */
    const char *req = "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}";
    char *input = malloc(LIMIT + 2);
    size_t n = 0;
    int rc;
    char **lines;

    memset(input, ' ', LIMIT);
    memcpy(input, req, strlen(req));
    input[LIMIT] = '\n';
    lines = run(input, LIMIT + 1, &n, &rc);
    assert_int_equal(n, 1);
    assert_int_equal(id_of(lines[0]), 6);
    free_lines(lines, n);
    free(input);
}

static void test_empty_input(void **state)
{
    size_t n = 0;
    int rc;
    char **lines = run("", 0, &n, &rc);

    assert_int_equal(rc, 0);
    assert_int_equal(n, 0);
    free(lines);
}

static void test_binary_garbage(void **state)
{
    char input[4096];
    size_t n = 0;
    int rc;
    char **lines;
    unsigned x = 12345;

    for (size_t i = 0; i < sizeof input; i++) {
        x = x * 1103515245u + 12345u;
        input[i] = (char)(x >> 16);
    }
    lines = run(input, sizeof input, &n, &rc);
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < n; i++) {
        int code = code_of(lines[i]);

        assert_true(code == MCP_PARSE_ERROR || code == MCP_INVALID_REQUEST);
    }
    free_lines(lines, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_long_line_is_skipped),
        cmocka_unit_test(test_long_last_line_without_newline),
        cmocka_unit_test(test_line_at_the_limit),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_binary_garbage),
    };

    mcp_log_set_threshold(MCP_LOG_OFF);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
