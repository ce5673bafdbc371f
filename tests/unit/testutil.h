/*
 * testutil.h - helpers shared by the cmocka suites.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>

/* The folder with the buildingSMART IDS material (ids.xsd, testcases/):
 * $IDSD_SHARED_IDS, else ../shared/ids beside the source tree. Returns NULL
 * when it is absent; suites then report their cases as skipped. */
const char *testutil_shared_ids_dir(void);
/* Path of a file below the shared folder, in a static buffer; NULL when the
 * folder is absent. */
const char *testutil_shared_path(const char *relative);
/* Reads a whole file; NUL-terminated; free() it. NULL on error. */
char *testutil_read_file(const char *path, size_t *len);
/* Lists the *.ids files below dir (recursively), sorted; free with
 * testutil_free_list. */
char **testutil_list_ids_files(const char *dir, size_t *count);
void testutil_free_list(char **list, size_t count);
/* A fresh temporary directory; the caller removes it with
 * testutil_rmtree. */
char *testutil_mkdtemp(void);
void testutil_rmtree(const char *dir);
/* True under valgrind (the memcheck ctest entries set it), so suites can
 * shrink their loops. */
int testutil_under_valgrind(void);
/* True under valgrind or in a ThreadSanitizer build: runtimes where every
 * memory access costs 10-30 times as much, so suites scale their work
 * down (the races and leaks they look for need far less of it). */
int testutil_slow_runtime(void);

#endif
