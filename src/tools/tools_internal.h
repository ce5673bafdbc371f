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
extern const tool_def tool_group_view[];
extern const size_t tool_group_view_count;
extern const tool_def tool_group_ifc_schema[];
extern const size_t tool_group_ifc_schema_count;

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
/* Before validation: renames arguments given in camelCase or under one of
 * the tool's aliases (pairs "from", "to", NULL-terminated), takes enum
 * strings in another case or spelling ("IfcRelNests", "minInclusive"),
 * booleans and integers sent as strings, and drops "" given for an
 * optional choice; each change adds a note. args is changed in place. */
void tool_schema_normalize(const json_t *schema, json_t *args, const char *const *aliases,
                           json_t *notes);
/* Whether tool_schema_normalize would leave args as they are (it reads
 * them only), so that a caller can skip copying what it may not change. */
bool tool_schema_is_normal(const json_t *schema, const json_t *args,
                           const char *const *aliases);
/* The property of props closest to name (a misspelling), or NULL. */
const char *tool_schema_suggest(const json_t *props, const char *name);
/* Checks that a schema uses only the keywords the validator knows, so a
 * typo in a built-in schema is caught by tool_catalogue_init. */
bool tool_schema_well_formed(const json_t *schema, char *msg, size_t msg_size);

/* ---- the session payload (runtime.c) ---- */

/* Handles (handles.c). Every specification and facet of the session's
 * document has a handle (S3, F7) minted when it is added or the document
 * is loaded, kept in the session and never written into the XML: unlike
 * a position it does not change when something before it is added or
 * removed. The lists are parallel to the document (specs[i] is the i-th
 * specification, facets[loc].ids[j] its j-th facet there) and are kept
 * so by the tools that change the structure. */
typedef struct tool_facet_ids {
    unsigned *ids;
    size_t n, cap;
} tool_facet_ids;

typedef struct tool_spec_handles {
    unsigned id;               /* S<id> */
    tool_facet_ids facets[2];  /* F<id> per facet, [location], document order */
    unsigned current_facet;    /* the facet last added or edited here; 0 none */
} tool_spec_handles;

struct tool_session {
    ids_doc *doc;
    /* ids_doc_serialized_size of doc as of the last change (the measure
     * of the size limit, specs/tools.md "Size"): walking the tree costs
     * O(nodes), so it is done once per changing call, not again by every
     * size check. */
    size_t doc_bytes;
    /* What the view shows changed: bumped by tool_run after every call
     * that changed the document, and by tool_view_touch. Live views
     * compare it (view.c). */
    uint64_t revision;
    tool_spec_handles *specs;
    size_t n_specs, cap_specs;
    /* The last numbers given in this document: a handle is never given
     * twice while the session holds it (create and load start again). */
    unsigned next_spec, next_facet;
    unsigned current_spec;     /* handle of the specification in use; 0 none */
    /* The document changed since it was created, loaded or exported:
     * create_ids / load_ids then want replace: true. */
    bool unexported;
};

#define TOOL_HANDLE_SIZE 16 /* "F4294967295" and its NUL */

/* Mints handles for every specification and facet of ts->doc (after a
 * load or create). false when out of memory. */
bool tool_handles_reset(tool_session *ts);
/* Makes the lists match the document again when they do not (a store
 * that restored a session without them, or memory that ran out): checks
 * counts only, O(specifications). */
bool tool_handles_sync(tool_session *ts);
/* The same for one specification's facets at loc, given their count. */
bool tool_handles_sync_facets(tool_session *ts, size_t spec, ids_location loc,
                              size_t count);
void tool_handles_free(tool_session *ts);
bool tool_handles_spec_added(tool_session *ts, size_t spec);
void tool_handles_spec_removed(tool_session *ts, size_t spec);
/* Returns the new facet's handle number (0 when out of memory). */
unsigned tool_handles_facet_added(tool_session *ts, size_t spec, ids_location loc,
                                  size_t index);
void tool_handles_facet_removed(tool_session *ts, size_t spec, ids_location loc,
                                size_t index);
/* "S3" / "F7" into buf (TOOL_HANDLE_SIZE); "" when out of range. */
const char *tool_spec_handle(const tool_session *ts, size_t spec, char *buf);
const char *tool_facet_handle(const tool_session *ts, size_t spec, ids_location loc,
                              size_t index, char *buf);
/* Parses "S3" / "s3" / "F7" (prefix letter given); 0 when not one. */
unsigned tool_handle_parse(const char *text, char prefix);
/* Index of the specification with handle number id; false when none. */
bool tool_spec_by_handle(const tool_session *ts, unsigned id, size_t *spec);
bool tool_facet_by_handle(const tool_session *ts, unsigned id, size_t *spec,
                          ids_location *loc, size_t *index);

/* What the session remembers for the agent: the specification last added
 * or edited, and per specification the facet last added or edited. Kept
 * as handles, so additions and removals elsewhere never make it point at
 * another element. */
void tool_memory_set_spec(tool_session *ts, size_t spec);
bool tool_memory_spec(const tool_session *ts, size_t *spec);
void tool_memory_set_facet(tool_session *ts, size_t spec, ids_location loc, size_t facet);
bool tool_memory_facet(const tool_session *ts, size_t spec, ids_location *loc,
                       size_t *facet);

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
    bool installed;    /* a new document replaced the session's (create, load) */
    /* Notes of the argument normalisation (tool_call): what was accepted
     * in another form; the runtime adds them to the result's notes. */
    json_t *notes;
    char *summary;     /* tool_ok's summary line, until the text is rendered */
    bool answered;     /* tool_ok, tool_ok_text or tool_fail was called */
};

/* After a changing call's body (persist.c): makes the new document
 * durable before the reply; when the store fails, the call fails and the
 * session's document is the last durable one again. No-op without
 * persistence. Returns true when a shared store's compare-and-set was
 * lost to another instance: the session now holds the winner's document
 * and the call's result is cleared, for tool_run to run the body again;
 * attempts_left 0 turns that into a failure instead. */
bool tool_persist_change(tool_ctx *c, unsigned attempts_left);
/* Times a change lost to another instance is made again on the winner's
 * document before the call fails (a shared store, specs/scale-out.md). */
#define TOOL_CONFLICT_RETRIES 32u

/* Runs tool (arguments already validated) with its session handling. */
/* notes (may be NULL) are added to a success's "notes". */
void tool_run(const tool_def *tool, json_t *args, json_t *notes, tool_env *env,
              tool_result *out);

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
/* Something the view shows besides the document changed (a new IFC check
 * result): live views of the session render again. */
void tool_view_touch(tool_ctx *c);
/* The session's last IFC check (validate_ifc_model) into *out, with a
 * note when the view has moved past revision since; false when it made
 * none. The caller has s acquired; what *out points to lives until the
 * next check or the session's end. */
bool tool_session_last_check(session_store *store, session *s, uint64_t revision,
                             view_check_result *out);
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
/* "S1 'Walls' (position 1, identifier W1), S2 'Doors' (position 2)";
 * malloc'd; "" when none. */
char *tool_spec_list_text(const tool_session *ts);
/* The specification's name (malloc'd) and, when it has one, its
 * identifier (malloc'd into *identifier_out, else NULL). */
char *tool_spec_name_dup(const ids_doc *doc, size_t index, char **identifier_out);
/* Adds spec_id (the handle), spec_index, spec_name and identifier (when
 * there is one) to result. */
void tool_spec_result(tool_ctx *c, json_t *result, size_t index);

/* Converts a facet-parameter argument (string, number, boolean or a
 * restriction object) to an ids_value; clear with ids_value_clear. On
 * failure fails the call naming the argument and returns false. */
bool tool_value_from_json(tool_ctx *c, const char *arg_name,
                          const json_t *json, const char *default_base, ids_value *out);
/* Adds a note to the result: something was accepted in another form. */
void tool_note(tool_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The base a restriction on param of f takes by default: the one its
 * dataType implies (IFCLENGTHMEASURE: xs:double) for a property value,
 * else fallback. */
const char *tool_default_base(const ids_facet *f, ids_param param, const char *fallback);
/* ids_param_from_name, also taking the facet tools' argument names
 * (property_name, entity_name, ...); -1 when none. */
int tool_param_from_name(const char *name);
/* The same value as JSON: a string, or a restriction object. */
json_t *tool_value_to_json(const ids_value *value);
/* "xs:string" for "string" or "xs:string"; NULL when not a base IDS has. */
const char *tool_base_type(const char *name);
/* "xs:string, xs:boolean, ..." */
const char *tool_base_type_list(void);

/* A facet as JSON: facet_id, facet_index, kind, parameters, attributes,
 * line. */
json_t *tool_facet_to_json(const tool_session *ts, size_t spec, ids_location loc,
                           const ids_facet *facet, size_t index);
/* Which facet a result touched: facet_id, kind, location, facet_index and
 * label (its main parameter: IFCWALL, Pset_WallCommon.FireRating, ...). */
json_t *tool_facet_ref_json(const tool_session *ts, size_t spec, ids_location loc,
                            const ids_facet *f, size_t index);
void tool_facet_label(const ids_facet *f, char *buf, size_t size);
/* "required", "optional", "prohibited" for the applicability's
 * minOccurs/maxOccurs (absent attributes are the XSD's 1/1), or
 * "nonstandard" for any other pair. */
const char *tool_usage_name(const char *min_occurs, const char *max_occurs);
/* An ifcVersion attribute's tokens as a JSON array (empty for NULL). */
json_t *tool_ifc_versions_json(const char *list);

/* ---- which facet (address.c) ---- */

typedef struct tool_facet_at {
    size_t spec;
    ids_location loc;
    size_t index;
    bool loc_defaulted, index_defaulted;
    ids_spec_view *view;     /* the specification as it was; owned */
    const ids_facet *facet;  /* in view */
} tool_facet_at;

/* Resolves facet_id, or spec_id + location + facet_index; with
 * allow_default, location and facet_index default to the facet the
 * session remembers, else the only one. Adds spec_id..., facet_id,
 * location(_defaulted), facet_index(_defaulted), facet_kind and
 * facet_label to r. On failure fails the call (listing the facets). Clear
 * *at with tool_facet_at_clear either way. */
bool tool_resolve_facet(tool_ctx *c, json_t *r, bool allow_default, tool_facet_at *at);
void tool_facet_at_clear(tool_facet_at *at);
/* "F1 (facet_index 0, entity IFCWALL), ..." of one location. */
void tool_facet_list_text(const tool_session *ts, const ids_spec_view *view, size_t spec,
                          ids_location loc, char *buf, size_t size);
/* The facets of before (the location as it was) from position from on,
 * which an add (shift +1) or a removal (shift -1) moved: facet_id, kind,
 * label, from, to. ts already has the new positions. */
json_t *tool_moved_json(const tool_session *ts, size_t spec, ids_location loc,
                        const ids_spec_view *before, size_t from, int shift);

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

/* Explained once, in the server's instructions. */
#define TOOL_ALLOW_UNKNOWN_PROP "\"allow_unknown\":" TOOL_B

/* ---- files (paths.c) ---- */

/* Resolves a path for reading (an existing regular file) or writing (an
 * existing folder plus a file name) inside the configured roots. Relative
 * paths start at the first root. On failure fails the call with a message
 * listing the roots. *out is malloc'd. */
bool tool_path_for_read(tool_ctx *c, const char *requested, char **out);
bool tool_path_for_write(tool_ctx *c, const char *requested, char **out);

/* ---- shared schema text ----
 *
 * Every byte of tools/list is read by the model on every turn, so the
 * schemas say each thing once (specs/tools.md, "Catalogue budget"):
 * descriptions only where the name and type do not already say it, the
 * restriction object once per tool under $defs, output schemas that name
 * the fields a caller uses rather than repeat every nested one. */

#define TOOL_S "{\"type\":\"string\"}"
#define TOOL_I "{\"type\":\"integer\"}"
#define TOOL_B "{\"type\":\"boolean\"}"
#define TOOL_A "{\"type\":\"array\"}"
#define TOOL_O "{\"type\":\"object\"}"

/* Legacy wires have a connection session, so session_id is optional
 * and needs no words; the stateless wire's copy of each schema
 * (catalogue.c) lists it as required. */
#define TOOL_SESSION_PROP                                                     \
    "\"session_id\":{\"type\":\"string\",\"x-mcp-header\":\"Session\"}"

#define TOOL_SPEC_ID_PROP                                                     \
    "\"spec_id\":{\"type\":[\"string\",\"integer\"]}"

/* Which facet: by handle, or by position. */
#define TOOL_FACET_ADDRESS_PROPS                                              \
    TOOL_SPEC_ID_PROP ",\"facet_id\":" TOOL_S ",\"location\":{\"enum\":["     \
    "\"applicability\",\"requirements\"]},\"facet_index\":{\"type\":"          \
    "\"integer\",\"minimum\":0}"

/* The restriction object, once per schema: "#/$defs/v" a parameter value
 * (plain, or an object of the restriction's facets: names checked here,
 * values by tool_value_from_json and the engine, whose messages name
 * them), "#/$defs/vn" the same or null. */
#define TOOL_VALUE_V                                                          \
    "\"v\":{\"type\":[\"string\",\"number\",\"boolean\",\"object\"],"         \
    "\"propertyNames\":{\"enum\":[\"base\",\"enumeration\",\"pattern\","      \
    "\"min_inclusive\",\"max_inclusive\",\"min_exclusive\",\"max_exclusive\"," \
    "\"length\",\"min_length\",\"max_length\",\"total_digits\","              \
    "\"fraction_digits\"]}}"
#define TOOL_VALUE_DEFS "\"$defs\":{" TOOL_VALUE_V "}"
#define TOOL_VALUE_DEFS_N                                                     \
    "\"$defs\":{" TOOL_VALUE_V ",\"vn\":{\"anyOf\":[{\"$ref\":\"#/$defs/v\"}," \
    "{\"type\":\"null\"}]}}"
#define TOOL_V "{\"$ref\":\"#/$defs/v\"}"
#define TOOL_VN "{\"$ref\":\"#/$defs/vn\"}"

/* An input schema: properties (text after the opening brace), the
 * required list (quoted names, may be empty), and extra top-level
 * members (such as TOOL_VALUE_DEFS, with a leading comma) or "". */
#define TOOL_IN(props, req, extra)                                            \
    "{\"type\":\"object\",\"properties\":{" props "," TOOL_SESSION_PROP "}," \
    "\"required\":[" req "],\"additionalProperties\":false" extra "}"

#define TOOL_IN_SESSION_ONLY                                                  \
    "{\"type\":\"object\",\"properties\":{" TOOL_SESSION_PROP "},"          \
    "\"additionalProperties\":false}"

/* An output schema: the fields a caller uses, and which are always
 * there (session_id is in every result). */
#define TOOL_OUT(props, req)                                                  \
    "{\"type\":\"object\",\"required\":[\"session_id\"" req "]}"
#define TOOL_OUT_SPEC "\"spec_id\":" TOOL_S ",\"spec_index\":" TOOL_I

#endif /* TOOLS_INTERNAL_H */
