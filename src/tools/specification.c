/*
 * specification.c - add_specification, get_specification,
 * update_specification, remove_specification.
 *
 * Usage (required / optional / prohibited) is what people mean; IDS
 * writes it as applicability minOccurs/maxOccurs. The tools take either,
 * refuse combinations the standard does not have, and always write both
 * attributes (the IDS reference: omitted attributes mean 1/1, which the
 * audit tool rejects). A new specification is "required" unless told
 * otherwise, as in the engine; the Python server defaulted to optional,
 * which with no requirement facets is an audit error (S5).
 */
#include "tools/tools_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- ifc_versions ---- */

static const char *const ifc_versions[] = {"IFC2X3", "IFC4", "IFC4X3_ADD2", NULL};

/* Appends one token, normalized, to buf; false and a failure when unknown. */
static bool add_version(tool_ctx *c, const char *token, size_t len, char *buf,
                        size_t size, unsigned *seen)
{
    char up[32];
    if (len >= sizeof(up))
        len = sizeof(up) - 1;
    for (size_t i = 0; i < len; i++)
        up[i] = (char)toupper((unsigned char)token[i]);
    up[len] = '\0';
    /* IFC4X3 is the name people use; IDS 1.0 only has IFC4X3_ADD2. */
    const char *name = strcmp(up, "IFC4X3") == 0 ? "IFC4X3_ADD2" : up;
    for (size_t i = 0; ifc_versions[i] != NULL; i++) {
        if (strcmp(ifc_versions[i], name) != 0)
            continue;
        if (!(*seen & (1u << i))) {
            *seen |= 1u << i;
            size_t used = strlen(buf);
            snprintf(buf + used, size - used, "%s%s", used == 0 ? "" : " ", name);
        }
        return true;
    }
    char shown[48];
    tool_fail(c, "argument 'ifc_versions' has an unknown IFC version '%s'; IDS 1.0 allows: "
                 "IFC2X3, IFC4, IFC4X3_ADD2",
              base_utf8_copy(shown, sizeof(shown), token, len));
    return false;
}

static bool add_versions_text(tool_ctx *c, const char *text, char *buf, size_t size,
                              unsigned *seen)
{
    const char *p = text;
    while (*p != '\0') {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        const char *start = p;
        while (*p != '\0' && *p != ' ' && *p != ',' && *p != '\t')
            p++;
        if (p > start && !add_version(c, start, (size_t)(p - start), buf, size, seen))
            return false;
    }
    return true;
}

/* Normalizes the ifc_versions argument into "IFC4 IFC4X3_ADD2". */
static bool versions_arg(tool_ctx *c, char *buf, size_t size)
{
    json_t *v = tool_arg(c, "ifc_versions");
    unsigned seen = 0;
    buf[0] = '\0';
    if (json_is_string(v)) {
        if (!add_versions_text(c, json_string_value(v), buf, size, &seen))
            return false;
    } else {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
            if (!add_versions_text(c, json_string_value(item), buf, size, &seen))
                return false;
    }
    if (buf[0] == '\0') {
        tool_fail(c, "argument 'ifc_versions' must name at least one IFC version: IFC2X3, "
                     "IFC4, IFC4X3_ADD2");
        return false;
    }
    return true;
}

/* ---- usage ---- */

/* Reads usage / min_occurs / max_occurs. *given is false when none was
 * passed (min and max then stay untouched). */
static bool occurs_args(tool_ctx *c, const char **min, const char **max, bool *given)
{
    const char *usage = tool_arg_str(c, "usage");
    json_t *jmin = tool_arg(c, "min_occurs");
    json_t *jmax = tool_arg(c, "max_occurs");
    const char *mn = NULL, *mx = NULL;
    *given = usage != NULL || jmin != NULL || jmax != NULL;
    if (!*given)
        return true;
    if (jmin != NULL)
        mn = json_number_value(jmin) == 0 ? "0" : "1";
    if (jmax != NULL) {
        const char *s = json_string_value(jmax);
        mx = (s != NULL && strcmp(s, "unbounded") == 0) ? "unbounded" : "0";
    }
    if (usage != NULL) {
        const char *umin = strcmp(usage, "required") == 0 ? "1" : "0";
        const char *umax = strcmp(usage, "prohibited") == 0 ? "0" : "unbounded";
        if ((mn != NULL && strcmp(mn, umin) != 0) || (mx != NULL && strcmp(mx, umax) != 0)) {
            tool_fail(c, "usage '%s' means min_occurs %s and max_occurs %s, which "
                         "contradicts the min_occurs/max_occurs given. Pass usage alone.",
                      usage, umin, umax);
            return false;
        }
        mn = umin;
        mx = umax;
    }
    if (mn == NULL)
        mn = strcmp(mx, "0") == 0 ? "0" : "1";
    if (mx == NULL)
        mx = "unbounded";
    if (strcmp(mn, "1") == 0 && strcmp(mx, "0") == 0) {
        tool_fail(c, "min_occurs 1 with max_occurs 0 is not a usage IDS has. Use "
                     "usage required (1/unbounded), optional (0/unbounded) or prohibited "
                     "(0/0).");
        return false;
    }
    *min = mn;
    *max = mx;
    return true;
}

/* ---- identifiers ---- */

/* An identifier another specification (not skip) already has is refused:
 * spec_id by identifier would then name two specifications. */
static bool identifier_free(tool_ctx *c, const char *ident, size_t skip)
{
    if (ident == NULL || ident[0] == '\0')
        return true;
    ids_spec_ref ref;
    ids_error err;
    size_t at = 0;
    memset(&ref, 0, sizeof(ref));
    ids_error_clear(&err);
    ref.by = IDS_SPEC_BY_IDENTIFIER;
    ref.key = ident;
    /* By identifier only: one attribute per specification is read. Two
     * holders already (a loaded document) is refused too. */
    ids_status st = ids_spec_find(c->ts->doc, &ref, &at, &err);
    if (st != IDS_OK && (st == IDS_ERR_NOT_FOUND || err.code == IDS_ERR_NOT_FOUND))
        return true;
    if (st == IDS_OK && at == skip)
        return true;
    char h[TOOL_HANDLE_SIZE];
    if (st == IDS_OK)
        tool_fail(c, "argument 'identifier': specification %s (position %zu) already has "
                     "identifier '%s'. Identifiers must be unique; choose another.",
                  tool_spec_handle(c->ts, at, h), at + 1, BASE_QUOTE(ident, 80));
    else
        tool_fail(c, "argument 'identifier': '%s' is already the identifier of more than "
                     "one specification. Identifiers must be unique; choose another.",
                  BASE_QUOTE(ident, 80));
    return false;
}

/* ---- add_specification ---- */

static void add_impl(tool_ctx *c)
{
    ids_spec_fields fields;
    ids_error err;
    char versions[64];
    const char *min = "1", *max = "unbounded";
    bool given;
    size_t index = 0;
    memset(&fields, 0, sizeof(fields));
    ids_error_clear(&err);
    if (!tool_check_room(c) || !versions_arg(c, versions, sizeof(versions)) ||
        !occurs_args(c, &min, &max, &given) ||
        !identifier_free(c, tool_arg_str(c, "identifier"), (size_t)-1))
        return;
    fields.values[IDS_SPEC_NAME] = tool_arg_str(c, "name");
    fields.values[IDS_SPEC_IFC_VERSION] = versions;
    fields.values[IDS_SPEC_IDENTIFIER] = tool_arg_str(c, "identifier");
    fields.values[IDS_SPEC_DESCRIPTION] = tool_arg_str(c, "description");
    fields.values[IDS_SPEC_INSTRUCTIONS] = tool_arg_str(c, "instructions");
    fields.values[IDS_SPEC_MIN_OCCURS] = min;
    fields.values[IDS_SPEC_MAX_OCCURS] = max;
    fields.values[IDS_SPEC_REQUIREMENTS_DESCRIPTION] = tool_arg_str(c, "requirements_description");
    for (int f = 0; f < IDS_SPEC_FIELD_COUNT; f++)
        if (fields.values[f] != NULL)
            fields.set_mask |= 1u << f;
    if (ids_spec_add(c->ts->doc, &fields, &index, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not add the specification");
        return;
    }
    tool_mark_changed(c);
    if (!tool_handles_spec_added(c->ts, index))
        (void)tool_handles_reset(c->ts);
    tool_memory_set_spec(c->ts, index);
    json_t *r = json_object();
    json_object_set_new(r, "status", json_string("added"));
    tool_spec_result(c, r, index);
    json_object_set_new(r, "ifc_versions", tool_ifc_versions_json(versions));
    json_object_set_new(r, "usage", json_string(tool_usage_name(min, max)));
    json_object_set_new(r, "min_occurs", json_string(min));
    json_object_set_new(r, "max_occurs", json_string(max));
    tool_ok(c, r, "Added specification %s '%s' (position %zu, %s). Next: add facets; they "
                  "go to this specification when spec_id is left out.",
            json_string_value(json_object_get(r, "spec_id")), fields.values[IDS_SPEC_NAME],
            index + 1, tool_usage_name(min, max));
}

/* ---- get_specification ---- */

static void get_impl(tool_ctx *c)
{
    json_t *r = json_object();
    size_t index;
    ids_spec_view *view = NULL;
    ids_error err;
    ids_error_clear(&err);
    if (!tool_resolve_spec(c, r, &index))
        goto out;
    if (ids_spec_get(c->ts->doc, index, &view, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not read the specification");
        goto out;
    }
    json_t *spec = json_object();
    static const struct { ids_spec_field f; const char *key; } names[] = {
        {IDS_SPEC_NAME, "name"},
        {IDS_SPEC_IDENTIFIER, "identifier"},
        {IDS_SPEC_DESCRIPTION, "description"},
        {IDS_SPEC_INSTRUCTIONS, "instructions"},
        {IDS_SPEC_MIN_OCCURS, "min_occurs"},
        {IDS_SPEC_MAX_OCCURS, "max_occurs"},
        {IDS_SPEC_REQUIREMENTS_DESCRIPTION, "requirements_description"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (view->fields[names[i].f] != NULL)
            json_object_set_new(spec, names[i].key, json_string(view->fields[names[i].f]));
    json_object_set_new(spec, "ifc_versions", tool_ifc_versions_json(view->fields[IDS_SPEC_IFC_VERSION]));
    json_object_set_new(spec, "usage", json_string(tool_usage_name(view->fields[IDS_SPEC_MIN_OCCURS],
                                                             view->fields[IDS_SPEC_MAX_OCCURS])));
    if (view->line > 0)
        json_object_set_new(spec, "line", json_integer(view->line));
    for (int loc = 0; loc < 2; loc++) {
        if (!tool_handles_sync_facets(c->ts, index, (ids_location)loc, view->n_facets[loc])) {
            tool_fail(c, "Out of memory while reading the specification. Try again.");
            json_decref(spec);
            goto out;
        }
        json_t *list = json_array();
        for (size_t i = 0; i < view->n_facets[loc]; i++)
            json_array_append_new(list, tool_facet_to_json(c->ts, index, (ids_location)loc,
                                                            &view->facets[loc][i], i));
        json_object_set_new(spec, ids_location_name((ids_location)loc), list);
    }
    json_object_set_new(r, "specification", spec);
    ids_location mloc;
    size_t mfacet;
    if (tool_memory_facet(c->ts, index, &mloc, &mfacet) && mfacet < view->n_facets[mloc])
        json_object_set_new(r, "current_facet",
                            tool_facet_ref_json(c->ts, index, mloc,
                                                &view->facets[mloc][mfacet], mfacet));
    tool_ok(c, r, "Specification %zu '%s': %zu applicability facet(s), %zu requirement "
                  "facet(s). Address facets by facet_id.",
            index + 1, view->fields[IDS_SPEC_NAME] != NULL ? view->fields[IDS_SPEC_NAME] : "",
            view->n_facets[0], view->n_facets[1]);
    r = NULL;
out:
    ids_spec_view_free(view);
    json_decref(r);
}

/* ---- update_specification ---- */

static void update_impl(tool_ctx *c)
{
    json_t *r = json_object();
    size_t index;
    ids_spec_fields fields;
    ids_error err;
    char versions[64];
    const char *min = NULL, *max = NULL;
    bool given = false;
    json_t *changed = json_array();
    json_t *notes = json_array();
    memset(&fields, 0, sizeof(fields));
    ids_error_clear(&err);
    if (!tool_resolve_spec(c, r, &index))
        goto out;
    static const struct { ids_spec_field f; const char *arg; } plain[] = {
        {IDS_SPEC_NAME, "name"},
        {IDS_SPEC_IDENTIFIER, "identifier"},
        {IDS_SPEC_DESCRIPTION, "description"},
        {IDS_SPEC_INSTRUCTIONS, "instructions"},
        {IDS_SPEC_REQUIREMENTS_DESCRIPTION, "requirements_description"},
    };
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        json_t *v = tool_arg(c, plain[i].arg);
        if (v == NULL)
            continue;
        fields.values[plain[i].f] = json_string_value(v);
        fields.set_mask |= 1u << plain[i].f;
        json_array_append_new(changed, json_string(plain[i].arg));
    }
    if (tool_arg(c, "ifc_versions") != NULL) {
        if (!versions_arg(c, versions, sizeof(versions)))
            goto out;
        fields.values[IDS_SPEC_IFC_VERSION] = versions;
        fields.set_mask |= 1u << IDS_SPEC_IFC_VERSION;
        json_array_append_new(changed, json_string("ifc_versions"));
        if (!tool_ifc_names_versions(c, index, versions, notes))
            goto out;
    }
    if (!occurs_args(c, &min, &max, &given))
        goto out;
    if (given) {
        fields.values[IDS_SPEC_MIN_OCCURS] = min;
        fields.values[IDS_SPEC_MAX_OCCURS] = max;
        fields.set_mask |= (1u << IDS_SPEC_MIN_OCCURS) | (1u << IDS_SPEC_MAX_OCCURS);
        json_array_append_new(changed, json_string("usage"));
    }
    if (fields.set_mask == 0) {
        tool_fail(c, "Nothing to update: give at least one of name, ifc_versions, "
                     "identifier, description, instructions, usage (or min_occurs / "
                     "max_occurs), requirements_description.");
        goto out;
    }
    if ((fields.set_mask & (1u << IDS_SPEC_IDENTIFIER)) &&
        !identifier_free(c, fields.values[IDS_SPEC_IDENTIFIER], index))
        goto out;
    if (!tool_check_room(c))
        goto out;
    if (ids_spec_update(c->ts->doc, index, &fields, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not update the specification (nothing was changed)");
        goto out;
    }
    tool_mark_changed(c);
    /* The identifier or name may have changed: report them as they are now. */
    json_object_del(r, "identifier");
    tool_spec_result(c, r, index);
    json_object_set_new(r, "status", json_string("updated"));
    json_object_set_new(r, "changed", changed);
    changed = NULL;
    if (json_array_size(notes) > 0)
        json_object_set(r, "notes", notes);
    tool_ok(c, r, "Updated specification %zu.", index + 1);
    r = NULL;
out:
    json_decref(r);
    json_decref(changed);
    json_decref(notes);
}

/* ---- remove_specification ---- */

static void remove_impl(tool_ctx *c)
{
    json_t *r = json_object();
    size_t index;
    ids_error err;
    ids_error_clear(&err);
    /* Naming a specification to delete it does not make it "the one being
     * edited": keep the remembered one, adjusted below. */
    unsigned last = c->ts->current_spec;
    if (!tool_resolve_spec(c, r, &index))
        goto out;
    c->ts->current_spec = last;
    if (ids_spec_remove(c->ts->doc, index, &err) != IDS_OK) {
        tool_fail_ids(c, &err, "Could not remove the specification");
        goto out;
    }
    tool_mark_changed(c);
    tool_handles_spec_removed(c->ts, index);
    size_t left = ids_spec_count(c->ts->doc);
    json_object_set_new(r, "status", json_string("removed"));
    json_object_set_new(r, "specification_count", json_integer((json_int_t)left));
    if (left == 0) {
        json_object_set_new(r, "warning", json_string(
            "The document has no specification now, and IDS 1.0 requires at least one: "
            "it is invalid until add_specification adds one."));
        tool_ok(c, r, "Removed specification %s; none is left, so the document is invalid "
                      "until you add one.", json_string_value(json_object_get(r, "spec_id")));
    } else {
        tool_ok(c, r, "Removed specification %s; %zu left. Handles of the others are "
                      "unchanged; later positions moved up one.",
                json_string_value(json_object_get(r, "spec_id")), left);
    }
    r = NULL;
out:
    json_decref(r);
}

/* ---- table ---- */

#define VERSIONS_PROP                                                          \
    "\"ifc_versions\":{\"type\":[\"array\",\"string\"],\"minItems\":1,"      \
    "\"items\":{\"type\":\"string\"},\"description\":\"IFC2X3, IFC4, "        \
    "IFC4X3_ADD2: a list, or one space-separated string.\"}"
#define OCCURS_PROPS(nullable)                                                 \
    "\"usage\":{\"enum\":[\"required\",\"optional\",\"prohibited\"],"        \
    "\"description\":\"Default required: some applicable element must "     \
    "exist; prohibited: none may. Or min_occurs and max_occurs.\"},"          \
    "\"min_occurs\":{\"type\":\"integer\",\"enum\":[0,1]},"                     \
    "\"max_occurs\":{\"type\":[\"integer\",\"string\"],\"enum\":[0,"         \
    "\"unbounded\"]},"                                                         \
    "\"identifier\":{\"type\":" nullable ",\"description\":\"Unique, such "  \
    "as S1.\"},\"description\":{\"type\":" nullable "},"                     \
    "\"instructions\":{\"type\":" nullable "},"                                \
    "\"requirements_description\":{\"type\":" nullable "}"

const tool_def tool_group_specification[] = {
    {
        .name = "add_specification",
        .title = "Add a specification",
        .description =
            "Appends a specification (applicability facets select elements, requirement "
            "facets check them). Returns its spec_id, the default for facet tools.",
        .input_schema = TOOL_IN("\"name\":{\"type\":\"string\",\"minLength\":1},"
                                VERSIONS_PROP "," OCCURS_PROPS("\"string\""),
                                "\"name\",\"ifc_versions\"", ""),
        .output_schema = TOOL_OUT("\"status\":" TOOL_S "," TOOL_OUT_SPEC ",\"usage\":" TOOL_S,
                                  ",\"spec_id\""),
        .read_only = false,
        .destructive = false,
        .idempotent = false,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = add_impl,
    },
    {
        .name = "get_specification",
        .title = "Show one specification",
        .description =
            "Returns one specification in full: attributes, usage, and every facet with "
            "its facet_id, parameters and attributes.",
        .input_schema = TOOL_IN(TOOL_SPEC_ID_PROP, "", ""),
        .output_schema = TOOL_OUT(TOOL_OUT_SPEC ",\"specification\":" TOOL_O,
                                  ",\"spec_id\",\"specification\""),
        .read_only = true,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = get_impl,
    },
    {
        .name = "update_specification",
        .title = "Update a specification",
        .description =
            "Changes the attributes given; null clears an optional one.",
        .input_schema = TOOL_IN(TOOL_SPEC_ID_PROP ",\"name\":{\"type\":\"string\","
                                "\"minLength\":1}," VERSIONS_PROP ","
                                OCCURS_PROPS("[\"string\",\"null\"]") ","
                                TOOL_ALLOW_UNKNOWN_PROP,
                                "", ""),
        .output_schema = TOOL_OUT("\"status\":" TOOL_S "," TOOL_OUT_SPEC ",\"changed\":"
                                  TOOL_A, ",\"spec_id\",\"changed\""),
        .read_only = false,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = update_impl,
    },
    {
        .name = "remove_specification",
        .title = "Remove a specification",
        .description =
            "Deletes a specification and its facets. Other handles stay; positions "
            "after it move up one.",
        .input_schema = TOOL_IN("\"spec_id\":{\"type\":[\"string\",\"integer\"],"
                                "\"description\":\"Handle (S1...), identifier, name or "
                                "1-based position.\"}",
                                "\"spec_id\"", ""),
        .output_schema = TOOL_OUT("\"status\":" TOOL_S "," TOOL_OUT_SPEC
                                  ",\"specification_count\":" TOOL_I ",\"warning\":" TOOL_S,
                                  ",\"specification_count\""),
        .read_only = false,
        .destructive = true,
        .idempotent = false,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = remove_impl,
    },
};
const size_t tool_group_specification_count =
    sizeof(tool_group_specification) / sizeof(tool_group_specification[0]);
