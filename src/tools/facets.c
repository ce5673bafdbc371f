/*
 * facets.c - add_entity_facet, add_property_facet, add_attribute_facet,
 * add_classification_facet, add_material_facet, add_partof_facet,
 * remove_facet.
 *
 * Each add tool is a table from its argument names (those of the Python
 * server) to the facet's IDS parameters and attributes; one body serves
 * all six. Parameters take a plain value or a restriction object, so a
 * facet with restrictions can be built in one call. cardinality is checked
 * here rather than left to the engine, because the Python server sent
 * cardinality "required" with every facet, applicability and entity ones
 * included: that value is accepted and ignored (the result says so), any
 * other is refused with the reason.
 */
#include "tools/tools_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct facet_arg {
    const char *arg;
    int param;  /* ids_param, or -1 */
    int fattr;  /* ids_fattr, or -1 */
    bool upper; /* IFC names are upper case; normalize plain values */
} facet_arg;

typedef struct facet_tool {
    ids_facet_kind kind;
    const char *label; /* "entity", "partOf", ... for messages */
    const facet_arg *args;
    size_t n_args;
} facet_tool;

static void facet_clear(ids_facet *f)
{
    for (int p = 0; p < IDS_PARAM_COUNT; p++)
        ids_value_clear(&f->params[p]);
    for (int a = 0; a < IDS_FATTR_COUNT; a++) {
        free(f->fattrs[a]);
        f->fattrs[a] = NULL;
    }
}

static void upcase(char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        *s = (char)toupper((unsigned char)*s);
}

/* Handles the cardinality argument; false when refused. */
static bool cardinality_arg(tool_ctx *c, const facet_tool *t, ids_location loc,
                            ids_facet *f, json_t *notes)
{
    const char *card = tool_arg_str(c, "cardinality");
    if (card == NULL)
        return true;
    if (t->kind == IDS_FACET_ENTITY) {
        if (strcmp(card, "required") == 0) {
            json_array_append_new(notes, json_string(
                "cardinality ignored: an entity facet has no cardinality in IDS (it is "
                "always required)"));
            return true;
        }
        tool_fail(c, "An entity facet has no cardinality in IDS 1.0: an entity "
                     "requirement is always required. Leave cardinality out. To forbid an "
                     "entity, add a specification with usage prohibited whose "
                     "applicability is that entity.");
        return false;
    }
    if (loc == IDS_APPLICABILITY) {
        if (strcmp(card, "required") == 0) {
            json_array_append_new(notes, json_string(
                "cardinality ignored: applicability facets select elements and take no "
                "cardinality"));
            return true;
        }
        tool_fail(c, "cardinality '%s' is only allowed on requirement facets: "
                     "applicability facets select elements and take no cardinality. Use "
                     "location requirements, or leave cardinality out.",
                  BASE_QUOTE(card, 40));
        return false;
    }
    if (t->kind == IDS_FACET_PARTOF && strcmp(card, "optional") == 0) {
        tool_fail(c, "A partOf facet takes cardinality required or prohibited, not "
                     "optional (IDS 1.0).");
        return false;
    }
    f->fattrs[IDS_FATTR_CARDINALITY] = strdup(card);
    return f->fattrs[IDS_FATTR_CARDINALITY] != NULL;
}

/* The body of all six add tools; the table entry's data is its
 * facet_tool. */
static void add_facet(tool_ctx *c)
{
    const facet_tool *t = c->tool->data;
    json_t *r = json_object();
    json_t *notes = json_array();
    ids_facet f;
    ids_error err;
    size_t spec, index = 0;
    memset(&f, 0, sizeof(f));
    f.kind = t->kind;
    ids_error_clear(&err);

    if (!tool_resolve_spec(c, r, &spec))
        goto out;
    ids_location loc = (ids_location)ids_location_from_name(tool_arg_str(c, "location"));
    if (!cardinality_arg(c, t, loc, &f, notes))
        goto out;
    for (size_t i = 0; i < t->n_args; i++) {
        const facet_arg *a = &t->args[i];
        json_t *v = tool_arg(c, a->arg);
        if (v == NULL || json_is_null(v))
            continue;
        if (a->param >= 0) {
            if (!tool_value_from_json(c, a->arg, v, &f.params[a->param]))
                goto out;
            if (a->upper && f.params[a->param].kind == IDS_VALUE_SIMPLE)
                upcase(f.params[a->param].simple);
            continue;
        }
        if (!ids_facet_has_fattr(t->kind, loc, (ids_fattr)a->fattr)) {
            tool_fail(c, "argument '%s' is only allowed on requirement facets (location "
                         "requirements); applicability facets take no %s. Leave it out or "
                         "use location requirements.",
                      a->arg, a->arg);
            goto out;
        }
        f.fattrs[a->fattr] = tool_scalar_dup(v);
        if (f.fattrs[a->fattr] == NULL) {
            tool_fail(c, "Out of memory while reading argument '%s'. Try again.", a->arg);
            goto out;
        }
        if (a->upper)
            upcase(f.fattrs[a->fattr]);
    }
    if (!tool_ifc_names_add(c, spec, &f, notes))
        goto out;
    if (!tool_check_room(c))
        goto out;
    if (ids_facet_add(c->ts->doc, spec, loc, &f, &index, &err) != IDS_OK) {
        char prefix[96];
        snprintf(prefix, sizeof(prefix), "Could not add the %s facet to %s", t->label,
                 ids_location_name(loc));
        tool_fail_ids(c, &err, prefix);
        goto out;
    }
    tool_mark_changed(c);
    tool_memory_set_facet(c->ts, spec, loc, index);
    json_object_set_new(r, "status", json_string("added"));
    json_object_set_new(r, "kind", json_string(ids_facet_kind_name(t->kind)));
    json_object_set_new(r, "location", json_string(ids_location_name(loc)));
    json_object_set_new(r, "facet_index", json_integer((json_int_t)index));
    json_object_set_new(r, "facet", tool_facet_to_json(&f, index));
    json_object_set_new(r, "notes", notes);
    notes = NULL;
    tool_ok(c, r, "Added %s facet %zu to %s of specification %zu. Restriction tools use "
                  "it when facet_index is left out.",
            t->label, index, ids_location_name(loc), spec + 1);
    r = NULL;
out:
    facet_clear(&f);
    json_decref(r);
    json_decref(notes);
}

#define NOP (-1)

static const facet_arg entity_args[] = {
    {"entity_name", IDS_PARAM_NAME, NOP, true},
    {"predefined_type", IDS_PARAM_PREDEFINED_TYPE, NOP, false},
    {"instructions", NOP, IDS_FATTR_INSTRUCTIONS, false},
};
static const facet_arg property_args[] = {
    {"property_set", IDS_PARAM_PROPERTY_SET, NOP, false},
    {"property_name", IDS_PARAM_BASE_NAME, NOP, false},
    {"value", IDS_PARAM_VALUE, NOP, false},
    {"data_type", NOP, IDS_FATTR_DATA_TYPE, true},
    {"uri", NOP, IDS_FATTR_URI, false},
    {"instructions", NOP, IDS_FATTR_INSTRUCTIONS, false},
};
static const facet_arg attribute_args[] = {
    {"attribute_name", IDS_PARAM_NAME, NOP, false},
    {"value", IDS_PARAM_VALUE, NOP, false},
    {"instructions", NOP, IDS_FATTR_INSTRUCTIONS, false},
};
static const facet_arg classification_args[] = {
    {"classification_value", IDS_PARAM_VALUE, NOP, false},
    {"classification_system", IDS_PARAM_SYSTEM, NOP, false},
    {"uri", NOP, IDS_FATTR_URI, false},
    {"instructions", NOP, IDS_FATTR_INSTRUCTIONS, false},
};
static const facet_arg material_args[] = {
    {"material_value", IDS_PARAM_VALUE, NOP, false},
    {"uri", NOP, IDS_FATTR_URI, false},
    {"instructions", NOP, IDS_FATTR_INSTRUCTIONS, false},
};
static const facet_arg partof_args[] = {
    {"parent_entity", IDS_PARAM_NAME, NOP, true},
    {"parent_predefined_type", IDS_PARAM_PREDEFINED_TYPE, NOP, false},
    {"relation", NOP, IDS_FATTR_RELATION, true},
    {"instructions", NOP, IDS_FATTR_INSTRUCTIONS, false},
};

#define N(a) (sizeof(a) / sizeof(a[0]))
static const facet_tool entity_tool = {IDS_FACET_ENTITY, "entity", entity_args, N(entity_args)};
static const facet_tool property_tool = {IDS_FACET_PROPERTY, "property", property_args,
                                         N(property_args)};
static const facet_tool attribute_tool = {IDS_FACET_ATTRIBUTE, "attribute", attribute_args,
                                          N(attribute_args)};
static const facet_tool classification_tool = {IDS_FACET_CLASSIFICATION, "classification",
                                               classification_args, N(classification_args)};
static const facet_tool material_tool = {IDS_FACET_MATERIAL, "material", material_args,
                                         N(material_args)};
static const facet_tool partof_tool = {IDS_FACET_PARTOF, "partOf", partof_args,
                                       N(partof_args)};


/* ---- remove_facet ---- */

static void remove_impl(tool_ctx *c)
{
    json_t *r = json_object();
    size_t spec;
    ids_error err;
    ids_error_clear(&err);
    if (!tool_resolve_spec(c, r, &spec))
        goto out;
    ids_location loc = (ids_location)ids_location_from_name(tool_arg_str(c, "location"));
    json_int_t index = json_integer_value(tool_arg(c, "facet_index"));
    size_t count = ids_facet_count(c->ts->doc, spec, loc);
    if (index < 0 || (size_t)index >= count) {
        if (count == 0)
            tool_fail(c, "Specification %zu has no %s facets, so there is nothing at "
                         "facet_index %lld. get_specification lists the facets.",
                      spec + 1, ids_location_name(loc), (long long)index);
        else
            tool_fail(c, "facet_index %lld is out of range: %s of specification %zu has "
                         "facets 0 to %zu. get_specification lists them.",
                      (long long)index, ids_location_name(loc), spec + 1, count - 1);
        goto out;
    }
    if (ids_facet_remove(c->ts->doc, spec, loc, (size_t)index, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not remove the facet");
        goto out;
    }
    tool_mark_changed(c);
    tool_memory_facet_removed(c->ts, spec, loc, (size_t)index);
    json_object_set_new(r, "status", json_string("removed"));
    json_object_set_new(r, "location", json_string(ids_location_name(loc)));
    json_object_set_new(r, "facet_index", json_integer(index));
    json_object_set_new(r, "facets_left", json_integer((json_int_t)count - 1));
    tool_ok(c, r, "Removed facet %lld from %s of specification %zu; later facets moved "
                  "up one position.",
            (long long)index, ids_location_name(loc), spec + 1);
    r = NULL;
out:
    json_decref(r);
}

/* ---- table ---- */

#define LOCATION_PROP                                                           \
    "\"location\":{\"enum\":[\"applicability\",\"requirements\"],"             \
    "\"description\":\"applicability: the facet selects which elements the "  \
    "specification applies to; requirements: the facet states what those "    \
    "elements must satisfy.\"}"
#define CARD3_PROP                                                              \
    "\"cardinality\":{\"enum\":[\"required\",\"optional\",\"prohibited\"],"    \
    "\"description\":\"Requirements only (ignored in applicability when "      \
    "'required'). required (default): must be present and match; optional: "   \
    "if present it must match; prohibited: must not be present/match.\"}"
#define URI_PROP                                                                \
    "\"uri\":{\"type\":\"string\",\"description\":\"Requirements only: URI of " \
    "the definition, such as a bSDD URI.\"}"
#define INSTR_PROP                                                              \
    "\"instructions\":{\"type\":\"string\",\"description\":\"Requirements "     \
    "only: instructions for the model author.\"}"
#define FACET_IN(props, req)                                                    \
    "{\"type\":\"object\",\"properties\":{" TOOL_SPEC_ID_PROP ","              \
    LOCATION_PROP "," props "," TOOL_SESSION_PROP "},\"required\":[\"location\"" \
    req "],\"additionalProperties\":false}"

#define FACET_OUT                                                               \
    "{\"type\":\"object\",\"properties\":{\"status\":{\"const\":\"added\"},"   \
    TOOL_OUT_SESSION "," TOOL_OUT_SPEC ",\"kind\":{\"type\":\"string\"},"       \
    "\"location\":{\"enum\":[\"applicability\",\"requirements\"]},"            \
    "\"facet_index\":{\"type\":\"integer\",\"minimum\":0},\"facet\":{\"type\":" \
    "\"object\"},\"notes\":{\"type\":\"array\",\"items\":{\"type\":"           \
    "\"string\"}}},\"required\":[\"status\",\"session_id\","                  \
    TOOL_OUT_SPEC_REQUIRED ",\"kind\",\"location\",\"facet_index\",\"facet\","  \
    "\"notes\"]}"

#define FACET_COMMON_DESC                                                       \
    " spec_id defaults to the specification most recently added or edited. "   \
    "Parameters take a plain value or a restriction object (or add one later " \
    "with the add_*_restriction tools). The result gives facet_index."

const tool_def tool_group_facets[] = {
    {
        .name = "add_entity_facet",
        .title = "Add an entity facet",
        .description =
            "Adds an entity facet: the IFC class (upper case, such as IFCWALL; written "
            "in upper case for you) and optionally its predefined type. In applicability "
            "it selects elements of that class (at most one entity facet there); in "
            "requirements it demands it." FACET_COMMON_DESC,
        .input_schema = FACET_IN(
            "\"entity_name\":" TOOL_VALUE_SCHEMA("IFC class name such as IFCWALL.") ","
            "\"predefined_type\":" TOOL_VALUE_SCHEMA("Predefined type such as SOLIDWALL.") ","
            INSTR_PROP ",\"cardinality\":{\"type\":\"string\",\"description\":\"Not used: "
            "entity facets have no cardinality. Only 'required' is accepted (and "
            "ignored).\"}," TOOL_ALLOW_UNKNOWN_PROP,
            ",\"entity_name\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &entity_tool,
    },
    {
        .name = "add_property_facet",
        .title = "Add a property facet",
        .description =
            "Adds a property facet: a property (property_name) in a property set "
            "(property_set, such as Pset_WallCommon), optionally its value and data "
            "type (an IFC measure in upper case such as IFCLABEL, IFCBOOLEAN, "
            "IFCLENGTHMEASURE; needed when a value is given)." FACET_COMMON_DESC,
        .input_schema = FACET_IN(
            "\"property_set\":" TOOL_VALUE_SCHEMA("Property set name such as Pset_WallCommon.") ","
            "\"property_name\":" TOOL_VALUE_SCHEMA("Property name such as FireRating.") ","
            "\"value\":" TOOL_VALUE_SCHEMA("Required value, in SI units.") ","
            "\"data_type\":{\"type\":\"string\",\"description\":\"IFC data type in upper "
            "case, such as IFCLABEL or IFCLENGTHMEASURE; filled in for a standard property.\"}," CARD3_PROP "," URI_PROP ","
            INSTR_PROP "," TOOL_ALLOW_UNKNOWN_PROP,
            ",\"property_set\",\"property_name\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &property_tool,
    },
    {
        .name = "add_attribute_facet",
        .title = "Add an attribute facet",
        .description =
            "Adds an attribute facet: an IFC attribute (attribute_name, such as Name, "
            "Description, ObjectType) and optionally its value." FACET_COMMON_DESC,
        .input_schema = FACET_IN(
            "\"attribute_name\":" TOOL_VALUE_SCHEMA("IFC attribute name such as Name.") ","
            "\"value\":" TOOL_VALUE_SCHEMA("Required attribute value.") "," CARD3_PROP ","
            INSTR_PROP "," TOOL_ALLOW_UNKNOWN_PROP,
            ",\"attribute_name\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &attribute_tool,
    },
    {
        .name = "add_classification_facet",
        .title = "Add a classification facet",
        .description =
            "Adds a classification facet: a classification system (such as Uniclass "
            "2015) and optionally a reference value within it." FACET_COMMON_DESC,
        .input_schema = FACET_IN(
            "\"classification_system\":" TOOL_VALUE_SCHEMA("Classification system name.") ","
            "\"classification_value\":" TOOL_VALUE_SCHEMA("Classification reference, such as EF_25_10.") ","
            CARD3_PROP "," URI_PROP "," INSTR_PROP,
            ",\"classification_system\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &classification_tool,
    },
    {
        .name = "add_material_facet",
        .title = "Add a material facet",
        .description =
            "Adds a material facet: the element must have a material, optionally with a "
            "given name or category (material_value)." FACET_COMMON_DESC,
        .input_schema = FACET_IN(
            "\"material_value\":" TOOL_VALUE_SCHEMA("Material name or category.") ","
            CARD3_PROP "," URI_PROP "," INSTR_PROP,
            ""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &material_tool,
    },
    {
        .name = "add_partof_facet",
        .title = "Add a part-of facet",
        .description =
            "Adds a partOf facet: the element must be part of a parent entity "
            "(parent_entity, such as IFCBUILDINGSTOREY), optionally through one relation. "
            "Cardinality is required or prohibited." FACET_COMMON_DESC,
        .input_schema = FACET_IN(
            "\"parent_entity\":" TOOL_VALUE_SCHEMA("IFC class of the parent, such as IFCBUILDINGSTOREY.") ","
            "\"parent_predefined_type\":" TOOL_VALUE_SCHEMA("Predefined type of the parent.") ","
            "\"relation\":{\"enum\":[\"IFCRELAGGREGATES\",\"IFCRELASSIGNSTOGROUP\","
            "\"IFCRELCONTAINEDINSPATIALSTRUCTURE\",\"IFCRELNESTS\",\"IFCRELVOIDSELEMENT "
            "IFCRELFILLSELEMENT\"],\"description\":\"Relation to follow; without it every "
            "relation is followed.\"},"
            "\"cardinality\":{\"enum\":[\"required\",\"prohibited\"],\"description\":"
            "\"Requirements only: required (default) or prohibited.\"}," INSTR_PROP ","
            TOOL_ALLOW_UNKNOWN_PROP,
            ",\"parent_entity\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &partof_tool,
    },
    {
        .name = "remove_facet",
        .title = "Remove a facet",
        .description =
            "Deletes one facet of a specification, addressed by location and "
            "facet_index (0-based, as listed by get_specification). Later facets of that "
            "location move up one position. spec_id defaults to the specification most "
            "recently added or edited.",
        .input_schema =
            "{\"type\":\"object\",\"properties\":{" TOOL_SPEC_ID_PROP "," LOCATION_PROP ","
            "\"facet_index\":{\"type\":\"integer\",\"minimum\":0,\"description\":"
            "\"0-based position of the facet within its location.\"},"
            TOOL_SESSION_PROP "},\"required\":[\"location\",\"facet_index\"],"
            "\"additionalProperties\":false}",
        .output_schema =
            "{\"type\":\"object\",\"properties\":{\"status\":{\"const\":\"removed\"},"
            TOOL_OUT_SESSION "," TOOL_OUT_SPEC ",\"location\":{\"type\":\"string\"},"
            "\"facet_index\":{\"type\":\"integer\"},\"facets_left\":{\"type\":"
            "\"integer\"}},\"required\":[\"status\",\"session_id\","
            TOOL_OUT_SPEC_REQUIRED ",\"location\",\"facet_index\",\"facets_left\"]}",
        .destructive = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = remove_impl,
    },
};
const size_t tool_group_facets_count = sizeof(tool_group_facets) / sizeof(tool_group_facets[0]);
