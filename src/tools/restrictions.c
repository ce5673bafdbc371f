/*
 * restrictions.c - add_enumeration_restriction, add_pattern_restriction,
 * add_bounds_restriction, add_length_restriction, set_restriction and
 * set_facet_parameter.
 *
 * Like the Python server, a restriction becomes the parameter's value and
 * replaces whatever the parameter held, simple value or restriction. We do
 * not merge into an existing restriction: merging bounds into an
 * enumeration would be wrong, a second pattern means OR in XSD but AND in
 * IfcTester (the IDS reference advises against it), and "replace" is one
 * rule a model can predict. Each call therefore states the whole
 * restriction, and the result shows what it replaced.
 *
 * Which facet: spec_id, location and facet_index default to what the
 * session remembers (the facet most recently added to that
 * specification), and to the only facet when there is one; the result
 * says what was used and whether it was defaulted.
 */
#include "tools/tools_internal.h"
#include "ifc/ifc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct target {
    tool_facet_at at;
    ids_param param;
    json_t *previous; /* the parameter's value before the change */
} target;

static void param_list(ids_facet_kind kind, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int p = 0; p < IDS_PARAM_COUNT; p++) {
        if (!ids_facet_has_param(kind, (ids_param)p))
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used == 0 ? "" : ", ",
                         ids_param_name((ids_param)p));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

static void upcase(char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        *s = (char)toupper((unsigned char)*s);
}

/* The facet tools' own argument names, accepted as parameter_name beside
 * the standard's (a model that just called add_property_facet with
 * property_name says property_name again). */
static const struct {
    const char *alias;
    ids_param param;
} param_aliases[] = {
    {"entity_name", IDS_PARAM_NAME},
    {"attribute_name", IDS_PARAM_NAME},
    {"parent_entity", IDS_PARAM_NAME},
    {"parent_predefined_type", IDS_PARAM_PREDEFINED_TYPE},
    {"property_name", IDS_PARAM_BASE_NAME},
    {"classification_system", IDS_PARAM_SYSTEM},
    {"classification_value", IDS_PARAM_VALUE},
    {"material_value", IDS_PARAM_VALUE},
};

int tool_param_from_name(const char *name)
{
    int p = ids_param_from_name(name);
    if (p >= 0)
        return p;
    for (size_t i = 0; i < sizeof(param_aliases) / sizeof(param_aliases[0]); i++)
        if (strcmp(param_aliases[i].alias, name) == 0)
            return (int)param_aliases[i].param;
    return -1;
}

const char *tool_default_base(const ids_facet *f, ids_param param, const char *fallback)
{
    if (f == NULL || f->kind != IDS_FACET_PROPERTY || param != IDS_PARAM_VALUE ||
        f->fattrs[IDS_FATTR_DATA_TYPE] == NULL)
        return fallback;
    const ifc_datatype *d = ifc_datatype_find(f->fattrs[IDS_FATTR_DATA_TYPE]);
    return d != NULL && d->base != NULL && d->base[0] != '\0' ? d->base : fallback;
}

/* Finds the facet and parameter to change and records them in r. */
static bool resolve_target(tool_ctx *c, json_t *r, target *t)
{
    char list[512];
    memset(t, 0, sizeof(*t));
    if (!tool_resolve_facet(c, r, true, &t->at))
        return false;
    const ids_facet *f = t->at.facet;
    const char *pname = tool_arg_str(c, "parameter_name");
    bool param_defaulted = pname == NULL;
    int p;
    if (pname != NULL) {
        p = tool_param_from_name(pname);
        if (p < 0 || !ids_facet_has_param(f->kind, (ids_param)p)) {
            param_list(f->kind, list, sizeof(list));
            tool_fail(c, "argument 'parameter_name': '%s' is not a parameter of the %s facet "
                         "%s; it has: %s.",
                      BASE_QUOTE(pname, 40), ids_facet_kind_name(f->kind),
                      json_string_value(json_object_get(r, "facet_id")), list);
            return false;
        }
    } else {
        p = ids_facet_has_param(f->kind, IDS_PARAM_VALUE) ? IDS_PARAM_VALUE : IDS_PARAM_NAME;
    }
    t->param = (ids_param)p;
    t->previous = tool_value_to_json(&f->params[p]);
    json_object_set_new(r, "parameter_name", json_string(ids_param_name(t->param)));
    json_object_set_new(r, "parameter_name_defaulted", json_boolean(param_defaulted));
    return true;
}

/* Builds the new value once the target is known (its dataType gives the
 * default base); NULL after a failure. */
typedef json_t *(*value_builder)(tool_ctx *c, const target *t, const char **arg_name);

/* Sets the target parameter to what build makes (a plain value, a
 * restriction object, or null to remove it). */
static void apply(tool_ctx *c, value_builder build)
{
    json_t *r = json_object();
    json_t *notes = json_array();
    json_t *value_json = NULL;
    target t;
    ids_value value;
    ids_error err;
    const char *what = "value";
    memset(&value, 0, sizeof(value));
    memset(&t, 0, sizeof(t));
    ids_error_clear(&err);
    if (!resolve_target(c, r, &t))
        goto out;
    value_json = build(c, &t, &what);
    if (value_json == NULL)
        goto out;
    const char *dflt = tool_default_base(t.at.facet, t.param, NULL);
    if (!json_is_null(value_json) &&
        !tool_value_from_json(c, what, value_json, dflt, &value))
        goto out;
    /* An IFC class name is upper case wherever it goes, as in the add
     * tools: plain values and enumerations (not patterns). */
    if ((t.at.facet->kind == IDS_FACET_ENTITY || t.at.facet->kind == IDS_FACET_PARTOF) &&
        t.param == IDS_PARAM_NAME) {
        if (value.kind == IDS_VALUE_SIMPLE)
            upcase(value.simple);
        for (size_t i = 0; value.kind == IDS_VALUE_RESTRICTION && i < value.n_items; i++)
            if (value.items[i].facet == IDS_XS_ENUMERATION)
                upcase(value.items[i].value);
    }
    if (value.kind == IDS_VALUE_ABSENT && ids_facet_param_required(t.at.facet->kind, t.param)) {
        tool_fail(c, "The %s parameter of a %s facet is required and cannot be removed. "
                     "Give a new value, or remove the whole facet with remove_facet.",
                  ids_param_name(t.param), ids_facet_kind_name(t.at.facet->kind));
        goto out;
    }
    ids_facet changed = {.kind = t.at.facet->kind};
    changed.params[t.param] = value;
    ids_facet_change change = {&changed, 1u << t.param, 0};
    if (!tool_ifc_names_change(c, t.at.spec, t.at.loc, t.at.index, &change, notes))
        goto out;
    if (!tool_check_room(c))
        goto out;
    if (ids_facet_set_param(c->ts->doc, t.at.spec, t.at.loc, t.at.index, t.param, &value,
                            &err) != IDS_OK) {
        tool_fail_ids(c, &err, strstr(err.message, "needs a dataType") != NULL
                                   ? "Could not set the parameter (give the facet a "
                                     "data_type first: update_facet)"
                                   : "Could not set the parameter");
        goto out;
    }
    tool_mark_changed(c);
    tool_memory_set_facet(c->ts, t.at.spec, t.at.loc, t.at.index);
    json_object_set_new(r, "status", json_string(value.kind == IDS_VALUE_ABSENT ? "removed" : "set"));
    json_object_set_new(r, "value", tool_value_to_json(&value));
    json_object_set_new(r, "replaced", t.previous);
    t.previous = NULL;
    if (json_array_size(notes) > 0)
        json_object_set(r, "notes", notes);
    tool_ok(c, r, "Set %s of %s facet %s (%s) in %s of specification %s%s.",
            ids_param_name(t.param), ids_facet_kind_name(t.at.facet->kind),
            json_string_value(json_object_get(r, "facet_id")),
            json_string_value(json_object_get(r, "facet_label")),
            ids_location_name(t.at.loc), json_string_value(json_object_get(r, "spec_id")),
            json_is_null(json_object_get(r, "replaced")) ? ""
                                                         : " (its previous value was replaced)");
    r = NULL;
out:
    ids_value_clear(&value);
    json_decref(value_json);
    json_decref(t.previous);
    json_decref(notes);
    tool_facet_at_clear(&t.at);
    json_decref(r);
}

/* The restriction object for the tools' arguments: base_type (or the
 * base the facet's dataType implies, or the tool's default) and the
 * listed keys copied over. */
static json_t *restriction_from_args(tool_ctx *c, const target *t, const char *default_base,
                                     const char *const *keys, const char *const *arg_names)
{
    const char *base_arg = tool_arg_str(c, "base_type");
    const char *base = base_arg != NULL ? tool_base_type(base_arg)
                                        : tool_default_base(t->at.facet, t->param, default_base);
    if (base == NULL) {
        tool_fail(c, "argument 'base_type' must be one of: %s (got '%s'). The xs: prefix "
                     "is optional.",
                  tool_base_type_list(), BASE_QUOTE(base_arg, 40));
        return NULL;
    }
    /* A key lost for want of memory would change what is written, so
     * every insertion is checked. */
    json_t *obj = json_pack("{s:s}", "base", base);
    for (size_t i = 0; obj != NULL && keys[i] != NULL; i++) {
        json_t *v = tool_arg(c, arg_names[i]);
        if (v != NULL && !json_is_null(v) && json_object_set(obj, keys[i], v) != 0) {
            json_decref(obj);
            obj = NULL;
        }
    }
    if (obj == NULL)
        tool_fail(c, "Out of memory while reading the arguments; nothing was changed. "
                     "Try again.");
    return obj;
}

static json_t *enumeration_build(tool_ctx *c, const target *t, const char **what)
{
    static const char *const keys[] = {"enumeration", NULL};
    static const char *const args[] = {"values", NULL};
    *what = "values";
    return restriction_from_args(c, t, "xs:string", keys, args);
}

static void enumeration_impl(tool_ctx *c)
{
    apply(c, enumeration_build);
}

static json_t *pattern_build(tool_ctx *c, const target *t, const char **what)
{
    static const char *const keys[] = {"pattern", NULL};
    *what = "pattern";
    return restriction_from_args(c, t, "xs:string", keys, keys);
}

static void pattern_impl(tool_ctx *c)
{
    apply(c, pattern_build);
}

static json_t *bounds_build(tool_ctx *c, const target *t, const char **what)
{
    static const char *const keys[] = {"min_inclusive", "max_inclusive", "min_exclusive",
                                       "max_exclusive", NULL};
    *what = "min_inclusive/max_inclusive/min_exclusive/max_exclusive";
    for (size_t i = 0; keys[i] != NULL; i++)
        if (tool_arg_given(c, keys[i]))
            *what = keys[i];
    return restriction_from_args(c, t, "xs:double", keys, keys);
}

static void bounds_impl(tool_ctx *c)
{
    if (!tool_arg_given(c, "min_inclusive") && !tool_arg_given(c, "max_inclusive") &&
        !tool_arg_given(c, "min_exclusive") && !tool_arg_given(c, "max_exclusive")) {
        tool_fail(c, "Give at least one bound: min_inclusive, max_inclusive, "
                     "min_exclusive or max_exclusive.");
        return;
    }
    apply(c, bounds_build);
}

static json_t *length_build(tool_ctx *c, const target *t, const char **what)
{
    static const char *const keys[] = {"length", "min_length", "max_length", NULL};
    *what = "length/min_length/max_length";
    for (size_t i = 0; keys[i] != NULL; i++)
        if (tool_arg_given(c, keys[i]))
            *what = keys[i];
    /* Lengths apply to text whatever the dataType says. */
    const char *base_arg = tool_arg_str(c, "base_type");
    json_t *obj;
    if (base_arg != NULL) {
        obj = restriction_from_args(c, t, "xs:string", keys, keys);
    } else {
        target plain = *t;
        plain.at.facet = NULL;
        obj = restriction_from_args(c, &plain, "xs:string", keys, keys);
    }
    return obj;
}

static void length_impl(tool_ctx *c)
{
    if (!tool_arg_given(c, "length") && !tool_arg_given(c, "min_length") &&
        !tool_arg_given(c, "max_length")) {
        tool_fail(c, "Give length, or min_length and/or max_length.");
        return;
    }
    apply(c, length_build);
}

/* set_restriction: any list of XSD facets, including the digits ones. The
 * facet names are snake_case like every argument; the XSD's camelCase
 * names are accepted too. */
static const struct { const char *name; const char *key; } set_facets[] = {
    {"enumeration", "enumeration"}, {"pattern", "pattern"},
    {"minInclusive", "min_inclusive"}, {"maxInclusive", "max_inclusive"},
    {"minExclusive", "min_exclusive"}, {"maxExclusive", "max_exclusive"},
    {"length", "length"}, {"minLength", "min_length"}, {"maxLength", "max_length"},
    {"totalDigits", "total_digits"}, {"fractionDigits", "fraction_digits"},
};

static json_t *set_restriction_build(tool_ctx *c, const target *t, const char **what)
{
    static const char *const none[] = {NULL};
    bool has_bounds = false;
    size_t i;
    json_t *item;
    *what = "items";
    json_array_foreach(tool_arg(c, "items"), i, item) {
        const char *name = json_string_value(json_object_get(item, "facet"));
        if (name != NULL && strstr(name, "clusive") != NULL)
            has_bounds = true;
    }
    json_t *obj = restriction_from_args(c, t, has_bounds ? "xs:double" : "xs:string", none,
                                        none);
    if (obj == NULL)
        return NULL;
    json_array_foreach(tool_arg(c, "items"), i, item) {
        const char *name = json_string_value(json_object_get(item, "facet"));
        json_t *value = json_object_get(item, "value");
        const char *key = NULL;
        for (size_t k = 0; k < sizeof(set_facets) / sizeof(set_facets[0]); k++)
            if (strcmp(set_facets[k].name, name) == 0 || strcmp(set_facets[k].key, name) == 0)
                key = set_facets[k].key;
        if (key == NULL) {
            tool_fail(c, "argument 'items[%zu].facet' must be one of: enumeration, pattern, "
                         "min_inclusive, max_inclusive, min_exclusive, max_exclusive, length, "
                         "min_length, max_length, total_digits, fraction_digits (got '%s')",
                      i, BASE_QUOTE(name, 40));
            json_decref(obj);
            return NULL;
        }
        json_t *slot = json_object_get(obj, key);
        if (slot == NULL) {
            slot = json_array();
            if (json_object_set_new(obj, key, slot) != 0)
                slot = NULL;
        }
        if (slot == NULL || json_array_append(slot, value) != 0) {
            tool_fail(c, "Out of memory while reading the arguments; nothing was changed. "
                         "Try again.");
            json_decref(obj);
            return NULL;
        }
    }
    return obj;
}

static void set_restriction_impl(tool_ctx *c)
{
    apply(c, set_restriction_build);
}

static json_t *set_param_build(tool_ctx *c, const target *t, const char **what)
{
    (void)t;
    *what = "value";
    return json_incref(tool_arg(c, "value"));
}

static void set_param_impl(tool_ctx *c)
{
    apply(c, set_param_build);
}

/* ---- table ---- */

#define TARGET_PROPS                                                            \
    TOOL_FACET_ADDRESS_PROPS ",\"parameter_name\":" TOOL_S
#define BASE_PROP                                                               \
    "\"base_type\":" TOOL_S
#define R_IN(props, req) TOOL_IN(TARGET_PROPS "," props, req, "")
#define R_OUT                                                                   \
    TOOL_OUT("\"facet_id\":" TOOL_S ",\"value\":{\"type\":[\"string\","          \
             "\"object\",\"null\"]}",                                            \
             ",\"facet_id\",\"value\",\"replaced\"")
#define R_DESC ""
#define BOUND(n) "\"" n "\":{\"type\":[\"number\",\"string\"]}"
#define LEN(n) "\"" n "\":{\"type\":\"integer\",\"minimum\":0}"

static const char *const restriction_aliases[] = {"base", "base_type", "facet", "facet_id",
                                                  "parameter", "parameter_name", NULL};
static const char *const enumeration_aliases[] = {"base", "base_type", "facet", "facet_id",
                                                  "parameter", "parameter_name",
                                                  "enumeration", "values", NULL};

const tool_def tool_group_restrictions[] = {
    {
        .name = "add_enumeration_restriction",
        .title = "Restrict a parameter to a list of values",
        .description = "Makes a facet parameter accept only the listed values (distinct)."
                       R_DESC,
        .input_schema = R_IN(BASE_PROP ",\"values\":{\"type\":\"array\",\"minItems\":1,"
                             "\"items\":{\"type\":[\"string\",\"number\",\"boolean\"]}},"
                             TOOL_ALLOW_UNKNOWN_PROP,
                             "\"values\""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = enumeration_impl,
        .aliases = enumeration_aliases,
    },
    {
        .name = "add_pattern_restriction",
        .title = "Restrict a parameter to a pattern",
        .description =
            "Makes a facet parameter match an XSD regular expression; it matches the "
            "whole value (no ^ or $)." R_DESC,
        .input_schema = R_IN(BASE_PROP ",\"pattern\":{\"type\":\"string\",\"minLength\":1,"
                             "\"description\":\"Such as [A-Z]{2}[0-9]{3}.\"}",
                             "\"pattern\""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = pattern_impl,
        .aliases = restriction_aliases,
    },
    {
        .name = "add_bounds_restriction",
        .title = "Restrict a parameter to a range",
        .description =
            "Makes a facet parameter accept only values within bounds (numbers, or "
            "dates with base_type xs:date)." R_DESC,
        .input_schema = R_IN(BASE_PROP "," BOUND("min_inclusive") "," BOUND("max_inclusive")
                             "," BOUND("min_exclusive") "," BOUND("max_exclusive"),
                             ""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = bounds_impl,
        .aliases = restriction_aliases,
    },
    {
        .name = "add_length_restriction",
        .title = "Restrict a parameter's length",
        .description =
            "Makes a facet parameter accept only text of a given length (exact, or "
            "min/max)." R_DESC,
        .input_schema = R_IN(BASE_PROP "," LEN("length") "," LEN("min_length") ","
                             LEN("max_length"),
                             ""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = length_impl,
        .aliases = restriction_aliases,
    },
    {
        .name = "set_restriction",
        .title = "Set any restriction on a parameter",
        .description =
            "Sets a restriction from a list of XSD facets, such as pattern and "
            "max_length (IDS checkers ignore total_digits, fraction_digits)." R_DESC,
        .input_schema = R_IN(BASE_PROP ",\"items\":{\"type\":\"array\",\"minItems\":1,"
                             "\"items\":{\"type\":\"object\",\"properties\":{\"facet\":{"
                             "\"enum\":[\"enumeration\",\"pattern\",\"min_inclusive\","
                             "\"max_inclusive\",\"min_exclusive\",\"max_exclusive\","
                             "\"length\",\"min_length\",\"max_length\",\"total_digits\","
                             "\"fraction_digits\"]},\"value\":{\"type\":[\"string\","
                             "\"number\",\"boolean\"]}},\"required\":[\"facet\","
                             "\"value\"],\"additionalProperties\":false},"
                             "\"description\":\"Such as [{\\\"facet\\\":\\\"pattern\\\","
                             "\\\"value\\\":\\\"[A-Z]+\\\"},{\\\"facet\\\":"
                             "\\\"max_length\\\",\\\"value\\\":8}].\"},"
                             TOOL_ALLOW_UNKNOWN_PROP,
                             "\"items\""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = set_restriction_impl,
        .aliases = restriction_aliases,
    },
    {
        .name = "set_facet_parameter",
        .title = "Change a facet parameter",
        .description =
            "Sets one facet parameter to a plain value or a restriction object, or "
            "removes an optional one (null)." R_DESC,
        .input_schema = TOOL_IN(TARGET_PROPS ",\"value\":" TOOL_VN "," TOOL_ALLOW_UNKNOWN_PROP,
                                "\"value\"",
                                "," TOOL_VALUE_DEFS_N),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = set_param_impl,
        .aliases = restriction_aliases,
    },
};
const size_t tool_group_restrictions_count =
    sizeof(tool_group_restrictions) / sizeof(tool_group_restrictions[0]);
