/*
 * paths.c - confining load_ids / export_ids to the configured root folders.
 *
 * The check runs on resolved paths: realpath of the file for reading, of
 * the parent folder for writing (the file may not exist yet), so "..",
 * doubled slashes and symbolic links cannot lead outside a root. A path is
 * inside a root when it equals the root or continues it after a '/'; a
 * plain prefix test would let /data/rootx pass for root /data/root.
 * There is a window between this check and the engine's open; closing it
 * would need openat2(RESOLVE_BENEATH), which the engine's API does not
 * take. The roots are the operator's folders, so the window needs someone
 * who can already write there.
 */
#include "tools/tools_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool inside(const char *path, const char *root)
{
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    if (strncmp(path, root, n) != 0)
        return false;
    if (n == 1 && root[0] == '/')
        return true;
    return path[n] == '\0' || path[n] == '/';
}

static bool inside_roots(const tool_config *cfg, const char *path)
{
    for (size_t i = 0; i < cfg->n_roots; i++)
        if (cfg->roots[i] != NULL && inside(path, cfg->roots[i]))
            return true;
    return false;
}

static void roots_text(const tool_config *cfg, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < cfg->n_roots; i++) {
        /* Folder names need not be ASCII: a list that does not fit is cut
         * between characters. */
        size_t w = base_utf8_format(buf + used, size - used, "%s%s", i == 0 ? "" : ", ",
                                   cfg->roots[i]);
        if (used + w + 1 >= size)
            return;
        used += w;
    }
}

/* Joins a relative path onto the first root. */
static char *absolute(const tool_config *cfg, const char *requested)
{
    if (requested[0] == '/')
        return strdup(requested);
    size_t n = strlen(cfg->roots[0]) + strlen(requested) + 2;
    char *out = malloc(n);
    if (out != NULL)
        snprintf(out, n, "%s/%s", cfg->roots[0], requested);
    return out;
}

static bool have_roots(tool_ctx *c)
{
    const tool_config *cfg = c->env->config;
    if (cfg == NULL || cfg->n_roots == 0 || cfg->roots == NULL || cfg->roots[0] == NULL) {
        tool_fail(c, "File access is disabled on this server (no root folders are "
                     "configured). Pass the document as text instead: load_ids with "
                     "source_type \"string\", or export_ids without output_path.");
        return false;
    }
    return true;
}

static void refuse_outside(tool_ctx *c, const char *requested, const char *why)
{
    char roots[1024];
    roots_text(c->env->config, roots, sizeof(roots));
    tool_fail(c, "The path '%s' is refused: %s. Files may only be read and written "
                 "inside these folders: %s. Relative paths start at %s.",
              BASE_QUOTE(requested, 120), why, roots, c->env->config->roots[0]);
}

bool tool_path_for_read(tool_ctx *c, const char *requested, char **out)
{
    *out = NULL;
    if (!have_roots(c))
        return false;
    char *abs = absolute(c->env->config, requested);
    char *real = NULL;
    struct stat st;
    bool ok = false;
    if (abs == NULL) {
        tool_fail(c, "Out of memory while resolving a path. Try again.");
        goto out;
    }
    real = realpath(abs, NULL);
    if (real == NULL) {
        if (errno == ENOENT || errno == ENOTDIR)
            tool_fail(c, "File not found: '%s'. Check the path; relative paths start at %s.",
                      BASE_QUOTE(requested, 120), c->env->config->roots[0]);
        else
            tool_fail(c, "Cannot open '%s': %s.", BASE_QUOTE(requested, 120), strerror(errno));
        goto out;
    }
    if (!inside_roots(c->env->config, real)) {
        refuse_outside(c, requested, "it is outside the allowed folders");
        goto out;
    }
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        tool_fail(c, "'%s' is not a regular file. Give the path of an .ids file.",
                  BASE_QUOTE(requested, 120));
        goto out;
    }
    *out = real;
    real = NULL;
    ok = true;
out:
    free(abs);
    free(real);
    return ok;
}

bool tool_path_for_write(tool_ctx *c, const char *requested, char **out)
{
    *out = NULL;
    if (!have_roots(c))
        return false;
    char *abs = absolute(c->env->config, requested);
    char *dir_real = NULL;
    char *full = NULL;
    char *target = NULL;
    struct stat st;
    bool ok = false;
    if (abs == NULL)
        goto nomem;
    char *slash = strrchr(abs, '/');
    const char *base = slash + 1;
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        tool_fail(c, "output_path '%s' names a folder, not a file. Give a file name such "
                     "as 'walls.ids'.", BASE_QUOTE(requested, 120));
        goto out;
    }
    *slash = '\0';
    dir_real = realpath(abs[0] != '\0' ? abs : "/", NULL);
    if (dir_real == NULL) {
        tool_fail(c, "The folder of output_path '%s' does not exist. Write into an "
                     "existing folder; relative paths start at %s.",
                  BASE_QUOTE(requested, 120), c->env->config->roots[0]);
        goto out;
    }
    if (!inside_roots(c->env->config, dir_real)) {
        refuse_outside(c, requested, "its folder is outside the allowed folders");
        goto out;
    }
    size_t n = strlen(dir_real) + strlen(base) + 2;
    full = malloc(n);
    if (full == NULL)
        goto nomem;
    snprintf(full, n, "%s%s%s", dir_real, strcmp(dir_real, "/") == 0 ? "" : "/", base);
    if (lstat(full, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            target = realpath(full, NULL);
            if (target == NULL || !inside_roots(c->env->config, target)) {
                refuse_outside(c, requested, "it is a symbolic link leading outside the "
                                             "allowed folders");
                goto out;
            }
            if (stat(target, &st) != 0 || !S_ISREG(st.st_mode)) {
                tool_fail(c, "output_path '%s' exists and is not a regular file. "
                             "Choose another file name.", BASE_QUOTE(requested, 120));
                goto out;
            }
        } else if (!S_ISREG(st.st_mode)) {
            tool_fail(c, "output_path '%s' exists and is not a regular file. Choose "
                         "another file name.", BASE_QUOTE(requested, 120));
            goto out;
        }
    }
    *out = full;
    full = NULL;
    ok = true;
    goto out;
nomem:
    tool_fail(c, "Out of memory while resolving a path. Try again.");
out:
    free(abs);
    free(dir_real);
    free(full);
    free(target);
    return ok;
}
