/*
 * test_ifc_step_hostile.c - the STEP reader on broken and hostile input:
 * each gives a clear error of the right kind with its line (and #id), and
 * nothing crashes, reads out of bounds or grows without bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ifc/step_internal.h"
#include "step_fixture.h"
#include "testutil.h"

/* Opens body inside the fixture and expects the error code on line. */
static void expect_open_error(const char *body, ifc_step_status code, uint32_t line,
                              int64_t id, const ifc_step_limits *limits)
{
    step_fixture f;
    ifc_step_status st = step_fixture_open(&f, body, limits);
    if (st != code || f.err.line != line || (id != -2 && f.err.instance_id != id))
        fail_msg("%s\n-> %s (line %u, #%lld): %s; wanted %s on line %u", body,
                 ifc_step_status_name(st), f.err.line, (long long)f.err.instance_id,
                 f.err.message, ifc_step_status_name(code), line);
    assert_null(f.reader);
    assert_true(f.err.message[0] != '\0');
    step_fixture_close(&f);
}

#define L(n) (STEP_FIXTURE_FIRST_LINE + (n))

static void test_unbalanced_parentheses(void **state)
{
    (void)state;
    expect_open_error("#1=A(1);\n#2=IFCWALL('a',(1,2);\n", IFC_STEP_ERR_SYNTAX, L(1), 2, NULL);
    expect_open_error("#1=A(1);\n#2=IFCWALL('a',\n(1,2)));\n", IFC_STEP_ERR_SYNTAX, L(2), 2,
                      NULL);
    expect_open_error("#1=A(1)\n#2=B(2);\n", IFC_STEP_ERR_SYNTAX, L(1), 1, NULL);
    expect_open_error("#1=A(1));\n", IFC_STEP_ERR_SYNTAX, L(0), 1, NULL);
    expect_open_error("#1=A 1;\n", IFC_STEP_ERR_SYNTAX, L(0), 1, NULL);
    expect_open_error("#1 A(1);\n", IFC_STEP_ERR_SYNTAX, L(0), 1, NULL);
    expect_open_error("#1=(A(1);\n", IFC_STEP_ERR_SYNTAX, L(0), 1, NULL);
    expect_open_error("#1=A(1);\nB(2);\n", IFC_STEP_ERR_SYNTAX, L(1), -1, NULL);
    expect_open_error("#1=A(1);\n#2=B(2,=);\n", IFC_STEP_ERR_SYNTAX, L(1), 2, NULL);
    expect_open_error("#1=A(1);\n#2=B(2,@3);\n", IFC_STEP_ERR_SYNTAX, L(1), 2, NULL);
    expect_open_error("#1=A(1);\n#2=B(2,/3);\n", IFC_STEP_ERR_SYNTAX, L(1), 2, NULL);
    expect_open_error("#1=A(1);\n#2=B(2,\\3);\n", IFC_STEP_ERR_SYNTAX, L(1), 2, NULL);
    expect_open_error("#1=A(1);\n#2=1B(2);\n", IFC_STEP_ERR_SYNTAX, L(1), 2, NULL);
}

static void test_unterminated(void **state)
{
    (void)state;
    char *file = step_fixture_file("#1=A('ok');\n#2=B(\n'never closed);\n", NULL);
    /* The string swallows the rest of the file: the error names the line
     * where it starts. */
    step_fixture f;
    char *cut = strstr(file, "ENDSEC;\nEND");
    *cut = '\0';
    step_fixture_open_raw(&f, file, strlen(file), NULL);
    assert_int_equal(f.status, IFC_STEP_ERR_TRUNCATED);
    assert_int_equal(f.err.line, L(2));
    assert_int_equal(f.err.instance_id, 2);
    assert_non_null(strstr(f.err.message, "string"));
    step_fixture_close(&f);
    free(file);

    expect_open_error("#1=A(1);\n/* open comment\n#2=B(2);\n", IFC_STEP_ERR_TRUNCATED, L(1), -1,
                      NULL);
    expect_open_error("#1=A(1,\n/* open comment\n#2=B(2);\n", IFC_STEP_ERR_TRUNCATED, L(1), 1,
                      NULL);
    expect_open_error("#1=A(1,\n\"0FF);\n", IFC_STEP_ERR_TRUNCATED, L(1), 1, NULL);
}

/* Every proper prefix of a valid file fails with an error that has a
 * line; none crashes. */
static void test_every_truncation(void **state)
{
    (void)state;
    size_t len;
    char *file = step_fixture_file(
        "#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'P\\X2\\00E9\\X0\\',$,$,$,$,(#2),$);\n"
        "#2=IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-05,#3,$);\n"
        "/* a comment */ #3=IFCAXIS2PLACEMENT3D(#4,$,$);\n"
        "#4=IFCCARTESIANPOINT((0.,0.,0.));\n"
        "#5=(IFCA(\"0FF\") IFCB(.T.));\n",
        &len);
    for (size_t n = 0; n < len; n++) {
        ifc_step_reader *r = NULL;
        ifc_step_error err;
        ifc_step_error_clear(&err);
        /* A copy of exactly n bytes, so ASan sees any read past them. */
        char *prefix = malloc(n ? n : 1);
        memcpy(prefix, file, n);
        ifc_step_status st = ifc_step_open_memory(prefix, n, NULL, &r, &err);
        /* The last bytes are END-ISO-10303-21; and a newline: the file is
         * complete once the ';' is there. */
        if (n >= len - 1) {
            assert_int_equal(st, IFC_STEP_OK);
            ifc_step_close(r);
        } else {
            if (st == IFC_STEP_OK)
                fail_msg("a prefix of %zu bytes was accepted", n);
            assert_null(r);
            assert_true(err.line >= 1);
            assert_true(st == IFC_STEP_ERR_TRUNCATED || st == IFC_STEP_ERR_SYNTAX);
        }
        free(prefix);
    }
    free(file);
}

static void test_header_errors(void **state)
{
    (void)state;
    struct { const char *text; ifc_step_status code; uint32_t line; } cases[] = {
        {"", IFC_STEP_ERR_TRUNCATED, 1},
        {"hello world", IFC_STEP_ERR_SYNTAX, 1},
        {"\n\nISO-10303-21", IFC_STEP_ERR_TRUNCATED, 3},
        {"ISO-10303-21;\nDATA;\n", IFC_STEP_ERR_SYNTAX, 2},
        {"ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\n", IFC_STEP_ERR_TRUNCATED, 4},
        {"ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4');\nENDSEC;\n", IFC_STEP_ERR_SYNTAX, 3},
        {"ISO-10303-21;\nHEADER;\n#1=A();\nENDSEC;\n", IFC_STEP_ERR_SYNTAX, 3},
        {"ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\n#1=A();\n", IFC_STEP_ERR_TRUNCATED, 6},
        {"ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\n#1=A();\nENDSEC;\n", IFC_STEP_ERR_TRUNCATED,
         7},
        {"ISO-10303-21;\nHEADER;\nENDSEC;\nANCHOR;\nENDSEC;\n", IFC_STEP_ERR_UNSUPPORTED, 4},
        {"ISO-10303-21;\nHEADER;\nENDSEC;\nFOO;\n", IFC_STEP_ERR_SYNTAX, 4},
        {"ISO-10303-21;\nHEADER;\nENDSEC;\nDATA\n#1=A();\n", IFC_STEP_ERR_SYNTAX, 5},
        {"ISO-10303-21;\nHEADER;\nFILE_SCHEMA((1));\nENDSEC;\nDATA;\nENDSEC;\n"
         "END-ISO-10303-21;\n",
         IFC_STEP_ERR_SYNTAX, 3},
        {"ISO-10303-21;\nHEADER;\nFILE_SCHEMA('IFC4');\nENDSEC;\nDATA;\nENDSEC;\n"
         "END-ISO-10303-21;\n",
         IFC_STEP_ERR_SYNTAX, 3},
        {"ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('\\X2\\00'));\nENDSEC;\nDATA;\nENDSEC;\n"
         "END-ISO-10303-21;\n",
         IFC_STEP_ERR_STRING, 3},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        step_fixture f;
        step_fixture_open_raw(&f, cases[i].text, strlen(cases[i].text), NULL);
        if (f.status != cases[i].code || f.err.line != cases[i].line)
            fail_msg("case %zu: %s line %u (%s); wanted %s line %u", i,
                     ifc_step_status_name(f.status), f.err.line, f.err.message,
                     ifc_step_status_name(cases[i].code), cases[i].line);
        step_fixture_close(&f);
    }
}

static void test_duplicate_ids(void **state)
{
    (void)state;
    expect_open_error("#1=A();\n#2=B();\n#1=C();\n", IFC_STEP_ERR_DUPLICATE, L(2), 1, NULL);
    /* Sparse ids take the hash; the same error. */
    expect_open_error("#1=A();\n#4000000000=B();\n\n#4000000000=C();\n", IFC_STEP_ERR_DUPLICATE,
                      L(3), 4000000000ll, NULL);
    step_fixture f;
    step_fixture_open(&f, "#7=A();\n#7=B();\n", NULL);
    assert_non_null(strstr(f.err.message, "first at line 8"));
    step_fixture_close(&f);
}

static void test_ids_out_of_range(void **state)
{
    (void)state;
    expect_open_error("#1=A();\n#4294967295=B();\n", IFC_STEP_ERR_RANGE, L(1), -1, NULL);
    expect_open_error("#99999999999999999999999999=B();\n", IFC_STEP_ERR_RANGE, L(0), -1, NULL);
    expect_open_error("#=B();\n", IFC_STEP_ERR_SYNTAX, L(0), -1, NULL);
    expect_open_error("#-1=B();\n", IFC_STEP_ERR_SYNTAX, L(0), -1, NULL);
    /* A reference out of range is found when read. */
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "#1=A(\n#4294967295);\n", NULL), IFC_STEP_OK);
    ifc_step_cursor c;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_attribute(f.reader, 0, 0, &c, &err), IFC_STEP_KIND_REF);
    uint32_t id;
    assert_int_equal(ifc_step_get_ref(&c, &id, &err), IFC_STEP_ERR_RANGE);
    assert_int_equal(err.line, L(1));
    assert_int_equal(err.instance_id, 1);
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_ERR_RANGE);
    step_fixture_close(&f);
}

static void test_dangling_references(void **state)
{
    (void)state;
    /* Opening accepts them (references may point forward; checking them
     * is a second walk); resolving and validating report them. */
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "#1=A(#2);\n#2=B((#1,\n#3));\n", NULL), IFC_STEP_OK);
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_ERR_DANGLING);
    assert_int_equal(err.line, L(2));
    assert_int_equal(err.instance_id, 2);
    assert_non_null(strstr(err.message, "#3"));
    step_fixture_close(&f);
}

static void test_binary_garbage(void **state)
{
    (void)state;
    /* Garbage instead of a file, and garbage inside a record. */
    unsigned char junk[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    step_fixture f;
    step_fixture_open_raw(&f, (const char *)junk, sizeof(junk), NULL);
    assert_int_equal(f.status, IFC_STEP_ERR_SYNTAX);
    assert_int_equal(f.err.line, 1);
    step_fixture_close(&f);

    expect_open_error("#1=A(1);\n#2=B(2,\x01\x02\x03);\n", IFC_STEP_ERR_SYNTAX, L(1), 2, NULL);
    expect_open_error("#1=A(1);\n#2=B(2,\xff\xfe);\n", IFC_STEP_ERR_SYNTAX, L(1), 2, NULL);
    char with_nul[] = "#1=A(1);\n#2=B(2,X);\n";
    *strchr(with_nul, 'X') = '\0';
    size_t n = sizeof(with_nul) - 1;
    char *file = malloc(strlen(STEP_FIXTURE_HEAD) + n + strlen(STEP_FIXTURE_TAIL));
    size_t hl = strlen(STEP_FIXTURE_HEAD);
    memcpy(file, STEP_FIXTURE_HEAD, hl);
    memcpy(file + hl, with_nul, n);
    memcpy(file + hl + n, STEP_FIXTURE_TAIL, strlen(STEP_FIXTURE_TAIL));
    step_fixture_open_raw(&f, file, hl + n + strlen(STEP_FIXTURE_TAIL), NULL);
    assert_int_equal(f.status, IFC_STEP_ERR_SYNTAX);
    assert_int_equal(f.err.line, L(1));
    assert_non_null(strstr(f.err.message, "0x00"));
    step_fixture_close(&f);
    free(file);

    /* Strings may hold any byte: they are decoded, not refused. */
    step_fixture_open(&f, "#1=A('\x01\xff\x80 ok');\n", NULL);
    assert_int_equal(f.status, IFC_STEP_OK);
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_OK);
    step_fixture_close(&f);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *body = malloc(depth * 2 + 32);
    char *p = body + sprintf(body, "#1=A(\n");
    memset(p, '(', depth);
    p += depth;
    memset(p, ')', depth);
    p += depth;
    strcpy(p, ");\n");
    expect_open_error(body, IFC_STEP_ERR_LIMIT, L(1), 1, NULL);
    free(body);
    /* Within the default: fine; a smaller limit refuses it. */
    const char *nested = "#1=A(((((((1)))))));\n";
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, nested, NULL), IFC_STEP_OK);
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_OK);
    step_fixture_close(&f);
    ifc_step_limits lim = {.max_depth = 4};
    expect_open_error(nested, IFC_STEP_ERR_LIMIT, L(0), 1, &lim);
}

static void test_limits(void **state)
{
    (void)state;
    ifc_step_limits lim = {.max_instances = 3};
    expect_open_error("#1=A();\n#2=A();\n#3=A();\n#4=A();\n", IFC_STEP_ERR_LIMIT, L(3), 4, &lim);
    /* 36 bytes: over the longest string of the fixture's header (33). */
    lim = (ifc_step_limits){.max_string_bytes = 36};
    expect_open_error("#1=A('012345678901234567890123456789012345');\n"
                      "#2=A(\n'0123456789012345678901234567890123456');\n",
                      IFC_STEP_ERR_LIMIT, L(2), 2, &lim);
    expect_open_error("#1=A(\"001234567890123456789012345678901234\");\n"
                      "#2=A(\n\"0012345678901234567890123456789012345\");\n",
                      IFC_STEP_ERR_LIMIT, L(2), 2, &lim);
    lim = (ifc_step_limits){.max_type_names = 2};
    expect_open_error("#1=A();\n#2=B();\n#3=A();\n#4=C();\n", IFC_STEP_ERR_LIMIT, L(3), -2, &lim);
    lim = (ifc_step_limits){.max_file_bytes = 100};
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "", &lim), IFC_STEP_ERR_LIMIT);
    step_fixture_close(&f);
    lim = (ifc_step_limits){.max_depth = IFC_STEP_MAX_DEPTH_CAP + 1};
    assert_int_equal(step_fixture_open(&f, "", &lim), IFC_STEP_ERR_LIMIT);
    step_fixture_close(&f);
    lim = (ifc_step_limits){.max_type_names = IFC_STEP_MAX_TYPE_NAMES_CAP + 1};
    assert_int_equal(step_fixture_open(&f, "", &lim), IFC_STEP_ERR_LIMIT);
    step_fixture_close(&f);
    /* A type name and a number of absurd length. */
    char *body = malloc(1200);
    strcpy(body, "#1=");
    memset(body + 3, 'A', 1000);
    strcpy(body + 1003, "();\n");
    expect_open_error(body, IFC_STEP_ERR_LIMIT, L(0), 1, NULL);
    strcpy(body, "#1=A(");
    memset(body + 5, '1', 1000);
    strcpy(body + 1005, ");\n");
    assert_int_equal(step_fixture_open(&f, body, NULL), IFC_STEP_OK);
    ifc_step_cursor c;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_attribute(f.reader, 0, 0, &c, &err), IFC_STEP_KIND_ERROR);
    assert_int_equal(err.code, IFC_STEP_ERR_LIMIT);
    step_fixture_close(&f);
    free(body);
}

/* A record on one line of many megabytes: nothing per line is kept, so
 * it reads like any other, and a token error at its end has its line. */
static void test_long_line(void **state)
{
    (void)state;
    size_t n = testutil_under_valgrind() ? 20000 : 400000; /* values: ~3 MB or 150 kB */
    char *body = malloc(n * 8 + 64);
    char *p = body + sprintf(body, "#1=A((");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s#%zu", i ? "," : "", i % 2 + 2);
    p += sprintf(p, "),1.2.3);\n#2=B();#3=C(\n#2);\n");
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, body, NULL), IFC_STEP_OK);
    free(body);
    assert_int_equal(ifc_step_instance_line(f.reader, 2), L(1));
    ifc_step_cursor c, list;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_attribute(f.reader, 0, 0, &c, &err), IFC_STEP_KIND_LIST);
    assert_int_equal(ifc_step_enter(&c, &list, &err), IFC_STEP_OK);
    size_t count = 0;
    while (ifc_step_next(&list, &err) == IFC_STEP_KIND_REF)
        count++;
    assert_int_equal(count, n);
    assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_ERROR);
    assert_int_equal(err.line, L(0));
    assert_int_equal(ifc_step_attribute(f.reader, 2, 0, &c, &err), IFC_STEP_KIND_REF);
    assert_int_equal(ifc_step_cursor_line(&c), L(2));
    step_fixture_close(&f);
}

/* An endless line fed through a pipe: reading stops at the size limit. */
static void *endless_writer(void *arg)
{
    int fd = *(int *)arg;
    const char *head = STEP_FIXTURE_HEAD "#1=A(";
    if (write(fd, head, strlen(head)) < 0)
        return NULL;
    char chunk[65536];
    for (size_t i = 0; i < sizeof(chunk); i += 2) {
        chunk[i] = '1';
        chunk[i + 1] = ',';
    }
    while (write(fd, chunk, sizeof(chunk)) > 0) {
    }
    return NULL;
}

static void test_endless_pipe(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof(path), "%s/fifo.ifc", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    /* The reader opens without blocking; a writer then fills the pipe. */
    int wfd = -1;
    pthread_t writer;
    ifc_step_limits lim = {.max_file_bytes = 4u << 20};
    ifc_step_reader *r = NULL;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    int rfd = open(path, O_RDONLY | O_NONBLOCK); /* lets the writer's open complete */
    assert_true(rfd >= 0);
    wfd = open(path, O_WRONLY);
    assert_true(wfd >= 0);
    assert_int_equal(pthread_create(&writer, NULL, endless_writer, &wfd), 0);
    ifc_step_status st = ifc_step_open_file(path, &lim, &r, &err);
    close(rfd); /* the last reader gone: the writer gets EPIPE */
    pthread_join(writer, NULL);
    close(wfd);
    assert_int_equal(st, IFC_STEP_ERR_LIMIT);
    assert_null(r);
    assert_non_null(strstr(err.message, "limit"));
    unlink(path);
    testutil_rmtree(dir);
    free(dir);
}

/* Type names chosen so that their cheap hashes share the low bits: the
 * table is rekeyed with SipHash rather than walked from end to end at
 * every instance; everything still reads. Ids in a pattern that would
 * defeat a hash of their low bits are found too. */
static void test_hash_flooding(void **state)
{
    (void)state;
    enum { NAMES = 300 };
    char (*names)[16] = calloc(NAMES, sizeof(*names));
    size_t found = 0;
    for (unsigned k = 0; found < NAMES; k++) {
        char name[16];
        snprintf(name, sizeof(name), "IFCX%07u", k);
        if ((step_name_hash(name, strlen(name)) & 1023u) == 0x155u)
            strcpy(names[found++], name);
    }
    char *body = malloc(NAMES * 2 * 40 + 1), *p = body;
    for (size_t round = 0; round < 2; round++)
        for (size_t i = 0; i < NAMES; i++)
            p += sprintf(p, "#%zu=%s();\n", (round * NAMES + i + 1) << 16, names[i]);
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, body, NULL), IFC_STEP_OK);
    assert_true(f.reader->type_keyed);
    assert_int_equal(ifc_step_type_count(f.reader), NAMES);
    for (size_t i = 0; i < NAMES; i++) {
        ifc_step_type t = ifc_step_type_find(f.reader, names[i]);
        assert_int_not_equal(t, IFC_STEP_NO_TYPE);
        size_t n;
        const ifc_step_inst *insts = ifc_step_instances_of_type(f.reader, t, &n);
        assert_int_equal(n, 2);
        assert_int_equal(ifc_step_instance_id(f.reader, insts[1]), (NAMES + i + 1) << 16);
        assert_int_equal(ifc_step_find(f.reader, (uint32_t)((i + 1) << 16)), insts[0]);
    }
    assert_int_equal(ifc_step_find(f.reader, 1), IFC_STEP_NO_INST);
    step_fixture_close(&f);
    free(body);
    free(names);
    /* An ordinary file stays on the cheap hash. */
    assert_int_equal(step_fixture_open(&f, "#1=IFCWALL();\n#2=IFCSLAB();\n", NULL), IFC_STEP_OK);
    assert_false(f.reader->type_keyed);
    step_fixture_close(&f);
}

/* Deterministic mutations of a valid file: open, then validate what
 * opens; errors have lines, nothing crashes. */
static void test_mutations(void **state)
{
    (void)state;
    size_t len;
    char *file = step_fixture_file(
        "#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'P\\X2\\00E9\\X0\\',$,$,$,$,(#2),#9);\n"
        "#2=IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-05,#3,$);\n"
        "#3=IFCAXIS2PLACEMENT3D(#4,$,$);\n"
        "#4=IFCCARTESIANPOINT((0.,-1.5E2,.5));\n"
        "#5=IFCPROPERTYSINGLEVALUE('A''b',$,IFCLABEL('\\S\\D'),$);\n"
        "#6=(IFCA(\"0FF\") IFCB(.T.,*));\n"
        "/* c */ #9=IFCUNITASSIGNMENT((#5,#6));\n",
        &len);
    const char alphabet[] = "();,'\"#$*./\\\n 09AZaz.E-+=\xff\x00";
    uint32_t x = 2024;
    int rounds = testutil_under_valgrind() ? 300 : 20000;
    int opened = 0;
    char *copy = malloc(len + 8);
    for (int round = 0; round < rounds; round++) {
        memcpy(copy, file, len);
        size_t n = len;
        int edits = 1 + (int)(x % 4);
        for (int e = 0; e < edits; e++) {
            x = x * 1103515245u + 12345u;
            size_t at = (x >> 8) % n;
            x = x * 1103515245u + 12345u;
            char ch = alphabet[(x >> 8) % (sizeof(alphabet) - 1)];
            switch ((x >> 4) % 3) {
            case 0:
                copy[at] = ch;
                break;
            case 1:
                memmove(copy + at, copy + at + 1, n - at - 1);
                n--;
                break;
            default:
                if (n < len + 8) {
                    memmove(copy + at + 1, copy + at, n - at);
                    copy[at] = ch;
                    n++;
                }
            }
        }
        char *exact = malloc(n);
        memcpy(exact, copy, n);
        ifc_step_reader *r = NULL;
        ifc_step_error err;
        ifc_step_error_clear(&err);
        if (ifc_step_open_memory(exact, n, NULL, &r, &err) == IFC_STEP_OK) {
            opened++;
            ifc_step_error_clear(&err);
            if (ifc_step_validate(r, &err) != IFC_STEP_OK)
                assert_true(err.line >= 1 && err.message[0] != '\0');
            ifc_step_close(r);
        } else {
            assert_true(err.line >= 1 || err.code == IFC_STEP_ERR_DUPLICATE);
            assert_true(err.message[0] != '\0');
        }
        free(exact);
    }
    assert_true(opened > 0);
    free(copy);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unbalanced_parentheses),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_duplicate_ids),
        cmocka_unit_test(test_ids_out_of_range),
        cmocka_unit_test(test_dangling_references),
        cmocka_unit_test(test_binary_garbage),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_endless_pipe),
        cmocka_unit_test(test_hash_flooding),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
