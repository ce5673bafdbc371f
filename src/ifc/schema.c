/*
 * schema.c - look-ups over the generated schema tables (src/ifc/gen/).
 *
 * The tables are const data: no initialization, no locks, no allocation.
 * Names are found by binary search over arrays the generator sorted in
 * ASCII case-insensitive order (ifc_name_cmp); entity ids are in preorder
 * of the inheritance tree, so "is a subtype of" is a range test; the
 * attributes of an entity, inherited ones included, are one contiguous
 * run of slots, so the attribute at a STEP position is one array read.
 */
#include "ifc/ifc_internal.h"

#include <string.h>

static const ifc_schema *const schemas[IFC_VERSION_COUNT] = {
    [IFC_IFC2X3] = &ifc_schema_ifc2x3,
    [IFC_IFC4] = &ifc_schema_ifc4,
    [IFC_IFC4X3_ADD2] = &ifc_schema_ifc4x3_add2,
};

static const char *const version_names[IFC_VERSION_COUNT] = {
    [IFC_IFC2X3] = "IFC2X3",
    [IFC_IFC4] = "IFC4",
    [IFC_IFC4X3_ADD2] = "IFC4X3_ADD2",
};

static unsigned char up(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

int ifc_name_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x != '\0' && up(*x) == up(*y)) {
        x++;
        y++;
    }
    return (int)up(*x) - (int)up(*y);
}

/* ifc_name_cmp of name[0..len) (not NUL-terminated) against b. */
static int name_cmp_n(const char *name, size_t len, const char *b)
{
    const unsigned char *x = (const unsigned char *)name, *y = (const unsigned char *)b;
    for (size_t i = 0; i < len; i++, y++) {
        if (*y == '\0')
            return 1;
        int d = (int)up(x[i]) - (int)up(*y);
        if (d != 0)
            return d;
    }
    return *y == '\0' ? 0 : -1;
}

/* Binary search over n rows whose names are offsets read by name_at;
 * case-insensitive; -1 when absent. */
#define FIND_SORTED(s, n, name_at, name, len)                                       \
    do {                                                                            \
        size_t lo_ = 0, hi_ = (n);                                                  \
        while (lo_ < hi_) {                                                         \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                    \
            int c_ = name_cmp_n((name), (len), ifc_str((s), name_at(mid_)));        \
            if (c_ == 0)                                                            \
                return (int)mid_;                                                   \
            if (c_ < 0)                                                             \
                hi_ = mid_;                                                         \
            else                                                                    \
                lo_ = mid_ + 1;                                                     \
        }                                                                           \
        return -1;                                                                  \
    } while (0)

/* ---- versions ---- */

bool ifc_version_from_name(const char *name, size_t len, ifc_version *out)
{
    if (name == NULL)
        return false;
    for (int v = 0; v < IFC_VERSION_COUNT; v++)
        if (name_cmp_n(name, len, version_names[v]) == 0) {
            *out = (ifc_version)v;
            return true;
        }
    if (name_cmp_n(name, len, "IFC4X3") == 0) {
        *out = IFC_IFC4X3_ADD2;
        return true;
    }
    return false;
}

const char *ifc_version_name(ifc_version v)
{
    return (unsigned)v < IFC_VERSION_COUNT ? version_names[v] : NULL;
}

const ifc_schema *ifc_schema_get(ifc_version v)
{
    return (unsigned)v < IFC_VERSION_COUNT ? schemas[v] : NULL;
}

ifc_version ifc_schema_version(const ifc_schema *s)
{
    return s->version;
}

/* ---- entities ---- */

static bool entity_ok(const ifc_schema *s, ifc_entity e)
{
    return e >= 0 && (size_t)e < s->entity_count;
}

size_t ifc_entity_count(const ifc_schema *s)
{
    return s->entity_count;
}

static uint32_t entity_name_sorted(const ifc_schema *s, size_t i)
{
    return s->entities[s->entities_by_name[i]].name;
}

static int entity_find_sorted(const ifc_schema *s, const char *name, size_t len)
{
#define ENTITY_NAME_AT(i) entity_name_sorted(s, (i))
    FIND_SORTED(s, s->entity_count, ENTITY_NAME_AT, name, len);
#undef ENTITY_NAME_AT
}

ifc_entity ifc_entity_find(const ifc_schema *s, const char *name, size_t len)
{
    if (name == NULL)
        return IFC_NONE;
    int i = entity_find_sorted(s, name, len);
    return i < 0 ? IFC_NONE : (ifc_entity)s->entities_by_name[i];
}

const char *ifc_entity_name(const ifc_schema *s, ifc_entity e)
{
    return entity_ok(s, e) ? ifc_str(s, s->entities[e].name) : NULL;
}

ifc_entity ifc_entity_parent(const ifc_schema *s, ifc_entity e)
{
    if (!entity_ok(s, e) || s->entities[e].parent == IFC_NO_ROW)
        return IFC_NONE;
    return s->entities[e].parent;
}

ifc_entity ifc_entity_last(const ifc_schema *s, ifc_entity e)
{
    return entity_ok(s, e) ? (ifc_entity)s->entities[e].last : IFC_NONE;
}

bool ifc_entity_is_abstract(const ifc_schema *s, ifc_entity e)
{
    return entity_ok(s, e) && (s->entities[e].flags & IFC_ENTITY_ABSTRACT) != 0;
}

bool ifc_entity_is_subtype_of(const ifc_schema *s, ifc_entity e, ifc_entity ancestor)
{
    if (!entity_ok(s, e) || !entity_ok(s, ancestor))
        return false;
    return e >= ancestor && e <= (ifc_entity)s->entities[ancestor].last;
}

ifc_entity ifc_entity_by_name(const ifc_schema *s, size_t i)
{
    return i < s->entity_count ? (ifc_entity)s->entities_by_name[i] : IFC_NONE;
}

ifc_entity ifc_entity_type_object(const ifc_schema *s, ifc_entity e)
{
    if (!entity_ok(s, e) || s->entities[e].type_object == IFC_NO_ROW)
        return IFC_NONE;
    return s->entities[e].type_object;
}

/* ---- types ---- */

static bool type_ok(const ifc_schema *s, ifc_type t)
{
    return t >= 0 && (size_t)t < s->type_count;
}

ifc_type_kind ifc_type_kind_of(const ifc_schema *s, ifc_type t)
{
    return type_ok(s, t) ? (ifc_type_kind)s->types[t].kind : IFC_TYPE_NONE;
}

int ifc_type_ref(const ifc_schema *s, ifc_type t)
{
    return type_ok(s, t) ? (int)s->types[t].ref : -1;
}

ifc_type ifc_type_element(const ifc_schema *s, ifc_type t)
{
    if (!type_ok(s, t))
        return -1;
    if (s->types[t].kind == IFC_T_AGGREGATE)
        return s->types[t].ref;
    if (s->types[t].kind == IFC_T_DEFINED) {
        const ifc_defined_row *d = &s->defined[s->types[t].ref];
        if (d->kind == IFC_T_AGGREGATE && d->element != IFC_NO_ROW)
            return d->element;
    }
    return -1;
}

const char *ifc_type_name(const ifc_schema *s, ifc_type t)
{
    for (int guard = 0; type_ok(s, t) && guard < 8; guard++) {
        const ifc_type_row *r = &s->types[t];
        switch (r->kind) {
        case IFC_T_ENTITY:
            return ifc_str(s, s->entities[r->ref].name);
        case IFC_T_DEFINED:
            return ifc_str(s, s->defined[r->ref].name);
        case IFC_T_ENUM:
            return ifc_str(s, s->enums[r->ref].name);
        case IFC_T_SELECT:
            return ifc_str(s, s->selects[r->ref].name);
        case IFC_T_AGGREGATE:
            t = r->ref;
            continue;
        case IFC_T_REAL:
            return "REAL";
        case IFC_T_INTEGER:
            return "INTEGER";
        case IFC_T_STRING:
            return "STRING";
        case IFC_T_BOOLEAN:
            return "BOOLEAN";
        case IFC_T_LOGICAL:
            return "LOGICAL";
        case IFC_T_BINARY:
            return "BINARY";
        case IFC_T_NUMBER:
            return "NUMBER";
        default:
            return NULL;
        }
    }
    return NULL;
}

ifc_type_kind ifc_type_value_kind(const ifc_schema *s, ifc_type t)
{
    if (!type_ok(s, t))
        return IFC_TYPE_NONE;
    const ifc_type_row *r = &s->types[t];
    if (r->kind == IFC_T_DEFINED)
        return (ifc_type_kind)s->defined[r->ref].kind;
    return (ifc_type_kind)r->kind;
}

/* ---- attributes ---- */

size_t ifc_entity_attribute_count(const ifc_schema *s, ifc_entity e)
{
    return entity_ok(s, e) ? s->entities[e].slot_count : 0;
}

static void fill_attribute(const ifc_schema *s, uint16_t slot, size_t position,
                           ifc_attribute *out)
{
    const ifc_attr_row *a = &s->attributes[slot & ~IFC_SLOT_DERIVED];
    out->name = ifc_str(s, a->name);
    out->position = (unsigned)position;
    out->declared_by = a->declared_by;
    out->type = a->type;
    out->optional = a->optional != 0;
    out->derived = (slot & IFC_SLOT_DERIVED) != 0;
}

bool ifc_entity_attribute(const ifc_schema *s, ifc_entity e, size_t position,
                          ifc_attribute *out)
{
    if (!entity_ok(s, e) || position >= s->entities[e].slot_count)
        return false;
    fill_attribute(s, s->slots[s->entities[e].slots + position], position, out);
    return true;
}

bool ifc_entity_attribute_derived(const ifc_schema *s, ifc_entity e, size_t position)
{
    if (!entity_ok(s, e) || position >= s->entities[e].slot_count)
        return false;
    return (s->slots[s->entities[e].slots + position] & IFC_SLOT_DERIVED) != 0;
}

int ifc_entity_attribute_find(const ifc_schema *s, ifc_entity e, const char *name,
                              ifc_attribute *out)
{
    if (!entity_ok(s, e) || name == NULL)
        return -1;
    const ifc_entity_row *r = &s->entities[e];
    for (size_t i = 0; i < r->slot_count; i++) {
        uint16_t slot = s->slots[r->slots + i];
        const ifc_attr_row *a = &s->attributes[slot & ~IFC_SLOT_DERIVED];
        if (strcmp(ifc_str(s, a->name), name) == 0) {
            if (out != NULL)
                fill_attribute(s, slot, i, out);
            return (int)i;
        }
    }
    return -1;
}

int ifc_sorted_find_exact(const ifc_schema *s, const uint32_t *names, size_t n,
                          const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ifc_name_cmp(ifc_str(s, names[mid]), name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* lo is the first name equal but for case, if any; the exact one is
     * among those that follow (the generator sorts ties by exact order). */
    for (size_t i = lo; i < n && ifc_name_cmp(ifc_str(s, names[i]), name) == 0; i++)
        if (strcmp(ifc_str(s, names[i]), name) == 0)
            return (int)i;
    return -1;
}

static int attribute_name_index(const ifc_schema *s, const char *name)
{
    return ifc_sorted_find_exact(s, s->attribute_names, s->attribute_name_count, name);
}

bool ifc_attribute_declaration(const ifc_schema *s, const char *name, size_t *cursor,
                               ifc_attribute *out)
{
    if (name == NULL || cursor == NULL)
        return false;
    /* The cursor keeps the name's index (high bits, plus one) and how far
     * it got (low 16 bits), so only the first call searches. */
    size_t i;
    if (*cursor == 0) {
        int found = attribute_name_index(s, name);
        if (found < 0)
            return false;
        i = (size_t)found;
    } else {
        i = (*cursor >> 16) - 1;
        if (i >= s->attribute_name_count)
            return false;
    }
    size_t done = *cursor & 0xFFFFu;
    size_t k = s->declaration_first[i] + done;
    if (k >= s->declaration_first[i + 1])
        return false;
    uint16_t r = s->declarations[k];
    const ifc_entity_row *d = &s->entities[s->attributes[r].declared_by];
    size_t pos = 0;
    while (pos < d->slot_count && (s->slots[d->slots + pos] & ~IFC_SLOT_DERIVED) != r)
        pos++;
    fill_attribute(s, s->slots[d->slots + pos], pos, out);
    *cursor = ((i + 1) << 16) | (done + 1);
    return true;
}

size_t ifc_attribute_name_count(const ifc_schema *s)
{
    return s->attribute_name_count;
}

const char *ifc_attribute_name_at(const ifc_schema *s, size_t i)
{
    return i < s->attribute_name_count ? ifc_str(s, s->attribute_names[i]) : NULL;
}

bool ifc_attribute_name_exists(const ifc_schema *s, const char *name)
{
    if (name == NULL)
        return false;
    return attribute_name_index(s, name) >= 0;
}

/* ---- inverses ---- */

size_t ifc_entity_inverse_count(const ifc_schema *s, ifc_entity e)
{
    return entity_ok(s, e) ? s->entities[e].inverse_count : 0;
}

bool ifc_entity_inverse(const ifc_schema *s, ifc_entity e, size_t i, ifc_inverse *out)
{
    if (!entity_ok(s, e) || i >= s->entities[e].inverse_count)
        return false;
    const ifc_inverse_row *r = &s->inverses[s->inverse_lists[s->entities[e].inverses + i]];
    out->name = ifc_str(s, r->name);
    out->declared_by = r->declared_by;
    out->target = r->target;
    out->forward = ifc_str(s, r->forward);
    out->aggregate = r->aggregate != 0;
    return true;
}

int ifc_entity_inverse_find(const ifc_schema *s, ifc_entity e, const char *name,
                            ifc_inverse *out)
{
    if (name == NULL)
        return -1;
    ifc_inverse tmp;
    for (size_t i = 0; ifc_entity_inverse(s, e, i, &tmp); i++)
        if (strcmp(tmp.name, name) == 0) {
            if (out != NULL)
                *out = tmp;
            return (int)i;
        }
    return -1;
}

/* ---- predefined types ---- */

int ifc_entity_predefined_enum(const ifc_schema *s, ifc_entity e, bool *via_type)
{
    if (via_type != NULL)
        *via_type = false;
    if (!entity_ok(s, e) || s->entities[e].predefined == IFC_NO_ROW)
        return -1;
    if (via_type != NULL)
        *via_type = (s->entities[e].flags & IFC_ENTITY_PREDEFINED_VIA_TYPE) != 0;
    return s->entities[e].predefined;
}

/* ---- enumerations ---- */

size_t ifc_enum_count(const ifc_schema *s)
{
    return s->enum_count;
}

int ifc_enum_find(const ifc_schema *s, const char *name)
{
    if (name == NULL)
        return -1;
#define ENUM_NAME_AT(i) (s->enums[(i)].name)
    FIND_SORTED(s, s->enum_count, ENUM_NAME_AT, name, strlen(name));
#undef ENUM_NAME_AT
}

const char *ifc_enum_name(const ifc_schema *s, int en)
{
    return en >= 0 && (size_t)en < s->enum_count ? ifc_str(s, s->enums[en].name) : NULL;
}

size_t ifc_enum_value_count(const ifc_schema *s, int en)
{
    return en >= 0 && (size_t)en < s->enum_count ? s->enums[en].count : 0;
}

const char *ifc_enum_value(const ifc_schema *s, int en, size_t i)
{
    if (i >= ifc_enum_value_count(s, en))
        return NULL;
    return ifc_str(s, s->enum_values[s->enums[en].first + i]);
}

int ifc_enum_value_find(const ifc_schema *s, int en, const char *value)
{
    if (value == NULL)
        return -1;
    size_t n = ifc_enum_value_count(s, en);
    for (size_t i = 0; i < n; i++)
        if (strcmp(ifc_enum_value(s, en, i), value) == 0)
            return (int)i;
    return -1;
}

/* ---- defined types ---- */

size_t ifc_defined_count(const ifc_schema *s)
{
    return s->defined_count;
}

int ifc_defined_find(const ifc_schema *s, const char *name)
{
    if (name == NULL)
        return -1;
#define DEFINED_NAME_AT(i) (s->defined[(i)].name)
    FIND_SORTED(s, s->defined_count, DEFINED_NAME_AT, name, strlen(name));
#undef DEFINED_NAME_AT
}

const char *ifc_defined_name(const ifc_schema *s, int d)
{
    return d >= 0 && (size_t)d < s->defined_count ? ifc_str(s, s->defined[d].name) : NULL;
}

ifc_type_kind ifc_defined_value_kind(const ifc_schema *s, int d)
{
    return d >= 0 && (size_t)d < s->defined_count ? (ifc_type_kind)s->defined[d].kind
                                                  : IFC_TYPE_NONE;
}

ifc_type ifc_defined_element(const ifc_schema *s, int d)
{
    if (d < 0 || (size_t)d >= s->defined_count || s->defined[d].element == IFC_NO_ROW)
        return -1;
    return s->defined[d].element;
}

/* ---- selects ---- */

size_t ifc_select_count(const ifc_schema *s)
{
    return s->select_count;
}

int ifc_select_find(const ifc_schema *s, const char *name)
{
    if (name == NULL)
        return -1;
#define SELECT_NAME_AT(i) (s->selects[(i)].name)
    FIND_SORTED(s, s->select_count, SELECT_NAME_AT, name, strlen(name));
#undef SELECT_NAME_AT
}

const char *ifc_select_name(const ifc_schema *s, int sel)
{
    return sel >= 0 && (size_t)sel < s->select_count ? ifc_str(s, s->selects[sel].name) : NULL;
}

size_t ifc_select_member_count(const ifc_schema *s, int sel)
{
    return sel >= 0 && (size_t)sel < s->select_count ? s->selects[sel].count : 0;
}

ifc_type ifc_select_member(const ifc_schema *s, int sel, size_t i)
{
    if (i >= ifc_select_member_count(s, sel))
        return -1;
    return s->select_members[s->selects[sel].first + i];
}

/* ---- property and quantity sets ---- */

static bool pset_ok(const ifc_schema *s, ifc_pset p)
{
    return p >= 0 && (size_t)p < s->pset_count;
}

size_t ifc_pset_count(const ifc_schema *s)
{
    return s->pset_count;
}

static int pset_find_ci(const ifc_schema *s, const char *name)
{
#define PSET_NAME_AT(i) (s->psets[(i)].name)
    FIND_SORTED(s, s->pset_count, PSET_NAME_AT, name, strlen(name));
#undef PSET_NAME_AT
}

ifc_pset ifc_pset_find(const ifc_schema *s, const char *name)
{
    if (name == NULL)
        return IFC_NONE;
    int i = pset_find_ci(s, name);
    if (i < 0 || strcmp(ifc_str(s, s->psets[i].name), name) != 0)
        return IFC_NONE;
    return i;
}

const char *ifc_pset_name(const ifc_schema *s, ifc_pset p)
{
    return pset_ok(s, p) ? ifc_str(s, s->psets[p].name) : NULL;
}

bool ifc_pset_is_qto(const ifc_schema *s, ifc_pset p)
{
    return pset_ok(s, p) && (s->psets[p].flags & IFC_PSET_QTO) != 0;
}

bool ifc_pset_is_borrowed(const ifc_schema *s, ifc_pset p)
{
    return pset_ok(s, p) && (s->psets[p].flags & IFC_PSET_BORROWED) != 0;
}

size_t ifc_pset_property_count(const ifc_schema *s, ifc_pset p)
{
    return pset_ok(s, p) ? s->psets[p].property_count : 0;
}

bool ifc_pset_property(const ifc_schema *s, ifc_pset p, size_t i, ifc_property *out)
{
    if (i >= ifc_pset_property_count(s, p))
        return false;
    const ifc_property_row *r = &s->properties[s->psets[p].first_property + i];
    out->name = ifc_str(s, r->name);
    out->data_type = ifc_str(s, r->data_type);
    out->kind = (ifc_property_kind)r->kind;
    out->value_count = r->count;
    return true;
}

int ifc_pset_property_find(const ifc_schema *s, ifc_pset p, const char *name,
                           ifc_property *out)
{
    if (name == NULL)
        return -1;
    size_t n = ifc_pset_property_count(s, p);
    for (size_t i = 0; i < n; i++) {
        const ifc_property_row *r = &s->properties[s->psets[p].first_property + i];
        if (strcmp(ifc_str(s, r->name), name) == 0) {
            if (out != NULL)
                ifc_pset_property(s, p, i, out);
            return (int)i;
        }
    }
    return -1;
}

const char *ifc_pset_property_value(const ifc_schema *s, ifc_pset p, size_t property,
                                    size_t i)
{
    if (property >= ifc_pset_property_count(s, p))
        return NULL;
    const ifc_property_row *r = &s->properties[s->psets[p].first_property + property];
    return i < r->count ? ifc_str(s, s->property_values[r->first + i]) : NULL;
}

size_t ifc_pset_applicable_count(const ifc_schema *s, ifc_pset p)
{
    return pset_ok(s, p) ? s->psets[p].applicable_count : 0;
}

ifc_entity ifc_pset_applicable(const ifc_schema *s, ifc_pset p, size_t i)
{
    if (i >= ifc_pset_applicable_count(s, p))
        return IFC_NONE;
    return s->applicable[s->psets[p].first_applicable + i];
}

bool ifc_pset_applies_to(const ifc_schema *s, ifc_pset p, ifc_entity e)
{
    size_t n = ifc_pset_applicable_count(s, p);
    for (size_t i = 0; i < n; i++)
        if (ifc_entity_is_subtype_of(s, e, ifc_pset_applicable(s, p, i)))
            return true;
    return false;
}

size_t ifc_property_name_count(const ifc_schema *s)
{
    return s->property_name_count;
}

const char *ifc_property_name_at(const ifc_schema *s, size_t i)
{
    return i < s->property_name_count ? ifc_str(s, s->property_names[i]) : NULL;
}

/* ---- partOf ---- */

size_t ifc_partof_count(const ifc_schema *s)
{
    return s->partof_count;
}

bool ifc_partof_at(const ifc_schema *s, size_t i, ifc_partof *out)
{
    if (i >= s->partof_count)
        return false;
    out->relation = ifc_str(s, s->partof[i].relation);
    out->whole = s->partof[i].whole;
    out->part = s->partof[i].part;
    return true;
}

int ifc_partof_find(const ifc_schema *s, const char *relation, ifc_partof *out)
{
    if (relation == NULL)
        return -1;
    for (size_t i = 0; i < s->partof_count; i++)
        if (strcmp(ifc_str(s, s->partof[i].relation), relation) == 0) {
            if (out != NULL)
                ifc_partof_at(s, i, out);
            return (int)i;
        }
    return -1;
}

/* ---- dataTypes ---- */

const ifc_datatype *ifc_datatype_find(const char *name)
{
    if (name == NULL)
        return NULL;
    size_t lo = 0, hi = ifc_datatype_total;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, ifc_datatypes[mid].name);
        if (c == 0)
            return &ifc_datatypes[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

size_t ifc_datatype_count(void)
{
    return ifc_datatype_total;
}

const ifc_datatype *ifc_datatype_at(size_t i)
{
    return i < ifc_datatype_total ? &ifc_datatypes[i] : NULL;
}
