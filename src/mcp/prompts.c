/*
 * prompts.c - prompt templates that teach a model to use idsd's tools.
 *
 * author_ids turns a requirement written in plain language into an IDS
 * built step by step with the tools. The tool names in the text come from
 * the catalogue itself, so the prompt never names a tool that is not there.
 */
#include "mcp/mcp_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROMPT_AUTHOR "author_ids"
#define PROMPT_TEXT_MAX (16u * 1024u) /* bytes of the rendered prompt */

static const char *const ifc_versions[] = {"IFC2X3", "IFC4", "IFC4X3_ADD2"};

static bool valid_ifc_versions(const char *list)
{
    char buf[128];
    char *save = NULL, *tok;
    size_t n = 0;

    if (strlen(list) >= sizeof buf)
        return false;
    strcpy(buf, list);
    for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        bool known = false;

        for (size_t i = 0; i < sizeof ifc_versions / sizeof ifc_versions[0]; i++)
            known = known || strcmp(tok, ifc_versions[i]) == 0;
        if (!known)
            return false;
        n++;
    }
    return n > 0;
}

void mcp_prompts_list(mcp_request *req, mcp_outcome *out)
{
    json_t *prompt = json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:b}, {s:s, s:s, s:b}, {s:s, s:s, s:b}]}",
        "name", PROMPT_AUTHOR,
        "description",
        "Turn a requirement written in plain language into a valid IDS 1.0 "
        "document, built step by step with idsd's tools.",
        "arguments",
        "name", "requirement", "description",
        "What the IFC model must contain, in plain language (for example: "
        "every wall has a fire rating in Pset_WallCommon)", "required", 1,
        "name", "ifc_versions", "description",
        "IFC schema(s) the specification applies to: IFC2X3, IFC4 or "
        "IFC4X3_ADD2, space-separated; default IFC4", "required", 0,
        "name", "title", "description",
        "Title of the IDS document; default derived from the requirement",
        "required", 0);

    if (mcp_refuse_cursor(req, out)) {
        json_decref(prompt);
        return;
    }
    if (!prompt) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return;
    }
    if (strcmp(req->version, MCP_VERSION_2025_06_18) >= 0)
        json_object_set_new(prompt, "title", json_string("Author an IDS from a requirement"));
    out->result = json_pack("{s:[o]}", "prompts", prompt);
}

/* A string argument, or NULL when absent; false when present but not a
 * string. */
static bool string_arg(json_t *args, const char *key, const char **value)
{
    json_t *v = args ? json_object_get(args, key) : NULL;

    *value = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return false;
    *value = json_string_value(v);
    return true;
}

static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;

    if (*len >= cap - 1)
        return;
    /* A long title fills the buffer: cut it between characters. */
    va_start(ap, fmt);
    *len += base_utf8_vformat(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
}

void mcp_prompts_get(mcp_request *req, mcp_outcome *out)
{
    json_t *name = req->params ? json_object_get(req->params, "name") : NULL;
    json_t *args = req->params ? json_object_get(req->params, "arguments") : NULL;
    const char *requirement, *ifc, *title;
    const tool_def *tools;
    size_t n_tools = 0, len = 0;
    char *text = NULL;

    if (!json_is_string(name)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: prompts/get needs \"name\" (a string)");
        return;
    }
    if (strcmp(json_string_value(name), PROMPT_AUTHOR) != 0) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, json_pack("{s:O}", "name", name),
                          "Unknown prompt: %s (prompts/list names the prompts)",
                          BASE_QUOTE(json_string_value(name), 200));
        return;
    }
    if (args && !json_is_null(args) && !json_is_object(args)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: \"arguments\" must be an object of strings");
        return;
    }
    /* ifc_versions, as on the tools; ifc_version was its name before. */
    if (!string_arg(args, "requirement", &requirement) ||
        !string_arg(args, "ifc_versions", &ifc) || !string_arg(args, "title", &title)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: prompt arguments must be strings");
        return;
    }
    if (!requirement || !requirement[0]) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: argument \"requirement\" is required "
                          "(the requirement in plain language)");
        return;
    }
    if (strlen(requirement) > PROMPT_TEXT_MAX / 2) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: \"requirement\" is longer than %u bytes",
                          PROMPT_TEXT_MAX / 2);
        return;
    }
    if ((!ifc || !ifc[0]) && !string_arg(args, "ifc_version", &ifc)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: prompt arguments must be strings");
        return;
    }
    if (!ifc || !ifc[0])
        ifc = "IFC4";
    if (!valid_ifc_versions(ifc)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: \"ifc_versions\" must be IFC2X3, IFC4 or "
                          "IFC4X3_ADD2 (several separated by spaces), not \"%s\"",
                          BASE_QUOTE(ifc, 60));
        return;
    }
    text = malloc(PROMPT_TEXT_MAX);
    if (!text) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return;
    }
    text[0] = '\0';
    append(text, PROMPT_TEXT_MAX, &len,
           "Write a buildingSMART IDS 1.0 document (Information Delivery "
           "Specification) for this requirement, using the idsd tools:\n\n"
           "  %s\n\n"
           "Target IFC version: %s.\n", requirement, ifc);
    if (title && title[0])
        append(text, PROMPT_TEXT_MAX, &len, "Document title: %s.\n", title);
    append(text, PROMPT_TEXT_MAX, &len,
           "\nWork in this order:\n"
           "1. Create the document (create_ids) with a title%s; keep the "
           "session_id every result returns and pass it to later calls.\n"
           "2. Split the requirement into specifications: one per group of "
           "objects that must meet the same rules. Add each (add_specification) "
           "with ifc_versions %s and a clear name; usage (required, optional, "
           "prohibited) says whether such objects must exist. Keep the spec_id "
           "handle it returns.\n"
           "3. Applicability (location applicability) says which objects the "
           "rule is about: start with add_entity_facet (entity_name such as "
           "IFCWALL, predefined_type when the requirement narrows it), and "
           "narrow further with attribute, property, classification, material "
           "or partOf facets only when the requirement says so.\n"
           "4. Requirements (location requirements) say what those objects must "
           "carry: add_property_facet (property_set, property_name, data_type "
           "such as IFCLABEL or IFCBOOLEAN, value), add_attribute_facet "
           "(attribute_name, value), add_classification_facet "
           "(classification_system, classification_value), add_material_facet "
           "(material_value) and add_partof_facet (parent_entity, relation). "
           "Use cardinality required, optional or prohibited, and restriction "
           "objects (enumeration, pattern, min_inclusive, max_length, ...) "
           "rather than prose when several values are allowed. Each facet has "
           "a facet_id handle: pass it to update_facet, remove_facet and the "
           "restriction tools.\n"
           "5. Validate the document and fix every finding the validator "
           "reports before you finish.\n"
           "6. Show the result: read the resource ids://session/{session_id} "
           "or export it with export_ids to a path the user names.\n"
           "If a tool answers with isError, read its message: it says what was "
           "wrong and what is allowed; correct the call instead of guessing.\n",
           title && title[0] ? " (the one given above)" : " that names the requirement",
           ifc);
    tools = tool_catalogue(&n_tools);
    if (tools && n_tools) {
        append(text, PROMPT_TEXT_MAX, &len, "\nTools of this server:");
        for (size_t i = 0; i < n_tools; i++)
            append(text, PROMPT_TEXT_MAX, &len, "%s %s", i ? "," : "", tools[i].name);
        append(text, PROMPT_TEXT_MAX, &len, ".\n");
    }
    out->result = json_pack("{s:s, s:[{s:s, s:{s:s, s:s}}]}",
                            "description", "Author an IDS from a plain-language requirement",
                            "messages", "role", "user", "content", "type", "text",
                            "text", text);
    free(text);
}
