/*
 * model.c - the model index: instances by class and the inverse relations
 * an IDS checker walks.
 *
 * The problem: IFC stores relations one way, in relationship instances
 * (IfcRelDefinesByProperties names its objects and its property set), but
 * a checker asks from the element's side ("which property sets define
 * this wall?"), millions of times over a large model. Scanning the
 * relationships per question is quadratic.
 *
 * The shape: one pass over the instances of the relationship classes
 * (found by the schema's subtype ranges, so IfcRelAggregates' subtypes
 * count too) collects one link per (element, kind, other end). Two stable
 * counting sorts, by kind and then by element, leave the links grouped by
 * element, by kind within an element, and in file order within a kind, in
 * compressed rows: off[inst] .. off[inst + 1] are inst's links, and a
 * binary search over their kinds finds one kind's run. IfcTester takes the
 * first container, the first type and so on, so file order matters.
 *
 * Memory: 4 bytes per instance (the row offsets) and 5 bytes per link
 * (other end, kind), plus 4 more per link while building. A model has
 * about two links per element.
 */
#include "ifc/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_UNITS 64          /* units kept from the project's assignment */
#define MAX_UNIT_TYPE 48      /* bytes of a unit type name */
#define MAX_UNIT_DEPTH 8      /* nesting of conversion-based units */

typedef struct unit_entry {
    char type[MAX_UNIT_TYPE];
    ifc_step_inst inst;
} unit_entry;

struct ifc_model {
    ifc_step_reader *reader;
    const ifc_schema *schema;
    ifc_version version;
    size_t n_inst;
    size_t n_types;
    ifc_entity *type_entity;    /* per step type */
    ifc_step_type *entity_type; /* per entity: its step type, or IFC_STEP_NO_TYPE */
    uint32_t *off;              /* n_inst + 1 */
    uint32_t *link_to;
    uint8_t *link_kind;
    size_t n_links;
    unit_entry units[MAX_UNITS];
    size_t n_units;
};

static const char *const rel_names[IFC_REL_COUNT] = {
    "properties", "type", "classification", "material", "aggregated_in",
    "nested_in", "contained_in", "fills", "voids", "has_openings", "group",
    "aggregates",
};

const char *ifc_model_rel_name(ifc_model_rel rel)
{
    return (unsigned)rel < IFC_REL_COUNT ? rel_names[rel] : "unknown";
}

/* A relationship class: links run from each instance named by `from` to
 * each named by `to` (either attribute may hold one reference or a list).
 * NULL from means the instance itself (a type object's HasPropertySets). */
typedef struct rel_rule {
    const char *entity;
    const char *from;
    const char *to;
    ifc_model_rel kind;
} rel_rule;

static const rel_rule rules[] = {
    {"IfcRelDefinesByProperties", "RelatedObjects", "RelatingPropertyDefinition",
     IFC_REL_PROPERTIES},
    {"IfcTypeObject", NULL, "HasPropertySets", IFC_REL_PROPERTIES},
    {"IfcRelDefinesByType", "RelatedObjects", "RelatingType", IFC_REL_TYPE},
    {"IfcRelAssociatesClassification", "RelatedObjects", "RelatingClassification",
     IFC_REL_CLASSIFICATION},
    /* IFC4: a resource (a material) classified without a rooted object. */
    {"IfcExternalReferenceRelationship", "RelatedResourceObjects", "RelatingReference",
     IFC_REL_CLASSIFICATION},
    {"IfcRelAssociatesMaterial", "RelatedObjects", "RelatingMaterial", IFC_REL_MATERIAL},
    {"IfcRelAggregates", "RelatedObjects", "RelatingObject", IFC_REL_AGGREGATED_IN},
    {"IfcRelAggregates", "RelatingObject", "RelatedObjects", IFC_REL_AGGREGATES},
    {"IfcRelNests", "RelatedObjects", "RelatingObject", IFC_REL_NESTED_IN},
    {"IfcRelContainedInSpatialStructure", "RelatedElements", "RelatingStructure",
     IFC_REL_CONTAINED_IN},
    {"IfcRelFillsElement", "RelatedBuildingElement", "RelatingOpeningElement", IFC_REL_FILLS},
    {"IfcRelVoidsElement", "RelatedOpeningElement", "RelatingBuildingElement", IFC_REL_VOIDS},
    {"IfcRelVoidsElement", "RelatingBuildingElement", "RelatedOpeningElement",
     IFC_REL_HAS_OPENINGS},
    {"IfcRelAssignsToGroup", "RelatedObjects", "RelatingGroup", IFC_REL_GROUP},
};

typedef struct builder {
    uint32_t *from;
    uint32_t *to;
    uint8_t *kind;
    size_t n;
    size_t cap;
} builder;

static bool add_link(builder *b, uint32_t from, uint32_t to, ifc_model_rel kind)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        uint32_t *f = realloc(b->from, cap * sizeof *f);
        if (!f)
            return false;
        b->from = f;
        uint32_t *t = realloc(b->to, cap * sizeof *t);
        if (!t)
            return false;
        b->to = t;
        uint8_t *k = realloc(b->kind, cap);
        if (!k)
            return false;
        b->kind = k;
        b->cap = cap;
    }
    b->from[b->n] = from;
    b->to[b->n] = to;
    b->kind[b->n] = (uint8_t)kind;
    b->n++;
    return true;
}

/* Up to max instances named by the value at cursor: one reference or a
 * list of them (other values are skipped). Returns the count found (which
 * may exceed max: the caller then reads again with room), or -1 on error. */
static long refs_at(ifc_step_cursor *c, ifc_step_inst *out, size_t max, ifc_step_error *err)
{
    ifc_step_kind k = ifc_step_kind_of(c);
    long n = 0;

    if (k == IFC_STEP_KIND_REF) {
        ifc_step_inst inst;

        if (ifc_step_resolve(c, &inst, err) != IFC_STEP_OK)
            return -1;
        if (max > 0)
            out[0] = inst;
        return 1;
    }
    if (k != IFC_STEP_KIND_LIST)
        return 0;
    ifc_step_cursor item;
    if (ifc_step_enter(c, &item, err) != IFC_STEP_OK)
        return -1;
    for (;;) {
        k = ifc_step_next(&item, err);
        if (k == IFC_STEP_KIND_END)
            break;
        if (k == IFC_STEP_KIND_ERROR)
            return -1;
        if (k != IFC_STEP_KIND_REF)
            continue;
        ifc_step_inst inst;
        if (ifc_step_resolve(&item, &inst, err) != IFC_STEP_OK)
            return -1;
        if ((size_t)n < max)
            out[n] = inst;
        n++;
    }
    return n;
}

/* The instances named by attribute pos of inst, into *buf (grown). */
static long refs_of(const ifc_step_reader *r, ifc_step_inst inst, int pos, ifc_step_inst **buf,
                    size_t *cap, ifc_step_error *err)
{
    ifc_step_cursor c;
    ifc_step_kind k = ifc_step_attribute(r, inst, (unsigned)pos, &c, err);
    long n;

    if (k == IFC_STEP_KIND_ERROR)
        return -1;
    n = refs_at(&c, *buf, *cap, err);
    if (n > 0 && (size_t)n > *cap) {
        ifc_step_inst *grown = realloc(*buf, (size_t)n * sizeof **buf);
        if (!grown) {
            err->code = IFC_STEP_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory indexing relations");
            return -1;
        }
        *buf = grown;
        *cap = (size_t)n;
        k = ifc_step_attribute(r, inst, (unsigned)pos, &c, err);
        n = refs_at(&c, *buf, *cap, err);
    }
    return n;
}

static ifc_step_status nomem(ifc_step_error *err, const char *what)
{
    if (err) {
        ifc_step_error_clear(err);
        err->code = IFC_STEP_ERR_NOMEM;
        snprintf(err->message, sizeof err->message, "out of memory %s", what);
    }
    return IFC_STEP_ERR_NOMEM;
}

static ifc_step_status collect_rule(ifc_model *m, const rel_rule *rule, builder *b,
                                    ifc_step_inst **bufs, size_t *caps, ifc_step_error *err)
{
    ifc_entity e = ifc_entity_find(m->schema, rule->entity, strlen(rule->entity));
    int from_pos = -1, to_pos;

    if (e == IFC_NONE)
        return IFC_STEP_OK;
    if (rule->from) {
        from_pos = ifc_entity_attribute_find(m->schema, e, rule->from, NULL);
        if (from_pos < 0)
            return IFC_STEP_OK;
    }
    to_pos = ifc_entity_attribute_find(m->schema, e, rule->to, NULL);
    if (to_pos < 0)
        return IFC_STEP_OK;
    for (ifc_entity sub = e; sub <= ifc_entity_last(m->schema, e); sub++) {
        size_t n;
        const ifc_step_inst *list = ifc_model_instances(m, sub, &n);

        for (size_t i = 0; i < n; i++) {
            long nf, nt;

            if (rule->from) {
                nf = refs_of(m->reader, list[i], from_pos, &bufs[0], &caps[0], err);
            } else {
                bufs[0][0] = list[i];
                nf = 1;
            }
            if (nf < 0)
                return err->code ? err->code : IFC_STEP_ERR_SYNTAX;
            if (nf == 0)
                continue;
            nt = refs_of(m->reader, list[i], to_pos, &bufs[1], &caps[1], err);
            if (nt < 0)
                return err->code ? err->code : IFC_STEP_ERR_SYNTAX;
            for (long f = 0; f < nf; f++)
                for (long t = 0; t < nt; t++)
                    if (!add_link(b, bufs[0][f], bufs[1][t], rule->kind))
                        return nomem(err, "indexing relations");
        }
    }
    return IFC_STEP_OK;
}

/* Sorts the links by (from, kind), stable, into compressed rows. */
static ifc_step_status build_rows(ifc_model *m, builder *b, ifc_step_error *err)
{
    size_t kind_start[IFC_REL_COUNT + 1] = {0};
    uint32_t *order = malloc((b->n ? b->n : 1) * sizeof *order);
    uint32_t *order2 = malloc((b->n ? b->n : 1) * sizeof *order2);
    ifc_step_status st = IFC_STEP_OK;

    m->off = calloc(m->n_inst + 1, sizeof *m->off);
    m->link_to = malloc((b->n ? b->n : 1) * sizeof *m->link_to);
    m->link_kind = malloc(b->n ? b->n : 1);
    if (!order || !order2 || !m->off || !m->link_to || !m->link_kind) {
        st = nomem(err, "indexing relations");
        goto out;
    }
    for (size_t i = 0; i < b->n; i++)
        kind_start[b->kind[i] + 1]++;
    for (size_t k = 1; k <= IFC_REL_COUNT; k++)
        kind_start[k] += kind_start[k - 1];
    for (size_t i = 0; i < b->n; i++)
        order[kind_start[b->kind[i]]++] = (uint32_t)i;
    for (size_t i = 0; i < b->n; i++)
        m->off[b->from[i] + 1]++;
    for (size_t i = 1; i <= m->n_inst; i++)
        m->off[i] += m->off[i - 1];
    {
        /* order2 takes the positions by from, stable over the kind order. */
        uint32_t *next = malloc((m->n_inst + 1) * sizeof *next);
        if (!next) {
            st = nomem(err, "indexing relations");
            goto out;
        }
        memcpy(next, m->off, (m->n_inst + 1) * sizeof *next);
        for (size_t j = 0; j < b->n; j++) {
            uint32_t i = order[j];
            order2[next[b->from[i]]++] = i;
        }
        free(next);
    }
    for (size_t j = 0; j < b->n; j++) {
        m->link_to[j] = b->to[order2[j]];
        m->link_kind[j] = b->kind[order2[j]];
    }
    m->n_links = b->n;
out:
    free(order);
    free(order2);
    return st;
}

/* ---- units ---------------------------------------------------------------- */

static int attr_pos(const ifc_model *m, ifc_entity e, const char *name)
{
    return e == IFC_NONE ? -1 : ifc_entity_attribute_find(m->schema, e, name, NULL);
}

/* The enumeration value of attribute name of inst, copied into buf. */
static bool enum_attr(const ifc_model *m, ifc_step_inst inst, const char *name, char *buf,
                      size_t cap)
{
    int pos = attr_pos(m, ifc_model_entity_of(m, inst), name);
    ifc_step_cursor c;
    const char *v;
    size_t len;

    if (pos < 0 || ifc_step_attribute(m->reader, inst, (unsigned)pos, &c, NULL) !=
                       IFC_STEP_KIND_ENUM)
        return false;
    if (ifc_step_get_enum(&c, &v, &len, NULL) != IFC_STEP_OK || len >= cap)
        return false;
    memcpy(buf, v, len);
    buf[len] = '\0';
    return true;
}

static double prefix_factor(const char *p)
{
    static const struct { const char *name; int exp; } prefixes[] = {
        {"EXA", 18}, {"PETA", 15}, {"TERA", 12}, {"GIGA", 9}, {"MEGA", 6}, {"KILO", 3},
        {"HECTO", 2}, {"DECA", 1}, {"DECI", -1}, {"CENTI", -2}, {"MILLI", -3},
        {"MICRO", -6}, {"NANO", -9}, {"PICO", -12}, {"FEMTO", -15}, {"ATTO", -18},
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strcmp(p, prefixes[i].name) == 0)
            return pow(10.0, prefixes[i].exp);
    return 1.0;
}

/* The real inside a typed value (IFCLENGTHMEASURE(0.3048)) or a bare number. */
static bool number_at(ifc_step_cursor *c, double *out)
{
    ifc_step_kind k = ifc_step_kind_of(c);

    if (k == IFC_STEP_KIND_TYPED) {
        ifc_step_cursor in;
        if (ifc_step_enter(c, &in, NULL) != IFC_STEP_OK)
            return false;
        k = ifc_step_next(&in, NULL);
        *c = in;
    }
    if (k != IFC_STEP_KIND_REAL && k != IFC_STEP_KIND_INTEGER)
        return false;
    return ifc_step_get_real(c, out, NULL) == IFC_STEP_OK;
}

static bool unit_factor(const ifc_model *m, ifc_step_inst unit, double *factor, int depth)
{
    ifc_entity e = ifc_model_entity_of(m, unit);
    const char *name;
    char buf[64];

    if (e == IFC_NONE || depth > MAX_UNIT_DEPTH)
        return false;
    name = ifc_entity_name(m->schema, e);
    if (strcmp(name, "IfcSIUnit") == 0) {
        double p = 1.0;
        int power = 1;

        if (enum_attr(m, unit, "Prefix", buf, sizeof buf))
            p = prefix_factor(buf);
        if (enum_attr(m, unit, "Name", buf, sizeof buf)) {
            if (strncmp(buf, "SQUARE_", 7) == 0)
                power = 2;
            else if (strncmp(buf, "CUBIC_", 6) == 0)
                power = 3;
        }
        *factor = pow(p, power);
        return true;
    }
    if (strcmp(name, "IfcMonetaryUnit") == 0) {
        *factor = 1.0;
        return true;
    }
    if (strcmp(name, "IfcConversionBasedUnit") == 0 ||
        strcmp(name, "IfcConversionBasedUnitWithOffset") == 0) {
        int pos = attr_pos(m, e, "ConversionFactor");
        ifc_step_cursor c;
        ifc_step_inst mwu, inner;
        ifc_entity me;
        double value, base;

        if (pos < 0 || ifc_step_attribute(m->reader, unit, (unsigned)pos, &c, NULL) !=
                           IFC_STEP_KIND_REF ||
            ifc_step_resolve(&c, &mwu, NULL) != IFC_STEP_OK)
            return false;
        me = ifc_model_entity_of(m, mwu);
        if (me == IFC_NONE)
            return false;
        pos = attr_pos(m, me, "ValueComponent");
        if (pos < 0 || ifc_step_attribute(m->reader, mwu, (unsigned)pos, &c, NULL) ==
                           IFC_STEP_KIND_ERROR ||
            !number_at(&c, &value))
            return false;
        pos = attr_pos(m, me, "UnitComponent");
        if (pos < 0 || ifc_step_attribute(m->reader, mwu, (unsigned)pos, &c, NULL) !=
                           IFC_STEP_KIND_REF ||
            ifc_step_resolve(&c, &inner, NULL) != IFC_STEP_OK ||
            !unit_factor(m, inner, &base, depth + 1))
            return false;
        *factor = value * base;
        return true;
    }
    if (strcmp(name, "IfcDerivedUnit") == 0) {
        int pos = attr_pos(m, e, "Elements");
        ifc_step_cursor c, item;
        double f = 1.0;

        if (pos < 0 || ifc_step_attribute(m->reader, unit, (unsigned)pos, &c, NULL) !=
                           IFC_STEP_KIND_LIST ||
            ifc_step_enter(&c, &item, NULL) != IFC_STEP_OK)
            return false;
        while (ifc_step_next(&item, NULL) == IFC_STEP_KIND_REF) {
            ifc_step_inst el, u;
            ifc_step_cursor a;
            ifc_entity ee;
            int64_t exp;
            double uf;

            if (ifc_step_resolve(&item, &el, NULL) != IFC_STEP_OK)
                return false;
            ee = ifc_model_entity_of(m, el);
            if (ifc_step_attribute(m->reader, el, (unsigned)attr_pos(m, ee, "Unit"), &a,
                                   NULL) != IFC_STEP_KIND_REF ||
                ifc_step_resolve(&a, &u, NULL) != IFC_STEP_OK ||
                !unit_factor(m, u, &uf, depth + 1))
                return false;
            if (ifc_step_attribute(m->reader, el, (unsigned)attr_pos(m, ee, "Exponent"), &a,
                                   NULL) != IFC_STEP_KIND_INTEGER ||
                ifc_step_get_integer(&a, &exp, NULL) != IFC_STEP_OK || exp < -16 || exp > 16)
                return false;
            f *= pow(uf, (double)exp);
        }
        *factor = f;
        return true;
    }
    return false;
}

bool ifc_model_unit_factor(const ifc_model *m, ifc_step_inst unit, double *factor)
{
    if (!m || unit >= m->n_inst || !factor)
        return false;
    return unit_factor(m, unit, factor, 0);
}

ifc_step_inst ifc_model_project_unit(const ifc_model *m, const char *unit_type)
{
    if (!m || !unit_type)
        return IFC_STEP_NO_INST;
    for (size_t i = 0; i < m->n_units; i++)
        if (strcmp(m->units[i].type, unit_type) == 0)
            return m->units[i].inst;
    return IFC_STEP_NO_INST;
}

static void read_units(ifc_model *m)
{
    ifc_entity project = ifc_entity_find(m->schema, "IfcProject", 10);
    const ifc_step_inst *list;
    size_t n;
    int pos;
    ifc_step_cursor c, item;
    ifc_step_inst ua;

    list = ifc_model_instances(m, project, &n);
    pos = attr_pos(m, project, "UnitsInContext");
    if (n == 0 || pos < 0)
        return;
    if (ifc_step_attribute(m->reader, list[0], (unsigned)pos, &c, NULL) != IFC_STEP_KIND_REF ||
        ifc_step_resolve(&c, &ua, NULL) != IFC_STEP_OK)
        return;
    pos = attr_pos(m, ifc_model_entity_of(m, ua), "Units");
    if (pos < 0 || ifc_step_attribute(m->reader, ua, (unsigned)pos, &c, NULL) !=
                       IFC_STEP_KIND_LIST ||
        ifc_step_enter(&c, &item, NULL) != IFC_STEP_OK)
        return;
    while (ifc_step_next(&item, NULL) == IFC_STEP_KIND_REF && m->n_units < MAX_UNITS) {
        ifc_step_inst u;
        unit_entry *ue = &m->units[m->n_units];

        if (ifc_step_resolve(&item, &u, NULL) != IFC_STEP_OK)
            continue;
        if (!enum_attr(m, u, "UnitType", ue->type, sizeof ue->type)) {
            /* IfcMonetaryUnit has no UnitType; IfcUnitEnum calls it so. */
            ifc_entity e = ifc_model_entity_of(m, u);
            if (e == IFC_NONE || strcmp(ifc_entity_name(m->schema, e), "IfcMonetaryUnit") != 0)
                continue;
            strcpy(ue->type, "MONETARYUNIT");
        }
        ue->inst = u;
        m->n_units++;
    }
}

/* ---- building ---------------------------------------------------------- */

ifc_step_status ifc_model_new(ifc_step_reader *reader, ifc_model **out, ifc_step_error *err)
{
    ifc_model *m;
    ifc_step_error local;
    builder b = {0};
    ifc_step_inst *bufs[2] = {NULL, NULL};
    size_t caps[2] = {16, 16};
    ifc_step_status st = IFC_STEP_OK;
    size_t n_ent;

    if (!err)
        err = &local;
    ifc_step_error_clear(err);
    *out = NULL;
    if (!reader)
        return IFC_STEP_ERR_NOT_FOUND;
    m = calloc(1, sizeof *m);
    if (!m) {
        ifc_step_close(reader);
        return nomem(err, "opening the model");
    }
    m->reader = reader;
    if (!ifc_step_version(reader, &m->version)) {
        err->code = IFC_STEP_ERR_UNSUPPORTED;
        snprintf(err->message, sizeof err->message,
                 "FILE_SCHEMA names '%s'; the checker reads IFC2X3, IFC4 and IFC4X3 models",
                 ifc_step_schema_identifier(reader));
        st = IFC_STEP_ERR_UNSUPPORTED;
        goto fail;
    }
    m->schema = ifc_schema_get(m->version);
    m->n_inst = ifc_step_instance_count(reader);
    m->n_types = ifc_step_type_count(reader);
    n_ent = ifc_entity_count(m->schema);
    m->type_entity = malloc((m->n_types ? m->n_types : 1) * sizeof *m->type_entity);
    m->entity_type = malloc(n_ent * sizeof *m->entity_type);
    bufs[0] = malloc(caps[0] * sizeof *bufs[0]);
    bufs[1] = malloc(caps[1] * sizeof *bufs[1]);
    if (!m->type_entity || !m->entity_type || !bufs[0] || !bufs[1]) {
        st = nomem(err, "opening the model");
        goto fail;
    }
    for (size_t e = 0; e < n_ent; e++)
        m->entity_type[e] = IFC_STEP_NO_TYPE;
    for (size_t t = 0; t < m->n_types; t++) {
        const char *name = ifc_step_type_name(reader, (ifc_step_type)t);
        ifc_entity e = ifc_entity_find(m->schema, name, strlen(name));

        m->type_entity[t] = e;
        if (e != IFC_NONE)
            m->entity_type[e] = (ifc_step_type)t;
    }
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        st = collect_rule(m, &rules[i], &b, bufs, caps, err);
        if (st != IFC_STEP_OK)
            goto fail;
    }
    st = build_rows(m, &b, err);
    if (st != IFC_STEP_OK)
        goto fail;
    read_units(m);
    free(b.from);
    free(b.to);
    free(b.kind);
    free(bufs[0]);
    free(bufs[1]);
    *out = m;
    return IFC_STEP_OK;
fail:
    free(b.from);
    free(b.to);
    free(b.kind);
    free(bufs[0]);
    free(bufs[1]);
    ifc_model_free(m);
    return st;
}

ifc_step_status ifc_model_open_file(const char *path, const ifc_step_limits *limits,
                                    ifc_model **out, ifc_step_error *err)
{
    ifc_step_reader *r;
    ifc_step_status st = ifc_step_open_file(path, limits, &r, err);

    *out = NULL;
    if (st != IFC_STEP_OK)
        return st;
    return ifc_model_new(r, out, err);
}

ifc_step_status ifc_model_open_memory(const void *data, size_t len,
                                      const ifc_step_limits *limits, ifc_model **out,
                                      ifc_step_error *err)
{
    ifc_step_reader *r;
    ifc_step_status st = ifc_step_open_memory(data, len, limits, &r, err);

    *out = NULL;
    if (st != IFC_STEP_OK)
        return st;
    return ifc_model_new(r, out, err);
}

void ifc_model_free(ifc_model *m)
{
    if (!m)
        return;
    ifc_step_close(m->reader);
    free(m->type_entity);
    free(m->entity_type);
    free(m->off);
    free(m->link_to);
    free(m->link_kind);
    free(m);
}

/* ---- queries ----------------------------------------------------------- */

const ifc_step_reader *ifc_model_reader(const ifc_model *m)
{
    return m ? m->reader : NULL;
}

ifc_version ifc_model_version(const ifc_model *m)
{
    return m->version;
}

const ifc_schema *ifc_model_schema(const ifc_model *m)
{
    return m ? m->schema : NULL;
}

size_t ifc_model_memory_bytes(const ifc_model *m)
{
    if (!m)
        return 0;
    return sizeof *m + ifc_step_memory_bytes(m->reader) +
           m->n_types * sizeof *m->type_entity +
           ifc_entity_count(m->schema) * sizeof *m->entity_type +
           (m->n_inst + 1) * sizeof *m->off + m->n_links * 5;
}

ifc_entity ifc_model_entity_of(const ifc_model *m, ifc_step_inst inst)
{
    ifc_step_type t;

    if (!m || inst >= m->n_inst)
        return IFC_NONE;
    t = ifc_step_instance_type(m->reader, inst);
    return t < m->n_types ? m->type_entity[t] : IFC_NONE;
}

const ifc_step_inst *ifc_model_instances(const ifc_model *m, ifc_entity e, size_t *n)
{
    *n = 0;
    if (!m || e < 0 || (size_t)e >= ifc_entity_count(m->schema) ||
        m->entity_type[e] == IFC_STEP_NO_TYPE)
        return NULL;
    return ifc_step_instances_of_type(m->reader, m->entity_type[e], n);
}

size_t ifc_model_count(const ifc_model *m, ifc_entity e, bool subtypes)
{
    size_t total = 0, n;

    if (!m || e < 0)
        return 0;
    ifc_entity last = subtypes ? ifc_entity_last(m->schema, e) : e;
    for (ifc_entity s = e; s <= last; s++) {
        ifc_model_instances(m, s, &n);
        total += n;
    }
    return total;
}

static int cmp_inst(const void *a, const void *b)
{
    ifc_step_inst x = *(const ifc_step_inst *)a, y = *(const ifc_step_inst *)b;
    return x < y ? -1 : x > y;
}

ifc_step_status ifc_model_collect(const ifc_model *m, ifc_entity e, bool subtypes,
                                  ifc_step_inst **out, size_t *n_out)
{
    size_t total = ifc_model_count(m, e, subtypes), k = 0, n;
    ifc_step_inst *list;
    int classes = 0;

    *out = NULL;
    *n_out = 0;
    if (total == 0)
        return IFC_STEP_OK;
    list = malloc(total * sizeof *list);
    if (!list)
        return IFC_STEP_ERR_NOMEM;
    ifc_entity last = subtypes ? ifc_entity_last(m->schema, e) : e;
    for (ifc_entity s = e; s <= last; s++) {
        const ifc_step_inst *part = ifc_model_instances(m, s, &n);
        if (n) {
            memcpy(list + k, part, n * sizeof *list);
            k += n;
            classes++;
        }
    }
    if (classes > 1)
        qsort(list, total, sizeof *list, cmp_inst);
    *out = list;
    *n_out = total;
    return IFC_STEP_OK;
}

const ifc_step_inst *ifc_model_related(const ifc_model *m, ifc_step_inst inst,
                                       ifc_model_rel rel, size_t *n)
{
    uint32_t lo, hi, a, b;

    *n = 0;
    if (!m || inst >= m->n_inst || (unsigned)rel >= IFC_REL_COUNT)
        return NULL;
    lo = m->off[inst];
    hi = m->off[inst + 1];
    /* first link of kind >= rel, then first of kind > rel */
    a = lo;
    b = hi;
    while (a < b) {
        uint32_t mid = a + (b - a) / 2;
        if (m->link_kind[mid] < rel)
            a = mid + 1;
        else
            b = mid;
    }
    lo = a;
    b = hi;
    while (a < b) {
        uint32_t mid = a + (b - a) / 2;
        if (m->link_kind[mid] <= rel)
            a = mid + 1;
        else
            b = mid;
    }
    *n = a - lo;
    return *n ? m->link_to + lo : NULL;
}

ifc_step_inst ifc_model_related_first(const ifc_model *m, ifc_step_inst inst,
                                      ifc_model_rel rel)
{
    size_t n;
    const ifc_step_inst *l = ifc_model_related(m, inst, rel, &n);
    return n ? l[0] : IFC_STEP_NO_INST;
}
