/*
 * ifc_lookup.c - find_ifc_names and describe_ifc: the IFC schema tables
 * (src/ifc) read by a model, so that it writes real names instead of
 * guessing them.
 *
 * Two tools rather than one per question, since every tool costs the
 * model its tools/list bytes: find_ifc_names pages through the names of a
 * kind containing a fragment (with the total count); describe_ifc tells
 * about one class (parents, direct subtypes, attributes with types,
 * predefined types, applicable standard sets) or one property or quantity
 * set (properties with dataTypes and allowed values, applicable classes).
 * Class names come in upper case, as IDS writes them.
 *
 * Neither touches a session: they read static tables only, so they run
 * without the session lock and without a document.
 */
#include "ifc/ifc.h"
#include "tools/tools_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 20
#define MAX_LIMIT 100
#define NAME_LEN 128
#define MAX_SUBTYPES 60 /* direct subtypes listed; the count is always given */

static json_t *upper_json(const char *name)
{
    char buf[NAME_LEN];
    size_t i = 0;
    for (; name[i] != '\0' && i + 1 < sizeof(buf); i++)
        buf[i] = (char)toupper((unsigned char)name[i]);
    buf[i] = '\0';
    return json_string(buf);
}

/* The ifc_version argument (default IFC4); false and a failure when it
 * is none of the three. */
static bool version_arg(tool_ctx *c, const ifc_schema **s)
{
    const char *name = tool_arg_str(c, "ifc_version");
    ifc_version v = IFC_IFC4;
    if (name != NULL && name[0] != '\0' && !ifc_version_from_name(name, strlen(name), &v)) {
        tool_fail(c, "argument 'ifc_version' must be IFC2X3, IFC4 or IFC4X3_ADD2 (got '%s').",
                  BASE_QUOTE(name, 40));
        return false;
    }
    *s = ifc_schema_get(v);
    return true;
}

/* ---- find_ifc_names ---- */

static const struct {
    const char *name;
    ifc_name_kind kind;
} kinds[] = {
    {"entity", IFC_NAME_ENTITY},
    {"property_set", IFC_NAME_PSET},
    {"property", IFC_NAME_PROPERTY},
    {"attribute", IFC_NAME_ATTRIBUTE},
    {"data_type", IFC_NAME_DATATYPE},
};

static void find_impl(tool_ctx *c)
{
    const ifc_schema *s;
    if (!version_arg(c, &s))
        return;
    const char *kind_name = tool_arg_str(c, "kind");
    ifc_name_kind kind = IFC_NAME_ENTITY;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kinds[i].name, kind_name) == 0)
            kind = kinds[i].kind;
    const char *fragment = tool_arg_str(c, "fragment");
    const char *pset = tool_arg_str(c, "property_set");
    if (fragment == NULL)
        fragment = "";
    json_t *off = tool_arg(c, "offset"), *lim = tool_arg(c, "limit");
    size_t offset = json_is_integer(off) ? (size_t)json_integer_value(off) : 0;
    size_t limit = json_is_integer(lim) ? (size_t)json_integer_value(lim) : DEFAULT_LIMIT;
    if (kind == IFC_NAME_PROPERTY && pset != NULL && ifc_pset_find(s, pset) == IFC_NONE) {
        ifc_suggestion sug[3];
        size_t n = ifc_suggest(IFC_NAME_PSET, 1u << ifc_schema_version(s), NULL, pset, 0, sug,
                               3);
        tool_fail(c, "property_set '%s' is not a standard set of %s%s%s%s. find_ifc_names "
                     "with kind property_set lists them.",
                  BASE_QUOTE(pset, 80), ifc_version_name(ifc_schema_version(s)),
                  n > 0 ? "; did you mean " : "", n > 0 ? sug[0].name : "", n > 0 ? "?" : "");
        return;
    }
    ifc_search_hit hits[MAX_LIMIT];
    size_t total = ifc_search(s, kind, fragment, kind == IFC_NAME_PROPERTY ? pset : NULL,
                              offset, hits, limit);
    size_t shown = total > offset ? total - offset : 0;
    if (shown > limit)
        shown = limit;
    json_t *names = json_array();
    for (size_t i = 0; i < shown; i++) {
        if (kind == IFC_NAME_ENTITY) {
            json_array_append_new(names, upper_json(hits[i].name));
        } else if (kind == IFC_NAME_PROPERTY) {
            ifc_property q;
            ifc_pset p = ifc_pset_find(s, hits[i].context);
            json_t *o = json_pack("{s:s,s:s}", "property_set", hits[i].context, "name",
                                  hits[i].name);
            if (ifc_pset_property_find(s, p, hits[i].name, &q) >= 0 && q.data_type[0] != '\0')
                json_object_set_new(o, "data_type", json_string(q.data_type));
            json_array_append_new(names, o);
        } else {
            json_array_append_new(names, json_string(hits[i].name));
        }
    }
    json_t *r = json_pack("{s:s,s:s,s:s,s:I,s:I,s:o}", "ifc_version",
                          ifc_version_name(ifc_schema_version(s)), "kind", kind_name,
                          "fragment", fragment, "total", (json_int_t)total, "offset",
                          (json_int_t)offset, "names", names);
    if (offset + shown < total)
        json_object_set_new(r, "next_offset", json_integer((json_int_t)(offset + shown)));
    tool_ok(c, r, "%zu %s name(s) of %s contain '%s'; showing %zu from offset %zu.%s", total,
            kind_name, ifc_version_name(ifc_schema_version(s)), BASE_QUOTE(fragment, 60),
            shown, offset,
            offset + shown < total ? " Pass next_offset as offset for more." : "");
}

/* ---- describe_ifc ---- */

static const char *const property_kinds[] = {"single", "enumeration", "list", "bounded",
                                             "reference", "unknown"};

static json_t *describe_entity(const ifc_schema *s, ifc_entity e)
{
    json_t *parents = json_array();
    for (ifc_entity p = ifc_entity_parent(s, e); p != IFC_NONE; p = ifc_entity_parent(s, p))
        json_array_append_new(parents, upper_json(ifc_entity_name(s, p)));
    /* Direct subtypes: in preorder, each child's subtree follows the last. */
    json_t *subtypes = json_array();
    size_t n_sub = 0;
    for (ifc_entity ch = e + 1; ch <= ifc_entity_last(s, e); ch = ifc_entity_last(s, ch) + 1) {
        if (n_sub++ < MAX_SUBTYPES)
            json_array_append_new(subtypes, upper_json(ifc_entity_name(s, ch)));
    }
    json_t *attrs = json_array();
    for (size_t i = 0; i < ifc_entity_attribute_count(s, e); i++) {
        ifc_attribute a;
        if (!ifc_entity_attribute(s, e, i, &a) || a.derived)
            continue;
        json_t *o = json_pack("{s:s,s:s}", "name", a.name, "type", ifc_type_name(s, a.type));
        if (ifc_type_kind_of(s, a.type) == IFC_TYPE_AGGREGATE)
            json_object_set_new(o, "list", json_true());
        if (a.optional)
            json_object_set_new(o, "optional", json_true());
        json_array_append_new(attrs, o);
    }
    json_t *predefined = json_array();
    bool via_type = false;
    int en = ifc_entity_predefined_enum(s, e, &via_type);
    for (size_t i = 0; en >= 0 && i < ifc_enum_value_count(s, en); i++)
        json_array_append_new(predefined, json_string(ifc_enum_value(s, en, i)));
    json_t *sets = json_array();
    for (size_t p = 0; p < ifc_pset_count(s); p++)
        if (ifc_pset_applies_to(s, (ifc_pset)p, e))
            json_array_append_new(sets, json_string(ifc_pset_name(s, (ifc_pset)p)));
    json_t *o = json_pack("{s:s,s:o,s:b,s:o,s:o,s:I,s:o,s:o,s:o}", "kind", "entity", "name",
                          upper_json(ifc_entity_name(s, e)), "abstract",
                          ifc_entity_is_abstract(s, e), "parents", parents, "subtypes",
                          subtypes, "subtype_count", (json_int_t)n_sub, "attributes", attrs,
                          "predefined_types", predefined, "property_sets", sets);
    ifc_entity t = ifc_entity_type_object(s, e);
    if (t != IFC_NONE)
        json_object_set_new(o, "type_object", upper_json(ifc_entity_name(s, t)));
    if (via_type)
        json_object_set_new(o, "predefined_types_from_type_object", json_true());
    return o;
}

static json_t *describe_pset(const ifc_schema *s, ifc_pset p)
{
    json_t *props = json_array();
    ifc_property q;
    for (size_t i = 0; ifc_pset_property(s, p, i, &q); i++) {
        json_t *o = json_pack("{s:s}", "name", q.name);
        if (q.data_type[0] != '\0')
            json_object_set_new(o, "data_type", json_string(q.data_type));
        if (q.kind != IFC_PROPERTY_SINGLE)
            json_object_set_new(o, "kind", json_string(property_kinds[q.kind]));
        if (q.value_count > 0) {
            json_t *vals = json_array();
            for (size_t j = 0; j < q.value_count; j++)
                json_array_append_new(vals, json_string(ifc_pset_property_value(s, p, i, j)));
            json_object_set_new(o, "values", vals);
        }
        json_array_append_new(props, o);
    }
    json_t *applicable = json_array();
    for (size_t i = 0; i < ifc_pset_applicable_count(s, p); i++)
        json_array_append_new(applicable,
                              upper_json(ifc_entity_name(s, ifc_pset_applicable(s, p, i))));
    json_t *o = json_pack("{s:s,s:s,s:b,s:o,s:o}", "kind",
                          ifc_pset_is_qto(s, p) ? "quantity_set" : "property_set", "name",
                          ifc_pset_name(s, p), "quantity_set", ifc_pset_is_qto(s, p),
                          "applicable_entities", applicable, "properties", props);
    if (ifc_pset_is_borrowed(s, p))
        json_object_set_new(o, "from_ifc4x3", json_true());
    return o;
}

static void describe_impl(tool_ctx *c)
{
    const ifc_schema *s;
    if (!version_arg(c, &s))
        return;
    const char *name = tool_arg_str(c, "name");
    const char *vname = ifc_version_name(ifc_schema_version(s));
    ifc_entity e = ifc_entity_find(s, name, strlen(name));
    ifc_pset p = ifc_pset_find(s, name);
    json_t *r;
    if (e != IFC_NONE) {
        r = describe_entity(s, e);
    } else if (p != IFC_NONE) {
        r = describe_pset(s, p);
    } else {
        ifc_version_mask one = 1u << ifc_schema_version(s);
        ifc_suggestion sug[4];
        size_t n = ifc_suggest(IFC_NAME_ENTITY, one, NULL, name, 0, sug, 2);
        n += ifc_suggest(IFC_NAME_PSET, one, NULL, name, 0, sug + n, 2);
        char list[400] = "";
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            int w = snprintf(list + used, sizeof(list) - used, "%s%s", i == 0 ? "" : ", ",
                             sug[i].name);
            if (w > 0 && (size_t)w < sizeof(list) - used)
                used += (size_t)w;
        }
        tool_fail(c, "'%s' is neither an IFC class nor a standard property or quantity set "
                     "of %s%s%s%s. find_ifc_names finds names by fragment.",
                  BASE_QUOTE(name, 80), vname, n > 0 ? "; did you mean " : "", list,
                  n > 0 ? "?" : "");
        return;
    }
    json_object_set_new(r, "ifc_version", json_string(vname));
    tool_ok(c, r, "%s in %s.", json_string_value(json_object_get(r, "name")), vname);
}

json_t *tool_ifc_describe(const char *version, const char *name)
{
    ifc_version v = IFC_IFC4;
    if (version != NULL && !ifc_version_from_name(version, strlen(version), &v))
        return NULL;
    const ifc_schema *s = ifc_schema_get(v);
    ifc_entity e = ifc_entity_find(s, name, strlen(name));
    ifc_pset p = ifc_pset_find(s, name);
    json_t *r = e != IFC_NONE ? describe_entity(s, e)
                : p != IFC_NONE ? describe_pset(s, p)
                                : NULL;
    if (r != NULL)
        json_object_set_new(r, "ifc_version", json_string(ifc_version_name(v)));
    return r;
}

/* ---- table ---- */

#define VERSION_PROP                                                            \
    "\"ifc_version\":{\"type\":\"string\",\"maxLength\":16,\"description\":" \
    "\"IFC2X3, IFC4 (default) or IFC4X3_ADD2.\"}"

const tool_def tool_group_ifc_schema[] = {
    {
        .name = "find_ifc_names",
        .title = "Find IFC names",
        .description =
            "Lists IFC names of a kind that contain fragment (any case), paged (offset, "
            "limit): classes, "
            "standard property/quantity sets, properties (of property_set), attributes, "
            "dataTypes.",
        .input_schema = TOOL_IN("\"kind\":{\"enum\":[\"entity\",\"property_set\",\"property\","
                                "\"attribute\",\"data_type\"]},\"fragment\":{\"type\":"
                                "\"string\",\"maxLength\":128},\"property_set\":" TOOL_S ","
                                VERSION_PROP ",\"offset\":{\"type\":\"integer\",\"minimum\":0},"
                                "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,"
                                "\"default\":20}",
                                "\"kind\"", ""),
        .output_schema = "{\"type\":\"object\",\"required\":[\"ifc_version\",\"kind\","
                         "\"total\",\"names\"]}",
        .read_only = true,
        .idempotent = true,
        .impl = find_impl,
    },
    {
        .name = "describe_ifc",
        .title = "Describe an IFC class or set",
        .description =
            "Describes an IFC class (parents, subtypes, attributes, predefined types, "
            "standard sets) or a standard property/quantity set (properties, dataTypes, "
            "values).",
        .input_schema = TOOL_IN("\"name\":{\"type\":\"string\",\"minLength\":1,"
                                "\"maxLength\":128,\"description\":\"IFCWALL or "
                                "Pset_WallCommon.\"}," VERSION_PROP,
                                "\"name\"", ""),
        .output_schema = "{\"type\":\"object\",\"required\":[\"kind\",\"name\","
                         "\"ifc_version\"]}",
        .read_only = true,
        .idempotent = true,
        .impl = describe_impl,
    },
};
const size_t tool_group_ifc_schema_count = sizeof(tool_group_ifc_schema) / sizeof(tool_group_ifc_schema[0]);
