/*
 * test_ifc_step_lex.c - the STEP reader on every lexical form: strings and
 * their encodings, numbers, enumerations, $ and *, references, typed
 * values, lists, binaries, comments and spaces, complex instances, and the
 * instance and type index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <math.h>

#include "step_fixture.h"

/* The cursor on attribute n of #id. */
static ifc_step_kind attr(step_fixture *f, uint32_t id, unsigned n, ifc_step_cursor *c,
                          ifc_step_error *err)
{
    ifc_step_inst inst = ifc_step_find(f->reader, id);
    assert_int_not_equal(inst, IFC_STEP_NO_INST);
    ifc_step_error_clear(err);
    return ifc_step_attribute(f->reader, inst, n, c, err);
}

/* Attribute n of #id decoded as a string, into out (cap bytes). */
static void string_attr(step_fixture *f, uint32_t id, unsigned n, char *out, size_t cap)
{
    ifc_step_cursor c;
    ifc_step_error err;
    assert_int_equal(attr(f, id, n, &c, &err), IFC_STEP_KIND_STRING);
    ifc_step_scratch scratch = IFC_STEP_SCRATCH_INIT;
    const char *text;
    size_t len;
    assert_int_equal(ifc_step_get_string(&c, &scratch, &text, &len, &err), IFC_STEP_OK);
    assert_true(len < cap);
    memcpy(out, text, len);
    out[len] = '\0';
    assert_int_equal(strlen(out), len);
    ifc_step_scratch_free(&scratch);
}

static void test_plain_strings(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "#1=IFCWALL('abc','','Don''t','a\\\\b','x;)(,#1');\n",
                                       NULL), IFC_STEP_OK);
    char s[64];
    string_attr(&f, 1, 0, s, sizeof(s));
    assert_string_equal(s, "abc");
    string_attr(&f, 1, 1, s, sizeof(s));
    assert_string_equal(s, "");
    string_attr(&f, 1, 2, s, sizeof(s));
    assert_string_equal(s, "Don't");
    string_attr(&f, 1, 3, s, sizeof(s));
    assert_string_equal(s, "a\\b");
    string_attr(&f, 1, 4, s, sizeof(s));
    assert_string_equal(s, "x;)(,#1");

    /* A string that needs no decoding is not copied. */
    ifc_step_cursor c;
    ifc_step_error err;
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_STRING);
    ifc_step_scratch scratch = IFC_STEP_SCRATCH_INIT;
    const char *text;
    size_t len;
    assert_int_equal(ifc_step_get_string(&c, &scratch, &text, &len, &err), IFC_STEP_OK);
    assert_true(text > f.text && text < f.text + f.len);
    assert_null(scratch.data);
    assert_int_equal(ifc_step_string_raw_len(&c), 3);
    assert_int_equal(attr(&f, 1, 2, &c, &err), IFC_STEP_KIND_STRING);
    assert_int_equal(ifc_step_get_string(&c, &scratch, &text, &len, &err), IFC_STEP_OK);
    assert_ptr_equal(text, scratch.data);
    assert_int_equal(len, 5);
    ifc_step_scratch_free(&scratch);
    step_fixture_close(&f);
}

static void test_encoded_strings(void **state)
{
    (void)state;
    step_fixture f;
    const char *body =
        "#1=IFCLABELS("
        "'\\X\\E9t\\X\\e9',"                     /* 0: \X\ either case */
        "'\\X2\\00C4\\X0\\rger',"                /* 1: one group */
        "'\\X2\\266B00C4040A\\X0\\!',"           /* 2: three groups */
        "'\\X2\\D83DDE00\\X0\\',"                /* 3: a surrogate pair */
        "'\\X2\\D83D\\X0\\',"                    /* 4: a lone surrogate */
        "'\\X4\\0001F600\\X0\\',"                /* 5: X4 */
        "'\\X4\\00110000\\X0\\',"                /* 6: beyond U+10FFFF */
        "'\\S\\D',"                              /* 7: \S\ in 8859-1 */
        "'\\PB\\\\S\\!\\PE\\\\S\\0',"            /* 8: 8859-2 then 8859-5 */
        "'\\S\\'x',"                             /* 9: \S\' is the paged 0xA7 */
        "'a\\N\\b\\F\\c',"                       /* 10: print control */
        "'C:\\Data\\X',"                         /* 11: stray backslashes */
        "'line\none',"                           /* 12: a line break inside */
        "'caf\xC3\xA9',"                         /* 13: UTF-8 as is */
        "'caf\xE9',"                             /* 14: invalid UTF-8: 8859-1 */
        "'\\PA\\\\S\\D',"                        /* 15: \PA\ explicit */
        "'\\X2\\\\X0\\',"                        /* 16: an empty run */
        "'tab\there',"                           /* 17: control octets vanish */
        "'\\X2\\00C4\\X0\\\\S\\D\\PB\\\\S\\''"      /* 18: directives back to back */
        ");\n";
    assert_int_equal(step_fixture_open(&f, body, NULL), IFC_STEP_OK);
    struct { unsigned n; const char *want; } cases[] = {
        {0, "\xC3\xA9t\xC3\xA9"},
        {1, "\xC3\x84rger"},
        {2, "\xE2\x99\xAB\xC3\x84\xD0\x8A!"},
        {3, "\xF0\x9F\x98\x80"},
        {4, "\xEF\xBF\xBD"},
        {5, "\xF0\x9F\x98\x80"},
        {6, "\xEF\xBF\xBD"},
        {7, "\xC3\x84"},
        {8, "\xC4\x84\xD0\x90"},    /* U+0104 (8859-2 0xA1), U+0410 (8859-5 0xB0) */
        {9, "\xC2\xA7x"},
        {10, "abc"},
        {11, "C:\\Data\\X"},
        {12, "lineone"},
        {13, "caf\xC3\xA9"},
        {14, "caf\xC3\xA9"},
        {15, "\xC3\x84"},
        {16, ""},
        {17, "tabhere"},
        {18, "\xC3\x84\xC3\x84\xC2\xA7"},  /* 8859-2 0xA7 is the section sign too */
    };
    char s[64];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        string_attr(&f, 1, cases[i].n, s, sizeof(s));
        if (strcmp(s, cases[i].want) != 0)
            fail_msg("attribute %u: got '%s', want '%s'", cases[i].n, s, cases[i].want);
    }
    step_fixture_close(&f);
}

static void test_codepages(void **state)
{
    (void)state;
    /* A few letters per part, by their code points in ISO 8859 (\S\ adds
     * 0x80 to the character after it). */
    struct { char part; char ch; const char *want; } cases[] = {
        {'A', '_', "\xC3\x9F"},        /* 0xDF sharp s */
        {'B', '!', "\xC4\x84"},        /* 0xA1 A ogonek */
        {'C', '!', "\xC4\xA6"},        /* 0xA1 H stroke */
        {'C', '%', "\xEF\xBF\xBD"},    /* 0xA5 unassigned in part 3 */
        {'D', '!', "\xC4\x84"},        /* 0xA1 A ogonek */
        {'E', '0', "\xD0\x90"},        /* 0xB0 Cyrillic A */
        {'F', 'G', "\xD8\xA7"},        /* 0xC7 Arabic alef */
        {'G', 'A', "\xCE\x91"},        /* 0xC1 Greek Alpha */
        {'H', '`', "\xD7\x90"},        /* 0xE0 Hebrew alef */
        {'I', 'P', "\xC4\x9E"},        /* 0xD0 G breve */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[64];
        snprintf(body, sizeof(body), "#1=X('\\P%c\\\\S\\%c');\n", cases[i].part, cases[i].ch);
        step_fixture f;
        assert_int_equal(step_fixture_open(&f, body, NULL), IFC_STEP_OK);
        char s[16];
        string_attr(&f, 1, 0, s, sizeof(s));
        if (strcmp(s, cases[i].want) != 0)
            fail_msg("\\P%c\\\\S\\%c decoded wrong", cases[i].part, cases[i].ch);
        step_fixture_close(&f);
    }
}

/* Every \S\ character of parts 2 to 9 against the C library's own tables,
 * a source independent of the one the reader's tables were made from. */
static void test_codepages_agree_with_iconv(void **state)
{
    (void)state;
    int compared = 0;
    for (char part = 'B'; part <= 'I'; part++) {
        char charset[16];
        snprintf(charset, sizeof(charset), "ISO-8859-%d", part - 'A' + 1);
        iconv_t cd = iconv_open("UTF-8", charset);
        if (cd == (iconv_t)-1)
            continue;
        char body[4096], *p = body;
        p += sprintf(p, "#1=X(");
        for (int ch = 0x20; ch <= 0x7E; ch++)
            p += sprintf(p, "%s'\\P%c\\\\S\\%c'", ch > 0x20 ? "," : "", part, ch);
        sprintf(p, ");\n");
        step_fixture f;
        assert_int_equal(step_fixture_open(&f, body, NULL), IFC_STEP_OK);
        for (int ch = 0x20; ch <= 0x7E; ch++) {
            char in[1] = {(char)(ch + 0x80)}, want[8] = {0};
            char *ip = in, *op = want;
            size_t il = 1, ol = sizeof(want) - 1;
            iconv(cd, NULL, NULL, NULL, NULL);
            if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
                strcpy(want, "\xEF\xBF\xBD"); /* unassigned: U+FFFD */
            char got[8];
            string_attr(&f, 1, (unsigned)(ch - 0x20), got, sizeof(got));
            if (strcmp(got, want) != 0)
                fail_msg("%s byte 0x%02X: reader and iconv differ", charset, ch + 0x80);
            compared++;
        }
        step_fixture_close(&f);
        iconv_close(cd);
    }
    if (compared == 0)
        skip();
}

static void test_malformed_escapes(void **state)
{
    (void)state;
    const char *bodies[] = {
        "\n\n#4=X('ok',\n'\\X\\G1');\n",
        "\n\n#4=X('ok',\n'\\X2\\00E\\X0\\');\n",
        "\n\n#4=X('ok',\n'\\X2\\00E9');\n",
        "\n\n#4=X('ok',\n'\\X4\\00E9\\X0\\');\n",
        "\n\n#4=X('ok',\n'\\S\\\x01');\n",
        "\n\n#4=X('ok',\n'a\\X0\\');\n",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        step_fixture f;
        assert_int_equal(step_fixture_open(&f, bodies[i], NULL), IFC_STEP_OK);
        ifc_step_cursor c;
        ifc_step_error err;
        assert_int_equal(attr(&f, 4, 1, &c, &err), IFC_STEP_KIND_STRING);
        ifc_step_scratch scratch = IFC_STEP_SCRATCH_INIT;
        const char *text;
        size_t len;
        assert_int_equal(ifc_step_get_string(&c, &scratch, &text, &len, &err),
                         IFC_STEP_ERR_STRING);
        assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE + 3);
        assert_int_equal(err.instance_id, 4);
        assert_non_null(strstr(err.message, "line 11, #4"));
        ifc_step_scratch_free(&scratch);
        /* validate finds the same */
        ifc_step_error_clear(&err);
        assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_ERR_STRING);
        assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE + 3);
        step_fixture_close(&f);
    }
}

static void test_copy_string(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "#1=X('\\X2\\00C400C400C4\\X0\\',5);\n", NULL),
                     IFC_STEP_OK);
    ifc_step_cursor c;
    ifc_step_error err;
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_STRING);
    char buf[16];
    size_t len;
    assert_int_equal(ifc_step_copy_string(&c, buf, sizeof(buf), &len, &err), IFC_STEP_OK);
    assert_int_equal(len, 6);
    assert_string_equal(buf, "\xC3\x84\xC3\x84\xC3\x84");
    /* Cut at a character boundary, with the full length reported. */
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_copy_string(&c, buf, 4, &len, &err), IFC_STEP_ERR_LIMIT);
    assert_int_equal(len, 6);
    assert_string_equal(buf, "\xC3\x84");
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_copy_string(&c, buf, 0, &len, &err), IFC_STEP_ERR_LIMIT);
    /* Not a string. */
    assert_int_equal(attr(&f, 1, 1, &c, &err), IFC_STEP_KIND_INTEGER);
    assert_int_equal(ifc_step_copy_string(&c, buf, sizeof(buf), &len, &err),
                     IFC_STEP_ERR_TYPE);
    step_fixture_close(&f);
}

static void test_integers(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f,
                                       "#1=X(0,-7,+42,9223372036854775807,"
                                       "-9223372036854775808,9223372036854775808,007);\n",
                                       NULL),
                     IFC_STEP_OK);
    int64_t want[] = {0, -7, 42, INT64_MAX, INT64_MIN};
    ifc_step_cursor c;
    ifc_step_error err;
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(attr(&f, 1, i, &c, &err), IFC_STEP_KIND_INTEGER);
        int64_t v;
        assert_int_equal(ifc_step_get_integer(&c, &v, &err), IFC_STEP_OK);
        assert_true(v == want[i]);
        double d;
        assert_int_equal(ifc_step_get_real(&c, &d, &err), IFC_STEP_OK);
        assert_true(d == (double)want[i]);
    }
    int64_t v;
    assert_int_equal(attr(&f, 1, 5, &c, &err), IFC_STEP_KIND_INTEGER);
    assert_int_equal(ifc_step_get_integer(&c, &v, &err), IFC_STEP_ERR_RANGE);
    assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE);
    assert_int_equal(attr(&f, 1, 6, &c, &err), IFC_STEP_KIND_INTEGER);
    assert_int_equal(ifc_step_get_integer(&c, &v, &err), IFC_STEP_OK);
    assert_int_equal(v, 7);
    step_fixture_close(&f);
}

static void test_reals(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f,
                                       "#1=X(1.,1.5,-0.5E-2,1.E3,.5,-.5,1E3,1e-3,0.1,"
                                       "3.14159265358979323846,2.5E+300,1.E-400,-0.,"
                                       "123456789012345678.,1.7976931348623157E308,"
                                       "0.000000000000000000000000001);\n",
                                       NULL),
                     IFC_STEP_OK);
    double want[] = {1.0, 1.5, -0.5E-2, 1.E3, 0.5, -0.5, 1E3, 1e-3, 0.1,
                     3.14159265358979323846, 2.5E+300, 0.0, -0.0,
                     123456789012345678.0, 1.7976931348623157E308, 1e-27};
    ifc_step_cursor c;
    ifc_step_error err;
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_int_equal(attr(&f, 1, i, &c, &err), IFC_STEP_KIND_REAL);
        double d;
        assert_int_equal(ifc_step_get_real(&c, &d, &err), IFC_STEP_OK);
        if (d != want[i])
            fail_msg("attribute %u: got %.17g, want %.17g", i, d, want[i]);
        int64_t v;
        assert_int_equal(ifc_step_get_integer(&c, &v, &err), IFC_STEP_ERR_TYPE);
    }
    assert_int_equal(attr(&f, 1, 12, &c, &err), IFC_STEP_KIND_REAL);
    double d;
    assert_int_equal(ifc_step_get_real(&c, &d, &err), IFC_STEP_OK);
    assert_true(signbit(d));
    step_fixture_close(&f);

    assert_int_equal(step_fixture_open(&f, "#1=X(1.E999,-1E400);\n", NULL), IFC_STEP_OK);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(attr(&f, 1, i, &c, &err), IFC_STEP_KIND_REAL);
        assert_int_equal(ifc_step_get_real(&c, &d, &err), IFC_STEP_ERR_RANGE);
    }
    step_fixture_close(&f);
}

static void test_malformed_numbers(void **state)
{
    (void)state;
    const char *bodies[] = {
        "#3=X(0,\n1.2.3);\n", "#3=X(0,\n1E);\n", "#3=X(0,\n-);\n", "#3=X(0,\n12a);\n",
        "#3=X(0,\n1.E+);\n", "#3=X(0,\n+.);\n", "#3=X(0,\n#12x);\n", "#3=X(0,\n.ABC);\n",
        "#3=X(0,\n.);\n", "#3=X(0,\n$$);\n", "#3=X(0,\n#);\n",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        step_fixture f;
        assert_int_equal(step_fixture_open(&f, bodies[i], NULL), IFC_STEP_OK);
        ifc_step_cursor c;
        ifc_step_error err;
        if (attr(&f, 3, 1, &c, &err) != IFC_STEP_KIND_ERROR)
            fail_msg("%s: no error", bodies[i]);
        assert_int_equal(err.code, IFC_STEP_ERR_SYNTAX);
        assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE + 1);
        assert_int_equal(err.instance_id, 3);
        /* The cursor stays in error. */
        assert_int_equal(ifc_step_next(&c, NULL), IFC_STEP_KIND_ERROR);
        ifc_step_error_clear(&err);
        assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_ERR_SYNTAX);
        assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE + 1);
        step_fixture_close(&f);
    }
}

static void test_enums_and_logicals(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "#1=X(.ELEMENT.,.T.,.F.,.U.,.t.,.TRUE.,.NOTDEFINED.);\n",
                                       NULL),
                     IFC_STEP_OK);
    ifc_step_cursor c;
    ifc_step_error err;
    const char *name;
    size_t len;
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_ENUM);
    assert_int_equal(ifc_step_get_enum(&c, &name, &len, &err), IFC_STEP_OK);
    assert_int_equal(len, 7);
    assert_memory_equal(name, "ELEMENT", 7);
    assert_true(ifc_step_keyword_equals(name, len, "element"));
    ifc_step_logical want[] = {IFC_STEP_TRUE, IFC_STEP_FALSE, IFC_STEP_UNKNOWN, IFC_STEP_TRUE,
                               IFC_STEP_TRUE};
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(attr(&f, 1, i + 1, &c, &err), IFC_STEP_KIND_ENUM);
        ifc_step_logical v;
        assert_int_equal(ifc_step_get_logical(&c, &v, &err), IFC_STEP_OK);
        assert_int_equal(v, want[i]);
        bool b;
        ifc_step_error_clear(&err);
        assert_int_equal(ifc_step_get_boolean(&c, &b, &err),
                         want[i] == IFC_STEP_UNKNOWN ? IFC_STEP_ERR_TYPE : IFC_STEP_OK);
    }
    ifc_step_logical v;
    assert_int_equal(attr(&f, 1, 6, &c, &err), IFC_STEP_KIND_ENUM);
    assert_int_equal(ifc_step_get_logical(&c, &v, &err), IFC_STEP_ERR_TYPE);
    step_fixture_close(&f);
}

static void test_unset_derived_refs(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f,
                                       "#1=X($,*,#2,#1,(#2,$,*));\n"
                                       "#2=Y(#99);\n",
                                       NULL),
                     IFC_STEP_OK);
    ifc_step_cursor c;
    ifc_step_error err;
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_UNSET);
    assert_int_equal(attr(&f, 1, 1, &c, &err), IFC_STEP_KIND_DERIVED);
    assert_int_equal(attr(&f, 1, 2, &c, &err), IFC_STEP_KIND_REF);
    uint32_t id;
    ifc_step_inst inst;
    assert_int_equal(ifc_step_get_ref(&c, &id, &err), IFC_STEP_OK);
    assert_int_equal(id, 2);
    assert_int_equal(ifc_step_resolve(&c, &inst, &err), IFC_STEP_OK);
    assert_string_equal(ifc_step_type_name(f.reader, ifc_step_instance_type(f.reader, inst)),
                        "Y");
    assert_int_equal(attr(&f, 1, 3, &c, &err), IFC_STEP_KIND_REF);
    assert_int_equal(ifc_step_resolve(&c, &inst, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_instance_id(f.reader, inst), 1);
    /* Seven attributes asked of a record with five: END. */
    assert_int_equal(attr(&f, 1, 7, &c, &err), IFC_STEP_KIND_END);
    /* A dangling reference is found when resolved. */
    assert_int_equal(attr(&f, 2, 0, &c, &err), IFC_STEP_KIND_REF);
    assert_int_equal(ifc_step_resolve(&c, &inst, &err), IFC_STEP_ERR_DANGLING);
    assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE + 1);
    assert_int_equal(err.instance_id, 2);
    assert_non_null(strstr(err.message, "#99"));
    /* Accessors refuse the wrong kind. */
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_UNSET);
    assert_int_equal(ifc_step_get_ref(&c, &id, &err), IFC_STEP_ERR_TYPE);
    assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE);
    step_fixture_close(&f);
}

static void test_typed_values(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f,
                                       "#1=X(IFCLABEL('x'),IFCLENGTHMEASURE(2.5),"
                                       "(IFCLABEL('a'),IFCINTEGER(3)),IfcBoolean ( .T. ),"
                                       "!MYTYPE(1),IFCCOMPLEXNUMBER((1.,2.)));\n",
                                       NULL),
                     IFC_STEP_OK);
    ifc_step_cursor c, in;
    ifc_step_error err;
    const char *name;
    size_t len;
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_get_keyword(&c, &name, &len, &err), IFC_STEP_OK);
    assert_true(ifc_step_keyword_equals(name, len, "IfcLabel"));
    assert_int_equal(ifc_step_enter(&c, &in, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_STRING);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_END);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_END);

    assert_int_equal(attr(&f, 1, 1, &c, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_enter(&c, &in, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_REAL);
    double d;
    assert_int_equal(ifc_step_get_real(&in, &d, &err), IFC_STEP_OK);
    assert_true(d == 2.5);

    assert_int_equal(attr(&f, 1, 2, &c, &err), IFC_STEP_KIND_LIST);
    ifc_step_cursor list;
    assert_int_equal(ifc_step_enter(&c, &list, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&list, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_next(&list, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_get_keyword(&list, &name, &len, &err), IFC_STEP_OK);
    assert_true(ifc_step_keyword_equals(name, len, "IFCINTEGER"));
    assert_int_equal(ifc_step_next(&list, &err), IFC_STEP_KIND_END);

    assert_int_equal(attr(&f, 1, 3, &c, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_get_keyword(&c, &name, &len, &err), IFC_STEP_OK);
    assert_int_equal(len, 10);
    assert_int_equal(ifc_step_enter(&c, &in, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_ENUM);

    assert_int_equal(attr(&f, 1, 4, &c, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_get_keyword(&c, &name, &len, &err), IFC_STEP_OK);
    assert_true(ifc_step_keyword_equals(name, len, "!MYTYPE"));

    assert_int_equal(attr(&f, 1, 5, &c, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_enter(&c, &in, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&in, &err), IFC_STEP_KIND_LIST);
    assert_int_equal(attr(&f, 1, 6, &c, &err), IFC_STEP_KIND_END);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_OK);
    step_fixture_close(&f);

    /* A typed value holds one value: validate says so. */
    assert_int_equal(step_fixture_open(&f, "\n#1=X(IFCLABEL('a','b'));\n", NULL), IFC_STEP_OK);
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_ERR_SYNTAX);
    assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE + 1);
    step_fixture_close(&f);
    assert_int_equal(step_fixture_open(&f, "#1=X(IFCLABEL());\n", NULL), IFC_STEP_OK);
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_ERR_SYNTAX);
    step_fixture_close(&f);
    /* A type name without its value. */
    assert_int_equal(step_fixture_open(&f, "#1=X(IFCLABEL,1);\n", NULL), IFC_STEP_OK);
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_ERROR);
    assert_int_equal(err.code, IFC_STEP_ERR_SYNTAX);
    step_fixture_close(&f);
}

/* Sums every integer below the cursor, depth first. */
static int64_t sum_all(ifc_step_cursor *c, int *lists)
{
    int64_t sum = 0;
    ifc_step_kind k;
    while ((k = ifc_step_next(c, NULL)) != IFC_STEP_KIND_END) {
        assert_int_not_equal(k, IFC_STEP_KIND_ERROR);
        if (k == IFC_STEP_KIND_LIST) {
            ifc_step_cursor child;
            assert_int_equal(ifc_step_enter(c, &child, NULL), IFC_STEP_OK);
            (*lists)++;
            sum += sum_all(&child, lists);
        } else if (k == IFC_STEP_KIND_INTEGER) {
            int64_t v;
            assert_int_equal(ifc_step_get_integer(c, &v, NULL), IFC_STEP_OK);
            sum += v;
        }
    }
    return sum;
}

static void test_nested_lists(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f,
                                       "#1=X(((1,2),(3,(4,5)),()),'a)(b',((((6)))),7,());\n",
                                       NULL),
                     IFC_STEP_OK);
    ifc_step_cursor c;
    ifc_step_error err;
    /* Stepping over nested lists lands on the right attribute. */
    assert_int_equal(attr(&f, 1, 1, &c, &err), IFC_STEP_KIND_STRING);
    assert_int_equal(attr(&f, 1, 3, &c, &err), IFC_STEP_KIND_INTEGER);
    assert_int_equal(attr(&f, 1, 4, &c, &err), IFC_STEP_KIND_LIST);
    ifc_step_cursor empty;
    assert_int_equal(ifc_step_enter(&c, &empty, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&empty, &err), IFC_STEP_KIND_END);
    assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_END);
    /* And walking into them finds every value. */
    assert_int_equal(ifc_step_record(f.reader, 0, &c, &err), IFC_STEP_OK);
    int lists = 0;
    assert_int_equal(sum_all(&c, &lists), 28);
    assert_int_equal(lists, 10);
    step_fixture_close(&f);

    /* Empty and malformed sequences. */
    assert_int_equal(step_fixture_open(&f, "#1=X();\n#2=Y((,1));\n#3=Z((1,,2));\n#4=W((1,));\n",
                                       NULL),
                     IFC_STEP_OK);
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_END);
    for (uint32_t id = 2; id <= 4; id++) {
        assert_int_equal(attr(&f, id, 0, &c, &err), IFC_STEP_KIND_LIST);
        ifc_step_cursor list;
        assert_int_equal(ifc_step_enter(&c, &list, &err), IFC_STEP_OK);
        ifc_step_kind k;
        while ((k = ifc_step_next(&list, &err)) == IFC_STEP_KIND_INTEGER) {
        }
        assert_int_equal(k, IFC_STEP_KIND_ERROR);
        assert_int_equal(err.code, IFC_STEP_ERR_SYNTAX);
        assert_int_equal(err.line, STEP_FIXTURE_FIRST_LINE + id - 1);
    }
    step_fixture_close(&f);
}

static void test_binary(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "#1=X(\"0FF\",\"1A\",\"0\",\"3a0\");\n", NULL),
                     IFC_STEP_OK);
    ifc_step_cursor c;
    ifc_step_error err;
    const char *hex;
    size_t len;
    unsigned unused;
    assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_BINARY);
    assert_int_equal(ifc_step_get_binary(&c, &hex, &len, &unused, &err), IFC_STEP_OK);
    assert_int_equal(len, 2);
    assert_memory_equal(hex, "FF", 2);
    assert_int_equal(unused, 0);
    assert_int_equal(attr(&f, 1, 1, &c, &err), IFC_STEP_KIND_BINARY);
    assert_int_equal(ifc_step_get_binary(&c, &hex, &len, &unused, &err), IFC_STEP_OK);
    assert_int_equal(unused, 1);
    assert_int_equal(attr(&f, 1, 2, &c, &err), IFC_STEP_KIND_BINARY);
    assert_int_equal(ifc_step_get_binary(&c, &hex, &len, &unused, &err), IFC_STEP_OK);
    assert_int_equal(len, 0);
    assert_int_equal(attr(&f, 1, 3, &c, &err), IFC_STEP_KIND_BINARY);
    step_fixture_close(&f);

    const char *bad[] = {"#1=X(\"4FF\");\n", "#1=X(\"0XY\");\n", "#1=X(\"\");\n",
                         "#1=X(\"1\");\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(step_fixture_open(&f, bad[i], NULL), IFC_STEP_OK);
        assert_int_equal(attr(&f, 1, 0, &c, &err), IFC_STEP_KIND_ERROR);
        assert_int_equal(err.code, IFC_STEP_ERR_SYNTAX);
        step_fixture_close(&f);
    }
}

static void test_comments_and_space(void **state)
{
    (void)state;
    const char *text =
        "/* before */ ISO-10303-21 /* a */ ;\r\n"
        "HEADER;/* ; ' ) */\r\n"
        "FILE_DESCRIPTION(/*x*/('d'),\t'2;1')/*y*/;\r\n"
        "FILE_NAME('n','t',(''),(''),'p','s','');\r\n"
        "FILE_SCHEMA(('IFC4'))\\N\\;\r\n"
        "ENDSEC;\r\n"
        "DATA;\r\n"
        "#1 /*c*/ = /*c*/ IFCWALL /*c*/ ( /*c*/ 'a' /*c*/ , /* multi\r\n"
        "line ' comment ; */ 1\r\n"
        "  ,\r\n"
        "\t(2 ,\r\n"
        "3) , IFCLABEL\r\n"
        "(\r\n"
        "'x'\r\n"
        ")\\N\\,\\F\\$\r\n"
        ") /*c*/ ;\r\n"
        "#2=IFCSLAB(1.2.3);\r\n"
        "ENDSEC;\r\n"
        "END-ISO-10303-21;\r\n";
    step_fixture f;
    assert_int_equal(step_fixture_open_raw(&f, text, strlen(text), NULL), IFC_STEP_OK);
    assert_int_equal(ifc_step_instance_count(f.reader), 2);
    assert_int_equal(ifc_step_instance_line(f.reader, 0), 8);
    assert_int_equal(ifc_step_instance_line(f.reader, 1), 17);
    ifc_step_cursor c;
    ifc_step_error err;
    ifc_step_kind want[] = {IFC_STEP_KIND_STRING, IFC_STEP_KIND_INTEGER, IFC_STEP_KIND_LIST,
                            IFC_STEP_KIND_TYPED, IFC_STEP_KIND_UNSET, IFC_STEP_KIND_END};
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(attr(&f, 1, i, &c, &err), want[i]);
        if (i == 1)
            assert_int_equal(ifc_step_cursor_line(&c), 9);
        if (i == 3)
            assert_int_equal(ifc_step_cursor_line(&c), 12);
    }
    /* Lines are counted across CR LF, comments and long records. */
    assert_int_equal(attr(&f, 2, 0, &c, &err), IFC_STEP_KIND_ERROR);
    assert_int_equal(err.line, 17);
    ifc_version v;
    assert_true(ifc_step_version(f.reader, &v));
    assert_int_equal(v, IFC_IFC4);
    step_fixture_close(&f);
}

static void test_complex_instances(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f,
                                       "#1=(IFCA(1,'x') IFCB(#2) /* c */ IFCC());\n"
                                       "#2=IFCWALL($);\n",
                                       NULL),
                     IFC_STEP_OK);
    ifc_step_inst i = ifc_step_find(f.reader, 1);
    assert_true(ifc_step_instance_is_complex(f.reader, i));
    assert_false(ifc_step_instance_is_complex(f.reader, ifc_step_find(f.reader, 2)));
    assert_string_equal(ifc_step_type_name(f.reader, ifc_step_instance_type(f.reader, i)),
                        IFC_STEP_COMPLEX_TYPE_NAME);
    ifc_step_cursor c, part;
    ifc_step_error err;
    const char *name;
    size_t len;
    assert_int_equal(ifc_step_record(f.reader, i, &c, &err), IFC_STEP_OK);
    const char *want[] = {"IFCA", "IFCB", "IFCC"};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_TYPED);
        assert_int_equal(ifc_step_get_keyword(&c, &name, &len, &err), IFC_STEP_OK);
        assert_true(ifc_step_keyword_equals(name, len, want[k]));
    }
    assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_END);
    assert_int_equal(ifc_step_attribute(f.reader, i, 0, &c, &err), IFC_STEP_KIND_TYPED);
    assert_int_equal(ifc_step_enter(&c, &part, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&part, &err), IFC_STEP_KIND_INTEGER);
    assert_int_equal(ifc_step_next(&part, &err), IFC_STEP_KIND_STRING);
    assert_int_equal(ifc_step_next(&part, &err), IFC_STEP_KIND_END);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_OK);
    step_fixture_close(&f);

    /* Partial records only. */
    assert_int_equal(step_fixture_open(&f, "#1=(IFCA(1) 2);\n", NULL), IFC_STEP_OK);
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(f.reader, &err), IFC_STEP_ERR_SYNTAX);
    step_fixture_close(&f);
}

static void test_index(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f,
                                       "#5=IFCWALL('a');\n"
                                       "#3=IfcSlab('b');\n"
                                       "#10=ifcwall('c');\n"
                                       "#4 = IFCWALL ('d');\n"
                                       "#0=IFCDOOR();\n"
                                       "#1=!MyType();\n",
                                       NULL),
                     IFC_STEP_OK);
    ifc_step_reader *r = f.reader;
    assert_int_equal(ifc_step_instance_count(r), 6);
    assert_int_equal(ifc_step_type_count(r), 4);
    /* A user-defined type name keeps its '!'. */
    ifc_step_type user = ifc_step_instance_type(r, 5);
    assert_string_equal(ifc_step_type_name(r, user), "!MYTYPE");
    assert_int_equal(ifc_step_type_find(r, "!mytype"), user);
    assert_int_equal(ifc_step_type_find(r, "MYTYPE"), IFC_STEP_NO_TYPE);
    ifc_step_type wall = ifc_step_type_find(r, "IfcWall");
    assert_int_not_equal(wall, IFC_STEP_NO_TYPE);
    assert_string_equal(ifc_step_type_name(r, wall), "IFCWALL");
    assert_int_equal(ifc_step_type_find(r, "IFCSLAB"), ifc_step_type_find(r, "ifcslab"));
    assert_int_equal(ifc_step_type_find(r, "IFCBEAM"), IFC_STEP_NO_TYPE);
    assert_int_equal(ifc_step_type_find(r, "IFCWAL"), IFC_STEP_NO_TYPE);
    assert_null(ifc_step_type_name(r, 99));
    size_t n;
    const ifc_step_inst *walls = ifc_step_instances_of_type(r, wall, &n);
    assert_int_equal(n, 3);
    assert_int_equal(ifc_step_instance_id(r, walls[0]), 5);
    assert_int_equal(ifc_step_instance_id(r, walls[1]), 10);
    assert_int_equal(ifc_step_instance_id(r, walls[2]), 4);
    assert_null(ifc_step_instances_of_type(r, 99, &n));
    assert_int_equal(n, 0);
    assert_int_equal(ifc_step_find(r, 3), 1);
    assert_int_equal(ifc_step_find(r, 0), 4);
    assert_int_equal(ifc_step_find(r, 6), IFC_STEP_NO_INST);
    assert_int_equal(ifc_step_find(r, 11), IFC_STEP_NO_INST);
    assert_int_equal(ifc_step_find(r, UINT32_MAX), IFC_STEP_NO_INST);
    assert_int_equal(ifc_step_instance_line(r, 2), STEP_FIXTURE_FIRST_LINE + 2);
    assert_int_equal(ifc_step_instance_type(r, 99), IFC_STEP_NO_TYPE);
    ifc_step_cursor c;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_record(r, 99, &c, &err), IFC_STEP_ERR_NOT_FOUND);
    assert_true(ifc_step_memory_bytes(r) > 0);
    assert_true(ifc_step_memory_peak(r) >= ifc_step_memory_bytes(r));
    step_fixture_close(&f);
}

static void test_sparse_ids(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f,
                                       "#4294967294=A(#1);\n"
                                       "#1=B(#1000000);\n"
                                       "#1000000=C(#4294967294);\n"
                                       "#77=D();\n",
                                       NULL),
                     IFC_STEP_OK);
    ifc_step_reader *r = f.reader;
    assert_int_equal(ifc_step_find(r, 4294967294u), 0);
    assert_int_equal(ifc_step_find(r, 1), 1);
    assert_int_equal(ifc_step_find(r, 1000000), 2);
    assert_int_equal(ifc_step_find(r, 77), 3);
    assert_int_equal(ifc_step_find(r, 2), IFC_STEP_NO_INST);
    assert_int_equal(ifc_step_find(r, 0), IFC_STEP_NO_INST);
    assert_int_equal(ifc_step_instance_id(r, 0), 4294967294u);
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(r, &err), IFC_STEP_OK);
    step_fixture_close(&f);
}

static void test_many_instances_and_segments(void **state)
{
    (void)state;
    /* Offsets past 4 GiB keep their high half per segment; with 256-byte
     * segments a small file covers that path. */
    extern unsigned step_segment_bits;
    unsigned saved = step_segment_bits;
    for (int pass = 0; pass < 2; pass++) {
        step_segment_bits = pass == 0 ? 32 : 8;
        size_t n = 5000, cap = n * 80 + 1;
        char *body = malloc(cap), *p = body;
        for (size_t i = 1; i <= n; i++) {
            if (i % 1000 == 0) /* a record longer than a segment */
                p += sprintf(p, "#%zu=IFCLONG('%0300d');\n", i, 0);
            else
                p += sprintf(p, "#%zu=IFCPOINT((%zu.,%zu.),#%zu);\n", i, i, i * 2,
                             i > 1 ? i - 1 : n);
        }
        step_fixture f;
        assert_int_equal(step_fixture_open(&f, body, NULL), IFC_STEP_OK);
        free(body);
        ifc_step_reader *r = f.reader;
        assert_int_equal(ifc_step_instance_count(r), n);
        for (size_t i = 1; i <= n; i++) {
            ifc_step_inst inst = ifc_step_find(r, (uint32_t)i);
            assert_int_equal(inst, i - 1);
            assert_int_equal(ifc_step_instance_id(r, inst), i);
            assert_int_equal(ifc_step_instance_line(r, inst), STEP_FIXTURE_FIRST_LINE + i - 1);
            if (i % 1000 == 0)
                continue;
            ifc_step_cursor c, list;
            ifc_step_error err;
            assert_int_equal(ifc_step_attribute(r, inst, 0, &c, &err), IFC_STEP_KIND_LIST);
            assert_int_equal(ifc_step_enter(&c, &list, &err), IFC_STEP_OK);
            assert_int_equal(ifc_step_next(&list, &err), IFC_STEP_KIND_REAL);
            double d;
            assert_int_equal(ifc_step_get_real(&list, &d, &err), IFC_STEP_OK);
            assert_true(d == (double)i);
        }
        ifc_step_error err;
        ifc_step_error_clear(&err);
        assert_int_equal(ifc_step_validate(r, &err), IFC_STEP_OK);
        step_fixture_close(&f);
    }
    step_segment_bits = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_strings),
        cmocka_unit_test(test_encoded_strings),
        cmocka_unit_test(test_codepages),
        cmocka_unit_test(test_codepages_agree_with_iconv),
        cmocka_unit_test(test_malformed_escapes),
        cmocka_unit_test(test_copy_string),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_reals),
        cmocka_unit_test(test_malformed_numbers),
        cmocka_unit_test(test_enums_and_logicals),
        cmocka_unit_test(test_unset_derived_refs),
        cmocka_unit_test(test_typed_values),
        cmocka_unit_test(test_nested_lists),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_comments_and_space),
        cmocka_unit_test(test_complex_instances),
        cmocka_unit_test(test_index),
        cmocka_unit_test(test_sparse_ids),
        cmocka_unit_test(test_many_instances_and_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
