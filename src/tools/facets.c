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

/* IFC names are upper case in IDS: a plain value, or every enumeration
 * value of a restriction (a pattern is left alone: upper-casing [a-z]
 * would change what it matches). */
static void upcase_value(ids_value *v)
{
    if (v->kind == IDS_VALUE_SIMPLE)
        upcase(v->simple);
    else if (v->kind == IDS_VALUE_RESTRICTION)
        for (size_t i = 0; i < v->n_items; i++)
            if (v->items[i].facet == IDS_XS_ENUMERATION)
                upcase(v->items[i].value);
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
    ids_spec_view *after = NULL;
    size_t spec, index = 0;
    memset(&f, 0, sizeof(f));
    f.kind = t->kind;
    ids_error_clear(&err);

    if (!tool_resolve_spec(c, r, &spec))
        goto out;
    ids_location loc = (ids_location)ids_location_from_name(tool_arg_str(c, "location"));
    if (!cardinality_arg(c, t, loc, &f, notes))
        goto out;
    /* Attributes first: the dataType gives the value's default base. */
    for (size_t i = 0; i < t->n_args; i++) {
        const facet_arg *a = &t->args[i];
        json_t *v = tool_arg(c, a->arg);
        if (a->fattr < 0 || v == NULL || json_is_null(v))
            continue;
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
    for (size_t i = 0; i < t->n_args; i++) {
        const facet_arg *a = &t->args[i];
        json_t *v = tool_arg(c, a->arg);
        if (a->param < 0 || v == NULL || json_is_null(v))
            continue;
        const char *dflt = tool_default_base(&f, (ids_param)a->param, NULL);
        if (!tool_value_from_json(c, a->arg, v, dflt, &f.params[a->param]))
            goto out;
        if (a->upper)
            upcase_value(&f.params[a->param]);
    }
    if (!tool_ifc_names_add(c, spec, &f, notes))
        goto out;
    if (!tool_check_room(c))
        goto out;
    size_t n_before = ids_facet_count(c->ts->doc, spec, loc);
    if (!tool_handles_sync_facets(c->ts, spec, loc, n_before)) {
        tool_fail(c, "Could not read the specification. Try again.");
        goto out;
    }
    ids_error_clear(&err);
    if (ids_facet_add(c->ts->doc, spec, loc, &f, &index, &err) != IDS_OK) {
        char prefix[96];
        snprintf(prefix, sizeof(prefix), "Could not add the %s facet to %s", t->label,
                 ids_location_name(loc));
        tool_fail_ids(c, &err, prefix);
        goto out;
    }
    tool_mark_changed(c);
    if (tool_handles_facet_added(c->ts, spec, loc, index) == 0)
        (void)tool_handles_reset(c->ts);
    tool_memory_set_facet(c->ts, spec, loc, index);
    char h[TOOL_HANDLE_SIZE];
    tool_facet_handle(c->ts, spec, loc, index, h);
    /* A facet goes in the standard's order, so it may land before others.
     * Only then is the location read (after the add, so a plain append, the
     * usual case, reads nothing): the facets that were at index.. are now
     * at index+1.., and a view of the location one place on shows them at
     * their old positions, which is all tool_moved_json reads. */
    json_t *moved = NULL;
    if (index < n_before && ids_spec_get(c->ts->doc, spec, &after, &err) == IDS_OK &&
        after->n_facets[loc] == n_before + 1) {
        ids_spec_view was = *after;
        was.facets[loc] = after->facets[loc] + 1;
        was.n_facets[loc] = n_before;
        moved = tool_moved_json(c->ts, spec, loc, &was, index, +1);
    } else {
        moved = json_array();
    }
    /* From the counts, so the text is right even when memory ran out for
     * the list. */
    bool moved_some = index < n_before;
    json_object_set_new(r, "status", json_string("added"));
    json_object_set_new(r, "facet_id", json_string(h));
    json_object_set_new(r, "kind", json_string(ids_facet_kind_name(t->kind)));
    json_object_set_new(r, "location", json_string(ids_location_name(loc)));
    json_object_set_new(r, "facet_index", json_integer((json_int_t)index));
    json_object_set_new(r, "facet", tool_facet_to_json(c->ts, spec, loc, &f, index));
    json_object_set_new(r, "moved", moved);
    json_object_set_new(r, "notes", notes);
    notes = NULL;
    tool_ok(c, r, "Added %s facet %s to %s of specification %s (facet_index %zu%s). Pass "
                  "facet_id %s to address it; restriction tools use it when no facet is "
                  "named.",
            t->label, h, ids_location_name(loc),
            json_string_value(json_object_get(r, "spec_id")), index,
            moved_some ? "; facets after it moved down one, their facet_id is unchanged"
                        : "",
            h);
    r = NULL;
out:
    ids_spec_view_free(after);
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
    tool_facet_at at;
    ids_error err;
    ids_error_clear(&err);
    if (!tool_resolve_facet(c, r, false, &at))
        goto out;
    size_t count = at.view->n_facets[at.loc];
    json_t *removed = tool_facet_ref_json(c->ts, at.spec, at.loc, at.facet, at.index);
    if (ids_facet_remove(c->ts->doc, at.spec, at.loc, at.index, &err) != IDS_OK) {
        json_decref(removed);
        tool_fail_ids(c, &err, "Could not remove the facet");
        goto out;
    }
    tool_mark_changed(c);
    tool_handles_facet_removed(c->ts, at.spec, at.loc, at.index);
    json_t *moved = tool_moved_json(c->ts, at.spec, at.loc, at.view, at.index + 1, -1);
    json_object_set_new(r, "status", json_string("removed"));
    json_object_set_new(r, "removed", removed);
    json_object_set_new(r, "moved", moved);
    json_object_set_new(r, "facets_left", json_integer((json_int_t)count - 1));
    tool_ok(c, r, "Removed %s facet %s (%s) from %s of specification %s; later facets moved "
                  "up one position, their facet_id is unchanged.",
            ids_facet_kind_name(at.facet->kind),
            json_string_value(json_object_get(r, "facet_id")),
            json_string_value(json_object_get(r, "facet_label")), ids_location_name(at.loc),
            json_string_value(json_object_get(r, "spec_id")));
    r = NULL;
out:
    tool_facet_at_clear(&at);
    json_decref(r);
}

/* ---- update_facet ---- */

/* update_facet's arguments: the facet's parameters under the facet tools'
 * names, and its plain attributes. */
static const facet_arg update_args[] = {
    {"name", IDS_PARAM_NAME, NOP, false},
    {"predefined_type", IDS_PARAM_PREDEFINED_TYPE, NOP, false},
    {"property_set", IDS_PARAM_PROPERTY_SET, NOP, false},
    {"property_name", IDS_PARAM_BASE_NAME, NOP, false},
    {"system", IDS_PARAM_SYSTEM, NOP, false},
    {"value", IDS_PARAM_VALUE, NOP, false},
    {"data_type", NOP, IDS_FATTR_DATA_TYPE, true},
    {"relation", NOP, IDS_FATTR_RELATION, true},
    {"uri", NOP, IDS_FATTR_URI, false},
    {"instructions", NOP, IDS_FATTR_INSTRUCTIONS, false},
    {"cardinality", NOP, IDS_FATTR_CARDINALITY, false},
};

static void update_impl(tool_ctx *c)
{
    json_t *r = json_object();
    json_t *changed = json_array();
    json_t *notes = json_array();
    tool_facet_at at;
    ids_facet f;
    ids_error err;
    ids_spec_view *after = NULL;
    char list[256];
    memset(&f, 0, sizeof(f));
    memset(&at, 0, sizeof(at));
    ids_error_clear(&err);
    unsigned pmask = 0, amask = 0;
    if (!tool_resolve_facet(c, r, true, &at))
        goto out;
    f.kind = at.facet->kind;
    for (size_t i = 0; i < sizeof(update_args) / sizeof(update_args[0]); i++) {
        const facet_arg *a = &update_args[i];
        json_t *v = tool_arg(c, a->arg);
        if (v == NULL || a->fattr < 0)
            continue;
        if (!ids_facet_has_fattr(f.kind, at.loc, (ids_fattr)a->fattr)) {
            tool_fail(c, "argument '%s': a %s facet in %s has no %s%s.", a->arg,
                      ids_facet_kind_name(f.kind), ids_location_name(at.loc), a->arg,
                      at.loc == IDS_APPLICABILITY ? " (uri, instructions and cardinality are "
                                                   "for requirement facets)" : "");
            goto out;
        }
        amask |= 1u << a->fattr;
        json_array_append_new(changed, json_string(a->arg));
        if (json_is_null(v))
            continue;
        f.fattrs[a->fattr] = tool_scalar_dup(v);
        if (f.fattrs[a->fattr] == NULL) {
            tool_fail(c, "Out of memory while reading argument '%s'. Try again.", a->arg);
            goto out;
        }
        if (a->upper)
            upcase(f.fattrs[a->fattr]);
    }
    /* The value's default base: the dataType as it will be. */
    ids_facet typed = *at.facet;
    if (amask & (1u << IDS_FATTR_DATA_TYPE))
        typed.fattrs[IDS_FATTR_DATA_TYPE] = f.fattrs[IDS_FATTR_DATA_TYPE];
    for (size_t i = 0; i < sizeof(update_args) / sizeof(update_args[0]); i++) {
        const facet_arg *a = &update_args[i];
        json_t *v = tool_arg(c, a->arg);
        if (v == NULL || a->param < 0)
            continue;
        if (!ids_facet_has_param(f.kind, (ids_param)a->param)) {
            size_t used = 0;
            list[0] = '\0';
            for (size_t k = 0; k < sizeof(update_args) / sizeof(update_args[0]); k++) {
                const facet_arg *b = &update_args[k];
                bool has = b->param >= 0 ? ids_facet_has_param(f.kind, (ids_param)b->param)
                                         : ids_facet_has_fattr(f.kind, at.loc,
                                                               (ids_fattr)b->fattr);
                if (has)
                    used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
                                             used == 0 ? "" : ", ", b->arg);
            }
            tool_fail(c, "argument '%s': a %s facet has no such parameter; it takes: %s.",
                      a->arg, ids_facet_kind_name(f.kind), list);
            goto out;
        }
        pmask |= 1u << a->param;
        json_array_append_new(changed, json_string(a->arg));
        if (json_is_null(v))
            continue;
        const char *dflt = tool_default_base(&typed, (ids_param)a->param, NULL);
        if (!tool_value_from_json(c, a->arg, v, dflt, &f.params[a->param]))
            goto out;
        if ((f.kind == IDS_FACET_ENTITY || f.kind == IDS_FACET_PARTOF) &&
            a->param == IDS_PARAM_NAME)
            upcase_value(&f.params[a->param]);
    }
    if (pmask == 0 && amask == 0) {
        tool_fail(c, "Nothing to update: give at least one of name, predefined_type, "
                     "property_set, property_name, system, value, data_type, relation, uri, "
                     "instructions, cardinality (null removes an optional one).");
        goto out;
    }
    ids_facet_change change = {.facet = &f, .param_mask = pmask, .fattr_mask = amask};
    if (!tool_ifc_names_change(c, at.spec, at.loc, at.index, &change, notes))
        goto out;
    if (!tool_check_room(c))
        goto out;
    if (ids_facet_update(c->ts->doc, at.spec, at.loc, at.index, &change, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not update the facet (nothing was changed)");
        goto out;
    }
    tool_mark_changed(c);
    tool_memory_set_facet(c->ts, at.spec, at.loc, at.index);
    ids_error_clear(&err);
    if (ids_spec_get(c->ts->doc, at.spec, &after, &err) == IDS_OK &&
        at.index < after->n_facets[at.loc])
        json_object_set_new(r, "facet", tool_facet_to_json(c->ts, at.spec, at.loc,
                                                           &after->facets[at.loc][at.index],
                                                           at.index));
    json_object_set_new(r, "status", json_string("updated"));
    json_object_set_new(r, "changed", changed);
    changed = NULL;
    if (json_array_size(notes) > 0)
        json_object_set(r, "notes", notes);
    tool_ok(c, r, "Updated %s facet %s in %s of specification %s; its facet_id is "
                  "unchanged.",
            ids_facet_kind_name(f.kind), json_string_value(json_object_get(r, "facet_id")),
            ids_location_name(at.loc), json_string_value(json_object_get(r, "spec_id")));
    r = NULL;
out:
    ids_spec_view_free(after);
    facet_clear(&f);
    tool_facet_at_clear(&at);
    json_decref(changed);
    json_decref(notes);
    json_decref(r);
}

/* ---- table ---- */

#define LOCATION_PROP                                                           \
    "\"location\":{\"enum\":[\"applicability\",\"requirements\"]}"
#define CARD3_PROP                                                              \
    "\"cardinality\":{\"enum\":[\"required\",\"optional\",\"prohibited\"]}"
#define URI_PROP "\"uri\":" TOOL_S
#define INSTR_PROP "\"instructions\":" TOOL_S
#define FACET_IN(props, req)                                                    \
    TOOL_IN(TOOL_SPEC_ID_PROP "," LOCATION_PROP "," props, "\"location\"" req,  \
            "," TOOL_VALUE_DEFS)

#define FACET_OUT                                                               \
    TOOL_OUT("\"facet_id\":" TOOL_S ",\"spec_id\":" TOOL_S ",\"moved\":" TOOL_A,  \
             ",\"facet_id\",\"facet\",\"moved\"")

#define FACET_COMMON_DESC                                                       \
    " Requirements only: uri, instructions, cardinality."

static const char *const entity_aliases[] = {"name", "entity_name", "entity", "entity_name",
                                             "predefinedtype", "predefined_type", NULL};
static const char *const property_aliases[] = {
    "name", "property_name", "base_name", "property_name", "pset", "property_set",
    "propertyset_name", "property_set", "datatype", "data_type", NULL};
static const char *const attribute_aliases[] = {"name", "attribute_name", NULL};
static const char *const classification_aliases[] = {
    "system", "classification_system", "value", "classification_value",
    "reference", "classification_value", NULL};
static const char *const material_aliases[] = {"value", "material_value", "material",
                                               "material_value", "name", "material_value",
                                               NULL};
static const char *const partof_aliases[] = {
    "entity_name", "parent_entity", "entity", "parent_entity", "name", "parent_entity",
    "predefined_type", "parent_predefined_type", NULL};
static const char *const update_aliases[] = {
    "entity_name", "name", "attribute_name", "name", "parent_entity", "name",
    "parent_predefined_type", "predefined_type", "base_name", "property_name",
    "classification_system", "system", "classification_value", "value",
    "material_value", "value", NULL};

const tool_def tool_group_facets[] = {
    {
        .name = "add_entity_facet",
        .title = "Add an entity facet",
        .description =
            "Adds an entity facet: an IFC class such as IFCWALL, optionally its "
            "predefined type." FACET_COMMON_DESC,
        .input_schema = FACET_IN("\"entity_name\":" TOOL_V ",\"predefined_type\":" TOOL_V
                                 "," INSTR_PROP ",\"cardinality\":" TOOL_S
                                 "," TOOL_ALLOW_UNKNOWN_PROP,
                                 ",\"entity_name\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &entity_tool,
        .aliases = entity_aliases,
    },
    {
        .name = "add_property_facet",
        .title = "Add a property facet",
        .description =
            "Adds a property facet: property_name in property_set (Pset_WallCommon), "
            "optionally value and data_type (IFCLABEL, IFCLENGTHMEASURE, ...)."
            FACET_COMMON_DESC,
        .input_schema = FACET_IN("\"property_set\":" TOOL_V ",\"property_name\":" TOOL_V
                                 ",\"value\":" TOOL_V ",\"data_type\":" TOOL_S ","
                                 CARD3_PROP "," URI_PROP "," INSTR_PROP ","
                                 TOOL_ALLOW_UNKNOWN_PROP,
                                 ",\"property_set\",\"property_name\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &property_tool,
        .aliases = property_aliases,
    },
    {
        .name = "add_attribute_facet",
        .title = "Add an attribute facet",
        .description =
            "Adds an attribute facet: attribute_name (Name, Description, ...), "
            "optionally its value." FACET_COMMON_DESC,
        .input_schema = FACET_IN("\"attribute_name\":" TOOL_V ",\"value\":" TOOL_V ","
                                 CARD3_PROP "," INSTR_PROP "," TOOL_ALLOW_UNKNOWN_PROP,
                                 ",\"attribute_name\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &attribute_tool,
        .aliases = attribute_aliases,
    },
    {
        .name = "add_classification_facet",
        .title = "Add a classification facet",
        .description =
            "Adds a classification facet: classification_system, optionally a "
            "classification_value." FACET_COMMON_DESC,
        .input_schema = FACET_IN("\"classification_system\":" TOOL_V
                                 ",\"classification_value\":" TOOL_V "," CARD3_PROP ","
                                 URI_PROP "," INSTR_PROP,
                                 ",\"classification_system\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &classification_tool,
        .aliases = classification_aliases,
    },
    {
        .name = "add_material_facet",
        .title = "Add a material facet",
        .description =
            "Adds a material facet, optionally with a material_value (name or "
            "category)." FACET_COMMON_DESC,
        .input_schema = FACET_IN("\"material_value\":" TOOL_V "," CARD3_PROP "," URI_PROP
                                 "," INSTR_PROP,
                                 ""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &material_tool,
        .aliases = material_aliases,
    },
    {
        .name = "add_partof_facet",
        .title = "Add a part-of facet",
        .description =
            "Adds a partOf facet: the element is part of parent_entity "
            "(IFCBUILDINGSTOREY, ...), optionally through a relation." FACET_COMMON_DESC,
        .input_schema = FACET_IN("\"parent_entity\":" TOOL_V ",\"parent_predefined_type\":"
                                 TOOL_V ",\"relation\":{\"enum\":[\"IFCRELAGGREGATES\","
                                 "\"IFCRELASSIGNSTOGROUP\","
                                 "\"IFCRELCONTAINEDINSPATIALSTRUCTURE\",\"IFCRELNESTS\","
                                 "\"IFCRELVOIDSELEMENT IFCRELFILLSELEMENT\"],"
                                 "\"description\":\"Default: any.\"},"
                                 "\"cardinality\":{\"enum\":[\"required\","
                                 "\"prohibited\"]}," INSTR_PROP ","
                                 TOOL_ALLOW_UNKNOWN_PROP,
                                 ",\"parent_entity\""),
        .output_schema = FACET_OUT,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_facet,
        .data = &partof_tool,
        .aliases = partof_aliases,
    },
    {
        .name = "update_facet",
        .title = "Change a facet",
        .description =
            "Changes a facet in place (parameters, also under the add tools' names, and "
            "attributes); null removes an optional one. Its facet_id stays.",
        .input_schema = TOOL_IN(TOOL_FACET_ADDRESS_PROPS ",\"name\":" TOOL_VN
                                ",\"predefined_type\":" TOOL_VN ",\"property_set\":"
                                TOOL_VN ",\"property_name\":" TOOL_VN ",\"system\":"
                                TOOL_VN ",\"value\":" TOOL_VN ",\"data_type\":{\"type\":"
                                "[\"string\",\"null\"]},\"relation\":{\"type\":"
                                "[\"string\",\"null\"]},\"uri\":{\"type\":[\"string\","
                                "\"null\"]},\"instructions\":{\"type\":[\"string\","
                                "\"null\"]},\"cardinality\":{\"enum\":[\"required\","
                                "\"optional\",\"prohibited\",null]},"
                                TOOL_ALLOW_UNKNOWN_PROP,
                                "", "," TOOL_VALUE_DEFS_N),
        .output_schema = TOOL_OUT("\"facet_id\":" TOOL_S ",\"changed\":" TOOL_A,
                                  ",\"facet_id\",\"changed\""),
        .idempotent = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = update_impl,
        .aliases = update_aliases,
    },
    {
        .name = "remove_facet",
        .title = "Remove a facet",
        .description =
            "Deletes a facet named by facet_id (or location and facet_index); the result "
            "lists the facets that moved.",
        .input_schema = TOOL_IN(TOOL_FACET_ADDRESS_PROPS, "", ""),
        .output_schema = TOOL_OUT("\"removed\":" TOOL_O ",\"moved\":" TOOL_A,
                                  ",\"removed\",\"moved\""),
        .destructive = true,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = remove_impl,
    },
};
const size_t tool_group_facets_count = sizeof(tool_group_facets) / sizeof(tool_group_facets[0]);
