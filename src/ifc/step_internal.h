/*
 * step_internal.h - what the STEP reader's files share: the reader's
 * layout, the byte classes and the scanners that the indexing pass and
 * the cursors both use, so both read a string or a comment the same way.
 */
#ifndef IFC_STEP_INTERNAL_H
#define IFC_STEP_INTERNAL_H

#include "ifc/step.h"

#include <stdarg.h>

/* ---- the reader ---------------------------------------------------------- */

enum step_storage {
    STEP_BORROWED = 0, /* ifc_step_open_memory: the caller's bytes */
    STEP_MAPPED,       /* mmap of a regular file */
    STEP_READ          /* read into a malloc'd buffer (pipes, devices) */
};

typedef struct step_header_record {
    const char *start;  /* the keyword */
    const char *open;   /* just past its '(' */
    uint32_t line;
    uint32_t name_len;
} step_header_record;

#define STEP_MAX_HEADER_RECORDS 64 /* records; three are required, IFC writes three */
#define STEP_MAX_KEYWORD 256       /* bytes in one keyword */
#define STEP_MAX_NUMBER 256        /* bytes in one numeric token */

/*
 * Memory per instance, in arrays of the instance count (file order):
 *   off_lo  4 bytes  low 32 bits of the offset of its '#'
 *   types   2 bytes  interned type
 *   lines   4 bytes  line of its '#'
 *   by_type 4 bytes  instance numbers grouped by type (CSR with type_start)
 * and the id map: dense (4 bytes per id in [id_base, id_base + span)) when
 * the ids are dense enough, else a hash of 8-byte slots at load <= 1/2.
 * Offsets beyond 4 GiB take their high half from seg_first: seg_first[k]
 * is the first instance whose offset is >= (k + 1) << seg_bits.
 */
struct ifc_step_reader {
    const char *data;
    const char *end;
    size_t len;
    enum step_storage storage;
    ifc_step_limits limits;

    uint32_t count;
    uint32_t *off_lo;
    uint16_t *types;
    uint32_t *lines;
    uint32_t *seg_first;
    uint32_t seg_count;
    unsigned seg_bits;     /* 32; see step_segment_bits */

    uint32_t *dense;       /* instance + 1 at id - id_base; 0 = none */
    uint32_t id_base;
    uint64_t id_span;
    uint32_t *hash_ids;    /* open addressing; hash_vals[i] = instance + 1 */
    uint32_t *hash_vals;
    uint32_t hash_mask;
    unsigned hash_shift;   /* 64 - log2 of the slots */
    uint64_t id_mul;       /* random odd multiplier: ids are the file's to choose */

    uint32_t *by_type;
    uint32_t *type_start;  /* type_count + 1 entries */

    uint32_t type_count;
    char **type_names;     /* upper case, NUL-terminated */
    uint16_t *type_lens;
    uint16_t *type_slots;  /* hash of names: type + 1; 0 = empty */
    uint32_t type_slot_mask;
    bool type_keyed;       /* names hashed with SipHash under type_key */
    uint64_t type_key[2];
    ifc_step_type complex_type;

    step_header_record header[STEP_MAX_HEADER_RECORDS];
    uint32_t header_count;
    bool has_version;
    ifc_version version;
    char *schema_identifier;

    size_t mem_bytes;
    size_t mem_peak;
};

/* Bits of an offset kept per instance: 32. Only the tests lower it, so
 * that files beyond 4 GiB take their path with a few kB of input. Read
 * when a reader is created. */
extern unsigned step_segment_bits;

static inline const char *step_inst_start(const ifc_step_reader *r, uint32_t inst)
{
    uint64_t hi = 0;
    for (uint32_t k = 0; k < r->seg_count && inst >= r->seg_first[k]; k++)
        hi = (uint64_t)(k + 1) << r->seg_bits;
    return r->data + (hi + r->off_lo[inst]);
}

/* The cheap hash of a name with ASCII letters folded to upper case: the
 * hash of type names until a lookup probes too far (see step_open.c). */
uint32_t step_name_hash(const char *s, size_t len);

/* ---- errors ------------------------------------------------------------------ */

/* Records an error unless one is recorded already. pos is where the
 * problem is (it gives the offset), line its line, id the #id or -1. */
void step_fail(ifc_step_error *err, ifc_step_status code, const ifc_step_reader *r,
               const char *pos, uint32_t line, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void step_vfail(ifc_step_error *err, ifc_step_status code, const ifc_step_reader *r,
                const char *pos, uint32_t line, int64_t id, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));
/* Newlines in [from, to). */
uint64_t step_count_newlines(const char *from, const char *to);
/* A printable rendering of the byte at p for messages ("'x'", "byte 0x00"). */
const char *step_byte_name(unsigned char c, char buf[16]);

/* ---- byte classes ---------------------------------------------------------------- */

/* Between tokens of a record body: bytes that need no action are 0. */
enum {
    BC_PLAIN = 0, /* letters, digits, _ ! # $ * + - . , space, tab, CR, FF, VT */
    BC_NL,
    BC_OPEN,
    BC_CLOSE,
    BC_QUOTE,
    BC_DQUOTE,
    BC_SLASH,
    BC_SEMI,
    BC_BSLASH,
    BC_BAD        /* never outside a string or comment */
};
extern const unsigned char step_body_class[256];

/* Inside a string. */
enum {
    SC_PLAIN = 0, /* 0x20..0x7E but ' and \ */
    SC_QUOTE,
    SC_BSLASH,
    SC_NL,
    SC_OTHER      /* other control octets and 0x80..0xFF: decoding needed */
};
extern const unsigned char step_string_class[256];

static inline bool step_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}
static inline bool step_is_keyword_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static inline bool step_is_keyword_char(unsigned char c)
{
    return step_is_keyword_start(c) || step_is_digit(c);
}
static inline bool step_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* ---- scanners -------------------------------------------------------------------- */

/*
 * The length of the directive or escape at a backslash inside a string:
 * \\ (2), \S\c (4), \PA\..\PI\ (4), \X\ (3, its hex digits follow),
 * \X2\ \X4\ \X0\ (4), \N\ \F\ (3); 1 for a backslash that starts none.
 * The string scanner and the decoder both step by it, so they agree on
 * where a string ends: `\S\'` is the paged character 0xA7, not the end.
 */
static inline size_t step_escape_len(const char *p, const char *end)
{
    size_t left = (size_t)(end - p);
    if (left >= 2 && p[1] == '\\')
        return 2;
    if (left >= 3 && p[2] == '\\') {
        if (p[1] == 'S')
            return left >= 4 ? 4 : 3;
        if (p[1] == 'X' || p[1] == 'N' || p[1] == 'F')
            return 3;
    }
    if (left >= 4 && p[3] == '\\') {
        if (p[1] == 'P' && p[2] >= 'A' && p[2] <= 'I')
            return 4;
        if (p[1] == 'X' && (p[2] == '0' || p[2] == '2' || p[2] == '4'))
            return 4;
    }
    return 1;
}

/*
 * A string from just past its opening quote: returns just past the closing
 * quote, or NULL when the input ends first. Adds the newlines inside to
 * *nl and clears *plain when the bytes are not the decoded text.
 */
static inline const char *step_scan_string(const char *p, const char *end, uint64_t *nl,
                                           bool *plain)
{
    for (;;) {
        while (p < end && step_string_class[(unsigned char)*p] == SC_PLAIN)
            p++;
        if (p >= end)
            return NULL;
        switch (step_string_class[(unsigned char)*p]) {
        case SC_QUOTE:
            if (p + 1 < end && p[1] == '\'') {
                *plain = false;
                p += 2;
                continue;
            }
            return p + 1;
        case SC_NL:
            (*nl)++;
            *plain = false;
            p++;
            continue;
        case SC_BSLASH: {
            size_t n = step_escape_len(p, end);
            *plain = false;
            if (n == 4 && p[1] == 'S' && p[3] == '\n')
                (*nl)++;
            p += n;
            continue;
        }
        default:
            *plain = false;
            p++;
            continue;
        }
    }
}

/* A comment from its "/" "*": returns just past its end, or NULL when the
 * input ends first. */
static inline const char *step_scan_comment(const char *p, const char *end, uint64_t *nl)
{
    for (p += 2; p + 1 < end; p++) {
        if (*p == '\n')
            (*nl)++;
        else if (*p == '*' && p[1] == '/')
            return p + 2;
    }
    if (p < end && *p == '\n')
        (*nl)++;
    return NULL;
}

/* A binary from just past its opening '"': just past the closing one, or
 * NULL when the input ends first. */
static inline const char *step_scan_binary(const char *p, const char *end, uint64_t *nl)
{
    for (; p < end; p++) {
        if (*p == '"')
            return p + 1;
        if (*p == '\n')
            (*nl)++;
    }
    return NULL;
}

/* True at "\N\" or "\F\", print control directives that count as space. */
static inline bool step_is_print_control(const char *p, const char *end)
{
    return end - p >= 3 && p[0] == '\\' && (p[1] == 'N' || p[1] == 'F') && p[2] == '\\';
}

/*
 * Skips spaces, newlines, comments and print control directives. Returns
 * the next token's first byte (end at the end). *bad is set to the
 * start of an unterminated comment, else left alone.
 */
static inline const char *step_skip_space(const char *p, const char *end, uint64_t *nl,
                                          const char **bad)
{
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n') {
            (*nl)++;
            p++;
        } else if (step_is_space(c)) {
            p++;
        } else if (c == '/' && p + 1 < end && p[1] == '*') {
            const char *after = step_scan_comment(p, end, nl);
            if (after == NULL) {
                *bad = p;
                return end;
            }
            p = after;
        } else if (c == '\\' && step_is_print_control(p, end)) {
            p += 3;
        } else {
            break;
        }
    }
    return p;
}

/*
 * From a '(' to just past its matching ')', across strings, binaries and
 * comments. NULL when the input ends first or a ';' comes before; the
 * indexing pass has checked every record, so for an indexed record this
 * only fails if the reader's bytes changed.
 */
const char *step_skip_balanced(const char *p, const char *end);

/* Decoding (step_string.c). */
ifc_step_status step_decode_string(const ifc_step_cursor *c, char *buf, size_t cap,
                                   size_t *len, ifc_step_error *err);
/* ISO 8859 part (1-9) byte 0xA0..0xFF to a code point (0xFFFD if unset). */
uint32_t step_codepage(unsigned part, unsigned char byte);

/* A cursor before the first attribute of header record i. */
ifc_step_status step_header_cursor(const ifc_step_reader *r, uint32_t i, ifc_step_cursor *c,
                                   ifc_step_error *err);

/* The error of a cursor's current value. */
void step_cursor_fail(const ifc_step_cursor *c, ifc_step_error *err, ifc_step_status code,
                      const char *pos, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
