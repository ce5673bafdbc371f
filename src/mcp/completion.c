/*
 * completion.c - completion/complete, and the ifc:// resources whose
 * parameters it completes.
 *
 * Completion offers values where they can be enumerated:
 *   - author_ids's IFC version argument (a space-separated list: the last
 *     word is completed and the value returned whole, without versions
 *     already listed);
 *   - ids://session/{session_id}: the connection's own session only, never
 *     another (knowing a session id is the capability to read it);
 *   - ifc://{ifc_version}/{name}: the versions, and the classes and
 *     standard property and quantity sets of the version the context names
 *     (IFC4 when none), by prefix, any case.
 * Free text (the requirement, the title) has none. Values are at most 100
 * (the protocol's limit), with the total and hasMore.
 *
 * ifc://{ifc_version}/{name} reads as describe_ifc's result, as JSON, so a
 * client that shows resources can browse the schema.
 */
#include "ifc/ifc.h"
#include "mcp/mcp_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_VALUES 100  /* the protocol's cap on completion values */
#define MAX_WORD 128    /* longer input completes to nothing */
#define PROMPT_NAME "author_ids"

static const char *const versions[] = {"IFC2X3", "IFC4", "IFC4X3_ADD2"};

typedef struct completion {
    json_t *values;
    size_t total;
} completion;

static void offer(completion *c, const char *value)
{
    if (c->total++ < MAX_VALUES)
        json_array_append_new(c->values, json_string(value));
}

static bool has_prefix(const char *name, const char *prefix, size_t len)
{
    return strncasecmp(name, prefix, len) == 0;
}

/* The last word of a space-separated version list. */
static void complete_versions(completion *c, const char *value, bool list)
{
    const char *last = list ? strrchr(value, ' ') : NULL;
    size_t head = last != NULL ? (size_t)(last - value) + 1 : 0;
    const char *word = value + head;
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        if (!has_prefix(versions[i], word, strlen(word)))
            continue;
        /* Already in the list: not offered again. */
        bool listed = false;
        for (const char *p = value; p < value + head;) {
            size_t n = strcspn(p, " ");
            listed = listed || (n == strlen(versions[i]) && strncasecmp(p, versions[i], n) == 0);
            p += n + (p[n] == ' ');
        }
        if (listed)
            continue;
        char buf[MAX_WORD + 16];
        memcpy(buf, value, head);
        strcpy(buf + head, versions[i]);
        offer(c, buf);
    }
}

static void complete_ifc_names(completion *c, const char *version, const char *prefix)
{
    ifc_version v = IFC_IFC4;
    if (version != NULL)
        ifc_version_from_name(version, strlen(version), &v);
    const ifc_schema *s = ifc_schema_get(v);
    size_t len = strlen(prefix);
    for (size_t i = 0; i < ifc_entity_count(s); i++) {
        const char *name = ifc_entity_name(s, ifc_entity_by_name(s, i));
        if (has_prefix(name, prefix, len))
            offer(c, name);
    }
    for (size_t i = 0; i < ifc_pset_count(s); i++) {
        const char *name = ifc_pset_name(s, (ifc_pset)i);
        if (has_prefix(name, prefix, len))
            offer(c, name);
    }
}

static const char *context_arg(const mcp_request *req, const char *name)
{
    json_t *ctx = json_object_get(req->params, "context");
    return json_string_value(json_object_get(json_object_get(ctx, "arguments"), name));
}

void mcp_completion_complete(mcp_request *req, mcp_outcome *out)
{
    json_t *ref = req->params ? json_object_get(req->params, "ref") : NULL;
    json_t *arg = req->params ? json_object_get(req->params, "argument") : NULL;
    const char *type = json_string_value(json_object_get(ref, "type"));
    const char *name = json_string_value(json_object_get(arg, "name"));
    const char *value = json_string_value(json_object_get(arg, "value"));
    completion c = {json_array(), 0};

    if (!type || !name || !value) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: completion/complete needs \"ref\" {type, name "
                          "or uri} and \"argument\" {name, value}, all strings");
        goto out;
    }
    if (strcmp(type, "ref/prompt") == 0) {
        const char *prompt = json_string_value(json_object_get(ref, "name"));
        if (!prompt || strcmp(prompt, PROMPT_NAME) != 0) {
            mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                              "Invalid params: unknown prompt %s (prompts/list names "
                              "them)", BASE_QUOTE(prompt ? prompt : "", 80));
            goto out;
        }
        if (strlen(value) <= MAX_WORD &&
            (strcmp(name, "ifc_version") == 0 || strcmp(name, "ifc_versions") == 0))
            complete_versions(&c, value, true);
    } else if (strcmp(type, "ref/resource") == 0) {
        const char *uri = json_string_value(json_object_get(ref, "uri"));
        if (!uri || (strcmp(uri, MCP_RESOURCE_TEMPLATE) != 0 &&
                     strcmp(uri, MCP_IFC_TEMPLATE) != 0)) {
            mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                              "Invalid params: unknown resource template %s "
                              "(resources/templates/list names them)",
                              BASE_QUOTE(uri ? uri : "", 120));
            goto out;
        }
        bool judged = strlen(value) <= MAX_WORD;
        if (judged && strcmp(uri, MCP_RESOURCE_TEMPLATE) == 0 &&
            strcmp(name, "session_id") == 0) {
            const char *own = req->conn->session_id;
            if (own[0] != '\0' && strncmp(own, value, strlen(value)) == 0)
                offer(&c, own);
        } else if (judged && strcmp(name, "ifc_version") == 0) {
            complete_versions(&c, value, false);
        } else if (judged && strcmp(name, "name") == 0) {
            complete_ifc_names(&c, context_arg(req, "ifc_version"), value);
        }
    } else {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: ref.type must be ref/prompt or ref/resource");
        goto out;
    }
    out->result = json_pack("{s:{s:O, s:I, s:b}}", "completion", "values", c.values, "total",
                            (json_int_t)c.total, "hasMore", c.total > MAX_VALUES);
    if (!out->result)
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
out:
    json_decref(c.values);
}

/* ---- ifc:// resources ---- */

json_t *mcp_ifc_template_json(bool with_title)
{
    json_t *t = json_pack("{s:s, s:s, s:s, s:s}", "uriTemplate", MCP_IFC_TEMPLATE, "name",
                          "ifc-schema",
                          "description",
                          "An IFC class or standard property/quantity set of one version "
                          "(IFC2X3, IFC4, IFC4X3_ADD2), as describe_ifc gives it.",
                          "mimeType", "application/json");
    if (t && with_title)
        json_object_set_new(t, "title", json_string("IFC schema entry"));
    return t;
}

bool mcp_ifc_resource_read(mcp_request *req, mcp_outcome *out, json_t *uri)
{
    const char *s = json_string_value(uri);
    char version[16];
    json_t *desc = NULL;
    char *text;

    (void)req;
    if (!s || strncmp(s, MCP_IFC_SCHEME, strlen(MCP_IFC_SCHEME)) != 0)
        return false;
    s += strlen(MCP_IFC_SCHEME);
    size_t n = strcspn(s, "/");
    if (n < sizeof version && s[n] == '/' && strlen(s + n + 1) <= MAX_WORD) {
        memcpy(version, s, n);
        version[n] = '\0';
        desc = tool_ifc_describe(version, s + n + 1);
    }
    if (!desc) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, json_pack("{s:O}", "uri", uri),
                          "Resource not found: %s (expected %s with a version IFC2X3, "
                          "IFC4 or IFC4X3_ADD2 and a class or standard set name)",
                          BASE_QUOTE(json_string_value(uri), 200), MCP_IFC_TEMPLATE);
        return true;
    }
    text = json_dumps(desc, JSON_COMPACT);
    json_decref(desc);
    if (!text) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return true;
    }
    out->result = json_pack("{s:[{s:O, s:s, s:s}]}", "contents", "uri", uri, "mimeType",
                            "application/json", "text", text);
    free(text);
    return true;
}
