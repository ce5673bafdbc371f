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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct target {
    size_t spec;
    ids_location loc;
    size_t facet;
    ids_facet_kind kind;
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

static void facet_list(const ids_spec_view *view, ids_location loc, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < view->n_facets[loc]; i++) {
        const ids_facet *f = &view->facets[loc][i];
        const ids_value *name = &f->params[IDS_PARAM_NAME];
        const ids_value *bn = &f->params[IDS_PARAM_BASE_NAME];
        const char *label = name->kind == IDS_VALUE_SIMPLE ? name->simple
                            : bn->kind == IDS_VALUE_SIMPLE ? bn->simple : "";
        int w = snprintf(buf + used, size - used, "%s%zu %s%s%s", i == 0 ? "" : ", ", i,
                         ids_facet_kind_name(f->kind), label[0] != '\0' ? " " : "", label);
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

/* Finds the facet and parameter to change and records them in r. */
static bool resolve_target(tool_ctx *c, json_t *r, target *t)
{
    ids_spec_view *view = NULL;
    ids_error err;
    bool ok = false;
    char list[1024];
    ids_error_clear(&err);
    memset(t, 0, sizeof(*t));
    if (!tool_resolve_spec(c, r, &t->spec))
        return false;
    if (ids_spec_get(c->ts->doc, t->spec, &view, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not read the specification");
        return false;
    }
    const tool_facet_memory *m = tool_memory_facet(c->ts, t->spec);
    const char *loc_arg = tool_arg_str(c, "location");
    json_t *idx_arg = tool_arg(c, "facet_index");
    bool loc_defaulted = loc_arg == NULL;
    bool idx_defaulted = idx_arg == NULL || json_is_null(idx_arg);
    if (!loc_defaulted)
        t->loc = (ids_location)ids_location_from_name(loc_arg);
    else if (idx_defaulted && m != NULL)
        t->loc = m->loc;
    else
        t->loc = IDS_REQUIREMENTS;
    size_t count = view->n_facets[t->loc];
    if (count == 0) {
        tool_fail(c, "Specification %zu has no %s facets yet. Add one first (for example "
                     "add_property_facet with location %s), then add the restriction.",
                  t->spec + 1, ids_location_name(t->loc), ids_location_name(t->loc));
        goto out;
    }
    if (!idx_defaulted) {
        json_int_t i = json_integer_value(idx_arg);
        if (i < 0 || (size_t)i >= count) {
            facet_list(view, t->loc, list, sizeof(list));
            tool_fail(c, "facet_index %lld is out of range: %s of specification %zu has "
                         "facets %s.",
                      (long long)i, ids_location_name(t->loc), t->spec + 1, list);
            goto out;
        }
        t->facet = (size_t)i;
    } else if (m != NULL && m->loc == t->loc && m->facet < count) {
        t->facet = m->facet;
    } else if (count == 1) {
        t->facet = 0;
    } else {
        facet_list(view, t->loc, list, sizeof(list));
        tool_fail(c, "facet_index is needed: no facet was added to %s of specification "
                     "%zu in this session, and it has %zu: %s. Pass facet_index (0-based).",
                  ids_location_name(t->loc), t->spec + 1, count, list);
        goto out;
    }
    const ids_facet *f = &view->facets[t->loc][t->facet];
    t->kind = f->kind;
    const char *pname = tool_arg_str(c, "parameter_name");
    bool param_defaulted = pname == NULL;
    int p;
    if (pname != NULL) {
        p = ids_param_from_name(pname);
        if (p < 0 || !ids_facet_has_param(f->kind, (ids_param)p)) {
            param_list(f->kind, list, sizeof(list));
            tool_fail(c, "parameter_name '%s' is not a parameter of the %s facet at %s "
                         "facet_index %zu; it has: %s.",
                      BASE_QUOTE(pname, 40), ids_facet_kind_name(f->kind),
                      ids_location_name(t->loc),
                      t->facet, list);
            goto out;
        }
    } else {
        p = ids_facet_has_param(f->kind, IDS_PARAM_VALUE) ? IDS_PARAM_VALUE : IDS_PARAM_NAME;
    }
    t->param = (ids_param)p;
    t->previous = tool_value_to_json(&f->params[p]);
    json_object_set_new(r, "location", json_string(ids_location_name(t->loc)));
    json_object_set_new(r, "location_defaulted", json_boolean(loc_defaulted));
    json_object_set_new(r, "facet_index", json_integer((json_int_t)t->facet));
    json_object_set_new(r, "facet_index_defaulted", json_boolean(idx_defaulted));
    json_object_set_new(r, "facet_kind", json_string(ids_facet_kind_name(t->kind)));
    json_object_set_new(r, "parameter_name", json_string(ids_param_name(t->param)));
    json_object_set_new(r, "parameter_name_defaulted", json_boolean(param_defaulted));
    ok = true;
out:
    ids_spec_view_free(view);
    return ok;
}

/* Sets the target parameter to value_json (a plain value, a restriction
 * object, or null to remove it). */
static void apply(tool_ctx *c, json_t *value_json, const char *what)
{
    json_t *r = json_object();
    json_t *notes = json_array();
    target t;
    ids_value value;
    ids_error err;
    memset(&value, 0, sizeof(value));
    memset(&t, 0, sizeof(t));
    ids_error_clear(&err);
    if (!resolve_target(c, r, &t))
        goto out;
    if (!json_is_null(value_json) && !tool_value_from_json(c, what, value_json, &value))
        goto out;
    if (value.kind == IDS_VALUE_ABSENT && ids_facet_param_required(t.kind, t.param)) {
        tool_fail(c, "The %s parameter of a %s facet is required and cannot be removed. "
                     "Give a new value, or remove the whole facet with remove_facet.",
                  ids_param_name(t.param), ids_facet_kind_name(t.kind));
        goto out;
    }
    ids_facet changed = {.kind = t.kind};
    changed.params[t.param] = value;
    ids_facet_change change = {&changed, 1u << t.param, 0};
    if (!tool_ifc_names_change(c, t.spec, t.loc, t.facet, &change, notes))
        goto out;
    if (!tool_check_room(c))
        goto out;
    if (ids_facet_set_param(c->ts->doc, t.spec, t.loc, t.facet, t.param, &value, &err) !=
        IDS_OK) {
        tool_fail_ids(c, &err, "Could not set the parameter");
        goto out;
    }
    tool_mark_changed(c);
    tool_memory_set_facet(c->ts, t.spec, t.loc, t.facet);
    json_object_set_new(r, "status", json_string(value.kind == IDS_VALUE_ABSENT ? "removed" : "set"));
    json_object_set_new(r, "value", tool_value_to_json(&value));
    json_object_set_new(r, "replaced", t.previous);
    t.previous = NULL;
    if (json_array_size(notes) > 0)
        json_object_set(r, "notes", notes);
    tool_ok(c, r, "Set %s of the %s facet %zu in %s of specification %zu%s.",
            ids_param_name(t.param), ids_facet_kind_name(t.kind), t.facet,
            ids_location_name(t.loc), t.spec + 1,
            json_is_null(json_object_get(r, "replaced")) ? ""
                                                         : " (its previous value was replaced)");
    r = NULL;
out:
    ids_value_clear(&value);
    json_decref(t.previous);
    json_decref(notes);
    json_decref(r);
}

/* The restriction object for the tools' arguments: base_type (or the
 * tool's default) and the listed keys copied over. */
static json_t *restriction_from_args(tool_ctx *c, const char *default_base,
                                     const char *const *keys, const char *const *arg_names)
{
    const char *base_arg = tool_arg_str(c, "base_type");
    const char *base = base_arg != NULL ? tool_base_type(base_arg) : default_base;
    if (base == NULL) {
        tool_fail(c, "argument 'base_type' must be one of: %s (got '%s'). The xs: prefix "
                     "is optional.",
                  tool_base_type_list(), BASE_QUOTE(base_arg, 40));
        return NULL;
    }
    json_t *obj = json_pack("{s:s}", "base", base);
    for (size_t i = 0; keys[i] != NULL; i++) {
        json_t *v = tool_arg(c, arg_names[i]);
        if (v != NULL && !json_is_null(v))
            json_object_set(obj, keys[i], v);
    }
    return obj;
}

static void enumeration_impl(tool_ctx *c)
{
    static const char *const keys[] = {"enumeration", NULL};
    static const char *const args[] = {"values", NULL};
    json_t *obj = restriction_from_args(c, "xs:string", keys, args);
    if (obj != NULL)
        apply(c, obj, "values");
    json_decref(obj);
}

static void pattern_impl(tool_ctx *c)
{
    static const char *const keys[] = {"pattern", NULL};
    static const char *const args[] = {"pattern", NULL};
    json_t *obj = restriction_from_args(c, "xs:string", keys, args);
    if (obj != NULL)
        apply(c, obj, "pattern");
    json_decref(obj);
}

static void bounds_impl(tool_ctx *c)
{
    static const char *const keys[] = {"min_inclusive", "max_inclusive", "min_exclusive",
                                       "max_exclusive", NULL};
    if (!tool_arg_given(c, "min_inclusive") && !tool_arg_given(c, "max_inclusive") &&
        !tool_arg_given(c, "min_exclusive") && !tool_arg_given(c, "max_exclusive")) {
        tool_fail(c, "Give at least one bound: min_inclusive, max_inclusive, "
                     "min_exclusive or max_exclusive.");
        return;
    }
    json_t *obj = restriction_from_args(c, "xs:double", keys, keys);
    if (obj != NULL)
        apply(c, obj, "bounds");
    json_decref(obj);
}

static void length_impl(tool_ctx *c)
{
    static const char *const keys[] = {"length", "min_length", "max_length", NULL};
    if (!tool_arg_given(c, "length") && !tool_arg_given(c, "min_length") &&
        !tool_arg_given(c, "max_length")) {
        tool_fail(c, "Give length, or min_length and/or max_length.");
        return;
    }
    json_t *obj = restriction_from_args(c, "xs:string", keys, keys);
    if (obj != NULL)
        apply(c, obj, "length");
    json_decref(obj);
}

/* set_restriction: any list of XSD facets, including the digits ones. */
static void set_restriction_impl(tool_ctx *c)
{
    static const struct { const char *name; const char *key; } facets[] = {
        {"enumeration", "enumeration"}, {"pattern", "pattern"},
        {"minInclusive", "min_inclusive"}, {"maxInclusive", "max_inclusive"},
        {"minExclusive", "min_exclusive"}, {"maxExclusive", "max_exclusive"},
        {"length", "length"}, {"minLength", "min_length"}, {"maxLength", "max_length"},
        {"totalDigits", "total_digits"}, {"fractionDigits", "fraction_digits"},
    };
    static const char *const none[] = {NULL};
    json_t *obj = restriction_from_args(c, "xs:string", none, none);
    if (obj == NULL)
        return;
    size_t i;
    json_t *item;
    json_array_foreach(tool_arg(c, "items"), i, item) {
        const char *name = json_string_value(json_object_get(item, "facet"));
        json_t *value = json_object_get(item, "value");
        const char *key = NULL;
        for (size_t k = 0; k < sizeof(facets) / sizeof(facets[0]); k++)
            if (strcmp(facets[k].name, name) == 0 || strcmp(facets[k].key, name) == 0)
                key = facets[k].key;
        json_t *slot = json_object_get(obj, key);
        if (slot == NULL) {
            slot = json_array();
            json_object_set_new(obj, key, slot);
        }
        json_array_append(slot, value);
    }
    apply(c, obj, "items");
    json_decref(obj);
}

static void set_param_impl(tool_ctx *c)
{
    apply(c, tool_arg(c, "value"), "value");
}

/* ---- table ---- */

#define TARGET_PROPS                                                            \
    TOOL_SPEC_ID_PROP ","                                                       \
    "\"location\":{\"enum\":[\"applicability\",\"requirements\"],"            \
    "\"description\":\"Where the facet is. Optional: defaults to where the "  \
    "facet most recently added to this specification is, else "              \
    "requirements.\"},"                                                        \
    "\"facet_index\":{\"type\":\"integer\",\"minimum\":0,\"description\":"    \
    "\"0-based position of the facet within its location (see "              \
    "get_specification). Optional: defaults to the facet most recently "     \
    "added there, or the only one.\"},"                                        \
    "\"parameter_name\":{\"enum\":[\"value\",\"name\",\"predefinedType\","    \
    "\"propertySet\",\"baseName\",\"system\",\"predefined_type\","            \
    "\"property_set\",\"base_name\"],\"description\":\"Which parameter of "   \
    "the facet gets the restriction. Optional: defaults to value (name for "  \
    "entity and partOf facets). For a property facet, baseName is the "       \
    "property name.\"}," TOOL_SESSION_PROP
#define BASE_PROP(dflt)                                                         \
    "\"base_type\":{\"type\":\"string\",\"description\":\"XML Schema base "  \
    "type: xs:string, xs:boolean, xs:integer, xs:double, xs:float, "          \
    "xs:decimal, xs:date, xs:dateTime, xs:time, xs:duration or xs:anyURI "    \
    "(the xs: prefix is optional). Default " dflt ". For a property value, "  \
    "use the base type of its data_type (IFCLENGTHMEASURE: xs:double, "      \
    "IFCLABEL: xs:string, IFCINTEGER: xs:integer).\"}"
#define R_IN(props, req)                                                        \
    "{\"type\":\"object\",\"properties\":{" TARGET_PROPS "," props "},"        \
    "\"required\":[" req "],\"additionalProperties\":false}"
#define R_OUT                                                                   \
    "{\"type\":\"object\",\"properties\":{\"status\":{\"enum\":[\"set\","      \
    "\"removed\"]}," TOOL_OUT_SESSION "," TOOL_OUT_SPEC ",\"location\":{"      \
    "\"type\":\"string\"},\"location_defaulted\":{\"type\":\"boolean\"},"      \
    "\"facet_index\":{\"type\":\"integer\"},\"facet_index_defaulted\":{"       \
    "\"type\":\"boolean\"},\"facet_kind\":{\"type\":\"string\"},"              \
    "\"parameter_name\":{\"type\":\"string\"},\"parameter_name_defaulted\":{" \
    "\"type\":\"boolean\"},\"value\":{\"type\":[\"string\",\"object\","        \
    "\"null\"]},\"replaced\":{\"type\":[\"string\",\"object\",\"null\"]}},"    \
    "\"required\":[\"status\",\"session_id\"," TOOL_OUT_SPEC_REQUIRED ","      \
    "\"location\",\"location_defaulted\",\"facet_index\","                    \
    "\"facet_index_defaulted\",\"facet_kind\",\"parameter_name\","            \
    "\"parameter_name_defaulted\",\"value\",\"replaced\"]}"
#define R_DESC                                                                  \
    " It replaces whatever the parameter held (plain value or restriction), "  \
    "so give the whole restriction in one call. spec_id, location, "          \
    "facet_index and parameter_name default to the facet most recently "      \
    "added; the result says which were used."
#define BOUND(n) "\"" n "\":{\"type\":[\"number\",\"string\"],\"description\":" \
    "\"A number, or a date/time in ISO form for date bases.\"}"
#define LEN(n, d) "\"" n "\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"" d "\"}"

const tool_def tool_group_restrictions[] = {
    {
        .name = "add_enumeration_restriction",
        .title = "Restrict a parameter to a list of values",
        .description = "Makes a facet parameter accept only the listed values." R_DESC,
        .input_schema = R_IN(BASE_PROP("xs:string") ",\"values\":{\"type\":\"array\","
                             "\"minItems\":1,\"items\":{\"type\":[\"string\",\"number\","
                             "\"boolean\"]},\"description\":\"The allowed values.\"},"
                             TOOL_ALLOW_UNKNOWN_PROP,
                             "\"values\""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = enumeration_impl,
    },
    {
        .name = "add_pattern_restriction",
        .title = "Restrict a parameter to a pattern",
        .description =
            "Makes a facet parameter accept only values matching an XML Schema regular "
            "expression, which always matches the whole value (no ^ or $ needed; "
            "\\\\d, [A-Z], {n} work; lookahead and backreferences do not)." R_DESC,
        .input_schema = R_IN(BASE_PROP("xs:string") ",\"pattern\":{\"type\":\"string\","
                             "\"minLength\":1,\"description\":\"XML Schema regular "
                             "expression, such as [A-Z]{2}[0-9]{3}.\"}",
                             "\"pattern\""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = pattern_impl,
    },
    {
        .name = "add_bounds_restriction",
        .title = "Restrict a parameter to a range",
        .description =
            "Makes a facet parameter accept only values within bounds; give at least one "
            "of min_inclusive, max_inclusive, min_exclusive, max_exclusive. Numbers need "
            "a numeric base (default xs:double); dates need base_type xs:date." R_DESC,
        .input_schema = R_IN(BASE_PROP("xs:double") "," BOUND("min_inclusive") ","
                             BOUND("max_inclusive") "," BOUND("min_exclusive") ","
                             BOUND("max_exclusive"),
                             ""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = bounds_impl,
    },
    {
        .name = "add_length_restriction",
        .title = "Restrict a parameter's length",
        .description =
            "Makes a facet parameter accept only text of a given length: length "
            "(exact), or min_length and/or max_length. Only for xs:string and "
            "xs:anyURI." R_DESC,
        .input_schema = R_IN(BASE_PROP("xs:string") "," LEN("length", "Exact length.") ","
                             LEN("min_length", "Minimum length.") ","
                             LEN("max_length", "Maximum length."),
                             ""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = length_impl,
    },
    {
        .name = "set_restriction",
        .title = "Set any restriction on a parameter",
        .description =
            "Sets a restriction from a list of XML Schema facets, for combinations the "
            "other restriction tools do not cover (for example a pattern plus a "
            "maximum length). Facet names: enumeration, pattern, minInclusive, "
            "maxInclusive, minExclusive, maxExclusive, length, minLength, maxLength, "
            "totalDigits, fractionDigits (the last two only with base xs:decimal or "
            "xs:integer; IDS 1.0 checkers do not evaluate them, so validate_ids warns "
            "and a pattern or bounds are the portable choice)." R_DESC,
        .input_schema = R_IN(BASE_PROP("xs:string") ",\"items\":{\"type\":\"array\","
                             "\"minItems\":1,\"items\":{\"type\":\"object\","
                             "\"properties\":{\"facet\":{\"enum\":[\"enumeration\","
                             "\"pattern\",\"minInclusive\",\"maxInclusive\","
                             "\"minExclusive\",\"maxExclusive\",\"length\",\"minLength\","
                             "\"maxLength\",\"totalDigits\",\"fractionDigits\"]},"
                             "\"value\":{\"type\":[\"string\",\"number\",\"boolean\"]}},"
                             "\"required\":[\"facet\",\"value\"],"
                             "\"additionalProperties\":false},\"description\":\"The "
                             "restriction's facets, such as [{\\\"facet\\\":\\\"pattern\\\","
                             "\\\"value\\\":\\\"[A-Z]+\\\"},{\\\"facet\\\":\\\"maxLength\\\","
                             "\\\"value\\\":8}].\"}," TOOL_ALLOW_UNKNOWN_PROP,
                             "\"items\""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = set_restriction_impl,
    },
    {
        .name = "set_facet_parameter",
        .title = "Change a facet parameter",
        .description =
            "Sets one parameter of an existing facet to a plain value or a restriction "
            "object, or removes an optional parameter (value null)." R_DESC,
        .input_schema = R_IN("\"value\":{\"type\":[\"string\",\"number\",\"boolean\","
                             "\"object\",\"null\"],\"description\":\"The new value: a "
                             "plain value, a restriction object {base, enumeration, "
                             "pattern, min_inclusive, max_inclusive, min_exclusive, "
                             "max_exclusive, length, min_length, max_length}, or null "
                             "to remove the parameter.\",\"properties\":"
                             TOOL_RESTRICTION_PROPS ",\"additionalProperties\":false},"
                             TOOL_ALLOW_UNKNOWN_PROP,
                             "\"value\""),
        .output_schema = R_OUT,
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = set_param_impl,
    },
};
const size_t tool_group_restrictions_count =
    sizeof(tool_group_restrictions) / sizeof(tool_group_restrictions[0]);
