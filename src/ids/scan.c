/*
 * scan.c - one linear pass over an input before libxml2 parses it, to
 * refuse what would make the parser slow rather than wrong.
 *
 * libxml2 (2.9) checks the attributes of a start tag for duplicates by
 * comparing each with every one before it, and does so before any SAX
 * callback sees the element: 25k / 50k / 100k attributes on one element
 * took 0.7 / 2.8 / 12.9 s to load, from a 1.1 MB request. Namespace
 * declarations are checked the same way. No IDS element has more than a
 * handful of attributes, so the scan counts them per start tag and refuses
 * a document with an element over the limit, naming its line, before the
 * parser starts. The scan is linear in the input and allocates nothing.
 *
 * It follows the XML syntax only as far as counting needs: text, comments,
 * CDATA sections, processing instructions, end tags, and start tags with
 * name="value" pairs (quoted values may hold '>'). It never gives up on
 * input it cannot follow: an '=' outside quotes inside a tag counts as one
 * attribute, so for well-formed markup the count is exact and for broken
 * markup it can only be higher (libxml2 rejects that markup anyway). At a
 * DOCTYPE it stops: the loader refuses DTDs at that point, before libxml2
 * reads any further.
 *
 * The syntax characters must mean the same to the scan as to libxml2, so
 * the input is read in code units of the encoding libxml2 will use:
 * bytes for UTF-8 and the encodings whose bytes below 0x80 are always
 * ASCII (ISO-8859-*, windows-125*, the EUC family, GBK, Big5, Shift_JIS
 * keep syntax bytes unambiguous), 16-bit units for UTF-16 and 32-bit units
 * for UCS-4, found the way libxml2 finds them (byte-order mark or the
 * first bytes of "<?xml"). Any other declared encoding (UTF-7, the
 * ISO-2022 family, EBCDIC) could hide markup from a byte scan and is
 * refused.
 */
#include "ids/ids_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct scan {
    const unsigned char *data;
    size_t len;   /* bytes */
    size_t width; /* bytes per code unit: 1, 2 or 4 */
    bool big_endian;
} scan;

/* The code unit at byte offset i (i + width <= len). */
static unsigned long unit_at(const scan *s, size_t i)
{
    const unsigned char *p = s->data + i;
    switch (s->width) {
    case 1:
        return p[0];
    case 2:
        return s->big_endian ? ((unsigned long)p[0] << 8) | p[1]
                             : ((unsigned long)p[1] << 8) | p[0];
    default:
        return s->big_endian ? ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) |
                                   ((unsigned long)p[2] << 8) | p[3]
                             : ((unsigned long)p[3] << 24) | ((unsigned long)p[2] << 16) |
                                   ((unsigned long)p[1] << 8) | p[0];
    }
}

/* True when the units at byte offset i spell the ASCII text lit. */
static bool looking_at(const scan *s, size_t i, const char *lit)
{
    for (; *lit != '\0'; lit++, i += s->width) {
        if (i + s->width > s->len || unit_at(s, i) != (unsigned char)*lit)
            return false;
    }
    return true;
}

/* Byte offset of the next unit equal to c at or after i, or len. */
static size_t find_unit(const scan *s, size_t i, unsigned long c)
{
    if (s->width == 1) {
        const void *hit = memchr(s->data + i, (int)c, s->len - i);
        return hit != NULL ? (size_t)((const unsigned char *)hit - s->data) : s->len;
    }
    for (; i + s->width <= s->len; i += s->width)
        if (unit_at(s, i) == c)
            return i;
    return s->len;
}

/* Byte offset just past the next occurrence of the ASCII text end, or
 * len. */
static size_t skip_past(const scan *s, size_t i, const char *end)
{
    for (;;) {
        i = find_unit(s, i, (unsigned char)end[0]);
        if (i >= s->len)
            return s->len;
        if (looking_at(s, i, end))
            return i + strlen(end) * s->width;
        i += s->width;
    }
}

/* The bytes a start tag's scan stops at. */
static const bool tag_syntax[256] = {['<'] = true, ['>'] = true, ['"'] = true,
                                     ['\''] = true, ['='] = true};

static bool is_space(unsigned long c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1-based line of byte offset i. */
static int line_of(const scan *s, size_t i)
{
    long line = 1;
    for (size_t k = 0; k + s->width <= i; k += s->width)
        if (unit_at(s, k) == '\n')
            line++;
    return line < 0x7fffffff ? (int)line : 0;
}

/* Encodings whose bytes below 0x80 are always the ASCII characters, so
 * the byte scan sees the markup libxml2 sees. */
static bool ascii_safe_encoding(const char *name)
{
    static const char *const prefixes[] = {
        "UTF-8", "UTF8", "US-ASCII", "ASCII", "ISO-8859-", "ISO8859-", "ISO_8859-",
        "ISO-LATIN-", "LATIN", "WINDOWS-125", "CP125", "KOI8-", "EUC-", "EUCJP", "EUCKR",
        "GB2312", "GBK", "GB18030", "BIG5", "SHIFT_JIS", "SHIFT-JIS", "SJIS", "CP932",
        "MS_KANJI",
    };
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncasecmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* Names a UTF-16 (width 2) or UCS-4 (width 4) input may declare without
 * libxml2 switching to a decoder of other units: its own family (in its
 * own byte order), and UTF-8, which libxml2 takes for "already decoded". */
static bool wide_encoding_agrees(const char *name, const scan *s)
{
    if (strcasecmp(name, "UTF-8") == 0 || strcasecmp(name, "UTF8") == 0)
        return true;
    if (s->width == 2)
        return strcasecmp(name, "UTF-16") == 0 || strcasecmp(name, "UTF16") == 0 ||
               strcasecmp(name, s->big_endian ? "UTF-16BE" : "UTF-16LE") == 0;
    return strncasecmp(name, "UCS-4", 5) == 0 || strncasecmp(name, "UCS4", 4) == 0 ||
           strncasecmp(name, "ISO-10646-UCS-4", 15) == 0;
}

/* Reads encoding="..." of an XML declaration at byte offset i (after any
 * byte-order mark) into name; false when there is none. */
static bool declared_encoding(const scan *s, size_t i, char *name, size_t size)
{
    if (!looking_at(s, i, "<?xml"))
        return false;
    size_t end = skip_past(s, i, "?>");
    for (size_t k = i; k + 8 * s->width <= end; k += s->width) {
        if (!looking_at(s, k, "encoding"))
            continue;
        k += 8 * s->width;
        while (k < end && is_space(unit_at(s, k)))
            k += s->width;
        if (k >= end || unit_at(s, k) != '=')
            return false;
        k += s->width;
        while (k < end && is_space(unit_at(s, k)))
            k += s->width;
        if (k >= end)
            return false;
        unsigned long quote = unit_at(s, k);
        if (quote != '"' && quote != '\'')
            return false;
        size_t n = 0;
        for (k += s->width; k < end && unit_at(s, k) != quote; k += s->width) {
            unsigned long c = unit_at(s, k);
            if (n + 1 < size)
                name[n++] = c < 0x80 ? (char)c : '?';
        }
        name[n] = '\0';
        return true;
    }
    return false;
}

/* Sets up s for the input's encoding, or refuses it. *start is where the
 * markup begins (after a byte-order mark). */
static ids_status detect(scan *s, size_t *start, ids_error *err)
{
    const unsigned char *d = s->data;
    size_t n = s->len;
    s->width = 1;
    s->big_endian = false;
    *start = 0;
    if (n >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0x3C) {
        s->width = 4;
        s->big_endian = true;
    } else if (n >= 4 && d[0] == 0x3C && d[1] == 0 && d[2] == 0 && d[3] == 0) {
        s->width = 4;
    } else if (n >= 4 && ((d[0] == 0 && d[1] == 0 && d[2] == 0x3C && d[3] == 0) ||
                          (d[0] == 0 && d[1] == 0x3C && d[2] == 0 && d[3] == 0))) {
        return ids_err_at(err, IDS_ERR_PARSE, 1, 1,
                          "the input is UCS-4 in an unusual byte order; write IDS "
                          "documents in UTF-8");
    } else if (n >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
        s->width = 2;
        s->big_endian = true;
        *start = 2;
    } else if (n >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
        s->width = 2;
        *start = 2;
    } else if (n >= 4 && d[0] == 0 && d[1] == 0x3C && d[2] == 0 && d[3] == 0x3F) {
        s->width = 2;
        s->big_endian = true;
    } else if (n >= 4 && d[0] == 0x3C && d[1] == 0 && d[2] == 0x3F && d[3] == 0) {
        s->width = 2;
    } else if (n >= 4 && d[0] == 0x4C && d[1] == 0x6F && d[2] == 0xA7 && d[3] == 0x94) {
        return ids_err_at(err, IDS_ERR_PARSE, 1, 1,
                          "the input is EBCDIC; write IDS documents in UTF-8");
    } else if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        *start = 3;
    }
    /* A declaration of another encoding makes libxml2 decode the rest of
     * the input with it, so it must agree with the units scanned. */
    char name[48];
    if (!declared_encoding(s, *start, name, sizeof(name)))
        return IDS_OK;
    bool agrees = s->width == 1 ? ascii_safe_encoding(name)
                                : wide_encoding_agrees(name, s);
    if (!agrees)
        return ids_err_at(err, IDS_ERR_PARSE, 1, 1,
                          "the document declares encoding '%s', which idsd does not "
                          "read here; write IDS documents in UTF-8 (UTF-16 and "
                          "ASCII-based encodings such as ISO-8859-1 are read too)",
                          name);
    return IDS_OK;
}

ids_status ids_scan_input(const char *data, size_t len, unsigned max_attributes,
                          ids_error *err)
{
    scan s = {(const unsigned char *)data, len, 1, false};
    size_t i = 0;
    ids_status st = detect(&s, &i, err);
    if (st != IDS_OK)
        return st;
    const size_t w = s.width;
    /* Whole units only: a trailing partial unit is libxml2's to report. */
    s.len -= s.len % w;
    while (i < s.len) {
        i = find_unit(&s, i, '<');
        if (i >= s.len)
            break;
        size_t tag = i;
        unsigned long next = i + 2 * w <= s.len ? unit_at(&s, i + w) : 0;
        if (next == '!') {
            if (looking_at(&s, i, "<!--")) {
                i = skip_past(&s, i + 4 * w, "-->");
                continue;
            }
            if (looking_at(&s, i, "<![CDATA[")) {
                i = skip_past(&s, i + 9 * w, "]]>");
                continue;
            }
            break; /* DOCTYPE: the loader stops there (see above) */
        }
        if (next == '?') {
            i = skip_past(&s, i + 2 * w, "?>");
            continue;
        }
        if (next == '/') {
            i = find_unit(&s, i + 2 * w, '>');
            continue;
        }
        /* A start tag: count name="value" pairs up to its end. */
        unsigned count = 0;
        for (i += w; i < s.len; i += w) {
            if (w == 1) {
                /* Most of a tag is names and values: skip them a byte at
                 * a time without the unit decoding. */
                while (i < s.len && !tag_syntax[s.data[i]])
                    i++;
                if (i >= s.len)
                    break;
            }
            unsigned long c = unit_at(&s, i);
            if (c == '>' || c == '<')
                break;
            if (c == '"' || c == '\'') {
                i = find_unit(&s, i + w, c);
                if (i >= s.len)
                    break;
                continue;
            }
            if (c == '=' && ++count > max_attributes) {
                int line = line_of(&s, tag);
                return ids_err_at(err, IDS_ERR_LIMIT, line, 0,
                                  "line %d: an element has more than %u attributes "
                                  "(namespace declarations included); IDS elements "
                                  "have a handful, and the limit keeps parsing fast",
                                  line, max_attributes);
            }
        }
        if (i < s.len && unit_at(&s, i) == '>')
            i += w;
    }
    return IDS_OK;
}
