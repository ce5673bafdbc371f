/* nftw() is an X/Open extension, beyond the project-wide POSIX level. */
#define _XOPEN_SOURCE 700

#include "testutil.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *testutil_shared_ids_dir(void)
{
    static char dir[4096];
    const char *env = getenv("IDSD_SHARED_IDS");
    const char *candidate = env != NULL && env[0] != '\0' ? env : IDSD_TEST_SHARED_IDS;
    struct stat st;
    if (stat(candidate, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    snprintf(dir, sizeof(dir), "%s", candidate);
    return dir;
}

const char *testutil_shared_path(const char *relative)
{
    static char path[4096];
    const char *dir = testutil_shared_ids_dir();
    if (dir == NULL)
        return NULL;
    int n = snprintf(path, sizeof(path), "%s/%s", dir, relative);
    if (n < 0 || (size_t)n >= sizeof(path))
        return NULL;
    return path;
}

char *testutil_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t size = 0, cap = 0;
    for (;;) {
        if (size + 4096 + 1 > cap) {
            cap = (cap == 0) ? 8192 : cap * 2;
            char *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + size, 1, cap - size - 1, f);
        size += n;
        if (n == 0)
            break;
    }
    fclose(f);
    buf[size] = '\0';
    if (len != NULL)
        *len = size;
    return buf;
}

static void collect(const char *dir, char ***list, size_t *count, size_t *cap)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            collect(path, list, count, cap);
            continue;
        }
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".ids") != 0)
            continue;
        if (*count == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *list = realloc(*list, *cap * sizeof(char *));
        }
        (*list)[(*count)++] = strdup(path);
    }
    closedir(d);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **testutil_list_ids_files(const char *dir, size_t *count)
{
    char **list = NULL;
    size_t cap = 0;
    *count = 0;
    collect(dir, &list, count, &cap);
    if (*count > 0)
        qsort(list, *count, sizeof(char *), compare_strings);
    return list;
}

void testutil_free_list(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

char *testutil_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char templ[4096];
    snprintf(templ, sizeof(templ), "%s/idsd-test-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    char *dir = mkdtemp(templ);
    return dir != NULL ? strdup(dir) : NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void testutil_rmtree(const char *dir)
{
    if (dir != NULL)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int testutil_under_valgrind(void)
{
    const char *v = getenv("IDSD_TEST_UNDER_VALGRIND");
    return v != NULL && v[0] == '1';
}

/* gcc says __SANITIZE_THREAD__, clang __has_feature(thread_sanitizer). */
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

int testutil_slow_runtime(void)
{
#if defined(UNDER_TSAN)
    return 1;
#else
    return testutil_under_valgrind();
#endif
}
