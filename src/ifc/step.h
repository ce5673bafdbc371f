/*
 * step.h - the ISO 10303-21 (STEP physical file) reader behind IFC models.
 *
 * Opening a file maps it into memory and makes one pass over it: the
 * header records are noted, and every entity instance `#id = NAME(...);`
 * is indexed by its id and its type name. Nothing of an instance is
 * decoded then; a cursor walks the instance's bytes on demand and decodes
 * the one value the caller asks for. The reader allocates a few arrays
 * whose size grows with the number of instances (about 18 bytes each,
 * specs/ifc.md), never anything per attribute.
 *
 * Conventions
 * - An open reader is immutable: any number of threads may read it at once
 *   (cursors and scratch buffers are the caller's). Closing it is the
 *   owner's job, after every reader thread is done.
 * - Every fallible function returns an ifc_step_status (or the
 *   IFC_STEP_KIND_ERROR kind) and, when err is not NULL, fills *err. The
 *   first error wins: a function never overwrites an err whose code is set.
 * - Nothing prints and nothing aborts on bad input; out of memory is
 *   IFC_STEP_ERR_NOMEM.
 * - Instances are addressed by their position in the file (ifc_step_inst,
 *   0 .. count-1, in file order); ifc_step_find maps a `#id` to it. Type
 *   names are interned to small numbers (ifc_step_type), upper case.
 * - Errors carry the 1-based line, the byte offset and, inside an
 *   instance, its `#id`. Lines and ids are bounded to 32 bits.
 */
#ifndef IFC_STEP_H
#define IFC_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ifc/ifc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

typedef enum ifc_step_status {
    IFC_STEP_OK = 0,
    IFC_STEP_ERR_NOMEM,     /* an allocation failed; nothing was kept */
    IFC_STEP_ERR_IO,        /* the file could not be opened, mapped or read */
    IFC_STEP_ERR_LIMIT,     /* over one of ifc_step_limits */
    IFC_STEP_ERR_SYNTAX,    /* not ISO 10303-21 at this point */
    IFC_STEP_ERR_TRUNCATED, /* the input ends inside a construct */
    IFC_STEP_ERR_DUPLICATE, /* an instance id defined twice */
    IFC_STEP_ERR_RANGE,     /* an id, integer or real out of range */
    IFC_STEP_ERR_DANGLING,  /* a reference to an id the file does not define */
    IFC_STEP_ERR_TYPE,      /* the value is not of the kind asked for */
    IFC_STEP_ERR_STRING,    /* a malformed escape inside a string */
    IFC_STEP_ERR_NOT_FOUND, /* no such instance, header record or attribute */
    IFC_STEP_ERR_UNSUPPORTED /* legal Part 21, but nothing an IFC file uses */
} ifc_step_status;

#define IFC_STEP_ERROR_TEXT_LEN 256

typedef struct ifc_step_error {
    ifc_step_status code;   /* IFC_STEP_OK when no error was recorded */
    uint32_t line;          /* 1-based; 0 when unknown */
    uint64_t offset;        /* byte offset in the input of the problem */
    int64_t instance_id;    /* the #id of the instance, -1 when none */
    char message[IFC_STEP_ERROR_TEXT_LEN]; /* "line 12, #45: ..." */
} ifc_step_error;

void ifc_step_error_clear(ifc_step_error *err);
/* A stable lower-case name for a status ("syntax", "limit", ...). */
const char *ifc_step_status_name(ifc_step_status status);

/* ---- opening ------------------------------------------------------------- */

typedef struct ifc_step_limits {
    uint64_t max_file_bytes;   /* largest input; 0 = default */
    uint32_t max_instances;    /* entity instances; 0 = default */
    uint32_t max_depth;        /* nesting of parentheses in a record; 0 = default */
    uint32_t max_string_bytes; /* one string or binary as written; 0 = default */
    uint32_t max_type_names;   /* distinct entity type names; 0 = default */
} ifc_step_limits;

#define IFC_STEP_DEFAULT_MAX_FILE_BYTES (4ull << 30)   /* bytes: 4 GiB */
#define IFC_STEP_DEFAULT_MAX_INSTANCES 200000000u      /* about 3.6 GB of index */
#define IFC_STEP_DEFAULT_MAX_DEPTH 32u                 /* IFC nests at most 4 */
#define IFC_STEP_DEFAULT_MAX_STRING_BYTES (16u << 20)  /* bytes: 16 MiB */
#define IFC_STEP_DEFAULT_MAX_TYPE_NAMES 4096u          /* IFC4X3 has about 900 */
#define IFC_STEP_MAX_DEPTH_CAP 1000u                   /* max_depth above this is refused */
#define IFC_STEP_MAX_TYPE_NAMES_CAP 65535u             /* types are stored in 16 bits */
#define IFC_STEP_MAX_ID 4294967294u                    /* ids are 0 .. this */

typedef struct ifc_step_reader ifc_step_reader;

/* Maps (or, for pipes and devices, reads up to the size limit) the file at
 * path and indexes it. limits may be NULL for the defaults. On success
 * *out owns the mapping; ifc_step_close frees it. */
ifc_step_status ifc_step_open_file(const char *path, const ifc_step_limits *limits,
                                   ifc_step_reader **out, ifc_step_error *err);
/* Indexes len bytes at data without copying them: the caller keeps data
 * alive and unchanged until ifc_step_close. data need not end in NUL. */
ifc_step_status ifc_step_open_memory(const void *data, size_t len,
                                     const ifc_step_limits *limits,
                                     ifc_step_reader **out, ifc_step_error *err);
void ifc_step_close(ifc_step_reader *reader);

/* Bytes the reader has allocated: the index and tables, and the input
 * itself when it was read (a pipe) rather than mapped or borrowed. */
size_t ifc_step_memory_bytes(const ifc_step_reader *reader);
/* The most it had allocated at once while opening. */
size_t ifc_step_memory_peak(const ifc_step_reader *reader);
/* The input: the mapped file or the caller's buffer. */
const char *ifc_step_data(const ifc_step_reader *reader, size_t *len);

/* ---- header --------------------------------------------------------------- */

/* The IFC version FILE_SCHEMA names: its first identifier that
 * ifc_step_version_from_identifier knows. False (and *out untouched) when
 * none does or the header has no FILE_SCHEMA; the file still reads. */
bool ifc_step_version(const ifc_step_reader *reader, ifc_version *out);
/* That identifier as written (decoded), else the first one; "" when
 * FILE_SCHEMA is absent or empty. */
const char *ifc_step_schema_identifier(const ifc_step_reader *reader);
/* The version a FILE_SCHEMA identifier stands for, ASCII case-insensitive:
 * IFC2X3 and IFC2X3_* (TC1) are IFC2X3; IFC4 and IFC4_* (ADD1, ADD2,
 * ADD2_TC1) are IFC4; IFC4X3 and IFC4X3_* (ADD2, ADD1, TC1, RC1-RC4) are
 * IFC4X3_ADD2, the IFC4X3 release the schema tables hold. Anything after
 * the name (a space, an object identifier in braces) is ignored. */
bool ifc_step_version_from_identifier(const char *identifier, ifc_version *out);

/* ---- instances and types ----------------------------------------------- */

typedef uint32_t ifc_step_inst;  /* position of an instance in the file */
typedef uint32_t ifc_step_type;  /* interned type name */
#define IFC_STEP_NO_INST UINT32_MAX
#define IFC_STEP_NO_TYPE UINT32_MAX
/* The type of `#1 = (A(...) B(...));`, a complex instance of partial
 * records; ifc_step_record walks its partial records. */
#define IFC_STEP_COMPLEX_TYPE_NAME "(COMPLEX)"

size_t ifc_step_instance_count(const ifc_step_reader *reader);
/* The instance with `#id`, or IFC_STEP_NO_INST. O(1). */
ifc_step_inst ifc_step_find(const ifc_step_reader *reader, uint32_t id);
uint32_t ifc_step_instance_id(const ifc_step_reader *reader, ifc_step_inst inst);
ifc_step_type ifc_step_instance_type(const ifc_step_reader *reader, ifc_step_inst inst);
/* The line its `#id` is on. */
uint32_t ifc_step_instance_line(const ifc_step_reader *reader, ifc_step_inst inst);
bool ifc_step_instance_is_complex(const ifc_step_reader *reader, ifc_step_inst inst);

/* Types are numbered 0 .. count-1 in the order of their first instance. */
size_t ifc_step_type_count(const ifc_step_reader *reader);
/* Upper case and NUL-terminated ("IFCWALL"); NULL when out of range. */
const char *ifc_step_type_name(const ifc_step_reader *reader, ifc_step_type type);
/* The type named so (case-insensitive), or IFC_STEP_NO_TYPE when no
 * instance of the file has it. */
ifc_step_type ifc_step_type_find(const ifc_step_reader *reader, const char *name);
/* The instances of exactly this type, in file order; *count set. The
 * array belongs to the reader. */
const ifc_step_inst *ifc_step_instances_of_type(const ifc_step_reader *reader,
                                                ifc_step_type type, size_t *count);

/* ---- values ------------------------------------------------------------ */

typedef enum ifc_step_kind {
    IFC_STEP_KIND_END = 0,   /* no further value in this list or record */
    IFC_STEP_KIND_UNSET,     /* $ */
    IFC_STEP_KIND_DERIVED,   /* * */
    IFC_STEP_KIND_INTEGER,   /* 42, -7 */
    IFC_STEP_KIND_REAL,      /* 1., 2.5E-3 */
    IFC_STEP_KIND_STRING,    /* 'text' */
    IFC_STEP_KIND_ENUM,      /* .NAME., including .T. .F. .U. */
    IFC_STEP_KIND_REF,       /* #123 */
    IFC_STEP_KIND_BINARY,    /* "0FF" */
    IFC_STEP_KIND_LIST,      /* ( ... ) */
    IFC_STEP_KIND_TYPED,     /* IFCLABEL('x'): a type name and its value */
    IFC_STEP_KIND_ERROR      /* malformed; the err argument says why */
} ifc_step_kind;

/* "end", "unset", "derived", "integer", ... */
const char *ifc_step_kind_name(ifc_step_kind kind);

/* A position in a sequence of values: the attributes of a record, the
 * items of a list, the value inside a typed value. A plain value the
 * caller keeps on the stack; valid while the reader is open. The fields
 * are private. */
typedef struct ifc_step_cursor {
    const ifc_step_reader *reader;
    const char *pos;       /* where the next value's search starts */
    const char *tok;       /* start of the current value */
    const char *tok_end;   /* just past it; NULL for a list not yet skipped */
    const char *rec;       /* start of the record, for error lines */
    uint32_t rec_line;     /* line of rec */
    uint32_t inst;         /* the instance, IFC_STEP_NO_INST in the header */
    uint8_t kind;          /* ifc_step_kind of the current value */
    uint8_t started;       /* a value was taken from this sequence */
    uint8_t plain;         /* a string that decodes to its own bytes */
    uint8_t seq;           /* values split by ',', or partial records */
} ifc_step_cursor;

/* Places *cursor before the first attribute of the instance (before the
 * first partial record of a complex instance, each a TYPED value). */
ifc_step_status ifc_step_record(const ifc_step_reader *reader, ifc_step_inst inst,
                                ifc_step_cursor *cursor, ifc_step_error *err);
/* Places *cursor on attribute n (0-based) and returns its kind; END when
 * the record has n attributes or fewer. */
ifc_step_kind ifc_step_attribute(const ifc_step_reader *reader, ifc_step_inst inst,
                                 unsigned n, ifc_step_cursor *cursor,
                                 ifc_step_error *err);
/* Places *cursor before the first attribute of the header record named so
 * ("FILE_NAME", case-insensitive); IFC_STEP_ERR_NOT_FOUND when absent. */
ifc_step_status ifc_step_header_record(const ifc_step_reader *reader, const char *name,
                                       ifc_step_cursor *cursor, ifc_step_error *err);

/* Moves to the next value and returns its kind: END after the last one
 * (and on every call after that), ERROR when the bytes are malformed. */
ifc_step_kind ifc_step_next(ifc_step_cursor *cursor, ifc_step_error *err);
static inline ifc_step_kind ifc_step_kind_of(const ifc_step_cursor *cursor)
{
    return (ifc_step_kind)cursor->kind;
}
/* The line the current value starts on (counted on demand). */
uint32_t ifc_step_cursor_line(const ifc_step_cursor *cursor);

/* Accessors of the current value. Each checks the kind and returns
 * IFC_STEP_ERR_TYPE (with the position) when it does not fit. */
ifc_step_status ifc_step_get_integer(const ifc_step_cursor *cursor, int64_t *out,
                                     ifc_step_error *err);
/* REAL, or an INTEGER read as a real. */
ifc_step_status ifc_step_get_real(const ifc_step_cursor *cursor, double *out,
                                  ifc_step_error *err);
/* The enumeration's name without its dots, pointing into the input. */
ifc_step_status ifc_step_get_enum(const ifc_step_cursor *cursor, const char **name,
                                  size_t *len, ifc_step_error *err);

typedef enum ifc_step_logical {
    IFC_STEP_FALSE = 0,
    IFC_STEP_TRUE = 1,
    IFC_STEP_UNKNOWN = 2
} ifc_step_logical;

/* .T. .F. .U. (also spelled out, any case); get_boolean refuses .U. */
ifc_step_status ifc_step_get_logical(const ifc_step_cursor *cursor, ifc_step_logical *out,
                                     ifc_step_error *err);
ifc_step_status ifc_step_get_boolean(const ifc_step_cursor *cursor, bool *out,
                                     ifc_step_error *err);
/* The id a REF names. */
ifc_step_status ifc_step_get_ref(const ifc_step_cursor *cursor, uint32_t *id,
                                 ifc_step_error *err);
/* The instance a REF names; IFC_STEP_ERR_DANGLING when the file has none. */
ifc_step_status ifc_step_resolve(const ifc_step_cursor *cursor, ifc_step_inst *out,
                                 ifc_step_error *err);
/* The hex digits of a BINARY after its leading digit, pointing into the
 * input, and that digit: how many of the first hex digit's bits are
 * unused (0-3). */
ifc_step_status ifc_step_get_binary(const ifc_step_cursor *cursor, const char **hex,
                                    size_t *len, unsigned *unused_bits, ifc_step_error *err);
/* The type name of a TYPED value as written ("IFCLABEL"), pointing into
 * the input. */
ifc_step_status ifc_step_get_keyword(const ifc_step_cursor *cursor, const char **name,
                                     size_t *len, ifc_step_error *err);
/* Places *child before the first item of a LIST, or before the value of a
 * TYPED value (before the attributes of a partial record). */
ifc_step_status ifc_step_enter(const ifc_step_cursor *cursor, ifc_step_cursor *child,
                               ifc_step_error *err);

/* Strings. A caller-owned buffer that decoded strings are written to;
 * one per thread, reused from string to string. Start it zeroed
 * (IFC_STEP_SCRATCH_INIT) and free it with ifc_step_scratch_free. */
typedef struct ifc_step_scratch {
    char *data;
    size_t cap;
} ifc_step_scratch;
#define IFC_STEP_SCRATCH_INIT {NULL, 0}
void ifc_step_scratch_free(ifc_step_scratch *scratch);

/* The STRING decoded to UTF-8 (specs/ifc.md, "Strings"): *text points
 * into the input when the string needs no decoding, else into scratch
 * (valid until its next use). *text is NUL-terminated only in the scratch
 * case; use *len. */
ifc_step_status ifc_step_get_string(const ifc_step_cursor *cursor, ifc_step_scratch *scratch,
                                    const char **text, size_t *len, ifc_step_error *err);
/* The STRING decoded into buf (cap bytes, NUL-terminated when cap > 0).
 * *len is the full decoded length; when it is >= cap the text was cut
 * short (at a character boundary) and IFC_STEP_ERR_LIMIT returned. A cap
 * of twice the written length plus one always suffices. */
ifc_step_status ifc_step_copy_string(const ifc_step_cursor *cursor, char *buf, size_t cap,
                                     size_t *len, ifc_step_error *err);
/* Bytes between the quotes as written. */
size_t ifc_step_string_raw_len(const ifc_step_cursor *cursor);

/* Case-insensitive comparison of a keyword or type name with a
 * NUL-terminated name, for ASCII letters. */
bool ifc_step_keyword_equals(const char *keyword, size_t len, const char *name);

/* ---- validation ---------------------------------------------------------- */

/* Walks every value of every instance: each token decoded, each string's
 * escapes, each number's range, each typed value holding one value, each
 * reference resolved. Opening checks the structure only (instances,
 * parentheses, strings, comments); this finds what decoding later would.
 * Costs about one more pass over the file; stops at the first error. */
ifc_step_status ifc_step_validate(const ifc_step_reader *reader, ifc_step_error *err);

#ifdef __cplusplus
}
#endif

#endif
