/*
 * catalogue.c - the tool table, tools/list and tools/call.
 *
 * The table is the concatenation of the group files' arrays in a fixed
 * order (document, specification, facets, restrictions, session, ifc), so the
 * listing is stable across runs and builds. tool_catalogue_init parses
 * every schema once, before any thread serves; afterwards the table and
 * the parsed schemas are read-only and shared by all threads.
 */
#include "tools/tools_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOOL_MAX 64 /* tools in the table */

static tool_def table[TOOL_MAX];
static json_t *inputs[TOOL_MAX];
/* The input schemas as tools/list sends them, the checks use inputs[]:
 * without the restriction object's propertyNames (its keys are said once,
 * in the server instructions, and a wrong key is still refused by name:
 * 1.5 KB of every model turn), and on the stateless wire with session_id
 * required. */
static json_t *inputs_listed[TOOL_MAX];
static json_t *inputs_stateless[TOOL_MAX];
static json_t *outputs[TOOL_MAX];
static size_t n_tools;

static bool add_group(const tool_def *group, size_t count)
{
    if (n_tools + count > TOOL_MAX)
        return false;
    memcpy(&table[n_tools], group, count * sizeof(*group));
    n_tools += count;
    return true;
}

static json_t *parse_schema(const tool_def *t, const char *text, const char *kind,
                            const char **why)
{
    static char message[512];
    json_error_t jerr;
    json_t *schema = json_loads(text, 0, &jerr);
    char wf[256];
    if (schema == NULL) {
        snprintf(message, sizeof(message), "%s: %s schema is not JSON: %s (column %d)",
                 t->name, kind, jerr.text, jerr.column);
        goto fail;
    }
    if (!tool_schema_well_formed(schema, wf, sizeof(wf))) {
        snprintf(message, sizeof(message), "%s: %s %s", t->name, kind, wf);
        goto fail;
    }
    /* An empty required list says nothing: not sent. */
    json_t *req = json_object_get(schema, "required");
    if (json_is_array(req) && json_array_size(req) == 0)
        json_object_del(schema, "required");
    if (!json_is_object(schema) ||
        strcmp(json_string_value(json_object_get(schema, "type")) != NULL
                   ? json_string_value(json_object_get(schema, "type")) : "",
               "object") != 0) {
        snprintf(message, sizeof(message), "%s: %s schema must be of type object",
                 t->name, kind);
        goto fail;
    }
    return schema;
fail:
    json_decref(schema);
    if (why != NULL)
        *why = message;
    return NULL;
}

bool tool_catalogue_init(const char **why)
{
    tool_catalogue_cleanup();
    if (!add_group(tool_group_document, tool_group_document_count) ||
        !add_group(tool_group_specification, tool_group_specification_count) ||
        !add_group(tool_group_facets, tool_group_facets_count) ||
        !add_group(tool_group_restrictions, tool_group_restrictions_count) ||
        !add_group(tool_group_session, tool_group_session_count) ||
        !add_group(tool_group_ifc_schema, tool_group_ifc_schema_count) ||
        !add_group(tool_group_ifc, tool_group_ifc_count) ||
        !add_group(tool_group_view, tool_group_view_count)) {
        if (why != NULL)
            *why = "more tools than TOOL_MAX";
        tool_catalogue_cleanup();
        return false;
    }
    for (size_t i = 0; i < n_tools; i++) {
        unsigned flags = table[i].flags;
        /* A body, and flags that make sense together: needing a document
         * or minting a session presumes resolving one. */
        if (table[i].impl == NULL ||
            ((flags & (TOOL_NEEDS_DOC | TOOL_MAY_MINT)) && !(flags & TOOL_USES_SESSION))) {
            if (why != NULL)
                *why = "a tool without a body, or with flags that contradict each other";
            tool_catalogue_cleanup();
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(table[i].name, table[j].name) == 0) {
                if (why != NULL)
                    *why = "two tools share a name";
                tool_catalogue_cleanup();
                return false;
            }
        }
        inputs[i] = parse_schema(&table[i], table[i].input_schema, "input", why);
        if (inputs[i] == NULL)
            goto fail;
        inputs_listed[i] = json_deep_copy(inputs[i]);
        if (inputs_listed[i] != NULL)
            json_object_del(json_object_get(json_object_get(inputs_listed[i], "$defs"), "v"),
                            "propertyNames");
        inputs_stateless[i] = json_deep_copy(inputs_listed[i]);
        json_t *sid = json_object_get(json_object_get(inputs_stateless[i], "properties"),
                                      "session_id");
        if (inputs_stateless[i] == NULL) {
            if (why != NULL)
                *why = "out of memory";
            goto fail;
        }
        /* create_ids and load_ids start a session: for them it is optional.
         * Listed as required, which says it in 13 bytes and lets a client
         * check before sending; the checks use inputs[], so a call without
         * it still gets the runtime's explanation of this wire. */
        if (json_is_object(sid) && !(table[i].flags & TOOL_MAY_MINT)) {
            json_t *req = json_object_get(inputs_stateless[i], "required");
            if (req == NULL) {
                req = json_array();
                if (json_object_set_new(inputs_stateless[i], "required", req) != 0)
                    req = NULL;
            }
            if (req == NULL || json_array_append_new(req, json_string("session_id")) != 0) {
                if (why != NULL)
                    *why = "out of memory";
                goto fail;
            }
        }
        if (table[i].output_schema != NULL) {
            outputs[i] = parse_schema(&table[i], table[i].output_schema, "output", why);
            if (outputs[i] == NULL)
                goto fail;
        }
    }
    return true;
fail:
    tool_catalogue_cleanup();
    return false;
}

void tool_catalogue_cleanup(void)
{
    for (size_t i = 0; i < TOOL_MAX; i++) {
        json_decref(inputs[i]);
        json_decref(inputs_listed[i]);
        json_decref(inputs_stateless[i]);
        json_decref(outputs[i]);
        inputs[i] = NULL;
        inputs_listed[i] = NULL;
        inputs_stateless[i] = NULL;
        outputs[i] = NULL;
    }
    n_tools = 0;
}

const tool_def *tool_catalogue(size_t *count)
{
    *count = n_tools;
    return n_tools > 0 ? table : NULL;
}

const tool_def *tool_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < n_tools; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

static size_t index_of(const tool_def *tool)
{
    if (tool == NULL || tool < table || tool >= table + n_tools)
        return TOOL_MAX;
    return (size_t)(tool - table);
}

const json_t *tool_input_schema(const tool_def *tool)
{
    size_t i = index_of(tool);
    return i < TOOL_MAX ? inputs[i] : NULL;
}

const json_t *tool_output_schema(const tool_def *tool)
{
    size_t i = index_of(tool);
    return i < TOOL_MAX ? outputs[i] : NULL;
}

json_t *tool_list_json_for(bool stateless_wire)
{
    json_t *list = json_array();
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < n_tools; i++) {
        const tool_def *t = &table[i];
        json_t *entry = json_object();
        json_t *ann = json_object();
        if (entry == NULL || ann == NULL) {
            json_decref(entry);
            json_decref(ann);
            json_decref(list);
            return NULL;
        }
        /* Only hints that differ from the defaults (readOnly false,
         * destructive true, idempotent false, openWorld true): every byte
         * of the list is read by the model. destructiveHint means nothing
         * for a read-only tool. The title is the tool's own. */
        if (t->read_only)
            json_object_set_new(ann, "readOnlyHint", json_true());
        else if (!t->destructive)
            json_object_set_new(ann, "destructiveHint", json_false());
        if (t->idempotent)
            json_object_set_new(ann, "idempotentHint", json_true());
        json_object_set_new(ann, "openWorldHint", json_boolean(t->open_world));
        json_object_set_new(entry, "name", json_string(t->name));
        json_object_set_new(entry, "title", json_string(t->title));
        json_object_set_new(entry, "description", json_string(t->description));
        json_object_set(entry, "inputSchema",
                        stateless_wire ? inputs_stateless[i] : inputs_listed[i]);
        if (outputs[i] != NULL)
            json_object_set(entry, "outputSchema", outputs[i]);
        json_object_set_new(entry, "annotations", ann);
        json_array_append_new(list, entry);
    }
    return list;
}

json_t *tool_list_json(void)
{
    return tool_list_json_for(false);
}

static void error_result(tool_result *out, const char *message)
{
    json_t *error = json_pack("{s:s}", "message", message);
    out->structured = json_object();
    json_object_set_new(out->structured, "error", error);
    out->text = strdup(message);
    out->is_error = true;
}

/* A result whose text is not UTF-8 cannot be sent: JSON carries only
 * UTF-8, and failing the whole request (a protocol error) would hide what
 * happened. Text can come from outside UTF-8 through file paths (realpath
 * of a folder with such a name). An error keeps its message with the
 * stray bytes shown as U+FFFD; a success becomes an error that says the
 * call was carried out, since its effect (a written file, an edit) has
 * happened. */
static void make_encodable(tool_result *out)
{
    char *shown = base_utf8_dup(out->text, strlen(out->text));
    if (shown != NULL && out->is_error) {
        json_t *error = json_object_get(out->structured, "error");
        if (json_is_object(error))
            json_object_set_new(error, "message", json_string(shown));
        free(out->text);
        out->text = shown;
        free(out->structured_json);
        out->structured_json = NULL;
        return;
    }
    char *message = NULL;
    if (shown != NULL) {
        char head[240];
        base_utf8_copy(head, sizeof(head), shown, strlen(shown));
        size_t n = strlen(head) + 400;
        message = malloc(n);
        if (message != NULL)
            snprintf(message, n,
                     "The call was carried out, but its result holds text that is not "
                     "UTF-8 and cannot be sent as it is (a file or folder name?). Call "
                     "get_ids_info to see the document's state. The result began: %s",
                     head);
    }
    tool_result_clear(out);
    error_result(out, message != NULL ? message
                                      : "Out of memory while building the result. Try again.");
    free(message);
    free(shown);
}

void tool_call(const tool_def *tool, json_t *args, tool_env *env,
               tool_result *out)
{
    out->structured = NULL;
    out->text = NULL;
    out->structured_json = NULL;
    out->is_error = false;
    env->minted_session_id[0] = '\0';
    env->used_session_id[0] = '\0';
    env->document_changed = false;

    if (tool == NULL) {
        error_result(out, "Unknown tool. Call tools/list for the tools this server has.");
        return;
    }
    if (args != NULL && !json_is_object(args)) {
        char message[256];
        snprintf(message, sizeof(message),
                 "Invalid arguments for %s: the arguments must be a JSON object of "
                 "named arguments.", tool->name);
        error_result(out, message);
        return;
    }
    const json_t *schema = tool_input_schema(tool);
    /* The arguments are the transport's: normalise a copy, and copy only
     * when something is to change (most calls are already normal, and the
     * copy cost a tenth of a small call). The tools only read them. */
    bool normal = args == NULL || schema == NULL ||
                  tool_schema_is_normal(schema, args, tool->aliases);
    json_t *mine = args == NULL ? json_object() : normal ? json_incref(args)
                                                       : json_deep_copy(args);
    json_t *notes = json_array();
    if (mine == NULL || notes == NULL) {
        json_decref(mine);
        json_decref(notes);
        error_result(out, "Out of memory while reading the arguments. Try again.");
        return;
    }
    if (schema != NULL) {
        char why[1024];
        if (!normal)
            tool_schema_normalize(schema, mine, tool->aliases, notes);
        if (!tool_schema_validate(schema, mine, why, sizeof(why))) {
            char message[1400];
            snprintf(message, sizeof(message),
                     "Invalid arguments for %s: %s. Fix the argument and call %s again.",
                     tool->name, why, tool->name);
            error_result(out, message);
            json_decref(mine);
            json_decref(notes);
            return;
        }
    }
    tool_run(tool, mine, notes, env, out);
    json_decref(mine);
    json_decref(notes);
    if (out->is_error && (out->structured == NULL || out->text == NULL)) {
        tool_result_clear(out);
        error_result(out, "Out of memory while building the result. Try again.");
        return;
    }
    /* A success stands whatever memory is left to describe it (it may
     * have changed the document); without a text the transport writes a
     * short one. */
    if (out->text == NULL)
        return;
    if (!base_utf8_valid(out->text, strlen(out->text)))
        make_encodable(out);
}

void tool_result_clear(tool_result *result)
{
    if (result == NULL)
        return;
    json_decref(result->structured);
    free(result->text);
    free(result->structured_json);
    result->structured = NULL;
    result->text = NULL;
    result->structured_json = NULL;
    result->is_error = false;
}
