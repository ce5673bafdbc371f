/*
 * runtime.c - the tool runtime: running a tool inside its session
 * (resolution, acquire/release on one exit path), result rendering, the
 * session payload (document plus what the session remembers for the
 * agent), close_session and the document resource.
 *
 * Resolution order (tools.h): the session_id argument, then the transport's
 * session, then - for create_ids / load_ids only - a new session. An
 * explicit session_id that is unknown is an error, never a silent new
 * session: the agent would otherwise carry on editing a document nobody
 * else can see. A mint tool does not create its session until its document
 * exists, so a failed create_ids leaves no empty session behind.
 */
#include "tools/tools_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tool_session_free(void *payload)
{
    tool_session *ts = payload;
    if (ts == NULL)
        return;
    ids_doc_free(ts->doc);
    tool_handles_free(ts);
    free(ts);
}

/* ---- results ---- */

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *buf = malloc((size_t)n + 1);
    if (buf != NULL)
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
    return buf;
}

void tool_ok(tool_ctx *c, json_t *result, const char *fmt, ...)
{
    if (c->out->structured != NULL) {
        json_decref(result);
        return;
    }
    /* NULL: memory ran out while the body described what it did. What it
     * did stands (the document may have changed), so the call is still a
     * success, with a smaller answer. */
    if (result == NULL)
        result = json_object();
    c->answered = true;
    c->out->structured = result;
    c->out->is_error = false;
    va_list ap;
    va_start(ap, fmt);
    free(c->summary);
    c->summary = vformat(fmt, ap);
    va_end(ap);
}

void tool_ok_text(tool_ctx *c, json_t *result, char *text)
{
    if (c->out->structured != NULL) {
        json_decref(result);
        free(text);
        return;
    }
    if (result == NULL)
        result = json_object();
    c->answered = true;
    c->out->structured = result;
    c->out->is_error = false;
    c->out->text = text;
}

static void fail_with(tool_ctx *c, char *message, const ids_error *err)
{
    if (c->out->structured != NULL) {
        free(message);
        return;
    }
    /* A message quotes what it was given (paths from the file system among
     * them), and JSON carries only UTF-8: show other bytes as U+FFFD
     * rather than lose the message. */
    if (message != NULL && !base_utf8_valid(message, strlen(message))) {
        char *repaired = base_utf8_dup(message, strlen(message));
        free(message);
        message = repaired;
    }
    json_t *error = json_object();
    json_t *result = json_object();
    const char *text = message != NULL ? message : "out of memory while reporting an error";
    json_object_set_new(error, "message", json_string(text));
    if (err != NULL) {
        json_object_set_new(error, "code", json_string(ids_status_name(err->code)));
        if (err->path[0] != '\0')
            json_object_set_new(error, "path", json_string(err->path));
        if (err->line > 0)
            json_object_set_new(error, "line", json_integer(err->line));
    }
    json_object_set_new(result, "error", error);
    c->answered = true;
    c->out->structured = result;
    c->out->is_error = true;
    free(c->out->text);
    c->out->text = strdup(text);
    free(message);
}

void tool_fail(tool_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *message = vformat(fmt, ap);
    va_end(ap);
    fail_with(c, message, NULL);
}

void tool_fail_ids(tool_ctx *c, const ids_error *err, const char *prefix)
{
    char where[IDS_ERROR_PATH_LEN + 32] = "";
    if (err->path[0] != '\0' && err->line > 0)
        snprintf(where, sizeof(where), " (at %s, line %d)", err->path, err->line);
    else if (err->path[0] != '\0')
        snprintf(where, sizeof(where), " (at %s)", err->path);
    else if (err->line > 0)
        snprintf(where, sizeof(where), " (line %d)", err->line);
    const char *message = err->message[0] != '\0' ? err->message
                                                   : ids_status_name(err->code);
    size_t n = strlen(prefix) + strlen(message) + strlen(where) + 4;
    char *text = malloc(n);
    if (text != NULL)
        snprintf(text, n, "%s%s%s%s", prefix, prefix[0] != '\0' ? ": " : "",
                 message, where);
    fail_with(c, text, err);
}

void tool_mark_changed(tool_ctx *c)
{
    c->changed = true;
}

void tool_view_touch(tool_ctx *c)
{
    if (c->ts != NULL)
        c->ts->revision++;
    /* Live views are told the way a document change is told. */
    c->env->document_changed = true;
}

/* Markup around one value at its deepest, indentation included, in bytes:
 * a parameter's simple value (a partOf's predefinedType takes 101), an
 * attribute (16 and its name). */
#define GROWTH_PER_VALUE 128u
/* The same for a value in a list, which becomes one restriction item
 * (<xs:enumeration value=".."/> at its deepest takes 45) or one token of
 * ifc_versions, in bytes. */
#define GROWTH_PER_ITEM 48u
/* Markup one call may create besides its values (a specification or facet
 * element, applicability/requirements, a restriction, xmlns:xs), bytes. */
#define GROWTH_PER_CALL 1024u

static size_t escaped_bound(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<': case '>': case '\t': n += 4; break;
        case '&': case '\n': case '\r': n += 5; break;
        case '"': n += 6; break;
        default: n++; break;
        }
    }
    return n;
}

static size_t values_bound(const json_t *v, bool in_list)
{
    size_t n = 0;
    size_t markup = in_list ? GROWTH_PER_ITEM : GROWTH_PER_VALUE;
    const char *key;
    json_t *item;
    size_t i;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, key, item)
            if (strcmp(key, "session_id") != 0)
                n += values_bound(item, false);
        return n;
    case JSON_ARRAY:
        json_array_foreach(v, i, item)
            n += values_bound(item, true);
        return n;
    case JSON_STRING:
        return escaped_bound(json_string_value(v)) + markup;
    case JSON_INTEGER:
    case JSON_REAL:
    case JSON_TRUE:
    case JSON_FALSE:
        return 32 + markup; /* numbers are written in at most 24 bytes */
    case JSON_NULL:
        return 0;
    }
    return 0;
}

size_t tool_growth_bound(const json_t *args)
{
    return GROWTH_PER_CALL + (args != NULL ? values_bound(args, false) : 0);
}

bool tool_check_room(tool_ctx *c)
{
    size_t limit = c->env->config != NULL ? c->env->config->max_doc_bytes : 0;
    if (limit == 0 || c->ts == NULL || c->ts->doc == NULL)
        return true;
    size_t used = c->ts->doc_bytes;
    size_t grow = tool_growth_bound(c->args);
    if (used <= limit && grow <= limit - used)
        return true;
    tool_fail(c, "This change could take the document past the size limit of this server: "
                 "it is %zu bytes as export_ids writes it, this call adds up to %zu, and "
                 "the limit is %zu. Remove specifications or facets (remove_specification, "
                 "remove_facet), split large lists of values over several smaller calls "
                 "if they fit, or export the document and start another.",
              used, grow, limit);
    return false;
}

bool tool_doc_fits(tool_ctx *c, size_t bytes)
{
    size_t limit = c->env->config != NULL ? c->env->config->max_doc_bytes : 0;
    if (limit == 0 || bytes <= limit)
        return true;
    tool_fail(c, "The document is %zu bytes as export_ids writes it (indented), more than "
                 "this server's limit of %zu bytes, so it could not be held, exported and "
                 "loaded back. Split it into smaller documents.",
              bytes, limit);
    return false;
}

bool tool_install_doc(tool_ctx *c, ids_doc *doc, size_t bytes, bool *replaced)
{
    *replaced = false;
    if (c->s == NULL) {
        session *s = NULL;
        char id[SESSION_ID_SIZE];
        session_status st = session_create(c->env->store, &s, id);
        if (st != SESSION_OK) {
            ids_doc_free(doc);
            if (st == SESSION_CAPACITY)
                tool_fail(c, "The server already holds its maximum number of sessions. "
                             "Close sessions you no longer need with close_session, "
                             "or try again later.");
            else
                tool_fail(c, "Could not start a new session (%s). Try again.",
                          session_status_name(st));
            return false;
        }
        c->s = s;
        snprintf(c->env->minted_session_id, sizeof(c->env->minted_session_id), "%s", id);
        snprintf(c->env->used_session_id, sizeof(c->env->used_session_id), "%s", id);
    }
    if (c->ts == NULL) {
        tool_session *ts = calloc(1, sizeof(*ts));
        if (ts == NULL) {
            ids_doc_free(doc);
            tool_fail(c, "Out of memory while starting the session's document. Try again.");
            return false;
        }
        session_set_payload(c->s, ts);
        c->ts = ts;
    }
    *replaced = c->ts->doc != NULL;
    ids_doc_free(c->ts->doc);
    c->ts->doc = doc;
    c->ts->doc_bytes = bytes;
    c->bytes_known = true;
    c->installed = true;
    c->ts->unexported = false;
    c->ts->current_spec = 0;
    /* A new document numbers from S1 and F1 again: its handles are what
     * its result lists, and a model that replaced a document knows the
     * old handles went with it. Without handles every later call resyncs
     * them (tool_handles_sync). */
    c->ts->next_spec = 0;
    c->ts->next_facet = 0;
    (void)tool_handles_reset(c->ts);
    tool_mark_changed(c);
    return true;
}

/* ---- running ---- */

static void render_text(tool_ctx *c)
{
    tool_result *out = c->out;
    if (out->text != NULL)
        return;
    char *json = base_json_dumps(out->structured);
    const char *summary = c->summary != NULL ? c->summary : "Done.";
    size_t summary_len = strlen(summary), json_len = json != NULL ? strlen(json) : 0;
    out->text = malloc(summary_len + json_len + 2);
    if (out->text != NULL) {
        memcpy(out->text, summary, summary_len);
        out->text[summary_len] = '\n';
        memcpy(out->text + summary_len + 1, json != NULL ? json : "", json_len + 1);
    }
    /* Kept: the reply carries the same text as structuredContent. */
    free(out->structured_json);
    out->structured_json = json;
}

/* The notes of the argument normalisation join the result's own. */
static void add_notes(tool_ctx *c)
{
    if (c->notes == NULL || json_array_size(c->notes) == 0 ||
        !json_is_object(c->out->structured))
        return;
    json_t *have = json_object_get(c->out->structured, "notes");
    if (!json_is_array(have)) {
        json_object_set(c->out->structured, "notes", c->notes);
        return;
    }
    json_array_extend(have, c->notes);
}

static void unknown_session(tool_ctx *c, const char *sid)
{
    const char *tsid = c->env->transport_session_id;
    bool other = tsid != NULL && tsid[0] != '\0' && strcmp(tsid, sid) != 0;
    tool_fail(c, "session_id '%s' is unknown or has expired: it was closed, or idle too "
                 "long (an expired session's document is gone). Check that you passed "
                 "the session_id of the latest create_ids or load_ids result exactly%s%s%s. "
                 "If the document is lost, load your last exported copy with load_ids or "
                 "start again with create_ids; either returns a new session_id.",
              BASE_QUOTE(sid, 80), other ? "; this connection's own session is " : "",
              other ? tsid : "", other ? " (leave session_id out to use it)" : "");
}

void tool_run(const tool_def *tool, json_t *args, json_t *notes, tool_env *env,
              tool_result *out)
{
    tool_ctx c;
    memset(&c, 0, sizeof(c));
    unsigned flags = tool->flags;
    json_t *empty = NULL;
    if (args == NULL) {
        empty = json_object();
        args = empty;
    }
    c.tool = tool;
    c.args = args;
    c.env = env;
    c.out = out;
    c.notes = notes;

    if (flags & TOOL_USES_SESSION) {
        const char *sid = tool_arg_str(&c, "session_id");
        const char *tsid = env->transport_session_id;
        session_status st = SESSION_NOT_FOUND;
        char why[400] = "";
        /* Models fill optional strings with "": that is "not given". */
        if (sid != NULL && sid[0] == '\0')
            sid = NULL;
        if (sid != NULL) {
            st = session_acquire_why(env->store, sid, &c.s, why, sizeof why);
            if (st == SESSION_ERR_STORE) {
                c.s = NULL;
                tool_fail(&c, "The session store is not answering (%s), so session '%s' "
                              "cannot be used right now; nothing was changed. Try the same "
                              "call again in a few seconds.",
                          why, BASE_QUOTE(sid, 80));
                goto out;
            }
            if (st != SESSION_OK) {
                c.s = NULL;
                unknown_session(&c, sid);
                goto out;
            }
        } else if (tsid != NULL && tsid[0] != '\0') {
            st = session_acquire_why(env->store, tsid, &c.s, why, sizeof why);
            if (st == SESSION_ERR_STORE) {
                c.s = NULL;
                tool_fail(&c, "The session store is not answering (%s); nothing was "
                              "changed. Try the same call again in a few seconds.", why);
                goto out;
            }
            if (st != SESSION_OK)
                c.s = NULL;
        }
        if (c.s == NULL && !(flags & TOOL_MAY_MINT)) {
            if (env->stateless_wire)
                tool_fail(&c, "session_id is missing. This wire (MCP 2026-07-28 over HTTP) "
                              "keeps no connection session, so every call must pass the "
                              "session_id that create_ids or load_ids returned, as the "
                              "session_id argument. Without one, call create_ids or "
                              "load_ids first.");
            else
                tool_fail(&c, "No IDS document in this session. Call create_ids or load_ids "
                              "first; pass the session_id they return to the other tools.");
            goto out;
        }
        if (c.s != NULL) {
            c.ts = session_payload(c.s);
            /* A session id is SESSION_ID_LEN hex digits: it fits. */
            memcpy(env->used_session_id, session_id(c.s), SESSION_ID_SIZE);
        }
        if ((flags & TOOL_NEEDS_DOC) && (c.ts == NULL || c.ts->doc == NULL)) {
            tool_fail(&c, "No IDS document in this session. Call create_ids or load_ids "
                          "first.");
            goto out;
        }
        if (c.ts != NULL && c.ts->doc != NULL && !tool_handles_sync(c.ts)) {
            tool_fail(&c, "Out of memory while reading the session. Try again.");
            goto out;
        }
    }
    for (unsigned attempts_left = TOOL_CONFLICT_RETRIES;; attempts_left--) {
        tool->impl(&c);
        if (!c.answered) {
            tool_fail(&c, "The tool finished without a result; this is a bug in idsd. "
                          "Call get_ids_info to see the document's state.");
        } else if (out->structured == NULL && (c.changed || !out->is_error)) {
            /* The body succeeded (it may have changed the document) but memory
             * ran out for every answer: say so, as a success, since that is
             * what the call was. */
            out->is_error = false;
            free(out->text);
            out->text = strdup("Done, but memory ran out while describing the result. Call "
                               "get_ids_info or get_specification to see the document.");
        }
        if (!tool_persist_change(&c, attempts_left))
            break;
    }

out:
    if (env->used_session_id[0] != '\0' && json_is_object(out->structured) &&
        json_object_get(out->structured, "session_id") == NULL)
        json_object_set_new(out->structured, "session_id",
                            json_string(env->used_session_id));
    if (!out->is_error && out->structured != NULL) {
        add_notes(&c);
        render_text(&c);
    }
    if (c.s != NULL) {
        session_count_call(c.s, out->is_error);
        if (c.changed && c.ts != NULL) {
            if (!c.bytes_known)
                c.ts->doc_bytes = c.ts->doc != NULL ? ids_doc_serialized_size(c.ts->doc) : 0;
            if (!c.installed)
                c.ts->unexported = true;
            session_set_bytes(c.s, c.ts->doc_bytes);
            c.ts->revision++;
            env->document_changed = true;
        }
        session_release(c.s);
    }
    free(c.summary);
    json_decref(empty);
}

/* ---- close_session ---- */

/* The connection's own session (legacy HTTP Mcp-Session-Id, the stdio
 * process's) outlives close_session: the client's later requests still
 * name it, so only the document goes (DELETE ends an HTTP session). Any
 * other session is removed. */
static void close_impl(tool_ctx *c)
{
    if (c->s == NULL) {
        tool_fail(c, "There is no session to close.");
        return;
    }
    bool had_doc = c->ts != NULL && c->ts->doc != NULL;
    const char *tsid = c->env->transport_session_id;
    bool own = tsid != NULL && strcmp(tsid, session_id(c->s)) == 0;
    json_t *r = json_pack("{s:s, s:s, s:b, s:b}", "status", "closed", "session_id",
                          session_id(c->s), "had_document", had_doc, "session_kept", own);
    if (own) {
        if (c->ts != NULL) {
            ids_doc_free(c->ts->doc);
            c->ts->doc = NULL;
            c->ts->doc_bytes = 0;
            c->ts->unexported = false;
            tool_handles_free(c->ts);
            c->bytes_known = true;
            c->installed = true;
            tool_mark_changed(c);
        }
        tool_ok(c, r, "The document of session %s is gone; the session stays for this "
                      "connection (create_ids or load_ids start a new document in it).",
                c->env->used_session_id);
        return;
    }
    session_remove_held(c->s);
    /* The delete is durable before the reply, as a change would be; should
     * the store fail, the row ages out with the idle TTL instead. */
    session_persist_flush(c->env->store, NULL, 0);
    tool_ok(c, r, "Session %s closed; its document is gone.", c->env->used_session_id);
}

const tool_def tool_group_session[] = {
    {
        .name = "close_session",
        .title = "Close the session",
        .description =
            "Frees the session's document (export it first). The connection's own "
            "session stays, empty.",
        .input_schema = TOOL_IN_SESSION_ONLY,
        .output_schema = TOOL_OUT("\"status\":{\"const\":\"closed\"},\"had_document\":"
                                  TOOL_B ",\"session_kept\":" TOOL_B,
                                  ",\"session_kept\""),
        .read_only = false,
        .destructive = true,
        .idempotent = false,
        .open_world = false,
        .flags = TOOL_USES_SESSION,
        .impl = close_impl,
    },
};
const size_t tool_group_session_count = sizeof(tool_group_session) / sizeof(tool_group_session[0]);

/* ---- the document resource ---- */

session_status tool_session_document_xml(session_store *store, const char *id,
                                         char **xml, size_t *len)
{
    *xml = NULL;
    if (len != NULL)
        *len = 0;
    session *s = NULL;
    session_status st = session_acquire(store, id, &s);
    if (st != SESSION_OK)
        return st;
    tool_session *ts = session_payload(s);
    if (ts != NULL && ts->doc != NULL) {
        size_t n = 0;
        ids_error err;
        ids_error_clear(&err);
        if (ids_doc_to_string(ts->doc, xml, &n, &err) != IDS_OK) {
            *xml = NULL;
            st = SESSION_NOMEM;
        } else if (len != NULL) {
            *len = n;
        }
    }
    session_release(s);
    return st;
}
