/*
 * escape.c - strings from documents and models written as inert text.
 *
 * A document is written by whoever wrote the IDS, a check result by
 * whoever wrote the model: both are hostile. Nothing they contain may
 * become markup, a link, a script or a change of text direction.
 *
 * - HTML: & < > " ' are character references everywhere (so the same
 *   function serves element text and quoted attribute values); a line
 *   break is &#10;, so a rendering holds no raw CR or LF and travels as
 *   one Server-Sent Events data line.
 * - Markdown: CommonMark lets a backslash escape any ASCII punctuation.
 *   Escaped always: \ ` * [ ] < > | ~ # $ (emphasis, code, links,
 *   HTML, GFM tables and strikethrough, headings' closing #, math in
 *   renderers that have it); & before a letter, digit or # (a character
 *   reference) and @ inside a word (an e-mail autolink). An underscore is
 *   escaped unless it sits between two ASCII letters or digits, where it
 *   cannot open emphasis, so Pset_WallCommon stays readable for a model
 *   that copies it. GFM's bare autolinks are broken at "://" and "www.".
 *   At the start of a continued line (VIEW_MD_BREAKS) leading blanks are
 *   dropped and a block marker (- + = : 1. 1)) is escaped.
 * - Both: invalid UTF-8 is U+FFFD; controls, bidi embeddings, overrides,
 *   isolates and marks, U+2028, U+2029, U+FEFF, U+FFFE and U+FFFF are
 *   shown as a visible "⟨U+XXXX⟩", so nothing hidden reorders or splits
 *   the text around it. The HTML form is also well-formed XML 1.0 text
 *   (the JUnit and BCF reports use it): no character XML forbids stays.
 */
#include "view/view_internal.h"

#include <string.h>

/* Decodes one UTF-8 sequence at s (avail bytes): its code point, or -1
 * for a malformed one (base_utf8_len's rules: overlong, surrogate, above
 * U+10FFFF, cut short); *used is the bytes consumed (1 for a malformed
 * sequence). */
static long utf8_decode(const unsigned char *s, size_t avail, size_t *used)
{
    size_t n = base_utf8_len(s, avail);
    *used = n != 0 ? n : 1;
    if (n == 0)
        return -1;
    if (n == 1)
        return s[0];
    long cp = s[0] & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    return cp;
}

/* Code points shown as a visible mark instead of themselves. */
static bool hidden(long cp)
{
    if (cp < 0x20)
        return cp != '\t' && cp != '\n';
    if (cp >= 0x7F && cp <= 0x9F)
        return true;
    switch (cp) {
    case 0x061C: /* arabic letter mark */
    case 0x200E: /* left-to-right mark */
    case 0x200F: /* right-to-left mark */
    case 0x2028: /* line separator */
    case 0x2029: /* paragraph separator */
    case 0xFEFF: /* zero width no-break space */
    case 0xFFFE: /* noncharacters, and not XML 1.0 characters: a report */
    case 0xFFFF: /* in XML could not carry them even as references */
        return true;
    default:
        break;
    }
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static void put_mark(base_buf *b, long cp)
{
    base_buf_printf(b, "\xE2\x9F\xA8U+%04lX\xE2\x9F\xA9", (unsigned long)cp);
}

static bool ascii_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != prefix[i])
            return false;
    }
    return true;
}

static void put_html_ascii(base_buf *b, char c)
{
    switch (c) {
    case '&': BASE_BUF_LITERAL(b, "&amp;"); break;
    case '<': BASE_BUF_LITERAL(b, "&lt;"); break;
    case '>': BASE_BUF_LITERAL(b, "&gt;"); break;
    case '"': BASE_BUF_LITERAL(b, "&quot;"); break;
    case '\'': BASE_BUF_LITERAL(b, "&#39;"); break;
    case '\n': BASE_BUF_LITERAL(b, "&#10;"); break;
    default: base_buf_append_char(b, c); break;
    }
}

/* Markdown state across one string. */
typedef struct md_state {
    view_md_lines lines;
    bool line_start;     /* at the start of a continued line */
    bool leading_digits; /* inside a run of digits that began a line */
} md_state;

static void put_md_newline(base_buf *b, md_state *st)
{
    if (st->lines != VIEW_MD_BREAKS) {
        base_buf_append_char(b, ' ');
        return;
    }
    BASE_BUF_LITERAL(b, "\\\n  ");
    st->line_start = true;
}

/* One ASCII byte of s at i (of n) in Markdown. */
static void put_md_ascii(base_buf *b, md_state *st, const char *s, size_t i, size_t n)
{
    char c = s[i];
    if (st->line_start) {
        if (c == ' ' || c == '\t')
            return; /* leading blanks would make an indented code block */
        st->line_start = false;
        if (c == '-' || c == '+' || c == '=' || c == ':') {
            base_buf_append_char(b, '\\');
            base_buf_append_char(b, c);
            return;
        }
        if (c >= '0' && c <= '9')
            st->leading_digits = true;
    }
    if (st->leading_digits && !(c >= '0' && c <= '9')) {
        st->leading_digits = false;
        if (c == '.' || c == ')') {
            base_buf_append_char(b, '\\');
            base_buf_append_char(b, c);
            return;
        }
    }
    switch (c) {
    case '\\': case '`': case '*': case '[': case ']': case '<': case '>':
    case '|': case '~': case '#': case '$':
        base_buf_append_char(b, '\\');
        base_buf_append_char(b, c);
        return;
    case '&': /* only "&name;" and "&#n;" are references */
        if (i + 1 < n && (ascii_alnum((unsigned char)s[i + 1]) || s[i + 1] == '#'))
            base_buf_append_char(b, '\\');
        base_buf_append_char(b, c);
        return;
    case '@': /* only between such characters is it an e-mail autolink */
        if (i > 0 && i + 1 < n && ascii_alnum((unsigned char)s[i + 1]) &&
            (ascii_alnum((unsigned char)s[i - 1]) || strchr(".-_+", s[i - 1]) != NULL))
            base_buf_append_char(b, '\\');
        base_buf_append_char(b, c);
        return;
    case '_': {
        bool inside = i > 0 && i + 1 < n && ascii_alnum((unsigned char)s[i - 1]) &&
                      ascii_alnum((unsigned char)s[i + 1]);
        if (!inside)
            base_buf_append_char(b, '\\');
        base_buf_append_char(b, c);
        return;
    }
    case ':':
        if (st->lines != VIEW_MD_LINK_TEXT && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')
            base_buf_append_char(b, '\\');
        base_buf_append_char(b, c);
        return;
    case '\t':
        base_buf_append_char(b, ' ');
        return;
    default:
        base_buf_append_char(b, c);
        return;
    }
}

void view_put_text(base_buf *b, view_mode mode, view_md_lines lines, const char *s,
                   size_t n)
{
    if (s == NULL)
        return;
    if (mode == VIEW_MODE_TEXT) {
        base_buf_append(b, s, n);
        return;
    }
    md_state st = {lines, false, false};
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && b->error == BASE_OK) {
        if (u[i] == '\r' || u[i] == '\n') {
            i += (u[i] == '\r' && i + 1 < n && u[i + 1] == '\n') ? 2 : 1;
            if (mode == VIEW_MODE_HTML)
                put_html_ascii(b, '\n');
            else
                put_md_newline(b, &st);
            continue;
        }
        size_t used;
        long cp = utf8_decode(u + i, n - i, &used);
        if (cp < 0) {
            BASE_BUF_LITERAL(b, "\xEF\xBF\xBD");
            i += used;
            continue;
        }
        if (hidden(cp)) {
            put_mark(b, cp);
            st.line_start = false;
            st.leading_digits = false;
            i += used;
            continue;
        }
        if (cp >= 0x80) {
            base_buf_append(b, s + i, used);
            st.line_start = false;
            st.leading_digits = false;
            i += used;
            continue;
        }
        if (mode == VIEW_MODE_HTML) {
            put_html_ascii(b, (char)cp);
        } else if (cp == 'w' && lines != VIEW_MD_LINK_TEXT &&
                   (i == 0 || !ascii_alnum(u[i - 1])) &&
                   starts_ci(s + i, n - i, "www.")) {
            st.line_start = false;
            st.leading_digits = false;
            base_buf_append(b, s + i, 3); /* "www\." is no GFM autolink */
            BASE_BUF_LITERAL(b, "\\.");
            i += 4;
            continue;
        } else {
            put_md_ascii(b, &st, s, i, n);
        }
        i += used;
    }
}

void view_put_cstr(base_buf *b, view_mode mode, const char *s)
{
    if (s != NULL)
        view_put_text(b, mode, VIEW_MD_INLINE, s, strlen(s));
}

bool view_uri_linkable(const char *s)
{
    if (s == NULL)
        return false;
    size_t n = strlen(s), start;
    if (starts_ci(s, n, "http://"))
        start = 7;
    else if (starts_ci(s, n, "https://"))
        start = 8;
    else
        return false;
    if (start >= n || s[start] == '/')
        return false; /* no host */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' ||
            c == '`')
            return false;
    }
    return true;
}

/* A link destination for Markdown: everything outside a small safe set
 * percent-encoded, & escaped (destinations decode entity references). */
static void put_md_destination(base_buf *b, const char *uri)
{
    static const char safe[] = "-._~:/?#@!$'*+,;=%";
    for (const unsigned char *p = (const unsigned char *)uri; *p != '\0'; p++) {
        if (ascii_alnum(*p) || (*p != '\0' && strchr(safe, *p) != NULL))
            base_buf_append_char(b, (char)*p);
        else if (*p == '&')
            BASE_BUF_LITERAL(b, "\\&");
        else
            base_buf_printf(b, "%%%02X", *p);
    }
}

void view_put_uri(base_buf *b, view_mode mode, const char *uri)
{
    if (uri == NULL)
        return;
    if (mode == VIEW_MODE_TEXT || !view_uri_linkable(uri)) {
        view_put_cstr(b, mode, uri);
        return;
    }
    if (mode == VIEW_MODE_HTML) {
        BASE_BUF_LITERAL(b, "<a href=\"");
        view_put_cstr(b, mode, uri);
        BASE_BUF_LITERAL(b, "\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">");
        view_put_cstr(b, mode, uri);
        BASE_BUF_LITERAL(b, "</a>");
        return;
    }
    base_buf_append_char(b, '[');
    view_put_text(b, mode, VIEW_MD_LINK_TEXT, uri, strlen(uri));
    BASE_BUF_LITERAL(b, "](");
    put_md_destination(b, uri);
    base_buf_append_char(b, ')');
}

void view_put_md_pattern(base_buf *b, const char *pattern, bool in_table)
{
    size_t n = strlen(pattern), run = 0, longest = 0;
    for (size_t i = 0; i < n; i++) {
        run = pattern[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    for (size_t k = 0; k <= longest; k++)
        base_buf_append_char(b, '`');
    base_buf_append_char(b, '/');
    const unsigned char *u = (const unsigned char *)pattern;
    size_t i = 0;
    while (i < n && b->error == BASE_OK) {
        size_t used;
        long cp = utf8_decode(u + i, n - i, &used);
        if (cp == '\r' || cp == '\n')
            base_buf_append_char(b, ' ');
        else if (cp < 0)
            BASE_BUF_LITERAL(b, "\xEF\xBF\xBD");
        else if (hidden(cp))
            put_mark(b, cp);
        else if (cp == '|' && in_table)
            BASE_BUF_LITERAL(b, "\\|");
        else
            base_buf_append(b, pattern + i, used);
        i += used;
    }
    base_buf_append_char(b, '/');
    for (size_t k = 0; k <= longest; k++)
        base_buf_append_char(b, '`');
}
