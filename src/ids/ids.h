/*
 * ids.h - the IDS 1.0 document engine.
 *
 * One ids_doc holds one buildingSMART IDS 1.0 document as a libxml2 tree.
 * This module knows XML and the IDS standard; it knows nothing of JSON, MCP
 * or sessions. Callers serialize access to one document themselves (the
 * session store does); different documents may be used from different
 * threads at once. A compiled ids_schema is read-only and may be shared by
 * all threads.
 *
 * Conventions
 * - Every fallible function returns an ids_status and, when err is not NULL,
 *   fills *err. The first error wins: a function never overwrites an err
 *   whose code is already set (see ids_error_clear).
 * - Nothing prints, nothing aborts on bad input; out of memory is
 *   IDS_ERR_NOMEM, never a crash.
 * - Strings are UTF-8 and NUL-terminated. Strings the engine returns inside
 *   views (ids_summary, ids_spec_view, ids_report) are owned by the view and
 *   freed with it. Functions named *_new / *_dup / to_string hand ownership
 *   to the caller.
 * - Specifications are addressed by a 0-based position (use ids_spec_find to
 *   turn an identifier, a name or a position into one). Facets are
 *   addressed by location (applicability / requirements) and a 0-based
 *   position among the facets of that location, in document order.
 */
#ifndef IDS_H
#define IDS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IDS_NAMESPACE "http://standards.buildingsmart.org/IDS"
#define IDS_XS_NAMESPACE "http://www.w3.org/2001/XMLSchema"
#define IDS_XSI_NAMESPACE "http://www.w3.org/2001/XMLSchema-instance"
#define IDS_SCHEMA_LOCATION \
    "http://standards.buildingsmart.org/IDS http://standards.buildingsmart.org/IDS/1.0/ids.xsd"

/* ---- errors ------------------------------------------------------------ */

typedef enum ids_status {
    IDS_OK = 0,
    IDS_ERR_NOMEM,        /* allocation failed; the document is unchanged */
    IDS_ERR_IO,           /* file could not be read or written */
    IDS_ERR_PARSE,        /* not well-formed XML (line/column set) */
    IDS_ERR_NOT_IDS,      /* well-formed, but the root is not IDS <ids> */
    IDS_ERR_LIMIT,        /* input over a size or nesting-depth cap */
    IDS_ERR_INVALID_ARG,  /* an edit the standard forbids, or a bad value */
    IDS_ERR_NOT_FOUND,    /* no such specification / facet / parameter */
    IDS_ERR_SCHEMA,       /* the official XSD could not be loaded/compiled */
    IDS_ERR_INTERNAL      /* a libxml2 call failed for no reason of ours */
} ids_status;

#define IDS_ERROR_TEXT_LEN 512
#define IDS_ERROR_PATH_LEN 256

typedef struct ids_error {
    ids_status code;                  /* IDS_OK when no error was recorded */
    int line;                         /* 1-based; 0 when unknown */
    int column;                       /* 1-based; 0 when unknown */
    char path[IDS_ERROR_PATH_LEN];    /* element path, "" when unknown */
    char message[IDS_ERROR_TEXT_LEN]; /* says what is wrong and what is allowed */
} ids_error;

void ids_error_clear(ids_error *err);
/* A stable lower-case name for a status ("nomem", "parse", ...). */
const char *ids_status_name(ids_status status);


/* ---- library ----------------------------------------------------------- */

/* Initializes libxml2 once per process and installs an external entity
 * loader that refuses every network and file URL, so no document can make
 * the process fetch anything. Thread-safe and idempotent; call before the
 * first thread uses the engine. */
void ids_library_init(void);
/* Frees libxml2's global state; for leak checkers at process exit. */
void ids_library_cleanup(void);

/* ---- documents ---------------------------------------------------------- */

typedef struct ids_doc ids_doc;

typedef struct ids_limits {
    size_t max_bytes;   /* largest accepted input; 0 = IDS_DEFAULT_MAX_BYTES */
    unsigned max_depth; /* deepest element nesting; 0 = IDS_DEFAULT_MAX_DEPTH */
    /* most attributes (namespace declarations included) on one element;
     * 0 = IDS_DEFAULT_MAX_ATTRIBUTES */
    unsigned max_attributes;
} ids_limits;

#define IDS_DEFAULT_MAX_BYTES (16u * 1024u * 1024u) /* bytes */
#define IDS_DEFAULT_MAX_DEPTH 64u                   /* elements */
#define IDS_DEFAULT_MAX_ATTRIBUTES 32u              /* per element */

typedef enum ids_info_field {
    IDS_INFO_TITLE = 0,
    IDS_INFO_COPYRIGHT,
    IDS_INFO_VERSION,
    IDS_INFO_DESCRIPTION,
    IDS_INFO_AUTHOR,    /* an e-mail address: [^@]+@[^.]+\..+ */
    IDS_INFO_DATE,      /* xs:date: YYYY-MM-DD with optional Z or +hh:mm */
    IDS_INFO_PURPOSE,
    IDS_INFO_MILESTONE,
    IDS_INFO_FIELD_COUNT
} ids_info_field;

/* "title", "copyright", ... in the standard's order; NULL when out of range. */
const char *ids_info_field_name(ids_info_field field);
/* Returns the field for an element name, or -1. */
int ids_info_field_from_name(const char *name);

/* Values for ids_doc_new: NULL entries are left out. */
typedef struct ids_info {
    const char *fields[IDS_INFO_FIELD_COUNT];
} ids_info;

/* Creates a document with its info block and an empty <specifications>.
 * The title is required; author and date are checked for their formats.
 * A new document has no specification yet, which IDS requires, so it
 * validates only once the first specification is added. */
ids_status ids_doc_new(const ids_info *info, ids_doc **out, ids_error *err);

/* Loads a document. Parsing never touches the network, never resolves
 * external entities or DTDs and caps size and depth (limits may be NULL for
 * the defaults). Malformed XML is IDS_ERR_PARSE and a root other than IDS
 * <ids> is IDS_ERR_NOT_IDS, both with line and column. A well-formed IDS
 * document that breaks the standard's rules still loads: call ids_validate
 * to learn every reason. */
ids_status ids_doc_load_file(const char *path, const ids_limits *limits,
                             ids_doc **out, ids_error *err);
ids_status ids_doc_load_string(const char *data, size_t len,
                               const ids_limits *limits, ids_doc **out,
                               ids_error *err);
void ids_doc_free(ids_doc *doc);

/* Serializes the document: UTF-8, indented, deterministic (the same tree
 * always gives the same bytes). *out is NUL-terminated; free() it. */
ids_status ids_doc_to_string(const ids_doc *doc, char **out, size_t *len,
                             ids_error *err);
/* Writes atomically: a temporary file in the same folder, fsync, rename. */
ids_status ids_doc_write_file(const ids_doc *doc, const char *path,
                              ids_error *err);
/* Canonical XML (C14N 1.0, no comments) for equivalence checks. */
ids_status ids_doc_canonical(const ids_doc *doc, char **out, size_t *len,
                             ids_error *err);
/* The length ids_doc_to_string's text would have, computed by walking the
 * tree without writing it: the measure of a document's size (export writes
 * these bytes; loading them back sees the same). Linear in the document. */
size_t ids_doc_serialized_size(const ids_doc *doc);
/* An estimate of the memory the tree holds, in bytes, for accounting. */
size_t ids_doc_memory_estimate(const ids_doc *doc);

/* ---- info --------------------------------------------------------------- */

/* Sets (value != NULL) or clears (value == NULL) one info field, inserting
 * it at its place in the standard's order. The title cannot be cleared. */
ids_status ids_info_set(ids_doc *doc, ids_info_field field, const char *value,
                        ids_error *err);
/* Returns a malloc'd copy of the field's text, or NULL when absent. */
char *ids_info_get_dup(const ids_doc *doc, ids_info_field field);

/* ---- specifications ----------------------------------------------------- */

typedef enum ids_spec_field {
    IDS_SPEC_NAME = 0,
    IDS_SPEC_IFC_VERSION,   /* space-separated IFC2X3 IFC4 IFC4X3_ADD2 */
    IDS_SPEC_IDENTIFIER,
    IDS_SPEC_DESCRIPTION,
    IDS_SPEC_INSTRUCTIONS,
    IDS_SPEC_MIN_OCCURS,    /* applicability@minOccurs: "0" or "1" */
    IDS_SPEC_MAX_OCCURS,    /* applicability@maxOccurs: "0" or "unbounded" */
    IDS_SPEC_REQUIREMENTS_DESCRIPTION, /* requirements@description */
    IDS_SPEC_FIELD_COUNT
} ids_spec_field;

const char *ids_spec_field_name(ids_spec_field field);

/* Input for add and update. For add, a NULL value is "not given" (name and
 * ifc_version are required; min/max default to 1/unbounded, i.e.
 * "required"). For update, only fields whose bit (1u << field) is in
 * set_mask change; a NULL value with its bit set clears an optional field. */
typedef struct ids_spec_fields {
    const char *values[IDS_SPEC_FIELD_COUNT];
    unsigned set_mask;
} ids_spec_fields;

size_t ids_spec_count(const ids_doc *doc);

/* How a caller names a specification. IDS_SPEC_BY_ANY tries, in order,
 * identifier, name, then a 1-based position written in decimal, and fails
 * with IDS_ERR_INVALID_ARG when the key matches more than one
 * specification, listing them. */
typedef enum ids_spec_by {
    IDS_SPEC_BY_INDEX = 0,
    IDS_SPEC_BY_IDENTIFIER,
    IDS_SPEC_BY_NAME,
    IDS_SPEC_BY_ANY
} ids_spec_by;

typedef struct ids_spec_ref {
    ids_spec_by by;
    const char *key;  /* for BY_IDENTIFIER, BY_NAME, BY_ANY */
    size_t index;     /* for BY_INDEX, 0-based */
} ids_spec_ref;

ids_status ids_spec_find(const ids_doc *doc, const ids_spec_ref *ref,
                         size_t *index_out, ids_error *err);
/* Appends a specification (applicability with minOccurs/maxOccurs, no
 * facets yet). */
ids_status ids_spec_add(ids_doc *doc, const ids_spec_fields *fields,
                        size_t *index_out, ids_error *err);
ids_status ids_spec_update(ids_doc *doc, size_t index,
                           const ids_spec_fields *fields, ids_error *err);
ids_status ids_spec_remove(ids_doc *doc, size_t index, ids_error *err);

/* ---- values and restrictions -------------------------------------------- */

typedef enum ids_xs_facet {
    IDS_XS_ENUMERATION = 0,
    IDS_XS_PATTERN,
    IDS_XS_MIN_INCLUSIVE,
    IDS_XS_MAX_INCLUSIVE,
    IDS_XS_MIN_EXCLUSIVE,
    IDS_XS_MAX_EXCLUSIVE,
    IDS_XS_LENGTH,
    IDS_XS_MIN_LENGTH,
    IDS_XS_MAX_LENGTH,
    IDS_XS_TOTAL_DIGITS,
    IDS_XS_FRACTION_DIGITS,
    IDS_XS_FACET_COUNT
} ids_xs_facet;

/* "enumeration", "pattern", "minInclusive", ... (the xs: element names). */
const char *ids_xs_facet_name(ids_xs_facet facet);
int ids_xs_facet_from_name(const char *name);

typedef struct ids_xs_item {
    ids_xs_facet facet;
    char *value;
} ids_xs_item;

typedef enum ids_value_kind {
    IDS_VALUE_ABSENT = 0,   /* the parameter is not there */
    IDS_VALUE_SIMPLE,       /* <simpleValue>text</simpleValue> */
    IDS_VALUE_RESTRICTION   /* <xs:restriction base="...">items</xs:restriction> */
} ids_value_kind;

/* A facet parameter's value. Used both as input (the engine copies what it
 * needs; the caller keeps ownership) and inside views (owned by the view). */
typedef struct ids_value {
    ids_value_kind kind;
    char *simple;        /* IDS_VALUE_SIMPLE */
    char *base;          /* IDS_VALUE_RESTRICTION: "xs:string", ...; NULL = none */
    ids_xs_item *items;  /* IDS_VALUE_RESTRICTION: in document order */
    size_t n_items;
} ids_value;

/* Frees what a value owns (strings, items) and resets it to ABSENT; for
 * values a caller built on the heap or read from a view. NULL is fine. */
void ids_value_clear(ids_value *value);

/* ---- facets ------------------------------------------------------------- */

typedef enum ids_location {
    IDS_APPLICABILITY = 0,
    IDS_REQUIREMENTS
} ids_location;

const char *ids_location_name(ids_location loc); /* "applicability", ... */
int ids_location_from_name(const char *name);

typedef enum ids_facet_kind {
    IDS_FACET_ENTITY = 0,
    IDS_FACET_PARTOF,
    IDS_FACET_CLASSIFICATION,
    IDS_FACET_ATTRIBUTE,
    IDS_FACET_PROPERTY,
    IDS_FACET_MATERIAL,
    IDS_FACET_KIND_COUNT
} ids_facet_kind;

/* "entity", "partOf", "classification", ... (the element names). */
const char *ids_facet_kind_name(ids_facet_kind kind);
int ids_facet_kind_from_name(const char *name); /* case-insensitive; -1 */

/* Parameters that hold an idsValue. partOf's name/predefinedType are those
 * of its nested <entity>. Which kinds have which is in
 * ids_facet_has_param. */
typedef enum ids_param {
    IDS_PARAM_NAME = 0,         /* entity, partOf, attribute */
    IDS_PARAM_PREDEFINED_TYPE,  /* entity, partOf */
    IDS_PARAM_PROPERTY_SET,     /* property */
    IDS_PARAM_BASE_NAME,        /* property */
    IDS_PARAM_SYSTEM,           /* classification */
    IDS_PARAM_VALUE,            /* classification, attribute, property, material */
    IDS_PARAM_COUNT
} ids_param;

/* "name", "predefinedType", "propertySet", "baseName", "system", "value". */
const char *ids_param_name(ids_param param);
int ids_param_from_name(const char *name); /* also accepts snake_case; -1 */
bool ids_facet_has_param(ids_facet_kind kind, ids_param param);
/* True when the parameter must be present (entity name, partOf name,
 * classification system, attribute name, property propertySet/baseName). */
bool ids_facet_param_required(ids_facet_kind kind, ids_param param);

/* Plain XML attributes of facets (never restrictions). */
typedef enum ids_fattr {
    IDS_FATTR_DATA_TYPE = 0,  /* property; both locations; [A-Z]+ */
    IDS_FATTR_RELATION,       /* partOf; both locations */
    IDS_FATTR_URI,            /* classification, property, material; requirements only */
    IDS_FATTR_CARDINALITY,    /* partOf (required|prohibited), classification,
                                 attribute, property, material (required|optional|
                                 prohibited); requirements only */
    IDS_FATTR_INSTRUCTIONS,   /* every kind; requirements only */
    IDS_FATTR_COUNT
} ids_fattr;

const char *ids_fattr_name(ids_fattr attr); /* "dataType", "relation", ... */
int ids_fattr_from_name(const char *name);  /* also accepts snake_case; -1 */
bool ids_facet_has_fattr(ids_facet_kind kind, ids_location loc, ids_fattr attr);

/* One facet, as input to add/update and as output of views. */
typedef struct ids_facet {
    ids_facet_kind kind;
    ids_value params[IDS_PARAM_COUNT];  /* ABSENT where not given / not there */
    char *fattrs[IDS_FATTR_COUNT];      /* NULL where not given / not there */
    int line;                           /* views: source line, 0 if unknown */
} ids_facet;

/* Which parts of an ids_facet an update touches: bit (1u << param) in
 * param_mask, bit (1u << fattr) in fattr_mask. An ABSENT value or NULL
 * attribute with its bit set removes it (refused for required ones). */
typedef struct ids_facet_change {
    const ids_facet *facet;
    unsigned param_mask;
    unsigned fattr_mask;
} ids_facet_change;

size_t ids_facet_count(const ids_doc *doc, size_t spec_index, ids_location loc);
/* Adds a facet at its place in the standard's order (entity, partOf,
 * classification, attribute, property, material; after the last facet of
 * the same kind) and returns its position in *facet_index_out. Refuses a
 * second entity in applicability, a missing required parameter, an
 * attribute the location does not take, a cardinality value the facet does
 * not take, a malformed restriction. */
ids_status ids_facet_add(ids_doc *doc, size_t spec_index, ids_location loc,
                         const ids_facet *facet, size_t *facet_index_out,
                         ids_error *err);
ids_status ids_facet_update(ids_doc *doc, size_t spec_index, ids_location loc,
                            size_t facet_index, const ids_facet_change *change,
                            ids_error *err);
ids_status ids_facet_remove(ids_doc *doc, size_t spec_index, ids_location loc,
                            size_t facet_index, ids_error *err);
/* Sets one parameter of an existing facet to a simple value or a
 * restriction (replacing what was there), or removes it (ABSENT). */
ids_status ids_facet_set_param(ids_doc *doc, size_t spec_index,
                               ids_location loc, size_t facet_index,
                               ids_param param, const ids_value *value,
                               ids_error *err);

/* Checks a value before it enters a tree: a simple value must be given; a
 * restriction needs a supported base and at least one item, items the base
 * allows, well-formed lengths and bounds, patterns that compile as XSD
 * regular expressions. */
ids_status ids_value_check(const ids_value *value, ids_error *err);
/* The same for a value meant for doc, which keeps the verdicts of the
 * patterns checked, so that adding the value then compiles nothing again.
 * Patterns whose compile cost is estimated over the budget are refused
 * with what to simplify (specs/ids-editing.md, "Patterns"). */
ids_status ids_doc_value_check(const ids_doc *doc, const ids_value *value, ids_error *err);
/* True when pattern compiles as an XSD regular expression within the
 * budget (ids_doc_value_check). */
bool ids_xsd_regex_valid(const char *pattern);

/* ---- matching values against patterns ------------------------------------ */

/* A compiled XSD pattern for matching many subjects (the IFC checker).
 * Read-only once compiled: any number of threads may match with one. */
typedef struct ids_regex ids_regex;

/* Compiles pattern with libxml2's XSD regular expressions. IDS_ERR_INVALID_ARG
 * when it is not one, or when its compile or matching could be costly:
 * libxml2 backtracks unless it made the automaton deterministic
 * (specs/validation.md, "Patterns"; specs/ifc-check.md). */
ids_status ids_regex_new(const char *pattern, ids_regex **out, ids_error *err);
/* True when the whole of text (len bytes of UTF-8) matches. */
bool ids_regex_match(const ids_regex *re, const char *text, size_t len);
void ids_regex_free(ids_regex *re);

/* ---- read back ---------------------------------------------------------- */

typedef struct ids_spec_summary {
    char *fields[IDS_SPEC_FIELD_COUNT]; /* NULL where absent */
    size_t n_applicability;
    size_t n_requirements;
    size_t facet_counts[2][IDS_FACET_KIND_COUNT]; /* [location][kind] */
} ids_spec_summary;

typedef struct ids_summary {
    char *info[IDS_INFO_FIELD_COUNT]; /* NULL where absent */
    size_t n_specs;
    ids_spec_summary *specs;
} ids_summary;

ids_status ids_doc_summary(const ids_doc *doc, ids_summary **out,
                           ids_error *err);
void ids_summary_free(ids_summary *summary);

/* One specification in full. */
typedef struct ids_spec_view {
    size_t index;
    char *fields[IDS_SPEC_FIELD_COUNT];
    int line;
    size_t n_facets[2];       /* [location] */
    ids_facet *facets[2];     /* [location], in document order */
} ids_spec_view;

ids_status ids_spec_get(const ids_doc *doc, size_t index, ids_spec_view **out,
                        ids_error *err);
void ids_spec_view_free(ids_spec_view *view);
/* Every specification in document order, in one walk over the document
 * (calling ids_spec_get for each index costs O(n^2)). *out is NULL and
 * *n_out 0 for a document without any; free with ids_spec_views_free. */
ids_status ids_spec_get_all(const ids_doc *doc, ids_spec_view ***out, size_t *n_out,
                            ids_error *err);
void ids_spec_views_free(ids_spec_view **views, size_t n);
/* One field of the specification at index, without reading its facets:
 * *out is a malloc'd copy, or NULL when the field is absent. */
ids_status ids_spec_field_get(const ids_doc *doc, size_t index, ids_spec_field field,
                              char **out, ids_error *err);

/* ---- validation --------------------------------------------------------- */

typedef enum ids_severity {
    IDS_SEVERITY_ERROR = 0,
    IDS_SEVERITY_WARNING
} ids_severity;

typedef struct ids_finding {
    ids_severity severity;
    /* "XSD" for a structural rule the official schema also enforces; an
     * audit rule of the IDS reference otherwise ("S1", "P2", "X3", ...). */
    char *rule;
    char *message;
    char *path;   /* element path such as /ids/specifications/specification[2]/applicability */
    int line;     /* 0 when unknown */
} ids_finding;

typedef struct ids_report {
    /* Built-in verdict on the structural rules (what the XSD checks). */
    bool structure_valid;
    /* No audit finding of severity error. */
    bool audit_valid;
    ids_finding *findings;  /* structural first, then audit, in document order */
    size_t n_findings;
    /* The official XSD's own verdict, when a schema was given. */
    bool xsd_checked;
    bool xsd_valid;
    ids_finding *xsd_findings; /* libxml2's messages, rule "XSD" */
    size_t n_xsd_findings;
} ids_report;

typedef struct ids_schema ids_schema;

/* Compiles the official IDS XSD once. It imports W3C's XMLSchema.xsd and
 * xml.xsd by URL; they are served from local copies (w3c_dir, or when NULL
 * the IDSD_W3C_SCHEMAS environment variable, or Debian's python3-xmlschema
 * files) and no network is used. The result is read-only and may be shared
 * by every thread. */
ids_status ids_schema_load(const char *xsd_path, const char *w3c_dir,
                           ids_schema **out, ids_error *err);
void ids_schema_free(ids_schema *schema);

/* Validates with the built-in rules and, when schema is not NULL, with the
 * official XSD too. Never modifies the document. */
ids_status ids_validate(const ids_doc *doc, const ids_schema *schema,
                        ids_report **out, ids_error *err);
void ids_report_free(ids_report *report);
/* True when both verdicts (and the XSD one when checked) are clean. */
bool ids_report_valid(const ids_report *report);

#ifdef __cplusplus
}
#endif

#endif /* IDS_H */
