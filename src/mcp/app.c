/*
 * app.c - the MCP App of idsd: the view of a session's document as a
 * ui:// resource for hosts of the MCP Apps extension
 * (io.modelcontextprotocol/ui, SEP-1865).
 *
 * What a client of the extension sees, and no other client does: the
 * extension in the server's capabilities, the resource ui://idsd/view in
 * resources/list, _meta.ui.resourceUri on the tools that read, validate
 * or check (tool_links_view), and the app-only tool render_ids_view with
 * visibility ["app"] (a host keeps it from the model). Any client may
 * still read the resource or call the tool: neither changes anything.
 *
 * The resource is one page (view_html_page) whose own script shows a body
 * it is given, plus the bridge below: it speaks the extension's JSON-RPC
 * over postMessage with the host (ui/initialize, then
 * ui/notifications/initialized), learns the session from the tool result
 * the host hands it (structuredContent.session_id), and from then on asks
 * render_ids_view through the host every POLL_MS with the revision it
 * shows, so an edit shows within about that time and an unchanged
 * document costs one small call. The extension lets a view call tools
 * and read resources through its host, not subscribe, so asking is how a
 * view learns of edits made by the model's own later calls.
 */
#include "mcp/mcp_internal.h"

#include <stdlib.h>
#include <string.h>

/* The bridge: program text, hashed into the page's CSP by view_html_page.
 * It holds neither "</script" nor "<!--" (view_html_page refuses those).
 * POLL_MS: 400 (ms between asks while the view is shown). */
static const char bridge_script[] =
    "(function(){'use strict';"
    "var host=window.parent;if(!host||host===window)return;"
    "var next=1,pending={},sid=null,rev=null,busy=false,stopped=false,timer=null;"
    "function send(m){host.postMessage(m,'*');}"
    "function request(method,params){var id=next++;"
    "send({jsonrpc:'2.0',id:id,method:method,params:params});"
    "return new Promise(function(ok,no){pending[id]={ok:ok,no:no};});}"
    "function notify(method,params){send({jsonrpc:'2.0',method:method,params:params||{}});}"
    "function refresh(){if(!sid||busy||stopped||document.hidden)return;busy=true;"
    "var a={session_id:sid};if(rev!==null)a.revision=rev;"
    "request('tools/call',{name:'render_ids_view',arguments:a}).then(function(r){"
    "var sc=r&&r.structuredContent;if(!sc||r.isError)return;"
    "if(sc.changed&&typeof sc.html==='string')window.idsdView.show(sc.html);"
    "if(typeof sc.revision==='number')rev=sc.revision;},function(){})"
    ".then(function(){busy=false;});}"
    "function adopt(s){if(typeof s==='string'&&s!==sid){sid=s;rev=null;}}"
    "window.addEventListener('message',function(ev){"
    "if(ev.source!==host)return;var m=ev.data;if(!m||m.jsonrpc!=='2.0')return;"
    "if(m.method===undefined){var p=pending[m.id];if(!p)return;delete pending[m.id];"
    "if(m.error)p.no(m.error);else p.ok(m.result);return;}"
    "var q=m.params||{};"
    "if(m.method==='ui/notifications/tool-result'){"
    "adopt(q.structuredContent&&q.structuredContent.session_id);refresh();return;}"
    "if(m.method==='ui/notifications/tool-input'){"
    "if(!sid)adopt(q.arguments&&q.arguments.session_id);refresh();return;}"
    "if(m.id===undefined)return;"
    "if(m.method==='ui/resource-teardown'){stopped=true;clearInterval(timer);"
    "send({jsonrpc:'2.0',id:m.id,result:{}});return;}"
    "if(m.method==='ping'){send({jsonrpc:'2.0',id:m.id,result:{}});return;}"
    "send({jsonrpc:'2.0',id:m.id,error:{code:-32601,message:'Method not found'}});});"
    "request('ui/initialize',{appInfo:{name:'idsd-view',version:'1'},"
    "appCapabilities:{},protocolVersion:'2026-01-26'}).then(function(){"
    "notify('ui/notifications/initialized');timer=setInterval(refresh,400);refresh();"
    "if(window.ResizeObserver){var last='',d=document.documentElement;"
    "new ResizeObserver(function(){var w=Math.ceil(d.scrollWidth),h=Math.ceil(d.scrollHeight);"
    "if(w+'x'+h===last)return;last=w+'x'+h;"
    "notify('ui/notifications/size-changed',{width:w,height:h});}).observe(d);}"
    "},function(){});"
    "})();";

bool mcp_app_client_supports(const json_t *client_capabilities)
{
    json_t *ext = json_object_get(client_capabilities, "extensions");
    json_t *ui = json_is_object(ext) ? json_object_get(ext, MCP_APP_EXTENSION) : NULL;
    json_t *types = json_is_object(ui) ? json_object_get(ui, "mimeTypes") : NULL;
    size_t i;
    json_t *t;

    json_array_foreach(types, i, t) {
        if (json_is_string(t) && strcmp(json_string_value(t), MCP_APP_MIME) == 0)
            return true;
    }
    return false;
}

bool mcp_app_decorate_tools(json_t *tools, bool ui)
{
    size_t i = 0;

    while (i < json_array_size(tools)) {
        json_t *entry = json_array_get(tools, i);
        const tool_def *def = tool_find(json_string_value(json_object_get(entry, "name")));
        bool app_only = def && (def->flags & TOOL_APP_ONLY);
        json_t *meta;

        if (!ui && app_only) {
            json_array_remove(tools, i);
            continue;
        }
        i++;
        if (!ui || !(app_only || tool_links_view(def)))
            continue;
        meta = app_only ? json_pack("{s:{s:s, s:[s]}}", "ui", "resourceUri", MCP_APP_URI,
                                    "visibility", "app")
                        : json_pack("{s:{s:s}}", "ui", "resourceUri", MCP_APP_URI);
        if (!meta || json_object_set_new(entry, "_meta", meta) != 0)
            return false;
    }
    return true;
}

json_t *mcp_app_resource_json(bool with_title)
{
    json_t *item = json_pack("{s:s, s:s, s:s, s:s}", "uri", MCP_APP_URI,
                             "name", "ids-view",
                             "description", "The session's IDS document for people, "
                             "with its findings; updates itself after each edit",
                             "mimeType", MCP_APP_MIME);

    if (item && with_title)
        json_object_set_new(item, "title", json_string("IDS view"));
    return item;
}

void mcp_app_read(mcp_request *req, mcp_outcome *out, json_t *uri)
{
    mcp_conn *conn = req->conn;
    view_page_options opts = {.extra_script = bridge_script};
    char *html = NULL;
    size_t len = 0;
    session_status st = SESSION_NOT_FOUND;
    json_t *text;

    if (strcmp(json_string_value(uri), MCP_APP_URI) != 0) {
        mcp_outcome_error(out, MCP_INVALID_PARAMS, json_pack("{s:O}", "uri", uri),
                          "Resource not found: %s (the view is %s)",
                          BASE_QUOTE(json_string_value(uri), 200), MCP_APP_URI);
        return;
    }
    /* The connection's own session when it has one (stdio, legacy HTTP),
     * so the view opens on the document; otherwise the waiting page,
     * which the bridge fills once the host hands it a tool result. */
    if (conn->session_id[0] && conn->server->store)
        st = tool_session_view(conn->server->store, conn->session_id,
                               TOOL_VIEW_PAGE, &opts, &html, &len, NULL);
    if (st != SESSION_OK) {
        view_input empty = {0};

        if (view_html_page(&empty, &opts, &html, &len) != VIEW_OK)
            html = NULL;
    }
    text = html ? json_stringn(html, len) : NULL;
    free(html);
    if (!text) {
        mcp_outcome_error(out, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
        return;
    }
    out->result = json_pack("{s:[{s:O, s:s, s:o, s:{s:{s:b}}}]}", "contents", "uri", uri,
                            "mimeType", MCP_APP_MIME, "text", text, "_meta", "ui",
                            "prefersBorder", 1);
}
