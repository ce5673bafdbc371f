/*
 * facets.c - the six facets on one element, as IfcTester evaluates them
 * (ids.py / facet.py and ifcopenshell.util.element), with the test suite's
 * overrides; specs/ifc-check.md lists the rules and the deviations.
 *
 * Each facet answers PASS, FAIL (its subject is there and does not
 * satisfy it) or ABSENT (no such property, attribute value, material,
 * classification). The cardinality turns that into a verdict: required
 * needs PASS, prohibited needs not PASS, optional needs PASS or ABSENT
 * (present values must satisfy the facet; an empty one is present).
 */
#include "verify/verify_internal.h"

#include "base/base.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_WALK 64         /* steps up a partOf or classification chain; IFC
                             * hierarchies are a handful deep */
#define MAX_PSETS 256       /* property sets of one element considered */
#define MAX_PROPS 1024      /* properties of one element considered */
#define MAX_VALUES 1024     /* values of one list, table or enumeration */

static vresult why(vctx *c, vresult r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static vresult why(vctx *c, vresult r, const char *fmt, ...)
{
    va_list ap;

    if (!c->want_reason)
        return r;
    va_start(ap, fmt);
    base_utf8_vformat(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
    return r;
}

/* cls is a string literal (the look-up is memoized by its address). */
static bool is_a(vctx *c, ifc_step_inst inst, const char *cls)
{
    ifc_entity e = ifc_model_entity_of(c->m, inst);
    ifc_entity a = vctx_entity(c, cls);
    return e != IFC_NONE && a != IFC_NONE && ifc_entity_is_subtype_of(c->s, e, a);
}

static bool class_is(vctx *c, ifc_step_inst inst, const char *cls)
{
    ifc_entity e = ifc_model_entity_of(c->m, inst);
    return e != IFC_NONE && e == vctx_entity(c, cls);
}

/* ---- entity ----------------------------------------------------------- */

static bool usable_type(const char *t)
{
    return t && *t && strcmp(t, "USERDEFINED") != 0;
}

const char *vfacet_predefined_type(vctx *c, ifc_step_inst inst)
{
    ifc_step_inst type = ifc_model_related_first(c->m, inst, IFC_REL_TYPE);
    const char *t;

    if (type != IFC_STEP_NO_INST) {
        t = vctx_attr_string(c, type, "PredefinedType");
        if (!usable_type(t)) {
            t = vctx_attr_string(c, type, "ElementType");
            if (!t)
                t = vctx_attr_string(c, type, "ProcessType");
            if (!t)
                t = vctx_attr_string(c, type, "ResourceType");
        }
        if (t && *t && strcmp(t, "NOTDEFINED") != 0)
            return t;
    }
    t = vctx_attr_string(c, inst, "PredefinedType");
    if (!usable_type(t)) {
        t = vctx_attr_string(c, inst, "ObjectType");
        if (!t && is_a(c, inst, "IfcTypeObject")) {
            t = vctx_attr_string(c, inst, "ElementType");
            if (!t)
                t = vctx_attr_string(c, inst, "ProcessType");
        }
    }
    return t;
}

/* IfcTester's is_userdefined_type: the element, or its type object, says
 * USERDEFINED (and names the type in ObjectType / ElementType), which the
 * IDS value USERDEFINED matches. */
static bool is_userdefined(vctx *c, ifc_step_inst inst)
{
    ifc_step_inst type = ifc_model_related_first(c->m, inst, IFC_REL_TYPE);
    const char *t = vctx_attr_string(c, inst, "PredefinedType");

    if (t && strcmp(t, "USERDEFINED") == 0)
        return true;
    t = type != IFC_STEP_NO_INST ? vctx_attr_string(c, type, "PredefinedType") : NULL;
    return t && strcmp(t, "USERDEFINED") == 0;
}

/* The class and predefined type of an element against name and
 * predefinedType parameters (entity; the whole of a partOf). */
static bool entity_matches(vctx *c, const vmatch *name, const vmatch *pt, ifc_step_inst inst)
{
    ifc_step_type t = ifc_step_instance_type(c->r, inst);
    const char *upper = ifc_step_type_name(c->r, t);
    const char *p;

    if (!upper || ifc_model_entity_of(c->m, inst) == IFC_NONE ||
        !vmatch_text(name, upper, strlen(upper)))
        return false;
    if (!pt->v)
        return true;
    p = vfacet_predefined_type(c, inst);
    if (p && vmatch_text(pt, p, strlen(p)))
        return true;
    return is_userdefined(c, inst) && vmatch_text(pt, "USERDEFINED", 11);
}

static vresult eval_entity(vctx *c, const vfacet *f, ifc_step_inst inst)
{
    const vmatch *name = &f->params[IDS_PARAM_NAME];
    const vmatch *pt = &f->params[IDS_PARAM_PREDEFINED_TYPE];
    char want[256];

    if (entity_matches(c, name, pt, inst))
        return VRES_PASS;
    if (name->v && !entity_matches(c, name, &(vmatch){0}, inst)) {
        vmatch_describe(name, want, sizeof want);
        return why(c, VRES_FAIL, "is an %s, not %s", vctx_class(c, inst), want);
    }
    const char *p = vfacet_predefined_type(c, inst);
    vmatch_describe(pt, want, sizeof want);
    if (!p)
        return why(c, VRES_FAIL, "has no predefined type; expected %s", want);
    return why(c, VRES_FAIL, "has predefined type '%s'; expected %s", BASE_QUOTE(p, 80), want);
}

/* ---- attribute ---------------------------------------------------------- */

static vresult eval_attribute(vctx *c, const vfacet *f, ifc_step_inst inst)
{
    const vmatch *name = &f->params[IDS_PARAM_NAME];
    const vmatch *value = &f->params[IDS_PARAM_VALUE];
    ifc_entity e = ifc_model_entity_of(c->m, inst);
    size_t n = e == IFC_NONE ? 0 : ifc_entity_attribute_count(c->s, e);
    size_t found = 0, nulls = 0;
    char want[256], got[160];

    for (size_t pos = 0; pos < n; pos++) {
        ifc_attribute a;
        ifc_step_cursor cur;
        ival v;

        if (!ifc_entity_attribute(c->s, e, pos, &a))
            continue;
        if (!vmatch_text(name, a.name, strlen(a.name)))
            continue;
        found++;
        if (a.derived) {
            return why(c, VRES_FAIL, "%s is derived and has no value to check", a.name);
        }
        if (ifc_step_attribute(c->r, inst, (unsigned)pos, &cur, NULL) == IFC_STEP_KIND_ERROR)
            return why(c, VRES_FAIL, "%s cannot be read", a.name);
        vctx_read(c, &cur, a.type, &v);
        if (v.kind == IVAL_NULL) {
            /* A name restriction matches any attribute that has a value. */
            nulls++;
            continue;
        }
        if (ival_is_empty(&v)) {
            ival_describe(&v, got, sizeof got);
            return why(c, VRES_FAIL, "%s is empty (%s)", a.name, got);
        }
        if (value->v && !vmatch_value(value, &v)) {
            ival_describe(&v, got, sizeof got);
            vmatch_describe(value, want, sizeof want);
            return why(c, VRES_FAIL, "%s is %s; expected %s", a.name, got, want);
        }
    }
    if (found == 0) {
        vmatch_describe(name, want, sizeof want);
        return why(c, VRES_ABSENT, "%s has no attribute %s", vctx_class(c, inst), want);
    }
    if (nulls == found) {
        vmatch_describe(name, want, sizeof want);
        return why(c, VRES_ABSENT, "attribute %s has no value", want);
    }
    return VRES_PASS;
}

/* ---- property ----------------------------------------------------------- */

typedef struct pset_ent {
    const char *name;
    ifc_step_inst def;
} pset_ent;

typedef struct prop_ent {
    size_t pset;               /* index into the psets */
    const char *name;
    ifc_step_inst prop;        /* the property or quantity; NO_INST for a predefined slot */
    ifc_step_inst owner;       /* the predefined set, for its slots */
    int pos;                   /* the slot of a predefined set */
} prop_ent;

/* The properties of one element, kept in the context while the element
 * is evaluated (every property facet reads them). */
typedef struct props {
    pset_ent psets[MAX_PSETS];
    size_t n_psets;
    prop_ent list[MAX_PROPS];
    size_t n;
} props;

static size_t pset_index(props *p, const char *name, ifc_step_inst def)
{
    for (size_t i = 0; i < p->n_psets; i++)
        if (strcmp(p->psets[i].name, name) == 0)
            return i;
    if (p->n_psets == MAX_PSETS)
        return SIZE_MAX;
    p->psets[p->n_psets].name = name;
    p->psets[p->n_psets].def = def;
    return p->n_psets++;
}

static void add_prop(props *p, size_t pset, const char *name, ifc_step_inst prop,
                     ifc_step_inst owner, int pos, bool override)
{
    if (override) {
        /* The occurrence's property replaces the type's of the same name
         * in the same set (get_psets updates the type's dictionary). */
        for (size_t i = 0; i < p->n; i++) {
            if (p->list[i].pset == pset && strcmp(p->list[i].name, name) == 0) {
                p->list[i].prop = prop;
                p->list[i].owner = owner;
                p->list[i].pos = pos;
                return;
            }
        }
    }
    if (p->n == MAX_PROPS)
        return;
    p->list[p->n++] = (prop_ent){pset, name, prop, owner, pos};
}

/* The properties of one property definition (a set, quantities, material
 * or profile properties, a predefined set). */
static void add_definition(vctx *c, props *p, ifc_step_inst def, bool override)
{
    static const char *const containers[] = {"HasProperties", "Quantities", "Properties",
                                             "ExtendedProperties"};
    const char *name = vctx_attr_string(c, def, "Name");
    ifc_entity e = ifc_model_entity_of(c->m, def);
    size_t pi;

    if (!name || e == IFC_NONE)
        return;
    pi = pset_index(p, name, def);
    if (pi == SIZE_MAX)
        return;
    if (is_a(c, def, "IfcPreDefinedPropertySet")) {
        size_t n = ifc_entity_attribute_count(c->s, e);
        for (size_t pos = 4; pos < n && p->n < MAX_PROPS; pos++) {
            ifc_attribute a;
            if (ifc_entity_attribute(c->s, e, pos, &a) && !a.derived)
                add_prop(p, pi, a.name, IFC_STEP_NO_INST, def, (int)pos, override);
        }
        return;
    }
    for (size_t k = 0; k < sizeof containers / sizeof containers[0]; k++) {
        int pos = vctx_attr_pos(c, e, containers[k], NULL);
        ifc_step_cursor cur, item;

        if (pos < 0)
            continue;
        if (ifc_step_attribute(c->r, def, (unsigned)pos, &cur, NULL) != IFC_STEP_KIND_LIST ||
            ifc_step_enter(&cur, &item, NULL) != IFC_STEP_OK)
            return;
        while (p->n < MAX_PROPS && ifc_step_next(&item, NULL) == IFC_STEP_KIND_REF) {
            ifc_step_inst prop;
            const char *pname;
            if (ifc_step_resolve(&item, &prop, NULL) != IFC_STEP_OK)
                continue;
            pname = vctx_attr_string(c, prop, "Name");
            if (pname)
                add_prop(p, pi, pname, prop, IFC_STEP_NO_INST, -1, override);
        }
        return;
    }
}

static void collect_props(vctx *c, ifc_step_inst inst, props *p)
{
    size_t n;
    const ifc_step_inst *defs;
    ifc_step_inst type = ifc_model_related_first(c->m, inst, IFC_REL_TYPE);

    if (type != IFC_STEP_NO_INST) {
        defs = ifc_model_related(c->m, type, IFC_REL_PROPERTIES, &n);
        for (size_t i = 0; i < n && p->n < MAX_PROPS; i++)
            add_definition(c, p, defs[i], false);
    }
    /* Only properties the type gave can be overridden; without them the
     * search for one to replace is skipped. */
    bool from_type = p->n > 0;
    defs = ifc_model_related(c->m, inst, IFC_REL_PROPERTIES, &n);
    for (size_t i = 0; i < n && p->n < MAX_PROPS; i++)
        add_definition(c, p, defs[i], from_type);
}

/* The values of one property with their types, each converted to SI. */
typedef struct pvalues {
    ival v[MAX_VALUES];
    size_t n;
    const char *unsupported;   /* a kind IDS cannot check */
} pvalues;

/* "IFCPOSITIVELENGTHMEASURE" -> "LENGTHUNIT" (IfcTester's
 * get_unit_type_from_measure); false for a type that is no measure. */
static bool unit_type_of(const char *type, char *out, size_t cap)
{
    size_t len = strlen(type);
    const char *s = type;

    if (len < 11 || strncmp(s, "IFC", 3) != 0 || strcmp(s + len - 7, "MEASURE") != 0)
        return false;
    s += 3;
    len -= 10;
    if (strncmp(s, "POSITIVE", 8) == 0 && len > 8) {
        s += 8;
        len -= 8;
    } else if (strncmp(s, "NONNEGATIVE", 11) == 0 && len > 11) {
        s += 11;
        len -= 11;
    }
    if (len + 5 > cap)
        return false;
    memcpy(out, s, len);
    memcpy(out + len, "UNIT", 5);
    return true;
}

static void to_si(vctx *c, ival *v, ifc_step_inst unit)
{
    char ut[IVAL_TYPE_LEN + 8];
    double f;

    if (v->kind != IVAL_REAL && v->kind != IVAL_INT)
        return;
    if (unit == IFC_STEP_NO_INST) {
        if (!unit_type_of(v->type, ut, sizeof ut))
            return;
        unit = ifc_model_project_unit(c->m, ut);
        if (unit == IFC_STEP_NO_INST)
            return;
    }
    if (!ifc_model_unit_factor(c->m, unit, &f) || f == 1.0)
        return;
    v->d *= f;
    v->kind = IVAL_REAL;
}

static void push_value(vctx *c, pvalues *pv, ifc_step_cursor *cur, ifc_type hint,
                       ifc_step_inst unit)
{
    if (pv->n == MAX_VALUES)
        return;
    vctx_read(c, cur, hint, &pv->v[pv->n]);
    to_si(c, &pv->v[pv->n], unit);
    pv->n++;
}

static void push_list(vctx *c, pvalues *pv, ifc_step_inst inst, const char *attr,
                      ifc_step_inst unit)
{
    ifc_entity e = ifc_model_entity_of(c->m, inst);
    int pos = vctx_attr_pos(c, e, attr, NULL);
    ifc_step_cursor cur, item;

    if (pos < 0 ||
        ifc_step_attribute(c->r, inst, (unsigned)pos, &cur, NULL) != IFC_STEP_KIND_LIST ||
        ifc_step_enter(&cur, &item, NULL) != IFC_STEP_OK)
        return;
    while (ifc_step_next(&item, NULL) > IFC_STEP_KIND_END &&
           ifc_step_kind_of(&item) != IFC_STEP_KIND_ERROR)
        push_value(c, pv, &item, -1, unit);
}

static void push_attr(vctx *c, pvalues *pv, ifc_step_inst inst, const char *attr,
                      ifc_step_inst unit)
{
    ifc_entity e = ifc_model_entity_of(c->m, inst);
    ifc_attribute a;
    int pos = vctx_attr_pos(c, e, attr, &a);
    ifc_step_cursor cur;

    if (pos < 0 ||
        ifc_step_attribute(c->r, inst, (unsigned)pos, &cur, NULL) == IFC_STEP_KIND_ERROR)
        return;
    push_value(c, pv, &cur, a.type, unit);
}

static void read_values(vctx *c, const prop_ent *pe, pvalues *pv)
{
    ifc_step_inst p = pe->prop;
    ifc_entity e;
    ifc_step_inst unit;

    pv->n = 0;
    pv->unsupported = NULL;
    if (p == IFC_STEP_NO_INST) {
        ifc_attribute a;
        ifc_step_cursor cur;
        e = ifc_model_entity_of(c->m, pe->owner);
        if (ifc_entity_attribute(c->s, e, (size_t)pe->pos, &a) &&
            ifc_step_attribute(c->r, pe->owner, (unsigned)pe->pos, &cur, NULL) !=
                IFC_STEP_KIND_ERROR)
            push_value(c, pv, &cur, a.type, IFC_STEP_NO_INST);
        return;
    }
    unit = vctx_attr_ref(c, p, "Unit");
    if (class_is(c, p, "IfcPropertySingleValue")) {
        push_attr(c, pv, p, "NominalValue", unit);
    } else if (class_is(c, p, "IfcPropertyEnumeratedValue")) {
        ifc_step_inst en = vctx_attr_ref(c, p, "EnumerationReference");
        push_list(c, pv, p, "EnumerationValues",
                  en != IFC_STEP_NO_INST ? vctx_attr_ref(c, en, "Unit") : IFC_STEP_NO_INST);
    } else if (class_is(c, p, "IfcPropertyListValue")) {
        push_list(c, pv, p, "ListValues", unit);
    } else if (class_is(c, p, "IfcPropertyBoundedValue")) {
        push_attr(c, pv, p, "UpperBoundValue", unit);
        push_attr(c, pv, p, "LowerBoundValue", unit);
        push_attr(c, pv, p, "SetPointValue", unit);
    } else if (class_is(c, p, "IfcPropertyTableValue")) {
        push_list(c, pv, p, "DefiningValues", vctx_attr_ref(c, p, "DefiningUnit"));
        push_list(c, pv, p, "DefinedValues", vctx_attr_ref(c, p, "DefinedUnit"));
    } else if (is_a(c, p, "IfcPhysicalSimpleQuantity")) {
        /* The value is the fourth attribute; its declared type names the
         * measure (IfcQuantityLength.LengthValue: IfcLengthMeasure). */
        ifc_attribute a;
        ifc_step_cursor cur;
        e = ifc_model_entity_of(c->m, p);
        if (ifc_entity_attribute(c->s, e, 3, &a) &&
            ifc_step_attribute(c->r, p, 3, &cur, NULL) != IFC_STEP_KIND_ERROR)
            push_value(c, pv, &cur, a.type, unit);
    } else {
        pv->unsupported = vctx_class(c, p);
    }
}

/* Whether one matched property satisfies the facet; c->reason says why
 * not. */
static bool property_holds(vctx *c, const vfacet *f, const char *sname, const prop_ent *pe,
                           pvalues *pv)
{
    const vmatch *value = &f->params[IDS_PARAM_VALUE];
    const char *dtype = f->f->fattrs[IDS_FATTR_DATA_TYPE];
    bool typed = false;
    char want[256], got[160];

    read_values(c, pe, pv);
    if (pv->unsupported) {
        why(c, VRES_FAIL, "%s.%s is an %s, which IDS cannot check", sname, pe->name,
            pv->unsupported);
        return false;
    }
    for (size_t k = 0; k < pv->n; k++) {
        const ival *v = &pv->v[k];
        if (dtype && strcasecmp(v->type, dtype) != 0)
            continue;
        typed = true;
        if (ival_is_empty(v))
            continue;
        if (!value->v || vmatch_value(value, v))
            return true;
    }
    if (pv->n == 0 || (pv->n == 1 && pv->v[0].kind == IVAL_NULL)) {
        why(c, VRES_FAIL, "%s.%s has no value", sname, pe->name);
    } else if (dtype && !typed) {
        why(c, VRES_FAIL, "%s.%s is of type %s, not %s", sname, pe->name,
            pv->v[0].type[0] ? pv->v[0].type : "(none)", dtype);
    } else {
        ival_describe(&pv->v[0], got, sizeof got);
        vmatch_describe(value, want, sizeof want);
        if (value->v && !ival_is_empty(&pv->v[0]))
            why(c, VRES_FAIL, "%s.%s is %s; expected %s", sname, pe->name, got, want);
        else
            why(c, VRES_FAIL, "%s.%s is empty (%s)", sname, pe->name, got);
    }
    return false;
}

/* Every matching set must have a matching property, and every matching
 * property must satisfy the facet. No matching set, or no matching
 * property in any of them, is ABSENT. */
static vresult eval_property(vctx *c, const vfacet *f, ifc_step_inst inst)
{
    const vmatch *pset = &f->params[IDS_PARAM_PROPERTY_SET];
    const vmatch *base = &f->params[IDS_PARAM_BASE_NAME];
    props *pp;
    size_t matched_psets = 0, matched_props = 0;
    const char *lacking = NULL;
    vresult res = VRES_PASS;
    char want[256];

    if (!c->values)
        c->values = malloc(sizeof(pvalues));
    if (!c->props)
        c->props = malloc(sizeof(props));
    if (!c->values || !c->props) {
        c->nomem = true;
        return why(c, VRES_FAIL, "out of memory reading properties");
    }
    pp = c->props;
    if (c->props_inst != inst) {
        pp->n = 0;
        pp->n_psets = 0;
        collect_props(c, inst, pp);
        c->props_inst = inst;
    }
    const props *p = pp;
    for (size_t s = 0; s < p->n_psets && res == VRES_PASS; s++) {
        const char *sname = p->psets[s].name;
        size_t in_set = 0;

        if (!vmatch_text(pset, sname, strlen(sname)))
            continue;
        matched_psets++;
        for (size_t i = 0; i < p->n && res == VRES_PASS; i++) {
            const prop_ent *pe = &p->list[i];

            if (pe->pset != s || !vmatch_text(base, pe->name, strlen(pe->name)))
                continue;
            in_set++;
            matched_props++;
            if (!property_holds(c, f, sname, pe, c->values))
                res = VRES_FAIL;
        }
        if (in_set == 0 && !lacking)
            lacking = sname;
    }
    if (res != VRES_PASS)
        return res;
    if (matched_psets == 0) {
        vmatch_describe(pset, want, sizeof want);
        return why(c, VRES_ABSENT, "has no property set %s", want);
    }
    if (lacking) {
        vmatch_describe(base, want, sizeof want);
        return why(c, matched_props == 0 ? VRES_ABSENT : VRES_FAIL, "%s has no property %s",
                   lacking, want);
    }
    return VRES_PASS;
}

/* ---- classification ----------------------------------------------------- */

typedef struct cref {
    ifc_step_inst leaf;
    const char *system;   /* the root IfcClassification's Name; NULL */
} cref;

static const char *ref_code(vctx *c, ifc_step_inst ref)
{
    const char *s = vctx_attr_string(c, ref, "Identification");
    return s ? s : vctx_attr_string(c, ref, "ItemReference");
}

static const char *system_of(vctx *c, ifc_step_inst x)
{
    for (int i = 0; i < MAX_WALK && x != IFC_STEP_NO_INST; i++) {
        if (is_a(c, x, "IfcClassification"))
            return vctx_attr_string(c, x, "Name");
        x = vctx_attr_ref(c, x, "ReferencedSource");
    }
    return NULL;
}

static size_t collect_refs(vctx *c, ifc_step_inst inst, cref *out, size_t max)
{
    size_t n_own, n_type = 0, n = 0;
    const ifc_step_inst *own = ifc_model_related(c->m, inst, IFC_REL_CLASSIFICATION, &n_own);
    ifc_step_inst type = ifc_model_related_first(c->m, inst, IFC_REL_TYPE);
    const ifc_step_inst *tl = NULL;

    for (size_t i = 0; i < n_own && n < max; i++) {
        if (!is_a(c, own[i], "IfcClassificationReference") &&
            !is_a(c, own[i], "IfcClassification"))
            continue; /* another kind of external reference */
        out[n].leaf = own[i];
        out[n].system = system_of(c, own[i]);
        n++;
    }
    if (type != IFC_STEP_NO_INST)
        tl = ifc_model_related(c->m, type, IFC_REL_CLASSIFICATION, &n_type);
    for (size_t i = 0; i < n_type && n < max; i++) {
        const char *sys;
        bool overridden = false;
        if (!is_a(c, tl[i], "IfcClassificationReference") &&
            !is_a(c, tl[i], "IfcClassification"))
            continue;
        sys = system_of(c, tl[i]);
        /* The occurrence overrides the type per classification system. */
        for (size_t k = 0; k < n_own && k < n; k++)
            if ((!sys && !out[k].system) ||
                (sys && out[k].system && strcmp(sys, out[k].system) == 0))
                overridden = true;
        if (!overridden) {
            out[n].leaf = tl[i];
            out[n].system = sys;
            n++;
        }
    }
    return n;
}

static bool ref_value_matches(vctx *c, const vmatch *value, ifc_step_inst leaf)
{
    ifc_step_inst x = leaf;

    if (!value->v)
        return true;
    for (int i = 0; i < MAX_WALK && x != IFC_STEP_NO_INST; i++) {
        const char *code;
        if (is_a(c, x, "IfcClassification"))
            return false;
        code = ref_code(c, x);
        if (code && vmatch_text(value, code, strlen(code)))
            return true;
        x = vctx_attr_ref(c, x, "ReferencedSource");
    }
    return false;
}

static vresult eval_classification(vctx *c, const vfacet *f, ifc_step_inst inst)
{
    const vmatch *system = &f->params[IDS_PARAM_SYSTEM];
    const vmatch *value = &f->params[IDS_PARAM_VALUE];
    cref refs[64];
    size_t n = collect_refs(c, inst, refs, 64);
    char want[256];

    if (n == 0)
        return why(c, VRES_ABSENT, "has no classification");
    for (size_t i = 0; i < n; i++) {
        if (system->v &&
            !(refs[i].system && vmatch_text(system, refs[i].system, strlen(refs[i].system))))
            continue;
        if (ref_value_matches(c, value, refs[i].leaf))
            return VRES_PASS;
    }
    {
        const char *code = is_a(c, refs[0].leaf, "IfcClassification") ? NULL
                                                                       : ref_code(c, refs[0].leaf);
        char sys_want[200];
        vmatch_describe(system, sys_want, sizeof sys_want);
        vmatch_describe(value, want, sizeof want);
        return why(c, VRES_FAIL, "is classified '%s' in '%s'; expected %s in system %s",
                   BASE_QUOTE(code ? code : "", 60),
                   BASE_QUOTE(refs[0].system ? refs[0].system : "", 60), want, sys_want);
    }
}

/* ---- material ------------------------------------------------------------ */

typedef struct mnames {
    const char *v[256];
    size_t n;
} mnames;

static void mname_add(mnames *m, const char *s)
{
    if (s && m->n < sizeof m->v / sizeof m->v[0])
        m->v[m->n++] = s;
}

static void material_names(vctx *c, ifc_step_inst mat, mnames *out)
{
    mname_add(out, vctx_attr_string(c, mat, "Name"));
    mname_add(out, vctx_attr_string(c, mat, "Category"));
}

/* Name and Category of each item in a list attribute, and of each item's
 * Material. */
static void list_names(vctx *c, ifc_step_inst set, const char *attr, mnames *out)
{
    ifc_entity e = ifc_model_entity_of(c->m, set);
    int pos = vctx_attr_pos(c, e, attr, NULL);
    ifc_step_cursor cur, item;

    if (pos < 0 ||
        ifc_step_attribute(c->r, set, (unsigned)pos, &cur, NULL) != IFC_STEP_KIND_LIST ||
        ifc_step_enter(&cur, &item, NULL) != IFC_STEP_OK)
        return;
    while (out->n < sizeof out->v / sizeof out->v[0] &&
           ifc_step_next(&item, NULL) == IFC_STEP_KIND_REF) {
        ifc_step_inst x, mat;
        if (ifc_step_resolve(&item, &x, NULL) != IFC_STEP_OK)
            continue;
        material_names(c, x, out);
        mat = vctx_attr_ref(c, x, "Material");
        if (mat != IFC_STEP_NO_INST)
            material_names(c, mat, out);
    }
}

static vresult eval_material(vctx *c, const vfacet *f, ifc_step_inst inst)
{
    const vmatch *value = &f->params[IDS_PARAM_VALUE];
    size_t n;
    const ifc_step_inst *mats = ifc_model_related(c->m, inst, IFC_REL_MATERIAL, &n);
    mnames names;
    char want[256];

    if (n == 0) {
        ifc_step_inst type = ifc_model_related_first(c->m, inst, IFC_REL_TYPE);
        if (type != IFC_STEP_NO_INST)
            mats = ifc_model_related(c->m, type, IFC_REL_MATERIAL, &n);
    }
    if (n == 0)
        return why(c, VRES_ABSENT, "has no material");
    if (!value->v)
        return VRES_PASS;
    names.n = 0;
    for (size_t i = 0; i < n; i++) {
        ifc_step_inst m = mats[i];
        ifc_step_inst set;

        if (is_a(c, m, "IfcMaterialLayerSetUsage")) {
            set = vctx_attr_ref(c, m, "ForLayerSet");
            if (set != IFC_STEP_NO_INST)
                m = set;
        } else if (is_a(c, m, "IfcMaterialProfileSetUsage")) {
            set = vctx_attr_ref(c, m, "ForProfileSet");
            if (set != IFC_STEP_NO_INST)
                m = set;
        }
        if (is_a(c, m, "IfcMaterial")) {
            material_names(c, m, &names);
        } else if (is_a(c, m, "IfcMaterialList")) {
            list_names(c, m, "Materials", &names);
        } else if (is_a(c, m, "IfcMaterialLayerSet")) {
            mname_add(&names, vctx_attr_string(c, m, "LayerSetName"));
            list_names(c, m, "MaterialLayers", &names);
        } else if (is_a(c, m, "IfcMaterialProfileSet")) {
            mname_add(&names, vctx_attr_string(c, m, "Name"));
            list_names(c, m, "MaterialProfiles", &names);
        } else if (is_a(c, m, "IfcMaterialConstituentSet")) {
            mname_add(&names, vctx_attr_string(c, m, "Name"));
            list_names(c, m, "MaterialConstituents", &names);
        } else {
            material_names(c, m, &names);
        }
    }
    for (size_t i = 0; i < names.n; i++)
        if (vmatch_text(value, names.v[i], strlen(names.v[i])))
            return VRES_PASS;
    vmatch_describe(value, want, sizeof want);
    if (names.n == 0)
        return why(c, VRES_FAIL, "has a material without a name or category; expected %s",
                   want);
    return why(c, VRES_FAIL, "has material '%s'; expected %s", BASE_QUOTE(names.v[0], 80),
               want);
}

/* ---- partOf -------------------------------------------------------------- */

static ifc_step_inst parent_of(vctx *c, ifc_step_inst x)
{
    static const ifc_model_rel order[] = {IFC_REL_CONTAINED_IN, IFC_REL_AGGREGATED_IN,
                                          IFC_REL_NESTED_IN, IFC_REL_FILLS, IFC_REL_VOIDS,
                                          IFC_REL_GROUP};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        ifc_step_inst p = ifc_model_related_first(c->m, x, order[i]);
        if (p != IFC_STEP_NO_INST)
            return p;
    }
    return IFC_STEP_NO_INST;
}

/* ifcopenshell's get_container: the container of the outermost whole the
 * element is aggregated into, else its own. */
static ifc_step_inst container_of(vctx *c, ifc_step_inst x)
{
    for (int i = 0; i < MAX_WALK; i++) {
        ifc_step_inst whole = ifc_model_related_first(c->m, x, IFC_REL_AGGREGATED_IN);
        if (whole == IFC_STEP_NO_INST)
            return ifc_model_related_first(c->m, x, IFC_REL_CONTAINED_IN);
        x = whole;
    }
    return IFC_STEP_NO_INST;
}

static vresult eval_partof(vctx *c, const vfacet *f, ifc_step_inst inst)
{
    const vmatch *name = &f->params[IDS_PARAM_NAME];
    const vmatch *pt = &f->params[IDS_PARAM_PREDEFINED_TYPE];
    const char *rel = f->f->fattrs[IDS_FATTR_RELATION];
    char want[256];
    ifc_step_inst x = inst, whole = IFC_STEP_NO_INST;
    ifc_model_rel chain = IFC_REL_COUNT;

    vmatch_describe(name, want, sizeof want);
    if (!rel || !*rel) {
        for (int i = 0; i < MAX_WALK; i++) {
            x = parent_of(c, x);
            if (x == IFC_STEP_NO_INST || x == inst)
                break;
            if (entity_matches(c, name, pt, x))
                return VRES_PASS;
        }
        return why(c, VRES_FAIL, "is not part of %s", want);
    }
    if (strcmp(rel, "IFCRELAGGREGATES") == 0)
        chain = IFC_REL_AGGREGATED_IN;
    else if (strcmp(rel, "IFCRELNESTS") == 0)
        chain = IFC_REL_NESTED_IN;
    if (chain != IFC_REL_COUNT) {
        for (int i = 0; i < MAX_WALK; i++) {
            x = ifc_model_related_first(c->m, x, chain);
            if (x == IFC_STEP_NO_INST || x == inst)
                break;
            if (entity_matches(c, name, pt, x))
                return VRES_PASS;
        }
        return why(c, VRES_FAIL, "is not %s in %s", chain == IFC_REL_NESTED_IN ? "nested"
                                                                               : "aggregated",
                   want);
    }
    if (strcmp(rel, "IFCRELCONTAINEDINSPATIALSTRUCTURE") == 0) {
        whole = container_of(c, inst);
        if (whole == IFC_STEP_NO_INST)
            return why(c, VRES_FAIL, "is not contained in a spatial structure; expected %s",
                       want);
    } else if (strcmp(rel, "IFCRELASSIGNSTOGROUP") == 0) {
        whole = ifc_model_related_first(c->m, inst, IFC_REL_GROUP);
        if (whole == IFC_STEP_NO_INST)
            return why(c, VRES_FAIL, "is in no group; expected %s", want);
    } else if (strcmp(rel, "IFCRELVOIDSELEMENT IFCRELFILLSELEMENT") == 0) {
        whole = ifc_model_related_first(c->m, inst, IFC_REL_VOIDS);
        if (whole == IFC_STEP_NO_INST) {
            ifc_step_inst opening = ifc_model_related_first(c->m, inst, IFC_REL_FILLS);
            if (opening != IFC_STEP_NO_INST)
                whole = ifc_model_related_first(c->m, opening, IFC_REL_VOIDS);
        }
        if (whole == IFC_STEP_NO_INST)
            return why(c, VRES_FAIL, "fills or voids no element; expected %s", want);
    } else {
        return why(c, VRES_FAIL, "relation %s is not one IDS defines", BASE_QUOTE(rel, 60));
    }
    if (entity_matches(c, name, pt, whole))
        return VRES_PASS;
    return why(c, VRES_FAIL, "is part of an %s (#%u), not %s", vctx_class(c, whole),
               ifc_step_instance_id(c->r, whole), want);
}

/* ---- dispatch ------------------------------------------------------------ */

vresult vfacet_eval(vctx *c, const vfacet *f, ifc_step_inst inst)
{
    c->reason[0] = '\0';
    switch (f->f->kind) {
    case IDS_FACET_ENTITY:
        return eval_entity(c, f, inst);
    case IDS_FACET_ATTRIBUTE:
        return eval_attribute(c, f, inst);
    case IDS_FACET_PROPERTY:
        return eval_property(c, f, inst);
    case IDS_FACET_CLASSIFICATION:
        return eval_classification(c, f, inst);
    case IDS_FACET_MATERIAL:
        return eval_material(c, f, inst);
    case IDS_FACET_PARTOF:
        return eval_partof(c, f, inst);
    default:
        return why(c, VRES_FAIL, "unknown facet");
    }
}

/* Why an element fails a prohibited facet: it has what the facet names. */
static void prohibited_reason(vctx *c, const vfacet *f, ifc_step_inst inst)
{
    char a[200], b[200];

    switch (f->f->kind) {
    case IDS_FACET_ENTITY:
        base_utf8_format(c->reason, sizeof c->reason, "is an %s, which is prohibited",
                         vctx_class(c, inst));
        break;
    case IDS_FACET_ATTRIBUTE:
        vmatch_describe(&f->params[IDS_PARAM_NAME], a, sizeof a);
        base_utf8_format(c->reason, sizeof c->reason, "has attribute %s%s, which is prohibited",
                         a, f->params[IDS_PARAM_VALUE].v ? " with that value" : "");
        break;
    case IDS_FACET_PROPERTY:
        vmatch_describe(&f->params[IDS_PARAM_PROPERTY_SET], a, sizeof a);
        vmatch_describe(&f->params[IDS_PARAM_BASE_NAME], b, sizeof b);
        base_utf8_format(c->reason, sizeof c->reason,
                         "has property %s in set %s%s, which is prohibited", b, a,
                         f->params[IDS_PARAM_VALUE].v ? " with that value" : "");
        break;
    case IDS_FACET_CLASSIFICATION:
        base_utf8_format(c->reason, sizeof c->reason,
                         "has the classification this requirement prohibits");
        break;
    case IDS_FACET_MATERIAL:
        base_utf8_format(c->reason, sizeof c->reason,
                         "has the material this requirement prohibits");
        break;
    case IDS_FACET_PARTOF:
        vmatch_describe(&f->params[IDS_PARAM_NAME], a, sizeof a);
        base_utf8_format(c->reason, sizeof c->reason, "is part of %s, which is prohibited", a);
        break;
    default:
        base_utf8_format(c->reason, sizeof c->reason, "matches what is prohibited");
        break;
    }
}

bool vfacet_holds(vctx *c, const vfacet *f, ids_location loc, ifc_step_inst inst)
{
    vresult r = vfacet_eval(c, f, inst);

    if (loc == IDS_APPLICABILITY)
        return r == VRES_PASS;
    switch (f->card) {
    case VCARD_PROHIBITED:
        if (r == VRES_PASS && c->want_reason)
            prohibited_reason(c, f, inst);
        return r != VRES_PASS;
    case VCARD_OPTIONAL:
        return r != VRES_FAIL;
    default:
        return r == VRES_PASS;
    }
}

bool vfacet_init(vfacet *vf, const ids_facet *f, ids_location loc, char *whybuf,
                 size_t why_size)
{
    const char *card = f->fattrs[IDS_FATTR_CARDINALITY];

    memset(vf, 0, sizeof *vf);
    vf->f = f;
    vf->card = VCARD_REQUIRED;
    if (loc == IDS_REQUIREMENTS && card) {
        if (strcmp(card, "optional") == 0)
            vf->card = VCARD_OPTIONAL;
        else if (strcmp(card, "prohibited") == 0)
            vf->card = VCARD_PROHIBITED;
    }
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        if (!vmatch_init(&vf->params[p], &f->params[p], whybuf, why_size))
            return false;
    return true;
}

void vfacet_clear(vfacet *vf)
{
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        vmatch_clear(&vf->params[p]);
}
