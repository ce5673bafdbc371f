/*
 * utf8.c - text that is always valid UTF-8, however it was cut.
 *
 * Messages quote what a client sent (a title, a pattern, a file name) and
 * land in fixed buffers: ids_error.message, findings, JSON-RPC error
 * messages, log lines. snprintf cuts at a byte count, so a value in any
 * script but ASCII could end in half a character, and the message then
 * fails the UTF-8 check of every JSON writer after it (jansson refuses it,
 * and a tool error became "Internal error: out of memory"). Everything
 * here cuts on character boundaries, marks a cut with "...", and turns a
 * byte that starts no valid sequence into U+FFFD, so the result is valid
 * UTF-8 for any input.
 *
 * The decoding rules are jansson's and XML's: no overlong forms, no
 * surrogates, nothing above U+10FFFF.
 */
#include "base/base.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELLIPSIS "..."
#define ELLIPSIS_LEN 3u
#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define REPLACEMENT_LEN 3u

bool base_utf8_valid(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* ASCII runs are most of any message (and every exported document
         * passes here): skip them eight bytes at a time without decoding. */
        while (len - i >= 8) {
            uint64_t word;
            memcpy(&word, text + i, 8);
            if (word & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if ((unsigned char)text[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = base_utf8_len((const unsigned char *)text + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* Bytes the sanitized form of text[0..len) takes: each valid sequence as
 * it is, each other byte as U+FFFD. */
static size_t sanitized_len(const char *text, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t n = base_utf8_len((const unsigned char *)text + i, len - i);
        if (n == 0) {
            out += REPLACEMENT_LEN;
            i++;
        } else {
            out += n;
            i += n;
        }
    }
    return out;
}

char *base_utf8_copy(char *buf, size_t size, const char *text, size_t len)
{
    if (size == 0)
        return buf;
    if (text == NULL)
        len = 0;
    size_t room = size - 1;
    bool cut = sanitized_len(text, len) > room;
    /* When the text must be cut, keep room for the ellipsis if it fits at
     * all; a buffer smaller than that gets whole characters only. */
    size_t budget = cut && room >= ELLIPSIS_LEN ? room - ELLIPSIS_LEN : room;
    size_t used = 0;
    for (size_t i = 0; i < len;) {
        size_t n = base_utf8_len((const unsigned char *)text + i, len - i);
        const char *piece = n == 0 ? REPLACEMENT : text + i;
        size_t piece_len = n == 0 ? REPLACEMENT_LEN : n;
        if (used + piece_len > budget)
            break;
        memcpy(buf + used, piece, piece_len);
        used += piece_len;
        i += n == 0 ? 1 : n;
    }
    if (cut && room >= ELLIPSIS_LEN) {
        memcpy(buf + used, ELLIPSIS, ELLIPSIS_LEN);
        used += ELLIPSIS_LEN;
    }
    buf[used] = '\0';
    return buf;
}

const char *base_quote(char *buf, size_t size, const char *value)
{
    return base_utf8_copy(buf, size, value, value != NULL ? strlen(value) : 0);
}

size_t base_utf8_repair(char *buf, size_t size, bool cut)
{
    size_t len = strnlen(buf, size - 1);
    size_t i = 0, keep = 0;
    while (i < len) {
        size_t n = base_utf8_len((const unsigned char *)buf + i, len - i);
        if (n == 0) {
            /* A sequence cut by snprintf at the very end is dropped;
             * anything else invalid is replaced. */
            unsigned char c = (unsigned char)buf[i];
            size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
            if (cut && want > 1 && i + want > len)
                break;
            buf[i] = '?';
            n = 1;
        }
        i += n;
        keep = i;
    }
    if (cut && keep >= ELLIPSIS_LEN) {
        /* Make room for the ellipsis on a character boundary. */
        size_t end = keep;
        if (end + ELLIPSIS_LEN > size - 1) {
            end = size - 1 - ELLIPSIS_LEN;
            while (end > 0 && ((unsigned char)buf[end] & 0xC0) == 0x80)
                end--;
        }
        memcpy(buf + end, ELLIPSIS, ELLIPSIS_LEN);
        keep = end + ELLIPSIS_LEN;
    }
    buf[keep] = '\0';
    return keep;
}

size_t base_utf8_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    if (size == 0)
        return 0;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(buf, size, fmt, ap);
    size_t result;
    if (n < 0) {
        buf[0] = '\0';
        result = 0;
        goto out;
    }
    if ((size_t)n < size && base_utf8_valid(buf, (size_t)n)) {
        result = (size_t)n;
        goto out;
    }
    /* Cut, or holding bytes that are not UTF-8: make the whole text once
     * more and copy it over character by character. */
    char *full = malloc((size_t)n + 1);
    if (full == NULL) {
        result = base_utf8_repair(buf, size, (size_t)n >= size);
        goto out;
    }
    vsnprintf(full, (size_t)n + 1, fmt, again);
    base_utf8_copy(buf, size, full, (size_t)n);
    free(full);
    result = strlen(buf);
out:
    va_end(again);
    return result;
}

size_t base_utf8_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = base_utf8_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

char *base_utf8_dup(const char *text, size_t len)
{
    if (text == NULL)
        len = 0;
    size_t need = sanitized_len(text, len);
    char *out = malloc(need + 1);
    if (out == NULL)
        return NULL;
    return base_utf8_copy(out, need + 1, text, len);
}
