/*
 * ids_internal.h - what the files of src/ids share. Not for other modules.
 */
#ifndef IDS_INTERNAL_H
#define IDS_INTERNAL_H

#include "ids/ids.h"

#include <libxml/tree.h>

struct ids_doc {
    xmlDocPtr xml;
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

#endif /* IDS_INTERNAL_H */
