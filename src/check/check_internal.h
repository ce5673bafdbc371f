/*
 * check_internal.h - what the files of src/check share. Not for other
 * modules.
 */
#ifndef CHECK_INTERNAL_H
#define CHECK_INTERNAL_H

#include "check/check.h"

#include <stdarg.h>

/* ---- a growing byte buffer (check_output.c) ---- */

/* Allocation failure sets nomem and drops the rest, so writers never check
 * each append; the owner looks at nomem once at the end. */
typedef struct check_buf {
    char *data;  /* NUL-terminated when not NULL */
    size_t len;
    size_t cap;
    bool nomem;
} check_buf;

void check_buf_add(check_buf *b, const char *s, size_t n);
void check_buf_puts(check_buf *b, const char *s);
void check_buf_printf(check_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void check_buf_free(check_buf *b);

/* ---- inputs (check_walk.c) ---- */

typedef struct check_item {
    char *path;
    /* Set when the walk itself failed here (a folder that cannot be read,
     * a tree too deep); the file is then reported failed with this error
     * and never opened. NULL normally: an ids_error is 780 bytes, and a
     * list of a million files should not carry one per file. */
    ids_error *walk_error;
} check_item;

typedef struct check_items {
    check_item *items;
    size_t n;
    size_t cap;
} check_items;

/* Expands files, folders (recursively, *.ids, sorted by name per folder,
 * symbolic links to folders not followed) and "-" (one path per line read
 * from list_input) in the order given. Returns false, with a one-line
 * reason in why, on a usage error or when out of memory. */
bool check_items_expand(const char *const *inputs, size_t n_inputs, FILE *list_input,
                        check_items *out, char *why, size_t why_size);
void check_items_free(check_items *items);

/* ---- rendering (check_output.c) ---- */

/* Renders one file's result in the format; run on the worker threads so
 * the formatting work is parallel too. */
void check_render_file(const check_config *cfg, const check_result *r, check_buf *out);
/* Text around the per-file fragments. For JUnit the counts belong in the
 * opening tag, so the caller keeps the fragments and writes them after
 * check_render_begin once the summary is known. */
void check_render_begin(const check_config *cfg, const check_summary *s, check_buf *out);
void check_render_end(const check_config *cfg, const check_summary *s, check_buf *out);

/* A copy of s that is valid UTF-8 (each bad byte becomes U+FFFD); n bytes
 * of s are read. NULL when out of memory. */
char *check_utf8_clean(const char *s, size_t n);

#endif /* CHECK_INTERNAL_H */
