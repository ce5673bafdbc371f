/*
 * view.c - the document for people (src/view) as tools and renderings:
 * describe_ids (Markdown a model shows in a chat), render_ids_view (the
 * HTML body an MCP App view shows; for the app only), and the pages the
 * MCP resource and the HTTP view serve (tool_session_view).
 *
 * Every rendering shows the document with its findings: the built-in
 * rules run afresh each time (a few milliseconds for 500 specifications;
 * the official XSD, which costs more, is left to validate_ids), so what
 * a person sees never lags behind the document. The session's last IFC
 * check (validate_ifc_model keeps it) is shown below the document.
 *
 * The revision (tool_session.revision) is what a live view compares: it
 * moves with every change of what the view shows, so a view that asks
 * with the revision it has gets "unchanged" for the price of a lock.
 */
#include "tools/tools_internal.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESCRIBE_DEFAULT_COUNT 25   /* specifications per describe_ids page */
#define DESCRIBE_MAX_COUNT 200      /* the most one call may ask for */
#define DESCRIBE_MAX_BYTES (1024u * 1024u) /* bytes of Markdown per call */

/* What the view shows of a session: its document (NULL: none yet), the
 * findings of the built-in rules and the last IFC check. The caller has
 * the session acquired. */
static view_status render(session_store *store, session *s, const tool_session *ts,
                          view_input *in, tool_view_kind kind, const view_page_options *opts,
                          char **out, size_t *len)
{
    ids_report *report = NULL;
    view_check_result check;
    view_status st;
    if (ts != NULL && ts->doc != NULL) {
        ids_error err;
        ids_error_clear(&err);
        /* Findings are an addition: a document they cannot be had for is
         * still shown. */
        if (ids_validate(ts->doc, NULL, &report, &err) != IDS_OK)
            report = NULL;
        in->doc = ts->doc;
        in->report = report;
    }
    if (s != NULL && ts != NULL && tool_session_last_check(store, s, ts->revision, &check))
        in->check = &check;
    switch (kind) {
    case TOOL_VIEW_PAGE: st = view_html_page(in, opts, out, len); break;
    case TOOL_VIEW_BODY: st = view_html_body(in, out, len); break;
    case TOOL_VIEW_MARKDOWN: st = view_markdown(in, out, len); break;
    default: st = VIEW_ERR_INVALID_ARG; break;
    }
    ids_report_free(report);
    return st;
}

/* ---- describe_ids ---- */

static void describe_impl(tool_ctx *c)
{
    size_t total = ids_spec_count(c->ts->doc);
    json_t *jfrom = tool_arg(c, "from");
    json_t *jcount = tool_arg(c, "count");
    size_t from = jfrom != NULL ? (size_t)json_integer_value(jfrom) : 1;
    size_t count = jcount != NULL ? (size_t)json_integer_value(jcount) : DESCRIBE_DEFAULT_COUNT;
    if (total > 0 && from > total) {
        tool_fail(c, "from=%zu is past the last specification: the document has %zu. "
                     "Call describe_ids with from between 1 and %zu.", from, total, total);
        return;
    }
    if (total == 0)
        from = 1;
    size_t shown = total == 0 ? 0 : total - (from - 1) < count ? total - (from - 1) : count;
    view_input in = {
        .max_bytes = DESCRIBE_MAX_BYTES,
        .spec_first = from - 1,
        .spec_count = shown,
    };
    char *md = NULL;
    size_t len = 0;
    view_status st = render(c->env->store, c->s, c->ts, &in, TOOL_VIEW_MARKDOWN, NULL, &md,
                            &len);
    if (st == VIEW_ERR_TOO_BIG) {
        tool_fail(c, "These %zu specifications take more than %u bytes of Markdown. Call "
                     "describe_ids with a smaller count.", shown, DESCRIBE_MAX_BYTES);
        return;
    }
    if (st != VIEW_OK) {
        tool_fail(c, "Could not describe the document (%s). Try again.", view_status_name(st));
        return;
    }
    json_t *r = json_pack("{s:I, s:I, s:I}", "specification_count", (json_int_t)total,
                          "from", (json_int_t)from, "count", (json_int_t)shown);
    size_t next = from + shown;
    if (r != NULL && next <= total)
        json_object_set_new(r, "next_from", json_integer((json_int_t)next));
    if (next <= total) {
        char tail[200];
        int n = snprintf(tail, sizeof(tail),
                         "\n\n_Specifications %zu to %zu of %zu shown; describe_ids with "
                         "from=%zu gives the next ones._\n", from, next - 1, total, next);
        char *more = realloc(md, len + (size_t)n + 1);
        if (more == NULL) {
            free(md);
            json_decref(r);
            tool_fail(c, "Out of memory while describing the document. Try again.");
            return;
        }
        memcpy(more + len, tail, (size_t)n + 1);
        md = more;
    }
    if (r == NULL) {
        free(md);
        tool_fail(c, "Out of memory while describing the document. Try again.");
        return;
    }
    tool_ok_text(c, r, md);
}

/* ---- render_ids_view (for the MCP App) ---- */

static void render_view_impl(tool_ctx *c)
{
    json_t *known = tool_arg(c, "revision");
    uint64_t revision = c->ts != NULL ? c->ts->revision : 0;
    json_t *r = json_pack("{s:I}", "revision", (json_int_t)revision);
    if (r == NULL) {
        tool_fail(c, "Out of memory. Try again.");
        return;
    }
    if (known != NULL && (uint64_t)json_integer_value(known) == revision) {
        json_object_set_new(r, "changed", json_false());
        tool_ok_text(c, r, strdup("Unchanged."));
        return;
    }
    view_input in = {0};
    char *html = NULL;
    size_t len = 0;
    view_status st = render(c->env->store, c->s, c->ts, &in, TOOL_VIEW_BODY, NULL, &html, &len);
    if (st != VIEW_OK) {
        json_decref(r);
        tool_fail(c, "Could not render the view (%s). Try again.", view_status_name(st));
        return;
    }
    json_object_set_new(r, "changed", json_true());
    json_object_set_new(r, "html", json_stringn(html, len));
    free(html);
    tool_ok_text(c, r, strdup("The view's new body is in structuredContent.html."));
}

const tool_def tool_group_view[] = {
    {
        .name = "describe_ids",
        .title = "Describe the IDS in words",
        .description =
            "The document in plain words as Markdown, to show the user: who each "
            "specification applies to, its requirements, validation findings. Paged: "
            "from, count.",
        .input_schema = TOOL_IN("\"from\":{\"type\":\"integer\",\"minimum\":1,"
                                "\"default\":1},\"count\":{\"type\":\"integer\","
                                "\"minimum\":1,\"maximum\":200,\"default\":25}",
                                "", ""),
        .output_schema = TOOL_OUT("", ",\"specification_count\",\"from\",\"count\""),
        .read_only = true,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_NEEDS_DOC,
        .impl = describe_impl,
    },
    {
        .name = "render_ids_view",
        .title = "Render the IDS view",
        .description =
            "For the idsd view: the HTML body of the session's view, unless revision "
            "is still current.",
        .input_schema = TOOL_IN("\"revision\":{\"type\":\"integer\",\"minimum\":0,"
                                "\"description\":\"The revision the view shows.\"}",
                                "", ""),
        .output_schema = TOOL_OUT("", ",\"revision\",\"changed\""),
        .read_only = true,
        .destructive = false,
        .idempotent = true,
        .open_world = false,
        .flags = TOOL_USES_SESSION | TOOL_APP_ONLY,
        .impl = render_view_impl,
    },
};
const size_t tool_group_view_count = sizeof(tool_group_view) / sizeof(tool_group_view[0]);

/* ---- renderings for the transports ---- */

bool tool_links_view(const tool_def *tool)
{
    return tool != NULL && tool->read_only && (tool->flags & TOOL_USES_SESSION) &&
           !(tool->flags & TOOL_APP_ONLY);
}

session_status tool_session_view(session_store *store, const char *id, tool_view_kind kind,
                                 const view_page_options *opts, char **out, size_t *len,
                                 uint64_t *revision)
{
    *out = NULL;
    if (len != NULL)
        *len = 0;
    session *s = NULL;
    session_status st = session_acquire(store, id, &s);
    if (st != SESSION_OK)
        return st;
    tool_session *ts = session_payload(s);
    view_input in = {0};
    if (revision != NULL)
        *revision = ts != NULL ? ts->revision : 0;
    if (render(store, s, ts, &in, kind, opts, out, len) != VIEW_OK) {
        *out = NULL;
        st = SESSION_NOMEM;
    }
    session_release(s);
    return st;
}
