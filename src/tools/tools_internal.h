/*
 * tools_internal.h - what the files of src/tools share. Not for other
 * modules.
 *
 * A tool is its table entry: tool_call validates the arguments and hands
 * the entry to tool_run() (runtime.c), which resolves and acquires the
 * session as the entry's flags say, runs its impl with a tool_ctx,
 * stamps session_id into the result and releases the session on one exit
 * path. Bodies report through tool_ok / tool_fail and never touch the
 * session lock themselves.
 */
#ifndef TOOLS_INTERNAL_H
#define TOOLS_INTERNAL_H

#include "base/base.h"
#include "tools/tools.h"

#include <stdarg.h>

/* ---- the catalogue's groups ---- */

/* Each group file lists its tools in their listing order; catalogue.c
 * concatenates the groups into the table. */
extern const tool_def tool_group_document[];
extern const size_t tool_group_document_count;
extern const tool_def tool_group_specification[];
extern const size_t tool_group_specification_count;
extern const tool_def tool_group_facets[];
extern const size_t tool_group_facets_count;
extern const tool_def tool_group_restrictions[];
extern const size_t tool_group_restrictions_count;
extern const tool_def tool_group_session[];
extern const size_t tool_group_session_count;
extern const tool_def tool_group_ifc[];
extern const size_t tool_group_ifc_count;

/* The parsed output schema of a tool (NULL when it has none); valid after
 * tool_catalogue_init. tool_input_schema is in tools.h. */
const json_t *tool_output_schema(const tool_def *tool);

/* ---- JSON Schema subset (schema.c) ---- */

/* Checks value against schema. On failure writes a message naming the
 * argument path ("argument 'location' must be one of: ...") and returns
 * false. Supports type, enum, const, required, properties,
 * additionalProperties, items, minItems, maxItems, minLength, maxLength,
 * minimum, maximum, anyOf, oneOf. */
bool tool_schema_validate(const json_t *schema, const json_t *value,
                          char *msg, size_t msg_size);
/* Checks that a schema uses only the keywords the validator knows, so a
 * typo in a built-in schema is caught by tool_catalogue_init. */
bool tool_schema_well_formed(const json_t *schema, char *msg, size_t msg_size);

/* ---- the session payload (runtime.c) ---- */

/* What the session remembers for the agent: the specification last added
 * or edited, and per specification the facet last added and where.
 * Indexes are kept right across removals by tool_memory_spec_removed and
 * tool_memory_facet_removed. */
typedef struct tool_facet_memory {
    size_t spec;
    ids_location loc;
    size_t facet;
} tool_facet_memory;

struct tool_session {
    ids_doc *doc;
    /* ids_doc_serialized_size of doc as of the last change (the measure
     * of the size limit, specs/tools.md "Size"): walking the tree costs
     * O(nodes), so it is done once per changing call, not again by every
     * size check. */
    size_t doc_bytes;
    bool has_last_spec;
    size_t last_spec;
    tool_facet_memory *facets;
    size_t n_facets;
    size_t cap_facets;
};

void tool_memory_reset(tool_session *ts);
void tool_memory_set_spec(tool_session *ts, size_t spec);
/* false when out of memory (the memory is advisory; callers go on). */
bool tool_memory_set_facet(tool_session *ts, size_t spec, ids_location loc,
                           size_t facet);
const tool_facet_memory *tool_memory_facet(const tool_session *ts, size_t spec);
void tool_memory_spec_removed(tool_session *ts, size_t spec);
void tool_memory_facet_removed(tool_session *ts, size_t spec, ids_location loc,
                               size_t facet);

/* ---- running a tool (runtime.c) ---- */

struct tool_ctx {
    const tool_def *tool;
    json_t *args;      /* validated arguments, never NULL */
    tool_env *env;
    tool_result *out;
    session *s;        /* acquired session, or NULL (mint tools before install) */
    tool_session *ts;  /* its payload, or NULL */
    bool changed;      /* the document changed */
    bool bytes_known;  /* ts->doc_bytes is already that of the new document */
    char *summary;     /* tool_ok's summary line, until the text is rendered */
};

/* Runs tool (arguments already validated) with its session handling. */
void tool_run(const tool_def *tool, json_t *args, tool_env *env, tool_result *out);

/* Success: result (stolen; must be an object) becomes structuredContent,
 * text is the summary line followed by the compact JSON. */
void tool_ok(tool_ctx *c, json_t *result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Success with a text rendering of the caller's (text is stolen). */
void tool_ok_text(tool_ctx *c, json_t *result, char *text);
/* Failure with a message that says what was wrong and what to do. */
void tool_fail(tool_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Failure from the engine: prefix, then the engine's message with its
 * element path and line. */
void tool_fail_ids(tool_ctx *c, const ids_error *err, const char *prefix);
/* The body changed the document (accounting and resource notification). */
void tool_mark_changed(tool_ctx *c);
/* A new document of bytes (ids_doc_serialized_size) may be held: false,
 * and a failure result, when it is over config->max_doc_bytes. Taken
 * before anything changes, with the measure every edit uses, so a
 * document a session holds can always be exported and loaded back. */
bool tool_doc_fits(tool_ctx *c, size_t bytes);
/* Puts a new document of bytes (ids_doc_serialized_size) into the call's
 * session, minting one when none is in scope. Takes doc in every case.
 * *replaced tells whether an older document was dropped. false (and a
 * failure result) when no session could be had. */
bool tool_install_doc(tool_ctx *c, ids_doc *doc, size_t bytes, bool *replaced);
/* Before a change: refuses it when the document's size plus what the
 * call's arguments could add (tool_growth_bound) would pass
 * config->max_doc_bytes; true when there is room. */
bool tool_check_room(tool_ctx *c);
/* An upper bound of the bytes a call with these arguments can add to the
 * serialized document: every string, number or boolean in them escaped
 * as an attribute value plus the markup around one value, plus the
 * markup one call may create. */
size_t tool_growth_bound(const json_t *args);

/* ---- argument helpers (resolve.c) ---- */

json_t *tool_arg(const tool_ctx *c, const char *name); /* NULL when absent */
/* The string argument, or NULL when absent or null. */
const char *tool_arg_str(const tool_ctx *c, const char *name);
bool tool_arg_given(const tool_ctx *c, const char *name); /* present, not null */
/* A scalar (string, number, boolean) as a malloc'd string; NULL when it is
 * none of those. Numbers are written in their shortest exact form. */
char *tool_scalar_dup(const json_t *value);

/* Resolves the spec_id argument (identifier, name or 1-based position) or
 * the session's remembered specification, adds spec_id, spec_index,
 * spec_name and spec_id_defaulted to result, remembers it, and returns
 * true; or fails the call with a message listing the specifications. */
bool tool_resolve_spec(tool_ctx *c, json_t *result, size_t *index);
/* "1 'Walls' (identifier S1), 2 'Doors'"; malloc'd; "" when none. */
char *tool_spec_list_text(const ids_doc *doc);
/* The identifier of a specification when it has one, else its 1-based
 * position in decimal: a key ids_spec_find takes. malloc'd. */
char *tool_spec_key(const ids_doc *doc, size_t index, char **name_out);

/* Converts a facet-parameter argument (string, number, boolean or a
 * restriction object) to an ids_value; clear with ids_value_clear. On
 * failure fails the call naming the argument and returns false. */
bool tool_value_from_json(tool_ctx *c, const char *arg_name,
                          const json_t *json, ids_value *out);
/* The same value as JSON: a string, or a restriction object. */
json_t *tool_value_to_json(const ids_value *value);
/* "xs:string" for "string" or "xs:string"; NULL when not a base IDS has. */
const char *tool_base_type(const char *name);
/* "xs:string, xs:boolean, ..." */
const char *tool_base_type_list(void);

/* A facet as JSON: facet_index, kind, parameters, attributes, line. */
json_t *tool_facet_to_json(const ids_facet *facet, size_t index);
/* "required", "optional", "prohibited" for the applicability's
 * minOccurs/maxOccurs (absent attributes are the XSD's 1/1), or
 * "nonstandard" for any other pair. */
const char *tool_usage_name(const char *min_occurs, const char *max_occurs);
/* An ifcVersion attribute's tokens as a JSON array (empty for NULL). */
json_t *tool_ifc_versions_json(const char *list);

/* ---- IFC names at edit time (ifc_names.c) ---- */

/* The versions of an ifcVersion list ("IFC4 IFC4X3_ADD2") as a mask of
 * (1u << ifc_version); unknown tokens are skipped. */
unsigned tool_ifc_versions_mask(const char *list);
/* Before a facet f is added to specification spec: refuses (fails the
 * call, returns false) a name no declared IFC version has, or a dataType
 * that contradicts a standard property's, with "did you mean" candidates;
 * fills in a standard property's dataType when f has none; appends notes
 * (kept names with allow_unknown, names some versions lack, a filled
 * dataType) to notes. */
bool tool_ifc_names_add(tool_ctx *c, size_t spec, ids_facet *f, json_t *notes);
/* The same before a change to facet index of loc: only what the change
 * touches is judged; nothing is filled in. */
bool tool_ifc_names_change(tool_ctx *c, size_t spec, ids_location loc, size_t index,
                           const ids_facet_change *change, json_t *notes);
/* Before specification spec declares the versions of list instead: every
 * facet's names against them (a name they all lack is refused). */
bool tool_ifc_names_versions(tool_ctx *c, size_t spec, const char *list, json_t *notes);

#define TOOL_ALLOW_UNKNOWN_PROP                                               \
    "\"allow_unknown\":{\"type\":\"boolean\",\"description\":\"Keep an IFC " \
    "name no declared version has (default false: refused with candidates)" \
    ".\"}"

/* ---- files (paths.c) ---- */

/* Resolves a path for reading (an existing regular file) or writing (an
 * existing folder plus a file name) inside the configured roots. Relative
 * paths start at the first root. On failure fails the call with a message
 * listing the roots. *out is malloc'd. */
bool tool_path_for_read(tool_ctx *c, const char *requested, char **out);
bool tool_path_for_write(tool_ctx *c, const char *requested, char **out);

/* ---- shared schema text ---- */

#define TOOL_SESSION_PROP                                                     \
    "\"session_id\":{\"type\":\"string\",\"x-mcp-header\":\"Session\","     \
    "\"description\":\"Session handle returned by create_ids or load_ids. "  \
    "Optional: omit it to use the session of this connection.\"}"

#define TOOL_SPEC_ID_PROP                                                     \
    "\"spec_id\":{\"type\":[\"string\",\"integer\"],\"description\":"        \
    "\"Specification to use: its identifier, its name, or its 1-based "     \
    "position. Optional: defaults to the specification most recently added " \
    "or edited in this session (the result says which one was used).\"}"

/* Output schema pieces every result carries. */
#define TOOL_OUT_SESSION "\"session_id\":{\"type\":\"string\"}"
#define TOOL_OUT_SPEC                                                         \
    "\"spec_id\":{\"type\":\"string\"},\"spec_index\":{\"type\":\"integer\"," \
    "\"minimum\":1},\"spec_name\":{\"type\":\"string\"},"                    \
    "\"spec_id_defaulted\":{\"type\":\"boolean\"}"
#define TOOL_OUT_SPEC_REQUIRED "\"spec_id\",\"spec_index\",\"spec_name\",\"spec_id_defaulted\""

/* A facet parameter value: a plain string (or number / boolean, written as
 * text) or a restriction object. */
#define TOOL_VALUE_SCHEMA(desc)                                               \
    "{\"type\":[\"string\",\"number\",\"boolean\",\"object\"],"              \
    "\"description\":\"" desc " A plain value, or a restriction object "     \
    "{base, enumeration:[...], pattern, min_inclusive, max_inclusive, "      \
    "min_exclusive, max_exclusive, length, min_length, max_length}.\","      \
    "\"properties\":" TOOL_RESTRICTION_PROPS ",\"additionalProperties\":false}"

#define TOOL_RESTRICTION_PROPS                                                \
    "{\"base\":{\"type\":\"string\",\"description\":\"xs:string (default), " \
    "xs:boolean, xs:integer, xs:double, xs:float, xs:decimal, xs:date, "     \
    "xs:dateTime, xs:time, xs:duration or xs:anyURI; the xs: prefix is "     \
    "optional.\"},"                                                           \
    "\"enumeration\":{\"type\":\"array\",\"minItems\":1,\"items\":"          \
    "{\"type\":[\"string\",\"number\",\"boolean\"]}},"                        \
    "\"pattern\":{\"type\":[\"string\",\"array\"],\"items\":{\"type\":\"string\"}}," \
    "\"min_inclusive\":{\"type\":[\"string\",\"number\"]},"                   \
    "\"max_inclusive\":{\"type\":[\"string\",\"number\"]},"                   \
    "\"min_exclusive\":{\"type\":[\"string\",\"number\"]},"                   \
    "\"max_exclusive\":{\"type\":[\"string\",\"number\"]},"                   \
    "\"length\":{\"type\":\"integer\",\"minimum\":0},"                        \
    "\"min_length\":{\"type\":\"integer\",\"minimum\":0},"                    \
    "\"max_length\":{\"type\":\"integer\",\"minimum\":0},"                    \
    "\"total_digits\":{\"type\":\"integer\",\"minimum\":1},"                  \
    "\"fraction_digits\":{\"type\":\"integer\",\"minimum\":0}}"

#endif /* TOOLS_INTERNAL_H */
