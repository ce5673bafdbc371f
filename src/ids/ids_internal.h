/*
 * ids_internal.h - what the files of src/ids share. Not for other modules.
 */
#ifndef IDS_INTERNAL_H
#define IDS_INTERNAL_H

#include "base/base.h"
#include "base/base.h"
#include "ids/ids.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlregexp.h>

typedef struct ids_pattern_cache ids_pattern_cache;

struct ids_doc {
    xmlDocPtr xml;
    /* Verdicts of the patterns checked for this document (pattern.c);
     * made on first use, freed with the document. */
    ids_pattern_cache *patterns;
};

/* Records an error unless err already holds one (the first error wins).
 * node, when not NULL, supplies line and path. Always returns code, so
 * callers can write `return ids_err(err, IDS_ERR_..., node, "...")`. */
ids_status ids_err(ids_error *err, ids_status code, const xmlNode *node,
                   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes the element path of node ("/ids/specifications/specification[2]/
 * applicability/entity") into buf; positions are 1-based among siblings of
 * the same name and given only where such siblings exist. */
void ids_node_path(const xmlNode *node, char *buf, size_t size);

/* True when node is an element in the IDS namespace with that local name. */
bool ids_node_is(const xmlNode *node, const char *name);
/* True when node is an element in the XML Schema namespace with that name. */
bool ids_node_is_xs(const xmlNode *node, const char *name);
/* First / next element child (skips text, comments, PIs). */
xmlNode *ids_first_element(const xmlNode *node);
xmlNode *ids_next_element(const xmlNode *node);
/* First element child in the IDS namespace named name, or NULL. */
xmlNode *ids_child(const xmlNode *node, const char *name);

/* ---- navigation (model.c); all tolerate broken documents ---- */

/* The n-th <specification> (0-based) or NULL. */
xmlNode *ids_spec_node(const ids_doc *doc, size_t index);
/* <specifications>, or NULL. */
xmlNode *ids_specs_node(const ids_doc *doc);
/* <applicability> / <requirements> of a specification, or NULL. */
xmlNode *ids_location_node(const xmlNode *spec, ids_location loc);
/* The n-th facet element (0-based, any kind) of a location, or NULL. */
xmlNode *ids_facet_node(const xmlNode *location, size_t index);
/* Kind of a facet element, or -1 when it is not one. */
int ids_facet_kind_of(const xmlNode *node);
/* The element holding a parameter (for partOf, inside its <entity>). */
xmlNode *ids_param_node(const xmlNode *facet, ids_facet_kind kind, ids_param param);

/* Reads an idsValue element (<name>, <value>, ...) into out, which the
 * caller frees with ids_value_clear. An element holding neither
 * simpleValue nor xs:restriction reads as ABSENT. */
ids_status ids_value_read(const xmlNode *param, ids_value *out, ids_error *err);
/* Reads a facet element into out (freed with ids_facet_clear). */
ids_status ids_facet_read(const xmlNode *facet, ids_facet *out, ids_error *err);
void ids_facet_clear(ids_facet *facet);
/* malloc'd copy of an attribute / element text, NULL when absent. */
char *ids_attr_dup(const xmlNode *node, const char *name);
char *ids_text_dup(const xmlNode *node);

/* ---- the standard's tables (model.c) ---- */

/* Order of facet kinds inside applicability and (canonically) requirements. */
extern const ids_facet_kind ids_facet_order[IDS_FACET_KIND_COUNT];
/* Element name of a parameter inside a facet of that kind ("name", "value",
 * ...); NULL when the kind has no such parameter. */
const char *ids_param_element(ids_facet_kind kind, ids_param param);
/* Parameters of a kind in the order the XSD wants their elements
 * (classification: value, then system). Returns the count written. */
size_t ids_param_order(ids_facet_kind kind, ids_param out[IDS_PARAM_COUNT]);
/* Cardinality values a kind takes in requirements, NULL-terminated; NULL
 * when the kind has no cardinality (entity). */
const char *const *ids_cardinality_values(ids_facet_kind kind);

/* The three ifcVersion tokens, NULL-terminated. */
extern const char *const ids_ifc_versions[];
/* partOf relation values, NULL-terminated. */
extern const char *const ids_relations[];
/* Restriction base types IDS accepts (xs:string, xs:double, ...),
 * NULL-terminated. */
extern const char *const ids_base_types[];
/* True when the base (with "xs:" prefix) accepts that restriction facet. */
bool ids_base_allows(const char *base, ids_xs_facet facet);
/* True for the bases on which XML Schema defines totalDigits and
 * fractionDigits (xs:decimal, xs:integer). ids_base_allows leaves the two
 * out, as the IDS audit tool does: they are valid XSD that IDS 1.0
 * checkers do not evaluate, so the editor accepts them on these bases and
 * the audit warns (X3). */
bool ids_base_takes_digits(const char *base);

/* ---- editing helpers (value.c, edit.c, edit_facet.c) ---- */

/* Longest pattern accepted, in bytes. */
#define IDS_MAX_PATTERN_BYTES 4096

/* ---- patterns (pattern.c) ---- */

/* Most estimated compile work one pattern may take (pattern.c's units:
 * about a nanosecond each of libxml2's work here; specs/validation.md). */
#define IDS_PATTERN_BUDGET 3e6
/* Most estimated work of the distinct patterns one validation compiles;
 * patterns over it are reported as not checked. */
#define IDS_PATTERN_DOC_BUDGET (16 * IDS_PATTERN_BUDGET)

typedef enum ids_pattern_verdict {
    IDS_PATTERN_OK = 0,
    IDS_PATTERN_INVALID,     /* not an XSD regular expression (libxml2) */
    IDS_PATTERN_TOO_COMPLEX, /* over IDS_PATTERN_BUDGET; never compiled */
    IDS_PATTERN_NOMEM
} ids_pattern_verdict;

typedef struct ids_pattern_estimate {
    double cost;           /* estimated compile work, pattern.c's units */
    bool nullable_counted; /* a {0,m} repetition of a group matching "" */
    bool too_deep;         /* groups nested deeper than libxml2 allows */
    /* An upper estimate of the steps libxml2's backtracking match of a
     * 64-character subject may take: 64 to the power of the repeated
     * pieces times the product of the choices' branch counts; infinite
     * when a repeated piece holds a choice ((A|AA)*, (x?y?){3}), which
     * backtracks exponentially. */
    double match_steps;
} ids_pattern_estimate;

/* What ids_regex_compile admits: patterns compiled and run against many
 * names in every validation (the IFC audit) must be cheap both ways. */
#define IDS_PATTERN_MATCH_BUDGET (IDS_PATTERN_BUDGET / 100)
#define IDS_PATTERN_MATCH_STEPS 8192.0

/* The estimate of a pattern's compile work, from its text alone; linear
 * in its length. */
ids_pattern_estimate ids_pattern_estimate_of(const char *pattern);
/* Checks that pattern (at most IDS_MAX_PATTERN_BYTES, UTF-8, XML
 * characters) compiles as an XSD regular expression within the budget,
 * compiling it only when the estimate allows and only once per document:
 * doc (may be NULL) keeps the verdicts. why (may be NULL) receives, for
 * TOO_COMPLEX, what to simplify. The caller serializes calls on doc. */
ids_pattern_verdict ids_pattern_check(const ids_doc *doc, const char *pattern,
                                      char *why, size_t why_size);
void ids_pattern_cache_free(ids_pattern_cache *cache);
/* Compiles a pattern for matching (nothing printed; free with
 * xmlRegFreeRegexp). NULL when it is not an XSD regular expression, is
 * longer than IDS_MAX_PATTERN_BYTES or is not valid text, and also when
 * its compile or its matches could be costly (IDS_PATTERN_MATCH_BUDGET,
 * IDS_PATTERN_MATCH_STEPS): libxml2 matches by backtracking, which takes
 * up to seconds per subject for (A|AA)*Q or A?A?...A?, and the IFC audit
 * matches each pattern against every name of a version. Callers treat
 * NULL as "not judged". */
xmlRegexpPtr ids_regex_compile(const char *pattern);
/* For matching each value of a model once (the IFC checker): a pattern
 * within the compile budget whose automaton libxml2 makes deterministic,
 * which it then matches without backtracking, in time linear in the
 * subject ([A-Z][a-z]+ [0-9]+, which ids_regex_compile's estimate of a
 * backtracking match refuses). NULL otherwise. */
xmlRegexpPtr ids_regex_compile_deterministic(const char *pattern);
/* How many patterns were compiled for doc so far (for tests). */
size_t ids_pattern_compiles(const ids_doc *doc);

/* Checks that text is valid UTF-8 made only of characters XML 1.0 can
 * carry; what names the text in the message. NULL text is an error. */
ids_status ids_text_check(const char *what, const char *text, ids_error *err);
/* As ids_text_check, and refuses "". */
ids_status ids_text_check_nonempty(const char *what, const char *text, ids_error *err);
/* ids_value_check with what ("entity name", ...) leading the message;
 * doc (may be NULL) keeps the verdicts of the patterns checked. */
ids_status ids_value_check_as(const ids_doc *doc, const ids_value *value, const char *what,
                              ids_error *err);
/* The order in which restriction items are written: enumeration, pattern,
 * minInclusive, minExclusive, maxInclusive, maxExclusive, length,
 * minLength, maxLength (then the digit facets); stable within a kind. */
extern const ids_xs_facet ids_xs_item_order[IDS_XS_FACET_COUNT];
/* NULL when v is a lexical form of base ("xs:double", ...); else a phrase
 * saying what the base allows. */
const char *ids_lexical_problem(const char *base, const char *v);
/* Joins a NULL-terminated list with ", " into buf (truncated to fit). */
void ids_list_join(const char *const *names, char *buf, size_t size);

/* ---- edit.c: shared by the editing files ---- */

/* IDS_OK when doc holds a tree whose root is IDS <ids>. */
ids_status ids_edit_doc_check(const ids_doc *doc, ids_error *err);
/* The index-th specification, or IDS_ERR_NOT_FOUND saying which exist. */
ids_status ids_edit_spec(const ids_doc *doc, size_t index, xmlNode **out, ids_error *err);
/* The text of attribute name (no namespace) without allocating, so that
 * out of memory cannot pass for "absent"; NULL when absent or when the
 * value is not a single text node. */
const char *ids_attr_peek(const xmlNode *node, const char *name);
/* Facet elements in a location (0 for NULL). */
size_t ids_location_facet_count(const xmlNode *location);
/* True when the spec's applicability has maxOccurs="0". */
bool ids_spec_is_prohibited(const xmlNode *spec);
/* Creates attribute name=value (raw text, no entity parsing) on a detached
 * carrier element, to be moved later with ids_attr_place; NULL when out of
 * memory. */
xmlAttr *ids_carrier_prop(xmlNode *carrier, const char *name, const char *value);
/* xmlNewProp that fails whole: libxml2 2.9 keeps an attribute whose name
 * or text could not be allocated (an empty minOccurs=""), so such a one
 * is removed again and NULL returned, as for out of memory. */
xmlAttr *ids_new_prop(xmlNode *node, const char *name, const char *value);
/* Moves attr from its carrier onto node without allocating: replaces a
 * same-named attribute in place, or inserts it by its rank in order (a
 * NULL-terminated list of names; NULL appends). */
void ids_attr_place(xmlNode *node, xmlAttr *attr, const char *const *order);
/* Removes attribute name (no namespace) from node, if there. */
void ids_attr_remove(xmlNode *node, const char *name);
/* Removes the spec's <requirements> when it has no element children and
 * no attributes left. */
void ids_cleanup_requirements(xmlNode *spec);

/* ---- documents (doc.c, load.c, save.c, view.c) ---- */

/* Like ids_err, but with a position that is not a node's (a parser
 * position, a file offset). line/column 0 mean unknown. */
ids_status ids_err_at(ids_error *err, ids_status code, int line, int column,
                      const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Entity loading. ids_library_init installs, once and process-wide, an
 * external entity loader that refuses every URL and every path, so nothing
 * a document says can make the process read a file or the network. Code
 * that must load local files through libxml2 (xsd.c, for ids.xsd's W3C
 * imports) sets a resolver for the calling thread only, around the work,
 * rather than swapping the global loader (which would race):
 *
 *     ids_entity_resolver_set(serve_local_w3c, &dirs);
 *     schema = xmlSchemaParse(pctxt);
 *     ids_entity_resolver_set(NULL, NULL);
 *
 * The installed loader hands every request made on that thread to the
 * resolver, which returns an input (xmlNewInputFromFile(ctxt, path) for a
 * vetted local path, xmlNewStringInputStream for a stub) or NULL to
 * refuse. Other threads keep refusing everything meanwhile. ctxt may be
 * NULL. xmlSchemaNewParserCtxt (by file name) also goes through the
 * loader; xmlSchemaNewMemParserCtxt does not need it. */
typedef xmlParserInputPtr (*ids_entity_resolver)(const char *url,
                                                 const char *id,
                                                 xmlParserCtxtPtr ctxt,
                                                 void *data);
void ids_entity_resolver_set(ids_entity_resolver resolver, void *data);
/* libxml2's loader as it was before ids_library_init replaced it. It
 * follows catalogs and fetches URLs: call it only for a local path the
 * resolver has already vetted. */
xmlExternalEntityLoader ids_default_entity_loader(void);

/* Keeps libxml2 quiet on the calling thread between begin and end: its
 * generic and structured error handlers (thread-local in libxml2) are
 * replaced by ones that record the first error here instead of printing
 * to stderr, then restored. Parser contexts carry their own handler; this
 * catches what libxml2 reports without a context (encoding conversion,
 * output, C14N, schema internals). */
typedef struct ids_xml_quiet {
    xmlGenericErrorFunc saved_generic;
    void *saved_generic_ctx;
    xmlStructuredErrorFunc saved_structured;
    void *saved_structured_ctx;
    char first[IDS_ERROR_TEXT_LEN / 2]; /* first error message, "" if none */
    int line, column;                   /* of that error, 0 when unknown */
    int code;                           /* libxml2's xmlParserErrors code */
} ids_xml_quiet;
void ids_xml_quiet_begin(ids_xml_quiet *q);
void ids_xml_quiet_end(ids_xml_quiet *q);
/* Records e in q unless q already holds an error or e is only a warning;
 * for a parser context's own structured handler. */
void ids_xml_quiet_record(ids_xml_quiet *q, const xmlError *e);

/* Runs statement with libxml2 quiet on this thread. Every public entry
 * point that lets libxml2 allocate (or report) goes through it, since
 * ids.h promises that nothing prints, even when libxml2 itself runs out
 * of memory:
 *     IDS_QUIETLY(st = spec_add_quiet(doc, fields, index_out, err));
 */
#define IDS_QUIETLY(statement)                 \
    do {                                       \
        ids_xml_quiet ids_quiet_;              \
        ids_xml_quiet_begin(&ids_quiet_);      \
        statement;                             \
        ids_xml_quiet_end(&ids_quiet_);        \
    } while (0)

/* One linear pass over an input before it is parsed (scan.c): refuses an
 * element with more than max_attributes attributes (libxml2's duplicate
 * check is quadratic in them) with IDS_ERR_LIMIT and its line, and an
 * encoding whose markup a byte scan could not see (IDS_ERR_PARSE). */
ids_status ids_scan_input(const char *data, size_t len, unsigned max_attributes,
                          ids_error *err);


/* The info formats of ids.xsd, checked over the whole string. */
bool ids_author_valid(const char *author); /* [^@]+@[^.]+\..+ */
bool ids_date_valid(const char *date);     /* xs:date, a real calendar day */

#endif /* IDS_INTERNAL_H */
