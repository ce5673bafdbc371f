/*
 * test_ids_doc_nomem.c - out of memory in libxml2 fails the call with
 * IDS_ERR_NOMEM (or another clean error), never crashes or leaks, and
 * leaves an edited document as it was. libxml2's allocator is replaced by
 * one that fails the n-th allocation; n runs up from 0 until the call
 * succeeds. The wrappers pass through to libc, so memory allocated before
 * the swap is freed correctly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ids/ids.h"
#include "testutil.h"

#include <fcntl.h>
#include <libxml/xmlmemory.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long countdown = -1; /* allocations left before one fails; -1 never */

static bool fail_now(void)
{
    if (countdown < 0)
        return false;
    if (countdown == 0)
        return true;
    countdown--;
    return false;
}

static void *t_malloc(size_t n) { return fail_now() ? NULL : malloc(n); }
static void *t_realloc(void *p, size_t n) { return fail_now() ? NULL : realloc(p, n); }
static char *t_strdup(const char *s) { return fail_now() ? NULL : strdup(s); }
static void t_free(void *p) { free(p); }

static const char *sample =
    "<ids xmlns=\"" IDS_NAMESPACE "\" xmlns:xs=\"" IDS_XS_NAMESPACE "\">"
    "<info><title>T</title><date>2024-01-01</date></info><specifications>"
    "<specification name=\"S\" ifcVersion=\"IFC4\"><applicability minOccurs=\"1\" "
    "maxOccurs=\"unbounded\"><entity><name><simpleValue>IFCWALL</simpleValue></name>"
    "</entity></applicability><requirements><property dataType=\"IFCLABEL\">"
    "<propertySet><simpleValue>P</simpleValue></propertySet><baseName><simpleValue>B"
    "</simpleValue></baseName><value><xs:restriction base=\"xs:string\">"
    "<xs:enumeration value=\"a\"/></xs:restriction></value></property></requirements>"
    "</specification></specifications></ids>";

/* Statuses an out-of-memory run may end in. libxml2 2.9 sometimes reports
 * an allocation failure inside the parser as a parse error. */
static bool clean_failure(ids_status st)
{
    return st == IDS_ERR_NOMEM || st == IDS_ERR_PARSE || st == IDS_ERR_INTERNAL;
}

/* A success under allocation failure must be a whole success: the tree
 * serializes to the same bytes as one built with memory to spare. */
static void assert_same_doc(const ids_doc *doc, const char *reference)
{
    char *s = NULL;
    assert_int_equal(ids_doc_to_string(doc, &s, NULL, NULL), IDS_OK);
    assert_string_equal(s, reference);
    free(s);
}

static char *reference_of(const char *xml)
{
    ids_doc *doc = NULL;
    assert_int_equal(ids_doc_load_string(xml, strlen(xml), NULL, &doc, NULL), IDS_OK);
    char *s = NULL;
    assert_int_equal(ids_doc_to_string(doc, &s, NULL, NULL), IDS_OK);
    ids_doc_free(doc);
    return s;
}

/* stderr goes to a file while libxml2 runs out of memory; nothing may
 * arrive there. */
static int saved_stderr = -1;
static char stderr_path[4096];

static void stderr_capture(void)
{
    char *dir = testutil_mkdtemp();
    assert_non_null(dir);
    snprintf(stderr_path, sizeof(stderr_path), "%s/stderr", dir);
    free(dir);
    fflush(stderr);
    saved_stderr = dup(2);
    int fd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved_stderr >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
}

static void stderr_assert_empty(void)
{
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    struct stat sb;
    assert_int_equal(stat(stderr_path, &sb), 0);
    off_t size = sb.st_size;
    char *dir = strdup(stderr_path);
    assert_non_null(dir);
    *strrchr(dir, '/') = '\0';
    testutil_rmtree(dir);
    free(dir);
    assert_int_equal(size, 0);
}

static void test_load_nomem(void **state)
{
    (void)state;
    size_t nomem = 0;
    char *reference = reference_of(sample);
    stderr_capture();
    for (long n = 0;; n++) {
        ids_doc *doc = NULL;
        ids_error err;
        ids_error_clear(&err);
        countdown = n;
        ids_status st = ids_doc_load_string(sample, strlen(sample), NULL, &doc, &err);
        countdown = -1;
        if (st == IDS_OK) {
            assert_same_doc(doc, reference);
            ids_doc_free(doc);
            break;
        }
        assert_null(doc);
        if (!clean_failure(st))
            fail_msg("allocation %ld: %s %s", n, ids_status_name(st), err.message);
        nomem += st == IDS_ERR_NOMEM;
        assert_true(n < 100000);
    }
    stderr_assert_empty();
    free(reference);
    assert_true(nomem > 0);
}

static void test_new_nomem(void **state)
{
    (void)state;
    ids_info info = {{0}};
    info.fields[IDS_INFO_TITLE] = "T";
    info.fields[IDS_INFO_AUTHOR] = "a@b.c";
    info.fields[IDS_INFO_MILESTONE] = "M";
    ids_doc *ref_doc = NULL;
    assert_int_equal(ids_doc_new(&info, &ref_doc, NULL), IDS_OK);
    char *reference = NULL;
    assert_int_equal(ids_doc_to_string(ref_doc, &reference, NULL, NULL), IDS_OK);
    ids_doc_free(ref_doc);
    stderr_capture();
    for (long n = 0;; n++) {
        ids_doc *doc = NULL;
        ids_error err;
        ids_error_clear(&err);
        countdown = n;
        ids_status st = ids_doc_new(&info, &doc, &err);
        countdown = -1;
        if (st == IDS_OK) {
            assert_same_doc(doc, reference);
            ids_doc_free(doc);
            break;
        }
        assert_int_equal(st, IDS_ERR_NOMEM);
        assert_null(doc);
    }
    stderr_assert_empty();
    free(reference);
}

static void test_info_set_nomem_leaves_doc(void **state)
{
    (void)state;
    const char *no_info = "<ids xmlns=\"" IDS_NAMESPACE "\"><specifications/></ids>";
    const char *docs[] = {sample, no_info};
    stderr_capture();
    for (size_t d = 0; d < 2; d++) {
        for (int field = IDS_INFO_TITLE; field <= IDS_INFO_DATE; field += IDS_INFO_DATE) {
            ids_doc *doc = NULL;
            assert_int_equal(ids_doc_load_string(docs[d], strlen(docs[d]), NULL, &doc, NULL),
                             IDS_OK);
            char *before = NULL;
            assert_int_equal(ids_doc_to_string(doc, &before, NULL, NULL), IDS_OK);
            for (long n = 0;; n++) {
                ids_error err;
                ids_error_clear(&err);
                countdown = n;
                ids_status st = ids_info_set(doc, (ids_info_field)field, "2025-05-05", &err);
                countdown = -1;
                if (st == IDS_OK)
                    break;
                assert_int_equal(st, IDS_ERR_NOMEM);
                char *now = NULL;
                assert_int_equal(ids_doc_to_string(doc, &now, NULL, NULL), IDS_OK);
                assert_string_equal(before, now);
                free(now);
            }
            char *v = ids_info_get_dup(doc, (ids_info_field)field);
            assert_string_equal(v, "2025-05-05");
            free(v);
            free(before);
            ids_doc_free(doc);
        }
    }
    stderr_assert_empty();
}

static void test_output_nomem(void **state)
{
    (void)state;
    ids_doc *doc = NULL;
    assert_int_equal(ids_doc_load_string(sample, strlen(sample), NULL, &doc, NULL), IDS_OK);
    stderr_capture();
    for (int which = 0; which < 2; which++) {
        for (long n = 0;; n++) {
            char *s = NULL;
            ids_error err;
            ids_error_clear(&err);
            countdown = n;
            ids_status st = which == 0 ? ids_doc_to_string(doc, &s, NULL, &err)
                                       : ids_doc_canonical(doc, &s, NULL, &err);
            countdown = -1;
            if (st == IDS_OK) {
                free(s);
                break;
            }
            assert_null(s);
            if (!clean_failure(st))
                fail_msg("allocation %ld: %s", n, ids_status_name(st));
        }
    }
    for (long n = 0;; n++) {
        ids_spec_view *v = NULL;
        ids_error err;
        ids_error_clear(&err);
        countdown = n;
        ids_status st = ids_spec_get(doc, 0, &v, &err);
        countdown = -1;
        if (st == IDS_OK) {
            ids_spec_view_free(v);
            break;
        }
        assert_int_equal(st, IDS_ERR_NOMEM);
        assert_null(v);
    }
    stderr_assert_empty();
    ids_doc_free(doc);
}

/* The edits, each run with the n-th allocation failing for n = 0, 1, ...
 * until it succeeds: every failure is a clean error that leaves the
 * document as it was, and nothing reaches stderr (ids.h: the engine
 * prints nothing, even when libxml2 itself runs out of memory). */
typedef ids_status (*edit_fn)(ids_doc *doc, ids_error *err);

static ids_status edit_spec_add(ids_doc *doc, ids_error *err)
{
    ids_spec_fields f = {{0}, 0};
    f.values[IDS_SPEC_NAME] = "Doors & <windows>";
    f.values[IDS_SPEC_IFC_VERSION] = "IFC4 IFC4X3_ADD2";
    f.values[IDS_SPEC_IDENTIFIER] = "D1";
    f.values[IDS_SPEC_DESCRIPTION] = "All doors";
    size_t index;
    return ids_spec_add(doc, &f, &index, err);
}

static ids_status edit_spec_update(ids_doc *doc, ids_error *err)
{
    ids_spec_fields f = {{0}, 0};
    f.values[IDS_SPEC_NAME] = "Renamed";
    f.values[IDS_SPEC_INSTRUCTIONS] = "Check every wall";
    f.values[IDS_SPEC_MIN_OCCURS] = "0";
    f.set_mask = 1u << IDS_SPEC_NAME | 1u << IDS_SPEC_INSTRUCTIONS | 1u << IDS_SPEC_MIN_OCCURS;
    return ids_spec_update(doc, 0, &f, err);
}

static ids_status edit_spec_remove(ids_doc *doc, ids_error *err)
{
    return ids_spec_remove(doc, 0, err);
}

static ids_status edit_facet_add(ids_doc *doc, ids_error *err)
{
    static ids_xs_item items[] = {{IDS_XS_MIN_INCLUSIVE, "1"}, {IDS_XS_MAX_INCLUSIVE, "9"}};
    ids_facet f;
    memset(&f, 0, sizeof f);
    f.kind = IDS_FACET_ATTRIBUTE;
    f.params[IDS_PARAM_NAME].kind = IDS_VALUE_SIMPLE;
    f.params[IDS_PARAM_NAME].simple = "Name";
    f.params[IDS_PARAM_VALUE].kind = IDS_VALUE_RESTRICTION;
    f.params[IDS_PARAM_VALUE].base = "xs:integer";
    f.params[IDS_PARAM_VALUE].items = items;
    f.params[IDS_PARAM_VALUE].n_items = 2;
    f.fattrs[IDS_FATTR_CARDINALITY] = "optional";
    f.fattrs[IDS_FATTR_INSTRUCTIONS] = "Give it a name";
    size_t index;
    return ids_facet_add(doc, 0, IDS_REQUIREMENTS, &f, &index, err);
}

static ids_status edit_facet_update(ids_doc *doc, ids_error *err)
{
    ids_facet f;
    memset(&f, 0, sizeof f);
    f.kind = IDS_FACET_PROPERTY;
    f.params[IDS_PARAM_BASE_NAME].kind = IDS_VALUE_SIMPLE;
    f.params[IDS_PARAM_BASE_NAME].simple = "FireRating";
    f.fattrs[IDS_FATTR_URI] = "https://example.org/fire";
    ids_facet_change c = {&f, 1u << IDS_PARAM_BASE_NAME, 1u << IDS_FATTR_URI};
    return ids_facet_update(doc, 0, IDS_REQUIREMENTS, 0, &c, err);
}

static ids_status edit_facet_set_param(ids_doc *doc, ids_error *err)
{
    static ids_xs_item items[] = {{IDS_XS_ENUMERATION, "IFCWALL"}, {IDS_XS_ENUMERATION, "IFCDOOR"}};
    ids_value v = {IDS_VALUE_RESTRICTION, NULL, "xs:string", items, 2};
    return ids_facet_set_param(doc, 0, IDS_APPLICABILITY, 0, IDS_PARAM_NAME, &v, err);
}

static ids_status edit_facet_remove(ids_doc *doc, ids_error *err)
{
    return ids_facet_remove(doc, 0, IDS_REQUIREMENTS, 0, err);
}

static void test_edits_nomem_leave_doc_and_stay_silent(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        edit_fn fn;
        bool allocates;
    } edits[] = {
        {"spec_add", edit_spec_add, true},
        {"spec_update", edit_spec_update, true},
        {"spec_remove", edit_spec_remove, false},
        {"facet_add", edit_facet_add, true},
        {"facet_update", edit_facet_update, true},
        {"facet_set_param", edit_facet_set_param, true},
        {"facet_remove", edit_facet_remove, false},
    };
    stderr_capture();
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
        ids_doc *doc = NULL;
        char *before = NULL;
        size_t failures = 0;
        assert_int_equal(ids_doc_load_string(sample, strlen(sample), NULL, &doc, NULL), IDS_OK);
        assert_int_equal(ids_doc_to_string(doc, &before, NULL, NULL), IDS_OK);
        for (long n = 0;; n++) {
            ids_error err;
            ids_error_clear(&err);
            countdown = n;
            ids_status st = edits[e].fn(doc, &err);
            countdown = -1;
            if (st == IDS_OK)
                break;
            if (st != IDS_ERR_NOMEM)
                fail_msg("%s, allocation %ld: %s %s", edits[e].name, n, ids_status_name(st),
                         err.message);
            failures++;
            char *now = NULL;
            assert_int_equal(ids_doc_to_string(doc, &now, NULL, NULL), IDS_OK);
            if (strcmp(before, now) != 0)
                fail_msg("%s, allocation %ld: failed but changed the document", edits[e].name,
                         n);
            free(now);
            assert_true(n < 100000);
        }
        /* An edit that builds nodes met failing allocations. */
        if (edits[e].allocates && failures == 0)
            fail_msg("%s never met a failing allocation", edits[e].name);
        free(before);
        ids_doc_free(doc);
    }
    stderr_assert_empty();
}

int main(void)
{
    if (xmlMemSetup(t_free, t_malloc, t_realloc, t_strdup) != 0)
        return 1;
    ids_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_nomem),
        cmocka_unit_test(test_new_nomem),
        cmocka_unit_test(test_info_set_nomem_leaves_doc),
        cmocka_unit_test(test_output_nomem),
        cmocka_unit_test(test_edits_nomem_leave_doc_and_stay_silent),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ids_library_cleanup();
    return rc;
}
