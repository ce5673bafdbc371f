/*
 * resources.c - each session's IDS document as an MCP resource.
 *
 * One resource template, ids://session/{session_id}, names the document of
 * any session; the id is the 128-bit handle the tools already hand out, so
 * knowing the URI is the same capability as knowing the session. The
 * resource list names only the connection's own session (the stdio
 * process's, or the legacy HTTP session's), never the rest of the store,
 * and only once it holds a document.
 */
#include "mcp/mcp_internal.h"

#include <stdlib.h>
#include <string.h>

static bool title_allowed(const mcp_request *req)
{
    /* BaseMetadata.title arrived with 2025-06-18. */
    return strcmp(req->version, MCP_VERSION_2025_06_18) >= 0;
}

static bool is_session_id(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return i == SESSION_ID_LEN;
}

void mcp_resources_list(mcp_request *req, mcp_outcome *out)
{
    mcp_conn *conn = req->conn;
    json_t *list;
    json_t *item;
    session_info info;
    char uri[sizeof MCP_RESOURCE_SCHEME + SESSION_ID_SIZE];

    if (mcp_refuse_cursor(req, out))
        return;
    list = json_array();
    if (!list)
        goto nomem;
    /* Only a document that exists: a session without one (a legacy HTTP
     * session before create_ids, or after close_session) has nothing to
     * read, and its size is 0 (session_set_bytes). */
    if (conn->session_id[0] && conn->server->store &&
        session_get_info(conn->server->store, conn->session_id, &info) == SESSION_OK &&
        info.bytes > 0) {
        strcpy(uri, MCP_RESOURCE_SCHEME);
        strcat(uri, conn->session_id);
        item = json_pack("{s:s, s:s, s:s, s:s}", "uri", uri,
                         "name", "ids-document",
                         "description", "The IDS document this connection is authoring",
                         "mimeType", MCP_RESOURCE_MIME);
        if (!item)
            goto nomem;
        if (title_allowed(req))
            json_object_set_new(item, "title", json_string("Current IDS document"));
        json_object_set_new(item, "size", json_integer((json_int_t)info.bytes));
        json_array_append_new(list, item);
    }
    if (req->ui_app) {
        item = mcp_app_resource_json(title_allowed(req));
        if (!item)
            goto nomem;
        json_array_append_new(list, item);
    }
    out->result = json_pack("{s:o}", "resources", list);
    return;
nomem:
    json_decref(list);
    mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
}

void mcp_resources_templates_list(mcp_request *req, mcp_outcome *out)
{
    json_t *tmpl = json_pack(
        "{s:s, s:s, s:s, s:s}", "uriTemplate", MCP_RESOURCE_TEMPLATE,
        "name", "ids-session-document",
        "description",
        "The IDS 1.0 document of a session, as XML. session_id is the value "
        "every idsd tool result reports.",
        "mimeType", MCP_RESOURCE_MIME);

    if (mcp_refuse_cursor(req, out)) {
        json_decref(tmpl);
        return;
    }
    if (!tmpl) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return;
    }
    if (title_allowed(req))
        json_object_set_new(tmpl, "title", json_string("IDS document of a session"));
    out->result = json_pack("{s:[o, o]}", "resourceTemplates", tmpl,
                            mcp_ifc_template_json(title_allowed(req)));
}

void mcp_resources_read(mcp_request *req, mcp_outcome *out)
{
    json_t *uri = req->params ? json_object_get(req->params, "uri") : NULL;
    const char *s, *id;
    session_status st = SESSION_NOT_FOUND;
    char *xml = NULL;
    size_t len = 0;
    json_t *text;

    if (!json_is_string(uri)) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, NULL,
                          "Invalid params: resources/read needs \"uri\" (a string)");
        return;
    }
    if (mcp_ifc_resource_read(req, out, uri))
        return;
    s = json_string_value(uri);
    if (strncmp(s, MCP_APP_SCHEME, strlen(MCP_APP_SCHEME)) == 0) {
        mcp_app_read(req, out, uri);
        return;
    }
    id = strncmp(s, MCP_RESOURCE_SCHEME, strlen(MCP_RESOURCE_SCHEME)) == 0
             ? s + strlen(MCP_RESOURCE_SCHEME)
             : NULL;
    if (id && is_session_id(id) && req->conn->server->store)
        st = tool_session_document_xml(req->conn->server->store, id, &xml, &len);
    /* 2026-07-28 answers a missing resource with -32602 and the uri; the
     * older revisions' -32002 is reserved now, and clients of every
     * revision accept this. */
    if (st == SESSION_NOT_FOUND) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, json_pack("{s:O}", "uri", uri),
                          "Resource not found: %s (expected %s with a "
                          "session_id from a tool result)", BASE_QUOTE(s, 200),
                          MCP_RESOURCE_TEMPLATE);
        goto out;
    }
    if (st != SESSION_OK) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL,
                          "Internal error: could not read the session (%s)",
                          session_status_name(st));
        goto out;
    }
    if (!xml) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, json_pack("{s:O}", "uri", uri),
                          "Resource not found: the session has no document yet "
                          "(call create_ids or load_ids first)");
        goto out;
    }
    text = json_stringn(xml, len);
    if (!text) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL,
                          "Internal error: the document is not valid UTF-8");
        goto out;
    }
    out->result = json_pack("{s:[{s:O, s:s, s:o}]}", "contents", "uri", uri,
                            "mimeType", MCP_RESOURCE_MIME, "text", text);
out:
    free(xml);
}
