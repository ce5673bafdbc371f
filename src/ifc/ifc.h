/*
 * ifc.h - IFC schema knowledge for IFC2X3, IFC4 and IFC4X3_ADD2.
 *
 * Read-only tables generated from the schema (src/ifc/gen/, see
 * specs/ifc.md), shared by all threads without locks. Every look-up is
 * O(1) or O(log n) and allocates nothing; names returned point into the
 * static tables and live as long as the process.
 *
 * Handles are small integers per version: an ifc_entity is an index into
 * that version's entity table (the same class has different ids in
 * different versions). Ids are in preorder of the inheritance tree, so a
 * class and all its subtypes form the id range [e, ifc_entity_last(e)],
 * which makes subtype tests O(1) and lets a caller keep class sets as
 * bitsets of ifc_entity_count() bits.
 *
 * Knows nothing of IDS, JSON, MCP or sessions; depends on nothing of ours.
 */
#ifndef IFC_H
#define IFC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- versions ---- */

typedef enum ifc_version {
    IFC_IFC2X3 = 0,
    IFC_IFC4 = 1,
    IFC_IFC4X3_ADD2 = 2,
    IFC_VERSION_COUNT
} ifc_version;

/* A set of versions: bit (1u << ifc_version). */
typedef unsigned ifc_version_mask;
#define IFC_ALL_VERSIONS 7u

/* The version a name denotes: "IFC2X3", "IFC4", "IFC4X3_ADD2", and
 * "IFC4X3" for IFC4X3_ADD2 (the name people use; IDS 1.0 only has the
 * ADD2 release); ASCII case-insensitive. len is the length of name (it
 * need not be NUL-terminated). False when it is none of these. */
bool ifc_version_from_name(const char *name, size_t len, ifc_version *out);
/* "IFC2X3", "IFC4", "IFC4X3_ADD2"; NULL for a value out of range. */
const char *ifc_version_name(ifc_version v);

typedef struct ifc_schema ifc_schema;

/* The tables of one version; NULL for a value out of range. */
const ifc_schema *ifc_schema_get(ifc_version v);
ifc_version ifc_schema_version(const ifc_schema *s);

/* ---- entities ---- */

typedef int ifc_entity; /* index in its version, or IFC_NONE */
#define IFC_NONE (-1)

size_t ifc_entity_count(const ifc_schema *s);
/* The entity named name (ASCII case-insensitive: IDS writes IFCWALL, STEP
 * IFCWALL, the schema IfcWall), or IFC_NONE. len as above. */
ifc_entity ifc_entity_find(const ifc_schema *s, const char *name, size_t len);
/* Its name as the schema spells it (IfcWall). */
const char *ifc_entity_name(const ifc_schema *s, ifc_entity e);
/* The direct supertype, or IFC_NONE for a root. */
ifc_entity ifc_entity_parent(const ifc_schema *s, ifc_entity e);
/* The last id of e's subtree: e and its subtypes are exactly the ids
 * e..ifc_entity_last(e). */
ifc_entity ifc_entity_last(const ifc_schema *s, ifc_entity e);
bool ifc_entity_is_abstract(const ifc_schema *s, ifc_entity e);
/* True when e is ancestor or one of its subtypes (reflexive). O(1). */
bool ifc_entity_is_subtype_of(const ifc_schema *s, ifc_entity e, ifc_entity ancestor);
/* The entity ids in name order: the i-th name, for listing and paging. */
ifc_entity ifc_entity_by_name(const ifc_schema *s, size_t i);
/* The type object that types an occurrence (IfcWall -> IfcWallType), or
 * IFC_NONE. */
ifc_entity ifc_entity_type_object(const ifc_schema *s, ifc_entity e);

/* ---- types of attributes ---- */

typedef enum ifc_type_kind {
    IFC_TYPE_NONE = 0,
    IFC_TYPE_ENTITY,    /* a reference to an instance; ref is an ifc_entity */
    IFC_TYPE_DEFINED,   /* a defined type (IfcLabel); ref is its index */
    IFC_TYPE_ENUM,      /* an enumeration (IfcWallTypeEnum); ref is its index */
    IFC_TYPE_SELECT,    /* a select (IfcValue); ref is its index */
    IFC_TYPE_AGGREGATE, /* LIST/SET/ARRAY; ifc_type_element gives the element */
    IFC_TYPE_REAL,      /* the EXPRESS simple types, written directly */
    IFC_TYPE_INTEGER,
    IFC_TYPE_STRING,
    IFC_TYPE_BOOLEAN,
    IFC_TYPE_LOGICAL,
    IFC_TYPE_BINARY,
    IFC_TYPE_NUMBER,
} ifc_type_kind;

/* A type as an opaque row of the version's type table. */
typedef int ifc_type;

ifc_type_kind ifc_type_kind_of(const ifc_schema *s, ifc_type t);
/* The entity / defined type / enumeration / select index of t. */
int ifc_type_ref(const ifc_schema *s, ifc_type t);
/* The element type of an aggregate (which may be an aggregate again), or
 * -1 when t is not one. */
ifc_type ifc_type_element(const ifc_schema *s, ifc_type t);
/* The name of t as EXPRESS writes it: IfcLabel, IfcWallTypeEnum, IfcValue,
 * IfcCartesianPoint, REAL, ...; an aggregate gives the name of its
 * innermost element type. */
const char *ifc_type_name(const ifc_schema *s, ifc_type t);
/* The kind of value t holds once defined types are followed:
 * IFC_TYPE_REAL ... IFC_TYPE_NUMBER for simple values, IFC_TYPE_ENUM,
 * IFC_TYPE_ENTITY, IFC_TYPE_SELECT or IFC_TYPE_AGGREGATE otherwise (a
 * defined type over an aggregate, such as IfcArcIndex, is an aggregate). */
ifc_type_kind ifc_type_value_kind(const ifc_schema *s, ifc_type t);

/* ---- attributes (explicit, in STEP order) ---- */

typedef struct ifc_attribute {
    const char *name;
    unsigned position;    /* 0-based slot in the STEP instance */
    ifc_entity declared_by;
    ifc_type type;
    bool optional;        /* OPTIONAL: the slot may be $ */
    bool derived;         /* redeclared as DERIVE in this entity: the slot is * */
} ifc_attribute;

/* Number of STEP slots of e: inherited and own explicit attributes. */
size_t ifc_entity_attribute_count(const ifc_schema *s, ifc_entity e);
/* The attribute at position (0-based). False when out of range. */
bool ifc_entity_attribute(const ifc_schema *s, ifc_entity e, size_t position,
                          ifc_attribute *out);
/* True when e redeclares the attribute at position as derived (its slot
 * is written *). O(1), for loops over many entities. */
bool ifc_entity_attribute_derived(const ifc_schema *s, ifc_entity e, size_t position);
/* The explicit attribute of e named name (exact case), own or inherited;
 * its position, or -1. A slot that e redeclares as derived is found and
 * flagged derived. */
int ifc_entity_attribute_find(const ifc_schema *s, ifc_entity e, const char *name,
                              ifc_attribute *out);

/* The declarations of the explicit attribute called name (exact case):
 * start with *cursor = 0 (an opaque position afterwards) and call until it
 * returns false; each call fills
 * out with one entity that declares it (out->declared_by; position and
 * type as in that entity). The attribute sits at the same position in all
 * subtypes, where ifc_entity_attribute tells whether one redeclares it as
 * derived. A whole scan is one pass over the version's attribute rows
 * (about 1,600) comparing pointers. */
bool ifc_attribute_declaration(const ifc_schema *s, const char *name, size_t *cursor,
                               ifc_attribute *out);

/* Distinct explicit attribute names of a version, sorted (for matching a
 * pattern against every name, listing and suggestions). */
size_t ifc_attribute_name_count(const ifc_schema *s);
const char *ifc_attribute_name_at(const ifc_schema *s, size_t i);
/* True when some entity of the version has an explicit attribute of that
 * name (exact case). O(log n). */
bool ifc_attribute_name_exists(const ifc_schema *s, const char *name);

/* ---- inverse attributes ---- */

typedef struct ifc_inverse {
    const char *name;
    ifc_entity declared_by;
    ifc_entity target;     /* the entity whose attribute points back */
    const char *forward;   /* that attribute */
    bool aggregate;        /* SET/BAG of target, else a single one */
} ifc_inverse;

/* Inverse attributes of e, inherited first. */
size_t ifc_entity_inverse_count(const ifc_schema *s, ifc_entity e);
bool ifc_entity_inverse(const ifc_schema *s, ifc_entity e, size_t i, ifc_inverse *out);
/* The inverse of e named name (exact case): its index, or -1. */
int ifc_entity_inverse_find(const ifc_schema *s, ifc_entity e, const char *name,
                            ifc_inverse *out);

/* ---- predefined types ---- */

/* The enumeration of e's predefined types: that of its PredefinedType
 * attribute, or when it has none, that of its type object (IFC2X3 IfcWall
 * -> IfcWallType.PredefinedType). -1 when neither has one. *via_type (may
 * be NULL) tells which. */
int ifc_entity_predefined_enum(const ifc_schema *s, ifc_entity e, bool *via_type);

/* ---- enumerations, defined types, selects ---- */

size_t ifc_enum_count(const ifc_schema *s);
/* ASCII case-insensitive; -1 when absent. */
int ifc_enum_find(const ifc_schema *s, const char *name);
const char *ifc_enum_name(const ifc_schema *s, int en);
size_t ifc_enum_value_count(const ifc_schema *s, int en);
const char *ifc_enum_value(const ifc_schema *s, int en, size_t i);
/* Index of value (exact case, as STEP and IDS write them) or -1. */
int ifc_enum_value_find(const ifc_schema *s, int en, const char *value);

size_t ifc_defined_count(const ifc_schema *s);
int ifc_defined_find(const ifc_schema *s, const char *name);
const char *ifc_defined_name(const ifc_schema *s, int d);
/* IFC_TYPE_REAL ... IFC_TYPE_BINARY, or IFC_TYPE_AGGREGATE. */
ifc_type_kind ifc_defined_value_kind(const ifc_schema *s, int d);
/* The element type of an aggregate defined type, or -1. */
ifc_type ifc_defined_element(const ifc_schema *s, int d);

size_t ifc_select_count(const ifc_schema *s);
int ifc_select_find(const ifc_schema *s, const char *name);
const char *ifc_select_name(const ifc_schema *s, int sel);
size_t ifc_select_member_count(const ifc_schema *s, int sel);
/* A member: an entity, defined type, enumeration or select. */
ifc_type ifc_select_member(const ifc_schema *s, int sel, size_t i);

/* ---- standard property and quantity sets ---- */

typedef enum ifc_property_kind {
    IFC_PROPERTY_SINGLE = 0,      /* one value of data_type */
    IFC_PROPERTY_ENUMERATION = 1, /* one of the values */
    IFC_PROPERTY_LIST = 2,
    IFC_PROPERTY_BOUNDED = 3,
    IFC_PROPERTY_REFERENCE = 4,
    IFC_PROPERTY_UNKNOWN = 5,     /* the source gives no type (tables, ...) */
} ifc_property_kind;

typedef struct ifc_property {
    const char *name;
    const char *data_type; /* upper case (IFCLABEL), "" when none */
    ifc_property_kind kind;
    size_t value_count;    /* allowed values of an enumeration */
} ifc_property;

typedef int ifc_pset; /* index in its version, or IFC_NONE */

size_t ifc_pset_count(const ifc_schema *s);
/* The set named name, exact case (Pset_WallCommon, Qto_WallBaseQuantities),
 * or IFC_NONE. */
ifc_pset ifc_pset_find(const ifc_schema *s, const char *name);
/* i-th set in name order (the sets are kept in name order). */
const char *ifc_pset_name(const ifc_schema *s, ifc_pset p);
bool ifc_pset_is_qto(const ifc_schema *s, ifc_pset p);
/* True for IFC4's quantity sets, which are IFC4X3_ADD2's (specs/ifc.md). */
bool ifc_pset_is_borrowed(const ifc_schema *s, ifc_pset p);
size_t ifc_pset_property_count(const ifc_schema *s, ifc_pset p);
bool ifc_pset_property(const ifc_schema *s, ifc_pset p, size_t i, ifc_property *out);
/* The property named name (exact case): its index, or -1. */
int ifc_pset_property_find(const ifc_schema *s, ifc_pset p, const char *name,
                           ifc_property *out);
const char *ifc_pset_property_value(const ifc_schema *s, ifc_pset p, size_t property,
                                    size_t i);
/* Entities the set is written for (their subtypes may carry it too). */
size_t ifc_pset_applicable_count(const ifc_schema *s, ifc_pset p);
ifc_entity ifc_pset_applicable(const ifc_schema *s, ifc_pset p, size_t i);
/* True when e or one of its supertypes is an applicable entity of p. */
bool ifc_pset_applies_to(const ifc_schema *s, ifc_pset p, ifc_entity e);

/* Distinct property names over all sets of the version, sorted. */
size_t ifc_property_name_count(const ifc_schema *s);
const char *ifc_property_name_at(const ifc_schema *s, size_t i);

/* ---- partOf relations ---- */

typedef struct ifc_partof {
    const char *relation; /* IFCRELAGGREGATES, ..., as IDS writes it */
    ifc_entity whole;     /* the relating side must be this or a subtype */
    ifc_entity part;      /* the related side must be this or a subtype */
} ifc_partof;

size_t ifc_partof_count(const ifc_schema *s);
bool ifc_partof_at(const ifc_schema *s, size_t i, ifc_partof *out);
/* The row whose relation is exactly relation (IDS spells it in upper case,
 * "IFCRELVOIDSELEMENT IFCRELFILLSELEMENT" being one value); -1 if none. */
int ifc_partof_find(const ifc_schema *s, const char *relation, ifc_partof *out);

/* ---- the IDS dataType table ---- */

typedef struct ifc_datatype {
    const char *name;     /* IFCLABEL */
    const char *base;     /* restriction base: xs:string, xs:double, ...; "" when none */
    unsigned versions;    /* ifc_version_mask of the versions that have it */
} ifc_datatype;

/* The row for name (exact, upper case as IDS writes it), or NULL. */
const ifc_datatype *ifc_datatype_find(const char *name);
size_t ifc_datatype_count(void);
const ifc_datatype *ifc_datatype_at(size_t i);

/* ---- "did you mean" ---- */

typedef enum ifc_name_kind {
    IFC_NAME_ENTITY,     /* class names; context unused */
    IFC_NAME_PREDEFINED, /* predefined types of the entity named context */
    IFC_NAME_ATTRIBUTE,  /* attributes of the entity named context, or of
                          * any entity when context is NULL */
    IFC_NAME_PSET,       /* standard property and quantity set names */
    IFC_NAME_PROPERTY,   /* properties of the set named context, or of any
                          * set when context is NULL */
    IFC_NAME_RELATION,   /* partOf relations */
    IFC_NAME_DATATYPE,   /* the IDS dataType table */
} ifc_name_kind;

typedef struct ifc_suggestion {
    const char *name;          /* static storage */
    unsigned distance;         /* edit distance, case-insensitive */
    ifc_version_mask versions; /* the versions (of those asked) having it */
} ifc_suggestion;

/* Ranks the names of a kind by closeness to word: edit distance with
 * ASCII case ignored (insert, delete, substitute, swap of neighbours), then
 * the number of asked versions having the name (more first), then name
 * order. A name equal to word but for case has distance 0 and is a
 * suggestion; a name equal to word is not. Only candidates within
 * max_distance (0: a default of 1 + strlen(word) / 4, at most 4) are kept;
 * at most max are written to out. Returns the number written. No
 * allocation; a word longer than 128 bytes matches nothing. */
size_t ifc_suggest(ifc_name_kind kind, ifc_version_mask versions, const char *context,
                   const char *word, unsigned max_distance, ifc_suggestion *out,
                   size_t max);

/* ---- name-fragment search ---- */

typedef struct ifc_search_hit {
    const char *name;
    const char *context; /* the set of a property; NULL otherwise */
} ifc_search_hit;

/* Names of a kind in one version that contain fragment (ASCII
 * case-insensitive; "" matches all), in name order: skips the first
 * offset hits, writes up to max to out, returns how many there are in
 * all. Kinds: IFC_NAME_ENTITY, IFC_NAME_PSET, IFC_NAME_PROPERTY (each
 * (set, property) pair; context narrows to one set when not NULL),
 * IFC_NAME_ATTRIBUTE (distinct names), IFC_NAME_DATATYPE (those the
 * version has). Other kinds return 0. */
size_t ifc_search(const ifc_schema *s, ifc_name_kind kind, const char *fragment,
                  const char *context, size_t offset, ifc_search_hit *out, size_t max);

#endif /* IFC_H */
