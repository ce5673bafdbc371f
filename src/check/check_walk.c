/*
 * check_walk.c - turning the command line's inputs into one ordered list
 * of files.
 *
 * Order is part of the contract (reports diff cleanly run to run), so each
 * folder's entries are sorted by their bytes (strcmp, not the locale) and
 * walked depth-first in that order. Symbolic links to files are followed;
 * symbolic links to folders are not, which rules out loops without
 * remembering device/inode pairs. A named input is taken as given: a file
 * named explicitly is checked whatever its extension, and an input that
 * does not exist is kept, so that its I/O error is reported in its place.
 */
#include "check/check_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define WALK_MAX_DEPTH 64u /* folder levels below an input */

static void walk_error(ids_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void walk_error(ids_error *e, const char *fmt, ...)
{
    va_list ap;

    ids_error_clear(e);
    e->code = IDS_ERR_IO;
    va_start(ap, fmt);
    base_utf8_vformat(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

static bool push(check_items *out, const char *path, const ids_error *err)
{
    check_item item = {strdup(path), NULL};

    if (!item.path)
        return false;
    if (err) {
        item.walk_error = malloc(sizeof *item.walk_error);
        if (!item.walk_error)
            goto fail;
        *item.walk_error = *err;
    }
    if (!base_buf_append(&out->buf, &item, sizeof item))
        goto fail;
    out->items = (check_item *)(void *)out->buf.data;
    out->n++;
    return true;
fail:
    free(item.path);
    free(item.walk_error);
    return false;
}

static bool has_ids_suffix(const char *name)
{
    size_t n = strlen(name);

    return n > 4 && strcasecmp(name + n - 4, ".ids") == 0;
}

static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    char *p = malloc(dl + nl + 2);

    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (!slash)
        p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Reads a folder's entry names (hidden ones left out), sorted. Returns
 * false when out of memory; *errnum is set when the folder could not be
 * read. */
static bool read_names(const char *dir, char ***names_out, size_t *n_out, int *errnum)
{
    DIR *d;
    struct dirent *e;
    base_buf names = {0};   /* char *[n] */
    size_t n = 0;
    bool ok = false;

    *names_out = NULL;
    *n_out = 0;
    *errnum = 0;
    d = opendir(dir);
    if (!d) {
        *errnum = errno;
        return true;
    }
    for (;;) {
        errno = 0;
        e = readdir(d);
        if (!e) {
            *errnum = errno;
            break;
        }
        /* Dot-entries are version-control and editor state, never inputs. */
        if (e->d_name[0] == '.')
            continue;
        {
            char *copy = strdup(e->d_name);

            if (!copy || !base_buf_append(&names, &copy, sizeof copy)) {
                free(copy);
                goto out;
            }
            n++;
        }
    }
    if (n > 1)
        qsort(names.data, n, sizeof(char *), by_bytes);
    /* The array is handed over as it is (free_names frees it). */
    *names_out = (char **)(void *)names.data;
    *n_out = n;
    names.data = NULL;
    ok = true;
out:
    free_names((char **)(void *)names.data, names.data ? n : 0);
    closedir(d);
    return ok;
}

static bool walk(const char *dir, unsigned depth, check_items *out)
{
    char **names = NULL;
    size_t n = 0;
    int errnum;
    ids_error err;
    bool ok = false;

    if (depth > WALK_MAX_DEPTH) {
        walk_error(&err, "folders nest deeper than %u levels below the input here; "
                   "name the deeper folder itself", WALK_MAX_DEPTH);
        return push(out, dir, &err);
    }
    if (!read_names(dir, &names, &n, &errnum))
        return false;
    if (errnum != 0 && n == 0) {
        walk_error(&err, "cannot read the folder: %s", strerror(errnum));
        return push(out, dir, &err);
    }
    for (size_t i = 0; i < n; i++) {
        char *path = join(dir, names[i]);
        struct stat st;
        bool pushed = true;

        if (!path)
            goto out;
        if (lstat(path, &st) != 0) {
            /* Gone since readdir: nothing to check. */
        } else if (S_ISDIR(st.st_mode)) {
            pushed = walk(path, depth + 1, out);
        } else if (has_ids_suffix(names[i])) {
            /* A regular file, or a link: a link to a folder is skipped, a
             * dangling one is kept so that its error is reported. */
            struct stat target;

            if (!S_ISLNK(st.st_mode) || stat(path, &target) != 0 || !S_ISDIR(target.st_mode))
                pushed = push(out, path, NULL);
        }
        free(path);
        if (!pushed)
            goto out;
    }
    if (errnum != 0) {
        walk_error(&err, "reading the folder stopped early: %s", strerror(errnum));
        if (!push(out, dir, &err))
            goto out;
    }
    ok = true;
out:
    free_names(names, n);
    return ok;
}

static bool expand_one(const char *input, check_items *out)
{
    struct stat st;

    /* A named folder is walked even when reached through a link: the user
     * asked for it. Anything else, existing or not, is one file. */
    if (stat(input, &st) == 0 && S_ISDIR(st.st_mode))
        return walk(input, 0, out);
    return push(out, input, NULL);
}

static bool expand_list(FILE *in, check_items *out, char *why, size_t why_size)
{
    char *line = NULL;
    size_t cap = 0;
    bool ok = true;

    for (;;) {
        ssize_t len = getline(&line, &cap, in);
        size_t n;

        if (len < 0)
            break;
        n = strlen(line); /* a NUL byte ends the path */

        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if (!expand_one(line, out)) {
            snprintf(why, why_size, "out of memory listing the inputs");
            ok = false;
            break;
        }
    }
    if (ok && ferror(in)) {
        snprintf(why, why_size, "cannot read the list of paths on standard input: %s",
                 strerror(errno));
        ok = false;
    }
    free(line);
    return ok;
}

bool check_items_expand(const char *const *inputs, size_t n_inputs, FILE *list_input,
                        check_items *out, char *why, size_t why_size)
{
    bool seen_dash = false;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n_inputs; i++) {
        if (!inputs[i] || !inputs[i][0]) {
            snprintf(why, why_size, "an empty path was given");
            goto fail;
        }
        if (strcmp(inputs[i], "-") == 0) {
            /* The stream can be read only once; a second "-" is a mistake. */
            if (seen_dash) {
                snprintf(why, why_size, "'-' (read paths from standard input) "
                         "may be given only once");
                goto fail;
            }
            seen_dash = true;
            if (!expand_list(list_input ? list_input : stdin, out, why, why_size))
                goto fail;
            continue;
        }
        if (!expand_one(inputs[i], out)) {
            snprintf(why, why_size, "out of memory listing the inputs");
            goto fail;
        }
    }
    return true;
fail:
    check_items_free(out);
    return false;
}

void check_items_free(check_items *items)
{
    for (size_t i = 0; i < items->n; i++) {
        free(items->items[i].path);
        free(items->items[i].walk_error);
    }
    base_buf_free(&items->buf);
    memset(items, 0, sizeof *items);
}
