/*
 * test_ifc_step_files.c - the STEP reader's header (FILE_SCHEMA versions,
 * the other header records) and its ways in: regular files, pipes,
 * folders, missing and oversized files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "step_fixture.h"
#include "testutil.h"

static void open_with_schema(step_fixture *f, const char *schema_record)
{
    char text[512];
    snprintf(text, sizeof(text),
             "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\n"
             "FILE_NAME('','',(''),(''),'','','');\n%s\nENDSEC;\nDATA;\n#1=IFCWALL();\n"
             "ENDSEC;\nEND-ISO-10303-21;\n",
             schema_record);
    assert_int_equal(step_fixture_open_raw(f, text, strlen(text), NULL), IFC_STEP_OK);
}

static void test_schema_versions(void **state)
{
    (void)state;
    enum { NONE = -1 };
    struct { const char *record; int want; const char *raw; } cases[] = {
        {"FILE_SCHEMA(('IFC2X3'));", IFC_IFC2X3, "IFC2X3"},
        {"FILE_SCHEMA(('IFC2X3_TC1'));", IFC_IFC2X3, "IFC2X3_TC1"},
        {"FILE_SCHEMA(('IFC4'));", IFC_IFC4, "IFC4"},
        {"FILE_SCHEMA(('IFC4X3'));", IFC_IFC4X3_ADD2, "IFC4X3"},
        {"FILE_SCHEMA(('IFC4X3_ADD2'));", IFC_IFC4X3_ADD2, "IFC4X3_ADD2"},
        {"FILE_SCHEMA(('IFC4X3_ADD1'));", IFC_IFC4X3_ADD2, "IFC4X3_ADD1"},
        {"FILE_SCHEMA(('IFC4X3_TC1'));", IFC_IFC4X3_ADD2, "IFC4X3_TC1"},
        {"FILE_SCHEMA(('IFC4X3_RC4'));", IFC_IFC4X3_ADD2, "IFC4X3_RC4"},
        {"FILE_SCHEMA(('ifc4'));", IFC_IFC4, "ifc4"},
        {"FILE_SCHEMA(('IFC4_ADD2_TC1'));", IFC_IFC4, "IFC4_ADD2_TC1"},
        {"FILE_SCHEMA(('IFC2X3 { 1 0 10303 999 }'));", IFC_IFC2X3,
         "IFC2X3 { 1 0 10303 999 }"},
        {"FILE_SCHEMA(('OTHER','IFC4X3_ADD2'));", IFC_IFC4X3_ADD2, "IFC4X3_ADD2"},
        {"FILE_SCHEMA(('\\X2\\0049\\X0\\FC4'));", IFC_IFC4, "IFC4"},
        {"FILE_SCHEMA(('IFC4X1'));", NONE, "IFC4X1"},
        {"FILE_SCHEMA(('IFC4X'));", NONE, "IFC4X"},
        {"FILE_SCHEMA(('IFC2X3X'));", NONE, "IFC2X3X"},
        {"FILE_SCHEMA(('AP214','CONFIG'));", NONE, "AP214"},
        {"FILE_SCHEMA(());", NONE, ""},
        {"", NONE, ""},
        {"FILE_SCHEMA (\n( 'IFC4' /* c */ ) ) ;", IFC_IFC4, "IFC4"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        step_fixture f;
        open_with_schema(&f, cases[i].record);
        ifc_version v = IFC_VERSION_COUNT;
        bool known = ifc_step_version(f.reader, &v);
        if (known != (cases[i].want != NONE) || (known && (int)v != cases[i].want) ||
            strcmp(ifc_step_schema_identifier(f.reader), cases[i].raw) != 0)
            fail_msg("%s: got %s '%s'", cases[i].record,
                     known ? ifc_version_name(v) : "none",
                     ifc_step_schema_identifier(f.reader));
        if (!known)
            assert_int_equal(v, IFC_VERSION_COUNT); /* untouched */
        step_fixture_close(&f);
    }
    ifc_version v;
    assert_true(ifc_step_version_from_identifier("IFC4X3_ADD2", &v));
    assert_int_equal(v, IFC_IFC4X3_ADD2);
    assert_string_equal(ifc_version_name(v), "IFC4X3_ADD2");
    assert_false(ifc_step_version_from_identifier(NULL, &v));
    assert_false(ifc_step_version_from_identifier("", &v));
}

static void test_header_records(void **state)
{
    (void)state;
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "#1=IFCWALL();\n", NULL), IFC_STEP_OK);
    ifc_step_cursor c, list;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    ifc_step_scratch scratch = IFC_STEP_SCRATCH_INIT;
    const char *text;
    size_t len;
    assert_int_equal(ifc_step_header_record(f.reader, "file_name", &c, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_STRING);
    assert_int_equal(ifc_step_get_string(&c, &scratch, &text, &len, &err), IFC_STEP_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(text, "a.ifc", 5);
    assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_STRING);
    assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_LIST);
    assert_int_equal(ifc_step_enter(&c, &list, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&list, &err), IFC_STEP_KIND_STRING);
    assert_int_equal(ifc_step_get_string(&list, &scratch, &text, &len, &err), IFC_STEP_OK);
    assert_memory_equal(text, "me", 2);
    assert_int_equal(ifc_step_cursor_line(&list), 4);
    assert_int_equal(ifc_step_header_record(f.reader, "FILE_DESCRIPTION", &c, &err),
                     IFC_STEP_OK);
    assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_LIST);
    assert_int_equal(ifc_step_next(&c, &err), IFC_STEP_KIND_STRING);
    assert_int_equal(ifc_step_get_string(&c, &scratch, &text, &len, &err), IFC_STEP_OK);
    assert_memory_equal(text, "2;1", 3);
    assert_int_equal(ifc_step_header_record(f.reader, "FILE_POPULATION", &c, &err),
                     IFC_STEP_ERR_NOT_FOUND);
    ifc_step_scratch_free(&scratch);
    step_fixture_close(&f);
}

static char *write_temp(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    fclose(fp);
    return path;
}

typedef struct pipe_job {
    int fd;
    const char *text;
} pipe_job;

static void *pipe_writer(void *arg)
{
    pipe_job *job = arg;
    size_t len = strlen(job->text), off = 0;
    while (off < len) {
        ssize_t n = write(job->fd, job->text + off, len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    close(job->fd);
    return NULL;
}

static void test_open_file(void **state)
{
    (void)state;
    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    size_t len;
    char *text = step_fixture_file("#1=IFCWALL('x',#2);\n#2=IFCSLAB($);\n", &len);

    /* A regular file is mapped. */
    char *path = write_temp(dir, "a.ifc", text, len);
    ifc_step_reader *r;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_open_file(path, NULL, &r, &err), IFC_STEP_OK);
    assert_int_equal(ifc_step_instance_count(r), 2);
    size_t n;
    assert_memory_equal(ifc_step_data(r, &n), text, len);
    assert_int_equal(n, len);
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_validate(r, &err), IFC_STEP_OK);
    ifc_step_close(r);

    /* Over the size limit: refused before reading. */
    ifc_step_limits lim = {.max_file_bytes = len - 1};
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_open_file(path, &lim, &r, &err), IFC_STEP_ERR_LIMIT);
    assert_null(r);
    free(path);

    /* Larger than the default limit, without writing it: a sparse file. */
    path = write_temp(dir, "big.ifc", text, len);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    if (ftruncate(fd, (off_t)IFC_STEP_DEFAULT_MAX_FILE_BYTES + 1) == 0) {
        ifc_step_error_clear(&err);
        assert_int_equal(ifc_step_open_file(path, NULL, &r, &err), IFC_STEP_ERR_LIMIT);
        assert_non_null(strstr(err.message, "limit"));
    }
    close(fd);
    unlink(path);
    free(path);

    /* Missing, a folder, empty. */
    ifc_step_error_clear(&err);
    char missing[4096];
    snprintf(missing, sizeof(missing), "%s/none.ifc", dir);
    assert_int_equal(ifc_step_open_file(missing, NULL, &r, &err), IFC_STEP_ERR_IO);
    assert_non_null(strstr(err.message, "none.ifc"));
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_open_file(dir, NULL, &r, &err), IFC_STEP_ERR_IO);
    path = write_temp(dir, "empty.ifc", "", 0);
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_open_file(path, NULL, &r, &err), IFC_STEP_ERR_TRUNCATED);
    assert_int_equal(err.line, 1);
    free(path);

    /* A pipe is read into memory. */
    char fifo[4096];
    snprintf(fifo, sizeof(fifo), "%s/fifo.ifc", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int keep = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(keep >= 0);
    pipe_job job = {.fd = open(fifo, O_WRONLY), .text = text};
    assert_true(job.fd >= 0);
    pthread_t writer;
    assert_int_equal(pthread_create(&writer, NULL, pipe_writer, &job), 0);
    ifc_step_error_clear(&err);
    ifc_step_status st = ifc_step_open_file(fifo, NULL, &r, &err);
    pthread_join(writer, NULL);
    close(keep);
    assert_int_equal(st, IFC_STEP_OK);
    assert_int_equal(ifc_step_instance_count(r), 2);
    ifc_step_close(r);
    /* A FIFO nobody writes to does not hang the open: it reads as empty. */
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_open_file(fifo, NULL, &r, &err), IFC_STEP_ERR_TRUNCATED);
    /* A stream that cannot be STEP is refused at its first bytes, not
     * read up to the size limit (4 GiB by default). */
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_open_file("/dev/zero", NULL, &r, &err), IFC_STEP_ERR_SYNTAX);
    assert_int_equal(err.line, 1);
    keep = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(keep >= 0);
    job = (pipe_job){.fd = open(fifo, O_WRONLY), .text = "\n\n   \nhello"};
    assert_true(job.fd >= 0);
    assert_int_equal(pthread_create(&writer, NULL, pipe_writer, &job), 0);
    ifc_step_error_clear(&err);
    st = ifc_step_open_file(fifo, NULL, &r, &err);
    pthread_join(writer, NULL);
    close(keep);
    assert_int_equal(st, IFC_STEP_ERR_SYNTAX);
    assert_int_equal(err.line, 4);

    free(text);
    testutil_rmtree(dir);
    free(dir);
}

static void test_error_names(void **state)
{
    (void)state;
    assert_string_equal(ifc_step_status_name(IFC_STEP_ERR_DANGLING), "dangling");
    assert_string_equal(ifc_step_status_name(IFC_STEP_OK), "ok");
    assert_string_equal(ifc_step_kind_name(IFC_STEP_KIND_TYPED), "typed value");
    assert_string_equal(ifc_step_kind_name((ifc_step_kind)99), "unknown");
    /* The first error wins. */
    step_fixture f;
    assert_int_equal(step_fixture_open(&f, "#1=A(1.2.3,$$);\n", NULL), IFC_STEP_OK);
    ifc_step_cursor c;
    ifc_step_error err;
    ifc_step_error_clear(&err);
    assert_int_equal(ifc_step_attribute(f.reader, 0, 0, &c, &err), IFC_STEP_KIND_ERROR);
    char first[IFC_STEP_ERROR_TEXT_LEN];
    strcpy(first, err.message);
    int64_t v;
    assert_int_equal(ifc_step_get_integer(&c, &v, &err), IFC_STEP_ERR_TYPE);
    assert_string_equal(err.message, first);
    assert_int_equal(err.code, IFC_STEP_ERR_SYNTAX);
    /* A NULL err is allowed everywhere. */
    assert_int_equal(ifc_step_attribute(f.reader, 0, 0, &c, NULL), IFC_STEP_KIND_ERROR);
    assert_int_equal(ifc_step_validate(f.reader, NULL), IFC_STEP_ERR_SYNTAX);
    step_fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_versions),
        cmocka_unit_test(test_header_records),
        cmocka_unit_test(test_open_file),
        cmocka_unit_test(test_error_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
