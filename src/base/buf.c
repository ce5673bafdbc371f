/*
 * buf.c - the growable byte buffer every module writes into: JSON and
 * JSON-RPC replies, HTTP bodies and SSE queues, reports of `idsd check`,
 * files read whole, arrays of records.
 *
 * One shape for all of them so that three things are right once: growth
 * that cannot overflow size_t, a size cap for input from outside (a body,
 * a file, a stream's queue) that is enforced before memory is taken, and
 * out of memory as a value that sticks, so a writer appends a run of
 * pieces and looks once at the end. Appends grow by doubling (amortized
 * O(1) per byte); base_buf_reserve grows to exactly what it is asked, for
 * callers that know the size (a file whose length fstat gave).
 */
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define FIRST_CAP 256u   /* bytes of a buffer's first allocation */
#define PROBE 4096u      /* bytes read on the stack when the buffer is full */

const char *base_status_name(base_status status)
{
    switch (status) {
    case BASE_OK:      return "ok";
    case BASE_NOMEM:   return "out of memory";
    case BASE_TOO_BIG: return "over the size limit";
    case BASE_INVALID: return "invalid text";
    case BASE_IO:      return "read error";
    }
    return "unknown";
}

void base_buf_fail(base_buf *b, base_status why)
{
    if (b->error == BASE_OK)
        b->error = why == BASE_OK ? BASE_INVALID : why;
    /* No room left for the inline fast paths: every later append takes the
     * slow path, which refuses it. cap only ever understates the
     * allocation, so this is safe to keep after a reset. */
    if (b->data != NULL)
        b->cap = b->len + 1;
}

static bool fail(base_buf *b, base_status why)
{
    base_buf_fail(b, why);
    return false;
}

/* Room for extra more bytes and the NUL. Appends double (exact false);
 * reserve asks for exactly what it needs. */
static bool grow(base_buf *b, size_t extra, bool exact)
{
    size_t need, want;
    char *p;

    if (b->error != BASE_OK)
        return false;
    if (b->data != NULL && extra < b->cap - b->len)
        return true;
    if (b->max != 0 && (b->len > b->max || extra > b->max - b->len))
        return fail(b, BASE_TOO_BIG);
    if (extra > SIZE_MAX / 2 - b->len)
        return fail(b, BASE_NOMEM);
    need = b->len + extra + 1;
    if (exact) {
        want = need;
    } else {
        /* Below SIZE_MAX / 2 + 1, so doubling cannot wrap. */
        want = b->cap > FIRST_CAP ? b->cap : FIRST_CAP;
        while (want < need)
            want *= 2;
    }
    if (b->max != 0 && want > b->max + 1)
        want = b->max + 1;
    p = realloc(b->data, want);
    if (p == NULL)
        return fail(b, BASE_NOMEM);
    b->data = p;
    b->cap = want;
    b->data[b->len] = '\0';
    return true;
}

bool base_buf_append_slow(base_buf *b, const void *data, size_t n)
{
    if (!grow(b, n, false))
        return false;
    if (n > 0)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool base_buf_vprintf(base_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    int n;

    if (!grow(b, 0, false))
        return false;
    va_copy(copy, ap);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, copy);
    va_end(copy);
    if (n < 0) {
        b->data[b->len] = '\0';
        return fail(b, BASE_NOMEM);
    }
    if ((size_t)n >= b->cap - b->len) {
        /* Did not fit: the truncated text past len is discarded. */
        b->data[b->len] = '\0';
        if (!grow(b, (size_t)n, false))
            return false;
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
    return true;
}

bool base_buf_printf(base_buf *b, const char *fmt, ...)
{
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    ok = base_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

bool base_buf_reserve(base_buf *b, size_t extra)
{
    return grow(b, extra, true);
}

void *base_buf_extend(base_buf *b, size_t n)
{
    void *at;

    if (!grow(b, n, false))
        return NULL;
    at = b->data + b->len;
    b->len += n;
    b->data[b->len] = '\0';
    return at;
}

char *base_buf_take(base_buf *b, size_t *len)
{
    char *text = NULL;

    if (grow(b, 0, true)) {
        text = b->data;
        if (len != NULL)
            *len = b->len;
        b->data = NULL;
    }
    base_buf_free(b);
    return text;
}

void base_buf_reset(base_buf *b)
{
    b->len = 0;
    b->error = BASE_OK;
    if (b->data != NULL)
        b->data[0] = '\0';
}

void base_buf_free(base_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->error = BASE_OK;
}

base_status base_buf_read_fd(base_buf *b, int fd)
{
    if (b->error != BASE_OK)
        return b->error;
    for (;;) {
        char probe[PROBE];
        /* A full buffer reads onto the stack first: at end of file (the
         * common case after a reserve of the file's size) nothing grows. */
        bool full = b->data == NULL || b->cap - b->len < 2;
        char *to = full ? probe : b->data + b->len;
        size_t room = full ? sizeof probe : b->cap - b->len - 1;
        ssize_t n = read(fd, to, room);

        if (n < 0) {
            int saved = errno;

            if (saved == EINTR)
                continue;
            base_buf_fail(b, BASE_IO);
            errno = saved;
            return BASE_IO;
        }
        if (n == 0)
            return BASE_OK;
        if (full) {
            if (!base_buf_append(b, probe, (size_t)n))
                return b->error;
        } else {
            b->len += (size_t)n;
            b->data[b->len] = '\0';
        }
    }
}

long base_buf_read_once(base_buf *b, int fd)
{
    ssize_t n;

    /* At least a few KiB of room, growing by doubling. */
    if (b->data == NULL || b->cap - b->len < PROBE) {
        size_t want = b->len > PROBE ? b->len : PROBE;

        if (b->max != 0 && b->len < b->max && want > b->max - b->len)
            want = b->max - b->len;
        if (!grow(b, want, true))
            return -1;
    }
    do
        n = read(fd, b->data + b->len, b->cap - b->len - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        int saved = errno;

        base_buf_fail(b, BASE_IO);
        errno = saved;
        return -1;
    }
    b->len += (size_t)n;
    b->data[b->len] = '\0';
    return (long)n;
}

base_status base_buf_read_file(base_buf *b, const char *path)
{
    base_status st;
    int fd, saved;

    if (b->error != BASE_OK)
        return b->error;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        saved = errno;
        base_buf_fail(b, BASE_IO);
        errno = saved;
        return BASE_IO;
    }
    st = base_buf_read_fd(b, fd);
    saved = errno;
    close(fd);
    errno = saved;
    return st;
}
