/*
 * step_lex.c - byte classes, error records and the balanced skip the
 * reader's passes share.
 */
#include "ifc/step_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- byte classes ----------------------------------------------------------- */

#define IS_ALNUM(c) (((c) >= 'A' && (c) <= 'Z') || ((c) >= 'a' && (c) <= 'z') || \
                     ((c) >= '0' && (c) <= '9'))
/* What may stand between the tokens of a record without any action: the
 * characters of keywords, numbers, enumerations, references, $, *, the
 * comma, and spaces other than the newline. */
#define IS_BODY_PLAIN(c) (IS_ALNUM(c) || (c) == '_' || (c) == '!' || (c) == '#' || \
                          (c) == '$' || (c) == '*' || (c) == '+' || (c) == '-' ||   \
                          (c) == '.' || (c) == ',' || (c) == ' ' || (c) == '\t' ||  \
                          (c) == '\r' || (c) == '\f' || (c) == '\v')
#define BODY_CLASS(c)                                    \
    ((c) == '\n' ? BC_NL : (c) == '(' ? BC_OPEN :        \
     (c) == ')' ? BC_CLOSE : (c) == '\'' ? BC_QUOTE :    \
     (c) == '"' ? BC_DQUOTE : (c) == '/' ? BC_SLASH :    \
     (c) == ';' ? BC_SEMI : (c) == '\\' ? BC_BSLASH :    \
     IS_BODY_PLAIN(c) ? BC_PLAIN : BC_BAD)
#define STRING_CLASS(c)                                        \
    ((c) == '\'' ? SC_QUOTE : (c) == '\\' ? SC_BSLASH :        \
     (c) == '\n' ? SC_NL : ((c) >= 0x20 && (c) <= 0x7E) ? SC_PLAIN : SC_OTHER)

#define ROW(F, b) F((b) + 0), F((b) + 1), F((b) + 2), F((b) + 3), F((b) + 4), F((b) + 5), \
    F((b) + 6), F((b) + 7), F((b) + 8), F((b) + 9), F((b) + 10), F((b) + 11),             \
    F((b) + 12), F((b) + 13), F((b) + 14), F((b) + 15)
#define TABLE(F) { ROW(F, 0x00), ROW(F, 0x10), ROW(F, 0x20), ROW(F, 0x30),   \
                   ROW(F, 0x40), ROW(F, 0x50), ROW(F, 0x60), ROW(F, 0x70),   \
                   ROW(F, 0x80), ROW(F, 0x90), ROW(F, 0xA0), ROW(F, 0xB0),   \
                   ROW(F, 0xC0), ROW(F, 0xD0), ROW(F, 0xE0), ROW(F, 0xF0) }

const unsigned char step_body_class[256] = TABLE(BODY_CLASS);
const unsigned char step_string_class[256] = TABLE(STRING_CLASS);

/* ---- errors ------------------------------------------------------------------- */

void ifc_step_error_clear(ifc_step_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof(*err));
    err->instance_id = -1;
}

const char *ifc_step_status_name(ifc_step_status status)
{
    switch (status) {
    case IFC_STEP_OK: return "ok";
    case IFC_STEP_ERR_NOMEM: return "nomem";
    case IFC_STEP_ERR_IO: return "io";
    case IFC_STEP_ERR_LIMIT: return "limit";
    case IFC_STEP_ERR_SYNTAX: return "syntax";
    case IFC_STEP_ERR_TRUNCATED: return "truncated";
    case IFC_STEP_ERR_DUPLICATE: return "duplicate";
    case IFC_STEP_ERR_RANGE: return "range";
    case IFC_STEP_ERR_DANGLING: return "dangling";
    case IFC_STEP_ERR_TYPE: return "type";
    case IFC_STEP_ERR_STRING: return "string";
    case IFC_STEP_ERR_NOT_FOUND: return "not_found";
    case IFC_STEP_ERR_UNSUPPORTED: return "unsupported";
    }
    return "unknown";
}

const char *ifc_step_kind_name(ifc_step_kind kind)
{
    static const char *const names[] = {
        "end", "unset", "derived", "integer", "real", "string", "enumeration",
        "reference", "binary", "list", "typed value", "error",
    };
    return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}

void step_vfail(ifc_step_error *err, ifc_step_status code, const ifc_step_reader *r,
                const char *pos, uint32_t line, int64_t id, const char *fmt, va_list ap)
{
    if (err == NULL || err->code != IFC_STEP_OK)
        return;
    err->code = code;
    err->line = line;
    err->offset = (r != NULL && pos != NULL) ? (uint64_t)(pos - r->data) : 0;
    err->instance_id = id;
    int n;
    if (line > 0 && id >= 0)
        n = snprintf(err->message, sizeof(err->message), "line %u, #%lld: ", line,
                     (long long)id);
    else if (line > 0)
        n = snprintf(err->message, sizeof(err->message), "line %u: ", line);
    else
        n = 0;
    if (n < 0 || (size_t)n >= sizeof(err->message))
        n = 0;
    vsnprintf(err->message + n, sizeof(err->message) - (size_t)n, fmt, ap);
}

void step_fail(ifc_step_error *err, ifc_step_status code, const ifc_step_reader *r,
               const char *pos, uint32_t line, int64_t id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    step_vfail(err, code, r, pos, line, id, fmt, ap);
    va_end(ap);
}

uint64_t step_count_newlines(const char *from, const char *to)
{
    uint64_t n = 0;
    while (from < to) {
        const char *nl = memchr(from, '\n', (size_t)(to - from));
        if (nl == NULL)
            break;
        n++;
        from = nl + 1;
    }
    return n;
}

const char *step_byte_name(unsigned char c, char buf[16])
{
    if (c > 0x20 && c < 0x7F && c != '\'')
        snprintf(buf, 16, "'%c'", c);
    else
        snprintf(buf, 16, "byte 0x%02X", c);
    return buf;
}

/* ---- balanced skip ------------------------------------------------------------------ */

const char *step_skip_balanced(const char *p, const char *end)
{
    uint64_t nl = 0;
    bool plain = true;
    unsigned long depth = 0;
    while (p < end) {
        switch (step_body_class[(unsigned char)*p]) {
        case BC_OPEN:
            depth++;
            p++;
            break;
        case BC_CLOSE:
            p++;
            if (depth <= 1)
                return p;
            depth--;
            break;
        case BC_QUOTE:
            p = step_scan_string(p + 1, end, &nl, &plain);
            if (p == NULL)
                return NULL;
            break;
        case BC_DQUOTE:
            p = step_scan_binary(p + 1, end, &nl);
            if (p == NULL)
                return NULL;
            break;
        case BC_SLASH:
            if (p + 1 < end && p[1] == '*') {
                p = step_scan_comment(p, end, &nl);
                if (p == NULL)
                    return NULL;
            } else {
                p++;
            }
            break;
        case BC_SEMI:
            return NULL;
        default:
            p++;
            break;
        }
    }
    return NULL;
}
