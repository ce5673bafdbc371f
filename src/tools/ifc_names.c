/*
 * ifc_names.c - IFC names at edit time.
 *
 * A model authoring IDS invents names: IFCWAL, Pset_WallCommon.FireRatingg,
 * a dataType the standard property does not have. The audit
 * (validate_ids, rules E1, E2, A1, P3, P4, P5, R1) finds them after the
 * fact; here the tools that add or change a facet refuse them before they
 * enter the document, with the closest real names, so the model corrects
 * itself in the same turn.
 *
 * What is refused is a name that exists in NONE of the specification's
 * declared IFC versions (a name some of them lack is kept, with a note
 * that the audit will report it for the others): an entity (entity and
 * partOf facets), a predefined type of a known entity, an explicit
 * attribute name, a property or quantity set with a reserved prefix
 * (Pset_, Qto_, in any case), a property of a standard set, a value of an
 * enumerated standard property, a dataType, a partOf relation; and a
 * dataType that contradicts the standard property's. Plain values and the
 * enumeration values of a restriction are judged; patterns and bounds are
 * left to the audit, which matches them against every name.
 *
 * A predefinedType that is not standard is also what a user-defined type
 * looks like (PredefinedType USERDEFINED with that ObjectType), so where
 * the entity allows USERDEFINED only a value close to a standard one (a
 * likely typo) is refused; others are kept with a note.
 *
 * allow_unknown: true in the call keeps any of these, with a note; the
 * document then carries the audit finding until the name is fixed.
 *
 * A property of a standard set added without a dataType gets the set's
 * dataType (when every declared version agrees on it), and the result
 * says so.
 *
 * Only the names a call changes are judged, so a name kept earlier with
 * allow_unknown does not block later edits of other parameters.
 */
#include "ifc/ifc.h"
#include "tools/tools_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 64      /* enumeration values judged per parameter */
#define MAX_CANDIDATES 3  /* "did you mean" names offered */
#define NAME_LEN 128      /* longest name the tables hold, with room */
#define MAX_LISTED 12     /* allowed values quoted in a refusal */

typedef struct checker {
    tool_ctx *c;
    ifc_version_mask versions; /* the specification's declared versions */
    ifc_version_mask for_sets; /* versions having the facet's standard set */
    ids_facet_kind kind;
    bool allow;                /* allow_unknown */
    json_t *notes;
    const char *lead;          /* before a refusal's message: "" or what led to it */
} checker;

/* ---- small helpers ---- */

static void upper_copy(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] != '\0' && i + 1 < size; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = '\0';
}

/* "IFC4", "IFC2X3 or IFC4", "IFC2X3, IFC4 or IFC4X3_ADD2" (joiner "or"),
 * or with "and". */
static void versions_text(ifc_version_mask m, const char *joiner, char *buf, size_t size)
{
    size_t n = 0, total = 0, used = 0;
    for (int v = 0; v < IFC_VERSION_COUNT; v++)
        total += (m >> v) & 1u;
    buf[0] = '\0';
    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        if (!((m >> v) & 1u))
            continue;
        n++;
        int w = snprintf(buf + used, size - used, "%s%s",
                         n == 1 ? "" : n == total ? (joiner[0] == 'a' ? " and " : " or ") : ", ",
                         ifc_version_name((ifc_version)v));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

static json_t *versions_json(ifc_version_mask m)
{
    json_t *a = json_array();
    for (int v = 0; v < IFC_VERSION_COUNT; v++)
        if ((m >> v) & 1u)
            json_array_append_new(a, json_string(ifc_version_name((ifc_version)v)));
    return a;
}

ifc_version_mask tool_ifc_versions_mask(const char *list)
{
    ifc_version_mask m = 0;
    const char *p = list;
    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        const char *start = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        ifc_version v;
        if (p > start && ifc_version_from_name(start, (size_t)(p - start), &v))
            m |= 1u << v;
    }
    return m;
}

/* The names a value states: a plain value, or the enumeration values of a
 * restriction (patterns and bounds are the audit's). */
static size_t listed(const ids_value *v, const char **out, size_t max)
{
    size_t n = 0;
    if (v->kind == IDS_VALUE_SIMPLE && v->simple != NULL) {
        out[n++] = v->simple;
    } else if (v->kind == IDS_VALUE_RESTRICTION) {
        for (size_t i = 0; i < v->n_items && n < max; i++)
            if (v->items[i].facet == IDS_XS_ENUMERATION && v->items[i].value != NULL)
                out[n++] = v->items[i].value;
    }
    return n;
}

static bool allow_unknown(const tool_ctx *c)
{
    return json_is_true(tool_arg(c, "allow_unknown"));
}

/* The tool argument a parameter comes from, for messages. */
static const char *arg_name(ids_facet_kind kind, int param, int fattr)
{
    if (fattr == IDS_FATTR_DATA_TYPE)
        return "data_type";
    if (fattr == IDS_FATTR_RELATION)
        return "relation";
    switch (param) {
    case IDS_PARAM_NAME:
        return kind == IDS_FACET_ENTITY  ? "entity_name"
               : kind == IDS_FACET_PARTOF ? "parent_entity"
                                          : "attribute_name";
    case IDS_PARAM_PREDEFINED_TYPE:
        return kind == IDS_FACET_PARTOF ? "parent_predefined_type" : "predefined_type";
    case IDS_PARAM_PROPERTY_SET:
        return "property_set";
    case IDS_PARAM_BASE_NAME:
        return "property_name";
    default:
        return "value";
    }
}

static void note(checker *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(checker *k, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    base_utf8_vformat(text, sizeof(text), fmt, ap);
    va_end(ap);
    json_array_append_new(k->notes, json_string(text));
}

/* ---- refusing ---- */

typedef struct unknown_name {
    const char *arg;        /* tool argument */
    const char *word;       /* the name given */
    const char *what;       /* "an IFC class", "a property of Pset_WallCommon", ... */
    const char *rule;       /* the audit rule that will report it */
    ifc_name_kind kind;     /* for candidates */
    const char *context;    /* for candidates */
    ifc_version_mask in;    /* versions the candidates come from */
    bool upper;             /* show candidates in upper case (IDS's spelling) */
    const char *extra;      /* a sentence after the candidates, or NULL */
} unknown_name;

/* Refuses (false) or, with allow_unknown, keeps with a note (true) a name
 * that none of the declared versions has. */
static bool unknown(checker *k, const unknown_name *u)
{
    char vers[64];
    versions_text(k->versions, "or", vers, sizeof(vers));
    if (k->allow) {
        note(k, "%s '%s' is not %s in %s; kept because allow_unknown is true. validate_ids "
                "reports it (rule %s) until it is fixed.",
             u->arg, BASE_QUOTE(u->word, 80), u->what, vers, u->rule);
        return true;
    }
    ifc_suggestion sug[2 * MAX_CANDIDATES];
    size_t n = 0;
    /* "Wall" for IFCWALL: the prefix is the usual omission, and too long
     * an edit for the distance limit. */
    if (u->kind == IFC_NAME_ENTITY && strncasecmp(u->word, "IFC", 3) != 0 &&
        strlen(u->word) + 4 < NAME_LEN) {
        char prefixed[NAME_LEN];
        snprintf(prefixed, sizeof(prefixed), "IFC%s", u->word);
        n = ifc_suggest(u->kind, u->in, u->context, prefixed, 0, sug, MAX_CANDIDATES);
    }
    ifc_suggestion more[MAX_CANDIDATES];
    size_t m = ifc_suggest(u->kind, u->in, u->context, u->word, 0, more, MAX_CANDIDATES);
    for (size_t i = 0; i < m; i++) {
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup = dup || strcmp(sug[j].name, more[i].name) == 0;
        if (!dup)
            sug[n++] = more[i];
    }
    if (n > MAX_CANDIDATES)
        n = MAX_CANDIDATES;
    char list[512] = "";
    size_t used = 0;
    json_t *cands = json_array();
    for (size_t i = 0; i < n; i++) {
        char name[NAME_LEN], in[64];
        if (u->upper)
            upper_copy(name, sizeof(name), sug[i].name);
        else
            snprintf(name, sizeof(name), "%s", sug[i].name);
        versions_text(sug[i].versions, "and", in, sizeof(in));
        int w = snprintf(list + used, sizeof(list) - used, "%s%s (%s)", i == 0 ? "" : ", ",
                         name, in);
        if (w > 0 && (size_t)w < sizeof(list) - used)
            used += (size_t)w;
        json_t *cand = json_pack("{s:s,s:o}", "name", name, "ifc_versions",
                                 versions_json(sug[i].versions));
        json_array_append_new(cands, cand);
    }
    char hint[700];
    if (n > 0)
        snprintf(hint, sizeof(hint), " Did you mean %s?", list);
    else
        snprintf(hint, sizeof(hint), " No name is close; find_ifc_names lists names by "
                                     "fragment.");
    tool_fail(k->c, "%s%s '%s' is not %s in %s.%s%s%s Use a real name (find_ifc_names and "
                    "describe_ifc look them up), or pass allow_unknown: true to keep it "
                    "(validate_ids then reports rule %s).",
              k->lead, u->arg, BASE_QUOTE(u->word, 80), u->what, vers, hint,
              u->extra != NULL ? " " : "", u->extra != NULL ? u->extra : "", u->rule);
    json_t *error = json_object_get(k->c->out->structured, "error");
    if (json_is_object(error)) {
        json_object_set_new(error, "rule", json_string(u->rule));
        json_object_set_new(error, "argument", json_string(u->arg));
        json_object_set_new(error, "candidates", cands);
        cands = NULL;
    }
    json_decref(cands);
    return false;
}

/* A note for a name some declared versions lack: the audit reports it for
 * those. */
static void partly_known(checker *k, const char *arg, const char *word, const char *what,
                         ifc_version_mask have, const char *rule)
{
    ifc_version_mask lack = k->versions & ~have;
    if (lack == 0 || have == 0)
        return;
    char in[64], out[64];
    versions_text(have, "and", in, sizeof(in));
    versions_text(lack, "and", out, sizeof(out));
    note(k, "%s '%s' is %s in %s but not in %s: validate_ids reports rule %s for %s. Use a "
            "name every declared version has, or declare only %s.",
         arg, BASE_QUOTE(word, 80), what, in, out, rule, out, in);
}

/* ---- entity and partOf ---- */

static ifc_version_mask entity_versions(const checker *k, const char *name)
{
    ifc_version_mask m = 0;
    for (int v = 0; v < IFC_VERSION_COUNT; v++)
        if ((k->versions >> v) & 1u &&
            ifc_entity_find(ifc_schema_get((ifc_version)v), name, strlen(name)) != IFC_NONE)
            m |= 1u << v;
    return m;
}

static bool check_entity_names(checker *k, const ids_value *value)
{
    const char *names[MAX_NAMES];
    size_t n = listed(value, names, MAX_NAMES);
    const char *arg = arg_name(k->kind, IDS_PARAM_NAME, -1);
    for (size_t i = 0; i < n; i++) {
        ifc_version_mask have = entity_versions(k, names[i]);
        if (have == 0) {
            unknown_name u = {arg, names[i], "an IFC class", "E1", IFC_NAME_ENTITY,
                              NULL, k->versions, true, NULL};
            if (!unknown(k, &u))
                return false;
            continue;
        }
        partly_known(k, arg, names[i], "a class", have, "E1");
    }
    return true;
}

static bool check_predefined(checker *k, const ids_value *name, const ids_value *pt)
{
    const char *values[MAX_NAMES];
    size_t n = listed(pt, values, MAX_NAMES);
    if (name->kind != IDS_VALUE_SIMPLE || n == 0)
        return true;
    const char *entity = name->simple;
    ifc_version_mask with_entity = entity_versions(k, entity);
    if (with_entity == 0)
        return true; /* the entity itself is unknown: refused or noted already */
    const char *arg = arg_name(k->kind, IDS_PARAM_PREDEFINED_TYPE, -1);
    char up[NAME_LEN];
    upper_copy(up, sizeof(up), entity);
    for (size_t i = 0; i < n; i++) {
        ifc_version_mask have = 0, with_enum = 0;
        bool userdefined = false;
        for (int v = 0; v < IFC_VERSION_COUNT; v++) {
            if (!((with_entity >> v) & 1u))
                continue;
            const ifc_schema *s = ifc_schema_get((ifc_version)v);
            int en = ifc_entity_predefined_enum(s, ifc_entity_find(s, entity, strlen(entity)),
                                                NULL);
            if (en < 0)
                continue;
            with_enum |= 1u << v;
            if (ifc_enum_value_find(s, en, values[i]) >= 0)
                have |= 1u << v;
            if (ifc_enum_value_find(s, en, "USERDEFINED") >= 0)
                userdefined = true;
        }
        char what[NAME_LEN + 48];
        snprintf(what, sizeof(what), "a predefined type of %s", up);
        if (have != 0) {
            partly_known(k, arg, values[i], what, have, "E2");
            continue;
        }
        if (with_enum == 0) {
            char none[NAME_LEN + 64];
            snprintf(none, sizeof(none), "possible: %s has no predefined types", up);
            unknown_name u = {arg, values[i], none, "E2", IFC_NAME_PREDEFINED, entity,
                              with_entity, true, "Leave the predefined type out."};
            if (!unknown(k, &u))
                return false;
            continue;
        }
        if (userdefined) {
            ifc_suggestion close[1];
            if (ifc_suggest(IFC_NAME_PREDEFINED, with_enum, entity, values[i], 0, close, 1) ==
                0) {
                note(k, "%s '%s' is not a standard predefined type of %s: it matches "
                        "elements whose PredefinedType is USERDEFINED and whose ObjectType "
                        "is '%s'.",
                     arg, BASE_QUOTE(values[i], 80), up, BASE_QUOTE(values[i], 80));
                continue;
            }
            unknown_name u = {arg, values[i], what, "E2", IFC_NAME_PREDEFINED, entity,
                              with_enum, true,
                              "If you mean a user-defined type (PredefinedType USERDEFINED "
                              "with this ObjectType), pass allow_unknown: true."};
            if (!unknown(k, &u))
                return false;
            continue;
        }
        unknown_name u = {arg, values[i], what, "E2", IFC_NAME_PREDEFINED, entity, with_enum,
                          true, NULL};
        if (!unknown(k, &u))
            return false;
    }
    return true;
}

static bool check_relation(checker *k, const char *relation)
{
    ifc_version_mask have = 0;
    for (int v = 0; v < IFC_VERSION_COUNT; v++)
        if ((k->versions >> v) & 1u &&
            ifc_partof_find(ifc_schema_get((ifc_version)v), relation, NULL) >= 0)
            have |= 1u << v;
    if (have != 0)
        return true;
    unknown_name u = {"relation", relation, "a partOf relation", "R1", IFC_NAME_RELATION,
                      NULL, k->versions, true, NULL};
    return unknown(k, &u);
}

/* ---- attribute ---- */

static bool check_attribute_names(checker *k, const ids_value *value)
{
    const char *names[MAX_NAMES];
    size_t n = listed(value, names, MAX_NAMES);
    for (size_t i = 0; i < n; i++) {
        ifc_version_mask have = 0;
        for (int v = 0; v < IFC_VERSION_COUNT; v++)
            if ((k->versions >> v) & 1u &&
                ifc_attribute_name_exists(ifc_schema_get((ifc_version)v), names[i]))
                have |= 1u << v;
        if (have == 0) {
            unknown_name u = {"attribute_name", names[i],
                              "an explicit attribute of any IFC class", "A1",
                              IFC_NAME_ATTRIBUTE, NULL, k->versions, false,
                              "Names are case-sensitive; derived and inverse attributes "
                              "cannot be checked."};
            if (!unknown(k, &u))
                return false;
            continue;
        }
        partly_known(k, "attribute_name", names[i], "an attribute", have, "A1");
    }
    return true;
}

/* ---- property ---- */

static bool reserved_prefix(const char *name)
{
    return strncasecmp(name, "Pset_", 5) == 0 || strncasecmp(name, "Qto_", 4) == 0;
}

static bool check_data_type(checker *k, const char *data_type)
{
    char up[NAME_LEN];
    upper_copy(up, sizeof(up), data_type);
    const ifc_datatype *d = ifc_datatype_find(up);
    ifc_version_mask have = d != NULL ? d->versions & k->versions : 0;
    if (have == 0) {
        unknown_name u = {"data_type", data_type, "an IFC data type", "P5", IFC_NAME_DATATYPE,
                          NULL, k->versions, true, NULL};
        return unknown(k, &u);
    }
    partly_known(k, "data_type", data_type, "a data type", have, "P5");
    return true;
}

static bool check_property_sets(checker *k, const ids_value *value)
{
    const char *names[MAX_NAMES];
    size_t n = listed(value, names, MAX_NAMES);
    for (size_t i = 0; i < n; i++) {
        if (!reserved_prefix(names[i]))
            continue;
        ifc_version_mask have = 0;
        for (int v = 0; v < IFC_VERSION_COUNT; v++)
            if ((k->versions >> v) & 1u &&
                ifc_pset_find(ifc_schema_get((ifc_version)v), names[i]) != IFC_NONE)
                have |= 1u << v;
        if (have == 0) {
            unknown_name u = {"property_set", names[i],
                              "a standard property or quantity set", "P4", IFC_NAME_PSET,
                              NULL, k->versions, false,
                              "Pset_ and Qto_ (any case) are reserved for the standard "
                              "sets, whose names are case-sensitive: name a custom set "
                              "without them."};
            if (!unknown(k, &u))
                return false;
            continue;
        }
        partly_known(k, "property_set", names[i], "a standard set", have, "P4");
    }
    return true;
}

/* The standard property pset.name in the versions having the set: *have
 * gets the versions having the property, types[v] its dataType there
 * ("" when none). */
static void standard_property(const checker *k, const char *pset, const char *name,
                             ifc_version_mask *have, const char *types[IFC_VERSION_COUNT],
                             ifc_property props[IFC_VERSION_COUNT], int index[IFC_VERSION_COUNT])
{
    *have = 0;
    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        types[v] = "";
        index[v] = -1;
        if (!((k->for_sets >> v) & 1u))
            continue;
        const ifc_schema *s = ifc_schema_get((ifc_version)v);
        index[v] = ifc_pset_property_find(s, ifc_pset_find(s, pset), name, &props[v]);
        if (index[v] < 0)
            continue;
        *have |= 1u << v;
        /* As the audit (P3) compares: only a type IDS can name with a
         * value, not an entity such as IFCTIMESERIES. */
        const ifc_datatype *d =
            props[v].data_type != NULL ? ifc_datatype_find(props[v].data_type) : NULL;
        if (d != NULL && d->base[0] != '\0' && props[v].kind != IFC_PROPERTY_UNKNOWN)
            types[v] = props[v].data_type;
    }
}

/* The property facet's names against a standard set; f may get its
 * dataType filled in (fill). */
static bool check_standard_property(checker *k, ids_facet *f, bool names_changed,
                                    bool type_changed, bool value_changed, bool fill)
{
    const char *pset = f->params[IDS_PARAM_PROPERTY_SET].simple;
    const char *names[MAX_NAMES];
    size_t n = listed(&f->params[IDS_PARAM_BASE_NAME], names, MAX_NAMES);
    char what[NAME_LEN + 32];
    snprintf(what, sizeof(what), "a property of %s", pset);
    for (size_t i = 0; i < n && names_changed; i++) {
        ifc_version_mask have;
        const char *types[IFC_VERSION_COUNT];
        ifc_property props[IFC_VERSION_COUNT];
        int index[IFC_VERSION_COUNT];
        standard_property(k, pset, names[i], &have, types, props, index);
        if (have == 0) {
            unknown_name u = {"property_name", names[i], what, "P3", IFC_NAME_PROPERTY, pset,
                              k->for_sets, false, NULL};
            if (!unknown(k, &u))
                return false;
            continue;
        }
        partly_known(k, "property_name", names[i], what, have, "P3");
    }
    if (f->params[IDS_PARAM_BASE_NAME].kind != IDS_VALUE_SIMPLE)
        return true;
    const char *prop = f->params[IDS_PARAM_BASE_NAME].simple;
    ifc_version_mask have;
    const char *types[IFC_VERSION_COUNT];
    ifc_property props[IFC_VERSION_COUNT];
    int index[IFC_VERSION_COUNT];
    standard_property(k, pset, prop, &have, types, props, index);
    if (have == 0)
        return true;

    /* The dataType: the standard one, or filled in. */
    const char *given = f->fattrs[IDS_FATTR_DATA_TYPE];
    const char *first = NULL;
    bool agree = true;
    char listing[256] = "";
    size_t used = 0;
    for (int v = 0; v < IFC_VERSION_COUNT; v++) {
        if (types[v][0] == '\0')
            continue;
        if (first == NULL)
            first = types[v];
        else if (strcmp(first, types[v]) != 0)
            agree = false;
        int w = snprintf(listing + used, sizeof(listing) - used, "%s%s in %s",
                         used == 0 ? "" : ", ", types[v], ifc_version_name((ifc_version)v));
        if (w > 0 && (size_t)w < sizeof(listing) - used)
            used += (size_t)w;
    }
    if (given != NULL && first != NULL && (names_changed || type_changed)) {
        bool matches = false;
        for (int v = 0; v < IFC_VERSION_COUNT; v++)
            matches = matches || strcasecmp(types[v], given) == 0;
        if (!matches && k->allow) {
            note(k, "data_type %s contradicts %s.%s (%s); kept because allow_unknown is "
                    "true. validate_ids reports it (rule P3) until it is fixed.",
                 BASE_QUOTE(given, 60), pset, prop, listing);
        } else if (!matches) {
            tool_fail(k->c, "%sdata_type %s contradicts the standard property %s.%s, which "
                            "has dataType %s. Use %s, or leave data_type out and it is "
                            "filled in; pass allow_unknown: true to keep %s anyway "
                            "(validate_ids then reports rule P3).",
                      k->lead, BASE_QUOTE(given, 60), pset, prop, listing, first,
                      BASE_QUOTE(given, 60));
            json_t *error = json_object_get(k->c->out->structured, "error");
            if (json_is_object(error)) {
                json_object_set_new(error, "rule", json_string("P3"));
                json_object_set_new(error, "argument", json_string("data_type"));
                json_object_set_new(error, "expected", json_string(first));
            }
            return false;
        }
    } else if (given == NULL && first != NULL && fill) {
        const char *card = f->fattrs[IDS_FATTR_CARDINALITY];
        if (card != NULL && strcmp(card, "prohibited") == 0) {
            /* IDS forbids a dataType on a prohibited property (P2). */
        } else if (agree) {
            f->fattrs[IDS_FATTR_DATA_TYPE] = strdup(first);
            if (f->fattrs[IDS_FATTR_DATA_TYPE] == NULL) {
                tool_fail(k->c, "Out of memory. Try again.");
                return false;
            }
            note(k, "data_type %s filled in: the dataType of the standard property %s.%s.",
                 first, pset, prop);
        } else {
            note(k, "data_type not filled in: %s.%s has different dataTypes per version "
                    "(%s); give the one you need.",
                 pset, prop, listing);
        }
    }

    /* The value of an enumerated property. */
    const char *values[MAX_NAMES];
    size_t nv = value_changed || names_changed
                    ? listed(&f->params[IDS_PARAM_VALUE], values, MAX_NAMES)
                    : 0;
    for (size_t i = 0; i < nv; i++) {
        bool enumerated = false, ok = false;
        char allowed[512] = "";
        size_t al = 0, shown = 0;
        for (int v = 0; v < IFC_VERSION_COUNT && !ok; v++) {
            if (index[v] < 0 || props[v].kind != IFC_PROPERTY_ENUMERATION ||
                props[v].value_count == 0)
                continue;
            enumerated = true;
            const ifc_schema *s = ifc_schema_get((ifc_version)v);
            ifc_pset p = ifc_pset_find(s, pset);
            for (size_t j = 0; j < props[v].value_count && !ok; j++) {
                const char *a = ifc_pset_property_value(s, p, (size_t)index[v], j);
                if (a == NULL)
                    continue;
                if (strcmp(a, values[i]) == 0)
                    ok = true;
                if (shown < MAX_LISTED && strstr(allowed, a) == NULL) {
                    int w = snprintf(allowed + al, sizeof(allowed) - al, "%s%s",
                                     shown == 0 ? "" : ", ", a);
                    if (w > 0 && (size_t)w < sizeof(allowed) - al) {
                        al += (size_t)w;
                        shown++;
                    }
                }
            }
        }
        if (!enumerated || ok)
            continue;
        if (k->allow) {
            note(k, "value '%s' is not an allowed value of %s.%s; kept because "
                    "allow_unknown is true. validate_ids reports it (rule P3).",
                 BASE_QUOTE(values[i], 80), pset, prop);
            continue;
        }
        tool_fail(k->c, "%svalue '%s' is not an allowed value of the standard property %s.%s "
                        "(an enumeration): %s%s. Use one of them (exact case), or pass "
                        "allow_unknown: true to keep it (validate_ids then reports rule P3).",
                  k->lead, BASE_QUOTE(values[i], 80), pset, prop, allowed,
                  shown >= MAX_LISTED ? ", ..." : "");
        json_t *error = json_object_get(k->c->out->structured, "error");
        if (json_is_object(error)) {
            json_object_set_new(error, "rule", json_string("P3"));
            json_object_set_new(error, "argument", json_string("value"));
        }
        return false;
    }
    return true;
}

/* ---- one facet ---- */

/* Checks the names of f that changed (param_mask, fattr_mask) against the
 * versions; fill lets a property's dataType be filled in. */
static bool check_facet(tool_ctx *c, ifc_version_mask versions, ids_facet *f,
                        unsigned param_mask, unsigned fattr_mask, bool fill, json_t *notes,
                        const char *lead)
{
    checker k = {c, versions, 0, f->kind, allow_unknown(c), notes, lead};
#define CHANGED(p) ((param_mask >> (p)) & 1u)
#define FCHANGED(a) ((fattr_mask >> (a)) & 1u)
    switch (f->kind) {
    case IDS_FACET_ENTITY:
    case IDS_FACET_PARTOF:
        if (CHANGED(IDS_PARAM_NAME) && !check_entity_names(&k, &f->params[IDS_PARAM_NAME]))
            return false;
        if ((CHANGED(IDS_PARAM_NAME) || CHANGED(IDS_PARAM_PREDEFINED_TYPE)) &&
            !check_predefined(&k, &f->params[IDS_PARAM_NAME],
                              &f->params[IDS_PARAM_PREDEFINED_TYPE]))
            return false;
        if (f->kind == IDS_FACET_PARTOF && FCHANGED(IDS_FATTR_RELATION) &&
            f->fattrs[IDS_FATTR_RELATION] != NULL &&
            !check_relation(&k, f->fattrs[IDS_FATTR_RELATION]))
            return false;
        return true;
    case IDS_FACET_ATTRIBUTE:
        return !CHANGED(IDS_PARAM_NAME) ||
               check_attribute_names(&k, &f->params[IDS_PARAM_NAME]);
    case IDS_FACET_PROPERTY: {
        if (FCHANGED(IDS_FATTR_DATA_TYPE) && f->fattrs[IDS_FATTR_DATA_TYPE] != NULL &&
            !check_data_type(&k, f->fattrs[IDS_FATTR_DATA_TYPE]))
            return false;
        if (CHANGED(IDS_PARAM_PROPERTY_SET) &&
            !check_property_sets(&k, &f->params[IDS_PARAM_PROPERTY_SET]))
            return false;
        const ids_value *pv = &f->params[IDS_PARAM_PROPERTY_SET];
        if (pv->kind != IDS_VALUE_SIMPLE)
            return true;
        for (int v = 0; v < IFC_VERSION_COUNT; v++)
            if ((versions >> v) & 1u &&
                ifc_pset_find(ifc_schema_get((ifc_version)v), pv->simple) != IFC_NONE)
                k.for_sets |= 1u << v;
        if (k.for_sets == 0)
            return true;
        bool names = CHANGED(IDS_PARAM_PROPERTY_SET) || CHANGED(IDS_PARAM_BASE_NAME);
        return check_standard_property(&k, f, names, FCHANGED(IDS_FATTR_DATA_TYPE),
                                       CHANGED(IDS_PARAM_VALUE), fill);
    }
    default:
        return true;
    }
#undef CHANGED
#undef FCHANGED
}

/* The declared versions of a specification; 0 when it declares none we
 * know (then nothing is judged: S1 is the audit's). */
static ifc_version_mask spec_versions(tool_ctx *c, size_t spec, ids_spec_view **view)
{
    ids_error err;
    ids_error_clear(&err);
    *view = NULL;
    if (ids_spec_get(c->ts->doc, spec, view, &err) != IDS_OK)
        return 0;
    return tool_ifc_versions_mask((*view)->fields[IDS_SPEC_IFC_VERSION]);
}

bool tool_ifc_names_add(tool_ctx *c, size_t spec, ids_facet *f, json_t *notes)
{
    /* Only the versions: reading the whole specification would cost more
     * than the check. */
    char *declared = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (ids_spec_field_get(c->ts->doc, spec, IDS_SPEC_IFC_VERSION, &declared, &err) ==
        IDS_ERR_NOMEM) {
        tool_fail(c, "Could not read the specification. Try again.");
        return false;
    }
    ifc_version_mask versions = tool_ifc_versions_mask(declared);
    free(declared);
    if (versions == 0)
        return true;
    return check_facet(c, versions, f, ~0u, ~0u, true, notes, "");
}

bool tool_ifc_names_change(tool_ctx *c, size_t spec, ids_location loc, size_t index,
                           const ids_facet_change *change, json_t *notes)
{
    ids_spec_view *view = NULL;
    bool ok = true;
    ifc_version_mask versions = spec_versions(c, spec, &view);
    if (versions == 0 || view == NULL || index >= view->n_facets[loc])
        goto out;
    /* The facet as it will be: the stored one with the change laid over
     * it (a shallow copy; the strings stay the view's and the change's). */
    ids_facet after = view->facets[loc][index];
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        if ((change->param_mask >> p) & 1u)
            after.params[p] = change->facet->params[p];
    for (int a = 0; a < IDS_FATTR_COUNT; a++)
        if ((change->fattr_mask >> a) & 1u)
            after.fattrs[a] = change->facet->fattrs[a];
    ok = check_facet(c, versions, &after, change->param_mask, change->fattr_mask, false,
                     notes, "");
out:
    ids_spec_view_free(view);
    return ok;
}

bool tool_ifc_names_versions(tool_ctx *c, size_t spec, const char *list, json_t *notes)
{
    ids_spec_view *view = NULL;
    bool ok = true;
    ifc_version_mask versions = tool_ifc_versions_mask(list);
    ifc_version_mask before = spec_versions(c, spec, &view);
    if (versions == 0 || view == NULL || versions == before)
        goto out;
    for (int loc = 0; loc < 2 && ok; loc++) {
        for (size_t i = 0; i < view->n_facets[loc] && ok; i++) {
            char lead[160];
            snprintf(lead, sizeof(lead), "With ifc_versions %s, the %s facet %zu of %s would "
                                         "name what those versions lack: ",
                     list, ids_facet_kind_name(view->facets[loc][i].kind), i,
                     ids_location_name((ids_location)loc));
            ids_facet f = view->facets[loc][i];
            ok = check_facet(c, versions, &f, ~0u, ~0u, false, notes, lead);
        }
    }
out:
    ids_spec_view_free(view);
    return ok;
}
