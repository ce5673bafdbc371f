/*
 * ifc_internal.h - what the files of src/ifc share: the layout of the
 * generated schema tables (src/ifc/gen/, written by
 * scripts/ifc-schema/generate.mjs, which must agree with this file).
 * Not for other modules.
 *
 * Every name is an offset into the version's string pool; the pool holds
 * each string once, so two names are equal exactly when their offsets are.
 * Indices are uint16_t, with IFC_NO_ROW for "none".
 */
#ifndef IFC_INTERNAL_H
#define IFC_INTERNAL_H

#include "ifc/ifc.h"

#include <stdint.h>

#define IFC_NO_ROW 0xFFFFu

/* Type descriptor kinds; values fixed by the generator. */
enum {
    IFC_T_ENTITY = 1,
    IFC_T_DEFINED = 2,
    IFC_T_ENUM = 3,
    IFC_T_SELECT = 4,
    IFC_T_AGGREGATE = 5,
    IFC_T_REAL = 6,
    IFC_T_INTEGER = 7,
    IFC_T_STRING = 8,
    IFC_T_BOOLEAN = 9,
    IFC_T_LOGICAL = 10,
    IFC_T_BINARY = 11,
    IFC_T_NUMBER = 12,
};

enum {
    IFC_ENTITY_ABSTRACT = 1,
    IFC_ENTITY_PREDEFINED_VIA_TYPE = 2,
};

enum {
    IFC_PSET_QTO = 1,
    IFC_PSET_BORROWED = 2,
};

#define IFC_SLOT_DERIVED 0x8000u

typedef struct ifc_entity_row {
    uint32_t name;
    uint16_t parent;      /* IFC_NO_ROW for a root */
    uint16_t last;        /* ids are in preorder: the subtree is [id, last] */
    uint16_t slots;       /* first entry in slots[] */
    uint16_t inverses;    /* first entry in inverse_lists[] */
    uint16_t predefined;  /* enum of its predefined types, or IFC_NO_ROW */
    uint16_t type_object; /* its type entity, or IFC_NO_ROW */
    uint8_t slot_count;
    uint8_t inverse_count;
    uint8_t flags;
} ifc_entity_row;

typedef struct ifc_attr_row {
    uint32_t name;
    uint16_t type; /* types[] */
    uint16_t declared_by;
    uint8_t optional;
} ifc_attr_row;

typedef struct ifc_inverse_row {
    uint32_t name;
    uint32_t forward; /* name of the attribute of target it inverts */
    uint16_t declared_by;
    uint16_t target;
    uint8_t aggregate;
} ifc_inverse_row;

typedef struct ifc_type_row {
    uint8_t kind;
    uint16_t ref; /* entity, defined, enum or select row; element type */
} ifc_type_row;

typedef struct ifc_defined_row {
    uint32_t name;
    uint8_t kind;     /* IFC_T_REAL ... IFC_T_AGGREGATE */
    uint16_t element; /* types[] row of an aggregate's element */
} ifc_defined_row;

typedef struct ifc_enum_row {
    uint32_t name;
    uint16_t first; /* enum_values[] */
    uint16_t count;
} ifc_enum_row;

typedef struct ifc_select_row {
    uint32_t name;
    uint16_t first; /* select_members[], types[] rows */
    uint16_t count;
} ifc_select_row;

typedef struct ifc_property_row {
    uint32_t name;
    uint32_t data_type; /* upper case, "" when none */
    uint16_t first;     /* property_values[] */
    uint16_t count;
    uint8_t kind;       /* ifc_property_kind */
} ifc_property_row;

typedef struct ifc_pset_row {
    uint32_t name;
    uint16_t first_property;
    uint16_t property_count;
    uint16_t first_applicable; /* applicable[], entity ids */
    uint8_t applicable_count;
    uint8_t flags;
} ifc_pset_row;

typedef struct ifc_partof_row {
    uint32_t relation;
    uint16_t whole;
    uint16_t part;
} ifc_partof_row;

struct ifc_schema {
    ifc_version version;
    const char *strings;
    const ifc_entity_row *entities;
    size_t entity_count;
    const uint16_t *entities_by_name; /* ids sorted by name, ASCII case-insensitive */
    const uint16_t *slots;
    size_t slot_count;
    const ifc_attr_row *attributes;
    size_t attribute_count;
    const uint16_t *inverse_lists;
    const ifc_inverse_row *inverses;
    size_t inverse_count;
    const ifc_type_row *types;
    size_t type_count;
    const ifc_defined_row *defined; /* sorted by name */
    size_t defined_count;
    const uint32_t *enum_values;
    const ifc_enum_row *enums; /* sorted by name */
    size_t enum_count;
    const uint16_t *select_members;
    const ifc_select_row *selects; /* sorted by name */
    size_t select_count;
    const uint32_t *property_values;
    const ifc_property_row *properties;
    const uint16_t *applicable;
    const ifc_pset_row *psets; /* sorted by name */
    size_t pset_count;
    const ifc_partof_row *partof;
    size_t partof_count;
    const uint32_t *attribute_names; /* distinct, sorted */
    size_t attribute_name_count;
    const uint16_t *declaration_first; /* per distinct name, into declarations */
    const uint16_t *declarations;      /* attribute rows grouped by name */
    const uint32_t *property_names; /* distinct, sorted */
    size_t property_name_count;
};

extern const ifc_schema ifc_schema_ifc2x3;
extern const ifc_schema ifc_schema_ifc4;
extern const ifc_schema ifc_schema_ifc4x3_add2;

/* The IDS dataType table (gen/datatypes.c), sorted by name. */
extern const ifc_datatype ifc_datatypes[];
extern const size_t ifc_datatype_total;

static inline const char *ifc_str(const ifc_schema *s, uint32_t offset)
{
    return s->strings + offset;
}

/* ASCII case-insensitive comparison, the order of every sorted table. */
int ifc_name_cmp(const char *a, const char *b);
/* Index of the name equal to name (exact case) in a sorted array of name
 * offsets, or -1. Names equal but for case (IFC2X3 has ID and Id) are
 * neighbours; the exact one is picked among them. */
int ifc_sorted_find_exact(const ifc_schema *s, const uint32_t *names, size_t n,
                          const char *name);

#endif /* IFC_INTERNAL_H */
