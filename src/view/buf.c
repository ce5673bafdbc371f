/*
 * buf.c - the growable output buffer of the renderers.
 */
#include "view/view_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vb_fail(view_buf *b, view_status why)
{
    if (b->error == VIEW_OK)
        b->error = why;
}

static bool grow(view_buf *b, size_t extra)
{
    size_t limit = b->max != 0 ? b->max : VIEW_DEFAULT_MAX_BYTES;
    if (extra > limit || b->len > limit - extra) {
        vb_fail(b, VIEW_ERR_TOO_BIG);
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap != 0 ? b->cap : 4096;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *data = realloc(b->data, cap);
    if (data == NULL) {
        vb_fail(b, VIEW_ERR_NOMEM);
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

bool vb_put(view_buf *b, const void *data, size_t n)
{
    if (b->error != VIEW_OK || !grow(b, n))
        return false;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool vb_str(view_buf *b, const char *s)
{
    return vb_put(b, s, strlen(s));
}

bool vb_char(view_buf *b, char c)
{
    return vb_put(b, &c, 1);
}

bool vb_printf(view_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        vb_fail(b, VIEW_ERR_INVALID_ARG);
        return false;
    }
    if ((size_t)n < sizeof(small))
        return vb_put(b, small, (size_t)n);
    if (b->error != VIEW_OK || !grow(b, (size_t)n))
        return false;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

char *vb_take(view_buf *b, size_t *len, view_status *why)
{
    if (b->error == VIEW_OK && b->data == NULL)
        grow(b, 0);
    if (b->error != VIEW_OK) {
        *why = b->error;
        vb_free(b);
        return NULL;
    }
    b->data[b->len] = '\0';
    char *out = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    *why = VIEW_OK;
    return out;
}

void vb_free(view_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->error = VIEW_OK;
}
